"""Officials: a person's name with the office written before or after it.

"Deputy Foreign Minister Ana Quispe", "Special Secretary (United Nations) Luis Rojas",
"Ambassador Marta Soto, Additional Foreign Secretary, Ministry of Foreign Affairs of Peru",
"Mrs. Carla Vega, Additional Secretary (International Security) in the Ministry of Foreign Affairs".
A capitalised name with no office next to it is not an official: a militant leader or a
spokeswoman left unnamed gives nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from kg.extract.mentions import View
from kg.gazetteer import Gazetteer
from kg.iri import slug
from kg.model import Mention
from kg.resources import patterns
from kg.text import Token


@dataclass(frozen=True)
class Vocabulary:
    honorifics: frozenset[str]
    ranks: frozenset[str]
    offices: frozenset[str]
    title_words: frozenset[str]
    connectors: frozenset[str]
    particles: frozenset[str]
    place_first_names: frozenset[str]


@cache
def vocabulary() -> Vocabulary:
    spec = patterns("offices")
    months = [m.lower() for names in patterns("dates")["months"].values() for m in names]
    days = [d.lower() for d in patterns("dates")["weekdays"]]
    return Vocabulary(
        honorifics=frozenset(h.lower().rstrip(".") for h in spec["honorifics"]),
        ranks=frozenset(r.lower() for r in spec["ranks"]),
        offices=frozenset(o.lower() for o in spec["office_words"]),
        title_words=frozenset([w.lower() for w in spec["title_words"]] + months + days),
        connectors=frozenset(spec["connectors"]),
        particles=frozenset(spec["name_particles"]),
        place_first_names=frozenset(n.lower() for n in spec.get("place_first_names", [])),
    )


@dataclass(frozen=True)
class Found:
    """An official found in a sentence, before the state is settled."""

    name: str
    start: int  # token index of the name
    end: int
    title: str
    title_span: tuple[int, int]  # token indices of the title words (left or right of the name)
    extra_span: tuple[int, int] | None  # ", Ministry of Foreign Affairs of Peru"

    @property
    def key(self) -> str:
        return f"person/{slug(self.name)}"


def _classes(view: View, gaz: Gazetteer) -> list[str]:
    vocab = vocabulary()
    in_mention = [False] * len(view.tokens)
    for mention in view.mentions:
        for i, token in enumerate(view.tokens):
            if token.start >= mention.start and token.end <= mention.end:
                in_mention[i] = True
    classes = []
    tokens = view.tokens
    for i, token in enumerate(tokens):
        text = token.text
        low = text.lower().rstrip(".")
        nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if low in vocab.honorifics and text[:1].isupper():
            classes.append("hon")
        elif low in vocab.ranks and text[:1].isupper():
            classes.append("rank")
        elif low in vocab.offices and text[:1].isupper():
            classes.append("office")
        elif len(text) == 1 and text.isupper() and nxt == "." and not in_mention[i]:
            classes.append("initial")
        elif in_mention[i] or (text[:1].isupper() and (low in vocab.title_words or low in gaz.words)):
            classes.append("vocab")
        elif text[:1].isupper() and text.replace("-", "").replace("'", "").isalpha() and len(text) > 1:
            classes.append("name")
        elif text in vocab.connectors or text.lower() in vocab.connectors:
            classes.append("conn")
        elif text == "." and i > 0 and classes[-1] in {"initial", "hon"}:
            classes.append("dot")
        elif text in {"(", ")"}:
            classes.append("conn")
        elif text == ",":
            classes.append("comma")
        else:
            classes.append("other")
    return _first_names_that_name_places(classes, tokens, vocab)


def _first_names_that_name_places(classes: list[str], tokens: tuple[Token, ...], vocab: Vocabulary) -> list[str]:
    """A given name that also names a place is a first name after a title (an honorific, a rank, an
    office or a title word) and before another name: "Ambassador Sofia Petrova", "Deputy Foreign
    Minister Sofia Petrova", "Ambassador-at-Large for Counter-Terrorism Timur Aliyev"."""
    for i in range(1, len(classes) - 1):
        if classes[i] != "vocab" or classes[i + 1] != "name" or tokens[i].text.lower() not in vocab.place_first_names:
            continue
        before = tokens[i - 1].text.lower().rstrip(".").split("-")[-1]
        if (
            classes[i - 1] in {"hon", "rank", "office"}
            or (classes[i - 1] == "dot" and i > 1 and classes[i - 2] == "hon")
            or (classes[i - 1] == "vocab" and (before in vocab.title_words or before in vocab.offices))
        ):
            classes[i] = "name"
    return classes


def _name_runs(classes: list[str], tokens: tuple[Token, ...]) -> Iterable[tuple[int, int]]:
    """Spans of two to five name tokens (initials and particles allowed inside)."""
    vocab = vocabulary()
    i = 0
    while i < len(classes):
        if classes[i] != "name":
            i += 1
            continue
        j = i + 1
        while j < len(classes):
            if (
                classes[j] in {"name", "initial", "dot"}
                or tokens[j].text.lower() in vocab.particles
                and j + 1 < len(classes)
                and classes[j + 1] == "name"
                or tokens[j].text.lower() in vocab.particles  # "Al-Harbi"
                and j + 2 < len(classes)
                and tokens[j + 1].text == "-"
                and classes[j + 2] == "name"
                or tokens[j].text == "-"
                and j + 1 < len(classes)
                and classes[j + 1] == "name"
            ):
                j += 1
            else:
                break
        words = sum(1 for k in range(i, j) if classes[k] in {"name", "initial"})
        if 2 <= words <= 5:
            yield i, j
        i = j


