"""The ontology defines every promised term, parses everywhere, and is consistent with real data.

The contract terms below are the names users write SPARQL against; each must keep
exactly this IRI, an English label, an English comment and the alignment given.
"""

from __future__ import annotations

from pathlib import Path

import owlrl
import pyoxigraph
import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import _toPythonMapping

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_PATH = ROOT / "ontology" / "ctkg.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/ctkg/ontology")

CTKG = Namespace("https://w3id.org/ctkg/ontology#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
# owlrl records inconsistencies as error messages in this vocabulary.
OWLRL_ERROR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

DATES = frozenset({XSD.date, XSD.gYearMonth, XSD.gYear, XSD.gMonthDay})

# Contract classes and the classes each must be a subclass of (exactly these).
CONTRACT_CLASSES = {
    CTKG.Article: {SCHEMA.NewsArticle, PROV.Entity},
    CTKG.State: {SCHEMA.Country},
    CTKG.Official: {SCHEMA.Person, FOAF.Person},
    CTKG.Organisation: {ORG.Organization},
    CTKG.InternationalOrganisation: {CTKG.Organisation},
    CTKG.GovernmentBody: {CTKG.Organisation},
    CTKG.WorkingGroup: {CTKG.Organisation},
    CTKG.ThreatGroup: {CTKG.Organisation},
    CTKG.Place: {SCHEMA.Place},
    CTKG.Meeting: {SCHEMA.Event, SEM.Event},
    CTKG.Attack: {SCHEMA.Event, SEM.Event},
}

# Contract properties: (domain, range), each a set of classes or datatypes (a union when there are
# several); an empty domain means the property may be said of anything and has no rdfs:domain.
CONTRACT_PROPERTIES = {
    CTKG.mentionedIn: (set(), {CTKG.Article}),
    CTKG.source: (set(), {CTKG.Article}),
    CTKG.evidence: (set(), {XSD.string}),
    CTKG.isoCode: ({CTKG.State}, {XSD.string}),
    CTKG.meetingOf: ({CTKG.Meeting}, {CTKG.WorkingGroup}),
    CTKG.ordinal: ({CTKG.Meeting}, {XSD.positiveInteger}),
    CTKG.date: ({CTKG.Meeting, CTKG.Attack}, set(DATES)),
    CTKG.place: ({CTKG.Meeting, CTKG.Attack}, {CTKG.Place}),
    CTKG.locatedIn: ({CTKG.Place}, {CTKG.Place, CTKG.State}),
    CTKG.participant: ({CTKG.Meeting}, {CTKG.State}),
    CTKG.headOfDelegation: ({CTKG.Meeting}, {CTKG.Official}),
    CTKG.represents: ({CTKG.Official}, {CTKG.State}),
    CTKG.title: ({CTKG.Official}, {XSD.string}),
    CTKG.threatDiscussed: ({CTKG.Meeting}, {CTKG.ThreatGroup}),
    CTKG.forum: ({CTKG.Meeting}, {CTKG.InternationalOrganisation}),
    CTKG.nextMeeting: ({CTKG.Meeting}, {CTKG.Meeting}),
    CTKG.claimedBy: ({CTKG.Attack}, {CTKG.ThreatGroup}),
    CTKG.killed: ({CTKG.Attack}, {XSD.nonNegativeInteger}),
    CTKG.threatens: ({CTKG.ThreatGroup}, {CTKG.State}),
    CTKG.memberOf: ({CTKG.State}, {CTKG.InternationalOrganisation}),
    CTKG.cooperatesWith: ({CTKG.State}, {CTKG.State}),
}

# Terms the product adds beyond the contract, with the same kind of alignment.
PRODUCT_PROPERTIES = {
    CTKG.status: ({CTKG.Meeting}, {CTKG.MeetingStatus}),
    CTKG.plannedDate: ({CTKG.Meeting}, set(DATES)),
    CTKG.host: ({CTKG.Meeting}, {CTKG.State}),
    CTKG.participatingOrganisation: ({CTKG.Meeting}, {CTKG.Organisation}),
    CTKG.chairedBy: ({CTKG.Meeting}, {CTKG.State, CTKG.Organisation}),
    CTKG.namedParties: ({CTKG.Meeting}, {XSD.nonNegativeInteger}),
    CTKG.previousMeeting: ({CTKG.Meeting}, {CTKG.Meeting}),
    CTKG.representsOrganisation: ({CTKG.Official}, {CTKG.Organisation}),
    CTKG.worksFor: ({CTKG.Official}, {CTKG.Organisation}),
    CTKG.partOf: ({CTKG.Organisation}, {CTKG.State, CTKG.Organisation}),
    CTKG.parentGroup: ({CTKG.ThreatGroup}, {CTKG.ThreatGroup}),
    CTKG.injured: ({CTKG.Attack}, {XSD.nonNegativeInteger}),
    CTKG.killedQualifier: ({CTKG.Attack}, {XSD.string}),
    CTKG.injuredQualifier: ({CTKG.Attack}, {XSD.string}),
    CTKG.near: ({CTKG.Attack, CTKG.Place}, {CTKG.Place}),
    CTKG.claimedResponsibility: ({CTKG.ThreatGroup}, {CTKG.Attack}),
    CTKG.attributedTo: ({CTKG.Attack}, {CTKG.ThreatGroup}),
    CTKG.deniedBy: ({CTKG.Attack}, {CTKG.ThreatGroup}),
    CTKG.capital: ({CTKG.State}, {CTKG.Place}),
    CTKG.demonym: ({CTKG.State}, {XSD.string}),
    CTKG.dateline: ({CTKG.Article}, {CTKG.Place}),
    CTKG.contentHash: ({CTKG.Article}, {XSD.string}),
    CTKG.fileName: ({CTKG.Article}, {XSD.string}),
    CTKG.sourceName: ({CTKG.Article}, {XSD.string}),
}

DATATYPE_RANGES = {XSD.string, XSD.positiveInteger, XSD.nonNegativeInteger} | DATES

# A realistic graph as the pipeline writes it: two states meet in a numbered working group,
# announce the next session, and an attack is claimed by a group discussed at the meeting.
SAMPLE = """
@prefix ctkg:   <https://w3id.org/ctkg/ontology#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix id:     <https://w3id.org/ctkg/id/> .

<https://w3id.org/ctkg/id/article/app-2024-05-17-ct-talks> a ctkg:Article ;
    schema:headline "Pakistan, Russia review counter-terrorism cooperation" ;
    schema:datePublished "2024-05-17"^^xsd:date ;
    schema:url <https://example.org/news/ct-talks> ;
    ctkg:contentHash "9b1c7e" ; ctkg:fileName "app-2024-05-17.txt" ; ctkg:sourceName "APP" ;
    ctkg:dateline <https://w3id.org/ctkg/id/place/islamabad> .

<https://w3id.org/ctkg/id/state/PAK> a ctkg:State ; rdfs:label "Pakistan"@en ;
    skos:altLabel "Islamic Republic of Pakistan" ;
    ctkg:isoCode "PAK" ; ctkg:demonym "Pakistani" ;
    ctkg:capital <https://w3id.org/ctkg/id/place/islamabad> ;
    ctkg:memberOf <https://w3id.org/ctkg/id/org/sco> ;
    ctkg:cooperatesWith <https://w3id.org/ctkg/id/state/RUS> ;
    ctkg:mentionedIn <https://w3id.org/ctkg/id/article/app-2024-05-17-ct-talks> .
<https://w3id.org/ctkg/id/state/RUS> a ctkg:State ; rdfs:label "Russia"@en ; ctkg:isoCode "RUS" ;
    ctkg:memberOf <https://w3id.org/ctkg/id/org/sco> .
<https://w3id.org/ctkg/id/state/KGZ> a ctkg:State ; rdfs:label "Kyrgyzstan"@en ; ctkg:isoCode "KGZ" .

<https://w3id.org/ctkg/id/org/sco> a ctkg:InternationalOrganisation ;
    rdfs:label "Shanghai Cooperation Organisation"@en .
<https://w3id.org/ctkg/id/org/sco-rats-executive-committee> a ctkg:InternationalOrganisation ;
    rdfs:label "Executive Committee of the SCO Regional Anti-Terrorist Structure"@en ;
    ctkg:partOf <https://w3id.org/ctkg/id/org/sco> .
<https://w3id.org/ctkg/id/org/pakistan-ministry-of-foreign-affairs> a ctkg:GovernmentBody ;
    rdfs:label "Ministry of Foreign Affairs of Pakistan"@en ;
    ctkg:partOf <https://w3id.org/ctkg/id/state/PAK> .
<https://w3id.org/ctkg/id/org/pakistan-counter-terrorism-wing> a ctkg:GovernmentBody ;
    rdfs:label "Counter-Terrorism Wing"@en ;
    ctkg:partOf <https://w3id.org/ctkg/id/org/pakistan-ministry-of-foreign-affairs> .
<https://w3id.org/ctkg/id/body/pakistan-russia-jwg-counter-terrorism> a ctkg:WorkingGroup ;
    rdfs:label "Pakistan-Russia Joint Working Group on Counter-Terrorism"@en .

<https://w3id.org/ctkg/id/group/islamic-state> a ctkg:ThreatGroup ; rdfs:label "Islamic State"@en .
<https://w3id.org/ctkg/id/group/islamic-state-khorasan-province> a ctkg:ThreatGroup ;
    rdfs:label "Islamic State Khorasan Province"@en ;
    ctkg:parentGroup <https://w3id.org/ctkg/id/group/islamic-state> ;
    ctkg:threatens <https://w3id.org/ctkg/id/state/PAK> .
<https://w3id.org/ctkg/id/group/tehrik-i-taliban-pakistan> a ctkg:ThreatGroup ;
    rdfs:label "Tehrik-i-Taliban Pakistan"@en .

<https://w3id.org/ctkg/id/place/islamabad> a ctkg:Place ; rdfs:label "Islamabad"@en ;
    ctkg:locatedIn <https://w3id.org/ctkg/id/state/PAK> .
<https://w3id.org/ctkg/id/place/islamabad-serena-hotel> a ctkg:Place ; rdfs:label "Serena Hotel"@en ;
    ctkg:locatedIn <https://w3id.org/ctkg/id/place/islamabad> .
<https://w3id.org/ctkg/id/place/peshawar> a ctkg:Place ; rdfs:label "Peshawar"@en ;
    ctkg:locatedIn <https://w3id.org/ctkg/id/state/PAK> .
<https://w3id.org/ctkg/id/place/bannu> a ctkg:Place ; rdfs:label "Bannu"@en ;
    ctkg:locatedIn <https://w3id.org/ctkg/id/state/PAK> ;
    ctkg:near <https://w3id.org/ctkg/id/place/peshawar> .

<https://w3id.org/ctkg/id/person/sergey-vershinin> a ctkg:Official ; rdfs:label "Sergey Vershinin"@en ;
    ctkg:title "Deputy Foreign Minister" ; ctkg:represents <https://w3id.org/ctkg/id/state/RUS> .
<https://w3id.org/ctkg/id/person/ahmed-khan> a ctkg:Official ; rdfs:label "Ahmed Khan"@en ;
    ctkg:title "Additional Secretary" ; ctkg:represents <https://w3id.org/ctkg/id/state/PAK> ;
    ctkg:worksFor <https://w3id.org/ctkg/id/org/pakistan-counter-terrorism-wing> .
<https://w3id.org/ctkg/id/person/eu-coordinator> a ctkg:Official ; rdfs:label "EU Coordinator"@en ;
    ctkg:title "Counter-Terrorism Coordinator" ;
    ctkg:representsOrganisation <https://w3id.org/ctkg/id/org/sco> .

<https://w3id.org/ctkg/id/meeting/pakistan-russia-jwg-counter-terrorism-10> a ctkg:Meeting ;
    rdfs:label "10th meeting of the Pakistan-Russia JWG on Counter-Terrorism"@en ;
    ctkg:status ctkg:Held ; ctkg:ordinal "10"^^xsd:positiveInteger ;
    ctkg:date "2024-05-16"^^xsd:date ;
    ctkg:place <https://w3id.org/ctkg/id/place/islamabad-serena-hotel> ;
    ctkg:meetingOf <https://w3id.org/ctkg/id/body/pakistan-russia-jwg-counter-terrorism> ;
    ctkg:participant <https://w3id.org/ctkg/id/state/PAK> , <https://w3id.org/ctkg/id/state/RUS> ;
    ctkg:participatingOrganisation <https://w3id.org/ctkg/id/org/sco-rats-executive-committee> ;
    ctkg:headOfDelegation <https://w3id.org/ctkg/id/person/sergey-vershinin> ,
                          <https://w3id.org/ctkg/id/person/ahmed-khan> ;
    ctkg:chairedBy <https://w3id.org/ctkg/id/state/KGZ> ;
    ctkg:threatDiscussed <https://w3id.org/ctkg/id/group/islamic-state-khorasan-province> ;
    ctkg:forum <https://w3id.org/ctkg/id/org/sco> ;
    ctkg:nextMeeting <https://w3id.org/ctkg/id/meeting/pakistan-russia-jwg-counter-terrorism-11> ;
    ctkg:source <https://w3id.org/ctkg/id/article/app-2024-05-17-ct-talks> ;
    ctkg:evidence "The 10th meeting of the Joint Working Group was held in Islamabad." .
<https://w3id.org/ctkg/id/meeting/pakistan-russia-jwg-counter-terrorism-11> a ctkg:Meeting ;
    rdfs:label "11th meeting of the Pakistan-Russia JWG on Counter-Terrorism"@en ;
    ctkg:status ctkg:Planned ; ctkg:ordinal "11"^^xsd:positiveInteger ;
    ctkg:plannedDate "2025"^^xsd:gYear ; ctkg:host <https://w3id.org/ctkg/id/state/RUS> ;
    ctkg:meetingOf <https://w3id.org/ctkg/id/body/pakistan-russia-jwg-counter-terrorism> ;
    ctkg:source <https://w3id.org/ctkg/id/article/app-2024-05-17-ct-talks> ;
    ctkg:evidence "The next meeting will be held in Moscow in 2025." .
<https://w3id.org/ctkg/id/meeting/pakistan-review-2024> a ctkg:Meeting ;
    rdfs:label "Pakistan counter-terrorism review"@en ;
    ctkg:status ctkg:Held ; ctkg:date "--05-02"^^xsd:gMonthDay ;
    ctkg:participant <https://w3id.org/ctkg/id/state/PAK> ;
    ctkg:namedParties "1"^^xsd:nonNegativeInteger ;
    ctkg:source <https://w3id.org/ctkg/id/article/app-2024-05-17-ct-talks> ;
    ctkg:evidence "Pakistan reviewed its counter-terrorism cooperation." .

<https://w3id.org/ctkg/id/attack/bannu-cantonment-2024-03> a ctkg:Attack ;
    rdfs:label "Bannu cantonment attack"@en ;
    ctkg:date "2024-03"^^xsd:gYearMonth ;
    ctkg:place <https://w3id.org/ctkg/id/place/bannu> ;
    ctkg:near <https://w3id.org/ctkg/id/place/peshawar> ;
    ctkg:killed "8"^^xsd:nonNegativeInteger ; ctkg:killedQualifier "at least" ;
    ctkg:injured "20"^^xsd:nonNegativeInteger ; ctkg:injuredQualifier "more than" ;
    ctkg:claimedBy <https://w3id.org/ctkg/id/group/islamic-state-khorasan-province> ;
    ctkg:attributedTo <https://w3id.org/ctkg/id/group/islamic-state> ;
    ctkg:deniedBy <https://w3id.org/ctkg/id/group/tehrik-i-taliban-pakistan> ;
    ctkg:source <https://w3id.org/ctkg/id/article/app-2024-05-17-ct-talks> ;
    ctkg:evidence "At least eight people were killed in the attack in Bannu." .
"""

ID = Namespace("https://w3id.org/ctkg/id/")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


def members(graph: Graph, node: URIRef | BNode | None) -> set:
    """The classes or datatypes a domain or range stands for: the node itself, or its union."""
    if node is None:
        return set()
    union = graph.value(node, OWL.unionOf)
    if union is not None:
        return set(graph.items(union))
    return {node}


def english(graph: Graph, term: URIRef, predicate: URIRef) -> list[Literal]:
    return [o for o in graph.objects(term, predicate) if isinstance(o, Literal) and o.language == "en"]


def closure_problems(graph: Graph) -> list[str]:
    """Run the OWL 2 RL closure in place and return every inconsistency it finds.

    owlrl swaps its own literal converters into rdflib while it runs and, on the way out, restores
    only the ones rdflib itself defines: its converter for xsd:gMonthDay stays behind and rejects
    the valid form "--05-17", so later SHACL checks in the same process would call such dates
    ill-formed. The converters are therefore put back exactly as they were.
    """
    saved = dict(_toPythonMapping)
    try:
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(saved)
    problems = [str(message) for message in graph.objects(None, OWLRL_ERROR.error)]
    problems += [f"{node} is a member of owl:Nothing" for node in graph.subjects(RDF.type, OWL.Nothing)]
    return problems


# --- parsing --------------------------------------------------------------------------------------


def test_parses_with_rdflib(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert len(ontology) > 300


def test_parses_with_pyoxigraph(ontology: Graph) -> None:
    store = pyoxigraph.Store()
    store.load(path=str(ONTOLOGY_PATH), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(ontology)
    classes = {
        row["c"].value
        for row in store.query(
            "PREFIX owl: <http://www.w3.org/2002/07/owl#> SELECT ?c WHERE { ?c a owl:Class . FILTER isIRI(?c) }"
        )
    }
    assert {str(c) for c in CONTRACT_CLASSES} <= classes


def test_ontology_header(ontology: Graph) -> None:
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    assert english(ontology, ONTOLOGY_IRI, DCTERMS.title)
    assert english(ontology, ONTOLOGY_IRI, DCTERMS.description)
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")


def test_prefixes_are_declared() -> None:
    text = ONTOLOGY_PATH.read_text(encoding="utf-8")
    for prefix in ("schema", "org", "foaf", "sem", "prov", "skos", "dcterms", "xsd", "owl", "rdfs", "ctkg"):
        assert f"@prefix {prefix}:" in text, prefix


# --- terms ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("term", sorted(CONTRACT_CLASSES), ids=lambda t: t.fragment)
def test_contract_class(ontology: Graph, term: URIRef) -> None:
    assert (term, RDF.type, OWL.Class) in ontology
    assert len(english(ontology, term, RDFS.label)) == 1
    assert english(ontology, term, RDFS.comment)
    assert set(ontology.objects(term, RDFS.subClassOf)) == CONTRACT_CLASSES[term]


@pytest.mark.parametrize("term", sorted(CONTRACT_PROPERTIES) + sorted(PRODUCT_PROPERTIES), ids=lambda t: t.fragment)
def test_property(ontology: Graph, term: URIRef) -> None:
    domain, range_ = {**CONTRACT_PROPERTIES, **PRODUCT_PROPERTIES}[term]
    assert len(english(ontology, term, RDFS.label)) == 1
    assert english(ontology, term, RDFS.comment)
    kind = OWL.DatatypeProperty if range_ <= DATATYPE_RANGES else OWL.ObjectProperty
    assert (term, RDF.type, kind) in ontology
    domains = list(ontology.objects(term, RDFS.domain))
    ranges = list(ontology.objects(term, RDFS.range))
    assert len(domains) <= 1 and len(ranges) == 1
    assert members(ontology, domains[0] if domains else None) == domain
    assert members(ontology, ranges[0]) == range_


def test_every_ctkg_term_has_english_label_and_comment(ontology: Graph) -> None:
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(CTKG))}
    assert terms >= set(CONTRACT_CLASSES) | set(CONTRACT_PROPERTIES) | set(PRODUCT_PROPERTIES)
    for term in terms:
        assert len(english(ontology, term, RDFS.label)) == 1, term
        assert english(ontology, term, RDFS.comment), term


def test_alt_label_is_an_annotation_property(ontology: Graph) -> None:
    assert (SKOS.altLabel, RDF.type, OWL.AnnotationProperty) in ontology


def test_meeting_status(ontology: Graph) -> None:
    assert (CTKG.MeetingStatus, RDF.type, OWL.Class) in ontology
    for individual, label in ((CTKG.Held, "held"), (CTKG.Planned, "planned")):
        assert (individual, RDF.type, OWL.NamedIndividual) in ontology
        assert (individual, RDF.type, CTKG.MeetingStatus) in ontology
        assert english(ontology, individual, RDFS.label) == [Literal(label, lang="en")]
    assert (CTKG.Held, OWL.differentFrom, CTKG.Planned) in ontology
    assert (CTKG.status, RDF.type, OWL.FunctionalProperty) in ontology


def test_property_characteristics(ontology: Graph) -> None:
    assert (CTKG.cooperatesWith, RDF.type, OWL.SymmetricProperty) in ontology
    assert ontology.value(CTKG.cooperatesWith, OWL.propertyChainAxiom) is None
    assert (CTKG.locatedIn, RDF.type, OWL.TransitiveProperty) in ontology
    assert (CTKG.partOf, RDF.type, OWL.TransitiveProperty) in ontology
    assert (CTKG.previousMeeting, OWL.inverseOf, CTKG.nextMeeting) in ontology
    assert (CTKG.claimedResponsibility, OWL.inverseOf, CTKG.claimedBy) in ontology


def test_disjointness(ontology: Graph) -> None:
    groups = [
        set(ontology.items(ontology.value(node, OWL.members)))
        for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses)
    ]
    top = {
        CTKG.Article,
        CTKG.State,
        CTKG.Official,
        CTKG.Organisation,
        CTKG.Place,
        CTKG.Meeting,
        CTKG.Attack,
        CTKG.MeetingStatus,
    }
    kinds = {CTKG.InternationalOrganisation, CTKG.GovernmentBody, CTKG.WorkingGroup, CTKG.ThreatGroup}
    assert top in groups
    assert kinds in groups


