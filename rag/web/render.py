"""What the web chat shows: answers, source cards, the article viewer, the empty state and the
status line, rendered from the pipeline's records.

Everything that comes from an article (or from a model) goes through `html.escape` before it
reaches the page, so markup inside an article is shown as text and never runs.

>>> highlight("Coal: 1,700  wagons were blocked.", "1,700 wagons")
'Coal: <mark class="rag-quote">1,700  wagons</mark> were blocked.'
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rag.answer.llm import cited_sentences
from rag.index.manifest import Manifest
from rag.records import Answer, Chunk, Document, Hit

# Questions that work on the seed corpus; at start-up only those that retrieve something are shown.
EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "How many wagons of coal did Kazakhstan block?",
    "Why did Tokayev refuse to recognise the Donbass republics?",
    "What did Russian commentators say about Tokayev's visit to Germany?",
    "In which language did Tokayev speak when he met Putin?",
)

# Markdown punctuation; `<`, `>` and `&` are HTML-escaped instead (a backslash before them would show).
_MD_INLINE = re.compile(r"([\\`*_{}\[\]()!|~])")
_URL = re.compile(r"\bhttps?://[^\s<>\"'`\\\[\]*|~{}!]+")  # no Markdown link or emphasis can start inside
# What only means something at the start of a line: headings, list items, rules.
_MD_LINE_START = re.compile(r"^(\s*)([-+=#]|\d+(?=[.)]))", re.M)


def esc(text: object) -> str:
    """HTML-escape anything (quotes too, so it is safe inside attributes)."""
    return html.escape(str(text), quote=True)


def md_text(text: str) -> str:
    r"""Plain text made safe for the chat's Markdown: punctuation backslash-escaped, then `<>&` as entities.

    A web address is left as it is: the chat links it, and a backslash inside would be part of the link.

    >>> print(md_text("<b>x</b> it's *y* [1]"))
    &lt;b&gt;x&lt;/b&gt; it's \*y\* \[1\]
    >>> print(md_text("see https://orda.kz/a_b(2023) *now*"))
    see https://orda.kz/a_b(2023) \*now\*
    """
    text = str(text)
    cuts = [0, *(i for m in _URL.finditer(text) for i in m.span()), len(text)]
    # Even pieces are text, odd ones addresses.
    text = "".join(
        piece if n % 2 else _MD_INLINE.sub(r"\\\1", piece)
        for n, piece in enumerate(text[a:b] for a, b in zip(cuts, cuts[1:]))
    )
    text = _MD_LINE_START.sub(
        lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2).isdigit() else "\\" + m.group(2)), text
    )
    return html.escape(text, quote=False)


def chat_message(answer: Answer) -> str:
    """The assistant's chat message for a finished answer (Markdown, everything escaped)."""
    parts = [md_text(answer.text)]
    if answer.unsupported:
        parts.append("⚠ *The citation check found no support in the passages for:* " + "; ".join(
            f"“{md_text(s)}”" for s in answer.unsupported))  # fmt: skip
    parts += [f"*{md_text(note)}*" for note in answer.notes]
    return "\n\n".join(p for p in parts if p)


def doc_info(manifest: Manifest | None, doc_id: str) -> dict[str, Any]:
    """The metadata the index holds for one article (title, source, date, author, path)."""
    return manifest.document(doc_id) if manifest else {}


def _meta_line(info: Mapping[str, Any]) -> str:
    parts = [info.get("source"), info.get("date"), info.get("author")]
    return " · ".join(esc(p) for p in parts if p)


