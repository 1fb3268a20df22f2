"""Store: the graph kept on disk in Oxigraph, one named graph per article, updated atomically.

Layout of a store at ``out/store``::

    out/store            -> store.d/g000007        (a symbolic link: the live generation)
    out/store.d/g000007/oxigraph/                  the Oxigraph (RocksDB) database
    out/store.d/g000007/extractions/<id>.json      what each article gave (so unchanged ones are skipped)
    out/store.d/g000007/links/<n>.jsonl            what linking needs of each article (kg.linkrecords)
    out/store.d/g000007/manifest.json              articles, content hashes, graph digests

An update never touches the live generation: it copies it (Oxigraph's backup hard-links the
database files, so the copy is cheap), changes the copy, and swaps the link in one atomic rename.
A build killed half-way leaves the previous generation live and exactly as it was.
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import KgError
from kg.triples import Triple, Triples, graph_triples

DATABASE = "oxigraph"
EXTRACTIONS = "extractions"
LINKS = "links"  # see kg.linkrecords
MANIFEST = "manifest.json"
_MANIFEST_HEAD = re.compile(r'\{\n "base": ("(?:[^"\\]|\\.)*"),\n "fingerprint": ("(?:[^"\\]|\\.)*")')


class StoreError(KgError):
    """The store cannot be opened or written."""


@dataclass
class Manifest:
    base: str
    fingerprint: str = ""
    articles: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> {hash, path}
    graphs: dict[str, str] = field(default_factory=dict)  # graph IRI -> digest of its content

    def to_json(self) -> str:
        """Sorted, so that equal manifests are equal text; the namespace and the fingerprint come
        first, where ``Location.head`` reads them without parsing the rest."""
        articles = {a: dict(sorted(self.articles[a].items())) for a in sorted(self.articles)}
        return json.dumps(
            {
                "base": self.base,
                "fingerprint": self.fingerprint,
                "articles": articles,
                "graphs": dict(sorted(self.graphs.items())),
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        doc = json.loads(text)
        return cls(doc["base"], doc.get("fingerprint", ""), doc.get("articles", {}), doc.get("graphs", {}))


# ------------------------------------------------------------------------------ terms


def to_ox(term: Node) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def to_rdflib(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"not an RDF term: {term!r}")


def from_ox(term: Any, memo: dict[Any, Node]) -> Node:
    """An Oxigraph term as an rdflib one (a plain string as a plain literal, as rdflib makes it).

    ``memo`` keeps the terms converted: most recur."""
    found = memo.get(term)
    if found is None:
        if isinstance(term, ox.NamedNode):
            found = URIRef(term.value)
        elif isinstance(term, ox.BlankNode):
            found = BNode(term.value)
        elif term.language:
            found = Literal(term.value, lang=term.language)
        elif term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            found = Literal(term.value)
        else:
            found = Literal(term.value, datatype=URIRef(term.datatype.value))
        memo[term] = found
    return found


def quads_of(graph: Graph | Triples, name: str, memo: dict[Node, Any] | None = None) -> Iterator[ox.Quad]:
    return _quads(graph_triples(graph) if isinstance(graph, Graph) else graph, name, memo)


def _quads(triples: Iterable[tuple], name: str, memo: dict[Node, Any] | None = None) -> Iterator[ox.Quad]:
    """The triples as quads of the named graph; ``memo`` keeps converted terms (most recur) across calls."""
    target = ox.NamedNode(name)
    known: dict[Node, Any] = {} if memo is None else memo
    for triple in triples:
        terms = []
        for term in triple:
            converted = known.get(term)
            if converted is None:
                converted = known[term] = to_ox(term)
            terms.append(converted)
        yield ox.Quad(terms[0], terms[1], terms[2], target)  # type: ignore[arg-type]


def digest(graph: Graph | Triples, memo: dict[Node, str] | None = None) -> str:
    """Order-free digest of a graph without blank nodes: equal content, equal digest."""
    known: dict[Node, str] = {} if memo is None else memo

    def n3(term: Node) -> str:
        text = known.get(term)
        if text is None:
            text = known[term] = term.n3()
        return text

    triples = graph_triples(graph) if isinstance(graph, Graph) else graph
    lines = sorted(f"{n3(s)} {n3(p)} {n3(o)}" for s, p, o in triples)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------ locations


@dataclass(frozen=True)
class Location:
    """Where a store lives: the link that names it and the folder of its generations."""

    path: Path

    @property
    def generations(self) -> Path:
        return self.path.with_name(self.path.name + ".d")

    def live(self) -> Path | None:
        if self.path.is_symlink():
            target = self.path.resolve()
            return target if target.is_dir() else None
        if self.path.is_dir() and (self.path / MANIFEST).exists():
            return self.path
        if self.path.exists():
            raise StoreError(f"{self.path}: exists but is not a kg store; choose another --store or remove it")
        return None

    def manifest(self) -> Manifest | None:
        live = self.live()
        if live is None or not (live / MANIFEST).exists():
            return None
        return Manifest.from_json((live / MANIFEST).read_text(encoding="utf-8"))

    def head(self) -> tuple[str, str] | None:
        """The store's namespace and the fingerprint of the code that built it. The manifest opens
        with them, so its first lines are enough: a query need not parse the record of every article
        (50 ms at 30,000 articles). A manifest written before they came first is read whole."""
        live = self.live()
        if live is None or not (live / MANIFEST).exists():
            return None
        with open(live / MANIFEST, encoding="utf-8") as handle:
            opening = _MANIFEST_HEAD.match(handle.read(4096))
        if opening is not None:
            return json.loads(opening.group(1)), json.loads(opening.group(2))
        manifest = self.manifest()
        return (manifest.base, manifest.fingerprint) if manifest is not None else None

    def base(self) -> str | None:
        head = self.head()
        return head[0] if head is not None else None

    def extractions(self) -> Path | None:
        """The folder of the live generation's extraction records, if there is a store."""
        live = self.live()
        return live / EXTRACTIONS if live is not None else None

    def open(self, *, read_only: bool = True) -> ox.Store:
        live = self.live()
        if live is None:
            raise StoreError(f"{self.path}: no store here yet; run `kg build` first")
        database = str(live / DATABASE)
        try:
            return ox.Store.read_only(database) if read_only else ox.Store(database)
        except (OSError, RuntimeError) as error:
            raise StoreError(
                f"{self.path}: cannot open the store ({error}); `kg build --rebuild` makes a new one"
            ) from error

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the store's write lock: one build or removal at a time, the others are told why."""
        self.generations.mkdir(parents=True, exist_ok=True)
        with open(self.generations / ".lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(
                    f"{self.path}: another kg process is writing this store; try again when it ends"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class Changes:
    """What an update writes: whole graphs replaced or dropped, cache files, and the new manifest."""

    manifest: Manifest
    put: dict[str, Graph | Triples] = field(default_factory=dict)
    lazy: dict[str, Callable[[], Iterable[tuple]]] = field(default_factory=dict)  # graphs made while writing
    files: dict[str, Callable[[], Path]] = field(default_factory=dict)  # graphs bulk-loaded from N-Quads files
    patch: dict[str, tuple[Triples, Triples]] = field(default_factory=dict)  # graph -> (triples out, triples in)
    drop: set[str] = field(default_factory=set)
    extractions: dict[str, str] = field(default_factory=dict)  # id -> JSON
    copies: dict[str, Path] = field(default_factory=dict)  # id -> a record written already (linked in)
    links: Callable[[Path], Path] | None = None  # writes the link records into a generation's folder
    forget: set[str] = field(default_factory=set)  # ids whose cache goes
    fresh: bool = False  # start from an empty store

    def empty(self) -> bool:
        return not (
            self.put
            or self.lazy
            or self.files
            or self.patch
            or self.drop
            or self.extractions
            or self.copies
            or self.forget
            or self.fresh
        )


def _next_generation(location: Location) -> Path:
    location.generations.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name[1:]) for p in location.generations.glob("g[0-9]*") if p.name[1:].isdigit()]
    return location.generations / f"g{max(numbers, default=0) + 1:06d}"


