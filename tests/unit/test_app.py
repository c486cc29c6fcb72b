"""The web chat: rendering (everything escaped), feedback, launch options, and the `/ask` endpoint
through gradio_client against the app served on a loopback port."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rag.config import Settings
from rag.engine import Engine
from rag.errors import ConfigError
from rag.index.build import IndexStatus
from rag.index.manifest import Counts, Manifest
from rag.records import Answer, Chunk, Citation, Document, Hit
from rag.web.feedback import feedback_entry, read_feedback, record_feedback
from rag.web.render import (
    article_view,
    chat_message,
    corpus_overview,
    find_source,
    highlight,
    md_text,
    source_cards,
    status_line,
    timings_line,
)
from tests.conftest import (
    ROOT,  # noqa: E402
    free_port,
    wait_for_app,
)

XSS = "<img src=x onerror=\"window.__xss=1\"> <script>window.__xss=2</script> Tom & 'Jerry'"
QUESTIONS = [
    "How many wagons of coal did Kazakhstan block?",
    "What is the capital of Peru?",  # the articles don't say: the answer abstains
]


def _chunk(text: str = "Coal: 1,700 wagons were blocked. Trains waited.", start: int = 10, cid: int = 7) -> Chunk:
    return Chunk(cid, "a.txt", text, start, start + len(text), 12, "Coal war")


def _answer(abstained: bool = False, supported: bool = True) -> Answer:
    hit = Hit(_chunk(), 0.0328, 1, {"dense": 0.61, "bm25": 7.25, "rrf": 0.0328}, "Coal war", "corpus/a.txt")
    cites = () if abstained else (Citation(1, hit, "1,700 wagons were blocked.", supported),)
    return Answer(
        question="How many wagons?",
        text="The articles don't say." if abstained else "Kazakhstan blocked 1,700 wagons. [1]",
        citations=cites,
        abstained=abstained,
        timings_ms={"embed_ms": 12.4, "answer_ms": 3.0},
        hits=(hit,),
    )


MANIFEST = Manifest(
    {}, {}, documents={"a.txt": {"title": "Coal war", "source": "Orda.kz", "date": "2022-06-20", "author": "Ivan"}}
)


# ---------------------------------------------------------------- rendering


def test_markdown_text_is_escaped():
    assert md_text(XSS).count("<") == 0
    assert "&lt;script&gt;" in md_text(XSS) and "'Jerry'" in md_text(XSS)
    assert md_text("*bold* [1]") == "\\*bold\\* \\[1\\]"


def test_highlight_marks_the_quote_and_escapes_the_rest():
    assert highlight("a <b> c", "<b>") == 'a <mark class="rag-quote">&lt;b&gt;</mark> c'
    assert highlight("x  y\nz", "x y z") == '<mark class="rag-quote">x  y\nz</mark>'
    assert highlight("nothing here", "absent") == "nothing here"
    assert highlight("<i>", None) == "&lt;i&gt;"


def test_source_cards_show_number_title_outlet_date_author_and_quote():
    html = source_cards(_answer(), MANIFEST, show_scores=True, show_timings=True)
    assert '<span class="rag-n">[1]</span> <span class="rag-title">Coal war</span>' in html
    assert "Orda.kz · 2022-06-20 · Ivan" in html
    assert '<mark class="rag-quote">1,700 wagons were blocked.</mark>' in html
    assert 'data-key="c1"' in html and "Open the whole article [1]" in html
    assert "score 0.0328 · bm25 7.2500 · dense 0.6100 · rrf 0.0328" in html
    assert "embed 12 ms · answer 3 ms" in html
    assert "rag-flagged" not in html
    plain = source_cards(_answer(), MANIFEST)
    assert "rag-scores" not in plain and "rag-timings" not in plain


def test_flagged_citations_are_marked():
    html = source_cards(_answer(supported=False), MANIFEST)
    assert "rag-card rag-flagged" in html and "Flagged" in html


def test_abstention_shows_the_nearest_passages():
    html = source_cards(_answer(abstained=True), MANIFEST)
    assert "No answer in the articles" in html and "Nearest passages" in html
    assert 'data-key="h1"' in html and "<mark" not in html


def test_article_text_never_becomes_markup():
    hit = Hit(_chunk(XSS, 0), 1.0, 1)
    answer = Answer("q", "x [1]", (Citation(1, hit, XSS),), False, hits=(hit,))
    html = source_cards(answer, Manifest({}, {}, documents={"a.txt": {"title": XSS, "source": XSS}}))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=&quot;" in html
    doc = Document("a.txt", "corpus/a.txt", XSS, XSS + "\n\nMore.", "0" * 64)
    view = article_view(doc, {"title": XSS}, hit.chunk, XSS, "[1]")
    assert "<script" not in view and "<img" not in view
    assert "<" not in chat_message(Answer("q", XSS, (), False, notes=(XSS,), unsupported=(XSS,)))


def test_article_view_marks_the_passage_in_place():
    text = "First paragraph.\n\nCoal: 1,700 wagons were blocked. Trains waited.\n\nLast."
    start = text.index("Coal")
    chunk = _chunk(start=start)
    doc = Document("a.txt", "corpus/a.txt", "Coal war", text, "0" * 64)
    view = article_view(doc, MANIFEST.document("a.txt"), chunk, "1,700 wagons were blocked.", "[1]")
    assert (
        'First paragraph.\n\n<mark class="rag-passage-mark" id="rag-passage">Coal: '
        '<mark class="rag-quote">1,700 wagons were blocked.</mark> Trains waited.</mark>\n\nLast.'
    ) in view
    assert "Orda.kz · 2022-06-20 · Ivan" in view
    # Re-indexed with other offsets: the passage is found again; gone: said so, article shown plain.
    moved = Document("a.txt", "corpus/a.txt", "Coal war", "New lead.\n\n" + text, "0" * 64)
    assert '<mark class="rag-passage-mark" id="rag-passage">Coal: ' in article_view(moved, {}, chunk, None)
    gone = Document("a.txt", "corpus/a.txt", "Coal war", "Rewritten entirely.", "0" * 64)
    assert "no longer in it" in article_view(gone, {}, chunk, None) and "rag-passage-mark" not in article_view(
        gone, {}, chunk, None
    )


def test_find_source_by_card_key():
    answer = _answer()
    quotes = ("1,700 wagons were blocked.", "Kazakhstan blocked 1,700 wagons.")  # the quote, then the answer's
    assert find_source(answer, "c1") == (answer.citations[0].hit, quotes, "[1]")
    assert find_source(answer, "h1") == (answer.hits[0], (), "#1")


def test_every_sentence_an_answer_quotes_from_a_passage_is_marked_in_its_card():
    # An extractive answer can quote two sentences of one passage, under one [1]: both are marked.
    answer = _answer()
    answer = replace(answer, text="Coal: 1,700 wagons were blocked. [1] Trains waited. [1]")
    card = source_cards(answer, None)
    assert card.count('<mark class="rag-quote">') == 2
    assert (
        '<mark class="rag-quote">Coal: 1,700 wagons were blocked.</mark> <mark class="rag-quote">Trains waited.</mark>'
        in card
    )
    assert find_source(answer, "c9") is None and find_source(answer, "x") is None and find_source(answer, "") is None


def test_chat_message_keeps_markers_and_adds_notes():
    answer = Answer("q", "It rained. [1]", (), False, notes=("LLM was down.",), unsupported=("It snowed.",))
    msg = chat_message(answer)
    assert msg.startswith("It rained. \\[1\\]") and "*LLM was down.*" in msg and "“It snowed.”" in msg


def test_corpus_overview_lists_articles_outlets_and_dates():
    docs = {f"d{i}.txt": {"title": f"Title {i}", "source": "Orda.kz", "date": f"2023-01-0{i}"} for i in range(1, 4)}
    text = corpus_overview(Manifest({}, {}, documents=docs), limit=2)
    assert text.startswith("**3 articles** from Orda.kz, dated 2023-01-01 to 2023-01-03:")
    assert "- Title 3 (Orda.kz · 2023-01-03)" in text and "- and 1 more" in text
    assert "corpus is empty" in corpus_overview(Manifest({}, {}))


def test_status_line_warns_when_the_corpus_changed():
    manifest = Manifest({"name": "m"}, {}, counts=Counts(documents=5, chunks=46), built_at="2026-11-24T14:00:00Z")
    fresh = status_line(IndexStatus(True, False, manifest=manifest))
    assert fresh == "**Index:** 5 articles · 46 passages · model m · built 2026-11-24 14:00:00 UTC"
    stale = status_line(IndexStatus(True, True, new=("x.txt",), manifest=manifest))
    assert "⚠ **Corpus changed since the index was built: 1 new.**" in stale and "Update index" in stale
    assert "No index yet" in status_line(IndexStatus(False, True))


def test_timings_line():
    assert timings_line({"embed_ms": 12.4, "total_ms": 1234.0, "bad": "x"}) == "embed 12 ms · total 1,234 ms"


# ---------------------------------------------------------------- feedback


def test_feedback_appends_jsonl(tmp_path):
    path = tmp_path / "fb" / "feedback.jsonl"
    when = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    record_feedback(path, _answer(), "up", now=when)
    record_feedback(path, _answer(abstained=True), "down", now=when)
    rows = read_feedback(path)
    assert rows[0] == {
        "timestamp": "2026-11-24T12:00:00+00:00",
        "rating": "up",
        "question": "How many wagons?",
        "answer": "Kazakhstan blocked 1,700 wagons. [1]",
        "abstained": False,
        "mode": "extractive",
        "citations": [
            {"n": 1, "chunk_id": 7, "doc_id": "a.txt", "title": "Coal war", "quote": "1,700 wagons were blocked.",
             "supported": True}
        ],
    }  # fmt: skip
    assert rows[1]["rating"] == "down" and rows[1]["citations"] == [] and rows[1]["abstained"] is True
    assert len(path.read_text().splitlines()) == 2
    with pytest.raises(ValueError, match="rating must be"):
        feedback_entry(_answer(), "meh")  # type: ignore[arg-type]


# ---------------------------------------------------------------- the app


def test_launch_options_bind_loopback_and_parse_auth():
    from rag.web import app

    opts = app.launch_options(Settings())
    assert opts["server_name"] == "127.0.0.1" and opts["auth"] is None and opts["max_file_size"] == "20mb"
    assert app.launch_options(Settings(auth="ann:s3:cret"))["auth"] == ("ann", "s3:cret")
    with pytest.raises(ConfigError, match="user:password"):
        app.launch_options(Settings(auth="nopassword"))


def test_workers_need_api_only_and_a_free_port():
    from rag import server
    from rag.api import workers

    settings = server.parse_args(["--api-only", "--workers", "2", "--port", "8123"], Settings())
    assert (settings.api_only, settings.workers, settings.port) == (True, 2, 8123)
    assert Settings.from_env({"RAG_API_ONLY": "1", "RAG_WORKERS": "3"}).workers == 3
    with pytest.raises(ConfigError, match="--api-only"):
        server.parse_args(["--workers", "2"], Settings())  # the chat's sessions live in one process
    with pytest.raises(ConfigError, match="at least 1"):
        Settings(api_only=True, workers=0)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match="pick another port"):
            workers.bind(settings.replace(port=port))
    free = workers.bind(settings.replace(port=0))  # workers bind beside it (SO_REUSEPORT)
    try:
        assert free.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
    finally:
        free.close()


def test_api_only_serves_no_chat(tmp_path):
    from fastapi.testclient import TestClient

    from rag import server
    from tests.conftest import FakeEmbedder

    settings = Settings(corpus_dir=tmp_path, index_dir=tmp_path / "index", api_only=True)
    app = server.build_server(settings, Engine(settings, embedder=FakeEmbedder()))
    client = TestClient(app)
    assert client.get("/").status_code == 404
    assert client.get("/gradio_api/info").status_code == 404
    assert "/api/ask" in client.get("/openapi.json").json()["paths"]


def test_theme_loads_no_web_fonts():
    from rag.web import app

    theme = app.theme()
    assert not [s for s in theme._stylesheets if "googleapis" in s or s.startswith("http")]
    assert "system-ui" in theme.font


@contextlib.contextmanager
def serve(settings: Settings, embedder=None) -> Iterator[str]:
    """The app launched in this process on a free loopback port; yields its URL."""
    from rag.web import app

    backend = Engine(settings, embedder)
    demo = app.build_app(settings, backend)
    demo.queue()
    opts = {**app.launch_options(settings.replace(port=free_port())), "quiet": True, "prevent_thread_lock": True}
    demo.launch(**opts)
    try:
        yield f"http://127.0.0.1:{opts['server_port']}/"
    finally:
        _set_stop_event_on_its_loop(demo)
        demo.close(verbose=False)


def _set_stop_event_on_its_loop(demo) -> None:
    """Set gradio's stop event from the server's own event loop.

    `demo.close()` sets that asyncio.Event from this thread while the loop in
    uvicorn's thread may be removing a finished heartbeat's waiter from it: a CI
    run failed on "deque mutated during iteration". Set first on the loop, the
    later `set()` inside `close()` finds it set and touches nothing. An event no
    one ever waited on has no loop and no waiters, so setting it here is safe.
    """
    import concurrent.futures

    event = demo.app.stop_event
    loop = getattr(event, "_loop", None)  # asyncio's loop binding, set by the first wait()
    if loop is None or not loop.is_running():
        event.set()
        return
    done: concurrent.futures.Future = concurrent.futures.Future()

    def set_it() -> None:
        event.set()
        done.set_result(None)

    loop.call_soon_threadsafe(set_it)
    done.result(timeout=5)


@pytest.fixture
def indexed(settings, fake_embedder, tmp_path):
    from rag.index.build import ingest

    ingest(settings, embedder=fake_embedder)
    return settings.replace(feedback_path=tmp_path / "feedback.jsonl")


def _expected(question: str, settings: Settings, embedder, **options) -> dict:
    """What `rag ask --json` prints for `question`, less its timings."""
    from rag.answer.extractive import answer_json, answer_question
    from rag.engine import Engine

    out = answer_json(
        answer_question(question, settings, Engine(settings, embedder).snapshot(), embedder=embedder, **options)
    )
    out.pop("timings_ms")
    return out


def _as_gradio(expected: dict) -> dict:
    """The /ask object for a `rag ask --json` one: each citation's `path` is named `file`."""
    cites = [{("file" if k == "path" else k): v for k, v in c.items()} for c in expected["citations"]]
    return {**expected, "citations": cites}


