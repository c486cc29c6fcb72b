"""A timeline: for a question or a name, the fact each article gives, ordered by the article's date.

Retrieval finds up to `TIMELINE_K` passages (more than an answer draws on, so that every article
on the subject can take part; for a name or a subject of a few words, `is_subject`, the passages
that use all its words, whatever their cosine); each article's fact is the sentence of its passages that the
extractive answerer scores best (`score_sentences`: the same similarity, word overlap and reading
rules as an answer's sentences), kept when it scores at least the answer floor. One entry per
article, ordered by its publication date (the manifest's `date`); articles with no known date are
listed apart, best first.

    timeline = build_timeline("Tokayev", settings, snapshot, embedder=embedder)
    for entry in timeline.entries:
        print(entry.date, entry.outlet, entry.title, "|", entry.quote)
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from rag.answer.extractive import clean_question, missing_terms, score_sentences
from rag.config import Settings
from rag.errors import ConfigError
from rag.index.embed import Embedder
from rag.index.store import StoreReader
from rag.search.filters import Filters, entry_date
from rag.search.names import chunks_mentioning, is_subject
from rag.search.retrieve import search

TIMELINE_K = 30  # passages searched for a timeline (an answer reads 5)
MAX_TIMELINE_K = 100


@dataclass(frozen=True)
class TimelineEntry:
    """One article's fact: the quote (a sentence of the passage `chunk_id`) and where it comes from."""

    date: str | None  # yyyy-mm-dd, None when the article has no known date
    title: str
    outlet: str | None
    author: str | None
    path: str
    doc_id: str
    chunk_id: int
    quote: str
    score: float  # the sentence's score (as the extractive answerer scores it)


