"""Ingest: files in, ``Article`` records out.

Reads plain text as published, text with a header block (``title:``/``date:``/``source:``/``url:``
then ``---``), HTML and JSON lines. Strips site boilerplate by the patterns in
``data/patterns/boilerplate.yaml``, keeps a dateline ("NAIROBI:") as a place clue, and
normalises Unicode. Unreadable input raises ``InputError`` naming the file and the problem.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from kg.errors import InputError
from kg.extract.dates import find_dates
from kg.model import Article, PartialDate
from kg.resources import patterns

SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ".jsonl", ".ndjson"}
HEADER_KEYS = ("title", "date", "source", "url", "publisher", "author")
MAX_BYTES = 10 * 1024 * 1024  # one article; a bigger file is a dump to split, not an article
MAX_DUMP_BYTES = 2 * 1024 * 1024 * 1024  # a JSON lines file of many articles

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2011": "-",
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u200e": None,
        "\u200f": None,
    }
)


@dataclass(frozen=True)
class Source:
    """Raw text of one article and where it came from, before cleaning."""

    path: str
    ident: str
    raw: str
    digest: str
    header: dict[str, str]
    notes: tuple[str, ...] = ()


def normalise(text: str) -> str:
    """NFKC, straight quotes, no zero-width or direction marks, ``\\n`` line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFKC", text).translate(_TRANSLATE)


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Bytes to text, and the encoding read: UTF-8 (with or without BOM), UTF-16 with BOM, else
    Windows-1252, else Latin-1 (which reads any bytes)."""
    if not data.strip():
        raise InputError(path, "the file is empty", hint="nothing to read; remove it or add the article text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    if b"\x00" in data[:4096]:
        offset = data.index(b"\x00")
        raise InputError(path, f"binary data (NUL byte at offset {offset})", hint="give text, HTML or JSON lines")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as error:
        where = error.start
    try:
        return data.decode("cp1252"), f"Windows-1252 (not UTF-8 from byte {where})"
    except UnicodeDecodeError:
        return data.decode("latin-1"), f"Latin-1 (not UTF-8 from byte {where})"


GENERIC_STEMS = {"article", "index", "text", "body", "content", "story"}


def article_id(path: Path, suffix: str = "") -> str:
    """The file's stem as a slug; a generic stem ("article.txt") takes its folder's name instead."""
    name = path.parent.name if path.stem.lower() in GENERIC_STEMS and path.parent.name else path.stem
    stem = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_") or "article"
    return stem + suffix


# ----------------------------------------------------------------------------------- readers


def split_header(text: str, path: str) -> tuple[dict[str, str], str]:
    """Split a ``key: value`` header block ended by ``---`` from the body."""
    lines = text.lstrip("\n").split("\n")
    first = re.match(r"^([a-z_]+):\s*(.*)$", lines[0]) if lines else None
    if not first or first.group(1) not in HEADER_KEYS:
        return {}, text
    header: dict[str, str] = {}
    for number, line in enumerate(lines):
        if line.strip() == "---":
            return header, "\n".join(lines[number + 1 :])
        match = re.match(r"^([A-Za-z_]+):\s*(.*)$", line)
        if match:
            header[match.group(1).lower()] = match.group(2).strip()
        elif line.strip() and number > 12:
            break
    raise InputError(path, "the header block never closes", line=1, hint="end the header with a line holding only ---")


def parse_date(value: str | None) -> dt.date | None:
    if not value or value.strip().lower() in {"unknown", "n/a", "none", ""}:
        return None
    match = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


class _TextOfHtml(HTMLParser):
    """Collects the visible text of a page block by block, skipping scripts, styles and navigation."""

    SKIP = {
        "script",
        "style",
        "iframe",
        "noscript",
        "nav",
        "footer",
        "aside",
        "form",
        "svg",
        "template",
        "head",
    }
    BLOCK = {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "li",
        "br",
        "section",
        "article",
        "blockquote",
        "tr",
        "header",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skipping = 0
        self.title: str | None = None
        self.in_title = False
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            name = values.get("property") or values.get("name") or ""
            if name in {"article:published_time", "date", "og:url", "og:title", "og:site_name"}:
                self.meta[name] = values.get("content", "")
        if tag == "title":
            self.in_title = True
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title = (self.title or "") + data
        elif not self.skipping:
            self.current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []


def read_html(text: str) -> tuple[dict[str, str], str]:
    parser = _TextOfHtml()
    parser.feed(text)
    parser.close()
    parser._flush()
    header = {
        "title": (parser.meta.get("og:title") or parser.title or "").strip(),
        "date": parser.meta.get("article:published_time") or parser.meta.get("date", ""),
        "url": parser.meta.get("og:url", ""),
        "source": parser.meta.get("og:site_name", ""),
    }
    blocks = parser.blocks
    if blocks and header["title"] and blocks[0] == header["title"]:
        blocks = blocks[1:]
    return {k: v for k, v in header.items() if v}, "\n\n".join(blocks)


def sources_of(path: Path) -> Iterator[Source | InputError]:
    """The raw articles in one file (several for JSON lines); errors are yielded, not raised."""
    name = str(path)
    try:
        size = path.stat().st_size
        lines = path.suffix.lower() in {".jsonl", ".ndjson"}  # a dump of many articles: each line is checked
        if size > (MAX_DUMP_BYTES if lines else MAX_BYTES):
            limit = MAX_DUMP_BYTES if lines else MAX_BYTES
            yield InputError(name, f"too large ({size} bytes; the limit is {limit})", hint="split it")
            return
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        decoded, encoding = decode(data, name)
        text = normalise(decoded)
    except InputError as error:
        yield error
        return
    except OSError as error:
        yield InputError(name, f"cannot be read: {error.strerror or error}")
        return
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        yield from _json_lines(path, text)
        return
    try:
        if suffix in {".html", ".htm"} or re.match(r"\s*(<!doctype html|<html)", text[:200], re.I):
            header, body = read_html(text)
        else:
            header, body = split_header(text, name)
    except InputError as error:
        yield error
        return
    notes = () if encoding in {"UTF-8", "UTF-16"} else (f"read as {encoding}; check its accents",)
    yield Source(name, article_id(path), body, digest, header, notes)


def _json_lines(path: Path, text: str) -> Iterator[Source | InputError]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_BYTES:
            yield InputError(str(path), f"one article of {len(line)} characters; the limit is {MAX_BYTES}", line=number)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield InputError(str(path), f"not valid JSON ({error.msg}, column {error.colno})", line=number)
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
            yield InputError(str(path), 'a JSON line needs a non-empty "text" field', line=number)
            continue
        header = {k: str(record[k]) for k in ("title", "date", "url", "source") if record.get(k)}
        ident = article_id(Path(str(record.get("id") or f"{path.stem}-{number}")))
        digest = hashlib.sha256(line.encode("utf-8")).hexdigest()
        yield Source(f"{path}:{number}", ident, normalise(record["text"]), digest, header)


# ----------------------------------------------------------------------------------- cleaning


@cache
def _rules() -> dict[str, object]:
    spec = patterns("boilerplate")
    flags = re.IGNORECASE
    return {
        "drop_lines": [re.compile(p, flags) for p in spec["drop_lines"]],
        "drop_spans": [re.compile(p, flags) for p in spec["drop_spans"]],
        "trailer_starts": [re.compile(p, flags) for p in spec["trailer_starts"]],
        "teaser": re.compile(spec["teaser_marker"], flags),
        "dateline": re.compile(spec["dateline"]),
    }


def strip_boilerplate(body: str) -> str:
    """The body without teasers, "Also See" lines, image credits and the trailing site furniture."""
    rules = _rules()
    kept: list[str] = []
    lines = body.split("\n")
    skip_to = 0
    for number, line in enumerate(lines):
        if number < skip_to:
            continue
        if any(p.search(line) for p in rules["trailer_starts"]):  # type: ignore[attr-defined]
            break
        if rules["teaser"].search(line):  # type: ignore[attr-defined]
            block = number + 1
            while block < len(lines) and lines[block].strip():
                block += 1
            if block - number > 2:  # "Read More »" over a headline and its summary: the teaser follows
                skip_to = block
                continue
            while kept and not kept[-1].strip():
                kept.pop()
            while kept and kept[-1].strip():
                kept.pop()
            continue
        if any(p.search(line) for p in rules["drop_lines"]):  # type: ignore[attr-defined]
            continue
        for span in rules["drop_spans"]:  # type: ignore[attr-defined]
            line = span.sub("", line)
        kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _title_of(body: str) -> tuple[str | None, str]:
    """A plain-text article often opens with its headline: one short line without a full stop."""
    parts = body.split("\n\n", 1)
    first = parts[0].strip()
    if (
        len(parts) == 2
        and "\n" not in first
        and 0 < len(first) <= 250
        and not re.search(r"[.!?:;,]$", first)
        and not _rules()["dateline"].match(first)  # type: ignore[attr-defined]
    ):
        return first, parts[1]
    return None, body


def _dateline_of(body: str) -> tuple[str | None, PartialDate | None, str]:
    """The dateline's place, the day it gives if any ("Lima, 2020-05-04 —", "Lima, May 4 -"), and the rest."""
    match = _rules()["dateline"].match(body)  # type: ignore[attr-defined]
    if not match:
        return None, None, body
    place = match.group("place")
    if len(place) > 40 or place.lower() in {"update", "note", "editor's note", "begin text"}:
        return None, None, body
    when = None
    for span in find_dates(match.group("when") or ""):
        if span.date.month is not None and span.date.day is not None:
            when = span.date
            break
    return place, when, body[match.end() :]


