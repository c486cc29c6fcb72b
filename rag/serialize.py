"""The JSON objects of the public contracts, built in one place.

`rag search --json` prints `hit_json` objects and `rag ask --json` prints `answer_json` (the
contract in the README, Command line); the web feedback file stores a subset of `citation_json`.
The HTTP APIs add what the index knows of each article (outlet, date, author: `info`, the
manifest's entry) to the same objects, and the OpenAI-compatible endpoint cites with `source_json`.
The chat's gradio `/ask` endpoint gives `gradio_answer_json`, the same object with one key renamed.
tests/integration/test_cli.py, tests/integration/test_questions.py, tests/unit/test_app.py and
tests/unit/test_api.py hold them to it.

>>> from rag.records import Answer
>>> answer_json(Answer("q?", "It rained. [1]", (), False))["answer"]
'It rained. [1]'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from rag.records import Answer, Citation, Hit, WireCopy


def hit_json(hit: Hit) -> dict[str, Any]:
    """One hit of `rag search --json`: rank, score (6 decimals), chunk, its document and offsets;
    plus `also_in` (`wire_json`) when its article has wire copies in other outlets."""
    c = hit.chunk
    return {
        "rank": hit.rank, "score": round(float(hit.score), 6), "chunk_id": int(c.chunk_id), "doc_id": c.doc_id,
        "title": hit.doc_title or c.title, "path": hit.doc_path, "text": c.text,
        "char_start": c.char_start, "char_end": c.char_end, **wire_json(hit),
    }  # fmt: skip


def wire_json(hit: Hit) -> dict[str, Any]:
    """{"also_in": [{doc_id, title, path, outlet, date}, ...]} for a hit whose article has wire
    copies (the other outlets' articles of the story), {} otherwise: the key is added only then.

    >>> from rag.records import Chunk
    >>> wire_json(Hit(Chunk(1, "a.txt", "x", 0, 1, 1), 1.0, 1, also_in=(WireCopy("b.md", "B", "corpus/b.md", "TASS"),)))
    {'also_in': [{'doc_id': 'b.md', 'title': 'B', 'path': 'corpus/b.md', 'outlet': 'TASS', 'date': None}]}
    """
    if not hit.also_in:
        return {}
    return {"also_in": [_copy_json(c) for c in hit.also_in]}


def _copy_json(c: WireCopy) -> dict[str, Any]:
    return {"doc_id": c.doc_id, "title": c.title, "path": c.path, "outlet": c.outlet or None, "date": c.date or None}


def citation_json(citation: Citation) -> dict[str, Any]:
    """One citation of `rag ask --json`: its [n], the cited chunk and document, the quote, and the
    article's date."""
    c = citation
    return {
        "n": c.n,
        "chunk_id": int(c.chunk.chunk_id),
        "doc_id": c.chunk.doc_id,
        "title": c.hit.doc_title or c.chunk.title,
        "path": c.hit.doc_path,
        "text": c.chunk.text,
        "quote": c.quote,
        "date": c.hit.doc_date or None,  # the article's publication date (yyyy-mm-dd), None when unknown
        **wire_json(c.hit),
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    """The `rag ask --json` object (the contract in the README, Command line)."""
    return {
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [citation_json(c) for c in answer.citations],
        "timings_ms": dict(answer.timings_ms),
    }


# What the HTTP APIs add to a hit or a citation from the index's entry for its article.
ARTICLE_INFO = ("outlet", "date", "author")
Info = Callable[[str], Mapping[str, Any]]  # doc_id -> the manifest's entry for that article


def article_info(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Outlet, date and author of an article's manifest entry (None where unknown).

    >>> article_info({"source": "Orda.kz", "date": "2022-06-20"})
    {'outlet': 'Orda.kz', 'date': '2022-06-20', 'author': None}
    """
    return {
        "outlet": entry.get("source") or None,
        "date": entry.get("date") or None,
        "author": entry.get("author") or None,
    }


def api_hit_json(hit: Hit, info: Info) -> dict[str, Any]:
    """A hit of `POST /api/search`: `hit_json` plus the article's outlet, date and author."""
    return {**hit_json(hit), **article_info(info(hit.chunk.doc_id))}


def api_answer_json(answer: Answer, info: Info) -> dict[str, Any]:
    """`POST /api/ask`: `answer_json`, each citation with outlet, date, author and whether the
    citation check supported it, plus the answer mode, notes and unsupported sentences."""
    out = answer_json(answer)
    out["citations"] = [
        {**citation_json(c), **article_info(info(c.chunk.doc_id)), "supported": c.supported} for c in answer.citations
    ]
    out.update(mode=answer.mode, notes=list(answer.notes), unsupported=list(answer.unsupported))
    return out


def source_json(citation: Citation, info: Info) -> dict[str, Any]:
    """One citation of the OpenAI-compatible endpoint: what a reader needs to check `[n]`.

    `passage` is the cited passage, `quote` the sentence of it that supports the answer.
    """
    c = citation
    return {
        "n": c.n,
        "title": c.hit.doc_title or c.chunk.title,
        **article_info(info(c.chunk.doc_id)),
        "path": c.hit.doc_path,
        "passage": c.chunk.text,
        "quote": c.quote,
        "doc_id": c.chunk.doc_id,
        "chunk_id": int(c.chunk.chunk_id),
        "supported": c.supported,
        **wire_json(c.hit),
    }


def gradio_answer_json(answer: Answer) -> dict[str, Any]:
    """The chat's gradio `/ask` object: `answer_json` with each citation's `path` named `file`.

    gradio_client takes every object with a string "path" in a result for a file to download
    (and the server rightly refuses to hand out corpus files), so a default `Client` would fail.

    >>> from rag.records import Answer
    >>> sorted(gradio_answer_json(Answer("q?", "x", (), True)))
    ['abstained', 'answer', 'citations', 'question', 'timings_ms']
    """
    out = answer_json(answer)
    out["citations"] = [{("file" if k == "path" else k): v for k, v in c.items()} for c in out["citations"]]
    return out


def status_json(status: Any) -> dict[str, Any]:
    """`rag status --json` and `GET /api/status` (`status` is a rag.index.build.IndexStatus)."""
    m = status.manifest
    return {
        "exists": status.exists, "stale": status.stale, "describe": status.describe(), "problem": status.problem,
        "new": list(status.new), "changed": list(status.changed), "removed": list(status.removed),
        "counts": dataclasses.asdict(m.counts) if m else None,
        "embedder": dict(m.embedder) if m else None, "built_at": m.built_at if m else None,
    }  # fmt: skip
