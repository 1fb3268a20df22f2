"""The fast reasoner (kg.rules) gives what owlrl's OWL RL closure (kg.reason) gives, on the same graphs."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import OWL, RDF, Graph, Literal, URIRef

from kg.build import build
from kg.reason import infer
from kg.rules import UnsupportedAxiom, compile_schema, infer_fast
from kg.store import quads_of
from kg.validate import ontology_graph

BASE = "https://w3id.org/ctkg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"

PREFIXES = """
@prefix ctkg: <https://w3id.org/ctkg/ontology#> .
@prefix id:   <https://w3id.org/ctkg/id/> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""

SAMPLE = """
id:place_venue  a ctkg:Place ; ctkg:locatedIn id:place_city .
id:place_city   ctkg:locatedIn id:place_region .
id:place_region ctkg:locatedIn id:state_AAA .
id:org_cell      ctkg:partOf id:org_committee .
id:org_committee ctkg:partOf id:org_body .
id:org_body      a ctkg:InternationalOrganisation .
id:meeting_m2 ctkg:previousMeeting id:meeting_m1 ; ctkg:nextMeeting id:meeting_m3 .
id:meeting_m1 ctkg:participant id:state_AAA , id:state_BBB , id:state_CCC ; ctkg:status ctkg:Held ;
              ctkg:date "2024-05-01"^^xsd:date ; ctkg:ordinal "3"^^xsd:positiveInteger .
id:meeting_m3 ctkg:participant id:state_AAA , id:state_DDD ; ctkg:status ctkg:Planned .
id:attack_a1 ctkg:claimedBy id:group_g1 ; ctkg:near id:place_city ; ctkg:killed "4"^^xsd:nonNegativeInteger .
id:group_g2 ctkg:claimedResponsibility id:attack_a2 ; ctkg:parentGroup id:group_g1 .
id:state_AAA ctkg:cooperatesWith id:state_EEE .
id:official_o1 ctkg:represents id:state_BBB ; ctkg:worksFor id:org_ministry ; ctkg:title "Envoy"@en .
id:org_ministry ctkg:partOf id:state_BBB .
"""

INCONSISTENT = {
    "a state that is a meeting": "id:x a ctkg:State , ctkg:Meeting .",
    "a state that cooperates with itself": "id:state_AAA ctkg:cooperatesWith id:state_AAA .",
    "a meeting both held and planned": "id:meeting_m ctkg:status ctkg:Held , ctkg:Planned .",
    "a group that is two kinds of organisation": "id:g a ctkg:ThreatGroup ; ctkg:partOf id:o . id:o a ctkg:Organisation .\n"
    "id:m ctkg:forum id:g .",
    "a member of owl:Nothing": "id:x a owl:Nothing .",
    "a place in a meeting by range": "id:m ctkg:place id:p . id:p a ctkg:Meeting .",
    "an ill-typed number": 'id:a ctkg:killed "many"^^xsd:nonNegativeInteger .',
}


def turtle(text: str) -> Graph:
    graph = Graph()
    graph.parse(data=PREFIXES + text, format="turtle")
    return graph


def assert_same(asserted: Graph) -> tuple[Graph, list[str]]:
    expected, expected_clashes = infer(asserted, base=BASE)
    got, got_clashes = infer_fast(asserted, base=BASE)
    assert set(got) ^ set(expected) == set(), (set(expected) - set(got), set(got) - set(expected))
    assert bool(got_clashes) == bool(expected_clashes), (got_clashes, expected_clashes)
    return got, got_clashes


@pytest.fixture(scope="module")
def seed() -> Graph:
    return build(["data/articles"]).asserted()


@pytest.fixture(scope="module")
def cases() -> Graph:
    return build(["tests/cases"]).asserted()


def test_seed_graph(seed: Graph) -> None:
    got, clashes = assert_same(seed)
    assert len(got) > 0 and clashes == []


def test_cases_graph(cases: Graph) -> None:
    got, clashes = assert_same(cases)
    assert len(got) > 0 and clashes == []


def test_chains_inverses_and_symmetry() -> None:
    got, clashes = assert_same(turtle(SAMPLE))
    ctkg = "https://w3id.org/ctkg/ontology#"
    venue, state = URIRef(BASE + "place_venue"), URIRef(BASE + "state_AAA")
    assert (venue, URIRef(ctkg + "locatedIn"), state) in got
    assert (URIRef(BASE + "meeting_m1"), URIRef(ctkg + "nextMeeting"), URIRef(BASE + "meeting_m2")) in got
    assert (URIRef(BASE + "state_EEE"), URIRef(ctkg + "cooperatesWith"), state) in got
    assert (URIRef(BASE + "state_BBB"), URIRef(ctkg + "cooperatesWith"), URIRef(BASE + "state_CCC")) in got
    assert (state, URIRef(ctkg + "cooperatesWith"), URIRef(BASE + "state_DDD")) not in got  # m3 is only planned
    assert clashes == []


