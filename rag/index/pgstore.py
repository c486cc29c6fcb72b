"""The index in PostgreSQL with pgvector: the `Store` protocol on a database server.

Tables (created by the tool; `rag_meta` holds the schema version, checked on every connection):

    rag_meta         schema_version
    rag_generations  the current generation and the one before: manifest (JSON), number of chunks
                     and their total lexical length (BM25's N and average length)
    rag_documents    articles: doc_id, path, title, text, sha256, meta
    rag_chunks       passages: text, offsets, title, embed hash; `lex`, a tsvector of the passage's
                     `lexical_tokens` (GIN), and `lex_len`; `embedding` vector(dim) (HNSW, vector_ip_ops)
    rag_sentences    every sentence's span and vector, for the extractive answerer
    rag_wire_signatures  MinHash signatures of the indexed texts by text hash (a cache for grouping
                     wire copies: made by the first ingest that needs it, readers never touch it)

Every row carries the generation that added it and the one that removed it (`added`, `removed`).
A save marks what goes and inserts what comes in one transaction, then purges the rows that
neither the new nor the previous generation can see. A reader (`PgSnapshot`) is pinned to one
generation and filters on it, so a question sees the old index or the new one, never a mix,
without holding a transaction open; chunk ids are never reused, so lookups by id need no filter.

BM25 is computed in SQL with bm25s's formula and parameters (Lucene idf, k1 1.5, b 0.75) from
the stored term positions (tf), lexical lengths and per-generation totals, so its scores equal
the file store's (tests compare them). The tsvector is built from `lexical_tokens` as they are
(not re-parsed by a text search configuration), so name folding and stemming are the same.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

from rag.errors import ConfigError, IndexCorrupt, IndexMissing, IngestLocked, StoreSchemaError, StoreUnavailable
from rag.index.lexical import lexical_tokens
from rag.index.manifest import Counts, Manifest
from rag.index.store import (
    HNSW_EF_CONSTRUCTION,
    HNSW_EF_SEARCH,
    HNSW_M,
    MEMO_ENTRIES,
    ChunkKey,
    CurrentReader,
    Memo,
    SentenceTable,
    bm25_idf,
    group_chunks,
    group_keys,
    vector_blocks,
)
from rag.records import Chunk, Document

SCHEMA_VERSION = 1
BM25_K1, BM25_B = 1.5, 0.75  # bm25s's defaults, which the file store indexes with
MAX_POSITIONS = 256  # PostgreSQL keeps at most 256 positions of a lexeme: tf is capped there
INGEST_LOCK = 0x7261_6701  # advisory lock keys: one ingest at a time, one save at a time
SAVE_LOCK = 0x7261_6702
MAX_IDLE_CONNECTIONS = max(4, 2 * (os.cpu_count() or 1))  # kept open between reads, per process
TABLES = ("rag_sentences", "rag_chunks", "rag_documents", "rag_generations", "rag_meta", "rag_wire_signatures")
_SIGNATURES = """CREATE TABLE IF NOT EXISTS rag_wire_signatures (
    text_sha256 text PRIMARY KEY, params text NOT NULL, signature bytea NOT NULL
)"""
_VISIBLE = "{t}added <= %(g)s AND ({t}removed IS NULL OR {t}removed > %(g)s)"
T = TypeVar("T")

_SCHEMA = """
CREATE TABLE rag_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE rag_generations (
    gen bigint PRIMARY KEY, manifest jsonb NOT NULL, n_chunks bigint NOT NULL, total_len bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE rag_documents (
    doc_id text NOT NULL, added bigint NOT NULL, removed bigint,
    path text NOT NULL, title text NOT NULL, text text NOT NULL, sha256 text NOT NULL, meta jsonb NOT NULL,
    PRIMARY KEY (doc_id, added)
);
CREATE TABLE rag_chunks (
    chunk_id bigint PRIMARY KEY, doc_id text NOT NULL, added bigint NOT NULL, removed bigint,
    text text NOT NULL, char_start integer NOT NULL, char_end integer NOT NULL, n_tokens integer NOT NULL,
    title text NOT NULL, embed_hash text NOT NULL, lex tsvector NOT NULL, lex_len integer NOT NULL,
    embedding vector({dim}) NOT NULL
);
CREATE INDEX rag_chunks_doc ON rag_chunks (doc_id);
CREATE INDEX rag_chunks_lex ON rag_chunks USING gin (lex);
CREATE INDEX rag_chunks_embedding ON rag_chunks USING hnsw (embedding vector_ip_ops)
    WITH (m = {m}, ef_construction = {ef_construction});
CREATE TABLE rag_sentences (
    doc_id text NOT NULL, added bigint NOT NULL, removed bigint,
    start_char integer NOT NULL, end_char integer NOT NULL, hash text NOT NULL, embedding vector({dim}) NOT NULL
);
CREATE INDEX rag_sentences_doc ON rag_sentences (doc_id);
"""


def where(url: str) -> str:
    """The database a URL names, without its password: "database rag on /tmp/x:5432"."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception:  # a malformed URL: psycopg.connect will say what is wrong with it
        return "database"
    return f"database {info.get('dbname', '?')} on {info.get('host', 'localhost')}:{info.get('port', 5432)}"


def lex_vector(tokens: Sequence[str]) -> str:
    """The tsvector literal of a passage's lexical tokens, each token a lexeme as it is, with positions.

    >>> lex_vector(["kasim-jomart", "o'neil", "kasim-jomart"])
    "'kasim-jomart':1,3 'o''neil':2"
    """
    positions: dict[str, list[int]] = {}
    for i, token in enumerate(tokens, start=1):
        at = positions.setdefault(token, [])
        if len(at) < MAX_POSITIONS:
            at.append(min(i, 16383))  # the largest position a tsvector holds
    return " ".join(f"{_quoted(t)}:{','.join(map(str, dict.fromkeys(p)))}" for t, p in positions.items())


def _quoted(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _array(vector: Any) -> np.ndarray:
    """A pgvector value (read in binary) as float32 numpy."""
    return np.asarray(vector.to_numpy() if hasattr(vector, "to_numpy") else vector, dtype=np.float32)


def _no_right(where: str, exc: BaseException, what: str) -> str:
    """What a user without the rights to `what` ("read" or "write") the index is told."""
    if what == "read":
        grant, after = "SELECT on the rag_ tables", ""
    else:
        grant, after = "CREATE in its schema and all rights on the rag_ tables", "; nothing was written"
    return (
        f"the user of RAG_DATABASE_URL may not {what} the index in the {where} ({_error_text(exc)}); "
        f"grant it {grant}, or use the URL of a user who may{after}"
    )


def _error_text(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class PostgresStore(CurrentReader):
    """The index in one PostgreSQL database (with pgvector) as a `Store`.

    Reads go to the generation loaded last (`current`; `snapshot()` moves it to the newest).
    `add` and `delete` are staged in memory; `save` applies them in one transaction. A read
    takes a connection of the store's pool (as many as the reads at once; at most
    `MAX_IDLE_CONNECTIONS` kept idle), one opened anew once when the server dropped it (a restart).

    Args:
        url: a libpq URL, e.g. postgresql://user@host:5432/rag.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.where = where(url)
        self.current: PgSnapshot | None = None
        self._idle: list = []  # connections not in use, for the next reads
        self._pool_lock = threading.Lock()
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self._docs: list[Collection[Document]] = []  # what each `add` was given, read at `save`
        self._chunks: list[Collection[Chunk]] = []
        self._vectors: list[np.ndarray] = []
        self._hashes: list[str] = []
        self._deleted: set[str] = set()

    @classmethod
    def load(cls, location: str, expected: Manifest | None = None) -> PostgresStore:
        """The store in the database at URL `location`; empty when nothing was written there yet."""
        store = cls(location)
        store.current = store.latest(expected)
        return store

    # ------------------------------------------------------------ connections

    def connect(self, check_version: bool = True):
        """A new autocommit connection with the vector type registered, the database checked
        (`check_version`: the rag tables' schema version too; a save checks it itself).

        Raises:
            StoreUnavailable: the server cannot be reached.
            StoreSchemaError: no pgvector extension, or rag tables of another schema version.
        """
        try:
            import psycopg
            from pgvector.psycopg import register_vector
        except ImportError as exc:
            raise ConfigError(
                f"the postgres store needs psycopg and pgvector ({exc}); pip install 'rag[postgres]'"
            ) from exc
        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(
                f"cannot reach the {self.where} ({_error_text(exc)}); start the server or fix RAG_DATABASE_URL"
            ) from exc
        except psycopg.ProgrammingError as exc:  # libpq cannot parse it; its message repeats the URL, password too
            raise ConfigError(
                "RAG_DATABASE_URL (--database-url) is not a PostgreSQL URL; write it as "
                "postgresql://user[:password]@host:5432/database"
            ) from exc
        try:
            self._check_extension(conn)
            if check_version:
                check_schema_version(conn, self.where)
            register_vector(conn)
            # Search breadth as the file store's HNSW; keep scanning past rows of other generations.
            conn.execute(f"SET hnsw.ef_search = {HNSW_EF_SEARCH}")
            conn.execute("SET hnsw.iterative_scan = strict_order")
        except psycopg.errors.InsufficientPrivilege as exc:
            conn.close()
            raise StoreUnavailable(_no_right(self.where, exc, "read")) from exc
        except BaseException:
            conn.close()
            raise
        return conn

    def _check_extension(self, conn) -> None:
        if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone():
            return
        if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone():
            fix = "run `CREATE EXTENSION vector;` in it as its owner or a superuser (psql URL -c 'CREATE EXTENSION vector')"
        else:
            fix = (
                "install pgvector on the server (Debian/Ubuntu: postgresql-NN-pgvector; this project: "
                "`bash scripts/pgserver.sh install`), then run `CREATE EXTENSION vector;` in the database"
            )
        raise StoreSchemaError(f"the {self.where} has no pgvector extension; {fix}")

    def _take(self):
        """An idle connection of the pool, or a new one."""
        with self._pool_lock:
            while self._idle:
                conn = self._idle.pop()
                if not conn.closed:
                    return conn
        return self.connect()

    def _give(self, conn) -> None:
        """Back to the pool, or closed when the pool holds enough: connections are as many as the
        reads at once (a server's thread pool has dozens of threads; one each used up the server)."""
        if conn.closed or conn.broken:
            return
        with self._pool_lock:
            if len(self._idle) < MAX_IDLE_CONNECTIONS:
                self._idle.append(conn)
                return
        conn.close()

    def run(self, read: Callable[[Any], T]) -> T:
        """`read(connection)` on a connection of the pool; once more on a new one if the server
        dropped the first (restarted, or the backend was ended). Reads are pinned to a
        generation, so running one again gives the same answer. `read` returns its rows, not a
        cursor: the connection serves other threads once it returns.

        Raises:
            StoreUnavailable: the server is down or the query failed for a reason of its own.
        """
        import psycopg

        for attempt in (1, 2):
            conn = self._take()
            try:
                out = read(conn)
            except psycopg.OperationalError as exc:
                conn.close()
                if attempt == 1 and conn.broken:
                    continue
                raise StoreUnavailable(
                    f"the {self.where} stopped answering ({_error_text(exc)}); "
                    "check the server is running, then ask again"
                ) from exc
            except psycopg.errors.InsufficientPrivilege as exc:
                self._give(conn)
                raise StoreUnavailable(_no_right(self.where, exc, "read")) from exc
            except psycopg.Error as exc:
                self._give(conn)
                raise IndexCorrupt(
                    f"the index in the {self.where} cannot be read ({_error_text(exc)}); run `rag ingest --rebuild`"
                ) from exc
            self._give(conn)
            return out
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the pool's idle connections (one in use is given back, or closed, when its read ends)."""
        with self._pool_lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    # ------------------------------------------------------------ generations

    def latest(self, expected: Manifest | None = None) -> PgSnapshot | None:
        """The newest committed generation (the loaded one when nothing newer was written), or None."""
        import psycopg

        def newest(conn):
            try:
                return conn.execute(
                    "SELECT gen, manifest->>'generation' FROM rag_generations ORDER BY gen DESC LIMIT 1"
                ).fetchone()
            except psycopg.errors.UndefinedTable:
                return None

        row = self.run(newest)
        if row is None:
            return None
        snap = self.current
        if snap is None or (snap.gen, snap.generation) != tuple(row):
            snap = self._load_generation(row[0])
        if expected is not None:
            snap.manifest.check_compatible(expected)
        self.current = snap
        return snap

    def snapshot(self, expected: Manifest | None = None) -> PgSnapshot:
        """Like `latest`, but a missing index is an error.

        Raises:
            IndexMissing: nothing was written to the database yet. IndexMismatch: built with other settings.
        """
        snap = self.latest(expected)
        if snap is None:
            raise IndexMissing(f"no index in the {self.where}; run `rag ingest` (with RAG_STORE=postgres)")
        return snap

    def _load_generation(self, gen: int) -> PgSnapshot:
        def read(conn):
            check_schema_version(conn, self.where)  # the tables may have been made after the connection
            return conn.execute(
                "SELECT manifest, n_chunks, total_len FROM rag_generations WHERE gen = %s", (gen,)
            ).fetchone()

        row = self.run(read)
        if row is None:
            raise IndexMissing(f"generation {gen} left the {self.where} while it was being read; ask again")
        manifest = Manifest.from_json(row[0], f"the manifest in the {self.where}")
        return PgSnapshot(self, gen, manifest, int(row[1]), int(row[2]))

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
            self._vectors.append(vectors if isinstance(vectors, np.memmap) else np.asarray(vectors, dtype=np.float32))
        self._hashes += embed_hashes

    def delete(self, doc_ids: Iterable[str]) -> None:
        self._deleted.update(doc_ids)

    @contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """Hold the database's ingest lock (a session advisory lock: freed if this process dies).

        Raises:
            IngestLocked: another ingest, from any process or machine, holds it.
        """
        conn = self.connect(check_version=False)  # a rebuild takes it to replace tables of another version
        try:
            if not conn.execute("SELECT pg_try_advisory_lock(%s)", (INGEST_LOCK,)).fetchone()[0]:
                raise IngestLocked(
                    f"another ingest is updating the index in the {self.where} right now; "
                    "wait for it to finish and try again"
                )
            self._clear()  # nothing an earlier ingest of this process staged and did not save
            yield
        finally:
            self._clear()
            conn.close()

    def save(self, manifest: Manifest, sentences: SentenceTable | None = None) -> PgSnapshot:
        """Apply what was staged in one transaction and make it the current generation.

        With no generation loaded (`current` is None: a first ingest, a rebuild, a migration) the
        new generation holds only what was added, and tables of another schema version or vector
        size are made anew. `sentences` is every document's table; rows of documents not added
        here are expected in the database already (and rewritten when they are not).

        Raises:
            StoreUnavailable: the connection was lost; nothing was written.
        """
        import psycopg

        conn = self.connect(check_version=False)
        try:
            with conn.transaction():
                new = _Save(self, conn, manifest, sentences).run()
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(
                f"lost the {self.where} while saving ({_error_text(exc)}); nothing was written and the index "
                "is as it was: run `rag ingest` again once the server is back"
            ) from exc
        except psycopg.errors.InsufficientPrivilege as exc:
            raise StoreUnavailable(_no_right(self.where, exc, "write")) from exc
        finally:
            conn.close()
            # Staged for this save only, saved or not: the store outlives the ingest (one per process),
            # and what was staged reads from the ingest's scratch files, closed when it ends.
            self._clear()
        self.current = self._load_generation(new)
        return self.current

    # ------------------------------------------------------------ wire-copy signatures

    def kept_signatures(self, params: str) -> dict[str, bytes]:
        """The signatures the last ingest kept (text hash -> bytes), made with `params`.

        Read without the schema version check: a rebuild over tables of another version reads
        them too (the table is this cache's own, unchanged across versions).
        """
        import psycopg

        conn = self.connect(check_version=False)
        try:
            if conn.execute("SELECT to_regclass('rag_wire_signatures')").fetchone()[0] is None:
                return {}
            sql = "SELECT text_sha256, signature FROM rag_wire_signatures WHERE params = %s"
            return {h: bytes(sig) for h, sig in conn.execute(sql, (params,)).fetchall()}
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(f"lost the {self.where} while reading ({_error_text(exc)}); ingest again") from exc
        finally:
            conn.close()

    def keep_signatures(self, params: str, entries: dict[str, bytes]) -> None:
        """Keep exactly `entries` (made with `params`) for the next ingest, in one transaction.

        Raises:
            StoreUnavailable: the connection was lost (the index itself is already saved).
        """
        import psycopg

        conn = self.connect(check_version=False)
        try:
            with conn.transaction():
                conn.execute(_SIGNATURES)
                conn.execute(
                    "DELETE FROM rag_wire_signatures WHERE params <> %s OR NOT text_sha256 = ANY(%s)",
                    (params, list(entries)),
                )
                have = {r[0] for r in conn.execute("SELECT text_sha256 FROM rag_wire_signatures")}
                with conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO rag_wire_signatures VALUES (%s, %s, %s)",
                        [(h, params, sig) for h, sig in entries.items() if h not in have],
                    )
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(
                f"lost the {self.where} while keeping the wire-copy signatures ({_error_text(exc)}); the index "
                "is saved, and the next ingest computes the signatures again"
            ) from exc
        finally:
            conn.close()

    # ------------------------------------------------------------ reading (the current generation)

    def _read(self) -> PgSnapshot:
        if self.current is None:
            raise IndexMissing(f"no index in the {self.where}; run `rag ingest` (with RAG_STORE=postgres)")
        return self.current


def _in_docs(docs: Collection[str] | None, alias: str = "") -> str:
    """The SQL condition that keeps a search to the filter's documents (nothing without a filter)."""
    return "" if docs is None else f" AND {alias}doc_id = ANY(%(docs)s)"


def _doc_list(docs: Collection[str] | None) -> list[str] | None:
    return None if docs is None else sorted(docs)


def check_schema_version(conn, place: str) -> int | None:
    """The rag schema version in the database (None: no rag tables yet).

    Raises:
        StoreSchemaError: tables of another version.
    """
    if conn.execute("SELECT to_regclass('rag_meta')").fetchone()[0] is None:
        return None
    row = conn.execute("SELECT value FROM rag_meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row else 0
    if version == SCHEMA_VERSION:
        return version
    if version > SCHEMA_VERSION:
        fix = "upgrade rag to the version that wrote it, or rebuild it with this one: `rag ingest --rebuild`"
    else:
        fix = "rebuild it: `rag ingest --rebuild` (or `rag migrate --to postgres` from a local index)"
    raise StoreSchemaError(
        f"the {place} holds rag tables of schema version {version}; this rag reads version {SCHEMA_VERSION}: {fix}"
    )


class _Save:
    """One save: the steps of `PostgresStore.save`, inside its transaction."""

    def __init__(self, store: PostgresStore, conn, manifest: Manifest, sentences: SentenceTable | None) -> None:
        self.store, self.conn, self.manifest, self.sentences = store, conn, manifest, sentences
        self.dim = int(manifest.embedder["dim"])

    def run(self) -> int:
        conn, store = self.conn, self.store
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SAVE_LOCK,))
        fresh = store.current is None
        self._schema(fresh)
        cur = conn.execute("SELECT coalesce(max(gen), 0) FROM rag_generations").fetchone()[0]
        if not fresh and self.manifest.previous_generation is not None:
            # Built on the newest generation, or not at all: the ingest lock dies with its connection
            # (a server restart mid-ingest), and another ingest may have saved since this one began.
            newest = conn.execute(
                "SELECT manifest->>'generation' FROM rag_generations WHERE gen = %s", (cur,)
            ).fetchone()
            if newest is None or newest[0] != self.manifest.previous_generation:
                raise IngestLocked(
                    f"another ingest saved a new index in the {store.where} while this one ran (this one's lock "
                    "was lost, as when the server restarts); nothing was written: run `rag ingest` again"
                )
        new = cur + 1
        added = {d.doc_id for part in store._docs for d in part}
        if fresh:  # the new generation holds only what is added (and chunk ids may start again)
            conn.execute("DELETE FROM rag_sentences; DELETE FROM rag_chunks; DELETE FROM rag_documents")
        else:
            gone = sorted(store._deleted | added)
            for table in ("rag_documents", "rag_chunks", "rag_sentences"):
                conn.execute(f"UPDATE {table} SET removed = %s WHERE removed IS NULL AND doc_id = ANY(%s)", (new, gone))
        self._insert(new)
        self._insert_sentences(new, added)
        for table in ("rag_documents", "rag_chunks", "rag_sentences"):  # no reader of cur or new sees these
            conn.execute(f"DELETE FROM {table} WHERE removed <= %s", (cur,))
        conn.execute("DELETE FROM rag_generations WHERE gen < %s", (cur,))
        self._record(new)
        return new

    def _schema(self, fresh: bool) -> None:
        conn = self.conn
        try:
            version = check_schema_version(conn, self.store.where)
        except StoreSchemaError:
            if not fresh:
                raise
            version = -1
        dim = None
        if version == SCHEMA_VERSION:
            present = conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY(%s)",
                (list(TABLES),),
            ).fetchall()
            missing = sorted(set(TABLES) - {t for (t,) in present})
            if missing and not fresh:
                raise IndexCorrupt(
                    f"the {self.store.where} lacks the table(s) {', '.join(missing)}; run `rag ingest --rebuild`"
                )
            if not missing:  # else (a rebuild) the tables are made anew
                dim = conn.execute(
                    "SELECT atttypmod FROM pg_attribute WHERE attrelid = 'rag_chunks'::regclass AND attname = 'embedding'"
                ).fetchone()[0]
                if dim == self.dim:
                    return
                if not fresh:
                    raise StoreSchemaError(
                        f"the {self.store.where} holds {dim}-dimensional vectors, the embedder makes {self.dim}; "
                        "run `rag ingest --rebuild`"
                    )
        if version is not None:
            conn.execute("DROP TABLE IF EXISTS " + ", ".join(TABLES))
        conn.execute(_SCHEMA.format(dim=self.dim, m=HNSW_M, ef_construction=HNSW_EF_CONSTRUCTION))
        conn.execute("INSERT INTO rag_meta VALUES ('schema_version', %s)", (str(SCHEMA_VERSION),))

    def _insert(self, new: int) -> None:
        from psycopg.types.json import Jsonb

        store, conn = self.store, self.conn
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO rag_documents (doc_id, added, path, title, text, sha256, meta) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (
                    (d.doc_id, new, d.path, d.title, d.text, d.sha256, Jsonb(d.meta))
                    for part in store._docs
                    for d in part
                ),
            )
        # a block at a time: an ingest's vectors are a mapped file, read with pread, never all in memory
        vectors = (row for part in store._vectors for _, block in vector_blocks(part) for row in block)
        columns = (
            "chunk_id, doc_id, added, text, char_start, char_end, n_tokens, title, embed_hash, lex, lex_len, embedding"
        )
        with conn.cursor() as cur, cur.copy(f"COPY rag_chunks ({columns}) FROM STDIN") as copy:
            for c, h, v in zip((c for part in store._chunks for c in part), store._hashes, vectors):
                tokens = lexical_tokens(c.embed_text)
                # bm25s gives a passage without tokens one placeholder token: the same length here
                copy.write_row(
                    (c.chunk_id, c.doc_id, new, c.text, c.char_start, c.char_end, c.n_tokens, c.title, h,
                     lex_vector(tokens), max(len(tokens), 1), v)
                )  # fmt: skip

    def _insert_sentences(self, new: int, added: set[str]) -> None:
        table, conn = self.sentences, self.conn
        if table is None:
            return
        n_visible = self._count("rag_sentences", new)
        rows = np.arange(len(table.doc_ids))
        if n_visible + sum(int(d in added) for d in table.doc_ids.tolist()) != len(rows):
            # What the database holds of the other documents is not their table: write it all again.
            conn.execute("UPDATE rag_sentences SET removed = %s WHERE removed IS NULL", (new,))
        else:
            rows = np.nonzero(np.isin(table.doc_ids, sorted(added)))[0] if added else rows[:0]
        with (
            conn.cursor() as cur,
            cur.copy("COPY rag_sentences (doc_id, added, start_char, end_char, hash, embedding) FROM STDIN") as copy,
        ):
            for i in rows.tolist():
                copy.write_row(
                    (str(table.doc_ids[i]), new, int(table.starts[i]), int(table.ends[i]), str(table.hashes[i]),
                     np.asarray(table.vectors[i], dtype=np.float32))
                )  # fmt: skip

    def _count(self, table: str, gen: int, what: str = "count(*)") -> int:
        sql = f"SELECT coalesce({what}, 0) FROM {table} WHERE " + _VISIBLE.format(t="")
        return int(self.conn.execute(sql, {"g": gen}).fetchone()[0])

    def _record(self, new: int) -> None:
        from psycopg.types.json import Jsonb

        counts = Counts(
            documents=self._count("rag_documents", new),
            chunks=self._count("rag_chunks", new),
            tokens=self._count("rag_chunks", new, "sum(n_tokens)"),
            sentences=self._count("rag_sentences", new),
        )
        total_len = self._count("rag_chunks", new, "sum(lex_len)")
        manifest = self.manifest.replace(
            generation=f"pg-{new}-{time.time_ns()}",  # unique even after the tables are made anew
            counts=counts,
            vector_index="hnsw",
            built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        )
        self.conn.execute(
            "INSERT INTO rag_generations (gen, manifest, n_chunks, total_len) VALUES (%s, %s, %s, %s)",
            (new, Jsonb(manifest.to_json()), counts.chunks, total_len),
        )


class PgSnapshot:
    """One generation of the index in PostgreSQL, read-only: a `StoreReader`, and what ingest reads
    of the previous index (`doc_chunks`, `ids`, `vectors`, `rows_of`). Safe to share between threads."""

    def __init__(self, store: PostgresStore, gen: int, manifest: Manifest, n_chunks: int, total_len: int) -> None:
        self.store = store
        self.gen = gen
        self.manifest = manifest
        self.n_chunks = n_chunks
        self.avg_len = total_len / n_chunks if n_chunks else 1.0
        self._df: dict[str, int] = {}  # term statistics do not change within a generation
        self._memo = Memo(MEMO_ENTRIES)  # nor do its posting lists
        self._lock = threading.Lock()
        self._sentences: SentenceTable | None = None
        self._sentences_loaded = False
        self._ids: np.ndarray | None = None
        self._vectors: np.ndarray | None = None

    @property
    def generation(self) -> str:
        return self.manifest.generation

    def __len__(self) -> int:
        return self.n_chunks

    def _rows(self, sql: str, args: Any = None, binary: bool = False) -> list[tuple]:
        """Rows of a query; `%(g)s` is this generation, `{visible}` its row filter (`{c_visible}` for alias c)."""
        params = {"g": self.gen, **(args or {})}
        sql = sql.format(visible=_VISIBLE.format(t=""), c_visible=_VISIBLE.format(t="c."))

        def read(conn):
            with conn.cursor(binary=binary) as cur:
                return cur.execute(sql, params).fetchall()

        return self.store.run(read)

    # ------------------------------------------------------------ search

    def search_dense(
        self, query_vector: np.ndarray, k: int, docs: Collection[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids, cosine scores) of the k nearest passages (HNSW, inner product on unit vectors);
        with `docs`, of those documents only (the iterative index scan goes on until it has k)."""
        if k <= 0 or not self.n_chunks or (docs is not None and not docs):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        rows = self._rows(
            "SELECT chunk_id, -(embedding <#> %(q)s) FROM rag_chunks WHERE {visible}" + _in_docs(docs) +
            " ORDER BY embedding <#> %(q)s LIMIT %(k)s",
            {"q": np.asarray(query_vector, dtype=np.float32), "k": int(k), "docs": _doc_list(docs)},
            binary=True,
        )  # fmt: skip
        return np.array([r[0] for r in rows], np.int64), np.array([r[1] for r in rows], np.float32)

    def search_lexical(
        self, tokens: list[str], k: int, docs: Collection[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids, BM25 scores > 0) of the k best matches: GIN finds the passages, SQL scores them
        with bm25s's formula (a token asked twice counts twice, as there); with `docs`, of those only."""
        idf = self.idf(tokens)
        if k <= 0 or not idf or (docs is not None and not docs):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        weight: dict[str, float] = {}
        for t in tokens:
            if t in idf:
                weight[t] = weight.get(t, 0.0) + idf[t]
        rows = self._rows(
            "SELECT c.chunk_id, sum(w.w * cardinality(u.positions) / (cardinality(u.positions) + "
            "%(k1)s * (1 - %(b)s + %(b)s * c.lex_len / %(avg)s)))::real AS score "
            "FROM rag_chunks c CROSS JOIN LATERAL unnest(c.lex) u "
            "JOIN unnest(%(terms)s::text[], %(weights)s::float8[]) AS w(term, w) ON w.term = u.lexeme "
            "WHERE c.lex @@ %(query)s::tsquery AND {c_visible}" + _in_docs(docs, "c.") +
            " GROUP BY c.chunk_id ORDER BY score DESC, c.chunk_id LIMIT %(k)s",
            {
                "terms": list(weight), "weights": list(weight.values()), "query": " | ".join(map(_quoted, weight)),
                "k1": BM25_K1, "b": BM25_B, "avg": self.avg_len, "k": int(k), "docs": _doc_list(docs),
            },
        )  # fmt: skip
        rows = [r for r in rows if r[1] > 0]
        return np.array([r[0] for r in rows], np.int64), np.array([r[1] for r in rows], np.float32)

    def doc_freq(self, tokens: Iterable[str]) -> dict[str, int]:
        """How many passages of this generation hold each token (GIN counts, cached)."""
        tokens = list(dict.fromkeys(t for t in tokens if t))
        todo = [t for t in tokens if t not in self._df]
        if todo:
            rows = self._rows(
                "SELECT x.t, (SELECT count(*) FROM rag_chunks WHERE lex @@ x.q::tsquery AND {visible}) "
                "FROM unnest(%(terms)s::text[], %(queries)s::text[]) AS x(t, q)",
                {"terms": todo, "queries": [_quoted(t) for t in todo]},
            )
            self._df.update({t: int(n) for t, n in rows})
        return {t: self._df[t] for t in tokens if self._df.get(t)}

    def idf(self, tokens: Iterable[str]) -> dict[str, float]:
        n = max(self.n_chunks, 1)
        return {t: bm25_idf(df, n) for t, df in self.doc_freq(tokens).items()}

    def passages_with(self, token: str) -> frozenset[int]:
        def read() -> frozenset[int]:
            rows = self._rows(
                "SELECT chunk_id FROM rag_chunks WHERE lex @@ %(q)s::tsquery AND {visible}", {"q": _quoted(token)}
            )
            return frozenset(r[0] for r in rows)

        return self._memo.get(("passages", token), read)

    # ------------------------------------------------------------ lookups

    def vectors_of(self, chunk_ids: Sequence[int]) -> np.ndarray:
        dim = int(self.manifest.embedder.get("dim", 0))
        if not len(chunk_ids):
            return np.zeros((0, dim), np.float32)
        ids = [int(i) for i in chunk_ids]
        rows = dict(
            self._rows("SELECT chunk_id, embedding FROM rag_chunks WHERE chunk_id = ANY(%(ids)s)", {"ids": ids}, True)
        )
        if len(rows) < len(set(ids)):
            raise IndexCorrupt(
                f"chunks {sorted(set(ids) - set(rows))[:5]} are not in the {self.store.where}; ask again"
            )
        return np.stack([_array(rows[i]) for i in ids])

    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, Chunk]:
        if not len(chunk_ids):
            return {}
        rows = self._rows(
            "SELECT chunk_id, doc_id, text, char_start, char_end, n_tokens, title FROM rag_chunks "
            "WHERE chunk_id = ANY(%(ids)s)",
            {"ids": [int(i) for i in chunk_ids]},
        )
        return {r[0]: Chunk(*r) for r in rows}

    def doc_ids(self, chunk_ids: Iterable[int]) -> dict[int, str]:
        ids = [int(i) for i in chunk_ids]
        if not ids:
            return {}
        return dict(self._rows("SELECT chunk_id, doc_id FROM rag_chunks WHERE chunk_id = ANY(%(ids)s)", {"ids": ids}))

    def documents(self) -> list[Document]:
        rows = self._rows(
            'SELECT doc_id, path, title, text, sha256, meta FROM rag_documents WHERE {visible} ORDER BY doc_id COLLATE "C"'
        )
        return [Document(*r) for r in rows]

    def check(self) -> None:
        """One read of each of this generation's tables (StoreUnavailable or IndexCorrupt if one fails)."""
        for table in ("rag_documents", "rag_chunks", "rag_sentences"):
            self._rows(f"SELECT 1 FROM {table} WHERE {{visible}} LIMIT 1")

    def document(self, doc_id: str) -> Document | None:
        rows = self._rows(
            "SELECT doc_id, path, title, text, sha256, meta FROM rag_documents WHERE doc_id = %(d)s AND {visible}",
            {"d": doc_id},
        )
        return Document(*rows[0]) if rows else None

    @property
    def sentences(self) -> SentenceTable | None:
        """Every sentence's span and vector, read once per generation (grouped by doc_id in code-point
        order, as `SentenceTable` searches them)."""
        with self._lock:
            if not self._sentences_loaded:
                self._sentences = self._load_sentences()
                self._sentences_loaded = True
        return self._sentences

    def _load_sentences(self) -> SentenceTable | None:
        rows = self._rows(
            "SELECT doc_id, start_char, end_char, hash, embedding FROM rag_sentences WHERE {visible} "
            'ORDER BY doc_id COLLATE "C", start_char, end_char',
            binary=True,
        )
        if not rows:
            return None
        dim = len(_array(rows[0][4]))
        return SentenceTable(
            doc_ids=np.array([r[0] for r in rows], dtype=str),
            starts=np.array([r[1] for r in rows], dtype=np.int64),
            ends=np.array([r[2] for r in rows], dtype=np.int64),
            hashes=np.array([r[3] for r in rows], dtype=str),
            vectors=np.stack([_array(r[4]) for r in rows]).reshape(-1, dim),
        )

    # ------------------------------------------------------------ what ingest reads of the previous index

    def chunk_keys(self) -> dict[str, list[ChunkKey]]:
        """Every chunk's id, embed hash and tokens, grouped by document, without its text: what an
        incremental ingest needs of the previous generation."""
        return group_keys(
            self._rows(
                "SELECT doc_id, chunk_id, embed_hash, n_tokens FROM rag_chunks WHERE {visible} ORDER BY chunk_id"
            )
        )

    def doc_chunks(self) -> dict[str, list[tuple[Chunk, str]]]:
        """All chunks grouped by document, with their embed hashes (a copy of the whole index)."""
        return group_chunks(
            self._rows(
                "SELECT chunk_id, doc_id, text, char_start, char_end, n_tokens, title, embed_hash FROM rag_chunks "
                "WHERE {visible} ORDER BY chunk_id"
            )
        )

    def _load_vectors(self) -> None:
        with self._lock:
            if self._ids is None:
                rows = self._rows(
                    "SELECT chunk_id, embedding FROM rag_chunks WHERE {visible} ORDER BY chunk_id", binary=True
                )
                dim = int(self.manifest.embedder.get("dim", 0))
                self._vectors = np.stack([_array(r[1]) for r in rows]) if rows else np.zeros((0, dim), np.float32)
                self._ids = np.array([r[0] for r in rows], np.int64)

    @property
    def ids(self) -> np.ndarray:
        """Chunk ids of this generation, ascending (read on first use: ingest reuses their vectors)."""
        self._load_vectors()
        return self._ids

    @property
    def vectors(self) -> np.ndarray:
        """Row i is the vector of `ids[i]`."""
        self._load_vectors()
        return self._vectors

    def rows_of(self, chunk_ids: Sequence[int]) -> np.ndarray:
        return np.searchsorted(self.ids, np.asarray(chunk_ids, dtype=np.int64))
