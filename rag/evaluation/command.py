"""`rag eval`: the command line over the harness, the reports, the gate and BEIR.

rag eval                      measure, print the tables, write eval/reports/
rag eval --check              ... and exit 1 if questions were lost against the baseline (gate.py)
rag eval --update-baseline    accept this run's per-question outcomes as the new baseline
rag eval --beir ../shared/benchmarks/scifact --split test
rag eval --record-queries F / --embed-queries F --query-vectors V / --query-vectors V   another CPU (replay.py)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag.config import add_common, settings_from_args
from rag.engine import Engine
from rag.evaluation.beir import BEIR_MODES, build_index, load_beir, run_beir
from rag.evaluation.gate import (
    DEFAULT_ALLOWED_NET_LOSS,
    SIGNIFICANCE,
    GateError,
    compare,
    failures,
    read_baseline,
    write_baseline,
)
from rag.evaluation.harness import EVAL_MODES, EvalError, EvalReport, QueryCache, evaluate, load_questions
from rag.evaluation.replay import (
    earlier_vectors,
    index_vectors,
    made_on,
    read_texts,
    read_vectors,
    write_texts,
    write_vectors,
)
from rag.evaluation.report import print_beir, print_report, write_beir, write_reports
from rag.index.embed import MemoEmbedder, get_embedder

# Texts embedded between two writes of --query-vectors: the most a stopped --embed-queries run loses
# (about 100 s under qemu-user, `make test-avx2`).
RESUME_BLOCK = 200
# Vectors a file already holds for this embedder, CPU and versions are embedded again for this many
# texts, spread over the file, before the rest are kept: if one differs (the embedding code changed
# since the file was written, say), none is kept. About 5 s under qemu-user.
SPOT_CHECK = 8


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--questions", type=Path, default=Path("eval/questions.jsonl"), help="the eval set")
    parser.add_argument("--part", choices=("dev", "test"), default=None,
                        help="only the questions of this split (tune on dev, measure once on test)")  # fmt: skip
    parser.add_argument("--reports", type=Path, default=Path("eval/reports"), help="where JSON, Markdown and PNG go")
    parser.add_argument("--no-write", action="store_true", help="print only; write no report files")
    parser.add_argument(
        "--modes", default=None, help=f"comma-separated, of {', '.join(EVAL_MODES)} (default: all; BEIR: no MMR)"
    )
    parser.add_argument("--no-answers", action="store_true", help="retrieval metrics only")
    gate = parser.add_mutually_exclusive_group()
    gate.add_argument("--check", action="store_true", help="exit 1 if questions were lost against the baseline")
    gate.add_argument("--update-baseline", action="store_true", help="record this run's outcomes as the baseline")
    parser.add_argument("--baseline", type=Path, default=Path("eval/baseline.json"), help="the accepted outcomes")
    parser.add_argument("--allowed-loss", type=int, default=None, metavar="N",
                        help=f"questions an outcome may lose net of those it wins, or more at McNemar p >= {SIGNIFICANCE} "
                             "(default: the baseline's)")  # fmt: skip
    other = parser.add_argument_group("another CPU's vectors (rag/evaluation/replay.py; make test-avx2)")
    other.add_argument("--record-queries", type=Path, default=None, metavar="FILE",
                       help="also write every text this run embedded as a question to FILE (JSON)")  # fmt: skip
    other.add_argument("--embed-queries", type=Path, default=None, metavar="FILE",
                       help="only build the index and embed FILE's texts on this CPU into --query-vectors")  # fmt: skip
    other.add_argument("--query-vectors", type=Path, default=None, metavar="NPZ",
                       help="use these recorded question vectors (with --embed-queries: write them there)")  # fmt: skip
    beir = parser.add_argument_group("public benchmark (BEIR format)")
    beir.add_argument("--beir", type=Path, default=None, metavar="DIR", help="corpus.jsonl, queries.jsonl, qrels/")
    beir.add_argument("--split", default="test", help="qrels split (default test; tune on train)")
    beir.add_argument("--max-queries", type=int, default=None, help="only the first N judged queries")
    beir.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "rag" / "beir",
                      help="where the benchmark's index is kept between runs")  # fmt: skip
    beir.add_argument("--chunk-tokens", type=int, default=None, help="chunk size for this run")


def parse_modes(text: str, allowed: Sequence[str]) -> list[str]:
    modes = [m.strip() for m in text.split(",") if m.strip()]
    bad = [m for m in modes if m not in allowed]
    if bad or not modes:
        raise EvalError(f"unknown mode {', '.join(bad) or '(none)'}; choose from {', '.join(allowed)}")
    return modes


def run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args, chunk_tokens=args.chunk_tokens)
    if args.beir is not None:
        return run_beir_command(args, settings)

    if args.embed_queries is not None:
        return embed_recorded(args, settings)
    questions = [q for q in load_questions(args.questions) if args.part in (None, q.split)]
    if not questions:
        raise EvalError(f'no question of {args.questions} is in the {args.part} part; give questions a "split"')
    modes = parse_modes(args.modes, EVAL_MODES) if args.modes else list(EVAL_MODES)
    engine = Engine(settings)
    snapshot = engine.ensure(note=lambda m: print(m, file=sys.stderr))
    known, where = read_vectors(args.query_vectors, engine.embedder.name) if args.query_vectors else (None, {})
    queries = QueryCache(engine.embedder, known)
    report = evaluate(questions, settings, snapshot, queries, modes, answers=not args.no_answers)
    print_report(report)
    if known is not None:
        flags = " ".join(f for f, on in where.get("cpu_flags", {}).items() if on) or "unknown"
        print(f"question vectors: {len(queries.asked) - len(queries.missed)} of {len(queries.asked)} from "
              f"{args.query_vectors} (embedded with CPU flags: {flags}); {len(queries.missed)} embedded here",
              file=sys.stderr)  # fmt: skip
    if args.record_queries is not None:
        write_texts(args.record_queries, list(queries.asked))
        print(f"wrote {args.record_queries} ({len(queries.asked)} question texts)", file=sys.stderr)
    if not args.no_write:
        for path in write_reports(report, args.reports):
            print(f"wrote {path}", file=sys.stderr)
    return gate(args, report)


def embed_recorded(args: argparse.Namespace, settings) -> int:
    """--embed-queries: build the index and embed the recorded texts, both on this CPU.

    The file written (--query-vectors) holds the vectors of the index's passages and sentences
    (`index_vectors`), then those of the recorded texts. A vector is a function of its text alone
    (one text per run), so the vectors the file already holds (a stopped run's, or
    eval/avx2-vectors.npz copied there by `make test-avx2`) are kept, for the index as for the
    questions, if the same embedder made them on a CPU with the same flags and the same versions and
    SPOT_CHECK of them embed to the same vectors here: only texts new since then are embedded. The
    file is written after the index is built and every RESUME_BLOCK recorded texts."""
    if args.query_vectors is None:
        raise EvalError("--embed-queries needs --query-vectors FILE.npz: where to write the vectors")
    texts = list(dict.fromkeys(read_texts(args.embed_queries)))
    model, here = get_embedder(settings), made_on()
    memo = MemoEmbedder(
        model, _spot_checked(earlier_vectors(args.query_vectors, model.name, here), model, args.query_vectors)
    )
    held = set(memo.memo)
    t = time.perf_counter()
    snapshot = Engine(settings, embedder=memo).ensure(note=lambda m: print(m, file=sys.stderr))
    index = index_vectors(snapshot, settings)
    memo.memo.update(index)
    if asked := list(memo.asked):
        new = sum(text not in held for text in asked)
        print(f"embedded {new} of the {len(asked)} passage and sentence texts the index asked for in {time.perf_counter() - t:.1f}s"
              + (f"; {len(asked) - new} kept from what {args.query_vectors} held" if new < len(asked) else ""),
              file=sys.stderr)  # fmt: skip
    else:
        print(f"the index was built before: its {len(index)} passage and sentence vectors go in {args.query_vectors}",
              file=sys.stderr)  # fmt: skip

    def write() -> None:
        have = [text for text in dict.fromkeys([*index, *texts]) if text in memo.memo]
        vectors = np.stack([memo.memo[text] for text in have]) if have else np.zeros((0, model.dim), np.float32)
        write_vectors(args.query_vectors, have, vectors, model.name, here)

    write()  # a run stopped after this builds its index from these vectors
    todo = [text for text in texts if text not in memo.memo]
    kept = len(texts) - len(todo)
    t = time.perf_counter()
    for start in range(0, len(todo), RESUME_BLOCK):
        memo.embed_documents(todo[start : start + RESUME_BLOCK])  # one text per run: what embed_query gives
        write()
    again = f"; {kept} kept from what the file held" if kept else ""
    print(f"embedded {len(todo)} question texts in {time.perf_counter() - t:.1f}s into {args.query_vectors}{again}",
          file=sys.stderr)  # fmt: skip
    return 0


def _spot_checked(done: dict[str, np.ndarray], embedder, path: Path) -> dict[str, np.ndarray]:
    """`done`, if SPOT_CHECK of its vectors, spread over it, embed the same here; else none."""
    held = list(done)
    sample = held[:: max(1, len(held) // SPOT_CHECK)][:SPOT_CHECK]
    if not sample:
        return done
    differ = sum(not np.array_equal(done[t], v) for t, v in zip(sample, embedder.embed_documents(sample)))
    if differ:
        print(f"{differ} of {len(sample)} vectors {path} holds differ from this run's: embedding every text again",
              file=sys.stderr)  # fmt: skip
        return {}
    return done


def _recorded_allowance(path: Path) -> int:
    """The allowance a baseline already records, which an update keeps (it was measured across
    CPUs: README, Evaluation, "Regression gate"); the default when there is none yet or unreadable."""
    try:
        return read_baseline(path).allowed_net_loss
    except GateError:
        return DEFAULT_ALLOWED_NET_LOSS


def gate(args: argparse.Namespace, report: EvalReport) -> int:
    """--update-baseline records this run; --check compares it question by question (rag/eval_gate.py)."""
    if args.update_baseline:
        allowed = args.allowed_loss if args.allowed_loss is not None else _recorded_allowance(args.baseline)
        extra = {"settings": report.settings, "machine": report.machine}
        write_baseline(args.baseline, report.outcomes(), allowed, report.headline(), extra)
        print(f"baseline written to {args.baseline}")
        return 0
    if not args.check:
        return 0
    baseline = read_baseline(args.baseline)
    allowed = args.allowed_loss if args.allowed_loss is not None else baseline.allowed_net_loss
    watched = baseline.outcomes
    if getattr(args, "part", None):  # only this part's questions were asked: compare those
        asked = set(report.per_question) | set(report.answer_outcomes)
        watched = {name: {q: ok for q, ok in rows.items() if q in asked} for name, rows in watched.items()}
    changes = compare(report.outcomes(), watched)
    failed = failures(changes, allowed)
    moved = [c.describe() for c in changes if c.lost or c.won]
    if failed:
        print(f"eval check FAILED against {args.baseline}:", *failed, sep="\n  ")
        return 1
    print(f"eval check passed: {len(changes)} outcomes, none lost more than {allowed} question(s) net of "
          f"those it won at McNemar p < {SIGNIFICANCE}, against {args.baseline}", *moved, sep="\n  ")  # fmt: skip
    return 0


def run_beir_command(args: argparse.Namespace, settings) -> int:

    modes = parse_modes(args.modes, EVAL_MODES) if args.modes else list(BEIR_MODES)
    beir = load_beir(args.beir, args.split, args.max_queries)
    embedder = Engine(settings).embedder
    bsettings, snapshot, ingest_report = build_index(beir, settings, args.cache_dir, embedder)
    print(ingest_report.summary().splitlines()[0], file=sys.stderr)
    result = run_beir(beir, bsettings, snapshot, embedder, modes)
    print_beir(result)
    if not args.no_write:
        for path in write_beir(result, bsettings, args.reports):
            print(f"wrote {path}", file=sys.stderr)
    return 0
