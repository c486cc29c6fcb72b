"""Bad files in the corpus: each is indexed correctly or skipped with a one-line reason, the rest
of the corpus is indexed, duplicates are indexed once, and changes between ingests lose nothing.

Unreadable files: the tests run as root, and root reads a `chmod 000` file anyway. So that ingest
runs in a subprocess without the two capabilities that let root ignore file permissions
(`setpriv --bounding-set=-dac_override,-dac_read_search`): the kernel then refuses the read with
EACCES exactly as it does for an ordinary user. As a plain user, `chmod 000` is enough.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rag.config import Settings
from rag.engine import Engine
from rag.index.build import index_status, ingest
from rag.index.store import read_manifest
from tests.conftest import ROOT, SEED_CORPUS

SEED_NAMES = sorted(p.name for p in SEED_CORPUS.iterdir())
RUSSIAN = "Президент Токаев заявил журналистам в Астане, что торговля с Россией выросла на десять процентов."
FRENCH = "Le président a déclaré à Genève que la coopération économique continuera l’année prochaine."
FRENCH_LATIN1 = FRENCH.replace("’", "'")  # latin-1 has no curly apostrophe
ZORBIA = [
    "The Zorbian Ministry of Canals said on Monday that the new Blue Canal will open with 47 locks.",
    "Officials expect the first cargo boats to pass through the canal in spring, the ministry said.",
    "Shipping companies welcomed the news, saying the route would cut travel times by two days.",
]
# A news page as sites serve it: trackers, JSON-LD, navigation, sidebar, ads, forms, footer.
NOISY_HTML = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Zorbia Daily | World | Canal opens</title>
<meta property="og:site_name" content="Zorbia Daily">
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Tracking headline"}}</script>
<style>body {{ font-family: sans-serif; }}</style></head><body>
<noscript><img src="https://px.example.com/p.gif">Enable JavaScript for the best experience</noscript>
<header><div class="logo">Zorbia Daily</div><form action="/search"><input name="q"><button>Go</button></form></header>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<aside><h3>Most read</h3><ol><li>Celebrity chef opens a bakery</li></ol></aside>
<main><article><h1>Blue Canal opens in Zorbia</h1><p class="byline">By Jane Roe</p>
<p>{ZORBIA[0]}</p>
<script>document.write('<p>Injected by a script: buy now</p>');</script>
<div class="ad"><iframe src="https://ads.example.com/banner"></iframe></div>
<p>{ZORBIA[1]}</p><template><p>Template text never shown</p></template>
<p>{ZORBIA[2]}</p><svg><text>chart label</text></svg><button>Share on social media</button>
</article></main>
<footer><p>© 2024 Zorbia Daily. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
<script src="https://cdn.example.com/analytics.js"></script><script>trackPageView({{"id": 123}});</script>
</body></html>"""
# Words but not one sentence: short lines (a table: nothing reads as article text, so it is
# skipped) and one 3,000-word line with no punctuation at all (indexed, in windows that fit).
NO_SENTENCES = (
    "Grain export table\n\nAlmaty region wheat 120 thousand tonnes\nKostanay region barley 300 thousand tonnes\n"
)
RUN_ON_WORDS = ["coal", "wagons", "border", "minister", "grain", "trade", "river", "canal", "port", "council"]
RUN_ON = " ".join(RUN_ON_WORDS[(i * 7 + i // 10) % 10] for i in range(3000))
LIMIT = "larger than the 20 MB limit (RAG_MAX_FILE_MB)"
BAD_FILES = 18  # every file written by bad_corpus(), the unreadable one included


def bad_corpus(folder: Path) -> dict[str, str | None]:
    """The seed articles plus one file of every troublesome kind.

    Returns:
        file -> the skip reason the summary must give, or None for a file that must be indexed.
    """
    shutil.copytree(SEED_CORPUS, folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_bytes(b"  \n\n\t \n")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\nthis is not really a pdf at all")
    (folder / "ru-cp1251.txt").write_bytes(f"Торговля с Россией\n\n{RUSSIAN}\n".encode("cp1251"))
    (folder / "fr-latin1.txt").write_bytes(f"Coopération\n\n{FRENCH_LATIN1}\n".encode("latin-1"))
    (folder / "noisy.html").write_text(NOISY_HTML, encoding="utf-8")
    (folder / "only-scripts.html").write_text(
        "<html><head><script>var a = 1;</script></head><body><nav><a href='/'>Home</a></nav>"
        "<script>track()</script><footer>© Site</footer></body></html>"
    )
    (folder / "punctuation.txt").write_text("... --- !!! ???\n\n*** ---\n")
    (folder / "no-sentences.txt").write_text(NO_SENTENCES)
    (folder / "run-on.txt").write_text(f"Run-on story\n\n{RUN_ON}\n")
    with open(folder / "huge.txt", "wb") as fh:  # 50 MB of real article text
        block = (ZORBIA[0] + "\n\n").encode() * 10_000
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(block)
    shutil.copy(folder / SEED_NAMES[0], folder / "zz-same-article-again.txt")
    os.symlink(folder / "no-such-target.txt", folder / "dangling-link.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "folder-named.txt").mkdir()  # a folder named like a file: its contents count
    (folder / "folder-named.txt" / "inside.txt").write_text(f"Inside story\n\n{ZORBIA[1]}\n")
    (folder / "locked.txt").write_text(f"Locked story\n\n{ZORBIA[2]}\n")
    (folder / "locked.txt").chmod(0)
    return {
        "empty.txt": "empty file",
        "blank.md": "empty file",
        "binary.txt": "binary file, not text",
        "photo.png": "unsupported type .png; use one of .txt, .md, .markdown, .html, .htm, .pdf",
        "broken.pdf": None,  # a reason that starts "unreadable PDF"; checked on its own
        "ru-cp1251.txt": None,
        "fr-latin1.txt": None,
        "noisy.html": None,
        "only-scripts.html": "no article text left after removing boilerplate",
        "punctuation.txt": "no article text left after removing boilerplate",
        "no-sentences.txt": "no article text left after removing boilerplate",
        "run-on.txt": None,
        "huge.txt": LIMIT,
        "zz-same-article-again.txt": None,  # a duplicate, reported as such
        "dangling-link.txt": "broken link (No such file or directory)",
        "pipe.txt": "not a regular file (a FIFO)",
        "folder-named.txt/inside.txt": None,
        "locked.txt": "cannot read file (Permission denied)",
    }


INDEXED = ["ru-cp1251.txt", "fr-latin1.txt", "noisy.html", "run-on.txt", "folder-named.txt/inside.txt"]


def check_bad_corpus_result(summary: str, manifest: dict, expected: dict[str, str | None], unreadable: bool) -> None:
    """The one-line reasons in the summary, and what the index holds, for bad_corpus()."""
    lines = summary.splitlines()
    for name, reason in expected.items():
        if reason is None or (name == "locked.txt" and not unreadable):
            continue
        assert f"  skipped: {name}: {reason}" in lines, (name, summary)
    pdf = [line for line in lines if line.startswith("  skipped: broken.pdf: unreadable PDF")]
    assert len(pdf) == 1, summary
    assert f"  duplicate: zz-same-article-again.txt repeats {SEED_NAMES[0]} (indexed once)" in lines
    # Every skip is one line of its own: one per skipped file, nothing else.
    skipped = [line for line in lines if line.startswith("  skipped: ")]
    n_skipped = sum(1 for name, r in expected.items() if r is not None) + 1 - (0 if unreadable else 1)
    assert len(skipped) == n_skipped, summary
    indexed = set(SEED_NAMES) | set(INDEXED) | (set() if unreadable else {"locked.txt"})
    assert set(manifest.documents) == indexed
    assert manifest.counts.documents == len(indexed)
    assert lines[0].startswith(f"{len(indexed)} articles, ")


def test_every_bad_file_is_indexed_correctly_or_skipped_with_a_reason(tmp_path, fake_embedder):
    corpus = tmp_path / "corpus"
    expected = bad_corpus(corpus)
    assert len(expected) == BAD_FILES
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    report = ingest(settings, embedder=fake_embedder)
    unreadable = os.geteuid() != 0  # root reads it anyway; the subprocess test below covers root
    check_bad_corpus_result(report.summary(), read_manifest(settings.index_dir), expected, unreadable)
    assert report.duplicates == {"zz-same-article-again.txt": SEED_NAMES[0]}

    snap = Engine(settings, fake_embedder).snapshot()
    texts = {d.doc_id: d.text for d in snap.documents()}
    # Decoded, not mangled: the exact sentences come back out of the index.
    assert texts["ru-cp1251.txt"] == RUSSIAN
    assert texts["fr-latin1.txt"] == FRENCH_LATIN1
    # Only the article of the noisy page: no script, navigation, sidebar, ad, form or footer text.
    assert texts["noisy.html"] == "\n\n".join(ZORBIA)
    assert snap.document("noisy.html").title == "Blue Canal opens in Zorbia"
    assert texts["run-on.txt"] == RUN_ON
    run_on = [c for c, _ in snap.doc_chunks()["run-on.txt"]]
    assert len(run_on) >= 10 and all(fake_embedder.fits(c.embed_text) for c in run_on)
    assert texts["folder-named.txt/inside.txt"] == ZORBIA[1]
    # Every chunk maps back to its document's text, including the odd ones.
    for doc_id, rows in snap.doc_chunks().items():
        for chunk, _ in rows:
            assert texts[doc_id][chunk.char_start : chunk.char_end] == chunk.text
    # The duplicate added no chunk: the seed article's chunks exist once.
    assert "zz-same-article-again.txt" not in snap.doc_chunks()
    # Nothing is stale afterwards: skipped files are remembered with their reasons.
    assert index_status(settings).stale is False
    again = ingest(settings, embedder=fake_embedder)
    assert again.wrote is False and again.skipped == report.skipped


def test_skipped_files_are_read_no_further_than_needed(tmp_path, fake_embedder, monkeypatch):
    """The 50 MB file is judged by its size (never read), the FIFO is never opened (it would block)."""
    corpus = tmp_path / "corpus"
    bad_corpus(corpus)
    opened: list[str] = []
    real = Path.read_bytes

    def spy(self):
        opened.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    ingest(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), embedder=fake_embedder)
    assert "huge.txt" not in opened and "pipe.txt" not in opened and "dangling-link.txt" not in opened
    assert "empty.txt" in opened and "ru-cp1251.txt" in opened


def test_a_larger_limit_admits_the_big_file(tmp_path, fake_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "big.txt").write_text("Big story\n\n" + " ".join([ZORBIA[0]] * 250))  # 24 KB
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", max_file_mb=0.02)
    assert ingest(settings, embedder=fake_embedder).skipped == {
        "big.txt": "larger than the 0.02 MB limit (RAG_MAX_FILE_MB)"
    }
    report = ingest(settings.replace(max_file_mb=0.03), embedder=fake_embedder)
    assert report.added == ["big.txt"] and report.skipped == {}


def _without_root_powers() -> list[str]:
    """A command prefix under which file permissions hold, even for root."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"]


def _check_unreadable_for_real(path: Path) -> None:
    proc = subprocess.run([*_without_root_powers(), "cat", str(path)], capture_output=True)
    if proc.returncode == 0:
        pytest.skip("cannot make a file unreadable here")


INGEST_SCRIPT = """
import sys
sys.path.insert(0, sys.argv[1])
from tests.conftest import FakeEmbedder
from rag.config import Settings
from rag.index.build import ingest
print(ingest(Settings(corpus_dir=sys.argv[2], index_dir=sys.argv[3]), embedder=FakeEmbedder()).summary())
"""


def test_unreadable_file_and_folder_are_skipped_and_the_rest_is_indexed(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    (corpus / "secret.txt").write_text(f"Secret story\n\n{ZORBIA[0]}\n")
    (corpus / "locked-folder").mkdir()
    (corpus / "locked-folder" / "inside.txt").write_text(f"Inside story\n\n{ZORBIA[1]}\n")
    (corpus / "zzz-after.txt").write_text(f"After story\n\n{ZORBIA[2]}\n")
    (corpus / "secret.txt").chmod(0)
    (corpus / "locked-folder").chmod(0)
    _check_unreadable_for_real(corpus / "secret.txt")
    try:
        proc = subprocess.run(
            [*_without_root_powers(), sys.executable, "-c", INGEST_SCRIPT, str(ROOT), str(corpus), str(tmp_path / "i")],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    finally:
        (corpus / "locked-folder").chmod(0o755)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("6 articles, "), proc.stdout
    assert "  skipped: secret.txt: cannot read file (Permission denied)" in lines
    assert "  skipped: locked-folder/: cannot read folder (Permission denied)" in lines
    manifest = read_manifest(tmp_path / "i")
    assert set(manifest.documents) == {*SEED_NAMES, "zzz-after.txt"}


@pytest.mark.slow
def test_rag_ingest_on_the_bad_corpus(tmp_path):
    """The real command, real model, file permissions in force: the summary a user sees."""
    corpus = tmp_path / "corpus"
    expected = bad_corpus(corpus)
    _check_unreadable_for_real(corpus / "locked.txt")
    proc = subprocess.run(
        [*_without_root_powers(), sys.executable, "-m", "rag.cli", "ingest", "--quiet"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    check_bad_corpus_result(proc.stdout, read_manifest(tmp_path / "index"), expected, unreadable=True)
    ask = subprocess.run(
        [sys.executable, "-m", "rag.cli", "ask", "How many locks will the Blue Canal open with?", "--json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert ask.returncode == 0, ask.stderr
    assert "47 locks" in json.loads(ask.stdout)["answer"]


# ---------------------------------------------------------------- changes between ingests


def _doc_ids_in_every_part(settings: Settings, embedder) -> set[str]:
    """Documents that have chunks, after checking that every part of the index agrees on the chunks."""
    snap = Engine(settings, embedder).snapshot()
    chunk_docs = snap.doc_chunks()
    n = sum(len(v) for v in chunk_docs.values())
    assert len(snap.ids) == snap.faiss_index.ntotal == n == int(snap.bm25.scores["num_docs"])
    assert set(snap.manifest.documents) == {d.doc_id for d in snap.documents()}
    assert set(snap.sentences.doc_ids.tolist()) == set(snap.manifest.documents)
    return set(chunk_docs)


def test_deleted_renamed_restored_and_fixed_files_between_ingests(settings, fake_embedder, corpus):
    first = SEED_NAMES[0]
    shutil.copy(corpus / first, corpus / "zz-copy.txt")
    (corpus / "empty.txt").write_bytes(b"")
    ingest(settings, embedder=fake_embedder)
    assert _doc_ids_in_every_part(settings, fake_embedder) == set(SEED_NAMES)

    # Deleted: its chunks leave every part of the index.
    (corpus / SEED_NAMES[1]).unlink()
    report = ingest(settings, embedder=fake_embedder)
    assert report.removed == [SEED_NAMES[1]] and report.added == []
    assert _doc_ids_in_every_part(settings, fake_embedder) == set(SEED_NAMES) - {SEED_NAMES[1]}

    # Renamed: removed under the old name, added under the new, and nothing embedded again.
    (corpus / SEED_NAMES[2]).rename(corpus / "renamed.txt")
    fake_embedder.embedded = 0
    report = ingest(settings, embedder=fake_embedder)
    assert (report.removed, report.added) == ([SEED_NAMES[2]], ["renamed.txt"])
    assert (report.chunks_embedded, report.sentences_embedded, fake_embedder.embedded) == (0, 0, 0)
    assert "renamed.txt" in _doc_ids_in_every_part(settings, fake_embedder)

    # The original of a duplicate is deleted: the copy takes its place, so the article is not lost.
    (corpus / first).unlink()
    report = ingest(settings, embedder=fake_embedder)
    assert (report.removed, report.added, report.duplicates) == ([first], ["zz-copy.txt"], {})
    assert report.chunks_embedded == 0  # same text, same vectors

    # A skipped file that gets content is indexed; one that becomes empty is skipped, not kept stale.
    (corpus / "empty.txt").write_text(f"Now a story\n\n{ZORBIA[0]}\n")
    (corpus / "renamed.txt").write_bytes(b"")
    report = ingest(settings, embedder=fake_embedder)
    assert report.added == ["empty.txt"] and report.skipped == {"renamed.txt": "empty file"}
    assert report.removed == []  # it is reported as skipped, with its reason, not silently removed
    assert _doc_ids_in_every_part(settings, fake_embedder) == {
        "empty.txt", "zz-copy.txt", *SEED_NAMES[3:],
    }  # fmt: skip
    assert index_status(settings).stale is False


def test_a_file_that_vanishes_while_the_folder_is_read(settings, fake_embedder, corpus, monkeypatch):
    victim = corpus / SEED_NAMES[3]
    real = Path.read_bytes

    def vanish(self):
        if self == victim:
            self.unlink()
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", vanish)
    report = ingest(settings, embedder=fake_embedder)
    assert report.skipped == {SEED_NAMES[3]: "cannot read file (No such file or directory)"}
    assert report.documents == 4
    monkeypatch.undo()
    # The next ingest sees it gone, and the index is not stale.
    assert ingest(settings, embedder=fake_embedder).skipped == {}
    assert index_status(settings).stale is False


def test_the_same_article_in_many_files_is_indexed_once(tmp_path, settings, fake_embedder, corpus):
    plain = ingest(Settings(corpus_dir=SEED_CORPUS, index_dir=tmp_path / "plain"), embedder=fake_embedder)
    source = corpus / SEED_NAMES[0]
    for i in range(5):
        shutil.copy(source, corpus / f"copy-{i}.txt")
    (corpus / "sub").mkdir()
    shutil.copy(source, corpus / "sub" / "nested-copy.txt")
    # Other bytes, same article: a trailing blank line and Windows line ends.
    (corpus / "crlf-copy.txt").write_bytes(source.read_bytes().replace(b"\n", b"\r\n") + b"\r\n")
    report = ingest(settings, embedder=fake_embedder)
    assert report.duplicates == {
        name: SEED_NAMES[0] for name in [*(f"copy-{i}.txt" for i in range(5)), "sub/nested-copy.txt", "crlf-copy.txt"]
    }
    assert (report.documents, report.chunks) == (5, plain.chunks)
