"""Wire copies: near-duplicate articles of one story grouped at ingest, shown once in search.

The copies are the seed article from Orda.kz as three other outlets would run it (tests/wire_copies.py):
a Markdown page with a new headline and the outlet's subscribe lines, an HTML page with navigation
and a footer and two paragraphs trimmed, a text file with another photo credit. The fake embedder
is enough here: grouping never looks at vectors, and collapsing works on any ranking.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from fastapi.testclient import TestClient

import rag.engine
from rag.api.app import create_api
from rag.cli import main
from rag.config import Settings
from rag.corpus.load import load_document
from rag.engine import Engine
from rag.index import wire
from rag.index.build import ingest
from rag.index.store import read_manifest
from rag.records import Chunk, Hit, WireCopy
from rag.search.wire import WireGroups, outlets_line
from rag.web.render import source_cards
from tests.wire_copies import MEETING, ORDA, write_copies

QUESTION = "What did Toqayev say about sanctions against Russia during his visit to Germany?"
NO_FLOOR = -1.0  # every candidate passes: these tests count passages, not relevance
COPIES = {
    "steppe-herald-toqayev-berlin.md": "Steppe Herald",
    "eurasia-wire-sanctions.html": "Eurasia Wire",
    "daily-caspian-kazakhstan.txt": "dailycaspian.kz",
}
STORY = {ORDA, *COPIES}


@pytest.fixture
def copies(corpus) -> dict[str, str]:
    return write_copies(corpus)


@pytest.fixture
def engine(settings, fake_embedder, copies) -> Engine:
    ingest(settings, embedder=fake_embedder)
    return Engine(settings, fake_embedder)


def test_the_copies_are_what_the_brief_asks_for(corpus, copies):
    """New headlines, trimmed endings, each outlet named by its own page: the copies are not exact."""
    assert copies == COPIES
    seed = load_document(corpus / ORDA, ORDA)
    for name, outlet in copies.items():
        doc = load_document(corpus / name, name)
        assert doc.title != seed.title and doc.meta["source"] == outlet and doc.text != seed.text
        assert len(doc.text) < len(seed.text)  # the ending was trimmed


def test_copies_group_and_the_five_seed_articles_do_not(engine, settings):
    m = read_manifest(settings.index_dir)
    assert m.wire["groups"] == {"daily-caspian-kazakhstan.txt": sorted(STORY)}
    assert {d for d, e in m.documents.items() if e.get("wire_group")} == STORY
    assert m.wire["params"] == wire.params()


def test_similarity_of_copies_and_of_different_articles(corpus, copies):
    """The threshold sits between the two, far from both (README, "Wire copies")."""
    texts = {p.name: load_document(p, p.name).text for p in corpus.iterdir()}
    sigs = {n: wire.signature(t) for n, t in texts.items()}
    story = sorted(STORY)
    others = sorted(set(texts) - STORY) + [ORDA]
    copy_sims = [wire.similarity(sigs[a], sigs[b]) for i, a in enumerate(story) for b in story[i + 1 :]]
    other_sims = [wire.similarity(sigs[a], sigs[b]) for i, a in enumerate(others) for b in others[i + 1 :]]
    assert min(copy_sims) > 0.9 > wire.THRESHOLD > 0.05 > max(other_sims)


def test_exact_jaccard_against_the_minhash_estimate(corpus):
    """The estimate stays within 0.1 of the exact Jaccard of the shingle sets (128 permutations)."""
    a = load_document(corpus / ORDA, ORDA).text
    b = a[: len(a) * 2 // 3] + "\nSubscribe to the Other Outlet newsletter."
    sa, sb = wire.shingles(a), wire.shingles(b)
    exact = len(sa & sb) / len(sa | sb)
    assert abs(wire.similarity(wire.signature(a), wire.signature(b)) - exact) < 0.1


def test_lsh_bands_are_datasketchs_choice_for_the_threshold():
    from datasketch import MinHashLSH

    chosen = MinHashLSH(threshold=wire.THRESHOLD, num_perm=wire.NUM_PERM)
    assert (chosen.b, chosen.r) == wire.LSH_BANDS


def test_a_text_without_words_has_no_signature_and_never_groups():
    assert wire.signature("... !!! ---") is None
    assert wire.group_copies({"a": None, "b": None, "c": wire.signature("one two three four five six")}) == {}


def test_search_shows_the_story_once_with_the_other_outlets(engine):
    result = engine.search(QUESTION, k=10, floor=NO_FLOOR, mode="bm25")
    story_docs = {h.chunk.doc_id for h in result.hits} & STORY
    assert len(story_docs) == 1  # one article stands for the story
    (lead,) = story_docs
    for h in result.hits:
        if h.chunk.doc_id == lead:
            assert {c.doc_id for c in h.also_in} == STORY - {lead}
            assert {c.outlet for c in h.also_in} == {"Orda.kz", *COPIES.values()} - {_outlet(engine, lead)}
        else:
            assert h.also_in == ()
    assert len(result.hits) == 10  # collapsed before the top-k cut: still k passages


def _outlet(engine: Engine, doc_id: str) -> str:
    return engine.snapshot().manifest.documents[doc_id].get("source", "")


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_collapsing_drops_exactly_the_other_copies_passages(engine, mode):
    """Against the uncollapsed ranking: the story's first article keeps every passage it has there,
    the other copies' passages go, everything else keeps its order, and k passages come back."""
    for question in (QUESTION, "Marat Shibutov Telegram channel masochism", "Putin and Tokayev speech in Kazakh"):
        every = engine.search(question, k=50, mode=mode, floor=NO_FLOOR, group=False).hits
        lead = next(h.chunk.doc_id for h in every if h.chunk.doc_id in STORY)
        want = [h.chunk.chunk_id for h in every if h.chunk.doc_id not in STORY - {lead}][:8]
        got = engine.search(question, k=8, mode=mode, floor=NO_FLOOR).hits
        assert [h.chunk.chunk_id for h in got] == want


