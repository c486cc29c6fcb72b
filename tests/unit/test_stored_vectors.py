"""The emulated AVX2 vectors stored in eval/avx2-vectors.npz are kept only for the versions that
made them (STACK, rag/evaluation/replay.py): the versions `make test` installs (constraints.txt, and
torch in the Makefile) must be those, or every text goes under emulation again, about 50 minutes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from rag.evaluation.replay import STACK

ROOT = Path(__file__).resolve().parents[2]


def pinned() -> dict[str, str]:
    """package -> version, of constraints.txt's pins and the Makefile's torch."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        name, sep, version = line.split("#")[0].partition("==")
        if sep:
            pins[name.strip().lower()] = version.strip()
    if torch := re.search(r"pip install -q torch==(\S+)", (ROOT / "Makefile").read_text()):
        pins["torch"] = torch.group(1)
    return pins


def test_the_installs_pin_the_versions_the_stored_vectors_were_made_with():
    with np.load(ROOT / "eval" / "avx2-vectors.npz", allow_pickle=False) as data:
        made = json.loads(str(data["about"]))["machine"]["versions"]
    pins = pinned()
    assert set(STACK) <= set(pins), f"pin {sorted(set(STACK) - set(pins))} in constraints.txt"
    differ = {name: (pins[name], made.get(name)) for name in STACK if str(made.get(name)).split("+")[0] != pins[name]}
    assert not differ, (
        f"pinned and stored versions differ {differ}: after changing a pin, run `make test-avx2` and "
        "`cp build/avx2-vectors.npz eval/`"
    )
