"""The LLM citation check with the real MiniLM embedder: what a model might write about the seed
articles, from verbatim to subtly wrong. The "model" is the answer text itself (a stub: no
server, no network); what is under test is the check that decides which sentences the cited
passage supports."""

from __future__ import annotations

import pytest

from rag.answer.llm import check_citations
from rag.search.retrieve import search

# (claim, a sentence of the passage it cites)
SUPPORTED = [
    # verbatim
    (
        "In response, just a few hours after that, Kazakhstan blocked 1,700 wagons with coal belonging to Russia "
        "on its territory.",
        "Kazakhstan blocked 1,700 wagons",
    ),
    (
        "Andrey Turchak sharply criticized his fellow party member.",
        "sharply criticized his fellow party member",
    ),
    # faithful paraphrases
    ("Kazakhstan held up 1,700 railway wagons of Russian coal in response.", "Kazakhstan blocked 1,700 wagons"),
    (
        "Tokayev said his country would not recognise the independence of the DPR and LPR.",
        "would not recognize the independence of the Donbass republics",
    ),
    (
        "According to various sources, between three and five thousand people attended.",
        "from three to five thousand people came",
    ),
]
NEAR_MISSES = [
    # wrong number
    ("In response, Kazakhstan blocked 2,500 wagons with coal belonging to Russia.", "Kazakhstan blocked 1,700 wagons"),
    # wrong name
    (
        "Sergei Lavrov sharply criticized his fellow party member.",
        "sharply criticized his fellow party member",
    ),
    # negation
    (
        "Tokayev said his country would recognize the independence of the Donbass republics of the DPR and LPR.",
        "would not recognize the independence of the Donbass republics",
    ),
    (
        "Kazakhstan has goods that fall under the sanctions restrictions and trades them.",
        "Kazakhstan does not have goods that fall under the sanctions restrictions",
    ),
]


def _check(claim: str, evidence: str, settings, snapshot, embedder):
    """Retrieve passages for the claim, cite the one holding `evidence` as [n], and check."""
    hits = search(claim, settings, snapshot, embedder=embedder, k=5, floor=-1.0).hits
    n = next((h.rank for h in hits if evidence in h.chunk.text), None)
    assert n is not None, f"no retrieved passage holds {evidence!r}"
    return check_citations(f"{claim} [{n}]", hits, snapshot, embedder)


@pytest.mark.slow
@pytest.mark.parametrize("claim,evidence", SUPPORTED)
def test_supported_claims_pass(claim, evidence, seed_index, real_embedder):
    settings, snapshot = seed_index
    checked = _check(claim, evidence, settings, snapshot, real_embedder)
    assert checked.unsupported == () and not checked.use_extractive, checked
    assert checked.citations and checked.citations[0].supported


@pytest.mark.slow
@pytest.mark.parametrize("claim,evidence", NEAR_MISSES)
def test_near_misses_are_flagged(claim, evidence, seed_index, real_embedder):
    settings, snapshot = seed_index
    checked = _check(claim, evidence, settings, snapshot, real_embedder)
    assert checked.unsupported == (claim.rstrip(),) or checked.unsupported == (claim,), checked
    assert checked.use_extractive  # one sentence of one: most of the answer is unsupported
