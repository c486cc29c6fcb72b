"""The index on disk: a chunk table (SQLite), vectors + FAISS, BM25, and `manifest.json`.

Layout (every write is atomic: a new generation folder is written beside the old one, then
`manifest.json` is replaced by rename, so a crash mid-write leaves the previous index usable):

    index/manifest.json          names the current generation and what built it
    index/gen-<n>/chunks.sqlite  documents and chunks (text, offsets, metadata)
    index/gen-<n>/ids.npy        chunk ids, ascending; row i of vectors.npy and BM25 doc i
    index/gen-<n>/vectors.npy    unit-length float32 vectors
    index/gen-<n>/faiss.index    IndexIDMap2 over Flat inner product (HNSW past a threshold)
    index/gen-<n>/bm25/          bm25s index over `lexical_tokens` of title + passage
    index/gen-<n>/sentences.npz  every sentence: document, span, text hash (extractive answers)
    index/gen-<n>/sentence_vectors.npy  their unit vectors, row for row (memory-mapped)

Search and answering see the store only through the `Store` protocol below (dense and lexical
search, term statistics, chunk and document lookups, add/delete/save/load), so a server store
(PostgreSQL with pgvector) can replace these files without touching retrieval or answering.
Nothing outside this module and the ingest that writes it touches FAISS, SQLite or bm25s objects.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol, runtime_checkable

import numpy as np

from rag.errors import IndexCorrupt, IndexMissing
from rag.index.lexical import lexical_tokens
from rag.index.manifest import FIX, Counts, Manifest
from rag.index.vecfile import NpyWriter, RowReader
from rag.records import Chunk, Document

MANIFEST = "manifest.json"
SENTENCES = "sentences.npz"  # every sentence's document, span and text hash
SENTENCE_VECTORS = "sentence_vectors.npy"  # their vectors, row for row
VECTOR_BLOCK = 32768  # vectors copied at a time between files (48 MiB at 384 dimensions)

_SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, path TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL,
    sha256 TEXT NOT NULL, meta TEXT NOT NULL
);
CREATE TABLE chunks (
    chunk_id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    text TEXT NOT NULL, char_start INTEGER NOT NULL, char_end INTEGER NOT NULL,
    n_tokens INTEGER NOT NULL, embed_hash TEXT NOT NULL
);
CREATE INDEX chunks_doc ON chunks(doc_id);
"""


@runtime_checkable
class StoreReader(Protocol):
    """What retrieval and answering read from an index (`IndexSnapshot` here; a SQL store later).

    Chunk ids are integers the store keeps stable across updates; scores are higher-is-better.
    """

    manifest: Manifest  # what built the index: embedder, chunking, documents (title, path, date)
    sentences: SentenceTable | None  # every sentence's span and vector, for the extractive answerer

    def __len__(self) -> int: ...

    def search_dense(
        self, query_vector: np.ndarray, k: int, docs: Collection[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids, cosine scores) of the k nearest passages, best first; with `docs`, only
        passages of those documents (searched among them, so as many as they hold up to k)."""
        ...

    def search_lexical(
        self, tokens: list[str], k: int, docs: Collection[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids, BM25 scores > 0) of the k best matches for `lexical_tokens` of a question;
        with `docs`, only passages of those documents."""
        ...

    def doc_freq(self, tokens: Iterable[str]) -> dict[str, int]:
        """How many passages hold each token; tokens never indexed are left out."""
        ...

    def passages_with(self, token: str) -> frozenset[int]:
        """Ids of the passages that hold a `lexical_tokens` token (none for a token never indexed)."""
        ...

    def idf(self, tokens: Iterable[str]) -> dict[str, float]:
        """BM25 inverse document frequency of each indexed token (term statistics)."""
        ...

    def vectors_of(self, chunk_ids: Sequence[int]) -> np.ndarray:
        """The passages' unit vectors (float32), in the order asked."""
        ...

    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, Chunk]: ...

    def doc_ids(self, chunk_ids: Iterable[int]) -> dict[int, str]:
        """Each passage's document, without reading its text."""
        ...

    def document(self, doc_id: str) -> Document | None: ...

    def documents(self) -> list[Document]: ...


@runtime_checkable
class Store(StoreReader, Protocol):
    """A reader that can also be changed: ingest adds and deletes, `save` makes it visible at once.

    Written for two implementations: `FileStore` (FAISS + SQLite + bm25s files; `save` writes a
    new generation beside the old and switches to it) and PostgreSQL with pgvector (`add` and
    `delete` in one transaction; `save` commits). Readers never see a half-applied change.
    """

    def add(
        self, docs: Collection[Document], chunks: Collection[Chunk], vectors: np.ndarray, embed_hashes: Sequence[str]
    ) -> None:
        """Stage documents with their chunks (final ids), unit vectors and embed-text hashes.

        `docs` and `chunks` may be lazy (an ingest's `rag.index.staging.Rows`, read from scratch):
        a store keeps them as given and iterates them when it saves, without indexing them.
        """
        ...

    def delete(self, doc_ids: Iterable[str]) -> None:
        """Stage the removal of documents and all their chunks."""
        ...

    def save(self, manifest: Manifest) -> None:
        """Apply what was staged, atomically, recording `manifest` (what built the index)."""
        ...

    @classmethod
    def load(cls, location: Any, expected: Manifest | None = None) -> Store:
        """Open the store at `location`, checked against the running settings (`expected`)."""
        ...


