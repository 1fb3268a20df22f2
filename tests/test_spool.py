"""The spool: extraction records go to disk as they are made and the build reads them back."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import codec, gazetteer
from kg.build import build, read_articles
from kg.extract import extract
from kg.linkrecords import compact
from kg.spool import Spool, extract_into
from kg.store import Location
from tests.conftest import ROOT

CASES = ROOT / "tests" / "cases"


@pytest.mark.parametrize("parallel", [False, True])
def test_spooled_records_are_the_extractions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool) -> None:
    articles, errors = read_articles([CASES])
    assert not errors and len(articles) > 4
    if parallel:
        monkeypatch.setattr("kg.build.PARALLEL_FROM", 2)  # the worker processes, even for a few articles
    spool = Spool(tmp_path / "spool")
    done = list(extract_into(spool, articles, workers=2))
    assert sorted(done) == sorted(a.id for a in articles) == sorted(spool.ids)
    gaz = gazetteer.load()
    expected = {a.id: extract(a, gaz) for a in articles}
    for article_id, extraction in expected.items():
        assert spool.record(article_id).read_text(encoding="utf-8") == codec.dumps(extraction)
        assert spool.full(article_id) == extraction
    assert {c.article.id: c for c in spool.compacts()} == {i: compact(e) for i, e in expected.items()}
    spool.close()
    assert not spool.folder.exists()


def test_a_store_keeps_the_spooled_records_and_no_spool(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build([CASES], store=store)
    location = Location(store)
    assert not list(location.generations.glob("spool-*"))
    live = location.live()
    assert live is not None
    articles, _ = read_articles([CASES])
    gaz = gazetteer.load()
    for article in articles[:5]:
        record = live / "extractions" / f"{article.id}.json"
        assert record.read_text(encoding="utf-8") == codec.dumps(extract(article, gaz))


def test_a_build_that_is_refused_leaves_no_spool_and_no_store(tmp_path: Path) -> None:
    """An article giving an official of the seed articles a second state breaks the shapes: without
    --keep-going nothing is written, and the spool goes too."""
    seeds = build([ROOT / "data" / "articles"])
    official = next(o for s, p, o in seeds.entities if "/person/" in str(s) and str(p).endswith("#label"))
    bad = tmp_path / "bad.txt"
    bad.write_text(
        "Chile and Peru hold counter-terrorism talks\n\nLIMA, March 3, 2024 - The 1st meeting of the Chile-Peru "
        "Joint Working Group on Counter-Terrorism was held in Lima on March 2, 2024. The Chilean delegation was "
        f"led by Ambassador {official}, and the Peruvian delegation by Ambassador Rosa Quispe.\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    result = build([bad, ROOT / "data" / "articles"], store=store)
    assert result.report is not None and not result.report.conforms
    location = Location(store)
    assert location.live() is None
    assert not list(location.generations.glob("spool-*"))
