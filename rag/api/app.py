"""The HTTP APIs on FastAPI: a plain JSON API and an OpenAI-compatible chat, over one `Engine`.

    POST /api/search            {"question", "k"?, "mode"?, "mmr"?, filters?}  -> the `rag search --json` object
    POST /api/timeline          {"question", "k"?, "mode"?, filters?}       -> the `rag timeline --json` object
    POST /api/ask               {"question", "k"?, "retrieval_mode"?, "answer_mode"?, "history"?, filters?}
                                                                             -> the `rag ask --json` object
                                filters: "after"?, "before"? (yyyy-mm-dd), "outlet"?, "author"? (a name or a list)
    GET  /api/status                                                         -> the `rag status --json` object
    GET  /v1/models                                                          -> the archive as one model
    POST /v1/chat/completions   OpenAI's request; `stream` true or false     -> answer text with [n], `citations`
    GET  /openapi.json                                                       -> the schema of all of the above

`rag.server` mounts the Gradio chat on the same app. With `RAG_AUTH=user:password` every route
here wants `Authorization: Bearer <password>` (the chat has its own login page), checked before
the body is read.

Bad input gets a 4xx with a message: 422 for a body the schema refuses (the OpenAI routes: 400,
in OpenAI's error shape, as its clients expect), 400 for a question the answerer refuses, 401
without the token, 404 for another model, 413 for a body over `MAX_BODY`; 503 when the index
cannot be read (the message says what to run).
"""

from __future__ import annotations

import asyncio
import hmac
import os
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rag.answer.extractive import BadQuestion, clean_question
from rag.answer.timeline import timeline_json
from rag.api import chat
from rag.api.schemas import (
    MAX_BODY,
    AskRequest,
    AskResponse,
    ChatCompletion,
    ChatRequest,
    ErrorResponse,
    FilteredSearchResponse,
    ModelList,
    OpenAIError,
    SearchRequest,
    StatusResponse,
    TimelineRequest,
    TimelineResponse,
)
from rag.config import Settings
from rag.engine import Engine
from rag.errors import ConfigError, RagError
from rag.records import Answer
from rag.search.filters import Filters
from rag.serialize import api_answer_json, api_hit_json, status_json

OPENAI_PREFIX = "/v1/"
NEEDS_TOKEN = "this server needs a token: send 'Authorization: Bearer <password>', the password of RAG_AUTH"
TOO_LARGE = f"the request body is larger than {MAX_BODY // 2**20} MiB ({MAX_BODY} bytes), the most this server takes"
ANSWERING_AT_ONCE = max(2, os.cpu_count() or 2)  # engine calls at once in one process: one per core
LLM_AT_ONCE = 8  # LLM answers at once per process (each waits on the LLM server; the rest queue)
KEEP_ALIVE = 5.0  # seconds between the comments that keep a streamed LLM answer's connection alive
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "the question cannot be answered as asked"},
    401: {"model": ErrorResponse, "description": "RAG_AUTH is set and the bearer token is missing or wrong"},
    413: {"model": ErrorResponse, "description": "the request body is larger than the server takes"},
    503: {"model": ErrorResponse, "description": "the index is missing or damaged; the message says what to run"},
}
_OPENAI_ERRORS: dict[int | str, dict[str, Any]] = {
    **{status: {**doc, "model": OpenAIError} for status, doc in _ERRORS.items()},
    400: {"model": OpenAIError, "description": "a request the schema or the answerer refuses"},
    404: {"model": OpenAIError, "description": "no such model"},
}


