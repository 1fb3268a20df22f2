"""Officials: a given name that also names a place (a city, a state) is read as a first name when a
title comes before it and another name after, and only then."""

from __future__ import annotations

from pathlib import Path

from kg.build import read_articles
from kg.extract import extract

ARTICLE = """Kenya and Georgia hold security consultations

NAIROBI, May 4 (Wire) - Kenya and Georgia held the second round of the Kenya-Georgia Security
Consultations in Nairobi on Thursday.

The Kenyan delegation was led by Ambassador Florence Wanjiru, Director for Counter-Terrorism, while
the Georgian side was headed by Deputy Foreign Minister Jordan Beridze.

Ms. Victoria Achieng, Special Envoy for the Horn of Africa, also attended the talks in Nairobi.
"""


def officials(text: str, tmp_path: Path) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    articles, errors = read_articles([path])
    assert not errors
    return {o.name: (o.state, o.titles) for o in extract(articles[0]).officials}


def test_a_first_name_that_names_a_place_after_a_title(tmp_path: Path) -> None:
    found = officials(ARTICLE, tmp_path)
    assert found["Jordan Beridze"][1] == ("Deputy Foreign Minister",)  # after an office
    assert found["Victoria Achieng"][1] == ("Special Envoy for the Horn of Africa",)  # after an honorific
    assert found["Florence Wanjiru"][1] == ("Ambassador, Director for Counter-Terrorism",)


def test_without_a_title_before_it_the_word_names_the_place(tmp_path: Path) -> None:
    """Precision first: "Jordan" with no title before it stays the state it names."""
    text = ARTICLE.replace("Deputy Foreign Minister Jordan Beridze", "Jordan Beridze, Deputy Foreign Minister,")
    found = officials(text, tmp_path)
    assert not any(name.startswith("Jordan") for name in found)
    assert "Victoria Achieng" in found


def test_a_place_that_is_not_a_given_name_is_never_a_first_name(tmp_path: Path) -> None:
    text = ARTICLE.replace("Jordan Beridze", "Tbilisi Beridze")
    found = officials(text, tmp_path)
    assert not any(name.startswith("Tbilisi") for name in found)
    assert "Victoria Achieng" in found


def test_an_official_named_after_another_state_is_not_given_the_datelines(tmp_path: Path) -> None:
    """Datelined in Nairobi, with no meeting read (the body's name breaks across a line), the unplaced
    officials of the article serve Kenya; but "... while the Georgian side was headed by B" may make B
    Georgian: B gets Georgia or no state, never Kenya."""
    found = officials(ARTICLE, tmp_path)
    assert found["Florence Wanjiru"][0] == "state/KEN"
    assert found["Jordan Beridze"][0] != "state/KEN"
