"""The typed records that flow between pipeline stages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of raw bytes: a file's identity (has it changed? is it already uploaded?)."""
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    """Hex sha256 of a text's UTF-8 bytes: the key of an embedding or of a document's content."""
    return sha256_bytes(text.encode("utf-8"))


@dataclass(frozen=True)
class Document:
    """One cleaned article. `text` is what chunks point into."""

    doc_id: str
    path: str
    title: str
    text: str
    sha256: str  # of the file's bytes: decides whether the file changed
    meta: dict[str, Any] = field(default_factory=dict, compare=False)  # date, author, source


@dataclass(frozen=True)
class Chunk:
    """A window of a document: `doc.text[char_start:char_end] == text`."""

    chunk_id: int
    doc_id: str
    text: str
    char_start: int
    char_end: int
    n_tokens: int
    title: str = ""

    @property
    def embed_text(self) -> str:
        """What the embedder and BM25 see: the article title as a header, then the passage."""
        return f"{self.title}\n{self.text}" if self.title else self.text


@dataclass(frozen=True)
class WireCopy:
    """Another outlet's copy of a hit's article: a near-duplicate grouped with it at ingest."""

    doc_id: str
    title: str = ""
    path: str = ""
    outlet: str = ""  # the article's source, "" when unknown
    date: str = ""


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    rank: int
    scores_by_method: dict[str, float] = field(default_factory=dict, compare=False)
    doc_title: str = ""
    doc_path: str = ""
    doc_date: str = ""  # the article's publication date (yyyy-mm-dd) when known
    also_in: tuple[WireCopy, ...] = ()  # the article's wire copies in other outlets, not shown as hits


@dataclass(frozen=True)
class Citation:
    n: int
    hit: Hit
    quote: str
    supported: bool = True  # False when the LLM citation check could not find support

    @property
    def chunk(self) -> Chunk:
        return self.hit.chunk


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)
    hits: tuple[Hit, ...] = ()
    mode: str = "extractive"  # who wrote it: "llm" only when the checked LLM answer is shown
    notes: tuple[str, ...] = ()
    unsupported: tuple[str, ...] = ()  # answer sentences the citation check flagged
