"""The web chat: Gradio layout and wiring over `rag` (no retrieval logic here).

`python app.py [--host H] [--port P]` (or `rag serve`) serves it on http://127.0.0.1:7860, mounted on
the HTTP APIs' FastAPI app (`rag.server`). The named endpoint `/ask` returns the JSON of `rag ask --json`,
with each citation's `path` named `file` (`rag.serialize.gradio_answer_json`):

    from gradio_client import Client
    Client("http://127.0.0.1:7860/").predict("How many wagons of coal did Kazakhstan block?", api_name="/ask")
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402

import gradio as gr  # noqa: E402

from rag.config import MODES, Settings  # noqa: E402
from rag.corpus.uploads import UPLOAD_SUFFIXES  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.errors import RagError  # noqa: E402
from rag.serialize import gradio_answer_json  # noqa: E402
from rag.web import render as ui  # noqa: E402
from rag.web.saved import restored_turns, saved_turns  # noqa: E402
from rag.web.session import SOURCES_HINT, ChatSession, PageStatus, Step, Turn  # noqa: E402
from rag.web.timeline import CSS as timeline_css  # noqa: E402

# Handlers for the page itself, not for API clients: kept out of the /ask API listing.
UI_EVENT: dict[str, Any] = {"api_visibility": "private"}


class Handlers:
    """The page's event handlers. Each turns Gradio's inputs into one `ChatSession` call and its
    result into component updates; the rules live in the session. The method names are the
    handler names Gradio lists in `demo.fns`."""

    def __init__(self, backend: Engine) -> None:
        self.backend = backend

    def respond(
        self, question: str, turns: list[Turn], k: float, rmode: str, amode: str, scores: bool, timings: bool,
        *filters: Any,
    ) -> Iterator[tuple]:  # fmt: skip
        chat = ChatSession(self.backend, turns, show_scores=scores, show_timings=timings)
        yield from _shown(chat, chat.respond(question, **_options(k, rmode, amode, *filters)))

    def retry(
        self, turns: list[Turn], k: float, rmode: str, amode: str, scores: bool, timings: bool, *filters: Any
    ) -> Iterator[tuple]:
        chat = ChatSession(self.backend, turns, show_scores=scores, show_timings=timings)
        yield from _shown(chat, chat.retry(**_options(k, rmode, amode, *filters)))

    def timeline(self, question: str, turns: list[Turn], rmode: str, *filters: Any) -> Any:
        """The timeline view of the question in the box, or of the last question asked."""
        html = ChatSession(self.backend, turns).timeline(question, mode=rmode, filters=_filter_fields(*filters))
        return gr.update(value=html, visible=True)

    def close_timeline(self) -> Any:
        return gr.update(value="", visible=False)

    def clear(self) -> tuple:
        return [], [], SOURCES_HINT, gr.update(value="", visible=False), "", -1, saved_turns([])

    def restore(self, saved: Any) -> tuple:
        """The conversation the browser kept, back in the chat after a reload: (chatbot, turns,
        sources panel, shown turn). Nothing kept, or nothing readable: the page stays as it is."""
        chat = ChatSession(self.backend, restored_turns(saved))
        if not chat.turns:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        try:
            sources = chat.sources(chat.latest)
        except RagError:  # no index to read the articles' details from: the chat still comes back
            sources = SOURCES_HINT
        return chat.messages(), chat.turns, sources, chat.latest

    def restyle(self, turns: list[Turn], shown: int, scores: bool, timings: bool) -> str:
        return ChatSession(self.backend, turns, show_scores=scores, show_timings=timings).sources(shown)

    def select_turn(self, turns: list[Turn], scores: bool, timings: bool, evt: gr.SelectData) -> tuple[str, int]:
        return ChatSession(self.backend, turns, show_scores=scores, show_timings=timings).select(evt.index)

    def open_source(self, turns: list[Turn], shown: int, evt: gr.EventData) -> Any:
        data = getattr(evt, "_data", None)  # what the sources panel's script sent: {"key": "c1"}
        key = data.get("key") if isinstance(data, dict) else None
        html = ChatSession(self.backend, turns).open_article(shown, key)
        return gr.skip() if html is None else gr.update(value=html, visible=True)

    def like(self, turns: list[Turn], evt: gr.LikeData) -> None:
        if ChatSession(self.backend, turns).like(evt.index, evt.liked) is not None:
            gr.Info("Thanks! Your feedback was saved.")

    def status(self) -> tuple[str, Any, Any]:
        """The status line, the update button (shown when stale) and the empty state, as they are now."""
        return _status_updates(ChatSession(self.backend).status())

    def filter_choices(self) -> tuple[Any, Any]:
        """The outlet and author lists offered, as the index is now (uploads add to them)."""
        outlets, authors = ChatSession(self.backend).filter_choices()
        return gr.update(choices=outlets), gr.update(choices=authors)

    def update_index(self, progress: gr.Progress = gr.Progress()) -> tuple[str, Any, Any]:  # noqa: B008
        try:
            summary = ChatSession(self.backend).update_index(_progress(progress))
        except RagError as exc:
            raise gr.Error(str(exc)) from exc
        gr.Info(summary)
        return self.status()

    def upload(self, files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
        message = ChatSession(self.backend).upload(files or [], _progress(progress))
        if message is None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return message, *self.status(), None

    def ask_api(
        self, question: str, k: int | None = None, retrieval_mode: str | None = None, answer_mode: str | None = None
    ) -> dict:
        """Answer one question from the articles: the JSON object of `rag ask --json`, with each
        citation's article file under `file` (gradio_client would download anything named `path`)."""
        if isinstance(k, float) and k.is_integer():  # JSON clients may send 5.0
            k = int(k)
        options = {"k": k or None, "retrieval_mode": retrieval_mode or None, "answer_mode": answer_mode or None}
        try:
            return gradio_answer_json(self.backend.ask(question, **options))
        except RagError as exc:
            raise gr.Error(str(exc)) from exc


