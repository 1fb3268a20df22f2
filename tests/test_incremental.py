"""Updates in part (kg.incremental): the store they leave equals a full build of the same articles."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kg import linkrecords
from kg.build import build
from kg.store import Location
from kg.update import remove
from tests.conftest import ROOT

SEEDS = sorted((ROOT / "data" / "articles").glob("*.txt"))
CASES = sorted(p / "article.txt" for p in (ROOT / "tests" / "cases").iterdir() if (p / "article.txt").exists())


def quads(store: Path) -> set[str]:
    return {str(q) for q in Location(store).open()}


def copies(paths: list[Path], folder: Path) -> list[Path]:
    """The articles under names of their own (the cases are all called article.txt)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for path in paths:
        target = folder / (f"{path.parent.name}.txt" if path.name == "article.txt" else path.name)
        shutil.copy(path, target)
        out.append(target)
    return out


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return copies([*SEEDS, *CASES], tmp_path_factory.mktemp("articles"))


def test_adding_articles_in_part_equals_a_full_build(articles: list[Path], tmp_path: Path) -> None:
    first, rest = articles[:14], articles[14:]
    store, full = tmp_path / "a" / "store", tmp_path / "b" / "store"
    build(first, store=store, reason=True)
    added = build(rest, store=store, reason=True)
    assert added.fallback is None and added.stated is not None, added.fallback
    assert sorted(added.extracted) == sorted(p.stem for p in rest)
    assert added.report is not None and added.report.conforms
    build(articles, store=full, reason=True)
    assert quads(store) == quads(full)


def test_an_added_article_that_changes_other_articles_links_maps_them_again(
    articles: list[Path], tmp_path: Path
) -> None:
    """The second seed article names the next meeting of the first's body: linking it changes
    which node the first article's statements belong to, so the first is mapped again too."""
    store, full = tmp_path / "a" / "store", tmp_path / "b" / "store"
    build(articles[1:2], store=store, reason=True)
    added = build(articles[:1], store=store, reason=True)
    assert added.fallback is None, added.fallback
    mapped = int(re.search(r"(\d+) mapped", added.summary()).group(1))  # type: ignore[union-attr]
    build(articles[:2], store=full, reason=True)
    assert quads(store) == quads(full)
    assert mapped >= 1


def test_a_changed_article_is_updated_in_part(articles: list[Path], tmp_path: Path) -> None:
    folder = tmp_path / "in"
    given = copies(articles[:6], folder)
    store, full = tmp_path / "a" / "store", tmp_path / "b" / "store"
    build(given, store=store, reason=True)
    text = given[1].read_text(encoding="utf-8")
    changed_text = text.replace("2024", "2025")
    assert changed_text != text
    given[1].write_text(changed_text, encoding="utf-8")
    changed = build(given, store=store, reason=True)
    assert changed.fallback is None and changed.extracted == [given[1].stem]
    build(given, store=full, reason=True)
    assert quads(store) == quads(full)


def test_a_store_without_link_records_is_updated_in_full_and_gets_them(articles: list[Path], tmp_path: Path) -> None:
    store = tmp_path / "store"
    build(articles[:3], store=store)
    shutil.rmtree(Location(store).live() / "links")  # type: ignore[operator]
    added = build(articles[3:5], store=store)
    assert added.fallback == "the store keeps no link records"
    assert linkrecords.read(Location(store).live()) is not None  # type: ignore[arg-type]
    again = build(articles[5:6], store=store)
    assert again.fallback is None


def test_a_change_that_breaks_a_rule_falls_back_and_leaves_the_store(articles: list[Path], tmp_path: Path) -> None:
    """A new article giving an official of the store a second state breaks the shapes: the update
    in part gives way, and the full update refuses the change as it always has."""
    store = tmp_path / "store"
    seeds = build(SEEDS, store=store)
    before = quads(store)
    official = next(o for s, p, o in seeds.entities if "/person/" in str(s) and str(p).endswith("#label"))
    bad = tmp_path / "in" / "bad.txt"
    bad.parent.mkdir()
    bad.write_text(
        "Chile and Peru hold counter-terrorism talks\n\nLIMA, March 3, 2024 - The 1st meeting of the Chile-Peru "
        "Joint Working Group on Counter-Terrorism was held in Lima on March 2, 2024. The Chilean delegation was "
        f"led by Ambassador {official}, and the Peruvian delegation by Ambassador Rosa Quispe.\n",
        encoding="utf-8",
    )
    result = build([bad], store=store)
    assert result.fallback == "the change breaks rules of the shapes"
    assert result.report is not None and not result.report.conforms
    assert quads(store) == before


def test_many_updates_merge_the_link_segments(articles: list[Path], tmp_path: Path) -> None:
    store = tmp_path / "store"
    build(articles[:1], store=store)
    for path in articles[1 : linkrecords.MERGE_AT + 3]:
        assert build([path], store=store).fallback is None
    folder = Location(store).live() / "links"  # type: ignore[operator]
    assert len(list(folder.glob("*.jsonl"))) <= linkrecords.MERGE_AT
    records = linkrecords.read(Location(store).live())  # type: ignore[arg-type]
    assert records is not None and sorted(records) == sorted(p.stem for p in articles[: linkrecords.MERGE_AT + 3])


@pytest.mark.parametrize("dropped", [[0], [1], [3, 7], [5, 9, 12]])
def test_removing_articles_in_part_equals_a_full_build_of_the_rest(
    articles: list[Path], tmp_path: Path, dropped: list[int]
) -> None:
    """Some of the articles name things no other article names: those leave the entities graph,
    unless another thing refers to them."""
    store, full = tmp_path / "a" / "store", tmp_path / "b" / "store"
    build(articles[:14], store=store, reason=True)
    gone = [articles[i].stem for i in dropped]
    result = remove(gone, store=store, reason=True)
    assert result.fallback is None, result.fallback
    assert "updated in part" in result.summary()
    build([p for i, p in enumerate(articles[:14]) if i not in dropped], store=full, reason=True)
    assert quads(store) == quads(full)
    records = linkrecords.read(Location(store).live())  # type: ignore[arg-type]
    assert records is not None and not set(gone) & set(records)
