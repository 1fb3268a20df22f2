"""Reasoning over what a change can affect, instead of over the whole graph.

Adding a hundred articles to a store of a million triples and reasoning over all of it again takes
seconds, yet the rules of ``kg.rules`` are local: a node's types come from its own triples, a
property rule relates the two ends of a triple, a transitive property follows chains, and a product
rule joins a few nodes through a few predicates. So the nodes whose inferred triples a change can
alter are found by following those rules out from the changed triples (in the old graph and the new
one), and their inferred triples are computed afresh from the triples around them. This replaces
delete-and-rederive: the caller drops every inferred triple about ``subjects`` and adds ``inferred``.

Everything is derived from the compiled schema and the rule queries. Where the result could depend on
triples far from the change (schema triples, owl:sameAs, a rule that joins through a transitive
property or reads more than a join of triple patterns, too much to read), the answer is None: reason
over the whole graph. The graph is taken to have no schema triples of its own and no owl:sameAs in its
closure (a store that has either reasons whole); equalities are looked for only near the change.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache
from typing import Any

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.term import Node

from kg.reason import rule_queries
from kg.rules import NOISE_TYPES, SAME_AS, TYPE, Schema, _Closure, infer_fast, is_schema_triple, ontology_schema
from kg.triples import Neighbourhood, Triple, TripleIndex, Triples

Step = tuple[Node, bool]  # a predicate a triple yields, and whether the yielded triple runs the other way


@dataclass(frozen=True)
class Rederivation:
    """The nodes a change affects, every inferred triple of the new graph about them, and the clashes seen."""

    subjects: frozenset[Node]
    inferred: frozenset[Triple]
    clashes: tuple[str, ...]


class _Whole(Exception):
    """The change needs whole-graph reasoning."""


@dataclass(frozen=True)
class _Rule:
    """A product rule as a join: its triple patterns (with variables) and the variables its triples are about."""

    patterns: tuple[Triple, ...]
    heads: frozenset[Node]


@dataclass(frozen=True)
class _Plan:
    """What each rule of the schema and each product rule needs, read off once."""

    schema: Schema
    yields: dict[Node, frozenset[Step]]  # predicate -> what its triples give by prp-spo1, prp-inv, prp-symp
    makers: dict[Node, tuple[frozenset[Node], frozenset[Node]]]  # predicate -> who gives it forwards, reversed
    rules: tuple[_Rule, ...]
    read_by_rules: frozenset[Node]

    def steps(self, p: Node) -> frozenset[Step]:
        return self.yields.get(p, frozenset({(p, False)}))

    def made_by(self, q: Node) -> tuple[frozenset[Node], frozenset[Node]]:
        return self.makers.get(q, (frozenset({q}), frozenset()))

    def reversible(self, q: Node) -> bool:
        """Whether a q triple gives a triple about its object (an inverse, a symmetric property)."""
        return any(back for _, back in self.steps(q))


def _is_var(term: Node) -> bool:
    return isinstance(term, Variable | BNode)


def _visible(classes: Iterable[Node]) -> bool:
    """Whether any of the classes would be an inferred rdf:type (the others are filtered out)."""
    return any(c not in NOISE_TYPES and not isinstance(c, BNode) for c in classes)


def _yields(schema: Schema, p: Node) -> frozenset[Step]:
    """The predicates a p triple gives by prp-spo1, prp-eqp, prp-inv and prp-symp, and which run the other way."""
    seen, todo = {(p, False)}, [(p, False)]
    while todo:
        q, back = todo.pop()
        nxt = [(r, back) for r in schema.superprops.get(q, ())] + [(r, not back) for r in schema.inverse.get(q, ())]
        if q in schema.symmetric:
            nxt.append((q, not back))
        for step in nxt:
            if step not in seen:
                seen.add(step)
                todo.append(step)
    return frozenset(seen)


def _patterns(node: Any) -> list[Triple] | None:
    """The triple patterns of a WHERE clause that is a join of them (with filters), else None."""
    name = getattr(node, "name", None)
    if name == "BGP":
        return list(node["triples"])
    if name in ("Project", "Distinct", "Reduced"):
        return _patterns(node["p"])
    if name == "Filter":
        return None if _has_exists(node["expr"]) else _patterns(node["p"])
    if name == "Join":
        left, right = _patterns(node["p1"]), _patterns(node["p2"])
        return None if left is None or right is None else left + right
    return None


def _has_exists(expr: Any) -> bool:
    if getattr(expr, "name", None) in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
        return True
    if isinstance(expr, dict):
        return any(_has_exists(v) for v in expr.values())
    if isinstance(expr, list | tuple):
        return any(_has_exists(v) for v in expr)
    return False


def _rule(query: str, yields: dict[Node, frozenset[Step]], transitive: frozenset[Node]) -> _Rule | None:
    """The rule as a join that can be followed from any of its matches' nodes, or None if it cannot."""
    from rdflib.plugins.sparql import prepareQuery

    algebra = prepareQuery(query).algebra
    patterns = _patterns(algebra.get("p"))
    if not patterns or algebra.name != "ConstructQuery":
        return None
    heads = {s for s, _, _ in algebra["template"] if not isinstance(s, BNode)}  # a blank subject is never output
    variables = {t for s, _, o in patterns for t in (s, o) if _is_var(t)}
    if not all(_is_var(h) and h in variables for h in heads):
        return None
    edges: dict[Node, set[Node]] = {v: set() for v in variables}
    for s, p, o in patterns:
        if not isinstance(p, URIRef) or not (_is_var(s) or _is_var(o)):
            return None
        if p == TYPE and (not _is_var(s) or _is_var(o)):
            return None  # a class variable would join every member of a class
        if any(p == q for t in transitive for q, _ in yields.get(t, {(t, False)})):
            return None  # matches through chains: not local
        if _is_var(s) and _is_var(o):
            edges[s].add(o)
            edges[o].add(s)
    start = next(iter(variables))
    seen, todo = {start}, [start]
    while todo:
        for v in edges[todo.pop()] - seen:
            seen.add(v)
            todo.append(v)
    return _Rule(tuple(patterns), frozenset(heads)) if seen == variables else None


