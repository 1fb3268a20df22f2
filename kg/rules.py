"""Fast reasoning: only the OWL RL rules that the ontology's axioms call for, run over indexes.

``kg.reason.infer`` runs owlrl's complete OWL RL closure, which tries every rule on every triple
in rounds until nothing changes; on a few hundred thousand triples that takes minutes. This
module reads the ontology once, compiles each axiom into a rule instance (the superclasses of
every class, the classes a property's domain and range add, inverse pairs, symmetric,
transitive, functional and irreflexive properties, disjoint classes) and applies them in a
single pass plus a worklist for the property rules, which gives the same inferred triples as
owlrl for these rules.

Rules applied (names from the OWL 2 RL profile):

* classes: cax-sco, cax-eqc1/2, scm-sco, scm-eqc1/2, scm-cls, scm-uni, cls-uni, cls-oo,
  cls-nothing2 (members of owl:Nothing), cax-dw and cax-adc (disjoint classes on one node);
* properties: prp-dom, prp-rng, prp-spo1, prp-eqp1/2, prp-inv1/2, prp-symp, prp-trp, prp-fp,
  prp-ifp, prp-irp, prp-asyp;
* equality: eq-ref, eq-sym, eq-trans, eq-rep-s/p/o, eq-diff1;
* datatypes, as owlrl does them: dt-type2, dt-not-type (ill-typed literals), and the
  disjointness of the XML Schema datatypes a graph uses.

An ontology axiom that needs another rule (a restriction, an intersection, a property chain,
a key...) is refused with ``UnsupportedAxiom`` rather than silently ignored: add its rule here
first. The product's own rules (the SPARQL CONSTRUCT queries in ``ontology/rules/``) run after
the closure, as in ``kg.reason``, with Oxigraph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.store import from_ox
from kg.triples import Triple, Triples, graph_triples, reachable

TYPE, SAME_AS, DIFFERENT_FROM, NOTHING = RDF.type, OWL.sameAs, OWL.differentFrom, OWL.Nothing
NOISE_TYPES = frozenset({OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class})

# Vocabulary whose rules are not implemented. None of it is in the ontology today.
UNSUPPORTED_PREDICATES = frozenset(
    {
        OWL.intersectionOf,
        OWL.complementOf,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.hasValue,
        OWL.maxCardinality,
        OWL.maxQualifiedCardinality,
        OWL.hasKey,
        OWL.propertyChainAxiom,
        OWL.propertyDisjointWith,
        OWL.sourceIndividual,
        OWL.distinctMembers,
    }
)
UNSUPPORTED_TYPES = frozenset({OWL.AllDifferent, OWL.AllDisjointProperties})


class UnsupportedAxiom(ValueError):
    """The ontology uses an OWL construct whose rule this reasoner does not apply."""


# ------------------------------------------------------------------------------ the compiled schema


@dataclass
class Schema:
    """The ontology's axioms, compiled into what each rule needs."""

    supers: dict[Node, frozenset[Node]]  # class -> itself and all its superclasses
    domain: dict[Node, frozenset[Node]]  # property -> classes its subjects get (closed upwards)
    range: dict[Node, frozenset[Node]]  # property -> classes its objects get (closed upwards)
    superprops: dict[Node, frozenset[Node]]  # property -> its strict superproperties
    inverse: dict[Node, frozenset[Node]]
    symmetric: frozenset[Node]
    transitive: frozenset[Node]
    functional: frozenset[Node]
    inverse_functional: frozenset[Node]
    irreflexive: frozenset[Node]
    asymmetric: frozenset[Node]
    disjoint: dict[Node, frozenset[Node]]  # class -> classes disjoint with it
    enumerated: list[Triple]  # cls-oo: member rdf:type class
    nothing_types: frozenset[Node]  # the types a member of owl:Nothing gets
    active: frozenset[Node] = field(default=frozenset())  # predicates the property rules read or write

    def types_of(self, cls: Node) -> frozenset[Node]:
        found = self.supers.get(cls)
        return found if found is not None else frozenset((cls,))


def _items(graph: Graph, head: Node) -> list[Node]:
    return list(Collection(graph, head)) if head is not None else []


