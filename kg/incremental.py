"""Incremental update: add or change a few articles in a large store without redoing the whole graph.

A full update links, maps, validates and reasons over every article again: at a million triples, a
minute for a hundred new articles. Here only what the change can affect is redone:

* linking runs over the link records (``kg.linkrecords``), and only the articles whose link
  decisions changed are mapped again;
* the things the changed articles name are described again (the entities graph), written as a patch;
* validation re-checks the nodes the change touches and those whose rules read them
  (``kg.revalidate``), over the triples around them read from the updated copy of the store;
* reasoning recomputes the inferred triples of the nodes the change can affect (``kg.rederive``).

When a step cannot be done that way (the change breaks a rule, an equality arises, too much
changed, the store keeps no link records) the update is abandoned before anything goes live, and
the caller runs the full update, which reports and handles it as it always has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib.term import Node

from kg import codec, gazetteer, linkrecords
from kg.build import BuildResult, Options, Progress, extract_all
from kg.errors import InputError
from kg.link import Linked, link
from kg.linkrecords import LinkRecord
from kg.mapping import Minter, article_triples, entity_triples, referenced_keys
from kg.model import Article, Extraction
from kg.store import (
    AssertedNeighbourhood,
    Changes,
    Location,
    Manifest,
    Reader,
    commit,
    digest,
    quads_of,
    record_in,
)
from kg.triples import Triple
from kg.validate import ValidationReport


class Fallback(Exception):
    """The change cannot be made in part: the full update must run."""


@dataclass
class Outcome:
    """What an incremental update found, or why it gave way to a full one."""

    result: BuildResult | None
    extracted: dict[str, Extraction] = field(default_factory=dict)  # so a full update need not extract again
    reason: str = ""


def applicable(manifest: Manifest | None, options: Options, *, rebuild: bool, reuse: bool) -> bool:
    """Whether the store and the options allow an update in part (``reuse``: its records are of this extractor)."""
    if manifest is None or rebuild or not reuse or manifest.base != options.base:
        return False
    if options.extra or options.shards is not None or not options.check or options.validator != "sparql":
        return False
    has = {name.rsplit("/graph/", 1)[-1] for name in manifest.graphs}
    if options.reason and options.reasoner != "rules":
        return False
    return ("inferred" in has) == options.reason and ("reference" in has) == options.reference


def update(
    location: Location,
    manifest: Manifest,
    pending: list[Article],
    errors: list[InputError],
    options: Options,
    progress: Progress | None,
    dropped: frozenset[str] = frozenset(),
) -> Outcome:
    """Add or replace the ``pending`` articles and drop the ``dropped`` ones, in part if it can be done."""
    live = location.live()
    records = linkrecords.read(live) if live is not None else None
    if records is None:
        return Outcome(None, reason="the store keeps no link records")
    extracted: dict[str, Extraction] = {}
    for number, extraction in enumerate(extract_all(pending, workers=options.workers, scheduler=options.scheduler), 1):
        extracted[extraction.article.id] = extraction
        if progress:
            progress("extract", number, len(pending))
    try:
        result = _update(location, manifest, records, extracted, errors, options, progress, dropped)
    except Fallback as why:
        return Outcome(None, extracted, str(why))
    return Outcome(result, extracted)


@dataclass
class _Mapped:
    """The articles linked again, and those mapped again because their link decisions changed."""

    linked: Linked
    ordered: list[Extraction]  # every article's compact record, in order of ids
    full: dict[str, Extraction]  # the articles mapped again, read in full
    graphs: dict[str, frozenset[Triple]]
    changed: dict[str, LinkRecord | None]  # their new link records
    everything: dict[str, LinkRecord]
    keys: set[str]  # every thing an article names


def _update(
    location: Location,
    manifest: Manifest,
    records: dict[str, LinkRecord],
    extracted: dict[str, Extraction],
    errors: list[InputError],
    options: Options,
    progress: Progress | None,
    dropped: frozenset[str],
) -> BuildResult:
    mint = Minter(options.base)
    mapped = _map(location, records, extracted, dropped, mint)
    if progress:
        progress("validate", 0, 1)
    new = Manifest(manifest.base, manifest.fingerprint, dict(manifest.articles), dict(manifest.graphs))
    changes = Changes(new)
    reader = Reader()
    added, removed, entities = _stage(location, manifest, records, mapped, extracted, dropped, changes, reader, mint)
    changes.links = lambda folder: linkrecords.write(folder, mapped.changed, mapped.everything)
    inferred_name = str(mint.graph("inferred"))
    if options.reason and (changes.put or changes.patch):
        new.graphs[inferred_name] = "patched"  # not a digest of its content: a full update rewrites it
    result = BuildResult(
        options.base,
        list(extracted.values()),
        errors,
        mapped.linked,
        mapped.graphs,
        entities,
        extracted=sorted(extracted),
    )
    result.report = ValidationReport(True, ())
    touched = {"checked": 0, "reasoned": 0}

    def check(store: ox.Store) -> None:
        around = AssertedNeighbourhood(store, options.base, reader)
        removed.difference_update(around.holding(removed))  # still stated by another article
        result.report, touched["checked"] = _revalidate(around, added, removed, options.base)
        if options.reason:
            if progress:
                progress("reason", 0, 1)
            touched["reasoned"] = _rereason(store, around, added, removed, inferred_name, result.clashes)

    if changes.put or changes.patch or changes.extractions or changes.drop:
        result.generation = commit(location, changes, check)
    result.changed = sorted({*changes.put, *changes.patch, *changes.drop})
    result.stated = (
        f"{len(mapped.ordered)} article(s) ({len(extracted)} extracted, {len(mapped.graphs)} mapped), updated in "
        f"part: {len(added)} triple(s) in, {len(removed)} out; {touched['checked']} node(s) re-checked, "
        f"{touched['reasoned']} re-reasoned; {len(result.report.violations)} violation(s); "
        f"{len(errors)} unreadable input(s)"
    )
    return result


def _map(
    location: Location,
    records: dict[str, LinkRecord],
    extracted: dict[str, Extraction],
    dropped: frozenset[str],
    mint: Minter,
) -> _Mapped:
    """Link every article's record again; map the new ones and those whose decisions changed."""
    compacts = {i: record.extraction for i, record in records.items() if i not in dropped}
    compacts.update({article_id: linkrecords.compact(ex) for article_id, ex in extracted.items()})
    ordered = [compacts[article_id] for article_id in sorted(compacts)]
    linked = link(ordered)
    signatures = {ex.article.id: linkrecords.signature(ex, linked) for ex in ordered}
    remap = sorted(i for i in compacts if i in extracted or records[i].signature != signatures[i])
    cache = location.extractions()
    full = {i: extracted[i] if i in extracted else _record(cache, i) for i in remap}
    graphs: dict[str, frozenset[Triple]] = {i: frozenset(article_triples(full[i], linked, mint)) for i in remap}
    changed: dict[str, LinkRecord | None] = dict.fromkeys(dropped)
    keys: set[str] = set()
    for article_id in sorted(compacts):
        if article_id in graphs:
            found = tuple(sorted(referenced_keys(graphs[article_id], mint)))
            changed[article_id] = LinkRecord(compacts[article_id], found, signatures[article_id])
            keys.update(found)
        else:
            keys.update(records[article_id].keys)
    everything = {i: r for i, r in records.items() if i not in dropped}
    everything.update({i: r for i, r in changed.items() if r is not None})
    return _Mapped(linked, ordered, full, graphs, changed, everything, keys)


