"""Runs the parts of `rag bench` in order and saves the report after each one."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rag.bench import (
    ARCHIVE_SIZES,
    FULL_SIZES,
    PG_SIZES,
    POSTGRES_PARTS,
    QUICK_ARCHIVE_SIZES,
    QUICK_PG_SIZES,
    QUICK_SIZES,
    ROOT,
    parse_sizes,
)
from rag.bench import report as rep
from rag.bench.stats import busy, machine_info, ratio
from rag.config import Settings

QUICK_SCIFACT_DOCS = 500
EMBED_SAMPLE = 256
LOAD_SECONDS, LOAD_SECONDS_QUICK = 20.0, 5.0  # per server and endpoint in the load part
APP_QUESTION = "How many wagons of Russian coal did Kazakhstan block?"


class Runner:
    def __init__(self, args: argparse.Namespace, settings: Settings):
        self.args = args
        self.settings = settings
        self.work = Path(tempfile.mkdtemp(prefix="rag-bench-"))
        self.results: dict[str, Any] = {}
        self.runs: dict[str, Any] = {}
        self._engine: Any = None  # over self.settings; its embedder is shared by every corpus's engine
        self._naive: dict[str, Any] = {}  # corpus -> naive pipeline (built by the ingest part)
        self._ours: dict[str, Settings] = {}  # corpus -> settings of our built index

    # ------------------------------------------------------------ plumbing

    def log(self, msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    @property
    def embedder(self):
        if self._engine is None:
            from rag.engine import Engine

            self._engine = Engine(self.settings)
        return self._engine.embedder

    @property
    def scifact(self) -> Path | None:
        path = self.args.scifact
        return path if (path / "corpus.jsonl").is_file() else None

    def scifact_docs(self) -> int | None:
        return self.args.scifact_docs or (QUICK_SCIFACT_DOCS if self.args.quick else None)

    def run_all(self) -> int:
        need_pg = [p for p in self.args.only if p in POSTGRES_PARTS]
        if need_pg and not self.settings.database_url:
            from rag.errors import ConfigError

            raise ConfigError(
                f"the {' and '.join(need_pg)} part{'s' if len(need_pg) > 1 else ''} need a PostgreSQL database with "
                "pgvector: pass --database-url URL or set RAG_DATABASE_URL (`bash scripts/pgserver.sh start DIR` "
                "starts a throwaway one and prints its URL)"
            )
        self.log(f"work folder {self.work}; reports to {self.args.out}")
        if self.scifact is None:
            self.log(f"SciFact not found at {self.args.scifact}: its parts are skipped (use --scifact DIR)")
        try:
            for part in self.args.only:
                self.run_part(part)
        finally:
            if not self.args.keep:
                shutil.rmtree(self.work, ignore_errors=True)
        data = rep.write_all(self.args.out, self._payload())
        for t in data.get("targets", []):
            self.log(f"target: {t['target']}: {t['before']} -> {t['after']} ({t['goal']}): met={t['met']}")
        return 0

    def run_part(self, part: str) -> None:
        load0 = os.getloadavg()
        t = time.perf_counter()
        self.log(f"== {part} (load average {load0[0]:.1f})")
        out, extra = getattr(self, f"part_{part}")()
        load1 = os.getloadavg()
        cores = os.cpu_count()
        run = {"date": time.strftime("%Y-%m-%d %H:%M"), "seconds": round(time.perf_counter() - t, 1),
               "load_before": round(load0[0], 2), "load_after": round(load1[0], 2), **extra}  # fmt: skip
        if busy([max(load0[0], load1[0])], cores):
            run["note"] = (f"shared machine: load average {load0[0]:.1f} before, {load1[0]:.1f} after "
                           f"on {cores} cores; wall-clock figures are slower than on a quiet machine")  # fmt: skip
        self.runs[rep_section(part)] = run
        self.results[rep_section(part)] = out
        rep.write_all(self.args.out, self._payload())  # save as we go

    def _payload(self) -> dict[str, Any]:
        return {**self.results, "runs": self.runs, "date": time.strftime("%Y-%m-%d"), "machine": machine_info()}

    # ------------------------------------------------------------ parts

    def part_embed(self) -> tuple[dict[str, Any], dict[str, Any]]:
        from rag.bench.ingest import bench_embedders, sample_chunks

        if self.scifact is None:
            return {}, {"note": "skipped: no SciFact"}
        texts = sample_chunks(self.scifact, self.settings, self.embedder, EMBED_SAMPLE)
        rows = bench_embedders(texts, self.settings, self.log)
        return rows, {"default_variant": self.default_variant()}

    def default_variant(self) -> str:
        return f"{self.settings.embed_backend}-{'int8' if self.settings.quantize else 'fp32'}"

    def part_quality(self) -> tuple[dict[str, Any], dict[str, Any]]:
        from rag.bench.quality import dense_ndcg, read_scifact
        from rag.index.embed import make_embedder

        if self.scifact is None:
            return {}, {"note": "skipped: no SciFact"}
        docs, queries, qrels = read_scifact(self.scifact)
        variants = ["torch-fp32", self.default_variant()] if self.args.quick is False else [self.default_variant()]
        variants += [v for v in ("onnx-int8", "onnx-fp32", "torch-int8") if v not in variants and not self.args.quick]
        out = {}
        for name in variants:
            backend, q = name.split("-")
            e = make_embedder(self.settings.embedder, backend, q == "int8", self.settings.model_cache)
            out[name] = dense_ndcg(e, docs, queries, qrels)
            self.log(f"  {name}: nDCG@10 {out[name]['ndcg@10']}")
            rep.write_all(self.args.out, {**self._payload(), "quality": out})
        return out, {"default_variant": self.default_variant()}

    def part_ingest(self) -> tuple[dict[str, Any], dict[str, Any]]:
        from rag.bench.ingest import bench_naive, bench_ours, with_ratios, write_scifact_corpus
        from rag.bench.stats import timed

        corpora = {"seed": self.settings.corpus_dir if self.settings.corpus_dir.is_dir() else ROOT / "corpus"}
        if self.scifact is not None:
            src = self.work / "scifact-src"
            n = write_scifact_corpus(self.scifact, src, self.scifact_docs())
            self.log(f"  wrote {n} SciFact abstracts as article files")
            corpora["scifact"] = src
        out: dict[str, Any] = {}
        from rag.index.embed import make_embedder

        s = self.settings
        fresh = make_embedder(s.embedder, s.embed_backend, s.quantize, s.model_cache)
        _, load = timed(lambda: fresh.embed_query("warm up"))
        for name, src in corpora.items():
            self.log(f"  {name}: ours")
            ours = bench_ours(src, self.work / f"ours-{name}", s, self.embedder)
            self._ours[name] = ours.pop("settings")
            ours["model_load_s"] = round(load.seconds, 3)
            self.log(f"  {name}: baseline")
            naive = bench_naive(src, s, repeat_unchanged=(name == "seed"))
            self._naive[name] = naive.pop("pipeline")
            out[name] = {"ours": ours, "naive": naive, "speedup": with_ratios(ours, naive)}
            self.log(f"  {name}: cold {ours['cold']['seconds']} s vs {naive['cold']['seconds']} s")
        return out, {"default_variant": self.default_variant()}

    def _index_for(self, name: str) -> Settings | None:
        """Settings of our index of a corpus, building it (and the baseline) if the ingest part did not run."""
        if name not in self._ours:
            from rag.bench.ingest import bench_naive, write_scifact_corpus
            from rag.engine import Engine

            if name == "seed":
                src = self.settings.corpus_dir if self.settings.corpus_dir.is_dir() else ROOT / "corpus"
            elif self.scifact is not None:
                src = self.work / "scifact-src"
                write_scifact_corpus(self.scifact, src, self.scifact_docs())
            else:
                return None
            s = self.settings.replace(corpus_dir=src, index_dir=self.work / f"q-{name}" / "index")
            Engine(s, self.embedder).ingest()
            self._ours[name] = s
            self._naive[name] = bench_naive(src, self.settings, repeat_unchanged=False)["pipeline"]
        return self._ours[name]

    def part_query(self) -> tuple[dict[str, Any], dict[str, Any]]:
        from rag.bench.query import bench_ask, bench_naive_search, bench_search, load_questions
        from rag.engine import Engine

        questions = load_questions(ROOT / "eval" / "questions.jsonl", self.scifact, self.args.queries)
        out: dict[str, Any] = {}
        for name in ("seed", "scifact"):
            s = self._index_for(name)
            if s is None:
                continue
            engine = Engine(s, self.embedder)
            chunks = len(engine.snapshot())
            self.log(f"  {name}: {len(questions)} queries x 3 modes + ask + baseline ({chunks} chunks)")
            sec = {"chunks": chunks, "search": bench_search(engine, questions)}
            sec["ask"] = bench_ask(engine, questions)
            if "skipped" in sec["ask"]:
                self.log(f"  ask skipped: {sec['ask']['skipped']}")
            sec["naive"] = bench_naive_search(self._naive[name], questions, s.top_k)
            base = sec["naive"]["total_ms"]["p50"]
            sec["speedup_p50"] = {
                m: ratio(sec["search"][m]["total_ms"]["p50"], base) for m in ("hybrid", "dense", "bm25")
            }
            out[name] = sec
        return out, {"questions": "eval/questions.jsonl + SciFact test claims"}

    def part_startup(self) -> tuple[dict[str, Any], dict[str, Any]]:
        from rag.bench.startup import bench_app
        from rag.engine import Engine

        app_py = ROOT / "app.py"
        out: dict[str, Any] = {}
        variants = {"app": {}, "before": {"RAG_EMBED_BACKEND": "torch", "RAG_QUANTIZE": "false"}}
        for key, extra_env in variants.items():
            s = Settings.from_env({**os.environ, **extra_env}).replace(
                corpus_dir=self.work / f"app-{key}" / "corpus", index_dir=self.work / f"app-{key}" / "index"
            )
            shutil.copytree(ROOT / "corpus", s.corpus_dir)
            Engine(s).ingest()  # a built index, as the target says
            env = {**extra_env, "RAG_CORPUS_DIR": str(s.corpus_dir), "RAG_INDEX_DIR": str(s.index_dir)}
            self.log(f"  {key}: starting app.py")
            out[key] = bench_app(app_py, env, APP_QUESTION)
            self.log(f"  {key}: {out[key]}")
        out["naive"] = self._naive_startup()
        return out, {}

    def _naive_startup(self) -> dict[str, Any]:
        import numpy as np

        from rag.bench.naive import NaivePipeline
        from rag.bench.startup import bench_naive_startup

        naive = self._naive.get("seed")
        if naive is None:
            naive = NaivePipeline(self.settings)
            naive.ingest(ROOT / "corpus")
        vec_path, text_path = self.work / "naive-vectors.npy", self.work / "naive-texts.txt"
        n = naive.index.ntotal
        np.save(vec_path, naive.index.reconstruct_n(0, n))
        text_path.write_text("\x1e".join(naive.texts), encoding="utf-8")
        return bench_naive_startup(naive.embedder.path, vec_path, text_path, APP_QUESTION)

    def part_scale(self) -> tuple[dict[str, Any], dict[str, Any]]:
        from rag.bench.scale import run_scale
        from rag.index.store import HNSW_EF_SEARCH, HNSW_M

        sizes = self.args.sizes or parse_sizes(QUICK_SIZES if self.args.quick else FULL_SIZES)
        ef = self.args.ef_search or HNSW_EF_SEARCH
        out = run_scale(sizes, self.args.queries, self.settings.hnsw_threshold, ef, self.log)
        out["approx_kind"] = "HNSW"
        out["hnsw_threshold"] = self.settings.hnsw_threshold
        for row in out["rows"]:
            row["approx"]["params"] = {"M": HNSW_M, "efSearch": ef}
        return out, {}

    def part_archive(self) -> tuple[dict[str, Any], dict[str, Any]]:
        from rag.bench.archive_ingest import run_archive

        sizes = self.args.archive_articles or parse_sizes(QUICK_ARCHIVE_SIZES if self.args.quick else ARCHIVE_SIZES)
        out = run_archive(sizes, self.work, self.settings, baseline=self.args.archive_baseline, log=self.log)
        return out, {"default_variant": self.default_variant()}

    def part_stores(self) -> tuple[dict[str, Any], dict[str, Any]]:
        from rag.bench.ingest import write_scifact_corpus
        from rag.bench.stores import run_stores

        corpora = {"seed": self.settings.corpus_dir if self.settings.corpus_dir.is_dir() else ROOT / "corpus"}
        claims = None
        if self.scifact is not None:
            from rag.corpus.beir_files import load_beir

            # With --scifact-docs, every judged abstract of the test claims and others up to that number
            judged = {d for q in load_beir(self.scifact, "test").qrels.values() for d, g in q.items() if g > 0}
            src = self.work / "stores-scifact-src"
            write_scifact_corpus(self.scifact, src, self.scifact_docs(), keep=judged)
            corpora["scifact"] = src
            claims = scifact_claims(self.scifact, {p.stem for p in src.glob("*.md")})
        out = run_stores(self.settings, str(self.settings.database_url), self.embedder, corpora, self.work, ROOT,
                         claims, self.log)  # fmt: skip
        return out, {"default_variant": self.default_variant(), "database": _where(self.settings.database_url)}

    def part_load(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Every way of serving the APIs in turn, floors included, under 20 loopback clients
        (`rag.bench.servers`), over the corpus (an index of it is built in the work folder)."""
        from rag.bench.load import ENDPOINTS
        from rag.bench.servers import CONFIGS, measure
        from rag.bench.startup import free_port

        corpus = self.settings.corpus_dir if self.settings.corpus_dir.is_dir() else ROOT / "corpus"
        port = free_port()  # the servers take it in turn
        seconds = LOAD_SECONDS_QUICK if self.args.quick else LOAD_SECONDS
        self.log(f"  {len(CONFIGS)} servers x {len(ENDPOINTS)} endpoints, {seconds:g} s each, on port {port}")
        out = measure(corpus.resolve(), self.work / "load-index", list(CONFIGS), list(ENDPOINTS), seconds=seconds,
                      port=port)  # fmt: skip
        return out, {}

    def part_pgscale(self) -> tuple[dict[str, Any], dict[str, Any]]:
        from rag.bench.pgscale import PgTuning, run_pgscale
        from rag.index.store import HNSW_EF_SEARCH

        sizes = self.args.pg_sizes or parse_sizes(QUICK_PG_SIZES if self.args.quick else PG_SIZES)
        efs = self.args.pg_ef_search or [HNSW_EF_SEARCH, 2 * HNSW_EF_SEARCH]
        tuning = PgTuning(self.args.pg_maintenance_mem, self.args.pg_workers)
        out = run_pgscale(str(self.settings.database_url), sizes, self.args.queries, efs, tuning, log=self.log)
        return out, {"database": _where(self.settings.database_url)}


def scifact_claims(root: Path, written: set[str]) -> tuple[dict[str, str], dict[str, dict[str, int]]]:
    """SciFact's judged test claims whose relevant abstracts were all written (all, unless --scifact-docs)."""
    from rag.corpus.beir_files import load_beir

    beir = load_beir(root, "test")
    keep = {
        q: j
        for q, j in beir.qrels.items()
        if q in beir.queries and any(g > 0 for g in j.values()) and all(d in written for d in j if j[d] > 0)
    }
    return {q: beir.queries[q] for q in keep}, keep


def _where(url: str | None) -> str:
    from rag.index.pgstore import where

    return where(str(url))


def rep_section(part: str) -> str:
    """The report section a part fills ("embed" fills "embedding")."""
    return {"embed": "embedding"}.get(part, part)
