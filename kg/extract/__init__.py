"""Extract: one article in, everything it states out, as an ``Extraction``.

A pure function of the article's text and metadata (and the gazetteer), so that articles can be
extracted in any order, in parallel processes, or on other machines.

>>> from kg.model import Article
>>> ex = extract(Article("demo", "demo.txt", "Somalia continues to face threats from Al-Shabaab.", "0"))
>>> [(t.group, t.state) for t in ex.threats]
[('group/al-shabaab', 'state/SOM')]
"""

from __future__ import annotations

import re
from dataclasses import replace

from kg.extract.attacks import extract_attacks
from kg.extract.bodies import resolve_government_bodies
from kg.extract.meetings import extract_meetings, with_heads_states
from kg.extract.mentions import View, find_mentions, skeleton_of
from kg.extract.officials import Found, find_officials, mentions_in
from kg.extract.threats import find_shared_threats, find_threats
from kg.gazetteer import Gazetteer, load
from kg.model import Article, Entity, Extraction, Meeting, Mention, Official, Sentence
from kg.text import split_sentences

__all__ = ["extract", "sentences_of"]


def sentences_of(article: Article) -> list[Sentence]:
    """The headline (if any) as sentence 0, then the body's sentences."""
    sentences: list[Sentence] = []
    offset = 0
    if article.title:
        title = " ".join(article.title.split())
        sentences.append(Sentence(0, 0, len(title), title))
        offset = len(title) + 2
    return sentences + split_sentences(article.text, offset=offset, first_index=len(sentences))


def extract(article: Article, gaz: Gazetteer | None = None) -> Extraction:
    gaz = gaz or load()
    sentences = sentences_of(article)
    headline = 0 if article.title else None
    views: list[View] = []
    entities: list[Entity] = []
    found_mentions = [find_mentions(sentence, gaz) for sentence in sentences]
    home = _home_state(article, found_mentions, gaz)
    for view in found_mentions:
        view, bodies = resolve_government_bodies(view, gaz, home)
        views.append(view)
        entities.extend(bodies)

    found: dict[int, list[tuple[int, Official]]] = {}
    for number, view in enumerate(views):
        if view.index == headline:
            continue
        hits = find_officials(view, gaz)
        views[number] = view = _without_portfolios(view, hits)
        for hit in hits:
            offset = view.tokens[hit.start].start - view.sentence.start
            found.setdefault(view.index, []).append((offset, _official(hit, view, gaz)))

    threats = find_threats([v for v in views if v.index != headline])
    told = frozenset(t.sentence for t in threats)
    meetings, places, sides = extract_meetings(views, found, article, gaz, headline=headline, threat_sentences=told)
    entities.extend(places)
    officials = _settle_officials(found, sides, meetings, gaz)
    if not meetings and home:  # a report datelined at home: its unplaced officials serve that state,
        # unless named beside an official whose title places him at home ("A of Home, and B": B is the guest)
        # or after another state in the sentence ("A led the Kenyan delegation, while the Georgian side was
        # headed by B": B may serve either)
        beside = {o.sentence for o in officials.values() if o.state == home}
        officials = {
            k: o
            if o.state or o.party or o.sentence in beside or _after_another_state(o, found, views[o.sentence], home)
            else replace(o, state=home)
            for k, o in officials.items()
        }
    meetings = with_heads_states(meetings, officials)
    pairs = {tuple(sorted(p for p in m.participants if p.startswith("state/"))) for m in meetings if m.status == "held"}
    pairs.discard(())
    pair = next(iter(pairs)) if len(pairs) == 1 else ()
    if len(pair) == 2:  # "a threat to both our countries": the two parties of the article's meeting
        for threat in find_shared_threats([v for v in views if v.index != headline], (pair[0], pair[1])):
            if all((t.group, t.state) != (threat.group, threat.state) for t in threats):
                threats.append(threat)
    attacks, attack_places = extract_attacks(views, article, gaz, headline=headline)
    entities.extend(attack_places)

    mentions = [m for v in views for m in v.mentions]
    for official in officials.values():
        sentence = sentences[official.sentence]
        mentions.append(
            Mention(official.key, official.name, sentence.start, sentence.start, official.sentence, "official")
        )
    return Extraction(
        article=article,
        sentences=tuple(sentences),
        mentions=tuple(mentions),
        officials=tuple(sorted(officials.values(), key=lambda o: o.key)),
        entities=tuple(_unique(entities)),
        meetings=tuple(meetings),
        attacks=tuple(attacks),
        threats=tuple(threats),
    )


def _after_another_state(
    official: Official, found: dict[int, list[tuple[int, Official]]], view: View, home: str
) -> bool:
    """Whether a state other than ``home`` is named in the official's sentence before the official."""
    offsets = [offset for offset, o in found.get(official.sentence, []) if o.key == official.key]
    if not offsets:
        return False
    at = view.sentence.start + min(offsets)
    return any(m.key.startswith("state/") and m.key != home and m.start < at for m in view.mentions)


def _home_state(article: Article, views: list[View], gaz: Gazetteer) -> str | None:
    """The state of the dateline's city, when the article names that state: the state whose
    unnamed ministries the report quotes ("NAIROBI: ... the Ministry of Interior said")."""
    city = gaz.city(article.dateline) if article.dateline else None
    key = f"state/{city.iso3}" if city else None
    return key if key and any(m.key == key for v in views for m in v.mentions) else None


