"""The `rag` command. Library errors become one-line messages here, at the edge."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import sys
from collections.abc import Sequence

from rag.config import MODES, add_common, add_serving_flags, settings_from_args
from rag.errors import ConfigError, RagError

PLUGGED = {
    "eval": ("rag.evaluation.command", "measure retrieval and answer quality (eval set or a BEIR data set)"),
    "bench": ("rag.bench.command", "measure ingest, query and start-up speed and memory; write JSON and Markdown"),
    "watch": ("rag.watch.command", "keep the index up to date while files in the corpus folder change (Ctrl-C stops)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag",
        description="Citation-first question answering over a folder of news articles.",
        epilog="Settings can also come from RAG_* environment variables; see the README.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="build or update the index from the corpus folder",
                       description="Index new and changed articles, drop deleted ones (incremental).")  # fmt: skip
    add_common(p)
    p.add_argument("--rebuild", action="store_true", help="ignore the existing index and build it anew")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("search", help="show the passages that best match a question",
                       description="Retrieve passages (updates the index first if the corpus changed).")  # fmt: skip
    add_common(p)
    p.add_argument("question", help="the question or search text")
    p.add_argument("--k", type=int, default=None, help="number of passages (default 7, RAG_TOP_K)")
    p.add_argument("--mode", choices=MODES, default=None, help="hybrid (default), dense or bm25")
    p.add_argument("--mmr", action="store_true", default=None, help="diversify passages (maximal marginal relevance)")
    _add_filters(p)
    p.add_argument("--json", action="store_true", help="print one JSON object (fields: see the README, Command line)")

    p = sub.add_parser("ask", help="answer a question with cited passages",
                       description="Answer from the articles, each claim marked [n] with its passage; "
                       "says so when the articles don't answer it.")  # fmt: skip
    add_common(p)
    p.add_argument("question", help="the question")
    p.add_argument("--k", type=int, default=None, help="passages to draw on (default 7, RAG_TOP_K)")
    p.add_argument("--mode", choices=MODES, default=None, help="retrieval mode: hybrid (default), dense or bm25")
    p.add_argument("--answer-mode", choices=("extractive", "llm"), default=None,
                   help="extractive (default) or llm (default when an LLM is configured)")  # fmt: skip
    p.add_argument("--llm-base-url", default=None, help="OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1")
    p.add_argument("--llm-model", default=None, help="model name on that server")
    _add_filters(p)
    p.add_argument("--json", action="store_true", help="print one JSON object (fields: see the README, Command line)")

    _add_timeline_command(sub)

    p = sub.add_parser("status", help="what the index holds and whether the corpus changed since")
    add_common(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    # Commands that live in their own modules: each has add_arguments(parser) and run(args) -> int.
    for name, (module, help_text) in PLUGGED.items():
        if importlib.util.find_spec(module) is not None and hasattr(mod := importlib.import_module(module), "run"):
            p = sub.add_parser(name, help=help_text, description=help_text)
            mod.add_arguments(p)

    _add_server_commands(sub)
    return parser


def _add_filters(p: argparse.ArgumentParser) -> None:
    """--after, --before, --outlet, --author: which articles `search` and `ask` draw from; and --no-group."""
    g = p.add_argument_group("filters", "search only some articles (applied inside retrieval)")
    g.add_argument(
        "--after", metavar="DATE", help="published on or after DATE (yyyy-mm-dd); undated articles are left out"
    )
    g.add_argument(
        "--before", metavar="DATE", help="published on or before DATE (yyyy-mm-dd); undated articles are left out"
    )
    g.add_argument("--outlet", metavar="NAME", action="append", help="from this outlet (any case; repeat for several)")
    g.add_argument("--author", metavar="NAME", action="append", help="by this author (any case; repeat for several)")
    p.add_argument("--no-group", dest="group_wire", action="store_false", default=None,
                   help="show every outlet's copy of a wire story (default: each story once, with "
                   "'also in N outlets'; or $RAG_GROUP_WIRE=0)")  # fmt: skip


def _filters(args: argparse.Namespace):
    """The `Filters` of the command's flags (a bad date raises ConfigError, shown as an error)."""
    from rag.search.filters import Filters

    return Filters.build(after=args.after, before=args.before, outlets=args.outlet, authors=args.author)


