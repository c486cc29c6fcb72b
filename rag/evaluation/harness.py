"""The eval harness: retrieval and answer quality of the eval set, question by question.

Relevance is judged by evidence quote (metrics.py), not by chunk id, so the eval set stays
valid when chunking changes. Unanswerable questions count only in the answer metrics. The
command line is command.py; the regression gate gate.py; public benchmarks beir.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import RagError
from rag.evaluation.gate import (
    Outcomes,
    outcomes,
)
from rag.index.embed import Embedder
from rag.machine import machine
from rag.metrics import (
    contains_answer,
    hit_at_k,
    mean,
    ndcg_at_k,
    precision_at_k,
    quotes_in,
    recall_at_k,
    reciprocal_rank,
    safe_ratio,
    token_f1,
)

EVAL_MODES: tuple[str, ...] = ("dense", "bm25", "hybrid", "hybrid+mmr")
MODE_ARGS: dict[str, tuple[str, bool]] = {  # eval mode -> (search mode, use_mmr)
    "dense": ("dense", False),
    "bm25": ("bm25", False),
    "hybrid": ("hybrid", False),
    "hybrid+mmr": ("hybrid", True),
}
KS: tuple[int, ...] = (1, 3, 5, 10)
DEPTH = 10  # passages retrieved per question
MISS_K = 5  # a question whose evidence is not in the first MISS_K passages is listed as a miss
HEADLINE_RETRIEVAL = ("hit@1", "recall@5", "mrr@10", "ndcg@10")
# Kinds of question also reported apart (their own table): "time" needs the article dates.
GROUPS = ("time",)
ANSWER_METRICS = (
    "contains_gold", "token_f1", "citation_precision", "abstention_precision", "abstention_recall",
    "correct_and_cited",
)  # fmt: skip


class EvalError(RagError):
    """The eval set, the baseline or the options cannot be used as given."""


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    evidence: tuple[str, ...]
    answer: str | None
    unanswerable: bool
    split: str | None = None  # "dev" (tune on it) or "test" (measure once); None: not split
    kind: str | None = None  # what an unanswerable question tries: "offtopic", "false_premise", ...; "time"


def load_questions(path: Path) -> list[Question]:
    """Read and check the eval set: one JSON object a line with "id", "question", "evidence" (exact
    quotes from the articles), "answer" (or null) and "unanswerable"; optionally "split" ("dev" or
    "test") and "kind"."""
    path = Path(path)
    if not path.is_file():
        raise EvalError(f"eval set {path} not found; pass --questions FILE")
    out: list[Question] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            q = Question(
                str(raw["id"]), raw["question"], tuple(raw["evidence"]), raw["answer"], bool(raw["unanswerable"]),
                raw.get("split"), raw.get("kind"),
            )  # fmt: skip
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalError(f"{path}:{n}: not an eval question ({type(exc).__name__}: {exc})") from exc
        if q.split not in (None, "dev", "test"):
            raise EvalError(f'{path}:{n}: split must be "dev" or "test"; got {q.split!r}')
        if not q.unanswerable and not (q.evidence and q.answer):
            raise EvalError(f"{path}:{n}: answerable question {q.id} needs evidence quotes and an answer")
        out.append(q)
    ids = [q.id for q in out]
    if len(set(ids)) != len(ids):
        raise EvalError(f"{path}: question ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
    return out


class QueryCache(Embedder):
    """Wraps an embedder so each distinct question is embedded once across modes.

    `known` (text -> vector, recorded on another CPU: rag/evaluation/replay.py) answers first;
    a text it lacks is embedded here and listed in `missed`. `asked` lists every text asked for.
    """

    def __init__(self, inner: Embedder, known: dict[str, Any] | None = None) -> None:
        self.inner, self.name, self.dim, self.max_tokens = inner, inner.name, inner.dim, inner.max_tokens
        self._seen: dict[str, Any] = dict(known or {})
        self._known = known is not None
        self.asked: dict[str, None] = {}  # in order, once each
        self.missed: list[str] = []

    def embed_batch(self, texts: Sequence[str]):
        return self.inner.embed_batch(texts)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def embed_documents(self, texts, batch_size=32, progress=None):
        return self.inner.embed_documents(texts, batch_size, progress)

    def embed_query(self, text: str):
        self.asked.setdefault(text)
        if text not in self._seen:
            if self._known:
                self.missed.append(text)
            self._seen[text] = self.inner.embed_query(text)
        return self._seen[text]


# ---------------------------------------------------------------- retrieval


@dataclass(frozen=True)
class Retrieved:
    rank: int
    doc_id: str
    quotes: frozenset[int]  # which of the question's evidence quotes this passage holds
    start: str  # the passage's first words, to study a miss


@dataclass(frozen=True)
class QuestionRun:
    qid: str
    mode: str
    retrieved: tuple[Retrieved, ...]
    n_relevant: int  # passages in the whole index that hold evidence (for the ideal DCG)
    n_quotes: int

    def metrics(self) -> dict[str, float]:
        rel = [bool(r.quotes) for r in self.retrieved]
        found = [r.quotes for r in self.retrieved]
        out: dict[str, float] = {}
        for k in KS:
            out[f"precision@{k}"] = precision_at_k(rel, k)
            out[f"recall@{k}"] = recall_at_k(found, self.n_quotes, k)
            out[f"hit@{k}"] = hit_at_k(rel, k)
        out["mrr@10"] = reciprocal_rank(rel, 10)
        out["ndcg@10"] = ndcg_at_k([float(r) for r in rel], [1.0] * self.n_relevant, 10)
        return out


def first_words(text: str, n: int = 12) -> str:
    w = text.split()
    return " ".join(w[:n]) + (" ..." if len(w) > n else "")


def relevant_counts(questions: Sequence[Question], snapshot) -> dict[str, int]:
    """How many indexed passages hold evidence of each answerable question.

    Raises:
        EvalError: an evidence quote is in no passage (a wrong quote, or another corpus).
    """
    chunks = [c for rows in snapshot.doc_chunks().values() for c, _ in rows]
    counts, lost = {}, []
    for q in questions:
        if q.unanswerable:
            continue
        held = [quotes_in(c.text, q.evidence) for c in chunks]
        counts[q.id] = sum(1 for h in held if h)
        found = frozenset().union(*held)
        lost += [f"{q.id} quote {i + 1}" for i in range(len(q.evidence)) if i not in found]
    if lost:
        raise EvalError(
            f"evidence in no indexed passage: {', '.join(lost)}; fix the quote, or point --corpus at "
            "the articles the eval set was written for"
        )
    return counts


def retrieval_runs(questions, settings, snapshot, embedder, modes=EVAL_MODES) -> dict[str, list[QuestionRun]]:
    """Search every answerable question in every mode; the relevance floor applies as configured."""
    from rag.search.retrieve import search

    counts = relevant_counts(questions, snapshot)
    runs: dict[str, list[QuestionRun]] = {m: [] for m in modes}
    for q in questions:
        if q.unanswerable:
            continue
        for mode in modes:
            name, use_mmr = MODE_ARGS[mode]
            hits = search(q.question, settings, snapshot, embedder=embedder, k=DEPTH, mode=name, use_mmr=use_mmr).hits
            got = tuple(
                Retrieved(h.rank, h.chunk.doc_id, quotes_in(h.chunk.text, q.evidence), first_words(h.chunk.text))
                for h in hits
            )
            runs[mode].append(QuestionRun(q.id, mode, got, counts[q.id], len(q.evidence)))
    return runs


def best_cosines(questions, settings, snapshot, embedder) -> dict[str, float]:
    """Cosine of each question's nearest passage, relevance floor off (0.0 for an empty index)."""
    from rag.search.retrieve import search

    out = {}
    for q in questions:
        hits = search(q.question, settings, snapshot, embedder=embedder, k=1, mode="dense", floor=-1.0).hits
        out[q.id] = round(hits[0].scores_by_method["dense"], 4) if hits else 0.0
    return out


