"""Wire copies end to end with the real model: three other outlets' copies of the Orda.kz article
beside the five seed articles; `rag search` and `rag ask` show the story once, naming the others."""

from __future__ import annotations

import json
import shutil

import pytest

import rag.engine
from rag.cli import main
from rag.config import Settings
from rag.engine import Engine
from tests.conftest import SEED_CORPUS
from tests.unit.test_wire import COPIES, STORY
from tests.wire_copies import write_copies

pytestmark = pytest.mark.slow

PERLA = "What did the Tsargrad observer Andrey Perla propose about relations with Kazakhstan?"


@pytest.fixture(scope="module")
def wire_engine(tmp_path_factory, real_embedder):
    root = tmp_path_factory.mktemp("wire")
    shutil.copytree(SEED_CORPUS, root / "corpus")
    write_copies(root / "corpus")
    engine = Engine(Settings(corpus_dir=root / "corpus", index_dir=root / "index"), real_embedder)
    report = engine.ingest()
    assert report.wire_groups == {"daily-caspian-kazakhstan.txt": sorted(STORY)}
    return engine


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_search_shows_the_story_once_and_still_k_passages(wire_engine, mode):
    grouped = wire_engine.search(PERLA, k=5, mode=mode)
    every = wire_engine.search(PERLA, k=5, mode=mode, group=False)
    story = [h for h in grouped.hits if h.chunk.doc_id in STORY]
    assert story and "Andrey Perla proposed" in story[0].chunk.text  # the answer passage, found as before
    assert len({h.chunk.doc_id for h in story}) == 1 and all(len(h.also_in) == 3 for h in story)
    assert len({h.chunk.doc_id for h in every.hits} & STORY) > 1  # without grouping, copies crowd the list
    assert len(grouped.hits) == len(every.hits)


def test_cli_ask_cites_the_story_once_with_the_other_outlets(wire_engine, real_embedder, monkeypatch, capsys):
    monkeypatch.setenv("RAG_CORPUS_DIR", str(wire_engine.settings.corpus_dir))
    monkeypatch.setenv("RAG_INDEX_DIR", str(wire_engine.settings.index_dir))
    monkeypatch.setattr(rag.engine, "get_embedder", lambda s: real_embedder)
    assert main(["ask", PERLA, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert not out["abstained"] and "Perla" in out["answer"]
    cited = [c for c in out["citations"] if c["doc_id"] in STORY]
    assert cited and len({c["doc_id"] for c in cited}) == 1
    outlets = {c["outlet"] for c in cited[0]["also_in"]}
    assert len(outlets) == 3 and outlets <= {"Orda.kz", *COPIES.values()}
    assert main(["search", PERLA, "--k", "3"]) == 0
    assert "also in 3 outlets: " in capsys.readouterr().out
