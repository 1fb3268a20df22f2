"""Profile one build of generated articles with cProfile and print the hot spots.

    python -m bench.profile [--articles 1000] [--seed 1] [--reason] [--top 25]

Extraction runs in one process here (``workers=1``) so that the profile sees it.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
from pathlib import Path

from bench.generate import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reason", action="store_true", help="profile the OWL RL reasoning too")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", help="write the raw profile to this file (for snakeviz and the like)")
    args = parser.parse_args(argv)
    from kg.build import build

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "articles"
        generate(args.articles, args.seed, folder)
        profiler = cProfile.Profile()
        profiler.enable()
        build([folder], store=Path(work) / "store", reason=args.reason, workers=1)
        profiler.disable()
    stats = pstats.Stats(profiler)
    if args.save:
        stats.dump_stats(args.save)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
