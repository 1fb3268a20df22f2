"""The naive baseline, one step per process: rdflib in memory, whole-graph pySHACL, owlrl, rdflib SPARQL.

    python -m bench.baseline parse|shacl|owlrl|queries FILE.ttl [--limit SECONDS]

Prints one JSON object per line as each figure is known ({"step": ..., "seconds": ...}), so the
caller keeps what was measured when it kills the process at its time limit. Each query is also
cut at ``--limit`` from inside (rdflib's engine is pure Python, so an alarm interrupts it).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time


class Timeout(Exception):
    pass


def say(step: str, seconds: float | None, **extra: object) -> None:
    print(json.dumps({"step": step, "seconds": seconds, **extra}), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.baseline")
    parser.add_argument("step", choices=["parse", "shacl", "owlrl", "queries", "kg-query"])
    parser.add_argument("turtle")
    parser.add_argument("--limit", type=float, default=300.0)
    parser.add_argument("--also", help="a second Turtle file to add before querying (the inferred triples)")
    parser.add_argument("--params", default="{}", help="JSON: values of the queries' parameters (else their defaults)")
    args = parser.parse_args(argv)
    params: dict[str, str] = json.loads(args.params)
    if args.step == "kg-query":  # kg's own query over its store: FILE is "STORE::NAME", 5 runs
        from pathlib import Path

        from kg.query import library, run

        store, name = args.turtle.split("::")
        query = library()[name]
        given = {p.name: params[p.name] for p in query.params if p.name in params}
        for _ in range(5):
            start = time.perf_counter()
            result = run(query, store=Path(store), params=given)
            say("run", time.perf_counter() - start, rows=len(result.rows))
        return 0
    from rdflib import Graph

    start = time.perf_counter()
    graph = Graph()
    graph.parse(args.turtle, format="turtle")
    say("parse", time.perf_counter() - start, triples=len(graph))
    if args.step == "shacl":
        import pyshacl

        from kg.resources import data_path

        shapes = Graph().parse(data_path("ontology", "shapes.ttl"), format="turtle")
        ontology = Graph().parse(data_path("ontology", "ctkg.ttl"), format="turtle")
        start = time.perf_counter()
        conforms, _, _ = pyshacl.validate(
            graph, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True, allow_warnings=True
        )
        say("shacl", time.perf_counter() - start, conforms=bool(conforms))
    elif args.step == "owlrl":
        import owlrl

        from kg.resources import data_path

        graph.parse(data_path("ontology", "ctkg.ttl"), format="turtle")
        before = len(graph)
        start = time.perf_counter()
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
        say("owlrl", time.perf_counter() - start, added=len(graph) - before)
    elif args.step == "queries":
        from kg.query import library, term
        from kg.store import to_rdflib

        def alarm(signum: int, frame: object) -> None:
            raise Timeout

        if args.also:
            graph.parse(args.also, format="turtle")
        signal.signal(signal.SIGALRM, alarm)
        for name, query in library().items():
            bindings = {p.name: to_rdflib(term(params.get(p.name, p.default))) for p in query.params}
            start = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, args.limit)
            try:
                rows = len(list(graph.query(query.text, initBindings=bindings)))
                signal.setitimer(signal.ITIMER_REAL, 0)
                say(f"query:{name}", time.perf_counter() - start, rows=rows)
            except Timeout:
                say(f"query:{name}", None, over=args.limit)
            except Exception as error:  # rdflib's engine fails on some queries Oxigraph answers
                signal.setitimer(signal.ITIMER_REAL, 0)
                say(f"query:{name}", None, error=f"{type(error).__name__}: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
