"""The engine: the one object the command line, the web chat, eval and bench index and ask through.

It owns what is slow to make and worth sharing between questions: the embedder (loaded on first
use), and the current index generation with what hangs off it (term statistics, the chunk table
connection), reloaded only when an ingest wrote a new generation.

    from rag import Engine, Settings

    engine = Engine(Settings(corpus_dir="corpus", index_dir="index"))
    engine.ensure()  # build or update the index if the corpus changed
    print(engine.ask("How many wagons of coal did Kazakhstan block?").text)
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from rag.answer.extractive import answer_question, stream_answer
from rag.answer.premise_model import load_premise_model
from rag.answer.timeline import Timeline, build_timeline
from rag.config import Settings
from rag.corpus.uploads import Progress, UploadResult, _shown, save_upload
from rag.errors import BadUpload, IndexUnwritable, IngestLocked, RagError
from rag.index.build import IndexStatus, IngestReport, expected_manifest, index_status, ingest
from rag.index.embed import Embedder, get_embedder
from rag.index.store import MANIFEST, IndexSnapshot, load_snapshot
from rag.index.stores import open_reader
from rag.records import Answer, Document
from rag.search.filters import Filters
from rag.search.retrieve import SearchResult, search

Note = Callable[[str], None]


class Engine:
    """Index and ask over one corpus and index folder, with one embedder.

    Args:
        settings: folders, model, retrieval and answer settings.
        embedder: the model to embed with; by default the process-wide one for `settings`
            (tests pass a small fake one).

    Safe to share between threads: searches and answers only read the loaded generation.
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._lock = threading.Lock()
        # Ingests of this engine take turns (the chat's uploads and its folder watcher): one waits
        # for the other instead of failing on the lock file, which still stops other processes.
        self._ingest_turn = threading.Lock()
        self._snapshot: IndexSnapshot | None = None
        self._stamp: tuple[int, int, int] | None = None  # the manifest file the snapshot was loaded under

    @property
    def embedder(self) -> Embedder:
        """The engine's embedder (its model loads on the first text it embeds)."""
        if self._embedder is None:
            self._embedder = get_embedder(self.settings)  # cached per settings: a race yields the same one
        return self._embedder

    # ------------------------------------------------------------ the index

    def snapshot(self) -> IndexSnapshot:
        """The current index generation, loaded on first use and again only after a new one was written.

        Raises:
            IndexMissing: no index yet (run `ingest` or `ensure`). IndexMismatch: built with other
            settings. IndexCorrupt: a file is damaged. With RAG_STORE=postgres also StoreUnavailable
            (the server is down) and StoreSchemaError (no pgvector, another schema version).
        """
        if self.settings.store == "postgres":
            # One query for the newest generation's name per question; the generation (manifest,
            # sentence table, term statistics) is loaded again only when it changed.
            with self._lock:
                self._snapshot = open_reader(self.settings, expected_manifest(self.settings, self.embedder))  # type: ignore[assignment]
                return self._snapshot  # type: ignore[return-value]
        # Every write replaces manifest.json by rename, so its inode and mtime change with the
        # generation: a stat per question instead of parsing a manifest that lists every article.
        stamp = _file_stamp(Path(self.settings.index_dir) / MANIFEST)
        with self._lock:
            if self._snapshot is None or stamp is None or stamp != self._stamp:
                # Stamp taken before loading: a write in between makes the next call load again.
                self._snapshot = load_snapshot(self.settings.index_dir, expected_manifest(self.settings, self.embedder))
                self._stamp = stamp
            return self._snapshot

    def status(self, check: bool = False) -> IndexStatus:
        """Whether an index exists and what changed in the corpus since it was built (hashes only).

        With `check`, also whether the index can be read: its current generation is loaded (or the
        loaded one reused) and its tables read once; what fails goes in `problem`."""
        status = index_status(self.settings)
        if check and status.exists:
            try:
                self.snapshot().check()
            except RagError as exc:
                return dataclasses.replace(status, problem=str(exc))
        return status

    def ingest(self, rebuild: bool = False, progress: Progress | None = None) -> IngestReport:
        """Bring the index up to date with the corpus (incremental unless `rebuild`).

        An ingest of this engine already under way (another thread's) is waited for.

        Raises:
            IngestLocked: another process is ingesting into this index.
            IndexMismatch: the index was built with other settings (pass rebuild=True).
        """
        with self._ingest_turn:
            return ingest(self.settings, embedder=self.embedder, rebuild=rebuild, progress=progress)

    def ensure(self, note: Note | None = None) -> IndexSnapshot:
        """Build or update the index if it is missing or stale, then return the current generation.

        When an index exists but cannot be updated now (another ingest holds it, or its folder is
        read-only), the existing index serves, and `note` is told why it may lag the corpus.

        Args:
            note: told what is being done and the ingest summary (the CLI prints them on stderr).
        """
        status = self.status()
        if status.stale:
            if note:
                note(("building the index: " if not status.exists else "updating the index: ") + status.describe())
            try:
                report = self.ingest()
            except (IngestLocked, IndexUnwritable) as exc:
                if not status.exists:
                    raise
                if note:
                    note(f"not updated: {exc}. Answering from the index as it is.")
                return self.snapshot()
            if note:
                note(report.summary())
        return self.snapshot()

    def start(self, note: Note | None = None) -> IndexSnapshot:
        """`ensure`, then load the models, so the first question is as quick as the rest (and a
        premise model that cannot be loaded stops the start with a ConfigError saying what to set)."""
        snapshot = self.ensure(note)
        self.embedder.embed_query("warm up")
        if self.settings.premise_model:
            load_premise_model(self.settings.premise_model)
        return snapshot

    def document(self, doc_id: str) -> Document | None:
        """The indexed article with this id (its cleaned text and metadata), or None."""
        return self.snapshot().document(doc_id)

    # ------------------------------------------------------------ questions

    def search(
        self,
        question: str,
        k: int | None = None,
        mode: str | None = None,
        mmr: bool | None = None,
        floor: float | None = None,
        filters: Filters | None = None,
        group: bool | None = None,
    ) -> SearchResult:
        """The passages that best match `question`; k, mode, mmr and floor override the settings;
        `filters` keeps the search to some articles (`Filters.build(after="2023-01-01", outlets=[...])`);
        `group=False` shows every wire copy of a story (default: `settings.group_wire`, each story once)."""
        return search(
            question, self.settings, self.snapshot(), embedder=self.embedder, k=k, mode=mode, use_mmr=mmr, floor=floor,
            filters=filters, group=group,
        )  # fmt: skip

    def stream(
        self,
        question: str,
        history: list[tuple[str, str]] | None = None,
        *,
        k: int | None = None,
        retrieval_mode: str | None = None,
        answer_mode: str | None = None,
        filters: Filters | None = None,
    ) -> Iterator[str | Answer]:
        """Answer `question`, yielding LLM text pieces as they come, then the final `Answer`.

        Args:
            history: earlier (question, answer) turns of the chat, oldest first.
            retrieval_mode: hybrid, dense or bm25. answer_mode: extractive or llm.
            filters: answer only from the articles they let through (date, outlet, author).
        Raises:
            BadQuestion: the question is empty. ConfigError: llm mode without an LLM configured.
        """
        return stream_answer(
            question, self.settings, self.snapshot(), embedder=self.embedder, history=history,
            k=k, retrieval_mode=retrieval_mode, answer_mode=answer_mode, filters=filters,
        )  # fmt: skip

    def ask(
        self,
        question: str,
        history: list[tuple[str, str]] | None = None,
        *,
        k: int | None = None,
        retrieval_mode: str | None = None,
        answer_mode: str | None = None,
        on_token: Callable[[str], None] | None = None,
        filters: Filters | None = None,
    ) -> Answer:
        """Like `stream`, but returns the final `Answer` (LLM text pieces go to `on_token`)."""
        return answer_question(
            question, self.settings, self.snapshot(), embedder=self.embedder, history=history,
            k=k, retrieval_mode=retrieval_mode, answer_mode=answer_mode, on_token=on_token, filters=filters,
        )  # fmt: skip

    def timeline(
        self, question: str, *, k: int | None = None, mode: str | None = None, filters: Filters | None = None
    ) -> Timeline:
        """The fact each article gives about `question` (a question or a name), ordered by article
        date (`rag.answer.timeline`). Raises BadQuestion for an empty question."""
        return build_timeline(
            question, self.settings, self.snapshot(), embedder=self.embedder, k=k, mode=mode, filters=filters
        )

    # ------------------------------------------------------------ uploads

    def add_uploads(self, files: Sequence[tuple[str, bytes]], progress: Progress | None = None) -> UploadResult:
        """Save the good files into the corpus and index them incrementally.

        Args:
            files: (uploaded name, bytes) pairs.
            progress: called as progress(stage, done, total) while checking and indexing.
        Returns:
            What was added and what was refused (with reasons). If indexing fails, the files
            added by this call are removed again and the error is raised.
        """
        result = UploadResult()
        for i, (filename, data) in enumerate(files):
            if progress:
                progress("check", i, len(files))
            try:
                result.saved.append(save_upload(filename, data, self.settings))
            except BadUpload as exc:
                result.refused[_shown(filename)] = str(exc)
        if not result.added:
            return result
        try:
            report = self.ingest(progress=progress)
        except RagError:
            for s in result.added:
                (Path(self.settings.corpus_dir) / s.name).unlink(missing_ok=True)
            raise
        result.summary = report.summary()
        result.duplicates = {s.name: report.duplicates[s.name] for s in result.added if s.name in report.duplicates}
        return result


def add_uploads(
    files: Sequence[tuple[str, bytes]],
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> UploadResult:
    """`Engine(settings, embedder).add_uploads(files, progress)`, for callers without an engine yet."""
    return Engine(settings, embedder).add_uploads(files, progress)


def _file_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)
