"""Uploads from the page: safe names, type and size checks, never overwriting, a bad file changes nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag.config import Settings
from rag.corpus.uploads import check_upload, safe_name, save_upload, sniff
from rag.engine import add_uploads
from rag.errors import BadUpload, IngestLocked

ARTICLE = (
    b"Canal opens in Zorbia\n\nBy Jane Roe\n\n"
    b"The Zorbian Ministry of Canals said on Monday that the new Blue Canal will open with 47 locks.\n\n"
    b"Officials expect the first boats in spring.\n"
)


def corpus_state(folder: Path) -> dict[str, bytes]:
    """Every file in the folder (hidden ones too), with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("report.txt", "report.txt"),
        ("Report.TXT", "Report.txt"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("/etc/cron.d/evil.md", "evil.md"),
        ("..\\..\\windows\\system32\\a.html", "a.html"),
        ("....txt", "article.txt"),
        (".hidden.md", "hidden.md"),
        ("~lock.txt", "lock.txt"),
        ("a b  c?*:|<>.txt", "a-b-c.txt"),
        ("Ústí nad Labem — Токаев.md", "Usti-nad-Labem-Tokaev.md"),
        ("\uff0e\uff0e\uff0fsecret.txt", "secret.txt"),  # fullwidth "../" folds to "../" first
        ("evil\u202etxt.exe.txt", "eviltxt.exe.txt"),  # a bidi override is dropped, not obeyed
        ("zero\u200bwidth.txt", "zerowidth.txt"),
        ("nul\x00byte.txt", "nulbyte.txt"),
        ("CON.txt", "article-CON.txt"),
        ("lpt1.tar.md", "article-lpt1.tar.md"),
        ("x" * 300 + ".pdf", "x" * 80 + ".pdf"),
        ("page.HTM", "page.htm"),
    ],
)
def test_safe_name(given, expected):
    assert safe_name(given) == expected


@pytest.mark.parametrize("given", ["notes.docx", "image.png", "noextension", "archive.txt.zip", "", "../"])
def test_safe_name_refuses_other_types(given):
    with pytest.raises(BadUpload, match="unsupported type"):
        safe_name(given)


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("a.pdf", b"just text, not a pdf", "not a PDF"),
        ("a.txt", b"%PDF-1.7\n...", "content is a PDF"),
        ("a.md", b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        ("a.txt", b"PK\x03\x04\x14\x00", "ZIP"),
        ("a.txt", b"\x00\x01\x02\x03" * 100, "binary"),
        ("a.html", b"Plain words and no markup at all.", "no HTML markup"),
        ("a.txt", b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "save it with the .html extension"),
    ],
)
def test_sniff_refuses_content_that_does_not_match_the_name(name, data, why):
    with pytest.raises(BadUpload, match=why):
        sniff(name, data)


def test_sniff_accepts_matching_content():
    sniff("a.txt", ARTICLE)
    sniff("a.md", "# Заголовок\n\nТекст статьи.".encode("cp1251"))
    sniff("a.html", b"<html><body><h1>T</h1><p>Words.</p></body></html>")
    sniff("a.pdf", b"%PDF-1.4\n%...")


def test_size_limit_and_empty_file(tmp_path):
    settings = Settings(corpus_dir=tmp_path / "corpus", max_upload_mb=0.001)  # 1,048 bytes
    with pytest.raises(BadUpload, match=r"the limit is 0.001 MB \(RAG_MAX_UPLOAD_MB\)"):
        check_upload("big.txt", b"word " * 400, settings)
    with pytest.raises(BadUpload, match="is empty"):
        check_upload("empty.txt", b"  \n\n ", settings)
    # The corpus's own file limit applies too: an upload the indexer would skip is refused here.
    smaller = Settings(corpus_dir=tmp_path / "corpus", max_upload_mb=20, max_file_mb=0.001)
    with pytest.raises(BadUpload, match="the limit is 0.001 MB"):
        check_upload("big.txt", b"word " * 400, smaller)


def test_unparseable_article_is_refused(tmp_path):
    settings = Settings(corpus_dir=tmp_path / "corpus")
    with pytest.raises(BadUpload, match="no words|no article text"):
        check_upload("dots.txt", b"... --- ... !!!", settings)


