"""The benchmark's own logic: statistics, recall, the index choice, the report's shape. No timings asserted."""

from __future__ import annotations

import argparse
import doctest
import json

import numpy as np
import pytest

from rag import bench
from rag.bench import ingest as bench_ingest
from rag.bench import query, report, scale, stats
from rag.index.store import build_faiss, choose_index


def test_percentiles_match_a_hand_computation():
    # numpy's linear interpolation: p50 of 1..4 sits between 2 and 3; p95 at rank 0.95 * 3 = 2.85.
    assert stats.percentiles([4, 1, 3, 2]) == {"p50": 2.5, "p95": 3.85, "p99": 3.97, "mean": 2.5, "n": 4}
    assert stats.percentiles([7.0]) == {"p50": 7.0, "p95": 7.0, "p99": 7.0, "mean": 7.0, "n": 1}
    empty = stats.percentiles([])
    assert empty["n"] == 0 and np.isnan(empty["p50"])


def test_ann_recall_at_k_hand_worked():
    exact = np.array([[1, 2, 3], [4, 5, 6]])
    approx = np.array([[1, 2, 9], [6, 5, 4]])  # query 1 finds 2 of 3; query 2 all 3, order does not matter
    assert stats.ann_recall_at_k(approx, exact, k=3) == pytest.approx(5 / 6)
    assert stats.ann_recall_at_k(np.array([[1, -1, -1]]), np.array([[1, 2, 3]]), k=3) == pytest.approx(1 / 3)
    # Only the first k of each row count.
    assert stats.ann_recall_at_k(np.array([[9, 1]]), np.array([[1, 2]]), k=1) == 0.0


def test_ratio():
    assert stats.ratio(2.0, 10.0) == 5.0
    assert stats.ratio(0.0, 10.0) is None and stats.ratio(1.0, float("nan")) is None


def test_busy_is_load_above_the_cores():
    assert stats.busy([2.6], 2) and not stats.busy([2.4], 2) and not stats.busy([], 2)


@pytest.mark.parametrize(
    "n, threshold, kind", [(0, 100, "flat"), (99, 100, "flat"), (100, 100, "hnsw"), (10**6, 200_000, "hnsw")]
)
def test_choose_index(n, threshold, kind):
    assert choose_index(n, threshold) == kind


def test_build_faiss_picks_hnsw_past_the_threshold_and_finds_the_exact_neighbours():
    import faiss

    clusters = scale.Clusters.make(5, seed=3)
    vectors = clusters.sample(1500, seed=4)
    queries = clusters.sample(20, seed=5)
    ids = np.arange(100, 1600, dtype=np.int64)  # ids are the chunk table's, not row numbers
    flat = build_faiss(ids, vectors, hnsw_threshold=1501)
    hnsw = build_faiss(ids, vectors, hnsw_threshold=1500)
    assert isinstance(faiss.downcast_index(flat.index), faiss.IndexFlatIP)
    assert isinstance(faiss.downcast_index(hnsw.index), faiss.IndexHNSWFlat)
    exact, _ = scale.search_each(flat, queries)
    approx, _ = scale.search_each(hnsw, queries)
    brute = ids[np.argsort(-(queries @ vectors.T), axis=1)[:, :10]]
    assert (exact == brute).all()
    assert stats.ann_recall_at_k(approx, exact) >= 0.95


def test_synthetic_vectors_are_unit_length_clustered_and_reproducible():
    c = scale.Clusters.make(4, seed=1)
    a, b = c.sample(300, seed=2), c.sample(300, seed=2)
    assert a.shape == (300, scale.DIM) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert (a == b).all()
    # Clustered: a point is much closer to its nearest centre than to a random direction.
    nearest_centre = (a @ c.centres.T).max(axis=1)
    assert nearest_centre.min() > 0.4 and abs(float((a @ a.T).mean())) < 0.5


def test_sample_in_batches_equals_sizes():
    c = scale.Clusters.make(3, seed=0)
    assert c.sample(250, seed=1, batch=100).shape == (250, scale.DIM)
    assert scale.n_clusters_for(1_000_000) == 1000 and scale.n_clusters_for(500) == 10


def test_stage_percentiles_and_rates():
    got = query.stage_percentiles([{"embed_ms": 1.0, "faiss_ms": 4.0}, {"embed_ms": 3.0}])
    assert got["embed_ms"]["p50"] == 2.0 and got["faiss_ms"]["n"] == 1
    assert bench_ingest.rates(10, 20, 4000, 2.0) == {"docs_per_s": 5.0, "chunks_per_s": 10.0, "tokens_per_s": 2000}


