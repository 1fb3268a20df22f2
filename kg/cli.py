"""The ``kg`` command: a thin shell over the library. Each command parses its options, calls one
library function, prints, and returns an exit code.

Exit codes: 0 done (graph conforms), 1 the graph does not conform to the shapes, 2 bad usage or
unreadable input (the rest of the input is still built and written).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import __version__
from kg.errors import KgError, UsageError
from kg.iri import DEFAULT_BASE

if TYPE_CHECKING:
    from kg.build import Progress

OK, NOT_CONFORMING, BAD_INPUT = 0, 1, 2
DEFAULT_STORE = "out/store"


def store_path(text: str) -> str:
    """A store's path must end in a folder name: the store keeps its generations beside it."""
    if not text.strip() or Path(text).name in ("", ".", ".."):
        raise argparse.ArgumentTypeError(f"{text!r} is not a store's folder; give a path such as {DEFAULT_STORE}")
    return text


def _store_option(parser: argparse.ArgumentParser, what: str = "the store") -> None:
    parser.add_argument("--store", type=store_path, default=DEFAULT_STORE, help=f"{what} (default: {DEFAULT_STORE})")


def _progress(enabled: bool) -> tuple[Any, Progress | None]:
    """A progress callback drawing a bar on a terminal, and silent otherwise."""
    if not enabled or not sys.stderr.isatty():
        return None, None
    from rich.progress import Progress

    bar = Progress(transient=True)
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=max(total, 1))
        bar.update(tasks[stage], completed=done)  # type: ignore[arg-type]

    return bar, update


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build import build
    from kg.export import EXTRAS, export_store, format_of

    output = Path(args.output)
    format_of(output)
    include = _include(args.include, EXTRAS)
    if args.engine == "dask" and not args.scheduler:
        raise UsageError("--engine dask needs --scheduler ADDRESS (the Dask scheduler to extract on)")
    bar, update = _progress(not args.quiet)
    if bar is not None:
        bar.start()
    try:
        result = build(
            args.inputs or ["data/articles"],
            store=Path(args.store),
            rebuild=args.rebuild,
            base=args.base,
            check=not args.no_validate,
            validator=args.validator,
            reason=args.reason,
            reasoner=args.reasoner,
            keep_going=args.keep_going,
            scheduler=args.scheduler if args.engine == "dask" else None,
            extra=tuple(Path(p) for p in args.extra or []),
            shards=Path(args.shards) if args.shards else (Path("out/shards") if args.engine == "dask" else None),
            progress=update,
        )
    finally:
        if bar is not None:
            bar.stop()
    for error in result.errors:
        print(f"error: {error}", file=sys.stderr)
    for extraction in result.extractions:
        if extraction.article.id in result.extracted:
            for note in extraction.article.notes:
                print(f"note: {extraction.article.path}: {note}", file=sys.stderr)
    for note in result.linked.notes:
        print(f"note: {note}", file=sys.stderr)
    if result.fallback:
        print(f"note: the store was updated in full: {result.fallback}", file=sys.stderr)
    for clash in result.clashes:
        print(f"clash: {clash}", file=sys.stderr)
    report = result.report
    conforms = report is None or report.conforms
    if report is not None and not report.conforms:
        print(report.text(), file=sys.stderr)
    if not conforms and not args.keep_going:
        print(
            "The graph does not conform; the store and the output are unchanged "
            "(use --keep-going to keep the conforming part).",
            file=sys.stderr,
        )
        return NOT_CONFORMING
    if args.keep_going and result.excluded:
        print(f"Left out for breaking rules: {', '.join(result.excluded)}", file=sys.stderr)
    state = f"updated ({len(result.changed)} graph(s) written)" if result.generation else "unchanged"
    print(f"store {args.store}: {state}", file=sys.stderr)
    if not args.no_export:
        for path in export_store(Path(args.store), output, with_inferred=True, include=include):
            print(f"wrote {path}", file=sys.stderr)
    print(result.summary())
    if result.errors:
        return BAD_INPUT
    return OK if conforms and not result.clashes else NOT_CONFORMING


