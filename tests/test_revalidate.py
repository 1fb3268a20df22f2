"""Validating only what a change can affect gives the verdicts of validating the whole graph: for articles
added and removed, for seeded faults whose violation lies away from the changed triples, and for random
damage; and it gives up (None) when the change is too large or the shapes read too far."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kg.build import BuildResult, assemble, build
from kg.revalidate import Revalidation, _deep, deep_predicates, validate_changes
from kg.shacl_sparql import compile_shapes, validate_fast
from kg.triples import Triple, TripleIndex
from kg.validate import Violation

CTKG = Namespace("https://w3id.org/ctkg/ontology#")
ONE = Literal("1", datatype=URIRef("http://www.w3.org/2001/XMLSchema#positiveInteger"))

Triples = frozenset[Triple]


@cache
def _cases() -> BuildResult:
    result = build(["tests/cases"])
    assert result.report is not None and result.report.conforms
    return result


@pytest.fixture(scope="module")
def built() -> BuildResult:
    return _cases()


@pytest.fixture(scope="module")
def graph(built: BuildResult) -> Triples:
    return built.triples()


def full(triples: Triples) -> tuple[Violation, ...]:
    return validate_fast(set(triples)).violations


def plain(violations: Iterable[Violation], graph: Triples) -> list[Violation]:
    """The violations with the sentence quoted left out, once it is checked to be one of the focus node's.

    A node may have several ``ctkg:evidence`` sentences, and validate_fast quotes any one of them.
    """
    said: dict[str, set[str]] = {}
    for s, p, o in graph:
        if p == CTKG.evidence:
            said.setdefault(str(s), set()).add(str(o))
    for v in violations:
        assert v.evidence in said.get(v.focus, {None}), v
    return [replace(v, evidence=None) for v in violations]


def assert_contract(before: Triples, after: Triples) -> Revalidation:
    """full(after) == the violations of full(before) the result does not cover, plus the incremental report."""
    added, removed = after - before, before - after
    result = validate_changes(TripleIndex(after), added, removed)
    assert result is not None
    violations = result.report.violations
    assert all(result.covers(v) for v in violations)
    assert result.report.conforms == (not violations)
    assert list(violations) == sorted(violations, key=lambda v: (v.focus, v.message))
    kept = [v for v in full(before) if not result.covers(v)]
    # a verdict kept from before names the articles of before: the change may have added one (a mention)
    assert Counter(verdicts(full(after), after)) == Counter(verdicts(kept, before) + verdicts(violations, after))
    assert set(plain(violations, after)) <= set(plain(full(after), after))
    return result


def verdicts(violations: Iterable[Violation], graph: Triples) -> list[Violation]:
    return [replace(v, articles=()) for v in plain(violations, graph)]


def _without(built: BuildResult, dropped: set[str]) -> Triples:
    """The graph the build would give without the dropped articles, their entities left out too."""
    _linked, graphs, entities = assemble([e for e in built.extractions if e.article.id not in dropped])
    return frozenset().union(*graphs.values(), entities)


# ------------------------------------------------------------------------------ articles added and removed


@pytest.mark.parametrize("position", [0, 5, 11, 17, 23])
def test_adding_one_article(built: BuildResult, graph: Triples, position: int) -> None:
    article = sorted(built.article_graphs)[position]
    before = _without(built, {article})
    assert before != graph
    result = assert_contract(before, graph)
    assert result.report.conforms
    assert len(result.focus) < len({s for s, _p, _o in graph}) / 2


@pytest.mark.parametrize("position", [0, 5, 11, 17, 23])
def test_removing_one_article(built: BuildResult, graph: Triples, position: int) -> None:
    article = sorted(built.article_graphs)[position]
    assert_contract(graph, _without(built, {article}))


def test_adding_and_removing_several_articles(built: BuildResult, graph: Triples) -> None:
    articles = sorted(built.article_graphs)
    some = _without(built, set(articles[::3]))
    others = _without(built, set(articles[1::3]))
    assert_contract(some, graph)
    assert_contract(graph, some)
    assert_contract(some, others)


# ------------------------------------------------------------------------------ seeded faults


def _with(triples: Triples, p: URIRef) -> list[Triple]:
    return sorted((t for t in triples if t[1] == p), key=str)


def _typed(triples: Triples, cls: URIRef) -> list[Node]:
    return sorted((s for s, p, o in triples if p == RDF.type and o == cls), key=str)


Change = tuple[Triples, Triples, Node]  # before, after, and a node that must be reported after
Fault = Callable[[Triples], Change]


def second_state(g: Triples) -> Change:
    official, _p, state = _with(g, CTKG.represents)[0]
    other = next(s for s in _typed(g, CTKG.State) if s != state)
    return g, g | {(official, CTKG.represents, other)}, official


def _led_by_representative(g: Triples) -> list[tuple[Node, Node, Node]]:
    """(meeting, official, state): the official leads the meeting's delegation and represents a state taking part."""
    return [
        (m, o, s)
        for m, _p, o in _with(g, CTKG.headOfDelegation)
        for _o, _q, s in _with(g, CTKG.represents)
        if _o == o and (m, CTKG.participant, s) in g
    ]


