"""Synthetic articles in the style of counter-terrorism diplomacy news, with their gold facts.

    python -m bench.generate --articles 1000 --seed 1 -o DIR [--gold GOLDDIR]

The world is drawn from the project's reference data (states, capitals and other cities,
international organisations, threat groups) and a deterministic pool of invented officials who
serve one state each and recur across articles. Bilateral working groups, dialogues and
consultations meet once a year with consecutive ordinals, so the linked graph has series. Most
articles report one sitting; about one in five reports an attack.

Everything is a function of the seed (and of the number of articles, which sets how many series
there are): the same arguments write byte-identical files. The generator knows what it wrote, so
``--gold`` writes, beside the articles, one YAML file per article in the gold format that
``kg eval`` reads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from kg.gazetteer import Gazetteer, load

# ------------------------------------------------------------------------------ vocabulary

FIRST_NAMES = [
    "Amir",
    "Anil",
    "Arman",
    "Aziz",
    "Bakhyt",
    "Chen",
    "Daniel",
    "Dilnoza",
    "Elena",
    "Farid",
    "Gulnara",
    "Hassan",
    "Helena",
    "Ibrahim",
    "Igor",
    "Ilhom",
    "Javed",
    "Karim",
    "Kenji",
    "Laila",
    "Lars",
    "Li",
    "Marat",
    "Maria",
    "Mehmet",
    "Nadia",
    "Naveen",
    "Olga",
    "Omar",
    "Pavel",
    "Rahul",
    "Rashid",
    "Rustam",
    "Sabina",
    "Samir",
    "Sergei",
    "Sofia",
    "Tariq",
    "Timur",
    "Ulrich",
    "Vikram",
    "Wei",
    "Yusuf",
    "Zafar",
    "Zainab",
    "Amina",
    "Joseph",
    "Peter",
    "Grace",
]
LAST_NAMES = [
    "Abenov",
    "Ahmadi",
    "Alimov",
    "Bakirov",
    "Bhandari",
    "Castellano",
    "Chaudhry",
    "Delacroix",
    "Durrani",
    "Eriksen",
    "Fazli",
    "Gromov",
    "Haidari",
    "Hashimi",
    "Iqbal",
    "Jansen",
    "Kasymov",
    "Khalilov",
    "Kovalenko",
    "Lindqvist",
    "Mahmudov",
    "Malik",
    "Mendoza",
    "Nazarov",
    "Novak",
    "Okafor",
    "Orlov",
    "Petrenko",
    "Qureshi",
    "Rahimov",
    "Rasulov",
    "Sadykov",
    "Saidov",
    "Sharifi",
    "Sokolov",
    "Tashkentov",
    "Umarov",
    "Valieva",
    "Wahidi",
    "Yakubov",
    "Zaman",
    "Zhang",
    "Mwangi",
    "Mensah",
    "Farouk",
    "Haddad",
    "Kowalski",
    "Brennan",
    "Takeda",
    "Suarez",
    "Ndlovu",
    "Reyes",
    "Osei",
]
MIDDLE_INITIALS = "ABCDEFHKLMNRST"
HONORIFICS = ("Mr.", "Ambassador", "Dr.", "H.E.")
# Offices: (title before the name, title after the name "..., {title} of {State}")
OFFICES = (
    ("Deputy Foreign Minister", "Deputy Foreign Minister"),
    ("Additional Secretary", "Additional Secretary, Ministry of Foreign Affairs"),
    ("Special Envoy for Counter-Terrorism", "Special Envoy for Counter-Terrorism"),
    ("Director General for Counter-Terrorism", "Director General for Counter-Terrorism"),
    ("Ambassador-at-Large for Counter-Terrorism", "Ambassador-at-Large for Counter-Terrorism"),
    ("Deputy Minister of Foreign Affairs", "Deputy Minister of Foreign Affairs"),
)
BODY_KINDS = (
    ("{a}-{b} Joint Working Group on Counter-Terrorism", "meeting", "working group"),
    ("{a}-{b} Joint Working Group on Combating International Terrorism", "meeting", "working group"),
    ("{a}-{b} Counter-Terrorism Dialogue", "round", "dialogue"),
    ("{a}-{b} Consultations on Counter-Terrorism", "round", "consultations"),
)
FORUMS = ("un", "sco", "gctf", "fatf", "osce", "african-union", "asean-regional-forum", "cica")
OUTLETS = ("Global Security Wire", "Capital Dispatch", "Frontier Herald", "Asia Policy Monitor", "Diplomatic Desk")
ORDINAL_WORDS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTH_ABBR = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ATTACK_KINDS = (
    ("bombing", "suicide bombing"),
    ("blast", "bomb blast"),
    ("attack", "gun attack"),
    ("shooting", "shooting"),
)
TARGETS = ("a crowded market", "a police checkpoint", "a mosque", "a bus station", "a government office", "a hotel")
PLURAL_NAMES = {"Bahamas", "Comoros", "Maldives", "Netherlands", "Philippines", "Seychelles", "Gambia"}


def the(name: str) -> str:
    """A state's name as a sentence uses it: "the United States", "the Philippines", "Kenya"."""
    return f"the {name}" if name in PLURAL_NAMES or name.startswith(("United ", "Marshall ", "Solomon ")) else name


