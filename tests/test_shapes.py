"""The SHACL shapes accept a well-formed graph and reject each kind of mistake with a plain message.

Validation is always run the way the pipeline runs it: on the graph as asserted
(``inference="none"``), with the ontology passed as ``ont_graph``. pyshacl mixes
the ontology's class and property axioms into a copy of the data graph, so the
class hierarchy is known (``sh:class ctkg:Organisation`` accepts a
``ctkg:InternationalOrganisation``) but no domain or range is used to type
anything: a threat group given as a meeting participant stays a threat group and
is reported, instead of being inferred into a state.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_PATH = ROOT / "ontology" / "ctkg.ttl"
SHAPES_PATH = ROOT / "ontology" / "shapes.ttl"

CTKG = Namespace("https://w3id.org/ctkg/ontology#")
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES = """
@prefix ctkg:   <https://w3id.org/ctkg/ontology#> .
@prefix id:     <https://w3id.org/ctkg/id/> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
"""

# A small graph with one of everything, as the pipeline would write it.
VALID = """
<https://w3id.org/ctkg/id/article/tass-2024-05-17-ct-consultations> a ctkg:Article ;
    schema:headline "Russia and Pakistan hold counter-terrorism consultations in Moscow" ;
    schema:datePublished "2024-05-17"^^xsd:date ;
    schema:url <https://example.org/news/ct-consultations> ;
    ctkg:contentHash "3f2a9c0d4e5b6a7f8091a2b3c4d5e6f708192a3b" ;
    ctkg:fileName "tass-2024-05-17-ct-consultations.txt" ;
    ctkg:sourceName "TASS" ;
    ctkg:dateline <https://w3id.org/ctkg/id/place/moscow> .

<https://w3id.org/ctkg/id/state/PAK> a ctkg:State ;
    rdfs:label "Pakistan"@en ;
    skos:altLabel "Islamic Republic of Pakistan"@en ;
    ctkg:isoCode "PAK" ;
    ctkg:demonym "Pakistani" ;
    ctkg:memberOf <https://w3id.org/ctkg/id/org/sco> ;
    ctkg:mentionedIn <https://w3id.org/ctkg/id/article/tass-2024-05-17-ct-consultations> .

<https://w3id.org/ctkg/id/state/RUS> a ctkg:State ;
    rdfs:label "Russia"@en ;
    skos:altLabel "Russian Federation"@en ;
    ctkg:isoCode "RUS" ;
    ctkg:demonym "Russian" ;
    ctkg:capital <https://w3id.org/ctkg/id/place/moscow> ;
    ctkg:memberOf <https://w3id.org/ctkg/id/org/sco> ;
    ctkg:mentionedIn <https://w3id.org/ctkg/id/article/tass-2024-05-17-ct-consultations> .

<https://w3id.org/ctkg/id/org/sco> a ctkg:InternationalOrganisation ;
    rdfs:label "Shanghai Cooperation Organisation"@en ;
    skos:altLabel "SCO" ;
    ctkg:mentionedIn <https://w3id.org/ctkg/id/article/tass-2024-05-17-ct-consultations> .

<https://w3id.org/ctkg/id/org/european-union> a ctkg:InternationalOrganisation ;
    rdfs:label "European Union"@en ;
    skos:altLabel "EU" .

<https://w3id.org/ctkg/id/org/russian-ministry-of-foreign-affairs> a ctkg:GovernmentBody ;
    rdfs:label "Ministry of Foreign Affairs of the Russian Federation"@en ;
    ctkg:partOf <https://w3id.org/ctkg/id/state/RUS> .

<https://w3id.org/ctkg/id/org/european-external-action-service> a ctkg:GovernmentBody ;
    rdfs:label "European External Action Service"@en ;
    ctkg:partOf <https://w3id.org/ctkg/id/org/european-union> .

<https://w3id.org/ctkg/id/body/pakistan-russia-jwg-counter-terrorism> a ctkg:WorkingGroup ;
    rdfs:label "Pakistan-Russia Joint Working Group on Counter-Terrorism"@en ;
    ctkg:mentionedIn <https://w3id.org/ctkg/id/article/tass-2024-05-17-ct-consultations> .

