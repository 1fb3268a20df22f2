"""Target 7: a Dask build of generated articles on a two-worker local cluster equals a local build.

    python -m bench.distributed [--articles 1000] [--seed 1]

Builds the same articles twice into fresh stores, once extracting on a ``LocalCluster`` with two
worker processes (``kg build --engine dask``) and once locally, and compares the stores quad by
quad (the graphs have no blank nodes, so equal quads mean isomorphic graphs). Prints the times and
the verdict; exits 1 when the stores differ.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.generate import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.distributed")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from distributed import LocalCluster

    from kg.build import build
    from kg.store import Location

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "articles"
        generate(args.articles, args.seed, folder)
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            start = time.perf_counter()
            on_cluster = build([folder], store=Path(work) / "dask" / "store", scheduler=cluster.scheduler_address)
            dask_seconds = time.perf_counter() - start
        start = time.perf_counter()
        local = build([folder], store=Path(work) / "local" / "store")
        local_seconds = time.perf_counter() - start
        dask_quads = {str(q) for q in Location(Path(work) / "dask" / "store").open()}
        local_quads = {str(q) for q in Location(Path(work) / "local" / "store").open()}
    same = dask_quads == local_quads and sorted(on_cluster.extracted) == sorted(local.extracted)
    extracted = f"extracted on the cluster: {len(on_cluster.extracted)}, locally: {len(local.extracted)}"
    print(f"articles: {args.articles} ({extracted})")
    print(f"dask build (LocalCluster, 2 workers): {dask_seconds:.1f} s; local build: {local_seconds:.1f} s")
    only = f"only in dask: {len(dask_quads - local_quads)}, only local: {len(local_quads - dask_quads)}"
    print(f"quads: {len(dask_quads)} (dask) vs {len(local_quads)} (local); {only}")
    print("isomorphic: yes" if same else "isomorphic: NO")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
