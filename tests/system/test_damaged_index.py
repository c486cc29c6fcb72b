"""A damaged index: every fault is caught when the index is opened, with an error that names the
command that fixes it (`rag ingest --rebuild`), and that command does fix it. In the chat it shows
as a message, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.engine import Engine
from rag.errors import IndexCorrupt, IndexMismatch, RagError
from rag.index.build import ingest
from rag.search.retrieve import search
from tests.conftest import ROOT, SEED_CORPUS, FakeEmbedder

FIX = "rag ingest --rebuild"
SEED_NAMES = {p.name for p in SEED_CORPUS.iterdir()}


def generation(s: Settings) -> Path:
    return Path(s.index_dir) / json.loads((Path(s.index_dir) / "manifest.json").read_text())["generation"]


def truncate(path: Path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def scribble(path: Path, start: int, end: int | None = None) -> None:
    """Overwrite bytes [start, end) with a fixed junk pattern (a bad disk block, say)."""
    data = bytearray(path.read_bytes())
    end = len(data) if end is None else end
    data[start:end] = (b"\xde\xad\xbe\xef" * (len(data) // 4 + 1))[: end - start]
    path.write_bytes(bytes(data))


def edit_manifest(s: Settings, change: Callable[[dict], None]) -> None:
    path = Path(s.index_dir) / "manifest.json"
    m = json.loads(path.read_text())
    change(m)
    path.write_text(json.dumps(m))


def sql(s: Settings, script: str) -> None:
    con = sqlite3.connect(generation(s) / "chunks.sqlite")
    con.executescript(script)
    con.commit()
    con.close()


def other_faiss_ids(s: Settings) -> None:
    """The same number of vectors under other ids (a FAISS file from another build)."""
    import faiss

    from rag.index.store import build_faiss

    g = generation(s)
    ids, vectors = np.load(g / "ids.npy"), np.load(g / "vectors.npy")
    faiss.write_index(build_faiss(ids + 10_000, vectors, 10**9), str(g / "faiss.index"))


def sentences_of_other_lengths(s: Settings) -> None:
    g = generation(s)
    with np.load(g / "sentences.npz") as z:
        arrays = {k: z[k] for k in z.files}
    arrays["starts"] = arrays["starts"][:-3]
    with open(g / "sentences.npz", "wb") as fh:
        np.savez(fh, **arrays)


def _set(section: str, key: str, value) -> Callable[[Settings], None]:
    return lambda s: edit_manifest(s, lambda m: m[section].__setitem__(key, value))


# fault -> (how to do it, the error it must raise)
FAULTS: dict[str, tuple[Callable[[Settings], None], type[RagError]]] = {
    # missing files
    "generation folder missing": (lambda s: shutil.rmtree(generation(s)), IndexCorrupt),
    "chunks.sqlite missing": (lambda s: (generation(s) / "chunks.sqlite").unlink(), IndexCorrupt),
    "ids.npy missing": (lambda s: (generation(s) / "ids.npy").unlink(), IndexCorrupt),
    "vectors.npy missing": (lambda s: (generation(s) / "vectors.npy").unlink(), IndexCorrupt),
    "faiss.index missing": (lambda s: (generation(s) / "faiss.index").unlink(), IndexCorrupt),
    "bm25 folder missing": (lambda s: shutil.rmtree(generation(s) / "bm25"), IndexCorrupt),
    "bm25 vocabulary missing": (lambda s: (generation(s) / "bm25" / "vocab.index.json").unlink(), IndexCorrupt),
    "sentences.npz missing": (lambda s: (generation(s) / "sentences.npz").unlink(), IndexCorrupt),
    "sentence_vectors.npy missing": (lambda s: (generation(s) / "sentence_vectors.npy").unlink(), IndexCorrupt),
    # truncated files
    "faiss.index truncated": (lambda s: truncate(generation(s) / "faiss.index"), IndexCorrupt),
    "vectors.npy truncated": (lambda s: truncate(generation(s) / "vectors.npy"), IndexCorrupt),
    "ids.npy truncated": (lambda s: truncate(generation(s) / "ids.npy"), IndexCorrupt),
    "bm25 scores truncated": (lambda s: truncate(generation(s) / "bm25" / "data.csc.index.npy"), IndexCorrupt),
    "sentences.npz truncated": (lambda s: truncate(generation(s) / "sentences.npz"), IndexCorrupt),
    "sentence_vectors.npy truncated": (lambda s: truncate(generation(s) / "sentence_vectors.npy"), IndexCorrupt),
    "chunks.sqlite truncated": (lambda s: truncate(generation(s) / "chunks.sqlite", 0.3), IndexCorrupt),
    "faiss.index empty": (lambda s: (generation(s) / "faiss.index").write_bytes(b""), IndexCorrupt),
    # corrupt contents
    "sentences.npz junk": (lambda s: scribble(generation(s) / "sentences.npz", 0), IndexCorrupt),
    "sentence arrays of different lengths": (sentences_of_other_lengths, IndexCorrupt),
    "chunks.sqlite junk": (lambda s: scribble(generation(s) / "chunks.sqlite", 0), IndexCorrupt),
    "chunks.sqlite pages scribbled": (lambda s: scribble(generation(s) / "chunks.sqlite", 4096, -4096), IndexCorrupt),
    "chunks table dropped": (lambda s: sql(s, "DROP TABLE chunks"), IndexCorrupt),
    "documents table dropped": (lambda s: sql(s, "DROP TABLE documents"), IndexCorrupt),
    "chunk rows deleted": (lambda s: sql(s, "DELETE FROM chunks WHERE chunk_id % 3 = 0"), IndexCorrupt),
    "faiss ids from another build": (other_faiss_ids, IndexCorrupt),
    "bm25 params junk": (lambda s: scribble(generation(s) / "bm25" / "params.index.json", 0), IndexCorrupt),
    "vectors.npy junk header": (lambda s: scribble(generation(s) / "vectors.npy", 0, 64), IndexCorrupt),
    # the manifest
    "manifest not JSON": (lambda s: (Path(s.index_dir) / "manifest.json").write_text("{not json"), IndexCorrupt),
    "manifest empty": (lambda s: (Path(s.index_dir) / "manifest.json").write_text(""), IndexCorrupt),
    "manifest a JSON list": (lambda s: (Path(s.index_dir) / "manifest.json").write_text("[1, 2]"), IndexCorrupt),
    "manifest names a missing generation": (
        lambda s: edit_manifest(s, lambda m: m.update(generation="gen-1")),
        IndexCorrupt,
    ),  # fmt: skip
    "manifest chunk count wrong": (lambda s: edit_manifest(s, lambda m: m["counts"].update(chunks=3)), IndexCorrupt),
    "manifest from another model": (_set("embedder", "name", "other-model"), IndexMismatch),
    "manifest from another dimension": (_set("embedder", "dim", 768), IndexMismatch),
    "manifest from another chunk size": (_set("chunking", "target_tokens", 150), IndexMismatch),
    "manifest from another overlap": (_set("chunking", "overlap", 0.3), IndexMismatch),
    "manifest from another tokenizer": (_set("chunking", "tokenizer", "p50k_base"), IndexMismatch),
    "manifest of an older format": (lambda s: edit_manifest(s, lambda m: m.update(format_version=1)), IndexMismatch),
}


@pytest.fixture
def built(settings, fake_embedder) -> Settings:
    ingest(settings, embedder=fake_embedder)
    return settings


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fault_is_caught_at_load_and_rebuild_fixes_it(fault, built, fake_embedder):
    damage, error = FAULTS[fault]
    damage(built)
    with pytest.raises(error) as caught:
        Engine(built, FakeEmbedder()).snapshot()  # a fresh process would open it like this
    message = str(caught.value)
    assert FIX in message and "\n" not in message, message
    # A plain ingest refuses too (it would build on a damaged index), with the same advice.
    with pytest.raises(RagError, match=FIX):
        ingest(built, embedder=fake_embedder)
    # The advice works.
    report = ingest(built, embedder=fake_embedder, rebuild=True)
    assert report.wrote and report.documents == len(SEED_NAMES)
    snap = Engine(built, fake_embedder).snapshot()
    assert {d.doc_id for d in snap.documents()} == SEED_NAMES
    assert search("coal wagons Kazakhstan", built, snap, embedder=fake_embedder, floor=-1.0).hits


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_status_with_check_names_the_fault(fault, built):
    """`rag status`, `/api/status` and the chat's status line: a damaged index is not "up to date"."""
    assert Engine(built, FakeEmbedder()).status(check=True).problem is None
    FAULTS[fault][0](built)
    try:
        st = Engine(built, FakeEmbedder()).status(check=True)
    except RagError as exc:  # the manifest itself cannot be read: that is the error
        assert FIX in str(exc)
        return
    assert st.problem and FIX in st.problem, st
    assert st.describe().startswith("the index cannot be read")


