"""Reasoning over a change (kg.rederive) gives what reasoning over the whole new graph gives.

With infer(X) the inferred triples of X, for a change from G to G':
infer(G') == {t in infer(G) : t[0] not in result.subjects} | result.inferred.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import OWL, RDF, Graph, Literal, URIRef

from kg.build import BuildResult, build
from kg.rederive import Rederivation, infer_additions, infer_changes
from kg.rules import infer_fast
from kg.triples import Triple, TripleIndex, Triples
from kg.validate import ontology_graph
from tests.test_rules import PREFIXES, SAMPLE  # chains, inverses, a symmetric property, the product rule

BASE = "https://w3id.org/ctkg/id/"
CTKG = "https://w3id.org/ctkg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"

# More triples over the sample's nodes: shortcuts and cycles in chains, a meeting that becomes held,
# a new held meeting, a second status (an equality), a clash. Random graphs are drawn from the sample and these.
EXTRA = """
id:place_venue ctkg:locatedIn id:place_region .
id:place_region ctkg:locatedIn id:place_venue .
id:place_city ctkg:locatedIn id:state_BBB .
id:org_body ctkg:partOf id:org_cell .
id:org_committee ctkg:partOf id:state_CCC .
id:meeting_m1 ctkg:participant id:state_DDD .
id:meeting_m3 ctkg:participant id:state_BBB .
id:meeting_m3 ctkg:status ctkg:Held .
id:meeting_m4 ctkg:previousMeeting id:meeting_m3 ; ctkg:status ctkg:Held ;
              ctkg:participant id:state_EEE , id:state_AAA .
