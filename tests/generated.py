"""Made-up news articles with one known fact each, for crash, load and concurrency tests.

Every article is about an invented town (a name no other article uses) and states one number
that only it contains, so a question about that town has one known answer and one known quote:

>>> a = articles(2)[1]
>>> a.town in a.question and a.quote in a.text and a.number in a.quote
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

_SYLLABLES = ["vel", "mor", "zan", "tre", "quil", "dor", "bas", "kin", "lum", "sor", "ta", "ven", "rik", "ol", "gar",
              "nes", "pra", "hol", "mi", "zed"]  # fmt: skip
# (what was built, what is counted, the question's verb phrase)
_FACTS = [
    ("bridge", "arches", "How many arches does the new bridge in {town} have?"),
    ("tram line", "stops", "How many stops does the new tram line in {town} have?"),
    ("library", "reading rooms", "How many reading rooms does the new library in {town} have?"),
    ("wind farm", "turbines", "How many turbines does the new wind farm in {town} have?"),
    ("hospital", "beds", "How many beds does the new hospital in {town} have?"),
]
_FILLER = [
    "Residents gathered in the main square to watch the opening ceremony despite the cold weather.",
    "The regional governor thanked the engineers and the workers who finished the project on schedule.",
    "Local shop owners said they expect more visitors from neighbouring villages in the coming months.",
    "The project was financed by a regional development fund and a loan from a state bank.",
    "Critics on the town council had argued that the money should have gone to repairing old roads instead.",
    "A brass band played folk tunes while children handed out paper flags to the guests.",
    "The contractor said the work had been delayed twice by heavy snow during the winter.",
    "Officials promised that maintenance costs would be covered by the regional budget for ten years.",
    "Several families who live nearby complained about noise during the construction period.",
    "The mayor said the town would hold a public meeting next month to discuss further plans.",
    "Journalists from the regional newspaper were given a guided tour after the speeches ended.",
    "Tickets for the first week were free, and volunteers helped older residents find their way.",
]


@dataclass(frozen=True)
class Article:
    name: str  # file name
    town: str
    text: str
    question: str
    number: str  # the answer, as written in the article
    quote: str  # the sentence that states it


def town_names(n: int, seed: int = 7) -> list[str]:
    """n distinct invented town names, the same for the same seed."""
    rng = random.Random(seed)
    names: list[str] = []
    while len(names) < n:
        name = "".join(rng.choice(_SYLLABLES) for _ in range(3)).capitalize()
        if name not in names:
            names.append(name)
    return names


def articles(n: int, seed: int = 7) -> list[Article]:
    """n articles, each with a unique town, a unique number and a question it answers."""
    out = []
    for i, town in enumerate(town_names(n, seed)):
        rng = random.Random(seed * 1000 + i)
        built, counted, question = _FACTS[i % len(_FACTS)]
        number = str(101 + 7 * i)  # distinct, and never a year
        quote = f"The new {built} in {town} has {number} {counted}, the town council said on Monday."
        filler = rng.sample(_FILLER, 8)
        paragraphs = [
            f"{town} opens a new {built}",
            "By Ana Writer",
            f"{quote} {filler[0]}",
            " ".join(filler[1:4]),
            f"Work on the {built} in {town} began three years ago. " + " ".join(filler[4:6]),
            " ".join(filler[6:8]),
        ]
        out.append(
            Article(
                f"town-{i:03d}-{town.lower()}.txt",
                town,
                "\n\n".join(paragraphs) + "\n",
                question.format(town=town),
                number,
                quote,
            )
        )
    return out


def write_articles(folder: Path, items: list[Article]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for a in items:
        (folder / a.name).write_text(a.text, encoding="utf-8")
