"""Map: extractions and link decisions in, RDF under the ctkg ontology out.

Each article gets its own named graph holding what that article states, every fact-bearing node
with ``ctkg:source`` and ``ctkg:evidence``, every thing it names with ``ctkg:mentionedIn``. What
is true of a thing whichever article names it (its type, its one preferred label, reference facts
such as an ISO code) sits in a shared graph of entities, built from the keys the articles use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rdflib import RDF, RDFS, SKOS, XSD, Literal, URIRef
from rdflib.term import Node

from kg.gazetteer import City, Gazetteer
from kg.iri import DEFAULT_BASE
from kg.link import Linked
from kg.model import Entity, Extraction, PartialDate
from kg.vocab import CLASS_OF_KIND, CTKG, GEONAMES, SCHEMA

Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class Minter:
    base: str = DEFAULT_BASE

    def __call__(self, key: str) -> URIRef:
        return _term(self.base + key)

    def article(self, article_id: str) -> URIRef:
        return URIRef(f"{self.base}article/{article_id}")

    def graph(self, name: str) -> URIRef:
        return URIRef(f"{self.base}graph/{name}")


@lru_cache(maxsize=1 << 18)
def _term(iri: str) -> URIRef:
    """One term per IRI: the same things recur in every article's triples."""
    return URIRef(iri)


def date_literal(value: PartialDate) -> Literal:
    lexical, datatype = value.literal()
    return Literal(lexical, datatype=XSD[datatype])


def article_triples(ex: Extraction, linked: Linked, mint: Minter) -> Iterator[Triple]:
    """What one article states, for its own named graph."""
    art = ex.article
    node = mint.article(art.id)
    yield node, RDF.type, CTKG.Article
    yield node, CTKG.contentHash, Literal(art.content_hash)
    yield node, CTKG.fileName, Literal(art.path.replace("\\", "/").rsplit("/", 1)[-1])
    if art.title:
        yield node, SCHEMA.headline, Literal(art.title)
    if art.date:
        yield node, SCHEMA.datePublished, Literal(art.date.isoformat(), datatype=XSD.date)
    if art.url:
        yield node, SCHEMA.url, Literal(art.url, datatype=XSD.anyURI)
    if art.source:
        yield node, CTKG.sourceName, Literal(art.source)

    for key in sorted({m.key for m in ex.mentions}):
        yield mint(key), CTKG.mentionedIn, node

    for official in ex.officials:
        person = mint(official.key)
        for title in official.titles:
            yield person, CTKG.title, Literal(title)
        if official.state:
            yield person, CTKG.represents, mint(official.state)
        if official.party:
            yield person, CTKG.representsOrganisation, mint(official.party)
        if official.works_for:
            yield person, CTKG.worksFor, mint(official.works_for)

    for entity in ex.entities:
        # a city's country is reference data (entities graph); a venue's city is what the article says
        if entity.kind == "Place" and entity.located_in and not entity.located_in.startswith("state/"):
            yield mint(entity.key), CTKG.locatedIn, mint(entity.located_in)

    local_keys = {m.local: linked.meetings[(art.id, m.local)] for m in ex.meetings}
    for meeting in ex.meetings:
        ref = (art.id, meeting.local)
        key = local_keys[meeting.local]
        shared = linked.meeting_nodes[key]
        m = mint(key)
        yield m, CTKG.source, node
        for index in meeting.sentences:
            yield m, CTKG.evidence, Literal(ex.sentences[index].text)
        if meeting.body:
            yield m, CTKG.meetingOf, mint(meeting.body)
        if meeting.ordinal:
            yield m, CTKG.ordinal, Literal(meeting.ordinal, datatype=XSD.positiveInteger)
        if shared.date is not None and ref in shared.date_from:
            yield m, CTKG.date, date_literal(shared.date)
        if meeting.planned_date is not None:
            yield m, CTKG.plannedDate, date_literal(meeting.planned_date)
        if shared.place is not None and ref in shared.place_from:
            yield m, CTKG.place, mint(shared.place)
        for predicate, values in (
            (CTKG.participant, meeting.participants),
            (CTKG.participatingOrganisation, meeting.organisations),
            (CTKG.headOfDelegation, meeting.heads),
            (CTKG.threatDiscussed, meeting.threats),
            (CTKG.forum, meeting.forums),
        ):
            for value in values:
                yield m, predicate, mint(value)
        if meeting.host:
            yield m, CTKG.host, mint(meeting.host)
        if meeting.chair:
            yield m, CTKG.chairedBy, mint(meeting.chair)
        if meeting.next and meeting.next in local_keys:
            yield m, CTKG.nextMeeting, mint(local_keys[meeting.next])
        if meeting.named_parties is not None:
            yield m, CTKG.namedParties, Literal(meeting.named_parties, datatype=XSD.nonNegativeInteger)

    for attack in ex.attacks:
        ref = (art.id, attack.local)
        agreed = linked.attack_nodes[linked.attacks[ref]].kept
        a = mint(linked.attacks[ref])
        yield a, CTKG.source, node
        for index in attack.sentences:
            yield a, CTKG.evidence, Literal(ex.sentences[index].text)
        if attack.place:
            yield a, CTKG.place, mint(attack.place)
        if attack.near:
            yield a, CTKG.near, mint(attack.near)
        if attack.date and ("date", ref) in agreed:
            yield a, CTKG.date, date_literal(attack.date)
        if attack.killed is not None and ("killed", ref) in agreed:
            yield a, CTKG.killed, Literal(attack.killed, datatype=XSD.nonNegativeInteger)
            if attack.killed_qualifier:
                yield a, CTKG.killedQualifier, Literal(attack.killed_qualifier)
        if attack.injured is not None and ("injured", ref) in agreed:
            yield a, CTKG.injured, Literal(attack.injured, datatype=XSD.nonNegativeInteger)
            if attack.injured_qualifier:
                yield a, CTKG.injuredQualifier, Literal(attack.injured_qualifier)
        for group in attack.claimed_by:
            yield a, CTKG.claimedBy, mint(group)
        for group in attack.denied_by:
            yield a, CTKG.deniedBy, mint(group)

    for threat in ex.threats:
        yield mint(threat.group), CTKG.threatens, mint(threat.state)


