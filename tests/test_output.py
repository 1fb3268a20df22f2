"""What ``kg build`` writes: every format re-parses to the same triples, and builds are deterministic."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset, Graph

from tests.conftest import run_kg


def test_turtle_reparses_with_pyoxigraph(seed_build: Path, seed_graph: Graph) -> None:
    triples = list(pyoxigraph.parse(path=str(seed_build), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(triples) == len(seed_graph) > 100


def test_two_builds_write_identical_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    for out in (first, second):
        result = run_kg("build", "data/articles", "-o", str(out), "-q")
        assert result.returncode == 0, result.stderr
    assert first.read_bytes() == second.read_bytes()


FORMATS = {
    ".ttl": (pyoxigraph.RdfFormat.TURTLE, "turtle"),
    ".nt": (pyoxigraph.RdfFormat.N_TRIPLES, "nt"),
    ".jsonld": (pyoxigraph.RdfFormat.JSON_LD, "json-ld"),
    ".trig": (pyoxigraph.RdfFormat.TRIG, "trig"),
    ".nq": (pyoxigraph.RdfFormat.N_QUADS, "nquads"),
}


@pytest.mark.parametrize("suffix", sorted(FORMATS))
def test_every_format_reparses_with_both_parsers(tmp_path: Path, suffix: str, seed_graph: Graph) -> None:
    out = tmp_path / f"kg{suffix}"
    result = run_kg("build", "data/articles", "-o", str(out), "-q")
    assert result.returncode == 0, result.stderr
    ox_format, rdflib_format = FORMATS[suffix]
    oxigraph_count = len(list(pyoxigraph.parse(path=str(out), format=ox_format)))
    if suffix in {".trig", ".nq"}:
        data = Dataset()
        data.parse(out, format=rdflib_format)
        rdflib_count = sum(len(g) for g in data.graphs())
        assert {str(g.identifier) for g in data.graphs() if len(g)} >= {
            "https://w3id.org/ctkg/id/graph/article/000_f64cd4f113bb4fca",
            "https://w3id.org/ctkg/id/graph/article/001_b6261880fc0833ac",
            "https://w3id.org/ctkg/id/graph/entities",
        }
    else:
        rdflib_count = len(Graph().parse(out, format=rdflib_format))
    assert oxigraph_count == rdflib_count
    # the same statements as the Turtle output, counted once per graph
    assert rdflib_count >= len(seed_graph)


def test_inferred_triples_stay_apart(seed_build: Path, seed_graph: Graph) -> None:
    inferred = Graph().parse(seed_build.with_name("kg.inferred.ttl"), format="turtle")
    assert len(inferred) > 0
    assert not set(inferred) & set(seed_graph)
    cooperation = {
        (str(s).rsplit("/", 1)[-1], str(o).rsplit("/", 1)[-1])
        for s, _, o in inferred.triples((None, None, None))
        if str(_).endswith("cooperatesWith")
    }
    assert cooperation == {("PAK", "RUS"), ("RUS", "PAK")}


def test_include_ontology_and_reference(tmp_path: Path) -> None:
    out = tmp_path / "full.ttl"
    result = run_kg("build", "data/articles", "-o", str(out), "-q", "--include", "ontology,reference")
    assert result.returncode == 0, result.stderr
    graph = Graph().parse(out, format="turtle")
    assert len(graph) > 10_000
    from rdflib import OWL, RDF, URIRef

    assert any(graph.subjects(RDF.type, OWL.Ontology))
    assert (URIRef("https://w3id.org/ctkg/id/state/ZWE"), None, None) in graph