def test_equality_from_a_functional_property() -> None:
    """Two statuses that are IRIs of the graph are the same thing: owl:sameAs and its copies."""
    got, clashes = assert_same(
        turtle("id:m ctkg:status id:s1 , id:s2 . id:s1 <http://example.org/note> 'one' . id:n ctkg:status id:s2 .")
    )
    assert (URIRef(BASE + "s2"), OWL.sameAs, URIRef(BASE + "s1")) in got
    assert clashes == []


@pytest.mark.parametrize("name", sorted(INCONSISTENT))
def test_inconsistent_graphs(name: str) -> None:
    _, clashes = assert_same(turtle(INCONSISTENT[name]))
    assert clashes, name


def test_clashes_name_the_node() -> None:
    _, clashes = infer_fast(turtle(INCONSISTENT["a state that cooperates with itself"]), base=BASE)
    assert any(BASE + "state_AAA" in clash for clash in clashes)


def test_oxigraph_store_input(cases: Graph) -> None:
    store = ox.Store()
    name = BASE + "graph_all"
    store.extend(list(quads_of(cases, name)))
    from_store, store_clashes = infer_fast(store, base=BASE, graphs=[name])
    from_graph, graph_clashes = infer_fast(cases, base=BASE)
    assert set(from_store) == set(from_graph) and store_clashes == graph_clashes


def test_unsupported_axioms_are_refused() -> None:
    graph = Graph()
    graph += ontology_graph()  # a copy: the ontology graph is shared
    graph.parse(
        data=PREFIXES + "ctkg:X owl:equivalentClass [ owl:onProperty ctkg:host ; owl:someValuesFrom ctkg:State ] .",
        format="turtle",
    )
    with pytest.raises(UnsupportedAxiom):
        compile_schema(graph)


# ------------------------------------------------------------------------------ random graphs


def _vocabulary() -> tuple[list[URIRef], list[URIRef], list[URIRef], list[URIRef]]:
    onto = ontology_graph()
    classes = sorted(c for c in onto.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef))
    objects = sorted(p for p in onto.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef))
    data = sorted(p for p in onto.subjects(RDF.type, OWL.DatatypeProperty) if isinstance(p, URIRef))
    individuals = sorted(i for i in onto.subjects(RDF.type, OWL.NamedIndividual) if isinstance(i, URIRef))
    return classes, objects, data, individuals


CLASSES, OBJECT_PROPERTIES, DATA_PROPERTIES, INDIVIDUALS = _vocabulary()
NODES = [URIRef(f"{BASE}n{i}") for i in range(5)]
LITERALS = [
    Literal("text"),
    Literal("text", lang="en"),
    Literal("text", datatype=URIRef(XSD + "string")),
    Literal("3", datatype=URIRef(XSD + "nonNegativeInteger")),
    Literal("2024-05-01", datatype=URIRef(XSD + "date")),
    Literal("2024", datatype=URIRef(XSD + "gYear")),
]

node = st.sampled_from(NODES)
statement = st.one_of(
    st.tuples(node, st.just(RDF.type), st.sampled_from(CLASSES)),
    st.tuples(node, st.sampled_from(OBJECT_PROPERTIES), st.one_of(node, st.sampled_from(INDIVIDUALS))),
    st.tuples(node, st.sampled_from(OBJECT_PROPERTIES), node),
    st.tuples(node, st.sampled_from(DATA_PROPERTIES), st.sampled_from(LITERALS)),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(statement, min_size=1, max_size=14))
def test_random_graphs(statements: list[tuple[URIRef, URIRef, URIRef | Literal]]) -> None:
    graph = Graph()
    for triple in statements:
        graph.add(triple)
    assert_same(graph)


# ------------------------------------------------------------------------------ timings (printed, not asserted)


def _copies(graph: Graph, n: int) -> Graph:
    out = Graph()
    for i in range(n):

        def rename(term: object, i: int = i) -> object:
            if isinstance(term, URIRef) and term.startswith(BASE):
                return URIRef(f"{BASE}copy{i}/{term[len(BASE) :]}")
            return term

        for s, p, o in graph:
            out.add((rename(s), p, rename(o)))  # type: ignore[arg-type]
    return out


def test_timings(cases: Graph) -> None:
    small, large = _copies(cases, 10), _copies(cases, 200)
    start = time.perf_counter()
    expected, _ = infer(small, base=BASE)
    owlrl_small = time.perf_counter() - start
    start = time.perf_counter()
    got, _ = infer_fast(small, base=BASE)
    fast_small = time.perf_counter() - start
    assert set(got) == set(expected)
    start = time.perf_counter()
    infer_fast(large, base=BASE)
    fast_large = time.perf_counter() - start
    print(
        f"\nowlrl {len(small)} triples: {owlrl_small:.1f} s; fast: {fast_small:.2f} s; "
        f"fast {len(large)} triples: {fast_large:.1f} s"
    )