def _add_timeline_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("timeline", help="the facts about a question or a name, ordered by article date",
                       description="One cited sentence per article about the question or name, oldest article "
                       "first; articles without a date are listed apart.")  # fmt: skip
    add_common(p)
    p.add_argument("question", help="a question, a name or a subject, e.g. Tokayev")
    p.add_argument("--k", type=int, default=None, help="passages to search (default 30, at most 100)")
    p.add_argument("--mode", choices=MODES, default=None, help="retrieval mode: hybrid (default), dense or bm25")
    _add_filters(p)
    p.add_argument("--json", action="store_true", help="print one JSON object (fields: see the README, Timeline)")


def _add_server_commands(sub: argparse._SubParsersAction) -> None:
    """`migrate`, `mcp` and `serve`: the commands about where the index lives and how it is served."""
    p = sub.add_parser("migrate", help="copy the index into another store (files <-> postgres), without re-embedding",
                       description="Copy the index from the local files (--index) into PostgreSQL (--database-url or "
                                   "$RAG_DATABASE_URL), or back with --to files. Nothing is embedded again; what the "
                                   "target held is replaced in one transaction.")  # fmt: skip
    add_common(p)
    p.add_argument("--to", choices=("postgres", "files"), required=True, help="the store to copy the index into")

    p = sub.add_parser("mcp", help="serve the search and ask tools over MCP on stdio (for assistants)",
                       description="An MCP server on standard input and output with the tools search and ask.")  # fmt: skip
    add_common(p)

    p = sub.add_parser("serve", help="start the web chat and the HTTP APIs (same as `python app.py`)")
    add_common(p)
    p.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default 7860)")
    p.add_argument("--watch", action="store_true", default=None,
                   help="re-index while files in the corpus folder change (or RAG_WATCH=1)")  # fmt: skip
    add_serving_flags(p)


def _note(msg: str) -> None:
    print(msg, file=sys.stderr)


def cmd_ingest(args: argparse.Namespace) -> int:
    from rag.engine import Engine
    from rag.progress import tqdm_progress

    progress = None if args.quiet else tqdm_progress(stages=("embed", "embed sentences"))
    report = Engine(settings_from_args(args)).ingest(rebuild=args.rebuild, progress=progress)
    print(report.summary())
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from rag.engine import Engine
    from rag.search.wire import outlets_line
    from rag.serialize import hit_json

    engine = Engine(settings_from_args(args))
    filters = _filters(args)  # a bad date fails before the index is built
    engine.ensure(note=_note)
    result = engine.search(args.question, filters=filters)
    if args.json:
        out = {"query": args.question, "mode": result.mode, "hits": [hit_json(h) for h in result.hits]}
        if result.notes:
            out["notes"] = list(result.notes)
        print(json.dumps(out, ensure_ascii=False))
        return 0
    for note in result.notes:
        print(f"note: {note}")
    if not result.hits:
        print("No passage in the articles is relevant enough to this question.")
    for h in result.hits:
        print(f"[{h.rank}] {h.doc_title}{_dated(h)}  ({h.doc_path}, score {h.score:.4f})")
        if h.also_in:
            print(f"    {outlets_line(h.also_in)}")
        print("    " + h.chunk.text.replace("\n", "\n    ")[:1200])
        print()
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from rag.engine import Engine
    from rag.records import Answer
    from rag.search.wire import outlets_line
    from rag.serialize import answer_json

    engine = Engine(settings_from_args(args))
    filters = _filters(args)
    engine.ensure(note=_note)
    answer = None
    streamed = False
    for item in engine.stream(args.question, answer_mode=args.answer_mode, retrieval_mode=args.mode, filters=filters):
        if isinstance(item, Answer):
            answer = item
        elif not args.json:  # LLM text as it streams; the checked answer follows
            print(item, end="", flush=True, file=sys.stderr)
            streamed = True
    assert answer is not None
    if args.json:
        out = answer_json(answer)
        if answer.notes:  # what filters left out, the time preferred, dates far apart (only then: the contract's keys)
            out["notes"] = list(answer.notes)
        if answer.unsupported:  # an LLM answer's sentences the citation check did not find in the passages
            out["unsupported"] = list(answer.unsupported)
        print(json.dumps(out, ensure_ascii=False))
        return 0
    if streamed:
        print("\n--- checked answer ---", file=sys.stderr)
    print(answer.text)
    for note in answer.notes:
        print(f"note: {note}")
    if answer.unsupported:
        print("not supported by the cited passages: " + " | ".join(answer.unsupported))
    for c in answer.citations:
        flag = "" if c.supported else "  (citation check: not supported)"
        print(f"\n[{c.n}] {c.hit.doc_title}{_dated(c.hit)}  ({c.hit.doc_path}){flag}\n    “{c.quote}”")
        if c.hit.also_in:
            print(f"    {outlets_line(c.hit.also_in)}")
    return 0


