"""The PostgreSQL store against a real server (fake embedder): the same store tests as the files,
the same answers, and its faults (server restarted mid-ingest, connection dropped mid-query,
server down, wrong schema version, a database without pgvector), each a clear error naming the fix.

`make test-postgres` starts a throwaway server with scripts/pgserver.sh and names its folder in
RAGTEST_PG_DIR; without it these tests are skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from rag.engine import Engine
from rag.errors import IndexMismatch, IngestLocked, StoreSchemaError, StoreUnavailable
from rag.index import pgstore, stores
from rag.index.build import ingest
from rag.index.lexical import lexical_tokens
from rag.index.manifest import Manifest
from rag.index.store import Store, StoreReader
from rag.records import Chunk, Document
from tests.conftest import ROOT, FakeEmbedder

pytestmark = pytest.mark.postgres

PGSERVER = ROOT / "scripts" / "pgserver.sh"
NEW_ARTICLE = (
    "Grain exports grow\n\nAstana officials said on Tuesday that grain exports to China rose by 40 percent "
    "this year, helped by a new rail terminal at Khorgos.\n\nThe ministry expects further growth next season.\n"
)
GONE = "astana-is-staying-apart-russian-kazakh-disagreements.txt"
QUESTIONS = [
    "How many wagons of coal did Kazakhstan block?",
    "Who is Tokayev?",
    "What did Kassym-Jomart Toqayev say about Russia?",
    "Why did Astana refuse to recognise the breakaway republics?",
    "grain exports to China",
    "What is the capital of Peru?",
]


def _server(*args: str) -> str:
    out = subprocess.run(["bash", str(PGSERVER), *args], capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.fixture(scope="session")
def pg_dir() -> Path:
    folder = os.environ.get("RAGTEST_PG_DIR")
    if not folder:
        pytest.skip("no PostgreSQL test server; run `make test-postgres` (it sets RAGTEST_PG_DIR)")
    return Path(folder)


def _connect(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


@pytest.fixture
def pg_url(pg_dir) -> str:
    """The `rag` database of the test server, running, with no rag tables and no cached store."""
    url = _server("start", str(pg_dir))  # starts it again if a test left it stopped
    with _connect(url) as conn:
        conn.execute("DROP TABLE IF EXISTS " + ", ".join(pgstore.TABLES))
    stores._POSTGRES.clear()
    yield url
    for store in stores._POSTGRES.values():
        store.close()
    stores._POSTGRES.clear()


@pytest.fixture
def pg_settings(settings, pg_url):
    return settings.replace(store="postgres", database_url=pg_url)


@pytest.fixture(params=["files", "postgres"])
def any_settings(request, settings):
    if request.param == "postgres":
        return settings.replace(store="postgres", database_url=request.getfixturevalue("pg_url"))
    return settings


def _hits(result):
    return [(h.chunk.chunk_id, round(h.score, 4)) for h in result.hits]


def _answer(a):
    return a.text, [(c.n, c.hit.chunk.chunk_id, c.quote) for c in a.citations], a.abstained


# ---------------------------------------------------------------- the same store tests for both stores


def test_ingest_incrementally_and_read_back(any_settings, fake_embedder, corpus):
    first = ingest(any_settings, embedder=fake_embedder)
    snap = Engine(any_settings, fake_embedder).snapshot()
    assert isinstance(snap, StoreReader)
    assert (len(first.added), len(snap), snap.manifest.counts.sentences) == (
        5,
        first.chunks,
        len(snap.sentences.doc_ids),
    )
    assert [d.doc_id for d in snap.documents()] == sorted(p.name for p in corpus.iterdir())
    status = Engine(any_settings, fake_embedder).status(check=True)
    assert (status.stale, status.problem, status.describe()) == (False, None, "index is up to date")
    before = {doc: [c for c, _ in rows] for doc, rows in snap.doc_chunks().items()}

    fake_embedder.embedded = 0
    again = ingest(any_settings, embedder=fake_embedder)
    assert (again.wrote, fake_embedder.embedded, len(again.unchanged)) == (False, 0, 5)

    (corpus / "grain.txt").write_text(NEW_ARTICLE)
    (corpus / GONE).unlink()
    changed = "frontier-post-diplomatic-confusion.txt"
    (corpus / changed).write_text((corpus / changed).read_text() + "\nA closing line was added.\n")
    report = ingest(any_settings, embedder=fake_embedder)
    assert (report.added, report.removed, report.changed) == (["grain.txt"], [GONE], [changed])
    new = Engine(any_settings, fake_embedder).snapshot()
    after = {doc: [c for c, _ in rows] for doc, rows in new.doc_chunks().items()}
    assert GONE not in after and "grain.txt" in after and new.document(GONE) is None
    for doc in set(before) - {GONE, changed}:
        assert after[doc] == before[doc]  # unchanged articles keep their chunks and ids
    assert min(c.chunk_id for c in after["grain.txt"]) >= max(c.chunk_id for rows in before.values() for c in rows)
    assert new.manifest.counts.chunks == len(new) == sum(map(len, after.values()))
    assert set(new.sentences.doc_ids.tolist()) == set(after)


def test_store_protocol_shows_nothing_before_save(any_settings, fake_embedder):
    ingest(any_settings, embedder=fake_embedder)
    old = stores.open_reader(any_settings)
    store = stores.writer(any_settings, old)
    assert isinstance(store, Store)
    gone_ids = [c.chunk_id for c, _ in old.doc_chunks()[GONE]]
    text = "Grain exports to China rose by 40 percent this year."
    doc = Document("grain.txt", "grain.txt", "Grain", text, "0" * 64)
    chunk = Chunk(old.manifest.next_chunk_id, "grain.txt", text, 0, len(text), 12, "Grain")
    vector = fake_embedder.embed_documents([chunk.embed_text])

    store.delete([GONE])
    store.add([doc], [chunk], vector, ["h" * 64])
    assert store.document(GONE) is not None and store.document("grain.txt") is None  # not saved yet
    store.save(Manifest(embedder=old.manifest.embedder, chunking=old.manifest.chunking))

    new = stores.open_reader(any_settings)
    assert new.generation == store.manifest.generation != old.generation
    assert new.document(GONE) is None and new.document("grain.txt") == doc
    assert len(new) == len(old) - len(gone_ids) + 1
    assert not set(gone_ids) & {c.chunk_id for rows in new.doc_chunks().values() for c, _ in rows}
    ids, scores = new.search_dense(vector[0], 1)
    assert ids.tolist() == [chunk.chunk_id] and scores[0] == pytest.approx(1.0, abs=1e-5)
    assert new.search_lexical(["grain"], 1)[0].tolist() == [chunk.chunk_id]
    assert new.doc_freq(["grain", "neverseenword"]) == {"grain": 1}


def test_term_statistics_match_a_count_over_the_passages(any_settings, fake_embedder):
    ingest(any_settings, embedder=fake_embedder)
    snap = stores.open_reader(any_settings)
    passages = [set(lexical_tokens(c.embed_text)) for rows in snap.doc_chunks().values() for c, _ in rows]
    vocab = sorted(set().union(*passages))
    assert snap.doc_freq(vocab + ["neverseenword"]) == {t: sum(t in p for p in passages) for t in vocab}
    ids = {c.chunk_id: set(lexical_tokens(c.embed_text)) for rows in snap.doc_chunks().values() for c, _ in rows}
    for t in vocab + ["neverseenword"]:
        assert snap.passages_with(t) == {i for i, ts in ids.items() if t in ts}, t
    docs = {c.chunk_id: c.doc_id for rows in snap.doc_chunks().values() for c, _ in rows}
    assert snap.doc_ids([*docs, max(docs) + 100]) == docs


def test_dense_search_matches_numpy_brute_force(any_settings, fake_embedder):
    ingest(any_settings, embedder=fake_embedder)
    snap = stores.open_reader(any_settings)
    ids = np.array(sorted(c.chunk_id for rows in snap.doc_chunks().values() for c, _ in rows))
    vectors = snap.vectors_of(ids.tolist())
    for q in QUESTIONS:
        qv = fake_embedder.embed_query(q)
        exact = vectors @ qv
        top = np.argsort(-exact, kind="stable")[:10]
        got_ids, got_scores = snap.search_dense(qv, 10)
        assert np.allclose(got_scores, exact[top], atol=1e-5)
        assert set(got_ids.tolist()) == set(ids[top].tolist()) or np.allclose(np.sort(got_scores), np.sort(exact[top]))


# ---------------------------------------------------------------- the same answers as the files


def test_postgres_answers_as_the_files_do(settings, pg_settings, fake_embedder):
    """Search in every mode (ids and scores, BM25 included) and extractive answers: equal."""
    ingest(settings, embedder=fake_embedder)
    ingest(pg_settings, embedder=fake_embedder)
    files, pg = Engine(settings, fake_embedder), Engine(pg_settings, fake_embedder)
    for q in QUESTIONS:
        for mode in ("dense", "bm25", "hybrid"):
            assert _hits(pg.search(q, mode=mode, k=8)) == _hits(files.search(q, mode=mode, k=8)), (q, mode)
        assert _answer(pg.ask(q)) == _answer(files.ask(q)), q
    a, b = files.snapshot(), pg.snapshot()
    assert a.documents() == b.documents()
    for field in ("doc_ids", "starts", "ends", "hashes", "vectors"):
        assert np.array_equal(getattr(a.sentences, field), getattr(b.sentences, field)), field


def test_filters_in_sql_give_what_the_files_give(settings, pg_settings, fake_embedder):
    """Date, outlet and author filters: the same hits (every passage of the allowed articles when
    k exceeds them) and the same notes from both stores."""
    from rag.search.filters import Filters

    ingest(settings, embedder=fake_embedder)
    ingest(pg_settings, embedder=fake_embedder)
    files, pg = Engine(settings, fake_embedder), Engine(pg_settings, fake_embedder)
    cases = [Filters.build(after="2023-01-01"), Filters.build(outlets=["ORDA.KZ", "politnavigator"]),
             Filters.build(before="2022-12-31", authors="ivan zubov"), Filters.build(outlets="nowhere")]  # fmt: skip
    for f in cases:
        for mode in ("dense", "bm25", "hybrid"):
            a, b = (
                files.search(QUESTIONS[2], mode=mode, k=60, floor=-1.0, filters=f),
                pg.search(QUESTIONS[2], mode=mode, k=60, floor=-1.0, filters=f),
            )
            assert _hits(b) == _hits(a) and b.notes == a.notes, (f, mode)
        allowed = f.select(files.snapshot().manifest.documents).doc_ids
        dense = files.search(QUESTIONS[2], mode="dense", k=60, floor=-1.0, filters=f)
        assert len(dense.hits) == sum(files.snapshot().manifest.documents[d]["chunks"] for d in allowed)


def test_bm25_in_sql_equals_bm25s(settings, pg_settings, fake_embedder):
    """Scores from the stored term positions against bm25s's, token duplicates and unknown tokens included."""
    ingest(settings, embedder=fake_embedder)
    ingest(pg_settings, embedder=fake_embedder)
    a, b = stores.open_reader(settings), stores.open_reader(pg_settings)
    queries = [lexical_tokens(q) for q in QUESTIONS] + [["coal", "coal", "wagon"], ["neverseenword"], []]
    for tokens in queries:
        ids_a, sc_a = a.search_lexical(tokens, 20)
        ids_b, sc_b = b.search_lexical(tokens, 20)
        assert np.allclose(sc_b, sc_a, rtol=1e-5), tokens
        assert ids_b.tolist() == ids_a.tolist() or np.allclose(sc_a, sc_b), tokens
    assert b.idf(["coal", "kazahstan"]) == pytest.approx(a.idf(["coal", "kazahstan"]))