def head_of_delegation_changes_state(g: Triples) -> Change:
    """The change is on the official; the violation is on the meeting they lead."""
    for meeting, official, state in _led_by_representative(g):
        others = [s for s in _typed(g, CTKG.State) if (meeting, CTKG.participant, s) not in g]
        damaged = (g - {(official, CTKG.represents, state)}) | {(official, CTKG.represents, others[0])}
        if any(v.focus == str(meeting) for v in full(damaged)):
            return g, damaged, meeting
    raise AssertionError("no meeting led by a representative of a state taking part")


def participant_removed(g: Triples) -> Change:
    for meeting, _official, state in _led_by_representative(g):
        damaged = g - {(meeting, CTKG.participant, state)}
        if any(v.focus == str(meeting) for v in full(damaged)):
            return g, damaged, meeting
    raise AssertionError("no participant whose removal breaks a rule")


def _led_through_body(g: Triples) -> tuple[Triples, Node, Triple]:
    """A conforming graph where a head of delegation counts as a party's only through the body they work
    for (their own state is left out), the meeting, and the body's ``partOf`` triple that makes it count."""
    leads = {o: m for m, _p, o in _with(g, CTKG.headOfDelegation)}
    for official, _p, body in _with(g, CTKG.worksFor):
        meeting = leads.get(official)
        for part in (t for t in _with(g, CTKG.partOf) if t[0] == body and meeting is not None):
            unrepresented = g - {t for t in _with(g, CTKG.represents) if t[0] == official}
            if meeting is not None and not full(unrepresented) and full(unrepresented - {part}):
                return unrepresented, meeting, part
    raise AssertionError("no head of delegation working for a body that is part of a state")


def _elsewhere(g: Triples, meeting: Node) -> Node:
    return next(s for s in _typed(g, CTKG.State) if (meeting, CTKG.participant, s) not in g)


def body_moved(g: Triples) -> Change:
    """Two deep hops away from the meeting: the body its head of delegation works for moves to another state."""
    before, meeting, (body, part_of, party) = _led_through_body(g)
    return before, (before - {(body, part_of, party)}) | {(body, part_of, _elsewhere(g, meeting))}, meeting


def body_in_a_chain_moved(g: Triples) -> Change:
    """Three deep hops: the body is part of another body, which moves to another state."""
    unrepresented, meeting, (body, part_of, party) = _led_through_body(g)
    middle = URIRef(str(body) + "-division")
    chain = {
        (middle, RDF.type, CTKG.GovernmentBody),
        (middle, RDFS.label, Literal("Division", lang="en")),
        (body, part_of, middle),
        (middle, part_of, party),
    }
    before = (unrepresented - {(body, part_of, party)}) | chain
    return before, (before - {(middle, part_of, party)}) | {(middle, part_of, _elsewhere(g, meeting))}, meeting


def next_meeting_lower(g: Triples) -> Change:
    """The next meeting's ordinal drops: the violation is on the meeting before it."""
    for meeting, _p, following in _with(g, CTKG.nextMeeting):
        if (meeting, CTKG.ordinal, ONE) in g:
            continue
        old = {t for t in _with(g, CTKG.ordinal) if t[0] == following}
        if old:
            return g, (g - old) | {(following, CTKG.ordinal, ONE)}, meeting
    raise AssertionError("no next meeting with an ordinal")


def next_meeting_points_back(g: Triples) -> Change:
    meeting, _p, following = _with(g, CTKG.nextMeeting)[0]
    return g, g | {(following, CTKG.nextMeeting, meeting)}, following


