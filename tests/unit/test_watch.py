"""The watched corpus folder (`rag.watch`): real files in a temporary corpus, watchdog's real observer
(inotify here), the fake embedder. Nothing asserts on time: each test waits for an outcome by
polling with a generous timeout, and the outcome is what is checked."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rag.config import Settings
from rag.corpus.load import load_document
from rag.engine import Engine
from rag.errors import ConfigError
from rag.index import stores
from rag.watch import CorpusWatcher, describe, is_ignored
from tests.conftest import FakeEmbedder

DEBOUNCE = 0.3
SEED = "putin-and-tokayev-meet-speech-in-kazakh.txt"
TAIL = "a military alliance of post-Soviet states."  # the seed article's last words
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="waiting for writers needs inotify's close events")


def wait_until(what: str, check: Callable[[], object], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting ({timeout:g} s) for: {what}")


def article(i: int) -> str:
    return (
        f"Harbour report number {i}\n\nThe harbour of town{i} opened a new pier on Monday. "
        f"Mayor Name{i} said the pier cost {i} million and would carry grain{i} to the coast. "
        "Fishermen welcomed the news and asked for more berths.\n"
    )


class Watch:
    """A started watcher over an indexed corpus, with the notes it gave."""

    def __init__(self, settings: Settings, embedder=None, **options) -> None:
        self.engine = Engine(settings, embedder or FakeEmbedder())
        self.engine.ingest()
        self.notes: list[str] = []
        self.watcher = CorpusWatcher(self.engine, debounce=DEBOUNCE, note=self.notes.append, **options).start()

    def indexed(self) -> dict:
        return self.engine.snapshot().manifest.documents

    def reported(self, field: str) -> set[str]:
        """The articles the watcher's ingests reported as `field` (added, changed, removed), so far.
        Waiting on these, not on the index, lets the watcher finish its bookkeeping first."""
        return {name for r in list(self.watcher.reports) for name in getattr(r, field)}

    def noted(self, text: str) -> bool:
        return any(text in n for n in list(self.notes))


@pytest.fixture
def watch(settings):
    watches: list[Watch] = []

    def make(**options) -> Watch:
        watches.append(Watch(settings, **options))
        return watches[-1]

    yield make
    for w in watches:
        w.watcher.stop(timeout=30)


@pytest.fixture
def held_out(corpus, tmp_path) -> Path:
    """The seed article moved out of the corpus (before indexing), to be copied in by the test."""
    return Path(shutil.move(corpus / SEED, tmp_path / SEED))


def test_an_article_copied_in_is_indexed_after_the_quiet_period(watch, corpus, held_out):
    w = watch()
    assert SEED not in w.indexed()
    shutil.copy(held_out, corpus / SEED)
    wait_until("the copied article indexed", lambda: SEED in w.reported("added"))
    assert SEED in w.indexed()
    assert w.watcher.ingests == 1 and w.watcher.reports[0].added == [SEED]
    hits = w.engine.search("Putin and Tokayev will meet again in Minsk at the CSTO summit", mode="bm25").hits
    assert hits[0].chunk.doc_id == SEED
    assert w.noted(f"added {SEED}")


@linux_only
def test_a_file_written_in_two_halves_is_indexed_once_and_whole(watch, corpus, held_out):
    w = watch()
    data = held_out.read_bytes()
    half = len(data) // 2
    with open(corpus / SEED, "wb") as f:
        f.write(data[:half])
        f.flush()
        # The folder stays quiet past the debounce while the file is open: the watcher must wait.
        wait_until("the note that the file is being written", lambda: w.noted(f"waiting for {SEED}"))
        assert w.watcher.ingests == 0 and w.watcher.pending == [SEED]
        f.write(data[half:])
    wait_until("the article indexed", lambda: SEED in w.reported("added"))
    assert [r.added for r in w.watcher.reports] == [[SEED]]
    assert not any(SEED in r.changed for r in w.watcher.reports)
    whole = load_document(held_out, SEED)
    assert w.engine.document(SEED).text == whole.text
    chunks = [c.text for c, _ in w.engine.snapshot().doc_chunks()[SEED]]
    assert TAIL in chunks[-1]


def test_a_deleted_article_leaves_the_index(watch, corpus):
    w = watch()
    assert SEED in w.indexed()
    (corpus / SEED).unlink()
    wait_until("the article removed", lambda: SEED in w.reported("removed"))
    assert SEED not in w.indexed()
    assert w.watcher.reports[-1].removed == [SEED]
    hits = w.engine.search("Tokayev speech Minsk CSTO summit", mode="bm25", k=20, floor=0.0).hits
    assert hits and all(h.chunk.doc_id != SEED for h in hits)


def test_a_moved_article_is_indexed_under_its_new_name(watch, corpus):
    w = watch()
    (corpus / "2023").mkdir()
    os.rename(corpus / SEED, corpus / "2023" / "renamed.txt")
    wait_until("the new name indexed", lambda: "2023/renamed.txt" in w.reported("added"))
    assert "2023/renamed.txt" in w.indexed()
    wait_until("the old name removed", lambda: SEED in w.reported("removed"))
    assert SEED not in w.indexed()


def test_a_burst_of_ten_changes_costs_at_most_two_ingests(watch, corpus):
    w = watch()
    before = w.engine.embedder.embedded
    for i in range(10):
        (corpus / f"harbour-{i}.txt").write_text(article(i))
    names = {f"harbour-{i}.txt" for i in range(10)}
    wait_until("all ten articles indexed", lambda: names <= w.reported("added"))
    assert names <= set(w.indexed())
    assert 1 <= w.watcher.ingests <= 2
    assert sorted(a for r in w.watcher.reports for a in r.added) == sorted(names)
    assert w.engine.embedder.embedded > before


def test_temporary_and_hidden_files_are_left_alone(watch, corpus):
    w = watch()
    (corpus / "news.txt.part").write_text(article(1))
    (corpus / ".news.txt.swp").write_text("swap")
    (corpus / "news.txt~").write_text(article(1))
    time.sleep(DEBOUNCE * 4)  # time to (wrongly) index them; nothing asserts on how long anything took
    os.rename(corpus / "news.txt.part", corpus / "news.txt")  # the download finished
    wait_until("the finished download indexed", lambda: "news.txt" in w.reported("added"))
    assert w.watcher.ingests == 1 and w.watcher.reports[0].added == ["news.txt"]


@pytest.mark.parametrize(
    ("path", "ignored"),
    [("a.txt", False), ("2023/a.html", False), ("a.txt.crdownload", True), ("a.TXT.PART", True),
     ("sub/.hidden/a.txt", True), ("#a.md#", True), ("~$a.txt", True), ("a.tmp", True), ("#", False)],
)  # fmt: skip
def test_is_ignored(path, ignored):
    assert is_ignored(path) is ignored


class GatedEmbedder(FakeEmbedder):
    """Holds each embedding until the test lets it go, so an ingest can be caught under way."""

    def __init__(self) -> None:
        super().__init__()
        self.entered, self.gate = threading.Event(), threading.Event()
        self.gate.set()

    def embed_batch(self, texts):
        self.entered.set()
        self.gate.wait(60)
        return super().embed_batch(texts)


def test_changes_during_an_ingest_lead_to_one_more(settings, corpus):
    embedder = GatedEmbedder()
    w = Watch(settings, embedder)
    try:
        embedder.gate.clear()
        embedder.entered.clear()
        (corpus / "first.txt").write_text(article(1))
        assert embedder.entered.wait(60), "the first ingest never began embedding"
        (corpus / "second.txt").write_text(article(2))  # while the first ingest is under way
        wait_until("the second change seen", lambda: w.watcher.pending == ["second.txt"])
        embedder.gate.set()
        wait_until("both articles indexed", lambda: {"first.txt", "second.txt"} <= w.reported("added"))
        assert {"first.txt", "second.txt"} <= set(w.indexed())
        assert [r.added for r in w.watcher.reports] == [["first.txt"], ["second.txt"]]
    finally:
        embedder.gate.set()
        w.watcher.stop(timeout=30)


def test_an_upload_in_the_chat_waits_for_the_watchers_ingest(settings, corpus):
    """The chat's uploads and its watcher ingest through one engine: they take turns, neither fails."""
    embedder = GatedEmbedder()
    w = Watch(settings, embedder)
    try:
        embedder.gate.clear()
        embedder.entered.clear()
        (corpus / "copied.txt").write_text(article(1))
        assert embedder.entered.wait(60), "the watcher's ingest never began embedding"
        result: list = []
        upload = threading.Thread(target=lambda: result.append(w.engine.add_uploads([("up.txt", article(2).encode())])))
        upload.start()
        wait_until("the upload saved", lambda: (corpus / "up.txt").exists() or not upload.is_alive())
        time.sleep(0.5)  # lets it reach its ingest while the watcher's holds the index (nothing timed is asserted)
        embedder.gate.set()
        upload.join(60)
        assert result and result[0].summary and not result[0].refused
        assert {"copied.txt", "up.txt"} <= set(w.indexed())
    finally:
        embedder.gate.set()
        w.watcher.stop(timeout=30)


