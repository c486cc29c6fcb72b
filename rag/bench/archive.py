"""A generated news archive for `rag bench --only archive`: realistic size and furniture, no network.

The five seed articles in corpus/ are cut into sentences, and each generated article is a
recombination of them: paragraphs drawn mostly from one seed article and partly from the others,
regrouped, with every sentence varied (numbers redrawn, a word swapped for a synonym, an opening
or closing phrase added) so that no sentence appears twice in the whole archive. Exact repeats
would be served from the ingest's vector cache and make it look faster than it is on real news.

Around the body sit the lines a saved news page carries and the cleaner removes: the title twice,
a byline, a "Posted" stamp, a view counter, share and subscribe lines, photo credits, a cut-off
teaser repeat and a "Tags:" footer (.txt); YAML front matter and a heading (.md); navigation,
scripts, an aside and a footer (.html). Sizes follow a log-normal around 10 KB, kept within 4 to
20 KB. Article `i` depends only on the seed and the articles before it, so a 1,200-article archive
begins with the 300-article one.

>>> a = next(generate(1, seed=3))
>>> a == next(generate(1, seed=3)), MIN_BYTES <= len(a.data.encode()) <= MAX_BYTES
(True, True)
"""

from __future__ import annotations

import html
import json
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from rag.bench import ROOT
from rag.corpus.load import load_document
from rag.index.chunk import sentence_spans

SEED_DIR = ROOT / "corpus"
MIN_BYTES, MEDIAN_BYTES, MAX_BYTES = 4_000, 10_000, 20_000
FORMATS = {"txt": 0.5, "md": 0.3, "html": 0.2}  # share of each file type
_SIGMA = 0.35  # of the log-normal size: the middle two thirds of articles fall between 7 and 14 KB
_HEADROOM = 700  # bytes under the limits a target keeps: the last sentence may overshoot

FIRST = ["Aigerim", "Nurlan", "Dana", "Yerlan", "Madina", "Timur", "Alena", "Sergei", "Olga", "Bakyt",
         "Zarina", "Ruslan", "Gulnara", "Askar", "Irina", "Daniyar", "Saule", "Marat", "Anna", "Kairat"]  # fmt: skip
LAST = ["Sadykova", "Abenov", "Kim", "Petrov", "Omarova", "Ismailov", "Kazakova", "Bekova", "Orlov",
        "Zhaksylykov", "Tulegenova", "Volkov", "Seitkali", "Nazarova", "Mukanov", "Lee", "Brown", "Schmidt"]  # fmt: skip
CITIES = ["Almaty", "Astana", "Shymkent", "Karaganda", "Aktau", "Pavlodar", "Kostanay", "Atyrau", "Semey",
          "Oral", "Tashkent", "Bishkek", "Samarkand", "Omsk", "Orenburg", "Berlin", "Brussels", "Ankara",
          "Baku", "Tbilisi", "Dushanbe", "Novosibirsk", "Aktobe", "Taraz", "Turkistan"]  # fmt: skip
OUTLETS = ["Steppe Herald", "Caspian Daily", "Eurasia Wire", "Central Asia Monitor", "Silk Road Times",
           "Tengri Review", "Northern Ledger", "Altai Post", "Ural Gazette", "Syr Darya News"]  # fmt: skip
TOPICS = ["grain exports", "coal transit", "border crossings", "gas prices", "rail tariffs", "sanctions",
          "water sharing", "the Caspian pipeline", "migrant workers", "the language law", "oil output",
          "wheat harvest", "fertilizer supplies", "customs rules", "the trade forum", "power shortages"]  # fmt: skip
COUNTRIES = ["Kazakhstan", "Russia", "Uzbekistan", "Kyrgyzstan", "China", "Turkey", "Germany", "Tajikistan"]
SYNONYMS = [("said", "stated", "noted", "remarked"), ("However", "Nevertheless", "Still"),
            ("also", "further", "in addition"), ("important", "significant", "major"),
            ("country", "state", "nation"), ("meeting", "talks", "summit"), ("president", "head of state"),
            ("very", "highly", "quite"), ("big", "large", "sizeable"), ("now", "today", "currently")]  # fmt: skip
LEADS = ["On {weekday}, ", "In {city}, ", "According to {outlet}, ", "Earlier this {period}, ",
         "As {person} noted, ", "Speaking in {city}, officials said that ", "Meanwhile, ", "In {month}, "]  # fmt: skip
# Openings for a sentence the archive already has: thousands of fillings each, so a retry finds a new one.
RICH_LEADS = ["As {person} told {outlet} on {weekday}, ", "In {city} on {weekday}, {person} said that ",
              "Speaking to {outlet} in {city}, "]  # fmt: skip
