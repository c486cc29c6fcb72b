"""Retrieval: dense (FAISS) and lexical (BM25), fused by a weighted sum of their normalized
scores, optional MMR, and a relevance floor so a question the articles never touch returns
nothing rather than noise.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from rag.config import MODES, Settings
from rag.errors import ConfigError
from rag.index.embed import Embedder
from rag.index.lexical import lexical_tokens
from rag.index.store import StoreReader
from rag.records import Hit
from rag.search.filters import Filters
from rag.search.names import chunks_mentioning, docs_by_source, docs_by_surname, is_subject, key_names, told_and_asked
from rag.search.when import NO_TIME, TimeHint, article_dates, needs_today, newest_date, read_time
from rag.search.wire import collapse_candidates


@dataclass(frozen=True)
class SearchResult:
    query: str
    mode: str
    hits: tuple[Hit, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)
    # The nearest passages even when none passed the floor (the UI shows them on abstention).
    nearest: tuple[Hit, ...] = ()
    query_vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    notes: tuple[str, ...] = ()  # e.g. what a filter left out


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


def _named_below_floor(query: str, below: list[int], snapshot: StoreReader) -> set[int]:
    """Candidates under the relevance floor that mention a name the question is about, or, for
    a subject rather than a question (`is_subject`: "coal", "coal wagons"), all of its words.

    The floor is on cosine, and a short question about a person can sit under it for the very
    passage that names them ("Who criticized Zatulin's remarks?": 0.246 for the passage with
    Zatulin, BM25's first). A name the articles use is evidence that cosine blurs; so are the
    words someone searches for (a single word's cosine to a whole passage is low).
    """
    names = key_names(query) if below else []
    if below and is_subject(query):
        names.append(query)
    named: set[int] = set()
    for name in names:  # every word: "World Cup" is not named by a passage that says "world"
        named |= chunks_mentioning(name, snapshot, every_word=True)
    return named & set(below)


# Candidates under the floor (the first this many by fused score) in which one sentence holds the
# question's words (`_worded_below_floor`).
WORDED_CANDIDATES = 10


_HEDGES = re.compile(
    r"\bhow\s+(?:many|much)\b|\b[a-z]{3,}ly\b|\bhappen(?:ed|s|ing)?\b|\btook\s+place\b|\boccurred\b"
    # the asking verb of "What did the minister of economy say?", "What does he think about China?"
    r"|\b(?:say|think|believe)\b(?=\s*(?:about\b|of\b|\?|$))"
    # a denial frames what is asked ("Who couldn't find the headphones?": "... tried to find the headphones")
    r"|\b[a-z]+n['’]t\b|\bnot\b"
    # nor are the articles themselves, nor the asking of "Tell me about ..."
    r"|\b(?:articles?|pieces?|texts?|stories)\b|^\W*tell\s+me\b",
    re.I,
)
_ORDINAL_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")  # "November 23rd" is the question's "November 23"


def _day_tokens(text: str) -> set[str]:
    return {_ORDINAL_DAY.sub(r"\1", t) for t in lexical_tokens(text)}


def _worded_below_floor(query: str, below: list[int], snapshot: StoreReader) -> set[int]:
    """Candidates under the relevance floor with one sentence holding the question's words (with
    those of the two sentences before it): of its n words at most (n - 1) // 3 missing (none of two
    or three words, one of four to six), and none of those a word of its names. "How many" and
    adverbs in -ly ("supposedly", "roughly") are the question's asking and hedging, no words the
    evidence need hold; nor are "happened" and "took place" ("What happened on March 6?" asks what
    the sentence with "On March 6" tells), and a day's "23rd" is its "23". Nor is a denial: "Who
    couldn't find the headphones?" is told by "... tried to find the headphones"; nor "the articles"
    of "What do the articles say about headphones?", whose one word is enough.

    A passage that says much else has a low cosine to a question about one of its sentences ("Where
    were the 50 mines found?": 0.158 for the passage on the oil pipeline, whose one sentence says
    "50 mines ... were accidentally found in the water area"), but a sentence with the question's
    own words is evidence that cosine blurs. A word the question names is never the one missing:
    "Where were the 50 mines from the Crimean War found?" is not that sentence's question.
    """
    table = snapshot.sentences
    # "How many" and "happened" ask, "supposedly" hedges: none is a word the evidence need hold.
    words = _day_tokens(_HEDGES.sub(" ", query))
    if table is None or not words or not below:
        return set()
    named = set(lexical_tokens(" ".join(key_names(query))))
    allowed = (len(words) - 1) // 3
    found: set[int] = set()
    for i, c in snapshot.chunks(below).items():
        rows = table.rows_in(c.doc_id, c.char_start, c.char_end)
        before: set[str] = set()
        last: set[str] = set()
        for start, end in zip(table.starts[rows].tolist(), table.ends[rows].tolist()):
            tokens = _day_tokens(c.text[start - c.char_start : end - c.char_start])
            # A sentence read with the one before it, whose words it may give to someone: "In his
            # opinion, the problem is how the statements of officials are broadcast in the media.
            # “As the question is posed, so it is answered,” the expert says."
            missing = words - tokens - before
            if len(missing) <= allowed and not missing & named:
                found.add(i)
                break
            before, last = tokens | last, tokens
    return found


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
    filters: Filters | None = None,
    group: bool | None = None,
) -> SearchResult:
    """Find the passages that best answer `question`.

    Args:
        question: the text to search for (the caller has already folded in chat context).
        snapshot, embedder: the index and the model that built it (`Engine.search` passes its own).
        k, mode, use_mmr, floor: override the settings for this call.
        filters: search only the articles they let through (date, outlet, author); applied inside
            dense and lexical search, so up to k passages of those articles come back.
        group: show each story with wire copies once (`rag.search.wire`); default `settings.group_wire`.
    Returns:
        Hits best first; `score` is cosine (dense), BM25 (bm25) or the `convex_fusion` score
        (hybrid, where `scores_by_method` also carries the reciprocal-rank fusion score "rrf").
    """
    mode = mode or settings.mode
    if mode not in MODES:
        raise ConfigError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
        raise ConfigError(f"k (passages to return) must be a whole number of at least 1; got {k!r}")
    k = k or settings.top_k
    use_mmr = settings.mmr if use_mmr is None else use_mmr
    floor = settings.min_dense_score if floor is None else floor
    timings: dict[str, float] = {}
    query = question.strip()
    docs, notes = _allowed(filters, snapshot)

    t = time.perf_counter()
    qv = embedder.embed_query(query) if query else np.zeros(embedder.dim, np.float32)
    timings["embed_ms"] = _ms(t)
    n_cand = max(50, 10 * k)
    sc = _scored(query, qv, mode, n_cand, snapshot, settings, timings, docs)
    hint = _time_hint(query, snapshot, settings)
    if hint.active:
        if hint.periods:  # the period's best passages compete even where others fill the candidate list
            sc = _merged(sc, _period_candidates(query, qv, mode, n_cand, snapshot, settings, docs, hint))
        sc, fits = _time_boosted(sc, hint, snapshot, settings.time_boost)
        notes += (f"Passages from {hint.describe()} were preferred.",) if fits else ()

    if named := sources_named(query, snapshot):
        sc = _source_boosted(sc, named, snapshot, SOURCE_BOOST)

    t = time.perf_counter()
    order = sorted(sc.ids, key=lambda i: (-sc.fused[i], i))
    order, wire = collapse_candidates(order, snapshot, settings.group_wire if group is None else group)
    nearest_ids = order[:k]
    below = [i for i in order if sc.cos[i] < floor]
    named = _named_below_floor(query, below, snapshot)
    named |= _worded_below_floor(query, [i for i in below[:WORDED_CANDIDATES] if i not in named], snapshot)
    passing = [i for i in order if sc.cos[i] >= floor or i in named]
    if use_mmr and passing:
        pos = {i: n for n, i in enumerate(sc.ids)}
        sel = [pos[i] for i in passing]
        passing = mmr(passing, np.array([sc.fused[i] for i in passing]), sc.vectors[sel], k, settings.mmr_lambda)
    top = passing[:k]
    timings["fusion_ms"] = _ms(t)

    t = time.perf_counter()
    chunks = snapshot.chunks(list(dict.fromkeys(top + nearest_ids)))
    timings["fetch_ms"] = _ms(t)
    docs = snapshot.manifest.documents
    hits = tuple(sc.hit(i, r, chunks[i], docs) for r, i in enumerate(top, start=1))
    nearest = tuple(sc.hit(i, r, chunks[i], docs) for r, i in enumerate(nearest_ids, start=1))
    if wire is not None:
        hits, nearest = wire.annotate(hits), wire.annotate(nearest)
    return SearchResult(
        query=question, mode=mode, hits=hits, timings_ms=timings, nearest=nearest, query_vector=qv, notes=notes
    )


def _time_hint(query: str, snapshot: StoreReader, settings: Settings) -> TimeHint:
    """What the question says about time (rag/search/when.py); NO_TIME when the boost is off."""
    if settings.time_boost <= 0:
        return NO_TIME
    today = newest_date(snapshot.manifest.documents) if needs_today(query) else None
    return read_time(query, today)


def _period_candidates(query: str, qv: np.ndarray, mode: str, n_cand: int, snapshot: StoreReader,
                       settings: Settings, docs: frozenset[str] | None, hint: TimeHint) -> _Scores | None:  # fmt: skip
    """Candidates among the articles published in the question's periods only (None when every or no
    article is), so in a large archive a passage of that time is not lost behind 50 of other times."""
    documents = snapshot.manifest.documents
    allowed = documents.keys() if docs is None else docs
    dates = article_dates(documents, allowed)
    fitting = frozenset(d for d, day in dates.items() if hint.period_match(day) > 0)
    if not fitting or len(fitting) == len(dates):
        return None
    return _scored(query, qv, mode, n_cand, snapshot, settings, {}, fitting)


def _merged(sc: _Scores, more: _Scores | None) -> _Scores:
    """`sc` with the candidates of `more` it lacks, fused again over both.

    A passage's cosine and BM25 score do not depend on which articles were searched, and the best
    of each is already among `sc`'s candidates (the top of both lists), so `sc`'s fused scores stay
    as they were.
    """
    new = [i for i in (more.ids if more else []) if i not in sc.cos]
    if not more or not new:
        return sc
    where = {i: n for n, i in enumerate(more.ids)}
    ids = sc.ids + new
    cos = {**sc.cos, **{i: more.cos[i] for i in new}}
    bm25 = {**more.bm25, **sc.bm25}
    if sc.mode == "hybrid":
        fused = convex_fusion(cos, {i: bm25[i] for i in ids if i in bm25})
    else:
        fused = dict(cos) if sc.mode == "dense" else {i: bm25[i] for i in ids}
    vectors = np.vstack([sc.vectors, more.vectors[[where[i] for i in new]]])
    return _Scores(sc.mode, ids, vectors, cos, bm25, {**more.rrf, **sc.rrf}, fused)


def _time_boosted(sc: _Scores, hint: TimeHint, snapshot: StoreReader, boost: float) -> tuple[_Scores, bool]:
    """The scores with `boost` x the best fused score x the article's fit to the hint added to each
    candidate (a share of the best, so it weighs the same in every mode), and whether any candidate fit.

    A soft preference: a passage that fits is lifted, none is removed, and the relevance floor
    (on cosine) is untouched, so a question about a time no article covers is answered as before.
    """
    chunks = snapshot.chunks(sc.ids) if sc.ids else {}
    doc_of = {i: chunks[i].doc_id for i in sc.ids if i in chunks}
    fit = hint.match(article_dates(snapshot.manifest.documents, set(doc_of.values())))
    time = {i: fit.get(doc_of.get(i, ""), 0.0) for i in sc.ids}
    bonus = boost * max(sc.fused.values(), default=0.0)
    fused = {i: s + bonus * time[i] for i, s in sc.fused.items()}
    return replace(sc, fused=fused, time=time), any(v > 0 for v in time.values())


# A question that names an article's outlet or author ("according to the Frontier Post piece",
# "Bettina Menzel's article") asks about that article: its passages get this share of the best
# fused score, as a question about a time does (`_time_boosted`).
SOURCE_BOOST = 0.15


def sources_named(query: str, snapshot: StoreReader) -> frozenset[str]:
    """The articles whose outlet (every word of it longer than two letters: "Frontier Post",
    "Orda" for "Orda.kz") or author's surname the question's asking sentence names: "Frontier Post
    says ... What share does the article on the speech give?" asks about another article."""
    asked = set(lexical_tokens(told_and_asked(query)[1]))
    docs = snapshot.manifest.documents
    authors = docs_by_surname(docs)
    out = {d for t in asked for d in authors.get(t, ())}
    out.update(d for words, ids in docs_by_source(docs).items() if words <= asked for d in ids)
    return frozenset(out)


