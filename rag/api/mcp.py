"""`rag mcp`: an MCP server on stdio (the official `mcp` SDK's MCPServer) with three tools over one
`Engine`:

    search(question, k?, mode?, filters?)                -> the passages, as `POST /api/search` gives them
    ask(question, k?, retrieval_mode?, history?, filters?) -> the cited answer, as `POST /api/ask` gives it
    timeline(question, k?, mode?, filters?)              -> each article's fact by date, as `POST /api/timeline`

The filters are `after` and `before` (yyyy-mm-dd, inclusive), `outlet` and `author` (a name or a
list of names, any case), as in `rag search`; a bad date is a tool error that names the format.

An assistant that speaks MCP (a desktop chat app, an IDE agent) starts it as a command, e.g.
`{"command": "rag", "args": ["mcp", "--corpus", "/path/to/corpus", "--index", "/path/to/index"]}`.
Standard output carries the protocol, so notes (index building) go to standard error.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

from pydantic import Field

from rag.answer.extractive import clean_question
from rag.answer.timeline import MAX_TIMELINE_K, timeline_json
from rag.api.schemas import MAX_K, AskResponse, FilteredSearchResponse, Mode, TimelineResponse
from rag.config import Settings
from rag.engine import Engine
from rag.errors import RagError
from rag.search.filters import Filters
from rag.serialize import api_answer_json, api_hit_json

# The filters, with the descriptions an assistant reads in each tool's input schema.
After = Annotated[str | None, Field(description="only articles published on or after this date (yyyy-mm-dd)")]
Before = Annotated[str | None, Field(description="only articles published on or before this date (yyyy-mm-dd)")]
Outlet = Annotated[
    str | list[str] | None, Field(description="only articles of this outlet, or of one of these (any case)")
]
Author = Annotated[
    str | list[str] | None, Field(description="only articles by this author, or by one of these (any case)")
]

INSTRUCTIONS = (
    "Answers questions from a local archive of news articles. `ask` returns an answer whose claims "
    "carry [n] markers, each with its citation (title, outlet, date, the passage and the supporting "
    "quote); when the articles don't answer, it abstains and says so. `search` returns the passages "
    "that best match. `timeline` gives, for a question or a name, each article's fact ordered by the "
    "article's date. All three take optional filters: after/before (yyyy-mm-dd), outlet, author. "
    "Quote the citations when you use an answer."
)


def build_mcp(engine: Engine) -> Any:
    """The MCP server (an `mcp.server.MCPServer`) with the `search`, `ask` and `timeline` tools over `engine`."""
    from mcp.server import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    class StrictServer(MCPServer):
        """Tools that refuse arguments they do not take, where the SDK drops them: a misspelt
        `outlet` ("outlets") would otherwise answer from every outlet without a word. Each tool's
        input schema says so too (`additionalProperties: false`)."""

        async def list_tools(self):  # type: ignore[override]
            tools = await super().list_tools()
            for tool in tools:
                tool.input_schema = {**tool.input_schema, "additionalProperties": False}
            return tools

        async def call_tool(self, name, arguments, context=None):  # type: ignore[override]
            tool = next((t for t in await super().list_tools() if t.name == name), None)
            if tool is not None:
                takes = list(tool.input_schema.get("properties", {}))
                unknown = sorted(set(arguments) - set(takes))
                if unknown:
                    raise ToolError(
                        f"{name} takes no argument {', '.join(map(repr, unknown))}; it takes {', '.join(takes)}"
                    )
            return await super().call_tool(name, arguments, context)

    server = StrictServer("news-rag", instructions=INSTRUCTIONS)

    def info(doc_id: str) -> dict[str, Any]:
        manifest = engine.snapshot().manifest
        return manifest.document(doc_id) if manifest else {}

    def checked_k(k: int | None, most: int = MAX_K) -> int | None:
        if k is not None and not 1 <= k <= most:
            raise ToolError(f"k must be between 1 and {most}; got {k}")
        return k

    @server.tool()
    def search(
        question: str,
        k: int | None = None,
        mode: Mode | None = None,
        after: After = None,
        before: Before = None,
        outlet: Outlet = None,
        author: Author = None,
    ) -> FilteredSearchResponse:
        """The passages of the news articles that best match a question or search text.

        Args:
            question: what to look for.
            k: how many passages (default 7).
            mode: hybrid (default: meaning and exact words), dense (meaning) or bm25 (exact words).
            after: only articles published on or after this date (yyyy-mm-dd).
            before: only articles published on or before this date (yyyy-mm-dd).
            outlet: only articles of this outlet, or of one of these (any case).
            author: only articles by this author, or by one of these (any case).
        """
        try:
            clean_question(question, engine.settings.max_question_chars)  # a blank one is an error, as in ask
            filters = Filters.build(after=after, before=before, outlets=outlet, authors=author)
            result = engine.search(question, k=checked_k(k), mode=mode, filters=filters)
        except RagError as exc:
            raise ToolError(str(exc)) from exc
        out: dict[str, Any] = {"query": question, "mode": result.mode}
        out["hits"] = [api_hit_json(h, info) for h in result.hits]
        if result.notes:
            out["notes"] = list(result.notes)
        return FilteredSearchResponse.model_validate(out)

    @server.tool()
    def ask(
        question: str,
        k: int | None = None,
        retrieval_mode: Mode | None = None,
        history: list[list[str]] | None = None,
        after: After = None,
        before: Before = None,
        outlet: Outlet = None,
        author: Author = None,
    ) -> AskResponse:
        """Answer a question from the news articles, every claim marked [n] with its citation.

        Args:
            question: the question.
            k: passages to draw on (default 7).
            retrieval_mode: hybrid (default), dense or bm25.
            history: earlier [question, answer] pairs, oldest first, for a follow-up ("why did he ...?").
            after, before: only articles published on or after / on or before this date (yyyy-mm-dd).
            outlet, author: only articles of this outlet / by this author, or one of several (any case).
        """
        bad = next((pair for pair in history or [] if len(pair) != 2), None)
        if bad is not None:
            raise ToolError(f"each history item must be [question, answer], two texts; got {len(bad)}: {bad!r:.200}")
        turns = [(pair[0], pair[1]) for pair in history or []]
        try:
            filters = Filters.build(after=after, before=before, outlets=outlet, authors=author)
            answer = engine.ask(question, turns, k=checked_k(k), retrieval_mode=retrieval_mode, filters=filters)
        except RagError as exc:
            raise ToolError(str(exc)) from exc
        return AskResponse.model_validate(api_answer_json(answer, info))

    @server.tool()
    def timeline(
        question: str,
        k: int | None = None,
        mode: Mode | None = None,
        after: After = None,
        before: Before = None,
        outlet: Outlet = None,
        author: Author = None,
    ) -> TimelineResponse:
        """For a question or a name, the fact each news article gives, ordered by the article's date.

        Args:
            question: a question, a name or a subject (e.g. "Tokayev").
            k: passages to search (default 30): more finds more articles.
            mode: hybrid (default), dense or bm25.
            after, before: only articles published on or after / on or before this date (yyyy-mm-dd).
            outlet, author: only articles of this outlet / by this author, or one of several (any case).
        Returns:
            `entries`: one per dated article, oldest first (date, title, outlet, quote, path); `undated`:
            the articles with no known date; `notes`: what the filters left out, or why it is empty.
        """
        try:
            filters = Filters.build(after=after, before=before, outlets=outlet, authors=author)
            found = engine.timeline(question, k=checked_k(k, MAX_TIMELINE_K), mode=mode, filters=filters)
        except RagError as exc:
            raise ToolError(str(exc)) from exc
        return TimelineResponse.model_validate(timeline_json(found))

    return server


def run(settings: Settings) -> int:
    """Build or update the index (notes on stderr), load the model, then serve MCP on stdio."""
    engine = Engine(settings)
    engine.start(note=lambda msg: print(msg, file=sys.stderr, flush=True))
    build_mcp(engine).run("stdio")
    return 0