TAILS = [", {person} said.", ", {outlet} reported.", ", according to sources in {city}.",
         " this {period}.", ", as {person} put it.", ", officials in {city} confirmed."]  # fmt: skip
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]  # fmt: skip
_LOWER_FIRST = {"The", "This", "That", "These", "Those", "It", "A", "An", "In", "At", "On", "But", "And", "Now",
                "However", "Such", "Some", "Many", "Most", "There", "Its", "Their", "We", "They", "He", "She",
                "Moreover", "While", "According", "By", "After", "Before", "During", "Although", "Since", "If",
                "When", "As", "For", "Under", "With", "Plus", "So", "Yet", "Then", "Also", "Even", "Only", "What",
                "Why", "How", "One", "Both", "All", "Another", "Other", "Nevertheless", "Still", "Meanwhile"}  # fmt: skip
_NUMBER = re.compile(r"\d+")
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’»)\]]*$")
_SYNONYM_PATTERNS = [(g, re.compile(r"\b(?:" + "|".join(g) + r")\b")) for g in SYNONYMS]


@dataclass(frozen=True)
class Article:
    """One generated article file. `body` is the text the cleaner should leave."""

    path: str  # relative to the archive folder, e.g. "2022/03/00017-grain-exports.md"
    title: str
    date: str  # yyyy-mm-dd
    author: str
    outlet: str
    body: str
    data: str  # the whole file


@dataclass(frozen=True)
class Masthead:
    """What a page says about its article besides the body."""

    title: str
    day: date
    author: str
    outlet: str


Para = tuple[str, bool]  # a paragraph's text, and whether it is a subheading


@dataclass(frozen=True)
class ArchiveInfo:
    """What `write_archive` wrote."""

    articles: int
    bytes: int
    formats: dict[str, int] = field(default_factory=dict)
    seed: int = 0


def read_seeds(seed_dir: Path = SEED_DIR) -> list[list[list[str]]]:
    """The seed articles' cleaned text: per article, its paragraphs, each a list of sentences."""
    out = []
    for path in sorted(p for p in Path(seed_dir).iterdir() if p.is_file()):
        text = load_document(path, path.name).text
        paras = [[p[a:b] for a, b in sentence_spans(p)] for p in text.split("\n\n")]
        paras = [[s for s in p if len(s.split()) >= 4 and _ENDS_SENTENCE.search(s)] for p in paras]  # no subheads
        out.append([p for p in paras if p])
    if not out:
        raise ValueError(f"no seed articles in {seed_dir}/; the archive is made from them")
    return out


def generate(n: int, seed: int = 0, seed_dir: Path = SEED_DIR) -> Iterator[Article]:
    """The first `n` articles of the archive for `seed`.

    Args:
        n: how many articles.
        seed: the same seed gives the same archive, byte for byte.
        seed_dir: the articles to recombine (default the bundled corpus/).
    """
    gen = _Generator(read_seeds(seed_dir), seed)
    for i in range(n):
        yield gen.article(i)


def write_archive(dst: Path, n: int, seed: int = 0, seed_dir: Path = SEED_DIR) -> ArchiveInfo:
    """Write the first `n` articles into `dst` (in year/month folders); what was written."""
    total, formats = 0, dict.fromkeys(FORMATS, 0)
    for a in generate(n, seed, seed_dir):
        path = Path(dst) / a.path
        path.parent.mkdir(parents=True, exist_ok=True)
        data = a.data.encode("utf-8")
        path.write_bytes(data)
        total += len(data)
        formats[path.suffix[1:]] += 1
    return ArchiveInfo(articles=n, bytes=total, formats=formats, seed=seed)


def target_size(rng: random.Random) -> int:
    """Bytes of one article: log-normal around MEDIAN_BYTES, within the limits less some headroom."""
    size = MEDIAN_BYTES * math.exp(rng.gauss(0.0, _SIGMA))
    return int(min(MAX_BYTES - _HEADROOM, max(MIN_BYTES + _HEADROOM, size)))


def vary(sentence: str, rng: random.Random, force: bool = False) -> str:
    """The sentence with numbers redrawn, maybe a synonym swapped and an opening or closing phrase.

    `force` always adds a phrase (used to get away from a sentence the archive already has).
    """
    s = _NUMBER.sub(lambda m: _redraw(m.group(0), rng) if rng.random() < 0.7 else m.group(0), sentence)
    for group, pattern in _SYNONYM_PATTERNS:
        if (m := pattern.search(s)) and rng.random() < 0.5:
            other = rng.choice([w for w in group if w != m.group(0)])
            s = s[: m.start()] + other + s[m.end() :]
    if force or rng.random() < 0.35:
        lead = _fill(rng.choice(RICH_LEADS if force else LEADS), rng)
        first = s.split(" ", 1)[0]
        s = lead + (s[0].lower() + s[1:] if first in _LOWER_FIRST else s)
    if (force or rng.random() < 0.25) and s.endswith(".") and not s.endswith(".."):
        s = s[:-1].rstrip() + _fill(rng.choice(TAILS), rng)
    return s


