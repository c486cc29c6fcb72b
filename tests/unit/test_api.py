"""The HTTP APIs (`rag.api`): the JSON API and the OpenAI-compatible chat over an Engine with the
fake embedder, served by uvicorn on a loopback port and called with the real `openai` client;
the auth of RAG_AUTH on every route; the MCP tools; and schemathesis fuzzing against the schema."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from rag.answer.timeline import timeline_json
from rag.api import chat
from rag.api.app import TOO_LARGE, create_api
from rag.api.schemas import MAX_BODY, MAX_MESSAGES, MAX_PARTS, MAX_TEXT, MAX_TURNS
from rag.config import Settings
from rag.engine import Engine
from rag.index.build import ingest
from rag.serialize import answer_json, api_answer_json, api_hit_json, hit_json, source_json, status_json
from tests.conftest import SSE_DONE, free_port, sse_chunk

WAGONS = "How many wagons of coal did Kazakhstan block?"
DONBASS = "Why did Tokayev refuse to recognise the Donbass republics?"
FOLLOW_UP = "Why did he do that?"  # names no one: only the history says who "he" is
PERU = "What is the capital of Peru?"  # the articles don't say
TOKAYEV = "What about Tokayev?"  # for a timeline: every article names him


@pytest.fixture
def engine(settings, fake_embedder) -> Engine:
    ingest(settings, embedder=fake_embedder)
    return Engine(settings, fake_embedder)


@contextlib.contextmanager
def running(app, root_path: str = "") -> Iterator[str]:
    """`app` served by uvicorn on a free loopback port in this process; yields its URL. With
    `root_path`, as behind a proxy that serves it under that prefix (`uvicorn --root-path`)."""
    import uvicorn

    config = uvicorn.Config(
        app, host="127.0.0.1", port=free_port(), log_level="warning", timeout_graceful_shutdown=2, root_path=root_path
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(params=["threads", "inline"])
def url(request, engine) -> Iterator[str]:
    """The APIs as one process serves them beside the chat (engine calls on a pool of threads),
    and as an API worker of `--workers 2` does (on the event loop's thread)."""
    if request.param == "inline":
        engine = Engine(engine.settings.replace(api_only=True, workers=2), engine.embedder)
    with running(create_api(engine)) as url:
        yield url


@pytest.mark.parametrize("workers", [1, 2])
def test_api_workers_answer_on_the_event_loop_and_one_process_on_its_pool(engine, workers):
    """An API worker of `--workers 2` runs extractive answers on its event loop's thread (no hand-off
    to a pool thread and back); one process answers on the pool; LLM answers always go to the pool."""
    import asyncio

    served = Engine(engine.settings.replace(api_only=True, workers=workers), engine.embedder)
    on_loop: list[bool] = []
    ask = served.ask

    def recording(*args, **kwargs):
        try:
            on_loop.append(asyncio.get_running_loop() is not None)
        except RuntimeError:
            on_loop.append(False)
        return ask(*args, **kwargs)

    served.ask = recording  # type: ignore[method-assign]
    with running(create_api(served)) as url:
        got = httpx.post(f"{url}/api/ask", json={"question": WAGONS}).json()
        llm = httpx.post(f"{url}/api/ask", json={"question": WAGONS, "answer_mode": "llm"})
    assert without_timings(got) == without_timings(api_answer_json(engine.ask(WAGONS), info_of(engine)))
    assert llm.status_code == 400 and "llm" in llm.json()["detail"].lower()  # no LLM server is set
    assert on_loop == [workers == 2, False]


def info_of(engine: Engine):
    return lambda doc_id: engine.snapshot().manifest.document(doc_id)


def without_timings(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if k != "timings_ms"}


# ---------------------------------------------------------------- the JSON API


def test_search_gives_the_cli_object_with_outlet_and_date(url, engine):
    got = httpx.post(f"{url}/api/search", json={"question": WAGONS, "k": 3, "mode": "bm25"}).json()
    result = engine.search(WAGONS, k=3, mode="bm25")
    assert got == {"query": WAGONS, "mode": "bm25", "hits": [api_hit_json(h, info_of(engine)) for h in result.hits]}
    assert len(got["hits"]) == 3 and set(got["hits"][0]) == set(hit_json(result.hits[0])) | {"outlet", "date", "author"}


def test_ask_gives_the_cli_object_plus_article_fields(url, engine):
    got = httpx.post(f"{url}/api/ask", json={"question": WAGONS}).json()
    want = api_answer_json(engine.ask(WAGONS), info_of(engine))
    assert without_timings(got) == without_timings(want)
    assert "[1]" in got["answer"] and not got["abstained"]
    cli = answer_json(engine.ask(WAGONS))
    assert set(got) >= set(cli) and set(got["citations"][0]) >= set(cli["citations"][0])
    assert {k: got["citations"][0][k] for k in cli["citations"][0]} == cli["citations"][0]
    assert got["citations"][0]["date"] == engine.snapshot().manifest.document(got["citations"][0]["doc_id"])["date"]
    peru = httpx.post(f"{url}/api/ask", json={"question": PERU}).json()
    assert peru["abstained"] is True and peru["citations"] == []


def test_ask_follows_up_on_the_history_as_the_chat_does(url, engine):
    first = engine.ask(DONBASS)
    history = [{"question": DONBASS, "answer": first.text}]
    got = httpx.post(f"{url}/api/ask", json={"question": FOLLOW_UP, "history": history}).json()
    want = engine.ask(FOLLOW_UP, [(DONBASS, first.text)])
    assert got["answer"] == want.text and got["answer"] != engine.ask(FOLLOW_UP).text


def test_timeline_gives_the_cli_object(url, engine):
    got = httpx.post(f"{url}/api/timeline", json={"question": TOKAYEV}).json()
    want = timeline_json(engine.timeline(TOKAYEV))
    assert without_timings(got) == without_timings(want) and set(got["timings_ms"]) == set(want["timings_ms"])
    dates = [e["date"] for e in got["entries"]]
    assert dates == sorted(dates) and dates[0].startswith("2022") and dates[-1].startswith("2023")
    assert all(e["date"] is None for e in got["undated"]) and got["entries"][0]["quote"]
    body = {"question": TOKAYEV, "k": 40, "mode": "hybrid", "after": "2023-01-01"}
    later = httpx.post(f"{url}/api/timeline", json=body).json()
    assert later["entries"] and all(e["date"] >= "2023-01-01" for e in later["entries"]) and later["undated"] == []
    assert later["notes"] == ["2 articles without a date were left out by the date filter."]
    by_author = httpx.post(f"{url}/api/timeline", json={**body, "author": ["BETTINA menzel"]}).json()
    assert [e["author"] for e in by_author["entries"]] == ["Bettina Menzel"] and by_author["notes"] == []


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"question": ""}, 422, "at least 1 character"),
        ({"question": " "}, 400, "question is empty"),
        ({"question": TOKAYEV, "k": 101}, 422, "less than or equal to 100"),
        ({"question": TOKAYEV, "after": "2023"}, 400, "yyyy-mm-dd"),
        ({"question": TOKAYEV, "mode": "magic"}, 422, "hybrid"),
    ],
)
def test_timeline_bad_input_is_a_4xx_with_a_message(url, body, status, message):
    r = httpx.post(f"{url}/api/timeline", json=body)
    assert r.status_code == status and message in r.text, r.text


