"""The eval questions' vectors on this CPU, and how two CPUs' vectors differ (README, The embedder).

    python scripts/question_vectors.py embed OUT.npy          # with this machine's kernels
    qemu-x86_64 -cpu Haswell-noTSX,-pcid,-x2apic,-tsc-deadline,-invpcid \\
        .venv/bin/python scripts/question_vectors.py embed AVX2.npy   # on an emulated AVX2-only CPU
    python scripts/question_vectors.py compare OUT.npy AVX2.npy

`RAG_QUANTIZE=false` embeds with the fp32 model instead. Only the embedder is loaded, not an index.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from rag.config import Settings
from rag.engine import Engine
from rag.machine import machine

QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "questions.jsonl"


def embed(out: str) -> None:
    texts = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines() if line.strip()]
    embedder = Engine(Settings.from_env()).embedder
    np.save(out, np.stack([embedder.embed_query(t) for t in texts]))
    print(f"{len(texts)} question vectors to {out} ({machine()['int8_kernel']}, {machine()['cpu_flags']})")


def compare(a_path: str, b_path: str) -> None:
    a, b = np.load(a_path), np.load(b_path)
    if a.shape != b.shape:
        sys.exit(f"the files hold different shapes: {a.shape} and {b.shape}")
    diff = np.abs(a - b)
    same = int((diff.max(axis=1) == 0).sum())
    print(f"{len(a) - same} of {len(a)} vectors differ; largest element difference {diff.max():.3g}; "
          f"lowest cosine {(a * b).sum(axis=1).min():.5f}")  # fmt: skip


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["embed"] and len(args) == 2:
        embed(args[1])
    elif args[:1] == ["compare"] and len(args) == 3:
        compare(args[1], args[2])
    else:
        sys.exit(__doc__)