id:meeting_m3 ctkg:nextMeeting id:meeting_m4 .
id:attack_a2 ctkg:claimedBy id:group_g1 .
id:group_g1 ctkg:claimedResponsibility id:attack_a1 .
id:state_EEE ctkg:cooperatesWith id:state_CCC .
id:state_EEE a ctkg:Meeting .
"""


def turtle(text: str) -> frozenset[Triple]:
    graph = Graph()
    graph.parse(data=PREFIXES + text, format="turtle")
    return frozenset(graph)


def infer(triples: Triples) -> set[Triple]:
    return set(infer_fast(triples, base=BASE)[0])


def check(before: Triples, after: Triples, **options: int) -> Rederivation | None:
    """The change from ``before`` to ``after``, reasoned over locally and checked against the whole graphs."""
    added, removed = set(after) - set(before), set(before) - set(after)
    result = infer_changes(TripleIndex(after), added, removed, base=BASE, **options)
    if result is None:
        return None
    old, new = infer(before), infer(after)
    assert result.inferred <= new, sorted(result.inferred - new)
    got = {t for t in old if t[0] not in result.subjects} | result.inferred
    assert got == new, (sorted(new - got), sorted(got - new))
    return result


def subjects(triples: Triples) -> set[object]:
    return {s for s, _, _ in triples if isinstance(s, URIRef) and s.startswith(BASE)}


@pytest.fixture(scope="module")
def cases() -> BuildResult:
    return build(["tests/cases"])


def without(result: BuildResult, articles: list[str]) -> frozenset[Triple]:
    kept = [graph for name, graph in result.article_graphs.items() if name not in articles]
    return frozenset().union(*kept, result.entities)


def test_each_article_of_the_cases_added_and_removed(cases: BuildResult) -> None:
    everything = cases.triples()
    for name in sorted(cases.article_graphs):
        before = without(cases, [name])
        added = check(before, everything)
        removed = check(everything, before)
        assert added is not None and removed is not None, name
        assert added.inferred, name  # every article's meeting, place or group gets a type
        assert added.subjects == removed.subjects, name
        assert len(added.subjects) < len(subjects(everything)) / 2, (name, len(added.subjects))


def test_several_articles_of_the_cases(cases: BuildResult) -> None:
    everything, names = cases.triples(), sorted(cases.article_graphs)
    for chosen in (names[::3], names[1::4], names[:12]):
        before = without(cases, chosen)
        assert check(before, everything) is not None
        assert check(everything, before) is not None


def test_seed_articles() -> None:
    seed = build(["data/articles"])
    everything = seed.triples()
    for name in sorted(seed.article_graphs):
        before = without(seed, [name])
        assert check(before, everything) is not None, name
        assert check(everything, before) is not None, name
    assert check(seed.entities, everything) is not None  # both articles at once


def test_a_new_participant_changes_the_other_participants() -> None:
    sample = turtle(SAMPLE)
    participant = (URIRef(BASE + "meeting_m1"), URIRef(CTKG + "participant"), URIRef(BASE + "state_DDD"))
    result = check(sample, sample | {participant})
    assert result is not None
    others = {URIRef(BASE + f"state_{code}") for code in ("AAA", "BBB", "CCC", "DDD")}
    assert others <= result.subjects
    assert (URIRef(BASE + "state_BBB"), URIRef(CTKG + "cooperatesWith"), URIRef(BASE + "state_DDD")) in result.inferred


def test_a_new_end_of_a_chain_gets_the_whole_chain() -> None:
    sample = turtle(SAMPLE)
    result = check(sample, sample | turtle("id:place_venue2 ctkg:locatedIn id:place_venue ."))
    assert result is not None and result.subjects == {URIRef(BASE + "place_venue2")}
    assert (URIRef(BASE + "place_venue2"), URIRef(CTKG + "locatedIn"), URIRef(BASE + "state_AAA")) in result.inferred


def test_a_link_of_a_chain_changes_everything_upstream() -> None:
    sample = turtle(SAMPLE)
    link = (URIRef(BASE + "place_region"), URIRef(CTKG + "locatedIn"), URIRef(BASE + "state_AAA"))
    result = check(sample, sample - {link})
    assert result is not None
    assert {URIRef(BASE + p) for p in ("place_venue", "place_city", "place_region")} <= result.subjects


UNIVERSE = sorted(turtle(SAMPLE) | turtle(EXTRA))


def test_random_changes_of_the_sample() -> None:
    """A graph drawn from the sample and the extra triples, and a few of those triples added or removed."""
    outcomes: Counter[str] = Counter()

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.frozensets(st.sampled_from(UNIVERSE)), st.frozensets(st.sampled_from(UNIVERSE), min_size=1, max_size=4))
    def run(graph: frozenset[Triple], flipped: frozenset[Triple]) -> None:
        outcomes["whole graph" if check(graph, graph ^ flipped) is None else "local"] += 1

    run()
    print(outcomes)
    assert outcomes["local"] >= 3 * outcomes["whole graph"], outcomes


def _vocabulary() -> tuple[list[URIRef], list[URIRef], list[URIRef]]:
    onto = ontology_graph()
    classes = sorted(c for c in onto.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef))
    objects = sorted(p for p in onto.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef))
    individuals = sorted(i for i in onto.subjects(RDF.type, OWL.NamedIndividual) if isinstance(i, URIRef))
    return classes, objects, individuals


CLASSES, OBJECT_PROPERTIES, INDIVIDUALS = _vocabulary()
NODE = st.sampled_from([URIRef(f"{BASE}n{i}") for i in range(6)])
STATEMENT = st.one_of(
    st.tuples(NODE, st.just(RDF.type), st.sampled_from(CLASSES)),
    st.tuples(NODE, st.sampled_from(OBJECT_PROPERTIES), NODE),
    st.tuples(NODE, st.sampled_from(OBJECT_PROPERTIES), st.sampled_from(INDIVIDUALS)),
    st.tuples(
        NODE, st.just(URIRef(CTKG + "killed")), st.just(Literal("3", datatype=URIRef(XSD + "nonNegativeInteger")))
    ),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.frozensets(STATEMENT, max_size=16), st.frozensets(STATEMENT, max_size=6), st.data())
def test_random_graphs_of_the_ontology(graph: frozenset[Triple], added: frozenset[Triple], data: st.DataObject) -> None:
    """Any property of the ontology, between a few nodes: every rule kg.rules applies gets its turn."""
    removed = data.draw(st.frozensets(st.sampled_from(sorted(graph)), max_size=4)) if graph else frozenset()
    check(graph, (graph - removed) | added)


def test_equalities_need_the_whole_graph() -> None:
    sample = turtle(SAMPLE)
    second_status = (URIRef(BASE + "meeting_m1"), URIRef(CTKG + "status"), URIRef(CTKG + "Planned"))
    assert check(sample, sample | {second_status}) is None  # a functional property makes Held the same as Planned
    assert check(sample | {second_status}, sample) is None  # and taking it away undoes that
    same = (URIRef(BASE + "state_AAA"), OWL.sameAs, URIRef(BASE + "state_ZZZ"))
    assert check(sample, sample | {same}) is None
    assert check(sample, sample | turtle("id:state_ZZZ a ctkg:State .")) is not None
    # an equality already in the graph, next to the change
    assert check(sample | {second_status}, sample | {second_status} | turtle("id:meeting_m1 ctkg:ordinal 4 .")) is None


def test_additions_that_make_an_equality_need_the_whole_graph() -> None:
    """The semi-naive path (kg.incremental's, for added triples) gives up where the full path does."""
    sample = turtle(SAMPLE)
    second_status = (URIRef(BASE + "meeting_m1"), URIRef(CTKG + "status"), URIRef(CTKG + "Planned"))
    after = set(sample) | {second_status}
    assert infer_additions(TripleIndex(after), {second_status}, base=BASE) is None
    harmless = (URIRef(BASE + "meeting_m3"), URIRef(CTKG + "participant"), URIRef(BASE + "state_BBB"))
    found = infer_additions(TripleIndex(set(sample) | {harmless}), {harmless}, base=BASE)
    assert found  # state_BBB takes part in a meeting: a State, by the range of ctkg:participant
    expected, _ = infer_fast(set(sample) | {harmless}, base=BASE)
    assert found <= set(expected)


def test_schema_changes_need_the_whole_graph() -> None:
    sample = turtle(SAMPLE)
    axiom = turtle("ctkg:Place <http://www.w3.org/2000/01/rdf-schema#subClassOf> ctkg:Organisation .")
    assert check(sample, sample | axiom) is None


def test_limit(cases: BuildResult) -> None:
    everything = cases.triples()
    before = without(cases, [sorted(cases.article_graphs)[0]])
    assert check(before, everything, limit=20) is None
    assert check(before, everything, limit=len(everything)) is not None


def test_timing(cases: BuildResult) -> None:
    """Printed, not asserted: the whole graph against a one-article change, on the cases and on copies of them."""
    for copies in (1, 20):
        graphs = {
            (i, name): frozenset(tuple(_rename(t, i) for t in triple) for triple in graph)
            for i in range(copies)
            for name, graph in cases.article_graphs.items()
        }
        entities = frozenset(tuple(_rename(t, i) for t in triple) for i in range(copies) for triple in cases.entities)
        everything = frozenset().union(*graphs.values(), entities)
        article = graphs[(0, sorted(cases.article_graphs)[0])]
        before = everything - article
        index = TripleIndex(everything)
        start = time.perf_counter()
        infer_fast(everything, base=BASE)
        whole = time.perf_counter() - start
        start = time.perf_counter()
        result = infer_changes(index, article, set(), base=BASE)
        local = time.perf_counter() - start
        assert result is not None and len(before) < len(everything)
        print(
            f"\n{len(everything)} triples: infer_fast on everything {whole * 1000:.0f} ms; "
            f"infer_changes for one article ({len(article)} triples) {local * 1000:.0f} ms, "
            f"{len(result.subjects)} nodes, {len(result.inferred)} inferred triples"
        )


def _rename(term: object, i: int) -> object:
    if i and isinstance(term, URIRef) and term.startswith(BASE):
        return URIRef(f"{BASE}copy{i}/{term[len(BASE) :]}")
    return term
