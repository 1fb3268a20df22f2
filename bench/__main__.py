"""The benchmark: kg's pipeline against the naive rdflib baseline, on generated corpora.

    python -m bench [--articles 1000 10000 30000] [--baseline-limit SECONDS] [--workdir DIR] [--json FILE]

For each N it generates N articles (and 100 more for an incremental add), builds them into a store
the way ``kg build --reason`` does, and times each step from inside that one build (extraction,
linking and mapping, SHACL validation, OWL RL reasoning, the store update), then the library's
queries (median of 5), the export, a load into a running Oxigraph server, and adding 100 articles.
The baseline steps run in subprocesses killed at ``--baseline-limit``. Prints a table and writes
the figures as JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import kg.build
import kg.reason
import kg.update
from bench.generate import generate

EXTRA = 100  # articles added to the built store to time an incremental update


def rss_mb() -> float:
    """The resident memory of this process now, in MB (Linux)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_mb() -> dict[str, float]:
    scale = 1e3 if sys.platform != "darwin" else 1e6  # ru_maxrss: KiB on Linux, bytes on macOS
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / scale / 1e3
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / scale / 1e3
    return {"self": round(own, 1), "children": round(kids, 1)}


class Timers:
    """Wraps library functions to add up the time spent in them during one build."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.saved: list[tuple[object, str, object]] = []

    def wrap(self, owner: object, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: object, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[label] = self.spent.get(label, 0.0) + time.perf_counter() - start

        self.saved.append((owner, name, original))
        setattr(owner, name, timed)

    def restore(self) -> None:
        for owner, name, original in reversed(self.saved):
            setattr(owner, name, original)
        self.saved = []


@contextlib.contextmanager
def timed_build() -> Iterator[Timers]:
    timers = Timers()
    timers.wrap(kg.build, "assemble", "link+map")
    timers.wrap(kg.build, "check_graph", "validate")
    timers.wrap(kg.reason, "reason", "reason")
    timers.wrap(kg.update, "commit", "store")
    try:
        yield timers
    finally:
        timers.restore()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_load(ntriples: Path, workdir: Path) -> dict[str, object]:
    """Start an Oxigraph server on an empty database and POST the N-Triples to its Graph Store."""
    binary = Path(sys.executable).with_name("oxigraph")
    port = free_port()
    location = workdir / "server-db"
    server = subprocess.Popen(
        [str(binary), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        size = ntriples.stat().st_size
        start = time.perf_counter()
        with ntriples.open("rb") as body:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/store?default",
                data=body,
                method="POST",
                headers={"Content-Type": "application/n-triples", "Content-Length": str(size)},
            )
            with urllib.request.urlopen(request, timeout=3600) as response:
                status = response.status
        seconds = time.perf_counter() - start
        count = urllib.request.Request(
            f"http://127.0.0.1:{port}/query",
            data=b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        )
        with urllib.request.urlopen(count, timeout=600) as response:
            loaded = int(response.read().decode().split()[-1])
        return {"seconds": seconds, "status": status, "triples": loaded}
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def baseline(
    step: str,
    turtle: Path,
    limit: float,
    *,
    also: Path | None = None,
    budget: float,
    params: dict[str, str] | None = None,
) -> dict[str, object]:
    """Run one baseline step in a subprocess; kill it at ``budget`` seconds; keep what it reported."""
    command = [sys.executable, "-m", "bench.baseline", step, str(turtle), "--limit", str(limit)]
    command += ["--params", json.dumps(params or {})]
    if also is not None:
        command += ["--also", str(also)]
    figures: dict[str, object] = {}
    records, killed = json_lines(command, budget)
    if killed:
        figures["killed"] = True
    for record in records:
        figures[record["step"]] = record["seconds"]
        if record.get("error"):
            figures.setdefault("errors", {})[record["step"]] = record["error"]  # type: ignore[union-attr]
    return figures


def json_lines(command: list[str], timeout: float) -> tuple[list[dict], bool]:
    """Run a step in a subprocess, kill it at ``timeout`` seconds, and keep the JSON records it printed
    until then; also whether it was killed."""
    killed = False
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            killed = True
        out.seek(0)
        records = []
        for line in out:
            with contextlib.suppress(json.JSONDecodeError):
                records.append(json.loads(line))
    return records, killed


_MOST = "SELECT ?v WHERE {{ ?m {} ?x . ?x rdfs:label ?v }} GROUP BY ?v ORDER BY DESC(COUNT(*)) ?v LIMIT 1"
BUSIEST = {
    # a parameter's value for the benchmark: the entity with the most facts of its kind (the slowest lookup)
    "state": _MOST.format("ctkg:participant"),
    "official": _MOST.format("ctkg:headOfDelegation"),
    "body": _MOST.format("ctkg:meetingOf"),
}


def busiest(store: Path) -> dict[str, str]:
    """Values for the queries' parameters that the generated corpus holds: the busiest state,
    official and body (the seed's defaults are not in it, and a lookup of nothing says little)."""
    from kg.store import Location

    db = Location(store).open()
    prefixes = "PREFIX ctkg: <https://w3id.org/ctkg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    values: dict[str, str] = {}
    for name, query in BUSIEST.items():
        for row in db.query(prefixes + query, use_default_graph_as_union=True):  # type: ignore[union-attr]
            values[name] = row["v"].value
    if "official" in values:
        values["entity"] = values["official"]
    return values


def kg_query(
    store: Path, name: str, limit: float, params: dict[str, str]
) -> tuple[float | None, int | None, float | None]:
    """The median of 5 runs of a library query in one subprocess (None when they pass ``limit``
    seconds), the number of rows it gave, and the first run's time: ``kg.query.run`` keeps the store
    open between runs, as a server or a notebook would, so the first run also opens it cold."""
    command = [sys.executable, "-m", "bench.baseline", "kg-query", f"{store}::{name}", "--params", json.dumps(params)]
    records, _killed = json_lines(command, limit)
    times = [r["seconds"] for r in records]
    rows = records[-1].get("rows") if records else None
    return (statistics.median(times) if len(times) == 5 else None), rows, (times[0] if times else None)


def median_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_one(
    n: int, seed: int, workdir: Path, limit: float, query_limit: float, log: Callable[[str], None]
) -> dict[str, object]:
    from kg.export import export_store
    from kg.query import library

    here = workdir / f"n{n}"
    articles, extra, store = here / "articles", here / "extra", here / "store"
    figures: dict[str, object] = {"articles": n}
    start = time.perf_counter()
    generate(n, seed, articles, total=n + EXTRA)
    generate(EXTRA, seed, extra, start=n, total=n + EXTRA)
    log(f"N={n}: generated in {time.perf_counter() - start:.1f} s")

    samples: list[tuple[int, float]] = []
    step = max(1, n // 20)

    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "extract":
            marks["extracted"] = time.perf_counter()  # the last call marks the end of extraction
            if done % step == 0 or done == total:
                samples.append((done, round(rss_mb(), 1)))

    with timed_build() as timers:
        start = time.perf_counter()
        result = kg.build.build([articles], store=store, reason=True, rebuild=True, keep_going=True, progress=progress)
        total = time.perf_counter() - start
    triples = len(result.triples())
    spent = timers.spent
    spent["extract"] = marks.get("extracted", start) - start  # reading and extracting, in worker processes
    figures.update(
        {
            "triples": triples,
            "inferred": len(result.inferred or ()),
            "conforms": result.report.conforms if result.report else None,
            "violations": [v.describe() for v in result.report.violations][:20] if result.report else [],
            "excluded": result.excluded,
            "clashes": result.clashes[:20],
            "build_total": total,
            "extract": spent.get("extract", 0.0),
            "extract_rate": n / spent["extract"] if spent.get("extract") else None,
            "link_map": spent.get("link+map", 0.0),
            "validate": spent.get("validate", 0.0),
            "reason": spent.get("reason", 0.0),
            "store": spent.get("store", 0.0),
            "rss_during_extraction": samples,
        }
    )
    figures["build_to_store"] = total - figures["validate"] - figures["reason"]  # type: ignore[operator]
    log(f"N={n}: built in {total:.1f} s, {triples} triples")
    del result

    queries: dict[str, float | None] = {}
    rows: dict[str, int | None] = {}
    first: dict[str, float | None] = {}
    params = busiest(store)
    for name in library():
        queries[name], rows[name], first[name] = kg_query(store, name, query_limit, params)
    figures["queries"] = queries
    figures["query_first_run"] = first
    figures["query_rows"] = rows
    figures["query_params"] = params
    figures["query_limit"] = query_limit
    log(f"N={n}: queries done")

    exports = {}
    for suffix in (".nt", ".ttl"):
        path = here / f"kg{suffix}"
        start = time.perf_counter()
        export_store(store, path, with_inferred=True)
        exports[suffix] = time.perf_counter() - start
    figures["export"] = exports
    figures["oxigraph_load"] = oxigraph_load(here / "kg.nt", here)
    log(f"N={n}: exported and loaded into a server")

    with timed_build() as timers:
        start = time.perf_counter()
        added = kg.build.build([extra], store=store, reason=True, keep_going=True)
        figures["incremental_add"] = time.perf_counter() - start
        figures["incremental_steps"] = dict(timers.spent)
    figures["incremental_how"] = f"in full: {added.fallback}" if added.fallback else "in part"
    log(f"N={n}: added {EXTRA} articles in {figures['incremental_add']:.1f} s ({figures['incremental_how']})")

    turtle, inferred = here / "kg.ttl", here / "kg.inferred.ttl"
    base: dict[str, object] = {}
    parsed = baseline("parse", turtle, limit, budget=limit + 60)
    base["parse"] = parsed.get("parse")
    parse_time = float(parsed.get("parse") or limit)  # type: ignore[arg-type]
    for step in ("shacl", "owlrl"):
        got = baseline(step, turtle, limit, budget=parse_time * 1.5 + limit + 30)
        base[step] = got.get(step)
        log(f"N={n}: baseline {step}: {base[step]}")
    got = baseline(
        "queries", turtle, limit, also=inferred, budget=parse_time * 3 + limit * len(queries) + 60, params=params
    )
    base["queries"] = {name: got.get(f"query:{name}") for name in queries}
    base["query_errors"] = got.get("errors", {})
    figures["baseline"] = base
    figures["baseline_limit"] = limit
    figures["peak_memory_mb"] = peak_mb()
    return figures


def fmt(seconds: object) -> str:
    if seconds is None:
        return "-"
    value = float(seconds)  # type: ignore[arg-type]
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def ratio(ours: object, theirs: object, limit: float) -> str:
    if ours is None:
        return "-"
    if theirs is None:
        return f"< 1/{limit / float(ours):.0f}" if float(ours) > 0 else "-"  # type: ignore[arg-type]
    return f"1/{float(theirs) / float(ours):.1f}" if float(ours) > 0 else "-"  # type: ignore[arg-type]


def table(figures: dict[str, object]) -> str:
    limit = float(figures["baseline_limit"])  # type: ignore[arg-type]
    base: dict = figures["baseline"]  # type: ignore[assignment]

    def theirs(value: object) -> str:
        return fmt(value) if value is not None else f"> {limit:.0f} s"

    rows = [
        ("extraction", f"{figures['extract_rate']:.0f} art/s ({fmt(figures['extract'])})", "", ""),
        ("link + map", fmt(figures["link_map"]), "", ""),
        ("store update", fmt(figures["store"]), "", ""),
        ("build to store (no validation, no reasoning)", fmt(figures["build_to_store"]), "", ""),
        ("parse the exported Turtle", "", theirs(base["parse"]), ""),
        (
            "SHACL validation",
            fmt(figures["validate"]),
            theirs(base["shacl"]),
            ratio(figures["validate"], base["shacl"], limit),
        ),
        (
            "OWL RL reasoning",
            fmt(figures["reason"]),
            theirs(base["owlrl"]),
            ratio(figures["reason"], base["owlrl"], limit),
        ),
        ("whole build (kg build --reason)", fmt(figures["build_total"]), "", ""),
    ]
    counts: dict = figures.get("query_rows", {})  # type: ignore[assignment]
    for name, seconds in figures["queries"].items():  # type: ignore[attr-defined]
        theirs_q = base["queries"].get(name)
        failed = f"query:{name}" in base.get("query_errors", {})
        ours_q = fmt(seconds) if seconds is not None else f"> {float(figures['query_limit']) / 5:.0f} s"
        shown = "error" if failed else theirs(theirs_q)
        cold = figures.get("query_first_run", {}).get(name)  # type: ignore[attr-defined]
        notes = [f"{counts[name]} rows, median of 5"] if counts.get(name) is not None else []
        notes += [f"first {fmt(cold)}"] if cold is not None else []
        label = f"query {name} ({', '.join(notes)})" if notes else f"query {name}"
        rows.append((label, ours_q, shown, "-" if failed else ratio(seconds, theirs_q, limit)))
    for suffix, seconds in figures["export"].items():  # type: ignore[attr-defined]
        rows.append((f"export {suffix}", fmt(seconds), "", ""))
    load: dict = figures["oxigraph_load"]  # type: ignore[assignment]
    rows.append((f"load into an Oxigraph server ({load['triples']} triples)", fmt(load["seconds"]), "", ""))
    how = figures.get("incremental_how", "")
    rows.append((f"add {EXTRA} articles to the store ({how})", fmt(figures["incremental_add"]), "", ""))
    peak: dict = figures["peak_memory_mb"]  # type: ignore[assignment]
    rows.append(
        ("peak memory (this process / largest child)", f"{peak['self']:.0f} MB / {peak['children']:.0f} MB", "", "")
    )
    head = ("step", "kg", "baseline", "kg/baseline")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(4)]
    lines = [
        f"N = {figures['articles']} articles, {figures['triples']} asserted + {figures['inferred']} inferred triples",
        " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)),
        "-+-".join("-" * w for w in widths),
    ]
    lines += [" | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    samples = ", ".join(f"{d}: {m:.0f}" for d, m in figures["rss_during_extraction"])  # type: ignore[attr-defined]
    lines.append(f"RSS during extraction (articles: MB): {samples}")
    return "\n".join(lines)


def machine() -> dict[str, object]:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.machine()}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000], help="corpus sizes (default: 1000)")
    parser.add_argument("--baseline-limit", type=float, default=300.0, help="seconds per baseline step (default 300)")
    parser.add_argument(
        "--query-limit", type=float, default=120.0, help="seconds for 5 runs of one query (default 120)"
    )
    parser.add_argument("--workdir", help="where corpora and stores go (default: a temporary folder)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", default="bench-results.json", help="file for the figures (default: %(default)s)")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with contextlib.ExitStack() as stack:
        workdir = Path(args.workdir) if args.workdir else Path(stack.enter_context(tempfile.TemporaryDirectory()))
        results = {"machine": machine(), "seed": args.seed, "runs": []}
        for n in args.articles:
            figures = bench_one(n, args.seed, workdir, args.baseline_limit, args.query_limit, log)
            results["runs"].append(figures)  # type: ignore[attr-defined]
            print(table(figures), flush=True)
            print(f"query parameters (the busiest of each kind): {figures['query_params']}", flush=True)
            print(flush=True)
            Path(args.json).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"machine: {results['machine']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
