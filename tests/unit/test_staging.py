"""Texts on disk during ingest: parsed articles and chunks wait in a scratch SQLite file, and the
stores write them from there (`rag.index.staging`)."""

from __future__ import annotations

import sqlite3

import numpy as np

from rag.index.build import SCRATCH_PREFIX, ingest
from rag.index.manifest import Manifest
from rag.index.staging import Rows, TextStage, concat
from rag.index.store import FileStore, IndexSnapshot, load_snapshot
from rag.records import Chunk, Document, sha256_bytes
from tests.unit.test_index import NEW_ARTICLE


def test_stage_reads_back_what_was_added_in_order(tmp_path):
    stage = TextStage(tmp_path)
    docs = [
        Document(
            f"d{i}.txt", f"/c/d{i}.txt", f"T{i}", f"Text {i}. " * 50, f"h{i}", {"date": "2022-03-0" + str(i % 9 + 1)}
        )
        for i in range(3000)
    ]
    for d in docs:
        stage.add(
            d,
            [Chunk(0, d.doc_id, d.text[:20], 0, 20, 7, d.title), Chunk(0, d.doc_id, d.text[20:40], 20, 40, 7, d.title)],
        )
    assert [p.name for p in tmp_path.iterdir()][0].startswith("texts-")
    staged = stage.documents()
    assert len(staged) == 3000 and list(staged) == docs and list(staged) == docs  # read again on each pass
    chunks = stage.chunks(first_id=500)
    assert len(chunks) == 6000 and stage.tokens == 6000 * 7
    listed = list(chunks)
    assert [c.chunk_id for c in listed] == list(range(500, 6500))
    assert listed[3].doc_id == "d1.txt" and listed[3].text == docs[1].text[20:40]
    assert stage.document("d2999.txt") == docs[2999] and stage.document("nope") is None
    stage.close()
    assert not list(tmp_path.iterdir())


def test_file_store_writes_lazy_rows_without_indexing_them(tmp_path):
    """A store is handed `Rows` (a sized iterable, no indexing) and writes what they yield."""
    docs = [
        Document("a.txt", "a.txt", "A", "Alpha beta gamma. Delta.", "1"),
        Document("b.txt", "b.txt", "B", "Epsilon zeta.", "2"),
    ]
    chunks = [Chunk(7, "a.txt", "Alpha beta gamma.", 0, 17, 4, "A"), Chunk(8, "a.txt", "Delta.", 18, 24, 2, "A"),
              Chunk(9, "b.txt", "Epsilon zeta.", 0, 13, 3, "B")]  # fmt: skip
    reads = []

    def rows(items, name):
        return Rows(len(items), lambda: (reads.append(name), iter(items))[1])

    vectors = np.eye(3, 4, dtype=np.float32)
    store = FileStore(tmp_path / "index")
    store.add(rows(docs, "docs"), rows(chunks, "chunks"), vectors, ["h7", "h8", "h9"])
    manifest = Manifest(embedder={"name": "t", "dim": 4, "max_tokens": 64}, chunking={}, next_chunk_id=10)
    store.save(manifest)
    snap = load_snapshot(tmp_path / "index")
    assert [d.doc_id for d in snap.documents()] == ["a.txt", "b.txt"]
    assert snap.chunks([8])[8].text == "Delta." and np.array_equal(snap.vectors_of([9, 7]), vectors[[2, 0]])
    assert snap.manifest.counts.tokens == 9 and snap.manifest.counts.documents == 2
    assert reads.count("docs") >= 1 and reads.count("chunks") >= 1
    assert len(concat([docs, rows(docs, "docs")])) == 4


def test_ingest_keeps_parsed_texts_in_the_scratch_database(settings, fake_embedder, corpus):
    seen = {}

    def progress(stage, done, total):
        if stage == "embed sentences" and not seen:
            (db,) = settings.index_dir.glob(f"{SCRATCH_PREFIX}*/texts-*/texts.sqlite")
            con = sqlite3.connect(db)
            seen["docs"] = dict(con.execute("SELECT doc_id, text FROM docs").fetchall())
            seen["chunks"] = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
            con.close()

    report = ingest(settings, embedder=fake_embedder, progress=progress)
    snap = load_snapshot(settings.index_dir)
    assert seen["docs"] == {d.doc_id: d.text for d in snap.documents()} and len(seen["docs"]) == report.documents
    assert seen["chunks"] == report.chunks == len(snap)
    assert not list(settings.index_dir.glob(f"{SCRATCH_PREFIX}*"))  # scratch gone with the ingest


def test_a_file_changed_between_scan_and_parse_records_what_was_parsed(settings, fake_embedder, corpus):
    """The scan hashes files without keeping their bytes; parsing reads them again. The index
    records the hash of what it parsed, so the next ingest sees the file as it was indexed."""
    last = sorted(corpus.iterdir())[-1]

    def progress(stage, done, total):
        if stage == "parse" and done == 1:
            last.write_text(
                last.read_text(encoding="utf-8") + "\nA line added while the ingest ran.\n", encoding="utf-8"
            )

    ingest(settings, embedder=fake_embedder, progress=progress)
    snap = load_snapshot(settings.index_dir)
    entry = snap.manifest.documents[last.name]
    assert entry["sha256"] == sha256_bytes(last.read_bytes())
    assert "A line added while the ingest ran." in snap.document(last.name).text
    again = ingest(settings, embedder=fake_embedder)
    assert not again.wrote and again.unchanged == sorted(p.name for p in corpus.iterdir())


def test_adding_an_article_streams_the_kept_index_instead_of_loading_it(settings, fake_embedder, corpus, monkeypatch):
    ingest(settings, embedder=fake_embedder)
    before = load_snapshot(settings.index_dir)
    old_chunks = before.doc_chunks()

    def whole_index(self):
        raise AssertionError("an incremental ingest loaded every document or chunk of the index")

    monkeypatch.setattr(IndexSnapshot, "documents", whole_index)
    monkeypatch.setattr(IndexSnapshot, "doc_chunks", whole_index)
    (corpus / "grain.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    report = ingest(settings, embedder=fake_embedder)
    monkeypatch.undo()
    after = load_snapshot(settings.index_dir)
    assert report.added == ["grain.txt"] and report.chunks_reused == len(before)
    assert [d.doc_id for d in after.documents()] == sorted([*old_chunks, "grain.txt"])
    kept = [c for rows in old_chunks.values() for c, _ in rows]
    assert after.chunks([c.chunk_id for c in kept]) == {c.chunk_id: c for c in kept}
    assert np.array_equal(after.vectors_of([c.chunk_id for c in kept]), before.vectors_of([c.chunk_id for c in kept]))
    assert len(after) == len(before) + report.chunks_embedded and after.ids[-1] == after.manifest.next_chunk_id - 1
    assert not [p for p in settings.index_dir.iterdir() if p.name.startswith(".tmp")]