def test_migrate_copies_an_index_without_embedding(settings, pg_url, fake_embedder):
    from rag.cli import main

    ingest(settings, embedder=fake_embedder)
    base = ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir), "--database-url", pg_url]
    assert main(["migrate", "--to", "postgres", *base]) == 0
    pg_settings = settings.replace(store="postgres", database_url=pg_url)
    fake_embedder.embedded = 0
    files, pg = Engine(settings, fake_embedder), Engine(pg_settings, fake_embedder)
    assert not pg.status().stale  # the manifest came along: nothing to ingest
    for q in QUESTIONS[:3]:
        assert _hits(pg.search(q)) == _hits(files.search(q))
    assert fake_embedder.embedded == 6  # the questions only, once per engine
    # ... and back into an empty index folder.
    back = settings.replace(index_dir=settings.index_dir.parent / "index2")
    assert main(["migrate", "--to", "files", *base[:2], "--index", str(back.index_dir), "--database-url", pg_url]) == 0
    assert _hits(Engine(back, fake_embedder).search(QUESTIONS[0])) == _hits(files.search(QUESTIONS[0]))


# ---------------------------------------------------------------- many readers, one writer at a time


def test_a_reader_keeps_its_generation_while_an_ingest_commits(pg_settings, fake_embedder, corpus):
    ingest(pg_settings, embedder=fake_embedder)
    engine = Engine(pg_settings, fake_embedder)
    old = engine.snapshot()
    before = [_hits(engine.search(q)) for q in QUESTIONS]
    (corpus / GONE).unlink()
    (corpus / "grain.txt").write_text(NEW_ARTICLE)
    ingest(pg_settings, embedder=fake_embedder)
    # The question that started on the old generation reads it to the end: its rows are kept.
    from rag.search.retrieve import search

    assert [_hits(search(q, pg_settings, old, embedder=fake_embedder)) for q in QUESTIONS] == before
    assert old.document(GONE) is not None and old.document("grain.txt") is None
    new = engine.snapshot()
    assert new is not old and new.document(GONE) is None and new.document("grain.txt") is not None


