"""Extraction on a Dask cluster (a LocalCluster with two workers) gives the same graph as a local build."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import build
from kg.store import Location
from tests.conftest import ROOT

distributed = pytest.importorskip("distributed", reason="Dask distributed is not installed (pip install 'kg[dask]')")

INPUTS = [ROOT / "data" / "articles", ROOT / "tests" / "cases"]


def test_dask_build_is_isomorphic_to_a_local_build(tmp_path: Path) -> None:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        shards = tmp_path / "shards"
        on_cluster = build(
            INPUTS, store=tmp_path / "dask" / "store", scheduler=cluster.scheduler_address, shards=shards
        )
    local = build(INPUTS, store=tmp_path / "local" / "store", workers=1)
    assert sorted(on_cluster.extracted) == sorted(local.extracted)
    assert {str(q) for q in Location(tmp_path / "dask" / "store").open()} == {
        str(q) for q in Location(tmp_path / "local" / "store").open()
    }
    assert len(list(shards.glob("article--*.nq"))) == len(local.article_graphs)


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    from kg.errors import UsageError

    with pytest.raises(UsageError, match="cannot reach the Dask scheduler"):
        build([ROOT / "data" / "articles"], store=tmp_path / "store", scheduler="tcp://127.0.0.1:9")