def _stage(
    location: Location,
    manifest: Manifest,
    records: dict[str, LinkRecord],
    mapped: _Mapped,
    extracted: dict[str, Extraction],
    dropped: frozenset[str],
    changes: Changes,
    reader: Reader,
    mint: Minter,
) -> tuple[set[Triple], set[Triple], frozenset[Triple]]:
    """Put what changed into ``changes``; the triples it adds and takes away, and the things described again."""
    new = changes.manifest
    added: set[Triple] = set()
    removed: set[Triple] = set()
    db = location.open()
    for article_id in dropped:
        name = str(mint.graph(f"article/{article_id}"))
        new.articles.pop(article_id, None)
        if new.graphs.pop(name, None) is not None:
            changes.drop.add(name)
            removed |= reader.graph(db, name)
    changes.forget = set(dropped)
    for article_id, graph in mapped.graphs.items():
        ex, name = mapped.full[article_id], str(mint.graph(f"article/{article_id}"))
        new.articles[article_id] = {"hash": ex.article.content_hash, "path": ex.article.path}
        value = digest(graph)
        if manifest.graphs.get(name) != value:
            new.graphs[name] = value
            changes.put[name] = graph
            before = reader.graph(db, name) if name in manifest.graphs else set()
            added |= graph - before
            removed |= before - graph
        if article_id in extracted:
            changes.extractions[article_id] = codec.dumps(ex)
    name = str(mint.graph("entities"))
    entities, before = _entities(db, reader, name, records, mapped, mint)
    if before != entities:
        changes.patch[name] = (before - entities, entities - before)
        new.graphs[name] = "patched"  # not a digest of its content: a full update rewrites it
        added |= entities - before
        removed |= before - entities
    added -= AssertedNeighbourhood(db, mint.base, reader).holding(added)  # stated by another article already
    return added, removed, frozenset(entities)


