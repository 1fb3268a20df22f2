"""Query: the SPARQL library in ``queries/``, run over the store with parameters bound as RDF terms.

Each ``.rq`` file opens with a comment block::

    # title: Meetings of a working group, in order
    # answers: ...
    # param: body = Kenya-Somalia Security Dialogue  (description)

A parameter is a variable of the query; its value is bound with SPARQL substitutions (SEP-0007)
as an IRI (when it is one) or a plain literal, never pasted into the query text.

The default graph of a query is the union of the store's graphs (as ``kg serve`` gives it):
Oxigraph answers that from its indexes at once, where a list of a thousand article graphs would
be read one by one. ``GRAPH ?g`` still tells which article states what.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError, UsageError
from kg.iri import DEFAULT_BASE
from kg.resources import project_root
from kg.store import Location


class UnknownQueryError(KgError):
    """A query name that is not in the library; the message lists the known ones."""


@dataclass(frozen=True)
class Param:
    name: str
    default: str
    description: str


@dataclass(frozen=True)
class QueryFile:
    name: str
    path: Path
    title: str
    answers: str
    params: tuple[Param, ...]
    text: str


@dataclass(frozen=True)
class Result:
    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]


_PARAM = re.compile(r"^#\s*param:\s*(\w+)\s*=\s*(.*?)\s*(?:\((.*)\))?\s*$")


def parse(path: Path) -> QueryFile:
    text = path.read_text(encoding="utf-8")
    title = answers = ""
    params = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# title:"):
            title = line.split(":", 1)[1].strip()
        elif line.startswith("# answers:"):
            answers = line.split(":", 1)[1].strip()
        elif match := _PARAM.match(line):
            params.append(Param(match.group(1), match.group(2), (match.group(3) or "").strip()))
    return QueryFile(path.stem, path, title or path.stem, answers, tuple(params), text)


def library(folder: Path | None = None) -> dict[str, QueryFile]:
    folder = folder or project_root() / "queries"
    return {path.stem: parse(path) for path in sorted(folder.glob("*.rq"))}


def resolve(name: str, folder: Path | None = None) -> QueryFile:
    """A query by name from the library, or a ``.rq`` file by path."""
    path = Path(name)
    if path.suffix == ".rq" and path.exists():
        return parse(path)
    known = library(folder)
    if name in known:
        return known[name]
    raise UnknownQueryError(f"no query named {name!r}; known queries: {', '.join(known)}")


def term(value: str) -> ox.NamedNode | ox.Literal:
    """A parameter value as an RDF term: an IRI when it is one, else a plain literal."""
    stripped = value.strip()
    if stripped.startswith("<") and stripped.endswith(">"):
        stripped = stripped[1:-1]
    if re.match(r"^https?://[^\s<>\"{}|\\^`]+$", stripped):
        return ox.NamedNode(stripped)
    return ox.Literal(value)


def bindings(query: QueryFile, given: dict[str, str]) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    names = {p.name for p in query.params}
    unknown = sorted(set(given) - names)
    if unknown:
        known = ", ".join(sorted(names)) or "none"
        raise UsageError(f"query {query.name!r} has no parameter {', '.join(unknown)}; its parameters: {known}")
    values = {p.name: given.get(p.name, p.default) for p in query.params}
    return {ox.Variable(name): term(value) for name, value in values.items()}


def run(query: QueryFile, *, store: Path, params: dict[str, str] | None = None) -> Result:
    location = Location(store)
    base = location.base()
    if base is None:
        raise UsageError(f"{store}: no store here yet; run `kg build` first")
    db = _opened(location.live()) if location.path.is_symlink() else location.open()
    try:
        solutions = db.query(
            in_namespace(query.text, base),
            use_default_graph_as_union=True,
            substitutions=bindings(query, params or {}),  # type: ignore[arg-type]
        )
    except SyntaxError as error:
        raise UsageError(f"{query.path}: not valid SPARQL ({error})") from error
    if not isinstance(solutions, ox.QuerySolutions):
        raise UsageError(f"{query.name}: only SELECT queries belong in the library")
    columns = tuple(v.value for v in solutions.variables)
    rows = tuple(tuple(_text(value) for value in solution) for solution in solutions)
    return Result(columns, rows)


@lru_cache(maxsize=1)
def _opened(generation: Path | None) -> ox.Store:
    """The live generation's database, opened once for the queries a process runs on it: a
    generation never changes once live (an update makes the next one), and a store opened cold adds
    20-80 ms to the first query at 30,000 articles."""
    if generation is None:
        raise UsageError("no store here yet; run `kg build` first")
    return Location(generation).open()


def in_namespace(text: str, base: str) -> str:
    """The query with the store's graphs named in its own namespace: the library names them under
    the default one (``GRAPH <.../graph/entities>`` lets a query read each entity's label once)."""
    if base == DEFAULT_BASE:
        return text
    return text.replace(f"<{DEFAULT_BASE}graph/", f"<{base}graph/")


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, ox.Literal | ox.NamedNode | ox.BlankNode):
        return value.value
    return str(value)


def render(result: Result, fmt: str = "table", *, width: int | None = None) -> str:
    if fmt == "json":
        return json.dumps(
            [dict(zip(result.columns, row, strict=True)) for row in result.rows], indent=2, ensure_ascii=False
        )
    if fmt in {"csv", "tsv"}:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[v or "" for v in row] for row in result.rows])
        return buffer.getvalue()
    if fmt != "table":
        raise UsageError(f"unknown format {fmt!r}; use table, csv, tsv or json")
    return _table(result, width or shutil.get_terminal_size((120, 24)).columns)


def _table(result: Result, width: int) -> str:
    """A plain table that fits the terminal: wide columns are cut with an ellipsis."""
    cells = [list(result.columns)] + [[v or "" for v in row] for row in result.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(result.columns))]
    budget = max(width - 3 * (len(widths) - 1), 10 * len(widths))
    while sum(widths) > budget and max(widths) > 10:
        widest = widths.index(max(widths))
        widths[widest] -= 1

    def cut(text: str, size: int) -> str:
        return text if len(text) <= size else text[: size - 1] + "…"

    lines = [" | ".join(cut(row[i], widths[i]).ljust(widths[i]) for i in range(len(widths))).rstrip() for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines)
