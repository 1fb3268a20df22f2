"""The persistent store: incremental builds, removal, atomic updates under SIGKILL, exports."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from kg.build import build
from kg.export import export_store
from kg.store import Location
from kg.update import remove
from tests.conftest import ROOT

SEEDS = ROOT / "data" / "articles"
CASES = sorted(p / "article.txt" for p in (ROOT / "tests" / "cases").iterdir() if (p / "article.txt").exists())


def quads(store: Path) -> set[str]:
    db = Location(store).open()
    return {str(q) for q in db}


def test_adding_an_article_extracts_only_it_and_equals_a_full_rebuild(tmp_path: Path) -> None:
    third = tmp_path / "third.txt"
    shutil.copy(CASES[0], third)
    incremental, full = tmp_path / "a" / "store", tmp_path / "b" / "store"
    first = build([SEEDS], store=incremental)
    assert sorted(first.extracted) == ["000_f64cd4f113bb4fca", "001_b6261880fc0833ac"]
    added = build([third], store=incremental)
    assert added.extracted == ["third"]
    assert added.fallback is None and "third" in added.article_graphs  # an update in part maps what it must
    build([SEEDS, third], store=full)
    assert quads(incremental) == quads(full)


def test_nothing_changed_nothing_extracted_store_unchanged(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build([SEEDS], store=store)
    live = Location(store).live()
    before = quads(store)
    again = build([SEEDS], store=store)
    assert again.extracted == [] and again.changed == [] and again.generation is None
    assert Location(store).live() == live
    assert quads(store) == before


def test_a_new_extractor_reads_every_article_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Records made by another version of the extractor are not trusted: all articles are extracted
    again, those not given from the text kept in their records, and the store equals a fresh build."""
    third = tmp_path / "third.txt"
    shutil.copy(CASES[0], third)
    store, fresh = tmp_path / "a" / "store", tmp_path / "b" / "store"
    build([SEEDS], store=store)
    monkeypatch.setattr("kg.update.fingerprint", lambda: "another-extractor")
    again = build([third], store=store)
    assert sorted(again.extracted) == ["000_f64cd4f113bb4fca", "001_b6261880fc0833ac", "third"]
    assert Location(store).manifest().fingerprint == "another-extractor"  # type: ignore[union-attr]
    build([SEEDS, third], store=fresh)
    assert quads(store) == quads(fresh)


