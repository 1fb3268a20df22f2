"""The two articles the product was first asked for, mapped completely and correctly.

Every expectation below is written by hand from what a careful reader finds in
data/articles/000_f64cd4f113bb4fca.txt and 001_b6261880fc0833ac.txt (and what the two establish
together), and is checked by SPARQL over the built Turtle using the contract's IRIs.
"""

from __future__ import annotations

import pytest
from rdflib import Graph

PREFIXES = """
PREFIX ctkg: <https://w3id.org/ctkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX id: <https://w3id.org/ctkg/id/>
PREFIX a000: <https://w3id.org/ctkg/id/article/000_f64cd4f113bb4fca>
"""
A000 = "https://w3id.org/ctkg/id/article/000_f64cd4f113bb4fca"
A001 = "https://w3id.org/ctkg/id/article/001_b6261880fc0833ac"
WG = "https://w3id.org/ctkg/id/body/pak-rus-counter-terrorism-working-group"


def rows(graph: Graph, query: str, **bindings: object) -> set[tuple[str, ...]]:
    return {tuple(str(v) for v in row) for row in graph.query(PREFIXES + query, initBindings=bindings)}  # type: ignore[union-attr]


def labels_mentioned(graph: Graph, cls: str, article: str) -> set[str]:
    query = f"SELECT ?l WHERE {{ ?x a ctkg:{cls} ; ctkg:mentionedIn <{article}> ; rdfs:label ?l }}"
    return {r[0] for r in rows(graph, query)}


# ------------------------------------------------------------------ what each article mentions


@pytest.mark.parametrize("article", [A000, A001])
def test_states(seed_graph: Graph, article: str) -> None:
    assert labels_mentioned(seed_graph, "State", article) == {"Pakistan", "Russia", "Afghanistan"}


def test_state_codes(seed_graph: Graph) -> None:
    codes = rows(seed_graph, "SELECT ?l ?c WHERE { ?s a ctkg:State ; rdfs:label ?l ; ctkg:isoCode ?c }")
    assert {("Pakistan", "PAK"), ("Russia", "RUS"), ("Afghanistan", "AFG")} <= codes


def test_threat_groups(seed_graph: Graph) -> None:
    assert labels_mentioned(seed_graph, "ThreatGroup", A000) == {"Tehrik-i-Taliban Pakistan", "Islamic State"}
    assert labels_mentioned(seed_graph, "ThreatGroup", A001) == set()


def test_organisations(seed_graph: Graph) -> None:
    def orgs(article: str) -> set[str]:
        return labels_mentioned(seed_graph, "InternationalOrganisation", article) | labels_mentioned(
            seed_graph, "GovernmentBody", article
        )

    assert orgs(A000) == {"Ministry of Foreign Affairs (Pakistan)"}
    assert orgs(A001) == {
        "UN",
        "SCO",
        "Ministry of Foreign Affairs (Pakistan)",
        "Embassy of Russia in Pakistan",
    }


def test_officials_titles_and_states(seed_graph: Graph) -> None:
    found = rows(
        seed_graph,
        "SELECT ?name ?title ?state WHERE { ?p a ctkg:Official ; rdfs:label ?name ; ctkg:title ?title ; "
        "ctkg:represents/rdfs:label ?state }",
    )
    assert found == {
        ("Nabeel Munir", "Special Secretary (United Nations)", "Pakistan"),
        ("Sergey Vershinin", "Deputy Foreign Minister", "Russia"),
        ("Sergey Vershinin", "Ambassador, Deputy Foreign Minister of the Russian Federation", "Russia"),
        ("Syed Haider Shah", "Ambassador, Additional Foreign Secretary", "Pakistan"),
    }


def test_threatens(seed_graph: Graph) -> None:
    found = rows(seed_graph, "SELECT ?g ?s WHERE { ?x ctkg:threatens ?y . ?x rdfs:label ?g . ?y rdfs:label ?s }")
    assert found == {("Tehrik-i-Taliban Pakistan", "Pakistan"), ("Islamic State", "Russia")}


# ------------------------------------------------------------------ the meetings, linked