def test_ask_endpoint_matches_answer_json(indexed, fake_embedder):
    from gradio_client import Client

    with serve(indexed, fake_embedder) as url:
        # A default client, as a new user writes it: it downloads whatever looks like a file.
        client = Client(url, verbose=False)
        assert "/ask" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]
        for question in QUESTIONS:
            got = client.predict(question, api_name="/ask")
            assert set(got["timings_ms"]) >= {"total_ms"}
            got.pop("timings_ms")
            assert got == _as_gradio(_expected(question, indexed, fake_embedder))
        assert got["citations"] == [] and client.predict(QUESTIONS[0], api_name="/ask")["citations"][0]["file"]
        got = client.predict(question=QUESTIONS[0], k=2, retrieval_mode="bm25", api_name="/ask")
        got.pop("timings_ms")
        assert got == _as_gradio(_expected(QUESTIONS[0], indexed, fake_embedder, k=2, retrieval_mode="bm25"))
        with pytest.raises(Exception, match="question is empty"):
            client.predict("   ", api_name="/ask")
        for bad in (2.5, -5, "abc"):  # a message, not Python's ("slice indices must be integers")
            with pytest.raises(Exception, match="k .passages to return. must be a whole number of at least 1"):
                client.predict(QUESTIONS[0], k=bad, api_name="/ask")
        assert client.predict(QUESTIONS[0], k=2.0, api_name="/ask")["citations"]


