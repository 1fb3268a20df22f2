"""Seed a generated graph with known faults and check that the fast validator finds what pySHACL finds.

    python -m bench.faults --articles 1000 --faults 100

Builds the articles in memory, breaks the graph in ``--faults`` places (ten kinds of fault, each on
its own node), validates with the shapes compiled to SPARQL and with pySHACL, and prints both
timings, how many faults each found, and whether their results are the same.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from bench.generate import generate
from kg.build import build
from kg.shacl_sparql import shacl_results
from kg.validate import validate
from kg.vocab import CTKG

Fault = Callable[[Graph, URIRef, random.Random], None]


def _of(graph: Graph, cls: URIRef) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef))


def no_label(g: Graph, node: URIRef, _: random.Random) -> None:
    g.remove((node, RDFS.label, None))


def two_labels(g: Graph, node: URIRef, _: random.Random) -> None:
    g.add((node, RDFS.label, Literal("Another name", lang="en")))


def zero_ordinal(g: Graph, node: URIRef, _: random.Random) -> None:
    g.remove((node, CTKG.ordinal, None))
    g.add((node, CTKG.ordinal, Literal("0", datatype=XSD.positiveInteger)))


def negative_toll(g: Graph, node: URIRef, _: random.Random) -> None:
    g.remove((node, CTKG.killed, None))
    g.add((node, CTKG.killed, Literal("-3", datatype=XSD.integer)))


def vague_qualifier(g: Graph, node: URIRef, _: random.Random) -> None:
    g.add((node, CTKG.killedQualifier, Literal("approximately")))


def no_source(g: Graph, node: URIRef, _: random.Random) -> None:
    g.remove((node, CTKG.source, None))


def bad_iso(g: Graph, node: URIRef, _: random.Random) -> None:
    g.remove((node, CTKG.isoCode, None))
    g.add((node, CTKG.isoCode, Literal("XX")))


def group_as_participant(g: Graph, node: URIRef, rnd: random.Random) -> None:
    g.add((node, CTKG.participant, rnd.choice(_of(g, CTKG.ThreatGroup))))


def dated_plan(g: Graph, node: URIRef, _: random.Random) -> None:
    g.remove((node, CTKG.status, None))
    g.add((node, CTKG.status, CTKG.Planned))
    g.add((node, CTKG.date, Literal("2020-01-01", datatype=XSD.date)))


def person_state_twice(g: Graph, node: URIRef, rnd: random.Random) -> None:
    states = [s for s in _of(g, CTKG.State) if (node, CTKG.represents, s) not in g]
    g.add((node, CTKG.represents, rnd.choice(states)))


KINDS: list[tuple[URIRef, Fault]] = [
    (CTKG.State, no_label),
    (CTKG.Official, two_labels),
    (CTKG.Meeting, zero_ordinal),
    (CTKG.Attack, negative_toll),
    (CTKG.Attack, vague_qualifier),
    (CTKG.Meeting, no_source),
    (CTKG.State, bad_iso),
    (CTKG.Meeting, group_as_participant),
    (CTKG.Meeting, dated_plan),
    (CTKG.Official, person_state_twice),
]


def seed_faults(graph: Graph, count: int, rnd: random.Random) -> list[tuple[str, URIRef]]:
    used: set[URIRef] = set()
    done = []
    for number in range(count):
        cls, fault = KINDS[number % len(KINDS)]
        candidates = [n for n in _of(graph, cls) if n not in used]
        if not candidates:
            continue
        node = rnd.choice(candidates)
        used.add(node)
        fault(graph, node, rnd)
        done.append((fault.__name__, node))
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--faults", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        generate(args.articles, args.seed, folder)
        result = build([folder], check=False)
    graph = Graph()
    graph += result.asserted()
    faults = seed_faults(graph, args.faults, random.Random(args.seed))
    started = time.perf_counter()
    fast = shacl_results(graph, base=result.base, graphs=None)
    fast_time = time.perf_counter() - started
    started = time.perf_counter()
    reference = validate(graph, base=result.base)
    reference_time = time.perf_counter() - started
    fast_nodes = {str(r.focus) for r in fast}
    reference_nodes = {v.focus for v in reference.violations}
    faulty = {str(node) for _, node in faults}
    print(f"{len(graph)} triples, {len(faults)} faults seeded on {len(faulty)} nodes")
    print(f"compiled SPARQL: {fast_time:.1f} s, {len(fast)} results, {len(faulty & fast_nodes)} faulty nodes found")
    found = len(faulty & reference_nodes)
    print(f"pySHACL:         {reference_time:.1f} s, {len(reference.violations)} results, {found} faulty nodes found")
    print(f"same focus nodes: {fast_nodes == reference_nodes}; speed-up {reference_time / max(fast_time, 1e-9):.1f}x")


if __name__ == "__main__":
    main()
