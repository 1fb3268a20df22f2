"""Pictures of the graph: an interactive page that works offline, and a timeline of meetings.

- ``graph.html``: one self-contained file (its script, style and data inline; nothing fetched) with
  the things the articles name as a force-directed network coloured by class, a search box, and a
  panel that shows the facts of a clicked node with the articles that state them and the
  sentences they were read from.
- ``timeline.png`` and ``timeline.svg``: the meetings of each working group over time (held
  filled, planned hollow), with the attacks marked below.

Both are built from the views of ``queries/projections/``; matplotlib draws the timeline.

>>> from kg.viz import visualise                          # doctest: +SKIP
>>> visualise(Path("out/store"), Path("out/viz"))         # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from kg.projections import Row, View, local_name, open_view, year_of

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
CTKG = "https://w3id.org/ctkg/ontology#"
HIDDEN = {RDF_TYPE, RDFS_LABEL, ALT_LABEL, f"{CTKG}mentionedIn", f"{CTKG}source", f"{CTKG}evidence"}
EVENTS = {"Meeting", "Attack"}
CLASS_ORDER = (
    "State",
    "Official",
    "Meeting",
    "WorkingGroup",
    "ThreatGroup",
    "Attack",
    "InternationalOrganisation",
    "GovernmentBody",
    "Organisation",
    "Place",
)


def asset(name: str) -> str:
    """A file shipped in ``kg/assets/`` (page template, script, style)."""
    return resources.files("kg").joinpath("assets", name).read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ page data


@dataclass(frozen=True)
class PageRows:
    """The rows of the views the page is built from: plain data, testable without a store."""

    nodes: list[Row]
    facts: list[Row]
    evidence: list[Row]
    articles: list[Row]
    properties: list[Row]
    base: str


def page_rows(view: View) -> PageRows:
    return PageRows(
        nodes=view.select("nodes"),
        facts=view.select("facts"),
        evidence=view.select("evidence"),
        articles=view.select("articles"),
        properties=view.select_ontology("property-labels"),
        base=view.base,
    )


def _article_name(graph: str, base: str) -> str | None:
    prefix = f"{base}graph/article/"
    return graph[len(prefix) :] if graph.startswith(prefix) else None


def _pick_evidence(sentences: Iterable[str], names: Iterable[str]) -> list[str]:
    """The sentences that name the other side of a fact; all of them when none does."""
    every = sorted(set(sentences))
    wanted = [n.casefold() for n in names if len(n) > 2]
    named = [s for s in every if any(n in s.casefold() for n in wanted)]
    return named or every


def page_data(rows: PageRows) -> dict[str, Any]:
    """The JSON the page embeds: classes, nodes with their facts and sources, links, articles."""
    classes: dict[str, str] = {}
    labels: dict[str, str] = {}
    for row in rows.nodes:
        classes.setdefault(row["node"], local_name(row["class"]))
        labels.setdefault(row["node"], row.get("label") or local_name(row["node"]))
    order = {c: i for i, c in enumerate(CLASS_ORDER)}
    ids = sorted(classes, key=lambda n: (order.get(classes[n], len(order)), labels[n].casefold(), n))
    index = {node: i for i, node in enumerate(ids)}

    articles = sorted({row["article"] for row in rows.articles})
    article_index = {iri: i for i, iri in enumerate(articles)}
    article_info = {row["article"]: row for row in rows.articles}
    prop_labels = {row["property"]: row["label"] for row in rows.properties}

    names: dict[str, set[str]] = defaultdict(set)
    for node, label in labels.items():
        names[node].add(label)
    evidence: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows.evidence:
        evidence[(row["node"], row["graph"])].add(row["sentence"])

    statements: dict[tuple[str, str, str], set[str]] = defaultdict(set)  # (s, p, o) -> graphs
    mentioned: dict[str, set[str]] = defaultdict(set)
    for row in rows.facts:
        s, p, o = row["s"], row["p"], row["o"]
        if s not in index:
            continue
        if p == ALT_LABEL:
            names[s].add(o)
        if p in {f"{CTKG}mentionedIn", f"{CTKG}source"} and o in article_index:
            mentioned[s].add(o)
        if p not in HIDDEN:
            statements[(s, p, o)].add(row["graph"])

    def sources(s: str, o: str, graphs: set[str]) -> list[dict[str, Any]]:
        found = []
        for graph in sorted(graphs):
            name = _article_name(graph, rows.base)
            article = f"{rows.base}article/{name}" if name is not None else None
            sentences: list[str] = []
            for event, other in ((s, o), (o, s)):
                if classes.get(event) in EVENTS and (event, graph) in evidence:
                    other_names = names.get(other, {other})
                    sentences += _pick_evidence(evidence[(event, graph)], other_names)
            found.append({"a": article_index.get(article, -1) if article else -1, "ev": sorted(set(sentences))})
        return found

    facts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    links: set[tuple[int, int, str]] = set()
    for (s, p, o), graphs in sorted(statements.items()):
        label = prop_labels.get(p, local_name(p))
        src = sources(s, o, graphs)
        if o in index:
            facts[s].append({"p": label, "dir": "out", "node": index[o], "value": labels[o], "src": src})
            facts[o].append({"p": label, "dir": "in", "node": index[s], "value": labels[s], "src": src})
            if o != s:
                links.add((index[s], index[o], label))
        else:
            value = local_name(o) if o.startswith(CTKG) else o
            facts[s].append({"p": label, "dir": "out", "node": None, "value": value, "src": src})

    read: dict[str, list[dict[str, Any]]] = defaultdict(list)  # event -> the sentences of each article
    for (node, graph), sentences in sorted(evidence.items()):
        name = _article_name(graph, rows.base)
        article = f"{rows.base}article/{name}" if name is not None else ""
        read[node].append({"a": article_index.get(article, -1), "ev": sorted(sentences)})
    nodes = [
        {
            "id": node,
            "label": labels[node],
            "cls": classes[node],
            "alt": sorted(names[node] - {labels[node]}),
            "articles": sorted(article_index[a] for a in mentioned[node]),
            "facts": facts[node],
            "read": read.get(node, []),
        }
        for node in ids
    ]
    return {
        "classes": [c for c in CLASS_ORDER if c in set(classes.values())]
        + sorted(set(classes.values()) - set(CLASS_ORDER)),
        "nodes": nodes,
        "links": [list(link) for link in sorted(links)],
        "articles": [
            {
                "id": local_name(a),
                "title": article_info[a].get("headline") or article_info[a].get("file") or local_name(a),
                "url": article_info[a].get("url", ""),
                "published": article_info[a].get("published", ""),
                "publisher": article_info[a].get("publisher", ""),
            }
            for a in articles
        ],
    }


def _embed(data: dict[str, Any]) -> str:
    """JSON safe inside a <script> element: no ``<`` can close it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_page(data: dict[str, Any], *, title: str = "Counter-terrorism diplomacy graph") -> str:
    """The self-contained HTML page: template, style, script and data in one file."""
    from html import escape

    page = asset("graph.html")
    for token, value in (
        ("/*KG-STYLE*/", asset("graph.css")),
        ("/*KG-SCRIPT*/", asset("graph.js")),
        ("__KG_TITLE__", escape(title)),
        ("__KG_NODE_COUNT__", str(len(data["nodes"]))),
        ("__KG_LINK_COUNT__", str(len(data["links"]))),
        ("__KG_DATA__", _embed(data)),
    ):
        page = page.replace(token, value)
    return page


