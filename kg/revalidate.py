"""Revalidate: check only what a change can affect, instead of the whole graph.

The store only ever holds a conforming graph, yet validating all of it after adding a hundred
articles takes tens of seconds. A check with focus node ``f`` reads the triples of ``f`` and,
beyond it, only a few *deep* predicates: the types of value nodes (``sh:class``), the class
hierarchy, and what the SPARQL constraints follow from ``$this`` (such as ``ctkg:partOf*``).
So a changed triple can only change the verdict on its subject and, when its predicate is deep,
on the nodes that reach its subject through one hop of any predicate and then deep predicates.
Those nodes are re-checked over their own triples plus the deep triples they reach, which give
the same results as validating the whole graph (see ``tests/test_revalidate.py``).

Which predicates are deep is read from the compiled shapes, not written here: the compiler's own
checks read beyond the focus node only for ``sh:class``; a SPARQL constraint is parsed and must
read forward from ``$this`` (no inverse paths, variable predicates, OPTIONAL or UNION), or every
change falls back to validating the whole graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache

from rdflib import RDF, RDFS, BNode, Literal, URIRef, Variable
from rdflib.paths import AlternativePath, MulPath, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from kg.iri import DEFAULT_BASE
from kg.shacl_sparql import _Check, _details, _render, compile_shapes, validate_fast
from kg.triples import Neighbourhood, Triple, Triples
from kg.validate import ValidationReport, Violation
from kg.vocab import CTKG

__all__ = ["Revalidation", "deep_predicates", "validate_changes"]

_THIS = Variable("this")
_EXISTS = {"Builtin_EXISTS", "Builtin_NOTEXISTS"}
# Patterns that may leave a variable unbound or read another graph: what is read could not be bounded.
_UNBOUNDED = {
    "LeftJoin",
    "Union",
    "Minus",
    "OptionalGraphPattern",
    "GroupOrUnionGraphPattern",
    "MinusGraphPattern",
    "GraphGraphPattern",
    "ServiceGraphPattern",
}


@dataclass(frozen=True)
class Revalidation:
    """What was checked again, and the violations found there.

    ``whole``: nodes checked against every shape (their targets or a SPARQL constraint's reach
    changed); ``values``: (focus, path, value) checked against the value constraints of the path;
    ``counts``: (focus, path) checked against its count and language constraints. A violation of
    the graph before the change that none of these covers still holds after it.
    """

    focus: frozenset[Node]  # every node some check was run for
    report: ValidationReport
    whole: frozenset[str] = frozenset()
    values: frozenset[tuple[str, str, str]] = frozenset()
    counts: frozenset[tuple[str, str]] = frozenset()

    def covers(self, violation: Violation) -> bool:
        if violation.focus in self.whole:
            return True
        if violation.value is not None and violation.path is not None:
            return (violation.focus, violation.path, violation.value) in self.values
        return violation.path is not None and (violation.focus, violation.path) in self.counts


@dataclass(frozen=True)
class _Reads:
    """What the compiled shapes read, by kind of check."""

    deep: frozenset[URIRef]  # read beyond the focus node by any check
    sparql: frozenset[URIRef]  # named by a SPARQL constraint (read at or beyond the focus)
    sparql_deep: frozenset[URIRef]  # read beyond the focus by a SPARQL constraint
    valued: frozenset[URIRef]  # paths with value constraints
    most: frozenset[URIRef]  # paths with a maximum count or unique languages
    least: frozenset[URIRef]  # paths with a minimum count


class _Unbounded(Exception):
    """A SPARQL constraint reads something that is not reached forward from ``$this``."""


def validate_changes(
    data: Neighbourhood,
    added: Triples,
    removed: Triples,
    *,
    base: str = DEFAULT_BASE,
    limit: int = 50_000,
    conforming: bool = False,
) -> Revalidation | None:
    """Validate what a change can affect, reading ``data`` (the graph after the change) around it.

    For the whole graph after the change, the violations are those of the graph before it that the
    result does not cover (:meth:`Revalidation.covers`), plus ``report``. A changed value is checked
    on its own against its path's value constraints; a node's count constraints on a changed path
    read all its values of that path; a node whose types change, or that a SPARQL constraint reads
    the change from, is checked whole. With ``conforming`` (the graph before the change had no
    violation), values added are only counted against maximums and values removed against minimums.
    None when more than ``limit`` nodes would be re-checked or read, or when the shapes read beyond
    what can be bounded: validate the whole graph instead. ``removed`` holds triples that were in
    the graph; one also in ``added`` (moved between named graphs, say) is no change.
    """
    reads = _reads(base)
    if reads is None:
        return None
    added, removed = set(added) - set(removed), set(removed) - set(added)
    changed = added | removed
    if any(p == RDFS.subClassOf for _s, p, _o in changed):
        return None  # the class hierarchy in the data: every check may change
    typed = {s for s, p, _o in changed if p == RDF.type}
    whole = _focus(data, {t for t in changed if t[1] in reads.sparql}, reads.sparql_deep, limit)
    if whole is None:
        return None
    whole |= typed
    values: set[Triple] = {t for t in added if t[1] in reads.valued and t[0] not in whole}
    values |= {t for t in data.incoming(typed) if t[1] in reads.valued and t[0] not in whole}
    counted = {(s, p) for s, p, _o in added if p in reads.most or (not conforming and p in reads.least)}
    counted |= {(s, p) for s, p, _o in removed if p in reads.least or (not conforming and p in reads.most)}
    counted = {(s, p) for s, p in counted if s not in whole}
    gone = (
        set() if conforming else {t for t in removed if t[1] in reads.valued and t[0] not in whole}
    )  # its verdict goes
    if len(whole) + len(values) + len(counted) > limit:
        return None
    triples = _subgraph(data, whole, reads.deep, limit) if whole else set()
    if triples is None:
        return None
    triples |= values
    nodes = {s for s, _p, _o in values} | {o for _s, _p, o in values} | {s for s, _p in counted}
    triples |= data.outgoing(nodes, {RDF.type})
    for predicate in {p for _s, p in counted}:
        triples |= data.outgoing({s for s, p in counted if p == predicate}, {predicate})
    if len(triples) > limit:
        return None
    result = Revalidation(
        frozenset(whole | nodes),
        ValidationReport(True, ()),
        frozenset(str(n) for n in whole),
        frozenset((str(s), str(p), str(o)) for s, p, o in values | gone),
        frozenset((str(s), str(p)) for s, p in counted),
    )
    if not triples:
        return result
    found = tuple(v for v in validate_fast(triples, base=base).violations if result.covers(v))
    return replace(result, report=ValidationReport(not found, _with_details(data, found, whole)))


def _with_details(data: Neighbourhood, found: tuple[Violation, ...], whole: set[Node]) -> tuple[Violation, ...]:
    """The articles and sentence of each violating node checked in part (its own triples were not all read)."""
    partial: set[Node] = {URIRef(v.focus) for v in found if URIRef(v.focus) not in whole}
    if not partial:
        return found
    details = _details(data.outgoing(partial, {CTKG.source, CTKG.mentionedIn, CTKG.evidence}), None, partial)
    return tuple(
        replace(v, articles=details[focus][0], evidence=details[focus][1])
        if (focus := URIRef(v.focus)) in partial
        else v
        for v in found
    )


@cache
def deep_predicates(base: str = DEFAULT_BASE) -> frozenset[URIRef] | None:
    """The predicates the shapes of ``base`` read beyond the focus node; None when that cannot be bounded."""
    return _deep(compile_shapes(base).checks)


@cache
def _reads(base: str) -> _Reads | None:
    checks = compile_shapes(base).checks
    deep = _deep(checks)
    if deep is None:
        return None
    sparql = [c for c in checks if c.kind == "sparql"]
    valued, most, least = set(), set(), set()
    for check in checks:
        if check.path is None:
            continue
        if check.kind == "value":
            valued.add(check.path)
        if (check.kind == "count" and check.high is not None) or check.kind == "lang":
            most.add(check.path)
        if check.kind == "count" and check.low is not None:
            least.add(check.path)
    return _Reads(
        deep,
        frozenset(URIRef(iri) for c in sparql for iri in c.predicates) | {URIRef(RDF.type)},
        frozenset().union(*(_sparql_reads(_render(c.template, {}, {})) for c in sparql)),
        frozenset(valued),
        frozenset(most),
        frozenset(least),
    )


def _deep(checks: Iterable[_Check]) -> frozenset[URIRef] | None:
    # Targets and sh:class expand classes over rdfs:subClassOf in the graph, which may add to the hierarchy.
    deep = {RDFS.subClassOf}
    for check in checks:
        if check.kind == "sparql":
            try:
                deep |= _sparql_reads(_render(check.template, {}, {}))
            except _Unbounded:
                return None
        elif "@@TYPED" in check.template:
            deep.add(URIRef(RDF.type))  # sh:class: the value node's types
    return frozenset(deep)


def _sparql_reads(query: str) -> set[URIRef]:
    """The predicates a query reads at nodes other than ``?this``; raises _Unbounded if not all reached from it."""
    patterns: list[tuple[Node, object, Node]] = []
    nested: list[object] = []
    _collect(prepareQuery(query).algebra, patterns, nested)
    return _scope_reads(patterns, nested, {_THIS})


def _scope_reads(patterns: list[tuple[Node, object, Node]], nested: list[object], bound: set[Node]) -> set[URIRef]:
    bound = set(bound)
    grown = True
    while grown:  # the variables reached forward from ?this
        grown = False
        for s, _p, o in patterns:
            if s in bound and isinstance(o, (Variable, BNode)) and o not in bound:
                bound.add(o)
                grown = True
    reads: set[URIRef] = set()
    for s, p, _o in patterns:
        if s not in bound:
            raise _Unbounded(f"a pattern starts from {s}, which is not reached from ?this")
        reads |= _path_reads(p, at_focus=s == _THIS)
    for graph in nested:  # EXISTS and NOT EXISTS see the variables bound outside them
        inner: list[tuple[Node, object, Node]] = []
        deeper: list[object] = []
        _collect(graph, inner, deeper)
        reads |= _scope_reads(inner, deeper, bound)
    return reads


def _collect(node: object, patterns: list[tuple[Node, object, Node]], nested: list[object]) -> None:
    """The triple patterns of one scope of a query's algebra, and the EXISTS graphs nested in it."""
    if isinstance(node, CompValue):
        if node.name in _EXISTS:
            nested.append(node["graph"])
            return
        if node.name in _UNBOUNDED:
            raise _Unbounded(node.name)
        if node.name in ("BGP", "TriplesBlock"):
            for terms in node["triples"]:
                terms = list(terms)
                patterns += [(terms[i], terms[i + 1], terms[i + 2]) for i in range(0, len(terms), 3)]
            return
        for value in node.values():
            _collect(value, patterns, nested)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _collect(value, patterns, nested)


