"""Time-aware answers with the real model on the seed articles (astana 2022-06-20; politnavigator
and the meeting 2023-11-10; frontier and orda undated)."""

from __future__ import annotations

import pytest

from rag.answer.extractive import answer_question

pytestmark = pytest.mark.slow

NEW = {"politnavigator-putin-in-kazakhstan.txt", "putin-and-tokayev-meet-speech-in-kazakh.txt"}


def test_a_named_year_brings_that_years_article_to_the_answer(seed_index, real_embedder):
    settings, snap = seed_index
    question = "What was Tokayev's message about sanctions in 2023?"
    on = answer_question(question, settings, snap, embedder=real_embedder, k=5)
    off = answer_question(question, settings.replace(time_boost=0.0), snap, embedder=real_embedder, k=5)
    # Without the boost no passage of 2023 is among the first five, so the year is "not mentioned".
    assert off.abstained and off.text.startswith("The articles don't mention 2023.")
    assert not on.abstained and "lift sanctions on Russian products" in on.text
    lift = next(c for c in on.citations if "lift sanctions" in c.quote)
    assert lift.chunk.doc_id in NEW and lift.hit.doc_date == "2023-11-10"
    assert "Passages from articles published in 2023 were preferred." in on.notes


def test_an_answer_from_articles_years_apart_says_so(seed_index, real_embedder):
    # The Kazakh reply to the oil limits (2022) is read on to the Novorossiysk route (2023). ("What did
    # Tokayev say at SPIEF in the summer of 2022?" was the example until its answer kept to 2022.)
    settings, snap = seed_index
    answer = answer_question(
        "what did kazakhstan do in response to the oil restrictions", settings, snap, embedder=real_embedder
    )
    assert {c.hit.doc_date for c in answer.citations} == {"2022-06-20", "2023-11-10"}
    assert "These passages are from articles published 2022-06-20 and 2023-11-10." in answer.notes
    assert "These passages" not in answer.text  # a note beside the answer; the answer stays quotes


def test_an_answer_from_one_time_has_no_such_note(seed_index, real_embedder):
    settings, snap = seed_index
    answer = answer_question("How many wagons of coal did Kazakhstan block?", settings, snap, embedder=real_embedder)
    assert [c.hit.doc_date for c in answer.citations] == ["2022-06-20"]
    assert not any(n.startswith("These passages") for n in answer.notes)
