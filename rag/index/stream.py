"""Embedding beside parsing: chunks go to the model in a background thread while ingest reads on.

Parsing, cleaning and chunking are Python (one core, the GIL); the model runs in ONNX Runtime,
which releases the GIL, one session per core. Before, ingest parsed the whole corpus and only
then embedded it, so for the parsing time one core idled. Here the parse loop hands each
article's new chunks to `EmbedStream.submit`, which queues them in batches; a worker thread
embeds batch after batch. The queue is bounded, so a fast parser waits rather than piling up
texts (memory stays bounded by a few batches, not the archive).

With pooled sentence vectors, each chunk's pass also yields the vectors of the sentences it is
the best place to read (`sentence_spans_in`), so sentences need no pass of their own.

The vectors go to scratch files as they are made (`rag.index.vecfile.VectorSpill`), not into
memory: what the stream holds grows with the keys, not with 1.5 KiB a vector.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Container, Sequence
from pathlib import Path

import numpy as np

from rag.index.chunk import sentence_spans
from rag.index.embed import Embedder
from rag.index.vecfile import VectorSpill
from rag.records import Chunk, Document, sha256_text

Spans = list[tuple[int, int]]
_END = None  # the last item on the queue


class EmbedStream:
    """Embeds what is submitted, in order, in one background thread; `finish` returns the vectors.

    Args:
        pooled: also pool the vectors of each chunk's sentences from its pass.
        skip_chunks: embed-text hashes whose vectors exist already (the previous index's).
        skip_sentences: sentence hashes whose vectors exist already.
        progress: told (chunks done, chunks submitted so far).
        batch: chunks per batch; `depth` batches may wait in the queue.
        scratch: the folder for the vector files (None: the system's temporary folder).

    `chunk_vectors` (by embed-text hash) and `sentence_vectors` (by sentence text hash) hold the
    vectors made; `release` removes their files.
    """

    def __init__(
        self,
        embedder: Embedder,
        pooled: bool,
        skip_chunks: Container[str] = (),
        skip_sentences: Container[str] = (),
        progress: Callable[[int, int], None] | None = None,
        batch: int = 64,
        depth: int = 4,
        scratch: Path | None = None,
    ):
        self.embedder, self.pooled, self.batch = embedder, pooled, batch
        self.skip_chunks, self.skip_sentences, self.progress = skip_chunks, skip_sentences, progress
        self.chunk_vectors = VectorSpill(scratch, embedder.dim)
        self.sentence_vectors = VectorSpill(scratch, embedder.dim)
        self.submitted = self.done = 0
        self.busy_seconds = 0.0  # time the worker spent embedding
        self._seen: set[str] = set()
        self._pending: list[tuple[str, str, Spans, list[str]]] = []  # (hash, text, spans, sentence hashes)
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._worker = threading.Thread(target=self._run, name="rag-embed", daemon=True)
        self._worker.start()

    def submit(self, doc: Document, chunks: Sequence[Chunk]) -> None:
        """Queue the chunks of `doc` whose text has no vector yet (blocks while the queue is full)."""
        self._raise_if_failed()
        todo = []
        for c in chunks:
            h = sha256_text(c.embed_text)
            if h not in self.skip_chunks and h not in self._seen:
                self._seen.add(h)
                todo.append((c, h))
        if not todo:
            return
        spans = sentence_spans_in(doc, [c for c, _ in todo], self.skip_sentences) if self.pooled else None
        for k, (c, h) in enumerate(todo):
            self._pending.append((h, c.embed_text, *(spans[k] if spans else ([], []))))
        self.submitted += len(todo)
        if len(self._pending) >= self.batch:
            self._flush()

    def finish(self) -> None:
        """Wait until everything submitted is embedded; re-raises the worker's error."""
        self._flush()
        self._put(_END)
        self._worker.join()
        self._raise_if_failed()

    def close(self) -> None:
        """Stop the worker without waiting for the queue (after an error in the caller)."""
        self._stop.set()
        while self._worker.is_alive():
            with contextlib.suppress(queue.Empty):
                self._queue.get_nowait()  # make room for the end marker, which wakes a waiting worker
            with contextlib.suppress(queue.Full):
                self._queue.put_nowait(_END)
            self._worker.join(timeout=0.05)

    def release(self) -> None:
        """Remove the vector files (after `close`, once their vectors have been read)."""
        self.chunk_vectors.close()
        self.sentence_vectors.close()

    def _flush(self) -> None:
        if self._pending:
            batch, self._pending = self._pending, []
            self._put(batch)

    def _put(self, item) -> None:
        while not self._stop.is_set():
            self._raise_if_failed()
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while not self._stop.is_set():
            item = self._queue.get()
            if item is _END:
                return
            t = time.perf_counter()
            try:
                self._embed(item)
            except BaseException as exc:  # handed to the caller's thread by _raise_if_failed
                self._error = exc
                return
            finally:
                self.busy_seconds += time.perf_counter() - t

    def _embed(self, batch: list[tuple[str, str, Spans, list[str]]]) -> None:
        texts = [text for _, text, _, _ in batch]

        def tick(n: int) -> None:
            self.done += n
            if self.progress:
                self.progress(self.done, self.submitted)

        if self.pooled:
            vectors, by_chunk = self.embedder.embed_passages(texts, [s for _, _, s, _ in batch], tick)
            hashes = [h for _, _, _, chunk_hashes in batch for h in chunk_hashes]
            if hashes:
                self.sentence_vectors.add(hashes, np.concatenate(by_chunk))
        else:
            vectors = self.embedder.embed_documents(texts, progress=tick)
        self.chunk_vectors.add([h for h, _, _, _ in batch], vectors)


def release_freed_memory() -> None:
    """Hand memory that was freed back to the operating system (glibc only; elsewhere nothing).

    Parsing leaves many small objects; freed, glibc keeps their pages for reuse, so the process's
    footprint would stay at its highest. `malloc_trim` returns them.
    """
    global _TRIM
    if _TRIM is None:
        import ctypes
        import ctypes.util

        try:
            _TRIM = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _TRIM = False
    if _TRIM:
        _TRIM(0)


_TRIM = None


def sentence_spans_in(
    doc: Document, chunks: Sequence[Chunk], skip: Container[str] = ()
) -> list[tuple[Spans, list[str]]]:
    """For each of `doc`'s `chunks`: the spans in its embed text, and the text hashes, of the
    sentences it is the best place to read, i.e. where the sentence sits most centrally among
    `chunks`. A sentence cut across chunks belongs to none (it is embedded alone later), and so
    does one whose hash is in `skip`.

    >>> from rag.records import Chunk, Document
    >>> doc = Document("d", "d", "T", "One two. Three four. Five six.", "0")
    >>> a, b = Chunk(0, "d", doc.text[:20], 0, 20, 5, "T"), Chunk(1, "d", doc.text[9:], 9, 30, 5, "T")
    >>> [[a.embed_text[s:e] for s, e in spans] for (spans, _), a in zip(sentence_spans_in(doc, [a, b]), [a, b])]
    [['One two.', 'Three four.'], ['Five six.']]
    """
    out: list[tuple[Spans, list[str]]] = [([], []) for _ in chunks]
    for start, end in sentence_spans(doc.text):
        inside = [k for k, c in enumerate(chunks) if c.char_start <= start and end <= c.char_end]
        if not inside:
            continue
        h = sha256_text(doc.text[start:end])
        if h in skip:
            continue
        best = max(inside, key=lambda k: min(start - chunks[k].char_start, chunks[k].char_end - end))
        c = chunks[best]
        shift = len(c.embed_text) - len(c.text) - c.char_start  # the title header, then the passage
        out[best][0].append((start + shift, end + shift))
        out[best][1].append(h)
    return out
