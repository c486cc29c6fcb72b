"""The Engine (fake embedder): same results as the pipeline functions it wraps, one snapshot per
generation, staleness; and the public API of `import rag`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import rag
from rag import Engine, IndexMissing, IndexUnwritable, Settings
from rag.answer.extractive import answer_json, answer_question, missing_terms
from rag.engine import add_uploads
from rag.index.build import ingest
from rag.index.store import StoreReader, load_snapshot
from rag.search.retrieve import search
from tests.conftest import ROOT

QUESTION = "How many wagons of coal did Kazakhstan block?"
ASTANA = "astana-is-staying-apart-russian-kazakh-disagreements.txt"
POLIT = "politnavigator-putin-in-kazakhstan.txt"
ORDA = "orda-russian-propagandists-on-toqayev-visit-to-germany.txt"
NEW_ARTICLE = b"Grain exports grow\n\nAstana officials said that grain exports to China rose by 40 percent this year.\n"


@pytest.fixture
def engine(settings, fake_embedder) -> Engine:
    e = Engine(settings, fake_embedder)
    e.ingest()
    return e


def _hits(result) -> list[tuple[int, int, str]]:
    return [(h.rank, int(h.chunk.chunk_id), h.chunk.doc_id) for h in result.hits]


# Recorded with the functions before the engine existed (search, answer_question on open_index); the
# BM25 score again after words a hyphen breaks were joined (the corpus's word counts changed).
@pytest.mark.parametrize(
    ("options", "expected", "top_score"),
    [
        ({"k": 5}, [(1, 1, ASTANA), (2, 38, POLIT), (3, 30, POLIT), (4, 5, ASTANA), (5, 33, POLIT)], 0.79822),
        ({"k": 2, "mode": "bm25"}, [(1, 1, ASTANA), (2, 30, POLIT)], 3.782372),
        ({"k": 3, "mode": "dense", "mmr": True}, [(1, 38, POLIT), (2, 5, ASTANA), (3, 24, ORDA)], 0.41964),
    ],
)
def test_search_gives_what_the_pipeline_gave(engine, settings, fake_embedder, options, expected, top_score):
    result = engine.search(QUESTION, **options)
    assert _hits(result) == expected
    assert result.hits[0].score == pytest.approx(top_score, abs=1e-5)
    snap = load_snapshot(settings.index_dir)
    direct = search(
        QUESTION, settings, snap, embedder=fake_embedder, k=options.get("k"), mode=options.get("mode"),
        use_mmr=options.get("mmr"),
    )  # fmt: skip
    assert [(h.chunk.chunk_id, h.score) for h in result.hits] == [(h.chunk.chunk_id, h.score) for h in direct.hits]


def test_ask_and_stream_give_what_the_pipeline_gave(engine, settings, fake_embedder):
    answer = engine.ask(QUESTION)
    assert not answer.abstained
    assert answer.text == (
        "In response, just a few hours after that, Kazakhstan blocked 1,700 wagons with coal belonging to "
        "Russia on its territory. [1]"
    )
    assert [(c.n, c.chunk.chunk_id, c.chunk.doc_id) for c in answer.citations] == [(1, 1, ASTANA)]
    direct = answer_question(QUESTION, settings, load_snapshot(settings.index_dir), embedder=fake_embedder, k=3)
    streamed = list(engine.stream(QUESTION, k=3))
    assert len(streamed) == 1  # extractive: no text pieces, just the answer
    without_timings = [{**answer_json(a), "timings_ms": None} for a in (direct, streamed[0], engine.ask(QUESTION, k=3))]
    assert without_timings[0] == without_timings[1] == without_timings[2]


# Passages that name Tokayev pass the relevance floor (rag/search/retrieve.py, _named_below_floor).
IDS_WITH_HISTORY = [25, 5, 21, 2, 41]


def test_ask_takes_the_chat_history(engine):
    # "he" leans on the last turn: the retrieval query gains its names, which the answer reports.
    answer = engine.ask("What did he say?", history=[("Who is Tokayev?", "Tokayev is the president.")], k=5)
    # Tokayev's words: a sentence giving him a verb of saying answers "What did he say?".
    assert answer.question == "What did he say?" and not answer.abstained
    assert "Toqayev" in answer.text and "said" in answer.text
    result = engine.search("What did he say? (Tokayev)", k=5)
    searched = result.hits or result.nearest  # an abstention shows the hits, or the nearest when none passed
    assert [h.chunk.chunk_id for h in answer.hits] == [h.chunk.chunk_id for h in searched] == IDS_WITH_HISTORY
    assert [h.chunk.chunk_id for h in engine.ask("What did he say?", k=5).hits] == [25, 38, 21, 5, 2]


def test_a_sentence_holding_the_questions_words_passes_the_relevance_floor(engine):
    """A passage under the floor passes when one of its sentences holds the question's words (all
    but one in three, none of its names); `floor=0.99` puts every passage under it."""
    hits = engine.search("Where were the 50 mines found?", floor=0.99).hits
    assert [h for h in hits if "50 mines" in h.chunk.text] and len(hits) == 1
    # The one word missing would be a name ("Crimean"), or the question too short to miss one.
    assert engine.search("Where were the 50 mines from the Crimean War found?", floor=0.99).hits == ()
    assert engine.search("Where were the 50 tanks found?", floor=0.99).hits == ()
    # Seven words, two may be missing: "washing machines or breast pumps contain ... semiconductors".
    hits = engine.search("Which breast pumps and washing machines contain sanctioned parts?", floor=0.99).hits
    assert any("breast pumps" in h.chunk.text for h in hits)
    assert engine.search("Which breast pumps and washing machines hold banned cars?", floor=0.99).hits == ()


def test_numbers_of_a_question_are_looked_for_in_the_passages_found(engine):
    # In digits or in words, a range's ends included; a number in none of the passages is named.
    hits = engine.search(
        "1,700 wagons with coal; rallies in Alma-Ata, thousand people came", k=10, mode="bm25", floor=-1.0
    ).hits
    texts = " ".join(h.chunk.text for h in hits)
    assert "1,700 wagons" in texts and "from three to five thousand people" in texts
    snapshot = engine.snapshot()
    assert missing_terms("Were 1,700 wagons blocked, and did 5,000 people rally?", hits, snapshot) == []
    assert missing_terms("Were 1,701 wagons blocked by 3000 people?", hits, snapshot) == ["1,701"]
    assert missing_terms("Did the 2 countries block 1,700 wagons? (1)", hits, snapshot) == []  # lone digits
    # Only the passages found count, and the other passages of their articles (a question can recall
    # one part of an article while asking about another).
    every = engine.search("Kazakhstan Russia Tokayev Putin coal sanctions", k=100, mode="bm25", floor=-1.0).hits
    same_article = {h.chunk.doc_id for h in every if "1,700" in h.chunk.text}
    others = tuple(h for h in every if "1,700" not in h.chunk.text)
    elsewhere = tuple(h for h in others if h.chunk.doc_id not in same_article)
    assert same_article and any(h.chunk.doc_id in same_article for h in others) and elsewhere
    assert missing_terms("Were 1,700 wagons blocked?", others, snapshot) == []
    assert missing_terms("Were 1,700 wagons blocked?", elsewhere, snapshot) == ["1,700"]


def test_a_country_counts_as_mentioned_where_the_articles_name_its_capital(engine):
    """The articles write "Tbilisi, Baku, Ankara and Nur-Sultan" for the governments that signed;
    a reader asks about Georgia and Azerbaijan. A country no article names by any of its names
    (Mongolia: nor Ulaanbaatar, nor Mongolian) is still named as missing."""
    snapshot = engine.snapshot()
    assert "Tbilisi" in " ".join(engine.document(d).text for d in snapshot.manifest.documents)
    hits = engine.search("declaration on the East-West Trans-Caspian Corridor").hits
    assert missing_terms("What did Georgia and Azerbaijan sign with Kazakhstan?", hits, snapshot) == []
    assert missing_terms("What did Georgia and Mongolia sign?", hits, snapshot) == ["Mongolia"]


def test_a_person_is_mentioned_by_surname_and_an_event_by_its_abbreviation(engine):
    """ "Alexander" of "the Order of Alexander Nevsky" does not mention Alexander Lukashenko, while
    "Chancellor Scholz" mentions Olaf Scholz; "SPIEF" in a passage found mentions the St Petersburg
    forum, and an acronym a name ends in ("Russian MP") leaves its other words to count."""
    snapshot = engine.snapshot()
    hits = engine.search("Tokayev refused the Order of Alexander Nevsky after the SPIEF", k=10).hits
    assert any("SPIEF" in h.chunk.text for h in hits)
    assert missing_terms("Did Alexander Lukashenko speak after the St Petersburg forum?", hits, snapshot) == [
        "Alexander Lukashenko"
    ]
    assert missing_terms("What did Olaf Scholz and Alexander Nevsky have in common?", hits, snapshot) == []
    assert missing_terms("Which Russian MP spoke of territorial issues?", hits, snapshot) == []
    without = tuple(h for h in hits if "SPIEF" not in h.chunk.text)
    assert missing_terms("What did Tokayev say at the St Petersburg forum?", without, snapshot) == ["St Petersburg"]


def test_snapshot_is_reused_until_an_ingest_writes_a_new_generation(engine, settings, fake_embedder, corpus):
    first = engine.snapshot()
    assert engine.snapshot() is first
    assert not engine.ingest().wrote  # nothing changed: nothing written, nothing reloaded
    assert engine.snapshot() is first

    (corpus / "grain.txt").write_bytes(NEW_ARTICLE)
    assert engine.ingest().added == ["grain.txt"]
    second = engine.snapshot()
    assert second is not first and second.generation != first.generation
    assert engine.document("grain.txt").title == "Grain exports grow"
    assert first.document("grain.txt") is None  # a held generation stays as it was

    # Another writer (another process, or the web chat's upload) is seen too.
    (corpus / "grain.txt").unlink()
    assert ingest(settings, embedder=fake_embedder).removed == ["grain.txt"]
    assert engine.snapshot() is not second and engine.document("grain.txt") is None


def test_status_reports_staleness(settings, fake_embedder, corpus):
    engine = Engine(settings, fake_embedder)
    status = engine.status()
    assert (status.exists, status.stale, status.describe()) == (False, True, "no index yet")
    with pytest.raises(IndexMissing, match="rag ingest"):
        engine.snapshot()
    engine.ingest()
    assert (engine.status().stale, engine.status().describe()) == (False, "index is up to date")
    (corpus / "grain.txt").write_bytes(NEW_ARTICLE)
    (corpus / ASTANA).unlink()
    status = engine.status()
    assert status.stale and status.new == ("grain.txt",) and status.removed == (ASTANA,) and status.changed == ()


def test_ensure_builds_only_when_stale(settings, fake_embedder, corpus):
    engine = Engine(settings, fake_embedder)
    notes: list[str] = []
    snap = engine.ensure(note=notes.append)
    assert notes[0] == "building the index: no index yet" and notes[1].startswith("5 articles, ")
    assert len(snap) == snap.manifest.counts.chunks > 0
    assert engine.ensure(note=notes.append) is snap and len(notes) == 2
    (corpus / "grain.txt").write_bytes(NEW_ARTICLE)
    fake_embedder.embedded = 0
    assert engine.start(note=notes.append).document("grain.txt") is not None
    assert notes[2] == "updating the index: corpus changed since the index was built: 1 new"
    assert fake_embedder.embedded > 1  # the new article's chunks and sentences, then the warm-up query


def test_an_index_that_cannot_be_updated_now_still_answers(settings, fake_embedder, corpus, tmp_path):
    # Another process is ingesting (it holds the lock): questions get the index as it is, and a note.
    from filelock import FileLock

    engine = Engine(settings, fake_embedder)
    first = engine.ensure()
    (corpus / "grain.txt").write_bytes(NEW_ARTICLE)
    notes: list[str] = []
    with FileLock(str(settings.index_dir / ".ingest.lock")):
        snap = engine.ensure(note=notes.append)
    assert snap.generation == first.generation and snap.document("grain.txt") is None
    assert notes[1].startswith("not updated: another ingest is updating") and notes[1].endswith("index as it is.")
    assert engine.ensure().document("grain.txt") is not None  # the lock released: it updates
    # No index yet and none can be written (a file where its folder should be): a clear error.
    (tmp_path / "a-file").write_text("")
    stuck = Engine(settings.replace(index_dir=tmp_path / "a-file" / "index"), fake_embedder)
    with pytest.raises(IndexUnwritable, match="cannot write the index folder .*a-file/index/ .*choose another"):
        stuck.ensure()


def test_embedder_is_loaded_lazily_and_once(settings, fake_embedder, monkeypatch):
    import rag.engine

    made = []
    monkeypatch.setattr(rag.engine, "get_embedder", lambda s: made.append(s) or fake_embedder)
    engine = Engine(settings)
    engine.status()
    assert made == []  # nothing that needs the model has run
    assert engine.embedder is fake_embedder and engine.embedder is fake_embedder
    assert made == [settings]


def test_add_uploads_goes_through_the_engine(engine, settings, fake_embedder):
    result = engine.add_uploads([("grain.txt", NEW_ARTICLE), ("evil.exe", b"MZ")])
    assert [s.name for s in result.added] == ["grain.txt"] and list(result.refused) == ["evil.exe"]
    assert engine.document("grain.txt").title == "Grain exports grow"
    assert add_uploads([("grain.txt", NEW_ARTICLE)], settings, embedder=fake_embedder).added == []


def test_snapshot_is_a_store_reader(engine):
    assert isinstance(engine.snapshot(), StoreReader)


# ---------------------------------------------------------------- import rag


def test_public_names_resolve():
    assert sorted(rag.__all__) == rag.__all__ and len(set(rag.__all__)) == len(rag.__all__)
    for name in rag.__all__:
        assert getattr(rag, name).__name__ == name
    assert rag.Engine is Engine and issubclass(rag.BadQuestion, rag.RagError)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        rag.nothing  # noqa: B018


def test_import_rag_stays_light():
    heavy = ("faiss", "onnxruntime", "torch", "sentence_transformers", "bm25s", "gradio")
    code = (
        "import sys, rag\n"
        "first = sorted(m for m in sys.modules if m.split('.')[0] in {'numpy', *HEAVY})\n"
        "from rag import Engine, Settings\n"
        "Engine(Settings())\n"
        "then = sorted(m.split('.')[0] for m in sys.modules if m.split('.')[0] in HEAVY)\n"
        "print(first, sorted(set(then)))\n"
    ).replace("HEAVY", repr(set(heavy)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[] []", out.stdout + out.stderr


def test_settings_reexported_is_the_one_settings():
    from rag.config import Settings as ConfigSettings

    assert Settings is ConfigSettings


def test_settings_take_plain_strings_for_paths(corpus, fake_embedder):
    """The README's library example passes folder names as strings."""
    s = Settings(corpus_dir=str(corpus), index_dir="index", model_cache="cache", feedback_path="f.jsonl")
    assert (s.corpus_dir, s.index_dir, s.model_cache, s.feedback_path) == (
        corpus, Path("index"), Path("cache"), Path("f.jsonl"),
    )  # fmt: skip
    assert s == Settings(
        corpus_dir=corpus, index_dir=Path("index"), model_cache=Path("cache"), feedback_path=Path("f.jsonl")
    )
    engine = Engine(s, fake_embedder)
    engine.ensure()
    assert engine.ask(QUESTION).citations[0].chunk.doc_id == ASTANA