def test_basic_auth_from_settings(indexed, fake_embedder):
    from gradio_client import Client

    with serve(indexed.replace(auth="reader:pa55"), fake_embedder) as url:
        with pytest.raises(Exception):  # noqa: B017 - any refusal will do; the client has several
            Client(url, verbose=False, download_files=False)
        client = Client(url, auth=("reader", "pa55"), verbose=False)
        assert client.predict(QUESTIONS[0], api_name="/ask")["question"] == QUESTIONS[0]


def test_llm_choice_is_disabled_with_a_reason_when_none_is_configured(indexed, fake_embedder):
    import gradio as gr

    from rag.web import app

    def answer_radio(settings: Settings) -> gr.Radio:
        demo = app.build_app(settings, Engine(settings, fake_embedder))
        return next(b for b in demo.blocks.values() if isinstance(b, gr.Radio) and b.label == "Answer")

    off = answer_radio(indexed)
    assert off.interactive is False and off.value == "extractive" and "RAG_LLM_BASE_URL" in off.info
    on = answer_radio(indexed.replace(llm_base_url="http://127.0.0.1:9/v1"))
    assert on.interactive is True and on.value == "llm"


def _handler(demo, name: str):
    return next(f.fn for f in demo.fns.values() if f.name == name)


def test_chat_events_are_wired_to_the_handlers(indexed, fake_embedder):
    """The page's events reach the session's handlers; only /ask is an API endpoint."""
    from rag.web import app

    demo = app.build_app(indexed, Engine(indexed, fake_embedder))
    by_name: dict[str, list] = {}
    for f in demo.fns.values():
        by_name.setdefault(f.name, []).append(f)
    assert {name: len(fns) for name, fns in by_name.items()} == {
        "respond": 3, "_example_text": 1, "retry": 1, "clear": 2, "like": 1, "select_turn": 1, "open_source": 1,
        "restyle": 2, "update_index": 1, "upload": 1, "status": 1, "ask_api": 1, "timeline": 1, "close_timeline": 1,
        "filter_choices": 3,  # on page load, after an upload and after "Update index"
        "restore": 1,  # on page load: the conversation the browser kept
    }  # fmt: skip
    # The question box, the Ask button and the examples share one concurrency limit, as one handler.
    assert len({f.concurrency_id for f in by_name["respond"]}) == 1
    assert [f.api_name for f in by_name["ask_api"]] == ["ask"]
    assert {f.api_visibility for name, fns in by_name.items() if name != "ask_api" for f in fns} == {"private"}
    chatbot = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "rag-chat")
    sources = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "rag-sources")
    respond = by_name["respond"][0]
    assert respond.outputs[0] is chatbot and respond.outputs[2] is sources and len(respond.outputs) == 7


