"""The side-by-side baseline: the pipeline a user would otherwise write.

sentence-transformers in fp32 PyTorch, a flat FAISS index, texts in a Python list, no cache: every
ingest re-reads, re-chunks and re-embeds everything. It uses our loader and chunker so both
pipelines index exactly the same passages and only the speed work differs.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from rag.config import Settings


class NaivePipeline:
    def __init__(self, settings: Settings):
        from rag.index.embed import SentenceTransformerEmbedder

        self.settings = settings
        self.embedder = SentenceTransformerEmbedder(settings.embedder)  # fp32, for its model and token counts
        self.texts: list[str] = []
        self.index: Any = None

    def load_model(self) -> None:
        _ = self.embedder.model

    def ingest(self, corpus_dir: Path) -> dict[str, Any]:
        """Read, chunk and embed the whole corpus; build a flat index. Counts and stage times."""
        import faiss

        from rag.corpus.load import load_document
        from rag.errors import BadDocument
        from rag.index.build import scan_corpus
        from rag.index.chunk import chunk_document

        s = self.settings
        t0 = time.perf_counter()
        chunks = []
        docs = 0
        for f in scan_corpus(corpus_dir, s.max_file_mb):
            if f.error:
                continue
            try:
                doc = load_document(f.path, f.doc_id)
            except BadDocument:
                continue
            docs += 1
            chunks += chunk_document(
                doc,
                target_tokens=s.chunk_tokens,
                overlap=s.chunk_overlap,
                encoding=s.tokenizer,
                fits=self.embedder.fits,
            )
        t1 = time.perf_counter()
        self.texts = [c.embed_text for c in chunks]
        vectors = self.embedder.model.encode(
            self.texts, batch_size=s.embed_batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        t2 = time.perf_counter()
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        t3 = time.perf_counter()
        return {
            "documents": docs,
            "chunks": len(chunks),
            "tokens": int(sum(c.n_tokens for c in chunks)),
            "seconds": t3 - t0,
            "chunks_embedded": len(chunks),
            "timings": {"parse_chunk": t1 - t0, "embed": t2 - t1, "write": t3 - t2},
        }

    def embed_query(self, question: str) -> np.ndarray:
        return self.embedder.model.encode([question], normalize_embeddings=True, convert_to_numpy=True)[0]

    def search(self, question: str, k: int = 5) -> tuple[list[str], dict[str, float]]:
        """Top-k passage texts and the time of each stage in ms."""
        t = time.perf_counter()
        qv = self.embed_query(question)
        t1 = time.perf_counter()
        _, ids = self.index.search(qv.reshape(1, -1).astype(np.float32), k)
        t2 = time.perf_counter()
        texts = [self.texts[i] for i in ids[0] if i >= 0]
        return texts, {"embed_ms": (t1 - t) * 1000, "faiss_ms": (t2 - t1) * 1000}
