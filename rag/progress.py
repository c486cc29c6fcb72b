"""Progress bars for long ingests: one tqdm bar per stage on stderr.

The ingest calls `progress(stage, done, total)` as often as it likes (once per text, when texts
are embedded one at a time); tqdm redraws at most ten times a second, so a log stays readable.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection

LABELS = {
    "parse": ("reading articles", "doc"),
    "embed": ("embedding chunks", "chunk"),
    "embed sentences": ("embedding sentences", "sentence"),
}


def tqdm_progress(stages: Collection[str] | None = None) -> Callable[[str, int, int], None]:
    """A `progress(stage, done, total)` callback drawing the bars of `stages` (default: all)."""
    bars: dict[str, object] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stages is not None and stage not in stages:
            return
        from tqdm import tqdm

        bar = bars.get(stage)
        if bar is None:
            desc, unit = LABELS.get(stage, (stage, "item"))
            bar = bars[stage] = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr)
        if done > bar.n:
            bar.update(done - bar.n)
        if bar.n >= total:
            bar.close()

    return progress
