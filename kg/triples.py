"""Triples as plain Python sets: the union of many graphs without rdflib's cost per triple.

Adding a triple to an rdflib graph updates three indexes and its contexts; merging ten thousand
article graphs into one that way takes longer than validating the result. The fast validator and
reasoner only need the triples, so they are given a set.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from rdflib import Graph
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
Triples = AbstractSet[Triple]


def graph_triples(graph: Graph) -> set[Triple]:
    """The graph's triples; read straight from the index of an in-memory graph that has its store to itself.

    (Iterating an rdflib graph works out each triple's contexts, which costs more than the reasoning.)
    """
    store = graph.store
    if type(graph) is Graph and type(store) is Memory:
        contexts = [c.identifier for c in store.contexts()]
        index = getattr(store, "_Memory__spo", None)
        if contexts in ([], [graph.identifier]) and isinstance(index, dict):
            return {(s, p, o) for s, po in index.items() for p, objects in po.items() for o in objects}
    return set(graph)


def union(graphs: Iterable[Graph]) -> frozenset[Triple]:
    """Every triple of the graphs, once."""
    everything: set[Triple] = set()
    for graph in graphs:
        everything |= graph_triples(graph)
    return frozenset(everything)


def as_graph(data: Graph | Triples) -> Graph:
    """An rdflib graph of the triples, for the reference implementations (pySHACL, owlrl)."""
    if isinstance(data, Graph):
        return data
    graph = Graph()
    for triple in data:
        graph.add(triple)
    return graph
