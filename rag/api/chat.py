"""The OpenAI-compatible chat: a `messages` list becomes a question with its history, and an
`Answer` becomes a chat completion (or its stream of chunks) whose text keeps the `[n]` markers
and whose `citations` field holds the sources.

>>> question_and_history([{"role": "user", "content": "Who blocked coal?"},
...                       {"role": "assistant", "content": "Kazakhstan did. [1]"},
...                       {"role": "user", "content": "Why?"}])
('Why?', [('Who blocked coal?', 'Kazakhstan did. [1]')])
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from rag.records import Answer
from rag.serialize import Info, source_json

MODEL_ID = "news-archive"  # the one model: the archive of articles, answering with citations


class BadMessages(ValueError):
    """The messages hold no question to answer (the message says why)."""


def message_text(content: Any) -> str:
    """The text of a message's content: a string, or the text parts of a list of parts.

    >>> message_text([{"type": "text", "text": "Hi"}, {"type": "image_url"}, {"type": "text", "text": "there"}])
    'Hi\\nthere'
    """
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    parts = [p.get("text") if isinstance(p, Mapping) else getattr(p, "text", None) for p in content]
    return "\n".join(t for t in parts if isinstance(t, str) and t)


def question_and_history(messages: Sequence[Any]) -> tuple[str, list[tuple[str, str]]]:
    """The last user message, and the (question, answer) turns before it, as the chat keeps them.

    System and tool messages are left out: the archive answers from its articles, not from
    instructions. A user message without an answer after it is not a turn.

    Raises:
        BadMessages: the last message is not the user's, or it has no text.
    """
    rows = [(_get(m, "role"), message_text(_get(m, "content"))) for m in messages]
    rows = [(role, text) for role, text in rows if role in ("user", "assistant")]
    if not rows or rows[-1][0] != "user":
        raise BadMessages("the last message must be the user's question (role 'user')")
    question = rows[-1][1]
    if not question.strip():
        raise BadMessages("the last user message has no text; send the question as its content")
    history = [
        (q, a)
        for (rq, q), (ra, a) in zip(rows[:-1], rows[1:-1], strict=False)
        if rq == "user" and ra == "assistant" and q.strip() and a.strip()
    ]
    return question, history


def _get(message: Any, key: str) -> Any:
    return message.get(key) if isinstance(message, Mapping) else getattr(message, key, None)


def completion(answer: Answer, info: Info, model: str = MODEL_ID) -> dict[str, Any]:
    """The chat completion object for a finished answer."""
    return {
        "id": _new_id(), "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.text}, "finish_reason": "stop"}],
        **_extras(answer, info),
    }  # fmt: skip


def completion_chunks(answer: Answer, info: Info, model: str = MODEL_ID) -> Iterator[str]:
    """The answer as server-sent events of chat completion chunks, then `data: [DONE]`.

    The text goes out whole once the citations are checked: an LLM's raw pieces are not sent,
    because the check may drop or replace sentences and a client cannot take back what it showed.
    The citations ride on the last chunk, beside its finish_reason.
    """
    stream = ChunkStream(model)
    yield stream.start()
    yield from stream.finish(answer, info)


class ChunkStream:
    """The events of one streamed completion, sent as they come: the opening chunk (the role) can
    go out before the answer is written, keep-alive comments while the LLM writes and the citations
    are checked, then the answer, or an error in OpenAI's shape that its client raises."""

    def __init__(self, model: str = MODEL_ID) -> None:
        self.head = {"id": _new_id(), "object": "chat.completion.chunk", "created": int(time.time()), "model": model}

    def event(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {**self.head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return "data: " + json.dumps(body, ensure_ascii=False) + "\n\n"

    def start(self) -> str:
        return self.event({"role": "assistant", "content": ""})

    @staticmethod
    def waiting() -> str:
        """An SSE comment: clients skip it; proxies and clients that time out a silent stream see it alive."""
        return ": the answer is being written and its citations checked\n\n"

    def finish(self, answer: Answer, info: Info) -> Iterator[str]:
        yield self.event({"content": answer.text})
        yield self.event({}, "stop", **_extras(answer, info))
        yield "data: [DONE]\n\n"

    @staticmethod
    def error(message: str, kind: str = "server_error") -> str:
        """An error after the stream began (its status, 200, is sent): OpenAI's error object as an
        event, which the `openai` client raises as an `APIError` with this message."""
        body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
        return "data: " + json.dumps(body, ensure_ascii=False) + "\n\ndata: [DONE]\n\n"


def _extras(answer: Answer, info: Info) -> dict[str, Any]:
    return {
        "citations": [source_json(c, info) for c in answer.citations],
        "abstained": answer.abstained,
        "notes": list(answer.notes),
        "unsupported": list(answer.unsupported),
    }


def _new_id() -> str:
    return "chatcmpl-" + uuid.uuid4().hex


def model_list(created: int = 0) -> dict[str, Any]:
    """`GET /v1/models`: the archive, as the one model."""
    return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": created, "owned_by": "rag"}]}