def _shown(chat: ChatSession, steps: Iterator[Step]) -> Iterator[tuple]:
    """A reply's steps as updates of (chatbot, turns, sources, article, question box, shown turn,
    the conversation the browser keeps: once the reply is finished, not while it is on its way)."""
    hidden = gr.update(visible=False)
    for step in steps:
        sources = gr.skip() if step.sources is None else step.sources
        last = chat.turns[-1] if chat.turns else None
        settled = last is None or last.answer is not None or last.error is not None
        kept = saved_turns(chat.turns) if settled else gr.skip()
        yield step.messages, chat.turns, sources, gr.skip() if step.streaming else hidden, "", chat.latest, kept


def _status_updates(status: PageStatus) -> tuple[str, Any, Any]:
    overview = gr.skip() if status.overview is None else gr.update(placeholder=status.overview)
    return status.line, gr.update(visible=status.stale), overview


def _options(k: float, retrieval_mode: str, answer_mode: str, *filters: Any) -> dict[str, Any]:
    return {"k": int(k), "retrieval_mode": retrieval_mode, "answer_mode": answer_mode,
            "filters": _filter_fields(*filters)}  # fmt: skip


def _filter_fields(after: Any = None, before: Any = None, outlets: Any = None, authors: Any = None) -> dict:
    """The settings panel's filter inputs as `Filters.build` arguments (the session checks them)."""
    return {"after": after or None, "before": before or None, "outlets": outlets or None, "authors": authors or None}


@dataclass(frozen=True)
class Page:
    """The components the event handlers read and write."""

    status: gr.Markdown
    update_btn: gr.Button
    turns: gr.State
    shown: gr.State
    saved: gr.BrowserState
    chatbot: gr.Chatbot
    question: gr.Textbox
    ask_btn: gr.Button
    retry_btn: gr.Button
    clear_btn: gr.Button
    sources: gr.HTML
    article: gr.HTML
    k: gr.Slider
    rmode: gr.Radio
    amode: gr.Radio
    show_scores: gr.Checkbox
    show_timings: gr.Checkbox
    files: gr.File
    upload_msg: gr.Markdown
    filters: tuple  # after, before, outlets, authors (in the settings panel)
    timeline: gr.HTML
    timeline_btn: gr.Button