def test_two_engines_and_a_second_process_answer_the_same(pg_settings, fake_embedder):
    ingest(pg_settings, embedder=fake_embedder)
    one, two = Engine(pg_settings, fake_embedder), Engine(pg_settings, FakeEmbedder())
    here = {q: [_hits(one.search(q)), _answer(one.ask(q))[0]] for q in QUESTIONS}
    assert here == {q: [_hits(two.search(q)), _answer(two.ask(q))[0]] for q in QUESTIONS}
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1])\n"
        "from tests.conftest import FakeEmbedder\nfrom rag import Engine, Settings\n"
        "e = Engine(Settings(corpus_dir=sys.argv[2], store='postgres', database_url=sys.argv[3]), FakeEmbedder())\n"
        "print(json.dumps({q: [[[h.chunk.chunk_id, round(h.score, 4)] for h in e.search(q).hits], e.ask(q).text]"
        " for q in json.loads(sys.argv[4])}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(ROOT), str(pg_settings.corpus_dir), pg_settings.database_url,
         json.dumps(QUESTIONS)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    there = json.loads(out.stdout)
    assert {q: [[tuple(h) for h in v[0]], v[1]] for q, v in there.items()} == here


def test_a_second_ingest_is_locked_out(pg_settings, fake_embedder):
    with _connect(pg_settings.database_url) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (pgstore.INGEST_LOCK,))
        with pytest.raises(IngestLocked, match="another ingest is updating the index in the database rag"):
            ingest(pg_settings, embedder=fake_embedder)
    assert ingest(pg_settings, embedder=fake_embedder).wrote  # the lock went with the session


