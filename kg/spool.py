"""Spool: extraction records written to disk as they are made, so that a build's memory does not
grow with the number of articles it extracts.

Each worker writes the full record of its article (``<id>.json``, the very file the store keeps)
and hands back only the article's compact form (what linking reads, ``kg.linkrecords.compact``) as
one line of JSON, which the build appends to ``compact.jsonl`` without reading it. Linking reads
those lines back once extraction is done; mapping reads each full record when it maps the article.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from kg import codec, gazetteer
from kg.build import PARALLEL_FROM, extract_all
from kg.extract import extract
from kg.linkrecords import compact, no_collection
from kg.model import Article, Extraction

COMPACT = "compact.jsonl"


class Spool:
    """A private folder of extraction records, removed when the build is done with it."""

    def __init__(self, folder: Path) -> None:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        self.folder = folder
        self.ids: list[str] = []

    def record(self, article_id: str) -> Path:
        return self.folder / f"{article_id}.json"

    def full(self, article_id: str) -> Extraction:
        with no_collection():
            return codec.loads(self.record(article_id).read_text(encoding="utf-8"))

    def add(self, extraction: Extraction) -> None:
        """Spool an extraction made here (a small batch, or one that came from a cluster)."""
        self.record(extraction.article.id).write_text(codec.dumps(extraction), encoding="utf-8")
        self._note(extraction.article.id, _compact_line(extraction))

    def _note(self, article_id: str, line: str) -> None:
        with (self.folder / COMPACT).open("a", encoding="utf-8") as out:
            out.write(line + "\n")
        self.ids.append(article_id)

    def compacts(self) -> list[Extraction]:
        """The compact form of every spooled extraction, in the order they came."""
        path = self.folder / COMPACT
        if not path.exists():
            return []
        with no_collection(), path.open(encoding="utf-8") as lines:
            return [codec.from_plain(Extraction, json.loads(line)) for line in lines]

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def extract_into(
    spool: Spool, articles: list[Article], *, workers: int | None = None, scheduler: object | None = None
) -> Iterator[str]:
    """Extract the articles into the spool; yields each article's id as it is done."""
    count = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if scheduler is not None or count <= 1 or len(articles) < PARALLEL_FROM:
        for extraction in extract_all(articles, workers=1 if scheduler is None else workers, scheduler=scheduler):
            spool.add(extraction)
            yield extraction.article.id
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if "fork" in methods:
        gazetteer.load()  # forked workers share it instead of each reading it again
    work = partial(_extract_to, str(spool.folder))
    chunk = max(1, min(64, len(articles) // (count * 8)))
    with ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=gazetteer.load) as pool:
        for article, line in zip(articles, pool.map(work, articles, chunksize=chunk), strict=True):
            spool._note(article.id, line)
            yield article.id


def _extract_to(folder: str, article: Article) -> str:
    """In a worker: extract, write the full record, and return the compact form as a line of JSON."""
    extraction = extract(article, gazetteer.load())
    Path(folder, f"{article.id}.json").write_text(codec.dumps(extraction), encoding="utf-8")
    return _compact_line(extraction)


def _compact_line(extraction: Extraction) -> str:
    return json.dumps(codec.to_plain(compact(extraction)), ensure_ascii=False, sort_keys=True)