def test_an_unreadable_article_is_retried_then_reported_and_the_rest_indexed(watch, corpus):
    w = watch(retries=2)
    (corpus / "cut-off.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 ob")
    (corpus / "harbour.txt").write_text(article(7))
    wait_until("the broken PDF given up on", lambda: w.noted("cut-off.pdf is skipped"))
    assert "harbour.txt" in w.indexed() and "cut-off.pdf" not in w.indexed()
    tries = [n for n in w.notes if n.startswith("cut-off.pdf could not be read (")]
    assert len(tries) == 2 and "try 2 of 2" in tries[-1]  # the first try and two more
    assert w.noted("cut-off.pdf is skipped: still unreadable after 2 more tries")
    assert "unreadable PDF" in w.watcher.broken["cut-off.pdf"]
    assert w.watcher.pending == []  # given up: no more ingests for it until it changes


def test_an_article_that_was_empty_on_the_first_try_is_indexed_when_it_arrives(watch, corpus):
    w = watch(retries=5)
    (corpus / "late.txt").touch()  # created (and closed) before its content came
    wait_until("the first failed read", lambda: w.noted("late.txt could not be read (empty file)"))
    (corpus / "late.txt").write_text(article(3))
    wait_until("the article indexed", lambda: "late.txt" in w.reported("added"))
    assert "late.txt" not in w.watcher.broken
    assert w.engine.document("late.txt").text.startswith("The harbour of town3")


