"""App start-up: from `python app.py` to the first answer over HTTP, with a built index; its memory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from rag.bench.stats import percentiles


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_memory_mib(pid: int) -> dict[str, float]:
    """Current (VmRSS) and peak (VmHWM) resident memory of a process, from /proc."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out["rss_mib" if key == "VmRSS" else "peak_rss_mib"] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return out


def _page_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def bench_app(
    app_py: Path, env: dict[str, str], question: str, n_after: int = 20, timeout: float = 180.0
) -> dict[str, Any]:
    """Start the app, wait for its page, then ask through the `/ask` endpoint (if it has one).

    Returns seconds to the page answering 200 and to the first answer, then the latency of
    `n_after` more answers and the app's memory after them.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    client_cls = _gradio_client()  # imported before the clock starts: it is the user's side
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(app_py)],
        cwd=str(app_py.parent),
        env={**os.environ, **env, "RAG_PORT": str(port), "RAG_HOST": "127.0.0.1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while not _page_up(url):
            if proc.poll() is not None:
                return {"error": f"app exited with {proc.returncode}: {proc.stderr.read()[-2000:]}"}
            if time.perf_counter() - t0 > timeout:
                return {"error": f"no page after {timeout:.0f} s"}
            time.sleep(0.05)
        page_s = time.perf_counter() - t0
        out: dict[str, Any] = {"to_page_s": round(page_s, 2)}
        if client_cls is None:
            out["note"] = "gradio_client is not installed; measured until the page answered HTTP 200"
            out.update(proc_memory_mib(proc.pid))
            return out
        # download_files=False: the answer JSON holds article paths, which the client would try to fetch.
        client = client_cls(url, verbose=False, download_files=False)
        try:
            client.predict(question, api_name="/ask")
        except Exception as exc:  # noqa: BLE001 - any failure of the endpoint is reported, not raised
            out["note"] = f"no /ask endpoint answered ({type(exc).__name__}: {str(exc)[:200]}); measured to the page"
            out.update(proc_memory_mib(proc.pid))
            return out
        out["to_first_answer_s"] = round(time.perf_counter() - t0, 2)
        lat = []
        for _ in range(n_after):
            t = time.perf_counter()
            client.predict(question, api_name="/ask")
            lat.append((time.perf_counter() - t) * 1000)
        out["http_ask_ms"] = percentiles(lat)
        out.update(proc_memory_mib(proc.pid))
        return out
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _gradio_client():
    try:
        from gradio_client import Client
    except ImportError:
        return None
    return Client


NAIVE_SCRIPT = """
import sys, time, numpy as np
t0 = time.perf_counter()
import faiss
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(sys.argv[1], device="cpu", local_files_only=True)
vectors = np.load(sys.argv[2])
texts = open(sys.argv[3], encoding="utf-8").read().split("\\x1e")
index = faiss.IndexFlatIP(vectors.shape[1]); index.add(vectors)
q = model.encode([sys.argv[4]], normalize_embeddings=True)
_, ids = index.search(q, 5)
answer = [texts[i] for i in ids[0]]
import resource
print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def bench_naive_startup(model_dir: Path, vectors: Path, texts: Path, question: str) -> dict[str, Any]:
    """The baseline's start-up: a script that loads the model and a flat index and answers once (no UI)."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", NAIVE_SCRIPT, str(model_dir), str(vectors), str(texts), question],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return {"error": proc.stderr[-2000:]}
    inner, peak = (float(x) for x in proc.stdout.split()[-2:])
    return {"to_first_answer_s": round(wall, 2), "inside_python_s": round(inner, 2), "peak_rss_mib": round(peak, 1)}
