"""Pictures of the seed graph: the offline HTML page (checked in a real headless browser) and the timeline."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.store import Location
from kg.viz import Mark, plot_timeline, timeline_marks, visualise
from tests.conftest import ROOT, run_kg

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ID = "https://w3id.org/ctkg/id/"
CTKG = "https://w3id.org/ctkg/ontology#"
ELEVENTH = f"{ID}meeting/pak-rus-counter-terrorism-working-group-11"


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kg.build import build

    store = tmp_path_factory.mktemp("viz") / "store"
    build([ROOT / "data" / "articles"], store=store, reason=True)
    return store


@pytest.fixture(scope="module")
def pictures(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pictures")
    visualise(seed_store, folder)
    return folder


def store_query(store: Path, text: str) -> list[Any]:
    """Ask the store directly, apart from the code under test."""
    solutions = Location(store).open().query(text)
    assert isinstance(solutions, ox.QuerySolutions)
    return [solution for solution in solutions]


def expected_node_count(store: Path) -> int:
    rows = store_query(
        store,
        f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{
              GRAPH <{ID}graph/entities> {{ ?s a ?c }}
              FILTER (STRSTARTS(STR(?c), "{CTKG}") && ?c NOT IN (<{CTKG}Article>, <{CTKG}MeetingStatus>))
            }}""",
    )
    return int(rows[0]["n"].value)


def evidence_of(store: Path, node: str) -> set[str]:
    rows = store_query(store, f"SELECT ?e WHERE {{ GRAPH ?g {{ <{node}> <{CTKG}evidence> ?e }} }}")
    return {row["e"].value for row in rows}


def embedded(page: Path) -> dict[str, Any]:
    html = page.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert match, "the page embeds its data"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


# ------------------------------------------------------------------------------ the page, without a browser


def test_page_holds_every_named_thing_with_its_facts(seed_store: Path, pictures: Path) -> None:
    data = embedded(pictures / "graph.html")
    assert len(data["nodes"]) == expected_node_count(seed_store) == 20
    ids = [node["id"] for node in data["nodes"]]
    assert len(set(ids)) == len(ids)
    assert all(0 <= s < len(ids) and 0 <= t < len(ids) for s, t, _ in data["links"])
    meeting = data["nodes"][ids.index(ELEVENTH)]
    assert meeting["cls"] == "Meeting"
    sentences = {s for read in meeting["read"] for s in read["ev"]}
    assert sentences == evidence_of(seed_store, ELEVENTH)
    pakistan = data["nodes"][ids.index(f"{ID}state/PAK")]
    participant = [f for f in pakistan["facts"] if f["p"] == "participant" and f["dir"] == "in"]
    assert participant and all(src["ev"] for f in participant for src in f["src"])


def test_page_is_self_contained(pictures: Path) -> None:
    html = (pictures / "graph.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", html), "scripts are inline"
    assert not re.search(r"<link[^>]+stylesheet", html), "style is inline"
    assert "cdn" not in html.lower()
    assert 'data-node-count="20"' in html


def test_evidence_picks_the_sentences_naming_the_other_side() -> None:
    from kg.viz import _pick_evidence

    sentences = ["Ana Petrova led the delegation.", "The meeting was held in Nairobi."]
    assert _pick_evidence(sentences, ["Ana Petrova"]) == ["Ana Petrova led the delegation."]
    assert _pick_evidence(sentences, ["Kenya", "Republic of Kenya"]) == sorted(sentences)  # none names it: all


def test_text_cannot_close_the_script(tmp_path: Path) -> None:
    from kg.viz import render_page

    data = {"classes": [], "nodes": [], "links": [], "articles": [{"id": "x", "title": "</script><b>"}]}
    html = render_page(data)
    assert "</script><b>" not in html
    assert json.loads(re.search(r'id="kg-data">(.*?)</script>', html, re.S).group(1))["articles"][0]["title"] == (  # type: ignore[union-attr]
        "</script><b>"
    )


# ------------------------------------------------------------------------------ the timeline


