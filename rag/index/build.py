"""Incremental ingest: corpus folder -> documents -> chunks -> vectors -> a new index generation.

A new file adds its chunks, a changed one replaces them, a deleted one removes them. A chunk
whose embedded text was seen before reuses its vector (cache by text hash), so an unchanged
corpus embeds nothing and writes nothing.

Memory stays bounded as the archive grows: the scan keeps hashes, not bytes; parsed articles and
chunks wait in a scratch SQLite file (`rag.index.staging`) and vectors in scratch vector files
(`rag.index.vecfile`), all in `index/.tmp-ingest-*/`, until the store's write reads them back.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rag.config import Settings
from rag.corpus.load import CLEANER_VERSION, SUPPORTED_SUFFIXES, load_document
from rag.errors import BadDocument, IndexCorrupt, IndexMismatch, RagError
from rag.index import stores, wire
from rag.index.chunk import chunk_document, sentence_spans
from rag.index.embed import Embedder
from rag.index.manifest import Manifest
from rag.index.staging import TextStage
from rag.index.store import (
    SENTENCE_VECTORS,
    ChunkKey,
    IndexSnapshot,
    SentenceTable,
    load_snapshot,
    read_manifest,
    read_rows,
)
from rag.index.stream import EmbedStream, release_freed_memory
from rag.index.vecfile import NpyWriter, RowReader, VectorSpill
from rag.records import Chunk, Document, sha256_text

Progress = Callable[[str, int, int], None]  # (stage, done, total)
SENTENCE_BLOCK = 8192  # sentences embedded at a time (12 MiB of vectors)
READ_BLOCK = 32768  # vectors read back from the scratch files at a time (48 MiB)
SCRATCH_PREFIX = ".tmp-ingest-"  # the scratch folder in the index folder while an ingest runs
CHUNK_VECTORS = "vectors.npy"  # the chunks' vectors in the scratch folder (the generation's file of that name)


def expected_manifest(settings: Settings, embedder: Embedder) -> Manifest:
    """The manifest sections that must match for an index to be usable with these settings."""
    return Manifest(
        embedder={
            "name": embedder.name,
            "dim": embedder.dim,
            "max_tokens": embedder.max_tokens,
            "sentence_vectors": settings.sentence_vectors,
        },
        chunking={
            "target_tokens": settings.chunk_tokens,
            "overlap": settings.chunk_overlap,
            "tokenizer": settings.tokenizer,
        },
    )


@dataclass(frozen=True)
class CorpusFile:
    doc_id: str
    path: Path
    sha256: str  # of the file's bytes; a stand-in for a file not read ("unreadable", "special", "size:N")
    error: str | None = None
    size: int = 0  # the file's size in bytes when scanned


def scan_corpus(corpus_dir: Path, max_file_mb: float = 20.0, index_dir: Path | None = None) -> list[CorpusFile]:
    """Every non-hidden file under the corpus folder, hashed, sorted by id; not those of the index
    (`index_dir`), when it lies inside the corpus folder (its files were taken for articles that
    changed with every ingest, so the index was never up to date).

    The bytes are not kept: an archive's files would all be in memory through the ingest. Parsing
    reads a new or changed file again, and its document records the hash of what it read.

    What cannot be an article is listed too, with the reason as `error`: an unreadable file or
    folder, a broken link, a FIFO or device (never opened: reading a FIFO would block), a file
    over the size limit.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise RagError(f"corpus folder {corpus_dir}/ does not exist; create it and put articles in it")
    files = []
    for path, problem in _corpus_entries(corpus_dir, index_dir):
        doc_id = path.relative_to(corpus_dir).as_posix()
        if not _valid_utf8(doc_id):  # ids go into JSON and SQLite, which take only valid UTF-8
            shown = doc_id.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            files.append(CorpusFile(shown, path, "unreadable", "the file name is not valid UTF-8; rename the file"))
            continue
        if problem:
            doc_id += "/" if path.is_dir() else ""
            files.append(CorpusFile(doc_id, path, "unreadable", problem))
            continue
        try:
            st = path.stat()
            if not stat.S_ISREG(st.st_mode):
                kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket or device"
                files.append(CorpusFile(doc_id, path, "special", f"not a regular file ({kind})"))
                continue
            if st.st_size > max_file_mb * 1024 * 1024:
                files.append(
                    CorpusFile(
                        doc_id,
                        path,
                        f"size:{st.st_size}",
                        f"larger than the {max_file_mb:g} MB limit (RAG_MAX_FILE_MB)",
                    )
                )
                continue
            with open(path, "rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
        except OSError as exc:
            why = "broken link" if path.is_symlink() else "cannot read file"
            files.append(CorpusFile(doc_id, path, "unreadable", f"{why} ({exc.strerror or exc})"))
            continue
        files.append(CorpusFile(doc_id, path, digest, size=st.st_size))
    return sorted(files, key=lambda f: f.path)


def _valid_utf8(name: str) -> bool:
    """Whether a file name read from the disk is valid UTF-8 (Python keeps invalid bytes as
    surrogates, which cannot be written out again as text)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _corpus_entries(corpus_dir: Path, index_dir: Path | None = None) -> list[tuple[Path, str | None]]:
    """(path, None) for every non-hidden file outside `index_dir`; (path, reason) for a folder that
    cannot be listed."""
    out: list[tuple[Path, str | None]] = []
    index = os.path.realpath(index_dir) if index_dir is not None else None
    index_name = os.path.basename(index) if index else None

    def is_index(folder: Path) -> bool:  # the name first: a path resolved only for a folder so named
        return folder.name == index_name and os.path.realpath(folder) == index

    def unreadable(exc: OSError) -> None:
        if Path(exc.filename) == corpus_dir:
            raise RagError(f"cannot read the corpus folder {corpus_dir}/ ({exc.strerror or exc})")
        out.append((Path(exc.filename), f"cannot read folder ({exc.strerror or exc})"))

    for root, dirs, names in os.walk(corpus_dir, onerror=unreadable):
        hidden = [d for d in dirs if d.startswith((".", "~")) or is_index(Path(root) / d)]
        for d in sorted(set(dirs) - set(hidden)):
            if (Path(root) / d).is_symlink():  # os.walk does not follow it; say so rather than drop it
                out.append((Path(root) / d, "a link to a folder (not followed)"))
        dirs[:] = sorted(d for d in dirs if d not in hidden)
        out += [(Path(root) / n, None) for n in sorted(names) if not n.startswith((".", "~"))]
    return out


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # doc_id -> reason
    duplicates: dict[str, str] = field(default_factory=dict)  # doc_id -> doc_id it repeats
    wire_groups: dict[str, list[str]] = field(default_factory=dict)  # group id -> its articles (wire copies)
    signatures_computed: int = 0  # MinHash signatures computed (the rest came from the cache)
    chunks_embedded: int = 0
    sentences_embedded: int = 0  # new sentence vectors: pooled from a chunk's pass, or embedded alone
    sentences_pooled: int = 0
    chunks_reused: int = 0
    documents: int = 0
    chunks: int = 0
    tokens: int = 0
    seconds: float = 0.0
    wrote: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # wall-clock seconds per stage, in order
    embed_busy: float = 0.0  # seconds the model spent on chunks (alongside parsing, mostly)

    def summary(self) -> str:
        lines = [
            f"{self.documents} articles, {self.chunks} chunks indexed in {self.seconds:.2f}s: "
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged; {self.chunks_embedded} chunks embedded, {self.chunks_reused} reused"
            + ("" if self.wrote else " (index already up to date)")
        ]
        lines += [f"  duplicate: {d} repeats {orig} (indexed once)" for d, orig in sorted(self.duplicates.items())]
        touched = set(self.added) | set(self.changed)
        lines += [
            f"  wire copies: {', '.join(docs)} (one story in {len(docs)} articles, shown once in search)"
            for docs in self.wire_groups.values()
            if touched & set(docs)
        ]
        lines += [f"  skipped: {d}: {why}" for d, why in sorted(self.skipped.items())]
        return "\n".join(lines)


def ingest(
    settings: Settings,
    *,
    embedder: Embedder,
    rebuild: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Bring the index in `settings.index_dir` up to date with `settings.corpus_dir`.

    `Engine.ingest` is the front door; it passes the engine's embedder.

    Raises:
        IngestLocked: another ingest is running on this index.
        IndexMismatch: the index was built with other settings (pass rebuild=True).
    """
    with stores.ingest_lock(settings):
        return _ingest_locked(settings, embedder, rebuild, progress)


def _previous(settings: Settings, expected: Manifest, rebuild: bool) -> IndexSnapshot | None:
    if settings.store == "postgres":
        return stores.previous_postgres(settings, expected, rebuild)  # type: ignore[return-value]
    try:
        manifest = read_manifest(settings.index_dir)
    except IndexCorrupt:
        if rebuild:  # the advice in the error is `rag ingest --rebuild`: it must work
            return None
        raise
    if manifest is None:
        return None
    try:
        manifest.check_compatible(expected)
    except IndexMismatch:
        if rebuild:
            return None
        raise
    try:
        snap = load_snapshot(settings.index_dir, expected)  # checked whole: a damaged index is refused
    except IndexCorrupt:
        if rebuild:
            return None
        raise
    # Ingest searches nothing in the previous generation: its FAISS and BM25 indexes go now, not
    # after the write has built the new ones beside them.
    snap.faiss_index = snap.bm25 = None
    return snap


def _ingest_locked(settings: Settings, embedder: Embedder, rebuild: bool, progress: Progress | None) -> IngestReport:
    with _scratch_folder(settings) as scratch, contextlib.closing(TextStage(scratch)) as stage:
        return _ingest_with(settings, embedder, rebuild, progress, scratch, stage)


@contextlib.contextmanager
def _scratch_folder(settings: Settings) -> Iterator[Path]:
    """A folder for the vectors an ingest makes (`rag.index.vecfile`), removed after.

    For the files store it is inside the index folder (the same disk as the index, so the sentence
    vectors move into the new generation without a copy); what a killed ingest left there is
    removed first (the caller holds the ingest lock: no other ingest is using it). For PostgreSQL
    it is in the system's temporary folder.
    """
    if settings.store == "postgres":
        with tempfile.TemporaryDirectory(prefix="rag-ingest-") as folder:
            yield Path(folder)
        return
    index_dir = Path(settings.index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    for stale in index_dir.glob(f"{SCRATCH_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX, dir=index_dir) as folder:
        yield Path(folder)


def _ingest_with(
    settings: Settings, embedder: Embedder, rebuild: bool, progress: Progress | None, scratch: Path,
    stage: TextStage,
) -> IngestReport:  # fmt: skip
    t0 = time.perf_counter()
    report = IngestReport()
    expected = expected_manifest(settings, embedder)
    prev = _previous(settings, expected, rebuild)
    prev_manifest = prev.manifest if prev else expected
    prev_chunks = prev.chunk_keys() if prev else {}
    previous_rows = _previous_rows(prev, prev_chunks)

    files = scan_corpus(settings.corpus_dir, settings.max_file_mb, settings.index_dir)
    report.timings["scan"] = time.perf_counter() - t0
    known = _KnownSentences.of(prev)
    parsed, stream = _parse_and_embed(files, prev, prev_chunks, previous_rows, known.rows, settings, embedder,
                                      rebuild, report, progress, scratch, stage)  # fmt: skip
    report.removed = sorted(
        set(prev_manifest.documents) - set(parsed.doc_meta) - set(report.duplicates) - set(report.skipped)
    )

    wire_section, signatures = _group_wire_copies(settings, parsed, prev_manifest, report)
    changed = bool(report.added or report.changed or report.removed or rebuild or prev is None)
    changed |= prev_manifest.skipped != parsed.skipped
    changed |= prev_manifest.duplicates != parsed.duplicates
    changed |= prev_manifest.wire != wire_section  # e.g. an index built before wire copies were grouped
    report.documents = len(parsed.doc_ids)
    if not changed:
        report.chunks = len(prev) if prev else 0
        report.tokens = prev_manifest.counts.tokens
        report.seconds = time.perf_counter() - t0
        return report

    # The kept chunks first, then the new ones (in the stage's order) under ids never used before.
    first_new_id = prev_manifest.next_chunk_id
    next_id = first_new_id + stage.n_chunks
    hashes = [k.embed_hash for k in parsed.kept] + parsed.new_hashes
    vectors = _chunk_vectors(hashes, stream.chunk_vectors, previous_rows, prev, embedder.dim, scratch)
    report.chunks_embedded = len(stream.chunk_vectors)
    report.chunks_reused = len(hashes) - report.chunks_embedded
    sentences = _sentence_table(parsed, known, stream.sentence_vectors, embedder, settings, report, progress, scratch)
    stream.release()
    known.close()
    t_write = time.perf_counter()
    manifest = expected.replace(
        documents=parsed.doc_meta,
        skipped=parsed.skipped,
        duplicates=parsed.duplicates,
        wire=wire_section,
        next_chunk_id=next_id,
        previous_generation=prev.generation if prev else None,
    )
    release_freed_memory()  # what parsing and embedding freed, before the write's own peak
    _write(settings, prev, prev_chunks, parsed, first_new_id, vectors, hashes, manifest, sentences, report)
    if signatures is not None:
        stores.keep_wire_signatures(settings, signatures.entries(e["text_sha256"] for e in parsed.doc_meta.values()))
    report.timings["write"] = time.perf_counter() - t_write
    report.wrote = True
    report.chunks = len(hashes)
    report.tokens = int(sum(k.n_tokens for k in parsed.kept)) + stage.tokens
    report.seconds = time.perf_counter() - t0
    return report


def _parse_and_embed(
    files: list[CorpusFile], prev: IndexSnapshot | None, prev_chunks: dict[str, list[ChunkKey]],
    previous_rows: dict[str, int], known: dict[str, int], settings: Settings, embedder: Embedder,
    rebuild: bool, report: IngestReport, progress: Progress | None, scratch: Path, stage: TextStage,
) -> tuple[_Parsed, EmbedStream]:  # fmt: skip
    """Parse and chunk the files while a background thread embeds the new chunks (`EmbedStream`)."""
    t0 = time.perf_counter()
    stream = EmbedStream(
        embedder, settings.sentence_vectors == "pooled", previous_rows, known,
        (lambda done, total: progress("embed", done, total)) if progress else None, scratch=scratch,
    )  # fmt: skip
    try:
        parsed = _parse_and_chunk(
            files, prev, prev_chunks, settings, embedder, rebuild, report, progress, stream.submit, stage
        )
        t_parsed = time.perf_counter()
        stream.finish()
    except BaseException:
        stream.close()
        stream.release()
        raise
    stream.close()
    # Wall-clock stages add up to the whole; the chunks' embedding ran alongside parse_chunk, and
    # "embed" is only what was left of it when parsing ended. The model's own time is embed_busy.
    report.timings["parse_chunk"] = t_parsed - t0
    report.timings["embed"] = time.perf_counter() - t_parsed
    report.embed_busy = stream.busy_seconds
    return parsed, stream


@dataclass
class _Parsed:
    """What one pass over the corpus files found; filled in by `_parse_and_chunk`.

    The new articles' texts and chunks are in `stage` (on disk), not here; `document` reads an
    article back, from the stage or, unchanged, from the previous index.
    """

    stage: TextStage
    prev: IndexSnapshot | None
    doc_ids: list[str] = field(default_factory=list)  # every indexed article, in corpus order
    doc_meta: dict[str, dict] = field(default_factory=dict)  # the manifest's "documents"
    skipped: dict[str, dict] = field(default_factory=dict)  # the manifest's "skipped"
    duplicates: dict[str, dict] = field(default_factory=dict)  # the manifest's "duplicates"
    new_hashes: list[str] = field(default_factory=list)  # embed-text hash of each staged chunk, in order
    kept: list[ChunkKey] = field(default_factory=list)  # unchanged articles' chunks (no text)

    def document(self, doc_id: str) -> Document:
        doc = self.stage.document(doc_id)
        if doc is None and self.prev is not None:
            doc = self.prev.document(doc_id)
        if doc is None:
            raise IndexCorrupt(f"article {doc_id} is neither new nor in the previous index; run `rag ingest --rebuild`")
        return doc


def _parse_and_chunk(
    files: list[CorpusFile],
    prev: IndexSnapshot | None,
    prev_chunks: dict[str, list[ChunkKey]],
    settings: Settings,
    embedder: Embedder,
    rebuild: bool,
    report: IngestReport,
    progress: Progress | None,
    on_chunks: Callable[[Document, list[Chunk]], None],
    stage: TextStage,
) -> _Parsed:
    """Parse each file (an unchanged one is taken from `prev`), drop duplicates, chunk what is new,
    hand it to `on_chunks` (which embeds it while parsing goes on) and put it in `stage`."""
    prev_docs = prev.manifest.documents if prev else {}
    out = _Parsed(stage, prev)
    # Text hash -> the article indexed under it. An unchanged article keeps its name when a copy
    # arrives under a name that sorts first (citations would move to the copy).
    same = {f.doc_id for f in files if not f.error and prev_docs.get(f.doc_id, {}).get("sha256") == f.sha256}
    by_text: dict[str, str] = (
        {} if rebuild else {e["text_sha256"]: d for d, e in prev_docs.items() if d in same and e.get("text_sha256")}
    )
    for i, f in enumerate(files):
        if progress:
            progress("parse", i + 1, len(files))
        if f.error:
            report.skipped[f.doc_id] = f.error
            out.skipped[f.doc_id] = {"sha256": f.sha256, "reason": f.error}
            continue
        old = prev_docs.get(f.doc_id)
        # An article cleaned by an older cleaner is read again: its text may read otherwise now.
        unchanged = bool(
            old
            and old["sha256"] == f.sha256
            and old.get("cleaner") == CLEANER_VERSION
            and f.doc_id in prev_chunks
            and not rebuild
        )
        if unchanged:
            doc = prev.document(f.doc_id)
        else:
            try:
                doc = load_document(f.path, f.doc_id)
            except BadDocument as exc:
                report.skipped[f.doc_id] = str(exc)
                out.skipped[f.doc_id] = {"sha256": f.sha256, "reason": str(exc)}
                continue
        text_hash = sha256_text(doc.text)
        if by_text.get(text_hash, f.doc_id) != f.doc_id:
            report.duplicates[f.doc_id] = by_text[text_hash]
            out.duplicates[f.doc_id] = {
                "sha256": f.sha256,
                "duplicate_of": by_text[text_hash],
                # what search's "also in" shows of it: the same text run by another outlet, maybe
                **{k: v for k, v in _doc_entry(doc, text_hash, 0).items() if k in ("title", "path", "source", "date")},
            }
            continue
        by_text[text_hash] = f.doc_id
        out.doc_ids.append(doc.doc_id)
        if unchanged:
            report.unchanged.append(f.doc_id)
            out.kept.extend(prev_chunks[f.doc_id])
            n = len(prev_chunks[f.doc_id])
        else:
            (report.changed if old else report.added).append(f.doc_id)
            chunks = chunk_document(
                doc,
                target_tokens=settings.chunk_tokens,
                overlap=settings.chunk_overlap,
                encoding=settings.tokenizer,
                fits=embedder.fits,
            )
            out.new_hashes.extend(sha256_text(c.embed_text) for c in chunks)
            on_chunks(doc, chunks)
            stage.add(doc, chunks)
            n = len(chunks)
        out.doc_meta[doc.doc_id] = _doc_entry(doc, text_hash, n)
    return out


def _group_wire_copies(
    settings: Settings, parsed: _Parsed, prev: Manifest, report: IngestReport
) -> tuple[dict[str, Any], wire.SignatureCache | None]:
    """Group the indexed articles that are wire copies of one story (`rag.index.wire`) and mark
    each grouped article's entry with its group.

    The same indexed texts as before keep the groups they had, with no signature read. Otherwise
    the signatures the index kept are read, only new texts are MinHashed, and only the pairs a
    new text can make are looked for (`wire.group_copies` with the previous groups).

    Returns:
        The manifest's "wire" section, and the signatures to keep once the index is written (None
        when they were not read).
    """
    t = time.perf_counter()
    texts = {d: entry["text_sha256"] for d, entry in parsed.doc_meta.items()}
    before = {d: e.get("text_sha256") for d, e in prev.documents.items()}
    known = prev.wire.get("params") == wire.params()  # else (an older index): group from scratch
    previous = {d: str(e["wire_group"]) for d, e in prev.documents.items() if e.get("wire_group")}
    cache = None
    if known and texts == before:
        groups = previous
    else:
        cache = wire.SignatureCache(stores.wire_signatures(settings))
        signatures = {d: cache.get(texts[d], lambda d=d: parsed.document(d).text) for d in parsed.doc_ids}
        fresh = {d for d in texts if before.get(d) != texts[d]}
        groups = wire.group_copies(signatures, previous if known else None, fresh)
        report.signatures_computed = cache.computed
    for d, g in groups.items():
        parsed.doc_meta[d]["wire_group"] = g
    report.wire_groups = wire.members(groups)
    report.timings["wire"] = time.perf_counter() - t
    return {"params": wire.params(), "groups": report.wire_groups}, cache


def _doc_entry(doc: Document, text_hash: str, n_chunks: int) -> dict[str, Any]:
    """The manifest's record of one indexed article."""
    return {
        "path": doc.path,
        "sha256": doc.sha256,
        "text_sha256": text_hash,
        "title": doc.title,
        "chunks": n_chunks,
        "cleaner": CLEANER_VERSION,
        **doc.meta,
    }


def _previous_rows(prev: IndexSnapshot | None, prev_chunks: dict[str, list[ChunkKey]]) -> dict[str, int]:
    """Embed hash -> its row in `prev.vectors`, so unchanged passages are not embedded again."""
    rows: dict[str, int] = {}
    if prev:
        keys = [k for chunks in prev_chunks.values() for k in chunks]
        for k, row in zip(keys, prev.rows_of([k.chunk_id for k in keys]).tolist()):
            rows.setdefault(k.embed_hash, row)
    return rows


def _write(
    settings: Settings,
    prev: IndexSnapshot | None,
    prev_chunks: dict[str, list[ChunkKey]],
    parsed: _Parsed,
    first_new_id: int,
    vectors: np.ndarray,
    hashes: list[str],
    manifest: Manifest,
    sentences: SentenceTable,
    report: IngestReport,
) -> None:
    """Save the new generation through the store's delete/add/save.

    What the previous generation holds of unchanged articles is kept as it is; everything else
    of it goes, and the new articles and chunks come in, read from the stage as the store writes.
    """
    prev_docs = prev.manifest.documents if prev else {}
    store = stores.writer(settings, prev)
    store.delete((set(prev_docs) | set(prev_chunks)) - set(report.unchanged))
    n_kept = len(parsed.kept)
    store.add(parsed.stage.documents(), parsed.stage.chunks(first_new_id), vectors[n_kept:], hashes[n_kept:])
    store.save(manifest, sentences)


def _ticker(stage: str, total: int, progress: Progress | None) -> Callable[[int], None]:
    """A progress callback counting items done out of `total` for `stage`."""
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        if progress:
            progress(stage, done[0], total)

    return tick


def _chunk_vectors(
    hashes: list[str], fresh: VectorSpill, prev_rows: dict[str, int], prev: IndexSnapshot | None, dim: int,
    scratch: Path,
) -> np.ndarray:  # fmt: skip
    """Each chunk's vector (by its embed hash): embedded in this ingest (`fresh`) or its row in
    the previous index.

    Written block by block, in row order, to a `.npy` file in `scratch` and returned memory-mapped:
    the files store links that file into the new generation and builds FAISS from it in blocks,
    so the archive's chunk vectors are never all in the process's memory.
    """
    writer = NpyWriter(scratch / CHUNK_VECTORS, len(hashes), dim)
    for s in range(0, len(hashes), READ_BLOCK):
        block = np.empty((len(hashes[s : s + READ_BLOCK]), dim), dtype=np.float32)
        fresh_at, fresh_rows, old_at, old_rows = [], [], [], []
        for i, h in enumerate(hashes[s : s + READ_BLOCK]):
            if (row := fresh.row(h)) is not None:
                fresh_at.append(i)
                fresh_rows.append(row)
            else:
                old_at.append(i)
                old_rows.append(prev_rows[h])
        if fresh_at:
            block[fresh_at] = fresh.read(fresh_rows)
        if old_at:  # read, not paged in through the map (`read_rows`)
            block[old_at] = read_rows(prev.vectors, np.asarray(old_rows, dtype=np.int64))
        writer.write(block)
    return writer.close()


class _KnownSentences:
    """The previous index's sentence vectors by text hash: reused, never embedded again.

    The files store memory-maps them; they are read here with `pread` (a mapped page read would
    stay in the process's resident memory for as long as the map).
    """

    def __init__(self, rows: dict[str, int], vectors: np.ndarray | None) -> None:
        self.rows, self._vectors, self._file = rows, vectors, None

    @classmethod
    def of(cls, prev: IndexSnapshot | None) -> _KnownSentences:
        if prev is None or prev.sentences is None:
            return cls({}, None)
        rows: dict[str, int] = {}
        for i, h in enumerate(prev.sentences.hashes.tolist()):
            rows.setdefault(h, i)
        return cls(rows, prev.sentences.vectors)

    def read(self, rows: np.ndarray) -> np.ndarray:
        v = self._vectors
        if not (isinstance(v, np.memmap) and v.filename):
            return np.asarray(v[rows], dtype=np.float32)
        if self._file is None:
            self._file = open(v.filename, "rb")  # noqa: SIM115 - closed by close()
        return RowReader(self._file.fileno(), v.offset, v.shape[1]).read(rows)

    def close(self) -> None:
        self.rows = {}
        if self._file is not None:
            self._file.close()
            self._file = None


_KNOWN, _POOLED, _EMBEDDED = 0, 1, 2  # where a sentence's vector comes from


def _sentence_table(
    parsed: _Parsed,
    known: _KnownSentences,
    pooled: VectorSpill,
    embedder: Embedder,
    settings: Settings,
    report: IngestReport,
    progress: Progress | None,
    scratch: Path,
) -> SentenceTable:
    """Vectors for every sentence (the extractive answerer scores sentences without embedding
    them at question time): the previous index's (`known`), those pooled during the chunks'
    pass, or else embedded on their own, each text once.

    The articles are read one at a time (`parsed.document`), twice: for their sentences' spans,
    then for the texts to embed. The table's vectors are written to a `.npy` file in `scratch`
    block by block, in row order, and come back memory-mapped: neither the archive's texts nor
    its sentence vectors are ever all in memory.
    """
    rows: list[tuple[str, int, int, str]] = []
    bounds: list[tuple[str, int]] = []  # each article and the end of its rows
    for doc_id in sorted(parsed.doc_ids):
        text = parsed.document(doc_id).text
        rows += [(doc_id, s, e, sha256_text(text[s:e])) for s, e in sentence_spans(text)]
        bounds.append((doc_id, len(rows)))
    t = time.perf_counter()
    source = np.empty(len(rows), dtype=np.int8)
    where = np.empty(len(rows), dtype=np.int64)  # the row in that source
    todo: dict[str, int] = {}  # a text to embed -> its row in `embedded`
    todo_rows: list[int] = []  # the first table row of each text to embed
    for i, (_, _, _, h) in enumerate(rows):
        if (r := known.rows.get(h)) is not None:
            source[i], where[i] = _KNOWN, r
        elif (r := pooled.row(h)) is not None:
            source[i], where[i] = _POOLED, r
        else:
            if h not in todo:
                todo[h] = len(todo_rows)
                todo_rows.append(i)
            source[i], where[i] = _EMBEDDED, todo[h]
    report.sentences_pooled = len(np.unique(where[source == _POOLED]))
    embedded = VectorSpill(scratch, embedder.dim)
    try:
        tick = _ticker("embed sentences", len(todo_rows), progress)
        hashes = list(todo)
        texts: list[str] = []

        def embed_texts() -> None:  # in blocks: the embedder's working copies stay small
            start = len(embedded)
            embedded.add(
                hashes[start : start + len(texts)], embedder.embed_documents(texts, settings.embed_batch_size * 2, tick)
            )
            texts.clear()

        k = 0  # the next text to embed (todo_rows ascend, and rows go article by article)
        for doc_id, end in bounds:
            if k < len(todo_rows) and todo_rows[k] < end:
                text = parsed.document(doc_id).text
                while k < len(todo_rows) and todo_rows[k] < end:
                    _, s, e, _ = rows[todo_rows[k]]
                    texts.append(text[s:e])
                    k += 1
                    if len(texts) == SENTENCE_BLOCK:
                        embed_texts()
        if texts:
            embed_texts()
        del todo, bounds
        writer = NpyWriter(scratch / SENTENCE_VECTORS, len(rows), embedder.dim)
        readers = {_KNOWN: known.read, _POOLED: pooled.read, _EMBEDDED: embedded.read}
        for s in range(0, len(rows), READ_BLOCK):
            src, at = source[s : s + READ_BLOCK], where[s : s + READ_BLOCK]
            block = np.empty((len(src), embedder.dim), dtype=np.float32)
            for code, read in readers.items():
                if (mask := src == code).any():
                    block[mask] = read(at[mask])
            writer.write(block)
        vectors = writer.close()
    finally:
        embedded.close()
    report.sentences_embedded = len(todo_rows) + report.sentences_pooled
    report.timings["embed_sentences"] = time.perf_counter() - t
    return SentenceTable(
        doc_ids=np.array([r[0] for r in rows], dtype=str),
        starts=np.array([r[1] for r in rows], dtype=np.int64),
        ends=np.array([r[2] for r in rows], dtype=np.int64),
        hashes=np.array([r[3] for r in rows], dtype=str),
        vectors=vectors,
    )


# ---------------------------------------------------------------- the reader's side


# Kept for rag/web/app.py until it goes through `Engine`, which keeps its own snapshot; remove
# open_index, ensure_index and this process-wide cache then.
@dataclass(frozen=True)
class IndexStatus:
    exists: bool
    stale: bool
    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    manifest: Manifest | None = None
    problem: str | None = None  # why the index cannot be read (`Engine.status(check=True)`), and what to run

    def describe(self) -> str:
        if not self.exists:
            return "no index yet"
        if self.problem:
            return f"the index cannot be read: {self.problem}"
        if not self.stale:
            return "index is up to date"
        parts = [
            f"{len(v)} {k}" for k, v in (("new", self.new), ("changed", self.changed), ("removed", self.removed)) if v
        ]
        return "corpus changed since the index was built: " + ", ".join(parts)


def index_status(settings: Settings) -> IndexStatus:
    """Compare the corpus folder with what the index was built from (hashes only, no parsing)."""
    manifest = stores.current_manifest(settings)
    if manifest is None:
        return IndexStatus(exists=False, stale=True)
    known = manifest.file_hashes()
    files = {f.doc_id: f.sha256 for f in scan_corpus(settings.corpus_dir, settings.max_file_mb, settings.index_dir)}
    new = tuple(sorted(set(files) - set(known)))
    # A skipped file that is gone changes nothing the index serves (it vanished mid-ingest, say).
    removed = tuple(sorted(set(known) - set(files) - set(manifest.skipped)))
    # An article cleaned by an older cleaner (`CLEANER_VERSION`) is read again, as a changed file is.
    recleaned = {k for k, e in manifest.documents.items() if e.get("cleaner") != CLEANER_VERSION}
    changed = tuple(sorted(k for k in set(files) & set(known) if files[k] != known[k] or k in recleaned))
    return IndexStatus(True, bool(new or removed or changed), new, changed, removed, manifest)


__all__ = [
    "IngestReport",
    "IndexStatus",
    "index_status",
    "ingest",
    "scan_corpus",
    "SUPPORTED_SUFFIXES",
]
