"""Validate: the SHACL shapes compiled into SPARQL queries run by Oxigraph, with pySHACL's verdicts.

pySHACL walks the graph node by node in Python, which takes minutes on a large graph. Here every
constraint of ``ontology/shapes.ttl`` becomes one SELECT query over all focus nodes at once, so a
graph of a few hundred thousand triples is checked in seconds. The results are those pySHACL gives
when called as :func:`kg.validate.validate` calls it: the same conformance and the same results
(focus node, path, value, constraint component, source shape, messages).

How pySHACL's behaviour is reproduced:

* The ontology is mixed into the data the way pySHACL does it (only its RDFS and OWL statements,
  plus the named individuals), so the class hierarchy is known and ``ctkg:Held`` is a
  ``ctkg:MeetingStatus``. Classes are expanded to their subclasses in Python before the queries run.
* Oxigraph stores typed literals by value: ``"10"^^xsd:positiveInteger`` comes back as
  ``"10"^^xsd:integer``. For the value checks, a graph given as an rdflib graph therefore also gets a
  copy of its XSD-typed literals under a private datatype that keeps the literal exactly as written;
  SPARQL constraints see the literals by value, as numbers and dates.
* ``sh:datatype`` accepts a literal of the right datatype unless rdflib finds it ill-typed, as
  pySHACL does (rdflib checks integers, decimals, dates and times, but not ``xsd:gYear`` and the like).
* SPARQL constraints are run once for all focus nodes: ``$this`` becomes a variable bound to the
  targets of the shape, and the rows are read the way pySHACL reads them.

A shape using anything the compiler does not know is refused with :class:`UnsupportedShapeError`,
so that a new kind of check is never silently skipped.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import cast

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import KgError
from kg.iri import DEFAULT_BASE
from kg.triples import Triples, as_graph, reachable
from kg.validate import SH, ValidationReport, Violation, ontology_graph, shapes_graph
from kg.vocab import CTKG

__all__ = ["ShaclResult", "UnsupportedShapeError", "compile_shapes", "shacl_results", "validate_fast"]

XSD_NS = str(XSD)
# Private names: the graph holding the exact copies of typed literals, and their datatype prefix.
EXACT_GRAPH = ox.NamedNode("urn:x-shacl-sparql:exact-literals")
EXACT_DATATYPE = "urn:x-shacl-sparql:datatype:"

_RDF_TYPE = f"<{RDF.type}>"
_XSD_STRING = f"<{XSD.string}>"

# What a node shape, a property shape, an alternative of sh:or and a SPARQL constraint may say.
_ANNOTATIONS = {RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description, SH.message}
_VALUE_PARAMETERS = {SH.datatype, SH["class"], SH.nodeKind, SH.pattern, SH.flags, SH["in"], SH.languageIn, SH["or"]}
_NODE_SHAPE_PARAMETERS = _ANNOTATIONS | _VALUE_PARAMETERS | {SH.targetClass, SH.property, SH.sparql}
_PROPERTY_SHAPE_PARAMETERS = (
    _ANNOTATIONS | _VALUE_PARAMETERS | {SH.targetClass, SH.path, SH.minCount, SH.maxCount, SH.uniqueLang}
)
_ALTERNATIVE_PARAMETERS = _ANNOTATIONS | (_VALUE_PARAMETERS - {SH["or"]})
_SPARQL_PARAMETERS = {RDF.type, RDFS.label, RDFS.comment, SH.select, SH.message, SH.prefixes}

_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}

_COMPONENT = {
    SH.datatype: SH.DatatypeConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
}

_PLACEHOLDER = re.compile(r"@@(CLASSES|TYPED|BAD) ([^@]*)@@")


class UnsupportedShapeError(KgError):
    """The shapes use a SHACL feature that the SPARQL compiler does not implement."""


@dataclass(frozen=True)
class ShaclResult:
    """One validation result, as pySHACL would write it into its report."""

    focus: Node
    path: URIRef | None
    value: Node | None
    component: URIRef
    source_shape: Node
    source_constraint: Node | None
    messages: tuple[str, ...]

    @property
    def message(self) -> str:
        return self.messages[0] if self.messages else "breaks a rule of the shapes"


@dataclass(frozen=True)
class _Check:
    shape: Node
    components: tuple[URIRef, ...]
    path: URIRef | None
    kind: str  # "value", "count", "lang" or "sparql"
    template: str
    messages: tuple[Literal, ...]
    source_constraint: Node | None = None
    constraint_messages: tuple[Literal, ...] = ()
    projects_this: bool = True
    node_shape: bool = False
    low: int | None = None
    high: int | None = None
    predicates: tuple[str, ...] = ()  # the IRIs a SPARQL constraint names, to find a value as written


@dataclass(frozen=True)
class CompiledShapes:
    checks: tuple[_Check, ...]
    datatypes: frozenset[URIRef]  # datatypes whose literals must be checked for being ill-typed


# ------------------------------------------------------------------------------ compiling


def _iri(node: Node) -> str:
    if not isinstance(node, URIRef):
        raise UnsupportedShapeError(f"expected an IRI in the shapes, found {node!r}")
    text = str(node)
    if any(c in text for c in '<>"{}|^`\\ '):
        raise UnsupportedShapeError(f"cannot write the IRI {text!r} into a query")
    return f"<{text}>"


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _is_exact_datatype(datatype: URIRef | None) -> bool:
    """Whether literals of the datatype are kept in the exact copy (Oxigraph may rewrite them)."""
    return datatype is not None and str(datatype).startswith(XSD_NS) and datatype != XSD.string


def _term(node: Node, exact: bool) -> str:
    """A term of the shapes graph written in SPARQL, as it is stored in the working store."""
    if isinstance(node, URIRef):
        return _iri(node)
    if isinstance(node, Literal):
        if node.language:
            return f"{_string(str(node))}@{node.language}"
        datatype = node.datatype or XSD.string
        if exact and _is_exact_datatype(datatype):
            return f"{_string(str(node))}^^<{EXACT_DATATYPE}{datatype}>"
        return f"{_string(str(node))}^^{_iri(datatype)}"
    raise UnsupportedShapeError(f"cannot compare with the blank node {node!r} of the shapes")


class _Compiler:
    def __init__(self, sg: Graph, exact: bool) -> None:
        self.sg = sg
        self.exact = exact
        self.counter = 0
        self.datatypes: set[URIRef] = set()

    def fresh(self) -> str:
        self.counter += 1
        return f"?_v{self.counter}"

    def single(self, node: Node, parameter: URIRef) -> Node | None:
        values = list(self.sg.objects(node, parameter))
        if len(values) > 1:
            raise UnsupportedShapeError(f"{node} has {len(values)} values of {parameter}; one is supported")
        return values[0] if values else None

    def check_parameters(self, node: Node, allowed: set[URIRef], what: str) -> None:
        for predicate in set(self.sg.predicates(node)):
            if predicate not in allowed:
                raise UnsupportedShapeError(
                    f"{what} {node} uses {predicate}, which the SPARQL validator does not support"
                )

    def items(self, head: Node, what: str) -> list[Node]:
        try:
            return list(self.sg.items(head))
        except Exception as error:  # a malformed list
            raise UnsupportedShapeError(f"{what} is not a well-formed list") from error

    # ------------------------------------------------------------- conditions on one value node

    def ok(self, parameter: URIRef, argument: Node, v: str, shape: Node) -> str:
        """A SPARQL expression that is true (never an error) when the value ``v`` passes."""
        if parameter == SH["class"]:
            # one pattern per class: Oxigraph runs EXISTS { VALUES ... } thirty times slower
            return f"EXISTS {{ @@TYPED {v} {_iri(argument)}@@ }}"
        if parameter == SH.datatype:
            return self.ok_datatype(cast(URIRef, argument), v)
        if parameter == SH.nodeKind:
            if argument not in _NODE_KINDS:
                raise UnsupportedShapeError(f"{shape} has an unknown sh:nodeKind {argument}")
            return _NODE_KINDS[cast(URIRef, argument)].format(v=v)
        if parameter == SH.pattern:
            flags = self.single(shape, SH.flags)
            flag_text = f", {_string(str(flags))}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {_string(str(argument))}{flag_text}))"
        if parameter == SH["in"]:
            members = self.items(argument, f"the sh:in of {shape}")
            tests = [f"sameTerm({v}, {_term(m, self.exact)})" for m in members]
            return "(" + " || ".join(tests) + ")" if tests else "false"
        if parameter == SH.languageIn:
            ranges = [str(r) for r in self.items(argument, f"the sh:languageIn of {shape}")]
            matches = " || ".join(f"langMatches(LANG({v}), {_string(r)})" for r in ranges) or "false"
            return f'(isLiteral({v}) && LANG({v}) != "" && ({matches}))'
        if parameter == SH["or"]:
            alternatives = []
            for alternative in self.items(argument, f"the sh:or of {shape}"):
                self.check_parameters(alternative, _ALTERNATIVE_PARAMETERS, "the alternative")
                tests = [
                    self.ok(cast(URIRef, p), o, v, alternative)
                    for p, o in sorted(self.sg.predicate_objects(alternative))
                    if p in _VALUE_PARAMETERS and p != SH.flags
                ]
                alternatives.append("(" + " && ".join(tests) + ")" if tests else "true")
            return "(" + " || ".join(alternatives) + ")" if alternatives else "false"
        raise UnsupportedShapeError(f"{shape} uses {parameter}, which the SPARQL validator does not support")

    def ok_datatype(self, datatype: URIRef, v: str) -> str:
        if datatype == RDFS.Literal:
            return f"isLiteral({v})"
        if datatype == RDF.langString:
            return f'(isLiteral({v}) && LANG({v}) != "")'
        if datatype == XSD.string:
            return f"(isLiteral({v}) && DATATYPE({v}) = {_XSD_STRING})"
        self.datatypes.add(datatype)
        stored = f"<{EXACT_DATATYPE}{datatype}>" if self.exact and _is_exact_datatype(datatype) else _iri(datatype)
        return f"(isLiteral({v}) && DATATYPE({v}) = {stored} && !(@@BAD {datatype} {v}@@))"

    # ------------------------------------------------------------- queries

    def values(self, path: URIRef | None) -> str:
        """The pattern binding ?v to each value node of ?this."""
        if path is None:
            return "BIND (?this AS ?v)"
        p = _iri(path)
        if not self.exact:
            return f"?this {p} ?v ."
        kept = f'!isLiteral(?v) || DATATYPE(?v) = {_XSD_STRING} || !STRSTARTS(STR(DATATYPE(?v)), "{XSD_NS}")'
        return f"{{ ?this {p} ?v . FILTER ({kept}) }} UNION {{ GRAPH <{EXACT_GRAPH.value}> {{ ?this {p} ?v }} }}"

    def compile(self) -> CompiledShapes:
        sg = self.sg
        targets: dict[Node, set[URIRef]] = defaultdict(set)
        node_shapes = set(sg.subjects(RDF.type, SH.NodeShape))
        property_shapes = set(sg.subjects(RDF.type, SH.PropertyShape)) | set(sg.objects(None, SH.property))
        for unsupported in (
            SH.targetNode,
            SH.targetSubjectsOf,
            SH.targetObjectsOf,
            SH.target,
            SH.node,
            SH.qualifiedValueShape,
        ):
            for shape in sg.subjects(unsupported, None):
                raise UnsupportedShapeError(f"{shape} uses {unsupported}, which the SPARQL validator does not support")
        for shape, target in sg.subject_objects(SH.targetClass):
            targets[shape].add(cast(URIRef, target))
            if shape not in property_shapes:
                node_shapes.add(shape)
        for shape in node_shapes | property_shapes:
            for kind in sg.objects(shape, RDF.type):
                if kind in (RDFS.Class, URIRef("http://www.w3.org/2002/07/owl#Class")):
                    raise UnsupportedShapeError(f"{shape} is also a class (an implicit target), which is not supported")
        for parent, child in sg.subject_objects(SH.property):
            targets[child] |= targets[parent]

        checks: list[_Check] = []
        for shape in sorted(node_shapes, key=str):
            self.check_parameters(shape, _NODE_SHAPE_PARAMETERS, "the node shape")
            checks += self.shape_checks(shape, None, targets[shape])
            for constraint in sorted(sg.objects(shape, SH.sparql), key=str):
                checks.append(self.sparql_check(shape, constraint, targets[shape]))
        for shape in sorted(property_shapes, key=str):
            self.check_parameters(shape, _PROPERTY_SHAPE_PARAMETERS, "the property shape")
            path = self.single(shape, SH.path)
            if not isinstance(path, URIRef):
                raise UnsupportedShapeError(f"{shape} has the path {path!r}; only a single property IRI is supported")
            checks += self.shape_checks(shape, path, targets[shape])
        return CompiledShapes(tuple(checks), frozenset(self.datatypes))

    def shape_checks(self, shape: Node, path: URIRef | None, classes: set[URIRef]) -> list[_Check]:
        if not classes:
            return []  # a shape without targets is never evaluated
        sg = self.sg
        messages = tuple(sorted(m for m in sg.objects(shape, SH.message) if isinstance(m, Literal)))
        target = (
            "{ SELECT DISTINCT ?this WHERE { VALUES ?_class { @@CLASSES "
            + " ".join(_iri(c) for c in sorted(classes))
            + f"@@ }} ?this {_RDF_TYPE} ?_class }} }}"
        )
        values = self.values(path)
        checks = []
        # All the conditions on single values go into one query, with one flag each.
        flags: list[str] = []
        components: list[URIRef] = []
        limits: dict[URIRef, int] = {}
        for predicate, argument in sorted(sg.predicate_objects(shape)):
            parameter = cast(URIRef, predicate)
            if parameter in _COMPONENT:
                ok = self.ok(parameter, argument, "?v", shape)
                flags.append(f"BIND (!({ok}) AS ?_f{len(flags)})")
                components.append(_COMPONENT[parameter])
            elif parameter in (SH.minCount, SH.maxCount):
                limit = argument.toPython() if isinstance(argument, Literal) else None
                if not isinstance(limit, int):
                    raise UnsupportedShapeError(f"{shape} has a {parameter} that is not an integer")
                limits[parameter] = limit
            elif parameter == SH.uniqueLang:
                if not (isinstance(argument, Literal) and argument.toPython() is True):
                    continue
                query = (
                    f'SELECT ?this ?lang WHERE {{ {target} {values} FILTER (isLiteral(?v) && LANG(?v) != "") '
                    "BIND (LCASE(LANG(?v)) AS ?lang) } GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?v) > 1)"
                )
                checks.append(_Check(shape, (SH.UniqueLangConstraintComponent,), path, "lang", query, messages))
        if flags:
            names = " ".join(f"?_f{i}" for i in range(len(flags)))
            failing = " || ".join(f"?_f{i}" for i in range(len(flags)))
            query = (
                f"SELECT DISTINCT ?this ?v {names} WHERE {{ {target} {values} "
                + " ".join(flags)
                + f" FILTER ({failing}) }}"
            )
            checks.append(_Check(shape, tuple(components), path, "value", query, messages))
        if limits:
            low, high = limits.get(SH.minCount), limits.get(SH.maxCount)
            tests = ([f"?_n < {low}"] if low is not None else []) + ([f"?_n > {high}"] if high is not None else [])
            query = (
                f"SELECT ?this (COUNT(DISTINCT ?v) AS ?_n) WHERE {{ {target} OPTIONAL {{ {values} }} }} "
                f"GROUP BY ?this HAVING ({' || '.join(tests).replace('?_n', 'COUNT(DISTINCT ?v)')})"
            )
            checks.append(_Check(shape, (), path, "count", query, messages, low=low, high=high))
        return checks

    def sparql_check(self, shape: Node, constraint: Node, classes: set[URIRef]) -> _Check:
        sg = self.sg
        self.check_parameters(constraint, _SPARQL_PARAMETERS, "the SPARQL constraint")
        select = self.single(constraint, SH.select)
        if select is None:
            raise UnsupportedShapeError(f"the SPARQL constraint {constraint} has no sh:select")
        text = str(select)
        for problem in (r"\$(currentShape|shapesGraph|PATH)\b", r"[?$]failure\b"):
            if re.search(problem, text):
                raise UnsupportedShapeError(
                    f"the SPARQL constraint {constraint} uses {problem!r}, which is not supported"
                )
        keywords = re.findall(r"(?i)\b(GROUP\s+BY|HAVING|LIMIT|OFFSET|MINUS|VALUES|SERVICE|SELECT)\b", text)
        if len(keywords) != 1:
            raise UnsupportedShapeError(
                f"the SPARQL constraint {constraint} uses {', '.join(sorted(set(k.upper() for k in keywords)))}; "
                "only a plain SELECT without sub-queries, grouping, MINUS or VALUES is supported"
            )
        prefixes = []
        namespaces: dict[str, str] = {}
        for declared in sg.objects(constraint, SH.prefixes):
            for declaration in sg.objects(declared, SH.declare):
                prefix, namespace = sg.value(declaration, SH.prefix), sg.value(declaration, SH.namespace)
                prefixes.append(f"PREFIX {prefix}: <{namespace}>")
                namespaces[str(prefix)] = str(namespace)
        query = re.sub(r"\$this\b", "?this", text)
        head = re.match(r"(?is)(.*?)\bSELECT\s+((?:DISTINCT|REDUCED)\s+)?(.*?)\s*(?:WHERE\s*)?\{(.*)\}(.*)", query)
        if head is None:
            raise UnsupportedShapeError(f"cannot read the SPARQL constraint {constraint}")
        declarations, _modifier, projection, body, tail = cast(tuple[str, str, str, str, str], head.groups())
        if "(" in projection or tail.strip():
            raise UnsupportedShapeError(f"the SPARQL constraint {constraint} projects expressions or has modifiers")
        names = ["*"] if projection.strip() == "*" else re.findall(r"[?$](\w+)", projection)
        projects_this = "*" in names or "this" in names
        projected = "*" if "*" in names else " ".join(["?this"] + [f"?{n}" for n in names if n != "this"])
        target = (
            "{ SELECT DISTINCT ?this WHERE { VALUES ?_class { @@CLASSES "
            + " ".join(_iri(c) for c in sorted(classes))
            + f"@@ }} ?this {_RDF_TYPE} ?_class }} }}"
        )
        body = _paths_last(body)
        full = "\n".join(prefixes) + f"\n{declarations}\nSELECT DISTINCT {projected} WHERE {{ {target}\n{body}\n}}"
        return _Check(
            shape,
            (SH.SPARQLConstraintComponent,),
            None,
            "sparql" if classes else "none",
            full,
            tuple(sorted(m for m in sg.objects(shape, SH.message) if isinstance(m, Literal))),
            source_constraint=constraint,
            constraint_messages=tuple(sorted(m for m in sg.objects(constraint, SH.message) if isinstance(m, Literal))),
            projects_this=projects_this,
            node_shape=True,
            predicates=_named_iris(text, namespaces),
        )


def _named_iris(query: str, namespaces: dict[str, str]) -> tuple[str, ...]:
    """Every IRI a query names, in full or by a declared prefix: a superset of the predicates it matches."""
    named = set(re.findall(r"<([^<>\s]+)>", query))
    for prefix, local in re.findall(r"(?<![\w<])([A-Za-z][\w-]*|):([\w-]+)", query):
        if prefix in namespaces:
            named.add(namespaces[prefix] + local)
    return tuple(sorted(named))


_BLOCK = re.compile(r"\{([^{}]*)\}")
_NOT_PLAIN = re.compile(r"(?i)[\"']|\b(FILTER|BIND|OPTIONAL|UNION|GRAPH|VALUES|MINUS|SERVICE|EXISTS)\b")


def _paths_last(body: str) -> str:
    """Move the triple patterns with a ``*`` path to the end of each plain block of triple patterns.

    The order of the patterns of a basic graph pattern does not change its meaning, but Oxigraph
    evaluates a ``p*`` path with both ends free over every node of the graph when it comes first,
    which makes ``?body ctkg:partOf* ?party`` in a ``FILTER NOT EXISTS`` take seconds per meeting.
    """

    def reorder(match: re.Match[str]) -> str:
        content = match.group(1)
        if "*" not in content or _NOT_PLAIN.search(content):
            return match.group(0)
        statements = [part.strip() for part in re.split(r"\s\.(?=\s|$)", content) if part.strip()]
        ordered = [s for s in statements if "*" not in s] + [s for s in statements if "*" in s]
        return "{ " + " .\n".join(ordered) + " . }"

    return _BLOCK.sub(reorder, body)


_compiled: dict[tuple[int, str, bool], tuple[Graph, CompiledShapes]] = {}


def compile_shapes(base: str = DEFAULT_BASE, *, exact: bool = True, shapes: Graph | None = None) -> CompiledShapes:
    """The queries for the shapes of ``base`` (or the given shapes graph); compiled once and kept."""
    graph = shapes if shapes is not None else shapes_graph(base)
    key = (id(graph), base, exact)
    kept = _compiled.get(key)
    if kept is None or kept[0] is not graph:
        kept = _compiled[key] = (graph, _Compiler(graph, exact).compile())
    return kept[1]


# ------------------------------------------------------------------------------ the working store


@cache
def _ontology_quads(exact: bool) -> bytes:
    """The ontology statements pySHACL mixes into the data graph (RDFS/OWL axioms, named individuals)."""
    from pyshacl.rdfutil.inoculate import inoculate

    mixed = inoculate(Graph(), ontology_graph())  # type: ignore[arg-type]
    return _nquads(cast(Graph, mixed), exact=exact)


def _nt_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _nt(node: Node) -> str:
    """A term in N-Triples."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, BNode):
        label = str(node)
        return f"_:{label}" if re.fullmatch(r"[A-Za-z0-9_]+", label) else f"_:b{abs(hash(label))}"
    if isinstance(node, Literal):
        if node.language:
            return f"{_nt_string(str(node))}@{node.language}"
        if node.datatype is None or node.datatype == XSD.string:
            return _nt_string(str(node))
        return f"{_nt_string(str(node))}^^<{node.datatype}>"
    raise TypeError(f"not an RDF term: {node!r}")


