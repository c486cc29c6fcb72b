"""The request and response bodies of the HTTP APIs, as pydantic models: FastAPI validates
requests with them and publishes them in the OpenAPI schema (`GET /openapi.json`).

Responses are built by `rag.serialize` (the one place JSON objects are made) and sent as they
are; the response models here document them, and the tests hold the two together.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rag.answer.timeline import MAX_TIMELINE_K

Mode = Literal["hybrid", "dense", "bm25"]
AnswerMode = Literal["extractive", "llm"]
MAX_K = 50  # passages a request may ask for
MAX_TEXT = 100_000  # characters of a question or a history turn (the answerer uses the first 2,000)
MAX_TURNS = 100  # earlier turns a request may carry
MAX_MESSAGES = 2 * MAX_TURNS + 10  # messages of a chat request: the turns, the question, system messages
MAX_PARTS = 100  # content parts of a chat message (clients send one text part, or a few with images)
# Bytes of a request body (beyond: 413, before the body is read). The largest request the schema
# takes, MAX_MESSAGES texts of MAX_TEXT characters (AskRequest: 2 * MAX_TURNS + 1), is 21 MB of
# ASCII JSON and fits; so does a long history in any script. Only a full-size history of escaped
# non-ASCII text (\uXXXX: 6 bytes a character) would not.
MAX_BODY = 32 * 2**20


class _Strict(BaseModel):
    # strict: no coercion, so the API refuses what its schema refuses (`"mmr": 0.0` is not a boolean)
    model_config = ConfigDict(extra="forbid", strict=True)


# ---------------------------------------------------------------- requests


class FilterFields(BaseModel):
    """Which articles to draw from, applied inside retrieval. A date that is not yyyy-mm-dd is a 400."""

    after: str | None = Field(None, max_length=100, description="published on or after this date (yyyy-mm-dd)")
    before: str | None = Field(None, max_length=100, description="published on or before this date (yyyy-mm-dd)")
    outlet: str | list[Annotated[str, Field(max_length=200)]] | None = Field(
        None, max_length=100, description="one outlet or a list of them (any case)"
    )
    author: str | list[Annotated[str, Field(max_length=200)]] | None = Field(
        None, max_length=100, description="one author or a list of them (any case)"
    )

    def filter_args(self) -> dict[str, Any]:
        """Keyword arguments of `Filters.build`."""
        return {"after": self.after, "before": self.before, "outlets": self.outlet, "authors": self.author}


class SearchRequest(_Strict, FilterFields):
    question: str = Field(min_length=1, max_length=MAX_TEXT, description="the question or search text")
    k: int | None = Field(None, ge=1, le=MAX_K, description="passages to return (default 7)")
    mode: Mode | None = Field(None, description="hybrid (default), dense or bm25")
    mmr: bool | None = Field(None, description="diversify passages (maximal marginal relevance)")


class Turn(_Strict):
    question: str = Field(max_length=MAX_TEXT)
    answer: str = Field(max_length=MAX_TEXT)


class AskRequest(_Strict, FilterFields):
    question: str = Field(min_length=1, max_length=MAX_TEXT, description="the question")
    k: int | None = Field(None, ge=1, le=MAX_K, description="passages to draw on (default 7)")
    retrieval_mode: Mode | None = None
    answer_mode: AnswerMode | None = Field(None, description="extractive (default) or llm (when configured)")
    history: list[Turn] = Field(
        default_factory=list, max_length=MAX_TURNS, description="earlier turns, oldest first: follow-ups lean on them"
    )


class TimelineRequest(_Strict, FilterFields):
    question: str = Field(min_length=1, max_length=MAX_TEXT, description="a question, a name or a subject")
    k: int | None = Field(None, ge=1, le=MAX_TIMELINE_K, description="passages to search (default 30)")
    mode: Mode | None = Field(None, description="hybrid (default), dense or bm25")


# ---------------------------------------------------------------- responses


class ArticleInfo(BaseModel):
    outlet: str | None = None
    date: str | None = None
    author: str | None = None


class WireCopyInfo(BaseModel):
    """Another outlet's copy of the article (a near-duplicate grouped with it at ingest)."""

    doc_id: str
    title: str
    path: str
    outlet: str | None = None
    date: str | None = None


ALSO_IN = "present when the article ran in other outlets too (wire copies, shown once): those articles"


def _also_in() -> Any:
    # Absent, not null, when there are no copies: the same object as `rag search --json` (MCP too).
    return Field(None, description=ALSO_IN, exclude_if=lambda v: v is None)


