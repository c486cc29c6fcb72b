"""Tokens for BM25: lower-cased, accent-free, stop words out, light stemming, and a fold of
transliteration variants so that Toqayev, Tokayev and Tokaev (or Qasym, Kassym and Kasym)
meet in one token.

>>> lexical_tokens("Toqayev's visit") == lexical_tokens("Tokaev visits")
True
>>> fold("Qasym-Jomart"), fold("Kassym-Zhomart")
('kasim-jomart', 'kasim-jomart')
"""

from __future__ import annotations

import functools
import re

from unidecode import unidecode

_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")

# A short English stop list: BM25's idf already discounts common words; this drops the rest.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "after",
        "also",
        "any",
        "can",
        "could",
        "should",
        "while",
    ]
)


@functools.lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """Map romanization variants of one word onto one spelling (applied to every token)."""
    w = unidecode(word).lower()
    w = re.sub(r"'s$", "", w)
    w = w.replace("zh", "j").replace("kh", "h").replace("q", "k").replace("w", "v")
    w = w.replace("y", "i")  # Tokayev/Tokaiev, Kassym/Kasim
    w = re.sub(r"(?<=[aeiou])i(?=[aeiou])", "", w)  # Tokaiev -> Tokaev
    w = re.sub(r"([a-z])\1+", r"\1", w)  # Kassym -> Kasim
    return w


@functools.lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # PyStemmer

    return Stemmer.Stemmer("english")


def to_ascii(text: str) -> str:
    """`unidecode(text)`, by a translation table of the characters met so far.

    unidecode maps each character on its own, so its replacements can be kept per character and
    applied to the non-ASCII runs alone. Called on a whole passage, unidecode walks it in Python one
    character at a time as soon as one is not ASCII: that was 80% of an archive's BM25 build.

    >>> to_ascii("Kassym-Jomart Tokayev — «Казахстан» ’s") == unidecode("Kassym-Jomart Tokayev — «Казахстан» ’s")
    True
    """
    if text.isascii():
        return text
    return _NON_ASCII.sub(_replace, text)  # only the non-ASCII runs (a news text has a few) leave C


def _replace(match: re.Match) -> str:
    run = match.group()
    for c in run:
        if c not in _ASCII:
            _ASCII[c] = unidecode(c)
    return "".join(_ASCII[c] for c in run)


_ASCII: dict[str, str] = {}  # a non-ASCII character -> unidecode's replacement
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def lexical_tokens(text: str) -> list[str]:
    """BM25 tokens of a text (the same function for passages and questions)."""
    words = _TOKEN.findall(to_ascii(text).lower().replace("’", "'"))
    out: list[str] = []
    for word in words:
        out.extend(_word_tokens(word))
    return out


@functools.lru_cache(maxsize=100_000)
def _word_tokens(word: str) -> tuple[str, ...]:
    """The tokens of one word of `lexical_tokens`: a text's are its words' in order, so they are
    worked out once per word (stemming and the regular expressions were most of the time)."""
    if word.endswith("'s"):
        word = word[:-2]
    # A hyphenated word counts as itself and as its parts (Kassym-Jomart -> kassym, jomart).
    parts = [word] + (word.split("-") if "-" in word else [])
    return tuple(
        fold(_stemmer().stemWord(part)) if part.isalpha() else fold(part)
        for part in parts
        if part and part not in STOPWORDS
    )
