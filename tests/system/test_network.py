"""No outbound network: `rag ingest`, `search`, `ask` and the app connect to nothing outside
loopback. Three independent witnesses, none of which sends anything anywhere:

1. a Python audit hook (`sys.addaudithook`) in the process records every `socket.connect`,
   `socket.sendto` and `socket.getaddrinfo` (name lookups, which would go out to a DNS server),
   and `socket.bind` (the app listens on loopback only, so a bind elsewhere is flagged too);
2. `strace -f` records every connect/sendto/sendmsg system call of the process and its threads,
   native libraries included (ONNX Runtime, FAISS, tokenizers), which an audit hook cannot see;
3. the CLI runs inside `unshare --net`, a network namespace with nothing but loopback: it still
   builds the index and answers, so it needs no network at all.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_CORPUS, free_port, wait_for_app

pytestmark = pytest.mark.slow

QUESTION = "How many wagons of coal did Kazakhstan block?"
AUDIT = """
import json, os, runpy, sys

_log = open(os.environ["NET_AUDIT_LOG"], "a", buffering=1)

def _hook(event, args):
    if event in ("socket.connect", "socket.sendto", "socket.bind"):
        sock, address = args[0], args[1]
        _log.write(json.dumps({"event": event, "family": str(sock.family), "address": repr(address)}) + "\\n")
    elif event == "socket.getaddrinfo":
        _log.write(json.dumps({"event": event, "host": repr(args[0]), "port": repr(args[1])}) + "\\n")

sys.addaudithook(_hook)
target, sys.argv = sys.argv[1], sys.argv[1:]
if target == "-m":
    sys.argv = sys.argv[1:]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
else:
    runpy.run_path(target, run_name="__main__")
"""
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 (also as ::ffff:127.x), or a name that only ever means this machine."""
    host = host.strip("[]")
    if host in LOOPBACK_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or (ip.version == 6 and ip.ipv4_mapped is not None and ip.ipv4_mapped.is_loopback)


def outside_in_audit(log: Path) -> list[dict]:
    """Audit records that name a host other than loopback (or no host at all: 0.0.0.0, '')."""
    bad = []
    for line in log.read_text().splitlines() if log.exists() else []:
        rec = json.loads(line)
        if "AF_UNIX" in rec.get("family", ""):
            continue
        if rec["event"] == "socket.getaddrinfo":
            host = rec["host"].strip("'\"b")
        else:
            m = re.match(r"\(['\"]?([^'\",]*)['\"]?, ", rec["address"])
            host = m.group(1) if m else rec["address"]
        if not is_loopback(host):
            bad.append(rec)
    return bad


_STRACE_ADDR = re.compile(r'sa_family=AF_INET6?,.*?(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)")')


def outside_in_strace(log: Path) -> list[str]:
    """System calls that address an IPv4/IPv6 host other than loopback (Unix sockets and netlink
    are local by nature; a send on a connected socket names no address: its connect was logged)."""
    bad = []
    for line in log.read_text().splitlines() if log.exists() else []:
        m = _STRACE_ADDR.search(line)
        if m and not is_loopback(m.group(1) or m.group(2)):
            bad.append(line)
    return bad


def test_the_witnesses_classify_addresses():
    """The detectors themselves, on recorded samples (no traffic is sent to check them)."""
    assert all(is_loopback(h) for h in ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"])
    assert not any(is_loopback(h) for h in ["10.0.0.1", "192.168.1.1", "8.8.8.8", "huggingface.co", "0.0.0.0", ""])
    sample = Path("strace.sample")
    sample.write_text(
        '7 connect(3, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("203.0.113.7")}, 16) = -1\n'
        '7 connect(4, {sa_family=AF_INET, sin_port=htons(7860), sin_addr=inet_addr("127.0.0.1")}, 16) = 0\n'
        "7 connect(5, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "
        '"2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = -1\n'
        '7 connect(6, {sa_family=AF_UNIX, sun_path="/run/x.sock"}, 110) = 0\n'
        '7 sendto(7, "\\x12", 1, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.2")}, 16)\n'
    )
    assert len(outside_in_strace(sample)) == 3
    audit = Path("audit.sample")
    audit.write_text(
        json.dumps({"event": "socket.connect", "family": "AddressFamily.AF_INET", "address": "('127.0.0.1', 7860)"})
        + "\n"
        + json.dumps({"event": "socket.getaddrinfo", "host": "'huggingface.co'", "port": "443"})
        + "\n"
        + json.dumps({"event": "socket.connect", "family": "AddressFamily.AF_UNIX", "address": "'/tmp/s'"})
        + "\n"
    )
    assert [r["host"] for r in outside_in_audit(audit)] == ["'huggingface.co'"]


class Witness:
    """Runs a Python command under the audit hook, and under strace when it is installed."""

    def __init__(self, tmp_path: Path) -> None:
        self.dir = tmp_path
        self.script = tmp_path / "audit_run.py"
        self.script.write_text(AUDIT)
        self.audit_log = tmp_path / "audit.jsonl"
        self.strace_log = tmp_path / "strace.log"
        self.strace = shutil.which("strace")

    def command(self, *args: str) -> list[str]:
        cmd = [sys.executable, str(self.script), *args]
        if self.strace:
            # -f: every thread and child; --seccomp-bpf: stop only on these calls (fast).
            cmd = [self.strace, "-f", "-qq", "--seccomp-bpf", "-e", "trace=connect,sendto,sendmsg,sendmmsg",
                   "-e", "signal=none", "-o", str(self.strace_log), "-A", *cmd]  # fmt: skip
        return cmd

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "NET_AUDIT_LOG": str(self.audit_log), **extra}

    def check(self) -> int:
        """Assert that nothing left loopback; returns how many socket events were seen."""
        assert outside_in_audit(self.audit_log) == []
        assert outside_in_strace(self.strace_log) == []
        return len(self.audit_log.read_text().splitlines()) if self.audit_log.exists() else 0