def _redraw(number: str, rng: random.Random) -> str:
    value = int(number)
    if len(number) == 4 and 1900 <= value <= 2099:
        return str(rng.randint(2015, 2024))  # a year stays a plausible year
    if len(number) == 1:
        return str(rng.randint(1, 9))
    return str(rng.randint(10 ** (len(number) - 1), 10 ** len(number) - 1))


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        weekday=rng.choice(_WEEKDAYS), city=rng.choice(CITIES), outlet=rng.choice(OUTLETS),
        period=rng.choice(["week", "month", "year", "spring", "autumn"]), person=_person(rng),
        month=rng.choice(_MONTHS),
    )  # fmt: skip


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def headline(rng: random.Random) -> str:
    """A news title without a final period (as pages have them)."""
    a, b = rng.sample(COUNTRIES, 2)
    topic = rng.choice(TOPICS)
    return rng.choice([
        f"{a} and {b} {rng.choice(['spar over', 'agree on', 'hold talks on', 'clash over'])} {topic}",
        f"{_person(rng)} {rng.choice(['on', 'warns about', 'defends'])} {topic} in {rng.choice(CITIES)}",
        f"Why {topic} matter{'s' if not topic.endswith('s') else ''} for {a}",
        f"{rng.choice(CITIES)}: {topic} {rng.choice(['under review', 'back on the agenda', 'in question'])}",
    ])  # fmt: skip


def subhead(rng: random.Random) -> str:
    """A sentence-case subheading: short, no digits, no final period (the cleaner keeps it)."""
    opener = rng.choice(["What", "Why", "How", "Where"])
    verb = rng.choice(["means", "changed", "comes next", "stands", "went wrong"])
    return f"{opener} {rng.choice(TOPICS)} {verb} for {rng.choice(CITIES + COUNTRIES)}"


class _Generator:
    """Makes the archive's articles in order, remembering every sentence so none repeats."""

    def __init__(self, seeds: list[list[list[str]]], seed: int):
        self.seeds = seeds
        self.seed = seed
        self.seen: set[str] = set()
        self.fresh = 0  # counter of last-resort unique endings

    def article(self, i: int) -> Article:
        rng = random.Random(f"{self.seed}:{i}")
        day = date(2022, 1, 1) + timedelta(days=rng.randrange(365))
        m = Masthead(headline(rng), day, _person(rng), rng.choice(OUTLETS))
        fmt = rng.choices(list(FORMATS), weights=list(FORMATS.values()))[0]
        page, page_seed = _PAGES[fmt], f"{self.seed}:{i}:page"
        furniture = page(m, [], random.Random(page_seed))  # the page without a body
        paras = self.body(rng, target_size(rng) - len(furniture.encode("utf-8")), markup=9 if fmt == "html" else 2)
        slug = re.sub(r"[^a-z0-9]+", "-", m.title.lower()).strip("-")[:60]
        return Article(
            path=f"{day:%Y/%m}/{i:05d}-{slug}.{fmt}", title=m.title, date=day.isoformat(), author=m.author,
            outlet=m.outlet, body="\n\n".join(text for text, _ in paras),
            data=page(m, paras, random.Random(page_seed)),
        )  # fmt: skip

    def body(self, rng: random.Random, budget: int, markup: int) -> list[Para]:
        """Paragraphs of 2 to 6 fresh sentences (and a few subheads) until `budget` bytes are used.

        The budget is checked after every sentence, so the last one is all that can overshoot it.
        """
        stream = self._sentences(rng)
        paras: list[Para] = []
        used = 0
        while used < budget:
            if paras and rng.random() < 0.06:
                paras.append((self.unique_subhead(rng), True))
                used += len(paras[-1][0].encode("utf-8")) + markup
                continue
            sentences: list[str] = []
            for _ in range(rng.randint(2, 6)):
                sentences.append(self.unique(next(stream), rng))
                used += len(sentences[-1].encode("utf-8")) + 1
                if used >= budget:
                    break
            paras.append((" ".join(sentences), False))
            used += markup
        return paras

    def _sentences(self, rng: random.Random) -> Iterator[str]:
        """Seed sentences, paragraph by paragraph: mostly one article's, in a loosely kept order."""
        main = rng.randrange(len(self.seeds))
        while True:
            order = list(self.seeds[main])
            for k in range(len(order) - 1):
                if rng.random() < 0.3:
                    order[k], order[k + 1] = order[k + 1], order[k]
            for para in order:
                if rng.random() < 0.3:  # a paragraph from another article instead
                    para = rng.choice(rng.choice(self.seeds))
                yield from para

    def unique(self, sentence: str, rng: random.Random) -> str:
        """A variant of `sentence` the archive does not have yet."""
        s = vary(sentence, rng)
        for _ in range(10):
            if s not in self.seen:
                break
            s = vary(sentence, rng, force=True)
        else:
            self.fresh += 1
            s = f"{s[:-1] if s.endswith('.') else s}, update {self.fresh}."
        self.seen.add(s)
        return s

    def unique_subhead(self, rng: random.Random) -> str:
        """A subheading the archive does not have yet (no digits: a subhead is not a date line)."""
        s = subhead(rng)
        for _ in range(10):
            if s not in self.seen:
                break
            s = subhead(rng)
        while s in self.seen:
            s += f" and {rng.choice(CITIES)}"
        self.seen.add(s)
        return s


