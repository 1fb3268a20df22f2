"""The ``ctkg:`` vocabulary as a closed namespace: a typo in a term is an error, not a new IRI."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

SCHEMA = Namespace("https://schema.org/")
GEONAMES = "https://sws.geonames.org/"


class CTKG(DefinedNamespace):
    _NS = Namespace("https://w3id.org/ctkg/ontology#")
    _fail = True

    # classes
    Article: URIRef
    State: URIRef
    Official: URIRef
    Organisation: URIRef
    InternationalOrganisation: URIRef
    GovernmentBody: URIRef
    WorkingGroup: URIRef
    ThreatGroup: URIRef
    Place: URIRef
    Meeting: URIRef
    Attack: URIRef
    MeetingStatus: URIRef
    Held: URIRef
    Planned: URIRef
    # properties of the contract
    mentionedIn: URIRef
    source: URIRef
    evidence: URIRef
    isoCode: URIRef
    meetingOf: URIRef
    ordinal: URIRef
    date: URIRef
    place: URIRef
    locatedIn: URIRef
    participant: URIRef
    headOfDelegation: URIRef
    represents: URIRef
    title: URIRef
    threatDiscussed: URIRef
    forum: URIRef
    nextMeeting: URIRef
    claimedBy: URIRef
    killed: URIRef
    threatens: URIRef
    memberOf: URIRef
    cooperatesWith: URIRef
    # properties the product adds
    status: URIRef
    plannedDate: URIRef
    host: URIRef
    participatingOrganisation: URIRef
    chairedBy: URIRef
    namedParties: URIRef
    previousMeeting: URIRef
    representsOrganisation: URIRef
    worksFor: URIRef
    partOf: URIRef
    parentGroup: URIRef
    injured: URIRef
    killedQualifier: URIRef
    injuredQualifier: URIRef
    near: URIRef
    claimedResponsibility: URIRef
    attributedTo: URIRef
    deniedBy: URIRef
    capital: URIRef
    demonym: URIRef
    dateline: URIRef
    contentHash: URIRef
    fileName: URIRef
    sourceName: URIRef
    nameKey: URIRef


CLASS_OF_KIND = {
    "state": CTKG.State,
    "person": CTKG.Official,
    "group": CTKG.ThreatGroup,
    "body": CTKG.WorkingGroup,
    "place": CTKG.Place,
    "meeting": CTKG.Meeting,
    "attack": CTKG.Attack,
    "article": CTKG.Article,
}
