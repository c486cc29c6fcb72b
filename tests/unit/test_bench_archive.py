"""The generated news archive of `rag bench --only archive`."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from rag.bench import archive
from rag.corpus.load import load_document
from rag.index.build import scan_corpus
from rag.index.chunk import chunk_document, sentence_spans


@pytest.fixture(scope="module")
def articles() -> list[archive.Article]:
    return list(archive.generate(150, seed=5))


def test_the_same_seed_gives_the_same_archive_and_a_larger_one_begins_with_it():
    a = list(archive.generate(12, seed=1))
    assert a == list(archive.generate(12, seed=1))
    assert a[:5] == list(archive.generate(5, seed=1))
    other = list(archive.generate(12, seed=2))
    assert all(x.data != y.data for x, y in zip(a, other))


def test_sizes_stay_within_4_to_20_kb_around_10_kb(articles):
    sizes = [len(a.data.encode("utf-8")) for a in articles]
    assert min(sizes) >= archive.MIN_BYTES and max(sizes) <= archive.MAX_BYTES
    assert 9_500 <= sum(sizes) / len(sizes) <= 12_000
    assert max(sizes) - min(sizes) >= 8_000  # they vary, as real articles do
    assert {a.path.rsplit(".", 1)[1] for a in articles} == set(archive.FORMATS)


def test_the_loader_reads_back_exactly_the_body_and_metadata_of_every_file(tmp_path):
    info = archive.write_archive(tmp_path / "a", 60, seed=3)
    files = scan_corpus(tmp_path / "a")
    assert len(files) == info.articles == 60 and not [f for f in files if f.error]
    assert sum(len(f.data) for f in files) == info.bytes and sum(info.formats.values()) == 60
    expected = {a.path: a for a in archive.generate(60, seed=3)}
    for f in files:
        a, doc = expected[f.doc_id], load_document(f.path, f.doc_id, f.data)
        assert doc.text == a.body  # every line of page furniture removed, nothing of the body lost
        assert (doc.title, doc.meta["author"], doc.meta["source"]) == (a.title, a.author, a.outlet)
        # The loader keeps an HTML page's article:published_time whole (time and zone after the date).
        assert doc.meta["date"][:10] == a.date


def test_pages_carry_the_furniture_the_cleaner_removes(articles):
    by_type = {a.path.rsplit(".", 1)[1]: a for a in articles}
    txt, md, page = by_type["txt"].data, by_type["md"].data, by_type["html"].data
    assert txt.count(by_type["txt"].title) >= 2 and "\nViews: " in txt and "\nTags: " in txt
    assert "\nSubscribe to " in txt and "\nPosted " in txt and "..." in txt  # a teaser repeat
    assert md.startswith("---\ntitle: ") and "\nShare this article\n" in md
    assert "<script>" in page and "<nav>" in page and "<footer>" in page and 'property="og:title"' in page


def test_no_two_articles_sentences_or_chunks_are_the_same(articles, fake_embedder):
    """Repeats would come from the vector cache and flatter the ingest's speed."""
    assert len({a.body for a in articles}) == len(articles)
    sentences = [a.body[s:e] for a in articles for s, e in sentence_spans(a.body)]
    assert len(set(sentences)) == len(sentences) > 50 * len(articles)
    docs = [load_document(Path(a.path), a.path, a.data.encode("utf-8")) for a in articles[:40]]
    chunks = [c.embed_text for d in docs for c in chunk_document(d, fits=fake_embedder.fits)]
    assert len(set(chunks)) == len(chunks) > 10 * len(docs)


def test_vary_redraws_numbers_and_a_forced_variant_gets_a_phrase():
    rng = random.Random(0)
    s = "The plant shipped 1,700 wagons in 2022, the minister said."
    variants = {archive.vary(s, rng) for _ in range(200)}
    assert len(variants) > 50
    for v in variants:
        assert re.search(r"\b\d,\d{3} wagons\b", v) and re.search(r"\b20(1[5-9]|2[0-4])\b", v)
    forced = archive.vary(s, rng, force=True)
    assert forced != s and not forced.startswith("The ")


def test_target_sizes_keep_room_for_the_last_sentence():
    rng = random.Random(1)
    sizes = [archive.target_size(rng) for _ in range(2000)]
    assert min(sizes) >= archive.MIN_BYTES + 500 and max(sizes) <= archive.MAX_BYTES - 500
