"""A load generator for the HTTP APIs: many concurrent loopback clients, each on its own
keep-alive connection, asking a fixed number of questions or asking until a time is up.

It speaks plain HTTP/1.1 over asyncio streams (no HTTP library): the generator runs on the same
cores as the server it measures, so its own cost per request has to be small. Every answer is
compared with the one the same question gets alone, so an answer that crossed to another client
(or changed under load) is counted, not just errors.

    python -m rag.bench.load --url http://127.0.0.1:7860 --endpoint ask --users 20 --each 50
    python -m rag.bench.load --url http://127.0.0.1:7860 --endpoint chat --users 20 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

ENDPOINTS = ("ask", "chat")  # POST /api/ask, POST /v1/chat/completions
MODEL = "news-archive"


def request_body(endpoint: str, question: str) -> tuple[str, bytes]:
    """The path and JSON body that ask `question` through `endpoint`."""
    if endpoint == "ask":
        return "/api/ask", json.dumps({"question": question}).encode()
    if endpoint == "chat":
        body = {"model": MODEL, "messages": [{"role": "user", "content": question}]}
        return "/v1/chat/completions", json.dumps(body).encode()
    raise ValueError(f"endpoint must be one of {', '.join(ENDPOINTS)}; got {endpoint!r}")


def essence(endpoint: str, reply: dict[str, Any]) -> tuple[str, str, str]:
    """What must not change between asking alone and asking under load: (question, answer, citations).

    >>> essence("chat", {"choices": [{"message": {"content": "A. [1]"}}], "citations": [{"n": 1}]})
    ('', 'A. [1]', '[{"n": 1}]')
    """
    cites = json.dumps(reply.get("citations"), sort_keys=True)
    if endpoint == "chat":
        return "", reply["choices"][0]["message"]["content"], cites
    return reply["question"], reply["answer"], cites


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    crossed: list[str] = field(default_factory=list)


class Connection:
    """One keep-alive HTTP/1.1 connection: POST a JSON body, read the JSON reply."""

    def __init__(self, host: str, port: int, token: str | None = None) -> None:
        self.host, self.port = host, port
        self.auth = f"Authorization: Bearer {token}\r\n".encode() if token else b""
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
        ).encode()
        self.writer.write(head + self.auth + b"\r\n" + body)
        status_line = await self.reader.readline()
        if not status_line:  # counted as an error by the caller, which reconnects
            raise ConnectionResetError("the server closed the connection")
        status = int(status_line.split()[1])
        length, chunked = None, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if chunked:
            parts = []
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            await self.reader.readline()
            return status, b"".join(parts)
        return status, await self.reader.readexactly(length or 0)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


async def _alone(url: str, endpoint: str, questions: Sequence[str], token: str | None) -> dict[str, tuple]:
    """Each question asked once, one at a time: the answer every concurrent asker must get."""
    parts = urlsplit(url)
    conn = Connection(parts.hostname or "127.0.0.1", parts.port or 80, token)
    reference = {}
    try:
        for q in dict.fromkeys(questions):
            status, data = await conn.post(*request_body(endpoint, q))
            if status != 200:
                raise RuntimeError(f"{endpoint} answered {status} to {q!r}: {data[:300]!r}")
            reference[q] = essence(endpoint, json.loads(data))
    finally:
        await conn.close()
    return reference


async def _user(
    u: int, conn: Connection, endpoint: str, questions: Sequence[str], reference: dict, tally: Tally,
    each: int | None, deadline: float | None,
) -> None:  # fmt: skip
    j = 0
    while (each is None or j < each) and (deadline is None or time.perf_counter() < deadline):
        q = questions[(u * 7 + j * (u + 1)) % len(questions)]
        j += 1
        t = time.perf_counter()
        try:
            status, data = await conn.post(*request_body(endpoint, q))
            got = essence(endpoint, json.loads(data)) if status == 200 else None
        except (OSError, ValueError, KeyError, asyncio.IncompleteReadError) as exc:
            tally.errors.append(f"user {u} question {j}: {type(exc).__name__}: {exc}")
            conn.writer = None  # reconnect
            continue
        tally.latencies_ms.append((time.perf_counter() - t) * 1000)
        if status != 200:
            tally.errors.append(f"user {u} question {j}: HTTP {status}: {data[:200]!r}")
        elif got != reference[q]:
            tally.crossed.append(f"user {u} asked {q!r}, got {got[1][:80]!r}")


async def run_load(
    url: str, endpoint: str, questions: Sequence[str], *, users: int = 20, each: int | None = 50,
    seconds: float | None = None, token: str | None = None, server_pid: int | None = None,
) -> dict[str, Any]:  # fmt: skip
    """`users` clients at once, each asking `each` questions (or until `seconds` pass).

    Returns:
        answered, errors, crossed (answers unlike the one the question gets alone), wall seconds,
        answers per second, latency p50/p95/max/mean in ms, the machine's load average and CPU time
        of this process (the generator's own share); with `server_pid`, the CPU milliseconds that
        process and its children (the workers) spent per answer during the run.
    """
    reference = await _alone(url, endpoint, questions, token)
    server_cpu0 = server_cpu_s(server_pid) if server_pid else 0.0
    parts = urlsplit(url)
    conns = [Connection(parts.hostname or "127.0.0.1", parts.port or 80, token) for _ in range(users)]
    tally = Tally()
    cpu0, t0 = time.process_time(), time.perf_counter()
    deadline = t0 + seconds if seconds else None
    try:
        await asyncio.gather(
            *(_user(u, c, endpoint, questions, reference, tally, each if not seconds else None, deadline)
              for u, c in enumerate(conns))
        )  # fmt: skip
    finally:
        for c in conns:
            await c.close()
    wall = time.perf_counter() - t0
    answered = len(tally.latencies_ms)
    server = {}
    if server_pid and answered:
        server["server_cpu_ms_per_answer"] = round((server_cpu_s(server_pid) - server_cpu0) * 1000 / answered, 2)
    return {
        "endpoint": endpoint, "users": users, "each": None if seconds else each, "seconds": seconds,
        "answered": answered, "errors": len(tally.errors), "crossed": len(tally.crossed),
        "distinct_questions": len(reference), "wall_s": round(wall, 2),
        "answers_per_s": round(answered / wall, 1), **percentiles(tally.latencies_ms),
        "generator_cpu_s": round(time.process_time() - cpu0, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        **server, "examples": {"errors": tally.errors[:5], "crossed": tally.crossed[:5]},
    }  # fmt: skip


def server_cpu_s(pid: int) -> float:
    """User and system CPU seconds of a process and its living children (a server's workers)."""
    import psutil

    total = 0.0
    root = psutil.Process(pid)
    for proc in [root, *root.children(recursive=True)]:
        try:
            t = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system
    return total


def percentiles(ms: list[float]) -> dict[str, float]:
    """p50, p95, max and mean of latencies in ms (empty: zeros)."""
    if len(ms) < 2:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "max_ms": 0.0, "mean_ms": 0.0}
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "max_ms": round(max(ms), 1),
            "mean_ms": round(statistics.fmean(ms), 1)}  # fmt: skip


def default_questions() -> list[str]:
    """The eval set's questions (answerable and not), from the repository."""
    from rag.bench import ROOT

    path = ROOT / "eval" / "questions.jsonl"
    return [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    p = argparse.ArgumentParser(prog="python -m rag.bench.load", description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:7860")
    p.add_argument("--endpoint", choices=ENDPOINTS, default="ask")
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--each", type=int, default=50, help="questions per user (ignored with --seconds)")
    p.add_argument("--seconds", type=float, default=None, help="ask until this many seconds passed")
    p.add_argument("--token", default=os.environ.get("RAG_API_TOKEN"), help="bearer token (RAG_AUTH's password)")
    p.add_argument("--server-pid", type=int, default=None, help="report its (and its workers') CPU per answer")
    args = p.parse_args(argv)
    report = asyncio.run(
        run_load(args.url, args.endpoint, default_questions(), users=args.users, each=args.each,
                 seconds=args.seconds, token=args.token, server_pid=args.server_pid)
    )  # fmt: skip
    out(json.dumps(report))
    return 0 if report["errors"] == report["crossed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
