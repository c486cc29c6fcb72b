"""The timeline (rag.answer.timeline) and its chart (rag.web.timeline) on the five seed articles,
with the fake embedder. The seed articles' dates: astana 2022-06-20, politnavigator and
putin-and-tokayev 2023-11-10; frontier and orda have none."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from rag.answer.extractive import BadQuestion
from rag.answer.timeline import Timeline, TimelineEntry, timeline_json, timeline_text
from rag.cli import main
from rag.engine import Engine
from rag.errors import ConfigError
from rag.index.build import ingest
from rag.search.filters import Filters
from rag.search.names import is_subject
from rag.web.timeline import timeline_html, timeline_svg

ASTANA = "astana-is-staying-apart-russian-kazakh-disagreements.txt"
FRONTIER = "frontier-post-diplomatic-confusion.txt"
ORDA = "orda-russian-propagandists-on-toqayev-visit-to-germany.txt"
POLIT = "politnavigator-putin-in-kazakhstan.txt"
MEETING = "putin-and-tokayev-meet-speech-in-kazakh.txt"
DATES = {ASTANA: "2022-06-20", POLIT: "2023-11-10", MEETING: "2023-11-10", FRONTIER: None, ORDA: None}
TOKAYEV = "What about Tokayev?"  # every article names him (the fake embedder needs the name mid-question)


@pytest.fixture
def engine(settings, fake_embedder) -> Engine:
    """The fake embedder's cosines are low (a bag of hashed words): entries need a lower floor than
    the real model's 0.40 (tests/integration/test_timeline.py runs the defaults)."""
    ingest(settings, embedder=fake_embedder)
    return Engine(settings.replace(answer_floor=0.3), fake_embedder)


def test_a_name_gives_one_entry_per_article_in_date_order(engine):
    tl = engine.timeline(TOKAYEV)
    assert [e.date for e in tl.entries] == sorted(e.date for e in tl.entries)
    assert {e.doc_id for e in tl.entries} == {ASTANA, POLIT, MEETING}
    assert tl.entries[0].doc_id == ASTANA and tl.span == ("2022-06-20", "2023-11-10")
    assert {e.doc_id for e in tl.undated} == {FRONTIER, ORDA} and all(e.date is None for e in tl.undated)
    assert [e.score for e in tl.undated] == sorted((e.score for e in tl.undated), reverse=True)
    every = tl.entries + tl.undated
    assert len({e.doc_id for e in every}) == len(every)
    for e in every:
        assert e.date == DATES[e.doc_id]
        doc = engine.document(e.doc_id)
        chunk = engine.snapshot().chunks([e.chunk_id])[e.chunk_id]
        assert chunk.doc_id == e.doc_id and e.quote in chunk.text and e.quote in doc.text
        assert e.path == doc.path and e.title == doc.title
        assert e.score >= engine.settings.answer_floor
    assert next(e for e in every if e.doc_id == POLIT).outlet == "Politnavigator"


def test_an_article_whose_best_sentence_is_under_the_answer_floor_is_left_out(engine):
    every = {e.doc_id: e.score for e in engine.timeline(TOKAYEV).entries + engine.timeline(TOKAYEV).undated}
    floor = sorted(every.values())[2] + 1e-6  # between the third and the second-weakest
    strict = Engine(engine.settings.replace(answer_floor=floor), engine.embedder).timeline(TOKAYEV)
    kept = {e.doc_id for e in strict.entries + strict.undated}
    assert kept == {d for d, score in every.items() if score >= floor} and len(kept) == 2


def test_the_quote_is_the_answerers_best_sentence_of_the_article(engine):
    """The fact of an article is the sentence the extractive answerer scores best among its passages."""
    from rag.answer.extractive import score_sentences

    question = "How many wagons of coal did Kazakhstan block?"
    tl = engine.timeline(question)
    astana = next(e for e in tl.entries if e.doc_id == ASTANA)
    assert "1,700 wagons" in astana.quote
    result = engine.search(question, k=30)
    scored = score_sentences(question, result.query_vector, result.hits, engine.snapshot(), passages=len(result.hits))
    assert astana.quote == next(text for _, hit, _, _, text in scored if hit.chunk.doc_id == ASTANA)


def test_filters_keep_the_timeline_to_their_articles(engine):
    tl = engine.timeline(TOKAYEV, filters=Filters.build(after="2023-01-01"))
    assert {e.doc_id for e in tl.entries} == {POLIT, MEETING} and tl.undated == ()
    assert "2 articles without a date were left out by the date filter." in tl.notes
    by_outlet = engine.timeline(TOKAYEV, filters=Filters.build(outlets="ORDA.KZ"))
    assert [e.doc_id for e in by_outlet.entries + by_outlet.undated] == [ORDA]


def test_what_the_articles_never_mention_gives_an_empty_timeline_that_says_so(engine):
    tl = engine.timeline("What about Peru?")
    assert tl.entries == tl.undated == ()
    assert tl.notes == ("The articles don't mention Peru.",)


