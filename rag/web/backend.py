"""What the web chat needs from the library, behind one small class.

`Backend` has the method set of the coming `rag.engine.Engine` (snapshot, start, status, search,
ask, stream, add_uploads, document), so the chat can switch to the engine by changing the class
it is given, not the code that calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from rag.answer.extractive import answer_question, stream_answer
from rag.config import Settings
from rag.corpus.uploads import Progress, UploadResult
from rag.engine import add_uploads
from rag.index.build import IndexStatus, IngestReport, ensure_index, index_status, ingest, open_index
from rag.index.embed import Embedder, get_embedder
from rag.index.store import IndexSnapshot
from rag.records import Answer, Document
from rag.search.retrieve import SearchResult, search

History = Sequence[tuple[str, str]]


class Backend:
    """What every request shares: settings, the embedder (loaded once) and the current index."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or get_embedder(settings)

    def snapshot(self) -> IndexSnapshot:
        """The current index generation (reloaded only when an ingest wrote a new one)."""
        return open_index(self.settings, self.embedder)

    def start(self, note: Callable[[str], None] | None = None) -> IndexSnapshot:
        """Build or update the index, then load the model so the first question is quick."""
        snap = ensure_index(self.settings, self.embedder, note=note)
        self.embedder.embed_query("warm up")
        return snap

    def status(self) -> IndexStatus:
        """How the corpus folder compares with the index (hashes only, nothing parsed)."""
        return index_status(self.settings)

    def update(self, progress: Progress | None = None) -> IngestReport:
        """Bring the index up to date with the corpus folder (the page's *Update index*)."""
        return ingest(self.settings, embedder=self.embedder, progress=progress)

    def search(self, question: str, **options: Any) -> SearchResult:
        """The passages for `question`; options (k, mode, ...) as in `rag.search.retrieve.search`."""
        return search(question, self.settings, self.snapshot(), embedder=self.embedder, **options)

    def ask(self, question: str, history: History | None = None, **options: Any) -> Answer:
        """The final answer; options (k, retrieval_mode, answer_mode) as in `stream_answer`."""
        return answer_question(question, self.settings, self.snapshot(), history=_listed(history),
                               embedder=self.embedder, **options)  # fmt: skip

    def stream(self, question: str, history: History | None = None, **options: Any) -> Iterator[str | Answer]:
        """LLM text pieces as they arrive, then the final Answer."""
        return stream_answer(question, self.settings, self.snapshot(), history=_listed(history),
                             embedder=self.embedder, **options)  # fmt: skip

    def add_uploads(self, files: Sequence[tuple[str, bytes]], progress: Progress | None = None) -> UploadResult:
        """Save the good (name, bytes) files into the corpus and index them; refused ones say why."""
        return add_uploads(files, self.settings, embedder=self.embedder, progress=progress)

    def document(self, doc_id: str) -> Document | None:
        """The whole article as indexed, or None when it is no longer in the index."""
        return self.snapshot().document(doc_id)


def _listed(history: History | None) -> list[tuple[str, str]] | None:
    return None if history is None else list(history)