def _include(value: str | None, known: tuple[str, ...]) -> tuple[str, ...]:
    include = tuple(x for x in (value or "").split(",") if x)
    for name in include:
        if name not in known:
            raise UsageError(f"unknown --include value {name!r}; use {', '.join(known)}")
    return include


def cmd_export(args: argparse.Namespace) -> int:
    from kg.export import EXTRAS, export_store

    include = _include(args.include, EXTRAS)
    written = export_store(
        Path(args.store), Path(args.output), graph=args.graph, with_inferred=args.with_inferred, include=include
    )
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return OK


def cmd_remove(args: argparse.Namespace) -> int:
    from kg.update import remove

    result = remove(args.articles, store=Path(args.store), reason=args.reason)
    if result.fallback:
        print(f"note: the store was updated in full: {result.fallback}", file=sys.stderr)
    print(f"removed {', '.join(args.articles)}; {len(result.changed)} graph(s) rewritten", file=sys.stderr)
    print(result.summary())
    return OK


def cmd_query(args: argparse.Namespace) -> int:
    from kg.query import library, render, resolve, run

    if args.list:
        for query in library().values():
            shown = ", ".join(f"{p.name}={p.default}" for p in query.params)
            print(f"{query.name}: {query.title}" + (f"  [{shown}]" if shown else ""))
        return OK
    if not args.name:
        raise UsageError("give a query name or a .rq file (kg query --list shows the library)")
    params: dict[str, str] = {}
    for item in args.param or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--param {item!r}: write it as name=value")
        params[name.strip()] = value
    query = resolve(args.name)
    result = run(query, store=Path(args.store), params=params)
    print(render(result, args.format))
    _note_if_built_by_another_version(Path(args.store))
    return OK


def _note_if_built_by_another_version(store: Path) -> None:
    """A store built by another version of kg lacks what this one writes (such as the name keys the
    lookups read): say so, rather than let an empty answer pass for "nothing found"."""
    from kg.codec import fingerprint
    from kg.store import Location

    head = Location(store).head()
    if head is not None and head[1] != fingerprint():
        print(f"note: {store} was built by another version of kg; `kg build` brings it up to date", file=sys.stderr)


def cmd_eval(args: argparse.Namespace) -> int:
    import json

    from kg.evaluate import evaluate, explain, table

    paths: list[object] = []
    for given in args.articles:
        path = Path(given)
        if path.is_dir():
            paths += sorted(p for p in path.rglob("*") if p.suffix in {".txt", ".html", ".htm", ".jsonl"})
        elif path.exists():
            paths.append(path)
        else:
            raise UsageError(f"{path}: no such file or folder")
    if not Path(args.gold).is_dir():
        raise UsageError(f"{args.gold}: the gold folder does not exist")
    evaluation = evaluate(paths, args.gold)
    if args.json:
        doc = {
            "overall": _score_json(evaluation.overall),
            "categories": {name: _score_json(score) for name, score in evaluation.rows()},
            "corpus": [{"check": text, "holds": ok} for text, ok in evaluation.corpus_checks],
            "articles": sorted(evaluation.per_article),
        }
        print(json.dumps(doc, indent=2))
    else:
        print(table(evaluation))
        if args.explain:
            print()
            print(explain(evaluation) or "Every stated fact is true and every gold fact is found.")
    for missing in evaluation.missing_gold:
        print(f"note: no gold file for {missing}", file=sys.stderr)
    return OK if all(ok for _, ok in evaluation.corpus_checks) else NOT_CONFORMING


def _score_json(score: object) -> dict[str, float | int]:
    from kg.evaluate import Score

    assert isinstance(score, Score)
    return {
        "precision": round(score.precision, 4),
        "recall": round(score.recall, 4),
        "f1": round(score.f1, 4),
        "stated": score.stated,
        "true": score.true,
        "gold": score.gold,
        "found": score.found,
    }


