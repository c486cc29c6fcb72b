"""The two stores side by side: ingest rate and retrieval quality, files against PostgreSQL.

Each corpus (the seed articles with the eval set; SciFact with its test claims) is ingested three
times, each into an empty index: into the files with the model embedding (`files, embedding`),
then into PostgreSQL and into the files again with every vector already at hand (`postgres`,
`files`), so those two rates differ only by the store. Then:

- the eval set: `rag eval --check` is run as a user runs it, once per store (RAG_STORE,
  RAG_DATABASE_URL); the files' outcomes are recorded as a baseline and PostgreSQL's are checked
  against them with the gate's own rule (no outcome loses more than its allowance, net);
- SciFact: every test claim through both stores in every mode, documents ranked by their best
  passage (as `rag eval --beir`); nDCG@10 must agree within the bench's quality tolerance.

PostgreSQL's tables go to a schema of their own per corpus (`rag_bench_seed_<pid>`, ...), dropped
at the end, so a database that holds a real index is not touched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.bench.stats import timed
from rag.config import Settings
from rag.index.embed import Embedder, MemoEmbedder

NDCG_TOLERANCE = 0.005  # the bench's quality gate for embedder changes (report.targets)
BEIR_MODES = ("dense", "bm25", "hybrid")
CHUNK_DEPTH = 300  # passages asked per claim, as `rag eval --beir`
DOC_DEPTH = 100


def schema_url(url: str, schema: str) -> str:
    """`url` with its search path set to `schema` (then public, where pgvector's type lives).

    >>> schema_url("postgresql://u@/rag?host=/tmp/x&port=5432", "rag_bench_seed")
    'user=u dbname=rag host=/tmp/x port=5432 options=-csearch_path=rag_bench_seed,public'
    """
    from psycopg.conninfo import make_conninfo

    return make_conninfo(url, options=f"-csearch_path={schema},public")


def reset_schema(url: str, schema: str) -> None:
    """An empty `schema` (dropped with its tables first)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")


def drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def ingest_row(report: Any, seconds: float, cpu: float) -> dict[str, Any]:
    """One ingest's rate, from its report."""
    return {
        "documents": report.documents,
        "chunks": report.chunks,
        "sentences": report.sentences_embedded,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "docs_per_s": round(report.documents / seconds, 2),
        "chunks_per_s": round(report.chunks / seconds, 1),
        "stages_s": {k: round(v, 3) for k, v in report.timings.items()},
    }


def ingest_both(
    files: Settings, postgres: Settings, embedder: MemoEmbedder, log: Callable[[str], None]
) -> dict[str, Any]:
    """Cold ingest into the files (embedding), PostgreSQL and the files again (vectors at hand).
    The files' second index is at `files.index_dir`, the first beside it."""
    from rag.engine import Engine
    from rag.index import stores

    out: dict[str, Any] = {}
    first = files.replace(index_dir=Path(str(files.index_dir)).with_name("first-index"))
    for name, s in (("files, embedding", first), ("postgres", postgres), ("files", files)):
        report, t = timed(lambda s=s: Engine(s, embedder).ingest(rebuild=True))
        out[name] = ingest_row(report, t.seconds, t.cpu_seconds)
        log(f"    ingest {name}: {out[name]['docs_per_s']} articles/s, {out[name]['chunks_per_s']} chunks/s")
    stores.postgres_store(postgres).close()
    return out


def eval_command(settings: Settings, reports: Path, extra: Sequence[str], root: Path) -> dict[str, Any]:
    """`rag eval` in its own process over the index `settings` name; its exit code, last lines and headline."""
    env = {**os.environ, "RAG_STORE": settings.store, "RAG_CORPUS_DIR": str(settings.corpus_dir),
           "RAG_INDEX_DIR": str(settings.index_dir)}  # fmt: skip
    if settings.database_url:
        env["RAG_DATABASE_URL"] = settings.database_url
    cmd = [sys.executable, "-m", "rag.cli", "eval", "--questions", str(root / "eval" / "questions.jsonl"),
           "--reports", str(reports), *extra]  # fmt: skip
    done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    lines = [ln for ln in (done.stdout + done.stderr).splitlines() if ln.strip()]
    verdict = [ln for ln in lines if ln.startswith("eval check") or ln.startswith("  ")]  # the gate's lines
    out: dict[str, Any] = {"exit_code": done.returncode, "said": (verdict or lines)[-6:]}
    report = reports / "eval.json"
    if report.is_file():
        out["headline"] = json.loads(report.read_text())["headline"]
    return out


def eval_both(files: Settings, postgres: Settings, work: Path, root: Path) -> dict[str, Any]:
    """The eval set through both stores: each against the repository's baseline (the gate), and
    PostgreSQL against the files' own outcomes."""
    own = work / "files-outcomes.json"
    gate = ["--check", "--baseline", str(root / "eval" / "baseline.json")]
    out = {"files": eval_command(files, work / "eval-files", gate, root),
           "postgres": eval_command(postgres, work / "eval-pg", gate, root)}  # fmt: skip
    eval_command(files, work / "eval-files-own", ["--update-baseline", "--baseline", str(own)], root)
    out["postgres_vs_files"] = eval_command(postgres, work / "eval-pg-own", ["--check", "--baseline", str(own)], root)
    head_f, head_p = out["files"].get("headline", {}), out["postgres"].get("headline", {})
    diffs = {k: round(head_p[k] - v, 4) for k, v in head_f.items() if k in head_p}
    out["largest_difference"] = max((abs(v) for v in diffs.values()), default=None)
    out["gate_passed"] = {name: out[name]["exit_code"] == 0 for name in ("files", "postgres", "postgres_vs_files")}
    return out


def rank_documents(hits: Sequence[Any], depth: int = DOC_DEPTH) -> list[str]:
    """Document ids in the order of their best passage (the first hit of each)."""
    return list(dict.fromkeys(h.chunk.doc_id for h in hits))[:depth]


def beir_runs(settings: Settings, snapshot: Any, embedder: Embedder, queries: dict[str, str]) -> dict[str, dict]:
    """mode -> query id -> document ids ranked, through `rag.search.retrieve.search` (no floor, no MMR)."""
    from rag.search.retrieve import search

    runs: dict[str, dict[str, list[str]]] = {m: {} for m in BEIR_MODES}
    for qid, text in queries.items():
        for mode in BEIR_MODES:
            hits = search(text, settings, snapshot, embedder=embedder, k=CHUNK_DEPTH, mode=mode, use_mmr=False,
                          floor=-1.0).hits  # fmt: skip
            runs[mode][qid] = rank_documents(hits)
    return runs


def ndcg_by_mode(runs: dict[str, dict[str, list[str]]], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    """Mean nDCG@10 per mode (graded, as BEIR)."""
    from rag.metrics import mean, ndcg_at_k

    out = {}
    for mode, by_q in runs.items():
        scores = []
        for qid, ranked in by_q.items():
            judged = qrels[qid]
            gains = [float(judged.get(_beir_id(d), 0)) for d in ranked]
            scores.append(ndcg_at_k(gains, [float(g) for g in judged.values() if g > 0], 10))
        out[mode] = round(mean(scores), 5)
    return out


def _beir_id(doc_id: str) -> str:
    """The SciFact id of an article written by `rag.bench.ingest.write_scifact_corpus` ("<id>.md")."""
    return doc_id.removesuffix(".md")


def same_top10(a: dict[str, dict[str, list[str]]], b: dict[str, dict[str, list[str]]]) -> dict[str, float]:
    """Per mode, the share of queries whose top 10 documents are the same, in the same order."""
    return {m: round(float(np.mean([a[m][q][:10] == b[m][q][:10] for q in a[m]])), 4) for m in a}


def scifact_both(
    files: Settings, postgres: Settings, embedder: Embedder, queries: dict[str, str], qrels: dict[str, dict[str, int]]
) -> dict[str, Any]:
    """SciFact's test claims through both stores: nDCG@10 per mode and how far apart the two are."""
    from rag.engine import Engine

    runs = {}
    for name, s in (("files", files), ("postgres", postgres)):
        runs[name] = beir_runs(s, Engine(s, embedder).snapshot(), embedder, queries)
    ndcg = {name: ndcg_by_mode(r, qrels) for name, r in runs.items()}
    diff = max(abs(ndcg["files"][m] - ndcg["postgres"][m]) for m in BEIR_MODES)
    return {
        "queries": len(queries),
        "ndcg@10": ndcg,
        "largest_difference": round(diff, 5),
        "tolerance": NDCG_TOLERANCE,
        "within_tolerance": diff <= NDCG_TOLERANCE,
        "same_top10": same_top10(runs["files"], runs["postgres"]),
    }


def run_stores(
    settings: Settings,
    url: str,
    embedder: Embedder,
    corpora: dict[str, Path],
    work: Path,
    root: Path,
    scifact: tuple[dict[str, str], dict[str, dict[str, int]]] | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """The stores section: per corpus, the ingest rates; the eval set on "seed", SciFact's claims
    (`scifact`: queries, graded qrels) on "scifact"."""
    memo = MemoEmbedder(embedder)
    embedder.embed_query("warm up")  # the model's load is not an ingest's time
    out: dict[str, Any] = {}
    for name, corpus in corpora.items():
        schema = f"rag_bench_{name}_{os.getpid()}"
        reset_schema(url, schema)
        folder = work / f"stores-{name}"
        files = settings.replace(store="files", corpus_dir=corpus, index_dir=folder / "index")
        postgres = settings.replace(store="postgres", database_url=schema_url(url, schema), corpus_dir=corpus)
        log(f"  stores, {name}: ingest into files, postgres, files")
        sec: dict[str, Any] = {"ingest": ingest_both(files, postgres, memo, log)}
        try:
            if name == "seed":
                log("  stores, seed: rag eval --check through each store")
                sec["eval"] = eval_both(files, postgres, folder, root)
            elif name == "scifact" and scifact is not None:
                log(f"  stores, scifact: {len(scifact[0])} claims x {len(BEIR_MODES)} modes through each store")
                sec["scifact"] = scifact_both(files, postgres, memo, *scifact)
        finally:
            from rag.index import stores

            stores.postgres_store(postgres).close()
            stores._POSTGRES.pop(str(postgres.database_url), None)
            drop_schema(url, schema)
        out[name] = sec
    memo.memo.clear()
    return out
