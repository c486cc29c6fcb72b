"""Citation-first question answering over a folder of news articles, offline.

    from rag import Engine, Settings

    engine = Engine(Settings(corpus_dir="corpus", index_dir="index"))
    print(engine.ask("How many wagons of coal did Kazakhstan block?").text)

`import rag` stays light: the settings, records and errors are plain Python; `Engine` and the
result types load on first use (numpy and the pipeline modules), and the model, FAISS and the
index only when the engine first needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from rag.config import Settings
from rag.errors import (
    BadDocument,
    BadUpload,
    ConfigError,
    IndexCorrupt,
    IndexMismatch,
    IndexMissing,
    IndexUnwritable,
    IngestLocked,
    LLMError,
    RagError,
)
from rag.records import Answer, Chunk, Citation, Document, Hit

if TYPE_CHECKING:
    from rag.answer.extractive import BadQuestion
    from rag.engine import Engine
    from rag.index.build import IndexStatus, IngestReport
    from rag.search.filters import Filters
    from rag.search.retrieve import SearchResult

# Names loaded on first access (module that defines them): they pull in numpy and the pipeline.
_LAZY = {
    "Engine": "rag.engine",
    "SearchResult": "rag.search.retrieve",
    "IngestReport": "rag.index.build",
    "IndexStatus": "rag.index.build",
    "BadQuestion": "rag.answer.extractive",
    "Filters": "rag.search.filters",
}

__all__ = [
    "Answer",
    "BadDocument",
    "BadQuestion",
    "BadUpload",
    "Chunk",
    "Citation",
    "ConfigError",
    "Document",
    "Engine",
    "Filters",
    "Hit",
    "IndexCorrupt",
    "IndexMismatch",
    "IndexMissing",
    "IndexStatus",
    "IndexUnwritable",
    "IngestLocked",
    "IngestReport",
    "LLMError",
    "RagError",
    "SearchResult",
    "Settings",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # once loaded, a plain attribute
        return value
    raise AttributeError(f"module 'rag' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
