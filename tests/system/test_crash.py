"""Crashes and concurrency: `rag ingest` killed at random moments never loses the previous index;
queries answer from the old index until the new one is swapped in; a second ingest is locked out
with a clear message and corrupts nothing."""

from __future__ import annotations

import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.engine import Engine
from rag.errors import IngestLocked
from rag.index.build import ingest
from rag.index.store import load_snapshot, read_manifest
from rag.search.retrieve import search
from tests.conftest import SEED_CORPUS, FakeEmbedder
from tests.generated import articles, write_articles

RAG = [sys.executable, "-m", "rag.cli"]
LOCKED = "another ingest is updating"


def check_consistent(index_dir: Path) -> dict:
    """Open the current generation part by part, independently of the loader, and check that
    every part agrees: FAISS ids = ids.npy = chunk table ids; vectors and BM25 have one row per
    chunk; the sentence table and the manifest cover exactly the documents of the chunk table;
    every chunk is its document's text at its offsets. Returns the manifest."""
    import bm25s
    import faiss

    manifest = read_manifest(index_dir)
    assert manifest is not None
    gen = Path(index_dir) / manifest.generation
    ids = np.load(gen / "ids.npy")
    vector_index = faiss.read_index(str(gen / "faiss.index"))  # held: id_map lives inside it
    faiss_ids = np.sort(faiss.vector_to_array(vector_index.id_map))
    con = sqlite3.connect(f"file:{gen / 'chunks.sqlite'}?mode=ro", uri=True)
    try:
        sql_ids = np.array([r[0] for r in con.execute("SELECT chunk_id FROM chunks ORDER BY chunk_id")])
        docs = dict(con.execute("SELECT doc_id, text FROM documents").fetchall())
        chunks = con.execute("SELECT doc_id, text, char_start, char_end FROM chunks").fetchall()
    finally:
        con.close()
    assert np.array_equal(ids, faiss_ids) and np.array_equal(ids, sql_ids)
    assert len(np.load(gen / "vectors.npy", mmap_mode="r")) == len(ids)
    assert int(bm25s.BM25.load(str(gen / "bm25")).scores["num_docs"]) == max(len(ids), 1)
    with np.load(gen / "sentences.npz") as z:
        sentence_docs = set(z["doc_ids"].tolist())
        n_sentences = len(z["doc_ids"])
    assert n_sentences == len(np.load(gen / "sentence_vectors.npy", mmap_mode="r")) == manifest.counts.sentences
    assert set(manifest.documents) == set(docs) == sentence_docs
    assert manifest.counts.chunks == len(ids) and manifest.counts.documents == len(docs)
    for doc_id, text, start, end in chunks:
        assert docs[doc_id][start:end] == text
    load_snapshot(index_dir)  # and the loader agrees
    return manifest


def _lock_holder(lock_file: Path) -> int | None:
    """The pid holding a flock on `lock_file`, read from /proc/locks (without taking the lock)."""
    try:
        inode = lock_file.stat().st_ino
    except FileNotFoundError:
        return None
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if "FLOCK" in parts and parts[5].endswith(f":{inode}"):
            return int(parts[4])
    return None


