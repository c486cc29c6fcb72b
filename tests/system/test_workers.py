"""`python app.py --api-only --workers 2` on the seed articles with the real model: both processes
answer on the one port, a worker that dies is replaced while the other goes on answering, and
stopping the server stops every worker (no orphan keeps the port)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_CORPUS, free_port, stop_process, wait_for_app

pytestmark = pytest.mark.slow

COAL = "How many wagons of coal did Kazakhstan block?"


@pytest.fixture(scope="module")
def workers_server(tmp_path_factory) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    root = tmp_path_factory.mktemp("workers")
    shutil.copytree(SEED_CORPUS, root / "corpus")
    port = free_port()
    env = {**os.environ, "RAG_CORPUS_DIR": str(root / "corpus"), "RAG_INDEX_DIR": str(root / "index"),
           "RAG_FEEDBACK_PATH": str(root / "feedback.jsonl")}  # fmt: skip
    log = root / "app.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port), "--api-only",
                                 "--workers", "2"], cwd=root, env=env, stdout=fh, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_app(url, proc, log, timeout=600, probe="api/status")
        _wait_for_workers(proc.pid, log)
        yield url, proc, log
    finally:
        stop_process(proc)


def _workers(pid: int) -> list:
    """The server's live worker processes (multiprocessing's resource tracker, also a child, is not one)."""
    import psutil

    found = []
    for child in psutil.Process(pid).children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "spawn_main" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


def _wait_for_workers(pid: int, log: Path, n: int = 2, timeout: float = 300) -> list:
    """The parent's n live workers, once each has said it is ready (its engine loaded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = [w for w in _workers(pid) if f"worker {w.pid} ready" in log.read_text()]
        if len(ready) == n:
            return ready
        time.sleep(0.5)
    raise AssertionError(f"{n} workers did not come up:\n{log.read_text()[-2000:]}")


def _gone(process, timeout: float = 30) -> None:
    """Wait until a killed process has exited (it is a zombie or no more)."""
    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        time.sleep(0.05)
    raise AssertionError(f"process {process.pid} still running {timeout} s after SIGKILL")


def _ask(url: str, question: str = COAL) -> dict:
    import httpx

    reply = httpx.post(url + "api/ask", json={"question": question}, timeout=60)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_two_workers_share_the_answers(workers_server):
    """20 concurrent clients: every answer right and uncrossed, and both workers spent CPU on them."""
    import psutil

    from rag.bench.load import default_questions, run_load

    url, proc, _ = workers_server
    workers = [psutil.Process(w.pid) for w in _workers(proc.pid)]
    assert len(workers) == 2
    before = [sum(w.cpu_times()[:2]) for w in workers]
    report = asyncio.run(run_load(url.rstrip("/"), "ask", default_questions()[:60], users=20, each=20))
    spent = [sum(w.cpu_times()[:2]) - b for w, b in zip(workers, before, strict=True)]
    print(f"\nworkers: {report['answers_per_s']} answers/s, CPU s per worker {spent}")
    assert report["errors"] == 0 and report["crossed"] == 0, report["examples"]
    assert report["answered"] == 400
    # Both answer: neither did less than a fifth of the work (one idle worker would be ~0).
    assert min(spent) > 0.2 * sum(spent), spent


def test_a_killed_worker_is_replaced(workers_server):
    url, proc, log = workers_server
    victim, survivor = _workers(proc.pid)
    os.kill(victim.pid, signal.SIGKILL)
    # Until the victim is dead (a zombie: its sockets closed) the kernel may still hand it a new
    # connection, which is then reset (seen once on a loaded machine, 2026-12-06).
    _gone(victim)
    # The other worker answers meanwhile (new connections go to the sockets left).
    assert "1,700" in _ask(url)["answer"]
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        pids = {w.pid for w in _workers(proc.pid)}
        if len(pids) == 2 and victim.pid not in pids:
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"no worker replaced {victim.pid}:\n{log.read_text()[-2000:]}")
    assert survivor.pid in pids
    assert f"worker {victim.pid} stopped" in log.read_text()
    _wait_for_workers(proc.pid, log)
    assert all("1,700" in _ask(url)["answer"] for _ in range(10))


def test_stopping_the_server_stops_every_worker(workers_server):
    import psutil

    url, proc, _ = workers_server
    workers = _workers(proc.pid)
    assert len(workers) == 2
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
    gone, alive = psutil.wait_procs(workers, timeout=30)
    assert alive == [], f"workers left running: {alive}"
    import httpx

    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "api/status", timeout=5)
