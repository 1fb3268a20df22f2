"""Triples as plain Python sets: the union of many graphs without rdflib's cost per triple.

Adding a triple to an rdflib graph updates three indexes and its contexts; merging ten thousand
article graphs into one that way takes longer than validating the result. The fast validator and
reasoner only need the triples, so they are given a set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import Protocol, TypeVar

from rdflib import Graph
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
Triples = AbstractSet[Triple]
T = TypeVar("T")


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


def reachable(edges: Mapping[T, Iterable[T]], start: T) -> set[T]:
    """Everything ``start`` reaches along ``edges``, itself included: a class's subclasses or
    superclasses, a property's superproperties."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def as_graph(data: Graph | Triples) -> Graph:
    """An rdflib graph of the triples, for the reference implementations (pySHACL, owlrl)."""
    if isinstance(data, Graph):
        return data
    graph = Graph()
    for triple in data:
        graph.add(triple)
    return graph


class Neighbourhood(Protocol):
    """Where the triples around some nodes are read from, so that a change can be checked and
    reasoned over without reading the whole graph: a set in memory, or a store's asserted graphs."""

    def outgoing(self, nodes: Iterable[Node], predicates: AbstractSet[Node] | None = None) -> set[Triple]:
        """Every triple whose subject is one of ``nodes`` (and whose predicate one of ``predicates``)."""
        ...

    def incoming(self, nodes: Iterable[Node]) -> set[Triple]:
        """Every triple whose object is one of ``nodes``."""
        ...

    def holding(self, triples: Iterable[Triple]) -> set[Triple]:
        """Those of ``triples`` that the graph holds."""
        ...


class TripleIndex:
    """A :class:`Neighbourhood` over a set of triples in memory, indexed by subject and by object."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.by_subject: dict[Node, set[Triple]] = defaultdict(set)
        self.by_object: dict[Node, set[Triple]] = defaultdict(set)
        for triple in triples:
            self.by_subject[triple[0]].add(triple)
            self.by_object[triple[2]].add(triple)

    def outgoing(self, nodes: Iterable[Node], predicates: AbstractSet[Node] | None = None) -> set[Triple]:
        found = {t for n in nodes for t in self.by_subject.get(n, ())}
        return found if predicates is None else {t for t in found if t[1] in predicates}

    def incoming(self, nodes: Iterable[Node]) -> set[Triple]:
        return {t for n in nodes for t in self.by_object.get(n, ())}

    def holding(self, triples: Iterable[Triple]) -> set[Triple]:
        return {t for t in triples if t in self.by_subject.get(t[0], ())}
