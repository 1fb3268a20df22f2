"""Network analysis: who cooperates with whom, against which groups, through which officials.

Three networks are projected from the store by the SPARQL views of ``queries/projections/``
(never from every triple), and a fourth joins the first two:

- ``cooperation``: states, linked when they took part in the same held meeting; the weight of a
  link is the number of such meetings.
- ``state-threat``: states and threat groups, linked when a meeting the state took part in
  discussed the group, or when the group is named as a threat to the state.
- ``official-meeting``: heads of delegation and the meetings they led (a two-mode network).
- ``combined``: the cooperation and the state–threat networks together.

For each: degree (number of neighbours) and weighted degree, degree centrality, betweenness
centrality (unweighted, normalised; estimated from a fixed sample of 500 sources past 2,000 nodes),
communities (Louvain, with a fixed seed so that the same
graph gives the same communities) and connected components; and for all, the activity per year
(meetings by their date, or their planned date when no date is known; attacks by their date).

>>> from kg.analyze import analyze, write                           # doctest: +SKIP
>>> result = analyze(Path("out/store"))                              # doctest: +SKIP
>>> result.measures["cooperation"].ranking[0].label                  # doctest: +SKIP
>>> write(result, Path("out/analysis"))   # GraphML and GEXF for Gephi, and measures.csv  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import networkx as nx

from kg.projections import Row, View, local_name, open_view, year_of

NETWORKS = {
    "cooperation": "State–state cooperation (shared held meetings)",
    "state-threat": "States and threat groups",
    "official-meeting": "Heads of delegation and meetings",
    "combined": "Cooperation and threats together",
}
HELD = "https://w3id.org/ctkg/ontology#Held"
PLANNED = "https://w3id.org/ctkg/ontology#Planned"
SEED = 0
EXACT_BETWEENNESS_UP_TO = 2000  # nodes; larger networks get betweenness estimated from a sample
BETWEENNESS_SAMPLE = 500  # source nodes of that sample


# ------------------------------------------------------------------------------ projection


@dataclass(frozen=True)
class Projection:
    """The rows of the views analysis is built from; plain data, so analysis is testable without a store."""

    nodes: list[Row]
    cooperation: list[Row]
    threats: list[Row]
    officials: list[Row]
    meetings: list[Row]
    participants: list[Row]
    attacks: list[Row]


def project(view: View) -> Projection:
    return Projection(
        nodes=view.select("nodes"),
        cooperation=view.select("cooperation-edges"),
        threats=view.select("state-threat-edges"),
        officials=view.select("official-meeting-edges"),
        meetings=view.select("meetings"),
        participants=view.select("meeting-participants"),
        attacks=view.select("attacks"),
    )


def _kinds(projection: Projection) -> dict[str, tuple[str, str]]:
    """Node IRI -> (class local name, label). A node typed twice keeps its first class in IRI order."""
    found: dict[str, tuple[str, str]] = {}
    for row in projection.nodes:
        found.setdefault(row["node"], (local_name(row["class"]), row.get("label") or local_name(row["node"])))
    return found


def meeting_years(projection: Projection) -> dict[str, int]:
    """Meeting IRI -> the year it was held, or the year it was planned for when no date is known."""
    years: dict[str, int] = {}
    for row in projection.meetings:
        year = year_of(row.get("date", "")) or year_of(row.get("plannedDate", ""))
        if year is not None:
            years[row["meeting"]] = min(year, years.get(row["meeting"], year))
    return years


# ------------------------------------------------------------------------------ networks


def _add_nodes(graph: nx.Graph, kinds: dict[str, tuple[str, str]], wanted: Iterable[str]) -> None:
    allowed = set(wanted)
    for node, (kind, label) in sorted(kinds.items()):
        if kind in allowed:
            graph.add_node(node, label=label, kind=kind)


def _years_text(years: Iterable[int]) -> str:
    return " ".join(str(y) for y in sorted(set(years)))


def _link(graph: nx.Graph, a: str, b: str, evidence: str, kind: str) -> None:
    """Add one supporting fact (a meeting, or a stated threat) to the link a–b."""
    if not graph.has_edge(a, b):
        graph.add_edge(a, b, kind=kind, support=set())
    graph.edges[a, b]["support"].add(evidence)


def _finish_links(graph: nx.Graph, years: dict[str, int]) -> nx.Graph:
    """Turn each link's set of supporting facts into a weight and text attributes GraphML can hold."""
    for _, _, data in graph.edges(data=True):
        support = sorted(data.pop("support"))
        data["weight"] = len(support)
        data["support"] = " ".join(support)
        data["years"] = _years_text(years[s] for s in support if s in years)
    return graph


