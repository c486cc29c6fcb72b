"""How the extractive answerer reads a question and a sentence: the kind of answer asked for
(a year, a date, a quantity in a unit), and which lines are headings rather than answers."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from rag.answer import extractive
from rag.answer.extractive import _complement, after_the_articles, is_heading
from rag.answer.question import (
    answer_type_fits,
    asks_date,
    asks_name,
    asks_outcome,
    asks_reason,
    asks_who,
    contradicts,
    dates_in,
    favoured,
    has_quantity,
    premise_question,
    premise_verbs,
)
from rag.config import Settings
from rag.engine import Engine
from rag.index.manifest import Manifest
from rag.search.retrieve import search


@pytest.mark.parametrize(
    ("question", "sentence", "fits"),
    [("In which year did Toqayev become president?", "On November 3, the summit was held.", False),
     ("In which year did Toqayev become president?", "He became president in 2019.", True),
     ("What year was the census?", "The census counted 647,732 people.", False),
     ("When was the summit held?", "On November 3, the summit was held.", True),
     ("On what date was it adopted?", "It was adopted on 12.11.2023.", True),
     ("On what exact date was it adopted?", "It was adopted after long talks.", False),
     ("In which month did they meet?", "They met in September.", True),
     ("In which month did they meet?", "They may meet again; troops march on.", False),
     ("When did they meet?", "In May they met.", True),
     ("What figure did Toqayev give for trade with Russia?", "Trade reached $25 billion.", True),
     ("What figure did Toqayev give for trade with Russia?", "He is a product of 35 years of propaganda.", False),
     ("How long did the talks last?", "They lasted three days.", True),
     ("How long is the border?", "On the one hand, he praised the border.", False),
     ("How long is the border?", "Since 70 % of all goods go through Russia.", False),  # no length or span
     ("How long is the border?", "The border is 7,644 km long.", True),
     ("How many members are on trial?", "Three days before the visit, a trial began.", False),
     ("How many members are on trial?", "Twelve members and three lawyers are on trial.", True),
     ("How many days did the blockade last?", "It lasted three days.", True),
     ("How long, in kilometres, is the border?", "The border is 7,644 miles long.", False),
     ("How long, in kilometres, is the border?", "The border is 7,644 km long.", True),
     ("For how long did Kazakhstan chair it?", "Kazakhstan became the chairman for a year.", True),
     ("What share of the population is Russian?", "Russians are almost 20% of the population.", True),
     ("Who chaired it?", "Anything at all.", True),
     ("How many coal-fired power plants will be built?",
      "The two countries signed a memorandum on several coal-fired power plants.", False),
     ("How many old sea mines were found near the terminal?", "Since 50 mines from the war were found.", True),
     ("How many people signed the petition?", "Under it six thousand signatures.", True),
     ("How many Russian troops were sent in?", "Three and a half million Russians live there.", False),
     ("How many days before the visit did the trial begin?", "Three days before the visit, a trial began.", True),
     ("Which Russian newspaper reported the limits?", "So, according to Kommersant, oil was limited.", True),
     ("To which newspaper did Tokayev give an interview?", "He gave one to the Russian Izvestia.", True),
     ("On which TV channel did Tokaev give the interview?", "In an interview, Tokayev praised the CSTO.", True),
     ("On which TV channel did Tokayev give the interview?", "In an interview, Tokayev praised the army.", False),
     ("What is the name of the agent the Security Committee arrested?",
      "The National Security Committee reports the arrest of an agent.", False),
     ("What was the street called before it was renamed?", "The street was renamed last year.", False),
     ("Roughly what size was the crowd at the protests?", "From three to five thousand people came.", True),
     ("What was the total value of the agreements?", "They signed deals worth 2 billion euros.", True),
     ("What was the total value of the agreements?", "A plan for the next three years and two plants.", False),
     ("In which two cities were the summits held?", "He attended the summits in New York and Berlin.", True),
     ("Which five languages does Tokayev speak?", "Tokayev often speaks to his people in Kazakh and Russian.", False),
     # a language as spoken, not one the question names, nor "his native language" or a people
     ("In which language did he greet the Russian guests?", "He greeted the Russian guests in his native language.", False),
     ("In which language did he greet the Russian guests?", "He decided to speak Kazakh instead of Russian.", True),
     ("In which language did he greet the Russian guests?", "Soon the Kazakh president switched back to Russian.", False),
     ("Having opened in Kazakh, which language did he switch to?", "Soon he switched back to Russian.", True),
     ("Having opened in Kazakh, which language did he switch to?", "He opened in Kazakh, said Peskov.", False),
     # a common word capitalized names no company; a body is an institution
     ("Which company will build the plant?", "Plants will be built in the Republic of Kazakhstan.", False),
     ("Which bodies are responsible for foreign policy?",
      "Foreign policy is the responsibility of the president and the Russian Foreign Ministry.", True),
     # a channel, a company or a party is no place or people
     ("Andrey Perla comments for which TV channel?", "Andrey Perla proposed it after Russia's victory in Ukraine.", False),
     ("Andrey Perla comments for which TV channel?", "The political observer of the Tsargrad TV channel agreed.", True),
     # a capacity is measured in a unit, not counted
     ("What total generating capacity will the plants have?", "The memorandum of the two countries covers several plants.", False),
     ("What total generating capacity will the plants have?", "The plants will have 1,200 megawatts.", True),
     # a first or full name is more than a surname
     ("The spokesman denied it. What is his full name?", "Press secretary Peskov said so.", False),
     ("The spokesman denied it — what's his first name?", "Kremlin spokesman Dmitry Peskov looked on.", True)],
)  # fmt: skip
def test_answer_type_fits(question, sentence, fits):
    assert answer_type_fits(question, sentence) is fits


@pytest.mark.parametrize(
    ("asks", "question", "expected"),
    [(asks_who, "Who criticized Zatulin's remarks?", True),
     (asks_who, "Which Russian political scientist called Astana the main transit point?", True),
     (asks_who, "Which Tsargrad commentator wants relations reassessed?", True),
     (asks_who, "Which vice minister explained the decision?", True),
     (asks_who, "Which aide to the president spoke to Euractiv?", True),
     (asks_who, "Which senior United Russia figure slapped down Zatulin?", True),
     (asks_who, "The piece quotes an expert on sanctions. Who is that expert?", True),
     (asks_who, "In the PolitNavigator column, who is quoted as saying trade will go on?", True),
     (asks_who, "What did the expert, who spoke on TV, say about trade?", False),
     (asks_who, "Andrey Perla, who wants relations reassessed, works for which TV channel?", False),
     (asks_who, "The chancellor called Kazakhstan a partner. What is his name?", True),
     (asks_who, "The Kremlin press guy who denied it — what's his first name?", True),
     (asks_who, "Which United Russia MP hinted at territorial issues?", True),
     (asks_who, "Which Moscow academic called Tokayev a seasoned diplomat?", True),
     (asks_who, "wait who was the guy saying tokayev is a really experienced diplomat?", True),
     (asks_date, "When did Putin visit Astana?", True),
     (asks_date, "When Putin's delegation sat down in Astana, what language did Tokayev open in?", False),
     (asks_who, "ok but who said it", True),
     (asks_who, "What is the name of the street?", False),
     (asks_who, "Which country won the World Cup?", False),
     (asks_who, "Which Russian state news agency described the talks?", False),
     (asks_who, "What did the analyst say?", False),
     (asks_reason, "Why did Kazakhstan limit oil shipments?", True),
     (asks_reason, "What reason was given for the limits?", True),
     (asks_reason, "What prompted the limits on oil shipments?", True),
     (asks_reason, "What explanation did Kommersant give?", True),
     (asks_reason, "What led Kazakhstan to drop Sber?", True),
     (asks_reason, "What was behind the decision?", True),
     (asks_reason, "What did the prompt say?", False),
     (asks_reason, "Who was behind the plot?", False),
     (asks_reason, "What did Tokayev say?", False),
     (asks_name, "Which Russian state news agency described the talks?", True),
     (asks_name, "In which city will they meet again?", True),
     (asks_name, "Andrey Perla works as a political observer for which TV channel?", True),
     (asks_name, "The channel for which he works praised which minister?", False),
     (asks_name, "What is the name of the arrested agent?", True),
     (asks_name, "What was the street called before?", True),
     (asks_name, "Which goods are not affected by the bans?", False),
     (asks_name, "On which sides is Kazakhstan locked in?", False),
     (asks_name, "Which Kazakh minister spoke of trade?", False)],
)  # fmt: skip
def test_what_kind_of_answer_a_question_asks_for(asks, question, expected):
    """A person ("which" and up to three words before a person noun), a reason, or the name of a
    thing ("which" and up to three words before a noun for something named: not "which goods")."""
    assert asks(question) is expected


def test_a_quantity_is_not_a_date():
    assert not has_quantity("On March 6, 2022, rallies were held.", "How many people came?")
    assert has_quantity("From three to five thousand people came.", "How many people came?")


@pytest.mark.parametrize(
    ("sentence", "heading"),
    [("Meeting between Putin and Tokayev: Prime Minister begins speech in Kazakh", True),
     ("President Qasym-Jomart Toqayev and the Chancellor Olaf Scholz, photo: Akorda", True),
     ("Putin with Tokayev on Thursday. © IMAGO/Pavel Bednyakov", True),
     ("Network analyst Anatoly Nesmiyan rightly notes:", False),
     ("Tokayev switched back to Russian.", False),
     ("“We will comply with the sanctions.”", False),
     ("Is Kazakhstan really teaching Russia?", False),
     ("As for trade, last year it reached $25 billion, Toqayev said", False),
     ("What Tokayev's speech says – and what it doesn't – about Russia", True)],
)  # fmt: skip
def test_headings_and_captions(sentence, heading):
    assert is_heading(sentence) is heading


def _found(*dated_ids: str):
    """Hits of articles with these ids, and a snapshot whose manifest dates them (None: undated)."""
    docs = {"a": {"date": "2023-11-10"}, "b": {"date": "2022-06-20"}, "c": {"date": None}}
    text = "Putin and Tokayev will meet again in Minsk on November 23rd."
    hits = tuple(SimpleNamespace(chunk=SimpleNamespace(doc_id=d, text=text)) for d in dated_ids)
    return hits, SimpleNamespace(manifest=Manifest({}, {}, documents=docs))


@pytest.mark.parametrize(
    ("question", "ids", "late"),
    [("What did they agree on at the summit on November 23, 2023?", ("a", "b"), ("November 23, 2023", "2023-11-10")),
     ("What did Tokayev say at the summit in July 2024?", ("c", "b"), ("July 2024", "2022-06-20")),
     ("What did they agree on November 9, 2023?", ("a",), None),
     ("Where were they due to meet on November 23, 2023?", ("a",), None),
     ("What will they sign in 2024?", ("a",), None),
     ("What did they agree on November 23, 2023?", ("c",), None),
     ("What did they agree on at the summit?", ("a",), None),
     # No year: the articles' last year; the passage speaks of November 23 only as planned.
     ("What did they sign in Minsk on November 23?", ("a", "b"), ("November 23", "2023-11-10")),
     ("What did they sign in Minsk on November 3?", ("a", "b"), None),
     # The end of a year: its last days, after articles of November; not after those of June 2022.
     ("How many signatures did the petition have by the end of 2023?", ("a",), ("the end of 2023", "2023-11-10")),
     ("How many signatures did the petition have by the end of 2022?", ("a",), None)],
)  # fmt: skip
def test_questions_about_days_after_the_articles(question, ids, late):
    assert after_the_articles(question, *_found(*ids)) == late


def test_dates_in_questions():
    assert dates_in("on 3rd March 2022, and in 2021") == [
        (date(2022, 3, 3), "3rd March 2022"),
        (date(2021, 1, 1), "2021"),
    ]
    assert dates_in("February 30, 2023 or 647,732 people") == []


ARTICLE = """Union talk in Astana

