"""Shared fixtures: the repository's folders, a build of the seed articles, the development corpus."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
BASE = "https://w3id.org/ctkg/id/"


def run_kg(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the ``kg`` command as a user would (a real subprocess).

    A build without ``--store`` gets a store of its own in a temporary folder, so that tests never
    touch the repository's ``out/store`` nor each other's.
    """
    if args and args[0] == "build" and "--store" not in args:
        args = (*args, "--store", str(Path(tempfile.mkdtemp(prefix="kg-store-")) / "store"))
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, capture_output=True, text=True, check=False)


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``kg build`` over data/articles, written to a temporary out/kg.ttl."""
    out = tmp_path_factory.mktemp("seed") / "kg.ttl"
    result = run_kg("build", "data/articles", "-o", str(out), "--reason", "-q")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def seed_graph(seed_build: Path) -> Graph:
    graph = Graph()
    graph.parse(seed_build, format="turtle")
    return graph


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not (SHARED_CORPUS / "articles").is_dir():
        pytest.skip(f"the development corpus is not here ({SHARED_CORPUS} is missing); skipping its evaluation")
    return SHARED_CORPUS