@pytest.mark.parametrize("question", ["   ", "\u0000", "\t\n"])
def test_search_refuses_an_empty_question_as_ask_and_timeline_do(url, question):
    for path in ("/api/search", "/api/ask", "/api/timeline"):
        r = httpx.post(f"{url}{path}", json={"question": question})
        assert r.status_code == 400 and r.json()["detail"].startswith("the question is empty"), (path, r.text)


def test_search_tool_refuses_an_empty_question_as_ask_does(engine):
    import asyncio

    from mcp import Client

    from rag.api.mcp import build_mcp

    async def go(tool: str):
        async with Client(build_mcp(engine)) as client:
            return await client.call_tool(tool, {"question": " \u0000 "})

    for tool in ("search", "ask"):
        result = asyncio.run(go(tool))
        assert result.is_error and "question is empty" in result.content[0].text, tool


def test_status_is_the_cli_object(url, engine):
    assert httpx.get(f"{url}/api/status").json() == status_json(engine.status(check=True))


def test_status_says_when_the_loaded_index_cannot_be_read(url, engine):
    """A chunk table damaged under a serving index: status says so and what to run, not "up to date"."""
    before = httpx.get(f"{url}/api/status").json()
    assert before["problem"] is None and before["describe"] == "index is up to date"
    gen = Path(engine.settings.index_dir) / engine.snapshot().manifest.generation
    (gen / "chunks.sqlite").write_bytes(b"\xde\xad\xbe\xef" * 1024)
    after = httpx.get(f"{url}/api/status").json()
    assert "rag ingest --rebuild" in after["problem"] and after["describe"].startswith("the index cannot be read")
    assert after["stale"] is False and after["counts"] == before["counts"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"question": ""}, 422, "at least 1 character"),
        ({"question": "   "}, 400, "question is empty"),
        ({"question": "?!"}, 400, "no words"),
        ({"question": WAGONS, "k": 0}, 422, "greater than or equal to 1"),
        ({"question": WAGONS, "retrieval_mode": "magic"}, 422, "hybrid"),
        ({"question": WAGONS, "answer_mode": "llm"}, 400, "no LLM is configured"),
        ({"question": WAGONS, "colour": "red"}, 422, "Extra inputs"),
        ({}, 422, "Field required"),
        ([], 422, "valid dictionary"),
    ],
)
def test_bad_input_is_a_4xx_with_a_message(url, body, status, message):
    r = httpx.post(f"{url}/api/ask", json=body)
    assert r.status_code == status and message in r.text, r.text
    assert (
        httpx.post(f"{url}/api/ask", content=b"{not json", headers={"content-type": "application/json"}).status_code
        == 422
    )