def test_the_outlet_and_author_lists_follow_the_index(indexed, fake_embedder):
    """An uploaded article's outlet and author are offered once it is indexed (the page refreshes
    the lists on load, after an upload and after "Update index")."""
    from rag.web import app

    engine = Engine(indexed, fake_embedder)
    demo = app.build_app(indexed, engine)
    refresh = _handler(demo, "filter_choices")
    outlets, authors = refresh()
    assert "Le Steppe" not in outlets["choices"] and "Jean Dupont" not in authors["choices"]
    article = b"---\nsource: Le Steppe\nauthor: Jean Dupont\n---\nGrain in Astana\n\nGrain exports from Astana rose again this year.\n"
    engine.add_uploads([("steppe.md", article)])
    outlets, authors = refresh()
    assert "Le Steppe" in outlets["choices"] and "Jean Dupont" in authors["choices"]


def test_respond_handler_streams_updates_for_the_page(indexed, fake_embedder):
    """What the chat's handler hands Gradio: chat, turns, sources, article, question box, shown
    turn, and the conversation for the browser to keep."""
    import gradio as gr

    from rag.web import app
    from rag.web.saved import saved_turns
    from rag.web.session import SOURCES_HINT

    demo = app.build_app(indexed, Engine(indexed, fake_embedder))
    respond = _handler(demo, "respond")
    hidden = gr.update(visible=False)
    first, last = list(respond(QUESTIONS[0], [], 5, "hybrid", "extractive", False, False))
    # The question on its way is not kept: a reload then would show "…" for ever.
    assert first[2:] == (SOURCES_HINT, hidden, "", 0, gr.skip()) and first[0][1] == {
        "role": "assistant",
        "content": "…",
    }
    messages, turns, cards, article, box, shown, kept = last
    assert len(turns) == 1 and messages[1]["content"].endswith("\\[1\\]")
    assert 'data-key="c1"' in cards and (article, box, shown) == (hidden, "", 0) and len(kept["turns"]) == 1
    # An empty question leaves the sources as they are; the article view closes.
    assert list(respond("  ", turns, 5, "hybrid", "extractive", False, False)) == [
        (messages, turns, gr.skip(), hidden, "", 0, kept)
    ]
    cleared = ([], [], SOURCES_HINT, gr.update(value="", visible=False), "", -1, saved_turns([]))
    assert _handler(demo, "clear")() == cleared