def test_an_ingest_already_running_is_waited_for(watch, settings, corpus):
    w = watch()
    with stores.ingest_lock(settings):  # as `rag ingest` in another terminal holds it
        (corpus / "harbour.txt").write_text(article(5))
        wait_until("the note about the other ingest", lambda: w.noted("another ingest is updating the index"))
        time.sleep(4 * DEBOUNCE)  # tried again several times meanwhile
        assert "harbour.txt" not in w.indexed()
    wait_until("the article indexed", lambda: "harbour.txt" in w.reported("added"))
    assert "harbour.txt" in w.indexed()
    assert sum("another ingest is updating the index" in n for n in w.notes) == 1  # said once, not every try


def test_stop_ends_the_threads(settings):
    w = Watch(settings)
    w.watcher.stop(timeout=30)
    assert not w.watcher._worker.is_alive() and not w.watcher._observer.is_alive()


def test_changes_made_before_the_watcher_started_are_indexed_at_once(settings, corpus, held_out, fake_embedder):
    engine = Engine(settings, fake_embedder)
    engine.ingest()
    shutil.copy(held_out, corpus / SEED)  # while, say, the chat was starting: no watcher saw it
    notes: list[str] = []
    with CorpusWatcher(engine, debounce=DEBOUNCE, note=notes.append) as watcher:
        wait_until("the catch-up ingest", lambda: watcher.ingests == 1)
    assert watcher.reports[0].added == [SEED] and SEED in engine.snapshot().manifest.documents


