"""The query library: every query parses, is documented, and gives exactly the expected rows on the
seed graph; parameters are bound as RDF terms, so an injection attempt finds nothing and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import build
from kg.query import library, run
from tests.conftest import ROOT, run_kg

W = "Pakistan-Russia Joint Working Group to Counter International Terrorism"
M10, M11, M12 = (f"{n} meeting of the {W}" for n in ("10th", "11th", "12th"))

EXPECTED: dict[str, list[tuple[str | None, ...]]] = {
    "attacks": [("Crocus City Hall attack", "2024-03-22", "Crocus City Hall", "140", "more than", "Islamic State")],
    "claims-and-denials": [("Crocus City Hall attack", "Islamic State", "claimed")],
    "delegation-heads": [
        ("Pakistan", "Nabeel Munir", M11, None),
        ("Pakistan", "Syed Haider Shah", M10, "2023-11-16"),
        ("Russia", "Sergey Vershinin", M11, None),
        ("Russia", "Sergey Vershinin", M10, "2023-11-16"),
    ],
    "entity-facts": [
        (
            "Sergey Vershinin",
            M11,
            "headOfDelegation",
            "Sergey Vershinin",
            "000_f64cd4f113bb4fca",
            f"Both sides discussed counter-terror strategies during the 11th meeting of the {W} in Moscow on Tuesday.",
        ),
        ("Sergey Vershinin", "Sergey Vershinin", "represents", "Russia", "000_f64cd4f113bb4fca", None),
        ("Sergey Vershinin", "Sergey Vershinin", "title", "Deputy Foreign Minister", "000_f64cd4f113bb4fca", None),
        (
            "Sergey Vershinin",
            M10,
            "headOfDelegation",
            "Sergey Vershinin",
            "001_b6261880fc0833ac",
            "Senior officials of the two countries discussed the issue of combating terrorism at the 10th meeting of the "
            "Russia-Pakistan Joint Working Group on Combating International Terrorism and Other Challenges to Security "
            "held here on November 16.",
        ),
        ("Sergey Vershinin", "Sergey Vershinin", "represents", "Russia", "001_b6261880fc0833ac", None),
        (
            "Sergey Vershinin",
            "Sergey Vershinin",
            "title",
            "Ambassador, Deputy Foreign Minister of the Russian Federation",
            "001_b6261880fc0833ac",
            None,
        ),
    ],
    "forums-by-state-pair": [("Pakistan", "Russia", "SCO", "1"), ("Pakistan", "Russia", "UN", "1")],
    "meeting-gaps": [(M11, "date")],
    "meetings-per-year": [("2023", "held", "1"), ("2026", "planned", "1")],
    "most-named-threat-groups": [("Islamic State", "2"), ("Tehrik-i-Taliban Pakistan", "2")],
    "official-profile": [
        (
            "Sergey Vershinin",
            "Sergey Vershinin",
            "Russia",
            "Ambassador, Deputy Foreign Minister of the Russian Federation; Deputy Foreign Minister",
            f"{M10}; {M11}",
        ),
    ],
    "officials-by-state": [
        ("Pakistan", "Nabeel Munir", "Special Secretary (United Nations)", "1"),
        ("Pakistan", "Syed Haider Shah", "Ambassador, Additional Foreign Secretary", "1"),
    ],
    "partners": [("Pakistan", "Russia", "2")],
    "planned-meetings": [(M11, "2024", "Moscow", "yes"), (M12, "2026", None, "not yet reported")],
    "repeat-heads": [("Sergey Vershinin", "Russia", "2")],
    "single-article-entities": [
        ("Embassy of Russia in Pakistan", "GovernmentBody", "001_b6261880fc0833ac"),
        ("SCO", "InternationalOrganisation", "001_b6261880fc0833ac"),
        ("UN", "InternationalOrganisation", "001_b6261880fc0833ac"),
        ("Nabeel Munir", "Official", "000_f64cd4f113bb4fca"),
        ("Syed Haider Shah", "Official", "001_b6261880fc0833ac"),
        ("Islamic State", "ThreatGroup", "000_f64cd4f113bb4fca"),
        ("Tehrik-i-Taliban Pakistan", "ThreatGroup", "000_f64cd4f113bb4fca"),
    ],
    "state-meetings": [
        ("Russia", M11, None, "Moscow", "Pakistan"),
        ("Russia", M10, "2023-11-16", "Islamabad", "Pakistan"),
    ],
    "states-and-threats-discussed": [
        ("Pakistan", "Islamic State", "1"),
        ("Pakistan", "Tehrik-i-Taliban Pakistan", "1"),
        ("Russia", "Islamic State", "1"),
        ("Russia", "Tehrik-i-Taliban Pakistan", "1"),
    ],
    "threatens": [("Islamic State", "Russia", "1"), ("Tehrik-i-Taliban Pakistan", "Pakistan", "1")],
    "title-variants": [
        ("Sergey Vershinin", "Deputy Foreign Minister", "000_f64cd4f113bb4fca"),
        ("Sergey Vershinin", "Ambassador, Deputy Foreign Minister of the Russian Federation", "001_b6261880fc0833ac"),
    ],
    "working-group-meetings": [
        (W, "10", "held", "2023-11-16", None, "Islamabad", "Sergey Vershinin; Syed Haider Shah"),
        (W, "11", "held", None, "2024", "Moscow", "Nabeel Munir; Sergey Vershinin"),
        (W, "12", "planned", None, "2026", None, None),
    ],
}


def normal(row: tuple[str | None, ...]) -> tuple[str | None, ...]:
    """Cells joined by GROUP_CONCAT come in any order: compare their parts sorted."""
    return tuple("; ".join(sorted(c.split("; "))) if c and "; " in c else c for c in row)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("queries") / "store"
    build([ROOT / "data" / "articles"], store=path, reason=True)
    return path


def test_at_least_fifteen_queries_each_documented() -> None:
    queries = library()
    assert len(queries) >= 15
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, query in queries.items():
        assert query.title != name and query.answers, f"{name}.rq needs a title and an answers line"
        assert f"`{name}`" in readme, f"{name} is not listed in the README"


def test_every_query_is_tested() -> None:
    assert set(library()) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_query_rows_on_the_seed_graph(store: Path, name: str) -> None:
    result = run(library()[name], store=store)
    assert sorted(map(normal, result.rows), key=str) == sorted(map(normal, EXPECTED[name]), key=str)


def test_queries_read_a_store_minted_under_another_base(tmp_path: Path) -> None:
    """Some queries name the store's graphs (its entities graph); they are read in the store's own
    namespace, so a store built with --base gives the same rows."""
    path = tmp_path / "store"
    build([ROOT / "data" / "articles"], store=path, reason=True, base="https://example.org/kg/")
    for name in ("delegation-heads", "planned-meetings", "forums-by-state-pair", "entity-facts"):
        assert "graph/entities" in library()[name].text
        result = run(library()[name], store=path)
        assert sorted(map(normal, result.rows), key=str) == sorted(map(normal, EXPECTED[name]), key=str), name


def test_a_query_after_an_update_reads_the_new_store(tmp_path: Path) -> None:
    """``run`` keeps the live generation open between queries; an update makes a new generation,
    which the next query reads."""
    path = tmp_path / "store"
    first, second = sorted((ROOT / "data" / "articles").iterdir())
    build([first], store=path, reason=True)
    before = run(library()["delegation-heads"], store=path)
    build([second], store=path, reason=True)
    after = run(library()["delegation-heads"], store=path)
    assert len(after.rows) > len(before.rows)
    assert sorted(map(normal, after.rows), key=str) == sorted(map(normal, EXPECTED["delegation-heads"]), key=str)


def test_a_store_built_by_another_version_is_named_as_such(tmp_path: Path) -> None:
    """An old store lacks what this version writes (the lookups' name keys): ``kg query`` says so
    instead of letting an empty answer pass for "nothing found"; a current store gets no note."""
    import json

    from kg.store import Location

    path = tmp_path / "store"
    build([ROOT / "data" / "articles"], store=path, reason=True)
    current = run_kg("query", "partners", "--store", str(path))
    assert current.returncode == 0 and "note:" not in current.stderr
    live = Location(path).live()
    assert live is not None
    manifest = json.loads((live / "manifest.json").read_text(encoding="utf-8"))
    manifest["fingerprint"] = "0" * 16
    (live / "manifest.json").write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
    old = run_kg("query", "partners", "--store", str(path))
    assert old.returncode == 0 and "Russia" in old.stdout
    assert "built by another version of kg; `kg build` brings it up to date" in old.stderr


def test_ordered_query_keeps_its_order(store: Path) -> None:
    rows = run(library()["working-group-meetings"], store=store).rows
    assert [r[1] for r in rows] == ["10", "11", "12"]


@pytest.mark.parametrize(
    ("query", "param", "name"),
    [
        ("entity-facts", "entity", "sergey VERSHININ"),
        ("working-group-meetings", "body", W.lower()),
        ("officials-by-state", "state", "PAKISTAN"),
        ("partners", "state", "pakistan"),
        ("official-profile", "official", "Sergey vershinin"),
    ],
)
def test_a_name_in_any_case_finds_the_same_thing(store: Path, query: str, param: str, name: str) -> None:
    """Lookups compare names whatever their case (``ctkg:nameKey`` or a comparison in lower case)."""
    given = run(library()[query], store=store, params={param: name})
    assert given.rows and all(row[0] == name for row in given.rows)
    expected = sorted((normal(row)[1:] for row in EXPECTED[query]), key=str)
    assert sorted((normal(row)[1:] for row in given.rows), key=str) == expected


@pytest.mark.parametrize(
    ("query", "params", "expected"),
    [
        ("partners", {"state": "Russia"}, [("Russia", "Pakistan", "2")]),
        ("partners", {"state": "afghanistan"}, []),
        (
            "state-meetings",
            {"state": "Pakistan"},
            [("Pakistan", M11, None, "Moscow", "Russia"), ("Pakistan", M10, "2023-11-16", "Islamabad", "Russia")],
        ),
        (
            "official-profile",
            {"official": "Nabeel Munir"},
            [("Nabeel Munir", "Nabeel Munir", "Pakistan", "Special Secretary (United Nations)", M11)],
        ),
        (
            "working-group-meetings",
            {
                "body": "Russia-Pakistan Joint Working Group on Combating International Terrorism and Other Challenges to Security"
            },
            [
                (
                    W.replace(
                        W,
                        "Russia-Pakistan Joint Working Group on Combating International Terrorism and Other Challenges to Security",
                    ),
                    "10",
                    "held",
                    "2023-11-16",
                    None,
                    "Islamabad",
                    "Sergey Vershinin; Syed Haider Shah",
                ),
                (
                    "Russia-Pakistan Joint Working Group on Combating International Terrorism and Other Challenges to Security",
                    "11",
                    "held",
                    None,
                    "2024",
                    "Moscow",
                    "Nabeel Munir; Sergey Vershinin",
                ),
                (
                    "Russia-Pakistan Joint Working Group on Combating International Terrorism and Other Challenges to Security",
                    "12",
                    "planned",
                    None,
                    "2026",
                    None,
                    None,
                ),
            ],
        ),
        ("entity-facts", {"entity": "https://w3id.org/ctkg/id/state/AFG"}, []),
    ],
)
def test_parameters_change_the_answer(store: Path, query: str, params: dict[str, str], expected: list) -> None:  # type: ignore[type-arg]
    result = run(library()[query], store=store, params=params)
    assert sorted(map(normal, result.rows), key=str) == sorted(map(normal, expected), key=str)


@pytest.mark.parametrize(
    "value",
    ['Pakistan"} ; DROP ALL ; SELECT * {', "> <", "Pakistan' . ?x ?y ?z }", "<https://x> } DELETE { ?s ?p ?o }"],
)
def test_injection_through_a_parameter_finds_nothing_and_changes_nothing(store: Path, value: str) -> None:
    from kg.store import Location

    before = {str(q) for q in Location(store).open()}
    result = run_kg("query", "partners", "--param", f"state={value}", "--store", str(store), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert {str(q) for q in Location(store).open()} == before


def test_unknown_query_lists_the_known_ones(store: Path) -> None:
    result = run_kg("query", "no-such-query", "--store", str(store))
    assert result.returncode == 2
    assert "known queries:" in result.stderr and "partners" in result.stderr


def test_list_shows_titles_and_parameters() -> None:
    result = run_kg("query", "--list")
    assert result.returncode == 0
    assert "partners: A state's counter-terrorism partners  [state=Pakistan]" in result.stdout


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_output_formats(store: Path, fmt: str) -> None:
    result = run_kg("query", "threatens", "--store", str(store), "--format", fmt)
    assert result.returncode == 0 and "Tehrik-i-Taliban Pakistan" in result.stdout