def test_timeline_images(pictures: Path) -> None:
    assert (pictures / "timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (pictures / "timeline.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "Attacks" in svg and "#10" in svg


def test_timeline_marks_from_rows() -> None:
    meetings = [
        {"meeting": "m10", "status": f"{CTKG}Held", "date": "2023-11-16", "ordinal": "10", "bodyLabel": "JWG"},
        {"meeting": "m12", "status": f"{CTKG}Planned", "plannedDate": "2026", "ordinal": "12", "bodyLabel": "JWG"},
        {"meeting": "m0", "status": f"{CTKG}Held"},  # no date at all: left out
    ]
    attacks = [
        {"attack": "a1", "label": "An attack", "date": "2024-03-22", "killed": "140", "qualifier": "more than"},
        {"attack": "a2", "label": "A toll untold", "date": "2024-05"},
    ]
    marks = timeline_marks(meetings, attacks)
    assert [(m.row, m.kind, m.label, m.exact) for m in marks] == [
        ("Attacks", "attack", "An attack (more than 140 killed)", True),
        ("Attacks", "attack", "A toll untold", False),
        ("JWG", "held", "#10", True),
        ("JWG", "planned", "#12", False),
    ]


def test_an_empty_timeline_is_still_drawn(tmp_path: Path) -> None:
    empty: list[Mark] = []
    written = plot_timeline(empty, [tmp_path / "t.png"])
    assert written[0].stat().st_size > 0


def test_cli_writes_the_pictures(seed_store: Path, tmp_path: Path) -> None:
    result = run_kg("viz", "--store", str(seed_store), "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert {p.name for p in tmp_path.iterdir()} == {"graph.html", "timeline.png", "timeline.svg"}


# ------------------------------------------------------------------------------ in a real browser


@pytest.fixture(scope="module")
def browser_page(pictures: Path) -> Any:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); skipping the browser test")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=BROWSER_ARGS,
            viewport={"width": 1400, "height": 850},
        )
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on(
            "request",
            lambda r: None if r.url.startswith(("file:", "data:")) else problems.append(f"request: {r.url}"),
        )
        page.goto((pictures / "graph.html").as_uri())
        page.wait_for_selector('#app[data-ready="true"]', timeout=30_000)
        yield page, problems
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


def test_browser_shows_every_node_and_no_errors(browser_page: Any, seed_store: Path) -> None:
    page, problems = browser_page
    expected = expected_node_count(seed_store)
    assert page.locator("#nodes .node").count() == expected
    assert page.get_attribute("#graph", "data-node-count") == str(expected)
    assert page.inner_text("#count").startswith(f"{expected} nodes")
    assert not problems, problems


def test_browser_click_shows_facts_with_evidence(browser_page: Any, seed_store: Path) -> None:
    page, problems = browser_page
    page.click(f'.node[data-id="{ELEVENTH}"] circle')
    page.wait_for_selector("#facts blockquote.evidence")
    assert page.inner_text("#facts h2").startswith("11th meeting")
    shown = set(page.locator("#facts blockquote.evidence").all_inner_texts())
    assert shown & evidence_of(seed_store, ELEVENTH)
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / "viz-test.png"))
    assert (out / "viz-test.png").stat().st_size > 0
    assert not problems, problems


def test_browser_search_finds_a_node_by_another_name(browser_page: Any) -> None:
    page, problems = browser_page
    page.fill("#search", "Islamic Republic of Pak")  # an alternative label of the state
    page.press("#search", "Enter")
    page.wait_for_function(
        "document.querySelector('#facts h2') && document.querySelector('#facts h2').textContent === 'Pakistan'"
    )
    assert page.get_attribute("#app", "data-selected") == f"{ID}state/PAK"
    assert not problems, problems


def test_labels_of_close_marks_alternate_above_and_below() -> None:
    from datetime import date

    from kg.viz import label_offsets

    marks = [
        Mark("Attacks", date(2020, 1, 1), "far", "attack", True),
        Mark("Attacks", date(2023, 1, 30), "one", "attack", True),
        Mark("Attacks", date(2023, 2, 20), "two", "attack", True),  # three weeks later: below
        Mark("JWG", date(2023, 2, 21), "#3", "held", True),  # another row: above again
    ]
    assert label_offsets(marks) == [8, 8, -17, 8]
    assert label_offsets([]) == []
