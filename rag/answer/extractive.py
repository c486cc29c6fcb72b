"""Answers with verified citations.

The extractive answerer (the offline default) picks the one to three sentences of the top
passages that best answer the question and marks each with its passage's [n]. The LLM answerer
(rag/llm.py) writes fluent text from the same passages; its citations are checked here.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from rag.answer.premise_model import cited_text, hypothesis, load_premise_model
from rag.answer.question import (
    NAME_AFTER_COMMA,
    SPEAKING,
    WHO_IS_NAME,
    act_taken,
    act_unfound,
    actor_of,
    addresses_assistant,
    adds_another,
    affirms,
    after_wh_phrase,
    answer_type_check,
    answer_type_fits,  # noqa: F401  (imported from here by callers)
    asked_kind,
    asks_advice,
    asks_articles_mentioning,
    asks_collection,
    asks_comparison,
    asks_date,
    asks_else,
    asks_gist,
    asks_holder,
    asks_name,
    asks_negated,
    asks_outcome,
    asks_past_act,
    asks_quantity,
    asks_reason,
    asks_record,
    asks_where,
    asks_which_kind,
    asks_who,
    asks_who_did,
    asks_who_said,
    asks_words,
    called_otherwise,
    called_thing,
    contradicts,
    counts_asked,
    dates_in,
    day_in_year,
    days_late,
    described_otherwise,
    describes_asked,
    describes_kind,
    direct_question,
    does,
    done_in_part,
    examples_wanted,
    favoured,
    foreign_city,
    has_quantity,
    key_names,
    kind_phrase,
    left_unnamed,
    lone_subject,
    ministries,
    moved_city,
    moved_country,
    moved_month,
    moved_route,
    moved_year,
    named_before_saying,
    named_by_role,
    names_anyone,
    names_in,
    names_of_kind,
    names_post,
    new_names,
    only_asked_for,
    only_to_come,
    other_contents,
    other_destination,
    other_language,
    other_mode,
    other_pair,
    other_parties,
    other_people,
    other_place_of,
    owner_before,
    owner_place,
    place_attribute,
    place_names,
    places_there,
    planned_at,
    possessive_actor,
    prefixed_opposite,
    premise_question,
    premise_subject,
    premise_verbs,
    pronoun_persons,
    quantities,
    renamed_otherwise,
    reports_words,
    role_asked,
    said_is_denied,
    said_taken,
    same_verbs,
    says_not,
    says_set_aside,
    speaks_of_plans,
    spoken_by_another,
    spoken_otherwise,
    standalone_ask,
    still_to_come,
    substituted_name,
    surname_tokens,
    swapped_parties,
    swapped_places,
    swapped_roles,
    taken_as_undone,
    takes_whole,
    tells_act,
    tells_of,
    told_and_asked,
    told_premise,
    topic_missing,
    topic_place_missing,
    trip_taken,
    unnamed_speaker,
    unsaid_words,
    whether_doer,
    whether_done,
    why_subject,
)
from rag.config import Settings
from rag.errors import ConfigError, LLMError, RagError
from rag.index.embed import Embedder
from rag.index.lexical import lexical_tokens
from rag.index.store import StoreReader
from rag.records import Answer, Citation, Hit
from rag.search.filters import Filters
from rag.search.names import (
    chunks_mentioning,
    cities_written_otherwise,
    docs_by_surname,
    is_city,
    per_manifest,
    place_aliases,
    place_codes,
    post_holder,
    post_note,
    spelled_as_written,
    truecased,
)
from rag.search.retrieve import SearchResult, search, sources_named
from rag.search.spelling import respelled, respelled_note, unknown_names
from rag.search.when import MONTH_WORD, spread_note
from rag.serialize import answer_json  # noqa: F401

ANSWER_MODES = ("extractive", "llm")
ABSTAIN_TEXT = "The articles don't say. None of the passages found answers this question."
WORDS_TEXT = "The articles don't say. None of the sentences found reports what was said."
HOLDER_TEXT = "The articles don't say. None of the sentences found names who it is."
PHOTO_TEXT = "The articles don't say. None of the photo credits found is for a photo of that."
UNDONE_TEXT = "The articles don't say. None of the sentences found says it was not done."
ADVICE_TEXT = (
    "The articles are news reports and give no advice on this. None of the passages found answers this question."
)
NOT_TOLD_TEXT = (
    "The articles don't say. None of the sentences found tells of the one the question names, or of that act."
)
ACT_UNTOLD_TEXT = "The articles don't say. None of the passages found tells of what the question takes as done."


def said_untold_text(words: list[str]) -> str:
    """The abstention for a question whose words taken as said (`said_taken`) no passage found has.

    >>> said_untold_text(["untrustworthy"])
    "The articles don't say. None of the passages found says “untrustworthy”, as the question has it."
    """
    listed = " or ".join(f"“{w}”" for w in words)
    return f"The articles don't say. None of the passages found says {listed}, as the question has it."


MAX_SENTENCES = 3
PASSAGES_FOR_SENTENCES = 7


class BadQuestion(RagError, ValueError):
    """The question is empty or unusable."""


# ---------------------------------------------------------------- the question


def clean_question(question: str, max_chars: int) -> tuple[str, tuple[str, ...]]:
    """Strip control characters and surrounding space; cut an over-long question with a note."""
    text = "".join(ch if ch.isprintable() or ch in " \n\t" else " " for ch in question or "")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise BadQuestion("the question is empty; type a question about the articles")
    if not re.search(r"\w", text):
        raise BadQuestion("the question has no words in it; type a question about the articles")
    notes: tuple[str, ...] = ()
    if len(text) > max_chars:
        text = text[:max_chars].rsplit(" ", 1)[0] or text[:max_chars]
        notes = (f"The question was longer than {max_chars} characters; only its start was used.",)
    return text, notes


_PRONOUNS = {"he", "him", "his", "she", "her", "hers", "they", "them", "their", "it", "its", "this", "that", "these", "those"}  # fmt: skip


def needs_context(question: str) -> bool:
    """A follow-up that leans on earlier turns: a pronoun, "what about ...", or almost no content."""
    words = re.findall(r"[a-z’']+", question.lower())
    if any(w in _PRONOUNS for w in words):
        return True
    if re.match(r"^\s*(and|also|what about|how about|why\??$|and why)\b", question, re.I):
        return True
    return len(lexical_tokens(question)) <= 1


_PERSONAL = {"he", "him", "his", "she", "her", "hers"}
_SAYING = frozenset(lexical_tokens("say said tell told think thought mean meant else also more add added"))


# "And Kuantirov?", "What about Grashchenkov?": the last question again, of another person (group 1).
_AND_SOMEONE = re.compile(
    r"^\W*(?:and|what\s+about|how\s+about)\s+((?-i:[A-Z])[\w’'.-]*(?:\s+(?-i:[A-Z])[\w’'.-]*){0,3})\W*$", re.I
)
_HE_SHE = re.compile(r"\b(?:he|she|him|her|his)\b", re.I)


def elliptic_followup(question: str, history: list[tuple[str, str]] | None) -> str | None:
    """The last question asked again of another person, for "And <name>?" or "What about
    <name>?": the person it named, or its "he" or "she", becomes the one named now. None when the
    follow-up names a place or no person, or the last question has no one to replace.

    >>> history = [("Who is Timur Suleimenov?", "..."), ("What did he say about sanctions?", "... [1]")]
    >>> elliptic_followup("And Kuantirov?", history)
    'What did Kuantirov say about sanctions?'
    >>> elliptic_followup("What about Grashchenkov?", [*history, ("And Kuantirov?", "... [1]")])
    'What did Grashchenkov say about sanctions?'
    >>> elliptic_followup("What about Uzbekistan?", history) is None  # a place: the last names are added instead
    True
    """
    m = _AND_SOMEONE.match(question) if history else None
    if not m or place_aliases(m.group(1)) or is_city(m.group(1)):
        return None
    last = history[-1][0]
    last = elliptic_followup(last, history[:-1]) or last
    if said := _HE_SHE.search(last):
        name = f"{m.group(1)}’s" if said.group(0).lower() == "his" else m.group(1)
        return f"{last[: said.start()]}{name}{last[said.end() :]}"
    person = next((n for n in names_in(last) if not place_aliases(n) and not is_city(n)), None)
    return last.replace(person, m.group(1), 1) if person and person != m.group(1) else None


def retrieval_query(question: str, history: list[tuple[str, str]] | None) -> str:
    """The text to search with: the question, plus the names of the last turn if it depends on it.

    The names say who or what the follow-up means, not what it asks about: one that asks about
    something of its own ("... about sanctions?") takes the last question's names only, and "he"
    or "she" takes no acronyms (an organisation is not "he"), so the last topic does not crowd out
    the new one.

    >>> history = [("What did Toqayev say about the DPR and LPR?", "Peskov said Putin ... [1]")]
    >>> retrieval_query("What did he say about sanctions?", history)
    'What did he say about sanctions? (Toqayev)'
    >>> retrieval_query("What else did they say?", history)
    'What else did they say? (Toqayev, DPR, LPR, Peskov, Putin)'
    """
    if not history or not needs_context(question):
        return question
    last_q, last_a = history[-1]
    first_answer_sentence = re.split(r"(?<=[.!?])\s", re.sub(r"\s*\[\d+\]", "", last_a or ""), maxsplit=1)[0]
    asked, answered = names_in(last_q), names_in(first_answer_sentence)
    if _PERSONAL & set(re.findall(r"[a-z]+", question.lower())):
        asked, answered = [n for n in asked if not n.isupper()], [n for n in answered if not n.isupper()]
    own = set(lexical_tokens(question)) - _SAYING
    names = list(dict.fromkeys(asked if own and asked else asked + answered))[:6]
    if not names and len(history) > 1:
        return retrieval_query(f"{question} {last_q}", history[:-1])
    return f"{question} ({', '.join(names)})" if names else f"{question} {last_q}"


# An answer about one article's header or opening begins with its title: "“Diplomatic confusion”
# (The Frontier Post) opens: ...", "The article “Diplomatic confusion” gives no date." (`lead_answer`,
# `byline_answer`).
_TITLED_ANSWER = re.compile(r"^(?:The article )?“(?P<title>[^”]+)”")
_IT = re.compile(r"\b(?:it|this|that)(?:\s+(?:article|piece|story|text))?\b", re.I)
_THE = re.compile(r"^the\s+", re.I)


def article_followup(question: str, history: list[tuple[str, str]] | None, snapshot: StoreReader) -> str | None:
    """The question with its "it" read as the article the last answer was about, when that answer
    was one article's header or opening ("Who wrote it?" after "What is the Frontier Post article
    about?": "Who wrote the Frontier Post article?"), by its outlet or author when only it has
    them, else by its title; None otherwise."""
    m = _TITLED_ANSWER.match(history[-1][1] or "") if history and needs_context(question) else None
    docs = snapshot.manifest.documents.values()
    meta = next((d for d in docs if m and d.get("title") == m.group("title")), None)
    if meta is None or not _IT.search(question):
        return None
    outlet, author = meta.get("source"), meta.get("author")
    if outlet and sum(d.get("source") == outlet for d in docs) == 1:
        article = f"the {_THE.sub('', outlet)} article"  # "The Frontier Post": "the Frontier Post article"
    elif author and sum(d.get("author") == author for d in docs) == 1:
        article = f"the article by {author}"
    else:
        article = f"“{meta['title']}”"
    return _IT.sub(lambda _: article, question, count=1)


# ---------------------------------------------------------------- extractive answers


@functools.lru_cache(maxsize=8192)
def sentence_tokens(text: str) -> frozenset[str]:
    """The set of `lexical_tokens` of a sentence, kept for the 8,192 sentences read last: the
    same sentences of the top passages are scored again and again for different questions
    (they were re-tokenized every time, about a third of the answerer's time)."""
    return frozenset(lexical_tokens(text))


_WHAT_REASON = re.compile(r"^\W*for\s+what\s+reasons?\b", re.I)


def _lexical_overlap(q_tokens: set[str], s_tokens: set[str], idf: dict[str, float]) -> float:
    total = sum(idf.get(t, 1.0) for t in q_tokens)
    return sum(idf.get(t, 1.0) for t in q_tokens & s_tokens) / total if total else 0.0


_DIGITS = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


@functools.lru_cache(maxsize=4096)
def passage_quantities(text: str) -> frozenset[float]:
    """The `quantities` of a passage, kept for the 4,096 passages read last: the same passages
    are read for question after question, and reading a passage's numbers in words and digits
    cost about a tenth of an answer's Python time."""
    return frozenset(quantities(text))


def missing_terms(question: str, hits: tuple[Hit, ...], snapshot: StoreReader) -> list[str]:
    """What the question names that the articles do not cover: names that no article uses (after
    folding transliterations and stemming; the name's last word counts, so "Chancellor Scholz"
    mentions "Olaf Scholz" and "Alexander Nevsky" no "Alexander Lukashenko"; a country's capital,
    demonym or other names count for it; titles, authors and outlets count, and so does an
    abbreviation in a passage found, `abbreviated`, or one the question uses spelled out there,
    `spelled_out`), and numbers of two digits or more that no
    retrieved passage or its article's date holds (in digits or words), nor another passage of
    its article (in digits: "Toqayev put trade at $25 billion; what figure did X give?").

    A question about something the articles never mention ("the population of Mongolia") would
    otherwise get the nearest sentences about something else. A name the articles do use but the
    retrieved passages miss is left to the answer's scoring: a question can name several things,
    and not every passage names them all.
    """
    docs = snapshot.manifest.documents
    missing = [
        n
        for n in key_names(question)
        if n.upper() not in _TITLES
        and not _mentioned(_WRITTEN_OUT.get(n.upper(), n), snapshot, docs)
        and not abbreviated(n, hits)
        and not spelled_out(n, hits)
        and not coded(n, hits)
    ]
    missing += unknown_names(question, snapshot)  # "what did murat nurtleu say?"
    # "the minister of finance", when the articles speak only of "the minister of economy"
    missing += [f"a {words}" for words, domain in ministries(question) if not _ministry_found(domain, hits, snapshot)]
    # "the 13th package" is not "13 million": an ordinal counts only as an ordinal (a day of a month
    # is a date: "November 23rd" is "23 November").
    days = [d.span() for d in _DAY_OF_MONTH.finditer(question)]
    ordinals = [m.group(0) for m in _ORDINAL.finditer(question) if not any(a <= m.start() < b for a, b in days)]
    missing += [o for o in ordinals if not _ordinal_found(o, hits, snapshot)]
    # A lone digit is ordinary speech ("the 2 countries", a pasted "(1)") more often than a fact to look up.
    numbers = [n for n in _DIGITS.findall(_ORDINAL.sub(" ", question)) if len(n) > 1]
    if numbers:
        dates = " ".join(str(docs.get(h.chunk.doc_id, {}).get("date", "")) for h in hits)
        found = set(quantities(dates)).union(*(passage_quantities(h.chunk.text) for h in hits))
        missing += [n for n in numbers if not set(quantities(n)) & found and not _in_articles(n, hits, snapshot)]
    return list(dict.fromkeys(missing))


_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.I)
_ORDINAL_WORDS = ("zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                  "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
                  "seventeenth", "eighteenth", "nineteenth", "twentieth")  # fmt: skip
_DAY_OF_MONTH = re.compile(
    rf"\b(?:{MONTH_WORD})\.?\s+\d+(?:st|nd|rd|th)\b|\b\d+(?:st|nd|rd|th)\s+(?:of\s+)?(?:{MONTH_WORD})\b", re.I
)


def _ministry_found(domain: str, hits: tuple[Hit, ...], snapshot: StoreReader) -> bool:
    """Whether a passage found, or else any passage of the articles, speaks of a minister or
    ministry of `domain` ("economy": "the minister of economy of the republic")."""
    if any(domain == d for h in hits for _, d in ministries(h.chunk.text)):
        return True
    ids = set().union(
        *(chunks_mentioning(f"{domain} {w}", snapshot, every_word=True) for w in ("minister", "ministry"))
    )
    return any(domain == d for c in snapshot.chunks(sorted(ids)).values() for _, d in ministries(c.text))


def _ordinal_found(ordinal: str, hits: tuple[Hit, ...], snapshot: StoreReader) -> bool:
    """Whether a passage found, or another of its articles', has the ordinal, in digits ("12th") or
    in words ("twelfth").

    >>> _ordinal_found("13th", (), None), _ordinal_found("0th", (), None)
    (False, False)
    """
    n = int(_ORDINAL.match(ordinal).group(1))
    forms = [rf"\b{n}(?:st|nd|rd|th)\b"] + ([rf"\b{_ORDINAL_WORDS[n]}\b"] if 0 < n < len(_ORDINAL_WORDS) else [])
    written = re.compile("|".join(forms), re.I)
    if any(written.search(h.chunk.text) for h in hits):
        return True
    return snapshot is not None and any(
        _in_articles(f"{n}{suffix}", hits, snapshot) for suffix in ("st", "nd", "rd", "th")
    )


def _in_articles(number: str, hits: tuple[Hit, ...], snapshot: StoreReader) -> bool:
    """Whether another passage of an article found writes the number in digits: a question can
    recall a figure one part of an article gives while asking about another."""
    ids = chunks_mentioning(number, snapshot, every_word=True)
    return bool(ids) and bool(set(snapshot.doc_ids(ids).values()) & {h.chunk.doc_id for h in hits})


def abbreviated(name: str, hits: tuple[Hit, ...]) -> bool:
    """Whether a passage found writes a name of several words as an abbreviation that begins with
    their initials and is three to seven letters long: "SPIEF" for "the St Petersburg forum",
    "CSTO" for "Collective Security".

    >>> from types import SimpleNamespace
    >>> hit = SimpleNamespace(chunk=SimpleNamespace(text="Recall that at the SPIEF, Tokayev said ..."))
    >>> abbreviated("St Petersburg", (hit,)), abbreviated("St. Petersburg", (hit,)), abbreviated("Petersburg", (hit,))
    (True, True, False)
    >>> abbreviated("Shavkat Mirziyoyev", (hit,))
    False
    """
    initials = "".join(w[0] for w in name.split() if w[0].isalpha())
    if not 2 <= len(initials) <= 7 or not initials.isupper():
        return False
    pattern = re.compile(rf"\b{initials}[A-Z]{{{max(0, 3 - len(initials))},{7 - len(initials)}}}\b")
    return any(pattern.search(h.chunk.text) for h in hits)


# Abbreviations that no initials spell out: "WWII" is "World War II", which the articles may call
# "the Second World War" or "the Great Patriotic War" ("War" mentions it).
# Abbreviated titles name what someone is, not who: "which United Russia MP ...?" asks about the
# articles' "State Duma deputy" and is no question about something they never mention.
_TITLES = frozenset(["MP", "MPS", "MP'S", "MP’S", "MEP", "MEPS", "PM", "CEO", "CEOS", "VP"])
_WRITTEN_OUT = {"WWII": "World War II", "WW2": "World War II", "WWI": "World War I", "WW1": "World War I"}


