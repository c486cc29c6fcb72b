"""The watched corpus folder: `CorpusWatcher` re-indexes when articles change (`rag watch`, or the
chat with RAG_WATCH=1). See `rag.watch.folder`.

The names load on first use: `rag --help` imports `rag.watch.command`, which must stay light.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CorpusWatcher", "describe", "is_ignored"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from rag.watch import folder

        return getattr(folder, name)
    raise AttributeError(f"module 'rag.watch' has no attribute {name!r}")
