"""The web chat: a thin Gradio shell over `rag` (no retrieval logic here)."""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gradio as gr  # noqa: E402

from rag.config import Settings  # noqa: E402
from rag.errors import RagError  # noqa: E402
from rag.indexer import ensure_index  # noqa: E402
from rag.retrieve import search  # noqa: E402


def build_app(settings: Settings) -> gr.Blocks:
    def respond(message: str, history: list) -> str:
        try:
            result = search(message, settings, ensure_index(settings))
        except RagError as exc:
            return f"Error: {exc}"
        if not result.hits:
            return "The articles don't say anything relevant to that."
        return "\n\n".join(f"[{h.rank}] **{h.doc_title}**\n\n{h.chunk.text}" for h in result.hits)

    with gr.Blocks(title="News RAG") as demo:
        gr.ChatInterface(respond)
    return demo


def main(settings: Settings | None = None) -> None:
    settings = settings or Settings.from_env()
    ensure_index(settings, note=print)
    build_app(settings).launch(server_name=settings.host, server_port=settings.port)


if __name__ == "__main__":
    main()