def _nquads(triples: Iterable[tuple[Node, Node, Node]], *, exact: bool) -> bytes:
    """The triples in N-Quads, in the default graph; with ``exact``, also the exact copies of typed literals."""
    written: dict[Node, str] = {}
    lines = []
    exact_graph = f" <{EXACT_GRAPH.value}> .\n"
    for s, p, o in triples:
        subject = written[s] if s in written else written.setdefault(s, _nt(s))
        predicate = written[p] if p in written else written.setdefault(p, _nt(p))
        obj = written[o] if o in written else written.setdefault(o, _nt(o))
        lines.append(f"{subject} {predicate} {obj} .\n")
        if exact and isinstance(o, Literal) and not o.language and _is_exact_datatype(o.datatype):
            marked = f"{_nt_string(str(o))}^^<{EXACT_DATATYPE}{o.datatype}>"
            lines.append(f"{subject} {predicate} {marked}{exact_graph}")
    return "".join(lines).encode("utf-8")


def _working_store(data: Graph | ox.Store | Triples, graphs: list[str] | None) -> tuple[ox.Store, bool]:
    """An in-memory store with the data and the mixed-in ontology in its default graph."""
    work = ox.Store()
    if not isinstance(data, ox.Store):
        if graphs is not None:
            raise ValueError("graphs only applies to a store")
        work.load(_nquads(data, exact=True) + _ontology_quads(True), format=ox.RdfFormat.N_QUADS)
        return work, True
    names: list[ox.NamedNode | ox.DefaultGraph]
    if graphs is None:
        names = [ox.DefaultGraph(), *(g for g in data.named_graphs() if isinstance(g, ox.NamedNode))]
    else:
        names = [ox.NamedNode(g) for g in graphs]
    for name in names:
        dump = data.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name)
        if dump:
            work.load(dump, format=ox.RdfFormat.N_TRIPLES)
    # The store already holds typed literals by value: there is no exact copy to keep.
    work.load(_ontology_quads(False), format=ox.RdfFormat.N_QUADS)
    return work, False


