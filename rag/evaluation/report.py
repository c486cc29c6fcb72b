"""Reports of `rag eval`: a terminal table, JSON and Markdown files, and a PNG chart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rag.evaluation.harness import ANSWER_METRICS, KS, EvalReport
from rag.machine import describe, machine

RETRIEVAL_COLUMNS = (
    [f"precision@{k}" for k in KS] + [f"recall@{k}" for k in KS] + [f"hit@{k}" for k in KS] + ["mrr@10", "ndcg@10"]
)
SHORT = {"precision": "P", "recall": "R", "hit": "H", "mrr": "MRR", "ndcg": "nDCG"}
# Published nDCG@10 on the SciFact test split (see ../shared/benchmarks/README.md).
SCIFACT_PUBLISHED = (
    ("BM25, BEIR paper (Elasticsearch)", 0.665),
    ("BM25, Anserini flat", 0.6789),
    ("BM25, bm25s (MTEB baseline)", 0.68736),
    ("all-MiniLM-L6-v2 dense (MTEB)", 0.64508),
    ("bge-small-en-v1.5 dense (MTEB)", 0.71273),
)


def short(metric: str) -> str:
    """precision@5 -> P@5, ndcg@10 -> nDCG@10."""
    name, _, k = metric.partition("@")
    return f"{SHORT.get(name, name)}@{k}" if k else metric


def table(rows: list[list[str]], header: list[str], markdown: bool = False) -> str:
    """A plain aligned table, or a Markdown one."""
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    return "\n".join(fmt.format(*r) for r in [header, *rows])


def retrieval_table(report: EvalReport, markdown: bool = False) -> str:
    header = ["mode"] + [short(c) for c in RETRIEVAL_COLUMNS]
    rows = [[mode] + [f"{m[c]:.3f}" for c in RETRIEVAL_COLUMNS] for mode, m in report.retrieval.items()]
    return table(rows, header, markdown)


def answers_table(report: EvalReport, markdown: bool = False) -> str:
    if not report.answers:
        return report.answers_note or "answer metrics not measured"
    rows = [[name.replace("_", " "), f"{report.answers[name]:.3f}"] for name in ANSWER_METRICS]
    return table(rows, ["answer metric", "value"], markdown)


def group_tables(report: EvalReport, markdown: bool = False) -> str:
    """One table per kind of question reported apart (the time questions): retrieval per mode and
    the answer metrics on that kind alone."""
    parts = []
    for kind, g in report.groups.items():
        cols = ("hit@1", "hit@5", "recall@5", "mrr@10", "ndcg@10")
        rows = [[mode] + [f"{m[c]:.3f}" for c in cols] for mode, m in g["retrieval"].items() if m]
        head = f"{kind.capitalize()} questions: {g['questions']} ({g['answerable']} answerable)"
        parts += [f"### {head}", ""] if markdown else [head]
        parts.append(table(rows, ["mode"] + [short(c) for c in cols], markdown) if rows else "no answerable question")
        if g["answers"]:
            ans = [[n.replace("_", " "), f"{g['answers'][n]:.3f}"] for n in ANSWER_METRICS]
            parts += ([""] if markdown else []) + [table(ans, ["answer metric", "value"], markdown)]
        parts.append("")
    return "\n".join(parts).rstrip()


def print_report(report: EvalReport) -> None:
    print(
        f"Retrieval on {report.answerable} answerable questions (a passage is relevant when it holds an evidence quote)"
    )
    print(retrieval_table(report))
    print()
    n = report.questions
    print(f"Answers on {n} questions ({n - report.answerable} unanswerable), {report.settings['answerer']} answerer")
    print(answers_table(report))
    if report.groups:
        print()
        print(group_tables(report))
    n_ret = sum(1 for m in report.misses if m["kind"] == "retrieval")
    n_ans = len(report.misses) - n_ret
    print(f"\n{n_ret} retrieval misses (no evidence in the top 5, per mode), {n_ans} answer misses: see the reports")
    print(f"({report.seconds:.1f}s)")


def markdown(report: EvalReport) -> str:
    s = report.settings
    lines = [
        "# Eval report",
        "",
        f"{report.questions} questions ({report.answerable} answerable). Embedder {s['embedder']}, chunks of "
        f"{s['chunk_tokens']} tokens, top_k {s['top_k']}, relevance floor {s['min_dense_score']}, "
        f"{s['answerer']} answerer. Written by `rag eval`"
        + (f" on {describe(report.machine)}." if report.machine else "."),
        "",
        "## Retrieval",
        "",
        "A passage is relevant when it holds an evidence quote (or most of one cut by a chunk boundary). "
        "P = precision, R = recall of evidence quotes, H = hit (any relevant passage).",
        "",
        retrieval_table(report, markdown=True),
        "",
        "![recall@k per mode](recall_at_k.png)",
        "",
        "## Answers",
        "",
        answers_table(report, markdown=True),
        "",
        *(["## Reported apart", "", group_tables(report, markdown=True), ""] if report.groups else []),
        "## Relevance floor",
        "",
        floor_markdown(report),
        "",
        "## Misses",
        "",
    ]
    lines += [miss_markdown(m) for m in report.misses] or ["None."]
    return "\n".join(lines) + "\n"


def floor_markdown(report: EvalReport) -> str:
    """Where the floor sits against the nearest passage of answerable and unanswerable questions."""
    if not report.best_cosine:
        return "Not measured."
    answerable = {q: c for q, c in report.best_cosine.items() if q in report.per_question}
    others = sorted(((c, q) for q, c in report.best_cosine.items() if q not in answerable), reverse=True)
    lowest = min(answerable.items(), key=lambda x: x[1]) if answerable else None
    floor = report.settings["min_dense_score"]
    lines = [f"Cosine of each question's nearest passage, floor off; the floor is {floor}."]
    if lowest:
        lines.append(f"Lowest answerable question: {lowest[1]:.3f} ({lowest[0]}).")
    if others:
        below = [f"{q} {c:.3f}" for c, q in others if c < floor]
        above = [f"{q} {c:.3f}" for c, q in others if c >= floor]
        lines.append(f"Unanswerable questions under the floor (nothing retrieved): {', '.join(below) or 'none'}.")
        lines.append(f"Unanswerable questions over it (left to the answerer): {', '.join(above) or 'none'}.")
    return " ".join(lines)


def miss_markdown(m: dict[str, Any]) -> str:
    if m["kind"] == "retrieval":
        got = "; ".join(f"{r['rank']}. `{r['doc_id']}` {r['start']}" for r in m["retrieved"]) or "nothing"
        where = (
            f"first evidence at rank {m['first_relevant_rank']}"
            if m["first_relevant_rank"]
            else "no evidence in the top 10"
        )
        return (f"- **{m['id']}** ({m['mode']}, {where}): {m['question']}  \n"
                f"  evidence: \"{m['evidence']}\"  \n  retrieved instead: {got}")  # fmt: skip
    return (f"- **{m['id']}** (answer: {m['why']}): {m['question']}  \n"
            f"  gold: {m['gold']!r}; answer: {m['answer']!r}; cited: {', '.join(m['cited_docs']) or 'none'}")  # fmt: skip


def plot(report: EvalReport, path: Path) -> None:
    """Grouped bars: recall@k per mode (left) and the answer metrics (right, when measured)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = 2 if report.answers else 1
    fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 4), dpi=100, squeeze=False)
    ax = axes[0][0]
    modes = list(report.retrieval)
    width = 0.8 / len(modes)
    for n, mode in enumerate(modes):
        xs = [i + (n - (len(modes) - 1) / 2) * width for i in range(len(KS))]
        ax.bar(xs, [report.retrieval[mode][f"recall@{k}"] for k in KS], width, label=mode)
    ax.set(xticks=range(len(KS)), xticklabels=[f"k={k}" for k in KS], ylim=(0, 1.22), ylabel="recall@k")
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_title(f"Evidence recall@k, {report.answerable} questions")
    ax.legend(loc="upper center", ncol=len(modes), fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    if report.answers:
        ax = axes[0][1]
        names = list(ANSWER_METRICS)
        ax.barh(range(len(names)), [report.answers[m] for m in names], color="tab:gray")
        ax.set(yticks=range(len(names)), yticklabels=[m.replace("_", " ") for m in names], xlim=(0, 1))
        ax.invert_yaxis()
        ax.set_title(f"Answers, {report.questions} questions ({report.settings['answerer']})")
        ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def write_reports(report: EvalReport, folder: Path) -> list[Path]:
    """eval.json, eval.md and recall_at_k.png in `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "eval.json", folder / "eval.md", folder / "recall_at_k.png"]
    data = report.to_json()
    paths[0].write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    paths[1].write_text(markdown(report))
    plot(report, paths[2])
    return paths


# ---------------------------------------------------------------- BEIR


def beir_table(result, markdown: bool = False) -> str:
    cols = ("ndcg@10", "recall@100", "mrr@10")
    rows = [[mode] + [f"{m[c]:.4f}" for c in cols] for mode, m in result.metrics.items()]
    return table(rows, ["mode", "nDCG@10", "R@100", "MRR@10"], markdown)


def print_beir(result) -> None:
    print(f"{result.name} {result.split}: {result.queries} queries, {result.index.get('documents')} documents "
          f"in {result.index.get('chunks')} chunks; documents ranked by their best chunk")  # fmt: skip
    print(beir_table(result))


def write_beir(result, settings, folder: Path) -> list[Path]:
    """beir-<name>-<split>.json and .md in `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"beir-{result.name}-{result.split}"
    info = {"name": result.name, "split": result.split, "queries": result.queries, "index": result.index,
            "machine": machine(),
            "settings": {k: getattr(settings, k) for k in ("embedder", "chunk_tokens", "chunk_overlap", "rrf_k")},
            "metrics": result.metrics}  # fmt: skip
    Path(f"{stem}.json").write_text(json.dumps(info, indent=1, default=str) + "\n")
    md = [f"# {result.name} ({result.split} split, {result.queries} queries)", "",
          f"Measured {describe(info['machine'])}, CPU only, by `rag eval --beir`: "
          f"{result.index.get('documents')} documents in {result.index.get('chunks')} chunks of at most "
          f"{settings.chunk_tokens} tokens (title + abstract, our ingest); a document is ranked by its best chunk.",
          "", beir_table(result, True), ""]  # fmt: skip
    if result.name == "scifact" and result.split == "test":
        md += ["Published nDCG@10 on the same split:", ""]
        md += [table([[n, f"{v:.4f}"] for n, v in SCIFACT_PUBLISHED], ["system", "nDCG@10"], True), ""]
    Path(f"{stem}.md").write_text("\n".join(md))
    return [Path(f"{stem}.json"), Path(f"{stem}.md")]
