"""Faults and unsafe input: a full disk, an XXE file, users' own RDF."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from kg.build import build
from kg.store import Location
from tests.conftest import ROOT

SEEDS = ROOT / "data" / "articles"


def quads(store: Path) -> set[str]:
    return {str(q) for q in Location(store).open()}


def _small_files() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))


def test_a_full_disk_gives_a_clear_error_and_a_usable_store(tmp_path: Path) -> None:
    env = {**os.environ, "KG_CACHE": str(tmp_path / "cache")}
    store = tmp_path / "store"
    first = subprocess.run(
        [sys.executable, "-m", "kg", "build", str(SEEDS), "--store", str(store), "-o", str(tmp_path / "a.ttl"), "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert first.returncode == 0, first.stderr
    before = quads(store)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg",
            "build",
            str(SEEDS),
            "--store",
            str(store),
            "--rebuild",
            "-o",
            str(tmp_path / "b.ttl"),
            "-q",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=_small_files,
    )
    assert result.returncode == 2, result.stderr
    assert "error: cannot write" in result.stderr and "File too large" in result.stderr
    assert "Traceback" not in result.stderr
    assert quads(store) == before
    assert not [p for p in Location(store).generations.iterdir() if p.name.endswith(".partial")]
    assert build([SEEDS], store=store).extracted == []  # still usable


XXE = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>&secret;</ex:p></rdf:Description>
</rdf:RDF>
"""


def test_an_xxe_file_reads_nothing(tmp_path: Path) -> None:
    evil = tmp_path / "extension.rdf"
    evil.write_text(XXE, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg",
            "build",
            str(SEEDS),
            "--extra",
            str(evil),
            "--store",
            str(tmp_path / "store"),
            "-o",
            str(tmp_path / "kg.trig"),
            "-q",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "extension.rdf: not valid RDF" in result.stderr
    text = (tmp_path / "kg.trig").read_text(encoding="utf-8")
    assert "root:" not in text and "example.org" not in text
    assert "000_f64cd4f113bb4fca" in text  # the articles are built all the same


def test_users_rdf_goes_into_a_graph_of_its_own(tmp_path: Path) -> None:
    extension = tmp_path / "my-labels.ttl"
    extension.write_text(
        '<https://w3id.org/ctkg/id/state/PAK> <http://www.w3.org/2004/02/skos/core#altLabel> "Pak" .\n',
        encoding="utf-8",
    )
    store = tmp_path / "store"
    build([SEEDS], store=store, extra=[extension])
    graphs = {g.value for g in Location(store).open().named_graphs()}
    assert "https://w3id.org/ctkg/id/graph/extra/my-labels" in graphs
    again = build([SEEDS], store=store)  # kept until a rebuild
    assert again.changed == []
    assert "https://w3id.org/ctkg/id/graph/extra/my-labels" in {g.value for g in Location(store).open().named_graphs()}
