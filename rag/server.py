"""The server of `python app.py` and `rag serve`: the HTTP APIs (`rag.api`) with the Gradio chat
(`rag.web`) mounted on the same FastAPI app, in one process, on one port, served by uvicorn.

    http://127.0.0.1:7860/                 the chat (its gradio_client endpoint: /ask)
    http://127.0.0.1:7860/api/...          the JSON API        /v1/...   the OpenAI-compatible chat
    http://127.0.0.1:7860/openapi.json     their schema

`--api-only` serves the APIs without the chat; with it, `--workers N` answers in N processes that
share the one listening socket (each with its own engine), so a program's load uses every core.
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse  # noqa: E402
import multiprocessing  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402

from fastapi import FastAPI  # noqa: E402

from rag.config import Settings, add_serving_flags  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.errors import ConfigError  # noqa: E402

CHAT_CONCURRENCY = 4  # chat answers at once (Gradio's queue); the APIs use the thread pool


def build_server(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """The APIs over `engine` (by default one built from `settings`), with the chat mounted at /
    (without it when `settings.api_only`)."""
    from rag.api.app import create_api

    engine = engine or Engine(settings)
    api = create_api(engine)
    if settings.api_only:
        return api
    import gradio as gr

    from rag.web.app import build_app, mount_options

    demo = build_app(settings, engine)
    demo.queue(default_concurrency_limit=CHAT_CONCURRENCY)
    return gr.mount_gradio_app(
        api, demo, path="/", server_name=settings.host, server_port=settings.port, **mount_options(settings)
    )


def parse_args(argv: list[str] | None, settings: Settings | None = None) -> Settings:
    """`settings` (default: from the environment) with the --host and --port of `argv`."""
    parser = argparse.ArgumentParser(prog="app.py", description="the web chat and the HTTP APIs (same as `rag serve`)")
    parser.add_argument("--host", default=None, help="interface to listen on (default 127.0.0.1, or $RAG_HOST)")
    parser.add_argument("--port", type=int, default=None, help="port (default 7860, or $RAG_PORT)")
    parser.add_argument("--watch", action="store_true", default=None,
                        help="re-index while files in the corpus folder change (or RAG_WATCH=1)")  # fmt: skip
    add_serving_flags(parser)
    args = parser.parse_args(argv)
    settings = settings or Settings.from_env()
    flags = (("host", args.host), ("port", args.port), ("watch", args.watch), ("api_only", args.api_only),
             ("workers", args.workers))  # fmt: skip
    return settings.replace(**{k: v for k, v in flags if v is not None})


def main(settings: Settings | None = None, argv: list[str] | None = None) -> None:
    """Build or update the index, load the model, then serve until stopped."""
    import uvicorn

    settings = parse_args(argv, settings)
    settings.auth_pair()  # a malformed RAG_AUTH stops here, before anything is loaded
    engine = Engine(settings)
    engine.start(note=print)  # builds or updates the index once, before any worker reads it
    watcher = _watch(settings, engine)
    if settings.workers > 1:
        try:
            _serve_workers(settings)
        finally:
            if watcher is not None:
                watcher.stop()
        return
    app = build_server(settings, engine)
    what = "the APIs /api/..., /v1/..." if settings.api_only else "/ (chat), /api/..., /v1/... (APIs)"
    print(f"serving on http://{settings.host}:{settings.port}/: {what}", flush=True)
    try:
        # The chat's open event streams would hold a graceful shutdown forever: give them 5 s.
        uvicorn.run(
            app, host=settings.host, port=settings.port, log_level="warning", access_log=False,
            timeout_graceful_shutdown=5,
        )  # fmt: skip
    finally:
        if watcher is not None:
            watcher.stop()


def _watch(settings: Settings, engine: Engine):
    """With `settings.watch`, a running `CorpusWatcher`: new answers see articles copied in meanwhile."""
    if not settings.watch:
        return None
    from rag.watch.folder import CorpusWatcher

    watcher = CorpusWatcher(engine, note=lambda m: print(f"watch: {m}", flush=True)).start()
    print(f"watching {settings.corpus_dir}/: re-indexing {watcher.debounce:g} s after files change", flush=True)
    return watcher


def _serve_workers(settings: Settings) -> None:
    """`settings.workers` processes answering on one port until SIGINT or SIGTERM; a worker that
    dies is started again. Each loads its own engine from the index on disk (ingests by this process
    or `rag ingest` reach them: an engine re-reads the index when its files change) and listens on
    its own socket with SO_REUSEPORT, so the kernel spreads new connections evenly across them (on
    one shared socket, the first worker awake accepts most of a burst of keep-alive clients)."""
    guard = _bind(settings)  # fails here, before any worker starts, when the port is taken
    # spawn, not fork: the parent's ONNX Runtime and SQLite handles must not be shared.
    context = multiprocessing.get_context("spawn")
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    workers = []
    try:
        workers = [_start_worker(context, settings) for _ in range(settings.workers)]
        print(f"serving on http://{settings.host}:{settings.port}/: the APIs /api/..., /v1/... in "
              f"{settings.workers} processes (pids {', '.join(str(w.pid) for w in workers)})", flush=True)  # fmt: skip
        while not stopping:
            time.sleep(0.5)
            for i, worker in enumerate(workers):
                if not worker.is_alive() and not stopping:
                    print(f"worker {worker.pid} stopped (exit code {worker.exitcode}); starting another", flush=True)
                    workers[i] = _start_worker(context, settings)
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


def _bind(settings: Settings) -> socket.socket:
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


def _start_worker(context, settings: Settings):
    worker = context.Process(target=_worker, args=(settings,), daemon=True)
    worker.start()
    return worker


def _worker(settings: Settings) -> None:
    """One API worker: its own engine, and uvicorn on its own socket of the port (SIGTERM stops it)."""
    import uvicorn

    engine = Engine(settings)
    engine.start(note=lambda message: None)
    sock = _bind(settings)
    sock.listen(2048)
    print(f"worker {os.getpid()} ready", flush=True)
    config = uvicorn.Config(build_server(settings, engine), log_level="warning", access_log=False,
                            timeout_graceful_shutdown=5)  # fmt: skip
    uvicorn.Server(config).run(sockets=[sock])
