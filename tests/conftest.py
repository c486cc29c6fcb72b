"""Shared fixtures: a deterministic fake embedder for fast tests, the real model for slow ones,
and every path pointed into a temporary folder."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from rag.config import Settings  # noqa: E402
from rag.embed import Embedder  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"


class FakeEmbedder(Embedder):
    """Bag of hashed words: texts sharing words get similar vectors. Counts what it embeds."""

    name = "fake-bow"
    dim = 64
    max_tokens = 256

    def __init__(self) -> None:
        self.embedded = 0

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 2

    def embed_batch(self, texts):
        self.embedded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                h = int(hashlib.md5(word.encode()).hexdigest(), 16)
                out[row, h % self.dim] += 1.0 if (h >> 8) % 2 else -1.0
            out[row, 0] += 0.01  # never the zero vector
        return out


@pytest.fixture(autouse=True)
def _isolate(tmp_path, monkeypatch):
    """No test reads or writes the developer's own index, corpus or environment."""
    for key in list(os.environ):
        if key.startswith("RAG_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A copy of the five seed articles."""
    dst = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, dst)
    return dst


@pytest.fixture
def settings(tmp_path, corpus) -> Settings:
    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index")


@pytest.fixture(scope="session")
def real_embedder():
    from rag.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, real_embedder):
    """The seed corpus indexed once with the real model (shared, read-only)."""
    from rag.indexer import ingest, open_index

    root = tmp_path_factory.mktemp("seed")
    shutil.copytree(SEED_CORPUS, root / "corpus")
    s = Settings(corpus_dir=root / "corpus", index_dir=root / "index")
    ingest(s, embedder=real_embedder)
    return s, open_index(s, real_embedder)