def test_three_meetings_in_one_series(seed_graph: Graph) -> None:
    found = rows(
        seed_graph,
        "SELECT ?m ?o WHERE { ?m a ctkg:Meeting ; ctkg:meetingOf ?wg ; ctkg:ordinal ?o }",
        wg=__import__("rdflib").URIRef(WG),
    )
    assert sorted(int(o) for _, o in found) == [10, 11, 12]
    assert len(rows(seed_graph, "SELECT ?m WHERE { ?m a ctkg:Meeting }")) == 3
    chain = rows(
        seed_graph,
        "SELECT ?a ?b WHERE { ?x ctkg:nextMeeting ?y . ?x ctkg:ordinal ?a . ?y ctkg:ordinal ?b }",
    )
    assert chain == {("10", "11"), ("11", "12")}


def test_one_working_group_with_both_names(seed_graph: Graph) -> None:
    groups = rows(seed_graph, "SELECT ?g WHERE { ?g a ctkg:WorkingGroup }")
    assert groups == {(WG,)}
    names = rows(
        seed_graph,
        "SELECT ?n WHERE { ?g a ctkg:WorkingGroup . { ?g rdfs:label ?n } UNION { ?g skos:altLabel ?n } }",
    )
    assert {n for (n,) in names} == {
        "Pakistan-Russia Joint Working Group to Counter International Terrorism",
        "Russia-Pakistan Joint Working Group on Combating International Terrorism and Other Challenges to Security",
    }


def test_tenth_meeting(seed_graph: Graph) -> None:
    query = """SELECT ?date ?place ?head ?forum ?part WHERE {
        ?m ctkg:ordinal '10'^^xsd:positiveInteger ; ctkg:date ?date ; ctkg:place/rdfs:label ?place ; ctkg:status ctkg:Held ;
           ctkg:headOfDelegation/rdfs:label ?head ; ctkg:forum/rdfs:label ?forum ; ctkg:participant/rdfs:label ?part }"""
    found = rows(seed_graph, query)
    assert {r[0] for r in found} == {"2023-11-16"}
    assert {r[1] for r in found} == {"Islamabad"}
    assert {r[2] for r in found} == {"Syed Haider Shah", "Sergey Vershinin"}
    assert {r[3] for r in found} == {"UN", "SCO"}
    assert {r[4] for r in found} == {"Pakistan", "Russia"}
    datatype = rows(
        seed_graph,
        "SELECT (DATATYPE(?d) AS ?t) WHERE { ?m ctkg:ordinal '10'^^xsd:positiveInteger ; ctkg:date ?d }",
    )
    assert datatype == {("http://www.w3.org/2001/XMLSchema#date",)}


def test_eleventh_meeting_has_no_date(seed_graph: Graph) -> None:
    assert rows(seed_graph, "SELECT ?d WHERE { ?m ctkg:ordinal '11'^^xsd:positiveInteger ; ctkg:date ?d }") == set()
    found = rows(
        seed_graph,
        """SELECT ?place ?head ?threat WHERE { ?m ctkg:ordinal '11'^^xsd:positiveInteger ; ctkg:status ctkg:Held ;
           ctkg:place/rdfs:label ?place ; ctkg:headOfDelegation/rdfs:label ?head ; ctkg:threatDiscussed/rdfs:label ?threat }""",
    )
    assert {r[0] for r in found} == {"Moscow"}
    assert {r[1] for r in found} == {"Nabeel Munir", "Sergey Vershinin"}
    assert {r[2] for r in found} == {"Tehrik-i-Taliban Pakistan", "Islamic State"}


def test_twelfth_meeting_is_planned_for_2026(seed_graph: Graph) -> None:
    found = rows(
        seed_graph,
        "SELECT ?y WHERE { ?m ctkg:ordinal '12'^^xsd:positiveInteger ; ctkg:status ctkg:Planned ; ctkg:plannedDate ?y }",
    )
    assert found == {("2026",)}
    assert (
        rows(
            seed_graph,
            "SELECT ?x WHERE { ?m ctkg:ordinal '12'^^xsd:positiveInteger ; (ctkg:date|ctkg:place|ctkg:headOfDelegation) ?x }",
        )
        == set()
    )


