"""Names of standing bodies and of government bodies, and their identity keys.

"Chile-Peru Joint Commission to Counter International Terrorism" and "Peru-Chile Joint Commission on
Combating International Terrorism and Other Challenges to Security" name one body:
the key is built from its parties, its topic words and its kind, with synonyms and filler from
``data/patterns/bodies.yaml`` set aside, so word order and wording do not matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.extract.mentions import View, skeleton_of
from kg.gazetteer import Gazetteer
from kg.iri import slug
from kg.model import Entity, Mention
from kg.resources import patterns


@dataclass(frozen=True)
class BodyName:
    text: str
    start: int  # character offsets in the article
    end: int
    key: str | None  # None for a generic name ("the working group")
    parties: tuple[str, ...]
    owner: str | None


@cache
def _spec() -> dict:
    return patterns("bodies")


def _kinds() -> list[tuple[str, str]]:
    return sorted(_spec()["kinds"].items(), key=lambda kv: -len(kv[0]))


_BODY_TOKEN = re.compile(
    r"\s*(?:(?:[A-Z][\w'.]*|U\.S\.)(?:-[\w.]+)*|of|the|on|to|for|and|against|-|–|\([^()]{1,40}\)|"
    r"dialogue|working group|consultations?|talks|mechanism|council|committee|commission|forum)(?=\W|$)"
)


@cache
def _stop_words() -> frozenset[str]:
    """Month and day names end a body's name ("the working group on Nov. 16")."""
    dates = patterns("dates")
    words = [m.lower() for names in dates["months"].values() for m in names]
    return frozenset(words + [d.lower() for d in dates["weekdays"]])


@cache
def _lower_topic() -> re.Pattern[str]:
    return re.compile(_spec()["lower_case_topic"], re.IGNORECASE)


def read_body_name(view: View, offset: int) -> tuple[str, int] | None:
    """The name that starts at ``offset`` of the sentence text: capitalised words and connectors."""
    text = view.text
    end = offset
    while True:
        match = _BODY_TOKEN.match(text, end)
        if not match or match.end() == end:
            break
        word = match.group().strip()
        if word in {"In", "On", "At"} and end > offset:
            break
        if word.lower().rstrip(".") in _stop_words():
            break
        end = match.end()
    name = re.sub(r"(?:\s+(?:of|the|on|to|for|and|against|-|–))+$", "", text[offset:end].strip())
    if name.endswith(".") and not re.search(r"(?:\b[A-Z]\.){2,}$", name):
        name = name[:-1]  # the sentence's full stop, not an abbreviation ("U.S.")
    if not name:
        lower = _lower_body().match(text, offset)
        if lower:  # "the third round of interministerial consultations on countering terrorism"
            return lower.group().strip(), offset
    topic = (
        _lower_topic().match(text, offset + len(name)) if kind_of(name) and re.search(r"[A-Z].*[a-z]$", name) else None
    )
    if topic:  # "A-B consultations on counter-terrorism": a lower-case topic still belongs to a proper name
        name = text[offset : topic.end()].strip()
    return (name, offset + len(text[offset:end]) - len(text[offset:end].lstrip())) if name else None


@cache
def _lower_body() -> re.Pattern[str]:
    """A body written in lower case, known by its topic: "bilateral consultations on counter-terrorism"."""
    kinds = "|".join(re.escape(k) for k, _ in _kinds())
    return re.compile(rf"(?:[a-z][\w-]*\s+){{0,2}}?(?:{kinds})" + _spec()["lower_case_topic"])


def kind_of(name: str) -> str | None:
    low = name.lower()
    found = None
    position = -1
    for words, kind in _kinds():
        for match in re.finditer(rf"\b{re.escape(words)}\b", low):
            if match.start() > position:
                found, position = kind, match.start()
    return found


def body_name(view: View, offset: int, gaz: Gazetteer) -> BodyName | None:
    read = read_body_name(view, offset)
    if not read:
        return None
    name, start = read
    kind = kind_of(name)
    if kind is None:
        return None
    abs_start = view.sentence.start + start
    abs_end = abs_start + len(name)
    inside = [m for m in view.mentions if m.start >= abs_start and m.end <= abs_end]
    parties: list[str] = []
    owner = None
    for mention in inside:
        if mention.key.startswith("state/"):
            parties.append(mention.key)
        elif mention.key.startswith("org/"):
            org = gaz.organisations.get(mention.key[4:])
            if org is not None and org.party:
                parties.append(mention.key)
            elif owner is None:
                owner = mention.key
    residue = name
    for mention in sorted(inside, key=lambda m: -m.start):
        rel = mention.start - abs_start
        residue = residue[:rel] + " " + residue[rel + len(mention.surface) :]
    residue = re.sub(r"\([^)]*\)", " ", residue).lower()
    for words, _ in _kinds():
        residue = re.sub(rf"\b{re.escape(words)}\b", " ", residue)
    synonyms, ignore = _spec()["topic_synonyms"], set(_spec()["topic_ignore"])
    topic: list[str] = []
    for word in re.findall(r"[\w'-]+", residue):
        word = synonyms.get(word, word)
        if word not in ignore and word not in topic:
            topic.append(word)
    if not parties and owner is None and not topic:
        return BodyName(name, abs_start, abs_end, None, (), None)
    codes = sorted(p.split("/", 1)[1].lower() for p in set(parties))
    parts = codes + ([owner.split("/", 1)[1]] if owner else []) + topic + [kind]
    return BodyName(name, abs_start, abs_end, "body/" + slug("-".join(parts)), tuple(sorted(set(parties))), owner)


