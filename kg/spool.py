"""Spool: extraction records written to disk as they are made, so that a build's memory does not
grow with the number of articles it extracts.

Each worker writes the full record of its article (``<id>.json``, the very file the store keeps)
and hands back only the article's compact form (what linking reads, ``kg.linkrecords.compact``) as
one line of JSON, which the build appends to ``compact.jsonl`` without reading it. Linking reads
those lines back once extraction is done; mapping reads each full record when it maps the article.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TextIO

from kg import codec, gazetteer
from kg.build import chunk_size, extract_all, local_workers, worker_pool
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
        self._lines: TextIO | None = None  # compact.jsonl, open while records come in

    def record(self, article_id: str) -> Path:
        return self.folder / f"{article_id}.json"

    def full(self, article_id: str) -> Extraction:
        with no_collection():
            return codec.loads(self.record(article_id).read_text(encoding="utf-8"))

    def add(self, extraction: Extraction) -> None:
        """Spool an extraction made here (a small batch, or one that came from a cluster)."""
        self.record(extraction.article.id).write_text(codec.dumps(extraction), encoding="utf-8")
        self.note(extraction.article.id, _compact_line(extraction))

    def note(self, article_id: str, line: str) -> None:
        """Record that the article is spooled, with its compact form (a line of JSON)."""
        if self._lines is None:
            self._lines = (self.folder / COMPACT).open("a", encoding="utf-8")
        self._lines.write(line + "\n")
        self.ids.append(article_id)

    def compacts(self) -> list[Extraction]:
        """The compact form of every spooled extraction, in the order they came."""
        if self._lines is not None:
            self._lines.close()
            self._lines = None
        path = self.folder / COMPACT
        if not path.exists():
            return []
        with no_collection(), path.open(encoding="utf-8") as lines:
            return [codec.from_plain(Extraction, json.loads(line)) for line in lines]

    def close(self) -> None:
        if self._lines is not None:
            self._lines.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def extract_into(
    spool: Spool, articles: list[Article], *, workers: int | None = None, scheduler: object | None = None
) -> Iterator[str]:
    """Extract the articles into the spool; yields each article's id as it is done."""
    count = local_workers(workers, len(articles))
    if scheduler is not None or count == 1:
        for extraction in extract_all(articles, workers=1 if scheduler is None else workers, scheduler=scheduler):
            spool.add(extraction)
            yield extraction.article.id
        return
    work = partial(_extract_to, str(spool.folder))
    with worker_pool(count) as pool:
        for article, line in zip(
            articles, pool.map(work, articles, chunksize=chunk_size(len(articles), count)), strict=True
        ):
            spool.note(article.id, line)
            yield article.id


def _extract_to(folder: str, article: Article) -> str:
    """In a worker: extract, write the full record, and return the compact form as a line of JSON."""
    extraction = extract(article, gazetteer.load())
    Path(folder, f"{article.id}.json").write_text(codec.dumps(extraction), encoding="utf-8")
    return _compact_line(extraction)


def _compact_line(extraction: Extraction) -> str:
    return json.dumps(codec.to_plain(compact(extraction)), ensure_ascii=False, sort_keys=True)