# ------------------------------------------------------------------------------ load and serve


def cmd_load(args: argparse.Namespace) -> int:
    import getpass

    from kg.load import credentials, load

    auth = credentials(
        args.user,
        args.password,
        args.token,
        digest=args.digest,
        ask=getpass.getpass if sys.stdin.isatty() else None,
    )
    bar, update = _progress(not args.quiet)
    if bar is not None:
        bar.start()
    try:
        report = load(
            Path(args.store),
            args.endpoint,
            graph=args.graph,
            auth=auth,
            replace=args.replace,
            chunk=args.chunk,
            query_endpoint=args.query_endpoint,
            update_endpoint=args.update_endpoint,
            retries=args.retries,
            progress=update,
            log=lambda message: print(f"note: {message}", file=sys.stderr),
        )
    finally:
        if bar is not None:
            bar.stop()
    print(f"sent:   {report.sent} triples in {len(report.graphs)} graph(s)")
    print(f"server: {report.held} triples in those graphs")
    for item in report.mismatches():
        print(
            f"error: the server holds {item.held} triples in <{item.target}> but {item.expected} were sent",
            file=sys.stderr,
        )
    return OK if report.ok else BAD_INPUT


def cmd_serve(args: argparse.Namespace) -> int:
    from kg.serve import serve

    return serve(
        Path(args.store),
        port=args.port,
        bind=args.bind,
        writable=args.writable,
        timeout=args.timeout or None,
        max_result_bytes=args.max_result_bytes or None,
        announce=lambda line: print(line, flush=True),
    )


# ------------------------------------------------------------------------------ analyze, viz and docs


def cmd_analyze(args: argparse.Namespace) -> int:
    from kg.analyze import analyze, show, tables, write

    if args.top < 1:
        raise UsageError("--top must be 1 or more")
    result = analyze(Path(args.store))
    written = write(result, Path(args.output))
    show(tables(result, top=args.top))
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return OK


def cmd_viz(args: argparse.Namespace) -> int:
    from kg.viz import visualise

    for path in visualise(Path(args.store), Path(args.output)):
        print(f"wrote {path}", file=sys.stderr)
    return OK


