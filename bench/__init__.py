"""Benchmarks for kg: a generator of synthetic articles (``bench.generate``) and the timing harness
(``python -m bench``). Not part of the installed package."""
