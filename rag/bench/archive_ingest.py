"""The archive part of `rag bench`: cold ingest of a generated news archive, and how it scales.

Every ingest runs in a fresh process (multiprocessing "spawn") on a fresh index, so the memory
figures are the ingest's own and not the benchmark's: the child reports its `ru_maxrss`, and the
parent samples the resident memory of the child and of any processes it starts (ingest workers
that `ru_maxrss` would miss). The model is loaded before the clock starts, as in the ingest part,
and its load time and memory are listed apart. After the cold ingest the same child ingests the
unchanged archive again, which must embed nothing.

The baseline (rag/bench/naive.py) runs the same way, by default on the first size only: it is
the slowest thing in the part, and its time grows with the chunks, which the rows already show.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import shutil
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal

from rag.bench import ARCHIVE_BASELINES
from rag.bench.archive import write_archive
from rag.bench.ingest import naive_row, report_row
from rag.bench.stats import peak_rss_mib, ratio, timed
from rag.config import Settings
from rag.errors import RagError

Log = Callable[[str], None]
Baseline = Literal["first", "all", "none"]  # ARCHIVE_BASELINES
MB = 1_000_000  # input sizes are decimal megabytes of the article files
ARCHIVE_SEED = 17
SAMPLE_S = 0.1  # how often the parent samples the child's memory


def run_archive(
    sizes: list[int],
    work: Path,
    settings: Settings,
    baseline: Baseline = "first",
    seed: int = ARCHIVE_SEED,
    log: Log = print,
) -> dict[str, Any]:
    """Generate an archive of each size and ingest it cold, then unchanged; the report section.

    Args:
        sizes: article counts, e.g. [500, 2000] (the issue asks for 4x).
        work: a scratch folder; each archive and index is made in it and removed after.
        settings: the pipeline settings (folders are replaced).
        baseline: run the naive pipeline on the "first" size, "all" of them or "none".
        seed: the archive generator's seed.
    """
    if baseline not in ARCHIVE_BASELINES:
        raise ValueError(f"baseline {baseline!r}: choose from {', '.join(ARCHIVE_BASELINES)}")
    rows = []
    for k, n in enumerate(sizes):
        naive = baseline == "all" or (baseline == "first" and k == 0)
        rows.append(bench_size(n, work, settings, naive, seed, log))
    return {"seed": seed, "rows": rows, "scaling": scaling(rows)}


def bench_size(n: int, work: Path, settings: Settings, naive: bool, seed: int, log: Log) -> dict[str, Any]:
    """One archive of `n` articles: ours cold and unchanged, and the baseline cold if `naive`."""
    src = work / f"archive-{n}"
    info, t = timed(lambda: write_archive(src, n, seed))
    mb = info.bytes / MB
    log(f"  archive of {n} articles: {mb:.1f} MB in {t.seconds:.1f} s ({info.formats})")
    row: dict[str, Any] = {"articles": n, "input_mb": round(mb, 2), "formats": info.formats}
    row["generate_s"] = round(t.seconds, 2)
    row["ours"] = ours = bench_ours(src, work / f"archive-{n}-index", settings, mb)
    log(f"  ours: cold {ours['cold']['seconds']} s, {ours['cold']['docs_per_s']} articles/s, peak RSS "
        f"{ours['cold']['peak_rss_mib']} MiB; unchanged: {ours['unchanged']['chunks_embedded']} embedded")  # fmt: skip
    if naive:
        phases = run_child(ingest_naive, settings, src)
        row["naive"] = {"model_load_s": phases["load"]["seconds"], "cold": with_mb(phases["cold"], mb)}
        row["speedup_cold"] = ratio(ours["cold"]["seconds"], row["naive"]["cold"]["seconds"])
        log(f"  baseline: cold {row['naive']['cold']['seconds']} s (ours {row['speedup_cold']}x as fast)")
    shutil.rmtree(src, ignore_errors=True)
    return row


def bench_ours(src: Path, index: Path, settings: Settings, mb: float) -> dict[str, Any]:
    """Our cold and unchanged ingest of `src` into a fresh `index` (removed after)."""
    phases = run_child(ingest_ours, settings.replace(corpus_dir=src, index_dir=index))
    shutil.rmtree(index, ignore_errors=True)
    load = phases["load"]
    return {
        "model_load_s": load["seconds"],
        "rss_model_loaded_mib": max(load["peak_rss_mib"], load["peak_rss_tree_mib"]),
        "cold": with_mb(phases["cold"], mb),
        "unchanged": with_mb(phases["unchanged"], mb),
    }


def with_mb(run: dict[str, Any], mb: float) -> dict[str, Any]:
    """A run's row with MB/s of input text and one peak RSS: the larger of the two measures."""
    peak = max(run.pop("peak_rss_mib"), run["peak_rss_tree_mib"])
    return {**run, "mb_per_s": round(mb / max(run["seconds"], 1e-9), 5), "peak_rss_mib": peak}