def _source_boosted(sc: _Scores, docs: frozenset[str], snapshot: StoreReader, boost: float) -> _Scores:
    """The scores with `boost` x the best fused score added to each candidate of `docs`."""
    chunks = snapshot.chunks(sc.ids) if sc.ids else {}
    bonus = boost * max(sc.fused.values(), default=0.0)
    fused = {i: s + (bonus if i in chunks and chunks[i].doc_id in docs else 0.0) for i, s in sc.fused.items()}
    return replace(sc, fused=fused)


def _allowed(filters: Filters | None, snapshot: StoreReader) -> tuple[frozenset[str] | None, tuple[str, ...]]:
    """The documents a search may draw from (None: all) and notes on what the filters left out."""
    if filters is None or not filters.active:
        return None, ()
    selection = filters.select(snapshot.manifest.documents)
    return selection.doc_ids, selection.notes()


@dataclass(frozen=True)
class _Scores:
    """Every candidate's scores for one question."""

    mode: str
    ids: list[int]
    vectors: np.ndarray  # the candidates' passage vectors, in `ids` order
    cos: dict[int, float]
    bm25: dict[int, float]
    rrf: dict[int, float]  # hybrid only
    fused: dict[int, float]  # the ranking score of the mode (with the time boost, when one applied)
    time: dict[int, float] = field(default_factory=dict)  # each candidate's fit to the question's time

    def hit(self, i: int, rank: int, chunk, docs: Mapping[str, Mapping[str, Any]]) -> Hit:
        by = {"dense": self.cos[i], "bm25": self.bm25.get(i, 0.0)}
        if self.mode == "hybrid":
            by["rrf"] = self.rrf[i]
        if self.time:
            by["time"] = self.time[i]
        doc = docs.get(chunk.doc_id, {})
        return Hit(chunk=chunk, score=self.fused[i], rank=rank, scores_by_method=by,
                   doc_title=doc.get("title", ""), doc_path=doc.get("path", ""),
                   doc_date=str(doc.get("date") or ""))  # fmt: skip


