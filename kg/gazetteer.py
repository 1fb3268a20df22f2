"""The gazetteer: every name the extractor knows, loaded from ``data/reference/`` once.

Names are matched on tokens, longest first, through two dictionaries: one of exact token
sequences for acronyms ("AQIM", "U.S.", "IS"), whose case matters, and one of lower-cased
sequences for names ("Harakat al-Shabaab al-Mujahideen"), which must start with a capital in the text.
Cities are not matched everywhere (too many are also common words); the extractor looks them up
where the text speaks of a place ("held in ...", "near ...").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from kg.iri import slug
from kg.resources import load_csv, load_yaml
from kg.text import Token, tokenize

DASHES = {"–": "-", "—": "-", "‐": "-", "‒": "-"}


@dataclass(frozen=True)
class State:
    iso3: str
    name: str
    official_name: str
    alt_names: tuple[str, ...]
    demonyms: tuple[str, ...]
    capital: str
    capital_geonameid: str
    geonameid: str
    un_member: bool

    @property
    def key(self) -> str:
        return f"state/{self.iso3}"


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    long_name: str
    aliases: tuple[str, ...]
    type: str
    part_of: str | None
    members: tuple[str, ...]
    party: bool
    state: str | None
    generic: tuple[str, ...] = ()  # generic names that mean this body once its state is known

    @property
    def key(self) -> str:
        return f"org/{self.id}"


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    aliases: tuple[str, ...]
    parent: str | None

    @property
    def key(self) -> str:
        return f"group/{self.id}"


@dataclass(frozen=True)
class City:
    geonameid: str
    name: str
    iso3: str
    population: int
    is_capital: bool

    @property
    def key(self) -> str:
        return f"place/{slug(self.name)}-{self.iso3.lower()}"


@dataclass(frozen=True)
class Entry:
    """What a name in the text can stand for."""

    key: str
    role: str  # name | demonym | capital | govbody | geo (a non-state place such as "Lake Chad")
    label: str


@dataclass(frozen=True)
class Match:
    start: int  # token index
    end: int  # token index, exclusive
    entries: tuple[Entry, ...]


def token_key(tokens: Sequence[str]) -> tuple[str, ...]:
    return tuple(DASHES.get(t, t) for t in tokens)


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split("|") if part.strip())


def is_acronym(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and len(letters) <= 6 and not any(c.islower() for c in letters[1:])


@dataclass
class Gazetteer:
    states: dict[str, State] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    cities: dict[str, list[City]] = field(default_factory=lambda: defaultdict(list))
    cities_by_id: dict[str, City] = field(default_factory=dict)
    cities_by_key: dict[str, City] = field(default_factory=dict)
    regions: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    exact: dict[tuple[str, ...], list[Entry]] = field(default_factory=lambda: defaultdict(list))
    folded: dict[tuple[str, ...], list[Entry]] = field(default_factory=lambda: defaultdict(list))
    anycase: dict[tuple[str, ...], list[Entry]] = field(default_factory=lambda: defaultdict(list))
    longest: int = 1
    words: set[str] = field(default_factory=set)  # lower-cased words of every known name
    labels: dict[str, str] = field(default_factory=dict)  # key -> preferred label
    state_bodies: dict[tuple[str, str], str] = field(default_factory=dict)  # (iso3, generic name) -> org key
    lengths: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))  # first word -> name lengths

    def add(self, form: str, entry: Entry, *, case_sensitive: bool | None = None, any_case: bool = False) -> None:
        """Index a name; acronyms match in their case, names from a capital, ``any_case`` forms anyhow."""
        tokens = [t.text for t in tokenize(form.strip())]
        if not tokens:
            return
        sensitive = is_acronym(form) if case_sensitive is None else case_sensitive
        index = self.anycase if any_case else self.exact if sensitive else self.folded
        seq = token_key(tokens) if sensitive else token_key([t.lower() for t in tokens])
        if entry not in index[seq]:
            index[seq].append(entry)
        self.labels.setdefault(entry.key, entry.label)
        self.longest = max(self.longest, len(seq))
        self.lengths[seq[0].lower()].add(len(seq))
        self.words.update(t.lower() for t in tokens if t[0].isalpha())

    def find(self, tokens: Sequence[Token]) -> list[Match]:
        """Known names in a token sequence, longest match first, not overlapping.

        Only the lengths of names that start with the token at hand are tried, so a token that
        starts no name costs one dictionary lookup.
        """
        matches: list[Match] = []
        texts = token_key([t.text for t in tokens])
        lowered = tuple(t.lower() for t in texts)
        i = 0
        while i < len(texts):
            found = None
            for n in sorted(self.lengths.get(lowered[i], ()), reverse=True):
                if i + n > len(texts):
                    continue
                entries = self.exact.get(texts[i : i + n])
                if not entries and texts[i][:1].isupper():
                    entries = self.folded.get(lowered[i : i + n])
                if not entries:
                    entries = self.anycase.get(lowered[i : i + n])
                if entries:
                    found = Match(i, i + n, tuple(entries))
                    break
            if found:
                matches.append(found)
                i = found.end
            else:
                i += 1
        return matches

    def city(self, name: str, *, country: str | None = None) -> City | None:
        """The city of that name: in the given state if one is, else a capital, else the most populous."""
        candidates = self.cities.get(name.lower(), [])
        if country:
            candidates = [c for c in candidates if c.iso3 == country]
        if not candidates:
            return None
        return max(candidates, key=lambda c: (c.is_capital, c.population))

    def state_of_key(self, key: str) -> State | None:
        return self.states.get(key.removeprefix("state/")) if key.startswith("state/") else None


@cache
def load() -> Gazetteer:
    """The project's gazetteer, built once per process."""
    gaz = Gazetteer()
    for row in load_csv("data", "reference", "states.csv"):
        state = State(
            iso3=row["iso3"],
            name=row["name"],
            official_name=row.get("official_name") or row["name"],
            alt_names=_split(row.get("alt_names")),
            demonyms=_split(row.get("demonyms")),
            capital=row.get("capital") or "",
            capital_geonameid=row.get("capital_geonameid") or "",
            geonameid=row.get("geonameid") or "",
            un_member=(row.get("un_member") or "").lower() == "true",
        )
        gaz.states[state.iso3] = state
        for form in {state.name, state.official_name, *state.alt_names}:
            gaz.add(form, Entry(state.key, "name", state.name))
        for form in state.demonyms:
            gaz.add(form, Entry(state.key, "demonym", state.name), case_sensitive=False)
        if state.capital:
            gaz.add(state.capital, Entry(state.key, "capital", state.name), case_sensitive=False)
    for spec in load_yaml("data", "reference", "organisations.yaml"):
        org = Organisation(
            id=spec["id"],
            name=spec["name"],
            long_name=spec.get("long_name") or spec["name"],
            aliases=tuple(spec.get("aliases") or ()),
            type=spec.get("type") or "InternationalOrganisation",
            part_of=spec.get("part_of"),
            members=tuple(spec.get("members") or ()),
            party=bool(spec.get("party")),
            state=spec.get("state"),
            generic=tuple(spec.get("generic") or ()),
        )
        gaz.organisations[org.id] = org
        for name in org.generic:
            if org.state:
                gaz.state_bodies[(org.state, name.lower())] = org.key
        for form in {org.name, org.long_name, *org.aliases}:
            gaz.add(form, Entry(org.key, "name", org.name))
    for spec in load_yaml("data", "reference", "threat_groups.yaml"):
        group = Group(spec["id"], spec["name"], tuple(spec.get("aliases") or ()), spec.get("parent"))
        gaz.groups[group.id] = group
        sensitive = set(spec.get("case_sensitive_aliases") or ())
        for form in {group.name, *group.aliases}:
            gaz.add(form, Entry(group.key, "name", group.name), case_sensitive=True if form in sensitive else None)
    for body in load_yaml("data", "patterns", "bodies.yaml")["government_bodies"]:
        for form in body["forms"]:
            acronym = is_acronym(form)
            entry = Entry(f"govbody/{slug(body['label'])}", "govbody", body["label"])
            gaz.add(form, entry, case_sensitive=acronym, any_case=not acronym)
    for form in load_yaml("data", "patterns", "mentions.yaml").get("not_states") or ():
        gaz.add(form, Entry(f"geo/{slug(form)}", "geo", form))
    _load_cities(gaz)
    for row in load_csv("data", "reference", "regions.csv"):
        gaz.regions[row["name"].lower()].append(row["country_iso3"])
    return gaz


def _load_cities(gaz: Gazetteer) -> None:
    """GeoNames cities, then ``places_extra.csv``: curated GeoNames records, each either a place
    ``cities.csv`` lacks or, under an id it holds, the name news uses for it (one of its GeoNames
    alternate names); the record's other names still find it."""
    rows: dict[str, dict[str, str]] = {}
    names: dict[str, set[str]] = defaultdict(set)
    for source in ("cities.csv", "places_extra.csv"):
        for row in load_csv("data", "reference", source):
            rows[row["geonameid"]] = row
            names[row["geonameid"]] |= {row["name"], row.get("ascii_name") or row["name"]}
    for gid, row in rows.items():
        iso3 = row["country_iso3"]
        capital = (row.get("is_capital") or "").lower() == "true"
        city = City(gid, row["name"], iso3, int(row.get("population") or 0), capital)
        gaz.cities_by_id[city.geonameid] = city
        known = gaz.cities_by_key.get(city.key)
        if known is None or (city.is_capital, city.population) > (known.is_capital, known.population):
            gaz.cities_by_key[city.key] = city
        for name in sorted(names[gid]):
            gaz.cities[name.lower()].append(city)
