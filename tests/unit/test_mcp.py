"""`rag mcp`: the search and ask tools, called with the official `mcp` package's own client: in
process over the fake embedder, and over stdio against `rag mcp` as an assistant starts it."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys

import pytest

from rag.api.mcp import build_mcp
from rag.engine import Engine
from rag.index.build import ingest
from rag.serialize import api_answer_json, api_hit_json
from tests.conftest import ROOT, SEED_CORPUS

WAGONS = "How many wagons of coal did Kazakhstan block?"
DONBASS = "Why did Tokayev refuse to recognise the Donbass republics?"
FOLLOW_UP = "Why did he do that?"


def call(server, tool: str, arguments: dict):
    """One tool call through mcp's Client, and the tool list it saw."""
    from mcp import Client

    async def go():
        async with Client(server) as client:
            tools = await client.list_tools()
            return await client.call_tool(tool, arguments), tools

    return asyncio.run(go())


@pytest.fixture
def engine(settings, fake_embedder) -> Engine:
    ingest(settings, embedder=fake_embedder)
    return Engine(settings, fake_embedder)


def info_of(engine: Engine):
    return lambda doc_id: engine.snapshot().manifest.document(doc_id)


def without_timings(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if k != "timings_ms"}


def test_ask_tool_answers_with_citations(engine):
    result, tools = call(build_mcp(engine), "ask", {"question": WAGONS})
    assert sorted(t.name for t in tools.tools) == ["ask", "search"]
    assert not result.is_error
    want = api_answer_json(engine.ask(WAGONS), info_of(engine))
    assert without_timings(result.structured_content) == without_timings(want)
    assert "[1]" in result.structured_content["answer"] and result.structured_content["citations"][0]["quote"]


def test_ask_tool_follows_up_on_history(engine):
    first = engine.ask(DONBASS).text
    result, _ = call(build_mcp(engine), "ask", {"question": FOLLOW_UP, "history": [[DONBASS, first]]})
    assert result.structured_content["answer"] == engine.ask(FOLLOW_UP, [(DONBASS, first)]).text


def test_search_tool_gives_the_api_hits(engine):
    result, _ = call(build_mcp(engine), "search", {"question": WAGONS, "k": 2, "mode": "bm25"})
    hits = [api_hit_json(h, info_of(engine)) for h in engine.search(WAGONS, k=2, mode="bm25").hits]
    assert result.structured_content == {"query": WAGONS, "mode": "bm25", "hits": hits}


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [("ask", {"question": "  "}, "question is empty"), ("search", {"question": WAGONS, "k": 0}, "k must be between")],
)
def test_tool_errors_say_what_is_wrong(engine, tool, arguments, message):
    result, _ = call(build_mcp(engine), tool, arguments)
    assert result.is_error and message in result.content[0].text


@pytest.mark.slow
def test_rag_mcp_over_stdio(tmp_path):
    """`rag mcp` as an assistant starts it: builds the index (notes on stderr), answers over stdio."""
    from mcp.client.stdio import StdioServerParameters

    shutil.copytree(SEED_CORPUS, tmp_path / "corpus")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "rag.cli", "mcp", "--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "index")],
        env=env,
        cwd=str(tmp_path),
    )
    result, tools = call(params, "ask", {"question": WAGONS})
    assert sorted(t.name for t in tools.tools) == ["ask", "search"]
    out = result.structured_content
    assert not result.is_error and "1,700" in out["answer"] and "[1]" in out["answer"]
    assert out["citations"][0]["n"] == 1 and out["citations"][0]["quote"] in out["citations"][0]["text"]
    assert (tmp_path / "index" / "manifest.json").exists()
