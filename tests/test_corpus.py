"""The extractor on the development corpus (read from ../shared/corpus; skipped when it is absent)."""

from __future__ import annotations

from pathlib import Path

from kg.evaluate import evaluate, explain, table

PRECISION, RECALL, CATEGORY_F1 = 0.92, 0.85, 0.75


def test_development_corpus_scores(shared_corpus: Path) -> None:
    evaluation = evaluate(sorted((shared_corpus / "articles").glob("*.txt")), shared_corpus / "gold")
    report = table(evaluation) + "\n" + explain(evaluation)
    assert evaluation.overall.precision >= PRECISION, report
    assert evaluation.overall.recall >= RECALL, report
    for name, score in evaluation.rows():
        if "." not in name:
            assert score.f1 >= CATEGORY_F1, f"{name}: F1 {score.f1:.3f}\n{report}"
    assert evaluation.corpus_checks and all(ok for _, ok in evaluation.corpus_checks), report
