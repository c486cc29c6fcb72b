"""The chat's rules without Gradio: ChatSession over a Engine with the fake embedder."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from rag.answer.extractive import answer_json, retrieval_query
from rag.engine import Engine
from rag.errors import IngestLocked
from rag.index.build import index_status, ingest
from rag.index.store import read_manifest
from rag.records import Answer
from rag.web.feedback import feedback_entry, read_feedback
from rag.web.render import (
    EXAMPLE_QUESTIONS,
    article_view,
    chat_message,
    corpus_overview,
    doc_info,
    md_text,
    source_cards,
    status_line,
)
from rag.web.session import SOURCES_HINT, ChatSession, PageStatus, Step, Turn, turn_of_message

WAGONS = "How many wagons of coal did Kazakhstan block?"
DONBASS = "Why did Tokayev refuse to recognise the Donbass republics?"
FOLLOW_UP = "Why did he do that?"  # names no one: only the history says who "he" is
ARTICLE = (
    b"Canal opens in Zorbia\n\nBy Jane Roe\n\n"
    b"The Zorbian Ministry of Canals said on Monday that the new Blue Canal will open with 47 locks.\n\n"
    b"Officials expect the first boats in spring.\n"
)


class Recording(Engine):
    """The real backend, noting every question the chat asks it, with the history passed along."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.asked: list[tuple[str, list[tuple[str, str]], dict]] = []

    def stream(self, question, history=None, **options):
        self.asked.append((question, list(history or []), options))
        return super().stream(question, history, **options)


@pytest.fixture
def backend(settings, fake_embedder, tmp_path) -> Recording:
    settings = settings.replace(feedback_path=tmp_path / "feedback" / "votes.jsonl")
    ingest(settings, embedder=fake_embedder)
    return Recording(settings, fake_embedder)


def same(a: Answer | None, b: Answer) -> bool:
    """Equal answers, timings aside (they differ from run to run)."""
    assert a is not None
    return dataclasses.replace(a, timings_ms={}) == dataclasses.replace(b, timings_ms={})


def asked(chat: ChatSession, *questions: str, **options) -> ChatSession:
    for q in questions:
        for _ in chat.respond(q, **options):
            pass
    return chat


def corpus_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# ---------------------------------------------------------------- respond


def test_respond_shows_the_question_then_the_answer_and_its_sources(backend):
    chat = ChatSession(backend)
    steps = list(chat.respond(f"  {WAGONS}  "))
    assert len(chat.turns) == 1 and chat.latest == 0
    turn = chat.turns[0]
    assert turn.question == WAGONS and turn.error is None and same(turn.answer, backend.ask(WAGONS))
    assert "1,700 wagons" in turn.answer.text and "[1]" in turn.answer.text
    question = {"role": "user", "content": md_text(WAGONS)}
    assert steps == [
        Step([question, {"role": "assistant", "content": "…"}], SOURCES_HINT),
        Step([question, {"role": "assistant", "content": chat_message(turn.answer)}],
             source_cards(turn.answer, backend.snapshot().manifest)),
    ]  # fmt: skip


def test_respond_passes_the_options_and_leaves_the_callers_turns_alone(backend):
    before: list[Turn] = []
    chat = asked(ChatSession(backend, before), WAGONS, k=2, retrieval_mode="bm25", answer_mode="extractive")
    assert before == []
    assert backend.asked == [(WAGONS, [], {"k": 2, "retrieval_mode": "bm25", "answer_mode": "extractive"})]
    assert same(chat.turns[0].answer, backend.ask(WAGONS, k=2, retrieval_mode="bm25"))
    assert len(chat.turns[0].answer.hits) <= 2


def test_a_follow_up_question_uses_the_history(backend):
    chat = asked(ChatSession(backend), WAGONS, FOLLOW_UP)
    first = chat.turns[0].answer
    assert [q for q, _, _ in backend.asked] == [WAGONS, FOLLOW_UP]
    assert backend.asked[1][1] == [(WAGONS, first.text)] == chat.history()[:1]
    follow_up = chat.turns[1].answer
    assert same(follow_up, backend.ask(FOLLOW_UP, [(WAGONS, first.text)]))
    # Without the history the same words find nothing: the context is what answers it.
    assert not follow_up.abstained and backend.ask(FOLLOW_UP).abstained


