"""Thumbs up/down on answers, appended to a JSONL file a maintainer can turn into eval items.

One line per vote:
`{"timestamp", "rating": "up"|"down", "question", "answer", "abstained", "mode",
"citations": [{"n", "chunk_id", "doc_id", "title", "quote", "supported"}]}`
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from rag.records import Answer, Citation
from rag.serialize import citation_json

Rating = Literal["up", "down"]
_lock = threading.Lock()
_FEEDBACK_CITATION_KEYS = ("n", "chunk_id", "doc_id", "title", "quote")


def feedback_entry(answer: Answer, rating: Rating, *, now: datetime | None = None) -> dict[str, Any]:
    """The JSON object written for one vote."""
    if rating not in ("up", "down"):
        raise ValueError(f"rating must be 'up' or 'down'; got {rating!r}")
    return {
        "timestamp": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "rating": rating,
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "mode": answer.mode,
        "citations": [_feedback_citation(c) for c in answer.citations],
    }


def _feedback_citation(citation: Citation) -> dict[str, Any]:
    # The answer's citation without path and text (the file stays small), plus whether it held up.
    full = citation_json(citation)
    return {**{k: full[k] for k in _FEEDBACK_CITATION_KEYS}, "supported": citation.supported}


def record_feedback(path: Path, answer: Answer, rating: Rating, *, now: datetime | None = None) -> dict[str, Any]:
    """Append one vote to `path` (created with its folder if missing) and return what was written."""
    entry = feedback_entry(answer, rating, now=now)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock:
        # One write() on an O_APPEND descriptor: lines from concurrent writers never interleave.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    return entry


def read_feedback(path: Path) -> list[dict[str, Any]]:
    """Every vote recorded so far (an empty list when there is no file)."""
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


__all__ = ["feedback_entry", "read_feedback", "record_feedback"]