# ------------------------------------------------------------------------------ running


def _to_rdflib(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype.startswith(EXACT_DATATYPE):
            datatype = datatype[len(EXACT_DATATYPE) :]
        if datatype == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"not an RDF term: {term!r}")


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _rdflib_accepts(lexical: str, datatype: URIRef) -> bool:
    """Whether pySHACL takes a literal of this form as a well-formed value of the datatype."""
    literal = Literal(lexical, datatype=datatype)
    if getattr(literal, "ill_typed", None) is True:
        return False
    value = literal.value
    import datetime as dt

    expected: dict[URIRef, type | tuple[type, ...]] = {
        XSD.integer: int,
        XSD.float: float,
        XSD.decimal: Decimal,
        XSD.boolean: bool,
        XSD.date: dt.date,
        XSD.time: dt.time,
        XSD.dateTime: dt.datetime,
    }
    kind = expected.get(datatype)
    return kind is None or isinstance(value, kind)


def _subclasses(work: ox.Store) -> dict[str, set[str]]:
    below: dict[str, set[str]] = defaultdict(set)
    for row in cast(ox.QuerySolutions, work.query(f"SELECT ?a ?b WHERE {{ ?a <{RDFS.subClassOf}> ?b }}")):
        a, b = row["a"], row["b"]
        if isinstance(a, ox.NamedNode) and isinstance(b, ox.NamedNode):
            below[b.value].add(a.value)
    return below


