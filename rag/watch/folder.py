"""The watched corpus folder: the index follows `corpus/` as articles are added, changed, moved or
deleted (`rag watch`, or the chat with RAG_WATCH=1 or `python app.py --watch`).

    from rag import Engine, Settings
    from rag.watch import CorpusWatcher

    engine = Engine(Settings())
    with CorpusWatcher(engine, note=print):
        ...  # once the folder is quiet for 2 s, one incremental ingest takes in every change

When it indexes:

- watchdog's events on corpus files mark them changed; temporary, hidden and partial files
  (`.part`, `.crdownload`, `~`, `.swp`, dot files) are left alone;
- nothing is indexed until no event came for `debounce` seconds; then one incremental ingest
  (`Engine.ingest`: unchanged articles embed nothing) covers every change since the last one, so a
  burst of copies costs one or two ingests, not one each. Changes during an ingest lead to another
  after it. Questions keep being answered from the previous index meanwhile (the engine loads the
  new generation when the ingest has written it);
- a file still being written is waited for: on Linux (inotify) while it was modified and not yet
  closed, everywhere while its size or modification time differs between two looks a quiet period
  apart. A writer that keeps a file open without writing to it for `write_timeout` seconds is no
  longer waited for (the file is indexed as it is, and again when it changes);
- a changed article the ingest could not read (a PDF cut off mid-copy, an empty file) is tried
  again after the next quiet period, up to `retries` times; then it is reported and stays skipped,
  as `rag ingest` skips it, with every other article indexed, until the file changes again.
"""

from __future__ import annotations

import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath
from typing import Any

from rag.corpus.load import SUPPORTED_SUFFIXES
from rag.engine import Engine
from rag.errors import ConfigError, IngestLocked, RagError, StoreUnavailable
from rag.index.build import IngestReport

Note = Callable[[str], None]
Look = tuple[int, int] | None  # (size, mtime in ns) of a regular file; None for anything else

# Names that downloads, editors and copy tools give a file until it is complete.
TEMP_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp", ".temp", ".swp", ".swo", ".swx", "~")
# Events that say nothing about a file's content: the ingest's own reads open and close every file.
_QUIET_EVENTS = frozenset({"opened", "closed_no_write"})


def is_ignored(relative: str | PurePath) -> bool:
    """Whether a path inside the corpus is a temporary, hidden or partial file the watcher leaves alone.

    >>> [is_ignored(p) for p in ("a.txt", "2023/b.pdf", "a.txt.part", "a.crdownload", ".a.txt.swp", "a.txt~")]
    [False, False, True, True, True, True]
    >>> [is_ignored(p) for p in ("#a.txt#", "~$report.html", ".git/HEAD", "sub/.cache/x.txt")]
    [True, True, True, True]
    """
    parts = PurePath(relative).parts
    if any(p.startswith((".", "~")) for p in parts):  # hidden, as the ingest's scan treats them
        return True
    name = parts[-1] if parts else ""
    return name.lower().endswith(TEMP_SUFFIXES) or (len(name) > 1 and name.startswith("#") and name.endswith("#"))


