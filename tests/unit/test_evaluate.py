"""The eval harness: metric functions against hand-worked examples and trec_eval, the eval set
itself, the regression gate, the reports, and BEIR loading and ranking on a tiny data set."""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.evaluation.beir import (
    beir_id,
    build_index,
    file_name,
    load_beir,
    query_metrics,
    rank_documents,
    run_beir,
)
from rag.evaluation.command import gate
from rag.evaluation.gate import GateError, OutcomeChange, compare, failures, outcomes, read_baseline
from rag.evaluation.harness import (
    AnswerRow,
    EvalError,
    EvalReport,
    QuestionRun,
    Retrieved,
    evaluate,
    load_questions,
    summarize_answers,
)
from rag.metrics import (
    contains_answer,
    evidence_in,
    hit_at_k,
    longest_common_run,
    ndcg_at_k,
    normalize_answer,
    normalize_text,
    precision_at_k,
    recall_at_k,
    reciprocal_rank,
    token_f1,
)
from rag.records import Chunk, Hit
from tests.conftest import ROOT  # noqa: E402

QUESTIONS = ROOT / "eval" / "questions.jsonl"

# ---------------------------------------------------------------- relevance by evidence quote


def test_normalize_text_whitespace_nbsp_quotes_case():
    assert normalize_text("  “Soloviev\u00a0Live”\n\t–  Berlin ") == '"soloviev live" - berlin'


def test_evidence_contained_after_normalizing():
    passage = "He said:\n“we will  not”\u00a0recognise the republics. Then he left."
    assert evidence_in(passage, 'We will not" recognise the republics.')
    assert not evidence_in(passage, "we will never recognise any republic")


def test_evidence_cut_by_a_chunk_boundary_counts_from_60_percent():
    quote = "one two three four five six seven eight nine ten"  # 10 words: 6 needed in one run
    assert evidence_in("Earlier text here. one two three four five six", quote)  # 6 of 10
    assert not evidence_in("Earlier text here. one two three four five", quote)  # 5 of 10
    assert evidence_in("five six seven eight nine ten. Next sentence.", quote)  # the end of the quote
    assert not evidence_in("one two three x four five six", quote)  # a broken run: 3
    assert evidence_in("one two three four five", quote, min_cover=0.5)


def test_longest_common_run():
    assert longest_common_run(["a", "b", "c", "d"], ["x", "b", "c", "d", "y"]) == 3
    assert longest_common_run([], ["a"]) == 0
    assert longest_common_run(["a", "b"], ["b", "a"]) == 1


# ---------------------------------------------------------------- ranking metrics, by hand

REL = [True, False, True, False, False]


def test_precision_at_k_hand_worked():
    assert [precision_at_k(REL, k) for k in (1, 3, 5, 10)] == [1.0, 2 / 3, 2 / 5, 2 / 10]


def test_recall_at_k_counts_distinct_quotes():
    found = [{0}, set(), {0, 1}, {2}]
    assert [recall_at_k(found, 4, k) for k in (1, 3, 4, 10)] == [0.25, 0.5, 0.75, 0.75]
    assert recall_at_k(found, 0, 5) == 0.0


def test_hit_and_reciprocal_rank():
    assert [hit_at_k([False, False, True], k) for k in (1, 2, 3)] == [0.0, 0.0, 1.0]
    assert reciprocal_rank([False, False, True]) == 1 / 3
    assert reciprocal_rank([False] * 10 + [True], k=10) == 0.0


def test_ndcg_hand_worked():
    # Relevant at ranks 2 and 3, two relevant in the collection:
    # DCG = 1/log2(3) + 1/log2(4); ideal = 1 + 1/log2(3).
    expected = (1 / math.log2(3) + 0.5) / (1 + 1 / math.log2(3))
    assert ndcg_at_k([0, 1, 1], [1, 1], 10) == pytest.approx(expected)
    assert ndcg_at_k([1, 1], [1, 1], 10) == 1.0
    assert ndcg_at_k([0, 0], [1], 10) == 0.0
    assert ndcg_at_k([0, 0], [], 10) == 0.0
    # Graded: gains 2 at rank 1 of an ideal (2, 1).
    assert ndcg_at_k([2, 0], [1, 2], 10) == pytest.approx(2 / (2 + 1 / math.log2(3)))