def _label_missing(graph: nx.Graph, labels: dict[str, str]) -> None:
    for node, data in graph.nodes(data=True):
        data.setdefault("label", labels.get(node) or local_name(node))
        data.setdefault("kind", "")


def cooperation_network(projection: Projection) -> nx.Graph:
    graph = nx.Graph(name=NETWORKS["cooperation"])
    _add_nodes(graph, _kinds(projection), ["State"])
    labels: dict[str, str] = {}
    for row in projection.cooperation:
        labels[row["a"]] = row.get("aLabel", "")
        labels[row["b"]] = row.get("bLabel", "")
        _link(graph, row["a"], row["b"], row["meeting"], "cooperation")
    _label_missing(graph, labels)
    return _finish_links(graph, meeting_years(projection))


def state_threat_network(projection: Projection) -> nx.Graph:
    graph = nx.Graph(name=NETWORKS["state-threat"])
    _add_nodes(graph, _kinds(projection), ["State", "ThreatGroup"])
    labels: dict[str, str] = {}
    for row in projection.threats:
        labels[row["state"]] = row.get("stateLabel", "")
        labels[row["group"]] = row.get("groupLabel", "")
        support = row["meeting"] if row["via"] == "discussed" and "meeting" in row else "threatens"
        _link(graph, row["state"], row["group"], support, row["via"])
    for _, _, data in graph.edges(data=True):
        data["kind"] = " ".join(sorted({"threatens" if s == "threatens" else "discussed" for s in data["support"]}))
    _label_missing(graph, labels)
    return _finish_links(graph, meeting_years(projection))


def official_meeting_network(projection: Projection) -> nx.Graph:
    graph = nx.Graph(name=NETWORKS["official-meeting"])
    _add_nodes(graph, _kinds(projection), ["Official", "Meeting"])
    labels: dict[str, str] = {}
    for row in projection.officials:
        labels[row["official"]] = row.get("officialLabel", "")
        labels[row["meeting"]] = row.get("meetingLabel", "")
        _link(graph, row["official"], row["meeting"], row["meeting"], "headOfDelegation")
    _label_missing(graph, labels)
    for _, data in graph.nodes(data=True):
        data["bipartite"] = 1 if data["kind"] == "Meeting" else 0
    return _finish_links(graph, meeting_years(projection))


def networks(projection: Projection) -> dict[str, nx.Graph]:
    cooperation = cooperation_network(projection)
    threats = state_threat_network(projection)
    combined = nx.compose(cooperation, threats)
    combined.graph["name"] = NETWORKS["combined"]
    return {
        "cooperation": cooperation,
        "state-threat": threats,
        "official-meeting": official_meeting_network(projection),
        "combined": combined,
    }


# ------------------------------------------------------------------------------ measures


@dataclass(frozen=True)
class Score:
    node: str
    label: str
    kind: str
    degree: int
    weighted: float
    centrality: float
    betweenness: float
    community: int
    component: int


@dataclass(frozen=True)
class Measures:
    name: str
    title: str
    nodes: int
    edges: int
    density: float
    ranking: tuple[Score, ...]  # by degree, then weighted degree, betweenness and name
    communities: tuple[tuple[str, ...], ...]  # largest first; members by name
    components: tuple[tuple[str, ...], ...]
    betweenness_sources: int | None = None  # None: exact; else estimated from paths out of this many nodes


def _numbered(groups: Iterable[Iterable[str]], labels: dict[str, str]) -> tuple[tuple[str, ...], ...]:
    """Groups of nodes in a stable order: largest first, then by their first member's name."""
    ordered = [tuple(sorted(group, key=lambda n: (labels[n].casefold(), n))) for group in groups]
    ordered.sort(key=lambda g: (-len(g), labels[g[0]].casefold() if g else "", g))
    return tuple(ordered)


def communities(graph: nx.Graph) -> list[set[str]]:
    if graph.number_of_edges() == 0:
        return [{node} for node in graph]
    return [set(c) for c in nx.community.louvain_communities(graph, weight="weight", seed=SEED)]