On March 6, rallies were held in the capital. According to various sources, from three to five thousand \
people came. The police made no arrests.

Officials in Astana met on Monday to discuss trade with the union. In the Kazakh media, the opinion \
is increasingly heard that the republic will leave the union before the end of the year. Islam Kuraev \
believes that this is hardly possible. Weather in the capital was mild all week.

Oil shipments through the port grew for years. So, according to Kommersant, the shipment of oil through \
the port has already been limited. And this is the main route for oil. The pretext chosen for this step \
sounds strange, since 50 mines were reportedly found in the harbour. Traders were surprised.

The reaction in Moscow was mixed. Thus, Konstantin Zatulin, a deputy of the Duma, stated:

“They know that these regions had little to do with the republic. If we have friendship, then no \
territorial issues are raised. And if not, then everything is possible.”

This was also noted by the economist Nikita Mendkovich. He pointed to the profits of local firms.

“Astana remains the main transit point for goods. Trade will continue,” the expert emphasized.

Bezpalko labeled the words a wish to please the West. The republic wants to diversify its policy. But \
due to geography, it is locked in by its neighbour. Obviously, such statements are made in order to show \
loyalty to the West.
"""


@pytest.fixture
def tiny(tmp_path, fake_embedder):
    """An index of one short article (fake embedder), and a function giving the (hit, start, end,
    text) of one of its sentences."""
    (tmp_path / "tiny").mkdir()
    (tmp_path / "tiny" / "union.txt").write_text(ARTICLE, encoding="utf-8")
    settings = Settings(corpus_dir=tmp_path / "tiny", index_dir=tmp_path / "tiny-index")
    engine = Engine(settings, fake_embedder)
    engine.ingest()
    snap = engine.snapshot()

    def sentence(text: str):
        hits = search(text, settings, snap, embedder=fake_embedder, k=5, floor=-1.0).hits
        hit = next(h for h in hits if text in h.chunk.text)
        start = hit.chunk.text.index(text)
        return hit, start, start + len(text), text

    return snap, sentence


def test_the_next_sentence_joins_when_it_holds_the_rest_of_the_question(tiny):
    snap, sentence = tiny
    best = sentence("In the Kazakh media, the opinion is increasingly heard that the republic will leave the union "
                    "before the end of the year.")  # fmt: skip
    joined = _complement("How likely does Islam Kuraev consider an exit from the union?", *best, snap)
    assert joined[4] == "Islam Kuraev believes that this is hardly possible."
    assert _complement("How likely is an exit from the union before the end of the year?", *best, snap) is None


def test_a_why_question_reads_on_to_the_reason_before_looking_back(tiny):
    snap, sentence = tiny
    best = sentence("So, according to Kommersant, the shipment of oil through the port has already been limited.")
    reason = _complement("Why was the shipment of oil through the port limited?", *best, snap)
    assert reason[4].startswith("The pretext chosen for this step sounds strange, since 50 mines")
    # Asked something else, a sentence that leads back ("So, ...") takes the one before it.
    back = _complement("Has the shipment of oil through the port been limited?", *best, snap)
    assert back[4] == "Oil shipments through the port grew for years."


def test_the_reason_read_on_to_is_the_one_holding_more_of_the_question(tiny):
    """Of the reasons in the next three sentences, the one that holds more of the question's words
    ("statements"), not merely the nearest ("due to geography"); "trying to achieve" asks a reason."""
    snap, sentence = tiny
    best = sentence("Bezpalko labeled the words a wish to please the West.")
    reason = _complement("What is the republic trying to achieve with such statements?", *best, snap)
    assert reason[4] == "Obviously, such statements are made in order to show loyalty to the West."


def test_a_quantity_question_reads_on_past_a_date_to_the_number(tiny):
    snap, sentence = tiny
    best = sentence("On March 6, rallies were held in the capital.")  # its 6 is a day, not the crowd
    size = _complement("Roughly how big was the crowd at the rally in early March?", *best, snap)
    assert size[4] == "According to various sources, from three to five thousand people came."


@pytest.mark.parametrize(
    ("quoted", "question", "speaker", "naming_the_speaker"),
    [  # the lead-in ending in ':' that names the speaker
     ("If we have friendship, then no territorial issues are raised.",
      "Which Russian politician said territorial issues could be raised?",
      "Thus, Konstantin Zatulin, a deputy of the Duma, stated:",
      "Whom did Konstantin Zatulin warn about territorial issues?"),
     # a quotation ending on "..., the expert emphasized": the person named last before it, two back
     ("“Astana remains the main transit point for goods.",
      "Which economist said Astana remains the main transit point?",
      "This was also noted by the economist Nikita Mendkovich.",
      "What did Nikita Mendkovich say about Astana?")],
)  # fmt: skip
def test_a_who_question_on_a_quotation_reads_back_to_its_speaker(tiny, quoted, question, speaker, naming_the_speaker):
    snap, sentence = tiny
    best = sentence(quoted)
    assert _complement(question, *best, snap)[4] == speaker
    # The question names the speaker already: the sentence back adds no one, and nothing joins.
    assert _complement(naming_the_speaker, *best, snap) is None


@pytest.fixture
def scores(tiny, tmp_path, fake_embedder):
    """Scores of the tiny article's sentences for a question, by text, as `score_sentences` gives them."""
    snap, _ = tiny
    settings = Settings(corpus_dir=tmp_path / "tiny", index_dir=tmp_path / "tiny-index")

    def of(question: str) -> dict[str, float]:
        found = search(question, settings, snap, embedder=fake_embedder, k=5, floor=-1.0)
        return {c[4]: c[0] for c in extractive.score_sentences(question, found.query_vector, found.hits, snap)}

    return of


