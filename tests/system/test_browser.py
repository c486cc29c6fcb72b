"""The web chat in a real browser: Playwright driving Debian's Chromium against the app served on
loopback, with the real model. Run by `make test` (which installs chromium); skipped without it."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.config import Settings
from tests.unit.test_app import serve

pytestmark = [pytest.mark.slow, pytest.mark.browser]

from tests.conftest import ROOT  # noqa: E402

# make test writes to the ignored build/ (a test run leaves git status clean); `make screenshots`
# sets this to docs/, the pictures the README shows.
DOCS = Path(os.environ.get("RAG_SCREENSHOTS_DIR") or ROOT / "build" / "screenshots")
CHROMIUM = shutil.which("chromium")
# Playwright's own browser download fails here; Debian's Chromium with no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
EXAMPLE = "How many wagons of coal did Kazakhstan block?"
# An article whose text carries markup: it must show as text, and none of it may run.
HOSTILE = """---
title: Harbour lights <b>festival</b> draws crowds
source: Port Gazette
date: 2024-05-04
---

The harbour lights festival in Port Vell drew 12,000 visitors on Saturday, the organisers said. <img src=x onerror="window.__xss='img'; document.title='pwned'"> Lanterns lined the old quay until midnight.

The mayor opened the festival with a speech about the fishing fleet. <script>window.__xss='script'; document.title='pwned'</script> Local bands played on three stages.
"""
UPLOAD = """Canal opens in Zorbia

By Jane Roe

The Zorbian Ministry of Canals said on Monday that the new Blue Canal will open with 47 locks.

Officials expect the first cargo boats to pass through the Blue Canal in spring, the ministry said.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, real_embedder) -> Iterator[tuple[str, Settings]]:
    """The app on a copy of the seed corpus plus the hostile article, indexed with the real model."""
    from rag.index.build import ingest

    root = tmp_path_factory.mktemp("web")
    shutil.copytree(ROOT / "corpus", root / "corpus")
    (root / "corpus" / "harbour-lights.md").write_text(HOSTILE, encoding="utf-8")
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", feedback_path=root / "feedback.jsonl")
    ingest(settings, embedder=real_embedder)
    with serve(settings, real_embedder) as url:
        yield url, settings


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    outside: list[str] = []
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)  # fmt: skip
    pg.outside_requests = outside  # type: ignore[attr-defined]
    yield pg
    context.close()


def open_app(pg, url: str, settings: Settings | None = None) -> None:
    """Load the page; with `settings`, wait until the status line shows what the index holds now."""
    pg.goto(url)
    pg.wait_for_selector("#rag-chat")
    if settings is not None:
        wait_for_status(pg, settings)


def wait_for_status(pg, settings: Settings) -> None:
    from rag.index.store import read_manifest

    n = len(read_manifest(settings.index_dir).documents)
    pg.wait_for_function(
        "s => (document.querySelector('#rag-status')?.innerText || '').includes(s)", arg=f"{n} articles"
    )


def ask(pg, question: str) -> None:
    n = pg.locator("#rag-chat [data-testid=bot]").count()
    pg.fill("#rag-question textarea", question)
    pg.click("#rag-ask")
    wait_for_answer(pg, n + 1)


def wait_for_answer(pg, n_answers: int) -> None:
    """Until the chat shows `n_answers` bot messages and the sources panel has been filled."""
    pg.wait_for_function(
        "n => document.querySelectorAll('#rag-chat [data-testid=bot]').length >= n"
        " && document.querySelector('#rag-sources .rag-card, #rag-sources .rag-abstain') !== null",
        arg=n_answers,
    )


def article_count(pg) -> int:
    """The number of articles the status line reports."""
    text = pg.locator("#rag-status").inner_text()
    return int(text.split("Index:")[1].split("articles")[0])


def last_answer(pg) -> str:
    return pg.locator("#rag-chat [data-testid=bot]").last.inner_text()


