"""Load an article file, decode it, strip the site's boilerplate and read its metadata.

The rules are general (stamps, bylines, share/subscribe lines, calendars, comment rules,
footers, repeated titles), not rules for particular files.

>>> doc = parse_text("Big News\\n\\nBig News\\n\\nPosted 2023-11-10\\n\\nBy Jane Roe\\n\\n"
...                  "The minister said the plan will go ahead next year.\\n\\nShare")
>>> (doc["title"], doc["author"], doc["date"], doc["text"])
('Big News', 'Jane Roe', '2023-11-10', 'The minister said the plan will go ahead next year.')
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from pathlib import Path
from typing import Any

from rag.errors import BadDocument
from rag.records import Document, sha256_bytes

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
# What the index records of the cleaning its articles had: an article cleaned by an older version
# is read again at the next ingest. 2: words a hyphen breaks are joined (`mend_split_words`).
CLEANER_VERSION = 2

# ---------------------------------------------------------------- loading and decoding


def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (by BOM, or by where its zero bytes are), else the
    encoding charset-normalizer detects.

    Detection is kept to the code pages news text is written in (`_COMMON`): English with a few
    accents was read as a DOS or Baltic code page ("résumé" as "rķsumķ"). Among the readings it
    finds equally clean, the one with the fewest characters out of place wins (`_out_of_place`: a
    symbol inside a word, a letter of another script), then the more common code page.

    Raises BadDocument for binary data, so a stray image never becomes an "article".
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    nul = b"\x00" in data[:4096]
    if nul and (text := _utf16_without_bom(data)) is not None:  # ASCII in UTF-16 is valid UTF-8 too
        return text
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if nul:
        raise BadDocument("binary file, not text")
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data, cp_isolation=_COMMON)) or list(from_bytes(data))
    if not matches:
        raise BadDocument("not text in any encoding we can detect")
    cleanest = min(m.chaos for m in matches)
    readings = [(str(m), m.encoding) for m in matches if m.chaos <= cleanest + 0.01]
    return min(readings, key=lambda r: (_out_of_place(r[0]), _rank(r[1])))[0]


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without its byte-order mark, or None. Text has its zero bytes (the high
    byte of spaces, digits and Latin letters) on one side of each pair only: odd offsets for
    little-endian, even for big-endian; binary data has them on both.

    >>> _utf16_without_bom("Tokayev met Putin in Astana. Токаев.".encode("utf-16-le"))
    'Tokayev met Putin in Astana. Токаев.'
    >>> _utf16_without_bom("A line of text.".encode("utf-16-be")), _utf16_without_bom(bytes(range(256)) * 4)
    ('A line of text.', None)
    >>> _utf16_without_bom(bytes([0, 1, 2, 3]) * 100) is None  # one-sided zeros, but control characters
    True
    """
    head = data[:4096]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if len(data) % 2 or max(even, odd) < len(head) // 40 or min(even, odd) * 20 > max(even, odd):
        return None
    try:
        text = data.decode("utf-16-le" if odd > even else "utf-16-be")
    except UnicodeDecodeError:
        return None
    return None if _looks_binary(text) else text


# The code pages of news text, most common first (a tie between two readings goes to the earlier).
_COMMON = ["utf_8", "cp1252", "latin_1", "iso8859_15", "cp1251", "koi8_r", "iso8859_5", "cp1250", "iso8859_2"]
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


OUT_OF_PLACE_SAMPLE = 200_000  # characters read by `_out_of_place`: plenty to tell, quick on a 20 MB file


def _rank(encoding: str) -> int:
    return _COMMON.index(encoding) if encoding in _COMMON else len(_COMMON)


