"""Export: the output file's extension picks the format.

``.ttl``, ``.nt`` and ``.jsonld`` hold one merged graph; ``.trig`` and ``.nq`` keep the named
graphs (one per article, the entities, and the inferred triples). Inferred triples never mix with
asserted ones in a single-graph format: they go to a file of their own beside the output
(``kg.inferred.ttl`` next to ``kg.ttl``). Output is deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph

from kg.build import BuildResult
from kg.errors import UsageError
from kg.resources import data_path

FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".trig": "trig", ".nq": "nquads"}
QUAD_FORMATS = {".trig", ".nq"}
EXTRAS = ("ontology", "reference")
PREFIXES = {
    "ctkg": "https://w3id.org/ctkg/ontology#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def format_of(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise UsageError(f"{path}: unknown output format {path.suffix!r}; use one of {known}") from None


def extra_graph(name: str, result: BuildResult) -> Graph:
    """The ontology, or the full reference data, as a graph."""
    if name == "ontology":
        graph = Graph()
        graph.parse(data_path("ontology", "ctkg.ttl"), format="turtle")
        return graph
    if name == "reference":
        from kg.reference import reference_graph

        return reference_graph(result.base)
    raise UsageError(f"unknown --include value {name!r}; use {', '.join(EXTRAS)}")


def _bind(graph: Graph | Dataset, base: str) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    graph.bind("id", base, override=True)


def _sorted_lines(text: str) -> str:
    lines = sorted(line for line in text.splitlines() if line.strip())
    return "\n".join(lines) + "\n"


def serialize(graph: Graph | Dataset, fmt: str) -> str:
    text = graph.serialize(format=fmt)
    return _sorted_lines(text) if fmt in {"nt", "nquads"} else text


def write(result: BuildResult, path: Path, *, include: tuple[str, ...] = (), with_inferred: bool = True) -> list[Path]:
    """Write the graph to ``path`` (and the inferred triples beside it for single-graph formats)."""
    fmt = format_of(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = [path]
    if path.suffix.lower() in QUAD_FORMATS:
        data = result.dataset(with_inferred=with_inferred)
        for name in include:
            data.graph(result.mint.graph(name)).__iadd__(extra_graph(name, result))
        _bind(data, result.base)
        _atomic_write(path, serialize(data, fmt))
        return written
    graph = result.asserted()
    for name in include:
        graph += extra_graph(name, result)
    _bind(graph, result.base)
    _atomic_write(path, serialize(graph, fmt))
    if with_inferred and result.inferred is not None:
        side = path.with_name(f"{path.stem}.inferred{path.suffix}")
        _bind(result.inferred, result.base)
        _atomic_write(side, serialize(result.inferred, fmt))
        written.append(side)
    return written


def _atomic_write(path: Path, text: str) -> None:
    """Write to a temporary file and rename it, so a failure never leaves half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    temporary.replace(path)
