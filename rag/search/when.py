"""When a question is about: the periods and the order in time it names, read from its words.

"What did Tokayev say about sanctions in November 2023?" asks about articles published then;
"What is the latest on ...?" about the newest ones. Retrieval gives passages of those articles a
soft boost (`TimeHint.match`, added to the fused score), never a filter: an undated article, or one
from another time, still answers when nothing else does.

Relative words ("last year", "this month") count from `today`, the archive's present: the date of
its newest article (an archive of 2022 news asked about "last year" means 2021, not the year
before the computer's clock).

>>> hint = read_time("What did Tokayev say about sanctions in November 2023?")
>>> [(p.start.isoformat(), p.end.isoformat(), p.label) for p in hint.periods]
[('2023-11-01', '2023-11-30', 'November 2023')]
>>> read_time("What happened last year?", today=date(2023, 11, 10)).describe()
'articles published in 2022'
>>> read_time("What is the latest news on the CSTO?").order
'newest'
>>> read_time("Who signed the treaty?").active
False
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from rag.search.filters import entry_date

Order = Literal["newest", "oldest"]
# An article published this many days after a period still reports on it ("on November 9" in a
# paper of November 10; a year's events in a review of early January). Before a period: no match.
REPORTING_LAG_DAYS = 31

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")  # fmt: skip
# A month's name or its abbreviation ("Nov", "Sept."): `month_number` reads either.
MONTH_WORD = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"  # noqa: E501
_MONTH = rf"(?P<month>{MONTH_WORD})\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_PARTS = {  # part of a year -> (first month, last month)
    "early": (1, 4), "beginning of": (1, 3), "start of": (1, 3), "mid": (5, 8), "middle of": (5, 8),
    "late": (9, 12), "end of": (10, 12), "first half of": (1, 6), "second half of": (7, 12),
    "first quarter of": (1, 3), "second quarter of": (4, 6), "third quarter of": (7, 9),
    "fourth quarter of": (10, 12), "q1": (1, 3), "q2": (4, 6), "q3": (7, 9), "q4": (10, 12),
}  # fmt: skip
_PART = "|".join(sorted((re.escape(p) for p in _PARTS), key=len, reverse=True))

# Most specific first: a span matched by one pattern is not read again by the later ones.
_DAY_MONTH_YEAR = re.compile(rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}|"
                             rf"{_MONTH.replace('month', 'month2')}\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?),?\s+{_YEAR}",
                             re.I)  # fmt: skip
_MONTH_YEAR = re.compile(rf"\b{_MONTH}(?:\s+of)?,?\s+{_YEAR}", re.I)
_SEASON_YEAR = re.compile(rf"\b(?P<season>spring|summer|autumn|fall|winter)(?:\s+of)?,?\s+{_YEAR}", re.I)
_PART_YEAR = re.compile(rf"\b(?P<part>{_PART})[\s-]*(?:the\s+)?{_YEAR}", re.I)
_OPEN_YEAR = re.compile(rf"\b(?P<side>since|after|before|until|till|prior to)\s+(?:the\s+(?:end|start)\s+of\s+)?{_YEAR}",
                        re.I)  # fmt: skip
_TARGET_YEAR = re.compile(rf"\b(?:by|for|until)\s+{_YEAR}", re.I)  # a plan's horizon, not when it was said
_BARE_YEAR = re.compile(rf"(?<![\d.,/-]){_YEAR}(?![.,/-]?\d)", re.I)  # not 2022.5, 1,2022 or 2022/23
_RELATIVE = re.compile(r"\b(?P<which>this|last|past|previous|current)\s+(?P<unit>year|month|week)\b", re.I)
_AGO = re.compile(r"\b(?P<n>a|one|two|three|four|five|\d)\s+(?P<unit>year|month)s?\s+ago\b", re.I)
# Words that ask for the newest or the oldest report. "first" and "now" alone are left out: "the
# first package", "is now" seldom ask which article came first or last.
_NEWEST = re.compile(r"\b(latest|most recent(?:ly)?|newest)\b", re.I)
_OLDEST = re.compile(r"\b(earliest|first reported|oldest)\b", re.I)
_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


@dataclass(frozen=True)
class Period:
    """Days from `start` to `end`, both included, and how the question wrote them."""

    start: date
    end: date
    label: str

    def distance(self, day: date) -> int:
        """Days from the period to `day`: 0 inside, positive after it, negative before it."""
        if day < self.start:
            return (day - self.start).days
        return max(0, (day - self.end).days)


@dataclass(frozen=True)
class TimeHint:
    """What a question says about time: periods it names and/or an order ("latest", "earliest")."""

    periods: tuple[Period, ...] = ()
    order: Order | None = None

    @property
    def active(self) -> bool:
        return bool(self.periods or self.order)

    def describe(self) -> str:
        """In words, for a note: "articles published in November 2023", "the newest articles"."""
        what = f"the {self.order} articles" if self.order else "articles"
        return what + (" published in " + " or ".join(p.label for p in self.periods) if self.periods else "")

    def period_match(self, day: date | None) -> float:
        """1 for a day inside a named period, falling to 0 over `REPORTING_LAG_DAYS` after it;
        0 before it and for an undated article."""
        if day is None:
            return 0.0
        best = 0.0
        for p in self.periods:
            gap = p.distance(day)
            if gap >= 0:
                best = max(best, 1.0 - min(gap, REPORTING_LAG_DAYS) / REPORTING_LAG_DAYS)
        return best

    def match(self, days: Mapping[str, date | None]) -> dict[str, float]:
        """How well each article (doc id -> publication date) fits, 0..1.

        With an order, the dated articles are placed on a line from the oldest (0) to the newest
        (1) of `days` (or the reverse for "earliest"); with periods too, the two are averaged.

        >>> hint = TimeHint(order="newest")
        >>> hint.match({"a": date(2022, 6, 20), "b": date(2023, 11, 10), "c": None})
        {'a': 0.0, 'b': 1.0, 'c': 0.0}
        """
        dated = [d for d in days.values() if d is not None]
        lo, hi = (min(dated), max(dated)) if dated else (None, None)
        out: dict[str, float] = {}
        for doc, day in days.items():
            parts = [self.period_match(day)] if self.periods else []
            if self.order:
                parts.append(_place(day, lo, hi, self.order))
            out[doc] = sum(parts) / len(parts) if parts else 0.0
        return out


NO_TIME = TimeHint()


def _place(day: date | None, lo: date | None, hi: date | None, order: Order) -> float:
    if day is None or lo is None or hi is None:
        return 0.0
    if hi == lo:
        return 1.0
    x = (day - lo).days / (hi - lo).days
    return x if order == "newest" else 1.0 - x


def month_number(word: str) -> int:
    """1 to 12 for a month's name or abbreviation ("Nov.", "September")."""
    w = word.lower().rstrip(".")
    return next(i for i, m in enumerate(_MONTHS, start=1) if m.startswith(w[:3]))