def test_an_unreadable_index_is_a_503_that_says_what_to_run(tmp_path, fake_embedder):
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "none")
    with running(create_api(Engine(settings, fake_embedder))) as url:
        r = httpx.post(f"{url}/api/ask", json={"question": WAGONS})
    assert r.status_code == 503 and "rag ingest" in r.json()["detail"]


# ---------------------------------------------------------------- OpenAI-compatible, with the openai client


def test_openai_client_lists_the_archive_as_its_model(url):
    import openai

    client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused")
    assert [m.id for m in client.models.list()] == [chat.MODEL_ID]


def test_openai_client_gets_the_answer_with_markers_and_citations(url, engine):
    import openai

    client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused")
    reply = client.chat.completions.create(model=chat.MODEL_ID, messages=[{"role": "user", "content": WAGONS}])
    answer = engine.ask(WAGONS)
    assert reply.choices[0].message.content == answer.text and "[1]" in answer.text
    assert reply.choices[0].finish_reason == "stop" and reply.model == chat.MODEL_ID
    citations = reply.model_extra["citations"]
    assert citations == [source_json(c, info_of(engine)) for c in answer.citations]
    assert {"n", "title", "outlet", "date", "path", "passage", "quote"} <= set(citations[0])
    assert citations[0]["quote"] in citations[0]["passage"] and reply.model_extra["abstained"] is False
    assert reply.model_extra["unsupported"] == []  # an extractive answer quotes; an LLM's may list sentences here


def test_openai_client_streams_the_same_answer(url, engine):
    import openai

    client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused")
    chunks = list(
        client.chat.completions.create(model=chat.MODEL_ID, messages=[{"role": "user", "content": WAGONS}], stream=True)
    )
    answer = engine.ask(WAGONS)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == answer.text
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["citations"] == [source_json(c, info_of(engine)) for c in answer.citations]
    assert len({c.id for c in chunks}) == 1


def test_openai_messages_drive_follow_ups_as_the_chat_does(url, engine):
    import openai

    client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused")
    first = client.chat.completions.create(model=chat.MODEL_ID, messages=[{"role": "user", "content": DONBASS}])
    messages = [
        {"role": "system", "content": "You are a helpful assistant."},  # left out: the archive answers
        {"role": "user", "content": DONBASS},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": [{"type": "text", "text": FOLLOW_UP}]},  # content as parts, as some UIs send
    ]
    reply = client.chat.completions.create(model=chat.MODEL_ID, messages=messages, extra_body={"k": 5})
    want = engine.ask(FOLLOW_UP, [(DONBASS, first.choices[0].message.content)])
    assert reply.choices[0].message.content == want.text != engine.ask(FOLLOW_UP).text