def coded(name: str, hits: tuple[Hit, ...]) -> bool:
    """Whether a passage found writes the country of a name by its code, in capitals among words
    that are not ("US war experts" for "Which American think tank ...?").

    >>> from types import SimpleNamespace
    >>> hit = SimpleNamespace(chunk=SimpleNamespace(text="according to US war experts at the think tank"))
    >>> coded("American", (hit,)), coded("British", (hit,)), coded("Scholz", (hit,))
    (True, False, False)
    >>> shout = SimpleNamespace(chunk=SimpleNamespace(text="TALKS WITH US END"))
    >>> coded("American", (shout,))
    False
    """
    for code in place_codes(name):
        pattern = re.compile(rf"\b{code}\b")
        for h in hits:
            text = h.chunk.text
            if any(re.search(r"[a-z]", text[max(0, m.start() - 15) : m.end() + 15]) for m in pattern.finditer(text)):
                return True
    return False


def spelled_out(name: str, hits: tuple[Hit, ...]) -> bool:
    """Whether a passage found spells out an abbreviation of the question: capitalized words whose
    initials it is, "of", "the", "for" and "and" passed over ("CPC" for "the Caspian Pipeline
    Consortium").

    >>> from types import SimpleNamespace
    >>> hit = SimpleNamespace(chunk=SimpleNamespace(text="most of it went through the Caspian Pipeline Consortium"))
    >>> spelled_out("CPC", (hit,)), spelled_out("CSTO", (hit,)), spelled_out("Caspian", (hit,))
    (True, False, False)
    """
    if not (2 <= len(name) <= 7 and name.isalpha() and name.isupper()):
        return False
    pattern = re.compile(r"\b" + r"\s+(?:(?:of|the|for|and)\s+)*".join(rf"{c}[\w’'-]+" for c in name) + r"\b")
    return any(pattern.search(h.chunk.text) for h in hits)


def _mentioned(name: str, snapshot: StoreReader, docs: Mapping[str, Mapping[str, Any]]) -> bool:
    """Whether the articles use the last word of `name` (text, titles, authors, outlets: "Scholz"
    for "Olaf Scholz"), or any of its words when the last is an acronym or no word ("Russian MP"),
    or, for a country or a capital, one of its other names whole ("Georgia": "Tbilisi", "Georgian")."""
    # A name ending in a capitalized word (not an acronym: "Russian MP") is mentioned by that word,
    # its surname or head: "Alexander Lukashenko" is not mentioned by "the Order of Alexander Nevsky".
    head = name.split()[-1]
    said = head if head[:1].isupper() and not head.isupper() else name
    if chunks_mentioning(said, snapshot) or _in_metadata(said, docs):
        return True
    # "Central Asia" is mentioned by "the five Central Asian Cats": a place's head word by its adjective.
    if said == head and head[-1:] in ("a", "e") and any(chunks_mentioning(head + end, snapshot) for end in ("n", "an")):
        return True
    return any(chunks_mentioning(alias, snapshot, every_word=True) for alias in place_aliases(name))


def after_the_articles(question: str, hits: tuple[Hit, ...], snapshot: StoreReader) -> tuple[str, str] | None:
    """(the question's date, the newest article date) when the question asks what happened on a day
    after every dated article among the passages found was published ("What did they agree on
    November 23, 2023?" against articles of November 10): the articles can only have announced it.
    A question about plans ("were due to meet") is left to the answer; undated articles are not read.
    """
    asked = dates_in(question)
    docs = snapshot.manifest.documents
    published = [str(docs.get(h.chunk.doc_id, {}).get("date") or "") for h in hits]
    published = [p for p in published if re.fullmatch(r"\d{4}-\d\d-\d\d", p)]
    if not published or speaks_of_plans(question):
        return None
    newest = max(published)
    late = [written for when, written in asked if when.isoformat() > newest]
    # "on November 23" without a year: a day after the articles in their last year, that no passage
    # found reports other than as planned.
    late = late or days_late(question, newest, (h.chunk.text for h in hits))
    return (late[0], newest) if late else None


def _in_metadata(name: str, docs: Mapping[str, Mapping[str, Any]]) -> bool:
    """Whether an article's title, author or outlet uses a word of `name` (bylines are cleaned out
    of the text but kept as metadata).

    >>> docs = {"a": {"title": "Putin in Kazakhstan", "author": "Ainur Kurmanov", "source": "Politnavigator"}}
    >>> _in_metadata("Politnavigator", docs), _in_metadata("Kurmanov", docs), _in_metadata("Mongolia", docs)
    (True, True, False)
    """
    return bool(set(lexical_tokens(name)) & _metadata_words(docs))


def _metadata_words(docs: Mapping[str, Mapping[str, Any]]) -> frozenset[str]:
    """The words of every article's title, author and outlet ("source" in the manifest), read once
    per manifest rather than once per question: an archive has tens of thousands of articles."""
    return per_manifest(
        "metadata words",
        docs,
        lambda: frozenset(
            w for d in docs.values() for f in ("title", "author", "source") for w in lexical_tokens(str(d.get(f) or ""))
        ),
    )


def after_text(asked: str, newest: str) -> str:
    """The abstention for a question about a day after the articles were written."""
    return f"The articles were published by {newest}, before {asked}. None of the passages found answers this question."


def quoted(sentence: str) -> str:
    """A sentence in quotation marks, once: the opening mark of a quotation the article continues
    is not doubled.

    >>> quoted("It  will be signed."), quoted("“Probably, leaving it will play a cruel joke.")
    ('“It will be signed.”', '“Probably, leaving it will play a cruel joke.”')
    """
    text = " ".join(sentence.split()).lstrip(_OPENING_MARKS)
    return f"“{text}”"


_OPENING_MARKS = '“«„"'


def premise_text(sentence: str, denial: str) -> str:
    """The abstention for a question whose premise the best sentence denies ("Why did Tokayev
    recognise the DPR?" against "... would not recognize ..."): what the article says instead."""
    quote = quoted(sentence)
    return (
        f"The articles don't say that; the closest passage says otherwise (“{denial}”): {quote} "
        "None of the passages found answers the question as asked."
    )


def trip_untold_text(who: str, where: str) -> str:
    """The abstention for a trip no passage found tells of.

    >>> trip_untold_text("Olaf Scholz", "Astana")
    "The articles don't say. None of the passages found places Olaf Scholz in Astana."
    """
    return f"The articles don't say. None of the passages found places {who} in {where}."


def someone_else_text(sentence: str, actor: str, subject: str) -> str:
    """The abstention for a question that gives to one person what the articles give to another."""
    return _said_otherwise(f"says it of {actor}, not {subject}", sentence)


def month_text(sentence: str, theirs: str, asked: str) -> str:
    """The abstention for a question that puts in one month what the articles put in another, or
    speaks of one thing where they speak of another ("wagons of grain": “wagons with coal”)."""
    return _said_otherwise(f"speaks of {theirs}, not {asked}", sentence)


def _said_otherwise(how: str, sentence: str) -> str:
    quote = quoted(sentence)
    return (
        f"The articles don't say that; the closest passage {how}: {quote} "
        "None of the passages found answers the question as asked."
    )


def unborne_text(sentence: str, doubt: float) -> str:
    """The abstention for an answer whose sentences the premise model finds do not bear out what a
    "why" question takes as done.

    >>> unborne_text("In March the pipeline was damaged by a storm.", 0.966)[:96]
    "The articles don't say that; the closest passage does not bear it out (premise model: 0.97 sure)"
    """
    return _said_otherwise(f"does not bear it out (premise model: {doubt:.2f} sure)", sentence)


def abstain_text(missing: list[str]) -> str:
    """The abstention, naming what the articles do not mention when that is the reason."""
    if not missing:
        return ABSTAIN_TEXT
    names = ", ".join(missing[:-1]) + (" or " if len(missing) > 1 else "") + missing[-1]
    return f"The articles don't mention {names}. None of the passages found answers this question."


# Reading adjustments (tuned on the dev half of the eval set, eval/questions.jsonl "split").
OFF_TOPIC_ARTICLE = -0.10  # the sentence's article mentions none of the names the question is about
TYPED_ANSWER = 0.0  # the sentence holds the kind of answer asked for (a date, a quantity)
OTHER_PERSON = 0.05  # a "who" question, and the sentence names someone the question does not
QUOTED_PERSON = 0.10  # a "who" question, and the sentence quotes someone the question does not name, named before it
SELF_NAMED = -0.15  # "who did X to Y?", and the sentence names Y (not "who is Y?", whose answer does)
NOT_THE_SOURCE = -0.25  # "..., according to Menzel?", and the sentence is from an article Menzel did not write
OTHER_SOURCE = -0.05  # "..., according to Bezpalko?", and the sentence is "according to Kommersant"
WORDS_OF_ANOTHER = -0.15  # "who said X?", and the sentence (or the quotation it opens) calls X "his statement"
ADDED = 0.05  # "Besides X, what else ...?", and the sentence adds to what was said ("also", "others")
NAMED_KIND = 0.04  # "Which portal ...?", and the sentence names one ("the Euractiv portal")
KIND_DESCRIBED = 0.08  # "What kind of foreign policy ...?", and the sentence says "a multi-vector foreign policy"
REASON_GIVEN = 0.04  # a "why" question, and the sentence gives a reason ("due to", "because", "pretext")
QUOTE_LOOKBACK = 3  # sentences back searched for the lead-in naming who speaks a quotation ("..., stated:")
REASON_LOOKAHEAD = 3  # sentences after the best one searched for the reason a "why" question asks
OWN_WORDS_LOOKAHEAD = 5  # ... and for the end of a quotation by whom the question asks about ("..., Mardan said.")
QUESTION_WORDS_ADDED = 0.05  # share of the question's words the next sentence must add to join the picked one
RUNNER_UP_MARGIN = 0.08  # a runner-up of the best sentence's passage scores at most this much less
OTHER_PASSAGE_MARGIN = 0.015  # ... and one of another passage (it costs a citation of its own)
START_TOLD = 0.08  # the question asks how something began, and the sentence tells its start (or a later moment: less)
NEGATED = 0.06  # the question asks what was denied or not done, and the sentence negates ("does not ...")
PHOTO_CREDIT = 0.20  # the question asks about a photo, and the sentence is a caption with its credit
HEADING = -0.10  # a line without a full stop: a heading, a caption or a photo credit, seldom an answer
TOLD = 0.75  # weight in the word overlap of the words only a question's earlier sentences hold
PLACE_READ = 6  # sentences read for where a question's act is said to be planned (`outcome_pending`)
DOER_MISSING = -0.15  # "What did X do ...?", and the sentence names no X
DAY_TOLD = 0.20  # "What happened on November 3?", and the sentence tells that day ("on November 3, the ...")
SWAPPED_PLACES = -0.15  # "How many Kazakhs live in Russia?", and the sentence tells of "Russians ... in Kazakhstan"
OTHER_DESTINATION = -0.15  # "What does Kazakhstan send to Russia?", and the sentence sends oil only to Europe
DESCRIBED = 0.10  # "Who is Islam Kuraev?", and the sentence gives his role ("political scientist Islam Kuraev")
# "What did Tokayev say in Berlin?", and the sentence has someone else speak ("Sergei Mardan ... called")
SAID_BY_ANOTHER = -0.10
WHOLE_READ = 8  # the best sentences read for an act done only in part, when a question takes it as done whole
PREMISE_READ = 3  # the best sentences (within RUNNER_UP_MARGIN) read for a denial of the question's premise
SHORT_LEAD_WORDS = 15  # a sentence this short, followed by one referring back to it, is read on
OWNER_MENTIONS = 3  # an article naming a country this often may speak of it unnamed ("the republic")

_ASKS_PHOTOGRAPHER = re.compile(
    r"\bwho\s+(?:took|shot|made|is\s+credited\s+(?:with|for))\b.*\b(?:photo|photograph|picture|image)s?\b", re.I
)
_ASKS_PHOTO = re.compile(r"\b(?:photo|photograph|picture|image|caption)s?\b", re.I)
_CREDIT = re.compile(r"©|\bphoto\s*:|\bphotograph\s*:|\bimage\s*:", re.I)
_CLOSERS = "\"'”»’)]"  # after a sentence's last stop: "...said.” (Reuters.)"
_SAID = re.compile(SPEAKING, re.I)


def is_heading(sentence: str) -> bool:
    """A heading, a caption or a photo credit: no closing punctuation (nor a lead-in ":") unless it
    ends on who said it ("..., Toqayev said"), or a credit.

    >>> is_heading("Meeting between Putin and Tokayev: Prime Minister begins speech in Kazakh")
    True
    >>> is_heading("Tokayev switched back to Russian.")
    False
    """
    # Read from the end (a pattern anchored at the end would be tried at every character).
    body = sentence.rstrip().rstrip(_CLOSERS)
    if not body or body[-1] not in ".!?…:;":
        # "..., trade reached $25 billion, Toqayev said": a quotation's attribution, its quote going on
        words = body.split()
        return not (len(words) > 1 and _SAID.fullmatch(words[-1]))
    return ("©" in sentence or ":" in sentence) and bool(_CREDIT.search(sentence))


# "Someone did X to Y. Who was it?": the told sentence describes the doer, then asks who that is.
_SOMEONE_DID = re.compile(r"\s*(?:a|an|one|some|someone|somebody|another)\b", re.I)
_WHO_WAS_IT = re.compile(r"\s*who\s+(?:is|was|were|are)\s+(?:it|he|she|they|this|that)\b(?:\s+\w+)?\s*\?\s*$", re.I)


# "According to Kommersant, ...", "..., according to Bezpalko?": whose account it is.
_ACCORDING_TO = re.compile(r"\baccording\s+to\s+(?:the\s+)?((?-i:[A-Z])[\w’'-]*(?:\s+(?-i:[A-Z])[\w’'-]*)*)", re.I)


# Whose view a question asks for, other than by "according to X": "in Bezpalko's view", or "in his
# view" of someone its telling part names ("Bogdan Bezpalko argues ... Why, in his view?").
_IN_VIEW = re.compile(
    r"\bin\s+(?:((?-i:[A-Z])[\w’'-]*)['’]s|his|her|their)\s+(?:view|opinion|words|estimate)\b"
    r"|\baccording\s+to\s+(?:him|her|them)\b",
    re.I,
)


def source_asked(question: str) -> frozenset[str]:
    """The tokens of whose account a question asks for: "according to X", "in X's view", or "in his
    view" of the people the part before the asking sentence names.

    >>> sorted(source_asked("Bogdan Bezpalko argues the oil can only leave via one port. Why, in his view?"))
    ['bezpalko']
    >>> sorted(source_asked("Why, in Bezpalko's view, is it so?")), sorted(source_asked("Why, according to Kommersant?"))
    (['bezpalko'], ['komers'])
    """
    if m := _ACCORDING_TO.search(question):
        return frozenset(lexical_tokens(m.group(1)))
    if not (m := _IN_VIEW.search(question)):
        return frozenset()
    if m.group(1):
        return frozenset(lexical_tokens(m.group(1)))
    told = told_and_asked(question)[0]
    return frozenset(lexical_tokens(" ".join(n for n in key_names(told) if not place_aliases(n))))


# A question about how something began, and sentences telling its start or a later moment.
_ASKS_START = re.compile(
    r"\b(?:at\s+(?:the\s+)?(?:start|beginning|outset)|at\s+first|initially|begin|began|open(?:ed)?\s+(?:his|her|its|the)\b)",
    re.I,
)
_TELLS_START = re.compile(
    r"\b(?:initially|at\s+first|at\s+the\s+(?:start|beginning|outset)|began|begins|opened)\b", re.I
)
_TELLS_LATER = re.compile(r"\b(?:afterwards|later|shortly\s+after|switched\s+back|back\s+to)\b", re.I)


@dataclass(frozen=True)
class _Asked:
    """What a question asks, worked out once per question."""

    names: tuple[str, ...]
    name_tokens: frozenset[str]  # of the names after the "who"/"which official" phrase
    typed: bool  # asks for a date or a quantity
    who: bool
    who_did: bool  # "who criticized X?" rather than "who is X?"
    negated: bool  # asks about what was denied, refused or not done
    other: bool = False  # "Besides X, what else ...?"
    person_tokens: frozenset[str] = frozenset()  # of those names, the ones not of places
    reason: bool = False  # asks why
    said: bool = False  # "who said X?": the act asked about is saying something
    source: frozenset[str] = frozenset()  # of the name in "according to <name>"
    kind: frozenset[str] = frozenset()  # of the noun in "which <kind> ...?"
    tokens: frozenset[str] = frozenset()  # of the question
    described: tuple[str, ...] = ()  # the words of what "what kind of ...?" asks to have described
    # Of the people's names, those of the asking sentence, whose words the question may ask for; none
    # for "who" or "why" (a lead-in naming them tells neither another's act nor a reason).
    speakers: frozenset[str] = frozenset()
    photo: bool = False  # asks about a photo: its caption and credit answer, not headings to pass over
    start: bool = False  # asks about how something began ("at the start of his speech")
    day: re.Pattern | None = None  # of the day, place or event a question asks what happened on (`day_asked`)
    doer: frozenset[str] = frozenset()  # of the surname of X in "What did X do ...?"

    @classmethod
    @functools.lru_cache(maxsize=256)  # sentence scoring and the checks after it read the same question
    def of(cls, question: str) -> _Asked:
        """
        >>> asked = _Asked.of("A senior party figure slapped down Konstantin Zatulin. Who was it?")
        >>> asked.who_did, sorted(asked.person_tokens)
        (True, ['konstantin', 'zatulin'])
        >>> _Asked.of("Konstantin Zatulin hinted at territorial issues. Who was he?").who_did  # who Zatulin is
        False
        """
        names = tuple(key_names(question))
        typed = asks_date(question) or asks_quantity(question)
        who = asks_who(question)
        who_did = asks_who_did(question)
        asked_about = key_names(after_wh_phrase(question)) + pronoun_persons(question)
        told, asked_part = told_and_asked(question)
        if _SOMEONE_DID.match(told) and _WHO_WAS_IT.match(asked_part):
            # "A senior party figure slapped down Zatulin. Who was it?" asks who did it to Zatulin.
            who_did, asked_about = True, key_names(told)
        others = frozenset(lexical_tokens(" ".join(asked_about)))
        persons = frozenset(lexical_tokens(" ".join(n for n in asked_about if not place_aliases(n))))
        return cls(
            names,
            others,
            typed,
            who,
            who_did,
            asks_negated(question),
            asks_else(question),
            persons,
            asks_reason(question),
            asks_who_said(question),
            source_asked(question),
            asked_kind(question),
            frozenset(lexical_tokens(question)),
            kind_phrase(question),
            frozenset() if who or asks_reason(question) else persons & set(lexical_tokens(asked_part)),
            bool(_ASKS_PHOTO.search(question)),
            bool(_ASKS_START.search(question)),
            day_asked(question),
            frozenset(surname_tokens(m.group(1))) if (m := _WHAT_DID_DO.match(question)) else frozenset(),
        )