def test_no_group_shows_every_copy(engine):
    grouped = engine.search(QUESTION, k=10, floor=NO_FLOOR, mode="bm25")
    every = engine.search(QUESTION, k=10, floor=NO_FLOOR, mode="bm25", group=False)
    assert len({h.chunk.doc_id for h in every.hits} & STORY) > 1
    assert all(h.also_in == () for h in every.hits)
    assert {h.chunk.doc_id for h in grouped.hits} & STORY < {h.chunk.doc_id for h in every.hits} | STORY


def test_group_wire_setting_off(settings, fake_embedder, engine):
    off = Engine(settings.replace(group_wire=False), fake_embedder)
    hits = off.search(QUESTION, k=10, floor=NO_FLOOR, mode="bm25").hits
    assert len({h.chunk.doc_id for h in hits} & STORY) > 1


def test_settings_read_rag_group_wire():
    assert Settings.from_env({"RAG_GROUP_WIRE": "0"}).group_wire is False
    assert Settings.from_env({}).group_wire is True


def test_an_exact_duplicate_is_still_indexed_once(corpus, settings, fake_embedder, copies):
    shutil.copy(corpus / ORDA, corpus / "zz-orda-again.txt")
    report = ingest(settings, embedder=fake_embedder)
    m = read_manifest(settings.index_dir)
    assert report.duplicates == {"zz-orda-again.txt": ORDA} and "zz-orda-again.txt" not in m.documents
    assert m.wire["groups"] == {"daily-caspian-kazakhstan.txt": sorted(STORY)}
    assert m.duplicates["zz-orda-again.txt"]["source"] == "Orda.kz"
    # Indexed once, and named beside the story's other copies wherever the story shows.
    hits = Engine(settings, fake_embedder).search(QUESTION, k=10, floor=NO_FLOOR, mode="bm25").hits
    story = [h for h in hits if h.chunk.doc_id in STORY]
    assert story and all(
        {c.doc_id for c in h.also_in} == STORY - {h.chunk.doc_id} | {"zz-orda-again.txt"} for h in story
    )