def read_manifest(index_dir: Path) -> Manifest | None:
    """The manifest, or None when there is no index yet.

    Raises:
        IndexCorrupt: the file is unreadable or not a manifest.
    """
    path = Path(index_dir) / MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"{path} is unreadable ({exc}); {FIX}") from exc
    return Manifest.from_json(data, str(path))


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())


def write_json_atomic(path: Path, data: Any) -> None:
    """Write `data` as JSON to `path` in one step: readers see the old file or the new one; a
    failure (data that does not encode, a full disk) leaves the old file and no temporary one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def set_ef_search(index, ef_search: int) -> None:
    """Search breadth of an HNSW index (more = better recall, slower); no-op for Flat."""
    import faiss

    base = faiss.downcast_index(index.index) if hasattr(index, "index") else index
    if hasattr(base, "hnsw"):
        base.hnsw.efSearch = ef_search


# HNSW: 32 links a node, 80 candidates while building. Search breadth measured on clustered 384-dim
# data at 1M passages (rag bench, scale): efSearch 64 gives recall@10 0.939 in 0.26 ms, 128 0.964
# in 0.40 ms, 256 0.994 in 0.58 ms. The milliseconds are cheap next to the question's embedding.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 256


def choose_index(n: int, hnsw_threshold: int) -> str:
    """The vector index for n passages: exact ("flat") below the threshold, "hnsw" from there up.

    >>> choose_index(99_999, 100_000), choose_index(100_000, 100_000)
    ('flat', 'hnsw')
    """
    return "hnsw" if n >= hnsw_threshold else "flat"


def single_threaded_faiss() -> None:
    """One OpenMP thread for FAISS in the calling thread (OpenMP keeps the setting per thread).

    A search for one question gains nothing from more: the threads' start-up and spinning cost
    3.5 ms on the seed corpus against 0.05 ms alone, and they take the core the question's
    embedding needs.
    """
    import faiss

    faiss.omp_set_num_threads(1)


def build_faiss(ids: np.ndarray, vectors: np.ndarray, hnsw_threshold: int, ef_search: int = HNSW_EF_SEARCH):
    """Exact inner-product search while small; HNSW (approximate, fast) past the threshold."""
    import faiss

    dim = vectors.shape[1]
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # building HNSW does use every core
    if choose_index(len(ids), hnsw_threshold) == "hnsw":
        base = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        base.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        base.hnsw.efSearch = ef_search
    else:
        base = faiss.IndexFlatIP(dim)
    index = faiss.IndexIDMap2(base)
    for s, block in vector_blocks(vectors):  # a mapped file is read a block at a time: FAISS keeps the only copy
        index.add_with_ids(block, ids[s : s + len(block)].astype(np.int64))
    return index


def read_rows(vectors: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`vectors[rows]` as float32; from a whole `.npy` file mapped in memory, read with `pread`."""
    if not _whole_npy_file(vectors):
        return np.asarray(vectors[rows], dtype=np.float32)
    with open(vectors.filename, "rb") as fh:  # type: ignore[attr-defined]
        return RowReader(fh.fileno(), vectors.offset, vectors.shape[1]).read(rows)  # type: ignore[attr-defined]


def vector_blocks(vectors: np.ndarray, size: int = VECTOR_BLOCK) -> Iterator[tuple[int, np.ndarray]]:
    """(first row, rows) of `vectors` in blocks, as contiguous float32 arrays. A whole `.npy`
    file mapped in memory is read with `pread` instead (`rag.index.vecfile.RowReader`): mapped
    pages read would stay in the process's resident memory for as long as the map."""
    if not _whole_npy_file(vectors):
        for s in range(0, len(vectors), size):
            yield s, np.ascontiguousarray(vectors[s : s + size], dtype=np.float32)
        return
    with open(vectors.filename, "rb") as fh:  # type: ignore[attr-defined]
        reader = RowReader(fh.fileno(), vectors.offset, vectors.shape[1])  # type: ignore[attr-defined]
        for s in range(0, len(vectors), size):
            yield s, reader.read(np.arange(s, min(s + size, len(vectors))))


