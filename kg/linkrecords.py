"""Link records: what linking needs of each article, kept in the store beside its full extraction.

Linking decides across all articles (which meetings are one, which date a node keeps), so every
update links all articles again; reading every full extraction record for that took longer than
the rest of an update. A link record is the extraction without its text, sentences and mentions,
plus the entity keys its graph refers to and a signature of the link decisions it was mapped
with: an article whose signature stays the same keeps its graph in the store as it is.

The records live in segments, one file per update (``links/000001.jsonl``, ...): the last line
about an article wins, a line without a record forgets it, and many segments are merged into one.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from kg import codec
from kg.link import Linked
from kg.mapping import Minter, referenced_keys
from kg.model import Extraction
from kg.store import LINKS as FOLDER
from kg.triples import Triple

MERGE_AT = 8  # segments: past this many, an update writes them all as one


@dataclass(frozen=True)
class LinkRecord:
    extraction: Extraction  # without text, sentences and mentions
    keys: tuple[str, ...]  # the things its graph refers to (for the entities graph)
    signature: str  # of the link decisions its graph was mapped with


def compact(extraction: Extraction) -> Extraction:
    """What linking and the entities graph read of an extraction (a fifth of its size), and the notes
    on how its article was read."""
    article = replace(extraction.article, text="")
    return replace(extraction, article=article, sentences=(), mentions=(), threats=(), notes=())


def signature(extraction: Extraction, linked: Linked) -> str:
    """A digest of every link decision the article's graph depends on (see ``kg.mapping.article_triples``)."""
    article = extraction.article.id
    parts: list[tuple[object, ...]] = []
    for meeting in extraction.meetings:
        ref = (article, meeting.local)
        key = linked.meetings[ref]
        node = linked.meeting_nodes[key]
        date = node.date.literal() if node.date is not None and ref in node.date_from else None
        place = node.place if ref in node.place_from else None
        parts.append(("meeting", meeting.local, key, date, place))
    for attack in extraction.attacks:
        ref = (article, attack.local)
        key = linked.attacks[ref]
        kept = sorted(field for field, r in linked.attack_nodes[key].kept if r == ref)
        parts.append(("attack", attack.local, key, *kept))
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


@contextmanager
def no_collection() -> Iterator[None]:
    """Decoding makes millions of small objects, none of them garbage: the collector only slows it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read(store_folder: Path) -> dict[str, LinkRecord] | None:
    """Every article's link record, or None when the store keeps none (a store made before them)."""
    folder = store_folder / FOLDER
    if not folder.is_dir():
        return None
    records: dict[str, LinkRecord] = {}
    with no_collection():
        for segment in sorted(folder.glob("*.jsonl")):
            with segment.open(encoding="utf-8") as lines:
                for line in lines:
                    item = json.loads(line)
                    if item["record"] is None:
                        records.pop(item["id"], None)
                    else:
                        records[item["id"]] = codec.from_plain(LinkRecord, item["record"])
    return records


def records(
    extractions: Iterable[Extraction], graphs: Mapping[str, Iterable[Triple]], linked: Linked, mint: Minter
) -> dict[str, LinkRecord]:
    """The link records of articles mapped with ``linked`` into ``graphs``."""
    return {
        ex.article.id: LinkRecord(
            compact(ex), tuple(sorted(referenced_keys(graphs[ex.article.id], mint))), signature(ex, linked)
        )
        for ex in extractions
    }


def write(
    store_folder: Path,
    changed: Mapping[str, LinkRecord | None],
    everything: Mapping[str, LinkRecord],
    *,
    merge: bool = False,
) -> Path:
    """Add a segment with the changed records (None: forgotten), or write ``everything`` as the one
    segment when asked to or when there are many. Returns the file written."""
    folder = store_folder / FOLDER
    folder.mkdir(exist_ok=True)
    segments = sorted(folder.glob("*.jsonl"))
    number = int(segments[-1].stem) + 1 if segments else 1
    items: Mapping[str, LinkRecord | None] = changed
    if merge or len(segments) >= MERGE_AT:
        for segment in segments:
            segment.unlink()
        items = everything
    path = folder / f"{number:06d}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for article_id, record in sorted(items.items()):
            plain = codec.to_plain(record) if record is not None else None
            out.write(json.dumps({"id": article_id, "record": plain}, ensure_ascii=False, sort_keys=True) + "\n")
    return path
