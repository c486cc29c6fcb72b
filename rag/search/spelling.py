"""Typing slips in a question: "how many langauges does he speak" is read as "languages".

A lowercase word that no passage holds and that is no English word is replaced by the English
word one edit away (a letter added, dropped, changed, or two swapped; the first letter kept)
that the most text uses and that the articles use too: only words the articles hold can help
retrieval and the answer. An English word is never changed: "crowd" stays "crowd" though the
articles may say "crown". Names are left alone: a name the articles do not use is what "The
articles don't mention ..." reports, and `unknown_names` finds those typed without capitals.

The English words and their counts are symspellpy's frequency dictionary (82,765 words, in its
wheel); symspellpy finds the words one edit away. The dictionary is read on first use (about a
second), and only for a question with a lowercase word that no passage holds.
"""

from __future__ import annotations

import functools
import re

from rag.corpus.load import ENGLISH_DICTIONARY
from rag.index.lexical import STOPWORDS, lexical_tokens

COMMON_COUNT = 1_000_000  # uses in the dictionary's counts from which a word is common English
MIN_LETTERS = 5  # shorter slips have too many words one edit away ("fro": "for", "from", "fry")
_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z]+(?![\w’'-])")


@functools.cache
def _english():
    """symspellpy's English dictionary, for lookups one edit away."""
    from importlib.resources import files

    from symspellpy import SymSpell

    speller = SymSpell(max_dictionary_edit_distance=1)
    speller.load_dictionary(str(files("symspellpy") / ENGLISH_DICTIONARY), 0, 1)
    return speller


def respelled(question: str, snapshot) -> tuple[str, tuple[tuple[str, str], ...]]:
    """(the question with its slips mended, the (typed, read) pairs).

    >>> class Index:  # an index whose passages hold these words
    ...     def passages_with(self, token):
    ...         return frozenset([1]) if token in lexical_tokens("languages Tokayev speaks crown sent") else frozenset()
    >>> respelled("how many langauges does tokayev speak?", Index())
    ('how many languages does tokayev speak?', (('langauges', 'languages'),))
    >>> respelled("how big was the crowd?", Index())  # an English word, though the articles say "crown"
    ('how big was the crowd?', ())
    >>> respelled("boiled al dente", Index())  # no English word, but "sente" is not one edit in from its start
    ('boiled al dente', ())
    """
    found: dict[str, str] = {}

    def mend(m: re.Match) -> str:
        word = m.group(0)
        if word in found:
            return found[word]
        tokens = lexical_tokens(word)
        if len(word) < MIN_LETTERS or word in STOPWORDS or len(tokens) != 1 or snapshot.passages_with(tokens[0]):
            return word
        read = _nearest_used(word, snapshot)
        if read:
            found[word] = read
        return read or word

    mended = _LOWER_WORD.sub(mend, question)
    return mended, tuple(found.items())


def _nearest_used(word: str, snapshot) -> str | None:
    """The commonest English word one edit from `word` that the articles use, when `word` is no
    English word itself."""
    from symspellpy import Verbosity

    near = _english().lookup(word, Verbosity.ALL, max_edit_distance=1)
    if any(s.distance == 0 for s in near):
        return None  # an English word the articles do not use: nothing to mend
    for s in sorted(near, key=lambda s: -s.count):
        if s.term[:1] != word[:1]:
            continue  # a slip seldom hits the first letter: "al dente" is not "al sente"
        tokens = lexical_tokens(s.term)
        if len(tokens) == 1 and snapshot.passages_with(tokens[0]):
            return s.term
    return None


_LOWER_RUN = re.compile(r"(?<![\w’'-])[a-z]{3,}(?:\s+[a-z]{3,})*(?:\s+[a-z]{3,}(?:['’]s)?)(?![\w’'-])")


def unknown_names(question: str, snapshot) -> list[str]:
    """Names typed without capitals that no article uses: two or more lowercase words in a row
    that no passage holds, one at least in no English dictionary and none common English
    (`COMMON_COUNT`): "murat nurtleu", "josep borrell". One word alone is read so only where the
    question's subject stands ("what did lukashenko say"): "railcars" and "digitalisation" are
    English words the dictionary lacks; "railcars loaded" holds a common word, and "lawmaker
    hinted" only English ones.

    >>> class Index:  # an index whose passages hold only these words
    ...     def passages_with(self, token):
    ...         return frozenset([1]) if token in lexical_tokens("what did minister say about visit") else frozenset()
    >>> unknown_names("what did foreign minister murat nurtleu say about the visit", Index())
    ['murat nurtleu']
    >>> unknown_names("how many railcars were held", Index()), unknown_names("the railcars loaded", Index())
    ([], [])
    >>> unknown_names("a lawmaker hinted", Index()), unknown_names("what was josep borrell's reaction", Index())
    ([], ['josep borrell'])
    >>> unknown_names("what did lukashenko say about the visit", Index())  # where the subject stands
    ['lukashenko']
    >>> unknown_names("how many railcars did minister say", Index()), unknown_names("what did visit mean for lukashenko", Index())
    ([], [])
    """
    out = []
    for m in _LOWER_RUN.finditer(question):
        run: list[str] = []
        words = [re.sub(r"['’]s$", "", w) for w in m.group(0).split()]
        for i, word in enumerate([*words, ""]):
            tokens = lexical_tokens(word)
            unknown = word not in STOPWORDS and len(tokens) == 1 and not snapshot.passages_with(tokens[0])
            if word and unknown:
                run.append(word)
                continue
            # One word alone is a name where a question's subject stands, after its auxiliary and
            # before its verb: "what did lukashenko say".
            subject = len(run) == 1 and i >= 2 and words[i - 2] in _AUXILIARIES and i < len(words)
            if (len(run) > 1 or subject) and not all(is_english(w) for w in run) and not any(is_common(w) for w in run):
                out.append(" ".join(run))
            run = []
    return out


_AUXILIARIES = frozenset(
    ["did", "does", "do", "has", "have", "had", "was", "were", "is", "are", "will", "would", "can", "could"]
)


def is_english(word: str) -> bool:
    """Whether `word` is in symspellpy's English dictionary ("react", not "tokayev")."""
    return word.lower() in _english().words


def is_common(word: str) -> bool:
    """Whether `word` is an English word of `COMMON_COUNT` uses or more in the dictionary's counts
    ("loaded", not "murat")."""
    return _english().words.get(word, 0) >= COMMON_COUNT


def respelled_note(pairs: tuple[tuple[str, str], ...]) -> str:
    """What the answer says it read differently.

    >>> respelled_note((("langauges", "languages"),))
    'Read “langauges” as “languages”.'
    """
    return "Read " + ", ".join(f"“{typed}” as “{read}”" for typed, read in pairs) + "."
