"""Projections: the small SPARQL views of the store that analysis and pictures are built from.

Each view is a ``.rq`` file of ``queries/projections/`` loaded by name (or any ``.rq`` file by
path), run over what the articles state and the entities graph only: the ontology, the reference
data and the inferred triples are left out, so that a projection sees exactly what was read.
A ``GRAPH ?g`` clause sees the article graphs and the entities graph, so a view can say which
article states a fact.

>>> from kg.projections import known
>>> "cooperation-edges" in known()
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kg.errors import ResourceError, UsageError
from kg.resources import project_root
from kg.store import Location

Row = dict[str, str]


def folder() -> Path:
    return project_root() / "queries" / "projections"


def known() -> tuple[str, ...]:
    """The names of the projections that ship with the project."""
    return tuple(sorted(path.stem for path in folder().glob("*.rq")))


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def query_text(name: str) -> str:
    """The text of a projection, by name (``cooperation-edges``) or by path to a ``.rq`` file."""
    given = Path(name)
    if given.suffix == ".rq" and given.exists():
        return _read(given.resolve())
    path = folder() / f"{name}.rq"
    if not path.exists():
        raise ResourceError(f"no projection named {name!r}; known projections: {', '.join(known()) or 'none'}")
    return _read(path)


@dataclass(frozen=True)
class View:
    """An open store and the graphs a projection reads: each article's graph and the entities."""

    store: ox.Store
    base: str
    articles: tuple[ox.NamedNode, ...]
    entities: ox.NamedNode
    ontology: ox.NamedNode
    _merged: ox.Store | None = field(default=None, repr=False, compare=False)

    def select(self, name: str) -> list[Row]:
        """The rows of a projection: each a dict of variable name to the term's value (unbound left out)."""
        text = query_text(name)
        try:
            solutions = self.merged().query(text)
        except SyntaxError as error:
            raise ResourceError(f"projection {name!r} is not valid SPARQL: {error}") from error
        if not isinstance(solutions, ox.QuerySolutions):
            raise ResourceError(f"projection {name!r} must be a SELECT query")
        names = [variable.value for variable in solutions.variables]
        return [
            {column: value.value for column in names if (value := solution[column]) is not None}
            for solution in solutions
        ]

    def merged(self) -> ox.Store:
        """An in-memory store whose default graph is the articles' and entities' triples merged, each
        once, beside those graphs themselves (for ``GRAPH ?g``): made once per view.

        Oxigraph answers a query given thousands of default graphs by looking in each of them for
        every pattern, which took minutes on a store of ten thousand articles.
        """
        if self._merged is None:
            wanted = {*self.articles, self.entities}
            work = ox.Store()
            default = ox.DefaultGraph()
            quads = [q for q in self.store.quads_for_pattern(None, None, None, None) if q.graph_name in wanted]
            work.extend(quads)
            work.extend(ox.Quad(q.subject, q.predicate, q.object, default) for q in quads)
            object.__setattr__(self, "_merged", work)
        assert self._merged is not None
        return self._merged

    def select_ontology(self, name: str) -> list[Row]:
        """The rows of a projection over the ontology graph held in the store."""
        solutions = self.store.query(query_text(name), default_graph=[self.ontology])
        assert isinstance(solutions, ox.QuerySolutions)
        names = [variable.value for variable in solutions.variables]
        return [
            {column: value.value for column in names if (value := solution[column]) is not None}
            for solution in solutions
        ]

    def article_id(self, graph: str) -> str | None:
        """The article name of an article graph's IRI; None for the entities graph."""
        prefix = f"{self.base}graph/article/"
        return graph[len(prefix) :] if graph.startswith(prefix) else None


def open_view(store: Path) -> View:
    """Open the store at ``store`` read-only, with the graphs projections read."""
    location = Location(store)
    manifest = location.manifest()
    if manifest is None:
        raise UsageError(f"{store}: no store here yet; run `kg build` first")
    database = location.open()
    prefix = f"{manifest.base}graph/article/"
    articles = tuple(sorted((g for g in database.named_graphs() if g.value.startswith(prefix)), key=str))
    return View(
        store=database,
        base=manifest.base,
        articles=articles,  # type: ignore[arg-type]
        entities=ox.NamedNode(f"{manifest.base}graph/entities"),
        ontology=ox.NamedNode(f"{manifest.base}graph/ontology"),
    )


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``: ``ctkg:Meeting`` -> ``Meeting``."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def year_of(lexical: str) -> int | None:
    """The year of an ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` value; None for ``--MM-DD``.

    >>> year_of("2023-11-16"), year_of("2026"), year_of("--11-16")
    (2023, 2026, None)
    """
    head = lexical[:4]
    return int(head) if len(head) == 4 and head.isdigit() else None
