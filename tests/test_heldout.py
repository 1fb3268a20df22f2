"""Articles the extractor was not developed on: a floor on precision and recall, so that a change
that makes the graph state false facts on unseen text (or lose much of what it read) is caught.

``tests/blind/`` was written without looking at the extractor and is never used to develop it;
``tests/heldout/`` was written the same way, then used to develop it (so it is no longer blind,
but its articles are not all read perfectly, unlike ``tests/cases/``); ``tests/dev/`` holds
articles written to develop general handling. The figures are in docs/quality.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.evaluate import evaluate, explain, table

HERE = Path(__file__).parent
FLOORS = {"blind": (0.93, 0.58), "heldout": (0.95, 0.68), "dev": (0.97, 0.80)}


@pytest.mark.parametrize("folder", sorted(FLOORS))
def test_unseen_articles_keep_their_floor(folder: str) -> None:
    articles = sorted((HERE / folder).glob("*/article.txt"))
    assert len(articles) >= 6
    evaluation = evaluate(articles, HERE / folder)
    precision, recall = FLOORS[folder]
    report = table(evaluation) + "\n" + explain(evaluation)
    assert evaluation.overall.precision >= precision, report
    assert evaluation.overall.recall >= recall, report