def possessive(name: str) -> str:
    return f"{the(name)}'" if name.endswith("s") else f"{the(name)}'s"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


TEASERS = (
    (
        "Border Talks Resume",
        "Officials from {s1} and {s2} met to discuss border security and the movement of fighters.",
    ),
    (
        "A Long War in the Hills",
        "{g} fighters raided a village in {s1}, local officials said, in the third attack this month.",
    ),
    ("Finance Watchdog Meets", "The plenary reviewed the progress of {s1} and {s2} on terrorist financing."),
    ("Envoys Compare Notes", "Envoys of {s1} discussed the threat posed by {g} with their counterparts from {s2}."),
)


def ordinal_digits(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def date_text(day: dt.date, rng: random.Random) -> str:
    """A date as news writes it, in one of several styles."""
    style = rng.randrange(4)
    if style == 0:
        return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
    if style == 1:
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    if style == 2:
        return f"{ordinal_digits(day.day)} {MONTHS[day.month - 1]}, {day.year}"
    return f"{MONTH_ABBR[day.month - 1]} {day.day}, {day.year}"


# ------------------------------------------------------------------------------ the world


@dataclass(frozen=True)
class StateInfo:
    iso3: str
    name: str
    demonym: str
    capital: str
    cities: tuple[str, ...]


@dataclass(frozen=True)
class Person:
    name: str
    honorific: str
    office: tuple[str, str]
    state: str  # iso3


@dataclass(frozen=True)
class Series:
    number: int
    a: str  # iso3
    b: str
    kind: int
    start: int  # year of the first sitting
    threats: tuple[str, ...]  # group ids the two sides talk about
    forums: tuple[str, ...]


@dataclass
class Article:
    name: str
    text: str
    gold: dict = field(default_factory=dict)


class World:
    """Every recurring thing of a corpus: states, officials, series of sittings."""

    def __init__(self, seed: int, articles: int, gaz: Gazetteer | None = None) -> None:
        self.seed = seed
        self.size = articles
        self.gaz = gaz or load()
        rng = random.Random(f"world:{seed}")
        self.states = self._states(rng)
        self.used_names: set[tuple[str, str]] = set()
        self.used_bodies: set[tuple[str, str, str]] = set()
        self.people = {iso: self._people(rng, iso) for iso in sorted(self.states)}
        self.groups = sorted(self.gaz.groups)
        count = max(3, articles // 7)
        self.series = [self._series(rng, number) for number in range(count)]

    def _states(self, rng: random.Random) -> dict[str, StateInfo]:
        by_state: dict[str, list[tuple[int, str]]] = {}
        for city in self.gaz.cities_by_key.values():
            if city.population >= 150_000 and re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?", city.name):
                by_state.setdefault(city.iso3, []).append((city.population, city.name))
        chosen: dict[str, StateInfo] = {}
        for iso, state in sorted(self.gaz.states.items()):
            simple = re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?", state.name)
            capital = self.gaz.city(state.capital, country=iso) if state.capital else None
            if not (state.un_member and simple and state.demonyms and capital and capital.name == state.capital):
                continue
            if not re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?", state.capital):
                continue
            cities = tuple(n for _, n in sorted(by_state.get(iso, []), reverse=True) if n != state.capital)[:4]
            # a city whose name is also a state's name or capital would be read as that state
            cities = tuple(c for c in cities if self.gaz.city(c) is not None and self.gaz.city(c).iso3 == iso)  # type: ignore[union-attr]
            chosen[iso] = StateInfo(iso, state.name, state.demonyms[0], state.capital, cities)
        keys = sorted(chosen)
        rng.shuffle(keys)
        return {k: chosen[k] for k in sorted(keys[:90])}

    def _people(self, rng: random.Random, iso: str) -> tuple[Person, ...]:
        people = []
        while len(people) < 4:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            middle = f" {rng.choice(MIDDLE_INITIALS)}." if rng.random() < 0.2 else ""
            name = f"{first}{middle} {last}"
            if (first, last) in self.used_names:  # one person per name: a name never serves two states
                continue
            self.used_names.add((first, last))
            people.append(Person(name, rng.choice(HONORIFICS), rng.choice(OFFICES), iso))
        return tuple(people)

    def _series(self, rng: random.Random, number: int) -> Series:
        while True:  # one series per pair of states and kind of body
            a, b = rng.sample(sorted(self.states), 2)
            kind = rng.randrange(len(BODY_KINDS))
            key = (min(a, b), max(a, b), BODY_KINDS[kind][2])
            if key not in self.used_bodies:
                self.used_bodies.add(key)
                break
        threats = tuple(rng.sample(self.groups, 3))
        forums = tuple(rng.sample(FORUMS, 2))
        return Series(number, a, b, kind, rng.randrange(1996, 2012), threats, forums)

    @cached_property
    def per_series(self) -> int:
        return max(1, -(-self.size // len(self.series)))

    # -------------------------------------------------------------------------- one sitting

    def sitting(self, series: Series, ordinal: int) -> dict:
        """The facts of one sitting, the same whichever article tells them."""
        rng = random.Random(f"sitting:{self.seed}:{series.number}:{ordinal}")
        year = series.start + ordinal - 1
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        host = series.a if ordinal % 2 else series.b
        era = (ordinal - 1) // 3  # delegations change heads every few years
        heads = {iso: self.people[iso][(era + series.number) % len(self.people[iso])] for iso in (series.a, series.b)}
        return {"date": day, "host": host, "virtual": rng.random() < 0.1, "heads": heads}


# ------------------------------------------------------------------------------ writing


class Writer:
    def __init__(self, world: World, index: int) -> None:
        self.world = world
        self.index = index
        self.rng = random.Random(f"article:{world.seed}:{index}")

    def state(self, iso: str) -> StateInfo:
        return self.world.states[iso]

    def group_name(self, group_id: str) -> tuple[str, str]:
        """(as written, canonical)"""
        group = self.world.gaz.groups[group_id]
        forms = [group.name] + [a for a in group.aliases if re.fullmatch(r"[A-Z][\w' -]+", a) and len(a) > 3]
        return self.rng.choice(forms[:3]), group.name

    def boilerplate_tail(self) -> str:
        rng = self.rng
        states = [s.name for s in self.world.states.values()]
        parts = [f"This news is sourced from {rng.choice(OUTLETS)} and is intended for informational purposes only."]
        parts += ["News Desk", "Your trusted source for coverage of security, diplomacy and global affairs.", "Recent"]
        for _ in range(rng.randrange(1, 4)):
            title, line = rng.choice(TEASERS)
            group = self.world.gaz.groups[rng.choice(self.world.groups)].name
            s1, s2 = rng.sample(states, 2)
            parts.append(f"{line.format(s1=s1, s2=s2, g=group)}\n\n{title}\n\nRead More »")
        return "\n\n".join(parts)

    def also_see(self) -> str:
        s1, s2 = self.rng.sample([s.name for s in self.world.states.values()], 2)
        return f"Also See: {s1} and {s2} Sign Agreement on Extradition"

    def framed(self, headline: str, paragraphs: list[str], date: dt.date, *, dateline: str | None) -> str:
        """Headline or header block, body, and the site's furniture around it."""
        rng = self.rng
        body = list(paragraphs)
        if dateline:
            body[0] = f"{dateline.upper()}: {body[0]}" if rng.random() < 0.7 else f"{dateline}: {body[0]}"
        web = rng.random() < 0.5
        if web and len(body) > 2:
            body.insert(rng.randrange(2, len(body)), self.also_see())
        if rng.random() < 0.4:
            slug = re.sub(r"[^a-z0-9]+", "-", headline.lower()).strip("-")
            header = (
                f"title: {headline}\ndate: {date.isoformat()}\nsource: {rng.choice(OUTLETS)}\n"
                f"url: https://news.example/{date.year}/{slug}\n---\n"
            )
            text = header + "\n\n".join(body)
        else:
            lead = [headline]
            if web:
                lead.append(f"Officials vow to deepen cooperation against militancy. [Image via {rng.choice(OUTLETS)}]")
            text = "\n\n".join(lead + body)
        if web:
            text += "\n\n" + self.boilerplate_tail()
        return text + "\n"


def meeting_article(world: World, index: int, series: Series, ordinal: int) -> Article:
    w = Writer(world, index)
    rng = w.rng
    facts = world.sitting(series, ordinal)
    a, b = w.state(series.a), w.state(series.b)
    if rng.random() < 0.5:
        a, b = b, a  # the article's home state comes first
    template, noun, short = BODY_KINDS[series.kind]
    body = template.format(a=w.state(series.a).name, b=w.state(series.b).name)
    if rng.random() < 0.3:
        body = template.format(a=a.name, b=b.name)  # named in the home state's order
    ordinal_text = ORDINAL_WORDS[ordinal - 1] if ordinal <= 20 and rng.random() < 0.5 else ordinal_digits(ordinal)
    if ordinal == 1 and rng.random() < 0.5:
        ordinal_text = "inaugural"
    day: dt.date = facts["date"]
    host = w.state(facts["host"])
    virtual = facts["virtual"]
    published = day + dt.timedelta(days=rng.randrange(0, 3))
    when = f"on {date_text(day, rng)}"
    if published != day and rng.random() < 0.3:
        when = f"on {WEEKDAYS[day.weekday()]}"  # resolved against the header date
        force_header = True
    else:
        force_header = False
    heads: dict[str, Person] = facts["heads"]
    ha, hb = heads[a.iso3], heads[b.iso3]
    gold_meeting: dict = {"body": body, "ordinal": ordinal, "date": day.isoformat()}
    if not virtual:
        gold_meeting["place"] = f"{host.capital} ({host.name})"
    gold_meeting["participants"] = sorted({a.name, b.name})
    gold_meeting["heads"] = sorted({ha.name, hb.name})

    paragraphs: list[str] = []
    dateline = None
    lead = rng.randrange(4)
    if virtual:
        paragraphs.append(
            f"{when[0].upper()}{when[1:]}, the {ordinal_text} {noun} of the {body} was held via video conference."
        )
    elif lead == 0:
        dateline = host.capital
        paragraphs.append(
            f"Senior officials of {the(a.name)} and {the(b.name)} discussed counter-terrorism cooperation at the "
            f"{ordinal_text} {noun} of the {body} held here {when}."
        )
    elif lead == 1:
        paragraphs.append(f"The {ordinal_text} {noun} of the {body} was held in {host.capital} {when}.")
    elif lead == 2:
        dateline = a.capital
        paragraphs.append(
            f"{capitalised(the(a.name))} and {the(b.name)} held the {ordinal_text} {noun} of the {body} "
            f"in {host.capital} {when}, the Foreign Ministry of {the(a.name)} said in a statement."
        )
    else:
        paragraphs.append(
            f"{when[0].upper()}{when[1:]}, the {ordinal_text} {noun} of the {body} took place in {host.capital}."
        )

    def with_title_after(p: Person, s: StateInfo) -> str:
        return f"{p.honorific} {p.name}, {p.office[1]} of {the(s.name)}"

    style = rng.randrange(3)
    if style == 0:
        paragraphs.append(
            f"The {a.demonym} delegation was led by {with_title_after(ha, a)}, while the {b.demonym} side was "
            f"led by {with_title_after(hb, b)}."
        )
        titles = {ha.name: f"{ha.office[1]} of {a.name}", hb.name: f"{hb.office[1]} of {b.name}"}
    elif style == 1:
        paragraphs.append(
            f"The {noun} was co-chaired by {with_title_after(ha, a)}, and {with_title_after(hb, b)}."
            if noun == "meeting"
            else f"The talks were co-chaired by {with_title_after(ha, a)}, and {with_title_after(hb, b)}."
        )
        titles = {ha.name: f"{ha.office[1]} of {a.name}", hb.name: f"{hb.office[1]} of {b.name}"}
    else:
        paragraphs.append(
            f"{capitalised(possessive(a.name))} delegation was led by {ha.office[0]} {ha.name}, "
            f"while the {b.demonym} side was headed by {hb.office[0]} {hb.name}."
        )
        titles = {ha.name: ha.office[0], hb.name: hb.office[0]}

    groups = list(series.threats[: rng.randrange(1, 3)])
    written = [w.group_name(g) for g in groups]
    threatens = []
    discussed = sorted({canon for _, canon in written})
    if len(written) == 1:
        paragraphs.append(
            rng.choice(
                (
                    f"The two sides discussed the threat posed by {written[0][0]} and the situation in the region.",
                    f"Both sides reviewed the activities of {written[0][0]} and exchanged views on "
                    "terrorist financing.",
                )
            )
        )
    else:
        paragraphs.append(
            f"The delegations discussed the threats posed by {written[0][0]} and {written[1][0]}, and the "
            f"movement of foreign terrorist fighters."
        )
    if rng.random() < 0.5:
        form, canon = w.group_name(series.threats[2])
        paragraphs.append(f"{capitalised(the(a.name))} continues to face threats from {form}, the statement said.")
        threatens.append({"group": canon, "state": a.name})
        discussed = sorted(set(discussed) | {canon})
    gold_meeting["threats_discussed"] = discussed

    forums = [world.gaz.organisations[f] for f in series.forums[: rng.randrange(0, 3)]]
    if forums:
        names = " and the ".join(rng.choice((f.name, f.long_name)) for f in forums)
        paragraphs.append(f"The two sides agreed to strengthen cooperation at the {names}.")
        gold_meeting["forums"] = sorted(f.name for f in forums)

    if rng.random() < 0.6:
        following = world.sitting(series, ordinal + 1)
        next_host = w.state(following["host"])
        year = following["date"].year
        choice = rng.randrange(3)
        if choice == 0:
            paragraphs.append(f"The next {noun} of the {short} will be held in {next_host.capital} in {year}.")
            gold_meeting["next_meeting"] = {"place": f"{next_host.capital} ({next_host.name})", "year": year}
        elif choice == 1:
            paragraphs.append(f"Both sides agreed to hold the {short}'s next {noun} in {year}.")
            gold_meeting["next_meeting"] = {"year": year}
        else:
            paragraphs.append(f"{capitalised(the(next_host.name))} will host the next {noun} of the {short} in {year}.")
            gold_meeting["next_meeting"] = {"place": next_host.name, "year": year}
    paragraphs.append(
        rng.choice(
            (
                "The platform provides both sides an opportunity to share their experiences and best practices.",
                "Both sides reaffirmed their resolve to strengthen cooperation against terrorism in all its forms.",
                "The meeting was attended by experts from the competent agencies of both states.",
            )
        )
    )

    headline = rng.choice(
        (
            f"{a.name} and {b.name} Review Counter-Terrorism Cooperation",
            f"{a.name}, {b.name} Hold Counter-Terror Talks",
            f"{a.demonym} and {b.demonym} Officials Discuss Regional Threats",
        )
    )
    text = Writer.framed(w, headline, paragraphs, published, dateline=dateline)
    if force_header and not text.startswith("title:"):
        slug = re.sub(r"[^a-z0-9]+", "-", headline.lower()).strip("-")
        body_text = text.split("\n\n", 1)[1]
        text = (
            f"title: {headline}\ndate: {published.isoformat()}\nsource: {rng.choice(OUTLETS)}\n"
            f"url: https://news.example/{published.year}/{slug}\n---\n{body_text}"
        )
    people = [(ha, a), (hb, b)]
    ministries = {s.name for p, s in people if style < 2 and "Ministry" in p.office[1]}
    if dateline and lead == 2 and not virtual:
        ministries.add(a.name)
    organisations = sorted({f.name for f in forums} | {f"Ministry of Foreign Affairs ({m})" for m in ministries})
    gold = {
        "states": sorted({a.name, b.name}),
        "officials": [{"name": p.name, "title": titles[p.name], "state": s.name} for p, s in people],
        "organisations": organisations,
        "threat_groups": sorted({canon for _, canon in written} | {t["group"] for t in threatens}),
        "meetings": [gold_meeting],
        "attacks": [],
    }
    if threatens:
        gold["threatens"] = threatens
    return Article(f"{index:06d}_{series.a.lower()}-{series.b.lower()}-{ordinal}", text, gold)


def attack_article(world: World, index: int) -> Article:
    w = Writer(world, index)
    rng = w.rng
    candidates = sorted(iso for iso, s in world.states.items() if s.cities)
    state = w.state(rng.choice(candidates))
    city = rng.choice(state.cities)
    day = dt.date(rng.randrange(2005, 2025), 1, 1) + dt.timedelta(days=rng.randrange(365))
    noun, clause = rng.choice(ATTACK_KINDS)
    killed = rng.randrange(3, 90)
    injured = killed + rng.randrange(5, 60)
    qualifier = rng.choice((None, "at least", "over"))
    toll = f"{qualifier} {killed}" if qualifier else str(killed)
    group_id = rng.choice(world.groups)
    form, canon = w.group_name(group_id)
    target = rng.choice(TARGETS)
    when = date_text(day, rng)
    gold_attack: dict = {
        "name": f"{city} {noun}",
        "place": f"{city} ({state.name})",
        "date": day.isoformat(),
        "killed": killed,
    }
    if qualifier:
        gold_attack["killed_qualifier"] = "more than" if qualifier == "over" else qualifier
    style = rng.randrange(3)
    if style == 0:
        lead = (
            f"{capitalised(toll)} people were killed in a {clause} at {target} in {city}, {the(state.name)}, "
            f"on {when}, officials said."
        )
    elif style == 1:
        lead = (
            f"On {when}, a {clause} at {target} in {city}, {the(state.name)}, killed {toll} people and "
            f"injured {injured}, officials said."
        )
    else:
        lead = (
            f"A {clause} at {target} in {city}, {the(state.name)}, on {when} left {toll} people dead and "
            f"{injured} wounded, the police said."
        )
    paragraphs = [lead]
    groups: set[str] = set()
    if rng.random() < 0.8:
        paragraphs.append(
            rng.choice(
                (
                    f"{form} claimed responsibility for the {noun} in a statement released online.",
                    f"The {noun} was claimed by {form}, according to a statement carried by its media outlet.",
                )
            )
        )
        gold_attack["claimed_by"] = canon
        groups.add(canon)
        if rng.random() < 0.3:
            other_id = rng.choice([g for g in world.groups if g != group_id])
            other, other_canon = w.group_name(other_id)
            paragraphs.append(f"{other} denied any involvement in the {noun}.")
            groups.add(other_canon)
    threatens = []
    if rng.random() < 0.5:
        paragraphs.append(
            f"{capitalised(the(state.name))} has long faced threats from {form}, which operates in several provinces."
        )
        threatens.append({"group": canon, "state": state.name})
        groups.add(canon)
    paragraphs.append(
        "Security forces cordoned off the area and launched a search operation, and the wounded were taken "
        "to nearby hospitals."
    )
    headline = rng.choice(
        (f"{killed} Killed in {city} {noun.title()}", f"Deadly {noun.title()} Hits {city}", f"{city} Mourns Victims")
    )
    text = w.framed(headline, paragraphs, day + dt.timedelta(days=1), dateline=state.capital)
    gold = {
        "states": [state.name],
        "officials": [],
        "organisations": [],
        "threat_groups": sorted(groups),
        "meetings": [],
        "attacks": [gold_attack],
    }
    if threatens:
        gold["threatens"] = threatens
    return Article(f"{index:06d}_{re.sub(r'[^a-z0-9]+', '-', city.lower())}-{noun}", text, gold)


def article(world: World, index: int) -> Article:
    """Article ``index`` (0-based) of the corpus: one in five is an attack, the rest report a sitting."""
    if index % 5 == 4:
        return attack_article(world, index)
    sitting = index - index // 5
    series = world.series[sitting % len(world.series)]
    ordinal = sitting // len(world.series) + 1
    return meeting_article(world, index, series, ordinal)


def generate(
    count: int, seed: int, out: Path, gold: Path | None = None, *, start: int = 0, total: int | None = None
) -> list[Path]:
    """Write articles ``start`` to ``start + count - 1`` of a corpus of ``total`` (default: all of them),
    with their gold files, and return their paths."""
    world = World(seed, total or start + count)
    out.mkdir(parents=True, exist_ok=True)
    if gold is not None:
        gold.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(start, start + count):
        item = article(world, index)
        path = out / f"{item.name}.txt"
        path.write_text(item.text, encoding="utf-8")
        written.append(path)
        if gold is not None:
            dump = yaml.safe_dump(item.gold, sort_keys=False, allow_unicode=True, width=120)
            (gold / f"{item.name}.yaml").write_text(f"# Gold for {item.name}.txt (generated)\n{dump}", "utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100, help="how many articles (default: 100)")
    parser.add_argument("--seed", type=int, default=1, help="the seed (default: 1)")
    parser.add_argument("--start", type=int, default=0, help="index of the first article (default: 0)")
    parser.add_argument("-o", "--output", required=True, help="folder for the articles")
    parser.add_argument("--gold", help="folder for the gold YAML files")
    args = parser.parse_args(argv)
    paths = generate(
        args.articles, args.seed, Path(args.output), Path(args.gold) if args.gold else None, start=args.start
    )
    print(f"wrote {len(paths)} article(s) to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
