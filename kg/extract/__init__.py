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
from functools import cache

from kg.extract.attacks import extract_attacks
from kg.extract.bodies import resolve_government_bodies
from kg.extract.meetings import extract_meetings, with_heads_states
from kg.extract.mentions import View, compile_pattern, find_mentions, skeleton_of
from kg.extract.officials import Found, find_officials, mentions_in
from kg.text import split_sentences
from kg.gazetteer import Gazetteer, load
from kg.model import Article, Entity, Extraction, Meeting, Mention, Official, Sentence, Threat
from kg.resources import patterns

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
    for sentence in sentences:
        view, bodies = resolve_government_bodies(find_mentions(sentence, gaz), gaz)
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
    meetings = with_heads_states(meetings, officials)
    attacks, attack_places = extract_attacks(views, article, gaz, headline=headline)
    entities.extend(attack_places)

    mentions = [m for v in views for m in v.mentions]
    for official in officials.values():
        sentence = sentences[official.sentence]
        mentions.append(Mention(official.key, official.name, sentence.start, sentence.start, official.sentence, "official"))
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


def _without_portfolios(view: View, hits: list[Found]) -> View:
    """"Special Secretary (United Nations)": a portfolio in brackets names no organisation."""
    spans = []
    for hit in hits:
        a, b = hit.title_span
        lo, hi = view.tokens[a].start, view.tokens[b - 1].end
        for match in re.finditer(r"\([^()]*\)", view.sentence.text):
            start, end = match.start() + view.sentence.start, match.end() + view.sentence.start
            if lo <= start and end <= hi:
                spans.append((start, end))
    if not spans:
        return view
    kept = [m for m in view.mentions if not any(s <= m.start and m.end <= e for s, e in spans)]
    return View(view.sentence, view.tokens, tuple(kept), skeleton_of(view.sentence, kept))


def _official(hit: Found, view: View, gaz: Gazetteer) -> Official:
    """An official with the state or party that the words of the title name, if they name one."""
    state = party = works_for = None
    for span in (hit.title_span, hit.extra_span):
        for mention in mentions_in(view, span):
            key = mention.key
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
    return Official(hit.key, hit.name, (hit.title,), view.index, state=state, party=party, works_for=works_for)


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
        official = officials.get(key)
        if official is None or official.state or official.party:
            continue
        if side.startswith("state/"):
            officials[key] = replace(official, state=side)
        else:
            officials[key] = replace(official, party=side)
    for meeting in meetings:
        parties = list(meeting.participants) + list(meeting.organisations)
        heads = [officials[k] for k in meeting.heads if k in officials]
        if len(heads) != 2 or len(parties) != 2:
            continue
        placed = [h.state or h.party for h in heads]
        if placed.count(None) == 1 and all(p in parties for p in placed if p):
            other = next(p for p in parties if p not in placed)
            lone = heads[placed.index(None)]
            officials[lone.key] = replace(lone, **({"state": other} if other.startswith("state/") else {"party": other}))
    return officials


@cache
def _threat_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(compile_pattern(p) for p in patterns("threats")["threatens"])


def find_threats(views: list[View]) -> list[Threat]:
    threats: list[Threat] = []
    for view in views:
        for regex in _threat_patterns():
            for match in regex.finditer(view.skeleton):
                group = view.mentions[int(match.group("group"))].key
                state = view.mentions[int(match.group("state"))].key
                if group.startswith("group/") and state.startswith("state/"):
                    threat = Threat(group, state, view.index)
                    if all((t.group, t.state) != (group, state) for t in threats):
                        threats.append(threat)
    return threats


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