<https://w3id.org/ctkg/id/group/islamic-state> a ctkg:ThreatGroup ;
    rdfs:label "Islamic State"@en ;
    skos:altLabel "ISIS" , "Daesh" .

<https://w3id.org/ctkg/id/group/islamic-state-khorasan-province> a ctkg:ThreatGroup ;
    rdfs:label "Islamic State Khorasan Province"@en ;
    skos:altLabel "ISKP" ;
    ctkg:parentGroup <https://w3id.org/ctkg/id/group/islamic-state> ;
    ctkg:threatens <https://w3id.org/ctkg/id/state/PAK> , <https://w3id.org/ctkg/id/state/RUS> ;
    ctkg:claimedResponsibility <https://w3id.org/ctkg/id/attack/crocus-city-hall-2024-03-22> ;
    ctkg:mentionedIn <https://w3id.org/ctkg/id/article/tass-2024-05-17-ct-consultations> .

<https://w3id.org/ctkg/id/place/moscow> a ctkg:Place ;
    rdfs:label "Moscow"@en ;
    ctkg:locatedIn <https://w3id.org/ctkg/id/state/RUS> ;
    ctkg:mentionedIn <https://w3id.org/ctkg/id/article/tass-2024-05-17-ct-consultations> .

<https://w3id.org/ctkg/id/place/krasnogorsk> a ctkg:Place ;
    rdfs:label "Krasnogorsk"@en ;
    ctkg:locatedIn <https://w3id.org/ctkg/id/state/RUS> ;
    ctkg:near <https://w3id.org/ctkg/id/place/moscow> .

<https://w3id.org/ctkg/id/person/sergey-vershinin> a ctkg:Official ;
    rdfs:label "Sergey Vershinin"@en ;
    ctkg:title "Deputy Foreign Minister" ;
    ctkg:represents <https://w3id.org/ctkg/id/state/RUS> ;
    ctkg:worksFor <https://w3id.org/ctkg/id/org/russian-ministry-of-foreign-affairs> ;
    ctkg:mentionedIn <https://w3id.org/ctkg/id/article/tass-2024-05-17-ct-consultations> .

<https://w3id.org/ctkg/id/person/ahmed-khan> a ctkg:Official ;
    rdfs:label "Ahmed Khan"@en ;
    ctkg:title "Additional Secretary" ;
    ctkg:represents <https://w3id.org/ctkg/id/state/PAK> ;
    ctkg:mentionedIn <https://w3id.org/ctkg/id/article/tass-2024-05-17-ct-consultations> .

<https://w3id.org/ctkg/id/person/anna-schmidt> a ctkg:Official ;
    rdfs:label "Anna Schmidt"@en ;
    ctkg:title "Counter-Terrorism Coordinator" ;
    ctkg:worksFor <https://w3id.org/ctkg/id/org/european-external-action-service> ;
    ctkg:mentionedIn <https://w3id.org/ctkg/id/article/tass-2024-05-17-ct-consultations> .

<https://w3id.org/ctkg/id/meeting/pakistan-russia-jwg-counter-terrorism-10> a ctkg:Meeting ;
    rdfs:label "10th meeting of the Pakistan-Russia Joint Working Group on Counter-Terrorism"@en ;
    ctkg:status ctkg:Held ;
    ctkg:meetingOf <https://w3id.org/ctkg/id/body/pakistan-russia-jwg-counter-terrorism> ;
    ctkg:ordinal "10"^^xsd:positiveInteger ;
    ctkg:date "2024-05-16"^^xsd:date ;
    ctkg:place <https://w3id.org/ctkg/id/place/moscow> ;
    ctkg:participant <https://w3id.org/ctkg/id/state/PAK> , <https://w3id.org/ctkg/id/state/RUS> ;
    ctkg:headOfDelegation <https://w3id.org/ctkg/id/person/sergey-vershinin> ,
                          <https://w3id.org/ctkg/id/person/ahmed-khan> ;
    ctkg:chairedBy <https://w3id.org/ctkg/id/state/RUS> ;
    ctkg:threatDiscussed <https://w3id.org/ctkg/id/group/islamic-state-khorasan-province> ;
    ctkg:forum <https://w3id.org/ctkg/id/org/sco> ;
    ctkg:nextMeeting <https://w3id.org/ctkg/id/meeting/pakistan-russia-jwg-counter-terrorism-11> ;
    ctkg:source <https://w3id.org/ctkg/id/article/tass-2024-05-17-ct-consultations> ;
    ctkg:evidence "The 10th meeting of the Joint Working Group on Counter-Terrorism was held in Moscow." .