@dataclass(frozen=True)
class Timeline:
    """The entries of dated articles, oldest first; those of undated ones apart, best first."""

    query: str
    entries: tuple[TimelineEntry, ...]
    undated: tuple[TimelineEntry, ...] = ()
    notes: tuple[str, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def span(self) -> tuple[str, str] | None:
        """(first date, last date) of the dated entries, or None when there is none."""
        dates = [e.date for e in self.entries if e.date]
        return (dates[0], dates[-1]) if dates else None

    @property
    def heading(self) -> str:
        """'Timeline of “QUERY”: N articles, FIRST to LAST' (the dates when any entry has one)."""
        n = len(self.entries) + len(self.undated)
        head = f"Timeline of “{self.query}”: {n} article{'s' if n != 1 else ''}"
        if self.span:
            first, last = self.span
            head += f", {first}" + (f" to {last}" if last != first else "")
        return head


def build_timeline(
    question: str,
    settings: Settings,
    snapshot: StoreReader,
    *,
    embedder: Embedder,
    k: int | None = None,
    mode: str | None = None,
    filters: Filters | None = None,
) -> Timeline:
    """The timeline of `question` (a question, a name or a subject).

    Args:
        snapshot, embedder: the index and the model that built it (`Engine.timeline` passes its own).
        k: passages to search (default `TIMELINE_K`); mode: hybrid (default), dense or bm25.
        filters: draw only on the articles they let through (date, outlet, author).
    Raises:
        BadQuestion: the question is empty. ConfigError: a bad mode or k.
    """
    if k is not None and not 1 <= k <= MAX_TIMELINE_K:
        raise ConfigError(f"k (passages to search) must be between 1 and {MAX_TIMELINE_K}; got {k}")
    t0 = time.perf_counter()
    text, notes = clean_question(question, settings.max_question_chars)
    subject = is_subject(text)
    # A name or a subject ("Zatulin", "coal") is what the passages that use its words are about,
    # however little the short query's vector resembles them: the cosine floor is lifted for it,
    # and only those passages are read. A question goes through retrieval as `ask` does.
    named = chunks_mentioning(text, snapshot, every_word=True) if subject else set()
    floor = -1.0 if subject else None
    result = search(
        text, settings, snapshot, embedder=embedder, k=k or TIMELINE_K, mode=mode, floor=floor, filters=filters
    )
    if subject:
        result = replace(result, hits=tuple(h for h in result.hits if h.chunk.chunk_id in named))
    notes += result.notes
    timings = dict(result.timings_ms)
    t = time.perf_counter()
    entries: list[TimelineEntry] = []
    missing = [text] if subject and not named else missing_terms(text, result.hits, snapshot)
    if missing:
        names = ", ".join(missing[:-1]) + (" or " if len(missing) > 1 else "") + missing[-1]
        notes += (f"The articles don't mention {names}.",)
    elif result.hits and result.query_vector is not None:
        docs = snapshot.manifest.documents
        best: dict[str, TimelineEntry] = {}
        for score, hit, _start, _end, sentence in score_sentences(
            text, result.query_vector, result.hits, snapshot, passages=len(result.hits)
        ):
            doc_id = hit.chunk.doc_id
            if score >= settings.answer_floor and doc_id not in best:
                best[doc_id] = _entry(docs.get(doc_id, {}), hit, sentence, score)
        entries = list(best.values())
    if not entries and not missing:
        notes += ("No article says enough about this to place it on a timeline.",)
    dated = sorted((e for e in entries if e.date), key=lambda e: (e.date, -e.score, e.doc_id))
    undated = sorted((e for e in entries if not e.date), key=lambda e: (-e.score, e.doc_id))
    timings["timeline_ms"] = _ms(t)
    timings["total_ms"] = _ms(t0)
    return Timeline(text, tuple(dated), tuple(undated), notes, timings)


def _entry(doc: Mapping[str, Any], hit: Any, sentence: str, score: float) -> TimelineEntry:
    when = entry_date(doc)
    return TimelineEntry(
        date=when.isoformat() if when else None,
        title=hit.doc_title or doc.get("title") or hit.chunk.title or hit.chunk.doc_id,
        outlet=doc.get("source") or None,
        author=doc.get("author") or None,
        path=hit.doc_path or doc.get("path", ""),
        doc_id=hit.chunk.doc_id,
        chunk_id=int(hit.chunk.chunk_id),
        quote=sentence.strip(),
        score=round(float(score), 6),
    )


# ---------------------------------------------------------------- output


def entry_json(entry: TimelineEntry) -> dict[str, Any]:
    """One entry of `rag timeline --json` and `POST /api/timeline`."""
    return {
        "date": entry.date, "title": entry.title, "outlet": entry.outlet, "author": entry.author,
        "path": entry.path, "doc_id": entry.doc_id, "chunk_id": entry.chunk_id, "quote": entry.quote,
        "score": entry.score,
    }  # fmt: skip


def timeline_json(timeline: Timeline) -> dict[str, Any]:
    """The `rag timeline --json` object: `entries` (dated, oldest first), `undated`, `notes`, `timings_ms`.

    >>> timeline_json(Timeline("Tokayev", ()))
    {'query': 'Tokayev', 'entries': [], 'undated': [], 'notes': [], 'timings_ms': {}}
    """
    return {
        "query": timeline.query,
        "entries": [entry_json(e) for e in timeline.entries],
        "undated": [entry_json(e) for e in timeline.undated],
        "notes": list(timeline.notes),
        "timings_ms": dict(timeline.timings_ms),
    }


def timeline_text(timeline: Timeline) -> str:
    """The timeline as plain text for a terminal: a line per article, its quote under it."""
    lines = [timeline.heading]
    for e in timeline.entries:
        lines += _entry_lines(e.date or "", e)
    if timeline.undated:
        lines += ["", "Undated:"]
        for e in timeline.undated:
            lines += _entry_lines("(no date)", e)
    lines += [f"note: {note}" for note in timeline.notes]
    return "\n".join(lines)


def _entry_lines(when: str, e: TimelineEntry) -> list[str]:
    where = " · ".join(p for p in (e.outlet, e.author) if p)
    return [
        f"\n{when:<10}  {e.title}" + (f"  ({where})" if where else ""),
        f"            “{e.quote}”",
        f"            {e.path}",
    ]


def _ms(t: float) -> float:
    return round((time.perf_counter() - t) * 1000, 3)
