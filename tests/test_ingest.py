"""Ingest: the four input kinds, boilerplate, datelines, and one clear error per unreadable file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import read_path

ARTICLE = """Leaders Vow Joint Action Against Militancy

Kenya and Somalia agree to share intelligence. [Image via Ministry Photo Desk]

NAIROBI: Officials of Kenya and Somalia met on Monday.

Also See: Ten things to know about the Horn of Africa

The talks will resume next year.

This news is sourced from Example Wire and is intended for informational purposes only.

Recent

Teaser about something else entirely in Chad.

Read More »"""


def one(path: Path):  # type: ignore[no-untyped-def]
    items = list(read_path(path))
    assert len(items) == 1
    return items[0]


def test_plain_text_headline_dateline_and_boilerplate(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    article = one(path)
    assert article.title == "Leaders Vow Joint Action Against Militancy"
    assert article.dateline == "Nairobi"
    assert article.text.startswith("Kenya and Somalia agree to share intelligence.")
    assert "Officials of Kenya and Somalia met on Monday." in article.text
    for gone in ("Image via", "Also See", "sourced from", "Recent", "Chad", "Read More", "NAIROBI:"):
        assert gone not in article.text
    assert article.date is None


def test_header_block(tmp_path: Path) -> None:
    path = tmp_path / "header.txt"
    path.write_text(
        "title: A Title\ndate: 2022-06-09\nsource: Wire\nurl: https://example.org/a\n---\nBody text.\n",
        encoding="utf-8",
    )
    article = one(path)
    assert (article.title, article.date, article.source, article.url) == (
        "A Title",
        dt.date(2022, 6, 9),
        "Wire",
        "https://example.org/a",
    )
    assert article.text == "Body text."


def test_header_that_never_closes_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "open.txt"
    path.write_text("title: A Title\ndate: 2022-06-09\nBody text that never had a separator.\n", encoding="utf-8")
    error = one(path)
    assert isinstance(error, InputError)
    assert "open.txt" in str(error) and "header block never closes" in str(error)


def test_html_without_scripts_and_navigation(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Page Title</title><meta property='article:published_time' content='2021-03-04T10:00'>"
        "<script>var x = 'Kabul';</script><style>p {}</style></head><body><nav>Home | World</nav>"
        "<p>First paragraph here.</p><iframe>ad</iframe><p>Second &amp; last.</p></body></html>",
        encoding="utf-8",
    )
    article = one(path)
    assert article.title == "Page Title"
    assert article.date == dt.date(2021, 3, 4)
    assert article.text == "First paragraph here.\n\nSecond & last."


def test_json_lines_with_one_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"text": "One.", "title": "T1", "date": "2020-01-02"}),
        "{broken",
        json.dumps({"title": "no text"}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    items = list(read_path(path))
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "InputError"]
    assert items[0].title == "T1" and items[0].id == "feed-1"
    assert "feed.jsonl:2" in str(items[1]) and "not valid JSON" in str(items[1])
    assert "feed.jsonl:3" in str(items[2]) and '"text"' in str(items[2])


@pytest.mark.parametrize(
    ("data", "problem"),
    [(b"", "empty"), (b"   \n", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary data")],
)
def test_unreadable_files(tmp_path: Path, data: bytes, problem: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    error = one(path)
    assert isinstance(error, InputError)
    assert "bad.txt" in str(error) and problem in str(error)


def test_encodings_are_decoded_and_normalised(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 talks in Bogot\xe1.\r\n".encode("latin-1"))
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("\ufeffZero\u200bwidth \u2018quotes\u2019.".encode("utf-16"))
    assert one(latin).text == "Café talks in Bogotá."
    assert one(utf16).text == "Zerowidth 'quotes'."
