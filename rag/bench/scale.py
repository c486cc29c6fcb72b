"""Scale: synthetic indexes of 10k to 1M passages, exact (Flat) against approximate search.

Vectors are unit-length 384-dim, drawn in clusters that live near low-dimensional subspaces,
as sentence embeddings do (topics; a few directions of variation inside a topic). Purely
uniform random vectors would make every neighbour nearly equidistant and ANN recall
meaningless. Queries are fresh draws from the same clusters, not copies of indexed vectors.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from rag.bench.stats import ann_recall_at_k, percentiles, ratio, rss_mib, timed

DIM = 384
SUBSPACE = 24  # directions of variation inside a cluster
SPREAD = 0.8  # within-cluster variation, relative to the unit cluster centre
NOISE = 0.25  # isotropic noise on top, so points are not exactly on the subspace


@dataclass(frozen=True)
class Clusters:
    """The generating model: centres and a within-cluster basis for each cluster."""

    centres: np.ndarray  # (c, dim)
    bases: np.ndarray  # (c, SUBSPACE, dim)

    @classmethod
    def make(cls, n_clusters: int, dim: int = DIM, seed: int = 0) -> Clusters:
        rng = np.random.default_rng(seed)
        centres = _unit(rng.standard_normal((n_clusters, dim), dtype=np.float32))
        bases = rng.standard_normal((n_clusters, SUBSPACE, dim), dtype=np.float32) / np.sqrt(dim)
        return cls(centres, bases)

    def sample(self, n: int, seed: int, batch: int = 100_000) -> np.ndarray:
        """n unit vectors, generated in batches to keep memory at the size of the result."""
        rng = np.random.default_rng(seed)
        c, dim = self.centres.shape
        out = np.empty((n, dim), dtype=np.float32)
        for s in range(0, n, batch):
            m = min(batch, n - s)
            which = rng.integers(0, c, m)
            coef = rng.standard_normal((m, SUBSPACE), dtype=np.float32) * (SPREAD / np.sqrt(SUBSPACE))
            inside = np.empty((m, dim), dtype=np.float32)
            order = np.argsort(which, kind="stable")
            starts = np.searchsorted(which[order], np.arange(c + 1))
            for j in range(c):  # one small matrix product per cluster, not an (m, S, dim) tensor
                rows = order[starts[j] : starts[j + 1]]
                inside[rows] = coef[rows] @ self.bases[j]
            noise = rng.standard_normal((m, dim), dtype=np.float32) * (NOISE / np.sqrt(dim))
            out[s : s + m] = _unit(self.centres[which] + inside + noise)
        return out


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def n_clusters_for(n: int) -> int:
    """About 1,000 passages per topic, at least 10 topics."""
    return max(10, n // 1000)


def search_each(index: Any, queries: np.ndarray, k: int = 10) -> tuple[np.ndarray, list[float]]:
    """One query at a time, as the app does: (ids (q, k), latency of each in ms)."""
    import time

    from rag.index.store import single_threaded_faiss

    single_threaded_faiss()  # as the app searches
    ids = np.empty((len(queries), k), dtype=np.int64)
    lat = []
    for i, q in enumerate(queries):
        t = time.perf_counter()
        _, found = index.search(q.reshape(1, -1), k)
        lat.append((time.perf_counter() - t) * 1000)
        ids[i] = found[0]
    return ids, lat


def bench_index(
    build: Callable[[], Any],
    queries: np.ndarray,
    exact_ids: np.ndarray | None,
    k: int = 10,
    ef_sweep: tuple[int, ...] = (),
) -> tuple[dict[str, Any], np.ndarray]:
    """Build time, memory, latency percentiles and recall@k of one index; for HNSW, the same
    latency and recall at each search breadth of `ef_sweep` (the index is built once)."""
    gc.collect()
    before = rss_mib()
    index, t = timed(build)
    grown = rss_mib() - before
    search_each(index, queries[:10], k)  # warm caches
    ids, lat = search_each(index, queries, k)
    row: dict[str, Any] = {
        "build_s": round(t.seconds, 2),
        "build_cpu_s": round(t.cpu_seconds, 2),
        "memory_mib": round(max(grown, 0.0), 1),
        "search_ms": percentiles(lat),
        f"recall@{k}": round(ann_recall_at_k(ids, exact_ids, k), 4) if exact_ids is not None else 1.0,
    }
    if ef_sweep and exact_ids is not None:
        row["ef_sweep"] = [_at_ef(index, ef, queries, exact_ids, k) for ef in ef_sweep]
    del index
    return row, ids


def _at_ef(index: Any, ef: int, queries: np.ndarray, exact_ids: np.ndarray, k: int) -> dict[str, Any]:
    from rag.index.store import set_ef_search

    set_ef_search(index, ef)
    search_each(index, queries[:10], k)
    ids, lat = search_each(index, queries, k)
    return {"ef_search": ef, "search_ms": percentiles(lat), f"recall@{k}": round(ann_recall_at_k(ids, exact_ids, k), 4)}


EF_SWEEP = (32, 64, 128, 256)


def bench_size(n: int, n_queries: int, hnsw_threshold: int, ef_search: int, seed: int = 0) -> dict[str, Any]:
    """Exact and approximate index over n synthetic passages; the auto choice is named."""
    from rag.index.store import build_faiss, choose_index

    clusters = Clusters.make(n_clusters_for(n), seed=seed)
    (vectors, gen) = timed(lambda: clusters.sample(n, seed=seed + 1))
    queries = clusters.sample(n_queries, seed=seed + 2)
    ids = np.arange(n, dtype=np.int64)
    flat, exact_ids = bench_index(partial(build_faiss, ids, vectors, hnsw_threshold=n + 1), queries, None)
    approx, _ = bench_index(
        partial(build_faiss, ids, vectors, hnsw_threshold=0, ef_search=ef_search), queries, exact_ids, ef_sweep=EF_SWEEP
    )
    p50 = approx["search_ms"]["p50"]
    return {
        "passages": n,
        "clusters": clusters.centres.shape[0],
        "queries": n_queries,
        "generate_s": round(gen.seconds, 2),
        "auto_choice": choose_index(n, hnsw_threshold),
        "flat": flat,
        "approx": {**approx, "ef_search": ef_search, "speedup_vs_flat_p50": ratio(p50, flat["search_ms"]["p50"])},
    }


def run_scale(sizes: list[int], n_queries: int, hnsw_threshold: int, ef_search: int, log=print) -> dict[str, Any]:
    """The scale section of the report: one row per index size."""
    rows = []
    for n in sizes:
        log(f"scale: {n:,} passages ...")
        row = bench_size(n, n_queries, hnsw_threshold, ef_search)
        log(
            f"  flat p50 {row['flat']['search_ms']['p50']} ms; approx p50 {row['approx']['search_ms']['p50']} ms, "
            f"recall@10 {row['approx']['recall@10']}, build {row['approx']['build_s']} s"
        )
        rows.append(row)
    return {"dim": DIM, "k": 10, "rows": rows}
