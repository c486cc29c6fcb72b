"""`rag mcp`: an MCP server on stdio (the official `mcp` SDK's MCPServer) with two tools over one
`Engine`:

    search(question, k?, mode?)                          -> the passages, as `POST /api/search` gives them
    ask(question, k?, retrieval_mode?, history?)         -> the cited answer, as `POST /api/ask` gives it

An assistant that speaks MCP (a desktop chat app, an IDE agent) starts it as a command, e.g.
`{"command": "rag", "args": ["mcp", "--corpus", "/path/to/corpus", "--index", "/path/to/index"]}`.
Standard output carries the protocol, so notes (index building) go to standard error.
"""

from __future__ import annotations

import sys
from typing import Any

from rag.api.schemas import MAX_K, AskResponse, Mode, SearchResponse
from rag.config import Settings
from rag.engine import Engine
from rag.errors import RagError
from rag.serialize import api_answer_json, api_hit_json

INSTRUCTIONS = (
    "Answers questions from a local archive of news articles. `ask` returns an answer whose claims "
    "carry [n] markers, each with its citation (title, outlet, date, the passage and the supporting "
    "quote); when the articles don't answer, it abstains and says so. `search` returns the passages "
    "that best match. Quote the citations when you use an answer."
)


def build_mcp(engine: Engine) -> Any:
    """The MCP server (an `mcp.server.MCPServer`) with the `search` and `ask` tools over `engine`."""
    from mcp.server import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    server = MCPServer("news-rag", instructions=INSTRUCTIONS)

    def info(doc_id: str) -> dict[str, Any]:
        manifest = engine.snapshot().manifest
        return manifest.document(doc_id) if manifest else {}

    def checked_k(k: int | None) -> int | None:
        if k is not None and not 1 <= k <= MAX_K:
            raise ToolError(f"k must be between 1 and {MAX_K}; got {k}")
        return k

    @server.tool()
    def search(question: str, k: int | None = None, mode: Mode | None = None) -> SearchResponse:
        """The passages of the news articles that best match a question or search text.

        Args:
            question: what to look for.
            k: how many passages (default 5).
            mode: hybrid (default: meaning and exact words), dense (meaning) or bm25 (exact words).
        """
        try:
            result = engine.search(question, k=checked_k(k), mode=mode)
        except RagError as exc:
            raise ToolError(str(exc)) from exc
        hits = [api_hit_json(h, info) for h in result.hits]
        return SearchResponse.model_validate({"query": question, "mode": result.mode, "hits": hits})

    @server.tool()
    def ask(
        question: str,
        k: int | None = None,
        retrieval_mode: Mode | None = None,
        history: list[list[str]] | None = None,
    ) -> AskResponse:
        """Answer a question from the news articles, every claim marked [n] with its citation.

        Args:
            question: the question.
            k: passages to draw on (default 5).
            retrieval_mode: hybrid (default), dense or bm25.
            history: earlier [question, answer] pairs, oldest first, for a follow-up ("why did he ...?").
        """
        turns = [(pair[0], pair[1]) for pair in history or [] if len(pair) == 2]
        try:
            answer = engine.ask(question, turns, k=checked_k(k), retrieval_mode=retrieval_mode)
        except RagError as exc:
            raise ToolError(str(exc)) from exc
        return AskResponse.model_validate(api_answer_json(answer, info))

    return server


def run(settings: Settings) -> int:
    """Build or update the index (notes on stderr), load the model, then serve MCP on stdio."""
    engine = Engine(settings)
    engine.start(note=lambda msg: print(msg, file=sys.stderr, flush=True))
    build_mcp(engine).run("stdio")
    return 0
