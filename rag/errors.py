"""Library exceptions. Each message says what went wrong and how to fix it."""

from __future__ import annotations


class RagError(Exception):
    """Base class: the CLI and the UI turn these into friendly messages."""


class ConfigError(RagError, ValueError):
    """A setting has a value we cannot use."""


class IndexMissing(RagError):
    """There is no index where one was expected."""


class IndexMismatch(RagError):
    """The index on disk was built with other settings than the running ones."""


class IndexCorrupt(RagError):
    """A file of the index is missing, truncated or unreadable."""


class IngestLocked(RagError):
    """Another ingest holds the index lock."""


class IndexUnwritable(RagError):
    """The index folder cannot be created or written (a read-only disk, a file in the way, no permission)."""


class BadDocument(RagError):
    """A corpus file cannot be turned into an article (the reason is the message)."""


class BadUpload(RagError):
    """An uploaded file was refused (type, size, name or content)."""


class LLMError(RagError):
    """The LLM server is down, slow or answered something unusable."""


class StoreUnavailable(RagError):
    """The database server of the index cannot be reached (down, restarting, wrong URL)."""


class StoreSchemaError(RagError):
    """The database lacks what the index needs (the pgvector extension) or holds another schema version."""
