"""Vectors on disk while an ingest runs, so memory does not grow with the archive.

A cold ingest of 4,600 news articles makes 75k chunk and 250k sentence vectors, 470 MiB held in
memory until the one write at the end. Here they go to files as they are made:

- `VectorSpill`: vectors appended to a scratch file under a key (a text hash), read back by row.
- `NpyWriter`: a `.npy` file written block by block in row order (the sentence table's vectors),
  which the index then keeps and memory-maps.

Reads go through `os.pread`, not a memory map: pages of a mapped file count in the process's
resident memory while mapped, so a map would only move the peak, not lower it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

DTYPE = np.dtype("<f4")


class VectorSpill:
    """Unit vectors appended to an unnamed scratch file in `folder`, each under a key.

    >>> spill = VectorSpill(None, 2)
    >>> spill.add(["a", "b"], np.array([[1, 0], [0, 1]], np.float32))
    >>> spill.add(["a", "c", "c", "d"], np.array([[9, 9], [0.6, 0.8], [7, 7], [0, -1]], np.float32))
    >>> "c" in spill, len(spill), spill.read([spill.row("c"), spill.row("a"), spill.row("d")]).tolist()
    (True, 4, [[0.6000000238418579, 0.800000011920929], [1.0, 0.0], [0.0, -1.0]])
    >>> spill.close()
    """

    def __init__(self, folder: Path | None, dim: int) -> None:
        self.dim = dim
        self._rows: dict[str, int] = {}
        self._file = tempfile.TemporaryFile(prefix="vectors-", dir=folder, buffering=0)  # noqa: SIM115 - closed by close()
        self._reader = RowReader(self._file.fileno(), 0, dim)

    def add(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Append the rows of `vectors` whose key is new; a key seen before keeps its first vector."""
        new = []
        for i, k in enumerate(keys):  # a key may also repeat inside one batch (a sentence two articles share)
            if k not in self._rows:
                self._rows[k] = len(self._rows)
                new.append(i)
        if len(new) != len(keys):
            vectors = vectors[new]
        _write_all(self._file.fileno(), np.ascontiguousarray(vectors, dtype=DTYPE).tobytes())

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self):
        return iter(self._rows)

    def row(self, key: str) -> int | None:
        return self._rows.get(key)

    def read(self, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        return self._reader.read(rows)

    def close(self) -> None:
        self._rows.clear()
        self._file.close()


class RowReader:
    """Rows of a float32 matrix stored at `offset` in an open file, read with `pread`."""

    def __init__(self, fd: int, offset: int, dim: int) -> None:
        self.fd, self.offset, self.dim = fd, offset, dim

    def read(self, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """The vectors at `rows` (in that order); runs of consecutive rows are read at once."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.empty((len(rows), self.dim), dtype=DTYPE)
        if not len(rows):
            return out
        order = np.argsort(rows, kind="stable")
        ordered = rows[order]
        size = self.dim * DTYPE.itemsize
        starts = np.flatnonzero(np.diff(ordered, prepend=ordered[0] - 2) != 1)
        for a, b in zip(starts, [*starts[1:], len(ordered)]):
            first, n = int(ordered[a]), int(b - a)
            data = _read_exactly(self.fd, n * size, self.offset + first * size)
            out[order[a:b]] = np.frombuffer(data, dtype=DTYPE).reshape(n, self.dim)
        return out


class NpyWriter:
    """A `(rows, dim)` float32 `.npy` file at `path`, written block by block in row order."""

    def __init__(self, path: Path, rows: int, dim: int) -> None:
        self.path, self.rows, self.dim, self.written = Path(path), rows, dim, 0
        self._fh = open(self.path, "wb")  # noqa: SIM115 - closed by close()
        header = {"descr": np.lib.format.dtype_to_descr(DTYPE), "fortran_order": False, "shape": (rows, dim)}
        np.lib.format.write_array_header_2_0(self._fh, header)

    def write(self, block: np.ndarray) -> None:
        block = np.ascontiguousarray(block, dtype=DTYPE)
        if block.ndim != 2 or block.shape[1] != self.dim or self.written + len(block) > self.rows:
            raise ValueError(f"block of shape {block.shape} does not fit ({self.written} of {self.rows} rows written)")
        self._fh.write(block.tobytes())
        self.written += len(block)

    def close(self) -> np.ndarray:
        """Finish the file; its contents, memory-mapped read-only."""
        self._fh.close()
        if self.written != self.rows:
            raise ValueError(f"{self.path}: {self.written} of {self.rows} rows written")
        return np.load(self.path, mmap_mode="r", allow_pickle=False)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, n: int, offset: int) -> bytes:
    data = os.pread(fd, n, offset)
    while len(data) < n:  # a short read (large reads may come back in pieces)
        more = os.pread(fd, n - len(data), offset + len(data))
        if not more:
            raise EOFError(f"vector file ends {n - len(data)} bytes early")
        data += more
    return data