def _left_title(classes: list[str], tokens: tuple[Token, ...], start: int, barrier: int) -> tuple[int, int] | None:
    """Title words ending just before ``start`` (an honorific or one comma may sit between)."""
    i = start - 1
    while i >= barrier and classes[i] in {"hon", "dot", "rank"}:
        i -= 1
    if i >= barrier and classes[i] == "comma":
        i -= 1
    end = i + 1
    depth = 0
    while i >= barrier:
        cls, text = classes[i], tokens[i].text
        if text == ")":
            depth += 1
        elif text == "(":
            depth -= 1
        if cls in {"office", "vocab", "rank", "conn"} or (depth > 0 and cls != "comma") or cls == "name":
            i -= 1
            continue
        break
    first = i + 1
    while first < end and classes[first] == "conn" and tokens[first].text not in {"("}:
        first += 1
    while end > first and classes[end - 1] == "conn" and tokens[end - 1].text != ")":
        end -= 1
    if first >= end or not _has_office(classes, first, end):
        return None
    return first, end


def _has_office(classes: list[str], start: int, end: int) -> bool:
    """An office word, or a rank that heads an office of its own ("Ambassador for Counter-Terrorism",
    "U.S. Ambassador to Kenya", "Ambassador in charge of ...")."""
    return any(
        classes[k] == "office" or (classes[k] == "rank" and k + 1 < end and classes[k + 1] == "conn")
        for k in range(start, end)
    )


def _chunk(classes: list[str], tokens: tuple[Token, ...], start: int) -> tuple[int, int] | None:
    """A comma-delimited run of title words starting at ``start``."""
    if start >= len(tokens) or not tokens[start].text[:1].isupper():
        return None
    i, depth = start, 0
    while i < len(tokens):
        text, cls = tokens[i].text, classes[i]
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
        elif depth == 0 and (cls in {"comma", "other", "hon"} or text in {";", ".", "while", "who"}):
            break
        elif depth == 0 and cls == "name" and i + 1 < len(tokens) and classes[i + 1] == "name":
            break  # another person's name
        i += 1
    end = i
    while end > start and classes[end - 1] == "conn" and tokens[end - 1].text != ")":
        end -= 1
    return (start, end) if end > start else None


def find_officials(view: View, gaz: Gazetteer) -> list[Found]:
    classes = _classes(view, gaz)
    tokens = view.tokens
    found: list[Found] = []
    barrier = 0
    for start, end in _name_runs(classes, tokens):
        before = tokens[start - 1].text.lower() if start else ""
        if before in {"of", "the", "for", "on", "to", "in", "at"}:
            continue  # part of an organisation's name ("Department of New Challenges")
        if _inside_name(classes, tokens, end):
            continue  # "... Northern Region Capacity-Building Group": the words go on into a longer name
        ranks = [k for k in range(max(barrier, start - 3), start) if classes[k] == "rank"]
        left = _left_title(classes, tokens, start, barrier)
        right = extra = None
        if end + 1 < len(tokens) and tokens[end].text == ",":
            right = _chunk(classes, tokens, end + 1)
            if right and not _has_office(classes, *right):
                extra, right = right, None
            elif right and right[1] + 1 < len(tokens) and tokens[right[1]].text == ",":
                after = _chunk(classes, tokens, right[1] + 1)
                if after and not _has_office(classes, *after):
                    extra = after
        span = left or right
        if span is None and not ranks:
            continue
        parts = [view.text[tokens[k].start - view.sentence.start : tokens[k].end - view.sentence.start] for k in ranks]
        if span:
            a, b = span
            text = view.text[tokens[a].start - view.sentence.start : tokens[b - 1].end - view.sentence.start]
            if not (ranks and left and ranks[0] >= left[0]):
                parts.append(text)
            else:
                parts = [text]
        title = ", ".join(dict.fromkeys(p.strip() for p in parts if p.strip()))
        name = _name_text(view, start, end)
        found.append(Found(name, start, end, title, span or (ranks[0], ranks[-1] + 1), extra))
        barrier = end
    return found


def _inside_name(classes: list[str], tokens: tuple[Token, ...], end: int) -> bool:
    """The words after a name run go straight on in capitals ("Capacity-Building Working Group"):
    the run is a piece of an organisation's name, not a person."""
    k = end
    if (
        k < len(tokens)
        and tokens[k].text in {"-", "\u2013"}
        and tokens[k].end == (tokens[k + 1].start if k + 1 < len(tokens) else -1)
    ):
        k += 1
    return k < len(tokens) and classes[k] in {"vocab", "office"} and tokens[k].is_capitalised


def _name_text(view: View, start: int, end: int) -> str:
    tokens = view.tokens
    text = view.text[tokens[start].start - view.sentence.start : tokens[end - 1].end - view.sentence.start]
    return " ".join(text.split())


def mentions_in(view: View, span: tuple[int, int] | None) -> list[Mention]:
    if span is None:
        return []
    tokens = view.tokens
    lo, hi = tokens[span[0]].start, tokens[span[1] - 1].end
    return [m for m in view.mentions if m.start >= lo and m.end <= hi]
