"""The scorer on small hand-made graphs with exactly known precision and recall."""

from __future__ import annotations

from rdflib import Graph, URIRef

from kg.evaluate import norm, score_article

ARTICLE = URIRef("https://w3id.org/ctkg/id/article/a")
PREFIXES = """@prefix ctkg: <https://w3id.org/ctkg/ontology#> . @prefix id: <https://w3id.org/ctkg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
GRAPH = (
    PREFIXES
    + """
<https://w3id.org/ctkg/id/state/KEN> a ctkg:State ; rdfs:label "Kenya"@en ; ctkg:mentionedIn id:article\\/a .
<https://w3id.org/ctkg/id/state/SOM> a ctkg:State ; rdfs:label "Somalia"@en ; ctkg:mentionedIn id:article\\/a .
<https://w3id.org/ctkg/id/state/TCD> a ctkg:State ; rdfs:label "Chad"@en ; ctkg:mentionedIn id:article\\/a .
<https://w3id.org/ctkg/id/group/al-shabaab> a ctkg:ThreatGroup ; rdfs:label "Al-Shabaab"@en ; skos:altLabel "Harakat al-Shabaab al-Mujahideen" ;
    ctkg:mentionedIn id:article\\/a ; ctkg:threatens <https://w3id.org/ctkg/id/state/KEN> .
<https://w3id.org/ctkg/id/person/ana-petrova> a ctkg:Official ; rdfs:label "Ana Petrova"@en ; ctkg:mentionedIn id:article\\/a ;
    ctkg:title "Deputy Minister of the Interior" ; ctkg:represents <https://w3id.org/ctkg/id/state/KEN> .
<https://w3id.org/ctkg/id/place/nairobi-ken> a ctkg:Place ; rdfs:label "Nairobi"@en .
<https://w3id.org/ctkg/id/body/ken-som-wg> a ctkg:WorkingGroup ; rdfs:label "Kenya-Somalia Working Group"@en .
<https://w3id.org/ctkg/id/meeting/m> a ctkg:Meeting ; ctkg:source id:article\\/a ; ctkg:evidence "The 3rd meeting ..." ;
    ctkg:meetingOf <https://w3id.org/ctkg/id/body/ken-som-wg> ; ctkg:ordinal "3"^^xsd:positiveInteger ;
    ctkg:date "2021-03"^^xsd:gYearMonth ; ctkg:place <https://w3id.org/ctkg/id/place/nairobi-ken> ;
    ctkg:participant <https://w3id.org/ctkg/id/state/KEN> .
"""
)
GOLD = {
    "states": ["Kenya", "Somalia", "Ethiopia"],
    "officials": [{"name": "Dr. Ana Petrova", "title": "Deputy Minister of Interior", "state": "Kenya"}],
    "threat_groups": ["Harakat al-Shabaab al-Mujahideen"],
    "meetings": [
        {
            "body": "Kenya-Somalia Working Group",
            "ordinal": 3,
            "date": "2021-03-04",
            "place": "Nairobi (Kenya)",
            "participants": ["Kenya", "Somalia"],
        }
    ],
    "threatens": [{"group": "Al-Shabaab", "state": "Kenya"}],
}


def scores():  # type: ignore[no-untyped-def]
    return score_article(Graph().parse(data=GRAPH, format="turtle"), ARTICLE, GOLD)


def test_states_with_a_false_positive_and_a_miss() -> None:
    s = scores()["states"]
    assert (s.true, s.stated, s.found, s.gold) == (2, 3, 2, 3)
    assert (round(s.precision, 4), round(s.recall, 4)) == (0.6667, 0.6667)
    assert [f.text for f in s.false] == ["Chad"] and [f.text for f in s.missed] == ["Ethiopia"]


def test_alias_matching_and_honorifics() -> None:
    result = scores()
    assert (result["threat_groups"].precision, result["threat_groups"].recall) == (1.0, 1.0)
    assert (result["officials"].true, result["officials.title"].true, result["officials.state"].true) == (
        1,
        1,
        1,
    )
    assert norm("H.E. Mr. Jonas K. Berg") == "jonas k berg"


def test_date_precision_must_match_and_a_missed_field() -> None:
    result = scores()
    date = result["meetings.date"]
    assert (date.true, date.stated, date.found, date.gold) == (0, 1, 0, 1)  # 2021-03 is not 2021-03-04
    participants = result["meetings.participants"]
    assert (participants.true, participants.stated, participants.found, participants.gold) == (1, 1, 1, 2)
    meetings = result["meetings"]
    # body, ordinal, place, one participant true; the date false; the date and Somalia missed
    assert (meetings.true, meetings.stated, meetings.found, meetings.gold) == (4, 5, 4, 6)


def test_a_meeting_without_evidence_is_not_a_fact_of_the_article() -> None:
    graph = Graph().parse(data=GRAPH.replace('ctkg:evidence "The 3rd meeting ..." ;', ""), format="turtle")
    meetings = score_article(graph, ARTICLE, GOLD)["meetings"]
    assert (meetings.stated, meetings.found, meetings.gold) == (0, 0, 6)


def test_threatens_exact() -> None:
    s = scores()["threatens"]
    assert (s.true, s.stated, s.found, s.gold) == (1, 1, 1, 1)