def test_save_never_overwrites_and_skips_identical_bytes(tmp_path, corpus):
    settings = Settings(corpus_dir=corpus)
    existing = sorted(p.name for p in corpus.iterdir())[0]
    before = (corpus / existing).read_bytes()

    first = save_upload(existing, ARTICLE, settings)  # same name, different bytes
    assert first.added and first.name == existing.removesuffix(".txt") + "-2.txt"
    assert (corpus / existing).read_bytes() == before
    assert (corpus / first.name).read_bytes() == ARTICLE

    again = save_upload("other-name.txt", ARTICLE, settings)  # same bytes, any name
    assert not again.added and again.name == first.name
    third = save_upload(existing, ARTICLE + b"More.\n", settings)
    assert third.name == existing.removesuffix(".txt") + "-3.txt"
    assert not [p for p in corpus.iterdir() if p.name.startswith(".")]  # no temp files left


def test_saved_file_stays_inside_the_corpus(tmp_path):
    settings = Settings(corpus_dir=tmp_path / "corpus")
    saved = save_upload("../../../outside.txt", ARTICLE, settings)
    assert saved.name == "outside.txt"
    assert (tmp_path / "corpus" / "outside.txt").is_file()
    assert not (tmp_path / "outside.txt").exists()


def test_save_does_not_follow_a_symlink_planted_under_the_name(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    target = tmp_path / "victim.txt"
    target.write_bytes(b"keep me")
    os.symlink(target, corpus / "article.txt")
    saved = save_upload("article.txt", ARTICLE, Settings(corpus_dir=corpus))
    assert saved.name == "article-2.txt" and target.read_bytes() == b"keep me"


def test_add_uploads_indexes_good_files_and_refuses_bad_ones(settings, fake_embedder):
    from rag.engine import Engine
    from rag.index.build import index_status, ingest

    ingest(settings, embedder=fake_embedder)
    before = corpus_state(settings.corpus_dir)
    seen: list[tuple[str, int, int]] = []
    result = add_uploads(
        [("Blue canal.txt", ARTICLE), ("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50), ("x.exe", b"MZ")],
        settings,
        embedder=fake_embedder,
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    assert [s.name for s in result.added] == ["Blue-canal.txt"]
    assert set(result.refused) == {"photo.txt", "x.exe"}
    assert "PNG image" in result.refused["photo.txt"] and "unsupported type .exe" in result.refused["x.exe"]
    assert corpus_state(settings.corpus_dir) == {**before, "Blue-canal.txt": ARTICLE}
    assert ("check", 0, 3) in seen and any(stage == "embed" for stage, _, _ in seen)
    assert not index_status(settings).stale
    snap = Engine(settings, fake_embedder).snapshot()
    assert "Blue-canal.txt" in snap.manifest.documents
    assert "Added Blue-canal.txt (uploaded as Blue canal.txt)" in result.message()
    assert "Refused photo.txt" in result.message()


def test_a_bad_file_changes_nothing(settings, fake_embedder):
    from rag.index.build import ingest
    from rag.index.store import read_manifest

    ingest(settings, embedder=fake_embedder)
    files, manifest = corpus_state(settings.corpus_dir), read_manifest(settings.index_dir)
    result = add_uploads([("evil.pdf", b"<script>alert(1)</script>")], settings, embedder=fake_embedder)
    assert result.saved == [] and "not a PDF" in result.refused["evil.pdf"]
    assert corpus_state(settings.corpus_dir) == files
    assert read_manifest(settings.index_dir) == manifest


def test_failed_indexing_removes_the_files_it_added(settings, fake_embedder, monkeypatch):
    import rag.engine

    before = corpus_state(settings.corpus_dir)

    def locked(*args, **kwargs):
        raise IngestLocked("another ingest is updating index/ right now; wait for it to finish and try again")

    monkeypatch.setattr(rag.engine, "ingest", locked)
    with pytest.raises(IngestLocked):
        add_uploads([("new.txt", ARTICLE)], settings, embedder=fake_embedder)
    assert corpus_state(settings.corpus_dir) == before


def test_duplicate_text_is_reported(settings, fake_embedder):
    from rag.index.build import ingest

    ingest(settings, embedder=fake_embedder)
    name = sorted(p.name for p in settings.corpus_dir.iterdir())[0]
    data = (settings.corpus_dir / name).read_bytes() + b"\n\n"  # other bytes, same cleaned text
    result = add_uploads([("copy.txt", data)], settings, embedder=fake_embedder)
    assert result.duplicates == {"copy.txt": name}
    assert f"copy.txt has the same text as {name}" in result.message()
