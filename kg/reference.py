"""The full reference data (all states, organisations, threat groups and cities) as RDF.

Exported only on request (``--include reference``): a graph of articles holds only the things the
articles name.
"""

from __future__ import annotations

from rdflib import Graph

from kg import gazetteer
from kg.link import Linked
from kg.mapping import Minter, entity_triples


def reference_graph(base: str) -> Graph:
    gaz = gazetteer.load()
    keys = (
        [f"state/{iso}" for iso in gaz.states]
        + [f"org/{org}" for org in gaz.organisations]
        + [f"group/{group}" for group in gaz.groups]
        + sorted(gaz.cities_by_key)
    )
    graph = Graph()
    for triple in entity_triples(keys, [], Linked(), gaz, Minter(base)):
        graph.add(triple)
    return graph
