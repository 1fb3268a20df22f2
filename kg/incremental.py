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
) -> Outcome:
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
        result = _update(location, manifest, records, extracted, errors, options, progress)
    except Fallback as why:
        return Outcome(None, extracted, str(why))
    return Outcome(result, extracted)


def _update(
    location: Location,
    manifest: Manifest,
    records: dict[str, LinkRecord],
    extracted: dict[str, Extraction],
    errors: list[InputError],
    options: Options,
    progress: Progress | None,
) -> BuildResult:
    mint = Minter(options.base)
    compacts = {article_id: record.extraction for article_id, record in records.items()}
    compacts.update({article_id: linkrecords.compact(ex) for article_id, ex in extracted.items()})
    ordered = [compacts[article_id] for article_id in sorted(compacts)]
    linked = link(ordered)
    signatures = {ex.article.id: linkrecords.signature(ex, linked) for ex in ordered}
    remap = sorted(i for i in compacts if i in extracted or records[i].signature != signatures[i])
    cache = location.extractions()
    full = {i: extracted[i] if i in extracted else _record(cache, i) for i in remap}
    graphs: dict[str, frozenset[Triple]] = {i: frozenset(article_triples(full[i], linked, mint)) for i in remap}
    changed_records: dict[str, LinkRecord | None] = {}
    keys: set[str] = set()
    for article_id in sorted(compacts):
        if article_id in graphs:
            found = tuple(sorted(referenced_keys(graphs[article_id], mint)))
            changed_records[article_id] = LinkRecord(compacts[article_id], found, signatures[article_id])
            keys.update(found)
        else:
            keys.update(records[article_id].keys)
    everything = {**records, **{i: r for i, r in changed_records.items() if r is not None}}
    if progress:
        progress("validate", 0, 1)

    names = {i: str(mint.graph(f"article/{i}")) for i in remap}
    entities_name, inferred_name = str(mint.graph("entities")), str(mint.graph("inferred"))
    new = Manifest(manifest.base, manifest.fingerprint, dict(manifest.articles), dict(manifest.graphs))
    changes = Changes(new)
    added: set[Triple] = set()
    removed: set[Triple] = set()
    db = location.open()
    reader = Reader()
    for article_id in remap:
        ex = full[article_id]
        new.articles[article_id] = {"hash": ex.article.content_hash, "path": ex.article.path}
        value = digest(graphs[article_id])
        if manifest.graphs.get(names[article_id]) != value:
            new.graphs[names[article_id]] = value
            changes.put[names[article_id]] = graphs[article_id]
            before = reader.graph(db, names[article_id]) if names[article_id] in manifest.graphs else set()
            after: set[Triple] = set(graphs[article_id])
            added |= after - before
            removed |= before - after
        if article_id in extracted:
            changes.extractions[article_id] = codec.dumps(ex)
    entities, before = _entities(db, reader, entities_name, records, changed_records, keys, ordered, linked, mint)
    after = set(entities)
    if before != after:
        changes.patch[entities_name] = (before - after, after - before)
        new.graphs[entities_name] = "patched"  # not a digest of its content: a full update rewrites it
        added |= after - before
        removed |= before - after
    added -= AssertedNeighbourhood(db, options.base, reader).holding(added)  # stated by another article already
    del db
    changes.links = lambda folder: linkrecords.write(folder, changed_records, everything)
    report = ValidationReport(True, ())
    clashes: list[str] = []
    touched: dict[str, int] = {}

    def check(store: ox.Store) -> None:
        """Re-check and re-reason over the updated copy; anything that needs the whole graph falls back."""
        nonlocal report
        from kg.rederive import infer_additions, infer_changes
        from kg.revalidate import validate_changes

        around = AssertedNeighbourhood(store, options.base, reader)
        removed.difference_update(around.holding(removed))  # still stated by another article
        revalidation = validate_changes(around, added, removed, base=options.base, conforming=True)
        if revalidation is None:
            raise Fallback("too much changed to re-check in part")
        if not revalidation.report.conforms:
            raise Fallback("the change breaks rules of the shapes")
        report = revalidation.report
        touched["checked"] = len(revalidation.focus)
        if not options.reason:
            return
        if progress:
            progress("reason", 0, 1)
        new_inferred = infer_additions(around, added, base=options.base)
        if new_inferred is None:
            raise Fallback("the change needs reasoning over the whole graph")
        subjects: frozenset[Node] = frozenset()
        if removed:  # what lost a premise is worked out again in full, the rest only gains
            redone = infer_changes(around, added, removed, base=options.base, recompute=removed)
            if redone is None:
                raise Fallback("the change needs reasoning over the whole graph")
            subjects, clashes[:] = redone.subjects, redone.clashes
            old = reader.graph(store, inferred_name, subjects)
            for quad in quads_of(old - redone.inferred, inferred_name):
                store.remove(quad)
            new_inferred |= redone.inferred - old
        for quad in quads_of(added, inferred_name):  # now asserted: no longer inferred
            store.remove(quad)
        store.extend(list(quads_of(new_inferred, inferred_name)))
        touched["reasoned"] = len(subjects) + len({s for s, _p, _o in new_inferred})

    if options.reason and (changes.put or changes.patch):
        new.graphs[inferred_name] = "patched"  # not a digest of its content: a full update rewrites it
    result = BuildResult(
        options.base, list(extracted.values()), errors, linked, graphs, entities, extracted=sorted(extracted)
    )
    if changes.put or changes.patch or changes.extractions:
        result.generation = commit(location, changes, check)
    result.report, result.clashes = report, clashes
    result.changed = sorted({*changes.put, *changes.patch})
    result.stated = (
        f"{len(compacts)} article(s) ({len(extracted)} extracted, {len(remap)} mapped), updated in part: "
        f"{len(added)} triple(s) in, {len(removed)} out; {touched.get('checked', 0)} node(s) re-checked, "
        f"{touched.get('reasoned', 0)} re-reasoned; 0 violation(s); {len(errors)} unreadable input(s)"
    )
    return result


def _entities(
    db: ox.Store,
    reader: Reader,
    name: str,
    records: dict[str, LinkRecord],
    changed: dict[str, LinkRecord | None],
    keys: set[str],
    ordered: list[Extraction],
    linked: Linked,
    mint: Minter,
) -> tuple[frozenset[Triple], set[Triple]]:
    """The new description of every thing the changed articles name, and what the store says of them.

    A thing's description depends only on what the articles naming it say (its label, its node's
    decisions), so the things the changed articles name, before and after, are all that can change.
    """
    touched: set[str] = set()
    for article_id, record in changed.items():
        for version in (records.get(article_id), record):
            if version is not None:
                touched.update(version.keys)
                touched.update(e.key for e in version.extraction.entities)
                touched.update(o.key for o in version.extraction.officials)
    old = records.get
    if any(set(r.keys) - keys for i in changed if (r := old(i)) is not None):
        raise Fallback("a change leaves things that no article names")  # a full update drops them
    touched &= keys
    entities = frozenset(entity_triples(touched, ordered, linked, gazetteer.load(), mint))
    subjects = {s for s, _p, _o in entities} | {mint(key) for key in touched}
    return entities, reader.graph(db, name, subjects)


def _record(cache: Path | None, article_id: str) -> Extraction:
    path = cache / f"{article_id}.json" if cache is not None else None
    if path is None or not path.exists():
        raise Fallback(f"no extraction record for {article_id}")
    return codec.loads(path.read_text(encoding="utf-8"))
