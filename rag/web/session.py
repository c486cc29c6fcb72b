"""The chat's state and rules, with no Gradio in them: what a question, a retry, a click on an
answer, a click on a source, a thumb or an upload does to the conversation and the page.

The Gradio page (`rag.web.app`) keeps the turns in its per-visitor state and, for each event,
wraps them in a `ChatSession`, calls one method and shows what it returns:

    chat = ChatSession(Engine(settings))
    for step in chat.respond("How many wagons of coal did Kazakhstan block?"):
        print(step.messages[-1]["content"])   # "…", then the answer with its [1], [2]
    html, shown = chat.select(1)              # message 1 is the first answer: its source cards
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rag.answer.extractive import retrieval_query
from rag.engine import Engine
from rag.errors import RagError
from rag.records import Answer
from rag.search.filters import Filters
from rag.web.feedback import record_feedback
from rag.web.render import (
    EXAMPLE_QUESTIONS,
    article_view,
    chat_message,
    corpus_overview,
    doc_info,
    esc,
    find_source,
    md_text,
    pick_examples,
    source_cards,
    status_line,
    title_questions,
)
from rag.web.timeline import TIMELINE_HINT, timeline_html

SOURCES_HINT = '<div class="rag-sources"><p class="rag-empty">The passages behind each answer appear here.</p></div>'
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Turn:
    """One exchange of the chat: the question and its answer, or the error that stopped it."""

    question: str
    answer: Answer | None = None
    error: str | None = None


@dataclass(frozen=True)
class Step:
    """The chat at one moment of a reply.

    `messages` are the Chatbot's messages; `sources` is the new sources panel (None: leave it as it
    is); `streaming` is true while the answer is still arriving (the article view stays open then).
    """

    messages: list[dict[str, str]]
    sources: str | None = None
    streaming: bool = False


@dataclass(frozen=True)
class PageStatus:
    """The status line, whether the corpus changed since the index was built (show *Update index*),
    and the empty chat's overview of the articles (None when the index could not be read)."""

    line: str
    stale: bool = False
    overview: str | None = None