def test_question_run_metrics_hand_worked():
    r = QuestionRun(
        "q",
        "hybrid",
        (Retrieved(1, "a", frozenset(), ""), Retrieved(2, "a", frozenset({1}), ""), Retrieved(3, "b", frozenset(), "")),
        n_relevant=2,
        n_quotes=2,
    )
    m = r.metrics()
    assert (m["precision@1"], m["precision@3"], m["hit@1"], m["hit@3"]) == (0.0, 1 / 3, 0.0, 1.0)
    assert (m["recall@1"], m["recall@3"], m["recall@10"]) == (0.0, 0.5, 0.5)
    assert m["mrr@10"] == 0.5
    assert m["ndcg@10"] == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))


def test_ndcg_recall_precision_match_trec_eval():
    pytrec_eval = pytest.importorskip("pytrec_eval")
    rng = random.Random(7)
    qrels, run = {}, {}
    for q in range(30):
        docs = [f"d{i}" for i in range(60)]
        qrels[f"q{q}"] = {d: rng.choice([1, 1, 2]) for d in rng.sample(docs, rng.randint(1, 8))}
        ranked = rng.sample(docs, 40)
        run[f"q{q}"] = {d: float(100 - i) for i, d in enumerate(ranked)}  # distinct scores: no tie rules
    ref = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10", "recall.100", "P.5"}).evaluate(run)
    for q, scores in run.items():
        ranked = sorted(scores, key=scores.get, reverse=True)
        judged = qrels[q]
        mine = query_metrics(ranked, judged)
        assert mine["ndcg@10"] == pytest.approx(ref[q]["ndcg_cut_10"], abs=1e-9)
        assert mine["recall@100"] == pytest.approx(ref[q]["recall_100"], abs=1e-9)
        assert precision_at_k([d in judged for d in ranked], 5) == pytest.approx(ref[q]["P_5"], abs=1e-9)


# ---------------------------------------------------------------- answer metrics


@pytest.mark.parametrize(
    ("answer", "gold", "expected"),
    [
        ("Kazakhstan held up 1700 wagons of Russian coal [1].", "1,700 wagons", True),
        ("It held up 1,700 wagons.", "1700 wagons", True),
        ("Chancellor OLAF   SCHOLZ stood beside him [2]", "Olaf Scholz", True),
        ("He called them “Trojan horse” offers.", '"Trojan horse"', True),
        ("It was 17,000 wagons.", "1,700 wagons", False),
        ("The 10th summit.", "10", False),  # "10th" is one token
        ("Scholz", "Olaf Scholz", False),
        ("anything", "", False),
    ],
)
def test_contains_answer(answer, gold, expected):
    assert contains_answer(answer, gold) is expected


def test_normalize_answer_and_token_f1():
    assert normalize_answer("The “Almaty Business Bulletin” [1][2]") == "almaty business bulletin"
    assert token_f1("Olaf Scholz said so", "Olaf Scholz") == pytest.approx(2 * 0.5 * 1 / 1.5)
    assert token_f1("Olaf Scholz", "the Olaf Scholz") == 1.0
    assert token_f1("nothing alike", "Olaf Scholz") == 0.0


def _row(qid, unanswerable=False, abstained=False, contains=False, cited=0, with_evidence=0):
    return AnswerRow(qid, unanswerable, abstained, "", contains, float(contains), cited, with_evidence, ())


def test_answer_summary_hand_worked():
    rows = [
        _row("q1", contains=True, cited=2, with_evidence=1),  # correct and cited
        _row("q2", contains=True, cited=1, with_evidence=0),  # correct, cited the wrong passage
        _row("q3", abstained=True),  # answerable, but abstained
        _row("u1", unanswerable=True, abstained=True),
        _row("u2", unanswerable=True, cited=1),  # answered an unanswerable question
    ]
    s = summarize_answers(rows)
    assert s["contains_gold"] == 2 / 3
    assert s["token_f1"] == 2 / 3
    assert s["citation_precision"] == 1 / 3  # 1 of the 3 passages cited for answerable questions
    assert s["abstention_precision"] == 0.5  # abstained twice, once rightly
    assert s["abstention_recall"] == 0.5  # 1 of 2 unanswerable
    assert s["correct_and_cited"] == 1 / 3