def test_an_exact_duplicate_alone_is_named_in_also_in(settings, fake_embedder, corpus):
    """No near copies at all: the article's hits name its exact duplicate (another outlet's file)."""
    (corpus / "zz-meeting-again.txt").write_bytes((corpus / MEETING).read_bytes() + b"\n")
    ingest(settings, embedder=fake_embedder)
    engine = Engine(settings, fake_embedder)
    assert engine.snapshot().manifest.wire["groups"] == {}
    hits = engine.search("Putin and Tokayev speech in Kazakh", k=10, floor=NO_FLOOR).hits
    assert {h.chunk.doc_id for h in hits} >= {MEETING}
    for h in hits:
        assert [c.doc_id for c in h.also_in] == (["zz-meeting-again.txt"] if h.chunk.doc_id == MEETING else [])


def test_unchanged_reingest_embeds_and_writes_nothing(engine, settings, fake_embedder):
    before = read_manifest(settings.index_dir)
    fake_embedder.embedded = 0
    report = ingest(settings, embedder=fake_embedder)
    assert not report.wrote and fake_embedder.embedded == 0 and report.signatures_computed == 0
    assert read_manifest(settings.index_dir).generation == before.generation
    assert report.wire_groups == before.wire["groups"]


def test_a_new_copy_joins_the_group_and_only_it_is_minhashed(settings, fake_embedder, corpus, copies):
    extra = corpus / "daily-caspian-kazakhstan.txt"
    held = extra.read_text()
    extra.unlink()
    first = ingest(settings, embedder=fake_embedder)
    assert first.signatures_computed == 7 and first.wire_groups == {
        "eurasia-wire-sanctions.html": sorted(STORY - {"daily-caspian-kazakhstan.txt"})
    }
    extra.write_text(held)
    report = ingest(settings, embedder=fake_embedder)
    assert report.added == ["daily-caspian-kazakhstan.txt"] and report.signatures_computed == 1
    assert report.wire_groups == {"daily-caspian-kazakhstan.txt": sorted(STORY)}
    assert "wire copies: daily-caspian-kazakhstan.txt, eurasia-wire-sanctions.html" in report.summary()
    kept = wire.read_signatures(settings.index_dir / wire.SIGNATURE_FILE)
    assert len(kept) == 8  # every indexed text's signature, for the next ingest


def test_removing_copies_dissolves_the_group(engine, settings, fake_embedder, corpus):
    for name in COPIES:
        (corpus / name).unlink()
    report = ingest(settings, embedder=fake_embedder)
    m = read_manifest(settings.index_dir)
    assert report.wire_groups == {} and m.wire["groups"] == {}
    assert not any(e.get("wire_group") for e in m.documents.values())
    assert all(h.also_in == () for h in Engine(settings, fake_embedder).search(QUESTION, floor=NO_FLOOR).hits)


def test_an_index_from_before_wire_groups_is_grouped_without_embedding(engine, settings, fake_embedder):
    """An older index (no "wire" section, no signatures file): the next ingest groups, embeds nothing."""
    path = settings.index_dir / "manifest.json"
    data = json.loads(path.read_text())
    data.pop("wire")
    for entry in data["documents"].values():
        entry.pop("wire_group", None)
    path.write_text(json.dumps(data))
    (settings.index_dir / wire.SIGNATURE_FILE).unlink()
    fake_embedder.embedded = 0
    report = ingest(settings, embedder=fake_embedder)
    assert report.wrote and fake_embedder.embedded == 0 and report.signatures_computed == 8
    assert read_manifest(settings.index_dir).wire["groups"] == {"daily-caspian-kazakhstan.txt": sorted(STORY)}


def test_a_damaged_signatures_file_is_computed_again(engine, settings, fake_embedder, corpus):
    (settings.index_dir / wire.SIGNATURE_FILE).write_bytes(b"not a zip")
    (corpus / MEETING).unlink()
    report = ingest(settings, embedder=fake_embedder)
    assert report.signatures_computed == 7 and report.wire_groups == {"daily-caspian-kazakhstan.txt": sorted(STORY)}
    assert len(wire.read_signatures(settings.index_dir / wire.SIGNATURE_FILE)) == 7