def test_openai_errors_come_in_openai_shape(url):
    import openai

    client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
    with pytest.raises(openai.NotFoundError, match="does not exist"):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": WAGONS}])
    with pytest.raises(openai.BadRequestError, match="last message must be the user's"):
        client.chat.completions.create(model=chat.MODEL_ID, messages=[{"role": "assistant", "content": "Hi"}])
    with pytest.raises(openai.BadRequestError, match="messages"):
        client.chat.completions.create(model=chat.MODEL_ID, messages=[])
    with pytest.raises(openai.BadRequestError, match="has no text"):
        client.chat.completions.create(model=chat.MODEL_ID, messages=[{"role": "user", "content": " \n"}])
    with pytest.raises(openai.BadRequestError, match="no words in it"):
        client.chat.completions.create(model=chat.MODEL_ID, messages=[{"role": "user", "content": "?!"}])


def test_a_message_has_at_most_max_parts_content_parts(url):
    def send(parts: int) -> httpx.Response:
        content = [{"type": "text", "text": "coal"}] * (parts - 1) + [{"type": "text", "text": WAGONS}]
        body = {"model": chat.MODEL_ID, "messages": [{"role": "user", "content": content}]}
        return httpx.post(f"{url}/v1/chat/completions", json=body)

    assert send(MAX_PARTS).status_code == 200
    r = send(MAX_PARTS + 1)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["message"] == (
        f"messages.0.content: Value error, a message may have at most {MAX_PARTS} content parts; "
        f"this one has {MAX_PARTS + 1}"
    )


def test_question_and_history_pairs_user_and_assistant_turns():
    messages = [
        {"role": "user", "content": "a?"},
        {"role": "user", "content": "b?"},  # unanswered: not a turn
        {"role": "assistant", "content": "B."},
        {"role": "tool", "content": "ignored"},
        {"role": "user", "content": "c?"},
    ]
    assert chat.question_and_history(messages) == ("c?", [("b?", "B.")])
    with pytest.raises(chat.BadMessages):
        chat.question_and_history([{"role": "system", "content": "x"}])


# ---------------------------------------------------------------- auth


def test_rag_auth_guards_every_api_route(engine):
    import openai

    guarded = Engine(engine.settings.replace(auth="reader:pa55"), engine.embedder)
    with running(create_api(guarded)) as url:
        for method, path in [("GET", "/api/status"), ("GET", "/v1/models"), ("GET", "/openapi.json"),
                             ("POST", "/api/ask"), ("POST", "/api/search"), ("POST", "/api/timeline"),
                             ("POST", "/v1/chat/completions")]:  # fmt: skip
            for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic cmVhZGVyOnBhNTU="}):
                r = httpx.request(method, url + path, headers=headers, json={"question": WAGONS})
                assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer", (path, headers)
        ok = {"Authorization": "Bearer pa55"}
        assert httpx.get(f"{url}/api/status", headers=ok).status_code == 200
        assert httpx.post(f"{url}/api/ask", headers=ok, json={"question": WAGONS}).json()["question"] == WAGONS
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=f"{url}/v1", api_key="nope", max_retries=0).models.list()
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="pa55")
        reply = client.chat.completions.create(model=chat.MODEL_ID, messages=[{"role": "user", "content": WAGONS}])
        assert "[1]" in reply.choices[0].message.content


def test_a_non_ascii_password_works_as_the_utf8_bytes_clients_send(engine):
    """curl and httpx send the header's UTF-8 bytes as they are (Starlette reads them as latin-1)."""
    guarded = Engine(engine.settings.replace(auth="alice:pässwörd"), engine.embedder)
    with running(create_api(guarded)) as url:
        for token, status in [("pässwörd".encode(), 200), ("pässwörd".encode("latin-1"), 401),
                              (b"passwort", 401), ("pässwörd!".encode(), 401)]:  # fmt: skip
            for path in ("/api/status", "/v1/models"):
                r = httpx.get(url + path, headers={"Authorization": b"Bearer " + token})
                assert r.status_code == status, (token, path, r.text)


