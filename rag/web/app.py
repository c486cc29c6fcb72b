"""The web chat: Gradio layout and wiring over `rag` (no retrieval logic here).

`python app.py [--host H] [--port P]` (or `rag serve`) starts it on http://127.0.0.1:7860. The named endpoint `/ask`
returns the same JSON as `rag ask --json`:

    from gradio_client import Client
    Client("http://127.0.0.1:7860/").predict("How many wagons of coal did Kazakhstan block?", api_name="/ask")
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gradio as gr  # noqa: E402

from rag.answer.extractive import answer_json, answer_question, stream_answer  # noqa: E402
from rag.config import MODES, Settings  # noqa: E402
from rag.corpus.uploads import UPLOAD_SUFFIXES  # noqa: E402
from rag.engine import add_uploads  # noqa: E402
from rag.errors import ConfigError, RagError  # noqa: E402
from rag.index.build import ensure_index, index_status, ingest, open_index  # noqa: E402
from rag.index.embed import Embedder, get_embedder  # noqa: E402
from rag.index.store import IndexSnapshot  # noqa: E402
from rag.records import Answer  # noqa: E402
from rag.search.retrieve import search  # noqa: E402
from rag.web import render as ui  # noqa: E402
from rag.web.feedback import record_feedback  # noqa: E402

SOURCES_HINT = '<div class="rag-sources"><p class="rag-empty">The passages behind each answer appear here.</p></div>'


@dataclass(frozen=True)
class Turn:
    """One exchange of the chat: the question and its answer, or the error that stopped it."""

    question: str
    answer: Answer | None = None
    error: str | None = None


class Backend:
    """What every request shares: settings, the embedder (loaded once) and the current index."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or get_embedder(settings)

    def snapshot(self) -> IndexSnapshot:
        """The current index generation (reloaded only when an ingest wrote a new one)."""
        return open_index(self.settings, self.embedder)

    def start(self, note: Callable[[str], None] | None = None) -> IndexSnapshot:
        """Build or update the index, then load the model so the first question is quick."""
        snap = ensure_index(self.settings, self.embedder, note=note)
        self.embedder.embed_query("warm up")
        return snap

    def examples(self, snapshot: IndexSnapshot) -> list[str]:
        def works(question: str) -> bool:
            return bool(search(question, self.settings, snapshot, embedder=self.embedder).hits)

        found = ui.pick_examples(ui.EXAMPLE_QUESTIONS, works)
        return found or ui.pick_examples(ui.title_questions(snapshot.manifest), works)

    def ask(self, question: str, **options: Any) -> dict[str, Any]:
        return answer_json(answer_question(question, self.settings, self.snapshot(), embedder=self.embedder, **options))


def _chat(turns: list[Turn], partial: str | None = None) -> list[dict[str, str]]:
    """The Chatbot's messages, rebuilt from the turns (the last one may still be streaming)."""
    messages = []
    for i, t in enumerate(turns):
        messages.append({"role": "user", "content": ui.md_text(t.question)})
        if t.answer is not None:
            messages.append({"role": "assistant", "content": ui.chat_message(t.answer)})
        elif t.error is not None:
            messages.append({"role": "assistant", "content": "⚠ " + ui.md_text(t.error)})
        elif i == len(turns) - 1:
            messages.append({"role": "assistant", "content": ui.md_text(partial) if partial else "…"})
    return messages


def _history(turns: list[Turn]) -> list[tuple[str, str]]:
    return [(t.question, t.answer.text) for t in turns if t.answer is not None]


def _options(k: float, retrieval_mode: str, answer_mode: str) -> dict[str, Any]:
    return {"k": int(k), "retrieval_mode": retrieval_mode, "answer_mode": answer_mode}


