"""The manifest record: what `manifest.json` holds, read back exactly, and refused when it is not one."""

import pytest

from rag.errors import IndexCorrupt, IndexMismatch
from rag.index.manifest import FORMAT_VERSION, Counts, Manifest

BUILT = Manifest(
    embedder={"name": "m", "dim": 3, "max_tokens": 256, "sentence_vectors": "separate"},
    chunking={"target_tokens": 200, "overlap": 0.2, "tokenizer": "t"},
    documents={"a.txt": {"sha256": "1" * 64, "title": "A", "date": "2023-01-02", "chunks": 2}},
    skipped={"b.pdf": {"sha256": "2" * 64, "reason": "not text"}},
    duplicates={"c.txt": {"sha256": "3" * 64, "duplicate_of": "a.txt"}},
    next_chunk_id=7,
    generation="gen-1",
    counts=Counts(documents=1, chunks=2, tokens=300, sentences=9),
)


def test_json_round_trip_keeps_every_field():
    assert Manifest.from_json(BUILT.to_json()) == BUILT
    assert BUILT.to_json()["counts"] == {"documents": 1, "chunks": 2, "tokens": 300, "sentences": 9}


def test_document_entry_and_the_hash_of_every_file_seen():
    assert BUILT.document("a.txt")["date"] == "2023-01-02" and BUILT.document("zzz.txt") == {}
    assert BUILT.file_hashes() == {"a.txt": "1" * 64, "b.pdf": "2" * 64, "c.txt": "3" * 64}


@pytest.mark.parametrize(
    "data",
    [[], "manifest", {"embedder": "m"}, {"documents": {"a.txt": "x"}}, {"counts": {"chunks": "x", "documents": []}}],
)
def test_what_is_not_a_manifest_is_corrupt(data):
    with pytest.raises(IndexCorrupt, match="rebuild"):
        Manifest.from_json(data)


def test_unknown_keys_are_ignored_and_a_missing_version_mismatches():
    old = Manifest.from_json({**BUILT.to_json(), "format_version": None, "future_key": 1})
    assert old.format_version is None
    with pytest.raises(IndexMismatch, match=f"is not {FORMAT_VERSION}"):
        old.check_compatible(BUILT)


def test_compatibility_names_the_setting_that_differs():
    BUILT.check_compatible(Manifest(embedder={"name": "m", "dim": 3}, chunking={"target_tokens": 200}))
    with pytest.raises(IndexMismatch, match="chunking target_tokens=200, running 150"):
        BUILT.check_compatible(Manifest(embedder={"name": "m"}, chunking={"target_tokens": 150}))


def test_an_index_from_before_pooled_sentences_reads_as_separate():
    old = Manifest.from_json({"embedder": {"name": "m", "dim": 3}, "chunking": {}})
    assert old.embedder == {"sentence_vectors": "separate", "name": "m", "dim": 3}
    assert Manifest.from_json({"embedder": {"sentence_vectors": "pooled"}}).embedder["sentence_vectors"] == "pooled"
