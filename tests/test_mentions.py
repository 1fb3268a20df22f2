"""Mentions: names found in a sentence, and names that must not be."""

from __future__ import annotations

import pytest

from kg.extract.mentions import find_mentions
from kg.gazetteer import load
from kg.model import Sentence


def keys(text: str) -> list[str]:
    return [m.key for m in find_mentions(Sentence(0, 0, len(text), text), load()).mentions]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Somalia continues to face threats from Al-Shabaab.", ["state/SOM", "group/al-shabaab"]),
        ("The Islamic State claimed the attack.", ["group/islamic-state"]),
        # a longer name the gazetteer does not know is another group, not the Islamic State
        ("Islamic State Mozambique Province claimed the attack.", []),
        ("Fighters of the Al-Qaeda Sahel Branch were seen.", []),
        (
            "The talks were held in Kabul on Monday.",
            [],
        ),  # a city where something happens is a place, not its government
        ("Kabul denied the report.", ["state/AFG"]),  # a capital that speaks is its government
        ("A boat crossed Lake Chad.", []),
    ],
)
def test_mentions(text: str, expected: list[str]) -> None:
    assert keys(text) == expected