def measure(name: str, graph: nx.Graph) -> Measures:
    labels = {node: str(data.get("label", node)) for node, data in graph.nodes(data=True)}
    centrality = nx.degree_centrality(graph) if len(graph) > 1 else dict.fromkeys(graph, 0.0)
    # Exact betweenness costs a shortest-path search from every node; past a few thousand nodes it
    # takes minutes, so it is estimated from a fixed sample of sources (the same sample every run).
    sources = BETWEENNESS_SAMPLE if len(graph) > EXACT_BETWEENNESS_UP_TO else None
    betweenness = nx.betweenness_centrality(graph, k=sources, normalized=True, seed=SEED)
    found = _numbered(communities(graph), labels)
    parts = _numbered(nx.connected_components(graph), labels)
    community_of = {node: i + 1 for i, group in enumerate(found) for node in group}
    component_of = {node: i + 1 for i, group in enumerate(parts) for node in group}
    scores = [
        Score(
            node=node,
            label=labels[node],
            kind=str(graph.nodes[node].get("kind", "")),
            degree=int(graph.degree(node)),
            weighted=float(graph.degree(node, weight="weight")),
            centrality=round(float(centrality[node]), 6),
            betweenness=round(float(betweenness[node]), 6),
            community=community_of[node],
            component=component_of[node],
        )
        for node in graph
    ]
    scores.sort(key=lambda s: (-s.degree, -s.weighted, -s.betweenness, s.label.casefold(), s.node))
    return Measures(
        name=name,
        title=str(graph.graph.get("name", name)),
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        density=round(float(nx.density(graph)), 6) if len(graph) > 1 else 0.0,
        ranking=tuple(scores),
        communities=found,
        components=parts,
        betweenness_sources=sources,
    )


def annotated(graph: nx.Graph, measures: Measures, years: dict[str, str]) -> nx.Graph:
    """A copy of ``graph`` with the measures and active years on its nodes, as Gephi reads them."""
    copy = graph.copy()
    for score in measures.ranking:
        data = copy.nodes[score.node]
        data.update(
            degree=score.degree,
            weighted_degree=score.weighted,
            degree_centrality=score.centrality,
            betweenness=score.betweenness,
            community=score.community,
            component=score.component,
            years=years.get(score.node, ""),
        )
    return copy


# ------------------------------------------------------------------------------ activity


@dataclass(frozen=True)
class Year:
    year: int
    held: int
    planned: int
    attacks: int
    states: int  # states taking part in a meeting of that year
    officials: int  # heads of delegation at a meeting of that year
    groups: int  # groups discussed at a meeting of that year, or claiming an attack of that year


def _statuses(projection: Projection) -> dict[str, str]:
    return {row["meeting"]: row["status"] for row in projection.meetings if "status" in row}


def active_years(projection: Projection) -> dict[str, str]:
    """Node IRI -> the years it was active in (its meetings' years; an attack's or a meeting's own)."""
    meetings = meeting_years(projection)
    found: dict[str, set[int]] = defaultdict(set)
    for meeting, year in meetings.items():
        found[meeting].add(year)
    for row in projection.participants:
        if row["meeting"] in meetings:
            found[row["state"]].add(meetings[row["meeting"]])
    for row in projection.officials:
        if row["meeting"] in meetings:
            found[row["official"]].add(meetings[row["meeting"]])
    for row in projection.threats:
        if row.get("meeting") in meetings:
            found[row["group"]].add(meetings[row["meeting"]])
    for row in projection.attacks:
        if (struck := year_of(row.get("date", ""))) is not None:
            found[row["attack"]].add(struck)
            if "group" in row:
                found[row["group"]].add(struck)
    return {node: _years_text(years) for node, years in found.items()}


def activity(projection: Projection) -> tuple[Year, ...]:
    meetings = meeting_years(projection)
    status = _statuses(projection)
    held: dict[int, set[str]] = defaultdict(set)
    planned: dict[int, set[str]] = defaultdict(set)
    for meeting, year in meetings.items():
        (planned if status.get(meeting) == PLANNED else held)[year].add(meeting)
    attacks: dict[int, set[str]] = defaultdict(set)
    groups: dict[int, set[str]] = defaultdict(set)
    for row in projection.attacks:
        if (struck := year_of(row.get("date", ""))) is not None:
            attacks[struck].add(row["attack"])
            if "group" in row:
                groups[struck].add(row["group"])
    states: dict[int, set[str]] = defaultdict(set)
    for row in projection.participants:
        if row["meeting"] in meetings:
            states[meetings[row["meeting"]]].add(row["state"])
    officials: dict[int, set[str]] = defaultdict(set)
    for row in projection.officials:
        if row["meeting"] in meetings:
            officials[meetings[row["meeting"]]].add(row["official"])
    for row in projection.threats:
        if row.get("meeting") in meetings:
            groups[meetings[row["meeting"]]].add(row["group"])
    years = sorted(set(held) | set(planned) | set(attacks))
    return tuple(
        Year(y, len(held[y]), len(planned[y]), len(attacks[y]), len(states[y]), len(officials[y]), len(groups[y]))
        for y in years
    )


# ------------------------------------------------------------------------------ the whole analysis


@dataclass
class Analysis:
    graphs: dict[str, nx.Graph]
    measures: dict[str, Measures]
    activity: tuple[Year, ...]
    years: dict[str, str] = field(default_factory=dict)  # node -> active years


def analyze_projection(projection: Projection) -> Analysis:
    graphs = networks(projection)
    return Analysis(
        graphs=graphs,
        measures={name: measure(name, graph) for name, graph in graphs.items()},
        activity=activity(projection),
        years=active_years(projection),
    )


