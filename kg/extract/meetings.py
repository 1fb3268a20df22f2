"""Meetings: numbered sittings of a body, the previous and the next one, and unnamed consultations.

The sentence that names a sitting ("the 11th meeting of the ... Working Group ... in Lima") gives
its ordinal, body, date and place; sentences saying who "led" or "co-chaired" give the heads, and
the side each head led ("Peru's delegation was led by ..."). Patterns: ``data/patterns/meetings.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import cache

from kg.extract.bodies import BodyName, body_entity, body_name, kind_of
from kg.extract.dates import find_dates, resolve_year
from kg.extract.mentions import View, compile_pattern
from kg.extract.places import cities_in, city_entity
from kg.gazetteer import Gazetteer
from kg.iri import slug
from kg.model import Article, Entity, Meeting, Official, PartialDate


@dataclass(frozen=True)
class Rules:
    numbered: re.Pattern[str]
    ordinal_body: re.Pattern[str]
    bare: re.Pattern[str]
    first_held: re.Pattern[str]
    future_after: re.Pattern[str]
    future_before: re.Pattern[str]
    previous: re.Pattern[str]
    next: re.Pattern[str]
    host: re.Pattern[str]
    descriptive: re.Pattern[str]
    held_here: re.Pattern[str]
    virtual: re.Pattern[str]
    led_by: re.Pattern[str]
    chair: re.Pattern[str]
    led_active: re.Pattern[str]
    met_in: re.Pattern[str]
    attendance: re.Pattern[str]
    observers: re.Pattern[str]
    discussion: re.Pattern[str]
    talk: re.Pattern[str]
    forum: re.Pattern[str]
    not_forum: re.Pattern[str]
    ordinals: dict[str, int]
    generic_labels: frozenset[str]


@cache
def rules() -> Rules:
    from kg.resources import patterns

    spec = patterns("meetings")
    words = spec["ordinal_words"]
    ordinal = r"\d{1,3}(?:st|nd|rd|th)|" + "|".join(sorted(words, key=len, reverse=True))
    sitting = "|".join(sorted(spec["sitting_nouns"], key=len, reverse=True))

    def rx(name: str) -> re.Pattern[str]:
        text = spec[name].replace("{ORDINAL}", ordinal).replace("{SITTING}", sitting)
        return re.compile(text, re.IGNORECASE)

    return Rules(
        numbered=rx("numbered_sitting"),
        ordinal_body=re.compile(spec["ordinal_body"].replace("{ORDINAL}", ordinal)),
        bare=rx("bare_sitting"),
        first_held=rx("first_held"),
        future_after=rx("future_after"),
        future_before=rx("future_before"),
        previous=rx("previous_sitting"),
        next=rx("next_sitting"),
        host=compile_pattern(spec["host"]),
        descriptive=rx("descriptive"),
        held_here=rx("held_here"),
        virtual=rx("virtual"),
        led_by=rx("led_by"),
        chair=compile_pattern(spec["chair_state"]),
        led_active=rx("led_active"),
        met_in=rx("met_in"),
        attendance=rx("attendance"),
        observers=rx("observers"),
        discussion=rx("discussion"),
        talk=rx("talk"),
        forum=compile_pattern(spec["forum"]),
        not_forum=rx("not_forum"),
        ordinals={k.lower(): int(v) for k, v in words.items()},
        generic_labels=frozenset(spec["descriptive_generic"]),
    )


def ordinal_value(text: str) -> int | None:
    text = text.lower()
    digits = re.match(r"(\d+)", text)
    if digits:
        value = int(digits.group(1))
        return value if value > 0 else None
    return rules().ordinals.get(text)


@dataclass
class Sitting:
    kind: str  # held | previous | next | descriptive
    view: View
    start: int  # offsets in the sentence text
    end: int
    ordinal: int | None = None
    body: BodyName | None = None
    label: str | None = None


@dataclass
class Draft:
    """A meeting being assembled from the sentences that speak of it."""

    local: str
    status: str
    sentences: list[int] = field(default_factory=list)
    body: BodyName | None = None
    label: str | None = None
    ordinal: int | None = None
    date: PartialDate | None = None
    planned_date: PartialDate | None = None
    place: str | None = None
    virtual: bool = False
    host: str | None = None
    chair: str | None = None
    participants: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    heads: list[str] = field(default_factory=list)
    threats: list[str] = field(default_factory=list)
    forums: list[str] = field(default_factory=list)
    next: str | None = None


def _kind(view: View, start: int, end: int) -> str:
    """A numbered sitting is "next" when written so ("the next ...", "agreed to hold the 3rd round",
    "the 8th meeting ... will be held"), else "held"."""
    r = rules()
    before = view.text[:start]
    if "next" in before[-12:].lower() or r.future_before.search(before):
        return "next"
    after = r.future_after.match(view.text, end)
    if after and not re.search(r"\bnext\b", after.group(), re.I):
        return "next"
    return "held"


def find_sittings(view: View, gaz: Gazetteer, *, headline: bool) -> list[Sitting]:
    r = rules()
    found: list[Sitting] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int, ordinal: int | None, name: BodyName | None) -> None:
        found.append(Sitting(kind, view, start, end, ordinal, name))
        taken.append((start, end))

    for match in r.numbered.finditer(view.text):
        name = body_name(view, match.end(), gaz)
        if name is None:
            continue
        end = name.end - view.sentence.start
        add(_kind(view, match.start(), end), match.start(), end, ordinal_value(match.group("ordinal")), name)
    for match in r.ordinal_body.finditer(view.text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        name = body_name(view, match.end(), gaz)
        if name is None or name.key is None:
            continue
        end = name.end - view.sentence.start
        add(_kind(view, match.start(), end), match.start(), end, ordinal_value(match.group("ordinal")), name)
    for match in r.bare.finditer(view.text):
        if not any(s <= match.start() < e for s, e in taken):
            add(
                _kind(view, match.start(), match.end()),
                match.start(),
                match.end(),
                ordinal_value(match.group("ordinal")),
                None,
            )
    for match in r.first_held.finditer(view.text):
        if not any(s <= match.start() < e for s, e in taken):
            add("held", match.start(), match.end(), 1, None)
    for kind, regex in (("previous", r.previous), ("next", r.next)):
        for match in regex.finditer(view.text):
            if any(s <= match.start() < e for s, e in taken):
                continue
            name = None
            of = re.match(r"\s+of\s+(?:the\s+|their\s+|its\s+)?", view.text[match.end() :])
            if of:
                name = body_name(view, match.end() + of.end(), gaz)
            end = name.end - view.sentence.start if name else match.end()
            add(kind, match.start(), end, None, name)
    if not found and not headline:
        for match in r.descriptive.finditer(view.text):
            label = " ".join(match.group("label").split())
            if label.lower() in r.generic_labels:
                continue  # "hosted the meeting": the meeting told elsewhere
            first, _, rest = label.partition(" ")
            number = ordinal_value(first) if rest else None  # "held the fifth Example Meeting on ..."
            if number is not None:
                label = rest
            found.append(Sitting("descriptive", view, match.start(), match.end(), number, None, label))
    return sorted(found, key=lambda s: s.start)


_OTHER_DAY = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|last\s+(?:week|month)|earlier)\b",
    re.IGNORECASE,
)


def _written(article: Article) -> dt.date | None:
    """The day the article was written: a dateline's full date ("Lima, 4 May 2020 -") before the header's."""
    when = article.dateline_date
    if when is not None and when.year is not None and when.month is not None and when.day is not None:
        return dt.date(when.year, when.month, when.day)
    return article.date


def _date_for(sitting: Sitting, article: Article, following: int | None) -> PartialDate | None:
    """The date written with a sitting: after it up to the next sitting, or before it ("On May 5, the ...")."""
    view = sitting.view
    dates = find_dates(view.text, _written(article))
    after = [d for d in dates if d.start >= sitting.start and (following is None or d.start < following)]
    before = [d for d in dates if d.end <= sitting.start and re.search(r"(?:^|\bon)\s*$", view.text[: d.start], re.I)]
    pool = after or (before if sitting.kind != "next" else [])
    absolute = [d for d in pool if not d.relative]
    chosen = absolute[0] if absolute else (pool[0] if pool else None)
    if chosen is None:
        return None
    return resolve_year(chosen.date, _written(article), future=sitting.kind == "next")


def _place_for(
    sitting: Sitting, article: Article, gaz: Gazetteer, following: int | None
) -> tuple[str | None, bool, list[Entity]]:
    view = sitting.view
    r = rules()
    window = view.text[sitting.start : following]
    if r.virtual.search(window):
        return None, True, []
    if r.held_here.search(view.text[:following]) and article.dateline:  # "held ... here": the verb may lead
        city = gaz.city(article.dateline)
        if city:
            return city.key, False, [city_entity(city, view.index)]
    hits = cities_in(view, gaz, start=sitting.start, end=following)
    if not hits:  # "officials met in Entebbe on 4 March for the 6th meeting"
        hits = [h for h in cities_in(view, gaz, end=sitting.start) if r.met_in.search(view.text[: h.start])][-1:]
    if hits and hits[0].city:
        return hits[0].key, False, [city_entity(hits[0].city, view.index)]
    return None, False, []


def _state_after(sitting: Sitting) -> str | None:
    """ "to hold the 5th round in Chile in 2031": a next sitting placed only by a state, its host."""
    view = sitting.view
    base = view.sentence.start
    for mention in view.mentions:
        if not mention.key.startswith("state/") or mention.role != "name" or mention.start - base < sitting.end:
            continue
        between = view.text[sitting.end : mention.start - base]
        rest = view.text[mention.end - base :]
        if re.fullmatch(r"\s+in\s+(?:the\s+)?", between) and not re.match(r"['’]s\b|\s*-", rest):
            return mention.key
    return None


# "Peru's delegation", "the Bahamas' delegation" (a plural name takes the apostrophe alone), "Peru was led by"
_SIDE_AFTER = re.compile(r"(?:'s?)?\s+(?:delegation|side|team)\b|\s+(?:was|were)\s+(?:represented|led|headed)\s+by\b")


def _side_markers(view: View, gaz: Gazetteer) -> list[tuple[int, str]]:
    """Positions and keys of "Peru's delegation", "the Chilean side", "the Peruvian and the U.S. delegations"."""
    markers: list[tuple[int, str]] = []
    mentions = [m for m in view.mentions if m.key.startswith("state/") or _is_party(m.key, gaz)]
    base = view.sentence.start
    for i, mention in enumerate(mentions):
        after = view.text[mention.end - base :]
        if _SIDE_AFTER.match(after):
            markers.append((mention.start - base, mention.key))
        elif i + 1 < len(mentions):
            nxt = mentions[i + 1]
            between = view.text[mention.end - base : nxt.start - base]
            tail = view.text[nxt.end - base :]
            if re.fullmatch(r"\s+and\s+(?:the\s+)?", between) and re.match(r"\s+(?:delegations|sides|teams)\b", tail):
                markers.append((mention.start - base, mention.key))
                markers.append((nxt.start - base, nxt.key))
    return sorted(set(markers))


def _is_party(key: str, gaz: Gazetteer) -> bool:
    org = gaz.organisations.get(key[4:]) if key.startswith("org/") else None
    return bool(org and org.party)


def _assign_sides(markers: list[tuple[int, str]], heads: list[tuple[int, str]]) -> dict[str, str]:
    """Which side each head led: the side named before the head, or, when all sides follow, in order."""
    if not markers or not heads:
        return {}
    if all(h < markers[0][0] for h, _ in heads):
        if len(markers) == len(heads):
            return {key: side for (_, key), (_, side) in zip(heads, markers, strict=True)}
        return {}
    sides = {}
    for position, key in heads:
        before = [side for at, side in markers if at < position]
        if before:
            sides[key] = before[-1]
    return sides


def extract_meetings(
    views: list[View],
    officials: dict[int, list[tuple[int, Official]]],
    article: Article,
    gaz: Gazetteer,
    *,
    headline: int | None,
    threat_sentences: frozenset[int] = frozenset(),
) -> tuple[list[Meeting], list[Entity], dict[str, str]]:
    """Meetings of one article, the bodies and places they name, and the side each head led.

    ``officials`` maps a sentence index to (offset in sentence, official) pairs.
    """
    r = rules()
    sittings = [s for v in views for s in find_sittings(v, gaz, headline=v.index == headline)]
    drafts: list[Draft] = []
    entities: list[Entity] = []
    by_key: dict[tuple[str | None, int | None, str | None], Draft] = {}
    current_body: BodyName | None = None
    sitting_draft: dict[int, Draft] = {}
    names: list[tuple[bool, BodyName, int]] = []  # every name a body is given, body text before headline

    def draft(status: str) -> Draft:
        d = Draft(f"m{len(drafts) + 1}", status)
        drafts.append(d)
        return d

    # held sittings first: they define the bodies that "the working group" refers to
    for number, sitting in enumerate(sittings):
        if sitting.kind not in {"held", "descriptive"}:
            continue
        body = sitting.body
        if (body is not None and body.key is None) or (body is None and sitting.ordinal is not None):
            body = current_body  # "the working group", "the 13th round": the body told before
        if body is not None:
            current_body = body if body.key else current_body
        ident = (body.key if body else None, sitting.ordinal, sitting.label if body is None else None)
        if body is None and sitting.label is None:
            continue
        d = by_key.get(ident)
        if d is None:
            d = by_key[ident] = draft("held")
            d.body, d.ordinal, d.label = body, sitting.ordinal, sitting.label
        sitting_draft[number] = d
        if body is not None and body.key and sitting.body is not None and sitting.body.key:
            names.append((sitting.view.index == headline, sitting.body, sitting.view.index))
    held = [d for d in drafts]
    primary = next((d for d in held if d.ordinal is not None), held[0] if held else None)

    for number, sitting in enumerate(sittings):
        if sitting.kind not in {"previous", "next"}:
            continue
        body = sitting.body if sitting.body and sitting.body.key else None
        named_kind = (
            kind_of(sitting.body.text) if sitting.body else kind_of(sitting.view.text[sitting.start : sitting.end])
        )
        if sitting.kind == "next":
            anchor = _latest(drafts, body, sitting.ordinal, primary)
        else:
            anchor = _current(sittings, number, sitting_draft, primary, kind=named_kind)
        anchor_key = anchor.body.key if anchor is not None and anchor.body is not None else None
        if body is not None and _is_organisation_itself(body) and anchor_key != body.key:
            continue  # "ahead of the next plenary of the <organisation>": that organisation's own sitting
        if body is None and anchor is not None:
            body = anchor.body
        if anchor is None and body is None:
            continue
        d = draft("planned" if sitting.kind == "next" else "held")
        d.body = body
        sitting_draft[number] = d
        if anchor is not None:
            if sitting.kind == "next":
                anchor.next = d.local
                if sitting.ordinal is not None:
                    d.ordinal = sitting.ordinal
                elif anchor.ordinal is not None:
                    d.ordinal = anchor.ordinal + 1
            else:
                d.next = anchor.local  # its ordinal is not written: linking infers which meeting it was

    # what each sitting's sentence says about its meeting
    for number, sitting in enumerate(sittings):
        d = sitting_draft.get(number)
        if d is None:
            continue
        view = sitting.view
        if view.index not in d.sentences:
            d.sentences.append(view.index)
        same = [s for s in sittings if s.view is view and s.start > sitting.start]
        following = same[0].start if same else None
        if view.index == headline:
            continue
        value = _date_for(sitting, article, following)
        if value is not None:
            if d.status == "planned":
                d.planned_date = d.planned_date or value
            elif d.date is None or value.precision > d.date.precision:
                d.date = value
        place, virtual, found = _place_for(sitting, article, gaz, following)
        d.virtual = d.virtual or virtual
        if place and d.place is None and not d.virtual:
            d.place = place
            entities.extend(found)
        host = r.host.search(view.skeleton)
        if host and d.status == "planned":
            d.host = view.mentions[_number(host.group("host"))].key
        elif d.status == "planned" and d.place is None and not d.virtual:
            d.host = d.host or _state_after(sitting)
        chair = r.chair.search(view.skeleton)
        if chair:
            d.chair = view.mentions[_number(chair.group("state"))].key
        if sitting.kind == "descriptive":
            for mention in view.mentions:
                if mention.key.startswith("state/") and mention.key not in d.participants:
                    d.participants.append(mention.key)
            for offset, official in officials.get(view.index, []):
                if offset < sitting.start and official.key not in d.heads:
                    d.heads.append(official.key)

    sides: dict[str, str] = {}
    for view in views:
        if view.index == headline:
            continue
        own = [sitting_draft[n] for n, s in enumerate(sittings) if s.view is view and n in sitting_draft]
        target = next((d for d in own if d.status == "held" and d is not None and (d.ordinal or d.label)), None)
        if target is None and all(d.status == "planned" for d in own):
            target = primary  # a sentence about the next meeting still tells of this one
        if target is None:
            continue
        led = r.led_by.search(view.text)
        if led:
            heads = [(off, o.key) for off, o in officials.get(view.index, []) if off > led.start()]
            for _, key in heads:
                if key not in target.heads:
                    target.heads.append(key)
            sides.update(_assign_sides(_side_markers(view, gaz), heads))
        active = r.led_active.search(view.text)
        if active and not led:  # "Coordinator X led the U.S. delegation"
            heads = [(off, o.key) for off, o in officials.get(view.index, []) if off < active.start()]
            for _, key in heads:
                if key not in target.heads:
                    target.heads.append(key)
            sides.update(_assign_sides(_side_markers(view, gaz), heads))
        if r.attendance.search(view.text) and not r.observers.search(view.text):
            for mention in view.mentions:
                if mention.key.startswith("state/") and mention.key not in target.participants:
                    target.participants.append(mention.key)
                elif _is_party(mention.key, gaz) and mention.key not in target.organisations:
                    target.organisations.append(mention.key)
        for match in r.forum.finditer(view.skeleton):
            if r.not_forum.search(view.skeleton[match.start() : match.end() + 40]):
                continue
            for number in re.findall(r"<org(\d+)>", match.group("orgs")):
                key = view.mentions[int(number)].key
                org = gaz.organisations.get(key[4:])
                parties = target.organisations + list(target.body.parties if target.body else ())
                venue = org is not None and org.type == "InternationalOrganisation" and key not in parties
                if venue and key not in target.forums:  # a party (ASEAN, the EU) is a venue unless it takes part
                    target.forums.append(key)

    # threats the meeting addressed: in its own sentences, the headline, talk of what the sides discussed,
    # or a group named as a threat to a state in the report of the meeting
    if primary is not None:
        for view in views:
            groups = [m.key for m in view.mentions if m.key.startswith("group/")]
            if not groups:
                continue
            spoken = view.index in primary.sentences or view.index == headline or view.index in threat_sentences
            if spoken or (r.talk.search(view.text) and r.discussion.search(view.text)):
                for key in groups:
                    if key not in primary.threats:
                        primary.threats.append(key)

    # a wire's lead that gives no day ("held talks here"): the meeting is the dateline's news of that day;
    # a lead that names another day ("on Thursday", "yesterday") is not, and its date stays unknown
    lead = primary is not None and primary.sentences and min(primary.sentences) <= 2
    if lead and primary is not None and primary.status == "held" and primary.date is None:
        said = " ".join(views[i].text for i in primary.sentences if i < len(views) and views[i].index == i)
        if not _OTHER_DAY.search(said):
            primary.date = article.dateline_date
    told = [d for d in drafts if d.sentences and (d is primary or _tells_something(d))]
    named = {n[1].key for n in names}
    for d in told:  # a body named only with a previous or next sitting still needs its label
        if d.body is not None and d.body.key and d.body.key not in named:
            names.append((False, d.body, d.sentences[0]))
            named.add(d.body.key)
    for _, name, index in sorted(names, key=lambda n: (n[0], n[2])):
        entities.append(body_entity(name, index))
    meetings = [_finish(d, gaz, entities, d is primary) for d in told]
    return meetings, entities, sides


def _is_organisation_itself(body: BodyName) -> bool:
    """A body name that is only an organisation's name ("the Example Task Force"): no parties, no topic."""
    if body.key is None or body.owner is None or body.parties:
        return False
    kind = kind_of(body.text)
    return kind is not None and body.key == "body/" + slug(f"{body.owner.split('/', 1)[1]}-{kind}")