def create_api(engine: Engine) -> FastAPI:
    """The FastAPI app of the JSON and OpenAI-compatible APIs over `engine` (and its settings)."""
    api = FastAPI(
        title="News RAG",
        summary="Citation-first answers from your news articles",
        version="1.0",
        docs_url=None,  # Swagger UI loads its scripts from a CDN: the app loads nothing from outside
        redoc_url=None,
        openapi_url=None,  # served below, behind the same token as every route
    )
    auth = engine.settings.auth_pair()
    api.add_middleware(_Gate, token=None if auth is None else _token(auth))
    needs = [Depends(_guard(auth))]
    answering = _Answering(engine.settings)

    def info() -> Callable[[str], dict[str, Any]]:
        """Article metadata (outlet, date, author) for citations, from the manifest of the generation
        current when an answer is written: one look per request, not per citation."""
        manifest = engine.snapshot().manifest
        return lambda doc_id: manifest.document(doc_id) if manifest else {}

    @api.get("/openapi.json", include_in_schema=False, dependencies=needs)
    def openapi() -> JSONResponse:
        return JSONResponse(api.openapi())

    @api.post("/api/search", response_model=FilteredSearchResponse, responses=_ERRORS, dependencies=needs, tags=["api"])
    async def search(body: SearchRequest) -> Response:
        """The passages that best match the question (the `rag search --json` object)."""

        def run() -> Response:
            clean_question(body.question, engine.settings.max_question_chars)  # a blank one is a 400, as in ask
            filters = Filters.build(**body.filter_args())
            result = engine.search(body.question, k=body.k, mode=body.mode, mmr=body.mmr, filters=filters)
            out: dict[str, Any] = {"query": body.question, "mode": result.mode}
            out["hits"] = [api_hit_json(h, info()) for h in result.hits]
            if result.notes:
                out["notes"] = list(result.notes)
            return JSONResponse(out)

        return await answering("extractive", run)

    @api.post("/api/ask", response_model=AskResponse, responses=_ERRORS, dependencies=needs, tags=["api"])
    async def ask(body: AskRequest) -> Response:
        """Answer from the articles, each claim marked [n] with its citation (the `rag ask --json` object)."""
        history = [(t.question, t.answer) for t in body.history]

        def run() -> Response:
            answer = engine.ask(
                body.question, history, k=body.k, retrieval_mode=body.retrieval_mode, answer_mode=body.answer_mode,
                filters=Filters.build(**body.filter_args()),
            )  # fmt: skip
            return JSONResponse(api_answer_json(answer, info()))

        return await answering(body.answer_mode, run)

    @api.post("/api/timeline", response_model=TimelineResponse, responses=_ERRORS, dependencies=needs, tags=["api"])
    async def timeline(body: TimelineRequest) -> Response:
        """The fact each article gives about a question or a name, ordered by article date (`rag timeline --json`)."""

        def run() -> Response:
            filters = Filters.build(**body.filter_args())
            return JSONResponse(
                timeline_json(engine.timeline(body.question, k=body.k, mode=body.mode, filters=filters))
            )

        return await answering("extractive", run)

    @api.get("/api/status", response_model=StatusResponse, responses=_ERRORS, dependencies=needs, tags=["api"])
    async def status() -> Response:
        """What the index holds, whether the corpus changed since it was built, and whether the index
        can be read (`problem`)."""
        return await answering(None, lambda: JSONResponse(status_json(engine.status(check=True))), waits=True)

    _add_openai_routes(api, engine, needs, info, answering)
    api.add_exception_handler(RequestValidationError, _invalid)
    api.add_exception_handler(StarletteHTTPException, _http_error)  # FastAPI's, and the router's 404/405
    return api


def _add_openai_routes(
    api: FastAPI,
    engine: Engine,
    needs: list,
    info: Callable[[], Callable[[str], dict[str, Any]]],
    answering: _Answering,
) -> None:
    """`GET /v1/models` and `POST /v1/chat/completions`: the archive as an OpenAI-compatible model."""

    @api.get("/v1/models", response_model=ModelList, responses=_OPENAI_ERRORS, dependencies=needs, tags=["openai"])
    def models() -> Response:
        """The archive, as the one model of the OpenAI-compatible chat."""
        return JSONResponse(chat.model_list())

    @api.post(
        "/v1/chat/completions",
        response_model=ChatCompletion,
        responses=_OPENAI_ERRORS,
        dependencies=needs,
        tags=["openai"],
    )
    async def chat_completions(body: ChatRequest) -> Response:
        """An OpenAI chat completion (`stream`: server-sent chunks). The last user message is the
        question, earlier user/assistant pairs are the conversation; the reply's text keeps the
        [n] markers and `citations` holds their sources."""
        if body.model != chat.MODEL_ID:
            raise HTTPException(404, f"the model {body.model!r} does not exist; this server has {chat.MODEL_ID!r}")
        try:
            question, history = chat.question_and_history(body.messages)
        except chat.BadMessages as exc:
            raise HTTPException(400, str(exc)) from exc

        def ask() -> Answer:
            return engine.ask(
                question, history, k=body.k, retrieval_mode=body.retrieval_mode, answer_mode=body.answer_mode,
                filters=Filters.build(**body.filter_args()),
            )  # fmt: skip

        if body.stream and answering.writes_with_llm(body.answer_mode):
            # An LLM answer takes seconds: the stream opens at once and stays alive meanwhile. What
            # can be refused is refused first, while a status can still say so.
            try:
                clean_question(question, engine.settings.max_question_chars)
                Filters.build(**body.filter_args())
            except (BadQuestion, ConfigError) as exc:
                raise HTTPException(400, str(exc)) from exc
            return StreamingResponse(answering.stream(ask, info), media_type="text/event-stream")

        def run() -> Response:
            answer = ask()
            if body.stream:
                return StreamingResponse(chat.completion_chunks(answer, info()), media_type="text/event-stream")
            return JSONResponse(chat.completion(answer, info()))

        return await answering(body.answer_mode, run)