def test_words_asked_of_someone_read_back_to_the_lead_in_naming_them(tiny):
    """A sentence deep in a quotation is shown with the lead-in naming whose words they are, when the
    question asks for that person's words; a "why" or "who" question, or one naming someone else,
    joins nothing of it (the lead-in gives no reason and no one new)."""
    snap, sentence = tiny
    best = sentence("And if not, then everything is possible.”")
    lead = "Thus, Konstantin Zatulin, a deputy of the Duma, stated:"
    assert _complement("According to Zatulin, what becomes possible without friendship?", *best, snap)[4] == lead
    for other in ("Why did Zatulin say everything is possible?", "What does Kuraev say is possible?"):
        joined = _complement(other, *best, snap)
        assert joined is None or joined[4] != lead, other


def test_a_quoted_sentence_is_read_with_the_name_of_its_speaker(scores):
    """Asked for Zatulin's words, every sentence of his quotation holds his name ("... stated: “They
    know ... And if not, then everything is possible.”"); the sentence after the quotation does not."""
    asked, other = scores("What does Zatulin think is possible?"), scores("What does Kuraev think is possible?")
    inside = "And if not, then everything is possible.”"
    after = "This was also noted by the economist Nikita Mendkovich."
    assert asked[inside] - other[inside] > 0.05
    assert asked[after] == pytest.approx(other[after], abs=0.02)


