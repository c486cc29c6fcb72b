"""Wire copies: the same story carried by several outlets, grouped at ingest.

A wire story (Reuters, AP, TASS, ...) reaches the corpus once per outlet that ran it, each copy
lightly edited: another headline, a trimmed ending, the outlet's own boilerplate. Exact copies
(the same cleaned text) are already indexed once; these near-copies are grouped here so search
can show the story once with "also in N outlets".

Each article's cleaned text (what the chunker sees) becomes a set of word 5-grams, summarized by
a MinHash signature (`datasketch`, 128 permutations); MinHashLSH finds the pairs whose estimated
Jaccard similarity is at least `THRESHOLD`, each pair is checked on the signatures, and the
connected pairs form groups. A group's id is its smallest doc_id.

Signatures depend only on the text, so the index keeps them by text hash (a file beside the
manifest, or a table in PostgreSQL) and an ingest computes them only for new or changed articles.

>>> a = "Kazakhstan blocked 1,700 wagons of Russian coal at the border on Monday, officials said."
>>> b = "BREAKING. " + a + " Subscribe to our channel."
>>> groups = group_copies({"a.txt": signature(a), "b.txt": signature(b), "c.txt": signature("Other news.")})
>>> groups
{'a.txt': 'a.txt', 'b.txt': 'a.txt'}
"""

from __future__ import annotations

import functools
import json
import os
import re
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np

# Word 5-grams: long enough that two different articles on the same subject share almost none
# (their Jaccard is at most 0.004 among the seed articles), short enough that an edit costs only
# the five shingles around it.
SHINGLE_WORDS = 5
NUM_PERM = 128
SEED = 1
SCHEME = "affine32"  # datasketch 2's permutations (32-bit values, no collision bias on long texts)
# Estimated Jaccard of word 5-grams from which two articles count as copies of one story. Measured
# on the seed articles (README, "Wire copies"): lightly edited copies of one article score 0.74 to
# 0.95, two different articles at most 0.004. 0.5 sits far from both.
THRESHOLD = 0.5
# LSH bands x rows: what datasketch's MinHashLSH picks for THRESHOLD and NUM_PERM (equal weights of
# false positives and negatives), given explicitly because finding them integrates numerically
# for every split (0.3 s per index). A pair of Jaccard 0.5 becomes a candidate with probability
# 0.55, of 0.6 with 0.87, of 0.75 with 0.999; every candidate is then checked on its full signatures.
LSH_BANDS = (25, 5)
SIGNATURE_FILE = "wire-signatures.npz"  # beside manifest.json (the file store)

_WORD = re.compile(r"\w+")


def params() -> dict[str, object]:
    """What the grouping depends on; recorded in the manifest, so a change regroups every article."""
    return {"method": "minhash-lsh", "scheme": SCHEME, "shingle_words": SHINGLE_WORDS, "num_perm": NUM_PERM,
            "seed": SEED, "threshold": THRESHOLD}  # fmt: skip


def shingles(text: str, n: int = SHINGLE_WORDS) -> set[bytes]:
    """The text's word n-grams, case-folded (punctuation and spacing do not count).

    >>> sorted(shingles("One two, THREE four", n=3))
    [b'one two three', b'two three four']
    """
    words = _WORD.findall(text.casefold())
    if len(words) < n:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    # datasketch draws them from `SEED` for every new MinHash (1.5 ms each); drawn once here.
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def _sketch(hashvalues: np.ndarray | None = None):
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=hashvalues, permutations=_permutations(), scheme=SCHEME)


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature (`NUM_PERM` uint32 values) of the text's shingles; None for a text
    without a word (it cannot be a copy of anything)."""
    grams = shingles(text)
    if not grams:
        return None
    m = _sketch()
    m.update_batch(list(grams))
    return np.asarray(m.hashvalues, dtype=np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal values."""
    return float(np.mean(a == b))


def group_copies(
    signatures: Mapping[str, np.ndarray | None],
    previous: Mapping[str, str] | None = None,
    fresh: Collection[str] = (),
) -> dict[str, str]:
    """doc_id -> group id (the group's smallest doc_id) for every article that has a copy.

    Groups are the connected parts of the pairs that share an LSH band (`LSH_BANDS`) and whose
    estimated Jaccard is at least `THRESHOLD`; articles without a copy are left out.

    Args:
        signatures: every indexed article's signature (None: no words).
        previous, fresh: the groups found last time and the articles whose text is new since.
            With `previous`, only what can have changed is looked at: each fresh article against
            all, and the old groups' remaining members among themselves (pairs of two old
            articles in different groups were not copies then and are not now). The groups are
            the same as from scratch; without `previous`, MinHashLSH pairs every article.
    """
    docs = sorted(d for d, s in signatures.items() if s is not None)
    parent = {d: d for d in docs}

    def join(a: str, b: str) -> None:
        ra, rb = _root(parent, a), _root(parent, b)
        parent[max(ra, rb)] = min(ra, rb)  # the smaller id stays the root: the group's id

    pairs = _all_pairs(docs, signatures) if previous is None else _new_pairs(docs, signatures, previous, fresh)
    for a, b in pairs:
        join(a, b)
    groups = {d: _root(parent, d) for d in docs}
    sizes: dict[str, int] = {}
    for g in groups.values():
        sizes[g] = sizes.get(g, 0) + 1
    return {d: g for d, g in groups.items() if sizes[g] > 1}