def _revalidate(
    around: AssertedNeighbourhood, added: set[Triple], removed: set[Triple], base: str
) -> tuple[ValidationReport, int]:
    from kg.revalidate import validate_changes

    revalidation = validate_changes(around, added, removed, base=base, conforming=True)
    if revalidation is None:
        raise Fallback("too much changed to re-check in part")
    if not revalidation.report.conforms:
        raise Fallback("the change breaks rules of the shapes")
    return revalidation.report, len(revalidation.focus)


def _rereason(
    store: ox.Store,
    around: AssertedNeighbourhood,
    added: set[Triple],
    removed: set[Triple],
    graph: str,
    clashes: list[str],
) -> int:
    """Patch the inferred graph: what the added triples let reasoning infer anew, and what the nodes the
    removed ones touched entail now. Returns how many nodes were reasoned over."""
    from kg.rederive import infer_additions, infer_changes

    new = infer_additions(around, added, base=around.base)
    if new is None:
        raise Fallback("the change needs reasoning over the whole graph")
    subjects: frozenset[Node] = frozenset()
    if removed:
        redone = infer_changes(around, added, removed, base=around.base, recompute=removed)
        if redone is None:
            raise Fallback("the change needs reasoning over the whole graph")
        subjects = redone.subjects
        clashes.extend(redone.clashes)
        old = around.reader.graph(store, graph, subjects)
        for quad in quads_of(old - redone.inferred, graph):
            store.remove(quad)
        new |= redone.inferred - old
    for quad in quads_of(added, graph):  # asserted now: no longer inferred
        store.remove(quad)
    store.extend(list(quads_of(new, graph)))
    return len(subjects | {s for s, _p, _o in new})


def _entities(
    db: ox.Store, reader: Reader, name: str, records: dict[str, LinkRecord], mapped: _Mapped, mint: Minter
) -> tuple[set[Triple], set[Triple]]:
    """The new description of every thing the changed articles name, and what the store says of them.

    A thing's description depends only on what the articles naming it say (its label, its node's
    decisions), so the things the changed articles name, before and after, are all that can change.
    A thing no article names any more is still described if another thing refers to it (a ministry
    to its state); whether one does is worked out over all of them.
    """
    touched: set[str] = set()
    for article_id, record in mapped.changed.items():
        for version in (records.get(article_id), record):
            if version is not None:
                touched.update(version.keys)
                touched.update(e.key for e in version.extraction.entities)
                touched.update(o.key for o in version.extraction.officials)
    gaz = gazetteer.load()
    described: set[Triple] = set(entity_triples(touched & mapped.keys, mapped.ordered, mapped.linked, gaz, mint))
    subjects = {s for s, _p, _o in described} | {mint(key) for key in touched}
    named_before = {key for i in mapped.changed if (old := records.get(i)) is not None for key in old.keys}
    unnamed = {mint(key) for key in named_before - mapped.keys}
    if unnamed:  # described only if something still refers to them
        everything = entity_triples(mapped.keys, mapped.ordered, mapped.linked, gaz, mint)
        described |= {t for t in everything if t[0] in unnamed}
    return described, reader.graph(db, name, subjects)


def _record(cache: Path | None, article_id: str) -> Extraction:
    path = record_in(cache, article_id)
    if path is None:
        raise Fallback(f"no extraction record for {article_id}")
    return codec.loads(path.read_text(encoding="utf-8"))