@cache
def _plan(queries: tuple[str, ...]) -> _Plan | None:
    """The plan for the ontology and these rules, or None if some change could reach far."""
    schema = ontology_schema()
    known = set(schema.superprops) | set(schema.inverse) | schema.symmetric | schema.transitive
    yields = {p: _yields(schema, p) for p in known}
    equalities = schema.functional | schema.inverse_functional | {SAME_AS}
    if any(q in equalities for t in schema.transitive for q, _ in yields[t]):
        return None  # equalities from chains
    forwards: dict[Node, set[Node]] = {}
    backwards: dict[Node, set[Node]] = {}
    for p, steps in yields.items():
        for q, back in steps:
            (backwards if back else forwards).setdefault(q, set()).add(p)
    makers = {q: (frozenset(forwards.get(q, {q})), frozenset(backwards.get(q, ()))) for q in forwards | backwards}
    rules = [_rule(query, yields, schema.transitive) for query in queries]
    if any(rule is None for rule in rules):
        return None
    kept = tuple(rule for rule in rules if rule is not None)
    read = frozenset(p for rule in kept for _, p, _ in rule.patterns)
    return _Plan(schema, yields, makers, kept, read)


class _Reader:
    """The triples around nodes, read once each from the new graph; the old graph adds the removed triples."""

    def __init__(self, data: Neighbourhood, removed: Triples, limit: int) -> None:
        self.data, self.limit = data, limit
        self.removed = TripleIndex(removed)
        self.out: dict[Node, set[Triple]] = {}
        self.into: dict[Node, set[Triple]] = {}
        self.nodes: set[Node] = set()
        self.count = 0

    def read(self, nodes: Iterable[Node], *, out: bool = True, into: bool = True) -> None:
        nodes = set(nodes)
        reads = ((out, self.out, self.data.outgoing, 0), (into, self.into, self.data.incoming, 2))
        for wanted, cache_, fetch, end in reads:
            # a literal is never a subject; its incoming triples are read only where a join or a key needs them
            todo = [n for n in nodes if n not in cache_ and not (end == 0 and isinstance(n, Literal))] if wanted else []
            if not todo:
                continue
            for n in todo:
                cache_[n] = set()
            self.nodes.update(todo)
            found = fetch(todo)
            for triple in found:
                cache_[triple[end]].add(triple)
            self.count += len(found)
        if self.count > self.limit or len(self.nodes) > self.limit:
            raise _Whole

    def outgoing(self, node: Node, old: bool) -> set[Triple]:
        found = self.out.get(node, set())
        return found | self.removed.by_subject.get(node, set()) if old else found

    def incoming(self, node: Node, old: bool) -> set[Triple]:
        found = self.into.get(node, set())
        return found | self.removed.by_object.get(node, set()) if old else found