def commit(location: Location, changes: Changes, check: Callable[[ox.Store], None] | None = None) -> Path:
    """Apply ``changes`` to a copy of the live generation and make the copy live, atomically.

    ``check`` is given the changed copy's store before it goes live: it may read it, write more
    (what follows from the change), or raise to leave the live generation as it was.
    """
    live = location.live()
    target = _next_generation(location)
    staging = target.with_name(target.name + ".partial")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        if live is not None and not changes.fresh:
            ox.Store.read_only(str(live / DATABASE)).backup(str(staging / DATABASE))
            shutil.copytree(live / EXTRACTIONS, staging / EXTRACTIONS, copy_function=os.link)
            if (live / LINKS).is_dir():
                shutil.copytree(live / LINKS, staging / LINKS, copy_function=os.link)
        else:
            (staging / EXTRACTIONS).mkdir()
        store = ox.Store(str(staging / DATABASE))
        for name in sorted(changes.drop | set(changes.put) | set(changes.lazy) | set(changes.files)):
            graph = ox.NamedNode(name)
            if store.contains_named_graph(graph):
                store.remove_graph(graph)
        for name in sorted({*changes.put, *changes.lazy, *changes.files}):
            store.add_graph(ox.NamedNode(name))  # so that a graph left empty is still there
        memo: dict[Node, Any] = {}
        for name, (out, into) in sorted(changes.patch.items()):
            for quad in quads_of(out, name, memo):
                store.remove(quad)
            store.extend(list(quads_of(into, name, memo)))
        # the staging copy is private until it is swapped in, so bulk writes need no transaction
        store.bulk_extend(
            chain(
                (quad for name, content in sorted(changes.put.items()) for quad in quads_of(content, name, memo)),
                (quad for name, make in sorted(changes.lazy.items()) for quad in _quads(make(), name, memo)),
            )
        )
        for _name, file in sorted(changes.files.items()):
            store.bulk_load(path=str(file()), format=ox.RdfFormat.N_QUADS)
        if check is not None:
            check(store)
        if _worth_compacting(changes):
            store.optimize()
        store.flush()
        del store
        gc.collect()  # the database closes when the last reference to it goes
        for article_id in changes.forget:
            (staging / EXTRACTIONS / f"{article_id}.json").unlink(missing_ok=True)
        written = [staging / MANIFEST]
        if changes.links is not None:
            written.append(changes.links(staging))
        for article_id, source in changes.copies.items():
            path = staging / EXTRACTIONS / f"{article_id}.json"
            path.unlink(missing_ok=True)
            try:
                os.link(source, path)
            except OSError:  # another file system
                shutil.copyfile(source, path)
            written.append(path)
        for article_id, text in changes.extractions.items():
            path = staging / EXTRACTIONS / f"{article_id}.json"
            path.unlink(missing_ok=True)  # a hard link to the old generation's file: replace, never write through
            path.write_text(text, encoding="utf-8")
            written.append(path)
        (staging / MANIFEST).write_text(changes.manifest.to_json(), encoding="utf-8")
        # the records linked from the live generation are on disk already: sync what this update wrote
        _fsync_files([*written, *(p for p in (staging / DATABASE).rglob("*") if p.is_file())])
        for folder in (staging / DATABASE, staging / EXTRACTIONS, staging / LINKS, staging):
            if folder.is_dir():
                _fsync_dir(folder)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(location, target)
    _collect_garbage(location, keep=target)
    return target