def test_example_question_answer_sources_article_feedback(page, site):
    url, settings = site
    t0 = time.perf_counter()
    open_app(page, url)
    overview = page.locator("#rag-chat").inner_text()
    assert "Port Gazette" in overview and "Astana is staying apart" in overview
    page.locator("#rag-chat button.example", has_text=EXAMPLE).click()
    wait_for_answer(page, 1)
    print(f"\npage load to first answer: {time.perf_counter() - t0:.2f} s")

    answer = last_answer(page)
    assert "1,700 wagons" in answer and "[1]" in answer
    cards = page.locator("#rag-sources .rag-card")
    assert cards.count() >= 1
    first = cards.first.inner_text()
    assert first.startswith("[1]") and "Astana is staying apart" in first and "2022-06-20" in first
    assert any("1,700 wagons" in t for t in cards.first.locator("mark.rag-quote").all_inner_texts())
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / "screenshot.png"), full_page=True)

    # Open the whole article: the cited passage is marked in place.
    cards.first.locator("button.rag-open").click()
    passage = page.locator("#rag-article #rag-passage")
    passage.wait_for()
    assert "1,700 wagons" in passage.inner_text()
    assert "Kassym-Jomart Tokayev" in page.locator("#rag-article .rag-article-text").inner_text()

    # Settings: scores and per-stage timings on the cards.
    page.get_by_text("Settings").click()
    page.get_by_label("Show retrieval scores").check()
    page.get_by_label("Show per-stage timings").check()
    page.wait_for_function("() => document.querySelector('#rag-sources .rag-timings') !== null")
    assert "total" in page.locator("#rag-sources .rag-timings").inner_text()
    assert "dense" in page.locator("#rag-sources .rag-scores").first.inner_text()
    assert "RAG_LLM_BASE_URL" in page.locator("#rag-settings").inner_text()  # no LLM here: says why

    # Thumbs up goes to the feedback file with the question, answer and citations.
    page.locator("#rag-chat button[aria-label=Like]").last.click()
    page.wait_for_function("() => document.body.innerText.includes('feedback was saved')")
    rows = [json.loads(line) for line in Path(settings.feedback_path).read_text().splitlines()]
    assert rows[-1]["rating"] == "up" and rows[-1]["question"] == EXAMPLE
    assert rows[-1]["citations"][0]["doc_id"] == "astana-is-staying-apart-russian-kazakh-disagreements.txt"

    # A follow-up uses the conversation.
    ask(page, "Who did they belong to?")  # "they" only makes sense with the first question
    assert "belonging to Russia" in last_answer(page)

    # Clicking an earlier answer brings its sources back.
    ask(page, "How many visitors did the harbour lights festival draw?")
    assert "Harbour lights" in page.locator("#rag-sources .rag-card").first.inner_text()
    page.locator("#rag-chat [data-testid=bot]").first.click()
    page.wait_for_function("() => document.querySelector('#rag-sources .rag-card').innerText.includes('Astana')")
    assert page.outside_requests == []


def test_markup_in_an_article_shows_as_text_and_never_runs(page, site):
    url, _ = site
    open_app(page, url)
    ask(page, 'How many visitors did the harbour lights festival draw? <img src=x onerror="window.__xss=1">')
    card = page.locator("#rag-sources .rag-card").first
    text = card.inner_text()
    assert "12,000 visitors" in text and "Harbour lights <b>festival</b> draws crowds" in text
    assert "<img src=x onerror=" in text
    card.locator("button.rag-open").click()
    page.locator("#rag-article #rag-passage").wait_for()
    article = page.locator("#rag-article").inner_text()
    assert "<script>window.__xss='script'" in article and "<img src=x onerror=" in article
    assert "<img" in page.locator("#rag-chat [data-testid=user]").last.inner_text()
    page.wait_for_timeout(500)  # give an injected handler every chance to fire
    assert page.evaluate("() => window.__xss") is None
    assert page.title() != "pwned"
    assert page.locator("#rag-sources img, #rag-article img, #rag-sources script, #rag-article script").count() == 0


def test_abstention_says_so_and_shows_the_nearest_passages(page, site):
    url, _ = site
    open_app(page, url)
    ask(page, "What is the capital of Peru?")
    assert "don't say" in last_answer(page) and "[1]" not in last_answer(page)
    panel = page.locator("#rag-sources")
    assert "No answer in the articles" in panel.inner_text() and "Nearest passages" in panel.inner_text()
    assert panel.locator(".rag-card").count() >= 1 and panel.locator("mark").count() == 0