def compile_schema(graph: Graph) -> Schema:
    """The rule instances for the axioms in ``graph`` (the ontology, plus any schema triples of the data)."""
    for s, p, o in graph:
        if p in UNSUPPORTED_PREDICATES or (p == RDF.type and o in UNSUPPORTED_TYPES):
            raise UnsupportedAxiom(f"no rule for {p} {o} (on {s}); add it to kg.rules")

    sub: dict[Node, set[Node]] = defaultdict(set)
    classes = {s for s in graph.subjects(RDF.type, OWL.Class)} | {OWL.Thing, OWL.Nothing}
    for c, d in graph.subject_objects(RDFS.subClassOf):
        sub[c].add(d)
    for c, d in graph.subject_objects(OWL.equivalentClass):
        sub[c].add(d)
        sub[d].add(c)
    for union, head in graph.subject_objects(OWL.unionOf):
        for member in _items(graph, head):
            sub[member].add(union)
    for c in classes:  # scm-cls
        sub[c].add(OWL.Thing)
        sub[OWL.Nothing].add(c)
    mentioned = set(sub) | {d for ds in sub.values() for d in ds}
    supers = {c: frozenset(reachable(sub, c)) for c in mentioned}

    def up(cs: Iterable[Node]) -> frozenset[Node]:
        out: set[Node] = set()
        for c in cs:
            out |= supers.get(c, {c})
        return frozenset(out)

    subprop: dict[Node, set[Node]] = defaultdict(set)
    for p, q in graph.subject_objects(RDFS.subPropertyOf):
        subprop[p].add(q)
    for p, q in graph.subject_objects(OWL.equivalentProperty):
        subprop[p].add(q)
        subprop[q].add(p)
    superprops = {p: frozenset(reachable(subprop, p) - {p}) for p in list(subprop)}
    superprops = {p: qs for p, qs in superprops.items() if qs}

    domains: dict[Node, set[Node]] = defaultdict(set)
    ranges: dict[Node, set[Node]] = defaultdict(set)
    for p, c in graph.subject_objects(RDFS.domain):
        domains[p].add(c)
    for p, c in graph.subject_objects(RDFS.range):
        ranges[p].add(c)

    inverse: dict[Node, set[Node]] = defaultdict(set)
    for p, q in graph.subject_objects(OWL.inverseOf):
        inverse[p].add(q)
        inverse[q].add(p)

    def typed(kind: Node) -> frozenset[Node]:
        return frozenset(graph.subjects(RDF.type, kind))

    disjoint: dict[Node, set[Node]] = defaultdict(set)
    for c, d in graph.subject_objects(OWL.disjointWith):
        disjoint[c].add(d)
        disjoint[d].add(c)
    for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        for head in graph.objects(group, OWL.members):
            members = _items(graph, head)
            for i, c in enumerate(members):
                for d in members[i + 1 :]:
                    disjoint[c].add(d)
                    disjoint[d].add(c)

    enumerated: list[Triple] = [
        (member, RDF.type, cls) for cls, head in graph.subject_objects(OWL.oneOf) for member in _items(graph, head)
    ]
    schema = Schema(
        supers=supers,
        domain={p: up(cs) for p, cs in domains.items()},
        range={p: up(cs) for p, cs in ranges.items()},
        superprops=superprops,
        inverse={p: frozenset(qs) for p, qs in inverse.items()},
        symmetric=typed(OWL.SymmetricProperty),
        transitive=typed(OWL.TransitiveProperty),
        functional=typed(OWL.FunctionalProperty),
        inverse_functional=typed(OWL.InverseFunctionalProperty),
        irreflexive=typed(OWL.IrreflexiveProperty),
        asymmetric=typed(OWL.AsymmetricProperty),
        disjoint={c: frozenset(ds) for c, ds in disjoint.items()},
        enumerated=enumerated,
        nothing_types=supers[OWL.Nothing],
    )
    active = set(schema.superprops) | set(schema.inverse) | schema.symmetric | schema.transitive
    active |= schema.functional | schema.inverse_functional | schema.irreflexive | schema.asymmetric
    active |= {q for qs in schema.superprops.values() for q in qs}
    active |= {OWL.sameAs, OWL.differentFrom}
    schema.active = frozenset(active)
    return schema


SCHEMA_PREDICATES = frozenset(
    {
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        OWL.inverseOf,
        OWL.unionOf,
        OWL.oneOf,
        OWL.disjointWith,
        OWL.members,
        RDF.first,
        RDF.rest,
    }
    | UNSUPPORTED_PREDICATES
)
SCHEMA_TYPES = frozenset(
    {
        OWL.Class,
        OWL.SymmetricProperty,
        OWL.TransitiveProperty,
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
        OWL.IrreflexiveProperty,
        OWL.AsymmetricProperty,
        OWL.AllDisjointClasses,
    }
    | UNSUPPORTED_TYPES
)