def _worth_compacting(changes: Changes) -> bool:
    """Whether to compact the database after this change. Each bulk write adds files that every
    later read must look into; once merged, queries on a 30,000-article store run up to twice as
    fast. Merging rewrites the whole database (about 2 s at that size), so it is done when the
    change wrote much of the store, not for an update in part."""
    written = len(changes.put) + len(changes.lazy) + len(changes.files)
    return changes.fresh or written * 10 >= len(changes.manifest.graphs)


def _swap(location: Location, target: Path) -> None:
    link = location.path.with_name(f".{location.path.name}.link")
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(os.path.relpath(target, location.path.parent))
    if location.path.exists() and not location.path.is_symlink():
        raise StoreError(f"{location.path}: exists but is not a kg store link")
    os.replace(link, location.path)
    _fsync_dir(location.path.parent)


def _collect_garbage(location: Location, *, keep: Path) -> None:
    for old in location.generations.iterdir():
        if old != keep and old.name.startswith("g"):
            shutil.rmtree(old, ignore_errors=True)


def _fsync_files(files: Iterable[Path]) -> None:
    for file in files:
        try:
            with open(file, "rb") as handle:
                os.fsync(handle.fileno())
        except FileNotFoundError:  # a database file merged away by a compaction in the meantime
            continue


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_store(location: Location) -> None:
    """Forget a store entirely (``kg build --rebuild`` starts over in a new generation instead)."""
    if location.path.is_symlink():
        location.path.unlink()
    if location.generations.exists():
        shutil.rmtree(location.generations)