def raw_request(url: str, head: str, body: bytes = b"", sending: bytes = b"") -> tuple[int, dict[str, str], dict]:
    """Send `head` (the request line and headers) and `body` on a socket, then `sending` from a
    thread while the response is read (the server may answer before it has all of it); the status,
    headers and JSON body of the response. A server that waits for the rest of a body times out."""
    where = urlsplit(url)
    conn = socket.create_connection((where.hostname, where.port), timeout=10)

    def send_rest() -> None:
        with contextlib.suppress(OSError):
            conn.sendall(sending)

    with conn:
        conn.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        threading.Thread(target=send_rest, daemon=True).start()
        reply = b""
        while b"\r\n\r\n" not in reply or len(reply.split(b"\r\n\r\n", 1)[1]) < _length(reply):
            piece = conn.recv(65536)
            assert piece, reply
            reply += piece
    lines, payload = reply.split(b"\r\n\r\n", 1)
    status, *fields = lines.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (f.split(":", 1) for f in fields)}
    return int(status.split()[1]), headers, json.loads(payload)


def _length(reply: bytes) -> int:
    head = reply.split(b"\r\n\r\n", 1)[0].lower()
    return int(head.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0]) if b"content-length:" in head else 0


@pytest.mark.parametrize("root_path", ["", "/news"])
@pytest.mark.parametrize("path", ["/api/ask", "/v1/chat/completions"])
def test_without_the_token_a_request_is_refused_before_its_body_is_read(engine, path, root_path):
    """A gigabyte announced and 10 bytes sent: the 401 comes at once (the server reads nothing),
    behind a proxy's prefix too (the proxy takes the prefix off; uvicorn puts it back in `path`)."""
    guarded = Engine(engine.settings.replace(auth="reader:pa55"), engine.embedder)
    with running(create_api(guarded), root_path) as url:
        for auth in ("", "Authorization: Bearer wrong\n"):
            head = f"POST {path} HTTP/1.1\nHost: x\nContent-Type: application/json\n{auth}Content-Length: {2**30}\n"
            status, headers, body = raw_request(url, head, b'{"question')
            assert status == 401 and headers["www-authenticate"] == "Bearer"
            message = body["error"]["message"] if path.startswith("/v1/") else body["detail"]
            assert message.startswith("this server needs a token: send 'Authorization: Bearer <password>'")