class SearchHit(ArticleInfo):
    rank: int
    score: float
    chunk_id: int
    doc_id: str
    title: str
    path: str
    text: str
    char_start: int
    char_end: int
    also_in: list[WireCopyInfo] | None = _also_in()


class SearchResponse(BaseModel):
    query: str
    mode: str
    hits: list[SearchHit]


class FilteredSearchResponse(SearchResponse):
    """`POST /api/search`: the search object, with `notes` when the filters left articles out."""

    notes: list[str] | None = Field(
        None,
        description="present when filters left articles out (e.g. undated ones) or a time the question names was preferred",
    )


class AskCitation(ArticleInfo):
    n: int
    chunk_id: int
    doc_id: str
    title: str
    path: str
    text: str = Field(description="the cited passage")
    quote: str = Field(description="the sentence of the passage that supports the answer")
    supported: bool = Field(description="false when the LLM citation check found no support")
    also_in: list[WireCopyInfo] | None = _also_in()


class AskResponse(BaseModel):
    question: str
    answer: str = Field(description="the answer; every [n] in it has the citation with that n")
    abstained: bool
    citations: list[AskCitation]
    timings_ms: dict[str, float]
    mode: str
    notes: list[str]
    unsupported: list[str]


class TimelineEntry(ArticleInfo):
    date: str | None = Field(None, description="the article's date (yyyy-mm-dd); null in `undated`")
    title: str
    path: str
    doc_id: str
    chunk_id: int = Field(description="the passage the quote is from")
    quote: str = Field(description="the article's sentence that best answers the question")
    score: float


class TimelineResponse(BaseModel):
    """`POST /api/timeline`: one entry per article, dated ones oldest first, undated ones apart."""

    query: str
    entries: list[TimelineEntry] = Field(description="the articles with a known date, oldest first")
    undated: list[TimelineEntry] = Field(description="the articles without a known date, best first")
    notes: list[str]
    timings_ms: dict[str, float]


class StatusResponse(BaseModel):
    exists: bool
    stale: bool
    describe: str
    problem: str | None = Field(None, description="why the index cannot be read, and what to run; null when it can")
    new: list[str]
    changed: list[str]
    removed: list[str]
    counts: dict[str, Any] | None
    embedder: dict[str, Any] | None
    built_at: str | None


class ErrorResponse(BaseModel):
    detail: Any


class OpenAIErrorBody(BaseModel):
    message: str
    type: str
    param: str | None
    code: str | None


class OpenAIError(BaseModel):
    """The error shape of OpenAI's API, which its clients read the message from."""

    error: OpenAIErrorBody


# ---------------------------------------------------------------- OpenAI-compatible


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = Field(None, max_length=MAX_TEXT)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")  # name, tool_calls, ...: accepted, not used
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: (
        Annotated[str, Field(max_length=MAX_TEXT)] | Annotated[list[ContentPart], Field(max_length=MAX_PARTS)] | None
    ) = None

    @field_validator("content", mode="before")
    @classmethod
    def _few_parts(cls, content: Any) -> Any:
        # Checked before the parts are parsed, with one message (the union's errors name each of its arms).
        if isinstance(content, list) and len(content) > MAX_PARTS:
            raise ValueError(f"a message may have at most {MAX_PARTS} content parts; this one has {len(content)}")
        return content


class ChatRequest(FilterFields):
    """An OpenAI chat completion request. Sampling options (temperature, max_tokens, ...) are
    accepted and ignored: the archive answers from its articles. `k`, `retrieval_mode`,
    `answer_mode` and the filters (the openai client's `extra_body`) choose as in `/api/ask`."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(max_length=200)
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool | None = False
    k: int | None = Field(None, ge=1, le=MAX_K)
    retrieval_mode: Mode | None = None
    answer_mode: AnswerMode | None = None


class Source(ArticleInfo):
    n: int
    title: str
    path: str
    passage: str
    quote: str
    doc_id: str
    chunk_id: int
    supported: bool
    also_in: list[WireCopyInfo] | None = _also_in()


class ResponseMessage(BaseModel):
    role: Literal["assistant"]
    content: str


class Choice(BaseModel):
    index: int
    message: ResponseMessage
    finish_reason: Literal["stop"]


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[Choice]
    citations: list[Source] = Field(description="the sources of the answer's [n] markers")
    abstained: bool
    notes: list[str]
    unsupported: list[str] = Field(
        default_factory=list, description="sentences of an LLM answer the citation check did not find in the passages"
    )


class Model(BaseModel):
    id: str
    object: Literal["model"]
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"]
    data: list[Model]