def _out_of_place(text: str) -> int:
    """Characters a wrong code page leaves: a letter of a script other than the text's own
    ("5 Ђ fee"), a symbol or digit-like sign inside a word ("wspó³praca"), a sign that is no
    punctuation, currency or space.

    >>> _out_of_place("Le café – 5 € “ok”"), _out_of_place("wspó³praca 5 Ђ"), _out_of_place("Президент")
    (0, 2, 0)
    """
    text = text[:OUT_OF_PLACE_SAMPLE]
    found = list(_NON_ASCII.finditer(text))
    if not found:
        return 0
    scripts: dict[str, int] = {"LATIN": sum(ch.isalpha() for ch in text if ch < "\x80")}
    for m in found:
        if m.group().isalpha():
            script = unicodedata.name(m.group(), "?").split()[0]
            scripts[script] = scripts.get(script, 0) + 1
    own = max(scripts, key=scripts.__getitem__)
    bad = 0
    for m in found:
        ch, i = m.group(), m.start()
        if ch.isalpha():
            bad += unicodedata.name(ch, "?").split()[0] != own
            continue
        inside_word = 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()
        kind = unicodedata.category(ch)
        bad += inside_word and kind[0] != "P" or not (kind[0] in "PZ" or kind == "Sc" or ch in "°§©®™")
    return bad


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    bad = sum(1 for ch in sample if unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\n\r\t\f")
    return bad / len(sample) > 0.05


def load_document(path: Path, doc_id: str, data: bytes | None = None) -> Document:
    """Read one corpus file into a cleaned Document.

    Args:
        path: the file.
        doc_id: stable id (the path relative to the corpus folder).
        data: the file's bytes, if already read.

    Raises:
        BadDocument: with a one-line reason when the file is not a usable article.
    """
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BadDocument(f"cannot read file ({exc.strerror or exc})") from exc
    if not data.strip():
        raise BadDocument("empty file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise BadDocument(f"unsupported type {suffix or '(none)'}; use one of {', '.join(SUPPORTED_SUFFIXES)}")
    if suffix == ".pdf":
        raw, hints = _pdf_text(data), {}
    else:
        raw = decode_bytes(data)
        if _looks_binary(raw):
            raise BadDocument("binary file, not text")
        if suffix in (".html", ".htm"):
            raw, hints = _html_text(raw)
        else:
            raw, hints = _front_matter(raw)
            if suffix in (".md", ".markdown"):
                raw = _markdown_text(raw)
    parsed = parse_text(raw, hints)
    if not parsed["text"].strip():
        raise BadDocument("no article text left after removing boilerplate")
    if not re.search(r"\w{2,}", parsed["text"]):
        raise BadDocument("no words in the text")
    title = parsed["title"] or _title_from_path(path)
    meta = {k: parsed[k] for k in ("date", "author", "source") if parsed.get(k)}
    return Document(
        doc_id=doc_id, path=str(path), title=title, text=parsed["text"], sha256=sha256_bytes(data), meta=meta
    )


def _title_from_path(path: Path) -> str:
    stem = re.sub(r"[-_]+", " ", path.stem).strip()
    return stem[:1].upper() + stem[1:] if stem else path.name


def _front_matter(text: str) -> tuple[str, dict[str, Any]]:
    """Optional YAML front matter (--- ... ---) whose title/date/author/source override ours.

    Values are read as text (PyYAML's BaseLoader): a date is parsed by `parse_text` like any other,
    so an impossible one ("2023-02-30") is no date rather than an error, and a list of authors is
    joined ("Anna Ivanova, Boris Petrov"). Front matter that is not YAML is dropped, not shown.
    """
    if not text.lstrip("\ufeff").startswith("---"):
        return text, {}
    import yaml
    from frontmatter.default_handlers import YAMLHandler

    try:
        block, content = YAMLHandler().split(text.lstrip("\ufeff"))
    except ValueError:  # no closing "---": not front matter
        return text, {}
    try:
        metadata = yaml.load(block, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds only str, list, dict
    except yaml.YAMLError:
        metadata = {}  # broken YAML, but "key:" lines say it was meant as front matter
        if not re.search(r"^\w[\w-]*\s*:", block, re.M):
            return text, {}
    if not isinstance(metadata, dict):  # "---\nA title\n---": a rule above and below, not front matter
        return text, {}
    hints = {}
    for key in ("title", "date", "author", "source", "outlet"):
        value = metadata.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if isinstance(v, str) and v.strip())
        if isinstance(value, str) and value.strip():
            hints["source" if key == "outlet" else key] = value.strip()
    return content, hints


def _markdown_text(text: str) -> str:
    text = re.sub(r"^\s{0,3}#{1,6}\s+", "", text, flags=re.M)  # headings
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)  # bold
    text = re.sub(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])", r"\2", text)  # italics, not snake_case
    text = re.sub(r"`([^`]+)`", r"\1", text)
    return text


_HTML_DROP = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "template",
    "button",
    "select",
)
_HTML_BLOCKS = (
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "br",
    "tr",
    "section",
    "article",
    "figcaption",
    "pre",
)