def value_node_retyped(g: Triples) -> Change:
    """A state taking part in meetings becomes a place: the meetings break sh:class."""
    meeting, _p, state = _with(g, CTKG.participant)[0]
    return g, (g - {(state, RDF.type, CTKG.State)}) | {(state, RDF.type, CTKG.Place)}, meeting


def official_untyped(g: Triples) -> Change:
    meeting, _p, official = _with(g, CTKG.headOfDelegation)[0]
    return g, g - {(official, RDF.type, CTKG.Official)}, meeting


def class_hierarchy_changed(g: Triples) -> Change:
    """Only the class hierarchy in the data changes: a participant's class stops being a kind of state."""
    meeting, _p, state = _with(g, CTKG.participant)[0]
    odd = URIRef("https://w3id.org/ctkg/ontology#OddState")
    before = (g - {(state, RDF.type, CTKG.State)}) | {(state, RDF.type, odd), (odd, RDFS.subClassOf, CTKG.State)}
    return before, (before - {(odd, RDFS.subClassOf, CTKG.State)}) | {(odd, RDFS.subClassOf, CTKG.Place)}, meeting


FAULTS: list[Fault] = [
    second_state,
    head_of_delegation_changes_state,
    participant_removed,
    body_moved,
    body_in_a_chain_moved,
    next_meeting_lower,
    next_meeting_points_back,
    value_node_retyped,
    official_untyped,
]


def test_a_change_to_the_class_hierarchy_checks_the_whole_graph(graph: Triples) -> None:
    before, after, _node = class_hierarchy_changed(graph)
    assert validate_changes(TripleIndex(after), after - before, before - after) is None


@pytest.mark.parametrize("fault", FAULTS, ids=[f.__name__ for f in FAULTS])
def test_seeded_fault_is_found(graph: Triples, fault: Fault) -> None:
    before, damaged, node = fault(graph)
    assert not full(before)
    result = assert_contract(before, damaged)
    assert not result.report.conforms
    assert str(node) in {v.focus for v in result.report.violations}
    expected = [v for v in full(damaged) if result.covers(v)]
    assert plain(result.report.violations, damaged) == plain(expected, damaged)


@pytest.mark.parametrize("fault", FAULTS, ids=[f.__name__ for f in FAULTS])
def test_repairing_a_seeded_fault(graph: Triples, fault: Fault) -> None:
    before, damaged, node = fault(graph)
    result = assert_contract(damaged, before)
    assert node in result.focus
    assert result.report.conforms


def test_a_meeting_changed_itself_is_checked_over_the_whole_chain_of_bodies(graph: Triples) -> None:
    """Nothing on the chain changes, so only reading forward from the meeting to a fixpoint finds its parties.

    (A count of named parties is read by a SPARQL constraint, so the meeting is checked whole.)"""
    before, damaged, meeting = body_in_a_chain_moved(graph)
    counted = (
        meeting,
        CTKG.namedParties,
        Literal("5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")),
    )
    assert not any(s == meeting and p == CTKG.namedParties for s, p, _o in damaged)
    result = assert_contract(before, before | {counted})
    assert result.report.conforms and str(meeting) in result.whole
    result = assert_contract(damaged, damaged | {counted})
    assert str(meeting) in {v.focus for v in result.report.violations}


def test_a_value_added_to_a_node_named_everywhere_is_checked_on_its_own(graph: Triples) -> None:
    """A new article naming a state adds one ``ctkg:mentionedIn`` to it: that value is checked, and
    with the graph known to conform nothing else about the state is read."""
    states = sorted(s for s, p, o in graph if p == RDF.type and o == CTKG.State)
    articles = sorted(s for s, p, o in graph if p == RDF.type and o == CTKG.Article)
    state, article = next((s, a) for s in states for a in articles if (s, CTKG.mentionedIn, a) not in graph)
    added = {(state, CTKG.mentionedIn, article)}
    result = validate_changes(TripleIndex(graph | added), added, set(), conforming=True)
    assert result is not None and result.report.conforms
    assert not result.whole and not result.counts
    assert result.values == {(str(state), str(CTKG.mentionedIn), str(article))}
    wrong = {(state, CTKG.mentionedIn, state)}
    result = validate_changes(TripleIndex(graph | wrong), wrong, set(), conforming=True)
    assert result is not None and [v.value for v in result.report.violations] == [str(state)]


# ------------------------------------------------------------------------------ random damage

Operation = tuple[str, int, int, int]