def is_schema_triple(triple: Triple) -> bool:
    _, p, o = triple
    return p in SCHEMA_PREDICATES or (p == RDF.type and o in SCHEMA_TYPES)


@cache
def ontology_triples() -> tuple[Triple, ...]:
    from kg.validate import ontology_graph

    return tuple(ontology_graph())


@cache
def ontology_schema() -> Schema:
    graph = Graph()
    for triple in ontology_triples():
        graph.add(triple)
    return compile_schema(graph)


# ------------------------------------------------------------------------------ datatypes (as owlrl does them)


@cache
def _datatype_tables() -> tuple[frozenset[Node], dict[Node, Any], dict[Node, frozenset[Node]], list[tuple[Node, Node]]]:
    """owlrl's own tables of OWL RL datatypes, their lexical checks, subsumptions and disjointness."""
    from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
    from owlrl.DatatypeHandling import AltXSDToPYTHON
    from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes

    subsumptions = {dt: frozenset(more) for dt, more in OWL_Datatype_Subsumptions.items()}
    pairs = [(a, b) for a, _, b in OWLRL_Datatypes_Disjointness]
    return frozenset(OWL_RL_Datatypes), dict(AltXSDToPYTHON), subsumptions, pairs


# ------------------------------------------------------------------------------ the closure


class _Closure:
    """The working set: the triples of the predicates that property rules touch, indexed both ways."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.out: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        self.into: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        self.todo: list[Triple] = []
        self.same: dict[Node, Node] = {}  # union-find parent for owl:sameAs

    def add(self, s: Node, p: Node, o: Node) -> None:
        objects = self.out[p][s]
        if o not in objects:
            objects.add(o)
            self.into[p][o].add(s)
            self.todo.append((s, p, o))

    def triples(self) -> Iterator[Triple]:
        for p, by_subject in self.out.items():
            for s, objects in by_subject.items():
                for o in objects:
                    yield s, p, o

    def find(self, x: Node) -> Node:
        root = x
        while (up := self.same.get(root, root)) != root:
            root = up
        while x != root:
            nxt = self.same.get(x, x)
            self.same[x] = root
            x = nxt
        return root

    def run(self) -> bool:
        """Apply the property rules until nothing new comes; true if owl:sameAs merged two nodes."""
        sc = self.schema
        merged = False
        while self.todo:
            s, p, o = self.todo.pop()
            for q in sc.superprops.get(p, ()):  # prp-spo1, prp-eqp
                self.add(s, q, o)
            for q in sc.inverse.get(p, ()):  # prp-inv
                self.add(o, q, s)
            if p in sc.symmetric:  # prp-symp
                self.add(o, p, s)
            if p in sc.transitive:  # prp-trp
                for z in list(self.out[p].get(o, ())):
                    self.add(s, p, z)
                for w in list(self.into[p].get(s, ())):
                    self.add(w, p, o)
            if p in sc.functional:  # prp-fp
                for y in list(self.out[p].get(s, ())):
                    if y != o:
                        self.add(o, SAME_AS, y)
            if p in sc.inverse_functional:  # prp-ifp
                for x in list(self.into[p].get(o, ())):
                    if x != s:
                        self.add(s, SAME_AS, x)
            if p == SAME_AS and s != o:
                a, b = self.find(s), self.find(o)
                if a != b:
                    self.same[a] = b
                    merged = True
        return merged

    def classes(self) -> dict[Node, list[Node]]:
        groups: dict[Node, list[Node]] = defaultdict(list)
        for x in list(self.same):
            groups[self.find(x)].append(x)
        for root, members in groups.items():
            if root not in members:
                members.append(root)
        return {x: members for members in groups.values() for x in members}


def _read(asserted: Graph | ox.Store | Triples, graphs: list[str] | None) -> AbstractSet[Triple]:
    if isinstance(asserted, Graph):
        return graph_triples(asserted)
    if not isinstance(asserted, ox.Store):
        return asserted
    names = [ox.NamedNode(g) for g in graphs] if graphs is not None else [None]
    memo: dict[Any, Node] = {}
    return {
        (from_ox(quad.subject, memo), from_ox(quad.predicate, memo), from_ox(quad.object, memo))
        for name in names
        for quad in asserted.quads_for_pattern(None, None, None, name)
    }


class _TypeSets:
    """Each node's set of classes, with identical sets shared (most nodes of a kind have the same types)."""

    def __init__(self) -> None:
        self.of: dict[Node, frozenset[Node]] = {}
        self._joined: dict[tuple[frozenset[Node], frozenset[Node]], frozenset[Node]] = {}

    def add(self, node: Node, classes: frozenset[Node]) -> None:
        old = self.of.get(node)
        if old is None:
            self.of[node] = classes
        elif old is not classes:
            key = (old, classes)
            new = self._joined.get(key)
            if new is None:
                new = old | classes
                new = old if len(new) == len(old) else new
                self._joined[key] = new
            self.of[node] = new


