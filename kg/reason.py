"""Reason: the OWL RL closure (owlrl) and the product's own rules, kept apart from what articles say.

Inferred triples go to their own graph, so that asserted and inferred facts stay distinguishable.
Only triples about the graph's own things are kept: owlrl's axiomatic noise about RDF, RDFS and
OWL themselves, and ``x owl:sameAs x``, are not facts for an analyst. Rules that OWL cannot say
without side effects (``ctkg:cooperatesWith`` between two different states that met) are SPARQL
CONSTRUCT queries in ``ontology/rules/``.
"""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef

from kg.resources import data_path
from kg.triples import Triples, as_graph
from kg.validate import ontology_graph

NOISE_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class}


def rule_queries() -> list[tuple[str, str]]:
    folder = data_path("ontology", "rules")
    return [(path.stem, path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.rq"))]


def _owl_rl(graph: Graph) -> None:
    """owlrl's closure, restoring rdflib's literal converters that owlrl leaves changed."""
    import owlrl
    from rdflib.term import _toPythonMapping

    saved = dict(_toPythonMapping)
    try:
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False).expand(graph)
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(saved)


ERR = "http://www.daml.org/2002/03/agents/agent-ont#"


REASONERS = ("rules", "owlrl")


def reason(asserted: Graph | Triples, *, base: str, reasoner: str = "rules") -> tuple[Graph, list[str]]:
    """Inferred triples and clashes: the ontology's rules compiled for speed, or owlrl (the reference)."""
    if reasoner == "rules":
        from kg.rules import infer_fast

        return infer_fast(asserted, base=base)
    if reasoner == "owlrl":
        return infer(as_graph(asserted), base=base)
    raise ValueError(f"unknown reasoner {reasoner!r}; use one of {', '.join(REASONERS)}")


def infer(asserted: Graph, *, base: str) -> tuple[Graph, list[str]]:
    """Triples entailed by the asserted graph and the ontology that it lacks, and any clashes.

    A clash is owlrl's report that the data contradicts the ontology (a member of owl:Nothing,
    two disjoint classes on one node, a state cooperating with itself).
    """
    work = Graph()
    for triple in ontology_graph():
        work.add(triple)
    for triple in asserted:
        work.add(triple)
    _owl_rl(work)
    for _, query in rule_queries():
        for row in list(work.query(query)):
            if isinstance(row, tuple) and len(row) == 3:
                work.add((row[0], row[1], row[2]))
    found = clashes(work)
    inferred = Graph()
    for s, p, o in work:
        if not isinstance(s, URIRef) or not str(s).startswith(base) or isinstance(o, BNode):
            continue
        if (s, p, o) in asserted or p == OWL.sameAs and s == o:
            continue
        if p == RDF.type and o in NOISE_TYPES:
            continue
        if isinstance(o, URIRef) and not str(o).startswith(base) and p != RDF.type:
            continue
        inferred.add((s, p, o))
    return inferred, found


def clashes(graph: Graph) -> list[str]:
    """Members of owl:Nothing and owlrl's error messages: the data contradicts the ontology."""
    nothing = [f"{s} is a member of owl:Nothing" for s in graph.subjects(RDF.type, OWL.Nothing)]
    errors = [str(o) for o in graph.objects(None, URIRef(ERR + "error"))]
    return sorted(nothing + errors)
