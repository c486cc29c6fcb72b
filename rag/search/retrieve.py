"""Retrieval: dense (FAISS) and lexical (BM25), fused by a weighted sum of their normalized
scores, optional MMR, and a relevance floor so a question the articles never touch returns
nothing rather than noise.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from rag.config import MODES, Settings
from rag.errors import ConfigError
from rag.index.embed import Embedder
from rag.index.lexical import lexical_tokens
from rag.index.store import StoreReader
from rag.records import Hit


@dataclass(frozen=True)
class SearchResult:
    query: str
    mode: str
    hits: tuple[Hit, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)
    # The nearest passages even when none passed the floor (the UI shows them on abstention).
    nearest: tuple[Hit, ...] = ()
    query_vector: np.ndarray | None = field(default=None, compare=False, repr=False)


# Hybrid fusion: the dense share of the fused score. Chosen on the BEIR SciFact train split (809
# queries): 0.7 gave nDCG@10 0.734 there against 0.715 for reciprocal-rank fusion (k=60), and it
# keeps our own eval set as good (README, "Evaluation").
DENSE_WEIGHT = 0.7
BM25_LOOKUP_DEPTH = 10  # BM25 scores are read this many times deeper than the candidate list


def convex_fusion(dense: dict[int, float], lexical: dict[int, float], weight: float = DENSE_WEIGHT) -> dict[int, float]:
    """Hybrid score of each candidate: weight * cosine / best cosine + (1 - weight) * BM25 / best BM25.

    Dividing by each method's best score puts both on 0..1 whatever the corpus or question, so
    one weight holds everywhere (raw BM25 grows with question length, cosine does not). Unlike
    rank fusion it keeps how far apart the scores are. A candidate missing from `lexical` gets 0 there.

    >>> convex_fusion({1: 0.8, 2: 0.4}, {2: 10.0}, weight=0.5) == {1: 0.5, 2: 0.75}
    True
    """
    best_dense = max(dense.values(), default=0.0)
    best_lexical = max(lexical.values(), default=0.0)
    dense_scale = best_dense if best_dense > 0 else 1.0
    lexical_scale = best_lexical if best_lexical > 0 else 1.0
    return {i: weight * d / dense_scale + (1 - weight) * lexical.get(i, 0.0) / lexical_scale for i, d in dense.items()}


def rrf(rankings: list[list[int]], k: int = 60) -> dict[int, float]:
    """Reciprocal-rank fusion: sum over lists of 1 / (k + rank), ranks from 1.

    >>> rrf([[7, 8], [8, 9]], k=60) == {7: 1/61, 8: 1/62 + 1/61, 9: 1/62}
    True
    """
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


def mmr(candidates: list[int], relevance: np.ndarray, vectors: np.ndarray, k: int, lam: float = 0.7) -> list[int]:
    """Maximal marginal relevance: pick relevant items that are not near-copies of picked ones.

    Args:
        candidates: item ids, best first; `relevance[i]` and `vectors[i]` belong to `candidates[i]`.
    Returns:
        Up to k ids in pick order.
    """
    if not candidates:
        return []
    rel = relevance / (relevance.max() or 1.0)
    sims = vectors @ vectors.T
    picked: list[int] = []
    best_sim = np.full(len(candidates), -np.inf)
    available = np.ones(len(candidates), dtype=bool)
    for _ in range(min(k, len(candidates))):
        penalty = np.where(np.isfinite(best_sim), best_sim, 0.0)
        score = np.where(available, lam * rel - (1 - lam) * penalty, -np.inf)
        i = int(np.argmax(score))
        picked.append(i)
        available[i] = False
        best_sim = np.maximum(best_sim, sims[i])
    return [candidates[i] for i in picked]


def search(
    question: str,
    settings: Settings,
    snapshot: StoreReader,
    *,
    embedder: Embedder,
    k: int | None = None,
    mode: str | None = None,
    use_mmr: bool | None = None,
    floor: float | None = None,
) -> SearchResult:
    """Find the passages that best answer `question`.

    Args:
        question: the text to search for (the caller has already folded in chat context).
        snapshot, embedder: the index and the model that built it (`Engine.search` passes its own).
        k, mode, use_mmr, floor: override the settings for this call.
    Returns:
        Hits best first; `score` is cosine (dense), BM25 (bm25) or the `convex_fusion` score
        (hybrid, where `scores_by_method` also carries the reciprocal-rank fusion score "rrf").
    """
    mode = mode or settings.mode
    if mode not in MODES:
        raise ConfigError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
    k = k or settings.top_k
    use_mmr = settings.mmr if use_mmr is None else use_mmr
    floor = settings.min_dense_score if floor is None else floor
    timings: dict[str, float] = {}
    n_cand = max(50, 10 * k)
    query = question.strip()

    t = time.perf_counter()
    qv = embedder.embed_query(query) if query else np.zeros(embedder.dim, np.float32)
    timings["embed_ms"] = _ms(t)
    dense_ids: np.ndarray = np.zeros(0, np.int64)
    bm25_ids: np.ndarray = np.zeros(0, np.int64)
    bm25_scores: np.ndarray = np.zeros(0, np.float32)
    if mode in ("dense", "hybrid"):
        t = time.perf_counter()
        dense_ids, _ = snapshot.search_dense(qv, n_cand)
        timings["faiss_ms"] = _ms(t)
    if mode in ("bm25", "hybrid"):
        t = time.perf_counter()
        # Hybrid reads BM25 deeper than its candidates, so a dense candidate gets its real BM25 score.
        depth = n_cand * (BM25_LOOKUP_DEPTH if mode == "hybrid" else 1)
        bm25_ids, bm25_scores = snapshot.search_lexical(lexical_tokens(query), depth)
        timings["bm25_ms"] = _ms(t)

    t = time.perf_counter()
    ranked_rrf: dict[int, float] = {}
    if mode == "hybrid":
        ranked_rrf = rrf([dense_ids.tolist(), bm25_ids[:n_cand].tolist()], settings.rrf_k)
        fused = dict(ranked_rrf)  # the candidates; scored by convex_fusion below
    elif mode == "dense":
        fused = {int(i): 0.0 for i in dense_ids}
    else:
        fused = {int(i): float(s) for i, s in zip(bm25_ids, bm25_scores)}
    ids = list(fused)
    vecs = snapshot.vectors_of(ids) if ids else np.zeros((0, embedder.dim), np.float32)
    cos = vecs @ qv if ids else np.zeros(0, np.float32)
    bm25_of = {int(i): float(s) for i, s in zip(bm25_ids, bm25_scores)}
    cos_of = {i: float(c) for i, c in zip(ids, cos)}
    if mode == "dense":
        fused = dict(cos_of)
    elif mode == "hybrid":
        fused = convex_fusion(cos_of, {i: bm25_of[i] for i in ids if i in bm25_of})
    order = sorted(ids, key=lambda i: (-fused[i], i))
    nearest_ids = order[:k]
    passing = [i for i in order if cos_of[i] >= floor]
    if use_mmr and passing:
        pos = {i: n for n, i in enumerate(ids)}
        sel = [pos[i] for i in passing]
        passing = mmr(passing, np.array([fused[i] for i in passing]), vecs[sel], k, settings.mmr_lambda)
    top = passing[:k]
    timings["fusion_ms"] = _ms(t)

    t = time.perf_counter()
    chunks = snapshot.chunks(list(dict.fromkeys(top + nearest_ids)))
    timings["fetch_ms"] = _ms(t)

    def hit(i: int, rank: int) -> Hit:
        by = {"dense": cos_of[i], "bm25": bm25_of.get(i, 0.0)}
        if mode == "hybrid":
            by["rrf"] = ranked_rrf[i]
        doc = snapshot.manifest["documents"].get(chunks[i].doc_id, {})
        return Hit(
            chunk=chunks[i],
            score=fused[i],
            rank=rank,
            scores_by_method=by,
            doc_title=doc.get("title", ""),
            doc_path=doc.get("path", ""),
        )

    hits = tuple(hit(i, r) for r, i in enumerate(top, start=1))
    nearest = tuple(hit(i, r) for r, i in enumerate(nearest_ids, start=1))
    return SearchResult(query=question, mode=mode, hits=hits, timings_ms=timings, nearest=nearest, query_vector=qv)


def _ms(t: float) -> float:
    return round((time.perf_counter() - t) * 1000, 3)
