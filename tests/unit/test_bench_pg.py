"""The PostgreSQL parts of `rag bench` without a server: exact search, the build extrapolation,
the vector memo, the SciFact comparison and the report's sections. No timings asserted."""

from __future__ import annotations

import argparse

import numpy as np
import pytest

from rag.bench import DEFAULT_PARTS, PARTS, POSTGRES_PARTS, pgscale, report, stores
from rag.bench.runner import Runner
from rag.config import Settings
from rag.errors import ConfigError
from rag.index.embed import MemoEmbedder


def test_exact_top_k_in_blocks_equals_a_full_sort():
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((503, 16)).astype(np.float32)
    vectors[300] = vectors[12]  # a tie: the smaller id comes first
    queries = np.vstack([vectors[12], rng.standard_normal((9, 16)).astype(np.float32)])
    got = pgscale.exact_top_k(vectors, queries, k=10, block=37)  # blocks that cut through the top 10
    scores = queries @ vectors.T
    want = np.array([sorted(range(len(vectors)), key=lambda i: (-s[i], i))[:10] for s in scores])
    assert got.tolist() == want.tolist()
    assert got[0, :2].tolist() == [12, 300]


def test_build_extrapolation_is_n_log_n_and_absent_once_built():
    est = pgscale.extrapolate_build([{"passages": 10_000, "build": {"seconds": 2.0}},
                                     {"passages": 100_000, "build": {"seconds": 50.0}}])  # fmt: skip
    assert est == {"passages": 1_000_000, "from": 100_000, "seconds": 600.0, "model": "n log n"}
    assert pgscale.extrapolate_build([{"passages": 1_000_000, "build": {"seconds": 9.0}}]) is None
    assert pgscale.extrapolate_build([]) is None


def test_memo_embedder_embeds_each_text_once_and_gives_the_models_vectors(fake_embedder):
    memo = MemoEmbedder(fake_embedder)
    texts = ["coal wagons", "grain exports", "coal wagons"]
    first = memo.embed_documents(texts)
    assert fake_embedder.embedded == 2
    again = memo.embed_documents(texts[::-1])
    assert fake_embedder.embedded == 2  # nothing embedded the second time
    np.testing.assert_array_equal(again, first[::-1])
    np.testing.assert_allclose(first, fake_embedder.embed_documents(texts), atol=1e-6)
    assert memo.embed_documents([]).shape == (0, fake_embedder.dim)
    assert (memo.name, memo.dim) == (fake_embedder.name, fake_embedder.dim)
    assert list(memo.asked) == ["coal wagons", "grain exports"]
    # Started from vectors embedded before: only the texts it lacks go to the model.
    started, before = MemoEmbedder(fake_embedder, {"coal wagons": first[0]}), fake_embedder.embedded
    np.testing.assert_array_equal(started.embed_documents(["grain exports", "coal wagons"]), first[[1, 0]])
    assert fake_embedder.embedded == before + 1 and list(started.asked) == ["grain exports", "coal wagons"]


def test_scifact_comparison_by_hand():
    qrels = {"q1": {"7": 1}, "q2": {"8": 1, "9": 1}}
    ranked = {"dense": {"q1": ["7.md", "1.md"], "q2": ["1.md", "8.md"]}}
    # q1: the relevant abstract first -> 1.0; q2: one of two at rank 2 -> (1/log2 3) / (1 + 1/log2 3)
    want = (1.0 + (1 / np.log2(3)) / (1 + 1 / np.log2(3))) / 2
    assert stores.ndcg_by_mode(ranked, qrels)["dense"] == pytest.approx(want, abs=1e-5)
    other = {"dense": {"q1": ["7.md", "1.md"], "q2": ["8.md", "1.md"]}}
    assert stores.same_top10(ranked, other) == {"dense": 0.5}