# "What did Lavrov do during Tokayev's speech?": what the one named did (group 1).
_WHAT_DID_DO = re.compile(
    r"^\W*what\s+(?:did|does|do|has|have|had|will|would)\s+((?-i:[A-Z])[\w’'.-]*(?:\s+(?-i:[A-Z])[\w’'.-]*)*)"
    r"\s+(?:do|done|doing)\b",
    re.I,
)


# "What happened on November 3?", "What took place on 9 November?": a day and nothing else asked.
_WHAT_HAPPENED_ON = re.compile(
    r"^\W*what\s+(?:happened|took\s+place|occurred|went\s+on)\s+on\s+(?:the\s+)?"
    rf"(?:(?P<month>{MONTH_WORD})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?|"
    rf"(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month2>{MONTH_WORD}))\s*\?*\s*$",
    re.I,
)


# "What happened at SPIEF?", "What took place in Kostanay?": a named place or event and nothing else.
_WHAT_HAPPENED_AT = re.compile(
    r"^\W*(?i:what\s+(?:happened|took\s+place|occurred|went\s+on)\s+(?:at|in|during)\s+(?:the\s+)?)"
    r"(?P<name>[A-Z][\w-]*(?:\s+(?:of\s+)?[A-Z][\w-]*){0,4})\s*\?*\s*$"
)


def day_asked(question: str) -> re.Pattern | None:
    """For a question asking what happened on a day and nothing else, a pattern finding that day
    in a sentence, in either order, with or without "th"; for one asking what happened at a named
    place or event, a pattern finding that name; else None.

    >>> day = day_asked("What happened on November 9?")
    >>> bool(day.search("On Thursday (November 9th), a statement caused a stir.")), bool(day.search("on 9 Nov"))
    (True, True)
    >>> bool(day.search("on November 19")), day_asked("What happened to the pipeline on March 6?")
    (False, None)
    >>> bool(day_asked("What happened at the SPIEF?").search("Recall that at the SPIEF, Tokayev said ..."))
    True
    >>> day_asked("What happened in the end?"), day_asked("What happened in Kostanay to the forum?")
    (None, None)
    """
    if at := _WHAT_HAPPENED_AT.match(question):
        return re.compile(r"\b" + r"\s+".join(map(re.escape, at.group("name").split())) + r"\b")
    m = _WHAT_HAPPENED_ON.match(question)
    if not m:
        return None
    month = (m.group("month") or m.group("month2"))[:3]
    day = int(m.group("day") or m.group("day2"))
    return re.compile(
        rf"\b{month}[a-z]*\.?\s+{day}(?:st|nd|rd|th)?\b|\b{day}(?:st|nd|rd|th)?\s+(?:of\s+)?{month}", re.I
    )


def _articles_naming(names: tuple[str, ...], snapshot: StoreReader) -> set[str]:
    """Ids of the articles whose passages use a word of any of `names`, or whose author has one of
    them as surname: "according to Kurmanov" is about every sentence of the article Ainur Kurmanov
    wrote, which names him only in its byline (not in the text indexed)."""
    ids: set[int] = set()
    for name in names:
        ids |= chunks_mentioning(name, snapshot)
    authors = docs_by_surname(snapshot.manifest.documents)
    by = {d for name in names for t in lexical_tokens(name) for d in authors.get(t, ())}
    return set(snapshot.doc_ids(ids).values()) | by


def _adjust(asked: _Asked, sentence: str, on_topic: bool) -> float:
    """Score changes for what the question asks, beyond similarity (see the constants)."""
    if asked.photo and _CREDIT.search(sentence) and asked.person_tokens <= sentence_tokens(sentence):
        # "Who took the photo of Putin and Tokayev?": "Russian President Vladimir Putin ... with his
        # Kazakh counterpart Kassym-Jomart Tokayev. © IMAGO/Pavel Bednyakov/ITAR-TASS", not the photo
        # of Toqayev and Scholz.
        out = PHOTO_CREDIT
    else:
        out = HEADING if is_heading(sentence) else 0.0
    if not on_topic:
        out += OFF_TOPIC_ARTICLE
    if asked.typed:
        out += TYPED_ANSWER
    if asked.negated and says_not(sentence):
        out += NEGATED
    if asked.start and _TELLS_START.search(sentence):
        # "What language did Tokayev use at the start of his speech?": "... initially decided to
        # speak Kazakh", not "Shortly afterwards, Tokayev switched back to Russian."
        out += START_TOLD
    elif asked.start and _TELLS_LATER.search(sentence):
        out -= START_TOLD
    if asked.day and asked.day.search(sentence):
        # "What happened on November 3?" has nothing but the day for a long sentence's cosine to meet.
        out += DAY_TOLD
    if asked.doer and not asked.doer & sentence_tokens(sentence):
        # "What did Lavrov do during Tokayev's speech?" is not answered by "Tokayev’s speech during
        # Putin’s recent visit should also be seen against this background."
        out += DOER_MISSING
    if asked.other and adds_another(sentence):
        out += ADDED
    if asked.reason and _GIVES_REASON.search(sentence):
        out += REASON_GIVEN
    if asked.kind and names_of_kind(sentence, asked.kind, asked.tokens):
        out += NAMED_KIND
    if asked.described and describes_kind(sentence, asked.described, asked.tokens):
        out += KIND_DESCRIBED
    if asked.source and (m := _ACCORDING_TO.search(sentence)) and not set(lexical_tokens(m.group(1))) & asked.source:
        out += OTHER_SOURCE
    if asked.who:
        named = [set(lexical_tokens(n)) for n in names_in(sentence)]
        speaks = _surname_speaks(sentence, asked)
        if any(len(t) > 1 and not t & asked.name_tokens for t in named) or speaks:
            out += OTHER_PERSON
        if asked.who_did and _self_named(named, asked, speaks):
            out += SELF_NAMED
    return out


def _self_named(named: list[set[str]], asked: _Asked, speaks: bool = False) -> bool:
    """Whether a sentence, by the tokens of its names `named` in order, tells of what "who did X to
    Y?" asks about from Y's side: it names a place Y, or a person Y with no one else named before
    (who would be the doer: "Bogdan Bezpalko ... labeled Toqayev's words" answers "Who dismissed
    Toqayev's remarks?") and no one else speaking by surname (`speaks`: "Gerashchenko suspects ...
    a lack of respect for Tokayev").

    >>> asked = _Asked.of("Which expert dismissed Toqayev's remarks?")
    >>> named = [set(lexical_tokens(n)) for n in names_in("Bogdan Bezpalko labeled Toqayev's words a desire")]
    >>> _self_named(named, asked), _self_named(named[1:], asked), _self_named(named[1:], asked, speaks=True)
    (False, True, False)
    """
    for i, tokens in enumerate(named):
        if tokens & asked.name_tokens:
            doer_before = speaks or any(len(u) > 1 and not u & asked.name_tokens for u in named[:i])
            if not (tokens & asked.person_tokens) or not doer_before:
                return True
    return False


_SPEAKS = re.compile(rf"\b([A-Z][a-z’'-]+)\s+{SPEAKING}\b")
_NOT_SURNAMES = {"he", "she", "they", "it", "this", "that", "we", "i", "you", "who", "one", "someone", "everyone"}


def _surname_speaks(sentence: str, asked: _Asked) -> bool:
    """Whether someone the question does not name speaks in the sentence by a surname alone:
    "However, Suleimenov answers more categorically", "Gerashchenko suspects ..."."""
    for m in _SPEAKS.finditer(sentence):
        word = m.group(1)
        if word.lower() not in _NOT_SURNAMES and not set(lexical_tokens(word)) & asked.name_tokens:
            return True
    return False


# Words someone said, called by a pronoun: "“His “statement <…> about some possible ...”".
_WORDS_OF_ANOTHER = re.compile(r"\b(his|her|their)\s+\W*(statement|words|remarks?|claims?|comments?)\b", re.I)


def with_quotation(texts: list[str], i: int) -> str:
    """Sentence `i` of a passage's `texts`, and for a lead-in ending in ':' the sentence it opens.

    >>> with_quotation(["Turchak criticized his fellow party member:", "“His statement is wrong.”"], 0)
    'Turchak criticized his fellow party member: “His statement is wrong.”'
    """
    if texts[i].rstrip().endswith(":") and i + 1 < len(texts):
        return f"{texts[i]} {texts[i + 1]}"
    return texts[i]


def read_tokens(texts: list[str], i: int) -> frozenset[str]:
    """The words sentence `i` of a passage is read with: its own, for a lead-in ending in ':'
    those of the sentence it introduces ("..., sharply criticized his fellow party member:" says
    nothing alone of what was said), and the name of who said it when the next sentence ends on
    that ("... tanks that shoot at Russians? We need to inform him, Mardan said.").

    >>> texts = ["Turchak criticized his fellow party member:", "“His statement on territorial issues is wrong.”"]
    >>> sorted(read_tokens(texts, 0) - read_tokens(texts[:1], 0))
    ['isu', 'statement', 'teritori', 'vrong']
    >>> texts = ["Maybe he doesn't know that the Germans supply tanks?", "We need to inform him, Mardan said."]
    >>> sorted(read_tokens(texts, 0) - read_tokens(texts[:1], 0))
    ['mardan']
    """
    held = sentence_tokens(with_quotation(texts, i))
    if i + 1 < len(texts) and (said := _SAID_BY.search(texts[i + 1])):
        held = held | sentence_tokens(said.group(1))  # "... shoot at Russians? We must tell him, Mardan said."
    if i > 0 and _HE_DID.match(texts[i]):
        # "Viktor Shatskikh’s statements ... turned out to be just as tactless. He dubbed the matter ...":
        # "he" is the one the sentence before names.
        held = held | frozenset(t for n in names_in(texts[i - 1]) if not place_aliases(n) for t in sentence_tokens(n))
    return held


def quotation_lead_in(
    passage: str, sentences: list[tuple[int, str]], i: int, reach: int = QUOTE_LOOKBACK
) -> int | None:
    """For the sentence `i` of a passage's (start, text) `sentences`, when it is part of a quotation
    (`in_quotation`): the index of the lead-in ending in ':' that opens it, at most `reach`
    sentences back ("Pritchin explained: “Tokayev is a very experienced diplomat. ... Therefore, his
    statements are always or almost always neutral.”" are Pritchin's words to the last).

    >>> text = "Pritchin explained: “Tokayev is a diplomat. So his statements are neutral.” It rained."
    >>> sentences = [(text.index(s), s) for s in ("Pritchin explained:", "“Tokayev", "So his", "It rained.")]
    >>> [quotation_lead_in(text, sentences, i) for i in range(4)]
    [None, 0, 0, None]
    """
    if not in_quotation(passage, sentences[i][0]):
        return None
    for k in range(i - 1, max(i - reach, 0) - 1, -1):
        if sentences[k][1].rstrip().endswith(":"):
            return k
        if not in_quotation(passage, sentences[k][0]):
            return None
    return None


_HE_DID = re.compile(r"\s*(?:he|she)\s+(?-i:[a-z]+ed)\b", re.I)


# A sentence that ends on who said it: "We need to inform him, Mardan said."
_SAID_BY = re.compile(rf"{NAME_AFTER_COMMA}{SPEAKING}\W*$")


def score_sentences(
    question: str,
    qv: np.ndarray,
    hits: tuple[Hit, ...],
    snapshot: StoreReader,
    passages: int = PASSAGES_FOR_SENTENCES,
    cities: tuple[tuple[str, str], ...] | None = None,
    typed: bool = True,
    asked_vector: np.ndarray | None = None,
) -> list[tuple[float, Hit, int, int, str]]:
    """(score, hit, start, end, text) for every sentence of the top `passages` passages, best first.

    score = 0.55 cosine(question, sentence) + 0.30 idf-weighted word overlap
            + 0.15 cosine(question, passage) + the reading adjustments of `_adjust`.
    `asked_vector`: the vector of the question's asking part when it reads alone (`standalone_ask`);
    a sentence's cosine is then the higher of its cosines with the question and with that part, so
    the sentence answering what is asked is not outscored by one on what the question only tells.
    The word overlap of a lead-in ending in ':' counts the words of the sentence it introduces; in
    a question of several sentences, words only the earlier ones hold (what it tells) weigh `TOLD`.
    Sentences without what the question asks for (a date for "when", a quantity for "how many", a
    name the question does not give for "which newspaper") are left out, unless the next sentence
    has the quantity asked for: the answer then reads on ("On March 6, rallies were held ...
    According to various sources, from three to five thousand people came.").
    """
    table = snapshot.sentences
    if table is None:
        raise RagError("this index has no sentence vectors; run `rag ingest --rebuild`")
    q_tokens = set(lexical_tokens(question))
    if _WHAT_REASON.match(question):
        # "For what reason did ...?" is "why": its "reason" is no word to find ("For some reason,
        # the Russian media decided ..." had outscored the sentence that answers by 0.10).
        q_tokens -= set(lexical_tokens("reason"))
    if said := _source_said(question, snapshot):
        q_tokens -= set(lexical_tokens(f"{said[0]} say says said write wrote written report reported"))
    asked = _Asked.of(question)
    naming = _articles_naming(asked.names, snapshot) if asked.names else set()
    # "..., according to Menzel?", "What did Orda report ...?": the article it names is its source.
    sources = sources_named(question, snapshot)
    idf = snapshot.idf(q_tokens)  # the overlap weighs only the question's tokens
    told, asked_part = told_and_asked(question)
    if told:
        # "Macron visited Astana before Putin. Which minister hunted for headphones?": the words of
        # what the question tells weigh less than those of what it asks.
        only_told = q_tokens - set(lexical_tokens(asked_part))
        idf = {t: idf.get(t, 1.0) * (TOLD if t in only_told else 1.0) for t in q_tokens}
    # A sentence that writes a city as the articles do holds the question's name for it ("Alma-Ata").
    aliases = [
        (frozenset(lexical_tokens(w)), frozenset(lexical_tokens(a)))
        for a, w in (cities_written_otherwise(question, snapshot) if cities is None else cities)
    ]
    fits = answer_type_check(question) if typed else (lambda _text: True)
    # The question's verb of saying, which any verb of saying in a sentence answers.
    saying = q_tokens & _SAYING_TOKENS if asks_words(question) else frozenset()
    # A quantity can come in the next sentence ("On March 6, rallies were held. ... five thousand
    # people came."); a name cannot: "the arrest of an agent" answers no "what is his name?".
    reads_on = not asks_name(question)
    # Whose words "What did Tokayev say in Berlin?" asks for (not the "Donbass" of "... say about
    # the Donbass republics?").
    wording = sayer_tokens(question) & asked.speakers
    told_to_m = _TOLD_TO.search(question) if asks_words(question) else None
    told_to = frozenset(lexical_tokens(told_to_m.group(1))) if told_to_m else frozenset()
    seen: set[int] = set()
    out = []
    for hit in hits[:passages]:
        c = hit.chunk
        rows = table.rows_in(c.doc_id, c.char_start, c.char_end)
        starts = (table.starts[rows] - c.char_start).tolist()
        ends = (table.ends[rows] - c.char_start).tolist()
        texts = [c.text[a:b] for a, b in zip(starts, ends)]
        vectors = np.asarray(table.vectors[rows])  # one read for the passage's sentences
        fitting = [fits(t) for t in texts]
        spans = list(zip(starts, texts))
        for i, row in enumerate(rows.tolist()):
            if row in seen:
                continue
            seen.add(row)
            start, end, text = starts[i], ends[i], texts[i]
            if len(text.split()) < 4 or addresses_assistant(text):
                continue  # headings and fragments are not answers, nor text addressing the assistant
            if (
                not fitting[i]
                and not (reads_on and i + 1 < len(texts) and fitting[i + 1] and counts_asked(question, texts[i + 1]))
                and not (i > 0 and fitting[i - 1] and (_leads_back(text) or _TALKS_OF.match(text)))
            ):
                continue  # neither it nor the next sentence (which `_complement` would join) has it
            cos = float(vectors[i] @ qv)
            if asked_vector is not None:
                cos = max(cos, float(vectors[i] @ asked_vector))
            held = read_tokens(texts, i)
            lead = quotation_lead_in(c.text, spans, i) if asked.speakers else None
            if lead is not None:
                # "What does Pritchin say about Tokayev's statements?": "Pritchin explained: “... Therefore,
                # his statements are always or almost always neutral.”" are his words to the last.
                held = held | (sentence_tokens(" ".join(names_in(texts[lead]))) & asked.speakers)
            for written, asked_as in aliases:
                held = held | asked_as if written <= held else held
            if saying and _SAID.search(text) and asked.speakers & held:
                held = held | saying  # "What did Putin say ...?": "Putin explained that ..." says it
            lex = _lexical_overlap(q_tokens, held, idf)
            score = 0.55 * cos + 0.30 * lex + 0.15 * hit.scores_by_method.get("dense", 0.0)
            on_topic = not asked.names or c.doc_id in naming
            score += _adjust(asked, text, on_topic)
            if sources and c.doc_id not in sources:
                score += NOT_THE_SOURCE
            if asked.who_did and asked.said and _WORDS_OF_ANOTHER.search(with_quotation(texts, i)):
                # "Which MP hinted at 'territorial issues'?" is not answered by the critic of "his
                # statement about 'territorial issues'", whose words repeat the question's.
                score += WORDS_OF_ANOTHER
            if asked.who and _quoted_unnamed(question, hit, start, end, text, snapshot):
                score += QUOTED_PERSON
            if swapped_places(question, text):
                score += SWAPPED_PLACES
            if other_destination(question, text):
                score += OTHER_DESTINATION
            if describes_asked(question, text):
                score += DESCRIBED
            if wording and spoken_by_another(text, wording):
                # "What did Tokayev say in Berlin?" is not answered by "Sergei Mardan, discussing the
                # press conference in Berlin, called Toqayev's behavior “indecent”": words on him, another's.
                score += SAID_BY_ANOTHER
            if told_to and told_to <= held and (asked.speakers - told_to) & held:
                score += TOLD_TO  # ... and the one whose words they are: not "the Kazakh president ... Izvestia"
            out.append((score, hit, start, end, text))
    out.sort(key=lambda x: -x[0])
    return out


def _their_words_only(question: str, scored: list):
    """For a question asking only for the words of one named (`_ONLY_SAYER`), the best-scored
    sentence that gives them: the name before its verb of saying, or after "according to"; or None."""
    m = _ONLY_SAYER.match(question)
    if not m:
        return None
    name = frozenset(lexical_tokens(m.group(1)))
    according = re.compile(rf"\baccording\s+to\s+(?:the\s+)?{re.escape(m.group(1))}\b", re.I)
    return next((c for c in scored if named_before_saying(c[4], name) or according.search(c[4])), None)