def _full(date: PartialDate | None) -> dt.date | None:
    if date is None or date.year is None or date.month is None or date.day is None:
        return None
    return dt.date(date.year, date.month, date.day)


def to_article(source: Source) -> Article:
    header = source.header
    body = strip_boilerplate(source.raw)
    title = header.get("title") or None
    if title is None:
        title, body = _title_of(body)
    else:
        title = normalise(title)
    paragraphs = body.split("\n\n")
    dateline = dated = None
    for number, paragraph in enumerate(paragraphs[:3]):
        dateline, dated, paragraphs[number] = _dateline_of(paragraph)
        if dateline:
            break
    body = "\n\n".join(paragraphs)
    return Article(
        id=source.ident,
        path=source.path,
        text=body.strip(),
        content_hash=source.digest,
        title=title,
        date=parse_date(header.get("date")) or _full(dated),  # a header's date first, else the dateline's
        source=header.get("source") or None,
        url=header.get("url") or None,
        dateline=dateline.title() if dateline and dateline.isupper() else dateline,
        dateline_date=dated,
        notes=source.notes,
    )


def read_path(path: Path) -> Iterator[Article | InputError]:
    for item in sources_of(path):
        yield item if isinstance(item, InputError) else to_article(item)


def collect(inputs: Iterable[str | Path]) -> Iterator[Path | InputError]:
    """Article files named by the inputs: files as given, folders walked in sorted order."""
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUFFIXES and not child.name.startswith("."):
                    yield child
        elif path.is_file():
            yield path
        else:
            yield InputError(str(path), "no such file or folder")


def read_all(inputs: Iterable[str | Path]) -> Iterator[Article | InputError]:
    """Every article under the inputs, in a stable order; unreadable ones as ``InputError`` values."""
    for item in collect(inputs):
        if isinstance(item, InputError):
            yield item
        else:
            yield from read_path(item)