<https://w3id.org/ctkg/id/meeting/pakistan-russia-jwg-counter-terrorism-11> a ctkg:Meeting ;
    rdfs:label "11th meeting of the Pakistan-Russia Joint Working Group on Counter-Terrorism"@en ;
    ctkg:status ctkg:Planned ;
    ctkg:meetingOf <https://w3id.org/ctkg/id/body/pakistan-russia-jwg-counter-terrorism> ;
    ctkg:ordinal "11"^^xsd:positiveInteger ;
    ctkg:plannedDate "2025"^^xsd:gYear ;
    ctkg:host <https://w3id.org/ctkg/id/state/PAK> ;
    ctkg:source <https://w3id.org/ctkg/id/article/tass-2024-05-17-ct-consultations> ;
    ctkg:evidence "The parties agreed to hold the next meeting in Islamabad in 2025." .

<https://w3id.org/ctkg/id/meeting/eu-pakistan-counter-terrorism-dialogue-2024> a ctkg:Meeting ;
    rdfs:label "EU-Pakistan counter-terrorism dialogue 2024"@en ;
    ctkg:status ctkg:Held ;
    ctkg:date "2024-05"^^xsd:gYearMonth ;
    ctkg:participant <https://w3id.org/ctkg/id/state/PAK> ;
    ctkg:participatingOrganisation <https://w3id.org/ctkg/id/org/european-union> ;
    ctkg:headOfDelegation <https://w3id.org/ctkg/id/person/anna-schmidt> ,
                          <https://w3id.org/ctkg/id/person/ahmed-khan> ;
    ctkg:source <https://w3id.org/ctkg/id/article/tass-2024-05-17-ct-consultations> ;
    ctkg:evidence "Pakistan and the EU held their counter-terrorism dialogue in May." .

<https://w3id.org/ctkg/id/attack/crocus-city-hall-2024-03-22> a ctkg:Attack ;
    rdfs:label "Crocus City Hall attack"@en ;
    ctkg:date "2024-03-22"^^xsd:date ;
    ctkg:place <https://w3id.org/ctkg/id/place/krasnogorsk> ;
    ctkg:near <https://w3id.org/ctkg/id/place/moscow> ;
    ctkg:killed "145"^^xsd:nonNegativeInteger ;
    ctkg:killedQualifier "more than" ;
    ctkg:injured "551"^^xsd:nonNegativeInteger ;
    ctkg:claimedBy <https://w3id.org/ctkg/id/group/islamic-state-khorasan-province> ;
    ctkg:source <https://w3id.org/ctkg/id/article/tass-2024-05-17-ct-consultations> ;
    ctkg:evidence "More than 145 people were killed in the attack on Crocus City Hall near Moscow." .