# ---------------------------------------------------------------- the eval set


def test_eval_set_shape():
    qs = load_questions(QUESTIONS)
    assert len([q for q in qs if not q.unanswerable]) >= 40
    assert len([q for q in qs if q.unanswerable]) >= 6
    assert all(q.answer is None and not q.evidence for q in qs if q.unanswerable)
    assert len({q.id for q in qs}) == len(qs)


def test_every_evidence_quote_is_in_an_article():
    from rag.corpus.load import load_document
    from rag.index.build import scan_corpus

    texts = [normalize_text(load_document(f.path, f.doc_id).text) for f in scan_corpus(ROOT / "corpus")]
    missing = [
        (q.id, e)
        for q in load_questions(QUESTIONS)
        for e in q.evidence
        if not any(normalize_text(e) in t for t in texts)
    ]
    assert missing == []


def test_answers_appear_in_their_evidence_or_articles():
    """A gold answer a reader could check: its words occur in the evidence (or, for two-article
    questions, in the articles)."""
    from rag.corpus.load import load_document
    from rag.index.build import scan_corpus

    corpus = " ".join(load_document(f.path, f.doc_id).text for f in scan_corpus(ROOT / "corpus"))
    bad = [q.id for q in load_questions(QUESTIONS) if q.answer and not contains_answer(corpus, q.answer)]
    assert bad == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not an eval question"),
        ('{"id": "x", "question": "q?", "evidence": [], "answer": "a", "unanswerable": false}', "needs evidence"),
        ('{"id": "x", "question": "q?"}', "not an eval question"),
    ],
)
def test_bad_eval_lines_are_named(tmp_path, line, message):
    path = tmp_path / "q.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(EvalError, match=message) as exc:
        load_questions(path)
    assert f"{path}:1" in str(exc.value)


# ---------------------------------------------------------------- the regression gate


QIDS = [f"q{i:02d}" for i in range(1, 21)]


def _report(first_ranks: dict[str, int | None] | None = None, answered: set[str] | None = None) -> EvalReport:
    """A report of 20 answerable questions (hybrid mode) and 2 unanswerable ones: by default every
    question found at rank 1 and answered with a citation, both unanswerable ones abstained."""
    ranks = {q: 1 for q in QIDS} | (first_ranks or {})
    answered = set(QIDS) if answered is None else answered
    hits = [float(ranks[q] == 1) for q in QIDS]
    m = {"hit@1": sum(hits) / 20, "recall@5": 0.9, "mrr@10": 0.85, "ndcg@10": 0.87}
    retrieval = {"hybrid": {**{f"{n}@{k}": 0.5 for n in ("precision", "recall", "hit") for k in (1, 3, 5, 10)}, **m}}
    answer_outcomes = {q: {"correct_and_cited": q in answered} for q in QIDS}
    answer_outcomes |= {"u1": {"abstained": True}, "u2": {"abstained": True}}
    return EvalReport(22, 20, {"answerer": "extractive", "embedder": "x", "chunk_tokens": 200, "top_k": 5,
                               "min_dense_score": 0.26}, retrieval, None,
                      per_question={q: {"hybrid": ranks[q]} for q in QIDS},
                      answer_outcomes=answer_outcomes)  # fmt: skip


def test_outcomes_are_hits_and_answers_per_question():
    got = outcomes({"a": {"bm25": 1, "dense": 4}, "b": {"bm25": None, "dense": 6}}, {"a": {"correct_and_cited": 1}})
    assert got == {
        "answers/correct_and_cited": {"a": True},
        "bm25/hit@1": {"a": True, "b": False},
        "bm25/hit@5": {"a": True, "b": False},
        "dense/hit@1": {"a": False, "b": False},
        "dense/hit@5": {"a": True, "b": False},
    }