def test_a_bare_name_finds_the_articles_that_use_it_whatever_their_cosine(engine):
    """A one-word name sits under the cosine floor for the very passages that name it: a name or a
    subject is read from the passages that use its words."""
    assert is_subject("Zatulin") and is_subject("coal wagons") and not is_subject("Who is Zatulin?")
    hits = engine.search("Zatulin").hits  # search lifts the floor for them too (`is_subject`)
    assert hits and all("Zatulin" in h.chunk.text for h in hits)
    zatulin = engine.timeline("Zatulin")
    assert [e.doc_id for e in zatulin.entries + zatulin.undated] == [ASTANA] and "Zatulin" in zatulin.entries[0].quote
    peru = engine.timeline("Peru")
    assert peru.entries == peru.undated == () and peru.notes == ("The articles don't mention Peru.",)


@pytest.mark.parametrize(("question", "kind"), [("   ", BadQuestion), ("?!", BadQuestion)])
def test_an_empty_question_is_refused(engine, question, kind):
    with pytest.raises(kind, match="question"):
        engine.timeline(question)


@pytest.mark.parametrize("k", [0, 101])
def test_k_out_of_range_says_the_range(engine, k):
    with pytest.raises(ConfigError, match="between 1 and 100"):
        engine.timeline(TOKAYEV, k=k)


def test_json_and_text(engine):
    tl = engine.timeline(TOKAYEV)
    out = timeline_json(tl)
    assert json.loads(json.dumps(out)) == out
    assert set(out) == {"query", "entries", "undated", "notes", "timings_ms"} and out["query"] == TOKAYEV
    assert [e["doc_id"] for e in out["entries"]] == [e.doc_id for e in tl.entries]
    assert set(out["entries"][0]) == {
        "date",
        "title",
        "outlet",
        "author",
        "path",
        "doc_id",
        "chunk_id",
        "quote",
        "score",
    }
    text = timeline_text(tl)
    n = len(tl.entries) + len(tl.undated)
    assert text.splitlines()[0] == f"Timeline of “{TOKAYEV}”: {n} articles, 2022-06-20 to 2023-11-10"
    assert text.index("2022-06-20") < text.index(tl.entries[-1].quote) and "Undated:" in text


def test_cli_prints_the_timeline(settings, fake_embedder, monkeypatch, capsys):
    import rag.engine

    ingest(settings, embedder=fake_embedder)
    monkeypatch.setattr(rag.engine, "get_embedder", lambda s: fake_embedder)
    monkeypatch.setenv("RAG_ANSWER_FLOOR", "0.3")
    args = ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    assert main(["timeline", TOKAYEV, "--json", "--after", "2023-01-01", *args]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [e["date"] for e in out["entries"]] == ["2023-11-10", "2023-11-10"] and out["undated"] == []
    assert main(["timeline", TOKAYEV, *args]) == 0
    assert capsys.readouterr().out.startswith(f"Timeline of “{TOKAYEV}”:")
    assert main(["timeline", TOKAYEV, "--before", "2023-13", *args]) == 2
    assert "before must be a date as yyyy-mm-dd" in capsys.readouterr().err


# ---------------------------------------------------------------- the chart


def _entry(date: str | None, doc: str, quote: str = "It happened.") -> TimelineEntry:
    return TimelineEntry(date, f"Title {doc}", "Outlet", None, f"{doc}.txt", doc, 1, quote, 0.5)


def test_the_chart_places_markers_by_date_and_escapes_the_articles(engine):
    entries = (_entry("2022-01-01", "a"), _entry("2022-07-02", "b", "<script>x()</script>"), _entry("2023-12-31", "c"))
    svg = timeline_svg(entries)
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]
    assert len(xs) == 3 and xs == sorted(xs) and xs[0] < xs[1] < xs[2]
    # Proportional to time: the middle date sits where its day falls between the ends.
    assert abs((xs[1] - xs[0]) / (xs[2] - xs[0]) - 182 / 729) < 0.01
    assert ">2023<" in svg and ">2022-01-01<" in svg and ">2023-12-31<" in svg
    html = timeline_html(Timeline("q <b>", entries, (_entry(None, "d"),), ("a note",)))
    assert "<script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html and "q &lt;b&gt;" in html
    assert html.count('class="rag-timeline-entry"') == 4 and "Undated articles" in html and "a note" in html


def test_markers_of_the_same_day_stack_instead_of_overlapping():
    svg = timeline_svg((_entry("2023-11-10", "a"), _entry("2023-11-10", "b"), _entry("2023-11-10", "c")))
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert len({x for x, _ in circles}) == 1 and len({y for _, y in circles}) == 3


def test_an_empty_timeline_says_so():
    html = timeline_html(replace(Timeline("Peru", ()), notes=("The articles don't mention Peru.",)))
    assert "No article places this" not in html and "<svg" not in html and "mention Peru" in html  # one message
    assert "No article places this on a timeline." in timeline_html(Timeline("Peru", ()))  # none: the generic one