def build_app(settings: Settings, backend: Engine | None = None) -> gr.Blocks:
    """The page. `backend` defaults to one built from `settings` (tests pass their own)."""
    backend = backend or Engine(settings)
    start = ChatSession(backend)
    status, examples = start.status(), start.examples()
    # Uploaded files sit in Gradio's cache until saved into the corpus; sweep it hourly.
    with gr.Blocks(title="News RAG: answers from your articles", delete_cache=(3600, 3600)) as demo:
        gr.Markdown(
            "# News RAG\nAsk about your news articles. Every answer cites the passages it comes from, "
            "numbered [1], [2], …; the sources panel shows each one."
        )
        with gr.Row(equal_height=True):
            status_md = gr.Markdown(status.line, elem_id="rag-status")
            update_btn = gr.Button("Update index", size="sm", scale=0, min_width=130, visible=False)
        turns, shown = gr.State([]), gr.State(-1)
        # The conversation survives a reload (not a server restart: the secret is made at start).
        saved = gr.BrowserState(None, storage_key="rag-chat")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=340):
                chat = _chat_column(status.overview, examples)
            with gr.Column(scale=2, min_width=300):
                timeline = gr.HTML("", elem_id="rag-timeline", visible=False)
                sources = gr.HTML(SOURCES_HINT, js_on_load=ui.SOURCES_JS, elem_id="rag-sources")
                article = gr.HTML("", js_on_load=ui.ARTICLE_JS, elem_id="rag-article", visible=False)
        options, filters = _settings_panel(settings, start.filter_choices())
        upload = _upload_panel(settings)
        page = Page(status_md, update_btn, turns, shown, saved, *chat[:5], sources, article, *options, *upload,
                    filters=filters, timeline=timeline, timeline_btn=chat[5])  # fmt: skip
        _wire(demo, page, Handlers(backend))
    return demo