@pytest.mark.parametrize("auth", [None, "reader:pa55"])
@pytest.mark.parametrize("path", ["/api/ask", "/v1/chat/completions"])
def test_a_body_over_the_limit_is_a_413_that_says_the_limit(engine, path, auth):
    """By its Content-Length before it is read, and chunked once the bytes received pass the limit."""
    served = Engine(engine.settings.replace(auth=auth), engine.embedder)
    token = "Authorization: Bearer pa55\n" if auth else ""
    head = f"POST {path} HTTP/1.1\nHost: x\nContent-Type: application/json\n{token}"
    chunk = 2**20
    chunks = b"".join(b"%x\r\n" % chunk + b" " * chunk + b"\r\n" for _ in range(MAX_BODY // chunk + 1)) + b"0\r\n\r\n"
    with running(create_api(served)) as url:
        for status, _, body in [
            raw_request(url, head + f"Content-Length: {MAX_BODY + 1}\n", b"{"),
            raw_request(url, head + "Transfer-Encoding: chunked\n", sending=chunks),
        ]:
            message = body["error"]["message"] if path.startswith("/v1/") else body["detail"]
            assert status == 413 and message == TOO_LARGE and "32 MiB" in message, body
        assert raw_request(url, head + "Content-Length: 2\n", b"{}")[0] in (400, 422)  # a small body is read


def test_the_body_limit_holds_the_largest_request_the_schema_takes_in_ascii():
    text = "a" * MAX_TEXT
    turns = [{"question": text, "answer": text}] * MAX_TURNS
    ask = json.dumps({"question": text, "history": turns, "after": "2023-01-01", "outlet": ["x"] * 100})
    messages = [{"role": "user", "content": text}] * MAX_MESSAGES
    completion = json.dumps({"model": chat.MODEL_ID, "messages": messages, "k": 5})
    assert max(len(ask), len(completion)) < MAX_BODY < 2 * len(completion)


# ---------------------------------------------------------------- fuzzing against the schema


@pytest.mark.parametrize("auth", [None, "reader:pa55"])
@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_fuzzed_requests_get_documented_answers_never_a_500(engine, mode, auth):
    """Bodies that fit the schema and bodies that do not (schemathesis, from the API's own
    /openapi.json, in process over ASGI): every response is documented and none is a 5xx. One
    check is left out: a schema-valid body may still get a 400 when the answerer refuses it
    (a question of whitespace, the llm mode with no LLM configured), with a message; and a body
    over the limit gets its 413 (documented) whatever else is wrong with it.

    (schemathesis's pytest fixture loader breaks on pytest 9, so each operation's strategy is
    driven by hypothesis here.)"""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis import GenerationMode
    from schemathesis.config import ChecksConfig, SchemathesisConfig
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    api = create_api(Engine(engine.settings.replace(auth=auth), engine.embedder))
    headers = {"Authorization": "Bearer pa55"} if auth else {}
    refusals = [*ChecksConfig().negative_data_rejection.expected_statuses, "413"]  # the body limit refuses first
    config = SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": refusals}}})
    schema = schemathesis.openapi.from_asgi("/openapi.json", api, headers=headers, config=config)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} == {
        "POST /api/search", "POST /api/ask", "POST /api/timeline", "GET /api/status", "GET /v1/models",
        "POST /v1/chat/completions",
    }  # fmt: skip
    for op in operations:
        if mode == "negative" and op.method.upper() == "GET":
            continue  # no parameters, no body: nothing to get wrong

        @given(case=op.as_strategy(GenerationMode(mode)))
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def check(case) -> None:
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()


# ---------------------------------------------------------------- one server: the chat mounted on the APIs


def test_one_server_serves_the_chat_and_the_apis_behind_one_login(engine):
    """`rag.server.build_server`: the Gradio chat at / and the APIs on one port; with RAG_AUTH the
    chat wants its login (gradio_client's auth) and the APIs the bearer token."""
    from gradio_client import Client

    from rag.server import build_server

    settings = engine.settings.replace(auth="reader:pa55")
    with running(build_server(settings, Engine(settings, engine.embedder))) as url:
        assert httpx.get(f"{url}/").status_code == 200  # the login page
        assert httpx.get(f"{url}/gradio_api/info").status_code == 401
        with pytest.raises(Exception):  # noqa: B017 - any refusal will do; the client has several
            Client(f"{url}/", verbose=False)
        got = Client(f"{url}/", auth=("reader", "pa55"), verbose=False).predict(WAGONS, api_name="/ask")
        assert "[1]" in got["answer"] and got["citations"][0]["file"]
        assert httpx.get(f"{url}/api/status").status_code == 401
        assert httpx.get(f"{url}/api/status", headers={"Authorization": "Bearer pa55"}).json()["exists"] is True
        assert httpx.get(f"{url}/openapi.json", headers={"Authorization": "Bearer pa55"}).json()["paths"]


def test_with_the_chat_mounted_the_api_paths_answer_as_without_it(engine):
    """Gradio's mount at / matches every path: a wrong method or a trailing slash on an API route
    must still get the API's 405 (OpenAI's shape under /v1/) or redirect, as with `--api-only`."""
    from rag.server import build_server

    requests = [("GET", "/v1/chat/completions"), ("HEAD", "/api/status"), ("POST", "/v1/models"),
                ("POST", "/v1/chat/completions/"), ("GET", "/api/status/"), ("GET", "/v1/nothing"),
                ("PUT", "/api/ask"), ("POST", "/openapi.json"), ("GET", "/api/nothing")]  # fmt: skip

    def answers(settings: Settings) -> list[tuple]:
        with running(build_server(settings, Engine(settings, engine.embedder))) as url:
            got = []
            for method, path in requests:
                r = httpx.request(method, url + path, follow_redirects=False)
                location = r.headers.get("location", "").removeprefix(url)
                got.append((method, path, r.status_code, r.headers.get("allow"), location, r.content))
            assert httpx.get(f"{url}/gradio_api/info").status_code == (404 if settings.api_only else 200)
            return got

    mounted = answers(engine.settings)
    assert mounted == answers(engine.settings.replace(api_only=True))
    assert [m[2:5] for m in mounted[:5]] == [(405, "POST", ""), (405, "GET", ""), (405, "GET", ""),
                                            (307, None, "/v1/chat/completions"), (307, None, "/api/status")]  # fmt: skip
    assert json.loads(mounted[0][5])["error"]["message"] == "Method Not Allowed"
    assert json.loads(mounted[5][5])["error"]["type"] == "not_found_error"  # OpenAI's shape, not Gradio's


# ---------------------------------------------------------------- the load generator


@pytest.mark.parametrize("endpoint", ["ask", "chat"])
def test_load_generator_counts_answers_and_finds_crossed_ones(url, endpoint):
    """`rag.bench.load` against the API: every answer counted, none crossed; a server that swaps
    answers between clients is caught."""
    import asyncio

    from rag.bench import load

    questions = [WAGONS, DONBASS, PERU]
    report = asyncio.run(load.run_load(url, endpoint, questions, users=4, each=5, server_pid=os.getpid()))
    assert (report["answered"], report["errors"], report["crossed"]) == (20, 0, 0)
    assert report["server_cpu_ms_per_answer"] > 0  # the server runs in this process
    assert report["distinct_questions"] == 3 and report["p95_ms"] >= report["p50_ms"] > 0
    reference = asyncio.run(load._alone(url, endpoint, questions, None))
    swapped = dict(zip(questions, [reference[q] for q in questions[1:] + questions[:1]], strict=True))
    tally = load.Tally()
    conn = load.Connection("127.0.0.1", int(url.rsplit(":", 1)[1]))
    asyncio.run(load._user(0, conn, endpoint, questions, swapped, tally, 3, None))
    assert len(tally.crossed) == 3 and tally.errors == []


def test_load_generator_counts_a_closed_connection_as_an_error_and_reconnects():
    import asyncio
    import socket

    from rag.bench import load

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def accept_and_close() -> None:
        for _ in range(2):
            conn, _ = listener.accept()
            conn.recv(4096)
            conn.close()

    threading.Thread(target=accept_and_close, daemon=True).start()
    tally = load.Tally()
    asyncio.run(load._user(0, load.Connection("127.0.0.1", port), "ask", [WAGONS], {}, tally, 2, None))
    listener.close()
    assert len(tally.errors) == 2 and tally.latencies_ms == [] and "closed the connection" in tally.errors[0]


def test_slow_llm_answers_take_a_few_threads_and_leave_the_rest_to_other_requests(engine):
    """45 slow LLM answers took every thread of the pool: extractive answers and /v1/models went
    without a reply. LLM answers now wait on the LLM server on at most LLM_AT_ONCE threads."""
    from concurrent.futures import ThreadPoolExecutor

    from rag.api.app import LLM_AT_ONCE

    state = {"now": 0, "most": 0}
    lock = threading.Lock()

    def slowly() -> None:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(1.0)
        with lock:
            state["now"] -= 1

    with stub_llm(COAL, slowly) as llm_url:
        settings = engine.settings.replace(llm_base_url=llm_url, llm_model="m")
        with running(create_api(Engine(settings, engine.embedder))) as url:
            ask = lambda _: httpx.post(f"{url}/api/ask", json={"question": WAGONS}, timeout=60)  # noqa: E731
            with ThreadPoolExecutor(2 * LLM_AT_ONCE) as pool:
                answers = pool.map(ask, range(2 * LLM_AT_ONCE))
                time.sleep(0.5)  # the first LLM_AT_ONCE are waiting on the LLM server
                assert httpx.get(f"{url}/v1/models", timeout=10).status_code == 200
                extractive = httpx.post(
                    f"{url}/api/ask", json={"question": WAGONS, "answer_mode": "extractive"}, timeout=10
                )
                assert extractive.status_code == 200 and extractive.json()["mode"] == "extractive"
                replies = list(answers)
        assert all(r.status_code == 200 and r.json()["mode"] == "llm" for r in replies)
        assert 1 < state["most"] <= LLM_AT_ONCE, state


@contextlib.contextmanager
def stub_llm(sentence: str, before_reply: Callable[[], object]) -> Iterator[str]:
    """A stub LLM server (OpenAI-compatible, streaming) that calls `before_reply` for each request,
    then answers `sentence [1]`; yields its /v1 URL."""
    import http.server

    class Stub(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            before_reply()
            body = sse_chunk(sentence + " [1]", "stop") + SSE_DONE
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    llm = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=llm.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{llm.server_address[1]}/v1"
    finally:
        llm.shutdown()


@contextlib.contextmanager
def held_llm(sentence: str) -> Iterator[tuple[str, threading.Event]]:
    """`stub_llm` answering only once the yielded event is set; yields its /v1 URL and the event."""
    release = threading.Event()
    try:
        with stub_llm(sentence, lambda: release.wait(30)) as url:
            yield url, release
    finally:
        release.set()


COAL = "In response, just a few hours after that, Kazakhstan blocked 1,700 wagons with coal."


def test_a_streamed_llm_answer_opens_at_once_and_stays_alive_until_it_is_checked(engine, monkeypatch):
    """The role chunk goes out before the LLM has answered, keep-alive comments follow while it
    writes, then the checked answer; before, nothing was sent until the check was done."""
    monkeypatch.setattr("rag.api.app.KEEP_ALIVE", 0.1)
    with held_llm(COAL) as (llm_url, release):
        settings = engine.settings.replace(llm_base_url=llm_url, llm_model="m", llm_timeout=30)
        llm_engine = Engine(settings, engine.embedder)
        request = {"model": chat.MODEL_ID, "messages": [{"role": "user", "content": WAGONS}], "stream": True}
        with (
            running(create_api(llm_engine)) as url,
            httpx.stream("POST", f"{url}/v1/chat/completions", json=request, timeout=30) as reply,
        ):
            lines = (line for line in reply.iter_lines() if line)
            first = json.loads(next(lines).removeprefix("data: "))
            assert first["choices"][0]["delta"]["role"] == "assistant" and not release.is_set()
            assert next(lines).startswith(":") and not release.is_set()  # a comment: still being written
            release.set()
            rest = [line for line in lines if not line.startswith(":")]
        want = llm_engine.ask(WAGONS)
    events = [json.loads(line.removeprefix("data: ")) for line in rest[:-1]]
    assert rest[-1] == "data: [DONE]" and reply.status_code == 200
    assert "".join(e["choices"][0]["delta"].get("content", "") for e in events) == want.text
    assert events[-1]["choices"][0]["finish_reason"] == "stop" and "1,700" in want.text
    assert len(events[-1]["citations"]) == len(want.citations)


def test_the_openai_client_reads_a_streamed_llm_answer_and_its_late_error(engine, monkeypatch):
    """The real `openai` client skips the keep-alive comments, and raises the error the answerer
    met once the stream had begun (its status already sent)."""
    import openai

    from rag.errors import RagError

    monkeypatch.setattr("rag.api.app.KEEP_ALIVE", 0.05)
    with held_llm(COAL) as (llm_url, release):
        settings = engine.settings.replace(llm_base_url=llm_url, llm_model="m", llm_timeout=30)
        llm_engine = Engine(settings, engine.embedder)
        with running(create_api(llm_engine)) as url:
            client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused")
            messages = [{"role": "user", "content": WAGONS}]
            threading.Timer(0.5, release.set).start()
            chunks = list(client.chat.completions.create(model=chat.MODEL_ID, messages=messages, stream=True))
            assert "".join(c.choices[0].delta.content or "" for c in chunks) == llm_engine.ask(WAGONS).text

            def broken(*args, **kwargs):
                raise RagError("the index is damaged; run `rag ingest --rebuild`")

            monkeypatch.setattr(llm_engine, "ask", broken)
            with pytest.raises(openai.APIError, match="the index is damaged"):
                list(client.chat.completions.create(model=chat.MODEL_ID, messages=messages, stream=True))
            # A question refused before the stream begins still gets its status.
            with pytest.raises(openai.BadRequestError, match="no words in it"):
                client.chat.completions.create(
                    model=chat.MODEL_ID, messages=[{"role": "user", "content": "?!"}], stream=True
                )
            with pytest.raises(openai.BadRequestError, match="must be a date as yyyy-mm-dd"):
                client.chat.completions.create(
                    model=chat.MODEL_ID, messages=messages, stream=True, extra_body={"after": "10.11.2023"}
                )