def _month(year: int, month: int, label: str) -> Period:
    return Period(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), label)


def _months(year: int, first: int, last: int, label: str) -> Period:
    """Months first..last of `year`; a span that wraps (winter: 12..2) runs into the next year."""
    end_year = year + 1 if last < first else year
    return Period(date(year, first, 1), _month(end_year, last, label).end, label)


def _absolute(text: str) -> tuple[list[Period], str]:
    """Periods with a year written out, and the text with them blanked (so a year is read once)."""
    found: list[Period] = []

    def take(m: re.Match[str], period: Period | None) -> str:
        if period:
            found.append(period)
        return " " * len(m.group(0))

    def day(m: re.Match[str]) -> Period | None:
        month = month_number(m.group("month") or m.group("month2"))
        try:
            d = date(int(m.group("year")), month, int(m.group("d1") or m.group("d2")))
        except ValueError:
            return None
        return Period(d, d, m.group(0).strip(" ,"))

    text = _DAY_MONTH_YEAR.sub(lambda m: take(m, day(m)), text)
    text = _MONTH_YEAR.sub(
        lambda m: take(m, _month(int(m.group("year")), month_number(m.group("month")), m.group(0).strip(" ,"))), text
    )
    text = _SEASON_YEAR.sub(
        lambda m: take(m, _months(int(m.group("year")), *_SEASONS[m.group("season").lower()], m.group(0))), text
    )
    text = _PART_YEAR.sub(
        lambda m: take(m, _months(int(m.group("year")), *_PARTS[m.group("part").lower()], m.group(0))), text
    )
    text = _OPEN_YEAR.sub(lambda m: take(m, _open(m)), text)
    text = _TARGET_YEAR.sub(lambda m: take(m, None), text)
    text = _BARE_YEAR.sub(lambda m: take(m, _months(int(m.group("year")), 1, 12, m.group("year"))), text)
    return found, text