def test_compare_counts_lost_against_won_question_by_question():
    base = {"hybrid/hit@1": {"a": True, "b": True, "c": False, "d": True}, "answers/abstained": {"u": True}}
    now = {"hybrid/hit@1": {"a": False, "b": True, "c": True, "e": False}, "answers/abstained": {"u": True}}
    changes = {c.name: c for c in compare(now, base)}
    hit = changes["hybrid/hit@1"]
    assert (hit.lost, hit.won) == (("a", "d"), ("c",))  # d was not measured: lost; e is new: not counted
    assert (hit.passed_before, hit.passed_now, hit.total, hit.net_loss) == (3, 2, 4, 1)
    assert changes["answers/abstained"].net_loss == 0
    assert failures(list(changes.values()), 1) == []
    # Over the allowance, but 2 lost against 1 won is as likely a shuffle of near ties (p=0.5).
    assert failures(list(changes.values()), 0) == []
    five = [
        c for c in compare({"x": dict.fromkeys("abcdef", False)}, {"x": dict.fromkeys("abcdef", True) | {"f": False}})
    ]
    assert failures(five, 4) == [
        "x: 5 -> 0 of 6, lost 5 (a, b, c, d, e), won 0 (-), McNemar p=0.031: net loss 5 > 4 allowed, p < 0.05"
    ]


def test_churn_of_near_ties_passes_where_the_same_net_loss_all_lost_fails():
    """Another CPU's vectors: dense hit@1 lost 7 and won 3 of 2,954 questions (p=0.17); the same net
    loss with none won is no shuffle (p=0.06 at 4, 0.03 at 5)."""

    def change(lost, won):
        return OutcomeChange("dense/hit@1", tuple(f"l{i}" for i in range(lost)), tuple(f"w{i}" for i in range(won)),
                             1280, 1280 - lost + won, 1767)  # fmt: skip

    assert failures([change(7, 3)], 2) == [] and round(change(7, 3).p_value, 3) == 0.172
    assert failures([change(12, 5)], 2) == []  # p=0.07
    assert len(failures([change(5, 0)], 2)) == 1 and len(failures([change(20, 10)], 2)) == 1  # p=0.03, 0.049
    assert failures([change(5, 0)], 5) == []  # the allowance still holds below it


def test_mcnemar_p_value_against_the_binomial():
    assert OutcomeChange("x", ("a",) * 5, (), 5, 0, 5).p_value == pytest.approx(1 / 32)
    assert OutcomeChange("x", ("a",) * 6, ("b",), 6, 1, 7).p_value == pytest.approx(8 / 128)
    assert OutcomeChange("x", (), (), 3, 3, 3).p_value == 1.0


def _gate_args(tmp_path, **kw) -> argparse.Namespace:
    base = {"check": False, "update_baseline": False, "baseline": tmp_path / "baseline.json", "allowed_loss": None}
    return argparse.Namespace(**{**base, **kw})


def test_gate_passes_noise_and_fails_five_questions_pushed_to_miss(tmp_path, capsys):
    assert gate(_gate_args(tmp_path, update_baseline=True), _report()) == 0
    baseline = read_baseline(tmp_path / "baseline.json")
    assert baseline.allowed_net_loss == 2 and baseline.outcomes["hybrid/hit@1"] == {q: True for q in QIDS}
    assert baseline.outcomes["answers/abstained"] == {"u1": True, "u2": True}
    assert baseline.metrics["hybrid/hit@1"] == 1.0
    # Two knife-edge questions tipping the other way: noise, passes (and is listed).
    assert gate(_gate_args(tmp_path, check=True), _report({"q03": 2, "q04": 3})) == 0
    assert "lost 2 (q03, q04)" in capsys.readouterr().out
    # Five questions pushed to miss: a real drop, fails, naming them.
    pushed = {q: None for q in QIDS[:5]}
    assert gate(_gate_args(tmp_path, check=True), _report(pushed)) == 1
    out = capsys.readouterr().out
    assert "eval check FAILED" in out and "hybrid/hit@1: 20 -> 15 of 20, lost 5 (q01, q02, q03, q04, q05)" in out
    assert "hybrid/hit@5" in out and "net loss 5 > 2 allowed" in out
    # Answers dropping alone fail too, even with retrieval unchanged.
    assert gate(_gate_args(tmp_path, check=True), _report(answered=set(QIDS[5:]))) == 1
    assert "answers/correct_and_cited: 20 -> 15 of 20" in capsys.readouterr().out
    assert gate(_gate_args(tmp_path, check=True, allowed_loss=5), _report(pushed)) == 0  # a looser allowance


