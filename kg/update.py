"""Update: building into the on-disk store, incrementally and atomically.

An article already in the store with the same content (and the same extractor) is not extracted
again; the links across articles are recomputed over all of them (cheap); only the named graphs
whose content changed are written, in one new generation of the store (``kg.store.commit``).
A few articles added to or removed from a large store are first tried in part (``kg.incremental``);
this module's full update runs when that cannot be done.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from itertools import chain
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import Graph

from kg import codec, incremental, linkrecords
from kg.build import BuildResult, Options, Progress, process, read_articles
from kg.codec import fingerprint
from kg.errors import InputError, UsageError
from kg.iri import slug
from kg.model import Article, Extraction
from kg.spool import Spool, extract_into
from kg.store import Changes, Location, Manifest, commit, digest, quads_of, record_in
from kg.triples import Triples
from kg.userdata import read_user_rdf


def build_into_store(
    inputs: Iterable[str | Path], store: Path, options: Options, *, rebuild: bool, progress: Progress | None
) -> BuildResult:
    location = Location(store)
    with location.writing():
        return _build(inputs, location, options, rebuild=rebuild, progress=progress)


def _build(
    inputs: Iterable[str | Path], location: Location, options: Options, *, rebuild: bool, progress: Progress | None
) -> BuildResult:
    articles, errors = read_articles(inputs)
    users: dict[str, Graph] = {}
    for path in options.extra:
        try:
            users[f"{options.base}graph/extra/{slug(path.stem)}"] = read_user_rdf(path)
        except InputError as error:
            errors.append(error)
    manifest = None if rebuild else location.manifest()
    if manifest is not None and manifest.base != options.base:
        raise UsageError(
            f"the store at {location.path} uses the base {manifest.base}; give that --base or use --rebuild"
        )
    reuse = manifest is not None and manifest.fingerprint == fingerprint()
    cache = location.extractions()
    given = {a.id for a in articles}
    pending: list[Article] = []
    kept: list[str] = []  # given, and in the store as they are
    for article in articles:
        known = manifest.articles.get(article.id) if manifest is not None else None
        if reuse and known and known.get("hash") == article.content_hash and record_in(cache, article.id) is not None:
            kept.append(article.id)
        else:
            pending.append(article)
    if not pending and _nothing_to_do(manifest, given, options, reuse=reuse, extra=users):
        assert manifest is not None
        return _unchanged(location, manifest, errors)
    prior: dict[str, Extraction] = {}  # extracted by an update in part that gave way
    fallback = None
    if pending and incremental.applicable(manifest, options, rebuild=rebuild, reuse=reuse):
        assert manifest is not None
        outcome = incremental.update(location, manifest, pending, errors, options, progress)
        if outcome.result is not None:
            return outcome.result
        prior, fallback = outcome.extracted, outcome.reason
    extracted: list[str] = []
    compacts: list[Extraction] = []  # what linking reads; mapping reads each full record when it maps it
    live = location.live()
    records = linkrecords.read(live) if reuse and live is not None else None
    others = sorted(set(manifest.articles) - given) if manifest is not None else []
    for article_id in [*others, *kept]:
        record = record_in(cache, article_id)
        if record is None:
            continue
        if reuse and records is not None and article_id in records:
            compacts.append(records[article_id].extraction)
            continue
        previous = codec.loads(record.read_text(encoding="utf-8"))
        if reuse:
            compacts.append(linkrecords.compact(previous))
        else:  # the extractor changed: the article is read again, from the text kept in its record
            pending.append(previous.article)
    spool = Spool(location.generations / f"spool-{os.getpid()}")
    try:
        for extraction in prior.values():
            spool.add(extraction)
        fresh = [a for a in pending if a.id not in prior]
        stream = extract_into(spool, fresh, workers=options.workers, scheduler=options.scheduler)
        for number, article_id in enumerate(chain(prior, stream), start=1):
            extracted.append(article_id)
            if progress:
                progress("extract", number, len(pending))
        compacts += spool.compacts()
        spooled = set(extracted)

        def full(article_id: str) -> Extraction:
            if article_id in spooled:
                return spool.full(article_id)
            return codec.loads(cast(Path, record_in(cache, article_id)).read_text(encoding="utf-8"))

        result = process(compacts, errors, extracted, options, extra=users, progress=progress, full=full)
        result.fallback = fallback
        _store(result, location, manifest, options, fresh=rebuild or manifest is None, spool=spool)
        return result
    finally:
        spool.close()


def _nothing_to_do(
    manifest: Manifest | None, given: set[str], options: Options, *, reuse: bool, extra: dict[str, Graph]
) -> bool:
    """Every article given is in the store as it is, and the store already holds what was asked."""
    if manifest is None or not reuse or extra or not given <= set(manifest.articles):
        return False
    has = {name.rsplit("/graph/", 1)[-1] for name in manifest.graphs}
    return ("inferred" in has) == options.reason and ("reference" in has) == options.reference


def _unchanged(location: Location, manifest: Manifest, errors: list[InputError]) -> BuildResult:
    """A result for a build that had nothing to do, summarised from the store itself (no graph is read)."""
    db = location.open()
    query = (
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } "
        'FILTER (STRSTARTS(STR(?c), "https://w3id.org/ctkg/ontology#") && STRENDS(STR(?g), "/graph/entities")) } '
        "GROUP BY ?c ORDER BY ?c"
    )
    counts = {
        str(row["c"].value).rsplit("#", 1)[-1]: int(row["n"].value)
        for row in db.query(query)  # type: ignore[union-attr]
    }
    shown = ", ".join(f"{n} {c}" for c, n in sorted(counts.items()) if c != "Article")
    summary = (
        f"{len(manifest.articles)} article(s) (0 extracted), store unchanged; {shown}; "
        f"{len(errors)} unreadable input(s)"
    )
    from kg.link import Linked

    return BuildResult(manifest.base, [], errors, Linked(), {}, frozenset(), unchanged=summary)


def _store(
    result: BuildResult,
    location: Location,
    manifest: Manifest | None,
    options: Options,
    *,
    fresh: bool,
    dropped: Iterable[str] = (),
    spool: Spool | None = None,
) -> None:
    """Write what changed, unless the graph does not conform and the conforming part was not asked for."""
    if result.report is not None and not result.report.conforms and not options.keep_going:
        return
    changes = _changes(result, manifest, options, fresh=fresh, dropped=set(dropped), spool=spool)
    reference = str(result.mint.graph("reference"))
    result.changed = sorted(set(changes.put) | set(changes.drop) | (set(changes.files) - {reference}))
    if not changes.empty():
        result.generation = commit(location, changes)


def _changes(
    result: BuildResult,
    manifest: Manifest | None,
    options: Options,
    *,
    fresh: bool,
    dropped: set[str],
    spool: Spool | None = None,
) -> Changes:
    mint = result.mint
    new = Manifest(result.base, fingerprint())
    changes = Changes(new, fresh=fresh)
    old_graphs = dict(manifest.graphs) if manifest is not None and not fresh else {}
    wanted: dict[str, Graph | Triples] = {str(mint.graph(f"article/{i}")): g for i, g in result.article_graphs.items()}
    wanted[str(mint.graph("entities"))] = result.entities
    if result.inferred is not None:
        wanted[str(mint.graph("inferred"))] = result.inferred
    wanted.update(result.extra)
    for name in old_graphs:  # users' graphs stay until a rebuild
        if "/graph/extra/" in name and name not in wanted:
            new.graphs[name] = old_graphs[name]
    ontology_name, reference_name = str(mint.graph("ontology")), str(mint.graph("reference"))
    stamp = f"data:{new.fingerprint}"  # the ontology and reference data change only with the project's data
    new.graphs[ontology_name] = stamp
    if old_graphs.get(ontology_name) != stamp:
        changes.lazy[ontology_name] = _ontology_triples
    if options.reference:
        new.graphs[reference_name] = stamp
        if old_graphs.get(reference_name) != stamp:
            changes.files[reference_name] = _reference_file(result.base)
    terms: dict = {}  # the text of each term, shared by the graphs' digests
    for name, graph in wanted.items():
        value = digest(graph, terms)
        new.graphs[name] = value
        if old_graphs.get(name) != value:
            if options.shards is None:
                changes.put[name] = graph
            else:
                changes.files[name] = _shard(options.shards, name, graph)
    changes.drop = {name for name in old_graphs if name not in new.graphs}
    for ex in result.extractions:
        new.articles[ex.article.id] = {"hash": ex.article.content_hash, "path": ex.article.path}
        if spool is not None and ex.article.id in spool.ids:
            changes.copies[ex.article.id] = spool.record(ex.article.id)  # the file the extraction wrote
        elif ex.article.id in result.extracted or fresh:
            changes.extractions[ex.article.id] = codec.dumps(ex)
    changes.forget = set(dropped)
    everything = linkrecords.records(result.extractions, result.article_graphs, result.linked, mint)
    changes.links = lambda folder: linkrecords.write(folder, {}, everything, merge=True)
    if manifest is not None and not fresh and new.to_json() == manifest.to_json() and not changes.put:
        changes.extractions, changes.copies = {}, {}
    return changes


def _shard(folder: Path, name: str, graph: Graph | Triples) -> Callable[[], Path]:
    """Write one named graph as an N-Quads shard (for a bulk load here, or ``kg load`` elsewhere)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name.rstrip("/").rsplit("/graph/", 1)[-1].replace("/", "--") + ".nq")
    data = ox.serialize(quads_of(graph, name), format=ox.RdfFormat.N_QUADS)
    path.write_bytes(data if isinstance(data, bytes) else b"")
    return lambda: path


