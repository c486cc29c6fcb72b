"""`rag bench`: the command line (see the package docstring); the work is in runner.py."""

from __future__ import annotations

import argparse
from pathlib import Path

from rag.bench import (
    ARCHIVE_BASELINES,
    ARCHIVE_SIZES,
    DEFAULT_PARTS,
    DEFAULT_SCIFACT,
    FULL_SIZES,
    PARTS,
    PG_SIZES,
    QUICK_ARCHIVE_SIZES,
    ROOT,
    parse_parts,
    parse_sizes,
)
from rag.config import add_common, settings_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--only", type=parse_parts, default=list(DEFAULT_PARTS), metavar="PARTS",
                        help=f"comma-separated parts to run: {','.join(PARTS)} (default: all but archive)")  # fmt: skip
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 500 SciFact docs, scale up to 100k, no quality gate")  # fmt: skip
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results", help="report folder")
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT, help="BEIR SciFact folder")
    parser.add_argument("--sizes", type=parse_sizes, default=None, help=f"scale sizes (default {FULL_SIZES})")
    parser.add_argument("--queries", type=int, default=200, help="at least this many queries per latency figure")
    parser.add_argument("--scifact-docs", type=int, default=None, help="SciFact documents to ingest (default all)")
    parser.add_argument("--ef-search", type=int, default=None, help="HNSW search breadth in the scale part")
    parser.add_argument("--archive-articles", type=parse_sizes, default=None, metavar="N,N",
                        help=f"archive part: articles per generated archive (default {ARCHIVE_SIZES}; "
                             f"--quick {QUICK_ARCHIVE_SIZES})")  # fmt: skip
    parser.add_argument("--archive-baseline", choices=ARCHIVE_BASELINES, default="first",
                        help="archive part: which sizes the naive baseline ingests too (default: the first)")  # fmt: skip
    pg = parser.add_argument_group("PostgreSQL parts (stores, pgscale; need --database-url or RAG_DATABASE_URL)")
    pg.add_argument("--pg-sizes", type=parse_sizes, default=None, metavar="N,N",
                    help=f"pgscale: synthetic passages per size (default {PG_SIZES})")  # fmt: skip
    pg.add_argument("--pg-ef-search", type=parse_sizes, default=None, metavar="N,N",
                    help="pgscale: hnsw.ef_search values to search at (default: the store's, and twice it)")  # fmt: skip
    pg.add_argument("--pg-maintenance-mem", default="3GB",
                    help="pgscale: maintenance_work_mem for the HNSW build (the graph must fit; default 3GB)")  # fmt: skip
    pg.add_argument("--pg-workers", type=int, default=1,
                    help="pgscale: parallel workers beside the leader for the build (default 1: 2 cores)")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the temporary work folder")


def run(args: argparse.Namespace) -> int:
    from rag.bench.runner import Runner

    runner = Runner(args, settings_from_args(args))
    return runner.run_all()
