"""The generated news archive of `rag bench --only archive`, and the part's bookkeeping. No timings asserted."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest

from rag.bench import archive, report
from rag.bench.archive_ingest import run_child, scaling, with_mb
from rag.corpus.load import load_document
from rag.errors import RagError
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
    assert sum(f.size for f in files) == info.bytes and sum(info.formats.values()) == 60
    expected = {a.path: a for a in archive.generate(60, seed=3)}
    for f in files:
        a, doc = expected[f.doc_id], load_document(f.path, f.doc_id)
        assert doc.text == a.body  # every line of page furniture removed, nothing of the body lost
        assert (doc.title, doc.meta["author"], doc.meta["source"]) == (a.title, a.author, a.outlet)
        assert doc.meta["date"] == a.date  # an HTML page's published_time, too, is read as its date


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


# ---------------------------------------------------------------- the part's bookkeeping


def _child_that_holds_memory(conn, mib: int) -> None:
    block = bytearray(b"\x01") * (mib * 2**20)  # written, so resident
    time.sleep(0.5)  # long enough for the parent to sample it
    conn.send(("hold", {"held": len(block) // 2**20}))
    conn.close()


def _child_that_fails(conn) -> None:
    conn.send(("error", "Traceback: ValueError: no such corpus"))
    conn.close()


def test_run_child_reports_each_phase_with_the_memory_the_child_held():
    out = run_child(_child_that_holds_memory, 150)
    assert list(out) == ["hold"] and out["hold"]["held"] == 150
    assert out["hold"]["peak_rss_tree_mib"] >= 150


def test_run_child_raises_the_childs_error():
    with pytest.raises(RagError, match="no such corpus"):
        run_child(_child_that_fails)


def _row(n: int, seconds: float, peak: float) -> dict:
    cold = {"documents": n, "chunks": 16 * n, "tokens": 1, "chunks_embedded": 16 * n, "seconds": seconds,
            "cpu_seconds": seconds * 1.5, "docs_per_s": round(n / seconds, 2),
            "chunks_per_s": round(16 * n / seconds, 2), "mb_per_s": 0.1, "peak_rss_mib": peak,
            "stages_s": {"parse_chunk": seconds / 4, "embed": seconds / 2}}  # fmt: skip
    same = {**cold, "chunks_embedded": 0, "seconds": 0.5, "cpu_seconds": 0.4}
    return {"articles": n, "input_mb": n / 100, "ours": {"model_load_s": 0.4, "cold": cold, "unchanged": same}}


def test_scaling_compares_each_size_with_the_first():
    (s,) = scaling([_row(100, 50.0, 400.0), _row(400, 250.0, 600.0)])
    assert s == {"from": 100, "to": 400, "articles_x": 4.0, "seconds_x": 5.0, "cpu_seconds_x": 5.0, "docs_per_s_x": 0.8,
                 "peak_rss_x": 1.5}  # fmt: skip
    assert scaling([_row(100, 50.0, 400.0)]) == []


def test_with_mb_takes_the_larger_peak_and_the_rate_of_input_text():
    got = with_mb({"seconds": 4.0, "peak_rss_mib": 300.0, "peak_rss_tree_mib": 350.5}, mb=2.0)
    assert got == {"seconds": 4.0, "peak_rss_tree_mib": 350.5, "mb_per_s": 0.5, "peak_rss_mib": 350.5}


def test_report_section_and_targets_of_the_archive_part(tmp_path):
    small, big = _row(100, 50.0, 400.0), _row(400, 40.0, 600.0)
    small["naive"] = {"model_load_s": 1.0, "cold": {**small["ours"]["cold"], "seconds": 100.0, "docs_per_s": 1.0}}
    small["speedup_cold"] = 2.0
    data = {"archive": {"seed": 17, "rows": [small, big], "scaling": scaling([small, big])}}
    got = {t["target"].split(" (")[0]: t for t in report.targets(data)}
    speed = got["archive cold ingest, articles/s"]
    assert (speed["before"], speed["after"], speed["met"]) == (1.0, 10.0, True)
    assert got["archive re-ingest unchanged, chunks embedded"]["met"] is True
    assert got["archive cold ingest peak RSS, MiB"]["met"] is None  # 4 MB: the goal is for 50 MB
    md = report.markdown(data)
    assert "## Archive ingest" in md and "| 100 | 1 | baseline | cold | 100 | 75 | 1 |" in md
    assert "| 400 | 4 | ours | unchanged | 0.5 | 0.4 | 10 |" in md and "| 400 | 10 (25%) | 20 (50%) | 0.4 |" in md
    assert (
        "Scaling, 100 to 400 articles (4x): 0.8x the time (0.8x the CPU time), 5x the articles/s, 1.5x the peak RSS."
        in md
    )


def test_archive_runs_only_when_named_and_takes_its_sizes():
    import argparse

    from rag.bench import DEFAULT_PARTS, PARTS
    from rag.bench.command import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    plain = parser.parse_args([])
    # The archive, load and PostgreSQL parts (which need a database URL) run only when named.
    assert plain.only == list(DEFAULT_PARTS) == [p for p in PARTS if p not in ("archive", "load", "stores", "pgscale")]
    args = parser.parse_args(["--only", "archive,ingest", "--archive-articles", "1k,4k", "--archive-baseline", "none"])
    assert (args.only, args.archive_articles, args.archive_baseline) == (["ingest", "archive"], [1000, 4000], "none")
    with pytest.raises(SystemExit):
        parser.parse_args(["--archive-baseline", "some"])
