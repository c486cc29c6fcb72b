"""Date, outlet and author filters on the five seed articles, with the fake embedder.

The seed articles' manifest entries: astana (2022-06-20, Ivan Zubov, no outlet, 6 chunks), frontier
(no date, The Frontier Post), orda (no date, Orda.kz), politnavigator (2023-11-10, Politnavigator,
12 chunks), putin-and-tokayev (2023-11-10, Bettina Menzel, no outlet, 7 chunks).
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from fastapi.testclient import TestClient

import rag.engine
from rag.api import chat
from rag.api.app import create_api
from rag.cli import main
from rag.engine import Engine
from rag.errors import ConfigError
from rag.index import store as store_module
from rag.index.build import ingest
from rag.index.lexical import lexical_tokens
from rag.index.store import _faiss_filter, build_faiss
from rag.search.filters import Filters

ASTANA = "astana-is-staying-apart-russian-kazakh-disagreements.txt"
FRONTIER = "frontier-post-diplomatic-confusion.txt"
ORDA = "orda-russian-propagandists-on-toqayev-visit-to-germany.txt"
POLIT = "politnavigator-putin-in-kazakhstan.txt"
MEETING = "putin-and-tokayev-meet-speech-in-kazakh.txt"
QUESTION = "What did Putin and Tokayev say about Kazakhstan and Russia?"
NO_FLOOR = -1.0  # every candidate passes: the tests count passages, not relevance


@pytest.fixture
def engine(settings, fake_embedder) -> Engine:
    ingest(settings, embedder=fake_embedder)
    return Engine(settings, fake_embedder)


def chunk_ids_of(engine: Engine, *docs: str) -> set[int]:
    by_doc = engine.snapshot().doc_chunks()
    return {c.chunk_id for d in docs for c, _ in by_doc[d]}


def docs_of(result) -> set[str]:
    return {h.chunk.doc_id for h in result.hits}


# ---------------------------------------------------------------- building filters


@pytest.mark.parametrize("bad", ["10/11/2023", "2023-1-5", "20231110", "yesterday"])
def test_a_bad_date_is_a_clear_error(bad):
    with pytest.raises(ConfigError, match=r"after must be a date as yyyy-mm-dd .*" + bad):
        Filters.build(after=bad)
    with pytest.raises(ConfigError, match="before must be a date as yyyy-mm-dd"):
        Filters.build(before=bad)


@pytest.mark.parametrize("bad", ["2023-13-01", "2023-02-30"])
def test_a_date_no_calendar_has_is_named_so(bad):
    with pytest.raises(ConfigError, match=f"after: {bad} is no day of the calendar; give a date as yyyy-mm-dd"):
        Filters.build(after=bad)


def test_after_later_than_before_is_an_error():
    with pytest.raises(ConfigError, match="later than before"):
        Filters.build(after="2024-01-01", before="2023-01-01")


def test_build_normalizes_names_and_dates():
    f = Filters.build(after="2023-01-01", outlets=["  ORDA.kz ", "orda.KZ", "The  Frontier Post"], authors="Ivan Zubov")
    assert f == Filters(after=date(2023, 1, 1), outlets=("orda.kz", "the frontier post"), authors=("ivan zubov",))
    assert f.active and not Filters.build(after="", outlets=[]).active


def test_an_article_by_several_authors_matches_each_of_them():
    entry = {"author": "Anna Ivanova, Boris Petrov and Yuri Li"}
    for name in ("anna ivanova", "Boris  Petrov", "YURI LI", "Anna Ivanova, Boris Petrov and Yuri Li"):
        assert Filters.build(authors=name).matches(entry), name
    assert not Filters.build(authors="Anna").matches(entry)


# ---------------------------------------------------------------- inside retrieval


@pytest.mark.parametrize("mode", ["dense", "hybrid"])
def test_date_filter_returns_every_matching_passage_and_says_what_it_left_out(engine, mode):
    result = engine.search(QUESTION, k=100, mode=mode, floor=NO_FLOOR, filters=Filters.build(after="2023-01-01"))
    # k (100) is more than the 19 passages of the two articles from 2023: all of them come back
    assert {h.chunk.chunk_id for h in result.hits} == chunk_ids_of(engine, POLIT, MEETING)
    assert len(result.hits) == 19
    assert result.notes == ("2 articles without a date were left out by the date filter.",)


def test_dates_are_inclusive(engine):
    def docs(**kw):
        return docs_of(engine.search(QUESTION, k=100, mode="dense", floor=NO_FLOOR, filters=Filters.build(**kw)))

    assert docs(after="2023-11-10", before="2023-11-10") == {POLIT, MEETING}
    assert docs(before="2022-06-20") == {ASTANA}
    assert docs(after="2022-06-21", before="2023-11-09") == set()


def test_outlet_is_case_insensitive_and_repeatable(engine):
    f = Filters.build(outlets=["ORDA.KZ", "politnavigator"])
    result = engine.search(QUESTION, k=50, mode="dense", floor=NO_FLOOR, filters=f)
    assert {h.chunk.chunk_id for h in result.hits} == chunk_ids_of(engine, ORDA, POLIT)  # 9 + 12
    assert result.notes == ()  # no date filter: nothing left out for want of a date


def test_author_filter(engine):
    result = engine.search(QUESTION, k=50, mode="hybrid", floor=NO_FLOOR, filters=Filters.build(authors="ivan ZUBOV"))
    assert {h.chunk.chunk_id for h in result.hits} == chunk_ids_of(engine, ASTANA)


def test_a_filter_nothing_matches_gives_no_hits_and_says_so(engine):
    result = engine.search(QUESTION, filters=Filters.build(outlets=["Le Monde"]))
    assert result.hits == () and result.nearest == ()
    assert result.notes == ("No article matches the filters.",)


def test_small_k_gives_the_best_of_the_allowed_not_fewer(engine):
    # Unfiltered, Orda.kz is not in the top 3; a filter applied after top-k would give nothing.
    plain = engine.search(QUESTION, k=3, mode="dense", floor=NO_FLOOR)
    assert ORDA not in docs_of(plain)
    filtered = engine.search(QUESTION, k=3, mode="dense", floor=NO_FLOOR, filters=Filters.build(outlets="orda.kz"))
    assert len(filtered.hits) == 3 and docs_of(filtered) == {ORDA}


def test_no_filter_changes_nothing(engine):
    for mode in ("dense", "bm25", "hybrid"):
        assert engine.search(QUESTION, mode=mode).hits == engine.search(QUESTION, mode=mode, filters=Filters()).hits


def test_filtered_dense_search_matches_brute_force_and_faiss_selector(engine, fake_embedder, monkeypatch):
    snap = engine.snapshot()
    qv = fake_embedder.embed_query(QUESTION)
    docs = {ASTANA, ORDA}
    allowed = np.array(sorted(chunk_ids_of(engine, *docs)))
    reference = allowed[np.argsort(-(snap.vectors_of(allowed) @ qv), kind="stable")][:10]
    exact, _ = snap.search_dense(qv, 10, docs)
    assert exact.tolist() == reference.tolist()
    monkeypatch.setattr(store_module, "EXACT_FILTERED_SEARCH", 0)  # large filters go to FAISS's IDSelector
    via_faiss, _ = snap.search_dense(qv, 10, docs)
    assert via_faiss.tolist() == reference.tolist()


def test_faiss_selector_on_hnsw_keeps_only_allowed_ids():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(300, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = np.arange(1000, 1300, dtype=np.int64)
    index = build_faiss(ids, vectors, hnsw_threshold=0)  # HNSW
    allowed = ids[::30]  # 10 ids
    _, got = index.search(vectors[:1], 20, params=_faiss_filter(index, allowed, 20))
    assert set(got[0][got[0] >= 0].tolist()) == set(allowed.tolist())


def test_filtered_bm25_is_the_unfiltered_ranking_restricted(engine):
    snap = engine.snapshot()
    tokens = lexical_tokens(QUESTION)
    allowed = chunk_ids_of(engine, POLIT, MEETING)
    ids, scores = snap.search_lexical(tokens, 1000)
    keep = np.isin(ids, list(allowed))
    got_ids, got_scores = snap.search_lexical(tokens, 1000, {POLIT, MEETING})
    assert got_ids.tolist() == ids[keep].tolist()
    assert np.allclose(got_scores, scores[keep])


def test_ask_cites_only_filtered_articles_and_notes_the_undated(engine):
    answer = engine.ask("What did Putin say in Kazakhstan?", filters=Filters.build(after="2023-01-01"))
    assert "2 articles without a date were left out by the date filter." in answer.notes
    assert {c.chunk.doc_id for c in answer.citations} <= {POLIT, MEETING}
    assert {h.chunk.doc_id for h in answer.hits} <= {POLIT, MEETING}


# ---------------------------------------------------------------- command line and API


@pytest.fixture
def cli_env(settings, fake_embedder, monkeypatch):
    monkeypatch.setenv("RAG_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("RAG_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setattr(rag.engine, "get_embedder", lambda s: fake_embedder)


def test_cli_search_flags(cli_env, capsys):
    args = ["search", QUESTION, "--json", "--k", "50", "--mode", "dense", "--outlet", "orda.kz",
            "--outlet", "POLITNAVIGATOR", "--after", "2020-01-01"]  # fmt: skip
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert {h["doc_id"] for h in out["hits"]} <= {POLIT} and out["hits"]
    assert out["notes"] == ["1 article without a date was left out by the date filter."]


def test_cli_bad_date_is_an_error(cli_env, capsys):
    assert main(["ask", QUESTION, "--before", "11/10/2023"]) == 2
    assert "before must be a date as yyyy-mm-dd" in capsys.readouterr().err


def test_cli_ask_author(cli_env, capsys):
    assert main(["ask", "What did Putin say?", "--author", "bettina menzel", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {c["doc_id"] for c in out["citations"]} <= {MEETING}


@pytest.fixture
def client(engine) -> TestClient:
    return TestClient(create_api(engine))


def test_api_search_filters(client):
    body = {"question": QUESTION, "k": 50, "outlet": ["Orda.kz", "the frontier post"], "mode": "bm25"}
    got = client.post("/api/search", json=body).json()
    assert got["hits"] and {h["outlet"] for h in got["hits"]} == {"Orda.kz", "The Frontier Post"}
    got = client.post("/api/search", json={"question": QUESTION, "before": "2022-12-31"}).json()
    assert {h["date"] for h in got["hits"]} == {"2022-06-20"}
    assert got["notes"] == ["2 articles without a date were left out by the date filter."]
    # The undated articles are not Ivan Zubov's: the author filter left them out, not the date filter.
    got = client.post("/api/search", json={"question": QUESTION, "before": "2022-12-31", "author": "ivan zubov"}).json()
    assert {h["author"] for h in got["hits"]} == {"Ivan Zubov"} and "notes" not in got


def test_api_bad_date_is_400(client):
    for path in ("/api/search", "/api/ask"):
        r = client.post(path, json={"question": QUESTION, "after": "2023-13-01"})
        assert r.status_code == 400 and "yyyy-mm-dd" in r.json()["detail"]


def test_api_ask_filters_and_notes(client):
    got = client.post("/api/ask", json={"question": "What did Putin say?", "after": "2023-01-01"}).json()
    assert "2 articles without a date were left out by the date filter." in got["notes"]
    assert {c["date"] for c in got["citations"]} <= {"2023-11-10"}


def test_openai_chat_takes_filters(client):
    body = {"model": chat.MODEL_ID, "messages": [{"role": "user", "content": "What did Putin say?"}], "before": "x"}
    r = client.post("/v1/chat/completions", json=body)
    assert r.status_code == 400 and "yyyy-mm-dd" in r.json()["error"]["message"]