def test_upload_an_article_then_ask_about_it(page, site, tmp_path):
    url, settings = site
    open_app(page, url, settings)
    page.get_by_text("Add articles").click()
    bad = tmp_path / "photo.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    before = sorted(p.name for p in Path(settings.corpus_dir).iterdir())
    page.set_input_files("#rag-upload input[type=file]", str(bad))
    page.wait_for_function("() => (document.querySelector('#rag-upload-msg')?.innerText || '').includes('Refused')")
    assert "PNG image" in page.locator("#rag-upload-msg").inner_text()
    assert sorted(p.name for p in Path(settings.corpus_dir).iterdir()) == before

    good = tmp_path / "Blue canal.txt"
    good.write_text(UPLOAD, encoding="utf-8")
    count = article_count(page)
    page.set_input_files("#rag-upload input[type=file]", str(good))
    page.wait_for_function("() => (document.querySelector('#rag-upload-msg')?.innerText || '').includes('Added')")
    assert "Added Blue-canal.txt" in page.locator("#rag-upload-msg").inner_text()
    assert article_count(page) == count + 1
    ask(page, "How many locks will the Blue Canal have?")
    assert "47 locks" in last_answer(page)
    assert "Canal opens in Zorbia" in page.locator("#rag-sources .rag-card").first.inner_text()


def test_status_warns_when_the_corpus_changed_and_updates(page, site):
    url, settings = site
    open_app(page, url, settings)
    count = article_count(page)
    (Path(settings.corpus_dir) / "dropped-in.txt").write_text(UPLOAD.replace("Blue", "Red"), encoding="utf-8")
    page.reload()
    page.wait_for_function("() => (document.querySelector('#rag-status')?.innerText || '').includes('changed')")
    assert "Corpus changed since the index was built: 1 new" in page.locator("#rag-status").inner_text()
    page.get_by_role("button", name="Update index").click()
    page.wait_for_function("() => !(document.querySelector('#rag-status')?.innerText || '').includes('changed')")
    assert article_count(page) == count + 1
    assert page.get_by_role("button", name="Update index").is_hidden()
    page.reload()  # a new visit sees the new article in the empty state too
    wait_for_status(page, settings)
    page.wait_for_function(
        "() => (document.querySelector('#rag-chat')?.innerText || '').includes('Canal opens in Zorbia')"
    )


def test_llm_answers_stream_into_the_chat(page, site, monkeypatch):
    """Text pieces show while the answer is still being written (a stand-in for the LLM stream)."""
    import rag.engine as backend
    from rag.answer.extractive import answer_question

    url, settings = site
    halfway, finish = threading.Event(), threading.Event()

    def fake_stream(question, settings, snapshot, **kwargs):
        final = answer_question(question, settings, snapshot, **kwargs)
        words = final.text.split(" ")
        for i, word in enumerate(words):
            yield word + " "
            if i == len(words) // 2:
                halfway.set()
                finish.wait(30)
        yield final

    monkeypatch.setattr(backend, "stream_answer", fake_stream)
    open_app(page, url)
    page.fill("#rag-question textarea", EXAMPLE)
    page.click("#rag-ask")
    assert halfway.wait(60)
    page.wait_for_function(
        "() => (document.querySelector('#rag-chat [data-testid=bot]')?.innerText || '').includes('1,700')"
    )
    assert "[1]" not in last_answer(page)  # only the first half so far
    assert page.locator("#rag-sources .rag-card").count() == 0
    finish.set()
    wait_for_answer(page, 1)
    assert "[1]" in last_answer(page)


def test_retry_replaces_the_last_answer_and_clear_empties_the_chat(page, site, monkeypatch):
    import rag.engine as backend
    from rag.answer.extractive import answer_question

    calls: list[str] = []

    def numbered(question, settings, snapshot, **kwargs):
        calls.append(question)
        final = answer_question(question, settings, snapshot, **kwargs)
        yield dataclasses.replace(final, text=f"Answer number {len(calls)}: {final.text}")

    monkeypatch.setattr(backend, "stream_answer", numbered)
    url, _ = site
    open_app(page, url)
    ask(page, EXAMPLE)
    assert last_answer(page).startswith("Answer number 1")
    page.click("#rag-retry")
    page.wait_for_function("() => document.querySelector('#rag-chat [data-testid=bot]').innerText.includes('number 2')")
    assert page.locator("#rag-chat [data-testid=bot]").count() == 1 and calls == [EXAMPLE, EXAMPLE]
    page.click("#rag-clear")
    page.wait_for_function("() => document.querySelectorAll('#rag-chat [data-testid=bot]').length == 0")
    page.locator("#rag-chat button.example").first.wait_for()  # the empty state is back
    assert page.locator("#rag-sources .rag-card").count() == 0


