"""What a question asks and names: its key entities and numbers, and the kind of answer it wants.

The extractive answerer uses these to abstain when the articles do not cover what the question
names, and to read around the best sentence for what the question asks (a reason, a person, a
quantity).

>>> quantities("from three to five thousand people, 1,700 wagons and 2.5 million tonnes")
[1700.0, 3000.0, 5000.0, 2500000.0]
>>> quantities("twenty five of them, in 2022")
[25.0, 2022.0]

Names (`names_in`, `key_names`, `mentioned`) live in rag/search/names.py: retrieval uses them too.
"""

from __future__ import annotations

import re

from rag.search.names import key_names, mentioned, names_in

__all__ = ["after_wh_phrase", "asks_reason", "asks_who", "key_names", "mentioned", "names_in", "quantities"]

# ---------------------------------------------------------------- numbers, in digits or in words

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "dozen": 12}
_WORD = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|[a-z]+|[-–]", re.I)
_RANGE_JOINERS = {"to", "or", "-", "–"}


def quantities(text: str) -> list[float]:
    """Every number in `text`, in digits or in words, sorted. A scale word after a range applies
    to both ends: "three to five thousand" gives 3000 and 5000."""
    values: list[float] = []
    group: list[float] = []  # the ends of a range read so far
    cur: float | None = None
    prev = ""
    for raw in _WORD.findall(text):
        word = raw.lower()
        word = word[:-1] if word.endswith("s") and word[:-1] in _SCALES else word  # "thousands"
        value = float(word.replace(",", "")) if word[0].isdigit() else _UNITS.get(word)
        if value is not None:
            tens = cur is not None and 20 <= cur < 100 and cur % 10 == 0 and value < 10  # "twenty five"
            hundreds = cur is not None and cur % 100 == 0 and value < 100 and prev == "and"  # "a hundred and five"
            if tens or hundreds:
                cur += value
            else:
                if cur is not None:  # two numbers in a row without a joiner are two numbers
                    values.extend(group + [cur])
                    group = []
                cur = float(value)
        elif word in _SCALES:
            scale = _SCALES[word]
            cur = float(scale) if cur is None else cur * scale
            group = [g * scale if g < scale else g for g in group]
        elif word in _RANGE_JOINERS and cur is not None:
            group.append(cur)
            cur = None
        elif word != "and" or cur is None:
            values.extend(group + ([cur] if cur is not None else []))
            group, cur = [], None
        prev = word
    values.extend(group + ([cur] if cur is not None else []))
    return sorted(values)


# ---------------------------------------------------------------- what kind of answer


_ASKS_REASON = re.compile(
    r"^\s*why\b|\b(reason|reasons|pretext|cause|caused|justif\w*|grounds|motive|explain\w*)\b", re.I
)
_ASKS_WHO = re.compile(
    r"^\s*(who|whom|whose)\b|^\s*which\s+(\w+\s+)?(person|people|man|woman|scientist|expert|analyst|official|"
    r"politician|minister|journalist|observer|deputy|pundit|leader|president|chancellor|spokesman|researcher)\b",
    re.I,
)


def asks_reason(question: str) -> bool:
    """A why-question, or one asking for the reason, pretext or cause of something."""
    return bool(_ASKS_REASON.search(question))


def asks_who(question: str) -> bool:
    """A question whose answer is a person."""
    return bool(_ASKS_WHO.search(question))


def after_wh_phrase(question: str) -> str:
    """The question without its leading "who"/"which Ukrainian official" phrase: what it says of
    others than the person asked for.

    >>> after_wh_phrase("Which Ukrainian official shared a video of Putin?")
    ' shared a video of Putin?'
    """
    m = _ASKS_WHO.search(question)
    return question[m.end() :] if m else question
