"""Load on loopback: `python app.py` (real model) with 20 concurrent gradio_client users asking 50
questions each through /ask, then 1,000 questions in a row while the server's memory is watched;
then the HTTP APIs, POST /api/ask and POST /v1/chat/completions, with 20 concurrent clients of
`rag.bench.load` (50 questions each, then 20 seconds each), against that server and against
`python app.py --api-only --workers 2` on the same index.

Asserted: zero errors; every answer is the one that question gets alone (the same JSON, so no
answer crosses to another session) and holds its known fact; memory growth within MEMORY_BOUND_MB.
Reported, not asserted (wall-clock time depends on the machine): p50/p95/max latency and
throughput, printed and written to build/load.json (benchmarks/results/load.json with `make load`).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_CORPUS, free_port, stop_process, wait_for_app
from tests.generated import articles, write_articles

pytestmark = pytest.mark.slow

USERS = 20
QUESTIONS_EACH = 50
IN_A_ROW = 1_000
WARM_UP = 100  # questions before the memory baseline: caches and arenas fill up first
# Growth allowed from the baseline to the end of the 1,000: Gradio keeps a bounded history of
# finished events; a leak of even 50 KB a question would cross this.
MEMORY_BOUND_MB = 50
# make test writes to the ignored build/ (a test run leaves git status clean); `make load` sets this
# to benchmarks/results/load.json, the figures the README quotes.
RESULTS = Path(os.environ.get("RAG_LOAD_RESULTS") or ROOT / "build" / "load.json")


@pytest.fixture(scope="module")
def load_corpus(tmp_path_factory) -> tuple[Path, list]:
    """The seed articles plus 40 made-up ones; (root folder, known questions)."""
    root = tmp_path_factory.mktemp("load")
    shutil.copytree(SEED_CORPUS, root / "corpus")
    made = articles(40)
    write_articles(root / "corpus", made)
    known = [(a.question, a.number, a.name) for a in made]
    known += [("How many wagons of coal did Kazakhstan block?", "1,700", None),
              ("What is the capital of Peru?", None, None)]  # fmt: skip
    return root, known


def _serve(root: Path, *flags: str) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    env = {**os.environ, "RAG_PORT": str(port), "RAG_CORPUS_DIR": str(root / "corpus"),
           "RAG_INDEX_DIR": str(root / "index"), "RAG_FEEDBACK_PATH": str(root / "feedback.jsonl")}  # fmt: skip
    log = root / f"app-{port}.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), *flags], cwd=root, env=env, stdout=fh,
                                stderr=subprocess.STDOUT)  # fmt: skip
    return proc, f"http://127.0.0.1:{port}/", log


@pytest.fixture(scope="module")
def app_server(load_corpus) -> Iterator[tuple[str, int, list]]:
    """`python app.py` on the load corpus; yields (url, pid, known questions)."""
    root, known = load_corpus
    proc, url, log = _serve(root)
    try:
        wait_for_app(url, proc, log, timeout=600)
        yield url, proc.pid, known
    finally:
        stop_process(proc)


@pytest.fixture(scope="module")
def api_workers(load_corpus, app_server) -> Iterator[tuple[str, int, list]]:
    """`python app.py --api-only --workers 2` on the same index (built by app_server); yields (url,
    pid of the parent, known questions) once both workers are ready."""
    root, known = load_corpus
    proc, url, log = _serve(root, "--api-only", "--workers", "2")
    try:
        wait_for_app(url, proc, log, timeout=600, probe="api/status")
        deadline = time.monotonic() + 300
        while log.read_text().count(" ready") < 2:
            assert time.monotonic() < deadline and proc.poll() is None, log.read_text()[-2000:]
            time.sleep(0.5)
        yield url, proc.pid, known
    finally:
        stop_process(proc)


def _client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False)


def _without_timings(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k != "timings_ms"}


def _check_known(question: str, number: str | None, doc: str | None, answer: dict) -> None:
    assert answer["question"] == question
    if number is None:
        assert answer["abstained"] is True
    else:
        assert not answer["abstained"] and number in answer["answer"], (question, answer["answer"])
        assert doc is None or answer["citations"][0]["doc_id"] == doc


def _percentiles(ms: list[float]) -> dict[str, float]:
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "max_ms": round(max(ms), 1),
            "mean_ms": round(statistics.fmean(ms), 1)}  # fmt: skip


def _write_results(section: str, data: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[section] = data
    from rag.machine import cpu_flags

    results["machine"] = {"cpus": os.cpu_count(), "cpu_flags": cpu_flags(),
                          "load_average": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip
    tmp = RESULTS.with_name(RESULTS.name + ".tmp")
    tmp.write_text(json.dumps(results, indent=1) + "\n")
    os.replace(tmp, RESULTS)


def test_concurrent_users_get_their_own_answers(app_server):
    url, _, known = app_server
    client = _client(url)
    # Each question alone first: the answer every concurrent asker must get, byte for byte.
    reference = {}
    for question, number, doc in known:
        answer = client.predict(question, api_name="/ask")
        _check_known(question, number, doc, answer)
        reference[question] = _without_timings(answer)

    latencies: list[float] = []
    errors: list[str] = []
    wrong: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(USERS)

    def user(u: int) -> None:
        own = _client(url)  # a session of its own, as a separate person would have
        start.wait(timeout=300)
        for j in range(QUESTIONS_EACH):
            question, number, doc = known[(u * 7 + j * (u + 1)) % len(known)]
            t = time.perf_counter()
            try:
                answer = own.predict(question, api_name="/ask")
            except Exception as exc:  # every failure is counted and reported
                with lock:
                    errors.append(f"user {u} question {j}: {type(exc).__name__}: {exc}")
                continue
            elapsed = (time.perf_counter() - t) * 1000
            ok = _without_timings(answer) == reference[question]
            with lock:
                latencies.append(elapsed)
                if not ok:
                    wrong.append(f"user {u} asked {question!r}, got {answer['question']!r}: {answer['answer'][:80]}")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=user, args=(u,)) for u in range(USERS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=1800)
    wall = time.perf_counter() - t0
    assert not any(th.is_alive() for th in threads), "a user never finished"
    report = {
        "users": USERS, "questions_each": QUESTIONS_EACH, "requests": USERS * QUESTIONS_EACH,
        "answered": len(latencies), "errors": len(errors), "wrong_answers": len(wrong),
        "distinct_questions": len(known), "wall_s": round(wall, 1),
        "throughput_per_s": round(len(latencies) / wall, 1), **_percentiles(latencies),
    }  # fmt: skip
    _write_results("concurrent", report)
    print(f"\nconcurrent: {json.dumps(report)}")
    assert errors == [], errors[:5]
    assert wrong == [], wrong[:5]
    assert len(latencies) == USERS * QUESTIONS_EACH


@pytest.mark.parametrize("endpoint", ["ask", "chat"])
@pytest.mark.parametrize("served", ["app_server", "api_workers"])
def test_api_clients_get_their_own_answers(request, served, endpoint):
    """20 concurrent clients on /api/ask or /v1/chat/completions, a fixed count and then a fixed
    time, against `python app.py` and against `--api-only --workers 2`: no error, and every answer
    is the one its question gets alone (none crossed)."""
    import asyncio

    from rag.bench.load import run_load

    url, pid, known = request.getfixturevalue(served)
    questions = [q for q, _, _ in known]
    base = url.rstrip("/")
    fixed = asyncio.run(run_load(base, endpoint, questions, users=USERS, each=QUESTIONS_EACH, server_pid=pid))
    timed = asyncio.run(run_load(base, endpoint, questions, users=USERS, seconds=20, server_pid=pid))
    section = f"api_{endpoint}" if served == "app_server" else f"api_{endpoint}_2_workers"
    _write_results(section, {"fixed_count": fixed, "fixed_time": timed})
    print(f"\n{endpoint}: {json.dumps(fixed)}\n{endpoint} for 20 s: {json.dumps(timed)}")
    for report in (fixed, timed):
        assert report["errors"] == 0 and report["crossed"] == 0, report["examples"]
    assert fixed["answered"] == USERS * QUESTIONS_EACH
    assert fixed["server_cpu_ms_per_answer"] > 0 and timed["server_cpu_ms_per_answer"] > 0


def test_server_benchmark_serves_each_configuration_in_turn(load_corpus, tmp_path):
    """`python -m rag.bench.servers` (the README's server table) starts each way of serving on the
    load corpus, the floors included, loads it, stops it, and writes one report with the servers'
    CPU per answer."""
    from rag.bench import servers

    root, _ = load_corpus
    out = tmp_path / "servers.json"
    argv = ["--corpus", str(root / "corpus"), "--index", str(root / "index"), "--seconds", "2", "--users", "4",
            "--port", str(free_port()), "--out", str(out), "--configs", ",".join(servers.CONFIGS)]  # fmt: skip
    assert servers.main(argv, out=lambda text: None) == 0
    report = json.loads(out.read_text())
    assert [(r["server"], r["endpoint"]) for r in report["runs"]] == [
        (name, endpoint) for name in servers.CONFIGS for endpoint in ("ask", "chat")
    ]
    for run in report["runs"]:
        assert run["answered"] > 0 and run["errors"] == run["crossed"] == 0 and run["server_cpu_ms_per_answer"] > 0
    assert report["articles"] == 45 and report["machine"]["cpu_flags"]


def test_the_model_floor_answers_with_the_engines_question_vector(load_corpus):
    """The model floor of the server table embeds each question with the engine's own model, over
    the real HTTP path: its reply is the first component of the vector the engine would search with."""
    from rag.bench import servers
    from rag.config import Settings
    from rag.index.embed import get_embedder

    root, known = load_corpus
    port = free_port()
    question = known[0][0]
    expected = float(get_embedder(Settings.from_env()).embed_query(question)[0])
    with servers._Server(ROOT, servers.CONFIGS["model floor"], root / "corpus", root / "index", port):
        body = json.dumps({"question": question}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/ask", body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            answer = json.loads(reply.read())
    assert answer["question"] == question
    assert abs(float(answer["answer"]) - expected) < 1e-5, (answer, expected)


def test_a_thousand_questions_in_a_row_hold_memory(app_server):
    import psutil

    url, pid, known = app_server
    server = psutil.Process(pid)
    client = _client(url)
    rss: list[tuple[int, float]] = []
    latencies: list[float] = []
    for i in range(IN_A_ROW):
        question, number, doc = known[(i * 13) % len(known)]
        t = time.perf_counter()
        answer = client.predict(question, api_name="/ask")
        latencies.append((time.perf_counter() - t) * 1000)
        if i % 50 == 0 or i == IN_A_ROW - 1:
            _check_known(question, number, doc, answer)
        if i + 1 == WARM_UP or (i + 1) % 100 == 0:
            rss.append((i + 1, server.memory_info().rss / 2**20))
    baseline = next(mb for n, mb in rss if n == WARM_UP)
    growth = rss[-1][1] - baseline
    report = {
        "questions": IN_A_ROW, "rss_mb_after": {str(n): round(mb, 1) for n, mb in rss},
        "growth_mb_after_warm_up": round(growth, 1), "bound_mb": MEMORY_BOUND_MB, **_percentiles(latencies),
    }  # fmt: skip
    _write_results("in_a_row", report)
    print(f"\nin a row: {json.dumps(report)}")
    assert growth <= MEMORY_BOUND_MB, report