def test_changing_one_article_rewrites_only_its_graph_and_what_it_links(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    store = tmp_path / "store"
    build([folder], store=store)
    article = folder / "001_b6261880fc0833ac.txt"
    article.write_text(
        article.read_text(encoding="utf-8").replace("held in Moscow in 2024", "held in Moscow in 2025"),
        encoding="utf-8",
    )
    changed = build([folder], store=store)
    assert changed.extracted == ["001_b6261880fc0833ac"]
    base = "https://w3id.org/ctkg/id/graph/"
    assert changed.changed == [f"{base}article/001_b6261880fc0833ac"]
    planned = {
        str(q.object.value)
        for q in Location(store)
        .open()
        .quads_for_pattern(None, ox.NamedNode("https://w3id.org/ctkg/ontology#plannedDate"), None)
    }
    assert "2025" in planned and "2024" not in planned


def test_remove_drops_the_article_and_relinks(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build([SEEDS], store=store)
    result = remove(["001_b6261880fc0833ac"], store=store)
    assert result.fallback is None  # removed in part
    assert set(result.article_graphs) <= {"000_f64cd4f113bb4fca"}  # the rest is mapped again only if relinked
    alone = tmp_path / "alone"
    build([SEEDS / "000_f64cd4f113bb4fca.txt"], store=alone)
    assert quads(store) == quads(alone)


def test_rebuild_starts_over(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build([SEEDS], store=store)
    result = build([SEEDS / "000_f64cd4f113bb4fca.txt"], store=store, rebuild=True)
    assert sorted(result.article_graphs) == ["000_f64cd4f113bb4fca"]


def test_a_build_killed_half_way_leaves_the_previous_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build([SEEDS], store=store)
    before = quads(store)
    generations = Location(store).generations
    for _attempt in range(5):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kg",
                "build",
                *map(str, CASES),
                "--store",
                str(store),
                "--rebuild",
                "-q",
                "--no-validate",
                "-o",
                str(tmp_path / "x.ttl"),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if any(p.name.endswith(".partial") for p in generations.iterdir()):
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.005)
        process.wait()
        if process.returncode == -signal.SIGKILL:
            break
        build([SEEDS], store=store, rebuild=True)  # it finished first: put the old content back and try again
        before = quads(store)
    else:
        pytest.fail("could not catch the build half-way")
    assert quads(store) == before
    again = build([SEEDS], store=store)
    assert again.extracted == []  # the store and its cache are intact and usable


def test_the_namespace_is_read_from_the_head_of_the_manifest(tmp_path: Path) -> None:
    """``Location.base`` reads the namespace without parsing every article's record; a manifest
    written with it elsewhere (as before it came first) is read whole and gives the same."""
    import json

    store = tmp_path / "store"
    build([SEEDS], store=store, base="https://example.org/kg/")
    location = Location(store)
    live = location.live()
    assert live is not None
    manifest = live / "manifest.json"
    assert manifest.read_text(encoding="utf-8").startswith('{\n "base": "https://example.org/kg/"')
    assert location.base() == "https://example.org/kg/"
    manifest.write_text(json.dumps(json.loads(manifest.read_text(encoding="utf-8")), sort_keys=True), encoding="utf-8")
    assert not manifest.read_text(encoding="utf-8").startswith('{"base"')
    assert location.base() == "https://example.org/kg/"


def test_a_second_writer_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build([SEEDS], store=store)
    from kg.store import StoreError

    with Location(store).writing(), pytest.raises(StoreError, match="another kg process"):
        build([SEEDS], store=store)


FORMATS = {
    ".ttl": (ox.RdfFormat.TURTLE, "turtle"),
    ".nt": (ox.RdfFormat.N_TRIPLES, "nt"),
    ".jsonld": (ox.RdfFormat.JSON_LD, "json-ld"),
    ".trig": (ox.RdfFormat.TRIG, "trig"),
    ".nq": (ox.RdfFormat.N_QUADS, "nquads"),
}


@pytest.fixture(scope="module")
def store_with_seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("seeds") / "store"
    build([SEEDS], store=store, reason=True)
    return store


@pytest.mark.parametrize("suffix", sorted(FORMATS))
def test_export_reparses_to_the_same_number_of_triples(store_with_seeds: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"kg{suffix}"
    export_store(store_with_seeds, out)
    ox_format, rdflib_format = FORMATS[suffix]
    oxigraph_count = len(list(ox.parse(path=str(out), format=ox_format)))
    if suffix in {".trig", ".nq"}:
        data = Dataset()
        data.parse(out, format=rdflib_format)
        rdflib_count = sum(len(g) for g in data.graphs())
    else:
        rdflib_count = len(Graph().parse(out, format=rdflib_format))
    assert oxigraph_count == rdflib_count > 100


def test_export_keeps_declared_datatypes_and_one_graph(store_with_seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "kg.nt"
    export_store(store_with_seeds, out)
    text = out.read_text(encoding="utf-8")
    assert '"10"^^<http://www.w3.org/2001/XMLSchema#positiveInteger>' in text
    assert '"140"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>' in text
    one = tmp_path / "one.ttl"
    export_store(store_with_seeds, one, graph="https://w3id.org/ctkg/id/graph/article/000_f64cd4f113bb4fca")
    assert 0 < len(Graph().parse(one)) < len(Graph().parse(out, format="nt"))


def test_export_with_inferred(store_with_seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "kg.trig"
    export_store(store_with_seeds, out, with_inferred=True)
    data = Dataset()
    data.parse(out, format="trig")
    assert any(str(g.identifier).endswith("graph/inferred") and len(g) for g in data.graphs())