_SAYING_TOKENS = frozenset(lexical_tokens("say said says tell told write wrote"))
# A name a question asks the words of, after its auxiliary: "Tokayev", "Orda.kz"; not "the Kazakh president".
_SPEAKER_NAME = r"(?:did|does|do|has|have|had)\s+((?-i:[A-Z])[\w’'.-]*(?:\s+(?-i:[A-Z])[\w’'.-]*){0,3})\s+"
# The one a question asks the words of (group 1): "What did *Tokayev* say in Berlin?".
_SAYER = re.compile(rf"\b{_SPEAKER_NAME}(?:say|said|tell|told|write|wrote)\b", re.I)
# "What did Kommersant report?", "What has Mendkovich said?": the words of one named, nothing else.
_ONLY_SAYER = re.compile(
    rf"^\W*what\s+{_SPEAKER_NAME}(?:say|said|report|reported|write|wrote|claim|claimed|tell|told)\s*\?*\s*$", re.I
)


def sayer_tokens(question: str) -> frozenset[str]:
    """The tokens of the surname of the one a question asks the words of (`_SAYER`), if it names
    one there: "What did Sergei Lavrov say?" asks no words of Sergei Mardan (`surname_tokens`).

    >>> sorted(sayer_tokens("What did Putin say the meeting was about?")), sayer_tokens("What did the Kremlin spokesman say?")
    (['putin'], frozenset())
    >>> sorted(sayer_tokens("What did Sergei Lavrov say?"))
    ['lavrov']
    """
    m = _SAYER.search(question)
    return frozenset(surname_tokens(m.group(1))) if m else frozenset()


# "What did Suleimenov tell Euractiv?", "... say to Izvestia?", "... in his interview with Kommersant?":
# whom the words were given to (group 1).
_TOLD_TO = re.compile(
    r"\b(?:tell|told|(?:say|said|speak|spoke)\s+to|(?:in|during)\s+(?:an?|his|her|the|their)\s+interview\s+(?:with|to))"
    r"\s+(?:the\s+)?((?-i:[A-Z])[\w’'.-]*(?:\s+(?-i:[A-Z])[\w’'.-]*)*)",
    re.I,
)
TOLD_TO = 0.08  # "What did Suleimenov tell Euractiv?", and the sentence names him and Euractiv ("in an interview with the Euractiv portal")


def close_to_best(scored: list, n: int = PREMISE_READ, margin: float = RUNNER_UP_MARGIN) -> list:
    """The `n` best sentences within `margin` of the best: by default those read for what the
    question takes for granted."""
    return [c for c in scored[:n] if c[0] >= scored[0][0] - margin]


def premise_denied(question: str, scored: list, snapshot: StoreReader | None = None) -> tuple[str, str] | None:
    """(sentence, its denying words) when one of the `PREMISE_READ` best sentences (those within
    `RUNNER_UP_MARGIN` of the best) denies what the question takes for granted (`contradicts`) and
    none of them says it (`affirms`): "Why did Kazakhstan help Russia circumvent sanctions?" is not
    refused on "... does not intend to help circumvent them" while another sentence found says it
    "is presumably helping to circumvent". With `snapshot`, the sentence the answer would join to
    the best one is read too ("He dubbed the matter ..." is shown with "Viktor Shatskikh's
    statements ... turned out to be just as tactless")."""
    best = [c[4] for c in close_to_best(scored)]
    as_asked = question  # before `premise_question` keeps only what it takes for granted
    # Saying it was done, or done in part, is plain enough to be read twice as far below the best
    # sentence: "... never switched to Russian?" against "Tokayev switched back to Russian." (0.09 below).
    farther = [c[4] for c in close_to_best(scored, margin=2 * RUNNER_UP_MARGIN)]
    # "... without switching to Russian?" against "Tokayev switched back to Russian."
    undone = taken_as_undone(question)
    if undone and (done := next(((s, w) for s in farther if (w := does(undone, s))), None)):
        return done
    # "Why did Tokayev deliver his entire address in Kazakh?" against "... initially decided to speak
    # Kazakh instead of Russian": what was done in part was not done whole.
    # A sentence telling its doer acted so only in part is read farther still, among the best
    # `WHOLE_READ`: "Shortly afterwards, Tokayev switched back to Russian." scores 0.20 below the
    # best for "Why did Tokayev deliver his entire address to the Russian guests in Kazakh?".
    if takes_whole(question):
        doer = why_subject(question)[0]
        wide = [c[4] for c in scored[:WHOLE_READ] if c[4] in farther or doer & sentence_tokens(c[4])]
        if part := next(((s, w) for s in wide if (w := done_in_part(s))), None):
            return part
    question = premise_question(question)  # "Since X signed it, when ...?" takes "X signed it"
    verbs = premise_verbs(question)
    against = favoured(question, verbs)
    if not verbs:
        return None
    # "Which TV channels did Kazakhstan ban?" against "A petition appeared demanding to ban ...".
    asked_for = {s: w for s in best if (w := only_asked_for(question, verbs, s))}
    if asked_for and not any(affirms(verbs, s, against) for s in best if s not in asked_for):
        return next(iter(asked_for.items()))
    if any(affirms(verbs, sentence, against) for sentence in best):
        return None
    # Only a denial is read in the joined sentence: what it says was done may be another act ("...
    # refused to cooperate with Sber ... | it was decided with NIT JSC to make a platform ...").
    if snapshot is not None and (joined := _complement(as_asked, *scored[0][1:], snapshot)):
        best = [*best, joined[4]]
    return next(((s, d) for s in best if (d := contradicts(verbs, s, against))), None)


def someone_else_did(
    question: str, verbs: tuple[str, ...], scored: list, snapshot: StoreReader
) -> tuple[str, str, str] | None:
    """(sentence, who it says did it, who the question says did it) when the question says a named
    person said or did something ("Why did Andrey Turchak say ...?"), the best sentence does not
    name them, and it, or the lead-in of its quotation (`_speaker`), says someone else did
    (`actor_of`: "Thus, Konstantin Zatulin, ..., stated:"). A runner-up naming them elsewhere does
    not count: "What did Sergei Lavrov say at the Berlin press conference?" is not answered by his
    hunt for headphones in Astana. `verbs` are the question's premise verbs (`premise_verbs`)."""
    subjects = premise_subject(question)
    # An article's title tells no act: "Meeting between Putin and Tokayev: Prime Minister begins
    # speech in Kazakh" (a lead-in without a full stop may: "... Shibutov ... reflected on ...").
    docs = snapshot.manifest.documents
    scored = [c for c in scored if " ".join(c[4].split()) != docs.get(c[1].chunk.doc_id, {}).get("title")]
    if not subjects or not scored:
        return None
    theirs = {t for n in subjects for t in surname_tokens(n)}
    # The sentence that tells the act: the best one, or a close runner-up that has the question's
    # verb when the best does not ("Why did Putin speak Kazakh at the meeting?": "Putin and his
    # Kazakh counterpart met on Thursday." is closest; "... decided to speak Kazakh" tells it).
    told = scored[0]
    # Quoted words are the act of saying ("Why did Scholz call Kazakhstan an important partner?":
    # “Kazakhstan is an important partner for us ...”), though they have no verb of it.
    if verbs and not affirms(verbs, told[4]) and not in_quotation(told[1].chunk.text, told[2]):
        near = close_to_best(scored)
        told = next((c for c in near if affirms(verbs, c[4])), told)
    if theirs & sentence_tokens(told[4]):
        return None
    # Another person the question names can be who the sentence says did it: "Why did Anatoly
    # Nesmiyan call Tokayev anti-Russian?" against "..., Tokayev even called on Western countries".
    asked = frozenset(theirs)
    _, hit, start, end, text = told
    actor = actor_of(text, asked) or possessive_actor(text, verbs, asked)
    if actor is None and (lead := _speaker(question, hit, start, end, text, snapshot)):
        if theirs & sentence_tokens(lead[4]):
            return None  # "Stanislav Pritchin, senior researcher at the Center for ..., explained:"
        actor, text = actor_of(lead[4], asked), f"{lead[4]} {text}"
    before = _neighbour(hit, start, snapshot, after=False) if actor is None else None
    if before and (owner := owner_before(text, before[4], asked)):
        # "Why did Putin speak Kazakh ...?" against "Tokayev’s speech during Putin’s recent visit
        # ... In his speech to the Russian delegation, the head of government ... decided to speak
        # Kazakh instead of Russian.": his speech is Tokayev's.
        actor, text = owner, f"{before[4]} {text}"
    media = _MEDIA_SAY.search(text) if actor is None and asks_reason(question) else None
    if media and verbs and verbs[0] in _SAYING and not set(lexical_tokens(media.group(1))) & asked:
        # "Why did Kuraev say Kazakhstan will leave the EAEU?" against "In the Kazakh media, the
        # opinion is increasingly heard that the republic will leave the EAEU ...".
        actor = f"the {media.group(1)}"
    return (text, actor, subjects[0]) if actor else None


# Words given to the press of a country rather than to a person: "In the Kazakh media, the opinion
# is increasingly heard that ...", "according to the Kazakh media".
_MEDIA_SAY = re.compile(r"\b(?:in|according\s+to)\s+the\s+((?-i:[A-Z])[\w’'-]+\s+(?:media|press|newspapers))\b", re.I)


def outcome_pending(question: str, scored: list, snapshot: StoreReader | None = None) -> tuple[str, str] | None:
    """(sentence, its words of what is to come) when, among the `PREMISE_READ` best sentences (those
    within `RUNNER_UP_MARGIN` of the best), one speaks of the act a question takes as done only as
    to come or in doubt (`only_to_come`: "Why did Astana sign the contract?" against "... does not
    at all guarantee that the contract will certainly be signed") and none says it plainly; or when
    the question asks how something ended (`asks_outcome`) and each of them speaks of it as planned
    or under way (`still_to_come`), none saying the question's verb undenied: "What was the outcome
    of the referendum?" against "... left to the referendum, which does not at all guarantee ...".
    With the `snapshot`, a sentence that refers back ("Then at a summit of the CSTO ...") is read
    with the one before it ("Putin and Tokayev will meet again in ... Minsk on November 23rd.")."""
    near = close_to_best(scored)
    best = [c[4] for c in near]
    question = premise_question(question)
    # "Did Kazakhstan leave the EAEU?" against "... the republic will leave the EAEU before the end
    # of the year.": asked whether it was done, told only that it is to come.
    taken = whether_done(question)
    verbs = same_verbs(premise_verbs(taken))  # "Did it quit the EAEU?" against "... will leave the EAEU"
    done = [s for s in best if verbs and affirms(verbs, s) and not only_to_come(verbs, s)]
    if verbs and asks_past_act(taken):
        planned = next(((s, w) for s in best if (w := only_to_come(verbs, s))), None)
        if planned and not done:
            return planned
        # "... at the CSTO summit in Minsk?" against "... will meet again in ... Minsk on November
        # 23rd.", unless a sentence says it was done there: one that says it was done elsewhere
        # ("Tokayev's decision to address the Russian guests in his native language") does not count.
        # Read past `PREMISE_READ`, within the margin: the best may tell the act and the next ones
        # its setting ("... initially decided to speak Kazakh", "the head of government ...").
        within = close_to_best(scored, n=PLACE_READ)
        for s in (_with_lead(c, snapshot) for c in within) if snapshot else best:
            if (where := planned_at(taken, s)) and not any(where[1] in d for d in done):
                return s, where[0]
    if not asks_outcome(question):
        return None
    verbs = premise_verbs(question)  # "Did the referendum end up passing?" takes nothing as done
    if verbs and any(affirms(verbs, sentence) for sentence in best):
        return None
    pending = [(s, w) for s in best if (w := still_to_come(s))]
    return pending[0] if len(pending) == len(best) else None


def _with_lead(candidate, snapshot: StoreReader, also: re.Pattern | None = None) -> str:
    """A candidate sentence's text, after the sentence before it when it refers back to that one
    ("Then at a summit ...", "This ...": `_LEADS_BACK`; or as `also` says)."""
    _, hit, start, _, text = candidate
    leads = _leads_back(text) or (also is not None and also.match(text))
    before = _neighbour(hit, start, snapshot, after=False) if leads else None
    return f"{before[4]} {text}" if before else text


def _with_quoted(candidate, snapshot: StoreReader) -> str:
    """A candidate sentence's text, with the sentence after it when it is a lead-in ending in ':'
    ("Stanislav Pritchin, ..., explained:" says nothing alone)."""
    _, hit, _, end, text = candidate
    after = _neighbour(hit, end, snapshot, after=True) if text.rstrip().endswith(":") else None
    return f"{text} {after[4]}" if after else text


def act_unfound_note(word: str) -> str:
    """The note on an answer to a "why" question whose cited passages do not name its act (`act_unfound`).

    >>> act_unfound_note("blown")
    'No passage cited says “blown” or a word read as the same: check that it tells what the question takes as done.'
    """
    return f"No passage cited says “{word}” or a word read as the same: check that it tells what the question takes as done."


def cities_note(pairs: tuple[tuple[str, str], ...]) -> str:
    """What the answer says it read as the question's words.

    >>> cities_note((("Almaty", "Alma-Ata"),))
    'Read “Alma-Ata” in the articles as Almaty.'
    """
    return "Read " + ", ".join(f"“{w}” in the articles as {a}" for a, w in pairs) + "."


def unnamed_text(sentence: str, words: str) -> str:
    """The abstention for "which X ...?" when the closest sentence speaks of "an X" without naming it."""
    return (
        f"The articles don't say which: the closest passage speaks only of “{words}”: {quoted(sentence)} "
        "None of the passages found names it."
    )


def undated(question: str, scored: list, untyped: Callable[[], list]) -> str | None:
    """The sentence telling what a "when" question asks about without a date, when the sentences
    fit to answer it (`scored`: those with a date) do not tell it: "When did Tokayev graduate from
    the Moscow Institute ...?" against "After attending an elite school, he graduated from the
    Moscow Institute ..." (the best sentence with a date is about something else)."""
    if not asks_date(question):
        return None
    verbs = premise_verbs(premise_question(question))
    if not verbs:
        return None
    if any(affirms(verbs, c[4]) for c in close_to_best(scored)):
        return None
    plain = untyped()
    best = [c[4] for c in close_to_best(plain)]
    # Told as done, in the past: "graduated" (not "press" in "a joint press conference", which
    # "When did he have the press conference?" does not ask about as an act).
    done = re.compile(rf"\b(?:{'|'.join(map(re.escape, verbs))})\w*ed\b", re.I)
    return next((s for s in best if affirms(verbs, s) and done.search(s)), None)


def undated_text(sentence: str) -> str:
    """The abstention for a "when" question whose event the articles tell without a date."""
    quote = quoted(sentence)
    return (
        f"The articles don't say when; the closest passage tells of it without a date: {quote} "
        "None of the passages found dates it."
    )


def pending_text(sentence: str, words: str) -> str:
    """The abstention for a question about something done, or how it ended, that the articles
    speak of only as planned, in doubt or under way."""
    quote = quoted(sentence)
    return (
        f"The articles speak of this only as planned or under way (“{words}”): {quote} "
        "None of the passages found says it has happened."
    )


def not_covered(result: SearchResult, snapshot: StoreReader) -> str | None:
    """Why the articles cannot answer the question, whoever writes the answer: a name or number it
    asks about is in no passage found, the time it asks about is after the articles, or it asks
    advice for the one asking ("What is the best way to learn Kazakh?"); else None."""
    if asks_advice(result.query):
        return ADVICE_TEXT
    if missing := missing_terms(result.query, result.hits, snapshot):
        return abstain_text(missing)
    if late := after_the_articles(result.query, result.hits, snapshot):
        return after_text(*late)
    return None


NOT_COVERED = "the passages found do not cover the question"
SAYS_OTHERWISE = "the passages found deny what the question takes for granted"
TOLD_AS_TO_COME = "the passages found tell what the question takes as done only as planned or in doubt"
UNBORNE = "an NLI model finds that the passages found do not bear out what the question takes as done"
BYLINE = "the article's header (byline, outlet, date) answers it, and the passages do not hold it"
LEAD = "the article's opening paragraph answers what it is about"
COLLECTION = "the list of the articles answers it"


def bridging_names(question: str, result: SearchResult, snapshot: StoreReader, settings: Settings) -> list[str]:
    """The names of the best sentence found, whatever it answers, that the question does not give
    (`new_names`), when that sentence scores above the answer floor: what to search with next when
    no sentence found has the kind of answer asked for."""
    if not result.hits or result.query_vector is None:
        return []
    scored = score_sentences(question, result.query_vector, result.hits, snapshot, typed=False)
    if not scored or scored[0][0] < settings.answer_floor:
        return []
    return new_names(scored[0][4], frozenset(lexical_tokens(question)))


def bridged_note(names: list[str]) -> str:
    """The note on an answer found by searching again with `bridging_names`.

    >>> bridged_note(["Olaf Scholz"])
    'Searched again with Olaf Scholz, named in the sentence closest to the question.'
    """
    return f"Searched again with {', '.join(names)}, named in the sentence closest to the question."


