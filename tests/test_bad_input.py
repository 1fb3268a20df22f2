"""Bad input: one clear error per file (which file, what is wrong, what to do), the rest built, the exit code telling.

Every case runs ``kg build`` as a user would, on a folder holding the bad file and a good article.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from tests.conftest import ROOT, run_kg

GOOD = ROOT / "data" / "articles" / "001_b6261880fc0833ac.txt"
GOOD_IRI = URIRef("https://w3id.org/ctkg/id/article/001_b6261880fc0833ac")


def build_folder(tmp_path: Path, files: dict[str, bytes]) -> tuple[int, str, Graph]:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(GOOD, folder)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    out = tmp_path / "kg.ttl"
    result = run_kg("build", str(folder), "-o", str(out), "-q")
    graph = Graph().parse(out, format="turtle") if out.exists() else Graph()
    return result.returncode, result.stderr, graph


def assert_good_article_built(graph: Graph) -> None:
    assert (None, None, GOOD_IRI) in graph, "the readable article must still be in the graph"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty.txt: the file is empty"),
        ("blank.txt", b"  \n\n \t\n", "blank.txt: the file is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt: binary data (NUL byte at offset"),
        (
            "open.txt",
            b"title: Never closed\ndate: 2024-01-01\nsource: x\nThe body starts without the line of dashes.\n",
            "open.txt:1: the header block never closes",
        ),
    ],
)
def test_unreadable_file_is_named_and_the_rest_is_built(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    code, stderr, graph = build_folder(tmp_path, {name: data})
    assert code == 2
    assert message in stderr
    assert_good_article_built(graph)


def test_huge_article_is_refused_with_its_size(tmp_path: Path) -> None:
    huge = b"The delegations met again. " * (50 * 1024 * 1024 // 27)
    code, stderr, graph = build_folder(tmp_path, {"huge.txt": huge})
    assert code == 2
    assert "huge.txt: too large" in stderr and "split it" in stderr
    assert_good_article_built(graph)


def test_json_lines_with_one_broken_line(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"text": "Somalia continues to face threats from Al-Shabaab.", "title": "One", "date": "2021-05-01"}
        ),
        '{"text": "broken',
        json.dumps({"text": "Kenya continues to face threats from Al-Shabaab.", "title": "Three"}),
    ]
    code, stderr, graph = build_folder(tmp_path, {"feed.jsonl": "\n".join(lines).encode()})
    assert code == 2
    assert "feed.jsonl:2: not valid JSON" in stderr
    articles = {
        str(s).rsplit("/", 1)[-1] for s in graph.subjects(None, URIRef("https://w3id.org/ctkg/ontology#Article"))
    }
    assert {"feed-1", "feed-3", "001_b6261880fc0833ac"} <= articles


def test_same_article_twice_under_two_names(tmp_path: Path) -> None:
    code, stderr, graph = build_folder(tmp_path, {"copy.txt": GOOD.read_bytes()})
    assert code == 2
    assert "the same article as" in stderr and "skipped" in stderr
    assert_good_article_built(graph)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("latin1.txt", "Délégations: Kenya et Somalia continue to face threats from Al-Shabaab.\n".encode("latin-1")),
        ("utf16.txt", "Somalia continues to face threats from Al-Shabaab.\r\n".encode("utf-16")),
        ("mixed.txt", b"Somalia continues to face threats\r\nfrom Al-Shabaab.\rKenya too.\n"),
    ],
)
def test_other_encodings_and_line_endings_are_read(tmp_path: Path, name: str, data: bytes) -> None:
    code, stderr, graph = build_folder(tmp_path, {name: data})
    assert code == 0, stderr
    if name == "latin1.txt":
        assert "latin1.txt: read as Windows-1252 (not UTF-8 from byte" in stderr
    stem = Path(name).stem
    assert (None, None, URIRef(f"https://w3id.org/ctkg/id/article/{stem}")) in graph
    threatens = URIRef("https://w3id.org/ctkg/ontology#threatens")
    assert (
        URIRef("https://w3id.org/ctkg/id/group/al-shabaab"),
        threatens,
        URIRef("https://w3id.org/ctkg/id/state/SOM"),
    ) in graph


def test_html_with_scripts_styles_and_iframes(tmp_path: Path) -> None:
    page = b"""<!doctype html><html><head><title>Talks</title><style>.x{content:'Kabul denied'}</style>
    <script>var s = "Kabul denied the allegations"; document.write(s);</script></head>
    <body><iframe src="ad.html">Kabul denied</iframe><p>Somalia continues to face threats from Al-Shabaab.</p></body></html>"""
    code, stderr, graph = build_folder(tmp_path, {"page.html": page})
    assert code == 0, stderr
    mentioned = {
        str(s)
        for s in graph.subjects(
            URIRef("https://w3id.org/ctkg/ontology#mentionedIn"), URIRef("https://w3id.org/ctkg/id/article/page")
        )
    }
    assert "https://w3id.org/ctkg/id/state/SOM" in mentioned
    assert "https://w3id.org/ctkg/id/state/AFG" not in mentioned  # only in the script, style and iframe


def test_a_folder_of_thousands_of_files(tmp_path: Path) -> None:
    files = {f"note-{i:04d}.txt": f"Short note number {i} about nothing in particular.\n".encode() for i in range(2500)}
    code, stderr, graph = build_folder(tmp_path, files)
    assert code == 0, stderr
    articles = set(graph.subjects(None, URIRef("https://w3id.org/ctkg/ontology#Article")))
    assert len(articles) == 2501


def test_strange_names_give_valid_iris(tmp_path: Path) -> None:
    name = 'we"ird <name> back\\slash emoji😀 مرحبا zero\u200bwidth\nline.txt'
    text = (
        "Deputy Foreign Minister Ana O'Brien-Petrova \u200b<said>\\ that Somalia continues to face threats from Al-Shabaab. 😀 "
        "مرحبا \u202eevil\u202c"
    ).encode()
    code, stderr, graph = build_folder(tmp_path, {name: text})
    assert code == 0, stderr
    import pyoxigraph as ox

    data = graph.serialize(format="nt").encode()
    for triple in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith("https://w3id.org/ctkg/id/"):
                assert all(c.isascii() and c not in ' "<>\\{}|^`' for c in term.value), term.value