def test_the_conversation_survives_a_reload(page, site):
    """The browser keeps the chat: after a reload the answers, their sources and the follow-up
    context are back; after "Clear chat" a reload stays empty."""
    url, settings = site
    open_app(page, url, settings)
    kept = "() => localStorage.getItem('rag-chat')"  # encrypted: only its changes can be told
    ask(page, EXAMPLE)
    first = page.wait_for_function(kept).json_value()
    ask(page, "How many visitors did the harbour lights festival draw?")
    page.wait_for_function(f"k => ({kept})() !== k", arg=first)
    before = page.locator("#rag-chat [data-testid=bot]").all_inner_texts()
    page.reload()
    page.wait_for_selector("#rag-chat")
    wait_for_answer(page, 2)
    assert page.locator("#rag-chat [data-testid=bot]").all_inner_texts() == before
    assert "Harbour lights" in page.locator("#rag-sources .rag-card").first.inner_text()
    page.locator("#rag-chat [data-testid=bot]").first.click()  # an earlier answer's sources, as before
    page.wait_for_function("() => document.querySelector('#rag-sources .rag-card').innerText.includes('Astana')")
    ask(page, "Who did the wagons belong to?")
    assert page.locator("#rag-chat [data-testid=bot]").count() == 3
    three = page.evaluate(kept)
    page.click("#rag-clear")
    page.wait_for_function("() => document.querySelectorAll('#rag-chat [data-testid=bot]').length == 0")
    page.wait_for_function(f"k => ({kept})() !== k", arg=three)
    page.reload()
    page.locator("#rag-chat button.example").first.wait_for()  # the empty state
    assert page.locator("#rag-chat [data-testid=bot]").count() == 0
    assert page.outside_requests == []


def test_phone_width_layout(browser, site):
    url, _ = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    try:
        open_app(pg, url)
        pg.locator("#rag-chat button.example", has_text=EXAMPLE).click()
        wait_for_answer(pg, 1)
        # Nothing sticks out sideways: the page never scrolls horizontally.
        assert pg.evaluate("() => document.documentElement.scrollWidth") <= 390
        chat, sources = pg.locator("#rag-chat").bounding_box(), pg.locator("#rag-sources").bounding_box()
        assert sources["y"] >= chat["y"] + chat["height"] - 1  # the sources stack under the chat
        DOCS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(DOCS / "screenshot-phone.png"), full_page=True)
    finally:
        context.close()


def test_timeline_chart_and_filters_in_the_settings(page, site):
    """The Timeline button draws the chart of a name's facts by date; the settings panel's date
    filter keeps answers to the articles it lets through."""
    url, _ = site
    open_app(page, url)
    page.fill("#rag-question textarea", "Tokayev")
    page.click("#rag-timeline-btn")
    page.locator("#rag-timeline svg.rag-timeline-chart").wait_for()
    dates = page.locator("#rag-timeline .rag-timeline-entry time").all_inner_texts()
    assert dates == sorted(dates) and dates[0] == "2022-06-20" and dates[-1].startswith("2023")
    assert page.locator("#rag-timeline svg circle").count() == len(dates)
    assert "Timeline of “Tokayev”" in page.locator("#rag-timeline").inner_text()
    DOCS.mkdir(parents=True, exist_ok=True)
    page.locator("#rag-timeline").screenshot(path=str(DOCS / "screenshot-timeline.png"))

    page.get_by_text("Settings").click()
    page.locator("#rag-after input").first.fill("2023-01-01")
    page.locator("#rag-after input").first.press("Enter")
    ask(page, "Why did Tokayev refuse to recognise the Donbass republics?")
    assert "without a date were left out by the date filter" in last_answer(page)
    assert "2022-06-20" not in page.locator("#rag-sources").inner_text()
    page.click("#rag-clear")
    page.wait_for_function("() => document.querySelectorAll('#rag-chat [data-testid=bot]').length == 0")
    page.locator("#rag-timeline").wait_for(state="hidden")  # Clear chat closes the timeline too
    assert page.outside_requests == []