def _ill_typed(work: ox.Store, datatypes: Iterable[URIRef], exact: bool) -> dict[str, list[str]]:
    """For each datatype, the stored literals of it that pySHACL would call ill-typed, in SPARQL.

    The literals are read in one pass over the store (or its exact copies), not one per datatype.
    """
    wanted = {str(d) for d in datatypes}
    kept = {str(d) for d in wanted if exact and _is_exact_datatype(URIRef(d))}
    found: dict[str, set[ox.Literal]] = {d: set() for d in wanted}
    queries = []
    if kept:
        queries.append(f"SELECT DISTINCT ?o WHERE {{ GRAPH <{EXACT_GRAPH.value}> {{ ?s ?p ?o }} }}")
    if wanted - kept:
        queries.append("SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER (isLiteral(?o)) }")
    for number, query in enumerate(queries):
        from_exact = bool(kept) and number == 0
        for row in cast(ox.QuerySolutions, work.query(query)):
            term = row["o"]
            if not isinstance(term, ox.Literal):
                continue
            datatype = term.datatype.value
            if from_exact and datatype.startswith(EXACT_DATATYPE):
                datatype = datatype[len(EXACT_DATATYPE) :]
                if datatype in kept:
                    found[datatype].add(term)
            elif not from_exact and datatype in wanted - kept:
                found[datatype].add(term)
    bad: dict[str, list[str]] = {}
    with _quiet_rdflib():
        for datatype in wanted:
            terms = sorted(found[datatype], key=str)
            bad[datatype] = [str(t) for t in terms if not _rdflib_accepts(t.value, URIRef(datatype))]
    return bad