def _root(parent: dict[str, str], d: str) -> str:
    while parent[d] != d:
        parent[d] = parent[parent[d]]
        d = parent[d]
    return d


def _all_pairs(docs: list[str], signatures: Mapping[str, np.ndarray | None]) -> Iterator[tuple[str, str]]:
    """Every pair of copies, found by datasketch's MinHashLSH and checked on the signatures."""
    from datasketch import MinHashLSH

    if len(docs) < 2:
        return
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, params=LSH_BANDS)
    sketches = {d: _sketch(signatures[d]) for d in docs}
    with lsh.insertion_session() as session:
        for d in docs:
            session.insert(d, sketches[d], check_duplication=False)
    for d in docs:
        for other in lsh.query(sketches[d]):
            if other > d and similarity(signatures[d], signatures[other]) >= THRESHOLD:
                yield d, other


def _new_pairs(
    docs: list[str], signatures: Mapping[str, np.ndarray | None], previous: Mapping[str, str], fresh: Collection[str]
) -> Iterator[tuple[str, str]]:
    """The pairs of copies that involve a fresh article, and those inside the previous groups.

    LSH's test is done with numpy here: two signatures share a bucket exactly when one of their
    bands is equal, so these are the pairs MinHashLSH would give (tests compare them).
    """
    fresh = set(fresh) & set(docs)
    matrix = np.stack([signatures[d] for d in docs]) if docs else np.zeros((0, NUM_PERM), np.uint32)
    row = {d: i for i, d in enumerate(docs)}
    old_groups: dict[str, list[str]] = {}
    for d, g in previous.items():
        if d in row and d not in fresh:
            old_groups.setdefault(g, []).append(d)
    checks = [(row[d], [row[m] for m in ms]) for ms in old_groups.values() for d in ms]
    checks += [(row[d], range(len(docs))) for d in sorted(fresh)]
    for i, others in checks:
        others = np.asarray([j for j in others if j != i], dtype=np.int64)
        if not len(others):
            continue
        equal = matrix[others] == matrix[i]
        bands, rows = LSH_BANDS
        candidate = equal[:, : bands * rows].reshape(len(others), bands, rows).all(axis=2).any(axis=1)
        close = equal.mean(axis=1) >= THRESHOLD
        for j in others[candidate & close]:
            yield docs[i], docs[int(j)]


def members(groups: Mapping[str, str]) -> dict[str, list[str]]:
    """group id -> its doc_ids, sorted.

    >>> members({"b": "a", "a": "a"})
    {'a': ['a', 'b']}
    """
    out: dict[str, list[str]] = {}
    for d in sorted(groups):
        out.setdefault(groups[d], []).append(d)
    return out


class SignatureCache:
    """Signatures by text hash: those an index kept (`known`), and those computed on the way.

    Where they are kept is the store's business (`rag.index.stores.wire_signatures`): a file beside
    the manifest, or a table of the database. Losing them only costs computing them again.
    """

    def __init__(self, known: Mapping[str, np.ndarray] | None = None) -> None:
        self.known: dict[str, np.ndarray | None] = dict(known or {})
        self.computed = 0  # signatures computed by `get` (not kept by the index)

    def get(self, text_hash: str, text: str | Callable[[], str]) -> np.ndarray | None:
        """The signature of `text` (whose sha256 is `text_hash`), kept or computed. `text` may be
        a function that reads it: called only when the signature has to be computed."""
        if text_hash not in self.known:
            self.known[text_hash] = signature(text if isinstance(text, str) else text())
            self.computed += 1
        return self.known[text_hash]

    def entries(self, keep: Iterable[str]) -> dict[str, np.ndarray]:
        """The signatures of the texts in `keep` (the indexed ones): what the index keeps."""
        return {k: v for k in sorted(set(keep)) if (v := self.known.get(k)) is not None}


def read_signatures(path: Path) -> dict[str, np.ndarray]:
    """The signatures kept in `path` ({} when the file is missing, damaged or made with other params)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            if json.loads(str(z["params"])) != params():
                return {}
            hashes, values = z["hashes"], z["values"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # no file yet, or not one we can use
        return {}
    if values.shape != (len(hashes), NUM_PERM):
        return {}
    return dict(zip(hashes.tolist(), values))


def write_signatures(path: Path, entries: Mapping[str, np.ndarray]) -> None:
    """Keep `entries` (text hash -> signature) in `path`, atomically (write beside, then rename)."""
    keys = sorted(entries)
    values = np.array([entries[k] for k in keys], dtype=np.uint32).reshape(len(keys), NUM_PERM)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        np.savez(fh, hashes=np.array(keys, dtype=str), values=values, params=np.array(json.dumps(params())))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


__all__ = [
    "THRESHOLD", "SignatureCache", "group_copies", "members", "params", "read_signatures", "shingles", "signature",
    "similarity", "write_signatures",
]  # fmt: skip