def _step(
    reader: _Reader, nodes: set[Node], out_preds: AbstractSet[Node], in_preds: AbstractSet[Node], old: bool
) -> tuple[set[Node], set[Triple]]:
    """The nodes one link away from ``nodes`` (out along ``out_preds``, in along ``in_preds``), and the links."""
    reader.read(nodes, out=bool(out_preds), into=bool(in_preds))
    reached: set[Node] = set()
    links: set[Triple] = set()
    for n in nodes:
        for t in reader.outgoing(n, old):
            if t[1] in out_preds:
                links.add(t)
                reached.add(t[2])
        for t in reader.incoming(n, old):
            if t[1] in in_preds:
                links.add(t)
                reached.add(t[0])
    return reached, links


def _chain(
    plan: _Plan, reader: _Reader, q: Node, starts: set[Node], *, forward: bool, old: bool
) -> tuple[set[Node], set[Triple]]:
    """The nodes ``starts`` reach along the links of transitive ``q`` (forwards or backwards), and the links."""
    ahead, behind = plan.made_by(q)
    out_preds, in_preds = (ahead, behind) if forward else (behind, ahead)
    seen, frontier, links = set(starts), set(starts), set()
    while frontier:
        reached, found = _step(reader, frontier, out_preds, in_preds, old)
        links |= found
        frontier = reached - seen
        seen |= frontier
    return seen, links


def _match(
    plan: _Plan, reader: _Reader, pattern: Triple, var: Node, nodes: set[Node], old: bool
) -> tuple[set[Node], set[Triple]]:
    """The values the pattern's other end takes where ``var`` is one of ``nodes``, and the triples that say so."""
    s, p, o = pattern
    if p == TYPE:  # a node's types come from all its triples; a literal's are not read by rules
        nodes = {n for n in nodes if not isinstance(n, Literal)}
        reader.read(nodes)
        return set(), {t for n in nodes for t in reader.outgoing(n, old) | reader.incoming(n, old)}
    ahead, behind = plan.made_by(p)
    out_preds: set[Node] = set()
    in_preds: set[Node] = set()
    if s == var:
        out_preds |= ahead
        in_preds |= behind
    if o == var:
        out_preds |= behind
        in_preds |= ahead
    return _step(reader, nodes, out_preds, in_preds, old)


def _join(
    plan: _Plan, reader: _Reader, rule: _Rule, start: dict[Node, set[Node]], *, old: bool
) -> tuple[dict[Node, set[Node]], set[Triple]]:
    """Every value each variable can take in a match of the rule that agrees with ``start`` (a superset: the
    patterns are followed from the bound variables outwards), and the triples read on the way."""
    bound = {v: set(nodes) for v, nodes in start.items()}
    came_by: dict[Node, int | None] = dict.fromkeys(start)
    queue = deque(start)
    used: set[Triple] = set()
    while queue:
        var = queue.popleft()
        for i, pattern in enumerate(rule.patterns):
            if var not in (pattern[0], pattern[2]) or came_by[var] == i:
                continue  # the pattern var was reached by was read from the other end
            values, triples = _match(plan, reader, pattern, var, bound[var], old)
            used |= triples
            for other in (pattern[0], pattern[2]):
                if _is_var(other) and other not in bound:
                    bound[other], came_by[other] = values, i
                    queue.append(other)
    return bound, used