"""

M10 = "<https://w3id.org/ctkg/id/meeting/pakistan-russia-jwg-counter-terrorism-10>"
M11 = "<https://w3id.org/ctkg/id/meeting/pakistan-russia-jwg-counter-terrorism-11>"
ARTICLE = "<https://w3id.org/ctkg/id/article/tass-2024-05-17-ct-consultations>"
PAK = "<https://w3id.org/ctkg/id/state/PAK>"
RUS = "<https://w3id.org/ctkg/id/state/RUS>"
ATTACK = "<https://w3id.org/ctkg/id/attack/crocus-city-hall-2024-03-22>"
ISKP = "<https://w3id.org/ctkg/id/group/islamic-state-khorasan-province>"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_PATH, format="turtle")


def turtle(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def edited(remove: str = "", add: str = "") -> Graph:
    """The valid sample graph with some triples taken out and others put in."""
    graph = turtle(VALID)
    if remove:
        for triple in turtle(remove):
            assert triple in graph, f"the valid sample has no triple {triple}"
            graph.remove(triple)
    if add:
        graph += turtle(add)
    return graph


def validate(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, list[str]]:
    """Validate as the pipeline does; return whether the graph conforms and the messages."""
    conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
    )
    messages = [str(message) for message in report.objects(None, SH.resultMessage)]
    return conforms, messages


def test_valid_sample_conforms(shapes: Graph, ontology: Graph) -> None:
    conforms, messages = validate(turtle(VALID), shapes, ontology)
    assert conforms, messages


def test_validation_leaves_the_data_graph_untouched(shapes: Graph, ontology: Graph) -> None:
    data = turtle(VALID)
    size = len(data)
    validate(data, shapes, ontology)
    assert len(data) == size


def test_validation_needs_the_ontology_for_the_class_hierarchy(shapes: Graph) -> None:
    # Without the ontology an international organisation is not known to be an organisation.
    conforms, report, _text = pyshacl.validate(turtle(VALID), shacl_graph=shapes, inference="none", advanced=True)
    assert not conforms
    messages = {str(m) for m in report.objects(None, SH.resultMessage)}
    assert any("must be a ctkg:Organisation" in m for m in messages), messages


def test_held_meeting_with_one_party_is_accepted_when_the_text_names_only_one(shapes: Graph, ontology: Graph) -> None:
    data = edited(
        add=f"""
        <https://w3id.org/ctkg/id/meeting/pakistan-counter-terrorism-review-2024> a ctkg:Meeting ;
            rdfs:label "Pakistan counter-terrorism review 2024"@en ;
            ctkg:status ctkg:Held ;
            ctkg:participant {PAK} ;
            ctkg:namedParties "1"^^xsd:nonNegativeInteger ;
            ctkg:source {ARTICLE} ;
            ctkg:evidence "Pakistan held talks on counter-terrorism." .
        """
    )
    conforms, messages = validate(data, shapes, ontology)
    assert conforms, messages


def test_a_planned_meeting_may_name_a_single_party(shapes: Graph, ontology: Graph) -> None:
    # The planned 11th meeting of the sample names no participant at all.
    conforms, messages = validate(turtle(VALID), shapes, ontology)
    assert conforms, messages


@pytest.mark.parametrize(
    "date",
    ['"2024-05-16"^^xsd:date', '"2024-05"^^xsd:gYearMonth', '"2024"^^xsd:gYear', '"--05-16"^^xsd:gMonthDay'],
    ids=["date", "year-month", "year", "month-day"],
)
def test_every_date_precision_is_accepted(date: str, shapes: Graph, ontology: Graph) -> None:
    # This also catches rdflib's literal converters being left changed by an earlier OWL RL run.
    data = edited(remove=f'{M10} ctkg:date "2024-05-16"^^xsd:date .', add=f"{M10} ctkg:date {date} .")
    conforms, messages = validate(data, shapes, ontology)
    assert conforms, messages


ONE_PARTY_MEETING = f"""
<https://w3id.org/ctkg/id/meeting/pakistan-counter-terrorism-review-2024> a ctkg:Meeting ;
    rdfs:label "Pakistan counter-terrorism review 2024"@en ;
    ctkg:status ctkg:Held ;
    ctkg:participant {PAK} ;
    ctkg:source {ARTICLE} ;
    ctkg:evidence "Pakistan held talks on counter-terrorism." .