def test_load_questions_tops_up_to_the_minimum(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text("\n".join(json.dumps({"question": f"q{i}"}) for i in range(3)) + "\n")
    qs = query.load_questions(f, None, at_least=7)
    assert qs == ["q0", "q1", "q2", "q0", "q1", "q2", "q0"]


TEXT = (
    "Alterations of the architecture of cerebral white matter in the developing human brain can affect cortical "
    "development and result in functional disabilities. A line scan diffusion-weighted magnetic resonance imaging "
    "sequence was applied to measure the apparent diffusion coefficient in 17 preterm infants."
)


def test_scifact_files_become_articles_with_their_titles(tmp_path):
    from rag.corpus.load import load_document

    src = tmp_path / "scifact"
    src.mkdir()
    rows = [{"_id": "11", "title": 'A "quoted": title', "text": TEXT}, {"_id": "12", "title": "", "text": "x"}]
    (src / "corpus.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    n = bench_ingest.write_scifact_corpus(src, tmp_path / "out", limit=1)
    assert n == 1 and sorted(p.name for p in (tmp_path / "out").iterdir()) == ["11.md"]
    doc = load_document(tmp_path / "out" / "11.md", "11.md")
    assert doc.title == 'A "quoted": title' and doc.text.startswith("Alterations of the architecture")


def test_parse_parts_and_sizes():
    assert bench.parse_parts("scale, embed") == ["embed", "scale"]
    assert bench.parse_sizes("10k,100000,1M") == [10_000, 100_000, 1_000_000]
    with pytest.raises(argparse.ArgumentTypeError, match="choose from"):
        bench.parse_parts("nope")
    with pytest.raises(argparse.ArgumentTypeError):
        bench.parse_sizes("lots")


def _results() -> dict:
    lat = {"p50": 2.0, "p95": 3.0, "p99": 4.0, "mean": 2.2, "n": 200}
    row = {"build_s": 1.0, "build_cpu_s": 1.0, "memory_mib": 10.0, "search_ms": lat, "recall@10": 0.97}
    return {
        "date": "2026-11-24",
        "machine": {"cores": 2, "cpu": "x", "memory_gib": 24},
        "runs": {"embedding": {"default_variant": "onnx-int8"}},
        "embedding": {
            "torch-fp32": {"chunks": 8, "chunks_per_s": 40.0, "speedup": 1.0, "cpu_seconds": 1, "load_s": 1,
                           "cosine_to_torch_fp32": {"min": 1.0, "mean": 1.0}},
            "onnx-int8": {"chunks": 8, "chunks_per_s": 100.0, "speedup": 2.5, "cpu_seconds": 1, "load_s": 1,
                          "cosine_to_torch_fp32": {"min": 0.99, "mean": 0.995}},
        },  # fmt: skip
        "quality": {"torch-fp32": {"ndcg@10": 0.645}, "onnx-int8": {"ndcg@10": 0.639}},
        "scale": {"dim": 384, "k": 10, "approx_kind": "HNSW",
                  "rows": [{"passages": 1_000_000, "queries": 200, "auto_choice": "hnsw",
                            "flat": {**row, "recall@10": 1.0}, "approx": {**row, "speedup_vs_flat_p50": 1.0}}]},
    }  # fmt: skip


def test_targets_say_which_are_met():
    got = {t["target"]: t for t in report.targets(_results())}
    emb = got["embedding throughput, chunks/s (onnx-int8, default)"]
    assert (emb["before"], emb["after"], emb["met"]) == (40.0, 100.0, True)
    assert got["SciFact nDCG@10 (onnx-int8, default)"]["met"] is False  # 0.006 > 0.005
    assert got["1M passages: search p50, ms"]["met"] is True
    assert got["1M passages: recall@10 vs exact"]["met"] is True


def test_report_files_and_json_shape(tmp_path):
    data = report.write_all(tmp_path, _results())
    saved = json.loads((tmp_path / report.JSON_NAME).read_text())
    assert saved == json.loads(json.dumps(data))
    assert {"date", "machine", "runs", "targets", "embedding", "quality", "scale"} <= set(saved)
    assert all(set(t) == {"target", "before", "after", "goal", "met"} for t in saved["targets"])
    md = (tmp_path / report.MD_NAME).read_text()
    assert "## Targets" in md and "| 1,000,000 | HNSW" in md and "2026-11-24" in md
    assert (tmp_path / report.PLOT_NAME).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_partial_run_keeps_the_other_sections(tmp_path):
    report.write_all(tmp_path, _results())
    report.write_all(tmp_path, {"query": {"seed": {}}, "runs": {"query": {"seconds": 1}}})
    saved = json.loads((tmp_path / report.JSON_NAME).read_text())
    assert "embedding" in saved and "query" in saved
    assert set(saved["runs"]) == {"embedding", "query"}


def test_rag_bench_scale_writes_a_report(tmp_path):
    from rag.cli import main

    out = tmp_path / "results"
    assert main(["bench", "--only", "scale", "--sizes", "600", "--queries", "12", "--out", str(out)]) == 0
    saved = json.loads((out / "bench.json").read_text())
    (row,) = saved["scale"]["rows"]
    assert row["passages"] == 600 and row["auto_choice"] == "flat"
    assert row["flat"]["recall@10"] == 1.0 and 0.0 <= row["approx"]["recall@10"] <= 1.0
    assert row["approx"]["search_ms"]["n"] == 12
    assert (out / "latency_vs_size.png").exists() and "scale" in saved["runs"]


@pytest.mark.parametrize(
    "module",
    [
        "rag.bench",
        "rag.bench.stats",
        "rag.bench.report",
        "rag.bench.query",
        "rag.bench.quality",
        "rag.corpus.beir_files",
        "rag.index.embed.onnx",
    ],
)
def test_doctests(module):
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0


def test_read_scifact_keeps_queries_with_a_relevant_document(tmp_path):
    from rag.bench.quality import read_scifact

    (tmp_path / "qrels").mkdir()
    rows = [{"_id": "d1", "title": "T", "text": "one"}, {"_id": "d2", "title": "", "text": "two"}]
    (tmp_path / "corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    qs = [{"_id": "q1", "text": "first"}, {"_id": "q2", "text": "second"}, {"_id": "q3", "text": "unjudged"}]
    (tmp_path / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in qs))
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td2\t1\nq1\td1\t0\nq2\td1\t0\n")
    docs, queries, qrels = read_scifact(tmp_path)
    assert docs == {"d1": "T one", "d2": "two"}
    assert queries == {"q1": "first"} and qrels == {"q1": {"d2"}}  # q2 has only a 0 grade


def test_ndcg_hand_worked():
    from rag.bench.quality import binary_ndcg_at_k

    assert binary_ndcg_at_k(["a", "b"], {"a"}) == 1.0
    # Two relevant, found at ranks 1 and 3: (1 + 1/2) / (1 + 1/log2(3)).
    assert binary_ndcg_at_k(["a", "x", "b"], {"a", "b"}) == pytest.approx(1.5 / (1 + 1 / np.log2(3)))
    assert binary_ndcg_at_k(["x"], {"a"}) == 0.0


@pytest.mark.slow
def test_app_startup_part_reaches_a_first_answer(tmp_path):
    """The start-up part must get a real answer from `python app.py` (not fall back to "page up")."""
    import shutil

    from rag.bench.startup import bench_app
    from rag.config import Settings
    from rag.engine import Engine
    from tests.conftest import ROOT, SEED_CORPUS

    s = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    shutil.copytree(SEED_CORPUS, s.corpus_dir)
    Engine(s).ingest()
    env = {"RAG_CORPUS_DIR": str(s.corpus_dir), "RAG_INDEX_DIR": str(s.index_dir)}
    out = bench_app(ROOT / "app.py", env, "How many wagons of coal did Kazakhstan block?", n_after=2)
    assert "note" not in out and "error" not in out, out
    assert out["to_first_answer_s"] >= out["to_page_s"] > 0
    assert out["http_ask_ms"]["n"] == 2 and out["rss_mib"] > 0


def test_the_load_part_reports_every_server_and_the_api_speed_target():
    """`rag bench --only load`'s section: a row per server and endpoint, and the API target judged
    from the two-worker rows (the floor beside it), on the recorded floor measurement."""
    import copy

    data = {"load": json.loads((bench.ROOT / "benchmarks" / "results" / "load-floors.json").read_text())}
    runs = data["load"]["runs"]
    rows = report.load_targets(data)
    workers = [x for x in runs if x["server"] == "api workers"]
    assert len(rows) == len(workers) == 2
    for row, run in zip(rows, workers, strict=True):
        assert run["endpoint"] in row["target"] and row["after"].startswith(str(int(run["answers_per_s"])))
        assert row["met"] == (run["answers_per_s"] >= 200 and run["p95_ms"] < 200)
    table = [line for line in report.md_load(data) if line.startswith("| ") and line[2:8] not in ("server", "--- | ")]
    assert len(table) == len(runs)
    fast = copy.deepcopy(data)
    for run in fast["load"]["runs"]:
        run.update(answers_per_s=250.0, p95_ms=150.0)
    assert all(row["met"] for row in report.load_targets(fast))
    chat = next(x for x in fast["load"]["runs"] if (x["server"], x["endpoint"]) == ("api workers", "chat"))
    chat["crossed"] = 1  # an answer that crossed to another client fails the target
    assert [row["met"] for row in report.load_targets(fast)] == [True, False]
    assert "The HTTP APIs under load" in report.markdown(data)