def test_group_copies_is_transitive_and_named_by_the_smallest_id():
    rng = np.random.default_rng(7)
    base = rng.integers(0, 2**32, wire.NUM_PERM, dtype=np.uint64).astype(np.uint32)
    near = base.copy()
    near[:40] = rng.integers(0, 2**32, 40, dtype=np.uint64)  # est. Jaccard 88/128 = 0.69 with base
    far = near.copy()
    far[40:80] = rng.integers(0, 2**32, 40, dtype=np.uint64)  # 0.69 with near, 0.38 with base
    other = rng.integers(0, 2**32, wire.NUM_PERM, dtype=np.uint64).astype(np.uint32)
    assert wire.similarity(base, far) < wire.THRESHOLD
    groups = wire.group_copies({"z": base, "m": near, "b": far, "x": other})
    assert groups == {"b": "b", "m": "b", "z": "b"}
    # Without the article in the middle, the chain breaks: from scratch and incrementally alike.
    assert wire.group_copies({"z": base, "b": far, "x": other}) == {}
    assert wire.group_copies({"z": base, "b": far, "x": other}, previous=groups, fresh=()) == {}


def test_the_band_test_is_lshs_a_half_equal_pair_without_an_equal_band_is_no_candidate():
    """Estimated Jaccard 0.5 either way: equal in the first 64 values (13 whole bands) makes a
    candidate, equal in every other value (no whole band) does not, in both ways of grouping."""
    rng = np.random.default_rng(3)
    a = rng.integers(0, 2**32, wire.NUM_PERM, dtype=np.uint64).astype(np.uint32)
    banded, striped = a.copy(), a.copy()
    banded[64:] = rng.integers(0, 2**32, 64, dtype=np.uint64)
    striped[1::2] = rng.integers(0, 2**32, 64, dtype=np.uint64)
    assert wire.similarity(a, banded) == wire.similarity(a, striped) == 0.5
    sigs = {"a": a, "banded": banded, "striped": striped}
    assert wire.group_copies(sigs) == {"a": "a", "banded": "a"}
    assert wire.group_copies(sigs, previous={}, fresh={"banded", "striped"}) == {"a": "a", "banded": "a"}


def test_incremental_grouping_equals_grouping_from_scratch(corpus, copies):
    """Adding, removing and changing articles: the groups found from the previous ones and the new
    texts are the groups found from scratch."""
    sigs = {p.name: wire.signature(load_document(p, p.name).text) for p in corpus.iterdir()}
    caspian = "daily-caspian-kazakhstan.txt"
    without = {d: s for d, s in sigs.items() if d != caspian}
    assert wire.group_copies(sigs, wire.group_copies(without), {caspian}) == wire.group_copies(sigs)
    everything = wire.group_copies(sigs)
    for gone in (ORDA, caspian, MEETING):
        rest = {d: s for d, s in sigs.items() if d != gone}
        assert wire.group_copies(rest, everything, ()) == wire.group_copies(rest)
    changed = dict(sigs, **{"steppe-herald-toqayev-berlin.md": sigs[MEETING]})  # its text became another story
    want = wire.group_copies(changed)
    assert want["steppe-herald-toqayev-berlin.md"] == want[MEETING]
    assert wire.group_copies(changed, everything, {"steppe-herald-toqayev-berlin.md"}) == want


# ---------------------------------------------------------------- what people see


def test_cli_search_names_the_other_outlets(cli_env, capsys):
    assert main(["search", QUESTION, "--k", "10", "--mode", "bm25"]) == 0
    out = capsys.readouterr().out
    assert out.count("also in 3 outlets: ") >= 1
    line = next(x for x in out.splitlines() if "also in 3 outlets" in x)
    assert sum(name in line for name in ("Orda.kz", *COPIES.values())) == 3


