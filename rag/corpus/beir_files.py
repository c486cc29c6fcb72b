"""Reading a BEIR folder: `corpus.jsonl`, `queries.jsonl` and `qrels/<split>.tsv`.

Plain file reading, shared by `rag eval --beir` (rag/evaluation/beir.py) and the benchmark's
SciFact parts (rag/bench), which are sibling layers and may not import each other.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import RagError
from rag.records import sha256_bytes


class BeirError(RagError):
    """A BEIR folder is missing a file or has one we cannot read."""


@dataclass(frozen=True)
class BeirSet:
    """One split of a BEIR data set: documents, the split's queries and their judgements."""

    name: str
    split: str
    corpus_path: Path
    documents: dict[str, tuple[str, str]]  # id -> (title, text)
    queries: dict[str, str]  # id -> text, only queries with judgements in this split
    qrels: dict[str, dict[str, int]]  # query id -> {doc id: grade}
    corpus_sha256: str = field(default="", compare=False)


def iter_jsonl(path: Path) -> Iterator[dict]:
    """The JSON objects of a BEIR .jsonl file, one per non-blank line, read as they are asked for."""
    path = Path(path)
    if not path.is_file():
        raise BeirError(f"{path} is missing; a BEIR folder has corpus.jsonl, queries.jsonl and qrels/<split>.tsv")
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as exc:
                    raise BeirError(f"{path}:{n} is not JSON ({exc})") from exc


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """query id -> {doc id: grade} from a BEIR qrels TSV (header line optional)."""
    if not path.is_file():
        splits = sorted(p.stem for p in path.parent.glob("*.tsv")) if path.parent.is_dir() else []
        raise BeirError(f"{path} is missing; splits here: {', '.join(splits) or 'none'}")
    qrels: dict[str, dict[str, int]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.strip().split("\t")
        if not line.strip() or (n == 1 and parts[0] == "query-id"):
            continue
        if len(parts) != 3:
            raise BeirError(f"{path}:{n}: expected query-id, corpus-id, score separated by tabs")
        qrels.setdefault(parts[0], {})[parts[1]] = int(float(parts[2]))
    return qrels


def load_beir(root: Path, split: str = "test", max_queries: int | None = None) -> BeirSet:
    """Read a BEIR folder; `max_queries` keeps the first N judged queries (in qrels order)."""
    root = Path(root)
    qrels = read_qrels(root / "qrels" / f"{split}.tsv")
    queries_all = {str(r["_id"]): r["text"] for r in iter_jsonl(root / "queries.jsonl")}
    missing = [q for q in qrels if q not in queries_all]
    if missing:
        raise BeirError(f"{len(missing)} judged queries are not in queries.jsonl (first: {missing[0]})")
    ids = list(qrels)[:max_queries] if max_queries else list(qrels)
    corpus_path = root / "corpus.jsonl"
    docs = {str(r["_id"]): (r.get("title") or "", r.get("text") or "") for r in iter_jsonl(corpus_path)}
    return BeirSet(
        name=root.name,
        split=split,
        corpus_path=corpus_path,
        documents=docs,
        queries={q: queries_all[q] for q in ids},
        qrels={q: qrels[q] for q in ids},
        corpus_sha256=sha256_bytes(corpus_path.read_bytes()),
    )


def relevant_ids(qrels: dict[str, dict[str, int]]) -> dict[str, set[str]]:
    """query id -> the doc ids graded above 0; queries with none are left out.

    >>> relevant_ids({"q1": {"a": 1, "b": 0}, "q2": {"c": 0}})
    {'q1': {'a'}}
    """
    out = {q: {d for d, g in judged.items() if g > 0} for q, judged in qrels.items()}
    return {q: ids for q, ids in out.items() if ids}