def test_history_keeps_only_answered_turns():
    answer = Answer("q1", "a1 [1]", (), False)
    chat = ChatSession(None, [Turn("q1", answer=answer), Turn("q2", error="damaged"), Turn("q3")])  # type: ignore[arg-type]
    assert chat.history() == [("q1", "a1 [1]")]


def test_an_empty_question_changes_nothing(backend):
    chat = asked(ChatSession(backend), WAGONS)
    turns = list(chat.turns)
    for blank in ("", "   ", "\n\t"):
        assert list(chat.respond(blank)) == [Step(chat.messages())]
    assert chat.turns == turns and backend.asked == [(WAGONS, [], {})]


def test_streamed_pieces_show_while_the_answer_is_written(backend):
    class Streaming(Engine):
        def stream(self, question, history=None, **options):
            yield "Kazakhstan "
            yield "blocked *coal*"
            yield self.ask(question, history, **options)

    chat = ChatSession(Streaming(backend.settings, backend.embedder))
    steps = list(chat.respond(WAGONS))
    user = {"role": "user", "content": md_text(WAGONS)}
    assert steps[1:3] == [
        Step([user, {"role": "assistant", "content": "Kazakhstan "}], None, streaming=True),
        Step([user, {"role": "assistant", "content": "Kazakhstan blocked \\*coal\\*"}], None, streaming=True),
    ]
    assert len(steps) == 4 and steps[3].messages[1]["content"] == chat_message(chat.turns[0].answer)


def test_a_bad_question_becomes_a_message_in_the_chat(backend):
    chat = asked(ChatSession(backend), WAGONS, "🙂 🙂")
    assert chat.turns[1] == Turn("🙂 🙂", error="the question has no words in it; type a question about the articles")
    assert chat.messages()[-1] == {
        "role": "assistant",
        "content": "⚠ the question has no words in it; type a question about the articles",
    }
    assert chat.history() == [(WAGONS, chat.turns[0].answer.text)]


def test_an_index_error_becomes_a_message_in_the_chat(backend):
    chat = asked(ChatSession(backend), WAGONS)
    (Path(backend.settings.index_dir) / "manifest.json").write_text("not JSON", encoding="utf-8")
    steps = list(chat.respond(WAGONS))
    error = chat.turns[-1].error
    assert chat.turns[-1].answer is None and error and "rag ingest" in error and "Traceback" not in error
    assert steps[-1] == Step(chat.messages(), SOURCES_HINT)
    assert len(steps[-1].messages) == 4 and steps[-1].messages[-1]["content"] == "⚠ " + md_text(error)
    assert steps[-1].messages[1]["content"] == chat_message(chat.turns[0].answer)  # the earlier answer stays


# ---------------------------------------------------------------- retry and clear


def test_retry_asks_the_last_question_again_in_its_place(backend):
    chat = asked(ChatSession(backend), WAGONS, DONBASS)
    first = chat.turns[0].answer
    steps = list(chat.retry(k=3))
    assert [q for q, _, _ in backend.asked] == [WAGONS, DONBASS, DONBASS]
    assert backend.asked[-1][1:] == ([(WAGONS, first.text)], {"k": 3})  # the retried answer is not context
    assert [t.question for t in chat.turns] == [WAGONS, DONBASS] and chat.turns[0].answer is first
    assert same(chat.turns[1].answer, backend.ask(DONBASS, [(WAGONS, first.text)], k=3))
    assert steps[0].messages[-1] == {"role": "assistant", "content": "…"} and len(steps[0].messages) == 4


def test_retry_with_no_question_shows_the_empty_chat(backend):
    chat = ChatSession(backend)
    assert list(chat.retry()) == [Step([], SOURCES_HINT)]
    assert chat.turns == [] and backend.asked == []


def test_clear_forgets_the_conversation(backend):
    chat = asked(ChatSession(backend), WAGONS)
    chat.clear()
    assert chat.turns == [] and chat.latest == -1 and chat.messages() == [] and chat.history() == []