def test_a_who_question_scores_up_a_quotation_whose_speaker_is_named_before_it(scores, monkeypatch):
    """A quotation answers "who said ...?" with its lead-in: it scores `QUOTED_PERSON` more, as a
    sentence naming someone else would; a sentence outside a quotation, or a question that is no
    "who", gains nothing."""
    who = "Which economist said Astana remains the main transit point?"
    what = "What did the economist say about the transit point?"
    quoted, plain = "“Astana remains the main transit point for goods.", "He pointed to the profits of local firms."
    with_bonus, what_with = scores(who), scores(what)
    monkeypatch.setattr(extractive, "QUOTED_PERSON", 0.0)
    without, what_without = scores(who), scores(what)
    assert with_bonus[quoted] - without[quoted] == pytest.approx(0.10)
    assert with_bonus[plain] == pytest.approx(without[plain])
    assert what_with == pytest.approx(what_without)


def test_the_words_a_question_only_tells_weigh_less_than_those_it_asks(scores, monkeypatch):
    """In "Oil shipments through the port grew for years. What pretext was chosen for limiting
    them?", the sentence that restates what the question tells scores less, and one that holds
    what it asks more; a question of one sentence is scored as before."""
    told = "Oil shipments through the port grew for years. What pretext was chosen for limiting them?"
    one = "What pretext was chosen for limiting oil shipments through the port?"
    restating, answering = (
        "Oil shipments through the port grew for years.",
        ("The pretext chosen for this step sounds strange, since 50 mines were reportedly found in the harbour."),
    )
    weighted, one_weighted = scores(told), scores(one)
    monkeypatch.setattr(extractive, "TOLD", 1.0)
    plain, one_plain = scores(told), scores(one)
    assert weighted[restating] < plain[restating]
    assert weighted[answering] > plain[answering]  # what it holds of the question weighs more now
    assert one_weighted == pytest.approx(one_plain)


