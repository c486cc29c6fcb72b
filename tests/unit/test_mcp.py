"""`rag mcp`: the search and ask tools, called with the official `mcp` package's own client: in
process over the fake embedder, and over stdio against `rag mcp` as an assistant starts it."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys

import pytest

from rag.answer.timeline import timeline_json
from rag.api.mcp import build_mcp
from rag.engine import Engine
from rag.index.build import ingest
from rag.search.filters import Filters
from rag.serialize import api_answer_json, api_hit_json
from tests.conftest import ROOT, SEED_CORPUS

WAGONS = "How many wagons of coal did Kazakhstan block?"
DONBASS = "Why did Tokayev refuse to recognise the Donbass republics?"
FOLLOW_UP = "Why did he do that?"
POLIT = "politnavigator-putin-in-kazakhstan.txt"
TOKAYEV = "What about Tokayev?"  # the fake embedder needs the name mid-question to see it as one
MEETING = "putin-and-tokayev-meet-speech-in-kazakh.txt"


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
    assert sorted(t.name for t in tools.tools) == ["ask", "search", "timeline"]
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
    assert result.structured_content == {"query": WAGONS, "mode": "bm25", "hits": hits, "notes": None}


def test_search_tool_takes_the_filters(engine):
    arguments = {"question": DONBASS, "k": 50, "mode": "bm25", "after": "2023-01-01"}
    result, tools = call(build_mcp(engine), "search", arguments)
    want = engine.search(DONBASS, k=50, mode="bm25", filters=Filters.build(after="2023-01-01"))
    assert [h["chunk_id"] for h in result.structured_content["hits"]] == [h.chunk.chunk_id for h in want.hits]
    assert want.hits and {h["doc_id"] for h in result.structured_content["hits"]} <= {POLIT, MEETING}
    assert result.structured_content["notes"] == ["2 articles without a date were left out by the date filter."]
    by_outlet, _ = call(build_mcp(engine), "search", {**arguments, "outlet": ["POLITNAVIGATOR"]})
    assert {h["doc_id"] for h in by_outlet.structured_content["hits"]} == {POLIT}
    schema = next(t for t in tools.tools if t.name == "search").input_schema["properties"]
    assert {"after", "before", "outlet", "author"} <= set(schema) and "yyyy-mm-dd" in schema["after"]["description"]


def test_ask_tool_takes_the_filters(engine):
    result, _ = call(build_mcp(engine), "ask", {"question": WAGONS, "author": "bettina MENZEL"})
    want = engine.ask(WAGONS, filters=Filters.build(authors="bettina menzel"))
    assert without_timings(result.structured_content) == without_timings(api_answer_json(want, info_of(engine)))
    assert "1,700" in engine.ask(WAGONS).text and "1,700" not in result.structured_content["answer"]
    assert {c["doc_id"] for c in result.structured_content["citations"]} <= {MEETING}


def test_timeline_tool_orders_each_articles_fact_by_date(engine):
    result, tools = call(build_mcp(engine), "timeline", {"question": TOKAYEV})
    assert not result.is_error
    assert without_timings(result.structured_content) == without_timings(timeline_json(engine.timeline(TOKAYEV)))
    dates = [e["date"] for e in result.structured_content["entries"]]
    assert dates == sorted(dates) and dates[0] == "2022-06-20" and dates[-1] == "2023-11-10"
    later, _ = call(build_mcp(engine), "timeline", {"question": TOKAYEV, "after": "2023-01-01", "k": 40})
    entries = later.structured_content["entries"]
    assert entries and all(e["date"] >= "2023-01-01" for e in entries) and later.structured_content["undated"] == []


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        ("ask", {"question": "  "}, "question is empty"),
        ("search", {"question": WAGONS, "k": 0}, "k must be between"),
        ("search", {"question": WAGONS, "after": "10.11.2023"}, "after must be a date as yyyy-mm-dd"),
        ("ask", {"question": WAGONS, "before": "2023-02-30"}, "before: 2023-02-30 is no day of the calendar"),
        ("timeline", {"question": TOKAYEV, "k": 101}, "k must be between 1 and 100"),
        ("timeline", {"question": TOKAYEV, "after": "2024-01-01", "before": "2023-01-01"}, "no article can match"),
        ("ask", {"question": "What did he say?", "history": [["only one"]]}, "must be [question, answer]"),
        ("ask", {"question": "What did he say?", "history": [["q", "a", "c"]]}, "two texts; got 3"),
        ("search", {"question": WAGONS, "outlets": "Politnavigator"}, "search takes no argument 'outlets'; it takes"),
        ("ask", {"question": WAGONS, "mode": "bm25"}, "ask takes no argument 'mode'; it takes question, k"),
    ],
)
def test_tool_errors_say_what_is_wrong(engine, tool, arguments, message):
    result, tools = call(build_mcp(engine), tool, arguments)
    assert result.is_error and message in result.content[0].text
    # The schemas the client sees say that no other argument is taken.
    assert all(t.input_schema.get("additionalProperties") is False for t in tools.tools)


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
    assert sorted(t.name for t in tools.tools) == ["ask", "search", "timeline"]
    out = result.structured_content
    assert not result.is_error and "1,700" in out["answer"] and "[1]" in out["answer"]
    assert out["citations"][0]["n"] == 1 and out["citations"][0]["quote"] in out["citations"][0]["text"]
    assert (tmp_path / "index" / "manifest.json").exists()
