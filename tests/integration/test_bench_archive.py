"""`rag bench --only archive` end to end with the real model, on a tiny archive. No timings asserted."""

from __future__ import annotations

import json

import pytest


@pytest.mark.slow
def test_archive_part_writes_its_json_and_report(tmp_path):
    from rag.cli import main

    out = tmp_path / "results"
    args = ["bench", "--only", "archive", "--archive-articles", "6,12", "--out", str(out)]
    assert main(args) == 0
    saved = json.loads((out / "bench.json").read_text())
    small, big = saved["archive"]["rows"]
    assert (small["articles"], big["articles"]) == (6, 12) and 0.03 < small["input_mb"] < big["input_mb"] < 0.25
    for row in (small, big):
        cold, same = row["ours"]["cold"], row["ours"]["unchanged"]
        assert cold["documents"] == row["articles"] and cold["chunks"] >= 4 * row["articles"]
        assert cold["chunks_embedded"] == cold["chunks"] and same["chunks_embedded"] == 0
        assert same["sentences_embedded"] == 0 and same["chunks"] == cold["chunks"]
        assert cold["docs_per_s"] > 0 and cold["chunks_per_s"] > 0 and cold["mb_per_s"] > 0
        assert {"parse_chunk", "embed"} <= set(cold["stages_s"]) and sum(cold["stages_s"].values()) <= cold["seconds"]
        # The model alone is ~100 MiB resident; the cold ingest's peak includes it.
        assert 100 < row["ours"]["rss_model_loaded_mib"] <= cold["peak_rss_mib"] < 4096
    naive = small["naive"]["cold"]
    assert naive["chunks"] == small["ours"]["cold"]["chunks"] and naive["peak_rss_mib"] > 100
    assert "naive" not in big and small["speedup_cold"] > 0  # the baseline runs on the first size only
    (s,) = saved["archive"]["scaling"]
    assert (s["from"], s["to"], s["articles_x"]) == (6, 12, 2.0) and s["seconds_x"] > 0
    assert "archive" in saved["runs"] and "## Archive ingest" in (out / "bench.md").read_text()
