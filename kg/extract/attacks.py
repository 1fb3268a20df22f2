"""Attacks: what happened, where, when, how many were killed or injured, and who claimed it.

An attack is new when a sentence names one with something concrete (a toll, a claim, a date or a
place); "the attack" and "the bombing" refer back to the last one told. A claim ("claimed
responsibility") is kept apart from a denial. Patterns: ``data/patterns/attacks.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from kg.extract.dates import find_dates
from kg.extract.mentions import View, compile_pattern
from kg.extract.places import NAME, VENUE_WORDS, areas_in, cities_in, city_entity, described_places, venues_in
from kg.gazetteer import Gazetteer
from kg.iri import slug
from kg.model import Article, Attack, Entity, PartialDate
from kg.resources import patterns


@dataclass(frozen=True)
class Rules:
    noun: re.Pattern[str]
    noun_names: dict[str, str]
    act: re.Pattern[str]
    killed: tuple[re.Pattern[str], ...]
    injured: re.Pattern[str]
    claims: tuple[re.Pattern[str], ...]
    denials: tuple[re.Pattern[str], ...]
    anaphora: re.Pattern[str]
    title_name: re.Pattern[str]
    named: re.Pattern[str]
    lower_bounds: dict[str, str]
    numbers: dict[str, int | None]


@cache
def rules() -> Rules:
    spec = patterns("attacks")
    numbers = spec["number_words"]
    words = "|".join(sorted(numbers, key=len, reverse=True))

    def rx(text: str) -> re.Pattern[str]:
        return re.compile(text.replace("{WORDS}", words), re.IGNORECASE)

    return Rules(
        noun=re.compile(r"\b(?:" + "|".join(sorted(spec["nouns"], key=len, reverse=True)) + r")\b", re.IGNORECASE),
        noun_names=spec["noun_names"],
        act=rx(spec["act"]),
        killed=(rx(spec["killed"]), rx(spec["killed_passive"]), rx(spec["death_toll"])),
        injured=rx(spec["injured"]),
        claims=tuple(compile_pattern(p) for p in spec["claims"]),
        denials=tuple(compile_pattern(p) for p in spec["denials"]),
        anaphora=rx(spec["anaphora"]),
        title_name=re.compile(spec["title_name"]),
        named=re.compile(spec["named"]),
        lower_bounds=spec["lower_bounds"],
        numbers=numbers,
    )


@dataclass
class Draft:
    local: str
    name: str | None = None
    sentences: list[int] = field(default_factory=list)
    place: str | None = None
    near: str | None = None
    date: PartialDate | None = None
    killed: int | None = None
    killed_qualifier: str | None = None
    injured: int | None = None
    injured_qualifier: str | None = None
    claimed_by: list[str] = field(default_factory=list)
    denied_by: list[str] = field(default_factory=list)
    noun: str = "attack"
    place_label: str | None = None
    name_label: str | None = None  # what the name says of the place, when not its label ("Tarma market")


def _number(text: str) -> int | None:
    text = text.lower().replace(",", "")
    if text.isdigit():
        return int(text)
    return rules().numbers.get(text)


def _count(match: re.Match[str] | None, suffix: str = "") -> tuple[int | None, str | None]:
    """A toll and its qualifier; approximate figures ("about 50") are left out, not guessed."""
    if match is None:
        return None, None
    number = match.groupdict().get("number" + suffix)
    if number is None:
        return None, None
    qualifier = " ".join((match.groupdict().get("qualifier" + suffix) or "").lower().split())
    if qualifier and qualifier not in rules().lower_bounds:
        return None, None
    return _number(number), rules().lower_bounds.get(qualifier) if qualifier else None


def _toll(view: View) -> tuple[int | None, str | None, int | None, str | None]:
    r = rules()
    killed = qualifier = None
    for regex in r.killed:
        killed, qualifier = _count(regex.search(view.text))
        if killed is not None:
            break
    injured_match = r.injured.search(view.text)
    injured, injured_q = _count(injured_match)
    if injured is None and injured_match:
        injured, injured_q = _count(injured_match, "2")
    return killed, qualifier, injured, injured_q


def extract_attacks(
    views: list[View], article: Article, gaz: Gazetteer, *, headline: int | None
) -> tuple[list[Attack], list[Entity]]:
    r = rules()
    drafts: list[Draft] = []
    compared: list[Draft] = []  # earlier attacks named only for comparison
    entities: list[Entity] = []
    title_name = article.title if article.title and r.title_name.match(article.title) else None
    for view in views:
        if view.index == headline:
            continue
        nouns = list(r.noun.finditer(view.text))
        claims = [view.mentions[int(m.group("group"))].key for p in r.claims for m in p.finditer(view.skeleton)]
        denials = [view.mentions[int(m.group("group"))].key for p in r.denials for m in p.finditer(view.skeleton)]
        killed, killed_q, injured, injured_q = _toll(view)
        venues = venues_in(view, gaz)
        first_noun = nouns[0] if nouns else None
        # an attack told by its act ("gunmen stormed ...") only while none is told yet: else it may retell one
        act_told = r.act.search(view.text) if first_noun is None else None
        act = act_told if not drafts else None
        # "Gunmen attacked the hotel. At least 17 people were killed.": a sentence that goes on with the
        # attack told just before (an act or a toll, no new noun) joins it
        follows = bool(
            drafts
            and first_noun is None
            and (act_told or killed is not None)
            and drafts[-1].sentences
            and drafts[-1].sentences[-1] == view.index - 1
        )
        anaphoric = bool(
            first_noun and r.anaphora.search(view.text[max(0, first_noun.start() - 20) : first_noun.end()])
        )
        dates = [
            d
            for d in find_dates(view.text, article.date)
            if d.start < (first_noun.start() if first_noun else 0) or not anaphoric
        ]
        concrete = killed is not None or bool(venues) or (bool(dates) and not anaphoric)
        target: Draft | None = None
        if (first_noun or act) and not anaphoric and concrete:
            noun = " ".join(first_noun.group().lower().split()).rstrip("s") if first_noun else "attack"
            target = Draft("", noun=r.noun_names.get(noun, noun))
            if dates:
                target.date = dates[0].date if dates[0].date.year is not None else None
            placed: list[Entity] = []
            _place(target, view, gaz, placed, venues)
            if first_noun is None and target.place is None and target.date is None:
                target = None  # an act with a toll but neither place nor date: too little to tell an attack
            else:
                drafts.append(target)
                entities.extend(placed)
                if title_name and len(drafts) == 1:
                    target.name = title_name
        elif follows or (drafts and (anaphoric or claims or denials) and (first_noun or claims or denials)):
            target = drafts[-1]
        if target is not None:
            if view.index not in target.sentences:
                target.sentences.append(view.index)
            if killed is not None and target.killed is None:
                target.killed, target.killed_qualifier = killed, killed_q
            if injured is not None and target.injured is None:
                target.injured, target.injured_qualifier = injured, injured_q
            for key in claims:
                if key not in target.claimed_by and key not in denials:
                    target.claimed_by.append(key)
            for key in denials:
                if key not in target.denied_by and key not in target.claimed_by:
                    target.denied_by.append(key)
        for match in r.named.finditer(view.text):
            # a name needs a word besides its year and noun: "the 1999 apartment bombings", not "the 2017 siege"
            words = [w for w in match.group("name").split() if not re.fullmatch(r"\d{4}", w)]
            if re.search(r"[A-Z]|\d{4}", match.group("name")) and len(words) >= 2:
                compared.append(_named(match, view, gaz, entities))
            elif len(words) == 1 and (match.group("year") or match.group("year2")):
                told_of = _of_city(match, view, gaz, entities)
                if told_of is not None:
                    compared.append(told_of)
    told = [d for d in drafts + compared if d.name or d.place_label]
    return [_finish(d, f"a{n}") for n, d in enumerate(told, start=1)], entities


def _place(target: Draft, view: View, gaz: Gazetteer, entities: list[Entity], venues: list) -> None:
    areas = [(area.start, area.end) for _, area, _ in described_places(view, gaz) if area is not None]
    # "a town in Tarma Province" names a province, not the city of Tarma
    cities = [c for c in cities_in(view, gaz) if not any(s <= c.start < e for s, e in areas)]
    near = [c for c in cities if c.prep == "near"]
    inside = [c for c in cities if c.prep in {"in", "at"}]
    of_city = None
    if venues:
        hit, _ = venues[0]
        tail = view.text[hit.end :]
        of_match = re.match(r"\s+(?:of|in)\s+([A-Z][\w'-]*(?:\s[A-Z][\w'-]*)?)", tail)
        if of_match:
            of_city = gaz.city(of_match.group(1))
    if near:
        target.near = near[0].key
        entities.append(city_entity(near[0].city, view.index))  # type: ignore[arg-type]
    city = of_city or (inside[0].city if inside else None)
    if city is not None:
        entities.append(city_entity(city, view.index))
    if venues:
        hit, _ = venues[0]
        target.place, target.place_label = hit.key, hit.label
        located = city.key if city is not None else None
        entities.append(Entity(hit.key, hit.label, "Place", view.index, located_in=located))
    elif city is not None:
        target.place, target.place_label = city.key, city.name
        if inside and city is inside[0].city:
            # "the fish market in Tarma": the name says "Tarma market attack"
            word = re.search(rf"\b(?<![A-Z])(?P<word>{VENUE_WORDS})\s+(?:in|at)\s+$", view.text[: inside[0].start])
            if word and not re.search(r"[A-Z][\w'-]*\s+$", view.text[: word.start()]):
                target.name_label = f"{city.name} {word.group('word')}"
    elif not near:
        _described(target, view, gaz, entities)
        if target.place is None:
            for area in areas_in(view, gaz)[:1]:  # "a roadside bomb in Tarma County"
                target.place, target.place_label = area.key, area.label
                state = f"state/{area.key[-3:].upper()}"
                entities.append(Entity(area.key, area.label, "Place", view.index, located_in=state))


def _described(target: Draft, view: View, gaz: Gazetteer, entities: list[Entity]) -> None:
    """ "near Pallca, a village in Huánuco Region": the attack lies in the area, near the village."""
    for town, area, prep in described_places(view, gaz):
        if prep not in {"in", "at", "near", "outside"}:
            continue
        state = f"state/{(area or town).key.rsplit('-', 1)[1].upper()}"
        town_entity = Entity(town.key, town.label, "Place", view.index, located_in=area.key if area else state)
        if prep in {"in", "at"}:
            target.place, target.place_label = town.key, town.label
            entities.append(town_entity)
        elif area is not None:
            target.near, target.place, target.place_label = town.key, area.key, area.label
            target.name_label = town.label
            entities.append(town_entity)
        else:
            continue
        if area is not None:
            entities.append(Entity(area.key, area.label, "Place", view.index, located_in=state))
        return


def _named(match: re.Match[str], view: View, gaz: Gazetteer, entities: list[Entity]) -> Draft:
    name = " ".join(match.group("name").split())
    draft = Draft("", name=name, sentences=[view.index])
    year = match.group("year") or match.group("year2")
    if year:
        draft.date = PartialDate(int(year))
    before = view.text[: match.start()]
    here = re.search(r"\bin\s+([A-Z][\w'-]*(?:\s[A-Z][\w'-]*)?)\s+$", before)
    first = re.match(r"(?:\d{4}\s+)?([A-Z][\w'-]*)", name)
    city = (gaz.city(first.group(1)) if first else None) or (gaz.city(here.group(1)) if here else None)
    if city is not None:
        draft.place, draft.place_label = city.key, city.name
        entities.append(city_entity(city, view.index))
    return draft


def _of_city(match: re.Match[str], view: View, gaz: Gazetteer, entities: list[Entity]) -> Draft | None:
    """ "after the 2009 siege of Tarma", "the 2009 siege of the city" (the city named last before it):
    a year, a noun and a city name an earlier attack, "2009 Tarma siege"."""
    of = re.match(rf"\s+of\s+(?:the\s+(?P<back>city|town)\b|(?P<name>{NAME}))", view.text[match.end() :])
    if of is None:
        return None
    city = None
    if of.group("name"):
        city = next((c for c in map(gaz.city, _prefixes(of.group("name"))) if c is not None), None)
    else:
        before = view.text[: match.start()]
        for run in reversed(list(re.finditer(NAME, before))):
            city = next((c for c in map(gaz.city, _prefixes(run.group())) if c is not None), None)
            if city is not None:
                break
    if city is None:
        return None
    year = match.group("year") or match.group("year2")
    noun = match.group("name").split()[-1]
    draft = Draft("", name=f"{year} {city.name} {noun}", sentences=[view.index], date=PartialDate(int(year)))
    draft.place, draft.place_label = city.key, city.name
    entities.append(city_entity(city, view.index))
    return draft


def _prefixes(name: str) -> list[str]:
    words = name.split()
    return [" ".join(words[:n]).rstrip(".'") for n in range(len(words), 0, -1)]


def _finish(d: Draft, local: str) -> Attack:
    name = d.name or f"{d.name_label or d.place_label} {d.noun}"
    return Attack(
        local=local,
        name=name[:1].upper() + name[1:],
        sentences=tuple(d.sentences),
        place=d.place,
        near=d.near,
        date=d.date,
        killed=d.killed,
        killed_qualifier=d.killed_qualifier,
        injured=d.injured,
        injured_qualifier=d.injured_qualifier,
        claimed_by=tuple(d.claimed_by),
        denied_by=tuple(d.denied_by),
    )


def attack_key(attack: Attack) -> str:
    """Same date and place (or name) -> same attack, whichever article tells it."""
    date = attack.date.literal()[0] if attack.date else ""
    where = attack.place.split("/", 1)[1] if attack.place else attack.name
    return "attack/" + slug(f"{date} {where}")