def test_the_conversation_kept_by_the_browser_comes_back(indexed, fake_embedder):
    """What the page hands the browser after an answer restores the same chat on reload; a value
    from elsewhere (another format, a damaged or hand-edited one) restores nothing and breaks nothing."""
    import json

    import gradio as gr

    from rag.web import app

    demo = app.build_app(indexed, Engine(indexed, fake_embedder))
    respond, restore = _handler(demo, "respond"), _handler(demo, "restore")
    turns: list = []
    for question in (QUESTIONS[0], "", QUESTIONS[1]):
        *_, (messages, turns, cards, _article, _box, shown, kept) = respond(
            question, turns, 5, "hybrid", "extractive", False, False
        )
    kept = json.loads(json.dumps(kept))  # the browser keeps JSON
    assert restore(kept) == (messages, turns, cards, shown) and len(turns) == 2 and shown == 1
    for junk in (None, "", [], {"format": 99, "turns": []}, {"format": 1, "turns": [{"question": None}]}):
        assert restore(junk) == (gr.skip(),) * 4, junk


def test_filters_and_timeline_handlers(indexed, fake_embedder):
    """The settings panel's filter inputs reach the answer; the Timeline button draws the view."""
    import gradio as gr

    from rag.web import app
    from rag.web.timeline import timeline_html

    demo = app.build_app(indexed, Engine(indexed, fake_embedder))
    outlets = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "rag-outlet")
    assert outlets.choices == [(o, o) for o in ("Orda.kz", "Politnavigator", "The Frontier Post")]
    respond = _handler(demo, "respond")
    *_, (_, turns, cards, *_) = respond(QUESTIONS[0], [], 5, "hybrid", "extractive", False, False,
                                        "2030-01-01", None, [], [])  # fmt: skip
    assert turns[0].answer.abstained and "No article matches the filters." in turns[0].answer.notes
    *_, (messages, turns, *_) = respond(QUESTIONS[0], [], 5, "hybrid", "extractive", False, False,
                                        "1.1.2023", None, [], [])  # fmt: skip
    assert "after must be a date as yyyy-mm-dd" in messages[-1]["content"]
    *_, (messages, *_) = respond(QUESTIONS[0], [], 5, "hybrid", "extractive", False, False,
                                 "2023-02-30", None, [], [])  # fmt: skip
    assert "after: 2023-02-30 is no day of the calendar" in messages[-1]["content"]
    shown = _handler(demo, "timeline")("What about Tokayev?", [], "hybrid", None, None, [], [])
    want = timeline_html(Engine(indexed, fake_embedder).timeline("What about Tokayev?", mode="hybrid"))
    assert shown == gr.update(value=want, visible=True) and "rag-timeline-chart" in want
    assert _handler(demo, "close_timeline")() == gr.update(value="", visible=False)


