"""The chat's sources panel in a real browser (Playwright, Debian's Chromium, the real model): a
story that ran in four outlets is cited once, its card listing the three other outlets."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from rag.config import Settings
from tests.conftest import ROOT
from tests.integration.test_wire_model import PERLA
from tests.system.test_browser import CHROMIUM_ARGS, ask, browser, open_app  # noqa: F401  (fixture)
from tests.unit.test_app import serve
from tests.unit.test_wire import COPIES, STORY
from tests.wire_copies import write_copies

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def wire_site(tmp_path_factory, real_embedder) -> Iterator[tuple[str, Settings]]:
    from rag.index.build import ingest

    root = tmp_path_factory.mktemp("wire-web")
    shutil.copytree(ROOT / "corpus", root / "corpus")
    write_copies(root / "corpus")
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", feedback_path=root / "feedback.jsonl")
    ingest(settings, embedder=real_embedder)
    with serve(settings, real_embedder) as url:
        yield url, settings


def test_sources_card_lists_the_other_outlets(browser, wire_site):  # noqa: F811
    url, settings = wire_site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_app(page, url, settings)
        ask(page, PERLA)
        cards = page.locator("#rag-sources .rag-card")
        also = page.locator("#rag-sources .rag-also")
        assert also.count() >= 1 and also.first.is_visible()
        text = also.first.inner_text()
        assert "Also in 3 outlets" in text
        assert sum(name in text for name in ("Orda.kz", *COPIES.values())) == 3
        titles = [cards.nth(i).locator(".rag-title").inner_text() for i in range(cards.count())]
        # The story is cited from one article only: its four headlines never appear side by side.
        headlines = {"Russian Propagandists Speak about Toqayev's Visit to Germany", "Toqayev in Berlin angers Moscow pundits",
                     "Kazakhstan will keep to sanctions, Toqayev says", "Why Russian TV turned on Toqayev"}  # fmt: skip
        assert len(set(titles) & headlines) == 1 and len(STORY) == 4
    finally:
        context.close()