def test_bad_watcher_options_are_clear_errors(settings, fake_embedder):
    with pytest.raises(ConfigError, match="retries 0 or more; got debounce=2, write_timeout=30, retries=-1"):
        CorpusWatcher(Engine(settings, fake_embedder), retries=-1)


def test_a_missing_corpus_folder_is_a_clear_error(tmp_path):
    from rag.errors import RagError

    engine = Engine(Settings(corpus_dir=tmp_path / "nowhere", index_dir=tmp_path / "index"), FakeEmbedder())
    with pytest.raises(RagError, match="does not exist; create it"):
        CorpusWatcher(engine).start()


def test_settings_flags_and_environment():
    assert Settings().watch is False and Settings().watch_debounce == 2.0
    s = Settings.from_env({"RAG_WATCH": "1", "RAG_WATCH_DEBOUNCE": "0.5"})
    assert s.watch is True and s.watch_debounce == 0.5
    with pytest.raises(ConfigError, match="watch_debounce is seconds, more than 0"):
        Settings(watch_debounce=0)
    from rag import server
    from rag.cli import build_parser

    assert server.parse_args(["--watch"]).watch is True and server.parse_args([]).watch is False
    args = build_parser().parse_args(["watch", "--debounce", "5", "--corpus", "news"])
    assert (args.debounce, str(args.corpus)) == (5.0, "news")
    assert build_parser().parse_args(["serve", "--watch"]).watch is True


def test_describe():
    from rag.index.build import IngestReport

    many = IngestReport(added=[f"a{i}.txt" for i in range(7)], changed=["c.txt"], documents=9, chunks=30,
                        chunks_embedded=8, seconds=1.25, wrote=True)  # fmt: skip
    assert describe(many) == (
        "re-indexed in 1.2s: added a0.txt, a1.txt, a2.txt, a3.txt, a4.txt and 2 more; changed c.txt "
        "(9 articles, 30 chunks; 8 new chunks embedded)"
    )
    assert describe(IngestReport(documents=5)) == "index already up to date (5 articles)"


def test_the_chat_process_answers_from_articles_copied_in(settings, corpus, held_out, fake_embedder):
    """The chat's opt-in watcher (`app.py --watch`): the JSON API of the same process finds the new article."""
    from fastapi.testclient import TestClient

    from rag import server
    from rag.api.app import create_api

    engine = Engine(settings.replace(watch=True, watch_debounce=DEBOUNCE), fake_embedder)
    engine.ingest()
    watcher = server._watch(engine.settings, engine)
    try:
        client = TestClient(create_api(engine))
        question = {"question": "Putin and Tokayev will meet again in Minsk at the CSTO summit", "mode": "bm25"}
        assert all(h["doc_id"] != SEED for h in client.post("/api/search", json=question).json()["hits"])
        shutil.copy(held_out, corpus / SEED)
        wait_until(
            "the new article in the API's answers",
            lambda: client.post("/api/search", json=question).json()["hits"][0]["doc_id"] == SEED,
        )
    finally:
        watcher.stop(timeout=30)
    assert server._watch(Settings(), engine) is None  # off unless asked for


def test_the_chat_says_it_watches_the_folder(settings, fake_embedder):
    from rag.web.session import ChatSession

    engine = Engine(settings, fake_embedder)
    engine.ingest()
    assert "Watching the corpus folder" not in ChatSession(engine).status().line
    watching = Engine(settings.replace(watch=True), fake_embedder)
    assert "Watching the corpus folder" in ChatSession(watching).status().line