def _affected(plan: _Plan, reader: _Reader, changed: Triples, added: Triples) -> set[Node]:
    """The nodes whose inferred triples the changed triples can alter, in the old graph or the new one."""
    sc = plan.schema
    nodes: set[Node] = set()
    check: set[Node] = set()  # where an equality could arise
    upstream: dict[Node, set[Node]] = {}
    downstream: dict[Node, set[Node]] = {}
    seeds: list[Triple] = []  # changed triples a rule can read
    typed: set[Node] = set()  # nodes whose types can change
    for s, p, o in changed:
        for q, back in plan.steps(p):  # the changed triple itself is among them
            if q == SAME_AS:
                raise _Whole
            a, b = (o, s) if back else (s, o)  # the triple yielded is (a, q, b)
            nodes.add(a)  # its triples, and so what is inferred but not asserted, change
            if _visible(sc.range.get(q, ())):
                nodes.add(b)
            if q in sc.functional:
                check.add(a)
            if q in sc.inverse_functional:
                check.add(b)
            if q in sc.transitive:  # every chain through a -> b
                upstream.setdefault(q, set()).add(a)
                if plan.reversible(q):
                    downstream.setdefault(q, set()).add(b)
            if q in plan.read_by_rules:
                seeds.append((a, q, b))
            if q == TYPE or q in sc.domain:
                typed.add(a)
            if q in sc.range and not isinstance(b, Literal):
                typed.add(b)
    reader.read(check)
    subjects = {s for s, _, _ in changed}
    for old in (False, True):  # each graph on its own: a value replaced is not a second value
        around = {t for n in check for t in reader.outgoing(n, old) | reader.incoming(n, old)}
        around |= _equality_triples(plan, reader, subjects, old)
        if _merges(sc, around - added if old else around):
            raise _Whole
    for q, starts in upstream.items():
        nodes |= _chain(plan, reader, q, starts, forward=False, old=True)[0]
    for q, starts in downstream.items():
        nodes |= _chain(plan, reader, q, starts, forward=True, old=True)[0]
    for rule in plan.rules:
        for s_pat, p_pat, o_pat in rule.patterns:
            start: dict[Node, set[Node]] = {s_pat: set(typed)} if p_pat == TYPE and typed else {}
            for a, q, b in seeds:
                if q != p_pat or (s_pat == o_pat and a != b):
                    continue
                if (_is_var(s_pat) or s_pat == a) and (_is_var(o_pat) or o_pat == b):
                    for var, n in ((s_pat, a), (o_pat, b)):
                        if _is_var(var):
                            start.setdefault(var, set()).add(n)
            if start:
                bound, _ = _join(plan, reader, rule, start, old=True)
                nodes |= {n for head in rule.heads for n in bound.get(head, ())}
    return nodes


def _support(plan: _Plan, reader: _Reader, nodes: set[Node]) -> set[Triple]:
    """The triples of the new graph that every inferred triple about ``nodes`` is derived from, and those that
    would make one of them the same as another node."""
    reader.read(nodes)
    found = {t for n in nodes for t in reader.outgoing(n, False) | reader.incoming(n, False)}
    for q in plan.schema.transitive:
        found |= _chain(plan, reader, q, nodes, forward=True, old=False)[1]
        if plan.reversible(q):
            found |= _chain(plan, reader, q, nodes, forward=False, old=False)[1]
    for rule in plan.rules:
        for head in rule.heads:
            found |= _join(plan, reader, rule, {head: set(nodes)}, old=False)[1]
    return found | _equality_triples(plan, reader, nodes, False)


def _equality_triples(plan: _Plan, reader: _Reader, nodes: set[Node], old: bool) -> set[Triple]:
    """The triples that would make one of ``nodes`` the same as another node: for a functional property, every
    value of the nodes pointing at it; for an inverse-functional one, every node pointing at its values."""
    x, y, z = Variable("x"), Variable("y"), Variable("z")
    found: set[Triple] = set()
    for q in plan.schema.functional:
        ends, triples = _match(plan, reader, (z, q, x), x, nodes, old)
        found |= triples | _match(plan, reader, (z, q, y), z, ends, old)[1]
    for q in plan.schema.inverse_functional:
        ends, triples = _match(plan, reader, (x, q, z), x, nodes, old)
        found |= triples | _match(plan, reader, (y, q, z), z, ends, old)[1]
    return found


def _merges(schema: Schema, triples: Iterable[Triple]) -> bool:
    """Whether the property rules over these triples make two nodes owl:sameAs."""
    closure = _Closure(schema)
    for s, p, o in triples:
        if p in schema.active:
            closure.add(s, p, o)
    return closure.run()


