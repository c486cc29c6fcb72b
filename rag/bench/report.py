"""The benchmark's outputs: one JSON file, a Markdown report, and a plot of latency against size.

A partial run (`rag bench --only scale`) replaces only its own sections of the JSON, so the
report always shows the latest number of every part.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

OPTIONS = ("onnx-fp32", "torch-int8")  # other RAG_EMBED_BACKEND / RAG_QUANTIZE choices, reported beside the default
JSON_NAME, MD_NAME, PLOT_NAME = "bench.json", "bench.md", "latency_vs_size.png"


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """`old` with each section that `new` has replaced; run facts (`runs`) kept per section.

    >>> merge({"scale": 1, "query": 2, "runs": {"scale": "a"}}, {"scale": 3, "runs": {"scale": "b"}})
    {'scale': 3, 'query': 2, 'runs': {'scale': 'b'}}
    """
    out = {**old, **{k: v for k, v in new.items() if k != "runs"}}
    out["runs"] = {**old.get("runs", {}), **new.get("runs", {})}
    return out


def write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n")
    tmp.replace(path)


def _get(d: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def _fmt(x: Any, unit: str = "") -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        x = f"{x:,.3g}" if abs(x) < 100 else f"{x:,.0f}"
    return f"{x}{unit}"


# ---------------------------------------------------------------- targets


def targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of the performance issue: before, after, goal, and whether it is met."""
    rows: list[dict[str, Any]] = []

    def add(name: str, before: Any, after: Any, goal: str, met: bool | None) -> None:
        rows.append({"target": name, "before": before, "after": after, "goal": goal, "met": met})

    emb, q = r.get("embedding") or {}, r.get("quality") or {}
    default = _get(r, "runs", "embedding", "default_variant") or "torch-fp32"
    for name in dict.fromkeys([default, *OPTIONS]):
        if name not in emb or "torch-fp32" not in emb:
            continue
        base, ours = emb["torch-fp32"]["chunks_per_s"], emb[name]["chunks_per_s"]
        label = "default" if name == default else "option"
        add(f"embedding throughput, chunks/s ({name}, {label})", base, ours, ">= 2x torch fp32", ours >= 2 * base)
        if "torch-fp32" in q and name in q:
            drop = round(q["torch-fp32"]["ndcg@10"] - q[name]["ndcg@10"], 5)
            add(f"SciFact nDCG@10 ({name}, {label})", q["torch-fp32"]["ndcg@10"], q[name]["ndcg@10"],
                "drop <= 0.005", drop <= 0.005)  # fmt: skip
    seed = _get(r, "ingest", "seed")
    if seed:
        s = seed["ours"]["unchanged"]
        add("seed re-ingest unchanged, s (chunks embedded)", _get(seed, "naive", "unchanged", "seconds"),
            f"{s['seconds']} ({s['chunks_embedded']})", "< 1 s, 0 embedded",
            s["seconds"] < 1 and s["chunks_embedded"] == 0)  # fmt: skip
    qs = _get(r, "query", "seed", "search")
    if qs:
        embed_p50 = qs["embed_only"]["total_ms"]["p50"]
        for mode in ("hybrid", "dense", "bm25"):
            p50 = qs[mode]["total_ms"]["p50"]
            add(f"search p50 ({mode}) vs query embedding p50, ms", embed_p50, p50, "<= 2x embedding",
                p50 <= 2 * embed_p50)  # fmt: skip
    ask = _get(r, "query", "seed", "ask", "total_ms", "p50")
    if ask is not None:
        add("ask (extractive) p50, ms", _get(r, "query", "seed", "naive", "total_ms", "p50"), ask, "< 50 ms", ask < 50)
    big = [row for row in _get(r, "scale", "rows") or [] if row["passages"] >= 1_000_000]
    if big:
        a = big[-1]["approx"]
        add("1M passages: search p50, ms", big[-1]["flat"]["search_ms"]["p50"], a["search_ms"]["p50"], "< 50 ms",
            a["search_ms"]["p50"] < 50)  # fmt: skip
        add("1M passages: recall@10 vs exact", 1.0, a["recall@10"], ">= 0.95", a["recall@10"] >= 0.95)
    st = r.get("startup") or {}
    app, before = st.get("app") or {}, st.get("before") or {}
    if "to_first_answer_s" in app:
        add("app start-up to first answer, s", before.get("to_first_answer_s"), app["to_first_answer_s"], "< 5 s",
            app["to_first_answer_s"] < 5)  # fmt: skip
    if "rss_mib" in app:
        peak = max(app.get("peak_rss_mib", 0), app["rss_mib"])
        add("app serving RSS (peak), MiB", before.get("peak_rss_mib"), peak, "< 1536 MiB", peak < 1536)
    rows += archive_targets(r)
    rows += load_targets(r)
    return rows