def scaling(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each larger archive against the first: how time, rate and memory grew with the articles."""
    out = []
    base = rows[0]["ours"]["cold"] if rows else None
    for row in rows[1:]:
        cold = row["ours"]["cold"]
        out.append({
            "from": rows[0]["articles"], "to": row["articles"],
            "articles_x": round(row["articles"] / rows[0]["articles"], 2),
            "seconds_x": round(cold["seconds"] / base["seconds"], 2),
            "cpu_seconds_x": round(cold["cpu_seconds"] / base["cpu_seconds"], 2),
            "docs_per_s_x": round(cold["docs_per_s"] / base["docs_per_s"], 2),
            "peak_rss_x": round(cold["peak_rss_mib"] / base["peak_rss_mib"], 2),
        })  # fmt: skip
    return out


# ---------------------------------------------------------------- child processes


def run_child(target: Callable[..., None], *args: Any) -> dict[str, dict[str, Any]]:
    """Run `target(conn, *args)` in a fresh process; what it sent for each phase.

    The child sends `(phase, row)` after each phase. Each row gets `peak_rss_tree_mib`: the most
    resident memory the child and its own children held together since the previous phase.
    """
    import psutil

    ctx = multiprocessing.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(send, *args), daemon=True)
    proc.start()
    send.close()
    watched, peak, out = psutil.Process(proc.pid), 0.0, {}
    while True:
        if not recv.poll(SAMPLE_S):
            peak = max(peak, tree_rss_mib(watched))
            continue
        try:
            phase, row = recv.recv()
        except EOFError:  # the child closed its end: finished, or died
            break
        if phase == "error":
            proc.join()
            raise RagError(f"the benchmark's ingest process failed:\n{row}")
        out[phase] = {**row, "peak_rss_tree_mib": round(max(peak, tree_rss_mib(watched)), 1)}
        peak = 0.0
    proc.join()
    if proc.exitcode:
        raise RagError(f"the benchmark's ingest process exited with {proc.exitcode} (out of memory?)")
    return out


def tree_rss_mib(proc: Any) -> float:
    """Resident memory of a process and all its descendants now; 0 once it has gone."""
    import psutil

    total = 0
    try:
        family = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    for p in family:
        with contextlib.suppress(psutil.NoSuchProcess):  # a worker may exit between the two calls
            total += p.memory_info().rss
    return total / 2**20


def ingest_ours(conn: Connection, settings: Settings) -> None:
    """Child: load the model, ingest cold, ingest again unchanged; each phase sent to `conn`."""
    try:
        from rag.engine import Engine

        engine = Engine(settings)
        _, load = timed(lambda: engine.embedder.embed_query("warm up"))
        conn.send(("load", {"seconds": round(load.seconds, 3), "peak_rss_mib": peak_rss_mib()}))
        for phase in ("cold", "unchanged"):
            report, t = timed(engine.ingest)
            conn.send((phase, {**report_row(report, t.cpu_seconds), "peak_rss_mib": peak_rss_mib()}))
    except Exception:  # a process boundary: the parent raises it, with this traceback
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def ingest_naive(conn: Connection, settings: Settings, corpus: Path) -> None:
    """Child: the baseline's model load and cold ingest of `corpus`."""
    try:
        from rag.bench.naive import NaivePipeline

        naive = NaivePipeline(settings)
        _, load = timed(naive.load_model)
        conn.send(("load", {"seconds": round(load.seconds, 3), "peak_rss_mib": peak_rss_mib()}))
        r, t = timed(lambda: naive.ingest(corpus))
        conn.send(("cold", {**naive_row(r, t.cpu_seconds), "peak_rss_mib": peak_rss_mib()}))
    except Exception:  # a process boundary: the parent raises it, with this traceback
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()