def _html_text(html: str) -> tuple[str, dict[str, Any]]:
    """Visible article text of an HTML page (scripts, navigation and forms dropped) and its meta tags."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    hints: dict[str, Any] = {}

    def meta(*names: str) -> str | None:
        for name in names:
            tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
            if tag and tag.get("content"):
                return str(tag["content"]).strip()
        return None

    title = meta("og:title", "twitter:title") or (soup.title.get_text(" ", strip=True) if soup.title else None)
    h1 = soup.find("h1")
    if h1 and h1.get_text(strip=True):
        title = h1.get_text(" ", strip=True)
    if title:
        hints["title"] = title
    for key, names in (
        ("author", ("author", "article:author")),
        ("date", ("article:published_time", "date", "pubdate")),
        ("source", ("og:site_name",)),
    ):
        value = meta(*names)
        if value:
            hints[key] = value
    if "date" not in hints:
        t = soup.find("time", attrs={"datetime": True})
        if t:
            hints["date"] = str(t["datetime"])
    for tag in soup(_HTML_DROP):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    for tag in root.find_all(_HTML_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return root.get_text(), hints


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise BadDocument(f"unreadable PDF ({exc})") from exc


# ---------------------------------------------------------------- cleaning

_WEEKDAYS = [
    "mon",
    "monday",
    "tue",
    "tues",
    "tuesday",
    "wed",
    "wednesday",
    "thu",
    "thur",
    "thurs",
    "thursday",
    "fri",
    "friday",
    "sat",
    "saturday",
    "sun",
    "sunday",
    "total",
]
_MONTHS_EN = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTHS_RU = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6,
    "июл": 7, "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}  # fmt: skip
_CALENDAR_WORDS = set(_WEEKDAYS) | set(_MONTHS_EN) | {m[:3] for m in _MONTHS_EN}

_STAMP = re.compile(
    r"^(posted|published|modified|updated|last updated|created)(\s+on|\s+at)?\s*:?\s+(?P<rest>.*\d.*)$", re.I
)
_DATE_PREFIX = re.compile(r"^date\s*:?\s+(?P<date>\d{4}-\d{2}-\d{2})\b", re.I)
_BYLINE = re.compile(r"^(by|from|author|authors|original author|written by|text)\s*:?\s+(?P<name>[^\d:]{3,60})$", re.I)
_VIEWS = re.compile(r"^(views?|reads?|comments?)\s*:?\s*\d[\d,. ]*$", re.I)
_CREDIT = re.compile(
    r"^(photo|photos|фото|image|images|cover|illustration|source|источник)\b[^.:]{0,40}:\s*(?P<who>\S.{0,60})$", re.I
)
_SUBSCRIBE = re.compile(r"\b(subscribe|sign up for|follow us)\b", re.I)
_SUBSCRIBE_SOURCE = re.compile(
    r"\bsubscribe to (?:the )?(?P<src>[A-Z][\w.\-]+(?: [A-Z][\w.\-]+){0,3}) (?:news|newsletter|channel)", re.I
)
_SHARE = re.compile(
    r"^(share|share this( article| story)?|share on \w+|tweet|print|email|copy link|read more|advertisement)\W*$", re.I
)
_COMMENT_RULE = re.compile(r"\bcomments?\b.*\b(publish\w*|delet\w*|rules?|prohibit\w*|moderat\w*|block\w*)\b", re.I)
_POST_APPEARED = re.compile(r"^the post .+ appeared first on (?P<src>.+?)\.?$", re.I)
_FOOTER = re.compile(
    r"^(if you (find|found|notice|see|spot)(ed)? an? (error|mistake|typo)|tags?\s*:|dear readers\b|"
    r"the post .+ appeared first on |related (articles|stories|news)\s*:?$|you may also like|all rights reserved)",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?…][\"'”»)\]]*$")
_NAME = re.compile(r"^(?:[A-Z][a-z]+|[A-Z]\.)(?:[\s-]+(?:[A-Z][a-z]+|[A-Z]\.)){1,3}\.?$")
_WORD = re.compile(r"[^\W_]+", re.U)


def _norm(line: str) -> str:
    """Case-, punctuation- and space-insensitive form of a line, for comparisons."""
    return " ".join(_WORD.findall(line.replace("’", "").replace("'", "").casefold()))


def _is_calendar(line: str) -> bool:
    tokens = re.findall(r"[^\W_]+", line)
    if not tokens or len(line) > 80 or _SENTENCE_END.search(line):
        return False
    hits = sum(1 for t in tokens if t.isdigit() or t.casefold() in _CALENDAR_WORDS)
    return hits / len(tokens) >= 0.6


def _is_body_line(line: str) -> bool:
    words = line.split()
    return len(line) >= 200 or (len(words) >= 8 and bool(_SENTENCE_END.search(line)))


def _is_heading(line: str) -> bool:
    words = line.split()
    return 3 <= len(words) <= 16 and len(line) <= 150 and not _SENTENCE_END.search(line)


def parse_date(text: str) -> str | None:
    """The first date in `text` as ISO yyyy-mm-dd (English or Russian month names, d.m.y, y-m-d).

    A timestamp keeps the date as written (HTML's `article:published_time`):

    >>> parse_date("2022-04-07T06:00:00+05:00"), parse_date("on 7 April 2022")
    ('2022-04-07', '2022-04-07')
    """
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)", text) or re.search(r"\b(\d{4})/(\d{1,2})/(\d{1,2})\b", text)
    if m:
        return _iso(m.group(1), m.group(2), m.group(3))
    m = re.search(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b", text)
    if m:
        return _iso(m.group(3), m.group(2), m.group(1))
    m = re.search(r"\b(\d{1,2})\s+([A-Za-zА-Яа-яё]+)\.?,?\s+(\d{4})\b", text)
    if m and (month := _month_number(m.group(2))):
        return _iso(m.group(3), month, m.group(1))
    m = re.search(r"\b([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", text)
    if m and (month := _month_number(m.group(1))):
        return _iso(m.group(3), month, m.group(2))
    return None


def _iso(year: str | int, month: str | int, day: str | int) -> str | None:
    """yyyy-mm-dd, or None for a day that no calendar has ("2023-02-30").

    >>> _iso("2023", 2, "28"), _iso(2023, "02", 30)
    ('2023-02-28', None)
    """
    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _month_number(word: str) -> int | None:
    w = word.casefold()
    for i, name in enumerate(_MONTHS_EN, start=1):
        if len(w) >= 3 and name.startswith(w):
            return i
    for stem, i in _MONTHS_RU.items():
        if w.startswith(stem) and (stem != "ма" or w in ("мая", "май")):
            return i
    return None


def _is_date_line(line: str) -> bool:
    """A line that is only a date and/or a time, maybe with a place (a dateline)."""
    if not parse_date(line) and not re.search(r"\b\d{1,2}:\d{2}\b", line):
        return False
    leftover = re.sub(
        r"[\d.:/,\-]+|\b[A-Za-zА-Яа-яё]+\b",
        lambda m: "" if m.group(0)[0].isdigit() or _month_number(m.group(0)) else m.group(0),
        line,
    )
    return len(leftover.split()) <= 2 and len(line) <= 60


def parse_text(raw: str, hints: dict[str, Any] | None = None) -> dict[str, Any]:
    """Clean an article's raw text and read its metadata.

    Returns a dict with `text` (paragraphs joined by blank lines) and `title`, `date`,
    `author`, `source` (None where not found). `hints` (front matter, HTML meta) win.
    """
    hints = hints or {}
    meta: dict[str, Any] = {"title": None, "date": None, "author": None, "source": None}
    lines = [_clean_line(line) for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    lines = _cut_footer(lines, meta)

    kept: list[str] = []
    body_started = False
    body_lines_seen = 0
    title_norm = _norm(hints["title"]) if hints.get("title") else None
    seen_long: set[str] = set()
    for line in lines:
        if _drop_meta_line(line, meta):
            continue
        norm = _norm(line)
        if not body_started and _is_body_line(line):
            body_started = True
        if not body_started:
            # Header zone: the first short line is the title; the rest is byline, dateline or noise.
            if title_norm is None and len(line) <= 200 and re.search(r"\w", line):  # not a rule "-----"
                meta["title"], title_norm = line, norm
            elif norm != title_norm and meta["author"] is None and _NAME.match(line):
                meta["author"] = line.rstrip(".")
            continue
        if title_norm and norm == title_norm:
            continue  # the title repeated inside the page
        if body_lines_seen < 3 and meta["author"] is None and _NAME.match(line):
            meta["author"] = line.rstrip(".")
            continue
        if _is_teaser_repeat(line, kept) or (len(norm) >= 40 and norm in seen_long):
            continue
        if len(norm) >= 40:
            seen_long.add(norm)
        kept.append(line)
        body_lines_seen += 1
    if meta["title"] is None and not hints.get("title"):
        meta["title"] = next((line for line in kept[:10] if _is_heading(line)), None)
    for key, value in hints.items():
        if value:
            meta[key] = value
    if meta["date"]:
        meta["date"] = parse_date(str(meta["date"]))  # yyyy-mm-dd or none: "yesterday" dates nothing
    return {"text": mend_split_words("\n\n".join(kept)), **meta}


# A word broken by a hyphen, its second part in lower case: "sta-tes", "Kaz-akhstan", "n-or".
_SPLIT_WORD = re.compile(r"\b([^\W\d_]+)-([^\W\d_]+)\b")
ENGLISH_DICTIONARY = "frequency_dictionary_en_82_765.txt"  # symspellpy's English word counts


def mend_split_words(text: str) -> str:
    """The text with words that a hyphen breaks joined again: "Kaz-akhstan and Russia, as sta-tes
    with the longest border" (a line break's hyphen left in the middle of a word). A part is joined
    to the next when the whole is a word of the text itself or of the English dictionary, and its
    parts are not both words: "see-saw", "re-export", "non-recognition" and "multi-vector" stay.

    >>> mend_split_words("Kaz-akhstan and Russia, as sta-tes with a see-saw policy, n-or a re-export ban in Kazakhstan.")
    'Kazakhstan and Russia, as states with a see-saw policy, nor a re-export ban in Kazakhstan.'
    >>> mend_split_words("Russian-speaking, coal-fired, multi-vector, Alma-Ata, 500-600")
    'Russian-speaking, coal-fired, multi-vector, Alma-Ata, 500-600'
    """
    if "-" not in text:
        return text
    english = english_words()
    own: set[str] = set()  # the text's words, read at the first whole the dictionary lacks

    def mend(m: re.Match) -> str:
        first, second = m.group(1), m.group(2)
        whole = (first + second).casefold()
        if not second[0].islower() or first.casefold() in english and second.casefold() in english:
            return m.group(0)
        if whole not in english and not own:
            own.update(w.casefold() for w in _WORD.findall(text))
        return first + second if whole in english or whole in own else m.group(0)

    return _SPLIT_WORD.sub(mend, text)


@functools.cache
def english_words() -> frozenset[str]:
    """The 82,765 words of symspellpy's English dictionary, in lower case."""
    from importlib.resources import files

    lines = (files("symspellpy") / ENGLISH_DICTIONARY).read_text(encoding="utf-8").splitlines()
    return frozenset(line.split(" ", 1)[0] for line in lines if line)


def _clean_line(line: str) -> str:
    line = line.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    line = "".join(ch for ch in line if ch == "\t" or unicodedata.category(ch) != "Cc")
    line = re.sub(r"[ \t]+", " ", line).strip()
    return line.strip("•·▪◦ ").strip() if re.match(r"^[•·▪◦]", line) else line


def _cut_footer(lines: list[str], meta: dict[str, Any]) -> list[str]:
    """Drop everything from a footer marker on, when it sits in the last part of the page."""
    start = len(lines) // 2
    for i in range(start, len(lines)):
        m = _POST_APPEARED.match(lines[i])
        if m:
            meta["source"] = meta["source"] or m.group("src").strip()
        if _FOOTER.match(lines[i]):
            for later in lines[i:]:
                s = _SUBSCRIBE_SOURCE.search(later)
                if s and not meta["source"]:
                    meta["source"] = s.group("src")
            return lines[:i]
    return lines


def _drop_meta_line(line: str, meta: dict[str, Any]) -> bool:
    """True for a line of site furniture; records any metadata it carries."""
    # A stamp is short and what follows the word is a date or time, not a sentence ("Modified
    # proteins were ..." starts many an abstract).
    if (
        (m := _STAMP.match(line))
        and len(line) <= 80
        and (parse_date(m.group("rest")) or _is_date_line(m.group("rest")))
    ):
        if meta["date"] is None or m.group(1).lower() in ("posted", "published"):
            meta["date"] = meta["date"] or parse_date(m.group("rest"))
        return True
    if m := _DATE_PREFIX.match(line):
        meta["date"] = meta["date"] or m.group("date")
        return True
    if m := _BYLINE.match(line):
        meta["author"] = meta["author"] or m.group("name").strip().rstrip(".")
        return True
    if _is_date_line(line):
        meta["date"] = meta["date"] or parse_date(line)
        return True
    if _VIEWS.match(line) or _SHARE.match(line) or _is_calendar(line):
        return True
    if m := _CREDIT.match(line):
        who = m.group("who").strip()
        if re.fullmatch(r"[\w-]+\.(kz|ru|com|org|net|uz|kg|ua|de|uk|io|info|news)", who, re.I):
            meta["source"] = meta["source"] or who
        return True
    if len(line) < 300 and _SUBSCRIBE.search(line):
        if (s := _SUBSCRIBE_SOURCE.search(line)) and not meta["source"]:
            meta["source"] = s.group("src")
        return True
    return len(line) < 300 and bool(_COMMENT_RULE.search(line))


def _is_teaser_repeat(line: str, kept: list[str]) -> bool:
    """A cut-off repeat of an earlier paragraph ("Before the visit, the president gave...")."""
    if not line.rstrip().endswith(("...", "…")):
        return False
    stem = _norm(line)
    return len(stem) >= 30 and any(_norm(prev).startswith(stem) for prev in kept)