def test_updating_the_baseline_keeps_its_recorded_allowance(tmp_path):
    """An allowance measured across CPUs and recorded is not lost when the baseline is updated for
    new questions; --allowed-loss still sets another."""
    assert gate(_gate_args(tmp_path, update_baseline=True, allowed_loss=3), _report()) == 0
    assert gate(_gate_args(tmp_path, update_baseline=True), _report()) == 0
    assert read_baseline(tmp_path / "baseline.json").allowed_net_loss == 3
    assert gate(_gate_args(tmp_path, update_baseline=True, allowed_loss=4), _report()) == 0
    assert read_baseline(tmp_path / "baseline.json").allowed_net_loss == 4


def test_missing_or_old_baseline_says_what_to_run(tmp_path):
    with pytest.raises(GateError, match="rag eval --update-baseline"):
        read_baseline(tmp_path / "none.json")
    for text in ("{}", "not json", json.dumps({"tolerance": 0.02, "metrics": {"hybrid/hit@1": 0.9}})):
        (tmp_path / "b.json").write_text(text)
        with pytest.raises(GateError, match="rag eval --update-baseline"):
            read_baseline(tmp_path / "b.json")


def test_committed_baseline_covers_every_question_and_outcome():
    baseline = read_baseline(ROOT / "eval" / "baseline.json")
    qs = load_questions(QUESTIONS)
    answerable = {q.id for q in qs if not q.unanswerable}
    for mode in ("dense", "bm25", "hybrid", "hybrid+mmr"):
        for k in ("hit@1", "hit@5"):
            assert set(baseline.outcomes[f"{mode}/{k}"]) == answerable
    assert set(baseline.outcomes["answers/correct_and_cited"]) == answerable
    assert set(baseline.outcomes["answers/abstained"]) == {q.id for q in qs if q.unanswerable}
    assert baseline.allowed_net_loss == 4  # the emulated AVX2 CPU lost 4 net in dense hit@1 on 2,954 questions
    data = json.loads((ROOT / "eval" / "baseline.json").read_text())
    assert {"avx2", "avx512_vnni"} <= set(data["machine"]["cpu_flags"])  # recorded beside the numbers


# ---------------------------------------------------------------- end to end, fake embedder


@pytest.fixture
def fake_index(settings, fake_embedder):
    from rag.engine import Engine
    from rag.index.build import ingest

    s = settings.replace(min_dense_score=-1.0)  # the fake embedder's cosines are not MiniLM's
    ingest(s, embedder=fake_embedder)
    return s, Engine(s, fake_embedder).snapshot()