class _Answering:
    """Runs each engine call: library errors become HTTP errors (a refused question 400, an
    unreadable index 503), and CPU-bound calls (extractive answers, searches) run where they cost
    least.

    - In an API worker (`--api-only --workers N`, N > 1) they run on the event loop's own thread,
      one at a time: the worker is one core's process, and handing each request to a pool thread
      and back cost about 2 ms of CPU of the 14 an answer took (measured 2026-12-01, README "For
      programs", Load). Ten ms of blocking is then what a worker exists for: the kernel spreads
      the clients over the workers.
    - Beside the chat, in one process, they run on FastAPI's pool of threads, at most
      `ANSWERING_AT_ONCE` at once. Twenty clients at once had twenty threads taking turns on
      Python's lock, and every answer cost about twice the CPU (29 ms against 14.5). The others
      wait on the gate, which costs nothing.
    - LLM answers spend their time waiting on the LLM server: they run on threads of their own,
      at most `LLM_AT_ONCE` at once (the others wait without a thread), so that slow LLM answers
      cannot take every thread of the pool from the rest (45 of them left extractive answers and
      `/v1/models` without a reply). `status` reads the corpus folder: on the pool, not gated.
    """

    def __init__(self, settings: Settings) -> None:
        self.llm_default = settings.llm_enabled
        self.inline = settings.api_only and settings.workers > 1
        self.gate = threading.BoundedSemaphore(ANSWERING_AT_ONCE)
        self.llm_threads = anyio.CapacityLimiter(LLM_AT_ONCE)

    def _mode(self, answer_mode: str | None) -> str:
        return answer_mode or ("llm" if self.llm_default else "extractive")

    async def __call__(self, answer_mode: str | None, run: Callable[[], Response], waits: bool = False) -> Response:
        try:
            if self._mode(answer_mode) != "extractive":
                return await anyio.to_thread.run_sync(run, limiter=self.llm_threads)
            if waits:
                return await run_in_threadpool(run)
            if self.inline:
                return run()
            return await run_in_threadpool(self._gated, run)
        except (BadQuestion, ConfigError) as exc:
            raise HTTPException(400, str(exc)) from exc
        except RagError as exc:
            raise HTTPException(503, str(exc)) from exc

    def _gated(self, run: Callable[[], Response]) -> Response:
        with self.gate:
            return run()

    def writes_with_llm(self, answer_mode: str | None) -> bool:
        """Whether the answer asked for is an LLM's, and one is configured."""
        return self._mode(answer_mode) == "llm" and self.llm_default

    async def stream(self, ask: Callable[[], Answer], info: Callable[[], Any]) -> AsyncIterator[str]:
        """The events of a streamed LLM answer (`chat.ChunkStream`): the opening chunk at once, a
        keep-alive comment every `KEEP_ALIVE` seconds while the LLM writes and the citations are
        checked (on one of the `LLM_AT_ONCE` threads), then the answer; an error the answerer
        raises once the stream has begun goes out as OpenAI's error event."""
        events = chat.ChunkStream()
        yield events.start()
        work = asyncio.ensure_future(anyio.to_thread.run_sync(ask, limiter=self.llm_threads))
        # A client that leaves does not stop the thread; what it ends with is read and dropped.
        work.add_done_callback(lambda done: done.cancelled() or done.exception())
        while not (await asyncio.wait({work}, timeout=KEEP_ALIVE))[0]:
            yield events.waiting()
        try:
            answer = work.result()
        except (BadQuestion, ConfigError) as exc:
            yield events.error(str(exc), "invalid_request_error")
            return
        except RagError as exc:
            yield events.error(str(exc))
            return
        for event in events.finish(answer, info()):
            yield event