# ---------------------------------------------------------------- in the chat


def new_generation_with(damage: Callable[[Path], None]) -> Callable[[Settings], None]:
    """A new generation appears (as after an ingest) but one of its files is damaged."""

    def fault(s: Settings) -> None:
        old = generation(s)
        new = old.with_name("gen-9" + old.name.removeprefix("gen-"))
        shutil.copytree(old, new)
        damage(new)
        edit_manifest(s, lambda m: m.update(generation=new.name))

    return fault


# What a running app can meet: its loaded index stays in memory until the generation changes.
APP_FAULTS: dict[str, Callable[[Settings], None]] = {
    "manifest not JSON": FAULTS["manifest not JSON"][0],
    "manifest names a missing generation": FAULTS["manifest names a missing generation"][0],
    "new generation, FAISS file truncated": new_generation_with(lambda g: truncate(g / "faiss.index")),
    "new generation, chunk table dropped": new_generation_with(
        lambda g: sqlite3.connect(g / "chunks.sqlite").executescript("DROP TABLE chunks")
    ),
    "new generation, sentences missing": new_generation_with(lambda g: (g / "sentences.npz").unlink()),
    "chunk table deleted under the loaded index": lambda s: (generation(s) / "chunks.sqlite").unlink(),
    "index folder deleted": lambda s: shutil.rmtree(s.index_dir),
}
QUESTION = "How many wagons of coal did Kazakhstan block?"


