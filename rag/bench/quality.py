"""Quality gate for embedder speed-ups: dense nDCG@10 on SciFact's test split.

Each variant (backend x quantization) embeds the 5,183 abstracts (title + text, cut at the
model's 256 word pieces, as MTEB does) and the 300 test claims; documents are ranked by cosine.
This isolates what the embedder change does to ranking; `rag eval --beir` measures the whole
pipeline (chunking, fusion) on the same data.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag.index.embed import Embedder


def read_scifact(root: Path, split: str = "test") -> tuple[dict[str, str], dict[str, str], dict[str, set[str]]]:
    """(documents id -> "title text", queries id -> text, qrels query id -> relevant doc ids)."""
    docs: dict[str, str] = {}
    with open(root / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            docs[d["_id"]] = f"{d.get('title', '')} {d.get('text', '')}".strip()
    qrels: dict[str, set[str]] = {}
    for line in (root / "qrels" / f"{split}.tsv").read_text().splitlines()[1:]:
        qid, did, score = line.split("\t")
        if int(score) > 0:
            qrels.setdefault(qid, set()).add(did)
    queries: dict[str, str] = {}
    with open(root / "queries.jsonl", encoding="utf-8") as fh:
        for line in fh:
            q = json.loads(line)
            if q["_id"] in qrels:
                queries[q["_id"]] = q["text"]
    return docs, queries, qrels


def ndcg_at_k(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """Binary-relevance nDCG@k.

    >>> round(ndcg_at_k(["b", "a"], {"a"}), 4)  # the one relevant doc at rank 2: 1/log2(3)
    0.6309
    """
    dcg = sum(1.0 / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if d in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def dense_ndcg(
    embedder: Embedder, docs: dict[str, str], queries: dict[str, str], qrels: dict[str, set[str]], k: int = 10
) -> dict[str, float]:
    """nDCG@k of ranking all documents by cosine to each query, with the embedding time."""
    doc_ids = list(docs)
    t = time.perf_counter()
    cpu = time.process_time()
    dv = embedder.embed_documents([docs[i] for i in doc_ids], batch_size=32)
    embed_s, embed_cpu = time.perf_counter() - t, time.process_time() - cpu
    qids = list(queries)
    qv = np.stack([embedder.embed_query(queries[q]) for q in qids])
    top = np.argsort(-(qv @ dv.T), axis=1)[:, :k]
    scores = [ndcg_at_k([doc_ids[j] for j in row], qrels[q], k) for q, row in zip(qids, top)]
    return {
        "ndcg@10": round(float(np.mean(scores)), 5),
        "queries": len(qids),
        "documents": len(doc_ids),
        "embed_s": round(embed_s, 2),
        "embed_cpu_s": round(embed_cpu, 2),
        "docs_per_s": round(len(doc_ids) / embed_s, 2),
    }
