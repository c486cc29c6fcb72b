"""`rag bench`: ingest, query, start-up, scale and API speed, with a naive baseline; JSON + Markdown + plot.

    rag bench                       every part but archive (about 20-30 minutes on 2 cores)
    rag bench --quick               smaller SciFact slice and sizes up to 100k (a few minutes)
    rag bench --only scale,query    some parts; the others keep their last numbers in the report
    rag bench --only archive        cold ingest of a generated news archive of 500 and 2,000 articles
                                    (--archive-articles): about 50 minutes at today's ~1.1 articles/s
                                    on 2 quiet cores, the baseline's 10 of them included
    rag bench --only stores,pgscale --database-url URL
                                    PostgreSQL beside the files: the eval set and SciFact through both
                                    stores with their ingest rates (stores.py), and pgvector's HNSW at
                                    100k and 1M synthetic passages beside FAISS (pgscale.py, --pg-sizes)
    rag bench --only load           answers/s of the HTTP APIs under 20 loopback clients: each way of
                                    serving and the floor servers (servers.py, load.py; about 4 minutes)

Reports go to benchmarks/results/ (bench.json, bench.md, latency_vs_size.png). This package
module holds the shared constants and option parsers; command.py is the command line, and
nothing heavy is imported until the command runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

PARTS = ("embed", "quality", "ingest", "query", "startup", "scale", "archive", "stores", "pgscale", "load")
# archive is left out of a plain `rag bench`: at today's ingest speed it alone takes longer than
# the rest together. The PostgreSQL parts need a database server. load starts servers on a loopback
# port and wants the cores to itself. Name them in --only to run them.
POSTGRES_PARTS = ("stores", "pgscale")
DEFAULT_PARTS = tuple(p for p in PARTS if p not in ("archive", "load", *POSTGRES_PARTS))
ARCHIVE_SIZES = "500,2000"  # articles; the second is 4x the first, as the issue asks
QUICK_ARCHIVE_SIZES = "50,200"
ARCHIVE_BASELINES = ("first", "all", "none")  # which archive sizes the naive baseline ingests too
ROOT = Path(__file__).resolve().parents[2]  # the repository (rag/bench/__init__.py -> repo)
DEFAULT_SCIFACT = ROOT.parent / "shared" / "benchmarks" / "scifact"
FULL_SIZES = "10000,100000,1000000"
QUICK_SIZES = "10000,100000"
PG_SIZES = "100000,1000000"
QUICK_PG_SIZES = "10000"


def parse_parts(text: str) -> list[str]:
    """`--only` value: comma-separated part names, in run order.

    >>> parse_parts("scale,embed")
    ['embed', 'scale']
    """
    wanted = [p.strip() for p in text.split(",") if p.strip()]
    bad = [p for p in wanted if p not in PARTS]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown part {', '.join(bad)}; choose from {', '.join(PARTS)}")
    return [p for p in PARTS if p in wanted]


def parse_sizes(text: str) -> list[int]:
    """`--sizes` value: comma-separated passage counts; `1M` and `100k` are allowed.

    >>> parse_sizes("10k,1M")
    [10000, 1000000]
    """
    out = []
    for part in text.split(","):
        part = part.strip().lower()
        mult = 1_000_000 if part.endswith("m") else 1_000 if part.endswith("k") else 1
        try:
            out.append(int(float(part.rstrip("mk")) * mult))
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{part!r} is not a size (e.g. 10000, 100k, 1M)") from exc
    return out