def _render(template: str, below: dict[str, set[str]], bad: dict[str, list[str]]) -> str:
    def fill(match: re.Match[str]) -> str:
        kind, argument = match.groups()
        if kind == "CLASSES":
            classes: set[str] = set()
            for iri in argument.split():
                classes |= reachable(below, iri[1:-1])
            return " ".join(f"<{c}>" for c in sorted(classes))
        if kind == "TYPED":
            var, iri = argument.split()
            return " UNION ".join(f"{{ {var} {_RDF_TYPE} <{c}> }}" for c in sorted(reachable(below, iri[1:-1])))
        datatype, var = argument.split()
        terms = bad.get(datatype, [])
        return " || ".join(f"sameTerm({var}, {t})" for t in terms) if terms else "false"

    return _PLACEHOLDER.sub(fill, template)


def _format(message: Literal, bound: dict[str, Node]) -> str:
    text = str(message.value) if isinstance(message.value, str) else str(message)
    for var, val in bound.items():
        text = re.sub(f"{{[?$]{var}}}", str(val), text)
    return text


def shacl_results(
    data: Graph | ox.Store | Triples,
    *,
    base: str = DEFAULT_BASE,
    graphs: list[str] | None = None,
    shapes: Graph | None = None,
) -> list[ShaclResult]:
    """Every validation result pySHACL would report for the data, found with SPARQL queries."""
    work, exact = _working_store(data, graphs)
    compiled = compile_shapes(base, exact=exact, shapes=shapes)
    below = _subclasses(work)
    bad = _ill_typed(work, compiled.datatypes, exact)
    results: list[ShaclResult] = []
    for check in compiled.checks:
        if check.kind == "none":
            continue
        query = _render(check.template, below, bad)
        solutions = work.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        if check.kind == "sparql":
            found = _sparql_results(check, solutions)
            results += [_as_written(work, check, r) for r in found] if exact else found
            continue
        messages = tuple(str(m) for m in check.messages)
        for row in solutions:
            focus = _to_rdflib(row["this"])
            if check.kind == "value":
                value = _to_rdflib(row["v"])
                for i, component in enumerate(check.components):
                    flag = row[f"_f{i}"]
                    if isinstance(flag, ox.Literal) and flag.value == "true":
                        results.append(ShaclResult(focus, check.path, value, component, check.shape, None, messages))
            elif check.kind == "count":
                count = int(cast(ox.Literal, row["_n"]).value)
                if check.low is not None and count < check.low:
                    component = SH.MinCountConstraintComponent
                    results.append(ShaclResult(focus, check.path, None, component, check.shape, None, messages))
                if check.high is not None and count > check.high:
                    component = SH.MaxCountConstraintComponent
                    results.append(ShaclResult(focus, check.path, None, component, check.shape, None, messages))
            else:
                component = SH.UniqueLangConstraintComponent
                results.append(ShaclResult(focus, check.path, None, component, check.shape, None, messages))
    return results


