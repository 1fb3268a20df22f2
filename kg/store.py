"""Store: the graph kept on disk in Oxigraph, one named graph per article, updated atomically.

Layout of a store at ``out/store``::

    out/store            -> store.d/g000007        (a symbolic link: the live generation)
    out/store.d/g000007/oxigraph/                  the Oxigraph (RocksDB) database
    out/store.d/g000007/extractions/<id>.json      what each article gave (so unchanged ones are skipped)
    out/store.d/g000007/manifest.json              articles, content hashes, graph digests

An update never touches the live generation: it copies it (Oxigraph's backup hard-links the
database files, so the copy is cheap), changes the copy, and swaps the link in one atomic rename.
A build killed half-way leaves the previous generation live and exactly as it was.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import KgError
from kg.triples import Triples, graph_triples

DATABASE = "oxigraph"
EXTRACTIONS = "extractions"
MANIFEST = "manifest.json"


class StoreError(KgError):
    """The store cannot be opened or written."""


@dataclass
class Manifest:
    base: str
    fingerprint: str = ""
    articles: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> {hash, path}
    graphs: dict[str, str] = field(default_factory=dict)  # graph IRI -> digest of its content

    def to_json(self) -> str:
        return json.dumps(
            {"base": self.base, "fingerprint": self.fingerprint, "articles": self.articles, "graphs": self.graphs},
            indent=1,
            sort_keys=True,
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
    drop: set[str] = field(default_factory=set)
    extractions: dict[str, str] = field(default_factory=dict)  # id -> JSON
    forget: set[str] = field(default_factory=set)  # ids whose cache goes
    fresh: bool = False  # start from an empty store

    def empty(self) -> bool:
        return not (self.put or self.lazy or self.files or self.drop or self.extractions or self.forget or self.fresh)


def _next_generation(location: Location) -> Path:
    location.generations.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name[1:]) for p in location.generations.glob("g[0-9]*") if p.name[1:].isdigit()]
    return location.generations / f"g{max(numbers, default=0) + 1:06d}"


def commit(location: Location, changes: Changes) -> Path:
    """Apply ``changes`` to a copy of the live generation and make the copy live, atomically."""
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
        else:
            (staging / EXTRACTIONS).mkdir()
        store = ox.Store(str(staging / DATABASE))
        for name in sorted(changes.drop | set(changes.put) | set(changes.lazy) | set(changes.files)):
            graph = ox.NamedNode(name)
            if store.contains_named_graph(graph):
                store.remove_graph(graph)
        for name in sorted({*changes.put, *changes.lazy, *changes.files}):
            store.add_graph(ox.NamedNode(name))  # so that a graph left empty is still there
        # the staging copy is private until it is swapped in, so bulk writes need no transaction
        memo: dict[Node, Any] = {}
        store.bulk_extend(
            chain(
                (quad for name, content in sorted(changes.put.items()) for quad in quads_of(content, name, memo)),
                (quad for name, make in sorted(changes.lazy.items()) for quad in _quads(make(), name, memo)),
            )
        )
        for _name, file in sorted(changes.files.items()):
            store.bulk_load(path=str(file()), format=ox.RdfFormat.N_QUADS)
        store.flush()
        del store
        for article_id in changes.forget:
            (staging / EXTRACTIONS / f"{article_id}.json").unlink(missing_ok=True)
        written = [staging / MANIFEST]
        for article_id, text in changes.extractions.items():
            path = staging / EXTRACTIONS / f"{article_id}.json"
            path.unlink(missing_ok=True)  # a hard link to the old generation's file: replace, never write through
            path.write_text(text, encoding="utf-8")
            written.append(path)
        (staging / MANIFEST).write_text(changes.manifest.to_json(), encoding="utf-8")
        # the records linked from the live generation are on disk already: sync what this update wrote
        _fsync_files([*written, *(p for p in (staging / DATABASE).rglob("*") if p.is_file())])
        for folder in (staging / DATABASE, staging / EXTRACTIONS, staging):
            _fsync_dir(folder)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(location, target)
    _collect_garbage(location, keep=target)
    return target


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
        with open(file, "rb") as handle:
            os.fsync(handle.fileno())


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


def all_quads(store: ox.Store, graphs: Iterable[str] | None = None) -> list[ox.Quad]:
    names = [ox.NamedNode(g) for g in graphs] if graphs is not None else list(store.named_graphs())
    quads: list[ox.Quad] = []
    for graph in names:
        quads.extend(store.quads_for_pattern(None, None, None, graph))
    return quads
