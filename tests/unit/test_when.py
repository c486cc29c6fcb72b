"""Time-aware answers: the time a question names (rag/search/when.py), the soft boost inside
retrieval, the dates every citation shows, and the note on answers from articles years apart.

The seed articles: astana (2022-06-20), politnavigator and the meeting (2023-11-10), frontier and
orda (no date).
"""

from __future__ import annotations

import json
from datetime import date

import pytest

import rag.engine
from rag.cli import main
from rag.config import Settings
from rag.engine import Engine
from rag.errors import ConfigError
from rag.index.build import ingest
from rag.search.when import REPORTING_LAG_DAYS, Period, TimeHint, read_time, spread_note

ASTANA = "astana-is-staying-apart-russian-kazakh-disagreements.txt"
FRONTIER = "frontier-post-diplomatic-confusion.txt"
ORDA = "orda-russian-propagandists-on-toqayev-visit-to-germany.txt"
POLIT = "politnavigator-putin-in-kazakhstan.txt"
MEETING = "putin-and-tokayev-meet-speech-in-kazakh.txt"
NO_FLOOR = -1.0
TODAY = date(2023, 11, 10)


# ---------------------------------------------------------------- reading the question


@pytest.mark.parametrize(
    ("question", "spans"),
    [
        ("What did he say in 2022?", [("2022-01-01", "2022-12-31", "2022")]),
        ("What happened in November 2023?", [("2023-11-01", "2023-11-30", "November 2023")]),
        ("What happened in Nov. 2023?", [("2023-11-01", "2023-11-30", "Nov. 2023")]),
        ("What did they agree on 9 November 2023?", [("2023-11-09", "2023-11-09", "9 November 2023")]),
        ("What did they agree on November 9th, 2023?", [("2023-11-09", "2023-11-09", "November 9th, 2023")]),
        ("Were there protests in the summer of 2022?", [("2022-06-01", "2022-08-31", "summer of 2022")]),
        ("And in winter 2022?", [("2022-12-01", "2023-02-28", "winter 2022")]),
        ("What changed in early 2023?", [("2023-01-01", "2023-04-30", "early 2023")]),
        ("What changed in mid-2022?", [("2022-05-01", "2022-08-31", "mid-2022")]),
        ("And in the second half of 2022?", [("2022-07-01", "2022-12-31", "second half of 2022")]),
        ("What was said in Q4 2022?", [("2022-10-01", "2022-12-31", "Q4 2022")]),
        ("What was said since 2023?", [("2023-01-01", "9999-12-31", "since 2023")]),
        ("What was said before 2023?", [("0001-01-01", "2022-12-31", "before 2023")]),
        ("In 2022 or in 2023?", [("2022-01-01", "2022-12-31", "2022"), ("2023-01-01", "2023-12-31", "2023")]),
    ],
)
def test_periods_written_out(question, spans):
    hint = read_time(question)
    assert [(p.start.isoformat(), p.end.isoformat(), p.label) for p in hint.periods] == spans
    assert hint.order is None


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("What happened last year?", "2022-01-01", "2022-12-31"),
        ("What was signed this year?", "2023-01-01", "2023-12-31"),
        ("What happened last month?", "2023-10-01", "2023-10-31"),
        ("What happened this month?", "2023-11-01", "2023-11-30"),
        ("What happened in the past year?", "2022-11-10", "2023-11-10"),
        ("What happened two years ago?", "2021-01-01", "2021-12-31"),
        ("What happened last week?", "2023-10-30", "2023-11-05"),
    ],
)
def test_relative_words_count_from_the_archives_newest_article(question, start, end):
    (period,) = read_time(question, today=TODAY).periods
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)
    assert not read_time(question).active  # without the archive's present they are not read


@pytest.mark.parametrize(
    ("question", "order"),
    [
        ("What is the latest on the CSTO?", "newest"),
        ("What did the most recent article say?", "newest"),
        ("What did the newest report say?", "newest"),
        ("What was the earliest report of the dispute?", "oldest"),
        ("When was the dispute first reported?", "oldest"),
        ("When was the first package adopted?", None),  # "first" alone is not read
    ],
)
def test_order_words(question, order):
    assert read_time(question).order == order


@pytest.mark.parametrize(
    "question",
    [
        "Who signed the treaty?",
        "What was the first package of sanctions?",  # "first" of a series, not of time
        "What is Kazakhstan doing now?",
        "What trade turnover is targeted by 2030?",  # a plan's horizon, not when it was said
        "What damaged the pipeline in March?",  # a month without a year is not read
        "How many wagons, 1,700 or 2022.5?",  # numbers that are not years
    ],
)
def test_questions_without_time(question):
    assert not read_time(question, today=TODAY).active