def _tells_something(d: Draft) -> bool:
    """ "Since their previous meeting" with no number, date or place states no meeting worth a node."""
    return bool(d.status == "planned" or d.ordinal or d.label or d.date or d.place or d.virtual)


def _number(placeholder: str) -> int:
    return int(re.sub(r"\D", "", placeholder))


def _current(
    sittings: list[Sitting], number: int, drafts: dict[int, Draft], primary: Draft | None, *, kind: str | None
) -> Draft | None:
    """The meeting that "the next meeting" or "the last meeting" is counted from.

    The nearest held meeting before it, of the kind of body it names if it names one ("of the Joint
    Working Group" skips a dialogue mentioned in between).
    """
    candidates = [
        drafts[n] for n in range(number - 1, -1, -1) if n in drafts and sittings[n].kind in {"held", "descriptive"}
    ]
    if primary is not None and primary not in candidates:
        candidates.append(primary)
    for d in candidates:
        if kind is None or (d.body is not None and kind_of(d.body.text) == kind):
            return d
    return candidates[0] if candidates and kind is None else primary


def _latest(drafts: list[Draft], body: BodyName | None, ordinal: int | None, primary: Draft | None) -> Draft | None:
    """The meeting that "the next meeting" follows: the one numbered just before it, else the latest
    numbered held meeting of its body, else the article's main meeting."""
    held = [d for d in drafts if d.status == "held" and d.ordinal is not None]
    if body is not None and body.key:
        held = [d for d in held if d.body is not None and d.body.key == body.key]
    if ordinal is not None:
        before = [d for d in held if d.ordinal == ordinal - 1]
        return before[0] if before else primary
    return max(held, key=lambda d: d.ordinal or 0) if held else primary