def build_app(settings: Settings, backend: Backend | None = None) -> gr.Blocks:
    """The page. `backend` defaults to one built from `settings` (tests pass their own)."""
    backend = backend or Backend(settings)
    snap = backend.snapshot()
    examples = backend.examples(snap)

    def sources_for(turns: list[Turn], index: int, show_scores: bool, show_timings: bool) -> str:
        if not turns or not -len(turns) <= index < len(turns) or turns[index].answer is None:
            return SOURCES_HINT
        return ui.source_cards(
            turns[index].answer, backend.snapshot().manifest, show_scores=show_scores, show_timings=show_timings
        )

    def respond(
        question: str, turns: list[Turn], k: float, rmode: str, amode: str, scores: bool, timings: bool
    ) -> Iterator[tuple]:
        hidden = gr.update(visible=False)
        if not question or not question.strip():
            yield _chat(turns), turns, gr.skip(), hidden, ""
            return
        turns = [*turns, Turn(question.strip())]
        yield _chat(turns), turns, SOURCES_HINT, hidden, ""
        partial = ""
        try:
            for item in stream_answer(
                question, settings, backend.snapshot(), history=_history(turns[:-1]),
                embedder=backend.embedder, **_options(k, rmode, amode),
            ):  # fmt: skip
                if isinstance(item, Answer):
                    turns[-1] = Turn(turns[-1].question, answer=item)
                else:
                    partial += item
                    yield _chat(turns, partial), turns, gr.skip(), gr.skip(), ""
        except RagError as exc:
            turns[-1] = Turn(turns[-1].question, error=str(exc))
        yield _chat(turns), turns, sources_for(turns, -1, scores, timings), hidden, ""

    def retry(turns: list[Turn], k: float, rmode: str, amode: str, scores: bool, timings: bool) -> Iterator[tuple]:
        if not turns:
            yield _chat(turns), turns, SOURCES_HINT, gr.update(visible=False), ""
            return
        yield from respond(turns[-1].question, turns[:-1], k, rmode, amode, scores, timings)

    def clear() -> tuple:
        return [], [], SOURCES_HINT, gr.update(value="", visible=False), ""

    def restyle(turns: list[Turn], shown: int, scores: bool, timings: bool) -> str:
        return sources_for(turns, shown, scores, timings)

    def select_turn(turns: list[Turn], scores: bool, timings: bool, evt: gr.SelectData) -> tuple[str, int]:
        index = _turn_of_message(turns, evt.index)
        return sources_for(turns, index, scores, timings), index

    def open_source(turns: list[Turn], shown: int, evt: gr.EventData) -> Any:
        key = getattr(evt, "_data", None) or {}
        key = key.get("key") if isinstance(key, dict) else None
        if not turns or not -len(turns) <= shown < len(turns) or turns[shown].answer is None or not key:
            return gr.skip()
        found = ui.find_source(turns[shown].answer, key)
        if found is None:
            return gr.skip()
        hit, quote, label = found
        snap = backend.snapshot()
        doc = snap.document(hit.chunk.doc_id)
        if doc is None:
            return gr.update(value=f"<p>{ui.esc(hit.chunk.doc_id)} is no longer in the index.</p>", visible=True)
        return gr.update(value=ui.article_view(doc, ui.doc_info(snap.manifest, doc.doc_id), hit.chunk, quote, label),
                         visible=True)  # fmt: skip

    def like(turns: list[Turn], evt: gr.LikeData) -> None:
        index = _turn_of_message(turns, evt.index)
        if not -len(turns) <= index < len(turns) or turns[index].answer is None:
            return
        rating = "up" if evt.liked is True or evt.liked == "Like" else "down"
        record_feedback(settings.feedback_path, turns[index].answer, rating)
        gr.Info("Thanks! Your feedback was saved.")

    def status() -> tuple[str, Any, Any]:
        """The status line, the update button (shown when stale) and the empty state, as they are now."""
        try:
            st = index_status(settings)
            overview = ui.corpus_overview(st.manifest)
        except RagError as exc:
            return f"⚠ {ui.md_text(str(exc))}", gr.update(visible=False), gr.skip()
        return ui.status_line(st), gr.update(visible=st.stale), gr.update(placeholder=overview)

    def update_index(progress: gr.Progress = gr.Progress()) -> tuple[str, Any, Any]:  # noqa: B008
        try:
            report = ingest(settings, embedder=backend.embedder, progress=_progress(progress))
        except RagError as exc:
            raise gr.Error(str(exc)) from exc
        gr.Info(report.summary().splitlines()[0])
        return status()

    def upload(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
        if not files:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        pairs = []
        for path in files:
            p = Path(path)
            pairs.append((p.name, p.read_bytes()))
        try:
            result = add_uploads(pairs, settings, embedder=backend.embedder, progress=_progress(progress))
        except RagError as exc:
            return f"⚠ Nothing was added: {ui.md_text(str(exc))}", *status(), None
        message = "\n\n".join(("⚠ " if line.startswith("Refused") else "✓ ") + ui.md_text(line)
                              for line in result.message().splitlines())  # fmt: skip
        return message, *status(), None

    def ask_api(
        question: str, k: int | None = None, retrieval_mode: str | None = None, answer_mode: str | None = None
    ) -> dict:
        """Answer one question from the articles; returns the same JSON object as `rag ask --json`."""
        try:
            return backend.ask(question, k=k or None, retrieval_mode=retrieval_mode or None,
                               answer_mode=answer_mode or None)  # fmt: skip
        except RagError as exc:
            raise gr.Error(str(exc)) from exc

    llm = settings.llm_enabled
    # Uploaded files sit in Gradio's cache until saved into the corpus; sweep it hourly.
    with gr.Blocks(title="News RAG: answers from your articles", delete_cache=(3600, 3600)) as demo:
        gr.Markdown(
            "# News RAG\nAsk about your news articles. Every answer cites the passages it comes from, "
            "numbered [1], [2], …; the sources panel shows each one."
        )
        with gr.Row(equal_height=True):
            status_md = gr.Markdown(ui.status_line(index_status(settings)), elem_id="rag-status")
            update_btn = gr.Button("Update index", size="sm", scale=0, min_width=130, visible=False)
        turns = gr.State([])
        shown = gr.State(-1)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=340):
                chatbot = gr.Chatbot(
                    label="Chat",
                    elem_id="rag-chat",
                    height="min(560px, 62vh)",
                    placeholder=ui.corpus_overview(snap.manifest),
                    examples=[{"text": q} for q in examples],
                    latex_delimiters=[],
                    sanitize_html=True,
                    feedback_options=("Like", "Dislike"),
                    buttons=["copy"],
                    autoscroll=True,
                )
                with gr.Row():
                    question = gr.Textbox(
                        placeholder="Ask a question about the articles…",
                        show_label=False,
                        container=False,
                        scale=5,
                        elem_id="rag-question",
                        max_lines=6,
                    )
                    ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="rag-ask")
                with gr.Row():
                    retry_btn = gr.Button("↻ Retry", size="sm", elem_id="rag-retry")
                    clear_btn = gr.Button("Clear chat", size="sm", elem_id="rag-clear")
            with gr.Column(scale=2, min_width=300):
                sources = gr.HTML(SOURCES_HINT, js_on_load=ui.SOURCES_JS, elem_id="rag-sources")
                article = gr.HTML("", js_on_load=ui.ARTICLE_JS, elem_id="rag-article", visible=False)
        with gr.Accordion("Settings", open=False, elem_id="rag-settings"):
            with gr.Row():
                k = gr.Slider(1, 10, value=settings.top_k, step=1, label="Passages to retrieve")
                rmode = gr.Radio(list(MODES), value=settings.mode, label="Retrieval",
                                 info="hybrid = meaning + exact words; dense = meaning; bm25 = exact words")  # fmt: skip
                amode = gr.Radio(
                    [("Extractive (sentences from the articles)", "extractive"), ("LLM (generated, checked)", "llm")],
                    value="llm" if llm else "extractive",
                    label="Answer",
                    interactive=llm,
                    info=None if llm else "No LLM is configured: set RAG_LLM_BASE_URL to enable generated answers.",
                )
            with gr.Row():
                show_scores = gr.Checkbox(False, label="Show retrieval scores")
                show_timings = gr.Checkbox(False, label="Show per-stage timings")
        with gr.Accordion("Add articles", open=False, elem_id="rag-add"):
            files = gr.File(
                label=f"Upload articles ({', '.join(UPLOAD_SUFFIXES)}; up to "
                f"{min(settings.max_upload_mb, settings.max_file_mb):g} MB each)",
                file_count="multiple",
                file_types=list(UPLOAD_SUFFIXES),
                elem_id="rag-upload",
            )
            upload_msg = gr.Markdown(elem_id="rag-upload-msg")

        answer_inputs = [turns, k, rmode, amode, show_scores, show_timings]
        answer_outputs = [chatbot, turns, sources, article, question]
        ui_event = {"api_visibility": "private"}
        for trigger in (question.submit, ask_btn.click):
            trigger(respond, [question, *answer_inputs], answer_outputs, **ui_event).then(
                lambda t: len(t) - 1, turns, shown, **ui_event
            )
        chatbot.example_select(_example_text, None, question, **ui_event).then(
            respond, [question, *answer_inputs], answer_outputs, **ui_event
        ).then(lambda t: len(t) - 1, turns, shown, **ui_event)
        retry_btn.click(retry, answer_inputs, answer_outputs, **ui_event).then(
            lambda t: len(t) - 1, turns, shown, **ui_event
        )
        clear_btn.click(clear, None, answer_outputs, **ui_event).then(lambda: -1, None, shown, **ui_event)
        chatbot.clear(clear, None, answer_outputs, **ui_event).then(lambda: -1, None, shown, **ui_event)
        chatbot.like(like, turns, None, **ui_event)
        chatbot.select(select_turn, [turns, show_scores, show_timings], [sources, shown], **ui_event)
        sources.click(open_source, [turns, shown], article, **ui_event)
        for box in (show_scores, show_timings):
            box.change(restyle, [turns, shown, show_scores, show_timings], sources, **ui_event)
        update_btn.click(update_index, None, [status_md, update_btn, chatbot], **ui_event)
        files.upload(upload, files, [upload_msg, status_md, update_btn, chatbot, files], **ui_event)
        demo.load(status, None, [status_md, update_btn, chatbot], **ui_event)
        gr.api(ask_api, api_name="ask")
    return demo