def _ontology_triples() -> Iterable[tuple]:
    from kg.validate import ontology_graph

    return iter(ontology_graph())


def _reference_file(base: str) -> Callable[[], Path]:
    def file() -> Path:
        from kg.reference import reference_file

        return reference_file(base)

    return file


def remove(ids: Iterable[str], *, store: Path, reason: bool = False, progress: Progress | None = None) -> BuildResult:
    """Drop articles from a store and recompute what linked them to the rest."""
    location = Location(store)
    with location.writing():
        ids = list(ids)
        manifest = location.manifest()
        if manifest is None:
            raise UsageError(f"{store}: no store here yet; run `kg build` first")
        unknown = sorted(set(ids) - set(manifest.articles))
        if unknown:
            known = ", ".join(sorted(manifest.articles)) or "none"
            raise UsageError(f"not in the store: {', '.join(unknown)} (known: {known})")
        reference = f"{manifest.base}graph/reference" in manifest.graphs
        options = Options(base=manifest.base, reason=reason, keep_going=True, reference=reference)
        fallback = None
        if incremental.applicable(manifest, options, rebuild=False, reuse=manifest.fingerprint == fingerprint()):
            outcome = incremental.update(location, manifest, [], [], options, progress, dropped=frozenset(ids))
            if outcome.result is not None:
                return outcome.result
            fallback = outcome.reason
        kept = []
        cache = location.extractions()
        for article_id in sorted(set(manifest.articles) - set(ids)):
            record = record_in(cache, article_id)
            if record is not None:
                kept.append(codec.loads(record.read_text(encoding="utf-8")))
        result = process(kept, [], [], options, progress=progress)
        result.fallback = fallback
        _store(result, location, manifest, options, fresh=False, dropped=ids)
        return result