def test_period_match_is_one_inside_falls_after_and_is_zero_before():
    hint = TimeHint((Period(date(2022, 1, 1), date(2022, 12, 31), "2022"),))
    assert hint.period_match(date(2022, 6, 20)) == 1.0
    assert hint.period_match(date(2023, 1, 1)) == pytest.approx(1 - 1 / REPORTING_LAG_DAYS)
    assert hint.period_match(date(2023, 11, 10)) == 0.0
    assert hint.period_match(date(2021, 12, 31)) == 0.0
    assert hint.period_match(None) == 0.0


def test_order_places_articles_between_the_oldest_and_the_newest():
    days = {"a": date(2022, 1, 1), "b": date(2022, 7, 2), "c": date(2023, 1, 1), "d": None}
    assert TimeHint(order="newest").match(days) == {"a": 0.0, "b": pytest.approx(0.5, abs=0.01), "c": 1.0, "d": 0.0}
    assert TimeHint(order="oldest").match(days)["a"] == 1.0
    both = TimeHint((Period(date(2022, 1, 1), date(2022, 12, 31), "2022"),), "newest").match(days)
    assert both == {"a": 0.5, "b": pytest.approx(0.75, abs=0.01), "c": pytest.approx((30 / 31 + 1) / 2), "d": 0.0}


def test_spread_note_only_for_articles_more_than_a_year_apart():
    assert (
        spread_note(["2022-06-20", "2023-11-10"])
        == "These passages are from articles published 2022-06-20 and 2023-11-10."
    )
    assert spread_note(["2022-06-20", "2023-06-20"]) is None  # 365 days: not more than a year
    assert spread_note(["2022-06-20", None, "", "not a date"]) is None
    assert spread_note([]) is None


def test_time_boost_setting_is_checked():
    assert Settings.from_env({"RAG_TIME_BOOST": "0"}).time_boost == 0.0
    with pytest.raises(ConfigError, match=r"time_boost .* \[0, 1\]"):
        Settings(time_boost=2.0)


# ---------------------------------------------------------------- retrieval


@pytest.fixture
def engine(settings, fake_embedder) -> Engine:
    ingest(settings, embedder=fake_embedder)
    return Engine(settings, fake_embedder)


def boosted(engine: Engine, boost: float) -> Engine:
    return Engine(engine.settings.replace(time_boost=boost), engine.embedder)


def off(engine: Engine) -> Engine:
    return boosted(engine, 0.0)


def best_rank(hits, doc: str) -> int:
    return min(h.rank for h in hits if h.chunk.doc_id == doc)


QUESTION = "What did Putin and Tokayev say about Kazakhstan and Russia"
ABOUT = "What happened between Putin, Tokayev, Kazakhstan and Russia"


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_a_named_year_lifts_that_years_passages_and_removes_none(engine, mode):
    question = f"{QUESTION} in 2022?"
    on = engine.search(question, k=100, mode=mode, floor=NO_FLOOR)
    plain = off(engine).search(question, k=100, mode=mode, floor=NO_FLOOR)
    assert {h.chunk.chunk_id for h in on.hits} == {h.chunk.chunk_id for h in plain.hits}  # a boost, not a filter
    assert best_rank(on.hits, ASTANA) <= best_rank(plain.hits, ASTANA)
    assert on.notes == ("Passages from articles published in 2022 were preferred.",)
    assert plain.notes == () and all("time" not in h.scores_by_method for h in plain.hits)
    best = max(h.score for h in plain.hits)
    before = {h.chunk.chunk_id: h.score for h in plain.hits}
    for h in on.hits:  # the article of 2022 gains 0.15 of the best score; the others keep theirs
        lift = engine.settings.time_boost * best if h.chunk.doc_id == ASTANA else 0.0
        assert h.score == pytest.approx(before[h.chunk.chunk_id] + lift)
        assert h.scores_by_method["time"] == (1.0 if h.chunk.doc_id == ASTANA else 0.0)


def test_every_passage_of_the_named_time_comes_before_the_rest_when_the_boost_is_large(engine):
    hits = boosted(engine, 1.0).search(f"{QUESTION} in November 2023?", k=100, mode="hybrid", floor=NO_FLOOR).hits
    docs = [h.chunk.doc_id for h in hits]
    n_2023 = sum(1 for d in docs if d in (POLIT, MEETING))
    assert set(docs[:n_2023]) == {POLIT, MEETING} and n_2023 == 19


def test_a_time_no_article_is_from_changes_nothing(engine):
    question = f"{QUESTION} in 2019?"
    on = engine.search(question, k=10, floor=NO_FLOOR)
    plain = off(engine).search(question, k=10, floor=NO_FLOOR)
    assert [(h.chunk.chunk_id, h.score) for h in on.hits] == [(h.chunk.chunk_id, h.score) for h in plain.hits]
    assert on.notes == ()


