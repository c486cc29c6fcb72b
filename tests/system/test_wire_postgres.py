"""Wire copies with the index in PostgreSQL: the groups travel in the generation's manifest (JSONB)
and the MinHash signatures in `rag_wire_signatures`, so an ingest into the database MinHashes only
new texts too. Needs the test server (RAGTEST_PG_DIR, see tests/system/test_postgres.py)."""

from __future__ import annotations

import pytest

from rag.engine import Engine
from rag.index import stores, wire
from rag.index.build import ingest
from tests.system.test_postgres import pg_dir, pg_url  # noqa: F401  (fixtures)
from tests.unit.test_wire import COPIES, NO_FLOOR, QUESTION, STORY
from tests.wire_copies import write_copies

pytestmark = pytest.mark.postgres
GROUPS = {"daily-caspian-kazakhstan.txt": sorted(STORY)}


@pytest.fixture
def pg_settings(settings, pg_url):  # noqa: F811
    return settings.replace(store="postgres", database_url=pg_url)


def test_groups_and_signatures_live_in_the_database(pg_settings, fake_embedder, corpus):
    held = {}
    write_copies(corpus)
    held["daily-caspian-kazakhstan.txt"] = (corpus / "daily-caspian-kazakhstan.txt").read_text()
    (corpus / "daily-caspian-kazakhstan.txt").unlink()
    first = ingest(pg_settings, embedder=fake_embedder)
    assert first.signatures_computed == 7 and len(stores.wire_signatures(pg_settings)) == 7

    (corpus / "daily-caspian-kazakhstan.txt").write_text(held["daily-caspian-kazakhstan.txt"])
    report = ingest(pg_settings, embedder=fake_embedder)
    assert report.signatures_computed == 1 and report.wire_groups == GROUPS
    assert stores.current_manifest(pg_settings).wire["groups"] == GROUPS

    again = ingest(pg_settings, embedder=fake_embedder)
    assert not again.wrote and again.signatures_computed == 0

    hits = Engine(pg_settings, fake_embedder).search(QUESTION, k=10, mode="bm25", floor=NO_FLOOR).hits
    grouped = [h for h in hits if h.chunk.doc_id in STORY]
    assert len({h.chunk.doc_id for h in grouped}) == 1 and all(len(h.also_in) == 3 for h in grouped)
    assert {c.outlet for c in grouped[0].also_in} <= {"Orda.kz", *COPIES.values()}

    for name in COPIES:
        (corpus / name).unlink()
    gone = ingest(pg_settings, embedder=fake_embedder)
    assert gone.wire_groups == {} and len(stores.wire_signatures(pg_settings)) == 5
    assert wire.params()["threshold"] == wire.THRESHOLD