def summarize(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    """Mean of each metric over questions."""
    return {name: mean([r[name] for r in rows]) for name in rows[0]} if rows else {}


# ---------------------------------------------------------------- answers


@dataclass(frozen=True)
class AnswerRow:
    qid: str
    unanswerable: bool
    abstained: bool
    text: str
    contains_gold: bool
    f1: float
    cited: int
    cited_with_evidence: int
    cited_docs: tuple[str, ...]

    @property
    def correct_and_cited(self) -> bool:
        return self.contains_gold and self.cited_with_evidence > 0 and not self.abstained


def answer_runs(questions, settings, snapshot, embedder) -> tuple[list[AnswerRow], str | None]:
    """Answer every question; returns (rows, None), or ([], why) when rag.answer.extractive is not available."""
    try:
        from rag.answer.extractive import answer_question
    except ImportError as exc:
        return [], f"answer metrics skipped: rag.answer.extractive cannot be imported yet ({exc})"
    rows = []
    for q in questions:
        a = answer_question(q.question, settings, snapshot, embedder=embedder)
        cited = [c.chunk.text for c in a.citations]
        gold = q.answer or ""
        rows.append(
            AnswerRow(
                qid=q.id,
                unanswerable=q.unanswerable,
                abstained=a.abstained,
                text=a.text,
                contains_gold=bool(gold) and not a.abstained and contains_answer(a.text, gold),
                f1=0.0 if a.abstained or not gold else token_f1(a.text, gold),
                cited=len(cited),
                cited_with_evidence=sum(1 for t in cited if quotes_in(t, q.evidence)),
                cited_docs=tuple(c.chunk.doc_id for c in a.citations),
            )
        )
    return rows, None


def summarize_answers(rows: Sequence[AnswerRow]) -> dict[str, float]:
    """Answer metrics; citation precision counts the passages cited for answerable questions."""
    answerable = [r for r in rows if not r.unanswerable]
    abstained = [r for r in rows if r.abstained]
    unanswerable = [r for r in rows if r.unanswerable]
    return {
        "contains_gold": mean([float(r.contains_gold) for r in answerable]),
        "token_f1": mean([r.f1 for r in answerable]),
        "citation_precision": safe_ratio(
            sum(r.cited_with_evidence for r in answerable), sum(r.cited for r in answerable)
        ),
        "abstention_precision": safe_ratio(sum(r.unanswerable for r in abstained), len(abstained)),
        "abstention_recall": safe_ratio(sum(r.abstained for r in unanswerable), len(unanswerable)),
        "correct_and_cited": mean([float(r.correct_and_cited) for r in answerable]),
    }


# ---------------------------------------------------------------- the whole evaluation


@dataclass(frozen=True)
class EvalReport:
    questions: int
    answerable: int
    settings: dict[str, Any]
    retrieval: dict[str, dict[str, float]]  # mode -> metric -> mean
    answers: dict[str, float] | None
    answers_note: str | None = None
    misses: tuple[dict[str, Any], ...] = ()
    per_question: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Best passage cosine of each question with the floor off: what the relevance floor is set by.
    best_cosine: dict[str, float] = field(default_factory=dict)
    # Per question: "correct_and_cited" (answerable) or "abstained" (unanswerable): what the gate watches.
    answer_outcomes: dict[str, dict[str, bool]] = field(default_factory=dict)
    machine: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    # Kind (GROUPS) -> {"questions", "answerable", "retrieval": mode -> means, "answers": means}.
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)

    def headline(self) -> dict[str, float]:
        """The numbers the regression gate watches, as flat "section/metric" names."""
        out = {f"{m}/{k}": v[k] for m, v in self.retrieval.items() for k in HEADLINE_RETRIEVAL}
        out.update({f"answers/{k}": self.answers[k] for k in ANSWER_METRICS} if self.answers else {})
        return out

    def outcomes(self) -> Outcomes:
        """Pass/fail per question of every outcome the regression gate watches (rag/eval_gate.py)."""
        return outcomes(self.per_question, self.answer_outcomes)

    def to_json(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in ("questions", "answerable", "settings", "retrieval", "answers")}
        return {**data, "machine": self.machine, "answers_note": self.answers_note, "headline": self.headline(),
                "misses": list(self.misses), "per_question": self.per_question,
                "answer_outcomes": self.answer_outcomes, "best_cosine": self.best_cosine,
                "groups": self.groups}  # fmt: skip