def body_entity(name: BodyName, sentence: int) -> Entity:
    assert name.key is not None
    return Entity(name.key, name.text, "WorkingGroup", sentence, part_of=name.owner, parties=name.parties)


# ------------------------------------------------------------------ government bodies


_POSSESSIVE = re.compile(r"<state(\d+)>'s?\s+(?:own\s+)?$")  # "Peru's", "the Bahamas'"
_ADJACENT = re.compile(r"<state(\d+)>\s+$")
_COORDINATED = re.compile(r"<state(\d+)>\s+and\s+(?:the\s+)?<state(\d+)>\s+$")
_OF_STATE = re.compile(r"^\s+(?:of|for)\s+(?:the\s+)?<state(\d+)>")
_FOLLOWED = re.compile(r"^\s+<state(\d+)>")
_IN_STATE = re.compile(r"^\s+(?:in|to)\s+(?:the\s+)?<state(\d+)>")


_SIDE = re.compile(r"<state(\d+)>(?:'s?)?\s+(?:delegation|side|team)\b")
_WORDS = r"[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*"
# The rest of a long official name: "Ministry of Interior and National Administration",
# "Ministry of Foreign Affairs, Migration and Tunisians Abroad".
_EXTENSION = re.compile(rf"\s+and\s+{_WORDS}|,\s+{_WORDS}\s+and\s+{_WORDS}")


def _placeholder_positions(skeleton: str) -> dict[int, int]:
    positions = {}
    cursor = 0
    for piece in re.split(r"(<\w+?\d+>)", skeleton):
        match = re.fullmatch(r"<(\w+?)(\d+)>", piece)
        if match:
            positions[int(match.group(2))] = cursor
        cursor += len(piece)
    return positions


def _owners(before: str, after: str, mentions: list[Mention], home: str | None) -> list[str]:
    """The states a body belongs to: named with it ("Peru's", "of Peru"), else the side the
    sentence speaks for ("the Nigerian delegation ... included the Ministry of ..."), else the
    state of the article's dateline ("NAIROBI: ... the Ministry of Interior said")."""
    for regex in (_POSSESSIVE, _COORDINATED, _ADJACENT):
        found = regex.search(before)
        if found:
            return [mentions[int(g)].key for g in found.groups()]
    for regex in (_OF_STATE, _FOLLOWED):
        found = regex.search(after)
        if found:
            return [mentions[int(found.group(1))].key]
    sides = _SIDE.findall(before)
    if sides:
        return [mentions[int(sides[-1])].key]
    return [home] if home else []


def resolve_government_bodies(view: View, gaz: Gazetteer, home: str | None = None) -> tuple[View, list[Entity]]:
    """Give each generic ministry or embassy its state, or drop it when the text does not say.

    A body written by its formal name keeps that name as its label ("Ministry of Internal Affairs
    (Uganda)"); a common form ("the foreign ministry", "MOFA") gets the kind's label.
    """
    mentions = list(view.mentions)
    skeleton = skeleton_of(view.sentence, mentions)
    positions = _placeholder_positions(skeleton)
    entities: list[Entity] = []
    kept: list[Mention] = []
    formal = tuple(_spec()["formal_heads"])
    for number, mention in enumerate(mentions):
        if not mention.key.startswith("govbody/"):
            kept.append(mention)
            continue
        here = positions[number]
        before = skeleton[:here]
        after = skeleton[here + len(f"<govbody{number}>") :]
        kind_label = gaz.labels.get(mention.key, mention.surface)
        written, end = kind_label, mention.end
        if mention.surface.startswith(formal):
            extension = _EXTENSION.match(after)
            if extension:
                after = after[extension.end() :]
                end += extension.end()
            written = " ".join(view.text[mention.start - view.sentence.start : end - view.sentence.start].split())
        host = _IN_STATE.search(after) if kind_label == "Embassy" else None
        for owner in _owners(before, after, mentions, None if kind_label == "Embassy" else home):
            state = gaz.state_of_key(owner)
            if state is None:
                continue
            if kind_label == "Embassy":
                if not host:
                    continue
                other = gaz.state_of_key(mentions[int(host.group(1))].key)
                if other is None:
                    continue
                text = f"Embassy of {state.name} in {other.name}"
                key = f"org/{state.iso3.lower()}-embassy-{other.iso3.lower()}"
            else:
                text = f"{written} ({state.name})"
                key = f"org/{state.iso3.lower()}-{slug(kind_label)}"
            listed = gaz.state_bodies.get((state.iso3, kind_label.lower()))
            if listed is not None:
                key = listed  # the state's own body, known by name ("the Department of Justice" of the US)
            else:
                entities.append(Entity(key, text, "GovernmentBody", view.index, part_of=state.key))
            kept.append(
                Mention(
                    key,
                    view.text[mention.start - view.sentence.start : end - view.sentence.start],
                    mention.start,
                    end,
                    mention.sentence,
                    "name",
                )
            )
    kept.sort(key=lambda m: (m.start, m.end))
    return View(view.sentence, view.tokens, tuple(kept), skeleton_of(view.sentence, kept)), entities
