"""Build: the whole pipeline, from input paths to a validated dataset of named graphs.

    ingest -> extract -> link -> mapping -> validate -> (reason)

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

import pyoxigraph as ox
from rdflib import RDF, Dataset, Graph, URIRef

from kg import codec, gazetteer
from kg.codec import fingerprint
from kg.errors import InputError, UsageError
from kg.extract import extract
from kg.ingest import read_all
from kg.iri import DEFAULT_BASE, slug
from kg.link import Linked, link
from kg.mapping import Minter, article_triples, entity_triples, referenced_keys
from kg.model import Article, Extraction
from kg.store import Changes, Location, Manifest, commit, digest, quads_of
from kg.userdata import read_user_rdf
from kg.validate import ValidationReport, validate

Progress = Callable[[str, int, int], None]


@dataclass
class BuildResult:
    base: str
    extractions: list[Extraction]
    errors: list[InputError]
    linked: Linked
    article_graphs: dict[str, Graph]
    entities: Graph
    report: ValidationReport | None = None
    inferred: Graph | None = None
    clashes: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)  # articles extracted in this run (the rest came from the store)
    changed: list[str] = field(default_factory=list)  # named graphs written or dropped in the store
    generation: Path | None = None
    extra: dict[str, Graph] = field(default_factory=dict)  # users' own RDF, each in a graph of its own

    @property
    def mint(self) -> Minter:
        return Minter(self.base)

    def asserted(self) -> Graph:
        """All articles' statements and the entities graph, merged."""
        merged = Graph()
        for graph in self.article_graphs.values():
            merged += graph
        merged += self.entities
        return merged

    def dataset(self, *, with_inferred: bool = True) -> Dataset:
        data = Dataset()
        for article_id, graph in sorted(self.article_graphs.items()):
            target = data.graph(self.mint.graph(f"article/{article_id}"))
            target += graph
        data.graph(self.mint.graph("entities")).__iadd__(self.entities)
        if with_inferred and self.inferred is not None:
            data.graph(self.mint.graph("inferred")).__iadd__(self.inferred)
        return data

    def summary(self) -> str:
        merged = self.asserted()
        classes = Counter(str(o).rsplit("#", 1)[-1] for o in merged.objects(None, RDF.type))
        shown = ", ".join(f"{n} {c}" for c, n in sorted(classes.items()) if c != "Article")
        violations = len(self.report.violations) if self.report else 0
        inferred = f", {len(self.inferred)} inferred" if self.inferred is not None else ""
        return (
            f"{len(self.article_graphs)} article(s) ({len(self.extracted)} extracted), "
            f"{len(merged)} triples{inferred}; {shown}; {violations} violation(s); "
            f"{len(self.errors)} unreadable input(s)"
        )


PARALLEL_FROM = 64  # below this many articles, starting worker processes costs more than it saves