@pytest.fixture
def workdir(tmp_path) -> Path:
    shutil.copytree(SEED_CORPUS, tmp_path / "corpus")
    return tmp_path


@pytest.mark.parametrize("backend", ["onnx", "torch"])
def test_cli_ingest_search_ask_connect_nowhere(workdir, backend):
    """Both embedder backends (ONNX Runtime's PyPI build has telemetry; it must stay off)."""
    w = Witness(workdir)
    out = {}
    commands = [["ingest", "--quiet"], ["search", QUESTION, "--json"], ["ask", QUESTION, "--json"], ["status"]]
    for args in commands if backend == "onnx" else [commands[0], commands[2]]:  # torch: slow to start, so two
        proc = subprocess.run(w.command("-m", "rag.cli", *args), cwd=workdir, env=w.env(RAG_EMBED_BACKEND=backend),
                              capture_output=True, text=True, timeout=600)  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        out[args[0]] = proc.stdout
    assert "1,700 wagons" in json.loads(out["ask"])["answer"]
    assert backend != "onnx" or json.loads(out["search"])["hits"]
    w.check()
    if w.strace:
        assert w.strace_log.exists()  # strace ran and wrote its log (empty of outside addresses)


@contextlib.contextmanager
def running_app(w: Witness, workdir: Path) -> Iterator[str]:
    port = free_port()
    log = workdir / "app.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(w.command(str(ROOT / "app.py")), cwd=workdir, env=w.env(RAG_PORT=str(port)),
                                stdout=fh, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_app(url, proc, log)
        yield url
    finally:
        import psutil

        # Stop the app itself; strace, its parent when there is one, ends with it.
        for target in psutil.Process(proc.pid).children(recursive=True) or [psutil.Process(proc.pid)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                target.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


def test_the_app_connects_nowhere(workdir):
    """`python app.py` builds the index, serves the page and answers on /ask; all traced."""
    import httpx
    from gradio_client import Client

    w = Witness(workdir)
    with running_app(w, workdir) as url:
        page = httpx.get(url, timeout=30)
        assert page.status_code == 200 and "<html" in page.text.lower()
        client = Client(url, verbose=False, download_files=False)
        got = client.predict(QUESTION, api_name="/ask")
        assert "1,700 wagons" in got["answer"]
        assert client.predict("What is the capital of Peru?", api_name="/ask")["abstained"] is True
    seen = w.check()
    assert seen > 0, "the audit hook saw the app's own loopback sockets (its listening socket at least)"


def test_the_cli_works_with_no_network_at_all(workdir):
    """Inside a network namespace with only loopback: ingest, search and ask all succeed."""
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "--net", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot create a network namespace here (needs root or user namespaces)")
    rag = [sys.executable, "-m", "rag.cli"]
    script = (
        "ip link set lo up 2>/dev/null; "  # loopback only; there is no other interface
        f"ip -o link | grep -v ': lo:' && exit 9; "
        f"{' '.join(rag)} ingest --quiet && {' '.join(rag)} search '{QUESTION}' --json > search.json "
        f'&& {" ".join(rag)} ask "{QUESTION}" --json > ask.json'
    )
    proc = subprocess.run([unshare, "--net", "sh", "-c", script], cwd=workdir, capture_output=True, text=True,
                          timeout=900)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads((workdir / "search.json").read_text())["hits"]
    assert "1,700 wagons" in json.loads((workdir / "ask.json").read_text())["answer"]