def settings_summary(settings) -> dict[str, Any]:
    keys = ("embedder", "chunk_tokens", "chunk_overlap", "top_k", "rrf_k", "mmr_lambda", "min_dense_score")
    out: dict[str, Any] = {k: getattr(settings, k) for k in keys}
    out["answerer"] = "llm" if settings.llm_enabled else "extractive"
    return out


def retrieval_misses(runs: dict[str, list[QuestionRun]], questions: dict[str, Question]) -> list[dict[str, Any]]:
    """Per question and mode, where no passage in the first MISS_K holds evidence: what came instead."""
    out = []
    for mode, rows in runs.items():
        for r in rows:
            if any(x.quotes for x in r.retrieved[:MISS_K]):
                continue
            first = next((x.rank for x in r.retrieved if x.quotes), None)
            out.append({
                "kind": "retrieval", "id": r.qid, "mode": mode, "question": questions[r.qid].question,
                "evidence": questions[r.qid].evidence[0], "first_relevant_rank": first,
                "retrieved": [{"rank": x.rank, "doc_id": x.doc_id, "start": x.start} for x in r.retrieved[:3]],
            })  # fmt: skip
    return sorted(out, key=lambda m: (m["id"], EVAL_MODES.index(m["mode"])))


def answer_misses(rows: Sequence[AnswerRow], questions: dict[str, Question]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        wrong = r.unanswerable != r.abstained or (not r.unanswerable and not r.correct_and_cited)
        if wrong:
            why = ("answered an unanswerable question" if r.unanswerable else
                   "abstained" if r.abstained else
                   "gold answer missing" if not r.contains_gold else "no cited passage holds evidence")  # fmt: skip
            out.append({"kind": "answer", "id": r.qid, "why": why, "question": questions[r.qid].question,
                        "gold": questions[r.qid].answer, "answer": first_words(r.text, 40),
                        "cited_docs": list(r.cited_docs)})  # fmt: skip
    return out


def per_question(runs: dict[str, list[QuestionRun]]) -> dict[str, dict[str, Any]]:
    """Rank of the first passage with evidence, per question and mode (None: not in the top 10)."""
    out: dict[str, dict[str, Any]] = {}
    for mode, rows in runs.items():
        for r in rows:
            out.setdefault(r.qid, {})[mode] = next((x.rank for x in r.retrieved if x.quotes), None)
    return out


def group_summaries(
    questions: Sequence[Question], runs: dict[str, list[QuestionRun]], rows: Sequence[AnswerRow]
) -> dict[str, dict[str, Any]]:
    """The metrics of each kind in GROUPS on its own questions (kinds with no question are left out)."""
    out: dict[str, dict[str, Any]] = {}
    for kind in GROUPS:
        ids = {q.id for q in questions if q.kind == kind}
        if not ids:
            continue
        mine = [r for r in rows if r.qid in ids]
        out[kind] = {
            "questions": len(ids),
            "answerable": sum(1 for q in questions if q.id in ids and not q.unanswerable),
            "retrieval": {m: summarize([r.metrics() for r in rs if r.qid in ids]) for m, rs in runs.items()},
            "answers": summarize_answers(mine) if mine else None,
        }
    return out


def evaluate(questions, settings, snapshot, embedder, modes=EVAL_MODES, answers: bool = True) -> EvalReport:
    """Run the whole eval set through retrieval (every mode) and, if available, the answerer."""
    t = time.perf_counter()
    embedder = embedder if isinstance(embedder, QueryCache) else QueryCache(embedder)
    by_id = {q.id: q for q in questions}
    runs = retrieval_runs(questions, settings, snapshot, embedder, modes)
    rows, note = (
        answer_runs(questions, settings, snapshot, embedder) if answers else ([], "answer metrics not asked for")
    )
    return EvalReport(
        questions=len(questions),
        answerable=sum(not q.unanswerable for q in questions),
        settings=settings_summary(settings),
        retrieval={m: summarize([r.metrics() for r in rs]) for m, rs in runs.items()},
        answers=summarize_answers(rows) if rows else None,
        answers_note=note,
        misses=tuple(retrieval_misses(runs, by_id) + answer_misses(rows, by_id)),
        per_question=per_question(runs),
        best_cosine=best_cosines(questions, settings, snapshot, embedder),
        answer_outcomes={
            r.qid: {"abstained": r.abstained} if r.unanswerable else {"correct_and_cited": r.correct_and_cited}
            for r in rows
        },
        machine=machine(),
        seconds=round(time.perf_counter() - t, 2),
        groups=group_summaries(questions, runs, rows),
    )