def _sparql_results(check: _Check, solutions: ox.QuerySolutions) -> list[ShaclResult]:
    results = []
    names = [v.value for v in solutions.variables]
    seen: set[tuple] = set()
    for row in solutions:
        bound = {n: _to_rdflib(row[n]) for n in names if row[n] is not None}
        focus = bound["this"]
        if not check.projects_this:
            del bound["this"]
        this = bound.pop("this", None)
        path = bound.pop("path", None)
        value = bound.pop("value", None)
        if this is None and path is None and value is None:
            continue  # pySHACL ignores a row that binds none of them
        key = (focus, this, path, value, tuple(sorted(bound.items())))
        if key in seen:
            continue
        seen.add(key)
        if value is None and check.node_shape:
            value = focus
        fill = dict(bound)
        fill |= {k: v for k, v in (("this", this), ("path", path), ("value", value)) if v is not None}
        messages = [_format(m, fill) for m in check.constraint_messages if m not in check.messages]
        messages += [_format(m, fill) for m in check.messages]
        results.append(
            ShaclResult(
                this or focus,
                cast(URIRef, path) if path is not None else check.path,
                value,
                check.components[0],
                check.shape,
                check.source_constraint,
                tuple(messages),
            )
        )
    return results


def _stored(literal: Literal) -> ox.Literal:
    """The literal as Oxigraph holds it: by value, so ``"10"^^xsd:positiveInteger`` is ``"10"^^xsd:integer``."""
    store = ox.Store()
    store.load(f"<urn:x:s> <urn:x:p> {_nt(literal)} .".encode(), format=ox.RdfFormat.N_TRIPLES)
    return cast(ox.Literal, next(iter(store)).object)