@pytest.mark.parametrize(
    ("sentence", "adjustment"),
    [("However, Suleimenov answers more categorically: “We will comply.”", "OTHER_PERSON"),
     ("Gerashchenko suspects that it could be a lack of respect.", "OTHER_PERSON"),
     ("He said that it could be a lack of respect.", None),
     ("Kuantirov said that trade will continue.", "SELF_NAMED"),  # the question names him
     ("It could be a lack of respect.", None)],
)  # fmt: skip
def test_a_who_question_counts_someone_speaking_by_surname_alone(sentence, adjustment):
    asked = extractive._Asked.of("Which official, unlike Kuantirov, said it would comply?")
    expected = getattr(extractive, adjustment) if adjustment else 0.0
    assert extractive._adjust(asked, sentence, True) == pytest.approx(expected)


def test_a_who_question_reads_a_pronoun_as_the_person_named_before_it():
    # "him" is Zatulin: the sentence naming him is what the question tells, not who rebuked him.
    question = "Konstantin Zatulin hinted at territorial issues. Which party member rebuked him for it?"
    asked = extractive._Asked.of(question)
    told = "Thus, Konstantin Zatulin, deputy chairman of the committee, stated:"
    assert extractive._adjust(asked, told, True) == pytest.approx(extractive.SELF_NAMED)
    answer = "True, Andrey Turchak, vice speaker of the council, sharply criticized his party member:"
    assert extractive._adjust(asked, answer, True) == pytest.approx(extractive.OTHER_PERSON)
    # Without a pronoun back to him, Zatulin is someone else the sentence names.
    asked = extractive._Asked.of("Konstantin Zatulin hinted at territorial issues. Which party member agreed?")
    assert extractive._adjust(asked, told, True) == pytest.approx(extractive.OTHER_PERSON)


def test_a_premise_that_gives_a_quotation_to_the_wrong_person_is_refused(tiny):
    snap, sentence = tiny
    best = sentence("If we have friendship, then no territorial issues are raised.")
    question = "Why did Andrey Turchak say that no territorial issues are raised if there is friendship?"

    def someone_else_did(asked: str) -> tuple[str, str, str] | None:
        verbs = premise_verbs(premise_question(asked))
        return extractive.someone_else_did(asked, verbs, [(0.9, *best)], snap)

    said = someone_else_did(question)
    assert said == (f"Thus, Konstantin Zatulin, a deputy of the Duma, stated: {best[3]}", "Konstantin Zatulin",
                    "Andrey Turchak")  # fmt: skip
    # The person the question names said it, or the question names no one: nothing to refuse.
    assert someone_else_did(question.replace("Andrey Turchak", "Konstantin Zatulin")) is None
    assert someone_else_did("Why did he say that?") is None


def test_a_name_question_reads_only_sentences_that_name_something_it_does_not(tiny, tmp_path, fake_embedder):
    """A "Which newspaper ...?" question is read in the sentences that name something it does not,
    and not in one whose next sentence does: a name, unlike a quantity, is not read on to."""
    snap, _ = tiny
    settings = Settings(corpus_dir=tmp_path / "tiny", index_dir=tmp_path / "tiny-index")

    def candidates(question: str) -> list[str]:
        found = search(question, settings, snap, embedder=fake_embedder, k=5, floor=-1.0)
        return [c[4] for c in extractive.score_sentences(question, found.query_vector, found.hits, snap)]

    named = candidates("Which newspaper reported on oil shipments through the port?")
    assert "So, according to Kommersant, the shipment of oil through the port has already been limited." in named
    assert "Oil shipments through the port grew for years." not in named  # its next sentence names Kommersant
    assert "The police made no arrests." not in candidates("What is the name of the officer who made no arrests?")
    assert "The police made no arrests." in candidates("Did the police make any arrests?")
    # "The name of the X": the name must stand next to X, not anywhere in a sentence about it.
    assert "This was also noted by the economist Nikita Mendkovich." in candidates(
        "What is the name of the economist who spoke about trade?"
    )
    assert "So, according to Kommersant, the shipment of oil through the port has already been limited." not in (
        candidates("What is the name of the port where oil shipments were limited?")
    )


