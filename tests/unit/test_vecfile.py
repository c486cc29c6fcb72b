"""Vectors on disk during ingest: the scratch spill, the .npy writer, and what ingest leaves behind."""

from __future__ import annotations

import numpy as np
import pytest

from rag.engine import Engine
from rag.index.build import SCRATCH_PREFIX, ingest
from rag.index.store import SENTENCE_VECTORS, SENTENCES, load_snapshot, save_npy, vector_blocks
from rag.index.vecfile import NpyWriter, VectorSpill
from tests.unit.test_index import NEW_ARTICLE


def test_spill_reads_back_any_rows_in_any_order(tmp_path):
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((1000, 8)).astype(np.float32)
    spill = VectorSpill(tmp_path, 8)
    for s in range(0, 1000, 77):  # appended in uneven batches, as the model hands them over
        spill.add([f"k{i}" for i in range(s, min(s + 77, 1000))], vectors[s : s + 77])
    assert len(spill) == 1000 and not list(tmp_path.iterdir())  # an unnamed file: nothing to clean up
    rows = rng.integers(0, 1000, 5000)  # repeats, runs and gaps
    rows[:300] = np.arange(200, 500)
    assert np.array_equal(spill.read(rows), vectors[rows])
    assert np.array_equal(spill.read([spill.row("k999"), spill.row("k0")]), vectors[[999, 0]])
    assert spill.read([]).shape == (0, 8) and spill.row("nope") is None
    spill.close()


def test_npy_writer_writes_a_file_numpy_loads(tmp_path):
    data = np.arange(60, dtype=np.float32).reshape(20, 3)
    writer = NpyWriter(tmp_path / "v.npy", 20, 3)
    for s in range(0, 20, 7):
        writer.write(data[s : s + 7])
    mapped = writer.close()
    assert isinstance(mapped, np.memmap) and np.array_equal(mapped, data)
    assert np.array_equal(np.load(tmp_path / "v.npy"), data)
    short = NpyWriter(tmp_path / "w.npy", 5, 3)
    with pytest.raises(ValueError, match="does not fit"):
        short.write(data[:6])
    short.write(data[:4])
    with pytest.raises(ValueError, match="4 of 5 rows"):
        short.close()


def test_ingest_keeps_sentence_vectors_in_their_own_mapped_file(settings, fake_embedder, corpus):
    (settings.index_dir / f"{SCRATCH_PREFIX}killed").mkdir(parents=True)  # what a killed ingest left
    report = ingest(settings, embedder=fake_embedder)
    assert not list(settings.index_dir.glob(f"{SCRATCH_PREFIX}*"))
    snap = load_snapshot(settings.index_dir)
    table = snap.sentences
    assert isinstance(table.vectors, np.memmap) and (snap.root / SENTENCE_VECTORS).exists()
    assert len(table.vectors) == report.sentences_embedded == len(table.doc_ids)
    texts = [snap.document(d).text[s:e] for d, s, e in zip(table.doc_ids[:50], table.starts[:50], table.ends[:50])]
    assert np.allclose(table.vectors[:50], fake_embedder.embed_documents(texts), atol=1e-6)

    # A new article: the old sentences' vectors are read from the previous file, not embedded again.
    (corpus / "grain.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    fake_embedder.embedded = 0
    second = ingest(settings, embedder=fake_embedder)
    new_table = load_snapshot(settings.index_dir).sentences
    assert (
        0 < second.sentences_embedded <= 4 and len(new_table.doc_ids) == len(table.doc_ids) + second.sentences_embedded
    )
    old = {h: v for h, v in zip(table.hashes.tolist(), np.asarray(table.vectors))}
    kept = [i for i, h in enumerate(new_table.hashes.tolist()) if h in old]
    assert len(kept) == len(table.doc_ids)
    assert all(np.array_equal(new_table.vectors[i], old[new_table.hashes[i]]) for i in kept)


def test_an_index_with_vectors_inside_sentences_npz_still_answers(settings, fake_embedder):
    """Indexes written before the vectors had their own file keep them in sentences.npz."""
    ingest(settings, embedder=fake_embedder)
    root = load_snapshot(settings.index_dir).root
    with np.load(root / SENTENCES) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["vectors"] = np.load(root / SENTENCE_VECTORS)
    with open(root / SENTENCES, "wb") as fh:
        np.savez(fh, **arrays)
    (root / SENTENCE_VECTORS).unlink()
    engine = Engine(settings, fake_embedder)
    assert np.array_equal(engine.snapshot().sentences.vectors, arrays["vectors"])
    assert engine.ask("How many wagons of coal did Kazakhstan block?").citations


def test_a_mapped_npy_file_is_linked_and_read_in_blocks_not_mapped_in(tmp_path):
    data = np.random.default_rng(5).standard_normal((1000, 6)).astype(np.float32)
    writer = NpyWriter(tmp_path / "scratch.npy", 1000, 6)
    writer.write(data)
    mapped = writer.close()
    save_npy(tmp_path / "gen.npy", mapped)
    assert (tmp_path / "gen.npy").stat().st_ino == (tmp_path / "scratch.npy").stat().st_ino  # linked, not read
    blocks = list(vector_blocks(mapped, size=300))
    assert [s for s, _ in blocks] == [0, 300, 600, 900] and not any(isinstance(b, np.memmap) for _, b in blocks)
    assert np.array_equal(np.concatenate([b for _, b in blocks]), data)
    save_npy(tmp_path / "reversed.npy", mapped[::-1])  # a view of the file is not the file: saved as it reads
    assert np.array_equal(np.load(tmp_path / "reversed.npy"), data[::-1])
    save_npy(tmp_path / "head.npy", mapped[:10])
    assert np.array_equal(np.load(tmp_path / "head.npy"), data[:10])