def extractive_answer(
    question: str,
    result: SearchResult,
    snapshot: StoreReader,
    settings: Settings,
    cities: tuple[tuple[str, str], ...] | None = None,
    asked_vector: np.ndarray | None = None,
) -> tuple[str, tuple[Citation, ...], bool, str | None]:
    """(text, citations, abstained, refused) from the best one to three sentences of the top
    passages. `refused` says why no other writer should answer (`NOT_COVERED`, `SAYS_OTHERWISE`,
    `TOLD_AS_TO_COME`;
    `BYLINE`: answered from the article's header), None when it answered from the passages or only
    found nothing close enough (an LLM may still read the passages).
    `cities`: the question's `cities_written_otherwise`, when the caller has them already;
    `asked_vector`: that of its `standalone_ask` (see `score_sentences`)."""
    if asks_collection(result.query):
        return collection_answer(result, snapshot)  # "What are the articles about?"
    if (topic := asks_articles_mentioning(result.query)) and (listed := mentioning_answer(topic, snapshot)):
        return listed  # "Which articles mention Sber?"
    # An article named by its whole title is read as "the article": "Who wrote Diplomatic confusion?"
    titled = title_as_article(result.query, snapshot)
    asked = titled[0] if titled else result.query
    record, gist = asks_record(asked), asks_gist(asked)
    named = None
    if record or gist:
        named = (
            titled[1]
            if titled
            else article_named(result.query, snapshot) or _only(sources_named(result.query, snapshot))
        )
    if gist and named and (lead := lead_answer(named, result, snapshot)):
        return lead  # "What is the Frontier Post article about?", "Summarize Diplomatic confusion."
    if record and named and (byline := byline_answer(named, result, snapshot, record)):
        return byline  # "Who wrote the Frontier Post piece?", "When was the Orda article published?"
    if written := _author_asked(result, snapshot):
        return written  # "Who is Ainur Kurmanov?": the author of an article, named nowhere in the passages
    if not result.hits or result.query_vector is None:
        return ABSTAIN_TEXT, (), True, None
    if refusal := not_covered(result, snapshot):
        return refusal, (), True, NOT_COVERED
    if record and (byline := byline_answer(result.hits[0].chunk.doc_id, result, snapshot, record)):
        # the article of the best passage: "Who wrote the article about Sber?" asks who, not about
        # Sber, so its sentences need not come close to the question
        return byline
    scored = score_sentences(
        result.query, result.query_vector, result.hits, snapshot, cities=cities, asked_vector=asked_vector
    )
    # "What did Kommersant report?" asks for nothing but the words of one named: a sentence giving
    # them ("So, according to Kommersant, the shipment of oil ... has already been limited.")
    # answers, however little else of the question it holds.
    theirs = _their_words_only(result.query, scored) if scored and scored[0][0] < settings.answer_floor else None
    scored = [theirs] if theirs else scored
    if not scored or (scored[0][0] < settings.answer_floor and not theirs):
        return ABSTAIN_TEXT, (), True, None

    untyped: list = []

    def untyped_scores() -> list:
        # "When did Kazakhstan officially join the sanctions?": the sentence denying it ("has not
        # officially joined") holds no date, so the sentences fit to answer "when" leave it out.
        if not untyped:
            untyped.extend(score_sentences(
                result.query, result.query_vector, result.hits, snapshot, cities=cities, typed=False,
                asked_vector=asked_vector,
            ))  # fmt: skip
        return untyped

    # Scored again only for a question that takes something for granted.
    assumed = premise_verbs(premise_question(result.query))
    takes = taken_as_undone(result.query) or assumed
    if denied := premise_denied(result.query, scored, snapshot) or (
        takes and premise_denied(result.query, untyped_scores(), snapshot)
    ):
        return premise_text(*denied), (), True, SAYS_OTHERWISE
    # "Why did Tokayev call Russia an enemy ...?" against "... having called Russia a strategic
    # partner and ally", unless a close sentence uses the question's word of the same thing ("Germany
    # is our enemy" is said of Germany).
    near = close_to_best(scored)
    # The best sentence's complement is read too: "At a meeting between Tokayev and Chancellor Olaf
    # Scholz ..." is shown with his words after it ("“Kazakhstan is an important partner for us ...”").
    joined = _complement(result.query, *scored[0][1:], snapshot) if called_thing(result.query) else None
    told_with = [c[4] for c in near] + ([joined[4]] if joined else [])
    if called := next(((t, w) for t in told_with if (w := called_otherwise(result.query, t))), None):
        told, (theirs, asked) = called
        # The word it is called, not whose ("an enemy of Germany": "enemy").
        word = set(lexical_tokens(re.split(r"\s+(?:of|for|to)\s+", asked)[0]))
        thing = set(lexical_tokens(called_thing(result.query) or ""))
        if not any(word & sentence_tokens(c[4]) and thing & sentence_tokens(c[4]) for c in near):
            return premise_text(told, theirs), (), True, SAYS_OTHERWISE
    # "Why did Pritchin call Tokayev an inexperienced diplomat?" against "... Tokayev is a very
    # experienced diplomat", unless a close sentence uses the question's word.
    if assumed and (opposite := prefixed_opposite(result.query, [_with_quoted(c, snapshot) for c in near])):
        return premise_text(*opposite), (), True, SAYS_OTHERWISE
    # "Why did Grashchenkov say Russia is the most significant center ...?" against "... Russia is not
    # the most significant center for Kazakhstan now."
    # A lead-in ending in ':' is read with the words it introduces ("Turchak ... criticized his fellow
    # party member: “His statement ... does not stand up to scrutiny.”").
    read = (_with_quoted(c, snapshot) for c in near)
    if denied := next(((t, w) for t in read if (w := said_is_denied(result.query, t))), None):
        return premise_text(*denied), (), True, SAYS_OTHERWISE
    # "Did Putin speak Kazakh in Astana?" is read as "Why did Putin ...?" for who did it.
    asked_done = whether_doer(result.query)
    done_verbs = premise_verbs(asked_done) if asked_done != result.query else ()
    if other := someone_else_did(result.query, assumed, scored, snapshot) or (
        done_verbs and someone_else_did(asked_done, done_verbs, scored, snapshot)
    ):
        return someone_else_text(*other), (), True, SAYS_OTHERWISE
    if (trip := trip_taken(result.query)) and not places_there(*trip, (h.chunk.text for h in result.hits)):
        # "Why did Olaf Scholz travel to Astana in September?": the passages found tell of his
        # meeting with Tokayev in September, none of him in Astana (it was in Berlin).
        return trip_untold_text(*trip), (), True, NOT_COVERED
    best_text = scored[0][4]
    if swapped := (
        swapped_roles(result.query, best_text)
        or swapped_parties(result.query, best_text)
        or other_parties(result.query, best_text)
        or other_pair(result.query, best_text)
    ):
        return someone_else_text(best_text, *swapped), (), True, SAYS_OTHERWISE
    if moved := (
        moved_city(result.query, best_text)
        or moved_country(result.query, scored[0][1].chunk.text)
        or foreign_city(result.query, best_text)
        or moved_route(result.query, best_text)
        or other_mode(result.query, best_text, scored[0][1].chunk.text)
    ):
        return someone_else_text(best_text, *moved), (), True, SAYS_OTHERWISE
    # "Why did Kazakhstan rename a street in Astana after Putin?": a close sentence renames it to
    # “Anadoly”, and none names Putin.
    # A sentence denying the renaming ("none of the Kazakh officials are renaming anything ... in
    # honor of Russian figures") names the question's figure without giving it the street.
    undenied = [c for c in near if not contradicts(assumed, c[4])]
    if renamed := renamed_otherwise(result.query, " ".join(c[4] for c in undenied)):
        told = next(c[4] for c in undenied if renamed_otherwise(result.query, c[4]))
        return someone_else_text(told, *renamed), (), True, SAYS_OTHERWISE
    # "What was Kazakhstan's response to the oil restrictions?": "In response, ... Kazakhstan blocked
    # 1,700 wagons with coal" answers the act told before it, whose goods are the question's.
    responded = _IN_RESPONSE_TO.search(result.query) and _RESPONDS.match(best_text)
    before = _neighbour(scored[0][1], scored[0][2], snapshot, after=False) if responded else None
    held = f"{before[4]} {best_text}" if before else best_text
    if month := moved_month(result.query, best_text) or other_contents(result.query, held):
        return month_text(best_text, *month), (), True, SAYS_OTHERWISE
    if substituted := (
        substituted_name(result.query, best_text)
        or other_place_of(result.query, best_text)
        or other_people(result.query, best_text)
        or other_language(result.query, best_text)
    ):
        return someone_else_text(best_text, *substituted), (), True, SAYS_OTHERWISE
    # "What did Tokayev say in German ...?": the sentences found tell his speech in Kazakh and Russian.
    found = (h.chunk.text for h in result.hits)  # read only for a question of words said in a language
    if spoken := spoken_otherwise(result.query, [c[4] for c in scored[:WHOLE_READ]], found):
        return month_text(*spoken), (), True, SAYS_OTHERWISE
    if pending := outcome_pending(result.query, scored, snapshot):
        return pending_text(*pending), (), True, TOLD_AS_TO_COME
    if told := undated(result.query, scored, untyped_scores):
        return undated_text(told), (), True, NOT_COVERED
    # "Which elite school did he attend?": "After attending an elite school, ..." names none, and
    # so is not among the sentences fit to answer it.
    for best in (scored[0], untyped_scores()[0]) if asks_which_kind(result.query) else ():
        # "We are talking about creating a transport corridor ..." is read with the sentence before,
        # which names it (“On the East-West Trans-Caspian Corridor.”).
        told = _with_lead(best, snapshot, _TALKS_OF)
        if unnamed := left_unnamed(result.query, told):
            return unnamed_text(best[4], unnamed), (), True, NOT_COVERED
    picked = _pick(result.query, scored, snapshot)
    if not asks_where(result.query) and not any(answer_type_fits(result.query, p[4]) for p in picked):
        # "Which Kazakh city will host the next forum?": a sentence kept for the one after it,
        # which the answer did not join, names no city. ("Where ...?" may be answered by a place
        # without a name: "found in the water area".) The best sentence that has it answers when
        # it is close to the best ("When did Putin visit Astana?": "... met on Thursday.").
        fitting = [c for c in close_to_best(scored) if answer_type_fits(result.query, c[4])]
        if not fitting:
            return ABSTAIN_TEXT, (), True, None
        picked = _pick(result.query, fitting, snapshot)
    if year := moved_year(result.query, " ".join(p[4] for p in picked)):
        # "How many tons went through the seaports in 2022?" is not answered by "In 2021, more than
        # 81 million tons were delivered this way. Through seaports – a little more than 13 million."
        told = next(p[4] for p in picked if moved_year(result.query, p[4]))
        return month_text(told, *year), (), True, SAYS_OTHERWISE
    docs = snapshot.manifest.documents
    if dated := day_in_year(result.query, picked[0][4], docs.get(picked[0][1].chunk.doc_id, {}).get("date")):
        # "Which city hosted the Turkic summit in 2022?" against "... on November 3, the 10th summit
        # of the Organization of Turkic States (OTS) was held in Astana" in an article of 2023-11-10.
        return month_text(picked[0][4], *dated), (), True, SAYS_OTHERWISE
    pictured = _Asked.of(result.query).person_tokens
    if _ASKS_PHOTOGRAPHER.search(result.query) and not any(
        _CREDIT.search(c[4]) and pictured <= sentence_tokens(c[4]) for c in scored
    ):
        # "Who took the photo of Macron and Tokayev?": no credit found is for a photo of them.
        return PHOTO_TEXT, (), True, None
    if asks_holder(result.query) and not any(
        _names_someone_else(result.query, p[4]) and names_post(result.query, p[4]) for p in picked
    ):
        # "Who is the editor-in-chief of Orda.kz?" is not answered by a sentence naming no one, nor
        # by one that speaks of no editor-in-chief.
        return HOLDER_TEXT, (), True, None
    owner = owner_place(result.query)
    attribute = place_attribute(result.query) if owner else frozenset()
    if attribute and not any(attribute <= sentence_tokens(p[4]) for p in picked):
        # "What is the official language of Turkmenistan?" is not answered by "Kazakhstan, Kyrgyzstan,
        # Tajikistan, Turkmenistan, Uzbekistan are former republics of the USSR.", which speaks of no language.
        return ABSTAIN_TEXT, (), True, None
    if owner and not any(_of_place(p[1], owner, snapshot) for p in picked):
        # "What is the official language of Uzbekistan?" is not answered by "Russian is the official
        # language in the republic" of a passage that does not name Uzbekistan, in an article about
        # Kazakhstan that names Uzbekistan once. A close sentence of a passage that speaks of the
        # place answers instead ("How did Russian experts react to Toqayev's words in Berlin?": not
        # his words at SPIEF, but Mardan's on "a press conference in Berlin").
        # It must hold a word of the question besides the place's: "Kazakhstan, ..., Uzbekistan are
        # former republics of the USSR" says nothing of "Uzbekistan's official language".
        words = set(lexical_tokens(result.query)) - set(lexical_tokens(owner))
        placed = [
            c
            for c in close_to_best(scored)
            if _of_place(c[1], owner, snapshot) and attribute <= sentence_tokens(c[4]) and words & sentence_tokens(c[4])
        ]
        if not placed:
            return ABSTAIN_TEXT, (), True, None
        picked = _pick(result.query, placed, snapshot)
    who, verbs = why_subject(result.query)
    if who and not any(_tells_of(p, who, verbs, snapshot) for p in picked):
        # "Why did Putin skip the opening of the forum?" is not answered by sentences that speak
        # neither of Putin nor of skipping ("... opening of the forum by the presidents ...").
        return NOT_TOLD_TEXT, (), True, None
    act = act_taken(result.query, assumed)
    if act and not any(tells_act(act, p[1].chunk.text, who) for p in picked):
        # "Why did Zatulin apologise to Kazakhstan?" is not answered by a passage that tells of no
        # apology (his words "They know only too well that ..."): what it takes as done is not in it.
        return ACT_UNTOLD_TEXT, (), True, None
    if unheard := unsaid_words(said_taken(result.query), [p[1].chunk.text for p in picked]):
        # "Why did Scholz describe Kazakhstan as an untrustworthy partner?" is not answered by his
        # words "Kazakhstan is an important partner for us": what it takes as said is not in them.
        return said_untold_text(unheard), (), True, None
    if asks_who_did(result.query) and not any(names_anyone(p[4]) for p in picked):
        # "Who organized the rallies in Alma-Ata?" is not answered by "On March 6, rallies were held in
        # Alma-Ata ...", which names no one.
        return HOLDER_TEXT, (), True, None
    if taken_as_undone(result.query) and not any(says_not(p[4]) for p in picked):
        # "Why did Lavrov refuse to wear the headphones?" is not answered by "Lavrov ... tried to
        # find the headphones": an answer to why something was not done says it was not.
        return UNDONE_TEXT, (), True, None
    speaker = _Asked.of(result.query).person_tokens if asks_words(result.query) else frozenset()
    authored = bool(speaker) and any(speaker & _author_tokens(p[1], docs) for p in picked)
    quoting = any(reports_words(p[4]) or in_quotation(p[1].chunk.text, p[2]) for p in picked)
    if asks_words(result.query) and not authored and not quoting:
        # "What did Tokayev say in Russian at the start of his speech?" is not answered by "Shortly
        # afterwards, Tokayev switched back to Russian.": the answer is someone's words (every sentence
        # of an article is its author's: "What did Kurmanov say ...?"). They may
        # follow the best sentence ("Marat Shibutov in his Telegram channel reflected on the
        # propagandists' logic ... I understand that ..., the political scientist writes."), or the
        # best sentence may be in a paragraph of words that the one before introduces.
        _, hit, start, end, _ = scored[0]
        lead = _paragraph_lead(hit, start, snapshot)
        asked = set(lexical_tokens(result.query))
        if lead and any(" " in n and surname_tokens(n) & asked for n in names_in(lead[4])):
            picked = [(scored[0][0], hit, *lead[2:]), scored[0]]
        else:
            words = next((n for n in _following(hit, end, snapshot, REASON_LOOKAHEAD) if reports_words(n[4])), None)
            # Or a close runner-up gives the words of the one asked about, by name: "What did Putin
            # say the meeting was about?" is closest to "At the meeting with Russian President
            # Vladimir Putin on Thursday, a statement from the Kazakh head of government caused a
            # stir"; "Kremlin chief Putin explained that it was about ..." answers. By the name
            # before "say" only: "What did the Kremlin spokesman say?" asks no words of "Kremlin".
            sayer = sayer_tokens(result.query) & speaker
            # Farther than a runner-up, over the answer floor, when the best sentence gives no one's
            # words: "What did Dmitry Peskov say?" is closest to "... Kremlin spokesman Dmitry Peskov
            # ... tried to find the headphones"; "Putin's press secretary Peskov said that ..." answers.
            theirs = next(
                (
                    c
                    for c in (close_to_best(scored) if reports_words(scored[0][4]) else scored[:PREMISE_READ])
                    if c[0] >= settings.answer_floor and named_before_saying(_TITLE_QUOTED.sub(" ", c[4]), sayer)
                ),
                None,
            )
            if words is None and theirs is None:
                return WORDS_TEXT, (), True, None
            picked = [scored[0], (scored[0][0], hit, *words[2:])] if words else _pick(result.query, [theirs], snapshot)
    if speaker:
        # "What did Bezpalko say about Kazakhstan's gas exports?" is not answered by "..., according to
        # US war experts at the think tank ...", in a passage that names Bezpalko nowhere (the author
        # of an article need not be named in it); such sentences are another's words ("What did
        # Kuantirov say about trade with China?" against Grashchenkov's "... go under China").
        picked = [p for p in picked if speaker & (sentence_tokens(p[1].chunk.text) | _author_tokens(p[1], docs))]
        if not picked:
            return WORDS_TEXT, (), True, None
    # Whose words: the person the question has speak ("What did Recep Erdogan say about Russia at the
    # Turkic summit?": Erdogan, not "Turkic"), else every person it names; an outlet or a body ("What
    # did RIA Novosti say ...?": "RIA Novosti figured out ...") is not held to verbs of saying.
    subjects = (premise_subject(result.query) or lone_subject(result.query)) if speaker else []
    said_by = frozenset(t for n in subjects if not _ABBREVIATION.search(n) for t in sentence_tokens(n))
    if speaker and not subjects:
        said_by = speaker - frozenset(t for w in _ABBREVIATION.findall(result.query) for t in lexical_tokens(w))
    unsaid = bool(said_by) and not any(_gives_words_of(said_by, p, snapshot, docs) for p in picked)
    if unsaid:
        # A close runner-up may give them, by name: "What did Tokayev say about the DPR at SPIEF?" is
        # closest to Turchak's words on "Tokaev's words about the status of the DPR and LPR, uttered
        # the day before at SPIEF"; "... Tokayev ... said that his country would not recognize ..."
        # gives his.
        theirs = next(
            (c for c in close_to_best(scored) if said_by & speaker_tokens(c[4]) and reports_words(c[4])), None
        )
        if theirs is not None:
            picked, unsaid = _pick(result.query, [theirs], snapshot), False
    # What the words found do not speak of is said before that they are not the person's.
    if place := topic_place_missing(result.query, " ".join(dict.fromkeys(p[1].chunk.text for p in picked))):
        # "What did Pritchin say about Kazakhstan's relations with China?" is not answered by a
        # passage of his words that names China nowhere.
        return f"The articles don't say. None of the words found speaks of {place}.", (), True, None
    if topic := topic_missing(result.query, " ".join(p[4] for p in picked)):
        # "What did Chebotarev say about the sanctions regime?" is not answered by his words on
        # Toqayev's position, which speak of no sanctions.
        return f"The articles don't say. None of the words found speaks of {topic}.", (), True, None
    if unsaid:
        return WORDS_TEXT, (), True, None
    # Reading order: passages by rank, sentences by position in the article (a lead-in read from the
    # passage before comes first).
    picked.sort(key=lambda p: (p[1].rank, p[1].chunk.char_start + p[2]))
    numbers: dict[int, int] = {}
    quotes: dict[int, tuple[float, str]] = {}
    parts = []
    for score, hit, _start, _end, text in picked:
        n = numbers.setdefault(hit.chunk.chunk_id, len(numbers) + 1)
        if hit.chunk.chunk_id not in quotes or score > quotes[hit.chunk.chunk_id][0]:
            quotes[hit.chunk.chunk_id] = (score, text)
        parts.append(f"{text} [{n}]")
    hits_by_id = {p[1].chunk.chunk_id: p[1] for p in picked} | {h.chunk.chunk_id: h for h in result.hits}
    citations = tuple(Citation(n=n, hit=hits_by_id[cid], quote=quotes[cid][1]) for cid, n in numbers.items())
    return " ".join(parts), citations, False, None


# "What does the Frontier Post say about sanctions?": who is asked (group 1) and about what (group 2).
_SOURCE_SAYS = re.compile(
    r"^\W*what\s+(?:does|did|do|has|have)\s+(?:the\s+)?(.+?)\s+(?:say|said|write|written|report|reported|tell|told)"
    r"\s+(?:us\s+)?(?:about|on|of)\s+(.+?)\W*$",
    re.I,
)


