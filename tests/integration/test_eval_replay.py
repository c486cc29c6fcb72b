"""Another CPU's question vectors replayed here (rag/evaluation/replay.py, `make test-avx2`), with the
real model: recording, embedding and replaying give the plain run's outcomes, and bad files say
what to run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.engine import Engine
from rag.evaluation.harness import EvalError
from rag.evaluation.replay import made_on, read_texts, read_vectors, write_texts, write_vectors

ROOT = Path(__file__).resolve().parents[2]
RAG = [sys.executable, "-m", "rag.cli"]


def rag(*args, cwd, ok=True):
    proc = subprocess.run([*RAG, *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert (proc.returncode == 0) == ok, proc.stderr
    return proc


def test_a_batch_gives_each_question_the_vector_a_single_call_gives(real_embedder):
    texts = ["Who criticized Zatulin's remarks?", "how many langauges does tokayev speak", "x", "coal " * 60]
    batch = real_embedder.embed_documents(texts)
    assert np.array_equal(batch, np.stack([real_embedder.embed_query(t) for t in texts]))


@pytest.mark.slow
def test_recorded_vectors_replay_the_plain_runs_outcomes(tmp_path, corpus, real_embedder):
    name = real_embedder.name
    lines = (ROOT / "eval" / "questions.jsonl").read_text().splitlines()
    picked = [line for line in lines if '"unanswerable": true' in line][:4] + lines[:8]
    (tmp_path / "q.jsonl").write_text("\n".join(picked) + "\n")
    common = ("--questions", "q.jsonl", "--modes", "dense,hybrid")

    rag("eval", *common, "--reports", "plain", "--record-queries", "texts.json", cwd=tmp_path)
    texts = read_texts(tmp_path / "texts.json")
    assert len(texts) >= len(picked)  # every question, and the answerer's rewritten searches
    embedded = rag("eval", "--embed-queries", "texts.json", "--query-vectors", "v.npz", cwd=tmp_path)
    assert f"embedded {len(texts)} question texts" in embedded.stderr
    replayed = rag("eval", *common, "--reports", "replayed", "--query-vectors", "v.npz", cwd=tmp_path)
    assert f"{len(texts)} of {len(texts)} from v.npz" in replayed.stderr and "; 0 embedded here" in replayed.stderr

    def outcomes(folder):
        report = json.loads((tmp_path / folder / "eval.json").read_text())
        return report["per_question"], report["answer_outcomes"], report["best_cosine"]

    assert outcomes("replayed") == outcomes("plain")

    # A text the file lacks is embedded here, and counted.
    vectors, machine = read_vectors(tmp_path / "v.npz", name)
    assert machine["cpu_flags"]["avx2"] is True
    write_vectors(
        tmp_path / "short.npz",
        texts[1:],
        np.stack([vectors[t] for t in texts[1:]]),
        name,
        machine,
    )
    short = rag("eval", *common, "--no-write", "--query-vectors", "short.npz", cwd=tmp_path)
    assert f"{len(texts) - 1} of {len(texts)} from short.npz" in short.stderr and "; 1 embedded here" in short.stderr

    # Another embedder's vectors, and a file that is not ours: refused, saying what to run.
    write_vectors(tmp_path / "other.npz", texts, np.stack([vectors[t] for t in texts]), "other-model", machine)
    other = rag("eval", *common, "--no-write", "--query-vectors", "other.npz", cwd=tmp_path, ok=False)
    assert "embed the questions again with the same settings" in other.stderr and "Traceback" not in other.stderr
    (tmp_path / "bad.json").write_text("[1, 2]")
    bad = rag("eval", "--embed-queries", "bad.json", "--query-vectors", "w.npz", cwd=tmp_path, ok=False)
    assert "rag eval --record-queries" in bad.stderr and not (tmp_path / "w.npz").exists()


@pytest.mark.slow
def test_embedding_keeps_what_the_file_holds_only_if_this_run_would_embed_the_same(tmp_path, corpus, real_embedder):
    texts = ["Who criticized Zatulin's remarks?", "What is the population of Mongolia?", "how many mines", "Tokayev"]
    write_texts(tmp_path / "texts.json", texts)
    name, here = real_embedder.name, made_on()
    held = np.stack([real_embedder.embed_query(t) for t in texts[:2]])

    def embed():
        proc = rag("eval", "--embed-queries", "texts.json", "--query-vectors", "v.npz", cwd=tmp_path)
        vectors, _ = read_vectors(tmp_path / "v.npz", name)
        assert list(vectors)[-len(texts) :] == texts  # after the index's passages and sentences
        assert all(np.array_equal(vectors[t], real_embedder.embed_query(t)) for t in texts)
        return proc.stderr

    # What a stopped run (or eval/avx2-vectors.npz) holds is kept: only the other texts are embedded.
    write_vectors(tmp_path / "v.npz", texts[:2], held, name, here)
    assert "embedded 2 question texts" in (out := embed()) and "; 2 kept from what the file held" in out

    # Vectors this run would not give (other embedding code wrote them, say) fail the spot check.
    write_vectors(tmp_path / "v.npz", texts[:2], np.full_like(held, 0.5), name, here)
    out = embed()
    assert "2 of 2 vectors v.npz holds differ" in out and "embedded 4 question texts" in out and "kept" not in out

    # Another CPU's flags, or other versions of what a vector depends on: embedded again, unchecked.
    flags = here["cpu_flags"] | {"avx512f": not here["cpu_flags"]["avx512f"]}
    for other in (here | {"cpu_flags": flags}, here | {"versions": here["versions"] | {"onnxruntime": "1.0"}}):
        write_vectors(tmp_path / "v.npz", texts[:2], held, name, other)
        out = embed()
        assert "embedded 4 question texts" in out and "kept" not in out and "differ" not in out


@pytest.mark.slow
def test_the_index_is_built_from_the_passage_vectors_the_file_holds(tmp_path, corpus, real_embedder):
    write_texts(tmp_path / "texts.json", ["Who criticized Zatulin's remarks?"])
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")

    def embed() -> tuple[str, np.ndarray, np.ndarray]:
        out = rag("eval", "--embed-queries", "texts.json", "--query-vectors", "v.npz", cwd=tmp_path).stderr
        snapshot = Engine(settings, embedder=real_embedder).snapshot()
        return out, snapshot.vectors_of(range(len(snapshot))), np.asarray(snapshot.sentences.vectors)

    out, chunks, sentences = embed()
    vectors, _ = read_vectors(tmp_path / "v.npz", real_embedder.name)
    n = len(vectors) - 1  # every passage and sentence text of the index, then the question
    assert (
        n == len(chunks) + len(sentences)
        and f"embedded {n} of the {n} passage and sentence texts the index asked for" in out
    )
    # Each text beside its own vector: the one the model gives it alone.
    texts = list(vectors)
    assert all(np.array_equal(vectors[t], real_embedder.embed_query(t)) for t in texts[:: len(texts) // 9])

    # Built again from the file into an empty folder: nothing embedded, the same vectors, bit for bit.
    shutil.rmtree(tmp_path / "index")
    out, again, again_sentences = embed()
    assert (
        f"embedded 0 of the {n} passage and sentence texts the index asked for" in out
        and f"{n} kept from what v.npz held" in out
    )
    assert np.array_equal(again, chunks) and np.array_equal(again_sentences, sentences)

    # A sentence the file lacks (an article edited since, say) is embedded, the others kept.
    shutil.rmtree(tmp_path / "index")
    dropped = texts[-2]  # the index's last sentence
    write_vectors(tmp_path / "v.npz", [t for t in texts if t != dropped], np.stack([vectors[t] for t in texts if t != dropped]),
                  real_embedder.name, made_on())  # fmt: skip
    out, again, again_sentences = embed()
    assert f"embedded 1 of the {n} passage and sentence texts the index asked for" in out
    assert np.array_equal(again, chunks) and np.array_equal(again_sentences, sentences)


def test_bad_files_say_what_to_run(tmp_path):
    (tmp_path / "t.json").write_text(json.dumps({"texts": ["a"]}))  # no format: not ours
    with pytest.raises(EvalError, match="--record-queries"):
        read_texts(tmp_path / "t.json")
    (tmp_path / "v.npz").write_bytes(b"not a zip")
    with pytest.raises(EvalError, match="--embed-queries"):
        read_vectors(tmp_path / "v.npz", "m")
    with pytest.raises(ValueError, match="2 texts but 1 vectors"):
        write_vectors(tmp_path / "w.npz", ["a", "b"], np.zeros((1, 3)), "m", {})
    assert not (tmp_path / "w.npz").exists()