def handler(demo, name: str):
    return next(f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == name)


def in_new_thread(fn: Callable, *args):
    """fn(*args) in a thread of its own, as Gradio's workers run handlers (a fresh SQLite connection)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


def ask_in_chat(demo, question: str, turns: list) -> tuple[list[dict], list]:
    """Run the chat's own handler to the end; (messages, turns)."""
    respond = handler(demo, "respond")
    *_, last = in_new_thread(lambda: list(respond(question, turns, 5, "hybrid", "extractive", False, False)))
    return last[0], last[1]


@pytest.mark.parametrize("fault", sorted(APP_FAULTS))
def test_chat_shows_a_damaged_index_as_a_message(fault, built, fake_embedder):
    import gradio as gr

    from rag.web import app

    demo = app.build_app(built, Engine(built, fake_embedder))
    messages, turns = ask_in_chat(demo, QUESTION, [])
    assert turns[-1].answer is not None and turns[-1].error is None  # it worked before the damage

    APP_FAULTS[fault](built)
    messages, turns = ask_in_chat(demo, QUESTION, turns)
    assert turns[-1].answer is None and turns[-1].error, turns[-1]
    assert "rag ingest" in turns[-1].error and "Traceback" not in turns[-1].error
    assert messages[-1]["role"] == "assistant" and messages[-1]["content"].startswith("⚠ ")
    assert len(messages) == 4  # the earlier exchange is still there
    line = handler(demo, "status")()[0]  # the status line does not raise either, and says what to run
    assert "rag ingest" in str(line) or fault == "index folder deleted", line
    with pytest.raises(gr.Error, match="rag ingest"):
        in_new_thread(handler(demo, "ask_api"), QUESTION)
    # After the fix, the same app answers again without a restart.
    ingest(built, embedder=fake_embedder, rebuild=True)
    messages, turns = ask_in_chat(demo, QUESTION, turns)
    assert turns[-1].answer is not None and not turns[-1].answer.abstained


def test_ask_endpoint_reports_a_damaged_index(built, fake_embedder):
    from gradio_client import Client

    from tests.unit.test_app import serve

    with serve(built, fake_embedder) as url:
        client = Client(url, verbose=False, download_files=False)
        assert client.predict(QUESTION, api_name="/ask")["question"] == QUESTION
        APP_FAULTS["new generation, FAISS file truncated"](built)
        with pytest.raises(Exception, match=r"damaged .*rag ingest --rebuild") as caught:
            client.predict(QUESTION, api_name="/ask")
        assert "Traceback" not in str(caught.value)


@pytest.mark.slow
def test_cli_and_app_py_on_a_damaged_index(tmp_path, corpus):
    """As a user meets it: `rag ask` and `python app.py` say what to run; `rag ingest --rebuild` fixes it."""
    env = {**os.environ, "RAG_PORT": str(_free_port())}

    def run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=timeout)  # fmt: skip

    def one_line_error(proc: subprocess.CompletedProcess) -> str:
        assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and FIX in lines[0], proc.stderr
        return lines[0]

    assert run("-m", "rag.cli", "ingest", "--quiet").returncode == 0
    s = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    truncate(generation(s) / "faiss.index")
    one_line_error(run("-m", "rag.cli", "ask", QUESTION))
    one_line_error(run("-m", "rag.cli", "search", QUESTION))
    one_line_error(run("-m", "rag.cli", "ingest"))
    status = run("-m", "rag.cli", "status")
    assert status.returncode == 2 and "cannot be read" in status.stdout and FIX in status.stdout, status
    one_line_error(run(str(ROOT / "app.py"), timeout=300))  # exits at start, before serving
    assert run("-m", "rag.cli", "ingest", "--rebuild", "--quiet").returncode == 0
    fixed = run("-m", "rag.cli", "ask", QUESTION, "--json")
    assert fixed.returncode == 0 and "1,700 wagons" in json.loads(fixed.stdout)["answer"]


def _free_port() -> int:
    from tests.conftest import free_port

    return free_port()
