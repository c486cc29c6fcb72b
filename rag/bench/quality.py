"""Quality gate for embedder speed-ups: dense nDCG@10 on SciFact's test split.

Each variant (backend x quantization) embeds the 5,183 abstracts (title + text, cut at the
model's 256 word pieces, as MTEB does) and the 300 test claims; documents are ranked by cosine.
This isolates what the embedder change does to ranking; `rag eval --beir` measures the whole
pipeline (chunking, fusion) on the same data.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag.corpus.beir_files import load_beir, relevant_ids
from rag.index.embed import Embedder
from rag.metrics import ndcg_at_k


def read_scifact(root: Path, split: str = "test") -> tuple[dict[str, str], dict[str, str], dict[str, set[str]]]:
    """(documents id -> "title text", queries id -> text, qrels query id -> relevant doc ids).

    Only queries with a document graded above 0 are kept: the others have no nDCG to measure.
    """
    beir = load_beir(root, split)
    docs = {d: f"{title} {text}".strip() for d, (title, text) in beir.documents.items()}
    qrels = relevant_ids(beir.qrels)
    return docs, {q: beir.queries[q] for q in qrels}, qrels


def binary_ndcg_at_k(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """nDCG@k with every relevant document worth 1 (rag.metrics.ndcg_at_k with binary gains).

    >>> round(binary_ndcg_at_k(["b", "a"], {"a"}), 4)  # the one relevant doc at rank 2: 1/log2(3)
    0.6309
    """
    return ndcg_at_k([1.0 if d in relevant else 0.0 for d in ranked], [1.0] * len(relevant), k)


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
    scores = [binary_ndcg_at_k([doc_ids[j] for j in row], qrels[q], k) for q, row in zip(qids, top)]
    return {
        "ndcg@10": round(float(np.mean(scores)), 5),
        "queries": len(qids),
        "documents": len(doc_ids),
        "embed_s": round(embed_s, 2),
        "embed_cpu_s": round(embed_cpu, 2),
        "docs_per_s": round(len(doc_ids) / embed_s, 2),
    }