def referenced_keys(graph: Iterable[tuple[Node, Node, Node]], mint: Minter) -> set[str]:
    base = mint.base
    keys = set()
    for s, _, o in graph:
        for term in (s, o):
            if isinstance(term, URIRef) and str(term).startswith(base):
                local = str(term)[len(base) :]
                if not local.startswith(("article/", "graph/")):
                    keys.add(local)
    return keys


def entity_triples(
    keys: Iterable[str], extractions: Iterable[Extraction], linked: Linked, gaz: Gazetteer, mint: Minter
) -> Iterator[Triple]:
    """Types, labels and reference facts of the things the articles refer to, and what they entail."""
    minted: dict[str, Entity] = {}
    for ex in sorted(extractions, key=lambda e: e.article.id):
        for entity in ex.entities:
            minted.setdefault(entity.key, entity)
    names = {o.key: o.name for ex in extractions for o in ex.officials}
    pending = sorted(set(keys))
    done: set[str] = set()
    while pending:
        key = pending.pop()
        if key in done:
            continue
        done.add(key)
        for triple in _describe(key, minted, names, linked, gaz, mint):
            yield triple
            for term in (triple[2],):
                if isinstance(term, URIRef) and str(term).startswith(mint.base):
                    other = str(term)[len(mint.base) :]
                    if other not in done and not other.startswith(("article/", "graph/")) and "#" not in other:
                        pending.append(other)


def _label(node: URIRef, text: str) -> Triple:
    return node, RDFS.label, Literal(text, lang="en")


@dataclass(frozen=True)
class Known:
    """What describing a thing may draw on: things minted from the texts, officials' names, link
    decisions, the gazetteer, and the minter."""

    minted: dict[str, Entity]
    names: dict[str, str]
    linked: Linked
    gaz: Gazetteer
    mint: Minter


def _describe(
    key: str, minted: dict[str, Entity], names: dict[str, str], linked: Linked, gaz: Gazetteer, mint: Minter
) -> Iterator[Triple]:
    kind, local = key.split("/", 1)
    describe = DESCRIBERS.get(kind)
    if describe is not None:
        yield from _with_name_keys(describe(key, local, mint(key), Known(minted, names, linked, gaz, mint)))


def _with_name_keys(triples: Iterable[Triple]) -> Iterator[Triple]:
    """Each name once more, in lower case, as ``ctkg:nameKey``: the lookups of the query library find
    a thing by a name given in any case without comparing every name in the store."""
    keys: set[str] = set()
    for triple in triples:
        yield triple
        if triple[1] in (RDFS.label, SKOS.altLabel) and (key := str(triple[2]).lower()) not in keys:
            keys.add(key)
            yield triple[0], CTKG.nameKey, Literal(key)