def _support_of_additions(plan: _Plan, reader: _Reader, added: Triples) -> set[Triple]:
    """The added triples and the triples of the new graph that a derivation using one of them can also use.

    An added triple only adds derivations (the rules are monotonic): its types, what it yields by
    the property rules, the chains through it, and the matches of product rules that contain it. A
    match is followed from the node the yielded triple is about (its subject), so that adding a
    meeting with a well-known state reads the meeting, not every meeting of the state.
    """
    support = set(added)
    yielded = {((o, q, s) if back else (s, q, o)) for s, p, o in added for q, back in plan.steps(p)}
    for a, q, b in yielded:
        if q == SAME_AS:
            raise _Whole
        if q in plan.schema.transitive:
            support |= _chain(plan, reader, q, {a}, forward=False, old=False)[1]
            support |= _chain(plan, reader, q, {b}, forward=True, old=False)[1]
    for rule in plan.rules:
        for s_pat, p_pat, o_pat in rule.patterns:
            for a, q, b in yielded:
                if q != p_pat or (s_pat == o_pat and a != b):
                    continue
                if (_is_var(s_pat) or s_pat == a) and (_is_var(o_pat) or o_pat == b):
                    var, node = (s_pat, a) if _is_var(s_pat) else (o_pat, b)
                    support |= _join(plan, reader, rule, {var: {node}}, old=False)[1]
    return support


def infer_additions(data: Neighbourhood, added: Triples, *, base: str, limit: int = 50_000) -> frozenset[Triple] | None:
    """What adding ``added`` to the graph ``data`` holds (it holds them already) lets reasoning infer anew.

    Semi-naive: only derivations that use an added triple can be new, so reasoning runs over the
    added triples and what such derivations can join them with. The answer may repeat inferred
    triples the graph had before; none is asserted in ``data``. None when it needs the whole graph
    (as :func:`infer_changes`).
    """
    plan = _plan(tuple(query for _, query in rule_queries()))
    if plan is None or any(is_schema_triple(t) or t[1] == SAME_AS for t in added):
        return None
    reader = _Reader(data, frozenset(), limit)
    try:
        support = _support_of_additions(plan, reader, added)
        # a functional property's other values at the subject, an inverse-functional one's other subjects
        sc = plan.schema
        check = {(o if back else s) for s, p, o in added for q, back in plan.steps(p) if q in sc.functional}
        check |= {(s if back else o) for s, p, o in added for q, back in plan.steps(p) if q in sc.inverse_functional}
        reader.read(check)
        around = {t for n in check for t in reader.outgoing(n, False) | reader.incoming(n, False)}
        if _merges(sc, support | around):
            return None
    except _Whole:
        return None
    inferred, _clashes = infer_fast(support, base=base)
    candidates = {t for t in inferred if isinstance(t[0], URIRef) and t[0].startswith(base)}
    return frozenset(candidates - data.holding(candidates))


def infer_changes(
    data: Neighbourhood,
    added: Triples,
    removed: Triples,
    *,
    base: str,
    limit: int = 50_000,
    recompute: Triples | None = None,
) -> Rederivation | None:
    """What reasoning gives about the nodes a change affects, read from the new graph's neighbourhood.

    ``data`` holds the graph after the change. With the old graph's inferred triples I and the
    result R, the new graph's are ``{t in I : t[0] not in R.subjects} | R.inferred``. None when the
    change needs whole-graph reasoning: schema triples or owl:sameAs in it, an equality arising near
    it, rules that cannot be followed locally, or more than ``limit`` nodes or triples to read.

    ``recompute``: the changed triples whose nodes are recomputed (all of them unless given): the
    removed ones, when :func:`infer_additions` takes care of the added ones.
    """
    plan = _plan(tuple(query for _, query in rule_queries()))
    changed = set(added) | set(removed) if recompute is None else set(recompute)
    if plan is None or any(is_schema_triple(t) or t[1] == SAME_AS for t in changed):
        return None
    reader = _Reader(data, removed, limit)
    try:
        nodes = _affected(plan, reader, changed, added)
        subjects: set[Node] = {n for n in nodes if isinstance(n, URIRef) and n.startswith(base)}
        subgraph = _support(plan, reader, subjects)
    except _Whole:
        return None
    if any(is_schema_triple(t) for t in subgraph) or _merges(plan.schema, subgraph):
        return None
    inferred, clashes = infer_fast(subgraph, base=base)
    return Rederivation(frozenset(subjects), frozenset(t for t in inferred if t[0] in subjects), tuple(clashes))