def _find(text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` sits in `text`, exactly or with any run of whitespace matching any other."""
    quote = quote.strip()
    if not quote:
        return None
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    words = quote.split()
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (m.start(), m.end()) if m else None


def highlight(text: str, quotes: str | Sequence[str] | None, css: str = "rag-quote") -> str:
    """`text` escaped, with each of `quotes` that it holds wrapped in <mark>.

    >>> highlight("A b. C <d>. E f.", ["E f.", "A b.", "nowhere"])
    '<mark class="rag-quote">A b.</mark> C &lt;d&gt;. <mark class="rag-quote">E f.</mark>'
    """
    wanted = [quotes] if isinstance(quotes, str) else list(quotes or ())
    spans = sorted(span for q in wanted if (span := _find(text, q)) is not None)
    out, at = [], 0
    for a, b in spans:
        if a < at:  # overlaps one already marked
            continue
        out += [esc(text[at:a]), f'<mark class="{css}">{esc(text[a:b])}</mark>']
        at = b
    return "".join(out) + esc(text[at:])


def cited_quotes(answer: Answer, n: int) -> tuple[str, ...]:
    """What citation `n` supports: its quote, and every sentence of the answer marked [n] (an
    extractive answer can quote two sentences of one passage; each is marked in its card).

    >>> from types import SimpleNamespace as NS
    >>> a = NS(text="One. [1] Two. [2] Three. [1]", citations=[NS(n=1, quote="One."), NS(n=2, quote="Two.")])
    >>> cited_quotes(a, 1)
    ('One.', 'Three.')
    """
    quote = next((c.quote for c in answer.citations if c.n == n), None)
    sentences, _ = cited_sentences(answer.text, max((c.n for c in answer.citations), default=0))
    marked = (sentence for sentence, cited in sentences if n in cited)
    return tuple(dict.fromkeys(q for q in (quote, *marked) if q))


def _card(
    key: str,
    label: str,
    hit: Hit,
    quote: str | Sequence[str] | None,
    manifest: Manifest | None,
    *,
    flagged: bool = False,
    show_scores: bool = False,
) -> str:
    chunk = hit.chunk
    info = doc_info(manifest, chunk.doc_id)
    title = hit.doc_title or info.get("title") or chunk.title or chunk.doc_id
    rows = [
        f'<article class="rag-card{" rag-flagged" if flagged else ""}" data-key="{esc(key)}">',
        f'<header><span class="rag-n">{esc(label)}</span> <span class="rag-title">{esc(title)}</span></header>',
    ]
    meta = _meta_line(info)
    if meta:
        rows.append(f'<div class="rag-meta">{meta}</div>')
    if hit.also_in:
        rows.append(also_in_html(hit))
    if flagged:
        rows.append(
            '<div class="rag-flag">⚠ Flagged: the citation check could not find this claim in the passage</div>'
        )
    rows.append(f'<blockquote class="rag-passage">{highlight(chunk.text, quote)}</blockquote>')
    if show_scores:
        scores = [f"score {hit.score:.4f}"] + [f"{m} {v:.4f}" for m, v in sorted(hit.scores_by_method.items())]
        rows.append(f'<div class="rag-scores">{esc(" · ".join(scores))}</div>')
    rows.append(
        f'<button type="button" class="rag-open" data-key="{esc(key)}">Open the whole article {esc(label)}</button>'
    )
    rows.append("</article>")
    return "\n".join(rows)


def also_in_html(hit: Hit) -> str:
    """The card's "Also in N outlets" line: the other outlets' copies of the article (wire copies,
    grouped at ingest and shown once), each with its title and date."""
    n = len(hit.also_in)
    items = []
    for c in hit.also_in:
        when = f" ({esc(c.date[:10])})" if c.date else ""
        items.append(f"<li><strong>{esc(c.outlet or c.doc_id)}</strong>: {esc(c.title or c.doc_id)}{when}</li>")
    return (
        f'<details class="rag-also" open><summary>Also in {n} outlet{"s" if n > 1 else ""}</summary>'
        f"<ul>{''.join(items)}</ul></details>"
    )


def timings_line(timings_ms: Mapping[str, float]) -> str:
    """`retrieve 12 ms · answer 3 ms` from {"retrieve_ms": 12.1, "answer_ms": 3.2}."""
    parts = [f"{k.removesuffix('_ms')} {v:,.0f} ms" for k, v in timings_ms.items() if isinstance(v, int | float)]
    return " · ".join(parts)


def source_cards(
    answer: Answer, manifest: Manifest | None, *, show_scores: bool = False, show_timings: bool = False
) -> str:
    """The sources panel for one answer: a card per citation, or the nearest passages when it abstains.

    Each card has a button with `data-key` ("c<n>" for citation n, "h<rank>" for a nearest
    passage) that the page turns into an "open this article" event.
    """
    rows = ['<div class="rag-sources">']
    if answer.abstained or not answer.citations:
        rows.append(
            '<div class="rag-abstain"><strong>No answer in the articles.</strong> '
            "None of the passages below says enough to answer this question.</div>"
        )
        if answer.hits:
            rows.append('<h3 class="rag-heading">Nearest passages</h3>')
            rows += [_card(f"h{h.rank}", f"#{h.rank}", h, None, manifest, show_scores=show_scores) for h in answer.hits]
        else:
            rows.append('<p class="rag-empty">No passage came close.</p>')
    else:
        rows.append(f'<h3 class="rag-heading">Sources ({len(answer.citations)})</h3>')
        rows += [
            _card(
                f"c{c.n}",
                f"[{c.n}]",
                c.hit,
                cited_quotes(answer, c.n),
                manifest,
                flagged=not c.supported,
                show_scores=show_scores,
            )  # fmt: skip
            for c in answer.citations
        ]
    if show_timings and answer.timings_ms:
        rows.append(f'<div class="rag-timings">{esc(timings_line(answer.timings_ms))}</div>')
    rows.append("</div>")
    return "\n".join(rows)


def find_source(answer: Answer, key: str) -> tuple[Hit, tuple[str, ...], str] | None:
    """The hit, quotes (`cited_quotes`) and label behind a card's `data-key` ("c<n>" or "h<rank>")."""
    kind, num = (key or "")[:1], (key or "")[1:]
    if not num.isdigit():
        return None
    n = int(num)
    if kind == "c":
        for c in answer.citations:
            if c.n == n:
                return c.hit, cited_quotes(answer, n), f"[{n}]"
    elif kind == "h":
        for h in answer.hits:
            if h.rank == n:
                return h, (), f"#{n}"
    return None


def article_view(
    doc: Document, info: Mapping[str, Any], chunk: Chunk, quote: str | Sequence[str] | None, label: str = ""
) -> str:
    """The whole cleaned article, escaped, with the cited passage marked in place (and its quotes inside)."""
    text = doc.text
    a, b = chunk.char_start, chunk.char_end
    if text[a:b] != chunk.text:  # the article was re-indexed since the answer: find the passage again
        a = text.find(chunk.text)
        b = a + len(chunk.text)
    title = doc.title or info.get("title") or doc.doc_id
    meta = _meta_line(info)
    head = (
        f'<div class="rag-article-head"><span class="rag-n">{esc(label)}</span> '
        f'<strong class="rag-title">{esc(title)}</strong>'
        + (f'<div class="rag-meta">{meta}</div>' if meta else "")
        + f'<div class="rag-meta rag-path">{esc(doc.doc_id)}</div></div>'
    )
    if a < 0:
        body = '<p class="rag-flag">This article changed since the answer; the passage is no longer in it.</p>'
        body += f'<div class="rag-article-text">{esc(text)}</div>'
    else:
        body = (
            f'<div class="rag-article-text">{esc(text[:a])}<mark class="rag-passage-mark" id="rag-passage">'
            f"{highlight(text[a:b], quote)}</mark>{esc(text[b:])}</div>"
        )
    return f'<div class="rag-article">\n{head}\n{body}\n</div>'


def corpus_overview(manifest: Manifest | None, limit: int = 8) -> str:
    """The empty state: how many articles, their titles, outlets and dates (Markdown, escaped)."""
    docs = dict(manifest.documents) if manifest else {}
    if not docs:
        return "**The corpus is empty.** Add articles with *Add articles* below, then ask about them."
    items = sorted(docs.items(), key=lambda kv: (str(kv[1].get("date") or ""), kv[0]), reverse=True)
    dates = sorted(str(d["date"]) for d in docs.values() if d.get("date"))
    outlets = sorted({str(d["source"]) for d in docs.values() if d.get("source")})
    head = f"**{len(docs)} article{'s' if len(docs) != 1 else ''}**"
    if outlets:
        head += " from " + ", ".join(md_text(o) for o in outlets[:5]) + (" and others" if len(outlets) > 5 else "")
    if dates:
        head += f", dated {md_text(dates[0])}" + (f" to {md_text(dates[-1])}" if dates[-1] != dates[0] else "")
    lines = [head + ":", ""]
    for doc_id, d in items[:limit]:
        extra = " · ".join(md_text(str(d[k])) for k in ("source", "date") if d.get(k))
        lines.append(f"- {md_text(d.get('title') or doc_id)}" + (f" ({extra})" if extra else ""))
    if len(items) > limit:
        lines.append(f"- and {len(items) - limit} more")
    lines += ["", "Ask a question below, or try one of these:"]
    return "\n".join(lines)


def status_line(status: Any) -> str:
    """The index status as one line of Markdown (`status` is a rag.index.build.IndexStatus)."""
    m = status.manifest
    if not status.exists or m is None:
        return "⚠ **No index yet.** Press *Update index* to build it."
    built = (m.built_at or "?").replace("T", " ").replace("Z", " UTC")
    model = m.embedder.get("name", "?")
    line = (
        f"**Index:** {m.counts.documents} articles · {m.counts.chunks} passages · "
        f"model {md_text(str(model))} · built {md_text(built)}"
    )
    if status.problem:
        line += f"  \n⚠ **The index cannot be read:** {md_text(status.problem)}"
    elif status.stale:
        line += f"  \n⚠ **{md_text(status.describe().capitalize())}.** Press *Update index* to include the changes."
    skipped = m.skipped
    if skipped:
        line += f"  \n{len(skipped)} file(s) in the corpus could not be read: " + "; ".join(
            f"{md_text(k)} ({md_text(v.get('reason', ''))})" for k, v in sorted(skipped.items())[:3]
        )
    return line


def pick_examples(candidates: Iterable[str], works: Any, n: int = 4) -> list[str]:
    """The first `n` candidates for which `works(question)` is true (e.g. retrieval finds passages)."""
    out = []
    for q in candidates:
        if len(out) >= n:
            break
        if works(q):
            out.append(q)
    return out


def title_questions(manifest: Manifest | None, n: int = 2) -> list[str]:
    """Fallback examples for a corpus of one's own: ask about the newest articles by title."""
    entries = manifest.documents.values() if manifest else []
    docs = sorted(entries, key=lambda d: str(d.get("date") or ""), reverse=True)
    return [f"What does “{d['title']}” report?" for d in docs[:n] if d.get("title")]


CSS = """
.rag-sources, .rag-article { font-size: 0.95rem; line-height: 1.5; }
.rag-heading { margin: 0.2rem 0 0.6rem; font-size: 1rem; }
.rag-card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 0.7rem 0.9rem;
  margin-bottom: 0.7rem; background: var(--background-fill-primary); }
.rag-card.rag-flagged { border-color: #d97706; background: color-mix(in srgb, #f59e0b 8%, transparent); }
.rag-card header { font-weight: 600; }
.rag-n { display: inline-block; min-width: 1.8em; padding: 0 0.35em; border-radius: 6px; text-align: center;
  background: var(--color-accent-soft); color: var(--color-accent); font-weight: 700; }
.rag-meta { color: var(--body-text-color-subdued); font-size: 0.85rem; margin-top: 0.15rem; }
.rag-also { font-size: 0.85rem; margin-top: 0.15rem; } .rag-also ul { margin: 0.1rem 0 0 1.2rem; padding: 0; }
.rag-flag { color: #b45309; font-size: 0.85rem; margin-top: 0.3rem; }
.rag-passage { margin: 0.5rem 0; padding-left: 0.7rem; border-left: 3px solid var(--border-color-primary);
  white-space: pre-wrap; overflow-wrap: anywhere; }
mark.rag-quote { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.rag-scores, .rag-timings { font-family: var(--font-mono); font-size: 0.8rem; color: var(--body-text-color-subdued); }
.rag-open { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: 0.25rem 0.6rem;
  background: var(--button-secondary-background-fill); cursor: pointer; font-size: 0.85rem; }
.rag-open:hover { border-color: var(--color-accent); }
.rag-abstain { padding: 0.6rem 0.8rem; border-radius: 8px; margin-bottom: 0.6rem;
  background: color-mix(in srgb, #64748b 10%, transparent); }
.rag-article-text { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 60vh; overflow-y: auto;
  padding: 0.6rem; border: 1px solid var(--border-color-primary); border-radius: 8px; margin-top: 0.4rem; }
mark.rag-passage-mark { background: #dbeafe; color: inherit; }
mark.rag-passage-mark mark.rag-quote { background: #fde68a; }
.rag-path { font-family: var(--font-mono); }
#rag-status { font-size: 0.9rem; }
@media (prefers-color-scheme: dark) {
  mark.rag-quote, mark.rag-passage-mark mark.rag-quote { background: #854d0e; }
  mark.rag-passage-mark { background: #1e3a8a; }
}
"""

# The sources panel turns a click on a card's button into a Gradio event carrying its data-key.
SOURCES_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button.rag-open');
  if (button) { trigger('click', {key: button.dataset.key}); }
});
"""

# The article viewer scrolls the marked passage into view whenever it shows a new article.
ARTICLE_JS = """
watch('value', () => {
  const mark = element.querySelector('#rag-passage');
  if (mark) { mark.scrollIntoView({block: 'center', behavior: 'smooth'}); }
});
"""

SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"]

__all__ = [
    "CSS",
    "EXAMPLE_QUESTIONS",
    "article_view",
    "chat_message",
    "corpus_overview",
    "esc",
    "find_source",
    "highlight",
    "md_text",
    "pick_examples",
    "source_cards",
    "status_line",
    "timings_line",
    "title_questions",
]