def _chat_column(overview: str | None, examples: list[str]) -> tuple:
    """The chat, the question box and its buttons: (chatbot, question, ask, retry, clear, timeline)."""
    chatbot = gr.Chatbot(
        label="Chat",
        elem_id="rag-chat",
        height="min(560px, 62vh)",
        placeholder=overview,
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
        timeline_btn = gr.Button("Timeline", size="sm", elem_id="rag-timeline-btn")
    return chatbot, question, ask_btn, retry_btn, clear_btn, timeline_btn


def _settings_panel(settings: Settings, choices: tuple[list[str], list[str]] = ([], [])) -> tuple[tuple, tuple]:
    """The settings accordion: ((passages k, retrieval mode, answer mode, show scores, show timings),
    (after, before, outlets, authors)); `choices` are the corpus's outlets and authors."""
    llm = settings.llm_enabled
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
        filters = _filter_inputs(*choices)
    return (k, rmode, amode, show_scores, show_timings), filters


def _filter_inputs(outlets: list[str], authors: list[str]) -> tuple:
    """Which articles answers and timelines draw from: (after, before, outlets, authors)."""
    with gr.Row(elem_id="rag-filters"):
        # Text, not gr.DateTime: its picker kept a date it could not read to itself (the answer
        # went out unfiltered, or with the last date it could read); typed text reaches
        # `Filters.build`, whose message for a bad date shows in the chat.
        dates = {"placeholder": "yyyy-mm-dd", "max_lines": 1, "min_width": 150}
        after = gr.Textbox(label="Published on or after", elem_id="rag-after", **dates)
        before = gr.Textbox(label="Published on or before", elem_id="rag-before", **dates)
        names = {"multiselect": True, "allow_custom_value": True, "min_width": 180}
        outlet = gr.Dropdown(outlets, value=[], label="Outlets", info="any of these", elem_id="rag-outlet", **names)
        author = gr.Dropdown(authors, value=[], label="Authors", info="any of these", elem_id="rag-author", **names)
    return after, before, outlet, author


def _upload_panel(settings: Settings) -> tuple:
    """The "Add articles" accordion: (file drop, its message)."""
    with gr.Accordion("Add articles", open=False, elem_id="rag-add"):
        files = gr.File(
            label=f"Upload articles ({', '.join(UPLOAD_SUFFIXES)}; up to "
            f"{min(settings.max_upload_mb, settings.max_file_mb):g} MB each)",
            file_count="multiple",
            file_types=list(UPLOAD_SUFFIXES),
            elem_id="rag-upload",
        )
        upload_msg = gr.Markdown(elem_id="rag-upload-msg")
    return files, upload_msg


def _wire(demo: gr.Blocks, p: Page, h: Handlers) -> None:
    """Connect the components to the handlers, and name the /ask API endpoint."""
    # Each `h.method` is a new bound-method object and Gradio keys its concurrency limit on the
    # function's id: bind once, so the triggers of one handler share one limit, as they should.
    respond, clear, restyle = h.respond, h.clear, h.restyle
    answer_inputs = [p.turns, p.k, p.rmode, p.amode, p.show_scores, p.show_timings, *p.filters]
    answer_outputs = [p.chatbot, p.turns, p.sources, p.article, p.question, p.shown, p.saved]
    for trigger in (p.question.submit, p.ask_btn.click):
        trigger(respond, [p.question, *answer_inputs], answer_outputs, **UI_EVENT)
    p.chatbot.example_select(_example_text, None, p.question, **UI_EVENT).then(
        respond, [p.question, *answer_inputs], answer_outputs, **UI_EVENT
    )
    p.retry_btn.click(h.retry, answer_inputs, answer_outputs, **UI_EVENT)
    p.clear_btn.click(clear, None, answer_outputs, **UI_EVENT)
    p.clear_btn.click(h.close_timeline, None, p.timeline, **UI_EVENT)
    p.timeline_btn.click(h.timeline, [p.question, p.turns, p.rmode, *p.filters], p.timeline, **UI_EVENT)
    p.chatbot.clear(clear, None, answer_outputs, **UI_EVENT)
    p.chatbot.like(h.like, p.turns, None, **UI_EVENT)
    p.chatbot.select(h.select_turn, [p.turns, p.show_scores, p.show_timings], [p.sources, p.shown], **UI_EVENT)
    p.sources.click(h.open_source, [p.turns, p.shown], p.article, **UI_EVENT)
    for box in (p.show_scores, p.show_timings):
        box.change(restyle, [p.turns, p.shown, p.show_scores, p.show_timings], p.sources, **UI_EVENT)
    index_outputs = [p.status, p.update_btn, p.chatbot]
    lists, choices = [p.filters[2], p.filters[3]], h.filter_choices
    p.update_btn.click(h.update_index, None, index_outputs, **UI_EVENT).then(choices, None, lists, **UI_EVENT)
    p.files.upload(h.upload, p.files, [p.upload_msg, *index_outputs, p.files], **UI_EVENT).then(
        choices, None, lists, **UI_EVENT
    )
    demo.load(h.status, None, index_outputs, **UI_EVENT)
    demo.load(h.restore, p.saved, [p.chatbot, p.turns, p.sources, p.shown], **UI_EVENT)
    demo.load(choices, None, lists, **UI_EVENT)
    gr.api(h.ask_api, api_name="ask")


def _example_text(evt: gr.SelectData) -> str:
    value = evt.value
    return value.get("text", "") if isinstance(value, dict) else str(value)


def _progress(progress: gr.Progress):
    """Gradio's progress bar as the library's progress(stage, done, total) callback."""
    names = {"check": "Checking files", "parse": "Reading articles", "embed": "Embedding passages"}

    def report(stage: str, done: int, total: int) -> None:
        progress((done, total or None), desc=names.get(stage, stage.capitalize()))

    return report


def theme() -> gr.themes.Base:
    """The default look with system fonts: the page loads nothing from the internet."""
    return gr.themes.Soft(font=ui.SYSTEM_FONTS, font_mono=ui.MONO_FONTS)


def launch_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `Blocks.launch` (the chat alone, as the tests run it): loopback by
    default, optional basic auth."""
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        **mount_options(settings),
    }


def mount_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `gr.mount_gradio_app` (and `launch`): the login of `RAG_AUTH`,
    the upload limit and the page's look."""
    return {
        "auth": settings.auth_pair(),
        "max_file_size": f"{min(settings.max_upload_mb, settings.max_file_mb):g}mb",
        "footer_links": ["api"],
        "ssr_mode": False,
        "show_error": True,
        "theme": theme(),
        "css": ui.CSS + timeline_css,
    }
