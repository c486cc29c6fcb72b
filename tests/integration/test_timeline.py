"""The timeline with the real model on the seed articles: `rag timeline` as a user runs it, and the
library on the shared seed index."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from rag.engine import Engine
from rag.search.filters import Filters

pytestmark = pytest.mark.slow

ASTANA = "astana-is-staying-apart-russian-kazakh-disagreements.txt"


def test_a_name_spans_2022_and_2023_in_date_order(seed_index, real_embedder):
    settings, _ = seed_index
    engine = Engine(settings, real_embedder)
    tl = engine.timeline("Tokayev")
    dates = [e.date for e in tl.entries]
    assert dates == sorted(dates) and dates[0].startswith("2022") and dates[-1].startswith("2023")
    assert tl.entries[0].doc_id == ASTANA and len({e.doc_id for e in tl.entries + tl.undated}) >= 4
    for e in tl.entries + tl.undated:
        assert e.quote in engine.document(e.doc_id).text
    # A question that one article answers: only that article, with the answer's sentence.
    wagons = engine.timeline("How many wagons of coal did Kazakhstan block?")
    assert [e.doc_id for e in wagons.entries] == [ASTANA] and wagons.undated == ()
    assert "1,700 wagons" in wagons.entries[0].quote
    # A question many answer: each article's own sentence about it, by date.
    sanctions = engine.timeline("What did Tokayev say about sanctions?")
    assert all("sanctions" in e.quote for e in sanctions.entries if e.date and e.date >= "2023")
    assert len(sanctions.entries) >= 3 and [e.date for e in sanctions.entries] == sorted(
        e.date for e in sanctions.entries
    )
    # A bare name that the cosine floor would keep out (as `ask` keeps it): the articles using it.
    zatulin = engine.timeline("Zatulin")
    assert [e.doc_id for e in zatulin.entries + zatulin.undated] == [ASTANA] and "Zatulin" in zatulin.entries[0].quote
    later = engine.timeline("Tokayev", filters=Filters.build(after="2023-01-01"))
    assert later.entries and all(e.date >= "2023-01-01" for e in later.entries) and later.undated == ()


def test_rag_timeline_command(tmp_path, corpus):
    cmd = [sys.executable, "-m", "rag.cli", "timeline", "Tokayev"]
    proc = subprocess.run([*cmd, "--json"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    dates = [e["date"] for e in out["entries"]]
    assert dates == sorted(dates) and dates[0] == "2022-06-20" and dates[-1] == "2023-11-10"
    text = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert text.returncode == 0 and text.stdout.startswith("Timeline of “Tokayev”:")
    assert "2022-06-20" in text.stdout and "Undated:" in text.stdout
    bad = subprocess.run([*cmd, "--after", "June 2022"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert bad.returncode == 2 and "after must be a date as yyyy-mm-dd" in bad.stderr