def extract_all(
    articles: list[Article], *, workers: int | None = None, scheduler: object | None = None
) -> Iterator[Extraction]:
    """Extract articles: on a Dask cluster when given its scheduler, else in local worker processes
    when there are many (extraction is a pure function, so where it runs does not matter)."""
    if scheduler is not None:
        from kg.distributed import extract_on_cluster

        yield from extract_on_cluster(articles, scheduler=scheduler)
        return
    count = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if count <= 1 or len(articles) < PARALLEL_FROM:
        gaz = gazetteer.load()
        for article in articles:
            yield extract(article, gaz)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=gazetteer.load) as pool:
        yield from pool.map(extract, articles, chunksize=max(1, min(64, len(articles) // (count * 8))))


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


def assemble(extractions: list[Extraction], *, base: str = DEFAULT_BASE) -> tuple[Linked, dict[str, Graph], Graph]:
    """Link all extractions and map each article to its graph, plus the shared entities graph."""
    mint = Minter(base)
    linked = link(extractions)
    graphs: dict[str, Graph] = {}
    keys: set[str] = set()
    for ex in extractions:
        graph = Graph()
        for triple in article_triples(ex, linked, mint):
            graph.add(triple)
        graphs[ex.article.id] = graph
        keys |= referenced_keys(graph, mint)
    entities = Graph()
    for triple in entity_triples(keys, extractions, linked, gazetteer.load(), mint):
        entities.add(triple)
    return linked, graphs, entities


def build(
    inputs: Iterable[str | Path],
    *,
    base: str = DEFAULT_BASE,
    check: bool = True,
    reason: bool = False,
    keep_going: bool = False,
    store: Path | None = None,
    rebuild: bool = False,
    reference: bool = True,
    workers: int | None = None,
    scheduler: object | None = None,
    shards: Path | None = None,
    extra: Iterable[Path] = (),
    progress: Progress | None = None,
) -> BuildResult:
    """Build the graph of the inputs; with ``store``, add them to the articles already there.

    With a store, an article whose content and the extractor are unchanged is not extracted again,
    and only the graphs whose content changed are rewritten, in one atomic update.
    """
    if store is not None:
        with Location(store).writing():
            return _build(
                inputs,
                base=base,
                check=check,
                reason=reason,
                keep_going=keep_going,
                store=store,
                rebuild=rebuild,
                reference=reference,
                workers=workers,
                scheduler=scheduler,
                shards=shards,
                extra=list(extra),
                progress=progress,
            )
    return _build(
        inputs,
        base=base,
        check=check,
        reason=reason,
        keep_going=keep_going,
        store=None,
        rebuild=rebuild,
        reference=reference,
        workers=workers,
        scheduler=scheduler,
        shards=shards,
        extra=list(extra),
        progress=progress,
    )


def _build(
    inputs: Iterable[str | Path],
    *,
    base: str,
    check: bool,
    reason: bool,
    keep_going: bool,
    store: Path | None,
    rebuild: bool,
    reference: bool,
    workers: int | None,
    scheduler: object | None,
    shards: Path | None,
    extra: list[Path],
    progress: Progress | None,
) -> BuildResult:
    articles, errors = read_articles(inputs)
    users: dict[str, Graph] = {}
    for path in extra:
        try:
            users[f"{base}graph/extra/{slug(path.stem)}"] = read_user_rdf(path)
        except InputError as error:
            errors.append(error)
    location = Location(store) if store is not None else None
    manifest = location.manifest() if location is not None and not rebuild else None
    if manifest is not None and manifest.base != base:
        raise UsageError(f"the store at {store} uses the base {manifest.base}; give that --base or use --rebuild")
    reuse = manifest is not None and manifest.fingerprint == fingerprint()
    gaz = gazetteer.load()
    extractions: dict[str, Extraction] = {}
    extracted: list[str] = []
    given = {a.id for a in articles}
    if manifest is not None and location is not None:
        for article_id in sorted(set(manifest.articles) - given):
            cached = location.extraction_text(article_id)
            if cached is not None:
                previous = codec.loads(cached)
                extractions[article_id] = previous if reuse else extract(previous.article, gaz)
                if not reuse:
                    extracted.append(article_id)
    pending: list[Article] = []
    for article in articles:
        known = manifest.articles.get(article.id) if manifest is not None else None
        cached = location.extraction_text(article.id) if location is not None and reuse and known else None
        if cached is not None and known is not None and known.get("hash") == article.content_hash:
            extractions[article.id] = codec.loads(cached)
        else:
            pending.append(article)
    for number, extraction in enumerate(extract_all(pending, workers=workers, scheduler=scheduler), start=1):
        extractions[extraction.article.id] = extraction
        extracted.append(extraction.article.id)
        if progress:
            progress("extract", number, len(pending))
    return finish(
        list(extractions.values()),
        errors,
        extracted,
        location,
        manifest,
        base=base,
        check=check,
        reason=reason,
        keep_going=keep_going,
        fresh=rebuild,
        reference=reference,
        shards=shards,
        extra=users,
        progress=progress,
    )


def finish(
    extractions: list[Extraction],
    errors: list[InputError],
    extracted: list[str],
    location: Location | None,
    manifest: Manifest | None,
    *,
    base: str,
    check: bool,
    reason: bool,
    keep_going: bool,
    fresh: bool = False,
    dropped: Iterable[str] = (),
    reference: bool = True,
    shards: Path | None = None,
    extra: dict[str, Graph] | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Link, map, validate and reason over all extractions, then update the store if there is one."""
    extractions = sorted(extractions, key=lambda e: e.article.id)
    linked, graphs, entities = assemble(extractions, base=base)
    result = BuildResult(base, extractions, errors, linked, graphs, entities, extracted=extracted, extra=extra or {})
    if check:
        if progress:
            progress("validate", 0, 1)
        result.report = validate(result.asserted(), base=base)
        if keep_going and not result.report.conforms:
            _drop_failing(result)
    if reason:
        from kg.reason import infer

        if progress:
            progress("reason", 0, 1)
        result.inferred, result.clashes = infer(result.asserted(), base=base)
    if location is not None and (result.report is None or result.report.conforms or keep_going):
        changes = _changes(
            result, manifest, fresh=fresh or manifest is None, dropped=set(dropped), reference=reference, shards=shards
        )
        result.changed = sorted(set(changes.put) | set(changes.drop) | (set(changes.files) - {_reference(result)}))
        if not changes.empty():
            result.generation = commit(location, changes)
    return result


def _changes(
    result: BuildResult,
    manifest: Manifest | None,
    *,
    fresh: bool,
    dropped: set[str],
    reference: bool,
    shards: Path | None = None,
) -> Changes:
    mint = result.mint
    new = Manifest(result.base, fingerprint())
    changes = Changes(new, fresh=fresh)
    old_graphs = dict(manifest.graphs) if manifest is not None and not fresh else {}
    wanted: dict[str, Graph] = {str(mint.graph(f"article/{i}")): g for i, g in result.article_graphs.items()}
    wanted[str(mint.graph("entities"))] = result.entities
    if result.inferred is not None:
        wanted[str(mint.graph("inferred"))] = result.inferred
    wanted.update(result.extra)
    if manifest is not None and not fresh:  # users' graphs stay until a rebuild
        for name in old_graphs:
            if "/graph/extra/" in name and name not in wanted:
                new.graphs[name] = old_graphs[name]
    ontology_name, reference_name = str(mint.graph("ontology")), str(mint.graph("reference"))
    stamp = f"data:{new.fingerprint}"  # the ontology and reference data change only with the project's data
    new.graphs[ontology_name] = stamp
    if old_graphs.get(ontology_name) != stamp:
        changes.lazy[ontology_name] = _ontology_triples(result.base)
    if reference:
        new.graphs[reference_name] = stamp
        if old_graphs.get(reference_name) != stamp:
            changes.files[reference_name] = _reference_file(result.base)
    for name, graph in wanted.items():
        value = digest(graph)
        new.graphs[name] = value
        if old_graphs.get(name) != value:
            if shards is None:
                changes.put[name] = graph
            else:
                changes.files[name] = _shard(shards, name, graph)
    changes.drop = {name for name in old_graphs if name not in new.graphs}
    for ex in result.extractions:
        new.articles[ex.article.id] = {"hash": ex.article.content_hash, "path": ex.article.path}
        if ex.article.id in result.extracted or fresh:
            changes.extractions[ex.article.id] = codec.dumps(ex)
    changes.forget = set(dropped)
    if manifest is not None and not fresh and new.to_json() == manifest.to_json() and not changes.put:
        changes.extractions = {}
    return changes


def _reference(result: BuildResult) -> str:
    return str(result.mint.graph("reference"))


def _shard(folder: Path, name: str, graph: Graph) -> Callable[[], Path]:
    """Write one named graph as an N-Quads shard (for a bulk load here, or ``kg load`` elsewhere)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name.rstrip("/").rsplit("/graph/", 1)[-1].replace("/", "--") + ".nq")
    data = ox.serialize(quads_of(graph, name), format=ox.RdfFormat.N_QUADS)
    path.write_bytes(data if isinstance(data, bytes) else b"")
    return lambda: path


def _ontology_triples(base: str) -> Callable[[], Iterable[tuple]]:
    def triples() -> Iterable[tuple]:
        from kg.validate import ontology_graph

        return iter(ontology_graph())

    return triples


def _reference_file(base: str) -> Callable[[], Path]:
    def file() -> Path:
        from kg.reference import reference_file

        return reference_file(base)

    return file


def remove(ids: Iterable[str], *, store: Path, reason: bool = False, progress: Progress | None = None) -> BuildResult:
    """Drop articles from a store and recompute what linked them to the rest."""
    location = Location(store)
    with location.writing():
        return _remove(ids, location, reason=reason, progress=progress)


def _remove(ids: Iterable[str], location: Location, *, reason: bool, progress: Progress | None) -> BuildResult:
    ids = list(ids)
    manifest = location.manifest()
    if manifest is None:
        raise UsageError(f"{location.path}: no store here yet; run `kg build` first")
    unknown = sorted(set(ids) - set(manifest.articles))
    if unknown:
        raise UsageError(
            f"not in the store: {', '.join(unknown)} (known: {', '.join(sorted(manifest.articles)) or 'none'})"
        )
    kept = []
    for article_id in sorted(set(manifest.articles) - set(ids)):
        cached = location.extraction_text(article_id)
        if cached is not None:
            kept.append(codec.loads(cached))
    return finish(
        kept,
        [],
        [],
        location,
        manifest,
        base=manifest.base,
        check=True,
        reason=reason,
        keep_going=True,
        dropped=ids,
        reference=f"{manifest.base}graph/reference" in manifest.graphs,
        progress=progress,
    )


def _drop_failing(result: BuildResult) -> None:
    """Keep the conforming part: leave out the articles whose statements break a rule, and re-check."""
    report = result.report
    assert report is not None
    failing = set()
    for violation in report.violations:
        node = URIRef(violation.focus)
        for article_id, graph in result.article_graphs.items():
            if (node, None, None) in graph:
                failing.add(article_id)
    kept = [ex for ex in result.extractions if ex.article.id not in failing]
    result.excluded = sorted(failing)
    result.linked, result.article_graphs, result.entities = assemble(kept, base=result.base)
    result.extractions = kept
    first = report
    result.report = validate(result.asserted(), base=result.base)
    result.report = ValidationReport(result.report.conforms, first.violations)