def record_in(folder: Path | None, article_id: str) -> Path | None:
    """An article's extraction record in a generation's folder of them, if it is there."""
    path = folder / f"{article_id}.json" if folder is not None else None
    return path if path is not None and path.exists() else None


class AssertedNeighbourhood:
    """The triples around some nodes in a store's asserted graphs (the articles' graphs and the
    entities graph), each once however many articles state it: a ``kg.triples.Neighbourhood``.

    Literals come back as written (see :class:`Reader`)."""

    def __init__(self, store: ox.Store, base: str, reader: Reader | None = None) -> None:
        self.store = store
        self.base = base
        self.articles = f"{base}graph/article/"
        self.entities = f"{base}graph/entities"
        self.reader = reader or Reader()

    def _asserted(self, graph: object) -> bool:
        return isinstance(graph, ox.NamedNode) and (
            graph.value.startswith(self.articles) or graph.value == self.entities
        )

    def _read(self, nodes: Iterable[Node], outgoing: bool, predicates: Iterable[Node] | None = None) -> set[Triple]:
        found: set[Triple] = set()
        wanted = [None] if predicates is None else [to_ox(p) for p in predicates]
        for node in nodes:
            if isinstance(node, Literal) and outgoing:
                continue
            term = to_ox(node)
            subject, object_ = (term, None) if outgoing else (None, term)
            for predicate in wanted:
                for quad in self.store.quads_for_pattern(subject, predicate, object_, None):  # type: ignore[arg-type]
                    if self._asserted(quad.graph_name):
                        found.add(self.reader.triple(quad))
        return found

    def outgoing(self, nodes: Iterable[Node], predicates: AbstractSet[Node] | None = None) -> set[Triple]:
        return self._read(nodes, True, predicates)

    def incoming(self, nodes: Iterable[Node]) -> set[Triple]:
        return self._read(nodes, False)

    def holding(self, triples: Iterable[Triple]) -> set[Triple]:
        found = set()
        for triple in triples:
            s, p, o = (to_ox(t) for t in triple)
            if any(self._asserted(q.graph_name) for q in self.store.quads_for_pattern(s, p, o, None)):  # type: ignore[arg-type]
                found.add(triple)
        return found


def all_quads(store: ox.Store, graphs: Iterable[str] | None = None) -> list[ox.Quad]:
    names = [ox.NamedNode(g) for g in graphs] if graphs is not None else list(store.named_graphs())
    quads: list[ox.Quad] = []
    for graph in names:
        quads.extend(store.quads_for_pattern(None, None, None, graph))
    return quads


_INTEGER_TYPES = frozenset(
    (XSD.positiveInteger, XSD.nonNegativeInteger, XSD.negativeInteger, XSD.nonPositiveInteger, XSD.long, XSD.int)
    + (XSD.short, XSD.byte, XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort, XSD.unsignedByte)
)


@cache
def _declared_integers() -> dict[Node, Node]:
    """Properties whose range is an XSD integer type narrower than xsd:integer, and that type."""
    from kg.validate import ontology_graph

    return {p: r for p, r in ontology_graph().subject_objects(RDFS.range) if r in _INTEGER_TYPES}


class Reader:
    """Turns the store's quads back into the triples the graph was written with.

    Oxigraph keeps typed literals by value (``"3"^^xsd:positiveInteger`` reads back as
    ``"3"^^xsd:integer``); the graph always writes a property's values in its declared range, so
    that type is restored from the ontology.
    """

    def __init__(self) -> None:
        self.memo: dict[Any, Node] = {}
        self.declared = _declared_integers()

    def triple(self, quad: ox.Quad) -> Triple:
        s, p, o = (from_ox(t, self.memo) for t in (quad.subject, quad.predicate, quad.object))
        if isinstance(o, Literal) and o.datatype == XSD.integer and p in self.declared:
            o = Literal(str(o), datatype=str(self.declared[p]))
        return s, p, o

    def graph(self, store: ox.Store, name: str, subjects: Iterable[Node] | None = None) -> set[Triple]:
        """The triples of one named graph (about ``subjects`` only, when given)."""
        graph = ox.NamedNode(name)
        if subjects is None:
            return {self.triple(q) for q in store.quads_for_pattern(None, None, None, graph)}
        return {
            self.triple(q)
            for subject in subjects
            if not isinstance(subject, Literal)
            for q in store.quads_for_pattern(to_ox(subject), None, None, graph)  # type: ignore[arg-type]
        }
