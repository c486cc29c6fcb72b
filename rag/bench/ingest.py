"""Ingest speed: cold, one article changed, unchanged; ours against the naive baseline.

Also the embedder alone (chunks/s of each backend on the same ~200-token chunks), since
embedding is where cold ingest spends its time.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

import numpy as np

from rag.bench.stats import ratio, timed
from rag.config import Settings
from rag.corpus.beir_files import iter_jsonl
from rag.index.embed import Embedder

Log = Callable[[str], None]


def write_scifact_corpus(scifact: Path, dst: Path, limit: int | None = None, keep: Collection[str] = ()) -> int:
    """Each SciFact abstract as an article file (title in front matter); the number written.

    With `limit`, the abstracts named in `keep` and then the first others up to `limit` in all.
    """
    dst.mkdir(parents=True, exist_ok=True)
    n = 0
    others = None if limit is None else max(limit - len(keep), 0)
    for d in iter_jsonl(scifact / "corpus.jsonl"):
        if others is not None and d["_id"] not in keep:
            if others <= 0:
                continue
            others -= 1
        title = json.dumps(d.get("title") or d["_id"], ensure_ascii=False)  # JSON strings are valid YAML
        (dst / f"{d['_id']}.md").write_text(f"---\ntitle: {title}\n---\n\n{d['text']}\n", encoding="utf-8")
        n += 1
    return n


def rates(documents: int, chunks: int, tokens: int, seconds: float) -> dict[str, float]:
    """documents/s, chunks/s and tokens/s over `seconds`."""
    s = max(seconds, 1e-9)
    return {
        "docs_per_s": round(documents / s, 2),
        "chunks_per_s": round(chunks / s, 2),
        "tokens_per_s": round(tokens / s),
    }


def report_row(report: Any, cpu_seconds: float) -> dict[str, Any]:
    """One of our ingests as the report lists it: counts, times, stage split and rates."""
    return {
        "documents": report.documents,
        "chunks": report.chunks,
        "tokens": report.tokens,
        "chunks_embedded": report.chunks_embedded,
        "sentences_embedded": report.sentences_embedded,
        "seconds": round(report.seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "stages_s": {k: round(v, 3) for k, v in report.timings.items()},
        "chunk_model_s": round(report.embed_busy, 3),  # the model on chunks, mostly alongside parse_chunk
        **rates(report.documents, report.chunks, report.tokens, report.seconds),
    }


def change_one_article(corpus: Path) -> str:
    """Append a sentence to the first article (as an editor's correction would); its id."""
    path = sorted(p for p in corpus.rglob("*") if p.is_file())[0]
    path.write_text(path.read_text(encoding="utf-8") + "\n\nThis article was updated with one more sentence.\n")
    return path.relative_to(corpus).as_posix()


def bench_ours(source: Path, work: Path, settings: Settings, embedder: Embedder) -> dict[str, Any]:
    """Cold ingest, re-ingest unchanged, re-ingest with one article changed (model already loaded)."""
    from rag.engine import Engine

    corpus = work / "corpus"
    shutil.copytree(source, corpus)
    s = settings.replace(corpus_dir=corpus, index_dir=work / "index")
    engine = Engine(s, embedder)
    cold, t_cold = timed(engine.ingest)
    same, t_same = timed(engine.ingest)
    changed_id = change_one_article(corpus)
    one, t_one = timed(engine.ingest)
    return {
        "cold": report_row(cold, t_cold.cpu_seconds),
        "unchanged": report_row(same, t_same.cpu_seconds),
        "one_changed": {**report_row(one, t_one.cpu_seconds), "changed": changed_id},
        "settings": s,
    }


def bench_naive(source: Path, settings: Settings, repeat_unchanged: bool = True) -> dict[str, Any]:
    """The baseline on the same corpus: every ingest embeds everything again."""
    from rag.bench.naive import NaivePipeline

    naive = NaivePipeline(settings)
    _, load = timed(naive.load_model)
    out: dict[str, Any] = {"model_load_s": round(load.seconds, 3)}
    cold, t = timed(lambda: naive.ingest(source))
    out["cold"] = naive_row(cold, t.cpu_seconds)
    if repeat_unchanged:
        again, t = timed(lambda: naive.ingest(source))
        out["unchanged"] = naive_row(again, t.cpu_seconds)
    out["pipeline"] = naive
    return out


def naive_row(r: dict[str, Any], cpu_seconds: float) -> dict[str, Any]:
    """One of the baseline's ingests, in the same shape as `report_row`."""
    return {
        **{k: r[k] for k in ("documents", "chunks", "tokens", "chunks_embedded")},
        "seconds": round(r["seconds"], 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "stages_s": {k: round(v, 3) for k, v in r["timings"].items()},
        **rates(r["documents"], r["chunks"], r["tokens"], r["seconds"]),
    }


def with_ratios(ours: dict[str, Any], naive: dict[str, Any]) -> dict[str, Any]:
    """Speed-up of each of our ingests over the baseline's same ingest (its cold when it has none)."""
    out = {}
    for key in ("cold", "unchanged", "one_changed"):
        base = naive.get(key) or naive["cold"]
        out[key] = ratio(ours[key]["seconds"], base["seconds"])
    return out


# ---------------------------------------------------------------- the embedder alone

VARIANTS: tuple[tuple[str, bool], ...] = (("torch", False), ("torch", True), ("onnx", False), ("onnx", True))


def sample_chunks(scifact: Path, settings: Settings, embedder: Embedder, n: int) -> list[str]:
    """The first n full-size chunk texts of SciFact, as the chunker makes them."""
    from rag.index.chunk import chunk_document
    from rag.records import Document

    texts: list[str] = []
    for d in iter_jsonl(scifact / "corpus.jsonl"):
        doc = Document(d["_id"], d["_id"], d.get("title", ""), d["text"], "")
        chunks = chunk_document(doc, target_tokens=settings.chunk_tokens, overlap=settings.chunk_overlap,
                                encoding=settings.tokenizer, fits=embedder.fits)  # fmt: skip
        texts += [c.embed_text for c in chunks if c.n_tokens >= 0.75 * settings.chunk_tokens]
        if len(texts) >= n:
            return texts[:n]
    return texts


def kernel_path_agreement(embedder, vectors: np.ndarray, texts: list[str]) -> dict[str, Any]:
    """How far this CPU's int8 vectors are from the exact integer sums a VNNI CPU computes (the
    model's exact twin, rag/embed_onnx.py), on the same texts: 0 difference means every CPU agrees."""
    import tempfile

    from rag.index.embed import OnnxEmbedder
    from rag.index.embed.onnx import exact_twin, exported_model
    from rag.machine import int8_kernel

    with tempfile.TemporaryDirectory() as tmp:
        src = exported_model(embedder.path, embedder.session.cache_dir, quantize=True)
        twin = OnnxEmbedder(str(embedder.path), quantize=True, onnx_file=exact_twin(src, Path(tmp) / "twin.onnx"))
        exact = twin.embed_documents(texts)
    cos = (vectors * exact).sum(axis=1)
    return {"this_cpu": int8_kernel(), "min_cosine_to_exact": round(float(cos.min()), 7),
            "max_abs_diff": float(np.abs(vectors - exact).max())}  # fmt: skip


def bench_embedders(texts: list[str], settings: Settings, log: Log) -> dict[str, Any]:
    """chunks/s of each backend on the same texts; cosine to the fp32 PyTorch vectors."""
    from rag.index.embed import make_embedder

    rows: dict[str, Any] = {}
    reference = None
    for backend, quantize in VARIANTS:
        name = f"{backend}-{'int8' if quantize else 'fp32'}"
        e = make_embedder(settings.embedder, backend, quantize, settings.model_cache)
        _, load = timed(lambda e=e: e.embed_documents(texts[:4], batch_size=4))
        vectors, t = timed(lambda e=e: e.embed_documents(texts, batch_size=settings.embed_batch_size))
        reference = vectors if reference is None else reference
        cos = (vectors * reference).sum(axis=1)
        rows[name] = {
            "chunks": len(texts),
            "load_s": round(load.seconds, 2),
            "seconds": round(t.seconds, 3),
            "cpu_seconds": round(t.cpu_seconds, 3),
            "chunks_per_s": round(len(texts) / t.seconds, 2),
            "cosine_to_torch_fp32": {"min": round(float(cos.min()), 5), "mean": round(float(np.mean(cos)), 5)},
        }
        if backend == "onnx" and quantize:
            rows[name]["kernel_paths"] = kernel_path_agreement(e, vectors, texts)
        log(f"  {name}: {rows[name]['chunks_per_s']} chunks/s")
        del e
    base = rows["torch-fp32"]["seconds"]
    for row in rows.values():
        row["speedup"] = ratio(row["seconds"], base)
    return rows
