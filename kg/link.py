"""Link: one node per real thing across all articles.

Each article is extracted alone; this stage decides which meetings and attacks of different
articles are the same, and which single label, date, place and status each shared node carries.
It works on the extractions only (cheap), so it can be re-run over all articles whenever one
changes. Decisions are deterministic: articles are taken in order of their ids.

- Meetings of one body are the same when their ordinals are ("the 10th meeting"); "the last
  meeting" before the 11th is the 10th; "the next meeting" after the 10th is the 11th, so a planned
  meeting becomes the node of the meeting that later takes place.
- A meeting without an ordinal but with a full date is the numbered meeting of the same body on
  that date, if there is one.
- Of dates that agree, the most precise wins ("--11-16" and "2023-11-16" give 2023-11-16); dates
  that disagree are all dropped and reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.extract.attacks import attack_key
from kg.iri import slug
from kg.model import Attack, Extraction, Meeting, PartialDate

Ref = tuple[str, str]  # (article id, local id)


@dataclass(frozen=True)
class MeetingNode:
    key: str
    label: str
    status: str
    body: str | None
    ordinal: int | None
    date: PartialDate | None
    date_from: frozenset[Ref]  # the statements whose date is the chosen one
    place: str | None
    place_from: frozenset[Ref]


@dataclass(frozen=True)
class AttackNode:
    key: str
    label: str
    alt_labels: tuple[str, ...]
    kept: frozenset[tuple[str, Ref]] = frozenset()  # (field, statement) pairs that carry the agreed value


Count = tuple[int, str | None]  # a number and its qualifier ("at least", "more than") or None if exact


def _bound(count: Count) -> int:
    number, qualifier = count
    return number + 1 if qualifier == "more than" else number


def _choose_count(values: list[tuple[Ref, Count]], what: str, notes: list[str]) -> frozenset[Ref]:
    """The statements whose toll stands: an exact figure all lower bounds agree with, else the highest bound."""
    if not values:
        return frozenset()
    exact = {count for _, count in values if count[1] is None}
    if len(exact) > 1:
        notes.append(
            f"{what}: the articles give different figures ({', '.join(str(n) for n, _ in sorted(exact))}); none is kept"
        )
        return frozenset()
    if exact:
        (value,) = exact
        if any(_bound(c) > value[0] for _, c in values if c[1] is not None):
            notes.append(f"{what}: an exact figure is below a lower bound another article gives; none is kept")
            return frozenset()
        return frozenset(ref for ref, c in values if c == value)
    best = max((c for _, c in values), key=_bound)
    return frozenset(ref for ref, c in values if c == best)


@dataclass
class Linked:
    meetings: dict[Ref, str] = field(default_factory=dict)  # statement -> node key
    meeting_nodes: dict[str, MeetingNode] = field(default_factory=dict)
    attacks: dict[Ref, str] = field(default_factory=dict)
    attack_nodes: dict[str, AttackNode] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # entity key -> preferred label
    alt_labels: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _ordinal_text(value: int) -> str:
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def _provisional_key(meeting: Meeting, article: str, by_local: dict[str, Meeting]) -> str:
    body = meeting.body.split("/", 1)[1] if meeting.body else None
    if body and meeting.ordinal:
        return f"meeting/{body}-{meeting.ordinal}"
    if body and meeting.next and by_local.get(meeting.next) and by_local[meeting.next].ordinal:
        following = by_local[meeting.next].ordinal or 0
        if following > 1:
            return f"meeting/{body}-{following - 1}"
    stem = body or "-".join(sorted(p.split("/", 1)[1].lower() for p in meeting.participants)) or "meeting"
    if meeting.date is not None and meeting.date.precision == 3 and meeting.date.year is not None:
        return f"meeting/{stem}-{meeting.date.literal()[0]}"
    return f"meeting/{stem}-{slug(article)}-{meeting.local}"


def _choose_date(
    values: list[tuple[Ref, PartialDate]], key: str, notes: list[str]
) -> tuple[PartialDate | None, frozenset[Ref]]:
    if not values:
        return None, frozenset()
    best = max(values, key=lambda v: (v[1].precision, v[1].year is not None))[1]
    if not all(best.agrees_with(v) for _, v in values):
        shown = ", ".join(f"{v.literal()[0]} ({ref[0]})" for ref, v in values)
        notes.append(f"{key}: the articles give different dates ({shown}); none is kept")
        return None, frozenset()
    return best, frozenset(ref for ref, v in values if v == best)


def link(extractions: Iterable[Extraction]) -> Linked:
    ordered = sorted(extractions, key=lambda e: e.article.id)
    linked = Linked()
    statements: dict[str, list[tuple[Ref, Meeting]]] = defaultdict(list)
    for ex in ordered:
        by_local = {m.local: m for m in ex.meetings}
        for meeting in ex.meetings:
            statements[_provisional_key(meeting, ex.article.id, by_local)].append(
                ((ex.article.id, meeting.local), meeting)
            )
    # a dated meeting without an ordinal is the numbered meeting of its body held that day
    numbered: dict[tuple[str, str], str] = {}
    for key, items in statements.items():
        for _, meeting in items:
            if meeting.body and meeting.ordinal and meeting.date and meeting.date.precision == 3:
                numbered.setdefault((meeting.body, meeting.date.literal()[0]), key)
    for key in list(statements):
        items = statements[key]
        body, date = items[0][1].body, items[0][1].date
        if body and not any(m.ordinal for _, m in items) and date and date.precision == 3 and date.year:
            target = numbered.get((body, date.literal()[0]))
            if target and target != key:
                statements[target].extend(statements.pop(key))

    labels: dict[str, list[str]] = defaultdict(list)
    for ex in ordered:
        for entity in ex.entities:
            for name in (entity.label, *entity.alt_labels):
                if name not in labels[entity.key]:
                    labels[entity.key].append(name)
    for key, names in labels.items():
        linked.labels[key] = names[0]
        linked.alt_labels[key] = names[1:]

    for key, items in sorted(statements.items()):
        for ref, _ in items:
            linked.meetings[ref] = key
        meetings = [m for _, m in items]
        status = "held" if any(m.status == "held" for m in meetings) else "planned"
        ordinal = next((m.ordinal for m in meetings if m.ordinal), None)
        body = next((m.body for m in meetings if m.body), None)
        held_dates = [(ref, m.date) for ref, m in items if m.date is not None]
        date, date_from = _choose_date(held_dates, key, linked.notes)
        places = sorted({m.place for m in meetings if m.place})
        place = places[0] if len(places) == 1 else None
        if len(places) > 1:
            linked.notes.append(f"{key}: the articles give different places ({', '.join(places)}); none is kept")
        place_from = frozenset(ref for ref, m in items if m.place == place) if place else frozenset()
        if body:
            name = linked.labels.get(body, body)
            label = f"{_ordinal_text(ordinal)} meeting of the {name}" if ordinal else f"Meeting of the {name}"
            if not ordinal and date:
                label += f" ({date.literal()[0]})"
        else:
            label = meetings[0].label
        linked.meeting_nodes[key] = MeetingNode(key, label, status, body, ordinal, date, date_from, place, place_from)

    told: dict[str, list[tuple[Ref, Attack]]] = defaultdict(list)
    for ex in ordered:
        for attack in ex.attacks:
            key = attack_key(attack)
            linked.attacks[(ex.article.id, attack.local)] = key
            told[key].append(((ex.article.id, attack.local), attack))
    for key, attacks in told.items():
        names = list(dict.fromkeys(a.name for _, a in attacks))
        kept: set[tuple[str, Ref]] = set()
        _, date_refs = _choose_date([(r, a.date) for r, a in attacks if a.date], key, linked.notes)
        kept |= {("date", r) for r in date_refs}
        killed = [(r, (a.killed, a.killed_qualifier)) for r, a in attacks if a.killed is not None]
        kept |= {("killed", r) for r in _choose_count(killed, f"{key} (killed)", linked.notes)}
        injured = [(r, (a.injured, a.injured_qualifier)) for r, a in attacks if a.injured is not None]
        kept |= {("injured", r) for r in _choose_count(injured, f"{key} (injured)", linked.notes)}
        linked.attack_nodes[key] = AttackNode(key, names[0], tuple(names[1:]), frozenset(kept))
    return linked