class SilentObserver:
    """An observer that reports nothing and no closes (as on macOS or Windows): the test hands the
    watcher its events."""

    def schedule(self, *args, **kwargs) -> None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def join(self, timeout=None) -> None: ...
    def is_alive(self) -> bool:
        return False


def test_without_close_events_a_file_that_grew_since_its_last_event_is_waited_for(settings, corpus, held_out):
    from watchdog.events import FileCreatedEvent

    engine = Engine(settings, FakeEmbedder())
    engine.ingest()
    notes: list[str] = []
    watcher = CorpusWatcher(engine, debounce=DEBOUNCE, note=notes.append, observer=SilentObserver()).start()
    try:
        data, path = held_out.read_bytes(), corpus / SEED
        with watcher._cond:  # the watcher cannot take its look before the second half is written
            path.write_bytes(data[: len(data) // 2])
            watcher._on_event(FileCreatedEvent(str(path)))
            with open(path, "ab") as f:  # written on with no event: only the second look can tell
                f.write(data[len(data) // 2 :])
        wait_until("the article indexed", lambda: watcher.reports and SEED in watcher.reports[-1].added)
    finally:
        watcher.stop(timeout=30)
    assert [r.added for r in watcher.reports] == [[SEED]] and f"waiting for {SEED}: still being written" in notes
    assert engine.document(SEED).text == load_document(held_out, SEED).text


def test_a_batch_waits_for_the_database_to_come_back(watch, corpus, held_out):
    """The database down or restarting: the change was dropped until another came. Now it is tried
    again every quiet period, said once, and indexed when the store answers."""
    from rag.errors import StoreUnavailable

    w = watch()
    real, failures = w.engine.ingest, []

    def down_twice(*args, **kwargs):
        if len(failures) < 2:
            failures.append(1)
            raise StoreUnavailable("cannot reach the database at db:5432 (connection refused)")
        return real(*args, **kwargs)

    w.engine.ingest = down_twice
    shutil.copy(held_out, corpus / SEED)
    wait_until("the article indexed once the store answers", lambda: SEED in w.reported("added"))
    assert len(failures) == 2 and SEED in w.indexed()
    assert sum("cannot reach the database" in n for n in w.notes) == 1 and w.noted("the database is back")


@linux_only
def test_a_corpus_folder_deleted_and_made_again_is_watched_again(watch, corpus, held_out):
    """The observer followed the deleted folder, not the new one: later changes went unseen."""
    w = watch()
    saved = corpus.with_name("saved-corpus")
    shutil.copytree(corpus, saved)
    shutil.rmtree(corpus)
    wait_until("the folder noted gone", lambda: w.noted("is gone"), timeout=30)
    shutil.copytree(saved, corpus)
    wait_until("the new folder watched", lambda: w.noted("was made again"), timeout=30)
    shutil.copy(held_out, corpus / SEED)
    wait_until("an article copied into the new folder indexed", lambda: SEED in w.reported("added"))
    assert SEED in w.indexed()


def test_a_binary_file_is_not_retried(watch, corpus):
    """Reading it again cannot help: it was tried three more times, four lines for one file."""
    w = watch(retries=2)
    (corpus / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (corpus / "harbour.txt").write_text(article(8))
    wait_until("the article indexed", lambda: "harbour.txt" in w.reported("added"))
    time.sleep(3 * DEBOUNCE)  # when a retry would have come
    assert not w.noted("photo.txt could not be read") and w.watcher.ingests == 1 and w.watcher.pending == []
    assert w.watcher.reports[0].skipped == {"photo.txt": "binary file, not text"}
    assert w.noted("photo.txt is skipped: binary file, not text")  # said once, as `rag ingest` lists it
