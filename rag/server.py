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

from fastapi import FastAPI  # noqa: E402
from starlette.routing import Match, Mount  # noqa: E402
from starlette.types import Scope  # noqa: E402

from rag.api.app import is_api_path, route_path  # noqa: E402
from rag.api.workers import serve_worker, serve_workers  # noqa: E402
from rag.config import Settings, add_serving_flags  # noqa: E402
from rag.engine import Engine  # noqa: E402

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
    app = gr.mount_gradio_app(
        api, demo, path="/", server_name=settings.host, server_port=settings.port, **mount_options(settings)
    )
    mount = app.router.routes[-1]
    assert isinstance(mount, Mount) and mount.path == "", mount
    app.router.routes[-1] = _ChatMount("/", app=mount.app, name=mount.name)
    return app


class _ChatMount(Mount):
    """The chat's mount at /, which leaves the API paths to the API: a mount at / matches every
    path, so a wrong method or a trailing slash there got Gradio's 404, not the API's 405 or
    redirect. (Gradio serves nothing under /api/ or /v1/: its own API is under /gradio_api/.)"""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and is_api_path(route_path(scope)):
            return Match.NONE, {}
        return super().matches(scope)


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
            serve_workers(settings, _worker)
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


def _worker(settings: Settings) -> None:
    """One API worker: its own engine, and uvicorn on its own socket of the port (SIGTERM stops it).
    The engine reads the index on disk, so ingests by the parent or by `rag ingest` reach it: an
    engine re-reads the index when its files change."""
    engine = Engine(settings)
    engine.start(note=lambda message: None)
    serve_worker(build_server(settings, engine), settings)