def test_evaluate_and_reports_on_the_seed_corpus(fake_index, fake_embedder, tmp_path):
    from rag.evaluation.report import markdown, write_reports

    settings, snap = fake_index
    qs = load_questions(QUESTIONS)
    report = evaluate(qs, settings, snap, fake_embedder, modes=["bm25", "hybrid"], answers=False)
    assert report.questions == len(qs) and report.answerable == sum(not q.unanswerable for q in qs) == 1767
    # The time questions (kind "time") are also reported apart, on their own.
    time_group = report.groups["time"]
    assert (time_group["questions"], time_group["answerable"]) == (149, 148)
    assert set(time_group["retrieval"]) == {"bm25", "hybrid"} and time_group["answers"] is None
    assert "### Time questions: 149 (148 answerable)" in markdown(report)
    assert list(report.retrieval) == ["bm25", "hybrid"]
    assert set(report.per_question) == {q.id for q in qs if not q.unanswerable}
    assert report.answers is None and report.answers_note == "answer metrics not asked for"
    bm25 = report.retrieval["bm25"]
    assert bm25["hit@10"] >= bm25["hit@5"] >= bm25["hit@1"] > 0.5  # BM25 does not depend on the embedder
    assert set(report.headline()) == {
        f"{m}/{k}" for m in ("bm25", "hybrid") for k in ("hit@1", "recall@5", "mrr@10", "ndcg@10")
    }
    for miss in report.misses:
        assert miss["kind"] == "retrieval" and len(miss["retrieved"]) <= 3
        assert report.per_question[miss["id"]][miss["mode"]] in (None, 6, 7, 8, 9, 10)
    # The floor's evidence: every question's nearest-passage cosine, equal to a direct dense search's.
    assert set(report.best_cosine) == {q.id for q in qs}
    q0 = qs[0]
    qv = fake_embedder.embed_query(q0.question)
    assert report.best_cosine[q0.id] == pytest.approx(float(np.max(np.asarray(snap.vectors) @ qv)), abs=1e-4)

    paths = write_reports(report, tmp_path / "reports")
    assert [p.name for p in paths] == ["eval.json", "eval.md", "recall_at_k.png"]
    data = json.loads(paths[0].read_text())
    assert data["headline"] == pytest.approx(report.headline())
    assert paths[2].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "| bm25 |" in markdown(report) and "![recall@k per mode](recall_at_k.png)" in paths[1].read_text()
    assert data["best_cosine"] == report.best_cosine
    low = min((c, q) for q, c in report.best_cosine.items() if q in report.per_question)
    assert f"Lowest answerable question: {low[0]:.3f} ({low[1]})." in markdown(report)


def test_evidence_found_in_no_passage_is_an_error(fake_index, fake_embedder, tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "x1", "question": "Who?", "evidence": ["a quote from another corpus"],
                                "answer": "nobody", "unanswerable": False}) + "\n")  # fmt: skip
    settings, snap = fake_index
    with pytest.raises(EvalError, match="evidence in no indexed passage: x1 quote 1; fix the quote"):
        evaluate(load_questions(path), settings, snap, fake_embedder, answers=False)


# ---------------------------------------------------------------- BEIR


