"""Knowledge lives in data, not code: no name of a person, group, meeting, body, state or city of
the seed articles or the development corpus appears in the library's code."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

NAMES = [
    # people
    "Vershinin",
    "Nabeel Munir",
    "Munir",
    "Haider Shah",
    "Singhvi",
    "Romanowski",
    "Meera Shankar",
    "Safonov",
    "Herczynski",
    "Ahmad Farooq",
    "Bai Tian",
    "Tarabrin",
    "Khorasani",
    # groups and their aliases
    "Taliban",
    "TTP",
    "Daesh",
    "ISIS",
    "ISIL",
    "Khorasan",
    "Jamaat-ul-Ahrar",
    "Islamic State",
    # bodies and meetings
    "Joint Working Group",
    "Working Group to Counter",
    "Designations Dialogue",
    "Regional Anti-Terrorist",
    "Crocus",
    "Beslan",
    "Police Lines",
    # states
    "Pakistan",
    "Russia",
    "Afghanistan",
    "India",
    "Kyrgyz",
    "Belarus",
    "Tajikistan",
    "Uzbekistan",
    "Kazakhstan",
    "China",
    "Chinese",
    "Iran",
    # cities and regions
    "Moscow",
    "Islamabad",
    "Kabul",
    "New Delhi",
    "Brussels",
    "Cholpon-Ata",
    "Peshawar",
    "Krasnogorsk",
    "Khyber Pakhtunkhwa",
]


@pytest.mark.parametrize("path", sorted((ROOT / "kg").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_article_names_in_code(path) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    found = [
        name
        for name in NAMES
        if re.search(rf"(?<![A-Za-z]){re.escape(name)}(?![a-z])", text, re.IGNORECASE if len(name) > 4 else 0)
    ]
    assert not found, f"{path.relative_to(ROOT)} names {found}: move that knowledge to data/"


def test_the_check_can_fail() -> None:
    assert re.search(r"(?<![A-Za-z])Moscow(?![a-z])", "held in Moscow.")
