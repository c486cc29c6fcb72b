"""The regression gate of `rag eval --check`: question by question against `eval/baseline.json`.

A mean over 70 questions moves a whole question at a time (1/70 = 0.014 of hit@1), and two
questions that sit on a knife edge can tip either way when the vectors move by float rounding or
another CPU's int8 kernels. A gate on means with a tolerance therefore fails on noise, or, made
loose enough for noise, misses a real loss hidden by an unrelated gain.

So the baseline stores, for each watched outcome, which questions passed; the check counts the
questions lost (passed in the baseline, fail now) against the questions won, per outcome, and
fails when the net loss of any outcome exceeds `allowed_net_loss` and is unlikely to be near ties
tipping both ways: the one-sided exact McNemar p-value of its lost/won split is under SIGNIFICANCE.
Near ties grow with the questions: another CPU's vectors lose 7 and win 3 in dense hit@1 of 2,954
questions (p=0.17), a shuffle the allowance alone had to be raised for by hand; 5 questions pushed
to miss (p=0.03) still fail (README, Evaluation, "Regression gate").

>>> c = OutcomeChange("hybrid/hit@1", lost=("q1", "q2", "q3"), won=("q9",), passed_before=60, passed_now=58, total=70)
>>> (c.net_loss, round(c.p_value, 3))
(2, 0.312)
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import RagError

DEFAULT_ALLOWED_NET_LOSS = 2
SIGNIFICANCE = 0.05  # a net loss fails only when its McNemar p-value is under this
BASELINE_NOTE = (
    "Accepted outcomes of `rag eval`, question by question. `rag eval --check` fails when, for any outcome, "
    "the questions lost against this file outnumber the questions won by more than allowed_net_loss, "
    f"with a one-sided exact McNemar p-value under {SIGNIFICANCE}. "
    "metrics holds the means, for reading only. Rewrite only with `rag eval --update-baseline`."
)

Outcomes = dict[str, dict[str, bool]]  # outcome name -> question id -> passed


class GateError(RagError):
    """The baseline cannot be read or used."""


def outcomes(
    per_question: Mapping[str, Mapping[str, int | None]], answers: Mapping[str, Mapping[str, bool]]
) -> Outcomes:
    """The pass/fail outcomes the gate watches, per question.

    Args:
        per_question: question id -> retrieval mode -> rank of the first passage with evidence
            (None: not in the top 10), as in `EvalReport.per_question`.
        answers: question id -> answer outcome -> passed, as in `EvalReport.answer_outcomes`.

    Returns:
        "<mode>/hit@1" and "<mode>/hit@5" for every mode, and "answers/<outcome>" for every answer
        outcome, each mapping question id -> passed.
    """
    out: Outcomes = {}
    for qid, ranks in per_question.items():
        for mode, rank in ranks.items():
            out.setdefault(f"{mode}/hit@1", {})[qid] = rank == 1
            out.setdefault(f"{mode}/hit@5", {})[qid] = rank is not None and rank <= 5
    for qid, row in answers.items():
        for name, passed in row.items():
            out.setdefault(f"answers/{name}", {})[qid] = bool(passed)
    return {name: dict(sorted(rows.items())) for name, rows in sorted(out.items())}


@dataclass(frozen=True)
class OutcomeChange:
    """One outcome, this run against the baseline."""

    name: str
    lost: tuple[str, ...]  # passed in the baseline, fail now (or were not run)
    won: tuple[str, ...]  # failed in the baseline, pass now
    passed_before: int
    passed_now: int
    total: int

    @property
    def net_loss(self) -> int:
        return len(self.lost) - len(self.won)

    @property
    def p_value(self) -> float:
        """One-sided exact McNemar: the chance of at least this many losses among the changed
        questions if losing and winning were equally likely."""
        n, k = len(self.lost) + len(self.won), len(self.lost)
        return sum(math.comb(n, i) for i in range(k, n + 1)) / 2**n if n else 1.0

    def describe(self) -> str:
        text = f"{self.name}: {self.passed_before} -> {self.passed_now} of {self.total}"
        if self.lost or self.won:
            text += f", lost {len(self.lost)} ({', '.join(self.lost) or '-'}), won {len(self.won)} ({', '.join(self.won) or '-'})"
            text += f", McNemar p={self.p_value:.3f}"
        return text


def compare(current: Outcomes, baseline: Outcomes) -> list[OutcomeChange]:
    """Question-by-question changes of every baseline outcome. A question the baseline passed that
    this run did not measure counts as lost; questions new since the baseline are not counted."""
    changes = []
    for name, before in sorted(baseline.items()):
        now = current.get(name, {})
        lost = tuple(q for q, ok in before.items() if ok and not now.get(q, False))
        won = tuple(q for q, ok in before.items() if not ok and now.get(q, False))
        passed_now = sum(1 for q in before if now.get(q, False))
        changes.append(OutcomeChange(name, lost, won, sum(before.values()), passed_now, len(before)))
    return changes


def failures(changes: list[OutcomeChange], allowed_net_loss: int) -> list[str]:
    """One line per outcome whose net loss exceeds the allowance, at a McNemar p under SIGNIFICANCE."""
    return [
        f"{c.describe()}: net loss {c.net_loss} > {allowed_net_loss} allowed, p < {SIGNIFICANCE}"
        for c in changes
        if c.net_loss > allowed_net_loss and c.p_value < SIGNIFICANCE
    ]


@dataclass(frozen=True)
class Baseline:
    outcomes: Outcomes
    allowed_net_loss: int
    metrics: dict[str, float]


def read_baseline(path: Path) -> Baseline:
    """The baseline file, checked.

    Raises:
        GateError: missing, unreadable, or from before per-question outcomes; the message says what to run.
    """
    fix = "run `rag eval --update-baseline` to record one"
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError as exc:
        raise GateError(f"no baseline at {path}; {fix}") from exc
    except (OSError, ValueError) as exc:
        raise GateError(f"baseline {path} is unreadable ({exc}); {fix}") from exc
    try:
        rows = data["outcomes"]
        outcomes_ = {str(n): {str(q): bool(v) for q, v in r.items()} for n, r in rows.items()}
        allowed = int(data.get("allowed_net_loss", DEFAULT_ALLOWED_NET_LOSS))
        metrics = {str(k): float(v) for k, v in data.get("metrics", {}).items()}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise GateError(f"baseline {path} has no per-question outcomes ({exc!r}); {fix}") from exc
    if not outcomes_:
        raise GateError(f"baseline {path} watches no outcome; {fix}")
    return Baseline(outcomes_, allowed, metrics)


def write_baseline(
    path: Path, current: Outcomes, allowed_net_loss: int, metrics: dict[str, float], extra: dict[str, Any]
) -> None:
    """Write the baseline atomically: outcomes (stored as 0/1 for a short diff), means, and `extra`
    (settings, the machine it was measured on)."""
    data = {
        "note": BASELINE_NOTE,
        "allowed_net_loss": allowed_net_loss,
        **extra,
        "metrics": {k: round(v, 4) for k, v in metrics.items()},
        "outcomes": {n: {q: int(ok) for q, ok in rows.items()} for n, rows in current.items()},
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    tmp.replace(path)