def test_other_settings_are_a_mismatch_and_rebuild_remakes_the_tables(pg_settings, fake_embedder):
    ingest(pg_settings, embedder=fake_embedder)

    class Smaller(FakeEmbedder):
        name, dim = "fake-small", 32

    with pytest.raises(IndexMismatch, match="rag ingest --rebuild"):
        Engine(pg_settings, Smaller()).search("coal")
    report = ingest(pg_settings, embedder=Smaller(), rebuild=True)  # another vector size: tables made anew
    assert report.wrote and Engine(pg_settings, Smaller()).search(QUESTIONS[0]).hits


# ---------------------------------------------------------------- faults


def test_server_restarted_mid_ingest(pg_settings, pg_dir, fake_embedder, corpus, monkeypatch):
    """The save's transaction dies with the server: the previous state stays readable, the next ingest completes."""
    ingest(pg_settings, embedder=fake_embedder)
    before = [_hits(Engine(pg_settings, fake_embedder).search(q)) for q in QUESTIONS]
    (corpus / "grain.txt").write_text(NEW_ARTICLE)
    (corpus / GONE).unlink()
    real = pgstore._Save._insert_sentences

    def restart_first(self, *args):
        _server("restart", str(pg_dir))
        return real(self, *args)

    monkeypatch.setattr(pgstore._Save, "_insert_sentences", restart_first)
    with pytest.raises(StoreUnavailable, match="nothing was written.*run `rag ingest` again"):
        ingest(pg_settings, embedder=fake_embedder)
    monkeypatch.setattr(pgstore._Save, "_insert_sentences", real)

    # The same process goes on (as `rag watch` and the chat do): the failed save left nothing staged.
    engine = Engine(pg_settings, fake_embedder)
    assert [_hits(engine.search(q)) for q in QUESTIONS] == before
    assert engine.status().stale and engine.document("grain.txt") is None
    report = ingest(pg_settings, embedder=fake_embedder)
    assert (report.added, report.removed) == (["grain.txt"], [GONE])
    assert engine.document("grain.txt") is not None and engine.document(GONE) is None