# ------------------------------------------------------------------------------ timeline


@dataclass(frozen=True)
class Mark:
    """One meeting or attack on the timeline."""

    row: str  # the working group's name, or the row of attacks
    when: dt.date
    label: str
    kind: str  # "held", "planned", "attack"
    exact: bool  # False when only the year or the month is known


@dataclass(frozen=True)
class Look:
    marker: str
    colour: str
    filled: bool = True

    @property
    def face(self) -> str:
        return self.colour if self.filled else "none"


ATTACKS_ROW = "Attacks"
OTHER_MEETINGS = "Other meetings"


def _when(lexical: str) -> tuple[dt.date, bool] | None:
    """A point in time for a date at any precision: mid-month or mid-year when that is all we know."""
    year = year_of(lexical)
    if year is None:
        return None
    parts = lexical.split("-")
    if len(parts) >= 3 and parts[1].isdigit() and parts[2][:2].isdigit():
        return dt.date(year, int(parts[1]), int(parts[2][:2])), True
    if len(parts) >= 2 and parts[1][:2].isdigit():
        return dt.date(year, int(parts[1][:2]), 15), False
    return dt.date(year, 7, 1), False


def timeline_marks(meetings: list[Row], attacks: list[Row]) -> list[Mark]:
    marks: dict[tuple[str, str], Mark] = {}
    for row in meetings:
        status = local_name(row.get("status", ""))
        given = row.get("date") or row.get("plannedDate") or ""
        when = _when(given)
        if when is None:
            continue
        kind = "planned" if status == "Planned" else "held"
        label = f"#{row['ordinal']}" if "ordinal" in row else ""
        group = row.get("bodyLabel") or (local_name(row["body"]) if "body" in row else OTHER_MEETINGS)
        marks.setdefault(("m", row["meeting"]), Mark(group, when[0], label, kind, when[1] and "date" in row))
    for row in attacks:
        when = _when(row.get("date", ""))
        if when is None:
            continue
        label = row.get("label", local_name(row["attack"]))
        if "killed" in row:
            qualifier = f"{row['qualifier']} " if "qualifier" in row else ""
            label += f" ({qualifier}{row['killed']} killed)"
        marks.setdefault(("a", row["attack"]), Mark(ATTACKS_ROW, when[0], label, "attack", when[1]))
    return sorted(marks.values(), key=lambda m: (m.row, m.when, m.label))


