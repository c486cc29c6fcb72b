"""The least an answer served over HTTP can cost on this machine: `python app.py --api-only
--workers N`'s serving path (worker processes on one port, uvicorn, FastAPI, the same request
schemas, a JSON reply), with no search and no answer behind it. With `--model`, each question
also takes its pass through the embedding model, as every real answer does first.

`python -m rag.bench.servers --configs "http floor,model floor,api workers"` serves these beside
the real server, so the answers per second of each say where an answer's time goes: the floors
are the most any answering code could reach here with this HTTP stack and this model.

    python -m rag.api.floor --port 7871 --workers 2 --model
"""

from __future__ import annotations

import argparse
import sys

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from rag.api import chat
from rag.api.schemas import AskRequest, ChatRequest  # module level: FastAPI reads the annotations by name
from rag.config import Settings


def floor_app(embed=None) -> FastAPI:
    """`POST /api/ask` and `POST /v1/chat/completions` that read the request as the real ones do
    and reply with the question's first vector component (`embed`), or the question itself."""
    app = FastAPI()

    def reply(question: str) -> str:
        return f"{float(embed(question)[0]):.6f}" if embed else question

    @app.get("/api/status")
    async def status() -> JSONResponse:
        return JSONResponse({"floor": True})

    @app.post("/api/ask")
    async def ask(body: AskRequest) -> JSONResponse:
        return JSONResponse({"question": body.question, "answer": reply(body.question), "citations": []})

    @app.post("/v1/chat/completions")
    async def chat_completions(body: ChatRequest) -> JSONResponse:
        question, _history = chat.question_and_history(body.messages)
        message = {"role": "assistant", "content": reply(question)}
        return JSONResponse(
            {"object": "chat.completion", "choices": [{"index": 0, "message": message}], "citations": []}
        )

    return app


def http_worker(settings: Settings) -> None:
    """A worker of the HTTP floor (module level: worker processes are spawned, not forked)."""
    from rag.api.workers import serve_worker

    serve_worker(floor_app(), settings)


def model_worker(settings: Settings) -> None:
    """A worker of the model floor: the engine's embedder, warmed up, behind the HTTP floor."""
    from rag.api.workers import serve_worker
    from rag.index.embed import get_embedder

    embedder = get_embedder(settings)
    embedder.embed_query("warm up")
    serve_worker(floor_app(embedder.embed_query), settings)


def main(argv: list[str] | None = None) -> int:
    from rag.api.workers import serve_workers

    p = argparse.ArgumentParser(prog="python -m rag.api.floor", description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=7871)
    p.add_argument("--workers", type=int, default=2, help="processes on the port, as app.py --workers")
    p.add_argument("--model", action="store_true", help="embed each question with the engine's model")
    args = p.parse_args(argv)
    settings = Settings.from_env().replace(port=args.port, workers=args.workers, api_only=True)
    print(f"floor server on http://{settings.host}:{settings.port}/ in {args.workers} processes", flush=True)
    serve_workers(settings, model_worker if args.model else http_worker)
    return 0


if __name__ == "__main__":
    sys.exit(main())
