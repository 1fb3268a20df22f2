"""Places named where the text speaks of one: "held in Lima", "in Arequipa, Republic of Peru",
"near Lima", "at the Teatro Colon concert venue". Cities come from the reference data; a
venue is the capitalised name before a venue word ("mosque", "concert venue")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.mentions import View
from kg.gazetteer import City, Gazetteer
from kg.iri import slug
from kg.model import Entity

NAME = r"[A-Z][\w'.]*(?:[\s-][A-Z][\w'.]*){0,3}"
_IN = re.compile(rf"\b(?P<prep>in|at|near|outside|from)\s+(?:the\s+(?:city|town|capital)\s+of\s+)?(?P<name>{NAME})")
_VENUE_WORDS = (
    r"(?:concert\s+venue|music\s+venue|concert\s+hall|venue|mosque|church|temple|shrine|hotel|market|school|"
    r"university|hospital|airport|station|stadium|compound|mall|bazaar|checkpoint|base|camp|embassy|theatre|"
    r"theater|cafe|restaurant|office)"
)
_VENUE = re.compile(
    rf"\b(?:at|in|within|inside|on|near)\s+(?:the\s+|a\s+)?(?P<name>{NAME})\s+(?P<word>{_VENUE_WORDS})\b"
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
    return found
