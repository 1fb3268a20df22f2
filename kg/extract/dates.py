"""Dates in a sentence, at the precision the text gives.

"March 27, 2018", "8th April, 2004", "29 November 2018", "2018-03-27" are days; "September 2003"
a month; "in 2019" a year; "November 16" a day without a year. "On Tuesday" and "yesterday" are
resolved against the article's date, and only when the article has one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from kg.model import PartialDate
from kg.resources import patterns


@dataclass(frozen=True)
class DateSpan:
    date: PartialDate
    start: int
    end: int
    relative: bool = False


@cache
def _month_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for number, names in patterns("dates")["months"].items():
        for name in names:
            table[name.lower()] = int(number)
    return table


@cache
def _regexes() -> list[tuple[re.Pattern[str], str]]:
    names = sorted(_month_table(), key=len, reverse=True)
    month = r"(?P<month>" + "|".join(names) + r")\.?"
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    year = r"(?P<year>(?:1[89]|20)\d\d)"
    weekdays = "|".join(patterns("dates")["weekdays"])
    relative = "|".join(sorted(patterns("dates")["relative_days"], key=len, reverse=True))
    years = "|".join(re.escape(y).replace(r"\ ", r"\s+") for y in patterns("dates")["relative_years"])
    flags = re.IGNORECASE
    return [
        (re.compile(rf"\b{year}-(?P<m2>[01]\d)-(?P<d2>[0-3]\d)\b"), "iso"),
        (re.compile(rf"\b{month}\s+{day},?\s+{year}\b", flags), "mdy"),
        (re.compile(rf"\b{day}\s+(?:of\s+)?{month},?\s+{year}\b", flags), "dmy"),
        (re.compile(rf"\b{month},?\s+{year}\b", flags), "my"),
        (re.compile(rf"\b{month}\s+{day}\b(?!\s*,?\s*\d)", flags), "md"),
        (re.compile(rf"\b{day}\s+(?:of\s+)?{month}\b(?!,?\s+\d)", flags), "dm"),
        (re.compile(rf"\b(?:in|since|by|until|till|during|of|early|late|mid-)\s+{year}\b(?!\s*-)", flags), "y"),
        (re.compile(rf"\b(?:[Oo]n|[Ll]ast|[Tt]his\s+past)\s+(?P<weekday>{weekdays})\b"), "weekday"),
        (re.compile(rf"\b(?P<relative>{relative})\b", flags), "relative"),
        (re.compile(rf"\b(?P<years>{years})\b", flags), "relative_year"),
    ]


def _build(kind: str, match: re.Match[str], published: dt.date | None) -> tuple[PartialDate | None, bool]:
    groups = match.groupdict()
    months = _month_table()
    try:
        if kind == "iso":
            return PartialDate(int(groups["year"]), int(match.group("m2")), int(match.group("d2"))), False
        month = months.get((groups.get("month") or "").lower().rstrip("."))
        if kind in {"mdy", "dmy"}:
            value = dt.date(int(groups["year"]), month or 0, int(groups["day"]))
            return PartialDate.of(value), False
        if kind == "my":
            return PartialDate(int(groups["year"]), month), False
        if kind in {"md", "dm"}:
            day = int(groups["day"])
            dt.date(2000, month or 0, day)  # validates (2000 is a leap year)
            return PartialDate(None, month, day), False
        if kind == "y":
            return PartialDate(int(groups["year"])), False
    except (ValueError, TypeError):
        return None, False
    if published is None:
        return None, True
    if kind == "weekday":
        target = patterns("dates")["weekdays"].index(groups["weekday"])
        back = (published.weekday() - target) % 7
        return PartialDate.of(published - dt.timedelta(days=back)), True
    if kind == "relative":
        back = patterns("dates")["relative_days"][groups["relative"].lower()]
        return PartialDate.of(published - dt.timedelta(days=back)), True
    if kind == "relative_year":
        shift = patterns("dates")["relative_years"][" ".join(groups["years"].lower().split())]
        return PartialDate(published.year + shift), True
    return None, False


def find_dates(text: str, published: dt.date | None = None) -> list[DateSpan]:
    """Dates in ``text`` in order of appearance; overlapping forms keep the most precise one.

    Relative days ("on Tuesday", "yesterday") are returned only when ``published`` is known.
    """
    taken: list[tuple[int, int]] = []
    found: list[DateSpan] = []
    for regex, kind in _regexes():
        for match in regex.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            value, relative = _build(kind, match, published)
            taken.append((start, end))
            if value is not None:
                found.append(DateSpan(value, start, end, relative))
    return sorted(found, key=lambda d: d.start)


def resolve_year(date: PartialDate, published: dt.date | None, *, future: bool = False) -> PartialDate:
    """Give a day without a year the year that puts it nearest before (or after) the article's date."""
    if date.year is not None or published is None or date.month is None or date.day is None:
        return date
    year = published.year
    candidate = dt.date(year, date.month, date.day)
    if not future and candidate > published:
        year -= 1
    if future and candidate < published:
        year += 1
    return PartialDate(year, date.month, date.day)
