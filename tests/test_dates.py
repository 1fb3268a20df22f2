"""Dates at the precision the text gives; relative days only against a known article date."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.extract.dates import find_dates, resolve_year
from kg.model import PartialDate


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("held on March 27, 2018 in", None, ["2018-03-27"]),
        ("held on 8th April, 2004 in", None, ["2004-04-08"]),
        ("held yesterday, 29 November 2018", dt.date(2018, 11, 30), ["2018-11-29", "2018-11-29"]),
        ("on Mar. 22, 2024, a", None, ["2024-03-22"]),
        ("the 2021-03-04 session", None, ["2021-03-04"]),
        ("since the last meeting in September 2003.", None, ["2003-09"]),
        ("the next meeting in 2026.", None, ["2026"]),
        ("held here on November 16.", None, ["--11-16"]),
        ("met on Tuesday.", None, []),
        ("met on Tuesday.", dt.date(2022, 6, 9), ["2022-06-07"]),
        ("said yesterday", None, []),
        ("killed 30 people in 2019-2020", None, []),
    ],
)
def test_find_dates(text: str, published: dt.date | None, expected: list[str]) -> None:
    assert [d.date.literal()[0] for d in find_dates(text, published)] == expected


def test_day_without_year_takes_the_year_before_the_article() -> None:
    assert resolve_year(PartialDate(None, 11, 16), dt.date(2023, 11, 17)) == PartialDate(2023, 11, 16)
    assert resolve_year(PartialDate(None, 12, 30), dt.date(2024, 1, 2)) == PartialDate(2023, 12, 30)
    assert resolve_year(PartialDate(None, 11, 16), None) == PartialDate(None, 11, 16)


def test_partial_date_literals() -> None:
    assert PartialDate(2023, 11).literal() == ("2023-11", "gYearMonth")
    assert PartialDate(None, 11, 16).agrees_with(PartialDate(2023, 11, 16))
    assert not PartialDate(2023, 10, 16).agrees_with(PartialDate(2023, 11, 16))
