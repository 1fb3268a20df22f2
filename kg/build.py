"""Build: the whole pipeline, from input paths to a validated dataset of named graphs.

    ingest -> extract -> link -> mapping -> validate -> (reason) -> (store, see ``kg.update``)

One named graph per article holds what it states; ``graph/entities`` holds the types, labels and
reference facts of the things named; ``graph/inferred`` holds what reasoning adds.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Graph, URIRef

from kg import gazetteer
from kg.errors import InputError
from kg.extract import extract
from kg.ingest import read_all
from kg.iri import DEFAULT_BASE
from kg.link import Linked, link
from kg.mapping import Minter, article_triples, entity_triples, referenced_keys
from kg.model import Article, Extraction
from kg.triples import Triple, as_graph
from kg.validate import ValidationReport
from kg.validate import check as check_graph

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Options:
    """How to build: the settings that do not depend on where the articles come from or go."""

    base: str = DEFAULT_BASE
    check: bool = True  # validate against the shapes
    validator: str = "sparql"  # or "pyshacl", the reference semantics
    reason: bool = False
    reasoner: str = "rules"  # or "owlrl", the reference semantics
    keep_going: bool = False  # keep the conforming part when some articles break the shapes
    reference: bool = True  # keep the full reference data in the store
    workers: int | None = None  # local extraction processes (default: the machine's cores)
    scheduler: object | None = None  # a Dask scheduler to extract on instead
    shards: Path | None = None  # also write one N-Quads file per graph there
    extra: tuple[Path, ...] = ()  # users' own RDF files


@dataclass
class BuildResult:
    base: str
    extractions: list[Extraction]
    errors: list[InputError]
    linked: Linked
    article_graphs: dict[str, frozenset[Triple]]  # one named graph per article, as a set of triples
    entities: frozenset[Triple]
    report: ValidationReport | None = None
    inferred: Graph | None = None
    clashes: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)  # articles extracted in this run (the rest came from the store)
    changed: list[str] = field(default_factory=list)  # named graphs written or dropped in the store
    generation: Path | None = None
    extra: dict[str, Graph] = field(default_factory=dict)  # users' own RDF, each in a graph of its own
    unchanged: str | None = None  # when nothing had to be done: the store's own summary
    stated: str | None = None  # an update in part: what it did (it holds only what it mapped)
    fallback: str | None = None  # why an update in part gave way to a full one
    _merged: tuple[frozenset[Triple], Graph] | None = field(default=None, repr=False)
    _triples: tuple[tuple[int, int, int, int], frozenset[Triple]] | None = field(default=None, repr=False)

    @property
    def mint(self) -> Minter:
        return Minter(self.base)

    def asserted(self) -> Graph:
        """All articles' statements and the entities graph, merged (once: treat it as read-only)."""
        triples = self.triples()
        if self._merged is None or self._merged[0] is not triples:
            self._merged = (triples, as_graph(triples))
        return self._merged[1]

    def triples(self) -> frozenset[Triple]:
        """The same triples as :meth:`asserted`, as a plain set: much cheaper to make for many articles."""
        key = (id(self.article_graphs), id(self.entities), len(self.article_graphs), len(self.entities))
        if self._triples is None or self._triples[0] != key:
            self._triples = (key, frozenset().union(*self.article_graphs.values(), self.entities))
        return self._triples[1]

    def summary(self) -> str:
        if self.unchanged is not None:
            return self.unchanged
        if self.stated is not None:
            return self.stated
        merged = self.triples()
        classes = Counter(str(o).rsplit("#", 1)[-1] for _s, p, o in merged if p == RDF.type)
        shown = ", ".join(f"{n} {c}" for c, n in sorted(classes.items()) if c != "Article")
        violations = len(self.report.violations) if self.report else 0
        inferred = f", {len(self.inferred)} inferred" if self.inferred is not None else ""
        return (
            f"{len(self.article_graphs)} article(s) ({len(self.extracted)} extracted), "
            f"{len(merged)} triples{inferred}; {shown}; {violations} violation(s); "
            f"{len(self.errors)} unreadable input(s)"
        )


PARALLEL_FROM = 400  # below this many articles, starting worker processes costs more than it saves


def extract_all(
    articles: list[Article], *, workers: int | None = None, scheduler: object | None = None
) -> Iterator[Extraction]:
    """Extract articles: on a Dask cluster when given its scheduler, else in local worker processes
    when there are many (extraction is a pure function, so where it runs does not matter)."""
    if scheduler is not None:
        from kg.distributed import extract_on_cluster

        yield from extract_on_cluster(articles, scheduler=scheduler)
        return
    count = local_workers(workers, len(articles))
    if count == 1:
        gaz = gazetteer.load()
        for article in articles:
            yield extract(article, gaz)
        return
    with worker_pool(count) as pool:
        yield from pool.map(extract, articles, chunksize=chunk_size(len(articles), count))


def local_workers(workers: int | None, articles: int) -> int:
    """How many processes to extract this many articles in; 1 means in this one."""
    count = workers if workers is not None else min(os.cpu_count() or 1, 8)
    return 1 if count <= 1 or articles < PARALLEL_FROM else count