@pytest.mark.slow
def test_killing_rag_ingest_at_random_moments_never_loses_the_index(tmp_path):
    """SIGKILL `rag ingest` (real CLI, real model) at seeded random moments while it
    adds 50 articles, changes one and deletes one (six times): after every kill the index on disk is the
    previous one (or the complete new one, if the kill came after the swap), consistent and
    loadable; a second ingest started meanwhile gets the lock message; the next ingest completes."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    made = articles(60)
    write_articles(corpus, made[:10])
    index = tmp_path / "index"

    log = tmp_path / "ingest.log"

    def start(folder: Path = index) -> subprocess.Popen:
        # Output to a file, never a pipe that could fill up while we wait.
        with open(log, "w") as fh:
            return subprocess.Popen([*RAG, "ingest", "--quiet", "--index", str(folder)], cwd=tmp_path,
                                    stdout=fh, stderr=subprocess.STDOUT)  # fmt: skip

    first = start()
    assert first.wait(timeout=600) == 0, log.read_text()
    v0 = check_consistent(index)
    v0_docs = set(v0.documents)

    # The work the killed runs are doing: 50 new articles, one changed, one deleted.
    write_articles(corpus, made[10:])
    seed = sorted(SEED_CORPUS.iterdir())
    (corpus / seed[0].name).write_text(seed[0].read_text() + "\n\nThe editors added this paragraph on Friday.\n")
    (corpus / seed[1].name).unlink()
    final_docs = v0_docs - {seed[1].name} | {a.name for a in made[10:]}
    backup = tmp_path / "index-v0"
    shutil.copytree(index, backup)
    # How long that work takes when nothing interrupts it (on a copy): the scale for the kill times.
    shutil.copytree(index, tmp_path / "index-timed")
    t0 = time.monotonic()
    timed = start(tmp_path / "index-timed")
    assert timed.wait(timeout=600) == 0, log.read_text()
    duration = time.monotonic() - t0
    assert set(check_consistent(tmp_path / "index-timed").documents) == final_docs

    rng = random.Random(20261124)
    rounds = 6
    # One delay from each sixth of a run, so kills land in start-up, parsing, embedding and writing
    # (up to 85% of it: a run may go faster than the timed one).
    delays = [duration * rng.uniform(0.02 + 0.83 * i / rounds, 0.02 + 0.83 * (i + 1) / rounds) for i in range(rounds)]
    rng.shuffle(delays)
    killed, locked_out, mid_write = 0, 0, 0
    # The six timed kills, then one aimed at the riskiest moment: the new generation half-written.
    for delay in [*delays, None]:
        proc, started = start(), time.monotonic()
        if delay == max(delays):  # meanwhile, a second ingest: refused with the lock message
            deadline = time.monotonic() + 120
            while _lock_holder(index / ".ingest.lock") != proc.pid and proc.poll() is None:
                assert time.monotonic() < deadline, "the first ingest never took the lock"
                time.sleep(0.05)
            if proc.poll() is None:
                second = subprocess.run([*RAG, "ingest"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
                assert second.returncode == 2 and second.stderr.startswith(f"error: {LOCKED}"), second.stderr
                locked_out += 1
        if delay is None:
            deadline = time.monotonic() + 300
            while proc.poll() is None and not any(index.glob(".tmp-gen-*")) and time.monotonic() < deadline:
                time.sleep(0.002)
            delay = 0.0
        try:
            proc.wait(timeout=max(0.001, delay - (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            writing = any(index.glob(".tmp-gen-*"))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
            killed += proc.returncode == -signal.SIGKILL
            mid_write += writing
        assert proc.returncode in (0, -signal.SIGKILL), log.read_text()
        m = check_consistent(index)
        if m.generation == v0.generation:
            assert set(m.documents) == v0_docs
        else:  # killed after the swap, or it finished: the new index is whole; go back for the next round
            assert set(m.documents) == final_docs
            shutil.rmtree(index)
            shutil.copytree(backup, index)
    assert killed >= 5 and mid_write >= 1, (
        f"{killed} of {rounds + 1} kills landed mid-ingest (a full run took {duration:.1f}s)"
    )
    assert locked_out == 1

    done = subprocess.run([*RAG, "ingest", "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{len(final_docs)} articles, ")
    m = check_consistent(index)
    assert set(m.documents) == final_docs
    # Leftovers of the killed runs are gone: no half-written generation, at most the last two kept.
    assert not [p for p in index.iterdir() if p.name.startswith(".tmp-")]
    assert len([p for p in index.iterdir() if p.name.startswith("gen-")]) <= 2
    ask = subprocess.run([*RAG, "ask", made[45].question, "--json"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=600)  # fmt: skip
    assert ask.returncode == 0, ask.stderr
    answer = json.loads(ask.stdout)
    assert made[45].number in answer["answer"] and answer["citations"][0]["doc_id"] == made[45].name
    print(
        f"full run {duration:.1f}s; {killed} kills mid-ingest ({mid_write} mid-write), timed at {', '.join(f'{d:.1f}s' for d in delays)}"
    )


class GatedEmbedder(FakeEmbedder):
    """The fake model, but embedding waits until released: holds an ingest in the middle."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def embed_batch(self, texts):
        self.entered.set()
        assert self.release.wait(120), "never released"
        return super().embed_batch(texts)


def _top_doc(question: str, settings: Settings, embedder) -> tuple[str, str]:
    """(generation that answered, doc id of the best BM25 passage) for one question."""
    snap = Engine(settings, embedder).snapshot()
    hits = search(question, settings, snap, embedder=embedder, mode="bm25").hits
    return snap.generation, hits[0].chunk.doc_id if hits else ""