# ---------------------------------------------------------------- the sources panel


def test_select_shows_the_sources_of_the_clicked_answer(backend):
    chat = asked(ChatSession(backend), WAGONS, DONBASS)
    manifest = backend.snapshot().manifest
    first, second = (source_cards(t.answer, manifest) for t in chat.turns)
    assert first != second
    assert chat.select(0) == chat.select(1) == (first, 0)  # its question or its answer
    assert chat.select(3) == chat.select([2, 0]) == (second, 1)
    scored = ChatSession(backend, chat.turns, show_scores=True, show_timings=True).select(1)
    assert scored == (source_cards(chat.turns[0].answer, manifest, show_scores=True, show_timings=True), 0)
    assert "rag-scores" in scored[0] and "rag-timings" in scored[0]


@pytest.mark.parametrize("index", [4, 99, -1, None, "x", True, []])
def test_select_outside_the_chat_shows_the_hint(backend, index):
    chat = asked(ChatSession(backend), WAGONS, DONBASS)
    assert chat.select(index) == (SOURCES_HINT, -1)


def test_sources_of_a_turn_without_an_answer_is_the_hint(backend):
    chat = ChatSession(backend, [Turn("q", error="damaged")])
    assert chat.sources(0) == chat.sources(-1) == chat.sources(5) == SOURCES_HINT


def test_turn_of_message():
    assert [turn_of_message(i) for i in (0, 1, 2, 3, [5, 0], (4,))] == [0, 0, 1, 1, 2, 2]
    assert [turn_of_message(i) for i in (-1, None, "2", 1.0, False, [])] == [None] * 6


def test_open_article_shows_the_cited_passage_in_its_article(backend):
    chat = asked(ChatSession(backend), WAGONS)
    citation = chat.turns[0].answer.citations[0]
    doc = backend.document(citation.chunk.doc_id)
    expected = article_view(
        doc, doc_info(backend.snapshot().manifest, doc.doc_id), citation.chunk, citation.quote, "[1]"
    )
    assert chat.open_article(0, "c1") == chat.open_article(-1, "c1") == expected
    assert '<mark class="rag-quote">' in expected and "1,700 wagons" in expected
    hit = chat.turns[0].answer.hits[0]
    assert chat.open_article(0, "h1") == article_view(
        backend.document(hit.chunk.doc_id), doc_info(backend.snapshot().manifest, hit.chunk.doc_id), hit.chunk, None,
        "#1",
    )  # fmt: skip


@pytest.mark.parametrize(("index", "key"), [(0, "c9"), (0, ""), (0, None), (1, "c1"), (-2, "c1")])
def test_open_article_without_such_a_card_shows_nothing(backend, index, key):
    chat = asked(ChatSession(backend), WAGONS)
    assert chat.open_article(index, key) is None


def test_open_article_of_a_removed_article_says_so(backend):
    chat = asked(ChatSession(backend), WAGONS)
    doc_id = chat.turns[0].answer.citations[0].chunk.doc_id
    (Path(backend.settings.corpus_dir) / doc_id).unlink()
    ingest(backend.settings, embedder=backend.embedder)
    assert chat.open_article(0, "c1") == f"<p>{doc_id} is no longer in the index.</p>"


# ---------------------------------------------------------------- feedback


def test_like_writes_one_feedback_line(backend):
    chat = asked(ChatSession(backend), WAGONS, DONBASS)
    path = backend.settings.feedback_path
    entry = chat.like(1, "Like")
    assert read_feedback(path) == [entry]
    assert entry == {**feedback_entry(chat.turns[0].answer, "up"), "timestamp": entry["timestamp"]}
    assert entry["question"] == WAGONS and entry["rating"] == "up" and entry["answer"] == chat.turns[0].answer.text
    assert [c["n"] for c in entry["citations"]] == [c.n for c in chat.turns[0].answer.citations]
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1


@pytest.mark.parametrize(("liked", "rating"), [(True, "up"), ("Like", "up"), (False, "down"), ("Dislike", "down")])
def test_like_and_dislike_ratings(backend, liked, rating):
    chat = asked(ChatSession(backend), WAGONS, DONBASS)
    entry = chat.like([3, 1], liked)
    assert entry["rating"] == rating and entry["question"] == DONBASS
    assert [row["rating"] for row in read_feedback(backend.settings.feedback_path)] == [rating]


