"""Serving on one port from several processes: `python app.py --api-only --workers N`, and the
floor servers of the load benchmark (`rag.api.floor`)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import time
from collections.abc import Callable

from fastapi import FastAPI

from rag.config import Settings
from rag.errors import ConfigError


def serve_workers(settings: Settings, target: Callable[[Settings], None]) -> None:
    """`settings.workers` processes answering on one port until SIGINT or SIGTERM; a worker that
    dies is started again. `target(settings)` is what each process runs (module level: processes
    are spawned): it ends by calling `serve_worker`, so each listens on its own socket with
    SO_REUSEPORT and the kernel spreads new connections evenly across them (on one shared socket,
    the first worker awake accepts most of a burst of keep-alive clients)."""
    guard = bind(settings)  # fails here, before any worker starts, when the port is taken
    # spawn, not fork: the parent's ONNX Runtime and SQLite handles must not be shared.
    context = multiprocessing.get_context("spawn")
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    workers = []
    try:
        workers = [_start_worker(context, settings, target) for _ in range(settings.workers)]
        print(f"serving on http://{settings.host}:{settings.port}/: the APIs /api/..., /v1/... in "
              f"{settings.workers} processes (pids {', '.join(str(w.pid) for w in workers)})", flush=True)  # fmt: skip
        while not stopping:
            time.sleep(0.5)
            for i, worker in enumerate(workers):
                if not worker.is_alive() and not stopping:
                    print(f"worker {worker.pid} stopped (exit code {worker.exitcode}); starting another", flush=True)
                    workers[i] = _start_worker(context, settings, target)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.kill()
        guard.close()
        for s, handler in previous.items():
            signal.signal(s, handler)


def bind(settings: Settings) -> socket.socket:
    """A socket bound to the server's address with SO_REUSEPORT (not yet listening)."""
    sock = socket.socket(socket.AF_INET6 if ":" in settings.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"cannot listen on {settings.host}:{settings.port} ({exc.strerror}): stop what uses it, or pick "
            "another port with --port"
        ) from exc
    return sock


def _start_worker(context, settings: Settings, target):
    worker = context.Process(target=target, args=(settings,), daemon=True)
    worker.start()
    return worker


def serve_worker(app: FastAPI, settings: Settings) -> None:
    """Serve `app` in this worker process on its own SO_REUSEPORT socket of the port, until SIGTERM."""
    import uvicorn

    sock = bind(settings)
    sock.listen(2048)
    print(f"worker {os.getpid()} ready", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[sock])