def _path_reads(path: object, *, at_focus: bool) -> set[URIRef]:
    """The predicates a path reads beyond the node it starts from (all of them when that is not ?this)."""
    if isinstance(path, URIRef):
        return set() if at_focus else {path}
    if isinstance(path, AlternativePath):
        return set().union(*(_path_reads(p, at_focus=at_focus) for p in path.args))
    if isinstance(path, SequencePath):
        first, *rest = path.args
        return _path_reads(first, at_focus=at_focus).union(*(_path_reads(p, at_focus=False) for p in rest))
    if isinstance(path, MulPath):
        return _path_reads(path.path, at_focus=at_focus and path.mod == "?")
    raise _Unbounded(f"the path {path!r} may read backwards or any predicate")


def _focus(data: Neighbourhood, changed: set[Triple], deep: frozenset[URIRef], limit: int) -> set[Node] | None:
    """The subjects of the changed triples a SPARQL constraint reads, and the nodes reaching a changed
    deep triple: one hop of any predicate, after any number of deep ones (walked backwards)."""
    focus = {s for s, _p, _o in changed}
    reached = {s for s, p, _o in changed if p in deep}
    frontier = set(reached)
    while frontier:
        incoming = data.incoming(frontier)
        focus |= {s for s, _p, _o in incoming}
        frontier = {s for s, p, _o in incoming if p in deep} - reached
        reached |= frontier
        if len(focus) > limit or len(reached) > limit:
            return None
    return {f for f in focus if not isinstance(f, Literal)} if len(focus) <= limit else None


def _subgraph(data: Neighbourhood, focus: set[Node], deep: frozenset[URIRef], limit: int) -> set[Triple] | None:
    """Every triple of the focus nodes, and the deep triples of what they reach: one hop of any
    predicate, then deep ones."""
    triples = data.outgoing(focus)
    seen = set(focus)
    frontier = {o for _s, _p, o in triples if not isinstance(o, Literal)} - seen
    while frontier:
        seen |= frontier
        if len(seen) > limit:
            return None
        found = data.outgoing(frontier, deep)
        triples |= found
        frontier = {o for _s, _p, o in found if not isinstance(o, Literal)} - seen
    return triples