def _scored(query: str, qv: np.ndarray, mode: str, n_cand: int, snapshot: StoreReader, settings: Settings,
            timings: dict[str, float], docs: frozenset[str] | None = None) -> _Scores:  # fmt: skip
    """Candidates from FAISS and/or BM25 (of `docs` only, when given), each with its cosine, BM25
    and fused score."""
    dense_ids: np.ndarray = np.zeros(0, np.int64)
    bm25_ids: np.ndarray = np.zeros(0, np.int64)
    bm25_scores: np.ndarray = np.zeros(0, np.float32)
    if mode in ("dense", "hybrid"):
        t = time.perf_counter()
        dense_ids, _ = snapshot.search_dense(qv, n_cand, docs)
        timings["faiss_ms"] = _ms(t)
    if mode in ("bm25", "hybrid"):
        t = time.perf_counter()
        # Hybrid reads BM25 deeper than its candidates, so a dense candidate gets its real BM25 score.
        depth = n_cand * (BM25_LOOKUP_DEPTH if mode == "hybrid" else 1)
        bm25_ids, bm25_scores = snapshot.search_lexical(lexical_tokens(query), depth, docs)
        timings["bm25_ms"] = _ms(t)
    ranked_rrf: dict[int, float] = {}
    if mode == "hybrid":
        ranked_rrf = rrf([dense_ids.tolist(), bm25_ids[:n_cand].tolist()], settings.rrf_k)
        ids = list(ranked_rrf)  # the candidates; scored by convex_fusion below
    elif mode == "dense":
        ids = [int(i) for i in dense_ids]
    else:
        ids = [int(i) for i in bm25_ids]
    vecs = snapshot.vectors_of(ids) if ids else np.zeros((0, len(qv)), np.float32)
    cos = {i: float(c) for i, c in zip(ids, vecs @ qv if ids else [])}
    bm25_of = {int(i): float(s) for i, s in zip(bm25_ids, bm25_scores)}
    if mode == "dense":
        fused = dict(cos)
    elif mode == "hybrid":
        fused = convex_fusion(cos, {i: bm25_of[i] for i in ids if i in bm25_of})
    else:
        fused = {i: bm25_of[i] for i in ids}
    return _Scores(mode, ids, vecs, cos, bm25_of, ranked_rrf, fused)


def _ms(t: float) -> float:
    return round((time.perf_counter() - t) * 1000, 3)
