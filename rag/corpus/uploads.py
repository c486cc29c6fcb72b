"""Articles added from the web page: checked, saved under a safe name, then indexed.

A file is accepted only when its extension is one we read, its bytes look like that type, it is
within the size limit, and it parses into an article. A refused file changes nothing: it is never
written into the corpus. An accepted file never overwrites a different file already there.

>>> safe_name("../../etc/Ústí nad Labem?.TXT")
'Usti-nad-Labem.txt'
>>> safe_name("CON.md")
'article-CON.md'
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rag.config import Settings
from rag.corpus.load import decode_bytes, load_document
from rag.errors import BadDocument, BadUpload
from rag.records import sha256_bytes

# What the upload box accepts (the ingest reader handles all of them).
UPLOAD_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")

# Names Windows reserves for devices: a file called "CON.txt" cannot be opened there.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}

# Leading bytes of common binary formats that must never pass as text.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/ODF document)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"RIFF", "a media file"),
)
_HTML_TAG = re.compile(
    r"<\s*(?:!doctype|html|head|body|p|div|h[1-6]|article|title|meta|span|br|section|main|header|a)\b", re.I
)
_HTML_START = re.compile(r"^\s*<\s*(?:!doctype\s+html|html)\b", re.I)
_MAX_STEM = 80


def safe_name(filename: str) -> str:
    """A file name that is safe to create inside the corpus folder.

    Keeps only the last path component (so `../` and absolute paths go), drops control and
    invisible format characters (bidi overrides, zero-width), transliterates to ASCII letters,
    digits, `-`, `_` and `.`, and renames Windows device names.

    Raises:
        BadUpload: the extension is not one we read.
    """
    name = unicodedata.normalize("NFKC", filename or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    stem, dot, ext = name.rpartition(".")
    suffix = "." + ext.strip().lower() if dot else ""
    if suffix not in UPLOAD_SUFFIXES:
        raise BadUpload(
            f"{_shown(filename)}: unsupported type {suffix or '(no extension)'}; "
            f"upload one of {', '.join(UPLOAD_SUFFIXES)}"
        )
    from unidecode import unidecode

    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", unidecode(stem))
    stem = re.sub(r"\.{2,}", ".", re.sub(r"-{2,}", "-", stem))
    stem = stem.strip(".-_")[:_MAX_STEM].rstrip(".-_") or "article"
    if stem.split(".")[0].lower() in _RESERVED:
        stem = "article-" + stem
    return stem + suffix


def sniff(name: str, data: bytes) -> None:
    """Check that the bytes look like the type the extension claims.

    Raises:
        BadUpload: with what the content looks like instead.
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf":
        if b"%PDF-" not in data[:1024]:
            raise BadUpload(f"{name}: the name says PDF but the content is not a PDF")
        return
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise BadUpload(f"{name}: the name says {suffix} text but the content is {what}")
    try:
        text = decode_bytes(data)
    except BadDocument as exc:
        raise BadUpload(f"{name}: {exc}") from exc
    head = text[:65536]
    if "\x00" in head:
        raise BadUpload(f"{name}: binary file, not text")
    if suffix in (".html", ".htm"):
        if not _HTML_TAG.search(head):
            raise BadUpload(f"{name}: the name says HTML but there is no HTML markup in it; save it as .txt")
    elif _HTML_START.search(head):
        raise BadUpload(f"{name}: this is an HTML page; save it with the .html extension")


def check_upload(filename: str, data: bytes, settings: Settings) -> str:
    """Every check short of writing: name, size, content type, and that it parses as an article.

    Returns:
        The safe name the file will be saved under (before making it unique).
    Raises:
        BadUpload: with a message a reader can act on.
    """
    name = safe_name(filename)
    limit_mb = min(settings.max_upload_mb, settings.max_file_mb)
    if len(data) > limit_mb * 1024 * 1024:
        raise BadUpload(
            f"{_shown(filename)} is {len(data) / 1024 / 1024:.1f} MB; the limit is {limit_mb:g} MB (RAG_MAX_UPLOAD_MB)"
        )
    if not data.strip():
        raise BadUpload(f"{_shown(filename)} is empty")
    sniff(name, data)
    try:
        load_document(Path(name), name, data)
    except BadDocument as exc:
        raise BadUpload(f"{_shown(filename)}: {exc}") from exc
    return name


