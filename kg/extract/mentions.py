"""Mentions: the known states, organisations and groups that a sentence names, and its skeleton.

The *skeleton* of a sentence is its text with every mention replaced by a placeholder such as
``<state0>`` or ``<group1>``, so that patterns in ``data/patterns/`` can say
``{STATE} faces threats from {GROUP}`` without knowing any name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.gazetteer import Entry, Gazetteer, Match, token_key
from kg.model import Mention, Sentence
from kg.resources import patterns
from kg.text import Token, tokenize

PLACEHOLDER = re.compile(r"<(state|org|group|govbody|person|place)(\d+)>")


@dataclass(frozen=True)
class View:
    """A sentence with its tokens, mentions and skeleton."""

    sentence: Sentence
    tokens: tuple[Token, ...]
    mentions: tuple[Mention, ...]
    skeleton: str

    @property
    def index(self) -> int:
        return self.sentence.index

    @property
    def text(self) -> str:
        return self.sentence.text

    def local(self, mention: Mention) -> tuple[int, int]:
        return mention.start - self.sentence.start, mention.end - self.sentence.start

    def placeholder(self, kind: str, number: str) -> Mention:
        return self.mentions[int(number)]


@cache
def _metonymy_verbs() -> frozenset[str]:
    return frozenset(patterns("mentions")["metonymy_verbs"])


def _is_government(tokens: list[Token], match: Match) -> bool:
    verbs = _metonymy_verbs()
    after = tokens[match.end].text if match.end < len(tokens) else ""
    before = [t.text.lower() for t in tokens[max(0, match.start - 2) : match.start]]
    if after.lower() in verbs:
        return True
    return len(before) == 2 and before[1] == "by" and before[0] in verbs


def _national(tokens: list[Token], match: Match, gaz: Gazetteer) -> Entry | None:
    """A name that an organisation shares with a national body ("Security Council") is the national
    body when a state follows: "the Security Council of the Republic of Chile"."""
    words = [t.text.lower() for t in tokens[match.start : match.end]]
    bodies = [e for e in gaz.anycase.get(token_key(words), []) if e.role == "govbody"]
    if not bodies or not match.entries[0].key.startswith("org/"):
        return None
    k = match.end
    if k < len(tokens) and tokens[k].text == "of":
        k += 1 + (k + 1 < len(tokens) and tokens[k + 1].text.lower() == "the")
        following = gaz.find(tokens[k:])
        if following and following[0].start == 0 and following[0].entries[0].key.startswith("state/"):
            return bodies[0]
    return None


def _kind(key: str) -> str:
    return key.split("/", 1)[0]


def find_mentions(sentence: Sentence, gaz: Gazetteer) -> View:
    tokens = tokenize(sentence.text, sentence.start)
    mentions: list[Mention] = []
    skip_until = -1
    for match in gaz.find(tokens):
        if match.start < skip_until:
            continue
        entry = _national(tokens, match, gaz) or match.entries[0]
        if entry.role == "geo" or (entry.role == "capital" and not _is_government(tokens, match)):
            continue
        longer = _longer_group_name(tokens, match.end) if entry.key.startswith("group/") else None
        if longer is not None:
            skip_until = longer  # "<Group> Northern Province": another group, not <Group> itself
            continue
        if entry.key.startswith("org/") and _longer_body_name(tokens, match.end):
            continue  # "<Department> for Internal Example": a longer name of another body
        start, end = tokens[match.start].start, tokens[match.end - 1].end
        surface = sentence.text[start - sentence.start : end - sentence.start]
        mentions.append(Mention(entry.key, surface, start, end, sentence.index, entry.role))
    return View(sentence, tuple(tokens), tuple(mentions), skeleton_of(sentence, mentions))


def _longer_group_name(tokens: list[Token], end: int) -> int | None:
    """The end of a longer name that a known group's name starts ("... Somalia Province"), if any.

    Up to three capitalised words followed by a word such as "Province" or "Faction" make the
    name of another group (an affiliate the gazetteer does not know): better no mention than a false one.
    """
    tails = _group_tails()
    for width in range(0, 4):
        words = tokens[end : end + width + 1]
        if len(words) < width + 1 or not all(w.text[:1].isupper() for w in words):
            return None
        if words[-1].text.lower() in tails:
            return end + width + 1
    return None


def _longer_body_name(tokens: list[Token], end: int) -> bool:
    """An organisation's name followed by a linking word and two capitalised words ("... for Internal
    Security") is the start of the name of another body that the gazetteer does not know."""
    words = tokens[end : end + 3]
    if len(words) < 3 or words[0].text not in _body_links():
        return False
    return all(w.text[:1].isupper() for w in words[1:])


@cache
def _body_links() -> frozenset[str]:
    return frozenset(patterns("mentions").get("body_name_links", []))


@cache
def _group_tails() -> frozenset[str]:
    return frozenset(w.lower() for w in patterns("mentions").get("group_name_tails", []))


def skeleton_of(sentence: Sentence, mentions: list[Mention]) -> str:
    parts: list[str] = []
    cursor = sentence.start
    for number, mention in enumerate(mentions):
        if mention.start < cursor:
            continue  # a second reading of the same words (two owners of one ministry)
        parts.append(sentence.text[cursor - sentence.start : mention.start - sentence.start])
        parts.append(f"<{_kind(mention.key)}{number}>")
        cursor = mention.end
    parts.append(sentence.text[cursor - sentence.start :])
    return "".join(parts)


def compile_pattern(template: str) -> re.Pattern[str]:
    """Turn ``{STATE} faces threats from {GROUP}`` into a regex over skeletons.

    Placeholders are ``{STATE}``, ``{GROUP}``, ``{ORG}``, ``{GOVBODY}`` (a second of a kind is
    ``{STATE2}``); each becomes a named group holding the mention's number.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        kind = name.rstrip("0123456789")
        return f"<{kind}(?P<{name}>\\d+)>"

    return re.compile(re.sub(r"\{([A-Z]+\d?)\}", replace, template), re.IGNORECASE)
