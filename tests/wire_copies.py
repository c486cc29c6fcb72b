"""Wire copies of a seed article, as other outlets would run them: a new headline, the last
paragraph trimmed, the outlet's own boilerplate around the story, and the outlet's file format."""

from __future__ import annotations

import html
from pathlib import Path

ORDA = "orda-russian-propagandists-on-toqayev-visit-to-germany.txt"
MEETING = "putin-and-tokayev-meet-speech-in-kazakh.txt"


def paragraphs(path: Path) -> list[str]:
    """The article's paragraphs (blocks between blank lines), stripped, empty ones dropped."""
    return [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def story(path: Path, trim: int = 1) -> list[str]:
    """The paragraphs after the headline, without the last `trim` ones (a trimmed ending)."""
    paras = paragraphs(path)[1:]
    return paras[: len(paras) - trim] if trim else paras


def markdown_copy(seed: Path, headline: str, outlet: str, date: str = "2022-10-01") -> str:
    """A Markdown copy with front matter naming the outlet, and its subscribe lines."""
    body = "\n\n".join(story(seed))
    return (
        f"---\ntitle: {headline}\noutlet: {outlet}\ndate: {date}\n---\n\n# {headline}\n\n"
        f"*{outlet} news desk, with wire reports*\n\n{body}\n\n"
        f"Follow {outlet} on Telegram for more news from Central Asia.\n\n"
        f"Share this article: Facebook, Twitter, WhatsApp\n"
    )


def html_copy(seed: Path, headline: str, outlet: str) -> str:
    """An HTML page of another outlet: its site name, navigation, the story in <article>, a footer."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in story(seed, trim=2))
    return (
        f"<html><head><title>{html.escape(headline)} | {outlet}</title>"
        f'<meta property="og:site_name" content="{outlet}"></head><body>'
        f"<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/about'>About {outlet}</a></nav>"
        f"<article><h1>{html.escape(headline)}</h1>\n{body}\n"
        f"<p>Read more world news on {outlet}.</p></article>"
        f"<footer>Copyright 2022 {outlet}. All rights reserved.</footer></body></html>"
    )


def text_copy(seed: Path, headline: str, outlet: str) -> str:
    """A plain-text copy: a new headline, the outlet's photo credit (which names the outlet: it
    is a web address), the story with its ending trimmed, the outlet's subscribe line."""
    body = "\n\n".join(story(seed))
    return f"{headline}\n\nPhoto: {outlet}\n\n{body}\n\nSubscribe to the Daily Caspian newsletter.\n"


def write_copies(corpus: Path, seed_name: str = ORDA) -> dict[str, str]:
    """Three copies of `seed_name` in `corpus`; file name -> outlet."""
    seed = corpus / seed_name
    copies = {
        "steppe-herald-toqayev-berlin.md": (markdown_copy, "Toqayev in Berlin angers Moscow pundits", "Steppe Herald"),
        "eurasia-wire-sanctions.html": (html_copy, "Kazakhstan will keep to sanctions, Toqayev says", "Eurasia Wire"),
        "daily-caspian-kazakhstan.txt": (text_copy, "Why Russian TV turned on Toqayev", "dailycaspian.kz"),
    }
    for name, (make, headline, outlet) in copies.items():
        (corpus / name).write_text(make(seed, headline, outlet), encoding="utf-8")
    return {name: outlet for name, (_, _, outlet) in copies.items()}