@pytest.fixture
def tiny_beir(tmp_path) -> Path:
    root = tmp_path / "tiny"
    (root / "qrels").mkdir(parents=True)
    docs = [
        ("c1", "Cats", "Cats purr when they are content. A purring cat is usually calm."),
        ("c2", "Dogs", "Dogs bark at strangers and wag their tails."),
        ("c/3", "Volcanoes", "Lava flows from erupting volcanoes and cools into basalt."),
        ("c4", "Tides", "The moon's gravity pulls the oceans and makes the tides."),
    ]
    (root / "corpus.jsonl").write_text(
        "".join(json.dumps({"_id": i, "title": t, "text": x, "metadata": {}}) + "\n" for i, t, x in docs)
    )
    queries = [("1", "why do cats purr"), ("2", "lava basalt volcano"), ("3", "moon gravity tides")]
    (root / "queries.jsonl").write_text("".join(json.dumps({"_id": i, "text": t}) + "\n" for i, t in queries))
    (root / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n1\tc1\t1\n2\tc/3\t1\n")
    (root / "qrels" / "train.tsv").write_text("query-id\tcorpus-id\tscore\n3\tc4\t1\n")
    return root


def test_load_beir_split_and_max_queries(tiny_beir):
    b = load_beir(tiny_beir, "test")
    assert (b.name, b.split, list(b.queries), len(b.documents)) == ("tiny", "test", ["1", "2"], 4)
    assert b.qrels == {"1": {"c1": 1}, "2": {"c/3": 1}}
    assert list(load_beir(tiny_beir, "test", max_queries=1).queries) == ["1"]
    assert list(load_beir(tiny_beir, "train").queries) == ["3"]


def test_load_beir_errors_name_the_file(tiny_beir):
    from rag.evaluation.beir import BeirError

    with pytest.raises(BeirError, match="splits here: test, train"):
        load_beir(tiny_beir, "dev")
    (tiny_beir / "queries.jsonl").unlink()
    with pytest.raises(BeirError, match="queries.jsonl is missing"):
        load_beir(tiny_beir, "test")


def test_file_name_round_trip():
    for doc_id in ("4983", "a/b", "..x", "ü ñ", "%41"):
        assert beir_id(file_name(doc_id)) == doc_id
        assert "/" not in file_name(doc_id) and not file_name(doc_id).startswith(".")


def _hit(doc: str, score: float, cid: int) -> Hit:
    return Hit(Chunk(cid, file_name(doc), "", 0, 0, 1), score, cid)


def test_rank_documents_by_best_chunk():
    hits = [_hit("a", 0.9, 1), _hit("b", 0.8, 2), _hit("a", 0.7, 3), _hit("c", 0.8, 4)]
    assert rank_documents(hits) == ["a", "b", "c"]
    assert rank_documents(hits, depth=2) == ["a", "b"]
    # Under MMR hits come in pick order, not score order: the order is kept.
    assert rank_documents([_hit("b", 0.5, 2), _hit("a", 0.9, 1)]) == ["b", "a"]


def test_beir_run_through_our_ingest_and_cache(tiny_beir, tmp_path, fake_embedder):
    b = load_beir(tiny_beir, "test")
    settings = Settings(min_dense_score=-1.0)
    s, snap, report = build_index(b, settings, tmp_path / "cache", fake_embedder, quiet=True)
    assert (report.documents, report.skipped) == (4, {})
    assert {beir_id(d.doc_id) for d in snap.documents()} == {"c1", "c2", "c/3", "c4"}
    assert snap.document(file_name("c1")).title == "Cats"
    result = run_beir(b, s, snap, fake_embedder, modes=["bm25", "hybrid"], quiet=True)
    assert result.runs["bm25"]["1"][0] == "c1" and result.runs["bm25"]["2"][0] == "c/3"
    assert result.metrics["bm25"] == {"ndcg@10": 1.0, "recall@100": 1.0, "mrr@10": 1.0}
    assert result.index == {"documents": 4, "chunks": 4}
    from rag.evaluation.report import write_beir

    json_path, md_path = write_beir(result, s, tmp_path / "reports")
    assert json.loads(json_path.read_text())["metrics"]["bm25"]["ndcg@10"] == 1.0
    assert "| bm25 | 1.0000 | 1.0000 | 1.0000 |" in md_path.read_text()

    # A second run re-uses the cached index; a rebuilt index re-uses the cached vectors.
    embedded = fake_embedder.embedded
    build_index(b, settings, tmp_path / "cache", fake_embedder, quiet=True)
    assert fake_embedder.embedded == embedded
    manifest = json.loads((s.index_dir / "manifest.json").read_text())
    (s.index_dir / "manifest.json").write_text(json.dumps({**manifest, "format_version": 0}))  # another code version
    _, snap2, report2 = build_index(b, settings, tmp_path / "cache", fake_embedder, quiet=True)
    assert report2.chunks_embedded == 4 and fake_embedder.embedded == embedded  # through the vector cache
    assert len(snap2) == 4


def test_a_changed_corpus_gets_its_own_cache_folder(tiny_beir, tmp_path):
    """The cache is keyed by the corpus file's sha256: an edited corpus never re-uses old vectors."""
    import hashlib

    from rag.evaluation.beir import cache_folder

    settings = Settings(index_dir=tmp_path / "i", corpus_dir=tmp_path / "c")
    before = load_beir(tiny_beir, "test")
    assert before.corpus_sha256 == hashlib.sha256((tiny_beir / "corpus.jsonl").read_bytes()).hexdigest()
    with open(tiny_beir / "corpus.jsonl", "a") as fh:
        fh.write(json.dumps({"_id": "c5", "title": "Rain", "text": "Clouds drop rain."}) + "\n")
    after = load_beir(tiny_beir, "test")
    assert after.corpus_sha256 != before.corpus_sha256 and len(after.documents) == 5
    assert cache_folder(after, settings, tmp_path).name != cache_folder(before, settings, tmp_path).name
    assert cache_folder(before, settings, tmp_path).name.startswith("tiny-")


# ---------------------------------------------------------------- the command, as a user runs it


def test_eval_help(tmp_path):
    out = subprocess.run([sys.executable, "-m", "rag.cli", "eval", "--help"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120).stdout  # fmt: skip
    for flag in ("--check", "--update-baseline", "--allowed-loss", "--beir", "--split", "--max-queries", "--corpus"):
        assert flag in out


@pytest.mark.slow
def test_check_fails_when_questions_are_pushed_to_miss(tmp_path, corpus):
    """The real command: a baseline in which five questions BM25 misses were found at rank 1 makes
    `rag eval --check` exit 1 and name them; the committed baseline's own outcomes pass."""
    committed = json.loads((ROOT / "eval" / "baseline.json").read_text())
    bm25 = committed["outcomes"]["bm25/hit@1"]
    missed = sorted(q for q, ok in bm25.items() if not ok)[:5]
    assert len(missed) == 5
    high = {"allowed_net_loss": 2, "outcomes": {"bm25/hit@1": {**bm25, **{q: 1 for q in missed}}}}
    (tmp_path / "high.json").write_text(json.dumps(high))
    args = ["eval", "--questions", str(QUESTIONS), "--modes", "bm25", "--no-answers", "--no-write", "--check"]
    proc = subprocess.run([sys.executable, "-m", "rag.cli", *args, "--baseline", "high.json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "eval check FAILED" in proc.stdout and f"lost 5 ({', '.join(missed)})" in proc.stdout
    (tmp_path / "same.json").write_text(json.dumps({"outcomes": {"bm25/hit@1": bm25}}))
    proc = subprocess.run([sys.executable, "-m", "rag.cli", *args, "--baseline", "same.json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert proc.returncode == 0 and "eval check passed" in proc.stdout, proc.stdout + proc.stderr
    assert not (tmp_path / "eval").exists()  # --no-write


def test_parse_modes_lists_the_valid_ones():
    from rag.evaluation.command import parse_modes

    assert parse_modes("hybrid, bm25", ("dense", "bm25", "hybrid")) == ["hybrid", "bm25"]
    with pytest.raises(EvalError, match="unknown mode sparse; choose from dense, bm25, hybrid"):
        parse_modes("hybrid,sparse", ("dense", "bm25", "hybrid"))


def test_convex_fusion_hand_worked():
    """The hybrid score tuned on SciFact train: 0.7 x cosine / best cosine + 0.3 x BM25 / best BM25."""
    from rag.search.retrieve import DENSE_WEIGHT, convex_fusion

    fused = convex_fusion({1: 0.8, 2: 0.4, 3: 0.6}, {2: 12.0, 3: 6.0})
    assert DENSE_WEIGHT == 0.7
    assert fused == pytest.approx({1: 0.7, 2: 0.7 * 0.5 + 0.3, 3: 0.7 * 0.75 + 0.3 * 0.5})
    assert convex_fusion({1: 0.5}, {}) == {1: pytest.approx(0.7)}  # no lexical match: dense only
    assert convex_fusion({1: -0.2}, {1: 3.0}) == {1: pytest.approx(0.7 * -0.2 + 0.3)}  # no positive cosine


def test_cpu_flags_are_what_the_process_can_use(monkeypatch):
    """Under an emulator /proc/cpuinfo shows the host's AVX-512; the report must show the CPU the
    process runs on (NumPy's run-time check), or an emulated AVX2 run is recorded as VNNI."""
    from rag import machine

    host = {"flags": "fpu sse4_2 avx2 avx512f avx512_vnni avx_vnni"}
    monkeypatch.setattr(machine, "_cpuinfo", lambda: host)
    monkeypatch.setattr(machine, "_usable_features", lambda: {"AVX2": True, "AVX512F": True, "AVX512VNNI": True})
    assert machine.cpu_flags() == {"avx2": True, "avx512f": True, "avx512_vnni": True, "avx_vnni": True}
    assert machine.int8_kernel() == "vnni (32-bit sums)"
    monkeypatch.setattr(machine, "_usable_features", lambda: {"AVX2": True, "AVX512F": False, "AVX512VNNI": False})
    assert machine.cpu_flags() == {"avx2": True, "avx512f": False, "avx512_vnni": False, "avx_vnni": False}
    assert machine.int8_kernel() == "avx2 (16-bit pair sums)"
    monkeypatch.setattr(machine, "_usable_features", lambda: None)  # no NumPy table: /proc/cpuinfo as is
    assert machine.cpu_flags()["avx512_vnni"] is True