def _without_portfolios(view: View, hits: list[Found]) -> View:
    """ "Special Secretary (United Nations)", "Assistant Secretary for United Nations and International
    Organizations": a portfolio in brackets or after a bare "for" names no organisation."""
    spans = []
    for hit in hits:
        for a, b in filter(None, (hit.title_span, hit.extra_span)):
            lo, hi = view.tokens[a].start, view.tokens[b - 1].end
            for match in re.finditer(
                r"\([^()]*\)|\bfor\s+(?!the\b)[A-Z][\w-]*(?:\s+(?:and\s+)?[A-Z][\w-]*)*", view.sentence.text
            ):
                start, end = match.start() + view.sentence.start, match.end() + view.sentence.start
                if lo <= start and end <= hi + 1:
                    spans.append((start, min(end, hi)))
    if not spans:
        return view
    kept = [m for m in view.mentions if not any(s <= m.start and m.end <= e for s, e in spans)]
    return View(view.sentence, view.tokens, tuple(kept), skeleton_of(view.sentence, kept))


def _official(hit: Found, view: View, gaz: Gazetteer) -> Official:
    """An official with the state or party that the words of the title name, if they name one.

    An official of an international organisation ("Deputy Secretary General of the CSTO") serves it
    when the title names no state.
    """
    state = party = works_for = served = None
    for span in (hit.title_span, hit.extra_span):
        for mention in mentions_in(view, span):
            key = mention.key
            if key.startswith("org/") and served is None and _after_of(view, mention):
                served = _root(key[4:], gaz)
            if key.startswith("state/") and state is None:
                state = key
            elif key.startswith("org/"):
                org = gaz.organisations.get(key[4:])
                if org is None or org.type == "GovernmentBody":
                    works_for = works_for or key
                if org is None:  # a ministry minted from the text: its state is in its key
                    iso = key[4:7].upper()
                    state = state or (f"state/{iso}" if iso in gaz.states else None)
                elif org.state and state is None:
                    state = f"state/{org.state}"
                elif party is None:
                    party = _party_of(org.id, gaz)
    if state is None and party is None:
        party = served
    if state is not None:
        party = None  # "Director-General of the Department of <organisation> Affairs, Ministry of ... of <state>"
    return Official(hit.key, hit.name, (hit.title,), view.index, state=state, party=party, works_for=works_for)


def _after_of(view: View, mention: Mention) -> bool:
    return bool(re.search(r"\bof\s+(?:the\s+)?$", view.text[: mention.start - view.sentence.start]))


def _root(org_id: str, gaz: Gazetteer) -> str | None:
    """The international organisation at the top of ``org_id``'s parents; None for a national body."""
    org = gaz.organisations.get(org_id)
    seen: set[str] = set()
    while org is not None and org.part_of and org.id not in seen:
        seen.add(org.id)
        parent = gaz.organisations.get(org.part_of)
        if parent is None:
            break
        org = parent
    return org.key if org is not None and org.type == "InternationalOrganisation" else None


def _party_of(org_id: str, gaz: Gazetteer) -> str | None:
    seen: set[str] = set()
    org = gaz.organisations.get(org_id)
    while org is not None and org.id not in seen:
        if org.party:
            return org.key
        seen.add(org.id)
        org = gaz.organisations.get(org.part_of) if org.part_of else None
    return None


def _settle_officials(
    found: dict[int, list[tuple[int, Official]]], sides: dict[str, str], meetings: list[Meeting], gaz: Gazetteer
) -> dict[str, Official]:
    officials: dict[str, Official] = {}
    for pairs in found.values():
        for _, official in pairs:
            known = officials.get(official.key)
            if known is None:
                officials[official.key] = official
            else:
                titles = tuple(dict.fromkeys(known.titles + official.titles))
                officials[official.key] = replace(
                    known,
                    titles=titles,
                    state=known.state or official.state,
                    party=known.party or official.party,
                    works_for=known.works_for or official.works_for,
                )
    for key, side in sides.items():
        unplaced = officials.get(key)
        if unplaced is not None and not (unplaced.state or unplaced.party):
            officials[key] = _placed(unplaced, side)
    for meeting in meetings:
        parties = list(meeting.participants) + list(meeting.organisations)
        heads = [officials[k] for k in meeting.heads if k in officials]
        if len(heads) != 2 or len(parties) != 2:
            continue
        placed = [h.state or h.party for h in heads]
        if placed.count(None) == 1 and all(p in parties for p in placed if p):
            other = next(p for p in parties if p not in placed)
            lone = heads[placed.index(None)]
            officials[lone.key] = _placed(lone, other)
    return officials


def _placed(official: Official, side: str) -> Official:
    """The official serving ``side``: a state, or a party such as the European Union."""
    if side.startswith("state/"):
        return replace(official, state=side)
    return replace(official, party=side)


def _unique(entities: list[Entity]) -> list[Entity]:
    """One record per key; other names of the same thing become alternative labels."""
    seen: dict[str, Entity] = {}
    for entity in entities:
        known = seen.get(entity.key)
        if known is None:
            seen[entity.key] = entity
            continue
        names = tuple(n for n in dict.fromkeys((*known.alt_labels, entity.label)) if n != known.label)
        seen[entity.key] = replace(known, located_in=known.located_in or entity.located_in, alt_labels=names)
    return sorted(seen.values(), key=lambda e: e.key)
