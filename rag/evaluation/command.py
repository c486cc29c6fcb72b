"""`rag eval`: the command line over the harness, the reports, the gate and BEIR.

rag eval                      measure, print the tables, write eval/reports/
rag eval --check              ... and exit 1 if questions were lost against the baseline (gate.py)
rag eval --update-baseline    accept this run's per-question outcomes as the new baseline
rag eval --beir ../shared/benchmarks/scifact --split test
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rag.config import add_common, settings_from_args
from rag.engine import Engine
from rag.evaluation.beir import BEIR_MODES, build_index, load_beir, run_beir
from rag.evaluation.gate import DEFAULT_ALLOWED_NET_LOSS, compare, failures, read_baseline, write_baseline
from rag.evaluation.harness import EVAL_MODES, EvalError, EvalReport, evaluate, load_questions
from rag.evaluation.report import print_beir, print_report, write_beir, write_reports


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--questions", type=Path, default=Path("eval/questions.jsonl"), help="the eval set")
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
                        help="questions an outcome may lose net of those it wins (default: the baseline's)")  # fmt: skip
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

    questions = load_questions(args.questions)
    modes = parse_modes(args.modes, EVAL_MODES) if args.modes else list(EVAL_MODES)
    engine = Engine(settings)
    snapshot = engine.ensure(note=lambda m: print(m, file=sys.stderr))
    report = evaluate(questions, settings, snapshot, engine.embedder, modes, answers=not args.no_answers)
    print_report(report)
    if not args.no_write:
        for path in write_reports(report, args.reports):
            print(f"wrote {path}", file=sys.stderr)
    return gate(args, report)


def gate(args: argparse.Namespace, report: EvalReport) -> int:
    """--update-baseline records this run; --check compares it question by question (rag/eval_gate.py)."""
    if args.update_baseline:
        allowed = args.allowed_loss if args.allowed_loss is not None else DEFAULT_ALLOWED_NET_LOSS
        extra = {"settings": report.settings, "machine": report.machine}
        write_baseline(args.baseline, report.outcomes(), allowed, report.headline(), extra)
        print(f"baseline written to {args.baseline}")
        return 0
    if not args.check:
        return 0
    baseline = read_baseline(args.baseline)
    allowed = args.allowed_loss if args.allowed_loss is not None else baseline.allowed_net_loss
    changes = compare(report.outcomes(), baseline.outcomes)
    failed = failures(changes, allowed)
    moved = [c.describe() for c in changes if c.lost or c.won]
    if failed:
        print(f"eval check FAILED against {args.baseline}:", *failed, sep="\n  ")
        return 1
    print(f"eval check passed: {len(changes)} outcomes, none lost more than {allowed} question(s) net of "
          f"those it won, against {args.baseline}", *moved, sep="\n  ")  # fmt: skip
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