def infer_fast(
    asserted: Graph | ox.Store | Triples, *, base: str, graphs: list[str] | None = None
) -> tuple[Graph, list[str]]:
    """The same inferred triples and clash verdicts as ``kg.reason.infer``, computed rule by rule.

    ``asserted`` is an rdflib graph, a set of triples, or an Oxigraph store (read from the named
    ``graphs``, or from all of it). Returns the entailed triples about the graph's own things (IRIs under ``base``)
    that the asserted graph lacks, and the clashes: sentences, each naming a node where the data
    contradicts the ontology.
    """
    data = _read(asserted, graphs)
    extra = [t for t in data if is_schema_triple(t)]
    if extra:
        schema_graph = Graph()
        for triple in (*ontology_triples(), *extra):
            schema_graph.add(triple)
        schema = compile_schema(schema_graph)
    else:
        schema = ontology_schema()

    def sources() -> Iterator[Triple]:
        yield from ontology_triples()
        yield from data
        yield from schema.enumerated

    closure = _Closure(schema)
    for s, p, o in sources():
        if p in schema.active:
            closure.add(s, p, o)
    full = False  # whether every predicate's triples are in the closure (once owl:sameAs merges nodes)
    while closure.run() or full:
        if not full:
            full = True
            for triple in sources():
                closure.add(*triple)
        _replicate(closure)
        if not closure.todo:
            break  # every triple holds for every node equal to its terms
    equal = closure.classes() if closure.same else {}

    def everything() -> Iterator[Triple]:
        if not full:
            yield from (t for t in sources() if t[1] not in schema.active)
        yield from closure.triples()

    types = _types(everything(), schema, equal)
    found = _clashes(closure, types, schema, everything, equal)
    ruled = _product_rules(everything, types)  # after the closure, as in kg.reason

    inferred = Graph()
    add = inferred.add
    for s, classes in types.of.items():
        if not isinstance(s, URIRef) or not s.startswith(base):
            continue
        for c in classes:
            if c in NOISE_TYPES or isinstance(c, BNode) or (s, TYPE, c) in data:
                continue
            add((s, TYPE, c))
    for s, p, o in (*closure.triples(), *ruled):
        if p == TYPE or not isinstance(s, URIRef) or not s.startswith(base) or isinstance(o, BNode):
            continue  # types are added above
        if (p == SAME_AS and s == o) or (isinstance(o, URIRef) and not o.startswith(base)):
            continue
        if (s, p, o) not in data:
            add((s, p, o))
    return inferred, found


def _types(triples: Iterable[Triple], schema: Schema, equal: dict[Node, list[Node]]) -> _TypeSets:
    """cax-sco over the types, prp-dom and prp-rng, then cls-nothing and eq-rep-s for the types."""
    types = _TypeSets()
    for s, p, o in triples:
        if p == TYPE:
            types.add(s, schema.types_of(o))
            continue
        dom = schema.domain.get(p)
        if dom is not None:
            types.add(s, dom)
        rng = schema.range.get(p)
        if rng is not None:
            types.add(o, rng)
    for node in [n for n, classes in types.of.items() if NOTHING in classes]:
        types.add(node, schema.nothing_types)
    for node, members in equal.items():
        for other in members:
            if other in types.of:
                types.add(node, types.of[other])
    return types


def _replicate(closure: _Closure) -> None:
    """eq-rep-s, eq-rep-p, eq-rep-o: every triple holds for every node equal to its terms."""
    equal = closure.classes()
    for s, p, o in list(closure.triples()):
        for s2 in equal.get(s, (s,)):
            for p2 in equal.get(p, (p,)):
                for o2 in equal.get(o, (o,)):
                    closure.add(s2, p2, o2)
    for x, members in equal.items():
        for y in members:
            closure.add(x, SAME_AS, y)