def test_runners_up_of_other_passages_must_come_closer(monkeypatch):
    monkeypatch.setattr(extractive, "_complement", lambda *args: None)
    one, two = (SimpleNamespace(chunk=SimpleNamespace(chunk_id=i)) for i in (1, 2))
    # Sentences with their full stops: a line without one is a heading, which joins no answer as a runner-up.
    scored = [(0.50, one, 0, 9, "Best."), (0.48, two, 0, 9, "Other, 0.02 below."),
              (0.47, one, 20, 29, "Same, 0.03 below."), (0.45, one, 40, 49, "Same, 0.05 below.")]  # fmt: skip
    picked = [p[4] for p in extractive._pick("What?", scored, snapshot=None)]
    assert picked == ["Best.", "Same, 0.03 below.", "Same, 0.05 below."]
    scored[1] = (0.495, two, 0, 9, "Other, 0.005 below.")
    assert [p[4] for p in extractive._pick("What?", scored, snapshot=None)][:2] == ["Best.", "Other, 0.005 below."]
    scored[2] = (0.47, one, 20, 29, "A heading 0.03 below")
    assert "A heading 0.03 below" not in [p[4] for p in extractive._pick("What?", scored, snapshot=None)]


def test_no_runner_up_of_another_passage_joins_a_sentence_that_gives_the_person_asked_for(monkeypatch):
    monkeypatch.setattr(extractive, "_complement", lambda *args: None)
    one, two = (SimpleNamespace(chunk=SimpleNamespace(chunk_id=i)) for i in (1, 2))
    scored = [(0.50, one, 0, 9, "Kazakhstan will not risk it, Timur Suleimenov said in an interview."),
              (0.495, two, 0, 9, "Peskov said that the president was not going to present any orders."),
              (0.47, one, 20, 29, "He is the deputy head of the presidential administration.")]  # fmt: skip
    picked = [p[4] for p in extractive._pick("Which aide said Kazakhstan will not risk it?", scored, snapshot=None)]
    assert picked == [scored[0][4], scored[2][4]]
    # A best sentence that names no one leaves the runner-up its chance.
    scored[0] = (0.50, one, 0, 9, "Kazakhstan will not risk being in the same basket with Russia.")
    assert scored[1][4] in [p[4] for p in extractive._pick("Which aide said it?", scored, snapshot=None)]


def test_the_reason_asked_for_joins_a_runner_up_one_past_the_limit(monkeypatch):
    """Three close sentences fill the answer; the reason that the third leans on still joins (a
    fourth sentence), but not when the question asks for no reason."""
    one = SimpleNamespace(chunk=SimpleNamespace(chunk_id=1))
    scored = [(0.50, one, 0, 9, "The observer assessed the statements."),
              (0.48, one, 20, 29, "He proposed to reassess relations."),
              (0.47, one, 40, 49, "Relations will need to be rebuilt.")]  # fmt: skip
    after = {"Relations will need to be rebuilt.": "To rebuild, based on the fundamental inequality."}
    monkeypatch.setattr(
        extractive, "_complement",
        lambda question, hit, start, end, text, snap: (0.0, hit, end, end + 9, after[text]) if text in after else None,
    )  # fmt: skip
    picked = [p[4] for p in extractive._pick("On what basis should relations be rebuilt?", scored, snapshot=None)]
    assert picked == [s[4] for s in scored] + ["To rebuild, based on the fundamental inequality."]
    # Not a question about a reason: "based on" is not what it asks for, and three sentences are all.
    assert len(extractive._pick("Which relations will need to be rebuilt?", scored, snapshot=None)) == 3


def test_a_question_about_what_else_prefers_a_sentence_that_adds_to_what_was_said():
    asked = extractive._Asked.of("Besides seeing it as a provocation, how else did people explain the speech?")
    adding = extractive._adjust(asked, "Others saw it as a reaction to his difficulty with the name.", True)
    plain = extractive._adjust(asked, "The speech was seen as a provocation towards the Kremlin.", True)
    assert adding - plain == pytest.approx(extractive.ADDED) and extractive.ADDED > 0
    asked = extractive._Asked.of("How did people explain the speech?")
    assert extractive._adjust(asked, "Others saw it as a reaction to his difficulty with the name.", True) == 0.0


def test_a_question_about_what_was_denied_prefers_a_sentence_that_negates():
    asked = extractive._Asked.of("Which trade practice did Tokayev deny Kazakhstan takes part in?")
    denying = extractive._adjust(asked, "Kazakhstan also does not participate in the so-called parallel import.", True)
    plain = extractive._adjust(
        asked, "Kazakhstan's attitude towards Russia is reflected in economic cooperation.", True
    )
    assert denying - plain == pytest.approx(extractive.NEGATED) and extractive.NEGATED > 0
    asked = extractive._Asked.of("Which trade practice does Kazakhstan take part in?")
    assert extractive._adjust(asked, "Kazakhstan also does not participate in parallel import.", True) == 0.0