def _example_text(evt: gr.SelectData) -> str:
    value = evt.value
    return value.get("text", "") if isinstance(value, dict) else str(value)


def _turn_of_message(turns: list[Turn], message_index: Any) -> int:
    """Which turn a Chatbot message index belongs to (every turn shows two messages)."""
    i = message_index[0] if isinstance(message_index, list | tuple) else message_index
    return int(i) // 2 if isinstance(i, int) else -1


def _progress(progress: gr.Progress):
    names = {"check": "Checking files", "parse": "Reading articles", "embed": "Embedding passages"}

    def report(stage: str, done: int, total: int) -> None:
        progress((done, total or None), desc=names.get(stage, stage.capitalize()))

    return report


def theme() -> gr.themes.Base:
    """The default look with system fonts: the page loads nothing from the internet."""
    return gr.themes.Soft(font=ui.SYSTEM_FONTS, font_mono=ui.MONO_FONTS)


def launch_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `Blocks.launch`: loopback by default, optional basic auth."""
    auth = None
    if settings.auth:
        user, sep, password = settings.auth.partition(":")
        if not sep or not user or not password:
            raise ConfigError("RAG_AUTH must look like user:password")
        auth = (user, password)
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "auth": auth,
        "max_file_size": f"{min(settings.max_upload_mb, settings.max_file_mb):g}mb",
        "theme": theme(),
        "css": ui.CSS,
        "footer_links": ["api"],
        "ssr_mode": False,
        "show_error": True,
    }


def main(settings: Settings | None = None, argv: list[str] | None = None) -> None:
    """Start the chat; `argv` takes the same --host/--port flags as `rag serve`."""
    import argparse

    parser = argparse.ArgumentParser(prog="app.py", description="the web chat (same as `rag serve`)")
    parser.add_argument("--host", default=None, help="interface to listen on (default 127.0.0.1, or $RAG_HOST)")
    parser.add_argument("--port", type=int, default=None, help="port (default 7860, or $RAG_PORT)")
    args = parser.parse_args(argv)
    settings = (settings or Settings.from_env()).replace(
        **{k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    )
    backend = Backend(settings)
    backend.start(note=print)
    demo = build_app(settings, backend)
    demo.queue(default_concurrency_limit=4)
    demo.launch(**launch_options(settings))
