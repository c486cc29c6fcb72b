"""The chat's conversation as JSON for the browser to keep, so that a reload does not lose it.

The page keeps the turns in a `gr.BrowserState` (the browser's localStorage, encrypted with a key
the server makes at start). What comes back from a browser is untrusted: anything that is not a
conversation this module wrote (another version's format, a hand-edited value) restores nothing
rather than failing the page.

    >>> from rag.records import Answer
    >>> turns = [Turn("Who?", Answer("Who?", "Nobody.", (), True)), Turn("Why?", error="no index")]
    >>> restored_turns(saved_turns(turns)) == turns
    True
    >>> restored_turns([{"question": 3}]), restored_turns("garbage")
    ([], [])
"""

from __future__ import annotations

import dataclasses
from typing import Any

from rag.records import Answer, Chunk, Citation, Hit, WireCopy
from rag.web.session import Turn

SAVED_TURNS = 20  # the newest turns kept: with their passages, about 20 KB of JSON a turn
FORMAT = 1


def saved_turns(turns: list[Turn]) -> dict[str, Any]:
    """The newest `SAVED_TURNS` finished turns (answered, or stopped by an error) as JSON-ready data:
    a question still being answered when the page reloads is not kept."""
    done = [t for t in turns if t.answer is not None or t.error is not None]
    return {"format": FORMAT, "turns": [dataclasses.asdict(t) for t in done[-SAVED_TURNS:]]}


def restored_turns(data: Any) -> list[Turn]:
    """The turns `saved_turns` wrote; [] for anything else."""
    try:
        if data.get("format") != FORMAT:
            return []
        return [_turn(t) for t in data["turns"]]
    except (AttributeError, KeyError, TypeError, ValueError):
        return []


def _turn(d: dict[str, Any]) -> Turn:
    answer, error = d.get("answer"), d.get("error")
    return Turn(
        _text(d["question"]), None if answer is None else _answer(answer), None if error is None else _text(error)
    )


def _answer(d: dict[str, Any]) -> Answer:
    return Answer(
        question=_text(d["question"]),
        text=_text(d["text"]),
        citations=tuple(
            Citation(int(c["n"]), _hit(c["hit"]), _text(c["quote"]), bool(c["supported"])) for c in d["citations"]
        ),
        abstained=bool(d["abstained"]),
        timings_ms={str(k): float(v) for k, v in d["timings_ms"].items()},
        hits=tuple(_hit(h) for h in d["hits"]),
        mode=_text(d["mode"]),
        notes=tuple(_text(n) for n in d["notes"]),
        unsupported=tuple(_text(u) for u in d["unsupported"]),
    )


def _hit(d: dict[str, Any]) -> Hit:
    c = d["chunk"]
    chunk = Chunk(
        int(c["chunk_id"]), _text(c["doc_id"]), _text(c["text"]), int(c["char_start"]), int(c["char_end"]),
        int(c["n_tokens"]), _text(c["title"]),
    )  # fmt: skip
    return Hit(
        chunk=chunk,
        score=float(d["score"]),
        rank=int(d["rank"]),
        scores_by_method={str(k): float(v) for k, v in d["scores_by_method"].items()},
        doc_title=_text(d["doc_title"]),
        doc_path=_text(d["doc_path"]),
        doc_date=_text(d["doc_date"]),
        also_in=tuple(
            WireCopy(**{k: _text(w[k]) for k in ("doc_id", "title", "path", "outlet", "date")}) for w in d["also_in"]
        ),
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value