def test_like_on_no_answer_writes_nothing(backend):
    chat = ChatSession(backend, [Turn("q", error="damaged")])
    assert chat.like(1) is None and chat.like(7, "Like") is None and chat.like("x") is None
    assert not backend.settings.feedback_path.exists()


# ---------------------------------------------------------------- uploads, status, update, examples


def test_upload_adds_good_files_and_refuses_bad_ones_with_their_reason(backend, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "Blue canal.txt").write_bytes(ARTICLE)
    (drop / "x.exe").write_bytes(b"MZ")
    stages: list[str] = []
    message = ChatSession(backend).upload(
        [str(drop / "Blue canal.txt"), drop / "x.exe"], lambda stage, done, total: stages.append(stage)
    )
    assert message == "\n\n".join([
        "✓ " + md_text("Added Blue-canal.txt (uploaded as Blue canal.txt)"),
        "⚠ " + md_text("Refused x.exe: unsupported type .exe; upload one of .txt, .md, .markdown, .html, .htm, .pdf"),
    ])  # fmt: skip
    assert (Path(backend.settings.corpus_dir) / "Blue-canal.txt").read_bytes() == ARTICLE
    assert "Blue-canal.txt" in backend.snapshot().manifest.documents and not index_status(backend.settings).stale
    assert "check" in stages and "embed" in stages


def test_a_refused_upload_leaves_corpus_and_index_unchanged(backend, tmp_path):
    bad = tmp_path / "evil.pdf"
    bad.write_bytes(b"<script>alert(1)</script>")
    files, manifest = corpus_state(backend.settings.corpus_dir), read_manifest(backend.settings.index_dir)
    message = ChatSession(backend).upload([bad])
    assert message.startswith("⚠ Refused evil.pdf") and "not a PDF" in message and "\n" not in message
    assert corpus_state(backend.settings.corpus_dir) == files
    assert read_manifest(backend.settings.index_dir) == manifest


def test_upload_when_indexing_fails_adds_nothing_and_says_why(backend, tmp_path):
    from filelock import FileLock

    good = tmp_path / "canal.txt"
    good.write_bytes(ARTICLE)
    files = corpus_state(backend.settings.corpus_dir)
    index_dir = Path(backend.settings.index_dir)
    with FileLock(str(index_dir / ".ingest.lock")):
        message = ChatSession(backend).upload([good])
    assert message == "⚠ Nothing was added: " + md_text(
        f"another ingest is updating {index_dir}/ right now; wait for it to finish and try again"
    )
    assert corpus_state(backend.settings.corpus_dir) == files


def test_upload_of_nothing_says_nothing(backend):
    assert ChatSession(backend).upload([]) is None


def test_status_of_a_fresh_a_changed_and_a_damaged_index(backend):
    st = index_status(backend.settings)
    assert ChatSession(backend).status() == PageStatus(status_line(st), False, corpus_overview(st.manifest))
    (Path(backend.settings.corpus_dir) / "new.txt").write_bytes(ARTICLE)
    changed = ChatSession(backend).status()
    assert changed.stale is True and "1 new" in changed.line and changed.overview == corpus_overview(st.manifest)
    (Path(backend.settings.index_dir) / "manifest.json").write_text("not JSON", encoding="utf-8")
    damaged = ChatSession(backend).status()
    assert damaged.line.startswith("⚠ ") and "rag ingest" in damaged.line
    assert (damaged.stale, damaged.overview) == (False, None)


def test_update_index_brings_in_a_dropped_file(backend):
    (Path(backend.settings.corpus_dir) / "new.txt").write_bytes(ARTICLE)
    before = backend.snapshot().manifest.counts.chunks
    line = ChatSession(backend).update_index()
    chunks = backend.snapshot().manifest.counts.chunks
    assert re.sub(r" in [0-9.]+s:", " in Ns:", line) == (
        f"6 articles, {chunks} chunks indexed in Ns: 1 added, 0 changed, 0 removed, 5 unchanged; "
        f"{chunks - before} chunks embedded, {before} reused"
    )
    assert ChatSession(backend).status().stale is False
    assert "new.txt" in backend.snapshot().manifest.documents