# "What do the articles say about Sber?": no one source but the articles themselves.
_THE_ARTICLES = re.compile(
    r"(?:(?:these|this|those|that|my|our|your)\s+)?(?:news\s+)?(?:articles?|pieces?|stories|story|texts?|documents?|news)",
    re.I,
)


def _source_said(question: str, snapshot: StoreReader) -> tuple[str, str] | None:
    """(outlet or author, topic) of "What does <outlet or author> say about <topic>?" when the
    outlet or author names one article, or when it is the articles themselves ("What do the
    articles say about Sber?")."""
    m = _SOURCE_SAYS.match(question)
    if not m:
        return None
    # ... or one article by its title: "What does “Diplomatic confusion” say about Sber?"
    named = _THE_ARTICLES.fullmatch(m.group(1)) or title_as_article(m.group(1), snapshot)
    return (m.group(1), m.group(2)) if named or len(sources_named(m.group(1), snapshot)) == 1 else None


def source_topic(question: str, snapshot: StoreReader) -> str | None:
    """ "What about <Y>?" for "What does <outlet or author> say about <Y>?" (`_source_said`): the
    article's sentences on Y answer, and the question's other words are the outlet's ("Orda.kz
    looked into the matter." came closest to "What does Orda.kz say about sanctions?"). Sentences
    are compared with this part too (`score_sentences`, `asked_vector`), and the outlet's words are
    no words a sentence need hold."""
    said = _source_said(question, snapshot)
    return f"What about {said[1]}?" if said else None


def _only(ids: frozenset[str]) -> str | None:
    """The one id of `ids`, or None when there are none or several."""
    return next(iter(ids)) if len(ids) == 1 else None


def article_named(question: str, snapshot: StoreReader) -> str | None:
    """The article a question names by its title's or outlet's words: two or more of them, more
    than any other article has ("the Frontier Post piece", "the article on Putin in Kazakhstan and
    what Russian TV is silent about"), or None."""
    docs = snapshot.manifest.documents
    asked = set(lexical_tokens(question))
    shared = {
        d: len(asked & set(lexical_tokens(f"{m.get('title') or ''} {m.get('source') or ''}"))) for d, m in docs.items()
    }
    ranked = sorted(shared.values(), reverse=True) + [0, 0]
    return max(shared, key=shared.__getitem__) if ranked[0] >= 2 and ranked[0] > ranked[1] else None


def title_as_article(question: str, snapshot: StoreReader) -> tuple[str, str] | None:
    """(the question with "the article" for it, the article's id) when a question names an
    article by its whole title of two or more words, quoted or not: "Who wrote Diplomatic
    confusion?" asks what "Who wrote the article?" asks (`asks_record`). None otherwise."""
    docs = snapshot.manifest.documents
    by_first = per_manifest("title patterns", docs, lambda: _title_patterns(docs))
    for word in dict.fromkeys(re.findall(r"[^\W_]+", question.lower())):
        for doc_id, title in by_first.get(word, ()):
            if title.search(question):
                return title.sub("the article", question, count=1), doc_id
    return None


def _title_patterns(docs: Mapping[str, Mapping[str, Any]]) -> dict[str, list[tuple[str, re.Pattern]]]:
    """Each title of two or more words as a pattern (quoted or not, any punctuation between its
    words), keyed by its first word lowercased: a question is read against the titles its words
    begin, not against every article of an archive."""
    out: dict[str, list[tuple[str, re.Pattern]]] = {}
    for doc_id, meta in docs.items():
        words = re.findall(r"[^\W_]+", meta.get("title") or "")
        if len(words) >= 2:
            title = re.compile(r"[“\"«‘']?\b" + r"[\W_]+".join(map(re.escape, words)) + r"\b[”\"»’']?", re.I)
            out.setdefault(words[0].lower(), []).append((doc_id, title))
    return out


def lead_answer(
    doc_id: str, result: SearchResult, snapshot: StoreReader
) -> tuple[str, tuple[Citation, ...], bool, str | None] | None:
    """The answer to what an article as a whole is about (`asks_gist`): the sentences of its opening
    paragraph (headings passed over, at most `MAX_SENTENCES`), cited with its first passage,
    whether the search found it or not. None when the article has no passage or sentence."""
    meta = snapshot.manifest.documents.get(doc_id, {})
    table = snapshot.sentences
    first = _first_chunk(doc_id, result, snapshot)
    if first is None or table is None:
        return None
    lead: list[str] = []
    end = 0
    for r in table.rows_in(doc_id, first.char_start, first.char_end).tolist():
        a, b = int(table.starts[r]) - first.char_start, int(table.ends[r]) - first.char_start
        text = first.text[a:b]
        if lead and ("\n" in first.text[end:a] or is_heading(text)):
            break  # the opening paragraph ends
        end = b
        if not is_heading(text) and len(text.split()) >= 4:
            lead.append(" ".join(text.split()))
        if len(lead) == MAX_SENTENCES:
            break
    if not lead:
        return None
    text = f"{_titled(meta, doc_id)} opens: {' '.join(lead)} [1]"
    return text, (Citation(n=1, hit=_as_hit(first, meta), quote=" ".join(lead)),), False, LEAD


def _first_chunk(doc_id: str, result: SearchResult, snapshot: StoreReader):
    """The article's first passage, found or not (all its passages are listed by a search among
    them), or None when it has none or the search has no vector."""
    n = int(snapshot.manifest.documents.get(doc_id, {}).get("chunks") or 0)
    if not n or result.query_vector is None:
        return None
    chunks = snapshot.chunks([int(i) for i in snapshot.search_dense(result.query_vector, n, docs=[doc_id])[0]])
    return min(chunks.values(), key=lambda c: c.char_start) if chunks else None


def _as_hit(chunk, meta: Mapping[str, Any]) -> Hit:
    """A passage cited without being found by the search (scored 0)."""
    return Hit(chunk=chunk, score=0.0, rank=1, doc_title=meta.get("title") or chunk.doc_id,
               doc_path=meta.get("path", ""), doc_date=str(meta.get("date") or ""))  # fmt: skip


def _titled(meta: Mapping[str, Any], doc_id: str) -> str:
    """An article as an answer names it: “title” (outlet, date)."""
    about = ", ".join(str(meta[k]) for k in ("source", "date") if meta.get(k))
    return f"“{meta.get('title') or doc_id}”{f' ({about})' if about else ''}"


COLLECTION_LISTED = 10  # articles an answer about the collection lists, newest first


def collection_answer(
    result: SearchResult, snapshot: StoreReader
) -> tuple[str, tuple[Citation, ...], bool, str | None]:
    """The answer to a question about the collection itself (`asks_collection`): how many
    articles there are and, newest first, up to `COLLECTION_LISTED` of them, each cited with its
    first passage."""
    docs = snapshot.manifest.documents
    order = sorted(docs, key=lambda d: (str(docs[d].get("date") or ""), d), reverse=True)
    parts, citations = [], []
    for doc_id in order[:COLLECTION_LISTED]:
        if (first := _first_chunk(doc_id, result, snapshot)) is not None:
            n = len(citations) + 1
            parts.append(f"{_titled(docs[doc_id], doc_id)} [{n}]")
            citations.append(Citation(n=n, hit=_as_hit(first, docs[doc_id]), quote=first.text.strip().splitlines()[0]))
    more = f"; and {len(order) - len(parts)} more" if len(order) > len(parts) else ""
    kind = "article" if len(order) == 1 else "articles"
    return f"There are {len(order)} {kind}: {'; '.join(parts)}{more}.", tuple(citations), False, COLLECTION


def mentioning_answer(topic: str, snapshot: StoreReader) -> tuple[str, tuple[Citation, ...], bool, str | None] | None:
    """The answer to "Which articles mention <topic>?" (`asks_articles_mentioning`): the articles
    with a sentence holding every word of the topic, each cited with the first such sentence;
    None when no passage holds them all (the question is then answered as any other)."""
    table = snapshot.sentences
    words = set(lexical_tokens(topic))
    chunks = snapshot.chunks(sorted(chunks_mentioning(topic, snapshot, every_word=True))) if words else {}
    docs = snapshot.manifest.documents
    firsts: dict[str, tuple] = {}  # each article's first sentence holding the topic, as (chunk, sentence)
    for c in sorted(chunks.values(), key=lambda c: (c.doc_id, c.char_start)):
        if c.doc_id in firsts or table is None:
            continue
        for r in table.rows_in(c.doc_id, c.char_start, c.char_end).tolist():
            sentence = c.text[int(table.starts[r]) - c.char_start : int(table.ends[r]) - c.char_start]
            if words <= sentence_tokens(sentence):
                firsts[c.doc_id] = (c, " ".join(sentence.split()))
                break
    if not firsts:
        return None
    listed = list(firsts.items())[:COLLECTION_LISTED]
    parts = [f"{_titled(docs.get(d, {}), d)} [{n}]" for n, (d, _) in enumerate(listed, 1)]
    if len(firsts) > len(listed):
        parts.append(f"{len(firsts) - len(listed)} more")
    citations = tuple(
        Citation(n=n, hit=_as_hit(c, docs.get(d, {})), quote=q) for n, (d, (c, q)) in enumerate(listed, 1)
    )
    named = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"{named} {'mentions' if len(firsts) == 1 else 'mention'} {topic}.", citations, False, COLLECTION


def _author_asked(
    result: SearchResult, snapshot: StoreReader
) -> tuple[str, tuple[Citation, ...], bool, str | None] | None:
    """The answer to "Who is <name>?" or "What did <name> write about?" when the name is an
    article's author's (by surname) and no passage names them: what they wrote, by the articles'
    bylines (cleaned out of the passages), cited with the first passage found of each. None
    otherwise, or when none of those articles' passages was found to cite."""
    question = result.query
    wrote = bool(_WHAT_NAME_WROTE.match(question))
    if not wrote and not WHO_IS_NAME.match(question):
        return None
    docs = snapshot.manifest.documents
    by_surname = docs_by_surname(docs)
    asked = set(lexical_tokens(question))
    surnames = [t for t in asked if t in by_surname]
    if len(surnames) != 1 or chunks_mentioning(surnames[0], snapshot):
        return None
    # "Who is Kurmanov?" and "Who is Ainur Kurmanov?", not "Who is Marat Kurmanov?"
    name = asked - set(
        lexical_tokens("who is was what which article articles piece pieces stories did has have write written about")
    )
    ids = {d for d in by_surname[surnames[0]] if name <= set(lexical_tokens(docs[d].get("author") or ""))}
    firsts: dict = {}  # each article's first passage found, by article id
    for h in sorted((*result.hits, *result.nearest), key=lambda h: (h.chunk.doc_id, h.chunk.char_start)):
        if h.chunk.doc_id in ids:
            firsts.setdefault(h.chunk.doc_id, h)
    if not firsts:
        return None
    author = docs[next(iter(firsts))]["author"]
    parts, citations = [], []
    for n, (d, hit) in enumerate(firsts.items(), 1):
        meta = docs[d]
        outlet = f", {meta['source']}" if meta.get("source") else ""
        dated = f", {meta['date']}" if meta.get("date") else ""
        parts.append(f"“{meta.get('title') or d}” ({(outlet + dated)[2:] or 'no outlet given'}) [{n}]")
        citations.append(Citation(n=n, hit=hit, quote=hit.chunk.text.strip().splitlines()[0]))
    by = "by its byline" if len(parts) == 1 else "by their bylines"
    text = (
        f"{author} wrote {' and '.join(parts)}, {by}."
        if wrote
        else f"{author} is the author of {' and '.join(parts)}, {by}; the articles say nothing else about {author}."
    )
    return text, tuple(citations), False, BYLINE


def byline_answer(
    doc_id: str, result: SearchResult, snapshot: StoreReader, asked: str = "author"
) -> tuple[str, tuple[Citation, ...], bool, str | None] | None:
    """The answer to a question about an article's own record (`asks_record`): who wrote it
    ("Who wrote the article about ...?"), when it was published or which outlet published it.
    Headers are cleaned out of the passages, so it comes from the article's record, cited with the
    article's first passage among those found or nearest; an abstention when the record has no
    such entry; None when the search brought none of its passages to cite."""
    meta = snapshot.manifest.documents.get(doc_id, {})
    title = meta.get("title") or doc_id
    found = [h for h in (*result.hits, *result.nearest) if h.chunk.doc_id == doc_id]
    if not found:
        return None
    key, missing = {"date": ("date", "no date"), "outlet": ("source", "no outlet")}.get(asked, ("author", "no author"))
    if not meta.get(key):
        return f"The article “{title}” gives {missing}.", (), True, NOT_COVERED
    hit = min(found, key=lambda h: h.chunk.char_start)
    outlet = f" ({meta['source']})" if meta.get("source") else ""
    quote = hit.chunk.text.strip().splitlines()[0]
    if asked == "date":
        text = f"“{title}”{outlet} is dated {meta['date']}, by its header. [1]"
    elif asked == "outlet":
        dated = f" ({meta['date']})" if meta.get("date") else ""
        text = f"“{title}”{dated} was published by {meta['source']}, by its header. [1]"
    else:
        text = f"“{title}”{outlet} is by {meta['author']}, by its byline. [1]"
    return text, (Citation(n=1, hit=hit, quote=quote),), False, BYLINE


# A sentence that gives a reason: "because", "since", "due to", "the pretext ...", "citing", ...
_GIVES_REASON = re.compile(
    r"\b(because|since|due to|owing to|as a result|caused by|pretext|(?<!some )(?<!unknown )reason|in order to|so as to|citing|"
    r"explained|justif\w+|on the grounds|based on|on the basis)\b",
    re.I,
)


def _pick(question: str, scored: list, snapshot: StoreReader) -> list:
    """The best sentence, close runners-up, and for each the neighbour it leans on (`_complement`)."""
    picked: list = []

    def add(item, limit: int = MAX_SENTENCES) -> None:
        if item and addresses_assistant(item[4]):
            return  # a neighbour that addresses the assistant is not read on to
        if item and len(picked) < limit and not any(item[4] == p[4] for p in picked):
            picked.append(item)

    # The best sentence and what it leans on come before runners-up. A runner-up from another
    # passage costs a citation, so it must come closer, and none joins when the best sentence
    # already gives the person, name, date or quantity asked for.
    best, best_chunk = scored[0][0], scored[0][1].chunk.chunk_id
    complete = _typed_answer(question, scored[0][4])

    def close(c) -> bool:
        if c[1].chunk.chunk_id != best_chunk:
            return not complete and c[0] >= best - OTHER_PASSAGE_MARGIN
        return c[0] >= best - RUNNER_UP_MARGIN

    # A heading does not join as a runner-up ("When did Putin and Tokayev meet?": "... met on
    # Thursday." is not followed by "Meeting between Putin and Tokayev: Prime Minister begins ..."),
    # unless it names someone in full: a lead-in without its full stop ("Kazakhstani political
    # scientist Marat Shibutov in his Telegram channel reflected on the propagandists' logic").
    # Nor does a sentence telling of the question's peoples and places swapped (`swapped_places`).
    candidates = [
        scored[0],
        *(c for c in scored[1:] if close(c) and not _plain_heading(c[4]) and not swapped_places(question, c[4])),
    ][:MAX_SENTENCES]
    if asks_comparison(question):
        # "Which figure is higher?", "Do the two articles agree?": the best sentence of another
        # article within the margin answers with it, before other runners-up.
        docs = {c[1].chunk.doc_id for c in candidates}
        second = next((c for c in scored if c[1].chunk.doc_id not in docs and c[0] >= best - RUNNER_UP_MARGIN), None)
        if second:
            candidates = [candidates[0], second, *candidates[1 : MAX_SENTENCES - 1]]
    for cand in candidates:
        add(cand)
        neighbour = _complement(question, *cand[1:], snapshot)
        if neighbour:
            # The reason, person or quantity asked for joins its sentence even one past the limit:
            # a runner-up's "In any case, relations will need to be rebuilt." needs its "based on ...".
            extra = _carries_asked(question, neighbour[4]) or _reason_before(question, cand[4], cand[2], neighbour[2])
            add((cand[0], *neighbour[1:]), MAX_SENTENCES + extra)  # its hit: maybe the passage before
    return picked


def _plain_heading(sentence: str) -> bool:
    """A heading (`is_heading`) naming no one by a name of two or more words."""
    return is_heading(sentence) and not _people_named(sentence)


# "Therefore, his statements are always neutral.": the sentence before says why. Not "Thus", which
# the translated articles also use for "for instance" ("Thus, Konstantin Zatulin ... stated:").
_CONSEQUENCE = re.compile(r"^\W*(therefore|hence|consequently|that is why|this is why|which is why)\b", re.I)


def _gives_words_of(speaker: frozenset[str], picked: tuple, snapshot: StoreReader, docs) -> bool:
    """Whether a picked sentence gives the words of someone named by `speaker` (tokens): they wrote
    its article, or it, the sentence after it or one of the `QUOTE_LOOKBACK` before it reports
    words (`reports_words`) and names them, or gives them to "he", "the expert", "the Chancellor"
    (a passage that names them: see the caller). "What did Tokayev say in his interview with
    Kommersant?" is not answered by "So, according to Kommersant, the shipment of oil ... has
    already been limited", nor "What did Putin say in Kazakh?" by Tokayev's speech."""
    _, hit, start, end, text = picked
    if speaker & _author_tokens(hit, docs):
        return True
    if text.rstrip().endswith(":"):
        return False  # a lead-in gives no words itself: "Network analyst Anatoly Nesmiyan rightly notes:"
    after = _neighbour(hit, end, snapshot, after=True)
    # The sentence after counts when it ends on who spoke ("... We need to inform him, Mardan said."),
    # not when it is the lead-in of the next words ("Network analyst Anatoly Nesmiyan rightly notes:").
    ends_words = after and not after[4].rstrip().endswith(":")
    window = (
        [(n[2], n[4]) for n in _following(hit, start, snapshot, QUOTE_LOOKBACK, after=False)]
        + [(start, text)]
        + ([(after[2], after[4])] if ends_words else [])
    )

    article: list = []

    def theirs(at: int) -> bool:
        # "He recalled that ..." gives the words of the last person named in full before it in its
        # article ("Marat Shibutov ... reflected on ..."), not of another its passage names ("...
        # with Putin to hug"). The article is read once, and only for such a sentence.
        if not article:
            article.append(snapshot.document(hit.chunk.doc_id))
        doc = article[0]
        told = doc.text[: hit.chunk.char_start + at] if doc else hit.chunk.text[:at]
        before = _people_named(told[-SPEAKER_READ:])
        return not before or bool(speaker & sentence_tokens(before[-1]))

    return any(
        reports_words(s)
        and (speaker & speaker_tokens(s) or (unnamed_speaker(s) or _HE_SAID.match(s) or _said_the(s)) and theirs(at))
        for at, s in window
    )