def _open(m: re.Match[str]) -> Period:
    """ "since 2022" (from its first day on), "before 2023" (up to the day before it)."""
    year, side = int(m.group("year")), m.group("side").lower()
    if side in ("since",):
        return Period(date(year, 1, 1), date.max, m.group(0))
    if side == "after":
        return Period(date(year + 1, 1, 1), date.max, m.group(0))
    return Period(date.min, date(year - 1, 12, 31), m.group(0))


def _relative(text: str, today: date) -> list[Period]:
    """ "last year", "this month", "two years ago". A month without a year ("in March") is not read:
    an article's "in March" is the March before it was written, which the question cannot tell."""
    found = []
    for m in _RELATIVE.finditer(text):
        which, unit = m.group("which").lower(), m.group("unit").lower()
        back = 0 if which in ("this", "current") else 1
        if which == "past":  # "the past year": the 365 days up to today
            span = {"year": 365, "month": 31, "week": 7}[unit]
            found.append(Period(today - timedelta(days=span), today, m.group(0)))
        elif unit == "year":
            found.append(_months(today.year - back, 1, 12, str(today.year - back)))
        elif unit == "month":
            y, mo = divmod(today.year * 12 + today.month - 1 - back, 12)
            found.append(_month(y, mo + 1, f"{calendar.month_name[mo + 1]} {y}"))
        else:
            monday = today - timedelta(days=today.weekday() + 7 * back)
            found.append(Period(monday, monday + timedelta(days=6), f"the week of {monday.isoformat()}"))
    for m in _AGO.finditer(text):
        n = _NUMBERS.get(m.group("n").lower()) or int(m.group("n"))
        if m.group("unit").lower() == "year":
            found.append(_months(today.year - n, 1, 12, str(today.year - n)))
        else:
            y, mo = divmod(today.year * 12 + today.month - 1 - n, 12)
            found.append(_month(y, mo + 1, f"{calendar.month_name[mo + 1]} {y}"))
    return found


def read_time(question: str, today: date | None = None) -> TimeHint:
    """The periods and the order in time a question names.

    Args:
        question: the question as asked.
        today: the archive's present (its newest article's date), for relative words; without it
            "last year" is not read.
    Returns:
        A TimeHint; `NO_TIME` (inactive) when the question says nothing about time.

    >>> [p.label for p in read_time("Were there protests in summer 2022 or in early 2023?").periods]
    ['summer 2022', 'early 2023']
    >>> read_time("What did they agree on November 9, 2023?").periods[0].end
    datetime.date(2023, 11, 9)
    >>> read_time("What is the target for 2030?").active
    False
    """
    periods, rest = _absolute(question)
    if today is not None:
        periods += _relative(rest, today)
    order: Order | None = None
    if _NEWEST.search(rest):
        order = "newest"
    elif _OLDEST.search(rest):
        order = "oldest"
    unique = tuple(dict.fromkeys(periods))
    return TimeHint(unique, order) if unique or order else NO_TIME


def needs_today(question: str) -> bool:
    """Whether reading the question's time needs the archive's present (a relative expression).

    >>> needs_today("What happened last year?"), needs_today("What happened in 2022?")
    (True, False)
    """
    return bool(_RELATIVE.search(question) or _AGO.search(question))


def article_dates(documents: Mapping[str, Mapping[str, Any]], doc_ids: Iterable[str]) -> dict[str, date | None]:
    """Publication date of each of `doc_ids` by the manifest's entries (None: unknown)."""
    return {d: entry_date(documents.get(d, {})) for d in doc_ids}


def newest_date(documents: Mapping[str, Mapping[str, Any]]) -> date | None:
    """The archive's present: the newest publication date among the manifest's entries."""
    return max((d for d in map(entry_date, documents.values()) if d is not None), default=None)


# An answer drawn from articles further apart than this says when each was published.
SPREAD_DAYS = 365


def spread_note(dates: Iterable[str | None]) -> str | None:
    """A note for an answer whose cited articles were published more than a year apart.

    >>> spread_note(["2022-06-20", "2023-11-10", "2023-11-10"])
    'These passages are from articles published 2022-06-20 and 2023-11-10.'
    >>> spread_note(["2022-06-20", "2022-12-24", "2023-11-10"])
    'These passages are from articles published from 2022-06-20 to 2023-11-10.'
    >>> spread_note(["2023-01-02", "2023-11-10", None]) is None
    True
    """
    days = sorted({d for d in (entry_date({"date": x}) for x in dates) if d is not None})
    if len(days) < 2 or (days[-1] - days[0]).days <= SPREAD_DAYS:
        return None
    if len(days) == 2:
        return f"These passages are from articles published {days[0]} and {days[1]}."
    return f"These passages are from articles published from {days[0]} to {days[-1]}."
