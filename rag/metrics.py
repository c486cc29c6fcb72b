"""Small pure functions for the eval harness and the benchmark: relevance by evidence quote,
ranking metrics, and answer metrics. Nothing here touches a model or an index (which is why it
sits in the base layer, where rag/evaluation and rag/bench can both use it).

A retrieved passage is relevant when it holds an evidence quote (after normalizing whitespace,
NBSP, quote marks and case), or when a chunk boundary cut the quote and the passage still holds
most of it: a run of consecutive words covering at least 60% of the quote's words.

>>> evidence_in("He said: “we will  not”\\u00a0recognise them.", 'we will not" recognise')
True
>>> ndcg_at_k([0, 1], [1], 10) == 1 / math.log2(3)
True
>>> normalize_answer("About 1,700 Wagons [2]")
'about 1700 wagons'
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Sequence

MIN_COVER = 0.6  # share of a cut quote's words a passage must hold in one run to count

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b]+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"})
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
_WORD = re.compile(r"\w+")
_CITATION_MARK = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
_THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u202f\u2009](?=\d{3}(?!\d))")
_ARTICLES = frozenset({"a", "an", "the"})


# ---------------------------------------------------------------- relevance by evidence quote


def normalize_text(text: str) -> str:
    """Casefolded, one space for any whitespace run (NBSP included), straight quotes, plain dashes."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES).translate(_DASHES)
    return _SPACES.sub(" ", text).strip().casefold()


def words(text: str) -> list[str]:
    """The normalized words of a text, punctuation dropped."""
    return _WORD.findall(normalize_text(text))


def longest_common_run(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest run of consecutive items that `a` and `b` share.

    >>> longest_common_run("x a b c y".split(), "a b c d".split())
    3
    """
    best = 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def evidence_in(passage: str, quote: str, min_cover: float = MIN_COVER) -> bool:
    """True when `passage` holds `quote`, or a run of words covering `min_cover` of it.

    Args:
        passage: a retrieved chunk's text.
        quote: one evidence quote of the eval set.
        min_cover: the share of the quote's words that one run must cover (a chunk boundary
            cut the quote, and the passage keeps most of it).
    """
    q = normalize_text(quote)
    if not q:
        return False
    if q in normalize_text(passage):
        return True
    qw = words(quote)
    return bool(qw) and longest_common_run(qw, words(passage)) >= math.ceil(min_cover * len(qw))


def quotes_in(passage: str, quotes: Sequence[str], min_cover: float = MIN_COVER) -> frozenset[int]:
    """Indexes of the quotes that `passage` holds."""
    return frozenset(i for i, q in enumerate(quotes) if evidence_in(passage, q, min_cover))


# ---------------------------------------------------------------- ranking metrics


def precision_at_k(relevant: Sequence[bool], k: int) -> float:
    """Relevant items among the first k, divided by k (a short list counts its gaps as misses)."""
    return sum(bool(r) for r in relevant[:k]) / k


def recall_at_k(found: Sequence[Collection], n_wanted: int, k: int) -> float:
    """Share of the wanted things (evidence quotes, relevant documents) found in the first k.

    Args:
        found: per rank, which wanted things that item holds (an empty set when none).
        n_wanted: how many there are; 0 gives 0.0.
    """
    if n_wanted <= 0:
        return 0.0
    seen: set = set()
    for item in found[:k]:
        seen.update(item)
    return len(seen) / n_wanted


def hit_at_k(relevant: Sequence[bool], k: int) -> float:
    """1.0 when any of the first k items is relevant, else 0.0."""
    return 1.0 if any(relevant[:k]) else 0.0


def reciprocal_rank(relevant: Sequence[bool], k: int = 10) -> float:
    """1 / rank of the first relevant item within the first k (0.0 when there is none)."""
    for rank, r in enumerate(relevant[:k], start=1):
        if r:
            return 1.0 / rank
    return 0.0


def dcg(gains: Sequence[float], k: int) -> float:
    """Discounted cumulative gain: sum of gain / log2(rank + 1) over the first k ranks."""
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(gains[:k], start=1))


def ndcg_at_k(gains: Sequence[float], all_gains: Sequence[float], k: int = 10) -> float:
    """nDCG@k as trec_eval computes it (linear gains).

    Args:
        gains: the gain of each retrieved item, best rank first (0 for an irrelevant one).
        all_gains: the gains of every judged-relevant item in the collection (the ideal list).
    """
    ideal = dcg(sorted(all_gains, reverse=True), k)
    return dcg(gains, k) / ideal if ideal > 0 else 0.0


# ---------------------------------------------------------------- answer metrics


def strip_citations(text: str) -> str:
    """The answer without its [n] citation marks."""
    return _CITATION_MARK.sub(" ", text)


def answer_tokens(text: str) -> list[str]:
    """SQuAD-style tokens: casefolded words, punctuation and articles dropped, "1,700" -> "1700"."""
    text = unicodedata.normalize("NFKC", strip_citations(text)).translate(_QUOTES).translate(_DASHES)
    text = _THOUSANDS.sub("", text)
    return [w for w in _WORD.findall(text.casefold()) if w not in _ARTICLES]


def normalize_answer(text: str) -> str:
    return " ".join(answer_tokens(text))


def contains_answer(answer: str, gold: str) -> bool:
    """True when the gold answer's tokens appear, in order and adjacent, in the answer's tokens.

    >>> contains_answer("Kazakhstan held up 1700 wagons of coal [1].", "1,700 wagons")
    True
    >>> contains_answer("It was Kazakhstan's 17th summit.", "7")
    False
    """
    g, a = answer_tokens(gold), answer_tokens(answer)
    if not g:
        return False
    return any(a[i : i + len(g)] == g for i in range(len(a) - len(g) + 1))


def token_f1(answer: str, gold: str) -> float:
    """SQuAD token F1 between an answer and the gold answer (1.0 when both are empty)."""
    a, g = answer_tokens(answer), answer_tokens(gold)
    if not a or not g:
        return float(a == g)
    common = sum((Counter(a) & Counter(g)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(a), common / len(g)
    return 2 * precision * recall / (precision + recall)


def safe_ratio(num: float, den: float) -> float:
    """num / den, or 0.0 when there is nothing to divide by."""
    return num / den if den else 0.0


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