def cmd_docs(args: argparse.Namespace) -> int:
    from kg.docs import write_docs

    for path in write_docs(Path(args.output)):
        print(f"wrote {path}", file=sys.stderr)
    return OK


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="kg", description="A knowledge graph builder for counter-terrorism diplomacy news."
    )
    top.add_argument("--version", action="version", version=f"kg {__version__}")
    commands = top.add_subparsers(dest="command", required=True)

    build = commands.add_parser(
        "build",
        help="build the graph from articles",
        description="Read articles, extract, link, validate and write the graph.",
    )
    build.add_argument("inputs", nargs="*", metavar="INPUT", help="article files or folders (default: data/articles)")
    build.add_argument(
        "-o",
        "--output",
        default="out/kg.ttl",
        help="output file; its extension picks the format: .ttl .trig .nt .nq .jsonld (default: out/kg.ttl)",
    )
    build.add_argument(
        "--no-export",
        action="store_true",
        help="update the store only and write no output file (exporting a million triples takes about 20 s)",
    )
    build.add_argument("--base", default=DEFAULT_BASE, help=f"namespace of minted IRIs (default: {DEFAULT_BASE})")
    build.add_argument(
        "--reason",
        action="store_true",
        help="add the OWL RL closure and rules, kept apart from asserted triples",
    )
    build.add_argument(
        "--validator",
        choices=["sparql", "pyshacl"],
        default="sparql",
        help="check the shapes compiled to SPARQL (fast, the default) or with pyshacl (the reference)",
    )
    build.add_argument(
        "--reasoner",
        choices=["rules", "owlrl"],
        default="rules",
        help="reason with the ontology's rules compiled (fast, the default) or with owlrl (the reference)",
    )
    build.add_argument(
        "--keep-going",
        action="store_true",
        help="write the conforming part when some articles break the shapes",
    )
    build.add_argument("--include", metavar="WHAT", help="also write: ontology, reference (comma-separated)")
    build.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    _store_option(build, "the on-disk store to add to")
    build.add_argument("--rebuild", action="store_true", help="start the store over instead of adding to it")
    build.add_argument(
        "--extra",
        action="append",
        metavar="RDF",
        help="your own RDF (reference data, ontology extensions) to keep in a graph of its own",
    )
    build.add_argument(
        "--engine", choices=["local", "dask"], default="local", help="where to extract (default: local processes)"
    )
    build.add_argument(
        "--scheduler", metavar="ADDRESS", help="the Dask scheduler, e.g. tcp://host:8786 (with --engine dask)"
    )
    build.add_argument(
        "--shards", metavar="DIR", help="also write one N-Quads file per graph there (default with dask: out/shards)"
    )
    build.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    build.set_defaults(run=cmd_build)

    export = commands.add_parser(
        "export",
        help="write the store's graph to a file",
        description="Write the graph held in the store; the extension of FILE picks the format.",
    )
    export.add_argument("-o", "--output", required=True, help="output file: .ttl .trig .nt .nq .jsonld")
    export.add_argument("--graph", metavar="IRI", help="only this named graph")
    export.add_argument(
        "--with-inferred",
        action="store_true",
        help="add the inferred triples (beside the file for single-graph formats)",
    )
    export.add_argument("--include", metavar="WHAT", help="also write: ontology, reference (comma-separated)")
    _store_option(export)
    export.set_defaults(run=cmd_export)

    query = commands.add_parser(
        "query",
        help="run a query of the library (or a .rq file) over the store",
        description="Run a SPARQL query over the store. Parameters are bound as RDF terms, never pasted in.",
    )
    query.add_argument("name", nargs="?", help="a query name (see --list) or a .rq file")
    query.add_argument("--param", action="append", metavar="NAME=VALUE", help="a parameter value (repeatable)")
    query.add_argument("--format", default="table", choices=["table", "csv", "tsv", "json"], help="output format")
    query.add_argument("--list", action="store_true", help="list the queries with their titles and parameters")
    _store_option(query)
    query.set_defaults(run=cmd_query)

    drop = commands.add_parser(
        "remove",
        help="drop articles from the store",
        description="Drop articles (by name, as in the store) and recompute what linked them to the rest.",
    )
    drop.add_argument("articles", nargs="+", metavar="ARTICLE", help="article names, e.g. 000_f64cd4f113bb4fca")
    drop.add_argument("--reason", action="store_true", help="recompute the inferred triples too")
    _store_option(drop)
    drop.set_defaults(run=cmd_remove)

    evaluate = commands.add_parser(
        "eval",
        help="score the extractor against annotated articles",
        description="Build each article alone and score it against the gold file of the same name "
        "(GOLD/NAME.yaml, or expected.yaml beside a test case's article.txt); corpus.yaml is checked on all together.",
    )
    evaluate.add_argument("articles", nargs="+", metavar="ARTICLES", help="article files or folders")
    evaluate.add_argument("--gold", required=True, help="folder of gold YAML files")
    evaluate.add_argument("--explain", action="store_true", help="list every false and every missed fact")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.set_defaults(run=cmd_eval)
    loading = commands.add_parser(
        "load",
        help="copy the store's graphs into a triple store server",
        description="Send the store's graphs to a server through the SPARQL Graph Store protocol, in chunks, "
        "through staging graphs that replace the targets only when all arrived; then count what the server holds. "
        "Credentials may also come from KG_LOAD_USER, KG_LOAD_PASSWORD and KG_LOAD_TOKEN.",
    )
    loading.add_argument("--endpoint", required=True, metavar="URL", help="the server's Graph Store endpoint")
    loading.add_argument("--graph", metavar="IRI", help="put all triples, merged, into this one graph")
    loading.add_argument("--replace", action="store_true", help="replace the target graphs instead of adding to them")
    loading.add_argument("--user", help="user name for HTTP authentication")
    loading.add_argument("--password", help="password (better: KG_LOAD_PASSWORD, or be asked on a terminal)")
    loading.add_argument("--token", help="bearer token (better: KG_LOAD_TOKEN)")
    loading.add_argument("--digest", action="store_true", help="HTTP digest instead of basic authentication (Virtuoso)")
    loading.add_argument("--query-endpoint", metavar="URL", help="SPARQL query endpoint (default: from --endpoint)")
    loading.add_argument("--update-endpoint", metavar="URL", help="SPARQL update endpoint (default: from --endpoint)")
    loading.add_argument("--chunk", type=int, default=20_000, metavar="N", help="triples per request (default: 20000)")
    loading.add_argument("--retries", type=int, default=3, metavar="N", help="retries of a failed request (default: 3)")
    _store_option(loading)
    loading.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    loading.set_defaults(run=cmd_load)

    serving = commands.add_parser(
        "serve",
        help="run a SPARQL endpoint over the store",
        description="Run Oxigraph's SPARQL server on the store, read-only unless --writable. Queries see the "
        "union of all graphs as their default graph.",
    )
    serving.add_argument("--port", type=int, default=7878, help="TCP port (default: 7878)")
    serving.add_argument(
        "--bind", default="127.0.0.1", metavar="HOST", help="address to listen on (default: 127.0.0.1)"
    )
    serving.add_argument("--writable", action="store_true", help="accept SPARQL updates (needs the store to itself)")
    serving.add_argument(
        "--timeout", type=float, default=30, metavar="S", help="query time limit, 0 for none (default: 30)"
    )
    serving.add_argument(
        "--max-result-bytes",
        type=int,
        default=50_000_000,
        metavar="N",
        help="refuse answers larger than this with HTTP 413, 0 for no limit (default: 50000000)",
    )
    _store_option(serving)
    serving.set_defaults(run=cmd_serve)

    analysis = commands.add_parser(
        "analyze",
        help="measure the cooperation, threat and delegation networks",
        description="Project the store into networks (state-state cooperation, states and threat groups, officials "
        "and meetings, and the first two combined); rank their nodes by degree and betweenness, find communities, "
        "components and the activity per year; write GraphML and GEXF for Gephi and a CSV of the measures.",
    )
    analysis.add_argument(
        "-o", "--output", default="out/analysis", metavar="DIR", help="output folder (default: out/analysis)"
    )
    analysis.add_argument("--top", type=int, default=10, metavar="N", help="rows per ranking (default: 10)")
    _store_option(analysis)
    analysis.set_defaults(run=cmd_analyze)

    pictures = commands.add_parser(
        "viz",
        help="draw the graph as an offline HTML page and a timeline",
        description="Write graph.html (an interactive graph that works offline: search, and click a node for its "
        "facts with their articles and evidence sentences) and timeline.png/.svg (meetings per working group over "
        "time, attacks marked).",
    )
    pictures.add_argument("-o", "--output", default="out/viz", metavar="DIR", help="output folder (default: out/viz)")
    _store_option(pictures)
    pictures.set_defaults(run=cmd_viz)

    documentation = commands.add_parser(
        "docs",
        help="write HTML pages documenting the ontology and the shapes",
        description="Write index.html (every class, property and individual of the ontology) and shapes.html "
        "(every shape with its constraints and messages).",
    )
    documentation.add_argument(
        "-o", "--output", default="out/docs", metavar="DIR", help="output folder (default: out/docs)"
    )
    documentation.set_defaults(run=cmd_docs)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    except KgError as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    except OSError as error:
        # a full disk, a file-size limit, a folder without write permission: the store keeps its last state
        where = f" ({error.filename})" if error.filename else ""
        print(
            f"error: cannot write{where}: {error.strerror or error}; free some space or choose another place "
            "(--store, -o); the store is as it was before this run",
            file=sys.stderr,
        )
        return BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