def _state(key: str, local: str, node: URIRef, known: Known) -> Iterator[Triple]:
    state = known.gaz.states.get(local)
    if state is None:
        return
    yield node, RDF.type, CTKG.State
    yield _label(node, state.name)
    yield node, CTKG.isoCode, Literal(state.iso3)
    yield from _alt_labels(node, state.name, (state.official_name, *state.alt_names))
    if state.geonameid:
        yield node, SKOS.exactMatch, URIRef(f"{GEONAMES}{state.geonameid}/")


def _organisation(key: str, local: str, node: URIRef, known: Known) -> Iterator[Triple]:
    org = known.gaz.organisations.get(local)
    if org is None:  # a ministry or embassy minted from the text
        entity = known.minted.get(key)
        if entity is not None:
            yield node, RDF.type, CTKG[entity.kind]
            yield _label(node, known.linked.labels.get(key, entity.label))
            if entity.part_of:
                yield node, CTKG.partOf, known.mint(entity.part_of)
        return
    yield node, RDF.type, CTKG[org.type]
    owner = known.gaz.states.get(org.state) if org.state else None
    label = f"{org.name} ({owner.name})" if owner and org.type == "GovernmentBody" else org.name
    yield _label(node, label)
    yield from _alt_labels(node, label, (org.name, org.long_name, *org.aliases))
    if org.part_of:
        yield node, CTKG.partOf, known.mint(f"org/{org.part_of}")
    if org.state:
        yield node, CTKG.partOf, known.mint(f"state/{org.state}")


def _group(key: str, local: str, node: URIRef, known: Known) -> Iterator[Triple]:
    group = known.gaz.groups.get(local)
    if group is None:
        return
    yield node, RDF.type, CTKG.ThreatGroup
    yield _label(node, group.name)
    yield from _alt_labels(node, group.name, group.aliases)
    if group.parent:
        yield node, CTKG.parentGroup, known.mint(f"group/{group.parent}")


def _person(key: str, local: str, node: URIRef, known: Known) -> Iterator[Triple]:
    yield node, RDF.type, CTKG.Official
    yield _label(node, known.names.get(key, local.replace("-", " ").title()))


def _body_or_place(key: str, local: str, node: URIRef, known: Known) -> Iterator[Triple]:
    entity = known.minted.get(key)
    city = _city(key, known.gaz)
    yield node, RDF.type, CLASS_OF_KIND[key.split("/", 1)[0]]
    label = known.linked.labels.get(key) or (entity.label if entity else city.name if city else local)
    yield _label(node, label)
    yield from _alt_labels(node, label, known.linked.alt_labels.get(key, []))
    if entity is not None and entity.part_of:
        yield node, CTKG.partOf, known.mint(entity.part_of)
    if city is not None:
        yield node, CTKG.locatedIn, known.mint(f"state/{city.iso3}")
        yield node, SKOS.exactMatch, URIRef(f"{GEONAMES}{city.geonameid}/")


def _meeting(key: str, local: str, node: URIRef, known: Known) -> Iterator[Triple]:
    shared = known.linked.meeting_nodes.get(key)
    if shared is None:
        return
    yield node, RDF.type, CTKG.Meeting
    yield _label(node, shared.label)
    yield node, CTKG.status, CTKG.Held if shared.status == "held" else CTKG.Planned


def _attack(key: str, local: str, node: URIRef, known: Known) -> Iterator[Triple]:
    shared = known.linked.attack_nodes.get(key)
    if shared is None:
        return
    yield node, RDF.type, CTKG.Attack
    yield _label(node, shared.label)
    yield from _alt_labels(node, shared.label, shared.alt_labels)


def _alt_labels(node: URIRef, label: str, names: Iterable[str]) -> Iterator[Triple]:
    """Every other name, once, as ``skos:altLabel``."""
    for alt in dict.fromkeys(names):
        if alt != label:
            yield node, SKOS.altLabel, Literal(alt)


DESCRIBERS: dict[str, Callable[[str, str, URIRef, Known], Iterator[Triple]]] = {
    "state": _state,
    "org": _organisation,
    "group": _group,
    "person": _person,
    "body": _body_or_place,
    "place": _body_or_place,
    "meeting": _meeting,
    "attack": _attack,
}


def _city(key: str, gaz: Gazetteer) -> City | None:
    return gaz.cities_by_key.get(key)