def _damage(graph: Triples, operations: list[Operation]) -> Triples:
    """Drop, rewire (another object) or add triples, choosing the predicate first so rare ones come up."""
    triples = set(graph)
    predicates = sorted({p for _s, p, _o in graph}, key=str)
    subjects = sorted({s for s, _p, _o in graph}, key=str)
    objects = sorted({o for _s, _p, o in graph}, key=str)
    for operation, i, j, k in operations:
        p = predicates[i % len(predicates)]
        if operation == "add":
            triples.add((subjects[j % len(subjects)], p, objects[k % len(objects)]))
            continue
        having = sorted((t for t in triples if t[1] == p), key=str)
        if not having:
            continue
        s, _p, o = having[j % len(having)]
        triples.discard((s, p, o))
        if operation == "rewire":
            same = sorted({t[2] for t in graph if t[1] == p}, key=str)
            pool = same if k % 3 else objects  # mostly a value of the right kind, sometimes anything
            triples.add((s, p, pool[k % len(pool)]))
    return frozenset(triples)


_operations = st.lists(
    st.tuples(
        st.sampled_from(["drop", "rewire", "add"]),
        st.integers(0, 10_000),
        st.integers(0, 10_000),
        st.integers(0, 10_000),
    ),
    max_size=5,
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=_operations, then=_operations.filter(bool))
def test_random_damage_keeps_the_contract(first: list[Operation], then: list[Operation]) -> None:
    before = _damage(_cases().triples(), first)
    assert_contract(before, _damage(before, then))


# ------------------------------------------------------------------------------ giving up


def test_limit_gives_none(built: BuildResult, graph: Triples) -> None:
    before = _without(built, {sorted(built.article_graphs)[3]})
    added, removed = graph - before, before - graph
    index = TripleIndex(graph)
    result = validate_changes(index, added, removed)
    assert result is not None
    assert validate_changes(index, added, removed, limit=len(result.focus) - 1) is None
    assert validate_changes(index, added, removed, limit=10) is None


def test_a_triple_both_removed_and_added_is_no_change(graph: Triples) -> None:
    """A state's type moved from one named graph to another: the meetings it takes part in are not re-checked."""
    meeting, _p, state = _with(graph, CTKG.participant)[0]
    moved = {(state, RDF.type, CTKG.State)}
    index = TripleIndex(graph)
    alone = validate_changes(index, moved, set())
    assert alone is not None and meeting in alone.focus
    result = validate_changes(index, moved, moved)
    assert result is not None and result.focus == frozenset() and result.report.conforms


def test_deep_predicates_come_from_the_shapes() -> None:
    deep = deep_predicates()
    assert deep is not None
    # sh:class reads the value's types; the SPARQL constraints follow partOf* and the next meeting's ordinal.
    assert {RDF.type, RDFS.subClassOf, CTKG.partOf, CTKG.worksFor, CTKG.ordinal} <= deep
    # read only on the focus node itself
    assert not {RDFS.label, CTKG.headOfDelegation, CTKG.participant, CTKG.nextMeeting, CTKG.status} & deep


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE {{ {where} }}" ] .
"""


@pytest.mark.parametrize(
    ("where", "deep"),
    [
        ("$this <http://example.org/p> ?x . ?x <http://example.org/q>* ?y", {"q"}),
        (
            "$this <http://example.org/p>/<http://example.org/q> ?x FILTER NOT EXISTS { ?x <http://example.org/r> ?z }",
            {"q", "r"},
        ),
        ("$this <http://example.org/p>|<http://example.org/q> ?x", set()),
        ("?other <http://example.org/p> $this", None),  # reads backwards
        ("$this ^<http://example.org/p> ?x", None),
        ("$this ?p ?x . ?x ?q ?y", None),  # any predicate
        (
            "$this <http://example.org/p> ?x OPTIONAL { $this <http://example.org/q> ?y } ?y <http://example.org/r> ?z",
            None,
        ),
        ("FILTER NOT EXISTS { $this <http://example.org/p> ?x } ?x <http://example.org/q> ?y", None),
    ],
)
def test_sparql_constraints_are_read_forward_from_this_or_refused(where: str, deep: set[str] | None) -> None:
    shapes = Graph().parse(data=SHAPES.format(where=where.replace('"', '\\"')), format="turtle")
    found = _deep(compile_shapes(shapes=shapes).checks)
    if deep is None:
        assert found is None
    else:
        assert found == {RDFS.subClassOf} | {URIRef("http://example.org/" + d) for d in deep}