def test_one_vershinin_heads_both_meetings(seed_graph: Graph) -> None:
    people = rows(seed_graph, "SELECT ?p WHERE { ?p a ctkg:Official ; rdfs:label 'Sergey Vershinin'@en }")
    assert people == {("https://w3id.org/ctkg/id/person/sergey-vershinin",)}
    led = rows(
        seed_graph,
        "SELECT ?o WHERE { ?m ctkg:headOfDelegation <https://w3id.org/ctkg/id/person/sergey-vershinin> ; ctkg:ordinal ?o }",
    )
    assert led == {("10",), ("11",)}


def test_attack(seed_graph: Graph) -> None:
    found = rows(
        seed_graph,
        """SELECT ?name ?date ?killed ?q ?by ?place ?near WHERE { ?a a ctkg:Attack ; rdfs:label ?name ; ctkg:date ?date ;
           ctkg:killed ?killed ; ctkg:killedQualifier ?q ; ctkg:claimedBy/rdfs:label ?by ;
           ctkg:place/rdfs:label ?place ; ctkg:near/rdfs:label ?near }""",
    )
    assert found == {
        (
            "Crocus City Hall attack",
            "2024-03-22",
            "140",
            "more than",
            "Islamic State",
            "Crocus City Hall",
            "Moscow",
        )
    }
    assert rows(seed_graph, "SELECT ?x WHERE { ?a a ctkg:Attack ; ctkg:injured ?x }") == set()


# ------------------------------------------------------------------ provenance, and nothing false


def test_every_fact_bearing_node_has_source_and_evidence(seed_graph: Graph) -> None:
    missing = rows(
        seed_graph,
        """SELECT ?x WHERE { ?x a ?c . VALUES ?c { ctkg:Meeting ctkg:Attack }
           FILTER NOT EXISTS { ?x ctkg:source ?s ; ctkg:evidence ?e } }""",
    )
    assert missing == set()


def test_evidence_sentences_come_from_the_article(seed_graph: Graph) -> None:
    from tests.conftest import ROOT

    text = " ".join((ROOT / "data/articles/000_f64cd4f113bb4fca.txt").read_text(encoding="utf-8").split())
    text += " " + " ".join((ROOT / "data/articles/001_b6261880fc0833ac.txt").read_text(encoding="utf-8").split())
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    for (sentence,) in rows(seed_graph, "SELECT ?e WHERE { ?x ctkg:evidence ?e }"):
        assert " ".join(sentence.split()) in text


def test_nothing_beyond_the_gold(seed_graph: Graph) -> None:
    mentioned = {x for (x,) in rows(seed_graph, "SELECT DISTINCT ?x WHERE { ?x ctkg:mentionedIn ?a }")}
    expected = [
        "state/PAK",
        "state/RUS",
        "state/AFG",
        "group/tehrik-i-taliban-pakistan",
        "group/islamic-state",
    ]
    expected += ["org/un", "org/sco", "org/pak-ministry-of-foreign-affairs", "org/rus-embassy-pak"]
    expected += ["person/nabeel-munir", "person/sergey-vershinin", "person/syed-haider-shah"]
    assert mentioned == {f"https://w3id.org/ctkg/id/{key}" for key in expected}
    labels = {label for (_, label) in rows(seed_graph, "SELECT ?x ?l WHERE { ?x ctkg:mentionedIn ?a ; rdfs:label ?l }")}
    # boilerplate teasers name Turkey, Saudi Arabia, NATO, IS-K and the Durand Line: none of it is a fact
    for absent in ("Turkey", "Saudi Arabia", "NATO", "Islamic State Khorasan Province", "United States"):
        assert absent not in labels
    assert len(rows(seed_graph, "SELECT ?a WHERE { ?a a ctkg:Attack }")) == 1
    assert rows(seed_graph, "SELECT ?g WHERE { ?g a ctkg:WorkingGroup }") == {(WG,)}