def test_click_handlers_read_gradio_event_data(indexed, fake_embedder):
    """Select, open-source and like take their index or key from Gradio's event objects."""
    import gradio as gr

    from rag.web import app

    demo = app.build_app(indexed, Engine(indexed, fake_embedder))
    *_, (_, turns, cards, *_) = _handler(demo, "respond")(QUESTIONS[0], [], 5, "hybrid", "extractive", False, False)
    select = gr.SelectData(None, {"index": [1, 0], "value": "", "selected": True})
    assert _handler(demo, "select_turn")(turns, False, False, select) == (cards, 0)
    opened = _handler(demo, "open_source")(turns, 0, gr.EventData(None, {"key": "c1"}))
    assert opened["visible"] is True and 'id="rag-passage"' in opened["value"]
    assert _handler(demo, "open_source")(turns, 0, gr.EventData(None, {"key": "c9"})) == gr.skip()
    assert _handler(demo, "open_source")(turns, 0, gr.EventData(None, None)) == gr.skip()
    _handler(demo, "like")(turns, gr.LikeData(None, {"index": 1, "value": "", "liked": False}))
    assert [(r["rating"], r["question"]) for r in read_feedback(indexed.feedback_path)] == [("down", QUESTIONS[0])]


# ---------------------------------------------------------------- end to end, as a user starts it


