"""The ontology documentation: every contract term and every shape has its entry, and links resolve."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import pytest
from rdflib import RDF, SH, Graph, URIRef

from kg.docs import pages, write_docs
from tests.conftest import ROOT, run_kg

CONTRACT = [
    # classes
    "Article",
    "State",
    "Official",
    "Organisation",
    "InternationalOrganisation",
    "GovernmentBody",
    "WorkingGroup",
    "ThreatGroup",
    "Place",
    "Meeting",
    "Attack",
    # properties
    "mentionedIn",
    "source",
    "evidence",
    "isoCode",
    "meetingOf",
    "ordinal",
    "date",
    "place",
    "locatedIn",
    "participant",
    "headOfDelegation",
    "represents",
    "title",
    "threatDiscussed",
    "forum",
    "nextMeeting",
    "claimedBy",
    "killed",
    "threatens",
    "memberOf",
    "cooperatesWith",
]
COMMITTED = ROOT / "docs" / "ontology"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return {name: html for name, html in pages()}


@pytest.mark.parametrize("term", CONTRACT)
def test_index_names_every_contract_term(written: dict[str, str], term: str) -> None:
    index = written["index.html"]
    assert f'id="{term}"' in index, f"no entry for ctkg:{term}"
    assert f"<code>ctkg:{term}</code>" in index


def test_every_term_of_the_ontology_has_an_entry(written: dict[str, str]) -> None:
    ontology = Graph().parse(ROOT / "ontology" / "ctkg.ttl")
    ns = "https://w3id.org/ctkg/ontology#"
    terms = {str(s)[len(ns) :] for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(ns)}
    missing = sorted(t for t in terms if f'id="{t}"' not in written["index.html"])
    assert not missing


def test_entries_show_label_comment_domain_and_range(written: dict[str, str]) -> None:
    index = written["index.html"]
    entry = index[index.index('id="headOfDelegation"') :].split("</section>", 1)[0]
    assert "head of delegation" in entry and "A person who led or co-chaired a delegation" in entry
    assert "Domain" in entry and 'href="#Meeting"' in entry and 'href="#Official"' in entry
    meeting = index[index.index('id="Meeting"') :].split("</section>", 1)[0]
    assert "schema:Event" in meeting and 'href="shapes.html#MeetingShape"' in meeting
    date = index[index.index('id="date"') :].split("</section>", 1)[0]
    assert "xsd:gYearMonth" in date  # the range is a union of datatypes, spelled out


def test_shapes_page_lists_every_shape_and_message(written: dict[str, str]) -> None:
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    page = written["shapes.html"]
    for kind in (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint):
        for shape in shapes.subjects(RDF.type, kind):
            if isinstance(shape, URIRef):
                assert f'id="{str(shape).rsplit("#", 1)[-1]}"' in page, shape
    for message in shapes.objects(None, SH.message):
        assert escape(str(message)) in page, message


def test_links_between_the_pages_resolve(written: dict[str, str]) -> None:
    anchors = {name: set(re.findall(r'id="([^"]+)"', html)) for name, html in written.items()}
    for name, html in written.items():
        for target, anchor in re.findall(r'href="([a-z]*\.html)?#([^"]+)"', html):
            assert anchor in anchors[target or name], f"{name}: broken link {target}#{anchor}"


def test_committed_pages_are_current(written: dict[str, str]) -> None:
    for name, html in written.items():
        path = COMMITTED / name
        assert path.exists() and path.read_text(encoding="utf-8") == html, (
            f"{path.relative_to(ROOT)} is out of date with the ontology or shapes: run `kg docs -o docs/ontology`"
        )


def test_readme_links_the_documentation() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/ontology/index.html" in readme and "docs/ontology/shapes.html" in readme


def test_write_docs_and_cli(tmp_path: Path) -> None:
    assert [p.name for p in write_docs(tmp_path / "lib")] == ["index.html", "shapes.html"]
    result = run_kg("docs", "-o", str(tmp_path / "cli"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cli" / "index.html").read_text(encoding="utf-8") == (tmp_path / "lib" / "index.html").read_text(
        encoding="utf-8"
    )
