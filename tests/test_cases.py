"""Articles written for the test suite, each with what a careful reader finds in it.

A case is a folder ``tests/cases/<name>/`` with ``article.txt`` and ``expected.yaml`` (the gold
format). A case passes when the graph built from the article alone states no false fact and
finds every expected one; on failure the test prints every false and missed fact.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.evaluate import evaluate, explain

CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if (p / "article.txt").exists())


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path) -> None:
    evaluation = evaluate([case / "article.txt"], case)
    assert evaluation.per_article, f"no expected.yaml in {case}"
    overall = evaluation.overall
    assert (overall.precision, overall.recall) == (1.0, 1.0), "\n" + explain(evaluation)