def test_update_index_raises_the_library_error(backend):
    from filelock import FileLock

    (Path(backend.settings.corpus_dir) / "new.txt").write_bytes(ARTICLE)
    with FileLock(str(Path(backend.settings.index_dir) / ".ingest.lock")), pytest.raises(IngestLocked):
        ChatSession(backend).update_index()
    assert ChatSession(backend).status().stale is True


def test_examples_are_the_seed_questions_that_find_passages(backend):
    assert ChatSession(backend).examples() == [q for q in EXAMPLE_QUESTIONS if backend.search(q).hits]
    # With the fake embedder's cosines all four pass: the third through the names it shares with passages.
    assert ChatSession(backend).examples() == list(EXAMPLE_QUESTIONS)
    assert ChatSession(backend).examples(n=1) == [EXAMPLE_QUESTIONS[0]]


def test_the_backend_ask_matches_the_library(backend):
    from rag.answer.extractive import answer_question

    got = answer_json(backend.ask(WAGONS, k=3))
    want = answer_json(answer_question(WAGONS, backend.settings, backend.snapshot(), embedder=backend.embedder, k=3))
    got.pop("timings_ms"), want.pop("timings_ms")
    assert got == want


# ---------------------------------------------------------------- filters and the timeline view


def test_the_settings_panels_filters_reach_the_engine(backend):
    from rag.search.filters import Filters

    question = "What did Putin say?"
    panel = {"after": "2023-01-01", "before": None, "outlets": None, "authors": ["Bettina MENZEL"]}
    chat = asked(ChatSession(backend), question, k=5, filters=panel)
    filters = Filters.build(after="2023-01-01", authors=["bettina menzel"])
    assert backend.asked[-1][2] == {"k": 5, "filters": filters}
    answer = chat.turns[0].answer
    assert same(answer, backend.ask(question, k=5, filters=filters)) and not same(answer, backend.ask(question, k=5))
    assert {h.chunk.doc_id for h in answer.hits} == {"putin-and-tokayev-meet-speech-in-kazakh.txt"}


def test_a_bad_filter_date_becomes_a_message_in_the_chat(backend):
    chat = asked(ChatSession(backend), WAGONS, filters={"after": "10/11/2023"})
    assert chat.turns[0].answer is None and "after must be a date as yyyy-mm-dd" in chat.turns[0].error
    assert backend.asked == []  # refused before anything was searched


def test_filter_choices_are_the_corpus_outlets_and_authors(backend):
    outlets, authors = ChatSession(backend).filter_choices()
    assert outlets == ["Orda.kz", "Politnavigator", "The Frontier Post"]
    assert "Ivan Zubov" in authors and "Bettina Menzel" in authors and authors == sorted(authors, key=str.casefold)


def test_the_timeline_view_of_a_name_or_of_the_last_question(backend):
    from rag.web.timeline import TIMELINE_HINT, timeline_html

    tokayev = "What about Tokayev?"
    chat = ChatSession(backend)
    assert chat.timeline("  ") == TIMELINE_HINT  # nothing typed, nothing asked
    html = chat.timeline(tokayev)
    assert html == timeline_html(backend.timeline(tokayev))
    assert html.index('data-date="2022-06-20"') < html.index('data-date="2023-11-10"') and "<svg" in html
    asked(chat, WAGONS)
    assert chat.timeline("") == timeline_html(backend.timeline(WAGONS))
    asked(chat, "Who did they belong to?")  # a follow-up: its timeline is of the question as the chat read it
    resolved = retrieval_query("Who did they belong to?", chat.history()[:1])
    assert resolved != "Who did they belong to?" and chat.timeline("") == timeline_html(backend.timeline(resolved))
    later = chat.timeline(tokayev, filters={"after": "2023-01-01"})
    assert 'data-date="2022-06-20"' not in later and "left out by the date filter" in later
    assert "before must be a date as yyyy-mm-dd" in chat.timeline(tokayev, filters={"before": "soon"})