@pytest.mark.slow
def test_python_app_py_answers_like_the_library(tmp_path, corpus, real_embedder):
    """`python app.py` on a copy of the corpus: /ask gives what answer_json(answer_question(...)) gives."""
    from gradio_client import Client

    port = free_port()
    env = {**os.environ, "RAG_PORT": str(port), "RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(tmp_path / "index")}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_app(url, proc)
        client = Client(url, verbose=False)
        settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
        for question in QUESTIONS:
            got = client.predict(question, api_name="/ask")
            got.pop("timings_ms")
            assert got == _as_gradio(_expected(question, settings, real_embedder))
            cli = _rag_ask_json(question, tmp_path, env)
            if cli is not None:
                cli.pop("timings_ms")
                assert got == _as_gradio(cli)
        first = client.predict(QUESTIONS[0], api_name="/ask")
        assert not first["abstained"] and "1,700" in first["answer"] and "[1]" in first["answer"]
        assert client.predict(QUESTIONS[1], api_name="/ask")["abstained"] is True
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.slow
def test_python_app_py_listens_where_its_flags_say(tmp_path, corpus):
    """`python app.py --host H --port P` serves on H:P, over $RAG_PORT and the default interface."""
    port, env_port = free_port(), free_port()
    while env_port == port:
        env_port = free_port()
    env = {**os.environ, "RAG_PORT": str(env_port), "RAG_CORPUS_DIR": str(corpus),
           "RAG_INDEX_DIR": str(tmp_path / "index")}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.2", "--port", str(port)], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        wait_for_app(f"http://127.0.0.2:{port}/", proc)
        for host, p in (("127.0.0.1", port), ("127.0.0.1", env_port), ("127.0.0.2", env_port)):
            with socket.socket() as s:
                assert s.connect_ex((host, p)) != 0, f"something answers on {host}:{p}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _rag_ask_json(question: str, cwd: Path, env: dict) -> dict | None:
    """`rag ask --json`, when the command line has it."""
    rag = shutil.which("rag", path=str(Path(sys.executable).parent)) or ""
    proc = subprocess.run(
        [rag, "ask", question, "--json"] if rag else [sys.executable, "-m", "rag.cli", "ask", question, "--json"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if proc.returncode == 2 and "invalid choice" in proc.stderr:
        return None
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)