def _dated(hit) -> str:
    """ ", 2023-11-10" after a title: the article's date, or "(undated)" when it has none."""
    return f", {hit.doc_date}" if hit.doc_date else " (undated)"


def cmd_timeline(args: argparse.Namespace) -> int:
    from rag.answer.timeline import timeline_json, timeline_text
    from rag.engine import Engine

    engine = Engine(settings_from_args(args))
    filters = _filters(args)
    engine.ensure(note=_note)
    timeline = engine.timeline(args.question, k=args.k, mode=args.mode, filters=filters)
    print(json.dumps(timeline_json(timeline), ensure_ascii=False) if args.json else timeline_text(timeline))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from rag.engine import Engine
    from rag.index.manifest import Counts
    from rag.serialize import status_json

    st = Engine(settings_from_args(args)).status(check=True)
    m = st.manifest
    info = status_json(st)
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
    else:
        counts = m.counts if m else Counts()
        print(f"{st.describe()}; {counts.documents} articles, {counts.chunks} chunks, "
              f"model {m.embedder.get('name', '-') if m else '-'}, built {m.built_at if m else '-'}")  # fmt: skip
    return 2 if st.problem else 0


def cmd_migrate(args: argparse.Namespace) -> int:
    import time

    from rag.index.stores import migrate

    if args.to == "files":
        args.store = "postgres"  # the source
    settings = settings_from_args(args)
    if args.to == "postgres" and not settings.database_url:
        raise ConfigError("rag migrate --to postgres needs a database: --database-url URL or $RAG_DATABASE_URL")
    t = time.perf_counter()
    m = migrate(settings, args.to)
    where = settings.index_dir if args.to == "files" else "PostgreSQL"
    print(f"copied {m.counts.documents} articles, {m.counts.chunks} chunks and {m.counts.sentences} sentence vectors "
          f"into {where} in {time.perf_counter() - t:.1f}s (nothing embedded); use it with --store {args.to}")  # fmt: skip
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    settings = settings_from_args(args, watch=args.watch, api_only=args.api_only, workers=args.workers)
    from rag import server

    server.main(settings, argv=[])
    return 0


def cmd_mcp(args: argparse.Namespace) -> int:
    from rag.api import mcp

    return mcp.run(settings_from_args(args))


COMMANDS = {
    "ingest": cmd_ingest, "search": cmd_search, "ask": cmd_ask, "status": cmd_status, "migrate": cmd_migrate,
    "serve": cmd_serve, "mcp": cmd_mcp, "timeline": cmd_timeline,
}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser().parse_args(argv)
    try:
        if args.command in PLUGGED:
            code = importlib.import_module(PLUGGED[args.command][0]).run(args)
        else:
            code = COMMANDS[args.command](args)
        sys.stdout.flush()  # here, not at exit, so a closed pipe is caught below
        return code
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `rag search ... | head -2`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
        return 141  # as a process ended by SIGPIPE


if __name__ == "__main__":
    sys.exit(main())
