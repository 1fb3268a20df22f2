"""RDF that users give (extra reference data, ontology extensions), parsed safely.

Parsed with Oxigraph's parsers, which do not expand XML entities: an RDF/XML file that declares an
external entity (an "XXE" attempt to read a local file) is refused, never followed.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import InputError
from kg.store import to_rdflib

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


def read_user_rdf(path: Path) -> Graph:
    """The triples of a user's RDF file (graph names dropped), or an ``InputError`` saying what is wrong."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            str(path), f"unknown RDF format {path.suffix!r}", hint=f"use one of {', '.join(sorted(FORMATS))}"
        )
    graph = Graph()
    try:
        for item in ox.parse(path=str(path), format=fmt):
            graph.add((to_rdflib(item.subject), to_rdflib(item.predicate), to_rdflib(item.object)))
    except SyntaxError as error:
        raise InputError(str(path), f"not valid RDF ({error})", hint="external XML entities are not allowed") from error
    except OSError as error:
        raise InputError(str(path), f"cannot be read: {error.strerror or error}") from error
    return graph