# --- consistency ----------------------------------------------------------------------------------


def test_sample_data_is_consistent_under_owl_rl(ontology: Graph) -> None:
    graph = ontology + Graph().parse(data=SAMPLE, format="turtle")
    assert closure_problems(graph) == []
    assert not Literal("--05-17", datatype=XSD.gMonthDay).ill_typed
    # The characteristics of the properties do what they say.
    m10 = ID["meeting/pakistan-russia-jwg-counter-terrorism-10"]
    m11 = ID["meeting/pakistan-russia-jwg-counter-terrorism-11"]
    assert (m11, CTKG.previousMeeting, m10) in graph
    assert (ID["state/RUS"], CTKG.cooperatesWith, ID["state/PAK"]) in graph
    assert (ID["place/islamabad-serena-hotel"], CTKG.locatedIn, ID["state/PAK"]) in graph
    assert (ID["org/pakistan-counter-terrorism-wing"], CTKG.partOf, ID["state/PAK"]) in graph
    assert (
        ID["group/islamic-state-khorasan-province"],
        CTKG.claimedResponsibility,
        ID["attack/bannu-cantonment-2024-03"],
    ) in graph
    # A state stays a state and never becomes a place.
    assert (ID["state/PAK"], RDF.type, CTKG.Place) not in graph
    assert (ID["org/sco-rats-executive-committee"], RDF.type, CTKG.Organisation) in graph


