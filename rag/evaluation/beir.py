"""Public benchmarks in BEIR format, run through our own ingest, chunking and retrieval.

A BEIR folder holds `corpus.jsonl` ({"_id", "title", "text"}), `queries.jsonl` ({"_id", "text"})
and `qrels/<split>.tsv` (query-id, corpus-id, score). Every document becomes an article file
(title in YAML front matter, abstract as the body) in a cache folder, `Engine.ingest` builds
an ordinary index from it, and each query is answered by `rag.search.retrieve.search`. A document is
placed where its best chunk is (`rank_documents`). The cache is keyed by the corpus's sha256 and
the chunking and embedder settings, so a second run re-uses the vectors, the expensive part.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

import numpy as np

from rag.config import Settings
from rag.corpus.beir_files import BeirError, BeirSet, load_beir, read_qrels  # noqa: F401 (public here too)
from rag.errors import IndexCorrupt, IndexMismatch
from rag.index.embed import Embedder, WrappedEmbedder
from rag.metrics import mean, ndcg_at_k, recall_at_k, reciprocal_rank
from rag.records import sha256_text

BEIR_MODES: tuple[str, ...] = ("dense", "bm25", "hybrid")
DOC_DEPTH = 100  # documents ranked per query (recall@100 needs them all)
CHUNK_DEPTH = 300  # chunks asked of search() to fill DOC_DEPTH documents


# ---------------------------------------------------------------- the index, through our ingest


def file_name(doc_id: str) -> str:
    """A safe, reversible file name for a BEIR document id.

    >>> file_name("a/b 1"), beir_id(file_name("a/b 1"))
    ('doc-a%2Fb%201.txt', 'a/b 1')
    """
    return "doc-" + quote(doc_id, safe="") + ".txt"


def beir_id(doc_id: str) -> str:
    """The BEIR id of one of our document ids (inverse of `file_name`)."""
    return unquote(doc_id.removeprefix("doc-").removesuffix(".txt"))


def article_text(title: str, text: str) -> str:
    """An article file: the title in YAML front matter (JSON strings are valid YAML), then the text."""
    head = f"---\ntitle: {json.dumps(title)}\n---\n\n" if title.strip() else ""
    return head + text.strip() + "\n"


def cache_folder(beir: BeirSet, settings: Settings, cache_dir: Path) -> Path:
    """Where this corpus, chunked and embedded with these settings, is kept."""
    key = json.dumps(
        [beir.corpus_sha256, settings.embedder, settings.quantize, settings.chunk_tokens, settings.chunk_overlap,
         settings.tokenizer]
    )  # fmt: skip
    return Path(cache_dir) / f"{beir.name}-{sha256_text(key)[:12]}"


def write_corpus(beir: BeirSet, folder: Path) -> None:
    """Write every document as an article file, once (a hidden marker says the folder is complete)."""
    done = folder / ".complete"  # hidden: ingest skips it
    if done.is_file() and done.read_text() == beir.corpus_sha256:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, (title, text) in beir.documents.items():
        (folder / file_name(doc_id)).write_text(article_text(title, text), encoding="utf-8")
    done.write_text(beir.corpus_sha256)


class VectorCache(WrappedEmbedder):
    """An embedder that keeps every passage vector on disk by text hash.

    The benchmark's index is build output that a change of index format throws away; its
    vectors, the slow part (minutes on 2 cores), survive here and are saved as they are made.
    """

    SAVE_EVERY = 512  # texts embedded between saves, so an interrupted run keeps its work

    def __init__(self, inner: Embedder, folder: Path) -> None:
        super().__init__(inner)
        self.folder = Path(folder)
        self._rows: dict[str, int] = {}
        self._vectors = np.zeros((0, inner.dim), np.float32)
        if (self.folder / "vectors.npy").is_file() and (self.folder / "hashes.json").is_file():
            hashes = json.loads((self.folder / "hashes.json").read_text())
            vectors = np.load(self.folder / "vectors.npy", allow_pickle=False)
            if len(hashes) == len(vectors) and vectors.shape[1:] == (inner.dim,):
                self._rows, self._vectors = {h: i for i, h in enumerate(hashes)}, vectors

    def embed_documents(self, texts, batch_size=32, progress=None) -> np.ndarray:
        keys = [sha256_text(t) for t in texts]
        todo = sorted({k: i for i, k in enumerate(keys) if k not in self._rows}.values())
        if progress and len(todo) < len(texts):
            progress(len(texts) - len(todo))
        for s in range(0, len(todo), self.SAVE_EVERY):
            part = todo[s : s + self.SAVE_EVERY]
            new = self.inner.embed_documents([texts[i] for i in part], batch_size, progress)
            self._rows.update({keys[i]: len(self._vectors) + n for n, i in enumerate(part)})
            self._vectors = np.concatenate([self._vectors, new.astype(np.float32)])
            self._save()
        return self._vectors[[self._rows[k] for k in keys]] if keys else np.zeros((0, self.dim), np.float32)

    def _save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        np.save(self.folder / ".vectors.tmp.npy", self._vectors, allow_pickle=False)
        (self.folder / ".hashes.tmp.json").write_text(json.dumps(list(self._rows)))
        os.replace(self.folder / ".vectors.tmp.npy", self.folder / "vectors.npy")
        os.replace(self.folder / ".hashes.tmp.json", self.folder / "hashes.json")


def build_index(beir: BeirSet, settings: Settings, cache_dir: Path, embedder: Embedder, quiet: bool = False):
    """Ingest the data set's corpus into a cached index; returns (settings for it, snapshot, ingest report).

    The index is rebuilt when it no longer matches the running code or settings; passage
    vectors come from the `VectorCache` then, so only new passages are embedded.
    """
    from rag.engine import Engine

    folder = cache_folder(beir, settings, cache_dir)
    settings = settings.replace(corpus_dir=folder / "corpus", index_dir=folder / "index")
    write_corpus(beir, settings.corpus_dir)
    engine = Engine(settings, VectorCache(embedder, folder / "vectors"))
    from rag.progress import tqdm_progress

    progress = None if quiet else tqdm_progress()
    try:
        report = engine.ingest(progress=progress)
    except (IndexMismatch, IndexCorrupt):
        report = engine.ingest(rebuild=True, progress=progress)
    return settings, engine.snapshot(), report


# ---------------------------------------------------------------- ranking and scoring


def rank_documents(hits: Sequence, depth: int = DOC_DEPTH) -> list[str]:
    """BEIR document ids in the order of their best chunk in `hits` (best first).

    Hits come sorted by score, or in pick order under MMR, so the first chunk of a document is
    its best. (A bonus for a document's further matching chunks was measured on SciFact train
    and lowered nDCG@10: +0.05 x the second chunk's score cost 0.001, +0.1 cost 0.007.)
    """
    return [beir_id(d) for d in dict.fromkeys(h.chunk.doc_id for h in hits)][:depth]


def query_metrics(ranked: Sequence[str], judged: dict[str, int]) -> dict[str, float]:
    """nDCG@10, recall@100 and MRR@10 of one ranked document list."""
    gains = [float(judged.get(d, 0)) for d in ranked]
    relevant = [g > 0 for g in gains]
    wanted = [d for d, g in judged.items() if g > 0]
    return {
        "ndcg@10": ndcg_at_k(gains, [float(g) for g in judged.values() if g > 0], 10),
        "recall@100": recall_at_k([{d} if r else set() for d, r in zip(ranked, relevant)], len(wanted), 100),
        "mrr@10": reciprocal_rank(relevant, 10),
    }


@dataclass(frozen=True)
class BeirResult:
    name: str
    split: str
    queries: int
    metrics: dict[str, dict[str, float]]  # mode -> metric -> mean over queries
    runs: dict[str, dict[str, list[str]]] = field(compare=False, default_factory=dict)  # mode -> qid -> ranked ids
    index: dict[str, int] = field(compare=False, default_factory=dict)  # documents, chunks


def run_beir(beir: BeirSet, settings: Settings, snapshot, embedder, modes: Sequence[str] = BEIR_MODES,
             quiet: bool = False) -> BeirResult:  # fmt: skip
    """Rank documents for every query in every mode and average the metrics."""
    from tqdm import tqdm

    from rag.evaluation.harness import MODE_ARGS, QueryCache
    from rag.search.retrieve import search

    qe = QueryCache(embedder)
    runs: dict[str, dict[str, list[str]]] = {m: {} for m in modes}
    with tqdm(total=len(beir.queries) * len(modes), desc=f"{beir.name} {beir.split}", unit="query",
              file=sys.stderr, disable=quiet) as bar:  # fmt: skip
        for qid, text in beir.queries.items():
            for mode in modes:
                mode_name, use_mmr = MODE_ARGS[mode]
                result = search(text, settings, snapshot, embedder=qe, k=CHUNK_DEPTH, mode=mode_name,
                                use_mmr=use_mmr, floor=-1.0)  # fmt: skip
                runs[mode][qid] = rank_documents(result.hits)
                bar.update(1)
    metrics = {
        m: {
            name: mean([query_metrics(runs[m][q], beir.qrels[q])[name] for q in beir.queries])
            for name in ("ndcg@10", "recall@100", "mrr@10")
        }
        for m in modes
    }
    counts = snapshot.manifest.counts
    return BeirResult(beir.name, beir.split, len(beir.queries), metrics, runs,
                      {"documents": counts.documents, "chunks": counts.chunks})  # fmt: skip
