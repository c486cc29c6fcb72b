"""PostgreSQL at scale: the scale part's synthetic passages in pgvector, beside FAISS.

The vectors and queries are the scale part's (`scale.Clusters`, same seeds), so recall here and
there is measured against the same exact answer: brute force over the same vectors in numpy.
For each size: the vectors go in with binary COPY in batches (insert rate), the HNSW index is
built after the load (`vector_ip_ops`, m and ef_construction as the Postgres store makes it),
then one client searches warm, one query at a time, at each `hnsw.ef_search` asked for
(p50/p95 and recall@10). FAISS's HNSW over the same vectors is built and searched beside it in
the same run, so both meet the same load on a shared machine.

Everything lives in a schema of its own (`rag_bench_<pid>`), dropped at the end: a database that
holds a real index is not touched, and two runs against one database do not meet.

    >>> exact_top_k(np.eye(3, dtype=np.float32), np.eye(3, dtype=np.float32)[[2, 0]], k=1).tolist()
    [[2], [0]]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from rag.bench.scale import Clusters, bench_index, n_clusters_for
from rag.bench.stats import ann_recall_at_k, percentiles, timed

SCHEMA_PREFIX = "rag_bench_"
COPY_BATCH = 50_000  # rows per COPY statement (and per transaction)
EXACT_QUERIES = 20  # queries for PostgreSQL's own exact search (a sequential scan per query)


@dataclass(frozen=True)
class PgTuning:
    """Session settings for the index build (the server's own settings are reported as found).

    maintenance_work_mem: the graph must fit in it, or pgvector builds on disk, far slower.
    parallel_workers: workers beside the leader (2 cores: 1 worker, 2 processes building).
    """

    maintenance_work_mem: str = "3GB"
    parallel_workers: int = 1


def exact_top_k(vectors: np.ndarray, queries: np.ndarray, k: int = 10, block: int = 200_000) -> np.ndarray:
    """Ids (row numbers) of each query's k largest inner products, by brute force in blocks.

    Ties are broken by the smaller id, as a stable sort would.
    """
    best_s = np.full((len(queries), 0), -np.inf, np.float32)
    best_i = np.zeros((len(queries), 0), np.int64)
    for s in range(0, len(vectors), block):
        scores = queries @ vectors[s : s + block].T
        kk = min(k, scores.shape[1])
        part = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]
        best_s = np.concatenate([best_s, np.take_along_axis(scores, part, 1)], axis=1)
        best_i = np.concatenate([best_i, part + s], axis=1)
    order = np.lexsort((best_i, -best_s), axis=1)[:, :k]
    return np.take_along_axis(best_i, order, 1)


def connect(url: str, schema: str):
    """An autocommit connection with pgvector's types registered, working in a new `schema`."""
    import psycopg
    from pgvector.psycopg import register_vector

    conn = psycopg.connect(url, autocommit=True)
    conn.execute(f"CREATE SCHEMA {schema}")
    conn.execute(f"SET search_path = {schema}, public")
    register_vector(conn)
    return conn


def server_settings(conn) -> dict[str, str]:
    """The server settings that shape these numbers."""
    names = ("server_version", "shared_buffers", "effective_cache_size", "work_mem", "maintenance_work_mem",
             "max_parallel_maintenance_workers", "max_parallel_workers", "max_worker_processes", "fsync",
             "synchronous_commit", "jit")  # fmt: skip
    out = {n: conn.execute(f"SHOW {n}").fetchone()[0] for n in names}
    row = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
    out["pgvector"] = row[0] if row else "missing"
    return out


def load_vectors(conn, vectors: np.ndarray, batch: int = COPY_BATCH) -> dict[str, Any]:
    """A fresh table of (id, embedding) filled by binary COPY in batches; the insert rate."""
    dim = vectors.shape[1]
    conn.execute("DROP TABLE IF EXISTS vectors")
    conn.execute(f"CREATE TABLE vectors (id bigint PRIMARY KEY, embedding vector({dim}) NOT NULL)")
    t, cpu = time.perf_counter(), time.process_time()
    for s in range(0, len(vectors), batch):
        with (
            conn.transaction(),
            conn.cursor() as cur,
            cur.copy("COPY vectors (id, embedding) FROM STDIN WITH (FORMAT BINARY)") as copy,
        ):
            copy.set_types(["int8", "vector"])
            for i in range(s, min(s + batch, len(vectors))):
                copy.write_row((i, vectors[i]))
    seconds = time.perf_counter() - t
    conn.execute("ANALYZE vectors")
    return {
        "seconds": round(seconds, 2),
        "client_cpu_s": round(time.process_time() - cpu, 2),
        "rows_per_s": round(len(vectors) / seconds, 1),
        "batch_rows": batch,
        "table_mib": _size_mib(conn, "vectors"),
    }


def build_hnsw(conn, m: int, ef_construction: int, tuning: PgTuning) -> dict[str, Any]:
    """CREATE INDEX ... USING hnsw, timed; pgvector's notices (e.g. the graph outgrew memory) kept."""
    notices: list[str] = []
    conn.add_notice_handler(lambda d: notices.append(d.message_primary))
    conn.execute(f"SET maintenance_work_mem = '{tuning.maintenance_work_mem}'")
    conn.execute(f"SET max_parallel_maintenance_workers = {int(tuning.parallel_workers)}")
    cpu0 = server_cpu_seconds(conn)
    t = time.perf_counter()
    conn.execute(
        "CREATE INDEX vectors_hnsw ON vectors USING hnsw (embedding vector_ip_ops) "
        f"WITH (m = {int(m)}, ef_construction = {int(ef_construction)})"
    )
    seconds = time.perf_counter() - t
    cpu1 = server_cpu_seconds(conn)
    return {
        "seconds": round(seconds, 2),
        "server_cpu_s": round(cpu1 - cpu0, 2) if cpu0 is not None and cpu1 is not None else None,
        "index_mib": _size_mib(conn, "vectors_hnsw"),
        "m": m,
        "ef_construction": ef_construction,
        "maintenance_work_mem": tuning.maintenance_work_mem,
        "parallel_workers": tuning.parallel_workers,
        "notices": notices,
    }


def server_cpu_seconds(conn) -> float | None:
    """CPU seconds of this connection's backend plus those of the server's finished children (the
    build's parallel workers), when the server runs on this machine; None otherwise. On a shared
    machine this moves far less than the wall clock."""
    import psutil

    try:
        backend = psutil.Process(conn.info.backend_pid)
        if backend.name() != "postgres" and "postgres" not in " ".join(backend.cmdline()[:1]):
            return None
        parent = backend.parent()
        own, children = backend.cpu_times(), parent.cpu_times() if parent else None
    except (psutil.Error, OSError):
        return None
    total = own.user + own.system
    if children is not None:
        total += children.children_user + children.children_system
    return total


def _size_mib(conn, relation: str) -> float:
    return round(conn.execute("SELECT pg_total_relation_size(%s::regclass)", (relation,)).fetchone()[0] / 2**20, 1)


_SEARCH = "SELECT id FROM vectors ORDER BY embedding <#> %s LIMIT %s"


def uses_index(conn, query: np.ndarray, k: int) -> bool:
    """Whether the planner answers the search with the HNSW index (else it would be exact)."""
    plan = conn.execute("EXPLAIN " + _SEARCH, (query, k)).fetchall()
    return any("vectors_hnsw" in row[0] for row in plan)


def search_each(conn, queries: np.ndarray, k: int = 10, prepare: bool = True) -> tuple[np.ndarray, list[float]]:
    """One query at a time over one connection, as an app process does: (ids, ms of each round trip).
    A prepared statement keeps the plan it was first given (planner settings changed later do not
    reach it): exact search runs unprepared."""
    ids = np.full((len(queries), k), -1, np.int64)
    lat = []
    with conn.cursor(binary=True) as cur:
        for i, q in enumerate(queries):
            t = time.perf_counter()
            rows = cur.execute(_SEARCH, (q, k), prepare=prepare).fetchall()
            lat.append((time.perf_counter() - t) * 1000)
            ids[i, : len(rows)] = [r[0] for r in rows]
    return ids, lat


def search_at(conn, ef: int, queries: np.ndarray, exact: np.ndarray, k: int = 10) -> dict[str, Any]:
    """Warm latency and recall@k at one `hnsw.ef_search`, through the index (on a small table the
    planner would rather scan it all, which is exact search and not what is measured here)."""
    conn.execute(f"SET hnsw.ef_search = {int(ef)}")
    conn.execute("SET enable_seqscan = off")
    try:
        if not uses_index(conn, queries[0], k):
            raise RuntimeError("PostgreSQL does not search with the HNSW index even with enable_seqscan off")
        search_each(conn, queries[:10], k)  # warm: plan prepared, index pages in memory
        cpu0 = server_cpu_seconds(conn)
        ids, lat = search_each(conn, queries, k)
        cpu1 = server_cpu_seconds(conn)
    finally:
        conn.execute("RESET enable_seqscan")
    cpu_ms = round((cpu1 - cpu0) * 1000 / len(queries), 2) if cpu0 is not None and cpu1 is not None else None
    return {"ef_search": ef, "search_ms": percentiles(lat), "server_cpu_ms": cpu_ms,
            f"recall@{k}": round(ann_recall_at_k(ids, exact, k), 4)}  # fmt: skip


def exact_in_postgres(conn, queries: np.ndarray, exact: np.ndarray, k: int = 10) -> dict[str, Any]:
    """PostgreSQL without the index (a sequential scan per query): latency, and its agreement with numpy."""
    conn.execute("SET enable_indexscan = off")
    try:
        if uses_index(conn, queries[0], k):
            raise RuntimeError("PostgreSQL searches with the index even with enable_indexscan off")
        search_each(conn, queries[:2], k, prepare=False)
        ids, lat = search_each(conn, queries, k, prepare=False)
    finally:
        conn.execute("RESET enable_indexscan")
    return {"search_ms": percentiles(lat), f"recall@{k}": round(ann_recall_at_k(ids, exact, k), 4)}


def bench_pg_size(
    conn,
    n: int,
    n_queries: int,
    ef_searches: Sequence[int],
    m: int,
    ef_construction: int,
    tuning: PgTuning,
    faiss: bool = True,
    seed: int = 0,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """One size: load, index, search in PostgreSQL; FAISS HNSW beside it; recall against numpy."""
    import os

    clusters = Clusters.make(n_clusters_for(n), seed=seed)  # the scale part's vectors and queries
    vectors = clusters.sample(n, seed=seed + 1)
    queries = clusters.sample(n_queries, seed=seed + 2)
    exact = exact_top_k(vectors, queries)
    row: dict[str, Any] = {"passages": n, "queries": n_queries, "load_average_before": _load()}
    log(f"  pgscale {n:,}: COPY ...")
    row["insert"] = load_vectors(conn, vectors)
    log(f"  pgscale {n:,}: {row['insert']['rows_per_s']:,.0f} rows/s; building HNSW ...")
    row["load_average_before_build"] = _load()
    row["build"] = build_hnsw(conn, m, ef_construction, tuning)
    row["load_average_after_build"] = _load()
    log(f"  pgscale {n:,}: HNSW built in {row['build']['seconds']} s")
    row["planner_picks_index"] = uses_index(conn, queries[0], 10)  # with default settings
    row["postgres"] = [search_at(conn, ef, queries, exact) for ef in ef_searches]
    row["postgres_exact"] = exact_in_postgres(conn, queries[:EXACT_QUERIES], exact[:EXACT_QUERIES])
    conn.execute("DROP TABLE vectors")
    if faiss:
        row["faiss"] = _faiss_beside(vectors, queries, exact, ef_searches)
    row["load_average_after"] = _load()
    row["cores"] = os.cpu_count()
    return row


def _faiss_beside(vectors: np.ndarray, queries: np.ndarray, exact: np.ndarray, efs: Sequence[int]) -> dict[str, Any]:
    """FAISS HNSW over the same vectors (the file store's index), at the same search breadths."""
    from rag.index.store import build_faiss

    ids = np.arange(len(vectors), dtype=np.int64)
    approx, _ = bench_index(
        partial(build_faiss, ids, vectors, hnsw_threshold=0, ef_search=efs[0]), queries, exact, ef_sweep=tuple(efs)
    )
    return {"build_s": approx["build_s"], "build_cpu_s": approx["build_cpu_s"], "memory_mib": approx["memory_mib"],
            "at_ef": approx["ef_sweep"]}  # fmt: skip


def _load() -> list[float]:
    import os

    return [round(x, 2) for x in os.getloadavg()]


def run_pgscale(
    url: str,
    sizes: Sequence[int],
    n_queries: int,
    ef_searches: Sequence[int],
    tuning: PgTuning | None = None,
    faiss: bool = True,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """The pgscale section of the report: one row per size, with the server's settings."""
    import os

    from rag.index.store import HNSW_EF_CONSTRUCTION, HNSW_M

    tuning = tuning or PgTuning()
    schema = f"{SCHEMA_PREFIX}{os.getpid()}"
    conn = connect(url, schema)
    try:
        out: dict[str, Any] = {"dim": 384, "k": 10, "server": server_settings(conn), "rows": []}
        for n in sizes:
            row, t = timed(
                lambda n=n: bench_pg_size(
                    conn, n, n_queries, ef_searches, HNSW_M, HNSW_EF_CONSTRUCTION, tuning, faiss, log=log
                )  # fmt: skip
            )
            row["seconds"] = round(t.seconds, 1)
            first = row["postgres"][0]
            log(f"  pgscale {n:,}: p50 {first['search_ms']['p50']} ms, recall@10 {first['recall@10']} "
                f"(ef_search {first['ef_search']})")  # fmt: skip
            out["rows"].append(row)
        out["build_extrapolation"] = extrapolate_build(out["rows"])
    finally:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.close()
    return out


def extrapolate_build(rows: Sequence[dict[str, Any]], to: int = 1_000_000) -> dict[str, Any] | None:
    """The HNSW build time at `to` passages, from the largest size built, as n log n (HNSW inserts
    cost about log n each); None when `to` was built.

    >>> extrapolate_build([{"passages": 100_000, "build": {"seconds": 100.0}}])["seconds"]
    1200.0
    """
    if not rows or any(r["passages"] >= to for r in rows):
        return None
    big = max(rows, key=lambda r: r["passages"])
    n, s = big["passages"], big["build"]["seconds"]
    est = s * (to / n) * (np.log(to) / np.log(n))
    return {"passages": to, "from": n, "seconds": round(float(est), 0), "model": "n log n"}
