"""What a measured number was measured on: date, CPU, its int8 instruction set, cores, memory.

Eval and bench reports carry this beside every figure, because some figures depend on the CPU
(int8 kernels run on different instructions with and without AVX-512 VNNI).

>>> cpu_flags({"flags": "fpu avx2 avx512f"})
{'avx2': True, 'avx512f': True, 'avx512_vnni': False, 'avx_vnni': False}
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# The flags that decide which int8 matrix kernel ONNX Runtime runs (and the float kernels' width).
WATCHED_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni")


def _cpuinfo() -> dict[str, str]:
    """The first processor's fields of /proc/cpuinfo (empty where there is none)."""
    fields: dict[str, str] = {}
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return fields
    for line in text.splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def cpu_flags(info: dict[str, str] | None = None) -> dict[str, bool]:
    """Which of WATCHED_FLAGS this CPU has (all False where /proc/cpuinfo cannot be read).

    Read from /proc/cpuinfo, then narrowed to what this process can use, as NumPy's run-time check
    (CPUID and the OS's saved registers) sees it: under an emulator (`qemu-x86_64 -cpu Haswell`,
    `make test-avx2`) /proc/cpuinfo still shows the host's AVX-512, which the process does not get.
    """
    if info is None:
        info = _cpuinfo()
        usable = _usable_features()
    else:
        usable = None
    have = set(info.get("flags", "").split())
    flags = {flag: flag in have for flag in WATCHED_FLAGS}
    if usable is not None:
        seen = {flag: flags[flag] and usable.get(feature, True) for flag, feature in _NUMPY_NAMES.items()}
        if seen != {flag: flags[flag] for flag in _NUMPY_NAMES}:  # not the CPU /proc/cpuinfo describes:
            flags |= seen | {"avx_vnni": False}  # NumPy does not report AVX-VNNI; an emulator lacks it
    return flags


_NUMPY_NAMES = {"avx2": "AVX2", "avx512f": "AVX512F", "avx512_vnni": "AVX512VNNI"}


def _usable_features() -> dict[str, bool] | None:
    """NumPy's run-time CPU features ({"AVX2": True, "AVX512F": False, ...}), None if unavailable."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:  # NumPy 1.x, or a build without the table
        return None
    return dict(__cpu_features__)


def int8_kernel(flags: dict[str, bool] | None = None) -> str:
    """How ONNX Runtime multiplies u8 activations by s8 weights on this CPU.

    With VNNI (AVX-512 or AVX) one instruction sums four products into 32 bits. Without it, AVX2
    adds pairs of products in 16 bits and saturates unless weights keep to 7 bits, which is why
    the quantized model is made with 7-bit weights (rag/embed_onnx.py): then both compute the
    same integers.
    """
    flags = cpu_flags() if flags is None else flags
    if flags.get("avx512_vnni") or flags.get("avx_vnni"):
        return "vnni (32-bit sums)"
    if flags.get("avx2"):
        return "avx2 (16-bit pair sums)"
    return "other"


def machine() -> dict[str, Any]:
    """Date, CPU model and flags, cores and memory: what a report's numbers were measured on."""
    import psutil

    return {
        "date": time.strftime("%Y-%m-%d"),
        "cpu": _cpuinfo().get("model name") or platform.processor() or "unknown",
        "cpu_flags": cpu_flags(),
        "int8_kernel": int8_kernel(),
        "cores": os.cpu_count(),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
    }


# Module names whose distribution on PyPI is named otherwise.
_DISTRIBUTIONS = {"faiss": "faiss-cpu", "sentence_transformers": "sentence-transformers"}


def versions(packages: Sequence[str]) -> dict[str, str]:
    """The installed version of each package (a distribution's name, or a module's that
    _DISTRIBUTIONS maps to one); "not installed" where there is none."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in packages:
        try:
            out[name] = version(_DISTRIBUTIONS.get(name, name))
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def describe(m: dict[str, Any]) -> str:
    """One line for a Markdown report, e.g. '2026-12-01, AMD EPYC, 2 cores, 24 GiB, avx2 (no avx512_vnni)'."""
    flags = m.get("cpu_flags", {})
    on = [f for f in ("avx2", "avx512_vnni", "avx_vnni") if flags.get(f)]
    off = [f for f in ("avx512_vnni",) if not flags.get(f)]
    flag_text = ", ".join(on) + (f" (no {', '.join(off)})" if off else "")
    return f"{m['date']}, {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB, CPU flags {flag_text or 'none watched'}"
