"""Texts on disk while an ingest runs: what parsing made waits in a scratch SQLite file, not in memory.

A cold ingest of 4,600 news articles (49 MB) parses 4,600 cleaned texts and 75k chunks. Held as
Python objects until the one write at the end they cost more than the text itself, and they grow
with the archive. Here each new article and its chunks go to `TextStage` as they are parsed; the
later stages (wire copies, the sentence table, the store's write) read them back one at a time.

`Rows` is what the stores are handed: a sized iterable that reads the rows again on every pass,
so a store's write streams them into its own files or tables.

SQLite is in the standard library and already holds the index's own tables; the scratch database
is written without a journal or syncing (a crash only loses scratch, which the next ingest removes).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Generic, TypeVar

from rag.records import Chunk, Document

T = TypeVar("T")
FLUSH_ROWS = 2048  # rows buffered before they are written
FETCH_ROWS = 512  # rows read at a time


class Rows(Generic[T]):
    """`n` rows that `read()` yields afresh on each iteration (a sized iterable, read lazily).

    >>> rows = Rows(3, lambda: iter("abc"))
    >>> len(rows), list(rows), list(rows)
    (3, ['a', 'b', 'c'], ['a', 'b', 'c'])
    """

    def __init__(self, n: int, read: Callable[[], Iterator[T]]) -> None:
        self._n, self._read = n, read

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[T]:
        return self._read()


def concat(parts: Sequence[Collection[T]]) -> Collection[T]:
    """The parts one after another, read lazily (a list is returned as it is when there is one).

    >>> c = concat([[1, 2], Rows(1, lambda: iter([3]))])
    >>> len(c), list(c)
    (3, [1, 2, 3])
    """
    if len(parts) == 1:
        return parts[0]
    return Rows(sum(len(p) for p in parts), lambda: (x for p in parts for x in p))


_SCHEMA = """
CREATE TABLE docs (
    ord INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE, path TEXT NOT NULL, title TEXT NOT NULL,
    text TEXT NOT NULL, sha256 TEXT NOT NULL, meta TEXT NOT NULL
);
CREATE TABLE chunks (
    ord INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, text TEXT NOT NULL, char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL, n_tokens INTEGER NOT NULL, title TEXT NOT NULL
);
"""


class TextStage:
    """New articles and their chunks, in the order added, in a scratch SQLite file in `folder`.

    Used from one thread. `close` removes the file.

    >>> stage = TextStage(None)
    >>> doc = Document("a.txt", "a.txt", "A", "One. Two.", "0", {"date": "2022-01-02"})
    >>> stage.add(doc, [Chunk(0, "a.txt", "One.", 0, 4, 2, "A"), Chunk(1, "a.txt", "Two.", 5, 9, 2, "A")])
    >>> stage.document("a.txt") == doc, stage.document("b.txt"), stage.tokens
    (True, None, 4)
    >>> [(c.chunk_id, c.text) for c in stage.chunks(first_id=100)], len(stage.documents())
    ([(100, 'One.'), (101, 'Two.')], 1)
    >>> stage.close()
    """

    def __init__(self, folder: Path | None) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="texts-", dir=folder))
        self._con = sqlite3.connect(self._dir / "texts.sqlite")
        self._con.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
        self._docs: list[tuple] = []
        self._chunks: list[tuple] = []
        self.n_docs = self.n_chunks = self.tokens = 0

    def add(self, doc: Document, chunks: Iterable[Chunk]) -> None:
        """Stage `doc` and its `chunks` (their ids are given again by `chunks(first_id)`)."""
        self._docs.append(
            (
                self.n_docs,
                doc.doc_id,
                doc.path,
                doc.title,
                doc.text,
                doc.sha256,
                json.dumps(doc.meta, ensure_ascii=False),
            )
        )
        self.n_docs += 1
        for c in chunks:
            self._chunks.append((self.n_chunks, c.doc_id, c.text, c.char_start, c.char_end, c.n_tokens, c.title))
            self.n_chunks += 1
            self.tokens += c.n_tokens
        if len(self._docs) + len(self._chunks) >= FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._docs:
            self._con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)", self._docs)
        if self._chunks:
            self._con.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?)", self._chunks)
        self._con.commit()
        self._docs, self._chunks = [], []

    def document(self, doc_id: str) -> Document | None:
        self._flush()
        row = self._con.execute("SELECT * FROM docs WHERE doc_id = ?", (doc_id,)).fetchone()
        return _document(row) if row else None

    def documents(self) -> Rows[Document]:
        """Every staged article, in the order added."""
        self._flush()
        return Rows(self.n_docs, lambda: map(_document, self._rows("SELECT * FROM docs ORDER BY ord")))

    def chunks(self, first_id: int) -> Rows[Chunk]:
        """Every staged chunk in the order added, numbered from `first_id`."""
        self._flush()

        def read() -> Iterator[Chunk]:
            for o, doc_id, text, start, end, n_tokens, title in self._rows("SELECT * FROM chunks ORDER BY ord"):
                yield Chunk(first_id + o, doc_id, text, start, end, n_tokens, title)

        return Rows(self.n_chunks, read)

    def _rows(self, sql: str) -> Iterator[tuple]:
        cur = self._con.execute(sql)
        try:
            while rows := cur.fetchmany(FETCH_ROWS):
                yield from rows
        finally:
            cur.close()

    def close(self) -> None:
        self._docs, self._chunks = [], []
        self._con.close()
        shutil.rmtree(self._dir, ignore_errors=True)


def _document(row: tuple) -> Document:
    _, doc_id, path, title, text, sha256, meta = row
    return Document(doc_id, path, title, text, sha256, json.loads(meta))
