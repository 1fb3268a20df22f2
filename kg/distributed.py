"""Extraction on a Dask cluster: each article is extracted where the cluster puts it.

Extraction is a pure function of an article (text and metadata in, everything it states out), so
an existing distributed engine can map it over many machines; records travel as the same JSON the
store caches. Linking, mapping and writing stay on the machine that runs ``kg build``: they need
all articles at once and are cheap next to extraction.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg import codec
from kg.errors import UsageError
from kg.extract import extract
from kg.model import Article, Extraction


def _extract_json(article: Article) -> str:
    return codec.dumps(extract(article))


def extract_on_cluster(articles: list[Article], *, scheduler: object) -> Iterator[Extraction]:
    """Extract on the Dask cluster at ``scheduler`` (an address such as ``tcp://host:8786``, or a Client)."""
    try:
        from distributed import Client, as_completed
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise UsageError("the dask engine needs Dask distributed: pip install 'kg[dask]'") from error
    client = scheduler if isinstance(scheduler, Client) else None
    if client is None:
        try:
            client = Client(str(scheduler), timeout="15s")
        except OSError as error:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from error
    try:
        keys = [f"kg-extract-{a.id}-{a.content_hash[:16]}" for a in articles]
        futures = client.map(_extract_json, articles, key=keys, pure=True)
        for _, text in as_completed(futures, with_results=True):
            yield codec.loads(text)
    finally:
        if client is not scheduler:
            client.close()
