"""Small pure helpers of the benchmark: percentiles, recall against exact search, timing, machine.

>>> percentiles([1, 2, 3, 4])
{'p50': 2.5, 'p95': 3.85, 'p99': 3.97, 'mean': 2.5, 'n': 4}
"""

from __future__ import annotations

import os
import platform
import resource
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


def percentiles(values: Iterable[float], ps: Sequence[int] = (50, 95, 99), digits: int = 3) -> dict[str, float]:
    """p50/p95/p99 (linear interpolation, as numpy), mean and count of `values`."""
    arr = np.asarray(list(values), dtype=np.float64)
    if arr.size == 0:
        return {**{f"p{p}": float("nan") for p in ps}, "mean": float("nan"), "n": 0}
    out: dict[str, float] = {f"p{p}": round(float(np.percentile(arr, p)), digits) for p in ps}
    out["mean"] = round(float(arr.mean()), digits)
    out["n"] = int(arr.size)
    return out


def ann_recall_at_k(approx: np.ndarray, exact: np.ndarray, k: int = 10) -> float:
    """Mean share of each query's exact top-k ids that the approximate top-k also holds.

    Rows are queries; -1 (FAISS's "no result") never counts as found.

    >>> ann_recall_at_k(np.array([[1, 2, 9]]), np.array([[1, 2, 3]]), k=3)  # 2 of 3 found
    0.6666666666666666
    """
    if len(exact) == 0:
        return float("nan")
    found = 0
    for a, e in zip(np.asarray(approx)[:, :k], np.asarray(exact)[:, :k]):
        truth = {int(i) for i in e if i >= 0}
        found += len(truth & {int(i) for i in a if i >= 0})
    return found / (len(exact) * k)


def ratio(ours: float, baseline: float, digits: int = 2) -> float | None:
    """`baseline / ours` for times (how many times faster we are); None when undefined."""
    if not ours or not baseline or ours != ours or baseline != baseline:
        return None
    return round(baseline / ours, digits)


@dataclass(frozen=True)
class Timed:
    seconds: float  # wall clock
    cpu_seconds: float  # this process, all threads: less sensitive to a busy machine


def timed(fn: Callable[[], T]) -> tuple[T, Timed]:
    """Run `fn` once; its result and how long it took (wall and CPU)."""
    t, c = time.perf_counter(), time.process_time()
    result = fn()
    return result, Timed(time.perf_counter() - t, time.process_time() - c)


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rss_mib() -> float:
    """Resident memory of this process now."""
    import psutil

    return round(psutil.Process().memory_info().rss / 2**20, 1)


def machine_info() -> dict[str, Any]:
    """What the numbers were taken on: CPU, cores, memory, versions, and how busy it was."""
    import psutil

    from rag.machine import cpu_flags, int8_kernel, versions

    return {
        "cpu": _cpu_model(),
        "cpu_flags": cpu_flags(),
        "int8_kernel": int8_kernel(),
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "gpu": "none (CPU only)",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions(("torch", "onnxruntime", "faiss", "sentence_transformers", "numpy", "bm25s")),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def busy(load: Sequence[float], cores: int | None) -> bool:
    """Whether the machine was shared: a 1-minute load average above the cores plus a half.

    The benchmark keeps both cores busy itself, so a load up to the core count is its own work.
    """
    return bool(load) and load[0] > (cores or 1) + 0.5