def _top(org_key: str, gaz: Gazetteer) -> str | None:
    org = gaz.organisations.get(org_key[4:])
    seen = set()
    while org is not None and org.part_of and org.part_of not in seen:
        seen.add(org.id)
        parent = gaz.organisations.get(org.part_of)
        if parent is None:
            break
        org = parent
    return org.key if org is not None else None


def _finish(d: Draft, gaz: Gazetteer, entities: list[Entity], primary: bool) -> Meeting:
    participants = list(d.participants)
    organisations = list(d.organisations)
    forums = list(d.forums)
    if d.body is not None and d.body.key:
        for party in d.body.parties:
            target = participants if party.startswith("state/") else organisations
            if party not in target:
                target.append(party)
        if d.body.owner and primary:  # the article's meeting is held within its body's organisation
            top = _top(d.body.owner, gaz)
            if top and top not in forums:
                forums.append(top)
    if d.chair and d.chair not in participants:
        participants.append(d.chair)
    label = d.label or ""
    if d.body is not None:
        label = (
            f"{_ordinal_text(d.ordinal)}meeting of the {d.body.text}" if d.ordinal else f"meeting of the {d.body.text}"
        )
    parties = len(participants) + len(organisations)
    return Meeting(
        local=d.local,
        label=label[:1].upper() + label[1:],
        sentences=tuple(d.sentences),
        status=d.status,
        body=d.body.key if d.body else None,
        ordinal=d.ordinal,
        date=d.date if d.status == "held" else None,
        planned_date=d.planned_date,
        place=d.place,
        host=d.host,
        chair=d.chair,
        participants=tuple(participants),
        organisations=tuple(organisations),
        heads=tuple(d.heads) if d.status == "held" else (),
        threats=tuple(d.threats),
        forums=tuple(forums),
        next=d.next,
        named_parties=parties if parties < 2 and d.status == "held" else None,
    )


def _ordinal_text(value: int | None) -> str:
    if value is None:
        return ""
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix} "


def with_heads_states(meetings: list[Meeting], officials: dict[str, Official]) -> list[Meeting]:
    """Heads' states take part; a bilateral meeting's one unplaced head led the other side."""
    result = []
    for meeting in meetings:
        participants = list(meeting.participants)
        for key in meeting.heads:
            state = officials[key].state if key in officials else None
            if state and state not in participants:
                participants.append(state)
        result.append(replace(meeting, participants=tuple(participants)))
    return result