def _clashes(
    closure: _Closure,
    types: _TypeSets,
    schema: Schema,
    everything: Callable[[], Iterable[Triple]],
    equal: dict[Node, list[Node]],
) -> list[str]:
    found: set[str] = set()
    checked: dict[frozenset[Node], list[tuple[Node, Node]]] = {}
    for node, classes in types.of.items():
        if NOTHING in classes:  # cls-nothing2
            found.add(f"{node} is a member of owl:Nothing")
        pairs = checked.get(classes)
        if pairs is None:  # cax-dw, cax-adc
            pairs = sorted(
                {(c, d) for c in classes for d in schema.disjoint.get(c, ()) if d in classes and str(c) < str(d)}
            )
            checked[classes] = pairs
        for c, d in pairs:
            found.add(f"{node} is both a {c} and a {d}, which are disjoint classes")
    for p in schema.irreflexive:  # prp-irp
        for x, objects in closure.out.get(p, {}).items():
            if x in objects:
                found.add(f"{x} is related to itself by {p}, which is irreflexive")
    for p in schema.asymmetric:  # prp-asyp
        for x, objects in closure.out.get(p, {}).items():
            for y in objects:
                if x in closure.out[p].get(y, ()):
                    found.add(f"{x} and {y} are related both ways by {p}, which is asymmetric")
    for x, objects in closure.out.get(DIFFERENT_FROM, {}).items():  # eq-diff1
        for y in objects:
            if x == y or y in equal.get(x, ()):
                found.add(f"{x} and {y} are said to be both the same and different")
    found |= _literal_clashes(everything, types)
    return sorted(found)


def _literal_clashes(everything: Callable[[], Iterable[Triple]], types: _TypeSets) -> set[str]:
    """dt-not-type, and literals given two disjoint datatypes (their own and a property's range)."""
    rl_types, parse, subsumptions, pairs = _datatype_tables()
    found: set[str] = set()
    own: dict[Node, frozenset[Node]] = {}
    used: set[Node] = set()
    for _, p, o in everything():
        if isinstance(o, Literal):
            if o.datatype in rl_types and o not in own:
                dt = o.datatype
                own[o] = frozenset({dt}) | subsumptions.get(dt, frozenset())
                used |= own[o]
                try:
                    parse.get(dt, str)(str(o))
                except ValueError:
                    found.add(f"the literal {o!r} is not a valid {dt}")
        elif p == TYPE and o in rl_types:
            used.add(o)
            used |= subsumptions.get(o, frozenset())
    active = [(a, b) for a, b in pairs if a in used and b in used]
    if not active:
        return found
    for node in set(types.of) | set(own):
        all_types = types.of.get(node, frozenset()) | own.get(node, frozenset())
        for a, b in active:
            if a in all_types and b in all_types:
                found.add(f"{node} is both a {a} and a {b}, which are disjoint datatypes")
    return found


def _rule_predicates(query: str) -> set[Node] | None:
    """The predicates a rule's WHERE clause reads, or None if it reads any (a variable or a path)."""
    from rdflib.plugins.sparql import prepareQuery

    predicates: set[Node] = set()
    todo: list[Any] = [prepareQuery(query).algebra.get("p")]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            if getattr(node, "name", None) == "BGP":
                for _, p, _ in node["triples"]:
                    if not isinstance(p, URIRef):
                        return None
                    predicates.add(p)
            todo.extend(node.values())
        elif isinstance(node, list | tuple):
            todo.extend(node)
    return predicates


def _product_rules(everything: Callable[[], Iterable[Triple]], types: _TypeSets) -> list[Triple]:
    """The CONSTRUCT queries of ``ontology/rules/``, run by Oxigraph over the closed graph.

    Only the triples of the predicates the queries read are loaded.
    """
    from kg.reason import rule_queries
    from kg.store import to_ox, to_rdflib

    queries = rule_queries()
    if not queries:
        return []
    wanted: set[Node] | None = set()
    for _, query in queries:
        read = _rule_predicates(query)
        wanted = None if read is None or wanted is None else wanted | read
    memo: dict[Node, Any] = {}

    def ox_term(term: Node) -> Any:
        found = memo.get(term)
        if found is None:
            found = memo[term] = to_ox(term)
        return found

    quads = [
        ox.Quad(ox_term(s), ox_term(p), ox_term(o))
        for s, p, o in everything()
        if p != TYPE and (wanted is None or p in wanted) and not isinstance(s, Literal)
    ]
    if wanted is None or TYPE in wanted:
        rdf_type = ox_term(TYPE)
        quads.extend(
            ox.Quad(ox_term(s), rdf_type, ox_term(c))
            for s, classes in types.of.items()
            if not isinstance(s, Literal)
            for c in classes
        )
    store = ox.Store()
    store.extend(quads)
    out: list[Triple] = []
    for _, query in queries:
        for t in store.query(query):  # type: ignore[union-attr]
            out.append((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return out
