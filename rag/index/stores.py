"""Which store holds the index (`Settings.store`): the files in `index_dir` (the default) or a
PostgreSQL database at `database_url`. Ingest and the engine open it through these functions and
see only the `Store` protocol after.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.config import Settings
from rag.errors import IndexCorrupt, IndexMismatch, IndexUnwritable, IngestLocked, StoreSchemaError
from rag.index import wire
from rag.index.manifest import Manifest
from rag.index.store import FileStore, IndexSnapshot, Store, StoreReader, read_manifest

if TYPE_CHECKING:
    from rag.index.pgstore import PgSnapshot, PostgresStore

_POSTGRES: dict[str, PostgresStore] = {}
_POSTGRES_LOCK = threading.Lock()


def postgres_store(settings: Settings) -> PostgresStore:
    """The process's store for `settings.database_url` (one per URL: its connections and loaded
    generation are shared by every engine of the process)."""
    from rag.index.pgstore import PostgresStore

    url = str(settings.database_url)
    with _POSTGRES_LOCK:
        if url not in _POSTGRES:
            _POSTGRES[url] = PostgresStore(url)
        return _POSTGRES[url]


def current_manifest(settings: Settings) -> Manifest | None:
    """The manifest of the index `settings` point at, or None when there is none yet."""
    if settings.store == "postgres":
        snap = postgres_store(settings).latest()
        return snap.manifest if snap is not None else None
    return read_manifest(settings.index_dir)


def open_reader(settings: Settings, expected: Manifest | None = None) -> StoreReader:
    """The newest generation of the index, checked against the running settings (`expected`).

    Raises:
        IndexMissing, IndexMismatch, IndexCorrupt; for PostgreSQL also StoreUnavailable, StoreSchemaError.
    """
    if settings.store == "postgres":
        return postgres_store(settings).snapshot(expected)
    from rag.index.store import load_snapshot

    return load_snapshot(settings.index_dir, expected)


def previous_postgres(settings: Settings, expected: Manifest, rebuild: bool) -> PgSnapshot | None:
    """What an ingest into PostgreSQL starts from: the newest generation, or None (nothing yet, or
    a rebuild of an index it cannot use)."""
    store = postgres_store(settings)
    try:
        previous = store.latest(expected)
        if previous is not None and rebuild:
            previous.check()  # a rebuild must also mend a generation it cannot read (a table dropped)
        return previous
    except (IndexMismatch, IndexCorrupt, StoreSchemaError):
        if rebuild:  # the advice in these errors is `rag ingest --rebuild`: it must work
            store.current = None  # so the save makes the tables anew
            return None
        raise


def wire_signatures(settings: Settings) -> dict[str, Any]:
    """The MinHash signatures (text hash -> uint32 array) the index keeps for grouping wire copies:
    a file beside the manifest, or a table of the database."""
    if settings.store == "postgres":
        kept = postgres_store(settings).kept_signatures(json.dumps(wire.params(), sort_keys=True))
        return {h: np.frombuffer(b, dtype="<u4") for h, b in kept.items() if len(b) == 4 * wire.NUM_PERM}
    return wire.read_signatures(Path(settings.index_dir) / wire.SIGNATURE_FILE)


def keep_wire_signatures(settings: Settings, entries: Mapping[str, Any]) -> None:
    """Keep exactly these signatures (those of the indexed texts) for the next ingest."""
    if settings.store == "postgres":
        params = json.dumps(wire.params(), sort_keys=True)
        data = {h: np.asarray(v, dtype="<u4").tobytes() for h, v in entries.items()}
        postgres_store(settings).keep_signatures(params, data)
    else:
        wire.write_signatures(Path(settings.index_dir) / wire.SIGNATURE_FILE, entries)


def writer(settings: Settings, prev: IndexSnapshot | PgSnapshot | None) -> Store:
    """The store an ingest writes through, starting from `prev` (None: from nothing)."""
    if settings.store == "postgres":
        store = postgres_store(settings)
        store.current = prev  # type: ignore[assignment]
        return store
    return FileStore(settings.index_dir, prev, settings.hnsw_threshold)  # type: ignore[arg-type]


@contextmanager
def ingest_lock(settings: Settings) -> Iterator[None]:
    """One ingest at a time per index: a lock file beside the index files, or PostgreSQL's
    advisory lock (which also holds across machines).

    Raises:
        IngestLocked: another ingest holds it.
    """
    if settings.store == "postgres":
        with postgres_store(settings).ingest_lock():
            yield
        return
    from filelock import FileLock, Timeout

    index_dir = Path(settings.index_dir)
    lock = FileLock(str(index_dir / ".ingest.lock"))
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise IngestLocked(
            f"another ingest is updating {index_dir}/ right now; wait for it to finish and try again"
        ) from exc
    except OSError as exc:  # a read-only disk, a file where the folder should be, no permission
        raise IndexUnwritable(
            f"cannot write the index folder {index_dir}/ ({exc.strerror or exc}); make it writable or choose "
            "another with --index or RAG_INDEX_DIR"
        ) from exc
    try:
        yield
    finally:
        lock.release()


def copy_index(source: StoreReader, target: Store) -> None:
    """Copy every document, chunk (with its vector and embed hash) and sentence vector of `source`
    into `target` as one new generation, with the source's manifest: nothing is embedded again.

    `target` starts from nothing (its loaded generation is dropped), so the copy replaces it.
    """
    rows = [row for doc_rows in source.doc_chunks().values() for row in doc_rows]  # type: ignore[attr-defined]
    chunks = [c for c, _ in rows]
    target.current = None  # type: ignore[attr-defined]
    target.add(source.documents(), chunks, source.vectors_of([c.chunk_id for c in chunks]), [h for _, h in rows])
    target.save(source.manifest.replace(previous_generation=None), source.sentences)  # type: ignore[call-arg]


def migrate(settings: Settings, to: str) -> Manifest:
    """Copy the index from the other store into `to` ("postgres": from `index_dir` into
    `database_url`; "files": back). Holds the target's ingest lock while it writes.

    Returns:
        The target's manifest after the copy.
    Raises:
        IndexMissing: the source holds no index. IngestLocked: an ingest is writing the target.
    """
    from rag.index.store import load_snapshot

    if to == "postgres":
        source: StoreReader = load_snapshot(settings.index_dir)
        target_settings = settings.replace(store="postgres")
    else:
        source = postgres_store(settings).snapshot()
        target_settings = settings.replace(store="files")
    with ingest_lock(target_settings):
        target = writer(target_settings, None)
        copy_index(source, target)
    manifest = current_manifest(target_settings)
    assert manifest is not None
    return manifest