def test_a_why_question_prefers_a_sentence_that_gives_a_reason():
    asked = extractive._Asked.of(
        "Bezpalko says Kazakhstan can only ship its oil through Novorossiysk. What's his explanation?"
    )
    giving = extractive._adjust(asked, "Due to geography, it can export its oil only through Novorossiysk.", True)
    plain = extractive._adjust(asked, "The shipment of oil through the Novorossiysk port has been limited.", True)
    assert giving - plain == pytest.approx(extractive.REASON_GIVEN) and extractive.REASON_GIVEN > 0
    asked = extractive._Asked.of("Through which port does Kazakhstan ship its oil?")
    assert extractive._adjust(asked, "Due to geography, it can export its oil only through Novorossiysk.", True) == 0.0


@pytest.mark.parametrize(
    ("question", "sentence", "denial"),
    [("Why did Tokayev recognise the DPR?", "He said his country would not recognize the DPR.", "not recognize"),
     ("Why did Tokayev accept the Order of Alexander Nevsky?", "He refused to be awarded the Order.", "refused"),
     ("When did Kazakhstan join the EAEU?", "Kazakhstan never joined it.", "never joined"),
     ("Which Kazakh city hosted the summit?", "No Kazakh city has ever hosted it; Minsk did not host it either.",
      "not host"),
     ("Why did Putin award Tokayev the Order?", "He refused to be awarded the Order.", "refused to be awarded"),
     ("How did Tokayev justify recognizing the LPR?", "He would not recognize the LPR.", "not recognize"),
     ("Why did Kazakhstan officially join the sanctions?", "It has not officially joined them.",
      "not officially joined"),
     ("Why did Kazakhstan vote in favour of suspending Russia?", "It voted against the suspension of Russia.",
      "against the suspension"),
     # Not a denial of the premise: "not only", a denied opposite, another verb denied, no premise.
     ("Why did Tokayev recognise the DPR?", "Tokayev recognized not only the DPR.", None),
     ("When did Kazakhstan join the EAEU?", "Kazakhstan joined in 2015 and did not leave it.", None),
     ("What did Peskov say about orders?", "Peskov said Putin would not present any orders.", None),
     ("Why was the shipment of oil limited?", "Shipments were limited, not stopped.", None),
     ("Why did Kazakhstan vote in favour of suspending Russia?", "It voted for the suspension, against Moscow.", None),
     ("Why did Tokayev warn about the war?", "He warned against the war.", None),
     ("What sentences did the members receive?", "A trial began against members of the council.", None),
     ("Which practice did Tokayev deny Kazakhstan takes part in?", "Kazakhstan does not take part in it.", None),
     ("Who is Tokayev?", "He is not the prime minister.", None)],
)  # fmt: skip
def test_a_sentence_that_denies_what_the_question_takes_for_granted(question, sentence, denial):
    assert contradicts(premise_verbs(question), sentence, favoured(question)) == denial


def _scored(*rows):
    """Scored sentences as `score_sentences` gives them, (score, hit, start, end, text), from (score, text)."""
    return [(score, None, 0, 0, text) for score, text in rows]


def test_a_premise_is_denied_only_when_no_close_sentence_says_it():
    question = "Why did Kazakhstan help Russia circumvent sanctions?"
    denying = (0.79, "Kazakhstan does not intend to help circumvent them.")
    # Another sentence found says it: the articles disagree, so the question is answered.
    assert (
        extractive.premise_denied(question, _scored(denying, (0.75, "Tokayev is presumably helping Russia."))) is None
    )
    # Said only far below the best sentence, it does not count.
    denied = extractive.premise_denied(question, _scored(denying, (0.60, "Tokayev is presumably helping Russia.")))
    assert denied == (denying[1], "not intend to help")
    # Nothing denies it: no abstention.
    assert extractive.premise_denied(question, _scored((0.8, "Trade with Russia grew."))) is None


def test_a_premise_of_what_was_not_done_is_denied_by_a_close_sentence_that_says_it_was():
    question = "Why did Tokayev give his whole speech in Kazakh without switching to Russian?"
    switched = (0.75, "Shortly afterwards, Tokayev switched back to Russian.")
    spoke = (0.80, "Tokayev decided to speak Kazakh instead of Russian.")
    assert extractive.premise_denied(question, _scored(spoke, switched)) == (switched[1], "switched")
    # Said up to twice the margin below the best sentence, it still denies it; farther below, or
    # itself "without switching", it denies nothing.
    assert extractive.premise_denied(question, _scored(spoke, (0.70, switched[1]))) == (switched[1], "switched")
    assert extractive.premise_denied(question, _scored(spoke, (0.78, "He spoke without switching."))) is None
    # Farther below it denies "without switching" no more; it still tells the "whole" speech done
    # only in part, as a sentence naming its doer ("Tokayev") among the best `WHOLE_READ`.
    unwhole = "Why did Tokayev speak Kazakh without switching to Russian?"
    assert extractive.premise_denied(unwhole, _scored(spoke, (0.60, switched[1]))) is None
    assert extractive.premise_denied(question, _scored(spoke, (0.60, switched[1]))) == (switched[1], "switched back")
    anyone = (0.60, "Shortly afterwards, the speaker switched back to Russian.")
    assert extractive.premise_denied(question, _scored(spoke, anyone)) is None


