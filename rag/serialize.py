"""The JSON objects of the public contracts, built in one place.

`rag search --json` prints `hit_json` objects, `rag ask --json` and the web `/ask` endpoint
print `answer_json`, and the web feedback file stores a subset of `citation_json`. Keys and
value types are the contract in the README (Command line); tests/integration/test_cli.py,
tests/integration/test_questions.py and tests/unit/test_app.py hold them to it.

>>> from rag.records import Answer
>>> answer_json(Answer("q?", "It rained. [1]", (), False))["answer"]
'It rained. [1]'
"""

from __future__ import annotations

from typing import Any

from rag.records import Answer, Citation, Hit


def hit_json(hit: Hit) -> dict[str, Any]:
    """One hit of `rag search --json`: rank, score (6 decimals), chunk, its document and offsets."""
    c = hit.chunk
    return {
        "rank": hit.rank, "score": round(float(hit.score), 6), "chunk_id": int(c.chunk_id), "doc_id": c.doc_id,
        "title": hit.doc_title or c.title, "path": hit.doc_path, "text": c.text,
        "char_start": c.char_start, "char_end": c.char_end,
    }  # fmt: skip


def citation_json(citation: Citation) -> dict[str, Any]:
    """One citation of `rag ask --json`: its [n], the cited chunk and document, and the quote."""
    c = citation
    return {
        "n": c.n,
        "chunk_id": int(c.chunk.chunk_id),
        "doc_id": c.chunk.doc_id,
        "title": c.hit.doc_title or c.chunk.title,
        "path": c.hit.doc_path,
        "text": c.chunk.text,
        "quote": c.quote,
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