def _guard(auth: tuple[str, str] | None):
    """The dependency every route takes: the bearer token when RAG_AUTH is set, else nothing
    (and then the schema declares no security either: it says what the server does). `_Gate`
    has refused a request without it before its body was read; this declares the scheme in the
    schema. Async, as FastAPI runs a plain function on a pool thread: a hand-off for every request."""
    if auth is None:
        return _open
    bearer = HTTPBearer(auto_error=False, description="the password of RAG_AUTH")
    token = _token(auth)

    async def check(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:  # noqa: B008
        if credentials is None or not _token_matches(credentials.credentials, token):
            raise HTTPException(401, NEEDS_TOKEN, headers={"WWW-Authenticate": "Bearer"})

    return check


def _token(auth: tuple[str, str]) -> bytes:
    """The bearer token of RAG_AUTH: its password, as the UTF-8 bytes a client sends."""
    return auth[1].encode()


def _token_matches(credentials: str, token: bytes) -> bool:
    """Whether the credentials of an `Authorization: Bearer` header are `token`, in constant time.
    Starlette decodes headers as latin-1: encoding back gives the bytes the client sent."""
    return hmac.compare_digest(credentials.encode("latin-1"), token)


class _Gate:
    """ASGI middleware on the API paths; the chat's pass (Gradio has its own login and upload limit).
    With RAG_AUTH set, a request without the token gets its 401 before any of its body is read (a
    dependency runs only once FastAPI has read and parsed it). A body over `MAX_BODY` bytes gets a
    413: by its Content-Length before it is read, or (chunked) once the bytes received pass it."""

    def __init__(self, app: ASGIApp, token: bytes | None, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.token = token
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api_path(path := route_path(scope)):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if self.token is not None:
            scheme, credentials = get_authorization_scheme_param(headers.get("authorization"))
            if scheme.lower() != "bearer" or not _token_matches(credentials, self.token):
                await _error(path, 401, NEEDS_TOKEN, {"WWW-Authenticate": "Bearer"})(scope, receive, send)
                return
        try:
            declared = int(headers.get("content-length", "0"))
        except ValueError:  # uvicorn refuses a malformed one; the count below holds anyway
            declared = 0
        if declared > self.max_body:
            await _error(path, 413, TOO_LARGE)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise HTTPException(413, TOO_LARGE)  # FastAPI's body reading passes it to `_http_error`
            return message

        await self.app(scope, counted, send)


async def _open() -> None:
    """Without RAG_AUTH the server listens on loopback only (RAG_HOST), as the chat does."""


def route_path(scope: Scope) -> str:
    """The request's path as the routes see it: without the prefix a proxy serves the app under
    (`root_path`, e.g. uvicorn --root-path /news), which ASGI servers keep in `path`.

    >>> route_path({"path": "/news/api/ask", "root_path": "/news"}), route_path({"path": "/api/ask"})
    ('/api/ask', '/api/ask')
    """
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root) :] or "/" if root and path.startswith(root) else path


def is_api_path(path: str) -> bool:
    """Whether `path` is the APIs' (a route, or any path under theirs) rather than the chat's."""
    return path.startswith(("/api/", OPENAI_PREFIX)) or path.rstrip("/") == "/openapi.json"


def _is_openai(request: Request) -> bool:
    return request.url.path.startswith(OPENAI_PREFIX)


def _error(path: str, status: int, detail: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    """An error in the shape of `path`: OpenAI's under /v1/, FastAPI's {"detail": ...} elsewhere."""
    if path.startswith(OPENAI_PREFIX):
        return _openai_error(status, str(detail), headers)
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _openai_error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    kind = {401: "authentication_error", 404: "not_found_error", 503: "server_error"}.get(
        status, "invalid_request_error"
    )
    code = "model_not_found" if status == 404 else None
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return JSONResponse(body, status_code=status, headers=headers)


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if _is_openai(request):
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:])
        return _openai_error(400, f"{where}: {first.get('msg', 'invalid request')}" if where else "invalid request")
    return JSONResponse({"detail": _jsonable(errors)}, status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return _error(request.url.path, exc.status_code, exc.detail, exc.headers)


def _jsonable(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validation errors without their `ctx`/`input` objects (an exception or bytes do not encode)."""
    return [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in errors]