def test_postgres_parts_are_not_in_a_plain_bench_and_ask_for_a_database(tmp_path):
    assert set(POSTGRES_PARTS) <= set(PARTS) and not set(POSTGRES_PARTS) & set(DEFAULT_PARTS)
    args = argparse.Namespace(only=["pgscale"], out=tmp_path, keep=False, scifact=tmp_path)
    with pytest.raises(ConfigError, match="RAG_DATABASE_URL.*pgserver.sh start"):
        Runner(args, Settings()).run_all()
    assert not (tmp_path / "bench.json").exists()  # nothing was written over the last numbers


def _pg_section():
    at = {"search_ms": {"p50": 3.1, "p95": 5.2}, "server_cpu_ms": 1.5, "recall@10": 0.99}
    return {
        "dim": 384, "k": 10, "server": {"server_version": "15.9", "pgvector": "0.8.0", "shared_buffers": "4GB"},
        "rows": [{
            "passages": 100_000, "insert": {"rows_per_s": 25_000.0},
            "build": {"seconds": 80.0, "server_cpu_s": 120.0, "index_mib": 390.0, "m": 32, "ef_construction": 80, "notices": []},
            "load_average_before_build": [2.5, 2.0, 1.0], "load_average_after_build": [3.0, 2.0, 1.0],
            "postgres": [{**at, "ef_search": 256}, {**at, "ef_search": 512, "recall@10": 0.997}],
            "postgres_exact": {"search_ms": {"p50": 90.0, "p95": 95.0}, "recall@10": 1.0},
            "faiss": {"build_s": 9.0, "build_cpu_s": 15.0, "at_ef": [{**at, "ef_search": 256, "recall@10": 0.998}]},
        }],
        "build_extrapolation": {"passages": 1_000_000, "from": 100_000, "seconds": 960.0, "model": "n log n"},
    }  # fmt: skip


def test_report_sections_show_both_stores():
    ingest = {"documents": 5, "chunks": 46, "seconds": 0.5, "docs_per_s": 10.0, "chunks_per_s": 92.0}
    head = {"hybrid/hit@1": 0.8879}
    st = {
        "seed": {"ingest": {"files": ingest, "postgres": ingest},
                 "eval": {"files": {"headline": head}, "postgres": {"headline": head}, "largest_difference": 0.0,
                          "gate_passed": {"files": True, "postgres": True, "postgres_vs_files": True}}},
        "scifact": {"ingest": {}, "scifact": {"queries": 300, "ndcg@10": {"files": {"dense": 0.64},
                    "postgres": {"dense": 0.639}}, "largest_difference": 0.001, "tolerance": 0.005,
                    "within_tolerance": True, "same_top10": {"dense": 0.97}}},
    }  # fmt: skip
    md = report.markdown({"stores": st, "pgscale": _pg_section()})
    assert "## Stores: the files against PostgreSQL" in md and "## PostgreSQL at scale" in md
    assert "| seed | postgres | 5 | 46 |" in md
    assert "| hybrid/hit@1 | 0.8879 | 0.8879 |" in md and "postgres against the files' own outcomes passed" in md
    assert "| dense | 0.6400 | 0.6390 | 97% of claims |" in md and "within" in md
    assert (
        "| 100,000 | postgres HNSW (m 32, ef_construction 80) | 256 | 80 (120) | 25,000 | 390 | 3.1 | 5.2 | 1.5 | 0.99 |"
        in md
    )
    assert "| 100,000 | FAISS HNSW (in process) | 256 | 9 (15) |" in md
    assert "about 16 minutes" in md


def test_scifact_slice_keeps_the_judged_abstracts(tmp_path):
    import json

    from rag.bench.ingest import write_scifact_corpus

    (tmp_path / "sf").mkdir()
    rows = [{"_id": str(i), "title": f"t{i}", "text": f"abstract {i}"} for i in range(10)]
    (tmp_path / "sf" / "corpus.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    n = write_scifact_corpus(tmp_path / "sf", tmp_path / "out", limit=4, keep={"7", "9"})
    assert n == 4 and sorted(p.stem for p in (tmp_path / "out").iterdir()) == ["0", "1", "7", "9"]
    assert write_scifact_corpus(tmp_path / "sf", tmp_path / "all") == 10
