"""Filters on the articles a search may draw from: publication date, outlet and author.

A filter picks documents from the manifest's entries (its "date", "source" and "author"); retrieval
then searches only their passages (the store restricts FAISS, BM25 or SQL to them), so a filter
never returns fewer hits than the matching articles hold.

>>> f = Filters.build(after="2023-01-01", outlets=["politnavigator"])
>>> docs = {"a": {"date": "2023-11-10", "source": "Politnavigator"}, "b": {"source": "Politnavigator"}}
>>> s = f.select(docs)
>>> sorted(s.doc_ids), s.undated
(['a'], 1)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from rag.errors import ConfigError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: str | date | None, name: str) -> date | None:
    """An ISO date (yyyy-mm-dd) given by the user, or None.

    Raises:
        ConfigError: not a real date in that format (the message names the option and the format).

    >>> parse_date("2023-11-10", "after")
    datetime.date(2023, 11, 10)
    """
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if not _ISO_DATE.fullmatch(text):
        raise ConfigError(f"{name} must be a date as yyyy-mm-dd (e.g. 2023-11-10); got {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{name}: {text} is no day of the calendar; give a date as yyyy-mm-dd") from None


def entry_date(entry: Mapping[str, Any]) -> date | None:
    """The publication date of a manifest entry, or None when unknown or unreadable."""
    value = str(entry.get("date") or "")[:10]
    try:
        return date.fromisoformat(value) if _ISO_DATE.fullmatch(value) else None
    except ValueError:
        return None


def _key(name: str) -> str:
    """Names compare case-insensitively, with runs of spaces as one."""
    return " ".join(str(name).split()).casefold()


def _names(values: str | Iterable[str] | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(dict.fromkeys(_key(v) for v in values if str(v).strip()))


@dataclass(frozen=True)
class Selection:
    """The documents a filter lets through, and how many were left out only for having no date."""

    doc_ids: frozenset[str]
    undated: int = 0

    def notes(self) -> tuple[str, ...]:
        out: tuple[str, ...] = ()
        if self.undated:
            what = "article without a date was" if self.undated == 1 else "articles without a date were"
            out += (f"{self.undated} {what} left out by the date filter.",)
        if not self.doc_ids:
            out += ("No article matches the filters.",)
        return out


@dataclass(frozen=True)
class Filters:
    """Which articles to search: published on or after `after`, on or before `before` (inclusive),
    by one of `outlets` and one of `authors` (case-insensitive). Empty fields filter nothing.

    Build it with `Filters.build`, which checks the dates and normalizes the names.
    """

    after: date | None = None
    before: date | None = None
    outlets: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        after: str | date | None = None,
        before: str | date | None = None,
        outlets: str | Iterable[str] | None = None,
        authors: str | Iterable[str] | None = None,
    ) -> Filters:
        """Filters from user input: ISO dates (yyyy-mm-dd) and outlet and author names.

        Raises:
            ConfigError: a date that is not yyyy-mm-dd, or `after` later than `before`.
        """
        lo, hi = parse_date(after, "after"), parse_date(before, "before")
        if lo and hi and lo > hi:
            raise ConfigError(f"after ({lo}) is later than before ({hi}); no article can match")
        return cls(after=lo, before=hi, outlets=_names(outlets), authors=_names(authors))

    @property
    def active(self) -> bool:
        return bool(self.after or self.before or self.outlets or self.authors)

    def describe(self) -> str:
        """The filters in words, e.g. "after 2023-01-01, outlet politnavigator"."""
        parts = [f"after {self.after}"] if self.after else []
        parts += [f"before {self.before}"] if self.before else []
        parts += [f"outlet {' or '.join(self.outlets)}"] if self.outlets else []
        parts += [f"author {' or '.join(self.authors)}"] if self.authors else []
        return ", ".join(parts)

    def matches(self, entry: Mapping[str, Any]) -> bool:
        """Whether the article of this manifest entry passes every filter."""
        return self._named(entry) and self._dated(entry) is not False

    def _named(self, entry: Mapping[str, Any]) -> bool:
        if self.outlets and _key(entry.get("source") or "") not in self.outlets:
            return False
        return not self.authors or any(k in self.authors for k in _author_keys(entry.get("author") or ""))

    def _dated(self, entry: Mapping[str, Any]) -> bool | None:
        """True or False by the date filters; None when they apply and the article has no date."""
        if not (self.after or self.before):
            return True
        when = entry_date(entry)
        if when is None:
            return None
        return (self.after is None or when >= self.after) and (self.before is None or when <= self.before)

    def select(self, documents: Mapping[str, Mapping[str, Any]]) -> Selection:
        """The manifest's documents (doc_id -> entry) these filters let through."""
        keep: set[str] = set()
        undated = 0
        for doc_id, entry in documents.items():
            if not self._named(entry):
                continue
            dated = self._dated(entry)
            if dated is None:
                undated += 1
            elif dated:
                keep.add(doc_id)
        return Selection(frozenset(keep), undated)


NO_FILTERS = Filters()


def _author_keys(byline: str) -> set[str]:
    """The byline and each of its names, as keys: an article by "Anna Ivanova, Boris Petrov" (or
    "... and ...") is by either of them.

    >>> sorted(_author_keys("Anna Ivanova and Boris Petrov"))
    ['anna ivanova', 'anna ivanova and boris petrov', 'boris petrov']
    """
    names = re.split(r"\s*,\s*|\s+(?:and|&)\s+", byline)
    return {_key(byline), *(_key(n) for n in names if n.strip())}
