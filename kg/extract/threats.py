"""Threats: a group named as a threat to a state ("Somalia continues to face threats from Al-Shabaab").

Patterns (``data/patterns/threats.yaml``) are matched on the sentence's skeleton and on the same
skeleton with its relative clauses taken out, so that "Mali, which borders Niger, continues to
face threats from ..." speaks of Mali. A group listed with the one a pattern
found ("from the IMU and from Jamaat Ansarullah") threatens the same state, and a state listed with
the one found ("into Benin and Togo, where it poses a threat") is threatened by the same group.
"""

from __future__ import annotations

import re
from functools import cache

from kg.extract.mentions import View, compile_pattern
from kg.model import Threat
from kg.resources import patterns

_RELATIVE_AFTER = re.compile(r"(?:\s*\(<group\d+>\))?,?\s+(?:which|whom|who)\b")
_RELATIVE = re.compile(r",\s+(?:which|who)\s+[^,.;<]*(?:<state\d+>[^,.;<]*)*,")


@cache
def _spec() -> dict:
    return patterns("threats")


@cache
def _threat_patterns() -> tuple[tuple[re.Pattern[str], bool, bool], ...]:
    """Each pattern, whether states listed with the one it found are threatened too, and whether groups
    listed before a relative clause share it ("A and B, which remain active in ...": both)."""
    found = []
    for item in _spec()["threatens"]:
        if isinstance(item, dict):
            found.append(
                (
                    compile_pattern(item["pattern"]),
                    bool(item.get("list_states", True)),
                    bool(item.get("keep_list", False)),
                )
            )
        else:
            found.append((compile_pattern(item), True, False))
    return tuple(found)


@cache
def _links() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    spec = _spec()
    return (
        re.compile(spec["group_list"], re.I),
        re.compile(spec["group_parallel"], re.I),
        re.compile(spec["state_list"], re.I),
    )


def _listed(
    skeleton: str, kind: str, number: int, link: re.Pattern[str], parallel: re.Pattern[str] | None = None
) -> set[int]:
    """``number`` and the placeholders of its kind listed with it in ``skeleton``."""
    places = [(int(m.group(1)), m.start(), m.end()) for m in re.finditer(rf"<{kind}(\d+)>", skeleton)]
    joined = {number}
    changed = True
    while changed:
        changed = False
        for (a, _, a_end), (b, b_start, _) in zip(places, places[1:], strict=False):
            between = skeleton[a_end:b_start]
            linked = link.fullmatch(between) or (
                parallel is not None
                and parallel.fullmatch(between)
                and re.search(r"\bfrom\s+(?:the\s+)?$", _before(skeleton, places, a))
            )
            if linked and (a in joined) != (b in joined):
                joined |= {a, b}
                changed = True
    return joined


def _before(skeleton: str, places: list[tuple[int, int, int]], number: int) -> str:
    start = next(s for n, s, _ in places if n == number)
    return skeleton[:start]


ANTECEDENT = 999  # the placeholder number that stands for the groups a plural pronoun refers back to
_PRONOUN = re.compile(r"\b(?:them|both\s+groups|the\s+two\s+groups)\b", re.I)


@cache
def _anaphora() -> re.Pattern[str]:
    return re.compile(_spec()["group_anaphora"], re.I)


def _antecedents(views: list[View], position: int) -> list[str]:
    """The two groups "both groups" (and then "them") refers back to: the last two groups that were
    the subject of a sentence (the first group it names), within the four sentences before."""
    if not _anaphora().search(views[position].text):
        return []
    subjects: list[str] = []
    for earlier in views[max(0, position - 4) : position][::-1]:
        first = next((m.key for m in earlier.mentions if m.key.startswith("group/")), None)
        if first and first not in subjects:
            subjects.append(first)
        if len(subjects) == 2:
            return subjects
    return []


def find_threats(views: list[View]) -> list[Threat]:
    group_list, group_parallel, state_list = _links()
    threats: list[Threat] = []
    for position, view in enumerate(views):
        skeletons = [view.skeleton, _RELATIVE.sub("", view.skeleton)]
        antecedents = _antecedents(views, position)
        if antecedents and not any(m.key.startswith("group/") for m in view.mentions):
            skeletons.append(_PRONOUN.sub(f"<group{ANTECEDENT}>", view.skeleton))
        for skeleton in dict.fromkeys(skeletons):
            for regex, list_states, keep_list in _threat_patterns():
                for match in regex.finditer(skeleton):
                    number = int(match.group("group"))
                    state = int(match.group("state"))
                    states = _listed(skeleton, "state", state, state_list) if list_states else {state}
                    if number == ANTECEDENT:
                        keys = antecedents
                    else:
                        groups = _listed(skeleton, "group", number, group_list, group_parallel)
                        if not keep_list and _RELATIVE_AFTER.match(skeleton, match.end("group") + 1):
                            groups = {number}  # "..., and by AQAP, which X described as a threat": AQAP alone
                        keys = [view.mentions[g].key for g in sorted(groups)]
                    for key in keys:
                        for s in sorted(states):
                            _add(threats, key, view.mentions[s].key, view.index)
    return threats


def _add(threats: list[Threat], group: str, state: str, sentence: int) -> None:
    kinds_ok = group.startswith("group/") and state.startswith("state/")
    if kinds_ok and all((t.group, t.state) != (group, state) for t in threats):
        threats.append(Threat(group, state, sentence))


@cache
def _shared() -> re.Pattern[str]:
    return compile_pattern(_spec()["shared"])


def find_shared_threats(views: list[View], pair: tuple[str, str]) -> list[Threat]:
    """Groups named as a threat to "both our countries": a threat to each state of ``pair``."""
    group_list, group_parallel, _ = _links()
    threats: list[Threat] = []
    for view in views:
        for match in _shared().finditer(view.skeleton):
            groups = _listed(view.skeleton, "group", int(match.group("group")), group_list, group_parallel)
            for number in sorted(groups):
                for state in pair:
                    _add(threats, view.mentions[number].key, state, view.index)
    return threats