INCONSISTENT = {
    "state-and-meeting": """
        <https://w3id.org/ctkg/id/state/PAK> a ctkg:Meeting .
    """,
    "working-group-and-threat-group": """
        <https://w3id.org/ctkg/id/body/pakistan-russia-jwg-counter-terrorism> a ctkg:ThreatGroup .
    """,
    "place-given-as-participant": """
        <https://w3id.org/ctkg/id/meeting/pakistan-review-2024>
            ctkg:participant <https://w3id.org/ctkg/id/place/peshawar> .
    """,
    "meeting-both-held-and-planned": """
        <https://w3id.org/ctkg/id/meeting/pakistan-review-2024> ctkg:status ctkg:Planned .
    """,
    "state-cooperating-with-itself": """
        <https://w3id.org/ctkg/id/state/PAK> ctkg:cooperatesWith <https://w3id.org/ctkg/id/state/PAK> .
    """,
    "attack-claimed-by-a-state": """
        <https://w3id.org/ctkg/id/attack/bannu-cantonment-2024-03>
            ctkg:claimedBy <https://w3id.org/ctkg/id/state/PAK> .
    """,
}


@pytest.mark.parametrize("extra", INCONSISTENT.values(), ids=INCONSISTENT.keys())
def test_inconsistent_data_is_detected(ontology: Graph, extra: str) -> None:
    graph = ontology + Graph().parse(data=SAMPLE, format="turtle")
    graph.parse(data="@prefix ctkg: <https://w3id.org/ctkg/ontology#> .\n" + extra, format="turtle")
    assert closure_problems(graph), "the OWL RL closure found no clash"