@pytest.mark.parametrize(
    ("question", "outcome"),
    [("What was the outcome of the referendum on a nuclear power plant?", True),
     ("How did Kazakh voters decide in the referendum on a nuclear power plant?", True),
     ("On what date did the EU finally adopt its 12th package?", True),
     ("What sentences did they receive when their trial ended?", True),
     ("What happened as a result of the blockade?", False),
     ("What is eventually supposed to reach Europe through the corridor?", False),
     ("When will the EU finally adopt the package?", False),
     ("Where will the new power plant be built?", False)],
)  # fmt: skip
def test_questions_about_how_something_ended(question, outcome):
    """Not "as a result", and not a question about plans ("supposed to", "will"); "power plant"
    is no plan."""
    assert asks_outcome(question) is outcome


def test_an_outcome_the_articles_speak_of_only_as_to_come_is_not_answered():
    question = "On what date did the EU finally adopt its 12th package of sanctions?"
    debated = (0.70, "During discussions of the 12th package on November 9, similar proposals were made.")
    assert extractive.outcome_pending(question, _scored(debated)) == (debated[1], "discussions")
    # A close sentence says it was adopted: answered.
    adopted = (0.68, "The EU adopted the 12th package on December 18.")
    assert extractive.outcome_pending(question, _scored(debated, adopted)) is None
    # A close sentence that neither plans nor adopts it: answered (it may say how it ended).
    assert extractive.outcome_pending(question, _scored(debated, (0.66, "The package hit trade hard."))) is None
    # Far below the best, a sentence does not count; a question about plans is not read.
    assert extractive.outcome_pending(question, _scored(debated, (0.5, "The EU adopted it."))) is not None
    assert extractive.outcome_pending("When will the EU adopt it?", _scored(debated)) is None


def test_how_it_ended_up_is_asked_of_the_verb_after_end_up():
    """ "How did Kazakhs end up voting?" takes the voting as done, not an ending: "in the end" of a
    sentence that leaves it to a coming referendum does not say how it ended."""
    question = "How did Kazakhs end up voting in the referendum on a nuclear power plant?"
    left = (0.70, "In the end, the topic was never specified, since everything was left to the referendum.")
    assert extractive.outcome_pending(question, _scored(left)) == (left[1], "left to")
    voted = (0.66, "Kazakhs voted for the plant in the referendum.")
    assert extractive.outcome_pending(question, _scored(left, voted)) is None


def test_a_past_act_the_articles_speak_of_only_as_to_come_is_not_answered():
    """Asked "Why did Astana sign the contract?", against "... does not at all guarantee that ... the
    contract will certainly be signed": the act is in doubt, not done. A sentence that says it
    was done, or a question about plans, is answered."""

    question = "Why did Astana sign the contract with Rosatom?"
    doubt = (0.7, "It does not at all guarantee that the contract will certainly be signed with Rosatom.")
    assert extractive.outcome_pending(question, _scored(doubt)) == (doubt[1], "will certainly be signed")
    done = (0.68, "Astana signed the contract with Rosatom in May.")
    assert extractive.outcome_pending(question, _scored(doubt, done)) is None
    assert extractive.outcome_pending("Why will Astana sign the contract?", _scored(doubt)) is None
    assert extractive.outcome_pending(question, _scored((0.7, "Astana praised Rosatom."))) is None


def test_a_byline_answer_cites_a_passage_of_its_article_or_gives_way():
    """ "Who wrote ...?" is answered from the article's record only with one of its passages to cite
    (found or nearest); with none at hand the ordinary answer is left to run."""
    docs = {"a.txt": {"title": "Diplomatic confusion", "author": "Alena Kazakova", "source": "The Frontier Post"},
            "b.txt": {"title": "Untitled"}}  # fmt: skip
    snap = SimpleNamespace(manifest=SimpleNamespace(documents=docs))

    def hit(doc_id: str, start: int) -> SimpleNamespace:
        return SimpleNamespace(
            chunk=SimpleNamespace(doc_id=doc_id, char_start=start, text=f"Passage at {start}.\nMore.")
        )

    result = SimpleNamespace(hits=(hit("b.txt", 0),), nearest=(hit("a.txt", 900), hit("a.txt", 40)))
    text, citations, abstained, refused = extractive.byline_answer("a.txt", result, snap)
    assert text == "“Diplomatic confusion” (The Frontier Post) is by Alena Kazakova, by its byline. [1]"
    assert [c.hit.chunk.char_start for c in citations] == [40] and citations[0].quote == "Passage at 40."
    assert not abstained and refused == extractive.BYLINE
    assert extractive.byline_answer("b.txt", result, snap)[:3] == ("The article “Untitled” gives no author.", (), True)
    assert extractive.byline_answer("a.txt", SimpleNamespace(hits=(hit("b.txt", 0),), nearest=()), snap) is None
