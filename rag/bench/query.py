"""Warm query latency: `search` in each mode and `ask` (extractive), stage by stage."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.bench.stats import percentiles, ratio
from rag.config import MODES

if TYPE_CHECKING:
    from rag.engine import Engine

WARMUP = 10


def load_questions(eval_file: Path, scifact: Path | None, at_least: int = 200) -> list[str]:
    """The eval set's questions, then SciFact test claims until there are `at_least` (all of both if more)."""
    questions = []
    if eval_file.is_file():
        questions = [json.loads(line)["question"] for line in eval_file.read_text().splitlines() if line.strip()]
    if scifact is not None and (scifact / "queries.jsonl").is_file():
        claims = [json.loads(line)["text"] for line in (scifact / "queries.jsonl").read_text().splitlines()]
        questions += claims[-300:]  # the test claims come last
    if len(questions) < at_least and questions:
        questions = (questions * (at_least // len(questions) + 1))[:at_least]
    return questions


def stage_percentiles(timings: Sequence[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Percentiles of each stage that any call reported.

    >>> stage_percentiles([{"embed_ms": 1.0}, {"embed_ms": 3.0}])["embed_ms"]["p50"]
    2.0
    """
    keys = sorted({k for t in timings for k in t})
    return {k: percentiles(t[k] for t in timings if k in t) for k in keys}


def _run(call: Callable[[str], dict[str, float]], questions: Sequence[str]) -> dict[str, Any]:
    for q in questions[:WARMUP]:
        call(q)
    totals, stages = [], []
    for q in questions:
        t = time.perf_counter()
        timings = call(q)
        totals.append((time.perf_counter() - t) * 1000)
        stages.append(timings)
    return {"total_ms": percentiles(totals), "stages_ms": stage_percentiles(stages)}


def bench_search(engine: Engine, questions: Sequence[str]) -> dict[str, Any]:
    """Query embedding alone, then `Engine.search` in each mode."""

    def embed_only(q: str) -> dict[str, float]:
        engine.embedder.embed_query(q)
        return {}

    out: dict[str, Any] = {"queries": len(questions), "embed_only": _run(embed_only, questions)}
    for mode in MODES:
        out[mode] = _run(lambda q, m=mode: dict(engine.search(q, mode=m).timings_ms), questions)
        out[mode]["p50_over_embed_p50"] = ratio(out["embed_only"]["total_ms"]["p50"], out[mode]["total_ms"]["p50"])
    return out


def bench_ask(engine: Engine, questions: Sequence[str]) -> dict[str, Any]:
    """`Engine.ask` with the extractive answerer (an LLM configured in the environment is left out)."""
    from rag.engine import Engine

    extractive = Engine(engine.settings.replace(llm_base_url=None), engine.embedder)

    def ask(q: str) -> dict[str, float]:
        return dict(extractive.ask(q).timings_ms)

    return {"queries": len(questions), **_run(ask, questions)}


def bench_naive_search(naive: Any, questions: Sequence[str], k: int) -> dict[str, Any]:
    """The baseline's dense search (sentence-transformers fp32 + flat index)."""
    return {"queries": len(questions), **_run(lambda q: naive.search(q, k)[1], questions)}
