"""`rag watch` as a user runs it: a subprocess with the real model over a corpus folder, an article
copied in, then Ctrl-C."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time

import pytest

SEED = "putin-and-tokayev-meet-speech-in-kazakh.txt"


def wait_for(what: str, log, proc, needle: str, timeout: float = 600) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text()
        if needle in text:
            return text
        if proc.poll() is not None:
            raise AssertionError(f"rag watch exited with {proc.returncode} before {what}:\n{text}")
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}:\n{log.read_text()}")


@pytest.mark.slow
def test_rag_watch_indexes_an_article_copied_in_and_stops_on_ctrl_c(tmp_path, corpus):
    held_out = shutil.move(corpus / SEED, tmp_path / SEED)
    log = tmp_path / "watch.log"
    with open(log, "w") as out:  # a file, not a pipe that could fill up and block the command
        proc = subprocess.Popen([sys.executable, "-m", "rag.cli", "watch", "--debounce", "1"], cwd=tmp_path,
                                stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        started = wait_for("the start", log, proc, "Ctrl-C to stop")
        assert "building the index" in started and "4 articles" in started
        shutil.copy(held_out, corpus / SEED)
        text = wait_for("the re-index", log, proc, f"added {SEED}")
        assert "re-indexed in " in text and "(5 articles, " in text
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    text = log.read_text()
    assert "stopping" in text and "stopped; 1 re-index while watching" in text
    assert "Traceback" not in text
    found = subprocess.run([sys.executable, "-m", "rag.cli", "search", "When will Putin and Tokayev meet in Minsk?",
                            "--json"], cwd=tmp_path, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert found.returncode == 0, found.stderr
    assert "index" not in found.stderr  # the watcher left it up to date: nothing to rebuild
    assert json.loads(found.stdout)["hits"][0]["doc_id"] == SEED