def test_cli_search_json_has_also_in_only_on_grouped_hits(cli_env, capsys):
    assert main(["search", QUESTION, "--k", "10", "--mode", "bm25", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    grouped = [h for h in hits if "also_in" in h]
    assert grouped and all(h["doc_id"] in STORY for h in grouped)
    assert all(set(h) == {"rank", "score", "chunk_id", "doc_id", "title", "path", "text", "char_start", "char_end"}
               for h in hits if h["doc_id"] not in STORY)  # fmt: skip
    copies = grouped[0]["also_in"]
    assert len(copies) == 3 and set(copies[0]) == {"doc_id", "title", "path", "outlet", "date"}
    assert {c["doc_id"] for c in copies} == STORY - {grouped[0]["doc_id"]}


def test_cli_no_group_flag(cli_env, capsys):
    assert main(["search", QUESTION, "--k", "10", "--mode", "bm25", "--json", "--no-group"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert len({h["doc_id"] for h in hits} & STORY) > 1 and not any("also_in" in h for h in hits)


def test_cli_ask_shows_also_in_under_a_citation(cli_env, capsys):
    assert main(["ask", "What did Marat Shibutov write in his Telegram channel about masochism?"]) == 0
    out = capsys.readouterr().out
    assert "also in 3 outlets: " in out


@pytest.fixture
def cli_env(engine, settings, fake_embedder, monkeypatch):
    monkeypatch.setenv("RAG_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("RAG_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setattr(rag.engine, "get_embedder", lambda s: fake_embedder)


def test_api_search_and_ask_carry_also_in(engine):
    client = TestClient(create_api(engine))
    got = client.post("/api/search", json={"question": QUESTION, "k": 10, "mode": "bm25"}).json()
    grouped = [h for h in got["hits"] if h.get("also_in")]
    assert grouped and {c["outlet"] for c in grouped[0]["also_in"]} <= {"Orda.kz", *COPIES.values()}
    assert all("also_in" not in h for h in got["hits"] if h["doc_id"] not in STORY)
    q = "What did Marat Shibutov write in his Telegram channel about masochism?"
    answer = client.post("/api/ask", json={"question": q}).json()
    cited = [c for c in answer["citations"] if c["doc_id"] in STORY]
    assert cited and all(len(c["also_in"]) == 3 for c in cited)
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert "also_in" in schema["SearchHit"]["properties"] and "also_in" in schema["AskCitation"]["properties"]


def test_sources_panel_lists_the_other_outlets(engine):
    answer = engine.ask("What did Marat Shibutov write in his Telegram channel about masochism?")
    html = source_cards(answer, engine.snapshot().manifest)
    assert "Also in 3 outlets" in html
    for outlet in ("Steppe Herald", "Eurasia Wire", "dailycaspian.kz", "Orda.kz"):
        lead = answer.citations[0].chunk.doc_id
        assert (outlet in html) or outlet == _outlet(engine, lead)


def test_outlets_line_and_card_escape_names():
    hit = Hit(Chunk(1, "a.txt", "x", 0, 1, 1), 1.0, 1, also_in=(WireCopy("b.md", "<b>T</b>", "p", "<script>"),))
    assert outlets_line(hit.also_in) == "also in 1 outlet: <script> (b.md)"
    from rag.web.render import also_in_html

    html = also_in_html(hit)
    assert "<script>" not in html and "&lt;script&gt;" in html and "Also in 1 outlet<" in html


def test_wire_groups_of_a_manifest_without_groups_is_none():
    from rag.index.manifest import Manifest

    assert WireGroups.of(Manifest({}, {})) is None and WireGroups.of(None) is None


def test_mcp_search_tool_carries_also_in(engine):
    from rag.api.mcp import build_mcp
    from tests.unit.test_mcp import call

    result, _ = call(build_mcp(engine), "search", {"question": QUESTION, "k": 10, "mode": "bm25"})
    hits = result.structured_content["hits"]
    grouped = [h for h in hits if "also_in" in h]
    assert grouped and all(len(h["also_in"]) == 3 for h in grouped)
    assert all(h["doc_id"] in STORY for h in grouped) and len(hits) == 10