LOAD_GOAL_PER_S, LOAD_GOAL_P95_MS = 200, 200  # the API issue's target, at 20 concurrent clients


def load_targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    """The API's speed target for each answering endpoint of the fastest way of serving it."""
    runs = [x for x in _get(r, "load", "runs") or [] if x["server"] == "api workers"]
    floor = {x["endpoint"]: x for x in _get(r, "load", "runs") or [] if x["server"] == "model floor"}
    rows = []
    for x in runs:
        met = (
            x["answers_per_s"] >= LOAD_GOAL_PER_S
            and x["p95_ms"] < LOAD_GOAL_P95_MS
            and x["errors"] == x["crossed"] == 0
        )
        rows.append({"target": f"API answers/s, p95 ms ({x['endpoint']}, 2 workers; before: the model floor)",
                     "before": _load_pair(floor.get(x["endpoint"])), "after": _load_pair(x),
                     "goal": f">= {LOAD_GOAL_PER_S}/s, p95 < {LOAD_GOAL_P95_MS} ms", "met": met})  # fmt: skip
    return rows


def _load_pair(x: dict[str, Any] | None) -> str | None:
    return f"{_fmt(x['answers_per_s'])}, {_fmt(x['p95_ms'])}" if x else None


def archive_targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's ingest targets, on the largest generated archive that ran."""
    rows = _get(r, "archive", "rows") or []
    if not rows:
        return []
    big = rows[-1]
    cold, same = big["ours"]["cold"], big["ours"]["unchanged"]
    base = next((row["naive"]["cold"]["docs_per_s"] for row in reversed(rows) if "naive" in row), None)
    what = f"{big['articles']:,} articles, {big['input_mb']} MB"
    peak_met = cold["peak_rss_mib"] < 1536 if big["input_mb"] >= 50 else None  # the goal is for 50 MB
    return [
        {"target": f"archive cold ingest, articles/s ({what})", "before": base, "after": cold["docs_per_s"],
         "goal": ">= 10 articles/s", "met": cold["docs_per_s"] >= 10},
        {"target": f"archive cold ingest peak RSS, MiB ({what})", "before": None, "after": cold["peak_rss_mib"],
         "goal": "< 1536 MiB for 50 MB", "met": peak_met},
        {"target": f"archive re-ingest unchanged, chunks embedded ({what})", "before": None,
         "after": same["chunks_embedded"], "goal": "0", "met": same["chunks_embedded"] == 0},
    ]  # fmt: skip


# ---------------------------------------------------------------- Markdown


def markdown(r: dict[str, Any]) -> str:
    m = r.get("machine") or {}
    lines = [
        "# Benchmarks",
        "",
        f"Taken {r.get('date', '-')} on {m.get('cores', '?')} cores ({m.get('cpu', '?')}; CPU flags "
        f"{', '.join(f + ('' if on else ' no') for f, on in (m.get('cpu_flags') or {}).items()) or '?'}), "
        f"{m.get('memory_gib', '?')} GiB, {m.get('gpu', 'CPU only')}; Python {m.get('python', '?')}, "
        + ", ".join(f"{k} {v}" for k, v in (m.get("versions") or {}).items())
        + ".",
        "",
    ]
    notes = [f"- {part}: {v['note']}" for part, v in (r.get("runs") or {}).items() if v.get("note")]
    if notes:
        lines += ["Load on the machine while each part ran (1-minute load average; 2 = both cores busy):", *notes, ""]
    for title, fn in _SECTIONS_MD:
        body = fn(r)
        if body:
            lines += [f"## {title}", "", *body, ""]
    return "\n".join(lines)