class CorpusWatcher:
    """Re-index `engine`'s corpus folder when its files change, debounced, in a background thread.

    Args:
        engine: the engine whose corpus is watched and whose `ingest` is run.
        debounce: seconds without a change before indexing (default: the settings' `watch_debounce`).
        retries: times an article that failed to parse is tried again before it is reported as broken.
        write_timeout: seconds a file open for writing is waited for after its last write.
        note: told, in one line each, what was indexed, what is waited for and what failed.
        observer: a watchdog observer to use (default: the platform's best, inotify on Linux).

    `start()` (or `with`) begins, `stop()` ends after the ingest under way. `ingests` counts the
    ingests run, `reports` keeps the latest reports, `broken` the articles given up on (id -> reason).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        debounce: float | None = None,
        retries: int = 3,
        write_timeout: float = 30.0,
        note: Note | None = None,
        observer: Any = None,
    ) -> None:
        self.engine = engine
        self.debounce = engine.settings.watch_debounce if debounce is None else float(debounce)
        if self.debounce <= 0 or retries < 0 or write_timeout <= 0:
            raise ConfigError(
                f"the watcher's debounce and write_timeout are seconds, more than 0, and retries 0 or more; "
                f"got debounce={self.debounce:g}, write_timeout={write_timeout:g}, retries={retries}"
            )
        self.retries = retries
        self.write_timeout = write_timeout
        self._note = note or (lambda _msg: None)
        self.root = Path(engine.settings.corpus_dir).absolute()
        self._index_root = Path(engine.settings.index_dir).absolute()
        self._observer = observer
        self._cond = threading.Condition()
        self._dirty: dict[Path, Look] = {}  # changed since the last ingest began -> its last look
        self._writing: dict[Path, float] = {}  # modified and not yet closed -> time of the last write
        self._waited: set[Path] = set()  # files already noted as being waited for
        self._tries: dict[str, int] = {}  # doc_id -> failed reads so far
        self._unavailable = False  # the last ingest found the database unreachable
        self._locked_out = False  # the last ingest found another one holding the index
        self._root_id: tuple[int, int] | None = None  # the corpus folder watched (`_folder_id`)
        self._watch: Callable[[], Any] = lambda: None  # (re)schedules the observer on the corpus folder
        self._last_event = 0.0
        self._stopping = False
        self._worker: threading.Thread | None = None
        self._track_writers = False
        self.ingests = 0
        self.reports: deque[IngestReport] = deque(maxlen=100)
        self.broken: dict[str, str] = {}

    # ------------------------------------------------------------ life cycle

    def start(self, catch_up: bool = True) -> CorpusWatcher:
        """Begin watching (returns self).

        Args:
            catch_up: if the corpus changed since the index was built (say, while the chat was
                starting), index it right away rather than at the next change.
        Raises:
            RagError: the corpus folder does not exist or cannot be watched; the index cannot be read.
        """
        from watchdog import events as ev
        from watchdog.observers import Observer

        if not self.root.is_dir():
            raise RagError(f"corpus folder {self.root}/ does not exist; create it and put articles in it")
        watcher = self

        class Handler(ev.FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                watcher._on_event(event)

        self._observer = self._observer or Observer()
        self._track_writers = _reports_closes(self._observer)
        # Opens and read-only closes are never asked for: the ingest itself reads every file.
        wanted = [ev.FileCreatedEvent, ev.FileModifiedEvent, ev.FileAttribEvent, ev.FileDeletedEvent, ev.FileMovedEvent,
                  ev.FileClosedEvent, ev.DirCreatedEvent, ev.DirDeletedEvent, ev.DirMovedEvent]  # fmt: skip
        self._watch = lambda: self._observer.schedule(Handler(), str(self.root), recursive=True, event_filter=wanted)
        self._root_id = _folder_id(self.root)
        try:
            self._watch()
            self._observer.start()
        except OSError as exc:  # inotify's limits: one watch per folder, 8,192 by default on older kernels
            raise RagError(
                f"cannot watch {self.root}/ ({exc.strerror or exc}); with many subfolders raise the limit "
                "(sysctl fs.inotify.max_user_watches=524288), or run `rag ingest` after changes instead"
            ) from exc
        if catch_up and self.engine.status().stale:  # looked at after the observer began: nothing falls between
            with self._cond:
                self._dirty[self.root] = None
                self._last_event = float("-inf")
        self._worker = threading.Thread(target=self._run, name="rag-watch", daemon=True)
        self._worker.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Stop watching; an ingest under way is finished first (changes not yet indexed are left
        for the next `rag ingest`, `rag watch` or chat start, which index them)."""
        if self._observer is not None and self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout)
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._worker is not None:
            self._worker.join(timeout)

    def __enter__(self) -> CorpusWatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pending(self) -> list[str]:
        """The changed paths (relative to the corpus) not indexed yet."""
        with self._cond:
            return sorted(self._doc_id(p) for p in self._dirty)

    # ------------------------------------------------------------ events (watchdog's thread)

    def _on_event(self, event: Any) -> None:
        kind = event.event_type
        if kind in _QUIET_EVENTS or (event.is_directory and kind == "modified"):
            return
        paths = [event.src_path] + ([event.dest_path] if kind == "moved" and event.dest_path else [])
        now = time.monotonic()
        with self._cond:
            for i, raw in enumerate(paths):
                path = self._inside(raw)
                if path is None:
                    continue
                if kind == "modified" and self._track_writers and not event.is_directory:
                    self._writing[path] = now
                elif kind in ("closed", "deleted") or (kind == "moved" and i == 0):
                    self._writing.pop(path, None)
                self._dirty[path] = _look(path)
                self._tries.pop(self._doc_id(path), None)  # a new version gets its own tries
                self._last_event = now
            self._cond.notify_all()

    def _inside(self, raw: str | bytes) -> Path | None:
        """The event's path if it is a corpus file the watcher cares about, else None."""
        path = Path(raw.decode() if isinstance(raw, bytes) else raw)
        try:
            rel = path.relative_to(self.root)
        except ValueError:
            return None
        if _is_within(path, self._index_root) or is_ignored(rel):
            return None
        return path

    def _doc_id(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    # ------------------------------------------------------------ the worker

    def _run(self) -> None:
        while True:
            with self._cond:
                batch, messages = self._next_batch()
            self._say(messages)
            if batch is None:
                return
            if batch:  # empty: only news of files still being written
                self._ingest(batch)

    def _next_batch(self) -> tuple[dict[Path, Look] | None, list[str]]:
        """Wait (holding the condition's lock) until the folder has been quiet for `debounce`
        seconds and no changed file is still being written; take the changed files."""
        while not self._stopping:
            if not self._dirty:
                self._cond.wait(ROOT_CHECK_SECONDS)
                if not self._dirty and (news := self._root_replaced()):
                    return {}, news
                continue
            left = self._last_event + self.debounce - time.monotonic()
            if left > 0:
                self._cond.wait(left)
                continue
            busy, messages = self._still_written()
            if busy:
                self._last_event = time.monotonic()  # look again after another quiet period
                if messages:
                    return {}, messages
                continue
            batch, self._dirty = self._dirty, {}
            self._waited.clear()
            return batch, messages
        return None, []

    def _root_replaced(self) -> list[str]:
        """A corpus folder deleted (or moved away) and made again is a new folder, which the
        observer does not follow: watch the new one, and index what it holds."""
        now = _folder_id(self.root)
        if now == self._root_id:
            return []
        self._root_id = now
        if now is None:
            return [f"the corpus folder {self.root}/ is gone; watching for it to come back"]
        try:
            self._observer.unschedule_all()
            self._watch()
        except OSError as exc:
            return [f"cannot watch the new corpus folder {self.root}/ ({exc.strerror or exc})"]
        self._dirty[self.root] = None
        self._last_event = time.monotonic()
        return [f"the corpus folder {self.root}/ was made again; watching it, re-indexing in {self.debounce:g} s"]

    def _still_written(self) -> tuple[list[Path], list[str]]:
        """The changed files still being written, and a note for each newly waited for or given up on."""
        now, busy, messages = time.monotonic(), [], []
        for path, look in list(self._dirty.items()):
            last_write = self._writing.get(path)
            if last_write is not None and now - last_write >= self.write_timeout:
                del self._writing[path]
                messages.append(f"{self._doc_id(path)}: still open for writing but unchanged for "
                                f"{self.write_timeout:g} s; indexing it as it is")  # fmt: skip
                last_write = None
            current = _look(path)
            if last_write is None and current == look:
                continue
            self._dirty[path] = current
            busy.append(path)
            if path not in self._waited:
                self._waited.add(path)
                messages.append(f"waiting for {self._doc_id(path)}: still being written")
        return busy, messages

    def _ingest(self, batch: dict[Path, Look]) -> None:
        try:
            report = self.engine.ingest()
        except IngestLocked:
            self._requeue(batch)
            if not self._locked_out:  # said once, not every quiet period while the other runs
                self._say([f"another ingest is updating the index; trying again every {self.debounce:g} s"])
            self._locked_out = True
            return
        except StoreUnavailable as exc:  # the database is down or restarting: the batch waits for it
            self._requeue(batch)
            if not self._unavailable:  # said once, not at every try
                self._say([f"could not update the index: {exc}; trying again every {self.debounce:g} s"])
            self._unavailable = True
            return
        except RagError as exc:
            self._say([f"could not update the index: {exc}"])
            return
        except Exception as exc:  # noqa: BLE001 - a watcher that dies quietly would leave the index stale for good
            self._say([f"could not update the index ({type(exc).__name__}): {exc}"])
            return
        if self._unavailable:
            self._say(["the database is back"])
        self._unavailable = self._locked_out = False
        retries = self._check_unreadable(report, batch)
        self.ingests += 1
        self.reports.append(report)
        self._say([describe(report), *retries])

    def _check_unreadable(self, report: IngestReport, batch: dict[Path, Look]) -> list[str]:
        """Try the changed articles the ingest skipped again later, or give up on them."""
        changed = [self._doc_id(p) for p in batch]
        messages, retry = [], {}
        for doc_id, reason in sorted(report.skipped.items()):
            if not _is_under_any(doc_id, changed):
                continue
            if PurePath(doc_id).suffix.lower() not in SUPPORTED_SUFFIXES or reason.startswith(_FINAL):
                messages.append(f"{doc_id} is skipped: {reason}")  # reading it again will not help
                continue
            tries = self._tries.get(doc_id, 0) + 1
            if tries <= self.retries:
                self._tries[doc_id] = tries
                retry[self.root / doc_id] = _look(self.root / doc_id)
                messages.append(f"{doc_id} could not be read ({reason}); trying again in {self.debounce:g} s, "
                                f"in case it was still being copied (try {tries} of {self.retries})")  # fmt: skip
            else:
                self._tries.pop(doc_id, None)
                self.broken[doc_id] = reason
                messages.append(f"{doc_id} is skipped: still unreadable after {self.retries} more tries ({reason}); "
                                "fix or replace the file, and it is indexed when it changes")  # fmt: skip
        for doc_id in changed:
            if doc_id not in report.skipped:
                self._tries.pop(doc_id, None)
                self.broken.pop(doc_id, None)
        self._requeue(retry)
        return messages

    def _requeue(self, paths: dict[Path, Look]) -> None:
        if not paths:
            return
        with self._cond:
            for path, look in paths.items():
                self._dirty.setdefault(path, look)  # a newer event's look wins
            self._last_event = max(self._last_event, time.monotonic())
            self._cond.notify_all()

    def _say(self, messages: Iterable[str]) -> None:
        for m in messages:
            self._note(m)


# Reasons a file was skipped that a copy still under way cannot explain: no retry for them.
_FINAL = ("binary file", "larger than the", "unsupported type")
ROOT_CHECK_SECONDS = 2.0  # how often an idle watcher checks that its corpus folder is still the same


def _folder_id(path: Path) -> tuple[int, int] | None:
    """The folder's device and inode (None if it is gone): another pair is another folder."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def describe(report: IngestReport, limit: int = 5) -> str:
    """One line on what an ingest changed in the index.

    >>> describe(IngestReport(added=["a.txt"], removed=["b.txt"], documents=4, chunks=20, chunks_embedded=3,
    ...                       seconds=0.5, wrote=True))
    're-indexed in 0.5s: added a.txt; removed b.txt (4 articles, 20 chunks; 3 new chunks embedded)'
    """
    parts = [
        f"{what} {_names(names, limit)}"
        for what, names in (("added", report.added), ("changed", report.changed), ("removed", report.removed))
        if names
    ]
    if not report.wrote:
        return f"index already up to date ({report.documents} articles)"
    what = "; ".join(parts) or "skipped or duplicate files updated"
    return (f"re-indexed in {report.seconds:.1f}s: {what} ({report.documents} articles, {report.chunks} chunks; "
            f"{report.chunks_embedded} new {'chunk' if report.chunks_embedded == 1 else 'chunks'} embedded)")  # fmt: skip


def _names(names: list[str], limit: int) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _look(path: Path) -> Look:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns) if path.is_file() else None


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _is_under_any(doc_id: str, changed: list[str]) -> bool:
    """Whether the article is one of the changed paths or inside a changed folder."""
    return any(doc_id == c or doc_id.startswith(c.rstrip("/") + "/") for c in changed)


def _reports_closes(observer: Any) -> bool:
    """Whether the observer reports a file's close after writing (inotify does; others do not)."""
    try:
        from watchdog.observers.inotify import InotifyObserver
    except (ImportError, OSError):  # not Linux
        return False
    return isinstance(observer, InotifyObserver)
