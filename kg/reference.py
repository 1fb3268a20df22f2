"""The full reference data (all states, organisations, threat groups and cities) as RDF.

Exported only on request (``--include reference``): a graph of articles holds only the things the
articles name.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph

from kg import gazetteer
from kg.link import Linked
from kg.mapping import Minter, Triple, entity_triples


def reference_triples(base: str) -> Iterator[Triple]:
    gaz = gazetteer.load()
    keys = (
        [f"state/{iso}" for iso in gaz.states]
        + [f"org/{org}" for org in gaz.organisations]
        + [f"group/{group}" for group in gaz.groups]
        + sorted(gaz.cities_by_key)
    )
    return entity_triples(keys, [], Linked(), gaz, Minter(base))


def reference_graph(base: str) -> Graph:
    graph = Graph()
    for triple in reference_triples(base):
        graph.add(triple)
    return graph