def worker_pool(count: int) -> ProcessPoolExecutor:
    """Extraction processes with the gazetteer loaded (read once here and shared, where they are forked)."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if "fork" in methods:
        gazetteer.load()
    return ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=gazetteer.load)


def chunk_size(articles: int, count: int) -> int:
    return max(1, min(64, articles // (count * 8)))


def read_articles(inputs: Iterable[str | Path]) -> tuple[list[Article], list[InputError]]:
    """Readable articles, and one error per unreadable input; a second copy of an article is an error too."""
    articles: list[Article] = []
    errors: list[InputError] = []
    seen_hash: dict[str, str] = {}
    seen_id: dict[str, str] = {}
    for item in read_all(inputs):
        if isinstance(item, InputError):
            errors.append(item)
        elif item.content_hash in seen_hash:
            errors.append(InputError(item.path, f"the same article as {seen_hash[item.content_hash]}", hint="skipped"))
        elif item.id in seen_id:
            errors.append(
                InputError(
                    item.path,
                    f"another article already has the name {item.id!r} ({seen_id[item.id]})",
                    hint="rename one of them",
                )
            )
        else:
            seen_hash[item.content_hash] = item.path
            seen_id[item.id] = item.path
            articles.append(item)
    return articles, errors


Loader = Callable[[str], Extraction]  # an article's full extraction, by id, read when needed


def assemble(
    extractions: list[Extraction], *, base: str = DEFAULT_BASE, full: Loader | None = None
) -> tuple[Linked, dict[str, frozenset[Triple]], frozenset[Triple]]:
    """Link all extractions and map each article to its graph, plus the shared entities graph.

    With ``full``, the extractions may be compact (``kg.linkrecords.compact``): each article's full
    extraction is read from it when the article is mapped, and let go after.
    """
    mint = Minter(base)
    linked = link(extractions)
    graphs: dict[str, frozenset[Triple]] = {}
    keys: set[str] = set()
    for ex in extractions:
        graph = frozenset(article_triples(full(ex.article.id) if full else ex, linked, mint))
        graphs[ex.article.id] = graph
        keys |= referenced_keys(graph, mint)
    entities = frozenset(entity_triples(keys, extractions, linked, gazetteer.load(), mint))
    return linked, graphs, entities


def build(
    inputs: Iterable[str | Path],
    *,
    store: Path | None = None,
    rebuild: bool = False,
    progress: Progress | None = None,
    **settings: object,
) -> BuildResult:
    """Build the graph of the inputs; with ``store``, add them to the articles already there.

    ``settings`` are the fields of ``Options`` (``reason=True``, ``base=...``). With a store, an
    article whose content and the extractor are unchanged is not extracted again, and only the
    graphs whose content changed are rewritten, in one atomic update (see ``kg.update``).
    """
    options = Options(**settings)  # type: ignore[arg-type]
    if store is not None:
        from kg.update import build_into_store

        return build_into_store(inputs, store, options, rebuild=rebuild, progress=progress)
    articles, errors = read_articles(inputs)
    extractions = []
    for number, extraction in enumerate(extract_all(articles, workers=options.workers, scheduler=options.scheduler), 1):
        extractions.append(extraction)
        if progress:
            progress("extract", number, len(articles))
    return process(extractions, errors, [e.article.id for e in extractions], options, progress=progress)


def process(
    extractions: list[Extraction],
    errors: list[InputError],
    extracted: list[str],
    options: Options,
    *,
    extra: dict[str, Graph] | None = None,
    progress: Progress | None = None,
    full: Loader | None = None,
) -> BuildResult:
    """Link, map, validate and reason over all extractions (compact ones with ``full``, see :func:`assemble`)."""
    extractions = sorted(extractions, key=lambda e: e.article.id)
    linked, graphs, entities = assemble(extractions, base=options.base, full=full)
    result = BuildResult(
        options.base, extractions, errors, linked, graphs, entities, extracted=extracted, extra=extra or {}
    )
    if options.check:
        if progress:
            progress("validate", 0, 1)
        result.report = check_graph(result.triples(), base=options.base, validator=options.validator)
        if options.keep_going and not result.report.conforms:
            _drop_failing(result, options, full)
    if options.reason:
        from kg.reason import reason

        if progress:
            progress("reason", 0, 1)
        result.inferred, result.clashes = reason(result.triples(), base=options.base, reasoner=options.reasoner)
    return result


def _drop_failing(result: BuildResult, options: Options, full: Loader | None) -> None:
    """Keep the conforming part: leave out the articles whose statements break a rule, and re-check."""
    report = result.report
    assert report is not None
    failing = set()
    subjects = {article_id: {s for s, _p, _o in graph} for article_id, graph in result.article_graphs.items()}
    for violation in report.violations:
        node = URIRef(violation.focus)
        failing |= {article_id for article_id, nodes in subjects.items() if node in nodes}
    kept = [ex for ex in result.extractions if ex.article.id not in failing]
    result.excluded = sorted(failing)
    result.linked, result.article_graphs, result.entities = assemble(kept, base=result.base, full=full)
    result.extractions = kept
    again = check_graph(result.triples(), base=result.base, validator=options.validator)
    result.report = ValidationReport(again.conforms, report.violations)
