"""The chat's timeline view: an inline SVG chart of the articles' facts by date, and the list under it.

Drawn as SVG in the page's HTML rather than as a picture (a matplotlib figure in `gr.Plot` is sent
as a PNG): it needs no plotting library in the serving process, loads nothing, scales with the
panel down to a phone's width, takes the theme's colours (dark mode too), and its text is text, so
a reader can select the quotes, a screen reader can read them and the browser test can check them.
Everything from an article is escaped, as in the sources panel.

>>> from rag.answer.timeline import Timeline
>>> "No article" in timeline_html(Timeline("Peru", (), notes=("No article says enough.",)))
True
"""

from __future__ import annotations

from datetime import date

from rag.answer.timeline import Timeline, TimelineEntry
from rag.web.render import esc

WIDTH = 480  # the chart's coordinate width (about the panel's, so text keeps its size); it scales to fit
MARGIN = 40
AXIS_GAP = 30  # from the lowest marker row to the axis
ROW = 28  # between marker rows (markers too close in time stack up)
RADIUS = 11
TIMELINE_HINT = (
    '<div class="rag-timeline"><p class="rag-empty">Type a question or a name, then press Timeline.</p></div>'
)


def timeline_html(timeline: Timeline) -> str:
    """The timeline view: a heading, the chart of the dated entries, the list, undated articles, notes."""
    n = len(timeline.entries) + len(timeline.undated)
    rows = ['<div class="rag-timeline">', f'<h3 class="rag-heading">{esc(timeline.heading)}</h3>']
    if not n and not timeline.notes:  # the notes say why ("The articles don't mention Peru.")
        rows.append('<p class="rag-empty">No article places this on a timeline.</p>')
    if timeline.entries:
        rows.append(timeline_svg(timeline.entries))
        rows.append('<ol class="rag-timeline-list">')
        rows += [_item(i, e) for i, e in enumerate(timeline.entries, start=1)]
        rows.append("</ol>")
    if timeline.undated:
        rows.append('<h4 class="rag-heading">Undated articles</h4><ul class="rag-timeline-list rag-undated">')
        rows += [_item(None, e) for e in timeline.undated]
        rows.append("</ul>")
    rows += [f'<p class="rag-meta rag-note">{esc(note)}</p>' for note in timeline.notes]
    rows.append("</div>")
    return "\n".join(rows)


def _item(i: int | None, e: TimelineEntry) -> str:
    meta = " · ".join(esc(p) for p in (e.outlet, e.author) if p)
    label = f'<span class="rag-n">{i}</span> ' if i is not None else ""
    when = f'<time datetime="{esc(e.date)}">{esc(e.date)}</time> ' if e.date else ""
    return (
        f'<li class="rag-timeline-entry" data-date="{esc(e.date or "")}">{label}{when}'
        f'<span class="rag-title">{esc(e.title)}</span>'
        + (f'<div class="rag-meta">{meta}</div>' if meta else "")
        + f'<blockquote class="rag-passage">{esc(e.quote)}</blockquote></li>'
    )


def timeline_svg(entries: tuple[TimelineEntry, ...]) -> str:
    """The chart: a date axis (the first and last dates, and each new year between), and a numbered
    marker per entry above its date; markers closer than a marker's width stack in rows."""
    days = [date.fromisoformat(e.date).toordinal() for e in entries if e.date]
    lo, hi = min(days), max(days)
    span = max(hi - lo, 1)

    def x(day: int) -> float:
        return WIDTH / 2 if hi == lo else MARGIN + (day - lo) / span * (WIDTH - 2 * MARGIN)

    rows_end: list[float] = []  # the x of the last marker in each row
    placed = []
    for i, day in enumerate(days, start=1):
        cx = x(day)
        row = next((r for r, end in enumerate(rows_end) if cx - end >= 2 * RADIUS + 4), len(rows_end))
        if row == len(rows_end):
            rows_end.append(cx)
        rows_end[row] = cx
        placed.append((i, cx, row))
    top = 8 + RADIUS
    axis = top + (len(rows_end) - 1) * ROW + AXIS_GAP
    height = axis + 34
    parts = [
        f'<svg class="rag-timeline-chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{len(entries)} articles from {esc(date.fromordinal(lo))} to {esc(date.fromordinal(hi))}">',
        f'<line class="rag-axis" x1="{MARGIN / 2:.0f}" y1="{axis}" x2="{WIDTH - MARGIN / 2:.0f}" y2="{axis}"/>',
    ]
    for day, text in _ticks(lo, hi):
        tx = x(day)
        parts.append(f'<line class="rag-tick" x1="{tx:.1f}" y1="{axis - 4}" x2="{tx:.1f}" y2="{axis + 4}"/>')
        parts.append(
            f'<text class="rag-tick-label" x="{tx:.1f}" y="{axis + 20}" text-anchor="middle">{esc(text)}</text>'
        )
    # Stems first, then the markers over them: a stacked marker's stem passes behind the ones below.
    for _i, cx, row in placed:
        top_y = axis - AXIS_GAP - row * ROW
        parts.append(f'<line class="rag-stem" x1="{cx:.1f}" y1="{top_y}" x2="{cx:.1f}" y2="{axis}"/>')
    for (i, cx, row), e in zip(placed, entries, strict=True):
        cy = axis - AXIS_GAP - row * ROW  # the first row is nearest the axis
        parts.append(
            f'<g class="rag-marker"><title>{esc(e.date)}: {esc(e.title)} — {esc(e.quote)}</title>'
            f'<circle cx="{cx:.1f}" cy="{cy}" r="{RADIUS}"/>'
            f'<text x="{cx:.1f}" y="{cy + 4}" text-anchor="middle">{i}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _ticks(lo: int, hi: int) -> list[tuple[int, str]]:
    """Axis labels: the first and the last date, and 1 January of each year between (when not crowded)."""
    first, last = date.fromordinal(lo), date.fromordinal(hi)
    ticks = [(lo, first.isoformat())]
    span = max(hi - lo, 1)
    for year in range(first.year + 1, last.year + 1):
        day = date(year, 1, 1).toordinal()
        # at least 15% of the axis from the ends, so the labels do not overlap
        if (day - lo) / span > 0.15 and (hi - day) / span > 0.15:
            ticks.append((day, str(year)))
    if hi != lo:
        ticks.append((hi, last.isoformat()))
    return ticks


CSS = """
.rag-timeline { font-size: 0.95rem; line-height: 1.5; margin-bottom: 0.8rem; }
.rag-timeline-chart { display: block; max-width: 100%; height: auto; color: var(--body-text-color); }
.rag-timeline-chart .rag-axis, .rag-timeline-chart .rag-tick { stroke: currentColor; stroke-width: 1.5; }
.rag-timeline-chart .rag-stem { stroke: var(--border-color-primary); stroke-width: 1.5; }
.rag-timeline-chart .rag-tick-label { fill: currentColor; font-size: 12px; }
.rag-timeline-chart circle { fill: var(--color-accent); }
.rag-timeline-chart .rag-marker text { fill: white; font-size: 12px; font-weight: 700; }
.rag-timeline-list { padding-left: 0; list-style: none; }
.rag-timeline-entry { margin: 0.5rem 0; }
.rag-timeline-entry time { font-family: var(--font-mono); font-size: 0.85rem; }
"""