def test_connection_dropped_mid_query(pg_settings, fake_embedder):
    """A backend ended while its query waits: the read runs again on a new connection and answers."""
    ingest(pg_settings, embedder=fake_embedder)
    engine = Engine(pg_settings, fake_embedder)
    expected = _hits(engine.search(QUESTIONS[0], mode="dense"))
    got: dict = {}
    with _connect(pg_settings.database_url) as other, _connect(pg_settings.database_url) as watch:
        with other.transaction():
            other.execute("LOCK TABLE rag_chunks IN ACCESS EXCLUSIVE MODE")
            worker = threading.Thread(target=lambda: got.update(r=engine.search(QUESTIONS[0], mode="dense")))
            worker.start()
            for _ in range(200):
                waiting = watch.execute(
                    "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                ).fetchall()
                if waiting:
                    break
                time.sleep(0.02)
            assert waiting, "the search never waited on the lock"
            assert watch.execute("SELECT pg_terminate_backend(%s)", (waiting[0][0],)).fetchone()[0]
            time.sleep(0.2)
        worker.join(30)
    assert _hits(got["r"]) == expected


def test_server_down_is_a_clear_error_and_the_next_query_works(pg_settings, pg_dir, fake_embedder):
    ingest(pg_settings, embedder=fake_embedder)
    engine = Engine(pg_settings, fake_embedder)
    expected = _hits(engine.search(QUESTIONS[0]))
    _server("stop", str(pg_dir))
    try:
        with pytest.raises(StoreUnavailable, match="database rag on .*start the server or fix RAG_DATABASE_URL"):
            engine.search(QUESTIONS[0])
    finally:
        _server("start", str(pg_dir))
    assert _hits(engine.search(QUESTIONS[0])) == expected


@pytest.mark.parametrize(
    "version, fix", [("99", "upgrade rag to the version that wrote it"), ("0", "rebuild it: `rag ingest --rebuild`")]
)
def test_wrong_schema_version_names_the_fix(pg_settings, fake_embedder, version, fix):
    ingest(pg_settings, embedder=fake_embedder)
    with _connect(pg_settings.database_url) as conn:
        conn.execute("UPDATE rag_meta SET value = %s", (version,))
    stores._POSTGRES.clear()
    with pytest.raises(StoreSchemaError, match=f"schema version {version}; this rag reads version 1: {fix}"):
        Engine(pg_settings, fake_embedder).search(QUESTIONS[0])
    with pytest.raises(StoreSchemaError):
        ingest(pg_settings, embedder=fake_embedder)  # an ingest does not write over it either ...
    assert ingest(pg_settings, embedder=fake_embedder, rebuild=True).wrote  # ... a rebuild does
    assert Engine(pg_settings, fake_embedder).search(QUESTIONS[0]).hits


def test_a_database_without_pgvector_names_the_fix(pg_settings, fake_embedder):
    noext = pg_settings.replace(database_url=pg_settings.database_url.replace("/rag?", "/noext?"))
    with pytest.raises(
        StoreSchemaError, match=r"database noext .* no pgvector extension; run `CREATE EXTENSION vector;`"
    ):
        ingest(noext, embedder=fake_embedder)
    with pytest.raises(StoreSchemaError, match="no pgvector extension"):
        Engine(noext, fake_embedder).search(QUESTIONS[0])


def test_a_user_without_rights_and_a_malformed_url_are_one_line_errors(pg_settings, pg_url, fake_embedder, corpus):
    """They were psycopg tracebacks (the malformed URL's showed the password)."""
    from rag.errors import ConfigError

    ingest(pg_settings, embedder=fake_embedder)
    with _connect(pg_url) as conn:
        conn.execute("DROP ROLE IF EXISTS rag_nobody")
        conn.execute("CREATE ROLE rag_nobody LOGIN")
    try:
        nobody = pg_settings.replace(database_url=pg_url.replace("postgres@", "rag_nobody@", 1))
        with pytest.raises(StoreUnavailable, match=r"may not read the index .*permission denied.*grant it SELECT"):
            Engine(nobody, fake_embedder).search("coal wagons")
        with _connect(pg_url) as conn:
            conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO rag_nobody")
        assert Engine(nobody, fake_embedder).search("coal wagons").hits  # a reader may read
        (corpus / "grain.txt").write_text(NEW_ARTICLE)
        with pytest.raises(StoreUnavailable, match=r"may not write the index .*permission denied.*nothing was written"):
            ingest(nobody, embedder=fake_embedder)
        assert Engine(pg_settings, fake_embedder).document("grain.txt") is None
    finally:
        with _connect(pg_url) as conn:
            conn.execute("DROP OWNED BY rag_nobody")
            conn.execute("DROP ROLE rag_nobody")
    bad = pg_settings.replace(database_url="postgresql://u:s3cret PW@[bad/rag")
    with pytest.raises(ConfigError, match="is not a PostgreSQL URL") as caught:
        Engine(bad, fake_embedder).search("coal wagons")
    assert "s3cret" not in str(caught.value)


def test_an_ingest_that_lost_its_lock_does_not_save_over_a_newer_index(
    pg_settings, pg_url, fake_embedder, corpus, monkeypatch
):
    """The ingest lock dies with its connection (a server restart mid-ingest); another ingest then
    saved, and this one's save dropped the other's rows. Now it refuses, and writes nothing."""
    ingest(pg_settings, embedder=fake_embedder)
    (corpus / "grain.txt").write_text(NEW_ARTICLE)
    # The other ingest: another process, as far as the store is concerned (its own store object).
    other = pg_settings.replace(database_url=pg_settings.database_url + "&application_name=other")
    real_run, ran = pgstore._Save.run, []

    def the_other_saves_first(self):
        if not ran:
            ran.append(1)
            with _connect(pg_url) as conn:  # this ingest's lock goes with its connection, as in a restart
                conn.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'")
            (corpus / GONE).unlink()
            assert ingest(other, embedder=fake_embedder).removed == [GONE]
        return real_run(self)

    monkeypatch.setattr(pgstore._Save, "run", the_other_saves_first)
    with pytest.raises(IngestLocked, match="another ingest saved a new index .* nothing was written"):
        ingest(pg_settings, embedder=fake_embedder)
    monkeypatch.setattr(pgstore._Save, "run", real_run)
    engine = Engine(pg_settings, fake_embedder)
    assert engine.document(GONE) is None and engine.status(check=True).problem is None
    assert ingest(pg_settings, embedder=fake_embedder).removed == []  # the other's index stands, whole


def test_reads_from_many_threads_keep_few_connections_open(pg_settings, pg_url, fake_embedder):
    """Each thread kept a connection of its own: a server's dozens of pool threads used up the
    database's connections. Now the reads share a pool, and only a few stay open between them."""
    from concurrent.futures import ThreadPoolExecutor

    def connections() -> int:  # others than this count's own
        with _connect(pg_url) as conn:
            sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = 'rag' AND pid <> pg_backend_pid()"
            return conn.execute(sql).fetchone()[0]

    ingest(pg_settings, embedder=fake_embedder)
    engine = Engine(pg_settings, fake_embedder)
    expected = _hits(engine.search(QUESTIONS[0]))
    before = connections()
    with ThreadPoolExecutor(24) as pool:  # threads alive while the connections are counted
        results = list(pool.map(lambda q: _hits(engine.search(q)), [QUESTIONS[0]] * 96))
        opened = connections() - before
    assert results == [expected] * 96
    assert opened <= pgstore.MAX_IDLE_CONNECTIONS, opened


@pytest.mark.parametrize("table", ["rag_sentences", "rag_chunks", "rag_documents"])
def test_a_dropped_table_is_reported_and_rebuild_mends_it(pg_settings, pg_url, fake_embedder, table):
    """The error said to run `rag ingest --rebuild`, and the rebuild failed the same way."""
    from rag.errors import RagError

    ingest(pg_settings, embedder=fake_embedder)
    with _connect(pg_url) as conn:
        conn.execute(f"DROP TABLE {table} CASCADE")
    stores._POSTGRES.clear()  # a new process: `rag status`, then `rag ingest --rebuild`
    try:
        problem = Engine(pg_settings, fake_embedder).status(check=True).problem
    except RagError as exc:
        problem = str(exc)
    assert problem and "rag ingest --rebuild" in problem, problem
    stores._POSTGRES.clear()
    report = ingest(pg_settings, embedder=fake_embedder, rebuild=True)
    assert report.wrote and len(report.added) == 5
    engine = Engine(pg_settings, fake_embedder)
    assert engine.status(check=True).problem is None and engine.search("coal wagons").hits
