"""`Manifest`: what an index was built from, read from and written to `manifest.json`.

The file is the index's contract with the running settings (embedder and chunking must match,
or the index is rebuilt), names the current generation, and lists every article with its
hashes, so `rag status` can say what changed without parsing a file.

Article entries (`documents`) stay plain mappings: besides the fixed keys (path, sha256,
text_sha256, title, chunks, and wire_group for an article with wire copies) they carry whatever metadata the article had (date, author,
source), which the sources panel shows as it finds it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rag.errors import IndexCorrupt, IndexMismatch

FORMAT_VERSION = 2  # 2: sentence vectors
FIX = "run `rag ingest --rebuild`"
_SECTIONS = ("documents", "skipped", "duplicates")  # doc_id -> entry with the file's sha256
_COUNTS = ("documents", "chunks", "tokens", "sentences")


@dataclass(frozen=True)
class Counts:
    documents: int = 0
    chunks: int = 0
    tokens: int = 0
    sentences: int | None = None  # None: written before sentence vectors were counted


@dataclass(frozen=True)
class Manifest:
    """One index's manifest; the running settings' (`build.expected_manifest`) has only the
    sections that must match."""

    embedder: Mapping[str, Any]  # name, dim, max_tokens
    chunking: Mapping[str, Any]  # target_tokens, overlap, tokenizer
    documents: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # indexed articles
    skipped: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # sha256, reason
    # sha256, duplicate_of; title, path, source, date (shown in search as "also in")
    duplicates: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # Wire copies (rag/index/wire.py): {"params": how they were grouped, "groups": {group id: [doc_id, ...]}};
    # each grouped article's entry also names its group as "wire_group".
    wire: Mapping[str, Any] = field(default_factory=dict)
    next_chunk_id: int = 0  # chunk ids are never reused, so a cached chunk id never names new text
    previous_generation: str | None = None
    format_version: int | None = FORMAT_VERSION  # None: a file from before versions
    generation: str = ""
    counts: Counts = field(default_factory=Counts)
    vector_index: str = ""  # "flat" or "hnsw"
    built_at: str = ""  # UTC, ISO 8601

    def document(self, doc_id: str) -> dict[str, Any]:
        """The article's entry (title, path, date, ...); empty for an article not indexed."""
        return dict(self.documents.get(doc_id, {}))

    def file_hashes(self) -> dict[str, str]:
        """doc_id -> sha256 of every file the index has seen: indexed, skipped or duplicate."""
        return {k: v.get("sha256", "") for s in _SECTIONS for k, v in getattr(self, s).items()}

    def replace(self, **changes: Any) -> Manifest:
        return dataclasses.replace(self, **changes)

    def check_compatible(self, expected: Manifest) -> None:
        """Raise IndexMismatch naming the first setting that differs from the running one."""
        if self.format_version != FORMAT_VERSION:
            raise IndexMismatch(f"index format {self.format_version} is not {FORMAT_VERSION}; {FIX}")
        for section in ("embedder", "chunking"):
            built, running = getattr(self, section), getattr(expected, section)
            for key, value in running.items():
                if built.get(key) != value:
                    raise IndexMismatch(
                        f"index was built with {section} {key}={built.get(key)!r}, running {value!r}; {FIX}"
                    )

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Any, source: str = "manifest") -> Manifest:
        """The manifest in `data` (parsed JSON). Keys it does not know are ignored.

        Raises:
            IndexCorrupt: not a manifest (a section of the wrong type, a missing section).

        >>> m = Manifest.from_json({"embedder": {"dim": 3}, "chunking": {}, "counts": {"chunks": 2}})
        >>> m.counts.chunks, m.format_version, m.document("a.txt")
        (2, None, {})
        """
        if not isinstance(data, dict):
            raise IndexCorrupt(f"{source} is not an index manifest; {FIX}")
        try:
            fields = {f.name for f in dataclasses.fields(cls)}
            values = {k: v for k, v in data.items() if k in fields}
            values.setdefault("format_version", None)
            counts = data.get("counts", {})
            if not isinstance(counts, dict) or not all(v is None or isinstance(v, int) for v in counts.values()):
                raise TypeError("counts are not numbers")
            values["counts"] = Counts(**{k: v for k, v in counts.items() if k in _COUNTS})
            for name in ("embedder", "chunking", "wire", *_SECTIONS):
                if not isinstance(values.setdefault(name, {}), dict):
                    raise TypeError(f"{name} is a {type(values[name]).__name__}")
            for name in _SECTIONS:
                if not all(isinstance(v, dict) for v in values[name].values()):
                    raise TypeError(f"an entry of {name} is not an object")
            if values["embedder"]:  # written before sentence vectors could be pooled: they were not
                values["embedder"] = {"sentence_vectors": "separate", **values["embedder"]}
            return cls(**values)
        except TypeError as exc:
            raise IndexCorrupt(f"{source} is not an index manifest ({exc}); {FIX}") from exc