# A short quotation is a title, whose names speak no words: Mardan "during “Soloviev Live"".
_TITLE_QUOTED = re.compile(r"[“\"«](?:[^”\"»\s]+\s+){0,3}[^”\"»\s]+[”\"»]")


def speaker_tokens(sentence: str) -> frozenset[str]:
    """The tokens of a sentence outside its titles in quotation marks, of which one who speaks in
    it may be named: "Sergei Mardan during “Soloviev Live", ... called ..." gives Mardan's words,
    not Soloviev's.

    >>> sorted(speaker_tokens('Mardan during “Soloviev Live", discussing it, called it “indecent”.'))
    ['cal', 'discus', 'dure', 'mardan']
    """
    return sentence_tokens(_TITLE_QUOTED.sub(" ", sentence))


def _said_the(sentence: str) -> bool:
    """A quotation its end gives to "the <title>": "“Kazakhstan is an important partner ...,” said
    the Chancellor at the time." (not "... to “Anadoly”, announced the opening of a park")."""
    return sentence.lstrip()[:1] in _OPENING_MARKS and bool(_SAID_THE.search(sentence))


_ABBREVIATION = re.compile(r"\b[A-Z]{2,}\b")  # "RIA Novosti", "the OTS": an outlet's or a body's name

# "He recalled that ...": words given to the one named before.
# "He said ...", and "He dubbed the matter “...”": naming something in quotes is saying it.
_HE_SAID = re.compile(rf"\s*(?:he|she)\s+(?:\w+ly\s+)?(?:{SPEAKING}|dubbed|labell?ed|called|described)\b", re.I)


def _author_tokens(hit: Hit, docs: Mapping[str, Mapping[str, Any]]) -> frozenset[str]:
    """The tokens of the name of a passage's article's author, and of its outlet's words longer
    than two letters ("What does Orda.kz say about sanctions?": the article is the outlet's words)."""
    meta = docs.get(hit.chunk.doc_id, {})
    outlet = frozenset(t for t in sentence_tokens(str(meta.get("source") or "")) if len(t) > 2)
    return sentence_tokens(str(meta.get("author", ""))) | outlet


def _of_place(hit: Hit, place: str, snapshot: StoreReader) -> bool:
    """Whether a passage can speak of the place a question asks something of: it names it (or its
    other names), or its article names it `OWNER_MENTIONS` times or more, so that a passage may
    call it "the republic"."""
    names = place_names(place)
    held = sentence_tokens(hit.chunk.text)
    if any(set(lexical_tokens(n)) <= held for n in names if lexical_tokens(n)):
        return True
    doc = snapshot.document(hit.chunk.doc_id)
    text = doc.text if doc else ""
    return sum(len(re.findall(rf"\b{re.escape(n)}", text)) for n in names) >= OWNER_MENTIONS


def _tells_of(picked, who: frozenset[str], verbs: tuple[str, ...], snapshot: StoreReader) -> bool:
    """`tells_of` for a picked sentence, read with the sentence before it, which may name the one
    it calls "the head of government" or "he" ("Tokayev’s speech during Putin’s recent visit ...
    In his speech ..., the head of government ... decided to speak Kazakh"); a quotation is the
    words of someone its lead-in names."""
    _, hit, start, _, text = picked
    if tells_of(text, who, verbs) or in_quotation(hit.chunk.text, start):
        return True
    before = _neighbour(hit, start, snapshot, after=False)
    return before is not None and tells_of(before[4], who, ())


def _reason_before(question: str, text: str, start: int, neighbour_start: int) -> bool:
    """Whether the neighbour is the reason a "why" question asks for: the sentence just before one
    that opens with a consequence ("He takes into account that his words will be parsed to pieces.
    Therefore, his statements are always neutral.").

    >>> _reason_before("Why are his statements neutral?", "Therefore, his statements are neutral.", 40, 0)
    True
    >>> _reason_before("Why are his statements neutral?", "Therefore, his statements are neutral.", 40, 80)
    False
    """
    return neighbour_start < start and asks_reason(question) and bool(_CONSEQUENCE.match(text))


_LEADS_BACK = re.compile(
    r"^\W*(he|she|they|it|this|these|those|his|her|their|therefore|thus|hence|so|that is why|this is why|under it|then)\b",
    re.I,
)
# An "it" that points ahead, not back: "It is also no coincidence that ...", "It should be recalled
# here that ...", "It would have been easy for ... to ...".
_IT_AHEAD = re.compile(
    r"^\W*it\s+(?:is|was|would|should|could|might|may|must|will|seems|seemed|appears)\b(?:\s+[\w-]+){0,3}?\s+"
    r"(?:clear|possible|interesting|coincidence|doubtful|decent|easy|recalled|noted|known|important|necessary|"
    r"likely|unlikely|obvious|true|worth|noteworthy|hard|difficult|said|reported|believed)\b",
    re.I,
)


def _leads_back(sentence: str) -> bool:
    """Whether a sentence opens by referring to the one before (`_LEADS_BACK`), not ahead (`_IT_AHEAD`).

    >>> _leads_back("Under it six thousand signatures."), _leads_back("It is also no coincidence that it began.")
    (True, False)
    """
    return bool(_LEADS_BACK.match(sentence)) and not _IT_AHEAD.match(sentence)


# "We are talking about creating a transport corridor ...": what the sentence before named (“On the
# East-West Trans-Caspian Corridor.”), which a question for its name needs.
_TALKS_OF = re.compile(r"^\W*(?:we\s+are\s+talking\s+about|that\s+is\s+to\s+say)\b", re.I)


QUOTE_READ = 4  # sentences of a quotation read for the one that answers
SPEAKER_READ = 2000  # characters read back for the last person named before "he said"


def _complement(question: str, hit: Hit, start: int, end: int, text: str, snapshot: StoreReader):
    """The sentence next to a picked one that carries what the question asks and it lacks: for a
    lead-in ending in ':', the sentence of the quotation it opens that holds most of the question
    (the first, if none holds more); the reason, person or quantity the question asks for
    (`_asked_neighbour`); what a sentence opening with "He", "This" or "Therefore" refers back to;
    the next sentence, when it refers back to a short one (`SHORT_LEAD_WORDS`); or else the next
    sentence when it holds much of the question that the picked one does not (`_adds_question_words`:
    "... the EAEU before the end of the year. Islam Kuraev believes ...")."""
    after = _neighbour(hit, end, snapshot, after=True)
    if text.rstrip().endswith(":"):
        # The sentence of the quotation it opens that holds most of the question (by the words'
        # weights): "Pritchin explained: “... a very experienced diplomat. ... Therefore, his
        # statements are always or almost always neutral.”" for "What does Pritchin say about
        # Tokayev's statements?".
        quoted = [n for n in _following(hit, end, snapshot, QUOTE_READ) if in_quotation(hit.chunk.text, n[2])]
        asked = set(lexical_tokens(question)) - _SAYING_TOKENS  # "What did Zatulin say?": the first
        idf = snapshot.idf(asked)
        return max(quoted, key=lambda n: _lexical_overlap(asked, sentence_tokens(n[4]), idf), default=after)
    found = _asked_neighbour(question, hit, start, end, text, snapshot)
    if found:
        return found
    if (_leads_back(text) and not describes_asked(question, text)) or (_TALKS_OF.match(text) and asks_name(question)):
        # What it refers back to is said, not an editor's aside cut short ("– Approx. Ed.).").
        # Not for who someone is, when the sentence says it: "This was also noted by Russian
        # political scientist Nikita Mendkovich, ..." answers "Who is Nikita Mendkovich?" alone.
        back = _following(hit, start, snapshot, 2, after=False)
        return next((b for b in back if len(b[4].split()) >= 4), back[0] if back else None)
    if lead := _quoted_persons_lead(question, hit, start, text, snapshot):
        return lead
    if after and asks_words(question) and _their_quotation_next(question, text, after[4]):
        # "What did Scholz say about Kazakhstan?": "At a meeting between Tokayev and Chancellor Olaf
        # Scholz ..., the two countries emphasized ..." is followed by his words: "“Kazakhstan is an
        # important partner for us ...,” said the Chancellor at the time."
        return after
    if after and _leads_back(after[4]) and len(text.split()) <= SHORT_LEAD_WORDS:
        # "Russian political scientists and journalists have put forward new accusations against
        # Kazakhstan. This time around they expressed dissatisfaction with ...": a short sentence
        # whose next one refers back to it announces what that one tells.
        return after
    # A photo's caption with its credit is no part of what the sentence before tells.
    return (
        after
        if after and not _CREDIT.search(after[4]) and _adds_question_words(question, text, after[4], snapshot)
        else None
    )


# The end of a quotation given to someone by a title, the verb first: "...,” said the Chancellor."
_SAID_THE = re.compile(rf"[”\"]\s*,?\s*{SPEAKING}\s+the\s+(?:[\w-]+\s+){{0,2}}?([\w-]+)\b", re.I)


def _their_quotation_next(question: str, text: str, after: str) -> bool:
    """Whether `after` is a quotation its end gives to "the <title>" (`_SAID_THE`) by which `text`,
    naming someone the question names, calls them ("Chancellor Olaf Scholz" ... "said the
    Chancellor"): the words of the one a "What did X say?" question asks about.

    >>> q = "What did Scholz say about Kazakhstan?"
    >>> text = "At a meeting between Tokayev and Chancellor Olaf Scholz in September, they emphasized it."
    >>> _their_quotation_next(q, text, "“Kazakhstan is an important partner,” said the Chancellor at the time.")
    True
    >>> _their_quotation_next(q, text, "“Kazakhstan is an important partner,” said the minister.")
    False

    Or `after` gives "he" or "she" words, and the last person `text` names is the one asked about:
    "Viktor Shatskikh’s statements ... were just as tactless. He dubbed the matter “...”".

    >>> text = "Viktor Shatskikh’s statements in relation to Kazakhstan turned out to be just as tactless."
    >>> after = "He dubbed the matter “the five Central Asian Cats twitching their tails.”"
    >>> _their_quotation_next("What did Shatskikh say?", text, after), _their_quotation_next("What did Mardan say?", text, after)
    (True, False)
    """
    asked = set(lexical_tokens(question))
    if _HE_SAID.match(after) and reports_words(after):
        named = _people_named(text)
        return bool(named) and bool(surname_tokens(named[-1]) & asked)
    said = _SAID_THE.search(after)
    if not said or not after.lstrip().startswith(("“", '"')):
        return False
    title = re.escape(said.group(1))
    return any(
        surname_tokens(name) & asked and re.search(rf"\b{title}\s+{re.escape(name)}", text, re.I)
        for name in names_in(text)
    )


_INSTEAD = re.compile(r"\binstead\s+of\b", re.I)


def _asked_neighbour(question: str, hit: Hit, start: int, end: int, text: str, snapshot: StoreReader):
    """The neighbour with what the question asks for and the picked sentence lacks: the reason of a
    "why" question (one of the next sentences with "because", "pretext", "since" ..., else the one
    before a "Therefore ...", else the words of the one it asks about: `_own_words`), the person of
    a "who" question (next to it, or the lead-in naming the speaker of a quotation: `_speaker`), the
    quantity of a "how many" one."""
    before = _neighbour(hit, start, snapshot, after=False)
    after = _neighbour(hit, end, snapshot, after=True)
    # "Besides seeing it as a provocation, how ...?": "... a “provocation” ... Others saw it as ...";
    # "Which company will build it instead of Sber?": "... refused to cooperate with the Russian
    # company Sber ... it was decided with NIT JSC to make a platform on its own".
    instead = _INSTEAD.search(question)
    adds = after and (adds_another(after[4]) or instead and new_names(after[4], frozenset(lexical_tokens(question))))
    if adds and says_set_aside(question, text):
        return after
    if after and examples_wanted(question, text, after[4]):
        return after  # "What household appliances ...?": "... household appliances ... Devices such as washing machines ..."
    if after and _IF_NOT_ASKED.search(question) and _IF.search(text) and _OTHERWISE.match(after[4]):
        # "What happens if there is no friendship?": "... if we have friendship, ..., then no
        # territorial issues are raised. And if not, then everything is possible."
        return after
    if asks_reason(question) and before and _RESPONDS.match(text):
        # "Why did Kazakhstan block Russian coal wagons?": "In response, ... Kazakhstan blocked 1,700
        # wagons ..." answers what the sentence before tells ("... the shipment of oil ... has already
        # been limited").
        return before
    if asks_reason(question) and not _GIVES_REASON.search(text):
        # "... limited. And this is the main route. The pretext chosen for this step ...: since 50 mines ..."
        # Of the same paragraph: "... semiconductors that Russia urgently needs for weapons
        # production." gives no reason by these words, and the next paragraph's "in order to make us
        # more independent of Russian energy supplies" is Scholz's, on another matter. Unless the
        # sentence introduces someone's words, which a translation gives as the next paragraph
        # ("Bogdan Bezpalko ... labeled Toqayev's words ... | ... Obviously, such statements are made
        # in order to demonstrate loyalty to the West.").
        introduces = bool(_WORDS_NAMED.search(text) and names_in(text))
        ahead = [
            n
            for n in _following(hit, end, snapshot, REASON_LOOKAHEAD)
            if _GIVES_REASON.search(n[4]) and (introduces or "\n" not in hit.chunk.text[end : n[2]])
        ]
        # The nearest, unless a later one holds more of the question's words ("... due to geography,
        # it is locked in ... Obviously, such statements are made in order to ...").
        asked = set(lexical_tokens(question))
        reason = max(ahead, key=lambda n: len(asked & sentence_tokens(n[4])), default=None)
        return reason or (before if _leads_back(text) else None) or _own_words(question, hit, end, snapshot)
    if _IN_RESPONSE_TO.search(question) and not _RESPONDS.match(text):
        # "What did Kazakhstan do in response to the limit on oil shipments?": the sentence on the
        # limit scores best; the response is told after it ("In response, ... Kazakhstan blocked ...").
        found = next((n for n in _following(hit, end, snapshot, REASON_LOOKAHEAD) if _RESPONDS.match(n[4])), None)
        if found:
            return found
    if asks_who(question) and not WHO_IS_NAME.match(question) and not _names_someone_else(question, text):
        if _HE_SAID.match(text) or unnamed_speaker(text):
            # "..., the expert believes.": who that is is told before it, not by the next sentence's
            # name ("Political scientist Andrey Chebotarev notes that ...").
            return _speaker(question, hit, start, end, text, snapshot)
        found = next((n for n in (before, after) if n and _names_someone_else(question, n[4])), None)
        return found or _speaker(question, hit, start, end, text, snapshot)
    if asks_quantity(question) and not _gives_quantity(question, text):
        return next((n for n in (after, before) if n and _gives_quantity(question, n[4])), None)
    return None


# A question about what follows if something is not so ("if there is no friendship"), and the
# sentence after one telling what follows if it is, opening on the other case: "And if not, ...",
# "Otherwise ...".
_IF_NOT_ASKED = re.compile(r"\b(?:if|unless)\b[^?]*\b(?:no|not|never|without)\b", re.I)
_IF = re.compile(r"\bif\b", re.I)
_OTHERWISE = re.compile(r"^\W*(?:(?:and|but)\s+)?(?:if\s+not|otherwise|or\s+else|else)\b", re.I)


_NAME = r"(?-i:[A-Z])[\w’'-]*(?:\s+(?-i:[A-Z])[\w’'-]*){0,3}"
# "What did Ivan Zubov write about?", "Which articles has Zubov written?"
_WHAT_NAME_WROTE = re.compile(
    rf"^\W*(?:what|which\s+(?:articles?|pieces?|stories))\s+(?:did|has|have)\s+{_NAME}\s+(?:write|written)"
    r"(?:\s+about)?\s*\?\s*$",
    re.I,
)


def _quoted_persons_lead(question: str, hit: Hit, start: int, text: str, snapshot: StoreReader):
    """For a sentence of a quotation that names none of the people whose words the question may ask
    for (`_Asked.speakers`): the lead-in of its quotation (`quotation_lead_in`), when that names one
    of them ("What does Pritchin say about Tokayev's statements?": "Stanislav Pritchin ...
    explained:" for "Therefore, his statements are always or almost always neutral.")."""
    persons = _Asked.of(question).speakers
    if not persons or sentence_tokens(text) & persons:
        return None
    back = _following(hit, start, snapshot, QUOTE_LOOKBACK, after=False)[::-1]
    lead = quotation_lead_in(hit.chunk.text, [(n[2], n[4]) for n in back] + [(start, text)], len(back))
    return back[lead] if lead is not None and sentence_tokens(back[lead][4]) & persons else None


# "... in response to the limit?", "... in retaliation for ...", "How did Kazakhstan respond to the
# limit?", "What was its reaction to ...?": asks what answered an act.
_IN_RESPONSE_TO = re.compile(
    r"\bin\s+(?:response|reply|retaliation|return)\s+(?:to|for)\b|"
    r"\b(?:respond(?:ed|s)?|react(?:ed|s)?|retaliat(?:e|ed|es)|repl(?:y|ied|ies)|response|reaction)\s+(?:to|for|against)\b",
    re.I,
)
# A sentence telling what answered the act told before it.
_RESPONDS = re.compile(r"^\W*(?:in\s+(?:response|reply|retaliation|return)\b|in\s+turn\b)", re.I)


def _own_words(question: str, hit: Hit, end: int, snapshot: StoreReader):
    """For a "why" question about someone, when no reason follows the best sentence: the first
    statement of the quotation after it that ends on that person's name ("... called Toqayev's
    behavior “indecent". | Is Kazakhstan really teaching Russia ...? It is not very decent to discuss
    our affairs with our enemies. ... We need to inform him, Mardan said."). A rhetorical question
    gives no reason, and a quotation that ends on someone the question does not name is not theirs."""
    ahead = _following(hit, end, snapshot, OWN_WORDS_LOOKAHEAD)
    asked = set(lexical_tokens(question))
    for i, n in enumerate(ahead):
        said = _SAID_BY.search(n[4])
        if said and surname_tokens(said.group(1)) & asked:
            return next((s for s in ahead[: i + 1] if not s[4].rstrip(_CLOSERS + " ").endswith("?")), None)
    return None


def _carries_asked(question: str, sentence: str) -> bool:
    """Whether the sentence holds what the question asks for: a reason, a person or a quantity."""
    if asks_reason(question):
        return bool(_GIVES_REASON.search(sentence))
    if asks_who(question):
        return _names_someone_else(question, sentence)
    return asks_quantity(question) and _gives_quantity(question, sentence)


def _typed_answer(question: str, sentence: str) -> bool:
    """Whether the question asks for a person, a name, a date or a quantity (`answer_type_check`,
    `counts_asked`), and the sentence gives it."""
    if asks_who(question):
        return _names_someone_else(question, sentence)
    if asks_name(question) or asks_date(question) or asks_quantity(question):
        return answer_type_check(question)(sentence) and counts_asked(question, sentence)
    return False


