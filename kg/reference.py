"""The full reference data (all states, organisations, threat groups and cities) as RDF.

Exported only on request (``--include reference``): a graph of articles holds only the things the
articles name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg import gazetteer
from kg.link import Linked
from kg.mapping import Minter, Triple, entity_triples


def reference_triples(base: str) -> Iterator[Triple]:
    gaz = gazetteer.load()
    keys = (
        [f"state/{iso}" for iso in gaz.states]
        + [f"org/{org}" for org in gaz.organisations]
        + [f"group/{group}" for group in gaz.groups]
        + sorted(gaz.cities_by_key)
    )
    return entity_triples(keys, [], Linked(), gaz, Minter(base))


def reference_graph(base: str) -> Graph:
    graph = Graph()
    for triple in reference_triples(base):
        graph.add(triple)
    return graph


def reference_file(base: str) -> Path:
    """The reference data as an N-Quads file in its named graph, made once per version of the data.

    Cached under ``$KG_CACHE`` (default ``~/.cache/kg``) so that every new store loads it in bulk;
    only the newest few versions are kept.
    """
    from kg.codec import fingerprint
    from kg.store import _quads

    name = f"{base}graph/reference"
    key = hashlib.sha256(f"{base}|{fingerprint()}".encode()).hexdigest()[:16]
    folder = Path(os.environ.get("KG_CACHE") or Path.home() / ".cache" / "kg")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    path = folder / f"reference-{key}.nq"
    if not path.exists():
        data = ox.serialize(_quads(reference_triples(base), name), format=ox.RdfFormat.N_QUADS)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data if isinstance(data, bytes) else b"")
        temporary.replace(path)
        _prune(folder, keep=KEPT_VERSIONS)
    return path


KEPT_VERSIONS = 4  # other bases or versions of the data may still be in use; older files are not


def _prune(folder: Path, *, keep: int) -> None:
    """Remove all but the newest ``keep`` reference files, so the cache does not grow with every version."""

    def age(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except FileNotFoundError:  # pruned by another process meanwhile
            return 0.0

    for old in sorted(folder.glob("reference-*.nq"), key=age, reverse=True)[keep:]:
        old.unlink(missing_ok=True)
