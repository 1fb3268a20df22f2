"""The cached reference data: made once per version, and old versions do not pile up."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.reference import KEPT_VERSIONS, reference_file


def test_old_versions_are_pruned_and_the_new_one_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_CACHE", str(tmp_path))
    old = []
    for i in range(KEPT_VERSIONS + 2):
        stale = tmp_path / f"reference-{i:016x}.nq"
        stale.write_text("")
        os.utime(stale, (1_000_000 + i, 1_000_000 + i))
        old.append(stale)
    made = reference_file("https://example.org/kg/")
    assert made.exists() and made.stat().st_size > 1_000_000
    left = sorted(tmp_path.glob("reference-*.nq"))
    assert len(left) == KEPT_VERSIONS
    assert made in left
    # the newest of the old ones stay, the oldest go
    assert set(left) - {made} == set(old[-(KEPT_VERSIONS - 1) :])
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("kept")
    assert reference_file("https://example.org/kg/") == made  # made once: a second call reuses it
    assert unrelated.exists()