def label_offsets(marks: list[Mark], *, above: int = 8, below: int = -17) -> list[int]:
    """Where each mark's label goes, in points: above it, or below when the previous mark of its
    row is close enough for the two labels to collide (marks in the order of ``timeline_marks``).

    >>> import datetime as dt
    >>> day = dt.date(2024, 1, 1)
    >>> label_offsets([Mark("r", day, "a", "held", True), Mark("r", day, "b", "held", True)])
    [8, -17]
    """
    if not marks:
        return []
    span = max((max(m.when for m in marks) - min(m.when for m in marks)).days, 365)
    offsets: list[int] = []
    for i, mark in enumerate(marks):
        previous = marks[i - 1] if i else None
        close = previous is not None and previous.row == mark.row and (mark.when - previous.when).days < span / 8
        offsets.append((below if offsets[-1] == above else above) if close else above)
    return offsets


def plot_timeline(marks: list[Mark], paths: Iterable[Path], *, title: str = "Meetings and attacks") -> list[Path]:
    """Draw the timeline with matplotlib (no display needed) and save it to each path (PNG, SVG)."""
    import matplotlib
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    groups = sorted({m.row for m in marks if m.row != ATTACKS_ROW}, key=str.casefold)
    rows = groups + ([ATTACKS_ROW] if any(m.row == ATTACKS_ROW for m in marks) else [])
    height = 1.6 + 0.55 * max(len(rows), 1)
    figure = Figure(figsize=(11, height), layout="constrained")
    axes = figure.add_subplot()
    position = {row: len(rows) - 1 - i for i, row in enumerate(rows)}
    style = {"held": Look("o", "#1f77b4", True), "planned": Look("o", "#1f77b4", False), "attack": Look("X", "#d62728")}
    for mark, offset in zip(marks, label_offsets(marks), strict=True):
        look = style[mark.kind]
        y = position[mark.row]
        axes.scatter(
            [mdates.date2num(mark.when)],
            [y],
            s=70 if mark.exact else 50,
            marker=look.marker,
            facecolors=look.face,
            edgecolors=look.colour,
            linestyle="-" if mark.exact else ":",
            zorder=3,
        )
        if mark.kind == "attack":
            axes.axvline(mdates.date2num(mark.when), color=look.colour, alpha=0.25, linewidth=1, zorder=1)
        if mark.label:
            axes.annotate(
                mark.label,
                (mdates.date2num(mark.when), y),
                xytext=(0, offset),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
    axes.set_yticks(list(position.values()), [_wrap(r) for r in position])
    axes.set_ylim(-0.7, max(len(rows), 1) - 0.3)
    axes.xaxis.set_major_locator(mdates.AutoDateLocator())
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(axes.xaxis.get_major_locator()))
    if marks:
        first = min(m.when for m in marks)
        last = max(m.when for m in marks)
        axes.set_xlim(mdates.date2num(first) - 120, mdates.date2num(last) + 120)
    else:
        axes.text(0.5, 0.5, "no dated meeting or attack", transform=axes.transAxes, ha="center")
    axes.grid(axis="x", alpha=0.3)
    axes.set_title(title, loc="left")
    axes.set_xlabel("hollow: planned; dotted outline: only the year or month is known, or the date is the planned one")
    axes.xaxis.label.set(fontsize=7, color="#555555")
    kinds = [k for k in ("held", "planned", "attack") if any(m.kind == k for m in marks)]
    if kinds:
        handles = [
            Line2D(
                [],
                [],
                linestyle="none",
                marker=style[k].marker,
                markersize=8,
                markerfacecolor=style[k].face,
                markeredgecolor=style[k].colour,
                label=k,
            )
            for k in kinds
        ]
        figure.legend(handles=handles, loc="outside upper right", ncols=len(handles), fontsize=8, frameon=False)
    written = []
    with matplotlib.rc_context({"svg.hashsalt": "kg", "svg.fonttype": "none"}):
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
            figure.savefig(path, dpi=150, metadata={"Date": None} if path.suffix == ".svg" else None)
            written.append(path)
    return written


def _wrap(text: str, width: int = 38) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines[:3]) + ("…" if len(lines) > 3 else "")


# ------------------------------------------------------------------------------ both


def visualise(store: Path, folder: Path) -> list[Path]:
    """Write ``graph.html``, ``timeline.png`` and ``timeline.svg`` into ``folder``."""
    view = open_view(store)
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "graph.html"
    page.write_text(render_page(page_data(page_rows(view))), encoding="utf-8")
    marks = timeline_marks(view.select("meetings"), view.select("attacks"))
    return [page, *plot_timeline(marks, [folder / "timeline.png", folder / "timeline.svg"])]
