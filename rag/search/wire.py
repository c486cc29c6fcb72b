"""Wire copies in search results: a story carried by several outlets is shown once.

Ingest groups near-duplicate articles (`rag.index.wire`) and records the groups in the manifest.
Here, among a question's candidates, the group's article with the best-ranked passage stands for
the group: passages of its other articles are dropped before the top-k cut (so k passages still
come back when enough other stories exist), and each kept passage names the other copies in
`Hit.also_in`. The standing article keeps all its passages, as it would without copies.

Exact duplicates (the same cleaned text) are indexed once, as before; `also_in` names them too,
since the same text from another outlet is the commonest wire copy of all.

>>> from rag.index.manifest import Manifest
>>> m = Manifest({}, {}, documents={"a": {"wire_group": "a"}, "b": {"wire_group": "a", "source": "B"}, "c": {}},
...              wire={"groups": {"a": ["a", "b"]}})
>>> w = WireGroups.of(m)
>>> w.collapse([10, 20, 11, 30], {10: "b", 20: "c", 11: "a", 30: "b"})
[10, 20, 30]
>>> [c.outlet for c in w.also_in("b")]
['']
>>> [c.doc_id for c in w.also_in("a")]
['b']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from rag.index.manifest import Manifest
from rag.index.store import StoreReader
from rag.records import Hit, WireCopy


@dataclasses.dataclass(frozen=True)
class WireGroups:
    """The wire-copy groups of one index generation."""

    documents: Mapping[str, Mapping[str, Any]]  # the manifest's entries (each grouped one has "wire_group")
    groups: Mapping[str, Sequence[str]]  # group id -> its doc_ids
    duplicates: Mapping[str, Sequence[tuple[str, Mapping[str, Any]]]] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, manifest: Manifest | None) -> WireGroups | None:
        """The manifest's groups and exact duplicates, or None when it has neither (search then
        does nothing more)."""
        if manifest is None:
            return None
        groups = manifest.wire.get("groups") or {}
        duplicates: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
        for doc_id, entry in sorted(manifest.duplicates.items()):
            duplicates.setdefault(str(entry.get("duplicate_of")), []).append((doc_id, entry))
        return cls(manifest.documents, groups, duplicates) if groups or duplicates else None

    def group_of(self, doc_id: str) -> str | None:
        return self.documents.get(doc_id, {}).get("wire_group")

    def collapse(self, ids: Sequence[int], doc_of: Mapping[int, str]) -> list[int]:
        """`ids` (best first) without the passages of a group's articles other than its first one."""
        lead: dict[str, str] = {}
        out = []
        for i in ids:
            doc = doc_of[i]
            group = self.group_of(doc)
            if group is None or lead.setdefault(group, doc) == doc:
                out.append(i)
        return out

    def also_in(self, doc_id: str) -> tuple[WireCopy, ...]:
        """The other articles of `doc_id`'s group and the exact duplicates of the group's articles,
        by outlet then doc_id; () when it has none."""
        group = self.group_of(doc_id)
        members = list(self.groups.get(group, ())) if group is not None else [doc_id]
        found = [(m, self.documents.get(m, {})) for m in members if m != doc_id]
        for m in members:
            found += self.duplicates.get(m, [])
        copies = [_copy(d, e) for d, e in found]
        return tuple(sorted(copies, key=lambda c: (c.outlet.casefold(), c.doc_id)))

    def annotate(self, hits: Sequence[Hit]) -> tuple[Hit, ...]:
        """The hits, each carrying its article's other copies in `also_in`."""
        return tuple(dataclasses.replace(h, also_in=self.also_in(h.chunk.doc_id)) for h in hits)


def _copy(doc_id: str, e: Mapping[str, Any]) -> WireCopy:
    return WireCopy(doc_id, str(e.get("title") or ""), str(e.get("path") or ""), str(e.get("source") or ""),
                    str(e.get("date") or ""))  # fmt: skip


def collapse_candidates(order: list[int], snapshot: StoreReader, enabled: bool) -> tuple[list[int], WireGroups | None]:
    """The ranked candidates with each wire group's copies reduced to its first article, and the
    groups (None when collapsing is off or the index has no groups: `order` comes back as it is)."""
    groups = WireGroups.of(snapshot.manifest) if enabled else None
    if groups is None or not groups.groups or not order:
        return order, groups
    doc_of = snapshot.doc_ids(order)
    return groups.collapse(order, doc_of), groups


def outlets_line(copies: Sequence[WireCopy]) -> str:
    """ "also in 2 outlets: Reuters (a.txt), TASS (b.md)" for a hit's copies; "" when it has none.

    >>> outlets_line((WireCopy("x.md", "T", "corpus/x.md", "Reuters"), WireCopy("y.txt", "U", "corpus/y.txt")))
    'also in 2 outlets: Reuters (x.md), y.txt'
    """
    if not copies:
        return ""
    names = [f"{c.outlet} ({c.doc_id})" if c.outlet else c.doc_id for c in copies]
    return f"also in {len(copies)} outlet{'s' if len(copies) > 1 else ''}: " + ", ".join(names)


__all__ = ["WireGroups", "collapse_candidates", "outlets_line"]