def test_queries_use_the_old_index_until_the_new_one_is_swapped_in(settings, fake_embedder, corpus):
    from gradio_client import Client

    from tests.unit.test_app import serve

    ingest(settings, embedder=fake_embedder)
    old = read_manifest(settings.index_dir).generation
    made = articles(4)
    write_articles(corpus, made)
    seed_q = "How many wagons of coal did Kazakhstan block?"
    seed_doc = "astana-is-staying-apart-russian-kazakh-disagreements.txt"
    questions = [seed_q] + [a.question for a in made]

    with serve(settings, fake_embedder) as url:
        client = Client(url, verbose=False, download_files=False)
        before = client.predict(seed_q, api_name="/ask")
        gated = GatedEmbedder()
        result: list = []
        worker = threading.Thread(target=lambda: result.append(ingest(settings, embedder=gated)))
        worker.start()
        try:
            assert gated.entered.wait(60), "the ingest never started embedding"
            # Mid-ingest: every query, from several threads and through the app, uses the old index.
            with ThreadPoolExecutor(4) as pool:
                answered = list(pool.map(lambda q: _top_doc(q, settings, fake_embedder), questions * 5))
            assert {gen for gen, _ in answered} == {old}
            assert all(doc == seed_doc for (_, doc), q in zip(answered, questions * 5) if q == seed_q)
            assert not {doc for _, doc in answered} & {a.name for a in made}  # not yet searchable
            during = client.predict(seed_q, api_name="/ask")
            assert {**during, "timings_ms": None} == {**before, "timings_ms": None}
            # A second ingest now: the lock message, in the library and from the command line.
            with pytest.raises(IngestLocked, match=LOCKED):
                ingest(settings, embedder=fake_embedder)
            cli = subprocess.run(
                [*RAG, "ingest", "--corpus", str(corpus), "--index", str(settings.index_dir)],
                capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert cli.returncode == 2 and cli.stderr.startswith(f"error: {LOCKED}"), cli.stderr
            assert "wait for it to finish and try again" in cli.stderr
            assert read_manifest(settings.index_dir).generation == old
            check_consistent(settings.index_dir)
        finally:
            gated.release.set()
            worker.join(120)
        assert result and result[0].added == [a.name for a in made]
        new = check_consistent(settings.index_dir).generation
        assert new != old
        for a in made:  # swapped in: the same app finds the new articles, no restart
            assert _top_doc(a.question, settings, fake_embedder) == (new, a.name)
            got = client.predict(a.question, api_name="/ask")
            assert got["question"] == a.question
            assert any(c["doc_id"] == a.name for c in got["citations"]) or got["abstained"]
    # The lock is free again.
    assert ingest(settings, embedder=fake_embedder).wrote is False


def test_failed_ingest_releases_the_lock_and_keeps_the_index(settings, fake_embedder, corpus):
    """An ingest that dies of an error (not a kill) leaves the old index and a free lock behind."""
    ingest(settings, embedder=fake_embedder)
    old = check_consistent(settings.index_dir)
    write_articles(corpus, articles(2))

    class Broken(FakeEmbedder):
        def embed_batch(self, texts):
            raise MemoryError("out of memory while embedding")

    with pytest.raises(MemoryError):
        ingest(settings, embedder=Broken())
    assert check_consistent(settings.index_dir).generation == old.generation
    assert ingest(settings, embedder=fake_embedder).added == [a.name for a in articles(2)]
    check_consistent(settings.index_dir)


def test_readers_of_an_old_generation_survive_two_swaps(settings, fake_embedder, corpus):
    """A query that took the index just before two ingests finish still completes: the previous
    generation is kept on disk, and a reader that holds the one before keeps what it loaded."""
    ingest(settings, embedder=fake_embedder)
    held = Engine(settings, fake_embedder).snapshot()
    held.chunks([int(held.ids[0])])  # this thread's connection is open
    for a in articles(2):
        write_articles(corpus, [a])
        ingest(settings, embedder=fake_embedder)
    hits = search("coal wagons Kazakhstan", settings, held, embedder=fake_embedder, floor=-1.0).hits
    assert hits and hits[0].chunk.text
    assert len([p for p in Path(settings.index_dir).iterdir() if p.name.startswith("gen-")]) == 2