"""

# (case id, triples to remove from the valid sample, triples to add, expected message substring)
BROKEN = [
    (
        "meeting-without-source",
        f"{M10} ctkg:source {ARTICLE} .",
        "",
        "must say which article it was read from",
    ),
    (
        "meeting-without-evidence",
        f'{M10} ctkg:evidence "The 10th meeting of the Joint Working Group on Counter-Terrorism was held in Moscow." .',
        "",
        "must quote the sentence it was read from",
    ),
    (
        "two-preferred-names",
        "",
        f'{PAK} rdfs:label "Islamic Republic of Pakistan"@en .',
        "exactly one preferred name",
    ),
    (
        "label-without-language",
        f'{PAK} rdfs:label "Pakistan"@en .',
        f'{PAK} rdfs:label "Pakistan" .',
        "tagged as English",
    ),
    (
        "label-in-another-language",
        f'{PAK} rdfs:label "Pakistan"@en .',
        f'{PAK} rdfs:label "Pakistan"@de .',
        "tagged as English",
    ),
    (
        "ordinal-zero",
        f'{M10} ctkg:ordinal "10"^^xsd:positiveInteger .',
        f'{M10} ctkg:ordinal "0"^^xsd:positiveInteger .',
        "a whole number of 1 or more",
    ),
    (
        "ordinal-as-text",
        f'{M10} ctkg:ordinal "10"^^xsd:positiveInteger .',
        f'{M10} ctkg:ordinal "tenth" .',
        "a whole number of 1 or more",
    ),
    (
        "state-iri-not-iso-code",
        "",
        '<https://w3id.org/ctkg/id/state/pakistan> a ctkg:State ; rdfs:label "Pakistan"@en ; ctkg:isoCode "PAK" .',
        "three-letter ISO code in capitals",
    ),
    (
        "iso-code-lower-case",
        f'{PAK} ctkg:isoCode "PAK" .',
        f'{PAK} ctkg:isoCode "pak" .',
        "exactly one ISO 3166-1 alpha-3 code",
    ),
    (
        "head-of-delegation-not-representing-a-participant",
        "",
        f"""
        <https://w3id.org/ctkg/id/state/USA> a ctkg:State ; rdfs:label "United States"@en ;
            ctkg:isoCode "USA" .
        <https://w3id.org/ctkg/id/person/john-smith> a ctkg:Official ; rdfs:label "John Smith"@en ;
            ctkg:title "Coordinator for Counterterrorism" ;
            ctkg:represents <https://w3id.org/ctkg/id/state/USA> ;
            ctkg:mentionedIn {ARTICLE} .
        {M10} ctkg:headOfDelegation <https://w3id.org/ctkg/id/person/john-smith> .
        """,
        "represents no state or organisation recorded as taking part",
    ),
    (
        "held-meeting-with-one-party",
        "",
        ONE_PARTY_MEETING,
        "A held meeting must name at least two parties",
    ),
    (
        "ordinals-decrease-along-next-meeting",
        f'{M11} ctkg:ordinal "11"^^xsd:positiveInteger .',
        f'{M11} ctkg:ordinal "9"^^xsd:positiveInteger .',
        "Session numbers must go up",
    ),
    (
        "next-meeting-of-another-body",
        f"{M11} ctkg:meetingOf <https://w3id.org/ctkg/id/body/pakistan-russia-jwg-counter-terrorism> .",
        f"""
        <https://w3id.org/ctkg/id/body/pakistan-china-strategic-dialogue> a ctkg:WorkingGroup ;
            rdfs:label "Pakistan-China Strategic Dialogue"@en .
        {M11} ctkg:meetingOf <https://w3id.org/ctkg/id/body/pakistan-china-strategic-dialogue> .
        """,
        "must be a session of the same body",
    ),
    (
        "killed-negative",
        f'{ATTACK} ctkg:killed "145"^^xsd:nonNegativeInteger .',
        f'{ATTACK} ctkg:killed "-3"^^xsd:integer .',
        "death toll (ctkg:killed), a whole number of 0 or more",
    ),
    (
        "killed-qualifier-approximately",
        f'{ATTACK} ctkg:killedQualifier "more than" .',
        f'{ATTACK} ctkg:killedQualifier "approximately" .',
        'can only be "at least" or "more than"',
    ),
    (
        "planned-meeting-with-a-held-date",
        "",
        f'{M11} ctkg:date "2025-03-01"^^xsd:date .',
        "A planned meeting cannot have a date",
    ),
    (
        "participant-is-a-threat-group",
        "",
        f"{M10} ctkg:participant {ISKP} .",
        "must be a ctkg:State",
    ),
    (
        "meeting-without-status",
        f"{M11} ctkg:status ctkg:Planned .",
        "",
        "must say whether it was held or is planned",
    ),
    (
        "meeting-both-held-and-planned",
        "",
        f"{M11} ctkg:status ctkg:Held .",
        "must say whether it was held or is planned",
    ),
    (
        "date-as-plain-text",
        f'{M10} ctkg:date "2024-05-16"^^xsd:date .',
        f'{M10} ctkg:date "16 May 2024" .',
        "at most one date",
    ),
    (
        "article-without-content-hash",
        f'{ARTICLE} ctkg:contentHash "3f2a9c0d4e5b6a7f8091a2b3c4d5e6f708192a3b" .',
        "",
        "exactly one content hash",
    ),
    (
        "official-without-title",
        '<https://w3id.org/ctkg/id/person/ahmed-khan> ctkg:title "Additional Secretary" .',
        "",
        "at least one title",
    ),
    (
        "place-of-meeting-is-a-state",
        f"{M10} ctkg:place <https://w3id.org/ctkg/id/place/moscow> .",
        f"{M10} ctkg:place {RUS} .",
        "must be a ctkg:Place",
    ),
    (
        "attack-claimed-by-a-state",
        f"{ATTACK} ctkg:claimedBy {ISKP} .",
        f"{ATTACK} ctkg:claimedBy {PAK} .",
        "Only an armed group (ctkg:ThreatGroup) can claim an attack",
    ),
    (
        "threat-group-iri-outside-group",
        "",
        '<https://w3id.org/ctkg/id/org/lashkar-e-taiba> a ctkg:ThreatGroup ; rdfs:label "Lashkar-e-Taiba"@en .',
        "identifier must be https://w3id.org/ctkg/id/group/",
    ),
]


@pytest.mark.parametrize(
    ("remove", "add", "expected"),
    [pytest.param(remove, add, expected, id=case) for case, remove, add, expected in BROKEN],
)
def test_broken_graph_is_rejected(remove: str, add: str, expected: str, shapes: Graph, ontology: Graph) -> None:
    conforms, messages = validate(edited(remove=remove, add=add), shapes, ontology)
    assert not conforms
    assert any(expected in message for message in messages), messages


def test_there_are_at_least_ten_broken_cases() -> None:
    assert len(BROKEN) >= 10
    assert len({case for case, *_ in BROKEN}) == len(BROKEN)


def test_every_ontology_class_has_a_shape(shapes: Graph, ontology: Graph) -> None:
    classes = {c for c in ontology.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class"))}
    ctkg_classes = {c for c in classes if isinstance(c, URIRef) and str(c).startswith(str(CTKG))}
    targeted = set(shapes.objects(None, SH.targetClass))
    assert ctkg_classes <= targeted, ctkg_classes - targeted
    assert targeted <= ctkg_classes, targeted - ctkg_classes


def test_every_ctkg_term_in_the_shapes_is_defined_in_the_ontology(shapes: Graph, ontology: Graph) -> None:
    used = {
        term for triple in shapes for term in triple if isinstance(term, URIRef) and str(term).startswith(str(CTKG))
    }
    defined = set(ontology.subjects())
    assert used <= defined, used - defined


def test_every_constraint_speaks_plainly(shapes: Graph) -> None:
    """Every node shape, property shape and SPARQL check carries a message without SHACL jargon."""
    checked = (
        set(shapes.subjects(RDF.type, SH.NodeShape))
        | set(shapes.subjects(RDF.type, SH.PropertyShape))
        | set(shapes.objects(None, SH.property))
        | set(shapes.objects(None, SH.sparql))
    )
    assert checked
    jargon = ("focus node", "value node", "sh:", "minCount", "maxCount", "constraint", "shape")
    for node in checked:
        messages = [str(m) for m in shapes.objects(node, SH.message)]
        assert messages, f"{node} has no message"
        for message in messages:
            assert not any(word in message for word in jargon), message


def test_sparql_checks_read_the_bound_meeting_only(shapes: Graph) -> None:
    """The cross-node checks start from the meeting being checked; only partOf may be followed freely."""
    for select in shapes.objects(None, SH.select):
        text = str(select)
        assert "$this" in text
        assert "*" not in text.replace("ctkg:partOf*", "")
        assert "+" not in text


def test_qualifier_values_are_plain_strings(shapes: Graph) -> None:
    """The allowed qualifiers are plain strings, so that "at least"@en would also be flagged."""
    for path in (CTKG.killedQualifier, CTKG.injuredQualifier):
        allowed = {
            value
            for shape in shapes.subjects(SH.path, path)
            for head in shapes.objects(shape, SH["in"])
            for value in shapes.items(head)
        }
        assert allowed == {Literal("at least"), Literal("more than")}