def analyze(store: Path) -> Analysis:
    """Project the store's graph and measure its networks."""
    return analyze_projection(project(open_view(store)))


def write(analysis: Analysis, folder: Path) -> list[Path]:
    """Write each network as GraphML and GEXF (for Gephi), and every node's measures as CSV."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, graph in analysis.graphs.items():
        rich = annotated(graph, analysis.measures[name], analysis.years)
        nx.write_graphml(rich, folder / f"{name}.graphml")
        nx.write_gexf(rich, folder / f"{name}.gexf")
        written += [folder / f"{name}.graphml", folder / f"{name}.gexf"]
    path = folder / "measures.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(
            ["network", "node", "label", "class", "degree", "weighted_degree", "degree_centrality"]
            + ["betweenness", "community", "component", "years"]
        )
        for name, measures in analysis.measures.items():
            for s in measures.ranking:
                out.writerow(
                    [name, s.node, s.label, s.kind, s.degree, f"{s.weighted:g}", s.centrality, s.betweenness]
                    + [s.community, s.component, analysis.years.get(s.node, "")]
                )
    written.append(path)
    return written


# ------------------------------------------------------------------------------ tables


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()  # right-aligned columns


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def tables(analysis: Analysis, *, top: int = 10, name_width: int = 40) -> list[Table]:
    """The analysis as ranked tables that fit a terminal: a summary, the top nodes, communities, years."""
    result = [
        Table(
            "Networks",
            ("network", "nodes", "links", "density", "components", "largest", "communities"),
            tuple(
                (
                    m.name,
                    str(m.nodes),
                    str(m.edges),
                    f"{m.density:.3f}",
                    str(len(m.components)),
                    str(len(m.components[0]) if m.components else 0),
                    str(len(m.communities)),
                )
                for m in analysis.measures.values()
            ),
            (False, True, True, True, True, True, True),
        )
    ]
    for m in analysis.measures.values():
        result.append(
            Table(
                f"{m.title}: top {min(top, m.nodes)} of {m.nodes} by degree"
                + (
                    f" (betweenness estimated from {m.betweenness_sources} sources)"
                    if m.betweenness_sources is not None
                    else ""
                ),
                ("#", "name", "class", "degree", "weighted", "centrality", "betweenness", "community"),
                tuple(
                    (
                        str(rank),
                        _cut(s.label, name_width),
                        s.kind,
                        str(s.degree),
                        f"{s.weighted:g}",
                        f"{s.centrality:.3f}",
                        f"{s.betweenness:.3f}",
                        str(s.community),
                    )
                    for rank, s in enumerate(m.ranking[:top], start=1)
                ),
                (True, False, False, True, True, True, True, True),
            )
        )
        labels = {s.node: s.label for s in m.ranking}
        shown = [c for c in m.communities if len(c) > 1][:top]
        if shown:
            result.append(
                Table(
                    f"{m.title}: communities",
                    ("community", "size", "members"),
                    tuple(
                        (
                            str(m.communities.index(c) + 1),
                            str(len(c)),
                            _cut(", ".join(labels[n] for n in c), name_width * 2),
                        )
                        for c in shown
                    ),
                    (True, True, False),
                )
            )
    result.append(
        Table(
            "Activity per year",
            ("year", "held", "planned", "attacks", "states", "officials", "groups"),
            tuple(
                (str(y.year), str(y.held), str(y.planned), str(y.attacks), str(y.states), str(y.officials))
                + (str(y.groups),)
                for y in analysis.activity
            ),
            (True,) * 7,
        )
    )
    return result


def plain(table: Table) -> str:
    """A table as aligned plain text, for pipes and files."""
    cells = [list(table.columns)] + [list(row) for row in table.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.columns))]
    right = table.numeric or (False,) * len(widths)

    def line(row: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, right, strict=True)).rstrip()

    return "\n".join([table.title, line(cells[0]), "  ".join("-" * w for w in widths), *map(line, cells[1:])])


def show(found: Sequence[Table], *, file: TextIO | None = None) -> None:
    """Print tables: drawn with rich on a terminal, plain text otherwise."""
    out = file or sys.stdout
    if out.isatty():
        from rich.console import Console
        from rich.table import Table as RichTable

        console = Console(file=out)
        for table in found:
            drawn = RichTable(title=table.title, title_justify="left")
            for column, right in zip(table.columns, table.numeric or (False,) * len(table.columns), strict=True):
                drawn.add_column(column, justify="right" if right else "left", overflow="ellipsis")
            for row in table.rows:
                drawn.add_row(*row)
            console.print(drawn)
        return
    print("\n\n".join(plain(table) for table in found), file=out)