def test_latest_prefers_the_newest_articles_and_last_year_reads_from_the_archive(engine):
    strong = boosted(engine, 1.0)
    latest = strong.search("What is the latest that Putin and Tokayev said about Kazakhstan?", k=3, floor=NO_FLOOR)
    assert {h.chunk.doc_id for h in latest.hits} <= {POLIT, MEETING}
    assert latest.notes == ("Passages from the newest articles were preferred.",)
    last_year = strong.search(f"{QUESTION} last year?", k=1, floor=NO_FLOOR)  # the archive's newest is 2023
    assert last_year.hits[0].chunk.doc_id == ASTANA


def test_hits_carry_their_articles_date(engine):
    hits = engine.search(QUESTION, k=100, floor=NO_FLOOR).hits
    dates = {h.chunk.doc_id: h.doc_date for h in hits}
    assert dates == {ASTANA: "2022-06-20", POLIT: "2023-11-10", MEETING: "2023-11-10", FRONTIER: "", ORDA: ""}


# ---------------------------------------------------------------- answers and what the user sees


@pytest.fixture
def cli_env(settings, fake_embedder, monkeypatch):
    monkeypatch.setenv("RAG_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("RAG_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setattr(rag.engine, "get_embedder", lambda s: fake_embedder)


def test_cli_citations_show_their_articles_date(cli_env, capsys, monkeypatch):
    monkeypatch.setenv("RAG_TIME_BOOST", "1")  # the fake embedder's ranking is arbitrary: make 2022 win
    monkeypatch.setenv("RAG_ANSWER_FLOOR", "-1")  # and its sentence scores low: answer all the same
    # Not a question for someone's words: with the fake embedder's sentences, whose words they are is arbitrary.
    assert main(["ask", f"{ABOUT} in 2022?", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["citations"] and all(c["date"] in ("2022-06-20", "2023-11-10", None) for c in out["citations"])
    assert out["citations"][0]["doc_id"] == ASTANA and out["citations"][0]["date"] == "2022-06-20"
    assert "Passages from articles published in 2022 were preferred." in out["notes"]
    assert main(["ask", f"{ABOUT} in 2022?"]) == 0
    text = capsys.readouterr().out
    assert "note: Passages from articles published in 2022 were preferred." in text
    assert "[1] Astana is staying apart: why Russian-Kazakhstani disagreements have escalated, 2022-06-20  (" in text
    assert main(["search", f"{QUESTION} in 2022?", "--k", "50"]) == 0
    text = capsys.readouterr().out
    assert "Astana is staying apart: why Russian-Kazakhstani disagreements have escalated, 2022-06-20  (" in text
    assert "Diplomatic confusion (undated)  (" in text


# ---------------------------------------------------------------- a large archive


@pytest.fixture
def archive(tmp_path, fake_embedder):
    """150 made-up undated town articles, and one dated article on another subject."""
    from tests.generated import articles, write_articles

    corpus = tmp_path / "archive"
    write_articles(corpus, articles(150))
    (corpus / "grain.txt").write_text(
        "Grain harvest sets a record\n\ndate 2022-05-01\n\n"
        "Farmers in the steppe brought in the largest wheat harvest in a decade, the ministry said.\n\n"
        "Exporters expect shipments through the Caspian ports to grow over the summer.\n",
        encoding="utf-8",
    )
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "archive-index", time_boost=1.0)
    ingest(settings, embedder=fake_embedder)
    return Engine(settings, fake_embedder)


QUESTION_2022 = "How many turbines does the new wind farm have in 2022?"


def test_the_periods_articles_compete_even_outside_the_first_candidates(archive, monkeypatch):
    import rag.search.retrieve as retrieve

    hits = archive.search(QUESTION_2022, k=5, floor=NO_FLOOR).hits
    assert hits[0].chunk.doc_id == "grain.txt" and hits[0].doc_date == "2022-05-01"
    # Without the second look among the articles of 2022, the one article of that year is not even a
    # candidate: 50 passages of the town articles fill the list.
    monkeypatch.setattr(retrieve, "_period_candidates", lambda *a, **k: None)
    assert "grain.txt" not in {h.chunk.doc_id for h in archive.search(QUESTION_2022, k=5, floor=NO_FLOOR).hits}


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_the_second_look_keeps_the_other_passages_scores(archive, mode):
    on = archive.search(QUESTION_2022, k=5, mode=mode, floor=NO_FLOOR).hits
    plain = off(archive).search(QUESTION_2022, k=5, mode=mode, floor=NO_FLOOR).hits
    # The town articles are undated: no boost, and the same scores as without the time preference.
    others = [(h.chunk.chunk_id, h.score) for h in on if h.chunk.doc_id != "grain.txt"]
    assert others == [(h.chunk.chunk_id, pytest.approx(h.score)) for h in plain[: len(others)]]
    # BM25 finds no word of the question in the grain article, so there it has nothing to lift.
    assert ("grain.txt" in {h.chunk.doc_id for h in on}) == (mode != "bm25")