@dataclass(frozen=True)
class SavedFile:
    name: str  # the file name inside the corpus folder (its doc_id)
    original: str  # the name it was uploaded as
    added: bool  # False when the same bytes were already in the corpus under `name`


def save_upload(filename: str, data: bytes, settings: Settings) -> SavedFile:
    """Check one file and write it into the corpus folder under a safe, unused name.

    The same bytes already in the corpus (under any name) are not written again. A name that is
    taken by a different file gets a `-2`, `-3`, ... suffix: nothing is ever overwritten.

    Raises:
        BadUpload: the file was refused; nothing was written.
    """
    name = check_upload(filename, data, settings)
    corpus = Path(settings.corpus_dir)
    corpus.mkdir(parents=True, exist_ok=True)
    digest = sha256_bytes(data)
    same = _same_bytes(corpus, digest, len(data))
    if same is not None:
        return SavedFile(same, filename, added=False)
    tmp = corpus / f".upload-{uuid.uuid4().hex}.part"  # hidden: the corpus scan skips it
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        stem, suffix = name[: -len(Path(name).suffix)], Path(name).suffix
        for i in range(1, 1000):
            candidate = name if i == 1 else f"{stem}-{i}{suffix}"
            target = corpus / candidate
            # The name is one plain component; the link below refuses any existing entry, symlinks too.
            if target.name != candidate or target.parent.resolve() != corpus.resolve():
                raise BadUpload(f"{_shown(filename)}: refused an unsafe file name")
            try:
                os.link(tmp, target)  # fails if the name exists: never overwrites
            except FileExistsError:
                continue
            return SavedFile(candidate, filename, added=True)
        raise BadUpload(f"{_shown(filename)}: too many files named {name} in the corpus already")
    finally:
        tmp.unlink(missing_ok=True)


def _same_bytes(corpus: Path, digest: str, size: int) -> str | None:
    for path in sorted(corpus.iterdir()):
        if (
            path.is_file()
            and not path.name.startswith((".", "~"))
            and path.stat().st_size == size
            and sha256_bytes(path.read_bytes()) == digest
        ):
            return path.name
    return None


def _shown(filename: str) -> str:
    """The uploaded name, trimmed and without control characters, for messages."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch if unicodedata.category(ch)[0] != "C" else "?" for ch in base)
    return base[:100] or "(no name)"


Progress = Callable[[str, int, int], None]


@dataclass
class UploadResult:
    saved: list[SavedFile] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # uploaded name -> reason
    duplicates: dict[str, str] = field(default_factory=dict)  # saved name -> article it repeats
    summary: str = ""  # the ingest summary when the index was updated

    @property
    def added(self) -> list[SavedFile]:
        return [s for s in self.saved if s.added]

    def message(self) -> str:
        """One short paragraph for the page."""
        lines = [f"Added {s.name}" + (f" (uploaded as {_shown(s.original)})" if s.name != s.original else "")
                 for s in self.added]  # fmt: skip
        lines += [f"Already in the corpus: {s.name}" for s in self.saved if not s.added]
        lines += [
            f"{name} has the same text as {orig}, which is indexed once" for name, orig in self.duplicates.items()
        ]
        lines += [f"Refused {reason}" if reason.startswith(name) else f"Refused {name}: {reason}"
                  for name, reason in self.refused.items()]  # fmt: skip
        return "\n".join(lines) or "No file was uploaded."


__all__ = ["UPLOAD_SUFFIXES", "SavedFile", "UploadResult", "check_upload", "safe_name", "save_upload"]