class ChatSession:
    """One visitor's conversation over a shared `Engine` (anything with its methods, e.g. the Engine).

    Args:
        backend: the index, embedder and settings every visitor shares.
        turns: the conversation so far, oldest first (copied: the caller's list is never changed).
        show_scores, show_timings: add retrieval scores and per-stage timings to the source cards.
    """

    def __init__(
        self, backend: Engine, turns: Sequence[Turn] = (), *, show_scores: bool = False, show_timings: bool = False
    ) -> None:
        self.backend = backend
        self.turns: list[Turn] = list(turns)
        self.show_scores = show_scores
        self.show_timings = show_timings

    @property
    def latest(self) -> int:
        """The index of the newest turn (-1 when there is none): its sources are the ones shown."""
        return len(self.turns) - 1

    # ------------------------------------------------------------ asking

    def respond(self, question: str, **options: Any) -> Iterator[Step]:
        """Ask `question`, with the earlier answered turns as context for follow-ups.

        Args:
            options: k, retrieval_mode, answer_mode (None: the settings' default), filters (a
                `Filters`, or the settings panel's {"after", "before", "outlets", "authors"}).
        Yields:
            The question with "…" for its answer (sources panel emptied), then the chat after each
            streamed LLM piece (`streaming`), then the chat with the answer and its source cards.
            An empty question changes nothing and yields the chat once. A library error (damaged
            index, question too long, LLM not configured, ...) ends the turn as a message in the
            chat, `Turn.error`, and is not raised.
        """
        if not question or not question.strip():
            yield Step(self.messages())
            return
        history = self.history()
        self.turns.append(Turn(question.strip()))
        yield Step(self.messages(), SOURCES_HINT)
        partial = ""
        try:
            options = with_filters(options)
            for item in self.backend.stream(question, history, **options):
                if isinstance(item, Answer):
                    self.turns[-1] = replace(self.turns[-1], answer=item)
                else:
                    partial += item
                    yield Step(self.messages(partial), streaming=True)
        except RagError as exc:
            self.turns[-1] = replace(self.turns[-1], error=str(exc))
        yield Step(self.messages(), self.sources(self.latest))

    def retry(self, **options: Any) -> Iterator[Step]:
        """Ask the last question again in place of its answer (as `respond`); no turn: the empty chat."""
        if not self.turns:
            yield Step(self.messages(), SOURCES_HINT)
            return
        last = self.turns.pop()
        yield from self.respond(last.question, **options)

    def clear(self) -> None:
        """Forget the conversation."""
        self.turns = []

    def history(self) -> list[tuple[str, str]]:
        """(question, answer text) of the answered turns, oldest first: the context for a follow-up."""
        return [(t.question, t.answer.text) for t in self.turns if t.answer is not None]

    def messages(self, partial: str | None = None) -> list[dict[str, str]]:
        """The Chatbot's messages, two a turn; an unfinished last turn shows `partial` (or "…")."""
        messages = []
        for i, t in enumerate(self.turns):
            messages.append({"role": "user", "content": md_text(t.question)})
            if t.answer is not None:
                messages.append({"role": "assistant", "content": chat_message(t.answer)})
            elif t.error is not None:
                messages.append({"role": "assistant", "content": "⚠ " + md_text(t.error)})
            elif i == len(self.turns) - 1:
                messages.append({"role": "assistant", "content": md_text(partial) if partial else "…"})
        return messages

    # ------------------------------------------------------------ the timeline view

    def timeline(self, query: str | None = None, **options: Any) -> str:
        """The timeline view (HTML) of `query`, or of the last question when `query` is blank, read
        as the chat read it: a follow-up ("Who did they belong to?") with the names of its turn before.

        Args:
            options: mode, k, filters (as for `respond`). A library error (a bad date, a damaged
                index) becomes a message in the view, not an exception.
        """
        query = (query or "").strip()
        if not query and self.turns:
            earlier = [(t.question, t.answer.text) for t in self.turns[:-1] if t.answer is not None]
            query = retrieval_query(self.turns[-1].question, earlier)
        if not query:
            return TIMELINE_HINT
        try:
            return timeline_html(self.backend.timeline(query, **with_filters(options)))
        except RagError as exc:
            return f'<div class="rag-timeline"><p class="rag-flag">⚠ {esc(str(exc))}</p></div>'

    # ------------------------------------------------------------ the sources panel

    def sources(self, index: int) -> str:
        """The source cards of turn `index` (negative counts from the end); the hint when it has no answer."""
        answer = self._answer_at(index)
        if answer is None:
            return SOURCES_HINT
        manifest = self.backend.snapshot().manifest
        return source_cards(answer, manifest, show_scores=self.show_scores, show_timings=self.show_timings)

    def select(self, message_index: Any) -> tuple[str, int]:
        """A click on chat message `message_index` (an int, or Gradio's [row, column]): (its turn's
        source cards, that turn's index). Outside the chat: the hint, and -1."""
        index = turn_of_message(message_index)
        if index is None or index >= len(self.turns):
            return SOURCES_HINT, -1
        return self.sources(index), index

    def open_article(self, index: int, key: str | None) -> str | None:
        """The whole article behind source card `key` ("c1" = citation [1], "h1" = nearest passage #1)
        of turn `index`, with the passage marked; None when there is no such card."""
        answer = self._answer_at(index)
        found = find_source(answer, key) if answer is not None and key else None
        if found is None:
            return None
        hit, quote, label = found
        doc = self.backend.document(hit.chunk.doc_id)
        if doc is None:
            return f"<p>{esc(hit.chunk.doc_id)} is no longer in the index.</p>"
        info = doc_info(self.backend.snapshot().manifest, doc.doc_id)
        return article_view(doc, info, hit.chunk, quote, label)

    # ------------------------------------------------------------ feedback

    def like(self, message_index: Any, liked: Any = True) -> dict[str, Any] | None:
        """Record a thumb on the answer at chat message `message_index` as one JSONL line in
        `settings.feedback_path`. `liked`: True or "Like" is up, anything else down (Gradio sends
        either form). Returns the line written, or None when that message has no answer."""
        answer = self._answer_at(turn_of_message(message_index))
        if answer is None:
            return None
        rating = "up" if liked is True or liked == "Like" else "down"
        return record_feedback(self.backend.settings.feedback_path, answer, rating)

    # ------------------------------------------------------------ the corpus and the index

    def upload(self, paths: Sequence[str | Path], progress: Progress | None = None) -> str | None:
        """Check, save and index uploaded files (paths to their temporary copies).

        Returns:
            One Markdown line a file: ✓ added (or already there), ⚠ refused with the reason. When
            indexing fails nothing is added and the message says why. None when no file was given.
        """
        if not paths:
            return None
        files = [(Path(p).name, Path(p).read_bytes()) for p in paths]
        try:
            result = self.backend.add_uploads(files, progress)
        except RagError as exc:
            return f"⚠ Nothing was added: {md_text(str(exc))}"
        return "\n\n".join(
            ("⚠ " if line.startswith("Refused") else "✓ ") + md_text(line) for line in result.message().splitlines()
        )

    def status(self) -> PageStatus:
        """The index status for the page; an unreadable index becomes the status line, not an error."""
        try:
            st = self.backend.status(check=True)
            overview = corpus_overview(st.manifest)
        except RagError as exc:
            return PageStatus(f"⚠ {md_text(str(exc))}")
        line = status_line(st)
        if self.backend.settings.watch:  # the server runs a CorpusWatcher (RAG_WATCH=1, app.py --watch)
            line += "  \nWatching the corpus folder: articles copied into it are indexed within seconds."
        return PageStatus(line, st.stale, overview)

    def update_index(self, progress: Progress | None = None) -> str:
        """Bring the index up to date with the corpus folder; returns the first line of the report.

        Raises:
            RagError: the update failed (another ingest running, damaged index, ...); the index is unchanged.
        """
        return self.backend.ingest(progress=progress).summary().splitlines()[0]

    def examples(self, n: int = 4) -> list[str]:
        """Up to `n` example questions that retrieve something: the seed corpus's, else ones from titles."""

        def works(question: str) -> bool:
            return bool(self.backend.search(question).hits)

        return pick_examples(EXAMPLE_QUESTIONS, works, n) or pick_examples(
            title_questions(self.backend.snapshot().manifest), works, n
        )

    def filter_choices(self) -> tuple[list[str], list[str]]:
        """The outlets and the authors of the indexed articles, sorted (the settings panel offers them,
        refreshed on every page load: from the loaded index, without hashing the corpus as `status` does)."""
        try:
            docs = self.backend.snapshot().manifest
        except RagError:
            return [], []
        entries = list(docs.documents.values()) if docs else []
        outlets = sorted({str(d["source"]) for d in entries if d.get("source")}, key=str.casefold)
        authors = sorted({str(d["author"]) for d in entries if d.get("author")}, key=str.casefold)
        return outlets, authors

    def _answer_at(self, index: int | None) -> Answer | None:
        if index is None or not -len(self.turns) <= index < len(self.turns):
            return None
        return self.turns[index].answer


def with_filters(options: dict[str, Any]) -> dict[str, Any]:
    """`options` with a `filters` mapping of the settings panel made into `Filters` (the check of its
    dates raises ConfigError, which says the format); other options as they are."""
    raw = options.get("filters")
    if raw is None or isinstance(raw, Filters):
        return options
    return {**options, "filters": Filters.build(**raw)}


def turn_of_message(message_index: Any) -> int | None:
    """Which turn a Chatbot message index belongs to (every turn shows two messages); None if not an index."""
    i = message_index[0] if isinstance(message_index, list | tuple) and message_index else message_index
    return i // 2 if isinstance(i, int) and not isinstance(i, bool) and i >= 0 else None


__all__ = ["SOURCES_HINT", "ChatSession", "PageStatus", "Step", "Turn", "turn_of_message", "with_filters"]
