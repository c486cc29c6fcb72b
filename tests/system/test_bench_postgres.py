"""`rag bench`'s PostgreSQL parts against a real server (RAGTEST_PG_DIR, as tests/system/test_postgres.py):
the scale part at 2,000 vectors, and the two stores side by side with the fake embedder."""

from __future__ import annotations

import os

import psycopg
import pytest

from rag.bench import pgscale, stores
from tests.system.test_postgres import pg_dir, pg_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.postgres


def _schemas(url: str) -> set[str]:
    """The bench schemas of this process (another bench may be running against the same server)."""
    with psycopg.connect(url, autocommit=True) as conn:
        names = {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rag_bench%'")}
    return {n for n in names if n.endswith(f"_{os.getpid()}")}


def test_pgscale_finds_the_exact_neighbours_and_reports_its_fields(pg_url):  # noqa: F811
    out = pgscale.run_pgscale(pg_url, [2000], 30, [40, 256], pgscale.PgTuning("256MB", 1), log=lambda m: None)
    (row,) = out["rows"]
    assert out["server"]["pgvector"].startswith("0.") and out["server"]["maintenance_work_mem"]
    assert (row["passages"], row["queries"]) == (2000, 30) and isinstance(row["planner_picks_index"], bool)
    assert row["build"]["server_cpu_s"] > 0  # the test server runs on this machine
    assert row["insert"]["rows_per_s"] > 0 and row["build"]["seconds"] > 0 and row["build"]["index_mib"] > 0
    assert [a["ef_search"] for a in row["postgres"]] == [40, 256]
    assert row["postgres"][1]["recall@10"] >= 0.98  # a wide search over 2,000 vectors is near exact
    assert row["postgres"][1]["search_ms"]["n"] == 30 and row["postgres"][1]["server_cpu_ms"] > 0
    assert row["postgres_exact"]["recall@10"] == 1.0  # PostgreSQL's own exact search agrees with numpy
    assert [a["ef_search"] for a in row["faiss"]["at_ef"]] == [40, 256] and row["faiss"]["at_ef"][1][
        "recall@10"
    ] >= 0.98
    assert out["build_extrapolation"]["from"] == 2000
    assert _schemas(pg_url) == set()  # the bench's schema is gone; nothing else was touched


def test_stores_side_by_side_agree(pg_url, fake_embedder, corpus, settings, tmp_path):  # noqa: F811
    docs = sorted(p.name for p in corpus.iterdir())
    claims = {"q1": "How many wagons of coal did Kazakhstan block?", "q2": "Tokayev and Russia"}
    qrels = {"q1": {docs[0]: 1}, "q2": {docs[1]: 1}}
    out = stores.run_stores(settings, pg_url, fake_embedder, {"scifact": corpus}, tmp_path / "w", tmp_path,
                            (claims, qrels), log=lambda m: None)  # fmt: skip
    sec = out["scifact"]
    assert list(sec["ingest"]) == ["files, embedding", "postgres", "files"]
    assert {r["documents"] for r in sec["ingest"].values()} == {5}
    assert len({r["chunks"] for r in sec["ingest"].values()}) == 1
    sf = sec["scifact"]
    assert sf["ndcg@10"]["files"] == sf["ndcg@10"]["postgres"] and sf["within_tolerance"]
    assert sf["same_top10"] == {"dense": 1.0, "bm25": 1.0, "hybrid": 1.0}
    assert _schemas(pg_url) == set()