def _speaker(question: str, hit: Hit, start: int, end: int, text: str, snapshot: StoreReader):
    """For a sentence of a quotation: the lead-in before it that names who speaks, a sentence ending
    in ':' at most `QUOTE_LOOKBACK` sentences back ("Thus, Konstantin Zatulin, ..., stated:"); or,
    when the quotation ends in this sentence or one of the next two on a speaker it does not name
    ("...,” the expert emphasized."), the nearest of those sentences back that names someone the
    question does not ("This was also noted by Russian political scientist Nikita Mendkovich, ...");
    or, for "who said ...?", the last sentence of the paragraph before this one's, when it names
    someone the question does not and says what he said: translations drop the quotation marks of a
    paragraph of someone's words ("Bogdan Bezpalko ... labeled Toqayev's words ... | Kazakhstan
    obviously wants ... But due to geography, it is locked in by Russia ..."); or, for a sentence
    giving the words of "he" or "the expert" ("He recalled that ...", "..., the expert believes."),
    the nearest sentence back that names someone in full, in its passage or the passage before
    (`_passage_before`), when the question does not name them; none when a sentence on the way
    names by one word someone the article names in full ("... the words of Tokaev")."""
    unnamed: bool | None = None  # read the quotation's end only when a sentence back names someone
    lead = _paragraph_lead(hit, start, snapshot, QUOTE_LOOKBACK) if asks_who_said(question) else None
    if lead and _names_someone_else(question, lead[4]):
        return lead
    pos = start
    for _ in range(QUOTE_LOOKBACK):
        before = _neighbour(hit, pos, snapshot, after=False)
        if before is None:
            break
        names = _names_someone_else(question, before[4])
        if before[4].rstrip().endswith(":"):
            return before if names else None
        if names and unnamed is None:
            ahead = _following(hit, end, snapshot, 2)
            unnamed = any(unnamed_speaker(s) for s in [text, *(n[4] for n in ahead)])
        if names and unnamed:
            return before
        pos = before[2]
    if _HE_SAID.match(text) or unnamed_speaker(text):
        # "He recalled that ...", "..., the expert believes." are the words of the last person named
        # in full before them ("Kazakhstani political scientist Marat Shibutov ... reflected on
        # ..."), in their passage or the one before it, when the question does not name them.
        back = _following(hit, start, snapshot, PARAGRAPH_LOOKBACK, after=False)
        surnames: set[str] | None = None  # of the people the article names in full, read once
        for before in [*back, *_passage_before(hit, snapshot, PARAGRAPH_LOOKBACK - len(back))]:
            if _people_named(before[4]):
                return before if _names_someone_else(question, before[4]) else None
            if surnames is None:
                doc = snapshot.document(hit.chunk.doc_id)
                surnames = {lexical_tokens(n)[-1] for n in _people_named(doc.text if doc else hit.chunk.text)}
            if surnames & set(lexical_tokens(" ".join(names_in(before[4])))):
                return None  # "Fuel to the fire was added by the words of Tokaev": "he" is him
    return None


def _passage_before(hit: Hit, snapshot: StoreReader, n: int) -> list:
    """Up to n sentences of the article's passage right before the hit's (the one ending where the
    hit's starts, or overlapping it) that lie before the hit's passage, nearest first, each as a
    neighbour of that passage (a hit of the same rank, scored 0)."""
    c = hit.chunk
    prev = snapshot.chunks([c.chunk_id - 1]).get(c.chunk_id - 1) if n > 0 and c.chunk_id > 0 else None
    if prev is None or prev.doc_id != c.doc_id or not prev.char_start < c.char_start <= prev.char_end + 4:
        return []  # chunk ids need not follow an article's order after an update
    table = snapshot.sentences
    rows = table.rows_in(c.doc_id, prev.char_start, min(prev.char_end, c.char_start))
    shown = Hit(
        chunk=prev, score=0.0, rank=hit.rank, doc_title=hit.doc_title, doc_path=hit.doc_path, doc_date=hit.doc_date
    )
    out = []
    for r in reversed(rows.tolist()[-n:]):
        a, b = int(table.starts[r]) - prev.char_start, int(table.ends[r]) - prev.char_start
        out.append((0.0, shown, a, b, prev.text[a:b]))
    return out


# A sentence that names whose words follow: "... labeled Toqayev's words ...", "..., he said in an interview".
_WORDS_NAMED = re.compile(rf"\b(?:{SPEAKING}|label\w*|call\w*|dubbed|propos\w*|words?|statements?)\b", re.I)
PARAGRAPH_LOOKBACK = 10  # sentences of a paragraph of someone's words read back to the paragraph before it
LEAD_SENTENCES = 2  # ... whose last sentence introduces them only in a paragraph of this many sentences at most


def _paragraph_lead(hit: Hit, start: int, snapshot: StoreReader, reach: int = PARAGRAPH_LOOKBACK):
    """The last sentence of the paragraph before the one of the sentence at `start`, at most `reach`
    sentences back, when it speaks of someone's words (`_WORDS_NAMED`): translations drop the
    quotation marks of a paragraph of someone's words, which the sentence before it introduces
    ("Andrey Perla proposed to “reassess” relations ... | Toqayev is a product of 35 years of Western
    propaganda. ... And former provinces are no more than former provinces.")."""
    pos = start
    for _ in range(reach):
        before = _neighbour(hit, pos, snapshot, after=False)
        if before is None:
            return None
        if "\n" in hit.chunk.text[before[3] : pos]:
            words = _WORDS_NAMED.search(before[4]) and names_in(before[4])
            return before if words and _short_paragraph(hit, before[2], snapshot) else None
        pos = before[2]
    return None


def _short_paragraph(hit: Hit, start: int, snapshot: StoreReader) -> bool:
    """Whether the sentence at `start` ends a paragraph of at most `LEAD_SENTENCES` sentences: one
    that introduces the words of the next (a long one tells a story: "The relationship between
    Russia and Kazakhstan has many facets. ... Back in 2013, Vladimir Putin ... claimed that ...")."""
    pos = start
    for _ in range(LEAD_SENTENCES):
        before = _neighbour(hit, pos, snapshot, after=False)
        if before is None:  # the passage starts here: a paragraph only if the article does
            return hit.chunk.char_start == 0
        if "\n" in hit.chunk.text[before[3] : pos]:
            return True
        pos = before[2]
    return False


def in_quotation(passage: str, start: int) -> bool:
    """Whether the sentence at `start` of the passage is part of a quotation: it opens one, or one
    opened before it is not closed yet ("“..." or «...»; straight quotes by their count).

    >>> text = 'Zatulin stated: “They know it. If we have friendship, all is fine.” He left.'
    >>> [in_quotation(text, text.index(s)) for s in ("Zatulin", "They", "If we", "He left")]
    [False, True, True, False]
    """
    if passage[start:].lstrip()[:1] in ("“", "«", '"'):
        return True
    before = passage[:start]
    curly = before.count("“") + before.count("«") - before.count("”") - before.count("»")
    return curly > 0 or before.count('"') % 2 == 1


def _quoted_unnamed(question: str, hit: Hit, start: int, end: int, text: str, snapshot: StoreReader) -> bool:
    """Whether the sentence is part of a quotation that names no one the question does not, and
    a sentence before it names who speaks (`_speaker`): it answers "who said ...?" with that one."""
    if _names_someone_else(question, text) or not (in_quotation(hit.chunk.text, start) or unnamed_speaker(text)):
        return False
    speaker = _speaker(question, hit, start, end, text, snapshot)
    return speaker is not None and described_otherwise(question, speaker[4]) is None


def _adds_question_words(question: str, sentence: str, neighbour: str, snapshot: StoreReader) -> bool:
    """Whether the neighbour adds at least `QUESTION_WORDS_ADDED` of the question's words (weighted
    by rarity) to those the sentence holds: the answer goes on in the next sentence."""
    q_tokens = set(lexical_tokens(question))
    idf = snapshot.idf(q_tokens)
    held = sentence_tokens(sentence)
    with_next = held | sentence_tokens(neighbour)
    gain = _lexical_overlap(q_tokens, with_next, idf) - _lexical_overlap(q_tokens, held, idf)
    return gain >= QUESTION_WORDS_ADDED


def _people_named(text: str) -> list[str]:
    """The names of two or more words in `text` that are not a place's ("the Russian Federation",
    "New York"): people named in full, in order."""
    return [n for n in names_in(text) if " " in n and not place_aliases(n) and not is_city(n)]


def _names_someone_else(question: str, sentence: str) -> bool:
    """Whether the sentence names a person (`_people_named`, or by one word after their role:
    `named_by_role`) the question does not. A place run into the name is not the person's:
    "President of Kazakhstan Kassym-Jomart Tokayev" names someone "Who is the president of
    Kazakhstan?" does not."""
    asked = set(lexical_tokens(question))
    return any(
        not set(lexical_tokens(" ".join(w for w in n.split() if not place_aliases(w)) or n)) & asked
        for n in (*_people_named(sentence), *named_by_role(sentence))
    )


def _gives_quantity(question: str, sentence: str) -> bool:
    """Whether the sentence holds a quantity that answers the question (`has_quantity`: the 6 of
    "On March 6, rallies were held" is a date) and that the question does not already state."""
    return has_quantity(sentence, question) and bool(_new_quantities(question, sentence))


def _new_quantities(question: str, sentence: str) -> set[float]:
    """Numbers of the sentence (in digits or words) that the question does not already state."""
    return set(quantities(sentence)) - set(quantities(question))


def _following(hit: Hit, pos: int, snapshot: StoreReader, n: int, after: bool = True) -> list:
    """Up to n sentences of the hit's passage that start at or after position `pos` (or, not
    `after`, that end at or before it), nearest first."""
    out = []
    while len(out) < n and (nxt := _neighbour(hit, pos, snapshot, after=after)):
        out.append(nxt)
        pos = nxt[3] if after else nxt[2]
    return out


def _neighbour(hit: Hit, pos: int, snapshot: StoreReader, after: bool):
    """The sentence right after (or before) position `pos` of the hit's passage, if inside it."""
    c = hit.chunk
    table = snapshot.sentences
    rows = table.rows_in(c.doc_id, c.char_start, c.char_end)
    spans = [(int(table.starts[r]) - c.char_start, int(table.ends[r]) - c.char_start) for r in rows]
    candidates = [sp for sp in spans if sp[0] >= pos] if after else [sp for sp in spans if sp[1] <= pos]
    if not candidates:
        return None
    s, e = candidates[0] if after else candidates[-1]
    return (0.0, hit, s, e, c.text[s:e])


# ---------------------------------------------------------------- the entry points


def stream_answer(
    question: str,
    settings: Settings,
    snapshot: StoreReader,
    *,
    embedder: Embedder,
    history: list[tuple[str, str]] | None = None,
    k: int | None = None,
    retrieval_mode: str | None = None,
    answer_mode: str | None = None,
    filters: Filters | None = None,
) -> Iterator[str | Answer]:
    """Answer a question, yielding LLM text pieces as they stream, then the final Answer.

    Args:
        snapshot, embedder: the index and the model that built it (`Engine.stream` passes its own).
        history: earlier (question, answer) turns of the chat, oldest first.
        answer_mode: "extractive" (default without an LLM) or "llm" (default with one).
        filters: answer only from the articles they let through (date, outlet, author).
    Raises:
        BadQuestion: the question is empty.
    """
    t0 = time.perf_counter()
    mode = _answer_mode(answer_mode, settings)
    cleaned, notes = clean_question(question, settings.max_question_chars)
    text = cleaned
    if direct := direct_question(text):  # "Can you tell me why X left?" takes it, as "Why did X leave?" does
        text, notes = direct, notes + (f"Read as “{direct}”.",)
    # A slip in a lowercase word is read as the word the articles use ("langauges": "languages"),
    # and a question typed without capitals with the articles' capitals ("tokayev", "Tokayev").
    asked = article_followup(text, history, snapshot) or elliptic_followup(text, history)
    query, slips = respelled(asked or retrieval_query(text, history), snapshot)
    if asked:
        notes += (f"Read as “{asked}”, after the last turn.",)  # "Who wrote it?", "And Kuantirov?"
    if slips:
        notes += (respelled_note(slips),)
    query = spelled_as_written(truecased(query, snapshot), snapshot)
    # "What position does Askar Zhambakin hold?" asks who he is; "position" and "hold" are the
    # articles' words for other things ("Kazakhstan's position").
    query = role_asked(query) or query
    if asks_words(query) and (held := post_holder(query, snapshot)):
        # "What did the German chancellor say?" asks for the words of the one the articles call so
        # ("German Chancellor Olaf Scholz"), not for those of whoever spoke beside him.
        query = re.sub(rf"\bthe\s+{re.escape(held[0])}", held[1], query, count=1)
        notes += (post_note(*held),)
    # A city the articles call otherwise is read in their name too ("Almaty": "Alma-Ata").
    cities = cities_written_otherwise(query, snapshot)
    result = search(query, settings, snapshot, embedder=embedder, k=k, mode=retrieval_mode, filters=filters)
    notes += result.notes
    timings = dict(result.timings_ms)
    t = time.perf_counter()
    # "Macron visited Astana before Putin. Which minister hunted for headphones?": sentences are
    # also compared with the asking part alone, else the one on Putin's visit wins.
    asked_alone = (standalone_ask(query) or source_topic(query, snapshot)) if result.hits else None
    asked_vector = embedder.embed_query(asked_alone) if asked_alone else None
    extract_text, citations, abstained, refused = extractive_answer(
        query, result, snapshot, settings, cities, asked_vector
    )
    if abstained and refused is None and (bridge := bridging_names(query, result, snapshot, settings)):
        # Nothing found has the kind of answer asked for, but the closest sentence names someone
        # or something the question does not ("the press conference with the German chancellor":
        # Olaf Scholz): searched again with those names, another article may have it ("At a
        # meeting between Tokayev and Chancellor Olaf Scholz in September").
        wider = search(f"{query} {' '.join(bridge)}", settings, snapshot, embedder=embedder, k=k,
                       mode=retrieval_mode, filters=filters)  # fmt: skip
        wider = replace(wider, query=query, query_vector=result.query_vector, notes=result.notes)
        answered = extractive_answer(query, wider, snapshot, settings, cities, asked_vector)
        if not answered[2]:
            extract_text, citations, abstained, refused = answered
            result = wider
            notes += (bridged_note(bridge),)
    if not abstained and (told := told_premise(query)):
        # "How did Tokayev react when Putin started his speech in Kazakh?" takes it that Putin did:
        # asked as "Why did Putin start his speech in Kazakh?", the articles give it to Tokayev.
        # So do "After Tokayev accepted the order, what did Peskov say?" and "Who convinced Tokayev
        # to recognise the DPR?" ("he refused ...", "would not recognize ...").
        found = search(told, settings, snapshot, embedder=embedder, k=k, mode=retrieval_mode, filters=filters)
        denied = extractive_answer(told, found, snapshot, settings)
        if denied[3] in (SAYS_OTHERWISE, TOLD_AS_TO_COME):
            extract_text, citations, abstained, refused = denied
    timings["answer_ms"] = _ms(t)
    if not abstained and settings.premise_model and (claim := hypothesis(query)):
        # "Why was the CPC pipeline blown up?" against "... damaged by a storm": an NLI model, when
        # one is configured, reads whether the cited sentences bear out what the question takes as done.
        t = time.perf_counter()
        doubt = load_premise_model(settings.premise_model).doubt(cited_text(extract_text), claim)
        timings["premise_ms"] = _ms(t)
        if doubt >= settings.premise_threshold:
            extract_text = unborne_text(citations[0].quote if citations else cited_text(extract_text), doubt)
            citations, abstained, refused = (), True, UNBORNE
    unsupported: tuple[str, ...] = ()
    answer_text = extract_text
    written_by = "extractive"  # `Answer.mode` says who wrote the answer, not only what was asked for
    # An LLM is not asked what the articles do not cover: it would answer from passages on other
    # things (the population of Kazakhstan for Mongolia's), and the check would find them supported.
    # Nor a question the articles contradict ("Why did Tokayev recognise the DPR?"): it would
    # explain the premise, and its sentences on the topic could pass the check. Nor who wrote an
    # article: the byline is not in the passages it reads.
    if mode == "llm" and refused:
        notes += (f"The LLM was not asked: {refused}.",)
    elif mode == "llm" and result.hits:
        from rag.answer.llm import generate_checked

        t = time.perf_counter()
        try:
            checked = yield from generate_checked(text, result, snapshot, settings, embedder, history)
        except LLMError as exc:
            notes += (f"The LLM could not answer ({exc}); showing the extractive answer.",)
        else:
            notes += checked.notes
            if checked.use_extractive:
                notes += (
                    "Most of the generated answer was not supported by the passages; showing the extractive answer.",
                )
            else:
                answer_text, citations, abstained, unsupported = (
                    checked.text, checked.citations, checked.abstained, checked.unsupported
                )  # fmt: skip
                written_by = "llm"
        timings["llm_ms"] = _ms(t)
    if spelled := tuple((a, w) for a, w in cities if not abstained and w in answer_text):
        notes += (cities_note(spelled),)  # said where the answer quotes the articles' name
    if not abstained and (spread := spread_note(c.hit.doc_date for c in citations)):
        notes += (spread,)  # an answer drawn from articles years apart says when each was written
    if not abstained and (act := act_unfound(query, (c.chunk.text for c in citations))):
        # "Why was the CPC pipeline blown up?" answered with "... damaged by a storm": the reader is
        # told that no passage cited says "blown", which may be the same act in other words or not.
        notes += (act_unfound_note(act),)
    timings["total_ms"] = _ms(t0)
    hits = result.hits if not abstained or result.hits else result.nearest
    yield Answer(
        question=cleaned, text=answer_text, citations=citations, abstained=abstained, timings_ms=timings,
        hits=hits, mode=written_by, notes=notes, unsupported=unsupported,
    )  # fmt: skip


def _answer_mode(answer_mode: str | None, settings: Settings) -> str:
    """The answer mode asked for, or the default (llm when one is configured); ConfigError if unusable."""
    mode = answer_mode or ("llm" if settings.llm_enabled else "extractive")
    if mode not in ANSWER_MODES:
        raise ConfigError(f"answer mode must be one of {', '.join(ANSWER_MODES)}; got {mode!r}")
    if mode == "llm" and not settings.llm_enabled:
        raise ConfigError("no LLM is configured; set RAG_LLM_BASE_URL (and RAG_LLM_MODEL) or use the extractive mode")
    return mode


def answer_question(
    question: str,
    settings: Settings,
    snapshot: StoreReader,
    *,
    on_token: Callable[[str], None] | None = None,
    **kwargs: Any,
) -> Answer:
    """Like `stream_answer`, but returns the final Answer (LLM pieces go to `on_token`)."""
    for item in stream_answer(question, settings, snapshot, **kwargs):
        if isinstance(item, Answer):
            return item
        if on_token:
            on_token(item)
    raise RuntimeError("stream_answer ended without an answer")  # pragma: no cover


def _ms(t: float) -> float:
    return round((time.perf_counter() - t) * 1000, 3)
