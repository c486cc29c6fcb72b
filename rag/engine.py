"""The engine: what the command line, the web chat, eval and bench call to index and ask.

(Being built up: for now the upload step that saves files and indexes them, which sits above
both the corpus and the index layers.)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rag.config import Settings
from rag.corpus.uploads import Progress, UploadResult, _shown, save_upload
from rag.errors import BadUpload, RagError
from rag.index.build import ingest


def add_uploads(
    files: Sequence[tuple[str, bytes]],
    settings: Settings,
    *,
    embedder=None,
    progress: Progress | None = None,
) -> UploadResult:
    """Save the good files into the corpus and index them incrementally.

    Args:
        files: (uploaded name, bytes) pairs.
        progress: called as progress(stage, done, total) while checking and indexing.
    Returns:
        What was added and what was refused (with reasons). If indexing fails, the files
        added by this call are removed again and the error is raised.
    """
    result = UploadResult()
    for i, (filename, data) in enumerate(files):
        if progress:
            progress("check", i, len(files))
        try:
            result.saved.append(save_upload(filename, data, settings))
        except BadUpload as exc:
            result.refused[_shown(filename)] = str(exc)
    if not result.added:
        return result
    try:
        report = ingest(settings, embedder=embedder, progress=progress)
    except RagError:
        for s in result.added:
            (Path(settings.corpus_dir) / s.name).unlink(missing_ok=True)
        raise
    result.summary = report.summary()
    result.duplicates = {s.name: report.duplicates[s.name] for s in result.added if s.name in report.duplicates}
    return result