# ---------------------------------------------------------------- pages


def _stamp(day: date, rng: random.Random) -> str:
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year} {rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}"


def _teaser(first: str) -> str:
    """The cut-off repeat of the first paragraph that some sites print under it."""
    words = first.split()
    return " ".join(words[: min(len(words) - 1, 12)]) + "..."


def txt_page(m: Masthead, paras: list[Para], rng: random.Random) -> str:
    """A page saved as text: title twice, byline, stamp, counter, share line, body, footer."""
    head = [m.title, "", m.title, "", f"By {m.author}", f"Posted {_stamp(m.day, rng)}",
            f"Views: {rng.randint(90, 99999)}", "Share", ""]  # fmt: skip
    body = [text for text, _ in paras]
    if len(body) > 3:
        body.insert(2, _teaser(body[0]))
        body.insert(len(body) // 2, f"Subscribe to {m.outlet} news on Telegram, YouTube and Zen")
        body.insert(len(body) // 2 + 2, f"Photo: {m.outlet}")
        body.insert(len(body) - 1, "Advertisement")
    foot = ["", f"Tags: {', '.join(rng.sample(TOPICS, 3))}", "If you find an error, select it and press Ctrl+Enter.",
            "Related stories:", headline(rng), headline(rng)]  # fmt: skip
    return "\n".join(head + [p + "\n" for p in body] + foot) + "\n"


def md_page(m: Masthead, paras: list[Para], rng: random.Random) -> str:
    """A Markdown export: YAML front matter (title/date/author/outlet), heading, body, share lines."""
    front = ["---", f"title: {json.dumps(m.title)}", f"date: {m.day.isoformat()}", f"author: {json.dumps(m.author)}",
             f"outlet: {json.dumps(m.outlet)}", "---", ""]  # fmt: skip
    body = [f"## {text}" if sub else text for text, sub in paras]
    if len(body) > 2:
        body.insert(len(body) // 2, "Share this article")
    foot = ["Subscribe to our newsletter for the morning briefing", "", f"Tags: {', '.join(rng.sample(TOPICS, 2))}"]
    return "\n".join([*front, f"# {m.title}", "", f"By {m.author}", "", *(p + "\n" for p in body), *foot]) + "\n"


def html_page(m: Masthead, paras: list[Para], rng: random.Random) -> str:
    """A saved web page: meta tags, script, navigation, article with byline and time, aside, footer."""
    e, iso = html.escape, m.day.isoformat()
    nav = " ".join(f'<a href="/{s.lower()}">{s}</a>' for s in ("World", "Politics", "Business", "Opinion"))
    body = "\n".join(f"<h2>{e(text)}</h2>" if sub else f"<p>{e(text)}</p>" for text, sub in paras)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(m.title)} | {e(m.outlet)}</title>
<meta property="og:title" content="{e(m.title)}"><meta name="author" content="{e(m.author)}">
<meta property="article:published_time" content="{iso}T{rng.randint(6, 22):02d}:00:00+05:00">
<meta property="og:site_name" content="{e(m.outlet)}">
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"section": "world"}});</script>
<style>body {{ font-family: serif; }} .byline {{ color: #666; }}</style></head>
<body><header><nav>{nav}</nav></header>
<main><article><h1>{e(m.title)}</h1><p class="byline">By {e(m.author)}</p><time datetime="{iso}">{_stamp(m.day, rng)}</time>
{body}
<aside><h3>Related</h3><ul><li>{e(headline(rng))}</li><li>{e(headline(rng))}</li></ul></aside>
</article></main>
<footer><p>Subscribe to the {e(m.outlet)} newsletter</p><p>&copy; 2022 {e(m.outlet)}. All rights reserved.</p></footer>
<form action="/subscribe"><input name="email"><button>Sign up</button></form></body></html>
"""


_PAGES = {"txt": txt_page, "md": md_page, "html": html_page}
