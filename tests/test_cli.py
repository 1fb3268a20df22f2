"""The ``kg`` command as a user runs it: exit codes, messages, and nothing lost on bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

from rdflib import Graph, URIRef

from tests.conftest import ROOT, run_kg


def test_build_conforming_graph_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "kg.ttl"
    result = run_kg("build", "-o", str(out), "-q")
    assert result.returncode == 0, result.stderr
    assert "2 article(s)" in result.stdout and "0 violation(s)" in result.stdout
    assert out.exists()


def test_unreadable_input_exits_2_and_the_rest_is_built(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(ROOT / "data/articles/001_b6261880fc0833ac.txt", folder)
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "kg.ttl"
    result = run_kg("build", str(folder), "-o", str(out), "-q")
    assert result.returncode == 2
    assert "empty.txt: the file is empty" in result.stderr
    graph = Graph().parse(out, format="turtle")
    assert (None, None, URIRef("https://w3id.org/ctkg/id/article/001_b6261880fc0833ac")) in graph


def test_unknown_output_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run_kg("build", "-o", str(tmp_path / "kg.xyz"), "-q")
    assert result.returncode == 2
    assert "unknown output format '.xyz'" in result.stderr


def test_a_store_without_a_folder_name_is_a_usage_error(tmp_path: Path) -> None:
    for bad in ("", ".", ".."):
        result = run_kg("build", "data/articles", "--store", bad, "-o", str(tmp_path / "kg.ttl"), "-q")
        assert result.returncode == 2, bad
        assert f"{bad!r} is not a store's folder" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "kg.ttl").exists()


def test_missing_input_is_named(tmp_path: Path) -> None:
    result = run_kg("build", str(tmp_path / "nowhere"), "-o", str(tmp_path / "kg.ttl"), "-q")
    assert result.returncode == 2
    assert "nowhere: no such file or folder" in result.stderr


def test_the_same_article_twice_is_reported_once(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    source = ROOT / "data/articles/001_b6261880fc0833ac.txt"
    shutil.copy(source, folder / "a.txt")
    shutil.copy(source, folder / "b.txt")
    result = run_kg("build", str(folder), "-o", str(tmp_path / "kg.ttl"), "-q")
    assert result.returncode == 2
    assert "b.txt: the same article as" in result.stderr
    assert "1 article(s)" in result.stdout


def test_eval_prints_the_table(tmp_path: Path) -> None:
    case = ROOT / "tests/cases"
    first = sorted(p for p in case.iterdir() if (p / "article.txt").exists())[0]
    result = run_kg("eval", str(first / "article.txt"), "--gold", str(first), "--json")
    assert result.returncode == 0, result.stderr
    assert '"overall"' in result.stdout and '"precision"' in result.stdout


def test_adding_to_a_store_is_done_in_part_and_says_so(tmp_path: Path) -> None:
    store, out = tmp_path / "store", tmp_path / "kg.ttl"
    first = run_kg("build", "data/articles/000_f64cd4f113bb4fca.txt", "--store", str(store), "-o", str(out), "-q")
    assert first.returncode == 0, first.stderr
    before = out.stat().st_mtime_ns
    added = run_kg(
        "build", "data/articles/001_b6261880fc0833ac.txt", "--store", str(store), "-o", str(out), "--no-export", "-q"
    )
    assert added.returncode == 0, added.stderr
    assert "2 article(s) (1 extracted" in added.stdout and "updated in part" in added.stdout
    assert "updated in full" not in added.stderr
    assert out.stat().st_mtime_ns == before  # --no-export leaves the output file as it was
    exported = run_kg("export", "--store", str(store), "-o", str(tmp_path / "all.ttl"))
    assert exported.returncode == 0, exported.stderr
    graph = Graph().parse(tmp_path / "all.ttl", format="turtle")
    assert (None, None, URIRef("https://w3id.org/ctkg/id/article/001_b6261880fc0833ac")) in graph