def _as_written(work: ox.Store, check: _Check, result: ShaclResult) -> ShaclResult:
    """The result with its value as the data writes it, where a SPARQL constraint saw the stored value.

    The value is looked for among the exact copies of the focus node's literals under the predicates
    the constraint names, then of any node's; it is kept as it came when none or several match.
    """
    value = result.value
    if not isinstance(value, Literal) or value.language or not _is_exact_datatype(value.datatype):
        return result
    stored = _stored(value)
    predicates = " ".join(f"<{p}>" for p in check.predicates)
    for subject in (_nt(result.focus) if isinstance(result.focus, URIRef) else None, "?s"):
        if subject is None:
            continue
        where = f"GRAPH <{EXACT_GRAPH.value}> {{ {subject} ?p ?o }} VALUES ?p {{ {predicates} }}"
        written = {
            _to_rdflib(row["o"])
            for row in cast(ox.QuerySolutions, work.query(f"SELECT DISTINCT ?o WHERE {{ {where} }}"))
        }
        matching = {w for w in written if isinstance(w, Literal) and _stored(w) == stored}
        if len(matching) == 1:
            return ShaclResult(
                result.focus,
                result.path,
                matching.pop(),
                result.component,
                result.source_shape,
                result.source_constraint,
                result.messages,
            )
        if matching:
            break
    return result


