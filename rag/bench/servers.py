"""Answers per second of each way to serve the APIs: every server configuration is started in turn
on a loopback port over the same corpus and index, the load generator (`rag.bench.load`) is run
against each endpoint with the server's CPU counted, and the server is stopped. One JSON report.

    python -m rag.bench.servers --corpus corpus --index index --seconds 20 --out build/load-servers.json
    python -m rag.bench.servers --code ../old-checkout ...   # the same load against another checkout's app.py

One server runs at a time and nothing else should: the generator shares the cores with it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rag.bench import ROOT

# name -> what `python` runs in the checkout (its port is added)
CONFIGS: dict[str, list[str]] = {
    "one process": ["app.py"],  # the chat and the APIs, engine calls on a gated pool of threads
    "api workers": ["app.py", "--api-only", "--workers", "2"],  # one process per core, answers on the event loop
    # The same serving path with nothing behind it, then with only the question's model pass (rag.api.floor)
    "http floor": ["-m", "rag.api.floor", "--workers", "2"],
    "model floor": ["-m", "rag.api.floor", "--workers", "2", "--model"],
}
DEFAULT_CONFIGS = ("one process", "api workers")
READY_S = 180.0  # a server loads its index and model before it answers /api/status


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    from rag.bench.load import ENDPOINTS

    p = argparse.ArgumentParser(prog="python -m rag.bench.servers", description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, required=True, help="the articles folder")
    p.add_argument("--index", type=Path, required=True, help="its index folder (built first if missing)")
    p.add_argument("--configs", default=",".join(DEFAULT_CONFIGS), help=f"comma-separated, of: {', '.join(CONFIGS)}")
    p.add_argument("--endpoints", default=",".join(ENDPOINTS), help="comma-separated, of: ask, chat")
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--seconds", type=float, default=20.0, help="per server and endpoint")
    p.add_argument("--port", type=int, default=7871)
    p.add_argument("--code", type=Path, default=ROOT, help="the checkout that is served (default: this one)")
    p.add_argument("--out", type=Path, default=None, help="write the report here as well")
    args = p.parse_args(argv)
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    if unknown := [c for c in configs if c not in CONFIGS]:
        p.error(f"unknown configuration {unknown[0]!r}; choose from: {', '.join(CONFIGS)}")
    endpoints = [e.strip() for e in args.endpoints.split(",") if e.strip()]
    if unknown := [e for e in endpoints if e not in ENDPOINTS]:
        p.error(f"unknown endpoint {unknown[0]!r}; choose from: {', '.join(ENDPOINTS)}")
    result = measure(args.corpus, args.index, configs, endpoints, users=args.users, seconds=args.seconds,
                     port=args.port, code=args.code)  # fmt: skip
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    out(text)
    return 0 if all(r["errors"] == r["crossed"] == 0 for r in result["runs"]) else 1


def measure(corpus: Path, index: Path, configs: list[str], endpoints: list[str], *, users: int = 20,
            seconds: float = 20.0, port: int = 7871, code: Path = ROOT) -> dict[str, Any]:  # fmt: skip
    """Each configuration served in turn over `corpus` and `index`, each endpoint loaded for `seconds`
    by `users` clients: the report (machine, how, code, corpus, runs)."""
    from rag.bench.load import default_questions, run_load
    from rag.machine import machine

    url = f"http://127.0.0.1:{port}"
    runs = []
    for name in configs:
        with _Server(code, CONFIGS[name], corpus, index, port) as server:
            for endpoint in endpoints:
                report = asyncio.run(
                    run_load(url, endpoint, default_questions(), users=users, seconds=seconds, server_pid=server.pid)
                )
                runs.append({"server": name, "python_args": CONFIGS[name], **report})
    return {
        "machine": machine(),
        "how": f"{users} clients for {seconds:g} s per server and endpoint, one server at a time, "
        "python -m rag.bench.servers",
        "code": _commit(code),
        "corpus": str(corpus),
        "articles": sum(1 for f in corpus.iterdir() if f.is_file()),
        "runs": runs,
    }


class _Server:
    """`python ARGS` in a checkout, over a corpus and index, on a loopback port; stopped on exit."""

    def __init__(self, code: Path, args: list[str], corpus: Path, index: Path, port: int) -> None:
        self.cmd = [sys.executable, *args, "--port", str(port)]
        self.env = {**os.environ, "RAG_CORPUS_DIR": str(corpus.resolve()), "RAG_INDEX_DIR": str(index.resolve()),
                    "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(code)}  # fmt: skip
        self.cwd, self.url = code, f"http://127.0.0.1:{port}/api/status"
        self.workers = int(args[args.index("--workers") + 1]) if "--workers" in args else 0
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - open from start to stop, closed in __exit__
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def __enter__(self) -> _Server:
        self.proc = subprocess.Popen(self.cmd, cwd=self.cwd, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + READY_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                message = f"{' '.join(self.cmd)} stopped (exit {self.proc.returncode}): {self._tail()}"
                self.__exit__()
                raise RuntimeError(message)
            try:
                with urllib.request.urlopen(self.url, timeout=5) as reply:  # noqa: S310 - loopback
                    # Every worker must be listening: a client's connection stays with the one it met.
                    if reply.status == 200 and self._tail(None).count(" ready") >= self.workers:
                        return self
            except OSError:
                pass
            time.sleep(0.5)
        message = f"{' '.join(self.cmd)} did not answer {self.url} in {READY_S:g} s: {self._tail()}"
        self.__exit__()
        raise RuntimeError(message)

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # the server stops its workers
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def _tail(self, chars: int | None = 1500) -> str:
        self.log.seek(0)
        text = self.log.read().decode("utf-8", "replace")
        return text[-chars:] if chars else text


def _commit(code: Path) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(code), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    except OSError:
        return None
    return done.stdout.strip() or None


if __name__ == "__main__":
    sys.exit(main())
