"""Export: the store's graph to a file, whose extension picks the format.

``.ttl``, ``.nt`` and ``.jsonld`` hold one merged graph; ``.trig`` and ``.nq`` keep the named
graphs (one per article, the entities, and the inferred triples). Inferred triples never mix with
asserted ones in a single-graph format: they go to a file of their own beside the output
(``kg.inferred.ttl`` next to ``kg.ttl``). Output is sorted: the same store gives the same bytes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kg.errors import UsageError

FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".trig": "trig", ".nq": "nquads"}
QUAD_FORMATS = {".trig", ".nq"}
EXTRAS = ("ontology", "reference")
PREFIXES = {
    "ctkg": "https://w3id.org/ctkg/ontology#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def format_of(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise UsageError(f"{path}: unknown output format {path.suffix!r}; use one of {known}") from None


# ------------------------------------------------------------------------------ from a store

OX_FORMATS = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".jsonld": "JSON_LD", ".trig": "TRIG", ".nq": "N_QUADS"}


def export_store(
    store: Path,
    path: Path,
    *,
    graph: str | None = None,
    with_inferred: bool = False,
    include: tuple[str, ...] = (),
) -> list[Path]:
    """Write the store's graph (or one named graph) to ``path``, sorted so the bytes are reproducible.

    Single-graph formats get the merged triples once each; ``.trig`` and ``.nq`` keep the named graphs.
    Inferred triples are left out unless asked for; with a single-graph format they go to a file of
    their own beside ``path``.
    """
    from kg.store import Location

    format_of(path)
    location = Location(store)
    manifest = location.manifest()
    if manifest is None:
        raise UsageError(f"{store}: no store here yet; run `kg build` first")
    base = manifest.base
    db = location.open()
    names = sorted(g.value for g in db.named_graphs())
    if graph is not None:
        if graph not in names:
            raise UsageError(
                f"no graph {graph} in the store; it holds {len(names)} graphs, e.g. {', '.join(names[:3])}"
            )
        chosen = [graph]
    else:
        special = {f"{base}graph/{name}" for name in ("inferred", "ontology", "reference")}
        chosen = [n for n in names if n not in special]
        chosen += [f"{base}graph/{name}" for name in include if f"{base}graph/{name}" in names]
    quads = path.suffix.lower() in QUAD_FORMATS
    if with_inferred and quads and f"{base}graph/inferred" in names:
        chosen.append(f"{base}graph/inferred")
    fmt = getattr(ox.RdfFormat, OX_FORMATS[path.suffix.lower()])
    prefixes = {**PREFIXES, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    path.parent.mkdir(parents=True, exist_ok=True)
    written = [path]
    _atomic_bytes(path, _serialize_store(db, chosen, fmt, quads=quads, prefixes=prefixes))
    if with_inferred and not quads and graph is None and f"{base}graph/inferred" in names:
        side = path.with_name(f"{path.stem}.inferred{path.suffix}")
        _atomic_bytes(side, _serialize_store(db, [f"{base}graph/inferred"], fmt, quads=False, prefixes=prefixes))
        written.append(side)
    return written


def _serialize_store(
    db: ox.Store, graphs: list[str], fmt: ox.RdfFormat, *, quads: bool, prefixes: dict[str, str]
) -> bytes:
    declared = declared_datatypes()
    restored = (
        restore_datatype(q, declared) for g in graphs for q in db.quads_for_pattern(None, None, None, ox.NamedNode(g))
    )
    items: list[ox.Quad] | list[ox.Triple]
    if quads:
        items = sorted(restored, key=str)
    else:
        items = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in restored}, key=str)
    with_prefixes = fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG)
    result = ox.serialize(items, format=fmt, prefixes=prefixes if with_prefixes else None)
    assert isinstance(result, bytes)
    return result


XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


@cache
def declared_datatypes() -> dict[str, str]:
    """Properties whose range is a type derived from xsd:integer (``ctkg:ordinal``: xsd:positiveInteger).

    Oxigraph stores such literals as plain xsd:integer (the same value); exports give them back the
    datatype the ontology declares, so a round trip through the store changes nothing.
    """
    from rdflib import RDFS, XSD

    from kg.validate import ontology_graph

    derived = {XSD.positiveInteger, XSD.nonNegativeInteger, XSD.negativeInteger, XSD.nonPositiveInteger, XSD.int}
    derived |= {XSD.long, XSD.short, XSD.byte, XSD.unsignedInt, XSD.unsignedLong}
    return {str(p): str(r) for p, r in ontology_graph().subject_objects(RDFS.range) if r in derived}


def restore_datatype(quad: ox.Quad, declared: dict[str, str]) -> ox.Quad:
    target = declared.get(quad.predicate.value)
    obj = quad.object
    if target and isinstance(obj, ox.Literal) and obj.datatype.value == XSD_INTEGER:
        return ox.Quad(
            quad.subject, quad.predicate, ox.Literal(obj.value, datatype=ox.NamedNode(target)), quad.graph_name
        )
    return quad


def _atomic_bytes(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
