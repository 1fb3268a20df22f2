"""Places named where the text speaks of one: "held in Lima", "in Arequipa, Republic of Peru",
"near Lima", "at the Teatro Colon concert venue". Cities come from the reference data; a
venue is the capitalised name before a venue word ("mosque", "concert venue"). A place the
reference data lacks is taken from the text only where the text says what it is and where it lies:
"Pallca, a village in Huánuco Region" (a known region or state, or a known city's county or province)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.mentions import View
from kg.gazetteer import City, Gazetteer
from kg.iri import slug
from kg.model import Entity

NAME = r"[A-Z][\w'.]*(?:[\s-][A-Z][\w'.]*){0,3}"
_IN = re.compile(rf"\b(?P<prep>in|at|near|outside|from)\s+(?:the\s+(?:city|town|capital)\s+of\s+)?(?P<name>{NAME})")
VENUE_WORDS = (
    r"(?:concert\s+venue|music\s+venue|concert\s+hall|venue|mosque|church|temple|shrine|hotel|market|school|"
    r"university|hospital|airport|station|stadium|compound|mall|bazaar|checkpoint|base|camp|embassy|theatre|"
    r"theater|cafe|restaurant|office)"
)
_VENUE = re.compile(
    rf"\b(?:at|in|within|inside|on|near)\s+(?:the\s+|a\s+)?(?P<name>{NAME})\s+(?P<word>{VENUE_WORDS})\b"
)

# A venue whose own name holds its kind, capitalised: "stormed Garissa University College", "inside
# St. Anselm's Church", "the attack on the Hotel Orion".
_PROPER_VENUE_WORDS = (
    r"(?:Hotel|Church|Cathedral|Mosque|Synagogue|Temple|Shrine|College|University|School|Academy|Mall|Hall|"
    r"Stadium|Arena|Market|Bazaar|Airport|Station|Theatre|Theater|Hospital|Gymnasium|Cafe|Café|Restaurant)"
)
_PROPER_VENUE = re.compile(
    r"\b(?:at|in|within|inside|on|near|stormed|attacked|targeted|struck|bombed|raided|besieged)\s+(?:the\s+)?"
    rf"(?P<name>(?:[A-Z][\w'.]*\s+){{0,3}}{_PROPER_VENUE_WORDS}|Hotel\s+[A-Z][\w'.]*)\b(?!['’]s)"
)

_AREA_WORDS = r"(?:County|Province|District|Region|State|Governorate|Department|Prefecture)"
_DESCRIBED = re.compile(
    rf"(?P<name>{NAME}),\s+an?\s+(?:[a-z-]+\s+){{0,2}}?(?:town|village|city|settlement|locality)\s+in\s+"
    rf"(?:the\s+)?(?:[a-z-]+\s+)?(?P<area>{NAME})(?P<word>\s+{_AREA_WORDS.lower()})?\b"
)


_AREA_AFTER = re.compile(r"\s+(?:County|Province|District|Region|Governorate|Prefecture)\b")
_IN_AREA = re.compile(
    rf"\b(?:in|at)\s+(?:the\s+)?(?P<area>{NAME})\s+(?P<word>County|Province|District|Region|Governorate|Prefecture)\b"
)


@dataclass(frozen=True)
class PlaceHit:
    key: str
    label: str
    start: int  # offset in the sentence text
    end: int
    prep: str
    city: City | None = None


def _country_after(view: View, end: int, gaz: Gazetteer) -> str | None:
    after = view.text[end:]
    match = re.match(r",\s+(?:the\s+)?", after)
    if not match:
        return None
    at = view.sentence.start + end + match.end()
    for mention in view.mentions:
        possessive = view.text[mention.end - view.sentence.start :].startswith("'s")
        if mention.start == at and mention.key.startswith("state/") and not possessive:
            return mention.key[6:]  # "in Lima, Chile's ministry said" names no country of Lima
    return None


def _trim(name: str, gaz: Gazetteer) -> list[str]:
    """Candidate city names from a capitalised run, longest first ("Buenos Aires On" -> "Buenos Aires")."""
    words = name.split()
    return [" ".join(words[:n]).rstrip(".'") for n in range(len(words), 0, -1)]


def cities_in(view: View, gaz: Gazetteer, *, start: int = 0, end: int | None = None) -> list[PlaceHit]:
    """Known cities after a place preposition, in order, between ``start`` and ``end`` of the sentence."""
    hits: list[PlaceHit] = []
    stop = len(view.text) if end is None else end
    for match in _IN.finditer(view.text, start, stop):
        raw = match.group("name")
        for candidate in _trim(raw, gaz):
            name_end = match.start("name") + len(candidate)
            if _AREA_AFTER.match(view.text, name_end):
                break  # "in Tarma County" names the county, not the city of Tarma
            country = _country_after(view, name_end, gaz)
            city = gaz.city(candidate, country=country) or gaz.city(candidate.replace(" ", "-"), country=country)
            if city is not None:
                hits.append(PlaceHit(city.key, city.name, match.start("name"), name_end, match.group("prep"), city))
                break
    return hits


def city_entity(city: City, sentence: int) -> Entity:
    return Entity(city.key, city.name, "Place", sentence, located_in=f"state/{city.iso3}")


def venues_in(view: View, gaz: Gazetteer) -> list[tuple[PlaceHit, str]]:
    """Named venues and the venue word that marks them: ("Teatro Colon", "concert venue")."""
    found = []
    for match in _VENUE.finditer(view.text):
        name = match.group("name")
        name = re.sub(r"^(?:The|A)\s+", "", name)
        if gaz.city(name) and not re.search(r"\s", name):
            # "in Lima mosque" would be a city, not a venue name; keep only multi-word names
            continue
        word = match.group("word")
        label = name if word in {"venue", "concert venue", "music venue", "concert hall"} else f"{name} {word}"
        hit = PlaceHit(f"place/{slug(label)}", label, match.start("name"), match.end("word"), "at")
        found.append((hit, word))
    for match in _PROPER_VENUE.finditer(view.text):
        if any(h.start <= match.start("name") < h.end for h, _ in found):
            continue
        label = match.group("name")
        if label.split()[0] in {"The", "A"} or len(label.split()) < 2:
            continue
        abs_start = view.sentence.start + match.start("name")
        if any(m.start <= abs_start < m.end for m in view.mentions):
            continue  # a known body or state ("the Ministry ..."), not a venue
        hit = PlaceHit(f"place/{slug(label)}", label, match.start("name"), match.end("name"), "at")
        found.append((hit, label.split()[-1].lower()))
    found.sort(key=lambda f: f[0].start)
    return found


def described_places(view: View, gaz: Gazetteer) -> list[tuple[PlaceHit, PlaceHit | None, str | None]]:
    """Places the text describes: "near Pallca, a village in Huánuco Region" gives the village, the area
    it lies in (None when that is a state) and the preposition before it ("near").

    The area must be known to say which state the place is in: a region of the reference data, a
    state, or a known city with an area word ("Tarma Province"). A known place keeps its record.
    """
    found = []
    for match in _DESCRIBED.finditer(view.text):
        area_name = match.group("area")
        word = (match.group("word") or "").strip()
        named = re.fullmatch(rf"(?P<area>.+?)\s+(?P<word>{_AREA_WORDS})", area_name)
        if named and not word:  # "Tarma Province"
            area_name, word = named.group("area"), named.group("word")
        iso3 = _state_of_area(area_name, word, gaz)
        if iso3 is None:
            continue
        area: PlaceHit | None = None
        if word or gaz.regions.get(area_name.lower()):
            label = f"{area_name} {word}".strip()
            area = PlaceHit(f"place/{slug(label)}-{iso3.lower()}", label, match.start("area"), match.end(), "in")
        name = match.group("name")
        city = gaz.city(name, country=iso3)
        key, label = (city.key, city.name) if city else (f"place/{slug(name)}-{iso3.lower()}", name)
        before = re.search(r"\b(in|at|near|outside)\s+(?:the\s+)?$", view.text[: match.start("name")])
        prep = before.group(1) if before else None
        found.append((PlaceHit(key, label, match.start("name"), match.end("name"), prep or "", city), area, prep))
    return found


def _state_of_area(name: str, word: str, gaz: Gazetteer) -> str | None:
    """The one state an area name places a town in, or None."""
    states = set(gaz.regions.get(name.lower(), ()))
    for entry in gaz.folded.get(tuple(t.lower() for t in name.split()), ()):
        if entry.role == "name" and entry.key.startswith("state/") and not word:
            states.add(entry.key[6:])
    if not states and word:
        city = gaz.city(name)
        if city is not None and len({c.iso3 for c in gaz.cities.get(name.lower(), [])}) == 1:
            states.add(city.iso3)
    return states.pop() if len(states) == 1 else None


def areas_in(view: View, gaz: Gazetteer) -> list[PlaceHit]:
    """Areas written with their kind ("in Tarma County") whose state the reference data tells."""
    found = []
    for match in _IN_AREA.finditer(view.text):
        name, word = match.group("area"), match.group("word")
        iso3 = _state_of_area(name, word, gaz)
        if iso3 is None:
            continue
        label = f"{name} {word}"
        found.append(PlaceHit(f"place/{slug(label)}-{iso3.lower()}", label, match.start("area"), match.end(), "in"))
    return found