def validate_fast(
    data: Graph | ox.Store | Triples, *, base: str = DEFAULT_BASE, graphs: list[str] | None = None
) -> ValidationReport:
    """Validate like :func:`kg.validate.validate`, with SPARQL queries instead of pySHACL.

    ``data`` is an rdflib graph, a set of triples, or an Oxigraph store whose named ``graphs`` (all of its graphs when
    not given) together form the data. The ontology always comes from the project's ontology file.
    """
    results = shacl_results(data, base=base, graphs=graphs)
    details = _details(data, graphs, {r.focus for r in results if isinstance(r.focus, URIRef)})
    violations = []
    for result in results:
        articles, evidence = details.get(result.focus, ((), None))
        violations.append(
            Violation(
                focus=str(result.focus),
                path=str(result.path) if result.path is not None else None,
                value=str(result.value) if result.value is not None else None,
                message=result.message,
                severity="Violation",
                articles=articles,
                evidence=evidence,
            )
        )
    violations.sort(key=lambda v: (v.focus, v.message))
    return ValidationReport(not violations, tuple(violations))


def _details(
    data: Graph | ox.Store | Triples, graphs: list[str] | None, focuses: set[Node]
) -> dict[Node, tuple[tuple[str, ...], str | None]]:
    """For each focus node: the articles it came from, and the sentence quoted for it."""
    if not focuses:
        return {}
    found: dict[Node, tuple[tuple[str, ...], str | None]] = {}
    if not isinstance(data, (Graph, ox.Store)):
        data = as_graph({t for t in data if t[0] in focuses and t[1] in (CTKG.source, CTKG.mentionedIn, CTKG.evidence)})
    if isinstance(data, Graph):
        for focus in focuses:
            articles = tuple(sorted(_article_id(a) for a in data.objects(focus, CTKG.source))) or tuple(
                sorted(_article_id(a) for a in data.objects(focus, CTKG.mentionedIn))
            )
            quoted = data.value(focus, CTKG.evidence)
            found[focus] = (articles, str(quoted) if quoted is not None else None)
        return found
    values = " ".join(f"<{f}>" for f in sorted(focuses, key=str))
    query = (
        f"SELECT ?f ?p ?o WHERE {{ VALUES ?f {{ {values} }} VALUES ?p {{ <{CTKG.source}> <{CTKG.mentionedIn}> "
        f"<{CTKG.evidence}> }} ?f ?p ?o }}"
    )
    default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = None
    if graphs is not None:
        default = [ox.NamedNode(g) for g in graphs]
    rows: dict[Node, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    solutions = data.query(query, default_graph=default, use_default_graph_as_union=graphs is None)
    for row in cast(ox.QuerySolutions, solutions):
        rows[_to_rdflib(row["f"])][row["p"].value].append(row["o"].value)
    for focus in focuses:
        by = rows.get(focus, {})
        articles = tuple(sorted(_article_id(a) for a in by.get(str(CTKG.source), []))) or tuple(
            sorted(_article_id(a) for a in by.get(str(CTKG.mentionedIn), []))
        )
        evidence = min(by.get(str(CTKG.evidence), []), default=None)
        found[focus] = (articles, evidence)
    return found


def _article_id(node: object) -> str:
    return str(node).rstrip("/").rsplit("/", 1)[-1]