def write_generation(
    index_dir: Path,
    docs: Collection[Document],
    chunks: Collection[Chunk],
    vectors: np.ndarray,
    embed_hashes: Sequence[str],
    manifest: Manifest,
    hnsw_threshold: int = 200_000,
    sentences: SentenceTable | None = None,
) -> Path:
    """Write a complete new generation and switch `manifest.json` to it.

    Args:
        docs, chunks: sized iterables, read once or twice each (never indexed); chunks with their
            final global ids; `vectors[i]` and `embed_hashes[i]` belong to the i-th chunk.
        sentences: per-sentence vectors for the extractive answerer.
        manifest: everything but the generation and file facts, which are added here.
    Returns:
        The new generation folder.
    """
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    name = f"gen-{time.time_ns()}"
    tmp = index_dir / f".tmp-{name}"
    tmp.mkdir()
    try:
        chunks, vectors, embed_hashes = _sorted_by_id(chunks, vectors, embed_hashes, manifest.embedder["dim"])
        tokens = _write_generation_files(tmp, docs, chunks, vectors, embed_hashes, hnsw_threshold, sentences)
        _fsync_tree(tmp)
        os.rename(tmp, index_dir / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    counts = Counts(
        documents=len(docs),
        chunks=len(chunks),
        tokens=tokens,
        sentences=len(sentences.doc_ids) if sentences is not None else 0,
    )
    manifest = manifest.replace(
        generation=name,
        counts=counts,
        vector_index=choose_index(len(chunks), hnsw_threshold),
        built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    write_json_atomic(index_dir / MANIFEST, manifest.to_json())
    _remove_old_generations(index_dir, keep={name, manifest.previous_generation})
    return index_dir / name


def _sorted_by_id(
    chunks: Collection[Chunk], vectors: np.ndarray, embed_hashes: Sequence[str], dim: int
) -> tuple[Collection[Chunk], np.ndarray, list[str]]:
    """Chunks, their vectors and hashes in chunk-id order (row i of every file is chunk i).

    Chunks already in order (a cold ingest's, read lazily from its scratch) are passed on as they
    are, not gathered in memory.
    """
    ids = np.fromiter((c.chunk_id for c in chunks), dtype=np.int64, count=len(chunks))
    if len(ids) and bool(np.all(np.diff(ids) > 0)):
        return chunks, _float32(vectors), list(embed_hashes)
    order = np.argsort(ids, kind="stable").tolist()
    rows = np.asarray(vectors, dtype=np.float32)[order] if len(order) else np.zeros((0, dim), np.float32)
    listed = list(chunks)
    return [listed[i] for i in order], rows, [embed_hashes[i] for i in order]


def _write_generation_files(
    folder: Path,
    docs: Collection[Document],
    chunks: Collection[Chunk],
    vectors: np.ndarray,
    embed_hashes: Sequence[str],
    hnsw_threshold: int,
    sentences: SentenceTable | None,
) -> int:
    """The SQLite tables, ids, vectors, FAISS index, BM25 index and sentence table, in `folder`.

    Returns:
        The chunks' tokens, counted on the way.
    """
    import bm25s
    import faiss

    ids = np.fromiter((c.chunk_id for c in chunks), dtype=np.int64, count=len(chunks))
    tokens = _write_sqlite(folder / "chunks.sqlite", docs, chunks, embed_hashes)
    np.save(folder / "ids.npy", ids, allow_pickle=False)
    save_npy(folder / "vectors.npy", vectors)
    faiss.write_index(build_faiss(ids, vectors, hnsw_threshold), str(folder / "faiss.index"))
    # scipy builds the CSC matrix; bm25s's default numpy path rests on np.argsort, which QEMU 7.2's
    # AVX2 emulation (`make test-avx2`) gets wrong from about 1,000 elements, mixing up columns.
    bm25 = bm25s.BM25(csc_backend="scipy")
    # A chunk with no tokens still needs a row so BM25 doc i stays chunk row i. Token ids, not
    # strings: every token of the archive as its own str object would cost ~50 bytes, an id 8.
    vocab: dict[str, int] = {}
    token_ids = [[vocab.setdefault(t, len(vocab)) for t in lexical_tokens(c.embed_text) or ["\u2205"]] for c in chunks]
    bm25.index((token_ids or [[vocab.setdefault("\u2205", 0)]], vocab), show_progress=False)
    del token_ids
    bm25.save(str(folder / "bm25"))
    del bm25
    if sentences is not None:
        sentences.save(folder)
    return tokens


def _write_sqlite(path: Path, docs: Iterable[Document], chunks: Iterable[Chunk], embed_hashes: Sequence[str]) -> int:
    """Write the tables, streaming the rows (generators: no list of the archive's rows); returns
    the chunks' tokens."""
    tokens = [0]

    def chunk_rows() -> Iterator[tuple]:
        for c, h in zip(chunks, embed_hashes):
            tokens[0] += c.n_tokens
            yield (c.chunk_id, c.doc_id, c.text, c.char_start, c.char_end, c.n_tokens, h)

    con = sqlite3.connect(path)
    try:
        con.executescript(_SCHEMA)
        con.executemany(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
            ((d.doc_id, d.path, d.title, d.text, d.sha256, json.dumps(d.meta, ensure_ascii=False)) for d in docs),
        )
        con.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?)", chunk_rows())
        con.commit()
    finally:
        con.close()
    return tokens[0]


def _remove_old_generations(index_dir: Path, keep: set[str | None]) -> None:
    """Keep the current generation and the one before it (a reader may still be loading it)."""
    for path in index_dir.iterdir():
        if path.is_dir() and (
            path.name.startswith(".tmp-gen-") or (path.name.startswith("gen-") and path.name not in keep)
        ):
            shutil.rmtree(path, ignore_errors=True)


@dataclass(frozen=True)
class SentenceTable:
    """Every sentence of every document: (doc, start, end) spans into `doc.text`, text hashes and vectors."""

    doc_ids: np.ndarray  # str, one per sentence
    starts: np.ndarray  # int64
    ends: np.ndarray  # int64
    hashes: np.ndarray  # str: sha256 of the sentence text (the embedding cache key)
    vectors: np.ndarray  # float32, unit length

    def save(self, folder: Path) -> None:
        """`sentences.npz` (spans and hashes) and `sentence_vectors.npy` in `folder`.

        Vectors already in a `.npy` file (an ingest writes them so) are linked or copied, not read.
        """
        with open(folder / SENTENCES, "wb") as fh:
            np.savez(fh, doc_ids=self.doc_ids, starts=self.starts, ends=self.ends, hashes=self.hashes)
        save_npy(folder / SENTENCE_VECTORS, self.vectors)

    @classmethod
    def load(cls, folder: Path) -> SentenceTable:
        """The table saved in `folder`; its vectors memory-mapped (an index written before they
        had their own file keeps them in `sentences.npz`, read into memory)."""
        with np.load(folder / SENTENCES, allow_pickle=False) as z:
            arrays = [z["doc_ids"], z["starts"], z["ends"], z["hashes"]]
            vectors = z["vectors"] if "vectors" in z.files else None
        if vectors is None:
            vectors = np.load(folder / SENTENCE_VECTORS, mmap_mode="r", allow_pickle=False)
        table = cls(*arrays, vectors)
        if vectors.ndim != 2 or not len(set(map(len, [*arrays, vectors]))) == 1:
            raise ValueError("sentence arrays differ in length")
        return table

    def rows_in(self, doc_id: str, start: int, end: int) -> np.ndarray:
        """Rows of the sentences that lie inside doc_id's [start, end) span."""
        lo, hi = self._doc_range(doc_id)
        s, e = self.starts[lo:hi], self.ends[lo:hi]
        return lo + np.nonzero((s >= start) & (e <= end))[0]

    def _doc_range(self, doc_id: str) -> tuple[int, int]:
        # Rows are grouped by document in sorted doc_id order, so two binary searches find them.
        return int(np.searchsorted(self.doc_ids, doc_id, "left")), int(np.searchsorted(self.doc_ids, doc_id, "right"))


@dataclass
class IndexSnapshot:
    """A loaded generation: read-only, safe to share between threads."""

    root: Path
    manifest: Manifest
    ids: np.ndarray
    vectors: np.ndarray
    faiss_index: Any
    bm25: Any
    sentences: SentenceTable | None = None
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _df_cache: np.ndarray | None = field(default=None, repr=False)
    _codes_cache: tuple[np.ndarray, dict[str, int], list[str]] | None = field(default=None, repr=False)
    _memo: Memo = field(default_factory=lambda: Memo(MEMO_ENTRIES), repr=False)

    @property
    def generation(self) -> str:
        return self.manifest.generation

    def __len__(self) -> int:
        return len(self.ids)

    def _db(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(f"file:{self.root / 'chunks.sqlite'}?mode=ro", uri=True, check_same_thread=False)
            self._local.con = con
        return con

    def check(self) -> None:
        """Read both tables through a new connection, as a new thread would (one that is open keeps
        reading a file deleted under it).

        Raises:
            IndexCorrupt: the chunk table is missing or damaged, with what to run.
        """
        try:
            con = sqlite3.connect(f"file:{self.root / 'chunks.sqlite'}?mode=ro", uri=True)
            try:
                con.execute("SELECT doc_id, text FROM documents LIMIT 1").fetchall()
                con.execute("SELECT chunk_id, text FROM chunks LIMIT 1").fetchall()
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            raise IndexCorrupt(f"the chunk table in {self.root}/ cannot be read ({exc}); {FIX}") from exc

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        # The files may be damaged or deleted after load (by hand, on a live app): say what fixes it.
        try:
            return self._db().execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise IndexCorrupt(f"the chunk table in {self.root}/ cannot be read ({exc}); {FIX}") from exc

    def rows_of(self, chunk_ids: Sequence[int]) -> np.ndarray:
        return np.searchsorted(self.ids, np.asarray(chunk_ids, dtype=np.int64))

    def vectors_of(self, chunk_ids: Sequence[int]) -> np.ndarray:
        if not len(chunk_ids):
            return np.zeros((0, self.vectors.shape[1]), np.float32)
        return np.asarray(self.vectors[self.rows_of(chunk_ids)], dtype=np.float32)

    def search_dense(
        self, query_vector: np.ndarray, k: int, docs: Collection[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids, cosine scores) of the k nearest passages (of `docs` only, when given)."""
        rows = None if docs is None else self.rows_of_docs(docs)
        k = min(k, len(self.ids) if rows is None else len(rows))
        if k == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        qv = query_vector.reshape(1, -1).astype(np.float32)
        if rows is not None and len(rows) <= EXACT_FILTERED_SEARCH:
            # Few passages allowed: score them all (exact, and HNSW's filtered walk could miss some).
            scores = np.asarray(self.vectors[rows] @ qv[0], dtype=np.float32)
            return _top(self.ids[rows], scores, k, positive=False)
        single_threaded_faiss()
        params = None if rows is None else _faiss_filter(self.faiss_index, self.ids[rows], k)
        scores, ids = self.faiss_index.search(qv, k, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def search_lexical(
        self, tokens: list[str], k: int, docs: Collection[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids, BM25 scores > 0) of the k best lexical matches (of `docs` only, when given)."""
        ids = [self.bm25.vocab_dict[t] for t in tokens if t in self.bm25.vocab_dict]
        if not ids or len(self.ids) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        scores = self.bm25.get_scores(ids)  # BM25 doc i is chunk row i
        if docs is None:
            return _top(self.ids, scores, k)
        rows = self.rows_of_docs(docs)
        return _top(self.ids[rows], scores[rows], k)

    def rows_of_docs(self, docs: Collection[str]) -> np.ndarray:
        """Rows (ascending) of every passage of these documents."""
        codes, index, _ = self._doc_codes()
        wanted = np.array([index[d] for d in docs if d in index], dtype=np.int32)
        return np.nonzero(np.isin(codes, wanted))[0]

    def _doc_codes(self) -> tuple[np.ndarray, dict[str, int], list[str]]:
        # Each row's document as a small integer, read once per generation (a filter then costs
        # one vectorized lookup). Two threads may both read it the first time; the results are equal.
        if self._codes_cache is None:
            rows = self._query("SELECT chunk_id, doc_id FROM chunks ORDER BY chunk_id")
            index: dict[str, int] = {}
            codes = np.array([index.setdefault(d, len(index)) for _, d in rows], dtype=np.int32)
            self._codes_cache = (codes, index, list(index))  # and each code's document
        return self._codes_cache

    def _df(self) -> np.ndarray:
        # Passages per token, read once per generation from BM25's per-token posting lists. Two
        # threads may both compute it the first time; they get equal arrays, so no lock.
        if self._df_cache is None:
            self._df_cache = np.diff(np.asarray(self.bm25.scores["indptr"]))
        return self._df_cache

    def doc_freq(self, tokens: Iterable[str]) -> dict[str, int]:
        df, vocab = self._df(), self.bm25.vocab_dict
        return {t: int(df[vocab[t]]) for t in tokens if t in vocab and vocab[t] < len(df)}

    def idf(self, tokens: Iterable[str]) -> dict[str, float]:
        n = max(int(self.bm25.scores["num_docs"]), 1)
        return {t: bm25_idf(df, n) for t, df in self.doc_freq(tokens).items()}

    def passages_with(self, token: str) -> frozenset[int]:
        """Read from BM25's posting list of the token (its column of the score matrix), not by
        scoring every passage; remembered for the generation (see `Memo`)."""

        def read() -> frozenset[int]:
            t, matrix = self.bm25.vocab_dict.get(token), self.bm25.scores
            if t is None or t + 1 >= len(matrix["indptr"]):
                return frozenset()
            lo, hi = int(matrix["indptr"][t]), int(matrix["indptr"][t + 1])
            rows = np.asarray(matrix["indices"][lo:hi])[np.asarray(matrix["data"][lo:hi]) > 0]
            return frozenset(self.ids[rows].tolist())  # BM25 doc i is chunk row i

        return self._memo.get(("passages", token), read)

    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, Chunk]:
        # Read each time, not kept: a chunk table damaged under a loaded index must still be seen.
        if not len(chunk_ids):
            return {}
        marks = ",".join("?" * len(chunk_ids))
        rows = self._query(
            f"SELECT c.chunk_id, c.doc_id, c.text, c.char_start, c.char_end, c.n_tokens, d.title "
            f"FROM chunks c JOIN documents d USING (doc_id) WHERE c.chunk_id IN ({marks})",
            [int(i) for i in chunk_ids],
        )
        return {r[0]: Chunk(*r) for r in rows}

    def doc_ids(self, chunk_ids: Iterable[int]) -> dict[int, str]:
        ids = np.fromiter(chunk_ids, dtype=np.int64)
        rows = np.searchsorted(self.ids, ids)
        found = rows < len(self.ids)
        found[found] = self.ids[rows[found]] == ids[found]
        codes, _, names = self._doc_codes()
        return {int(i): names[c] for i, c in zip(ids[found].tolist(), codes[rows[found]].tolist())}

    def documents(self) -> list[Document]:
        rows = self._query("SELECT doc_id, path, title, text, sha256, meta FROM documents ORDER BY doc_id")
        return [Document(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]

    def document(self, doc_id: str) -> Document | None:
        rows = self._query("SELECT doc_id, path, title, text, sha256, meta FROM documents WHERE doc_id = ?", (doc_id,))
        return Document(*rows[0][:5], json.loads(rows[0][5])) if rows else None

    def kept_documents(self, gone: Collection[str]) -> Collection[Document]:
        """The documents not in `gone`, read from the file as they are iterated."""
        from rag.index.staging import Rows

        n = sum(1 for (d,) in self._query("SELECT doc_id FROM documents") if d not in gone)
        sql = "SELECT doc_id, path, title, text, sha256, meta FROM documents ORDER BY doc_id"
        return Rows(n, lambda: (Document(*r[:5], json.loads(r[5])) for r in self._stream(sql) if r[0] not in gone))

    def kept_chunks(self, gone: Collection[str], n: int) -> Collection[Chunk]:
        """The `n` chunks of documents not in `gone`, in id order, read as they are iterated."""
        from rag.index.staging import Rows

        sql = (
            "SELECT c.chunk_id, c.doc_id, c.text, c.char_start, c.char_end, c.n_tokens, d.title "
            "FROM chunks c JOIN documents d USING (doc_id) ORDER BY c.chunk_id"
        )
        return Rows(n, lambda: (Chunk(*r) for r in self._stream(sql) if r[1] not in gone))

    def _stream(self, sql: str) -> Iterator[tuple]:
        """The rows of `sql`, fetched a few hundred at a time on a connection of their own."""
        con = sqlite3.connect(f"file:{self.root / 'chunks.sqlite'}?mode=ro", uri=True)
        try:
            cur = con.execute(sql)
            while rows := cur.fetchmany(512):
                yield from rows
        except sqlite3.DatabaseError as exc:
            raise IndexCorrupt(f"the chunk table in {self.root}/ cannot be read ({exc}); {FIX}") from exc
        finally:
            con.close()

    def chunk_keys(self) -> dict[str, list[ChunkKey]]:
        """Every chunk's id, embed hash and tokens, grouped by document, without its text: what an
        incremental ingest needs of the previous generation."""
        return group_keys(self._query("SELECT doc_id, chunk_id, embed_hash, n_tokens FROM chunks ORDER BY chunk_id"))

    def doc_chunks(self) -> dict[str, list[tuple[Chunk, str]]]:
        """All chunks grouped by document, with their embed hashes (a copy of the whole index)."""
        return group_chunks(
            self._query(
                "SELECT c.chunk_id, c.doc_id, c.text, c.char_start, c.char_end, c.n_tokens, d.title, c.embed_hash "
                "FROM chunks c JOIN documents d USING (doc_id) ORDER BY c.chunk_id"
            )
        )


# Posting lists a loaded generation keeps once read: 40 bytes an id (the lists asked for are the
# words of names, mostly short).
MEMO_ENTRIES = 4096


class Memo:
    """Values computed once per key and kept, for what cannot change (a generation's posting
    lists, read from memory). Bounded: when full, the older half is dropped. Safe between threads:
    two may compute the same value at once, and both get an equal one.

    >>> m = Memo(2)
    >>> m.get("a", lambda: 1), m.get("a", lambda: 2), m.get("b", lambda: 3), m.get("c", lambda: 4), len(m)
    (1, 1, 3, 4, 2)
    >>> m.get("a", lambda: 5)  # dropped when "c" came: computed again
    5
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: dict[Any, Any] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        try:
            return self._values[key]
        except KeyError:
            pass
        value = compute()
        with self._lock:
            if len(self._values) >= self.size:
                for old in list(self._values)[: max(len(self._values) // 2, 1)]:
                    del self._values[old]
            self._values[key] = value
        return value


class ChunkKey(NamedTuple):
    """A chunk of an index without its text."""

    chunk_id: int
    embed_hash: str
    n_tokens: int


def group_keys(rows: Iterable[tuple[str, int, str, int]]) -> dict[str, list[ChunkKey]]:
    """(doc_id, chunk_id, embed_hash, n_tokens) rows as ChunkKeys by document."""
    out: dict[str, list[ChunkKey]] = {}
    for doc_id, chunk_id, h, n in rows:
        out.setdefault(doc_id, []).append(ChunkKey(chunk_id, h, n))
    return out


def group_chunks(rows: Iterable[tuple[Any, ...]]) -> dict[str, list[tuple[Chunk, str]]]:
    """(chunk_id, doc_id, text, char_start, char_end, n_tokens, title, embed_hash) rows as
    (Chunk, embed hash) pairs by document."""
    out: dict[str, list[tuple[Chunk, str]]] = {}
    for r in rows:
        out.setdefault(r[1], []).append((Chunk(*r[:7]), r[7]))
    return out


# A filter that allows at most this many passages is searched exactly with numpy (a few ms at
# 384 dimensions); more go to FAISS with an id selector.
EXACT_FILTERED_SEARCH = 20_000


def _top(ids: np.ndarray, scores: np.ndarray, k: int, positive: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The k best (id, score) pairs, best first (ties in id order); only scores > 0 if `positive`."""
    k = min(k, len(scores))
    if k == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    if positive:
        top = top[scores[top] > 0]
    return ids[top], scores[top].astype(np.float32)


def _faiss_filter(index, allowed_ids: np.ndarray, k: int):
    """FAISS search parameters that keep only `allowed_ids` (HNSW's also search at least k deep)."""
    import faiss

    sel = faiss.IDSelectorBatch(np.ascontiguousarray(allowed_ids, dtype=np.int64))
    base = faiss.downcast_index(index.index) if hasattr(index, "index") else index
    if hasattr(base, "hnsw"):
        return faiss.SearchParametersHNSW(sel=sel, efSearch=max(base.hnsw.efSearch, k))
    return faiss.SearchParameters(sel=sel)


def bm25_idf(df: int, n: int) -> float:
    """BM25's inverse document frequency of a token in `df` of `n` passages (never negative).

    >>> round(bm25_idf(1, 3), 4), round(bm25_idf(3, 3), 4)
    (0.9808, 0.1335)
    """
    return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))


# numpy reads each .npy header with ast.literal_eval, and CPython 3.11 can fail ("AST constructor
# recursion depth mismatch") when two threads build ASTs at once: loads in one process take turns.
_LOAD_LOCK = threading.Lock()


def load_snapshot(index_dir: Path, expected: Manifest | None = None) -> IndexSnapshot:
    """Load and check an index generation (one load at a time per process: see _LOAD_LOCK)."""
    with _LOAD_LOCK:
        return _load_snapshot(index_dir, expected)


def _load_snapshot(index_dir: Path, expected: Manifest | None = None) -> IndexSnapshot:
    """Open the current generation, checking it against the running settings and itself.

    Raises:
        IndexMissing: no manifest. IndexMismatch: built with other settings.
        IndexCorrupt: a file is missing, truncated, or the parts disagree.
    """
    import bm25s
    import faiss

    index_dir = Path(index_dir)
    manifest = read_manifest(index_dir)
    if manifest is None:
        raise IndexMissing(f"no index in {index_dir}/; run `rag ingest`")
    if expected is not None:
        manifest.check_compatible(expected)
    root = index_dir / (manifest.generation or "?")
    try:
        ids = np.load(root / "ids.npy", allow_pickle=False)
        vectors = np.load(root / "vectors.npy", mmap_mode="r", allow_pickle=False)
        faiss_index = faiss.read_index(str(root / "faiss.index"))
        set_ef_search(faiss_index, HNSW_EF_SEARCH)  # an index written with another breadth searches with ours
        bm25 = bm25s.BM25.load(str(root / "bm25"), mmap=False)
        sentences = SentenceTable.load(root) if (root / SENTENCES).exists() else None
        con = sqlite3.connect(f"file:{root / 'chunks.sqlite'}?mode=ro", uri=True)
        try:
            n_rows, id_min, id_max, id_sum = con.execute(
                "SELECT count(*), min(chunk_id), max(chunk_id), total(chunk_id) FROM chunks"
            ).fetchone()
            n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            con.close()
    except (OSError, ValueError, RuntimeError, sqlite3.DatabaseError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise IndexCorrupt(f"index in {index_dir}/ is damaged ({type(exc).__name__}: {exc}); {FIX}") from exc
    n = manifest.counts.chunks
    sizes = {"manifest": n, "ids": len(ids), "vectors": len(vectors), "faiss": faiss_index.ntotal, "sqlite": n_rows}
    bm25_docs = int(bm25.scores.get("num_docs", 0))
    if len(set(sizes.values())) != 1 or (n and bm25_docs != n):
        raise IndexCorrupt(f"index parts disagree on the number of chunks ({sizes}, bm25 {bm25_docs}); {FIX}")
    # The same chunk ids everywhere: FAISS's id map, ids.npy (sorted) and the chunk table.
    faiss_ids = faiss.vector_to_array(faiss_index.id_map) if hasattr(faiss_index, "id_map") else ids
    if len(ids) and (
        (id_min, id_max, id_sum) != (int(ids[0]), int(ids[-1]), float(ids.sum()))
        or not np.array_equal(np.sort(faiss_ids), ids)
    ):
        raise IndexCorrupt(f"index parts disagree on the chunk ids; {FIX}")
    if n_docs != manifest.counts.documents:
        raise IndexCorrupt(f"index parts disagree on the number of documents; {FIX}")
    if manifest.counts.sentences not in (None, len(sentences.doc_ids) if sentences else 0):
        raise IndexCorrupt(f"index in {index_dir}/ is missing sentence vectors; {FIX}")
    return IndexSnapshot(
        root=root, manifest=manifest, ids=ids, vectors=vectors, faiss_index=faiss_index, bm25=bm25, sentences=sentences
    )


class CurrentReader:
    """The `StoreReader` methods of a store, answered by its current generation (`current`, read
    through `_read()`, which names the fix when there is none yet). FileStore and PostgresStore."""

    current: Any

    def _read(self) -> Any:
        raise NotImplementedError

    @property
    def manifest(self) -> Manifest | None:
        return self.current.manifest if self.current is not None else None

    @property
    def sentences(self) -> SentenceTable | None:
        return self.current.sentences if self.current is not None else None

    def __len__(self) -> int:
        return len(self.current) if self.current is not None else 0

    def search_dense(
        self, query_vector: np.ndarray, k: int, docs: Collection[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        return self._read().search_dense(query_vector, k, docs)

    def search_lexical(
        self, tokens: list[str], k: int, docs: Collection[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        return self._read().search_lexical(tokens, k, docs)

    def doc_freq(self, tokens: Iterable[str]) -> dict[str, int]:
        return self._read().doc_freq(tokens)

    def passages_with(self, token: str) -> frozenset[int]:
        return self._read().passages_with(token)

    def idf(self, tokens: Iterable[str]) -> dict[str, float]:
        return self._read().idf(tokens)

    def vectors_of(self, chunk_ids: Sequence[int]) -> np.ndarray:
        return self._read().vectors_of(chunk_ids)

    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, Chunk]:
        return self._read().chunks(chunk_ids)

    def doc_ids(self, chunk_ids: Iterable[int]) -> dict[int, str]:
        return self._read().doc_ids(chunk_ids)

    def document(self, doc_id: str) -> Document | None:
        return self._read().document(doc_id)

    def documents(self) -> list[Document]:
        return self._read().documents()


class FileStore(CurrentReader):
    """The FAISS + SQLite + bm25s files as a `Store`.

    Reads come from the loaded generation (`current`). `add` and `delete` are staged in memory;
    `save` writes what is kept of the current generation plus what was added as a new generation
    (atomically, see `write_generation`), which reads load on first use. Nothing is visible to
    readers before that.
    """

    def __init__(self, index_dir: Path, current: IndexSnapshot | None = None, hnsw_threshold: int = 200_000) -> None:
        self.index_dir = Path(index_dir)
        self._current = current
        self._saved = False  # a new generation was written and is not loaded yet
        self.hnsw_threshold = hnsw_threshold
        self._clear()

    @property
    def current(self) -> IndexSnapshot | None:
        """The generation reads come from (the one `save` wrote, loaded when first asked for:
        ingest writes and goes, and should not hold the archive's sentence vectors twice)."""
        if self._saved:
            self._current, self._saved = load_snapshot(self.index_dir), False
        return self._current

    @current.setter
    def current(self, snapshot: IndexSnapshot | None) -> None:
        self._current, self._saved = snapshot, False

    def _clear(self) -> None:
        self._docs: list[Collection[Document]] = []  # what each `add` was given, read at `save`
        self._chunks: list[Collection[Chunk]] = []
        self._vectors: list[np.ndarray] = []
        self._hashes: list[str] = []
        self._deleted: set[str] = set()

    @classmethod
    def load(cls, location: Path, expected: Manifest | None = None, hnsw_threshold: int = 200_000) -> FileStore:
        """The store in folder `location`; empty (nothing to read yet) when no index was written there."""
        current = load_snapshot(location, expected) if read_manifest(location) is not None else None
        return cls(location, current, hnsw_threshold)

    # ------------------------------------------------------------ writing

    def add(
        self, docs: Collection[Document], chunks: Collection[Chunk], vectors: np.ndarray, embed_hashes: Sequence[str]
    ) -> None:
        """Stage documents and chunks: kept as given (a lazy collection stays lazy) until `save`."""
        if not len(chunks) == len(vectors) == len(embed_hashes):
            raise ValueError(f"{len(chunks)} chunks, {len(vectors)} vectors, {len(embed_hashes)} hashes")
        self._docs.append(docs)
        self._chunks.append(chunks)
        if len(chunks):
            self._vectors.append(_float32(vectors))  # a mapped file stays mapped (see `save_npy`)
        self._hashes += embed_hashes

    def delete(self, doc_ids: Iterable[str]) -> None:
        self._deleted.update(doc_ids)

    def save(self, manifest: Manifest, sentences: SentenceTable | None = None) -> Path:
        """Write the new generation (`manifest`: what built it; `sentences`: every document's).

        What is kept of the current generation is streamed from its files into the new one: its
        texts row by row, its vectors block by block into a scratch `.npy` beside the generations
        (linked into the new one), so adding an article to a large archive does not load the
        archive.

        Returns:
            The new generation's folder.
        """
        from rag.index.staging import concat

        gone = self._deleted | {d.doc_id for part in self._docs for d in part}  # an added document replaces its old one
        docs: list[Collection[Document]] = list(self._docs)
        chunks: list[Collection[Chunk]] = list(self._chunks)
        hashes: list[str] = []
        kept_rows = np.zeros(0, np.int64)
        current = self.current
        if current is not None:
            kept = sorted(
                (k for doc, keys in current.chunk_keys().items() if doc not in gone for k in keys),
                key=lambda k: k.chunk_id,
            )  # then a new generation's chunks follow in id order
            docs.insert(0, current.kept_documents(gone))
            chunks.insert(0, current.kept_chunks(gone, len(kept)))
            hashes = [k.embed_hash for k in kept]
            kept_rows = current.rows_of([k.chunk_id for k in kept])
            del kept
        dim = manifest.embedder["dim"]
        self.index_dir.mkdir(parents=True, exist_ok=True)
        # The folder's name starts like an unfinished generation's: one left by a crash is removed
        # by the next write (`_remove_old_generations`), which may also remove it at the end of this one.
        with tempfile.TemporaryDirectory(
            prefix=".tmp-gen-vectors-", dir=self.index_dir, ignore_cleanup_errors=True
        ) as tmp:
            vectors = self._joined_vectors(kept_rows, Path(tmp) / "vectors.npy", dim)
            path = write_generation(
                self.index_dir, concat(docs), concat(chunks), vectors, hashes + self._hashes, manifest,
                self.hnsw_threshold, sentences,
            )  # fmt: skip
            del vectors
        self._current, self._saved = None, True
        self._clear()
        return path

    def _joined_vectors(self, kept_rows: np.ndarray, scratch: Path, dim: int) -> np.ndarray:
        """The current generation's vectors at `kept_rows`, then the added ones: as they are when
        only one part has rows, else written to `scratch` block by block and mapped."""
        parts = [v for v in self._vectors if len(v)]
        if not len(kept_rows) and len(parts) <= 1:
            return parts[0] if parts else np.zeros((0, dim), np.float32)
        writer = NpyWriter(scratch, len(kept_rows) + sum(len(v) for v in parts), dim)
        assert self.current is not None or not len(kept_rows)
        for s in range(0, len(kept_rows), VECTOR_BLOCK):
            writer.write(read_rows(self.current.vectors, kept_rows[s : s + VECTOR_BLOCK]))  # type: ignore[union-attr]
        for part in parts:
            for _, block in vector_blocks(part):
                writer.write(block)
        return writer.close()

    # ------------------------------------------------------------ reading (the current generation)

    def _read(self) -> IndexSnapshot:
        if self.current is None:
            raise IndexMissing(f"no index in {self.index_dir}/; run `rag ingest`")
        return self.current


def _float32(a: np.ndarray) -> np.ndarray:
    """`a` as float32: itself when it is (a memory-mapped file stays one), else a copy."""
    return a if isinstance(a, np.ndarray) and a.dtype == np.float32 else np.asarray(a, dtype=np.float32)


def save_npy(dest: Path, a: np.ndarray) -> None:
    """Save `a` as `.npy` at `dest`. An array that is a whole `.npy` file mapped in memory (what an
    ingest writes to its scratch folder) is hard-linked, or copied as a file: never read in."""
    if _whole_npy_file(a):
        try:
            os.link(a.filename, dest)  # type: ignore[attr-defined]
        except OSError:  # another file system, or no hard links there
            shutil.copyfile(a.filename, dest)  # type: ignore[attr-defined]
    else:
        np.save(dest, np.asarray(a, dtype=np.float32), allow_pickle=False)


def _whole_npy_file(a: np.ndarray) -> bool:
    """Whether `a` is a whole float32 `.npy` file, memory-mapped (mapping it again reads no data)."""
    if not (isinstance(a, np.memmap) and a.filename and a.flags.c_contiguous):
        return False
    try:
        whole = np.load(a.filename, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError):
        return False
    return (whole.offset, whole.shape, whole.dtype) == (a.offset, a.shape, np.float32)