def md_targets(r: dict[str, Any]) -> list[str]:
    rows = targets(r)
    if not rows:
        return []
    out = ["| target | before / baseline | after | goal | met |", "| --- | --- | --- | --- | --- |"]
    for t in rows:
        met = {True: "yes", False: "**no**", None: "-"}[t["met"]]
        out.append(f"| {t['target']} | {_fmt(t['before'])} | {_fmt(t['after'])} | {t['goal']} | {met} |")
    return out


def md_embedding(r: dict[str, Any]) -> list[str]:
    emb = r.get("embedding")
    if not emb:
        return []
    n = next(iter(emb.values()))["chunks"]
    out = [
        f"The same {n} SciFact chunks of about 200 tokens, batch 32, sorted by length.",
        "",
        "| backend | chunks/s | x torch fp32 | CPU s | load s | cosine to fp32 (min / mean) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, row in emb.items():
        cos = row["cosine_to_torch_fp32"]
        out.append(
            f"| {name} | {_fmt(row['chunks_per_s'])} | {_fmt(row['speedup'])} | {_fmt(row['cpu_seconds'])} | "
            f"{_fmt(row['load_s'])} | {cos['min']:.4f} / {cos['mean']:.4f} |"
        )
    for name, row in emb.items():
        if k := row.get("kernel_paths"):
            out += ["", f"{name} on this CPU's int8 kernel ({k['this_cpu']}) against the exact integer sums of a "
                    f"VNNI CPU (the model's u8 x u8 twin): min cosine {k['min_cosine_to_exact']}, largest "
                    f"difference {k['max_abs_diff']:.1e}."]  # fmt: skip
    return out


def md_quality(r: dict[str, Any]) -> list[str]:
    q = r.get("quality")
    if not q:
        return []
    out = [
        "Dense retrieval on SciFact test (300 claims, 5,183 abstracts cut at 256 word pieces), nDCG@10.",
        "The published figure for all-MiniLM-L6-v2 is 0.645 (MTEB).",
        "",
        "| embedder | nDCG@10 | change | docs/s |",
        "| --- | --- | --- | --- |",
    ]
    ref = q.get("torch-fp32", {}).get("ndcg@10")
    for name, row in q.items():
        change = f"{row['ndcg@10'] - ref:+.4f}" if ref is not None else "-"
        out.append(f"| {name} | {row['ndcg@10']:.4f} | {change} | {_fmt(row.get('docs_per_s'))} |")
    return out


def md_ingest(r: dict[str, Any]) -> list[str]:
    ing = r.get("ingest")
    if not ing:
        return []
    out = [
        "Ours: the default settings, model already loaded (its load time is listed apart). Baseline: "
        "sentence-transformers fp32, flat index, no cache (re-embeds everything every time). Ours also embeds "
        "every sentence (the extractive answerer's sentence vectors), which the baseline does not.",
        "",
        "| corpus | run | pipeline | docs | chunks | seconds | docs/s | chunks/s | tokens/s | chunks embedded "
        "| embed chunks s | embed sentences s | x baseline |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for corpus, sec in ing.items():
        for run in ("cold", "one_changed", "unchanged"):
            for who in ("ours", "naive"):
                row = _get(sec, who, run)
                if not row:
                    continue
                x = _get(sec, "speedup", run) if who == "ours" else None
                out.append(
                    f"| {corpus} | {run.replace('_', ' ')} | {'ours' if who == 'ours' else 'baseline'} | "
                    f"{row['documents']} | {row['chunks']} | {_fmt(row['seconds'])} | {_fmt(row['docs_per_s'])} | "
                    f"{_fmt(row['chunks_per_s'])} | {_fmt(row['tokens_per_s'])} | {row['chunks_embedded']} | "
                    f"{_fmt(_get(row, 'stages_s', 'embed'))} | {_fmt(_get(row, 'stages_s', 'embed_sentences'))} | "
                    f"{_fmt(x)} |"
                )
        loads = [
            f"{who} {_get(sec, who, 'model_load_s')} s" for who in ("ours", "naive") if _get(sec, who, "model_load_s")
        ]
        if loads and corpus == "seed":
            out.append(f"| {corpus} | model load | | | | {', '.join(loads)} | | | | | | | |")
    return out


_STAGES = ("embed_ms", "faiss_ms", "bm25_ms", "fusion_ms", "fetch_ms", "answer_ms")


def md_query(r: dict[str, Any]) -> list[str]:
    qr = r.get("query")
    if not qr:
        return []
    out = [
        "Warm, one query at a time, milliseconds. Stage columns are p50s.",
        "",
        "| index | what | queries | p50 | p95 | p99 | " + " | ".join(s[:-3] for s in _STAGES) + " | x baseline p50 |",
        "| --- | --- | --- | --- | --- | --- | " + " | ".join("---" for _ in _STAGES) + " | --- |",
    ]
    for corpus, sec in qr.items():
        search = sec.get("search") or {}
        base = _get(sec, "naive", "total_ms", "p50")
        rows = [("query embedding only", search.get("embed_only"))]
        rows += [(f"search {m}", search.get(m)) for m in ("hybrid", "dense", "bm25")]
        rows += [("ask (extractive)", sec.get("ask")), ("baseline dense search", sec.get("naive"))]
        for what, row in rows:
            if not row:
                continue
            if "skipped" in row:
                out.append(f"| {corpus} | {what} | skipped: {row['skipped']} |" + " |" * (4 + len(_STAGES)))
                continue
            t = row["total_ms"]
            stages = " | ".join(_fmt(_get(row, "stages_ms", s, "p50")) for s in _STAGES)
            x = _fmt(round(base / t["p50"], 2)) if base and what != "baseline dense search" else "-"
            out.append(
                f"| {corpus} | {what} | {t['n']} | {_fmt(t['p50'])} | {_fmt(t['p95'])} | {_fmt(t['p99'])} | "
                f"{stages} | {x} |"
            )
    return out


def md_startup(r: dict[str, Any]) -> list[str]:
    st = r.get("startup")
    if not st:
        return []
    out = [
        "From `python app.py` to the first answer of `/ask` over HTTP, index already built.",
        "",
        "| what | to page s | to first answer s | /ask p50 ms | RSS MiB | peak RSS MiB | note |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    names = {"app": "app (default settings)", "before": "app, torch fp32 embedder (before)",
             "naive": "baseline script (no UI)"}  # fmt: skip
    for key, row in st.items():
        if not isinstance(row, dict):
            continue
        out.append(
            f"| {names.get(key, key)} | {_fmt(row.get('to_page_s'))} | {_fmt(row.get('to_first_answer_s'))} | "
            f"{_fmt(_get(row, 'http_ask_ms', 'p50'))} | {_fmt(row.get('rss_mib'))} | {_fmt(row.get('peak_rss_mib'))} "
            f"| {row.get('note') or row.get('error', '')[:120]} |"
        )
    return out


def md_scale(r: dict[str, Any]) -> list[str]:
    sc = r.get("scale")
    if not sc:
        return []
    out = [
        f"Synthetic clustered unit vectors ({sc['dim']}-dim), {sc['rows'][0]['queries']} queries one at a time, "
        f"top {sc['k']}. Recall is against the exact (flat) top {sc['k']}. Memory is the growth of the "
        "process while building.",
        "",
        "| passages | index | auto picks | build s | memory MiB | p50 ms | p95 ms | p99 ms | recall@10 | x flat p50 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in sc["rows"]:
        for kind in ("flat", "approx"):
            x = row[kind]
            label = "flat (exact)" if kind == "flat" else f"{sc.get('approx_kind', 'approx')} ({_params(sc, x)})"
            picked = "yes" if (row["auto_choice"] == "flat") == (kind == "flat") else ""
            speed = _fmt(x.get("speedup_vs_flat_p50")) if kind == "approx" else "1"
            out.append(
                f"| {row['passages']:,} | {label} | {picked} | {_fmt(x['build_s'])} | {_fmt(x['memory_mib'])} | "
                f"{_fmt(x['search_ms']['p50'])} | {_fmt(x['search_ms']['p95'])} | {_fmt(x['search_ms']['p99'])} | "
                f"{x['recall@10']} | {speed} |"
            )
    return out


def md_archive(r: dict[str, Any]) -> list[str]:
    ar = r.get("archive")
    if not ar or not ar.get("rows"):
        return []
    out = [
        f"A generated news archive (rag/bench/archive.py, seed {ar['seed']}): the five seed articles recombined into "
        "articles of 4 to 20 KB as .txt, .md and .html pages with their furniture, no sentence repeated. Cold "
        "ingest into a fresh index, each in a fresh process with the model loaded first (load time apart); peak "
        "RSS is that process's (and any workers') highest resident memory, model included. MB = 10^6 bytes of "
        "article files. CPU s: all the ingest's threads; on a shared machine it moves less than the wall clock. "
        "Unchanged: the same archive ingested again.",
        "",
        "| articles | MB | pipeline | run | seconds | CPU s | articles/s | chunks | chunks/s | MB/s | chunks embedded "
        "| peak RSS MiB | x baseline |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in ar["rows"]:
        runs = [("ours", "cold"), ("ours", "unchanged"), ("naive", "cold")]
        for who, run in runs:
            x = _get(row, who, run)
            if not x:
                continue
            speed = _fmt(row.get("speedup_cold")) if (who, run) == ("ours", "cold") else ""
            out.append(
                f"| {row['articles']:,} | {_fmt(row['input_mb'])} | {'ours' if who == 'ours' else 'baseline'} | {run} | "
                f"{_fmt(x['seconds'])} | {_fmt(x.get('cpu_seconds'))} | {_fmt(x['docs_per_s'])} | {x['chunks']:,} | {_fmt(x['chunks_per_s'])} | "
                f"{_fmt(x['mb_per_s'])} | {x['chunks_embedded']:,} | {_fmt(x['peak_rss_mib'])} | {speed} |"
            )
    return out + ["", *_archive_stages(ar["rows"]), "", *_archive_scaling(ar)]


def md_load(r: dict[str, Any]) -> list[str]:
    ld = r.get("load")
    if not ld or not ld.get("runs"):
        return []
    out = [
        f"{ld['how']}, over {ld['articles']} articles ({ld['corpus']}). The floors serve the same HTTP path with "
        "nothing behind it (http floor) and with only each question's model pass (model floor): the most "
        "any answering code could reach here. Server CPU: the server's and its workers' CPU per answer.",
        "",
        "| server | endpoint | answers/s | p50 ms | p95 ms | errors | crossed | server CPU ms per answer |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for x in ld["runs"]:
        out.append(
            f"| {x['server']} | {x['endpoint']} | {_fmt(x['answers_per_s'])} | {_fmt(x['p50_ms'])} | "
            f"{_fmt(x['p95_ms'])} | {x['errors']} | {x['crossed']} | {_fmt(x.get('server_cpu_ms_per_answer'))} |"
        )
    return out


def _archive_stages(rows: list[dict[str, Any]]) -> list[str]:
    """Cold ingest time by stage (the pipeline's own stage names), seconds and share of the total."""
    stages = list(dict.fromkeys(k for row in rows for k in row["ours"]["cold"]["stages_s"]))
    out = ["Cold ingest by stage, seconds (share of the total):", "",
           "| articles | " + " | ".join(stages) + " | model load |", "| --- |" + " --- |" * (len(stages) + 1)]  # fmt: skip
    for row in rows:
        cold = row["ours"]["cold"]
        cells = [
            f"{_fmt(cold['stages_s'][k])} ({cold['stages_s'][k] / cold['seconds']:.0%})"
            if k in cold["stages_s"]
            else "-"
            for k in stages
        ]
        out.append(f"| {row['articles']:,} | " + " | ".join(cells) + f" | {_fmt(row['ours']['model_load_s'])} |")
    return out


def _archive_scaling(ar: dict[str, Any]) -> list[str]:
    return [
        f"Scaling, {s['from']:,} to {s['to']:,} articles ({_fmt(s['articles_x'])}x): {_fmt(s['seconds_x'])}x the time "
        f"({_fmt(s.get('cpu_seconds_x'))}x the CPU time), {_fmt(s['docs_per_s_x'])}x the articles/s, "
        f"{_fmt(s['peak_rss_x'])}x the peak RSS."
        for s in ar.get("scaling") or []
    ]


def md_stores(r: dict[str, Any]) -> list[str]:
    st = r.get("stores")
    if not st:
        return []
    out = [
        "Each corpus ingested into an empty index three times: the files with the model embedding, then "
        "PostgreSQL and the files again with every vector already at hand (so those two differ only by the store).",
        "",
        "| corpus | store | articles | chunks | seconds | articles/s | chunks/s |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for corpus, sec in st.items():
        for store, row in (sec.get("ingest") or {}).items():
            out.append(f"| {corpus} | {store} | {row['documents']:,} | {row['chunks']:,} | {_fmt(row['seconds'])} | "
                       f"{_fmt(row['docs_per_s'])} | {_fmt(row['chunks_per_s'])} |")  # fmt: skip
    for corpus, sec in st.items():
        if ev := sec.get("eval"):
            out += ["", f"The eval set ({corpus} articles), `rag eval --check` through each store:", "",
                    "| metric | files | postgres |", "| --- | --- | --- |"]  # fmt: skip
            hf, hp = ev["files"].get("headline", {}), ev["postgres"].get("headline", {})
            out += [f"| {k} | {v:.4f} | {hp[k]:.4f} |" if k in hp else f"| {k} | {v:.4f} | - |" for k, v in hf.items()]
            passed = ev["gate_passed"]
            out += ["", f"Gate against eval/baseline.json: files {_yes(passed['files'])}, postgres "
                    f"{_yes(passed['postgres'])}; postgres against the files' own outcomes "
                    f"{_yes(passed['postgres_vs_files'])}; largest difference of a mean {ev['largest_difference']}."]  # fmt: skip
        if sf := sec.get("scifact"):
            docs = _get(sec, "ingest", "files", "documents")
            over = f" over {docs:,} abstracts" if docs else ""
            out += ["", f"SciFact test, {sf['queries']} claims{over}, nDCG@10 (documents ranked by their best passage):", "",
                    "| mode | files | postgres | same top 10 |", "| --- | --- | --- | --- |"]  # fmt: skip
            for mode, v in sf["ndcg@10"]["files"].items():
                out.append(f"| {mode} | {v:.4f} | {sf['ndcg@10']['postgres'][mode]:.4f} | "
                           f"{sf['same_top10'][mode]:.0%} of claims |")  # fmt: skip
            out += ["", f"Largest difference {sf['largest_difference']} (tolerance {sf['tolerance']}): "
                    f"{'within' if sf['within_tolerance'] else '**outside**'}."]  # fmt: skip
    return out


def _build_s(seconds: float, cpu: float | None) -> str:
    return _fmt(seconds) + (f" ({_fmt(cpu)})" if cpu is not None else "")


def _yes(ok: bool) -> str:
    return "passed" if ok else "**failed**"


def md_pgscale(r: dict[str, Any]) -> list[str]:
    pg = r.get("pgscale")
    if not pg or not pg.get("rows"):
        return []
    srv = pg.get("server") or {}
    out = [
        f"The scale part's synthetic passages ({pg['dim']}-dim, same vectors and queries) in PostgreSQL "
        f"{srv.get('server_version', '?')} with pgvector {srv.get('pgvector', '?')} (shared_buffers "
        f"{srv.get('shared_buffers', '?')}), beside FAISS in the same run. Loaded by binary COPY, then the HNSW index "
        "built (vector_ip_ops, the store's m and ef_construction); one client, warm, one query at a time over one "
        "connection (the round trip is in the time). Recall@10 against exact search in numpy.",
        "",
        "| passages | what | ef_search | build s (CPU s) | insert rows/s | index MiB | p50 ms | p95 ms "
        "| server CPU ms/query | recall@10 | load avg |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in pg["rows"]:
        b, n = row["build"], row["passages"]
        load = "/".join(f"{x:.1f}" for x in row.get("load_average_before_build", [])[:1] + row.get(
            "load_average_after_build", [])[:1])  # fmt: skip
        for i, at in enumerate(row["postgres"]):
            first = i == 0
            out.append(f"| {n:,} | postgres HNSW (m {b['m']}, ef_construction {b['ef_construction']}) | "
                       f"{at['ef_search']} | {_build_s(b['seconds'], b.get('server_cpu_s')) if first else ''} | "
                       f"{_fmt(row['insert']['rows_per_s']) if first else ''} | {_fmt(b['index_mib']) if first else ''} | "
                       f"{_fmt(at['search_ms']['p50'])} | {_fmt(at['search_ms']['p95'])} | "
                       f"{_fmt(at.get('server_cpu_ms'))} | {at['recall@10']} | {load if first else ''} |")  # fmt: skip
        ex = row["postgres_exact"]
        out.append(f"| {n:,} | postgres exact (sequential scan) | - | | | | {_fmt(ex['search_ms']['p50'])} | "
                   f"{_fmt(ex['search_ms']['p95'])} | | {ex['recall@10']} | |")  # fmt: skip
        for i, at in enumerate((row.get("faiss") or {}).get("at_ef", [])):
            out.append(f"| {n:,} | FAISS HNSW (in process) | {at['ef_search']} | "
                       f"{_build_s(row['faiss']['build_s'], row['faiss'].get('build_cpu_s')) if i == 0 else ''} | | | "
                       f"{_fmt(at['search_ms']['p50'])} | "
                       f"{_fmt(at['search_ms']['p95'])} | | {at['recall@10']} | |")  # fmt: skip
    out += ["", pg["note"] + "."] if pg.get("note") else []
    notes = sorted({x for row in pg["rows"] for x in row["build"].get("notices") or []})
    out += ["", f"pgvector said while building: {'; '.join(notes)}"] if notes else []
    if ext := pg.get("build_extrapolation"):
        out += ["", f"Not built: {ext['passages']:,} passages. The HNSW build there, extrapolated from "
                f"{ext['from']:,} as {ext['model']}: about {ext['seconds'] / 60:.0f} minutes."]  # fmt: skip
    return out


def _params(sc: dict[str, Any], row: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in (row.get("params") or {}).items()) or "-"


_SECTIONS_MD: list[tuple[str, Callable[[dict[str, Any]], list[str]]]] = [
    ("Targets", md_targets),
    ("Embedding throughput", md_embedding),
    ("Retrieval quality gate", md_quality),
    ("Ingest", md_ingest),
    ("Query latency", md_query),
    ("App start-up and memory", md_startup),
    ("Scale: exact against approximate search", md_scale),
    ("Archive ingest: a generated news archive", md_archive),
    ("Stores: the files against PostgreSQL", md_stores),
    ("PostgreSQL at scale: pgvector HNSW beside FAISS", md_pgscale),
    ("The HTTP APIs under load", md_load),
]


# ---------------------------------------------------------------- plot


def plot(r: dict[str, Any], path: Path) -> bool:
    """Search latency (p50, p95) against index size, exact and approximate; False if no scale data."""
    rows = _get(r, "scale", "rows")
    if not rows:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [row["passages"] for row in rows]
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    kinds = (
        ("flat", "exact (Flat)", "tab:red"),
        ("approx", _get(r, "scale", "approx_kind") or "approximate", "tab:blue"),
    )
    for kind, label, color in kinds:
        ax.plot(sizes, [row[kind]["search_ms"]["p50"] for row in rows], "o-", color=color, label=f"{label} p50")
        ax.plot(sizes, [row[kind]["search_ms"]["p95"] for row in rows], "s--", color=color, alpha=0.6,
                label=f"{label} p95")  # fmt: skip
    for row in rows:
        ax.annotate(f"recall {row['approx']['recall@10']:.3f}", (row["passages"], row["approx"]["search_ms"]["p50"]),
                    textcoords="offset points", xytext=(0, -14), ha="center", fontsize=8, color="tab:blue")  # fmt: skip
    ax.axhline(50, color="grey", lw=0.8, ls=":")
    ax.text(sizes[0], 52, "50 ms target", fontsize=8, color="grey")
    ax.set(xscale="log", yscale="log", xlabel="passages in the index (384-dim)", ylabel="search latency, ms",
           title=f"One-query search latency against index size ({r.get('date', '')}, 2 cores)")  # fmt: skip
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def write_all(out_dir: Path, new: dict[str, Any]) -> dict[str, Any]:
    """Merge `new` into the saved results and rewrite the JSON, the Markdown and the plot."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / JSON_NAME
    old = json.loads(path.read_text()) if path.exists() else {}
    data = merge(old, new)
    data["targets"] = targets(data)
    write_json(path, data)
    (out_dir / MD_NAME).write_text(markdown(data) + "\n")
    plot(data, out_dir / PLOT_NAME)
    return data
