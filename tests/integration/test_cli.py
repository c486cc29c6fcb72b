"""The `rag` command, run as a user runs it: a subprocess in a folder with a corpus."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

RAG = [sys.executable, "-m", "rag.cli"]


def run(*args, cwd, check=True):
    proc = subprocess.run([*RAG, *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.mark.parametrize("command", ["ingest", "search", "status", "serve"])
def test_help(command, tmp_path):
    out = run(command, "--help", cwd=tmp_path).stdout
    assert "usage: rag " + command in out and "--index" in out


@pytest.mark.slow
def test_search_json_contract_and_auto_ingest(tmp_path, corpus):
    proc = run("search", "How many wagons of coal did Kazakhstan block?", "--json", "--k", "5", cwd=tmp_path)
    assert "building the index" in proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"query", "mode", "hits"} and out["mode"] == "hybrid"
    assert 1 <= len(out["hits"]) <= 5
    keys = {"rank", "score", "chunk_id", "doc_id", "title", "path", "text", "char_start", "char_end"}
    for i, h in enumerate(out["hits"], start=1):
        assert set(h) == keys and h["rank"] == i
        assert isinstance(h["chunk_id"], int) and isinstance(h["score"], float)
    top = out["hits"][0]
    assert "1,700 wagons" in top["text"] and top["doc_id"] == "astana-is-staying-apart-russian-kazakh-disagreements.txt"
    assert top["path"].endswith(top["doc_id"])
    # Offsets point into the cleaned text held by the index.
    from rag.config import Settings
    from rag.index.store import load_snapshot

    doc = load_snapshot(tmp_path / "index").document(top["doc_id"])
    assert doc.text[top["char_start"] : top["char_end"]] == top["text"]

    # A second search: the index is current, so no note on stderr.
    again = run("search", "coal wagons", "--json", "--mode", "bm25", cwd=tmp_path)
    assert "index" not in again.stderr and json.loads(again.stdout)["mode"] == "bm25"
    assert Settings().index_dir.name == "index"


@pytest.mark.slow
def test_ingest_summary_and_env_dirs(tmp_path, corpus):
    env_run = subprocess.run(
        [*RAG, "ingest", "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env={**__import__("os").environ, "RAG_INDEX_DIR": str(tmp_path / "elsewhere")},
    )  # fmt: skip
    assert env_run.returncode == 0, env_run.stderr
    assert env_run.stdout.startswith("5 articles, ")
    assert (tmp_path / "elsewhere" / "manifest.json").is_file()
    status = json.loads(run("status", "--json", "--index", str(tmp_path / "elsewhere"), cwd=tmp_path).stdout)
    assert status["stale"] is False and status["counts"]["documents"] == 5


def test_errors_are_one_line_with_the_fix(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "manifest.json").write_text("{not json")
    proc = run("search", "anything", cwd=tmp_path, check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "rag ingest --rebuild" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    """`rag search ... | head -2`: the pipe closes before the output is written."""
    (tmp_path / "corpus").mkdir()
    proc = subprocess.Popen([*RAG, "status"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141 and "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr


def test_progress_bars_reach_the_total_and_draw_only_their_stages(capsys):
    from rag.progress import tqdm_progress

    progress = tqdm_progress(stages=("embed", "embed sentences"))
    for i in range(1, 501):  # one call per text, as the one-text-per-run embedder makes them
        progress("embed", i, 500)
    progress("parse", 1, 5)
    progress("embed sentences", 3, 3)
    err = capsys.readouterr().err
    assert "embedding chunks: 100%" in err and "500/500" in err and "3/3" in err
    assert "reading articles" not in err
    assert err.count("\r") < 100  # redrawn now and then, not once per call
