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
def _threat_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(compile_pattern(p) for p in _spec()["threatens"])


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


def find_threats(views: list[View]) -> list[Threat]:
    group_list, group_parallel, state_list = _links()
    threats: list[Threat] = []
    for view in views:
        for skeleton in dict.fromkeys((view.skeleton, _RELATIVE.sub("", view.skeleton))):
            for regex in _threat_patterns():
                for match in regex.finditer(skeleton):
                    number = int(match.group("group"))
                    groups = _listed(skeleton, "group", number, group_list, group_parallel)
                    if _RELATIVE_AFTER.match(skeleton, match.end("group") + 1):
                        groups = {number}  # "..., and by AQAP, which X described as a threat": AQAP alone
                    states = _listed(skeleton, "state", int(match.group("state")), state_list)
                    for g in sorted(groups):
                        for s in sorted(states):
                            _add(threats, view.mentions[g].key, view.mentions[s].key, view.index)
    return threats


def _add(threats: list[Threat], group: str, state: str, sentence: int) -> None:
    kinds_ok = group.startswith("group/") and state.startswith("state/")
    if kinds_ok and all((t.group, t.state) != (group, state) for t in threats):
        threats.append(Threat(group, state, sentence))
