"""`rag watch`: keep the index up to date while articles are copied into, changed in or deleted from
the corpus folder; one line per re-index; Ctrl-C stops.

rag watch                     watch corpus/ (or $RAG_CORPUS_DIR), re-index 2 s after the last change
rag watch --debounce 10       wait for 10 quiet seconds instead (or $RAG_WATCH_DEBOUNCE)
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from rag.config import add_common, settings_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--debounce", type=float, default=None, metavar="SECONDS",
                        help="quiet seconds after the last change before re-indexing "
                             "(default 2, or $RAG_WATCH_DEBOUNCE)")  # fmt: skip
    parser.add_argument("--retries", type=int, default=3, metavar="N",
                        help="times an article that cannot be read is tried again, in case it was still "
                             "being copied, before it is reported and skipped (default 3)")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from rag.engine import Engine
    from rag.watch.folder import CorpusWatcher

    settings = settings_from_args(args, watch_debounce=args.debounce)
    engine = Engine(settings)
    engine.ensure(note=lambda m: print(m, file=sys.stderr, flush=True))  # catch up with changes made while not watching
    watcher = CorpusWatcher(engine, retries=args.retries, note=lambda m: print(m, flush=True)).start()
    print(f"watching {settings.corpus_dir}/ for changes (re-indexing {watcher.debounce:g} s after the last one); "
          "Ctrl-C to stop", flush=True)  # fmt: skip
    # Until Ctrl-C or SIGTERM. Both are handled here, not left to Python's default: a process
    # started in the background by a non-interactive shell inherits SIGINT ignored, and Python then
    # installs no KeyboardInterrupt for it (`rag watch &` in a script, a test run under nohup).
    # The main thread wakes twice a second, so a signal the kernel hands to one of the watcher's or
    # the model's threads is still acted on.
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda signum, frame: stop.set()) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop.wait(0.5):
            pass
        print("stopping (after the re-index under way, if any)", flush=True)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        watcher.stop()
    print(f"stopped; {watcher.ingests} re-index{'es' if watcher.ingests != 1 else ''} while watching", flush=True)
    return 0
