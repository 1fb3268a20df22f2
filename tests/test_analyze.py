"""Network analysis of the seed graph: rankings, communities, activity per year, and files Gephi reads."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from kg.analyze import (
    Analysis,
    Projection,
    analyze,
    analyze_projection,
    plain,
    tables,
    write,
)
from kg.errors import ResourceError
from kg.projections import known, query_text
from tests.conftest import ROOT, run_kg

ID = "https://w3id.org/ctkg/id/"
CTKG = "https://w3id.org/ctkg/ontology#"


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kg.build import build

    store = tmp_path_factory.mktemp("analyze") / "store"
    build([ROOT / "data" / "articles"], store=store, reason=True)
    return store


@pytest.fixture(scope="module")
def seed(seed_store: Path) -> Analysis:
    return analyze(seed_store)


def labels(analysis: Analysis, network: str, *, kind: str | None = None) -> list[str]:
    return [s.label for s in analysis.measures[network].ranking if kind is None or s.kind == kind]


def test_pakistan_and_russia_rank_first_by_degree(seed: Analysis) -> None:
    combined = seed.measures["combined"].ranking
    assert {combined[0].label, combined[1].label} == {"Pakistan", "Russia"}
    assert combined[1].degree > combined[2].degree, "the first two lead outright, not by a tie-break"
    assert labels(seed, "state-threat", kind="State")[:2] == ["Pakistan", "Russia"]
    assert labels(seed, "cooperation")[:2] == ["Pakistan", "Russia"]


def test_cooperation_is_weighted_by_shared_held_meetings(seed: Analysis) -> None:
    graph = seed.graphs["cooperation"]
    link = graph.edges[f"{ID}state/PAK", f"{ID}state/RUS"]
    assert link["weight"] == 2  # the 10th and 11th meetings; the 12th is only planned
    assert "working-group-12" not in link["support"]


def test_state_threat_links_come_from_meetings_and_threats(seed: Analysis) -> None:
    graph = seed.graphs["state-threat"]
    ttp = f"{ID}group/tehrik-i-taliban-pakistan"
    assert graph.edges[f"{ID}state/PAK", ttp]["kind"] == "discussed threatens"
    assert graph.edges[f"{ID}state/RUS", ttp]["kind"] == "discussed"
    assert graph.degree(f"{ID}state/AFG") == 0  # mentioned, but in no meeting and threatened by no group


def test_official_meeting_network_is_two_mode(seed: Analysis) -> None:
    graph = seed.graphs["official-meeting"]
    for a, b in graph.edges:
        assert {graph.nodes[a]["kind"], graph.nodes[b]["kind"]} == {"Official", "Meeting"}
    top = seed.measures["official-meeting"].ranking[0]
    assert (top.label, top.degree) == ("Sergey Vershinin", 2)  # led the delegation at the 10th and the 11th
    assert top.betweenness > 0


def test_components_and_communities_cover_every_node(seed: Analysis) -> None:
    for name, measures in seed.measures.items():
        nodes = set(seed.graphs[name])
        assert set().union(*map(set, measures.components)) == nodes
        assert set().union(*map(set, measures.communities)) == nodes
        assert len(measures.components) == nx.number_connected_components(seed.graphs[name])


def test_activity_per_year(seed: Analysis) -> None:
    years = {y.year: y for y in seed.activity}
    assert years[2023].held == 1 and years[2023].states == 2  # the 10th meeting, 16 November 2023
    assert years[2024].attacks == 1
    assert years[2026].planned == 1 and years[2026].held == 0  # "the next meeting in 2026"


def test_graphml_and_gexf_read_back_with_the_same_size(seed: Analysis, tmp_path: Path) -> None:
    written = write(seed, tmp_path)
    assert {p.name for p in written} >= {"cooperation.graphml", "combined.gexf", "measures.csv"}
    for name, graph in seed.graphs.items():
        for read in (nx.read_graphml(tmp_path / f"{name}.graphml"), nx.read_gexf(tmp_path / f"{name}.gexf")):
            assert (read.number_of_nodes(), read.number_of_edges()) == (
                graph.number_of_nodes(),
                graph.number_of_edges(),
            )
    back = nx.read_graphml(tmp_path / "combined.graphml")
    assert back.nodes[f"{ID}state/PAK"]["label"] == "Pakistan"
    assert back.nodes[f"{ID}state/PAK"]["degree"] == 3


def test_the_same_graph_gives_the_same_files(seed_store: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    write(analyze(seed_store), first)
    write(analyze(seed_store), second)
    for path in first.iterdir():
        if path.suffix != ".gexf":  # GEXF files carry the day they were written
            assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def test_tables_fit_a_terminal(seed: Analysis) -> None:
    text = "\n\n".join(plain(t) for t in tables(seed, top=5))
    assert max(len(line) for line in text.splitlines()) <= 120
    assert "Activity per year" in text and "Pakistan" in text


def test_an_empty_projection_gives_empty_networks() -> None:
    empty = analyze_projection(Projection([], [], [], [], [], [], []))
    assert all(m.nodes == 0 and not m.ranking for m in empty.measures.values())
    assert empty.activity == ()


def test_communities_are_stable() -> None:
    nodes = [{"node": f"s{i}", "class": f"{CTKG}State", "label": f"State {i}"} for i in range(6)]
    pairs = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)]
    cooperation = [{"a": f"s{a}", "b": f"s{b}", "meeting": f"m{a}{b}"} for a, b in pairs]
    projection = Projection(nodes, cooperation, [], [], [], [], [])
    first = analyze_projection(projection).measures["cooperation"].communities
    assert first == analyze_projection(projection).measures["cooperation"].communities
    assert sorted(map(sorted, first)) == [["s0", "s1", "s2"], ["s3", "s4", "s5"]]


def test_betweenness_of_a_large_network_is_estimated_from_a_fixed_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exact betweenness takes minutes on tens of thousands of nodes: past a size it is sampled,
    the same way every run, and the tables say so."""
    nodes = [{"node": f"s{i}", "class": f"{CTKG}State", "label": f"State {i}"} for i in range(12)]
    cooperation = [{"a": f"s{i}", "b": f"s{i + 1}", "meeting": f"m{i}"} for i in range(11)]  # a path
    projection = Projection(nodes, cooperation, [], [], [], [], [])
    exact = analyze_projection(projection)
    assert exact.measures["cooperation"].betweenness_sources is None
    assert "estimated" not in tables(exact, top=3)[1].title
    monkeypatch.setattr("kg.analyze.EXACT_BETWEENNESS_UP_TO", 5)
    monkeypatch.setattr("kg.analyze.BETWEENNESS_SAMPLE", 6)
    first = analyze_projection(projection)
    sampled = first.measures["cooperation"]
    assert sampled.betweenness_sources == 6
    assert sampled.ranking == analyze_projection(projection).measures["cooperation"].ranking  # same sample
    assert "betweenness estimated from 6 sources" in tables(first, top=3)[1].title
    # on a path the middle lies on the most shortest paths, sampled or not
    middle = {s.node: s.betweenness for s in sampled.ranking}
    assert max(middle, key=lambda n: middle[n]) in {"s5", "s6"}


def test_projections_are_loaded_by_name() -> None:
    assert {"cooperation-edges", "state-threat-edges", "official-meeting-edges"} <= set(known())
    assert "?aLabel" in query_text("cooperation-edges")
    with pytest.raises(ResourceError, match="known projections: .*cooperation-edges"):
        query_text("no-such-view")


def test_cli_prints_plain_tables_and_writes_files(seed_store: Path, tmp_path: Path) -> None:
    result = run_kg("analyze", "--store", str(seed_store), "-o", str(tmp_path / "out"), "--top", "3")
    assert result.returncode == 0, result.stderr
    assert "Pakistan" in result.stdout and "┃" not in result.stdout  # not a terminal: no box drawing
    assert (tmp_path / "out" / "state-threat.graphml").exists()
    assert "wrote" in result.stderr


def test_cli_usage_errors(tmp_path: Path) -> None:
    missing = run_kg("analyze", "--store", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "run `kg build` first" in missing.stderr
    assert run_kg("analyze", "--store", str(tmp_path), "--top", "0").returncode == 2
