"""Evaluate: score a graph against an annotator's gold file (the format of ``GOLD-FORMAT.md``).

Facts are compared by meaning: an entity by any of its labels (case, punctuation and honorifics
aside), a date at the same precision, a number exactly, a place by its city or venue, a title by
its words. Precision is true facts over all facts the graph states for the article; recall is gold
facts found over all gold facts. A meeting or attack the graph states without a sentence of the
article, or an entity it does not say the article mentions, is not a fact of that article.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, SKOS, Graph, URIRef

from kg.triples import as_graph
from kg.vocab import CTKG

CATEGORIES = ("states", "officials", "organisations", "threat_groups", "meetings", "attacks", "threatens")
HONORIFICS = {"mr", "mrs", "ms", "dr", "he", "h e", "shri", "smt", "sri", "ambassador", "his excellency"}
STOP = {"of", "the", "in", "for", "on", "and", "at", "to", "s"}


def norm(text: object) -> str:
    """Lower case, no accents, punctuation or honorifics: "H.E. Mr. Jonas K. Berg" -> "jonas k berg"."""
    value = str(text).replace("\u2019", "'").replace("\u2013", "-")
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    value = re.sub(r"['’]s\b", "", value)
    words = re.findall(r"[a-z0-9]+", value)
    while words and (words[0] in HONORIFICS or " ".join(words[:2]) in HONORIFICS):
        words = words[2:] if " ".join(words[:2]) in HONORIFICS else words[1:]
    return " ".join(words)


def words(text: object) -> set[str]:
    return {w for w in norm(text).split() if w not in STOP}


@dataclass(frozen=True)
class Fact:
    category: str
    text: str  # readable form, for --explain
    evidence: str = ""


@dataclass
class Score:
    """Counts of one category: graph facts found true, all graph facts, gold facts found, all gold facts."""

    true: int = 0
    stated: int = 0
    found: int = 0
    gold: int = 0
    false: list[Fact] = field(default_factory=list)
    missed: list[Fact] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true / self.stated if self.stated else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.true += other.true
        self.stated += other.stated
        self.found += other.found
        self.gold += other.gold
        self.false += other.false
        self.missed += other.missed


class View:
    """What the graph says about one article, with label lookups."""

    def __init__(self, graph: Graph, article: URIRef) -> None:
        self.g = graph
        self.article = article

    def labels(self, node: object) -> set[str]:
        names = {norm(o) for o in self.g.objects(node, RDFS.label)}  # type: ignore[arg-type]
        names |= {norm(o) for o in self.g.objects(node, SKOS.altLabel)}  # type: ignore[arg-type]
        return names

    def label(self, node: object) -> str:
        value = self.g.value(node, RDFS.label) if isinstance(node, URIRef) else None
        return str(value) if value is not None else str(node).rsplit("/", 1)[-1]

    def mentioned(self, cls: URIRef) -> list[URIRef]:
        nodes = {s for s in self.g.subjects(CTKG.mentionedIn, self.article) if (s, RDF.type, cls) in self.g}
        return sorted(n for n in nodes if isinstance(n, URIRef))

    def stated(self, cls: URIRef) -> list[URIRef]:
        nodes = {s for s in self.g.subjects(CTKG.source, self.article) if (s, RDF.type, cls) in self.g}
        return sorted(n for n in nodes if isinstance(n, URIRef) and (n, CTKG.evidence, None) in self.g)

    def is_(self, node: object, name: object) -> bool:
        return node is not None and norm(name) in self.labels(node)

    def place_is(self, node: object, gold: object) -> bool:
        """A place by its city or venue: "Grand Hotel, Mombasa (Kenya)" accepts either."""
        if node is None or gold is None:
            return False
        text = re.sub(r"\([^)]*\)", "", str(gold))
        parts = {norm(p) for p in text.split(",") if p.strip()}
        return bool(parts & self.labels(node))


def _set_score(category: str, stated: dict[str, URIRef], gold: Iterable[str], view: View) -> Score:
    """Entities of one class: each stated node must match a gold name, each gold name a node."""
    score = Score()
    gold = list(dict.fromkeys(gold))
    matched_gold: set[str] = set()
    for key, node in stated.items():
        score.stated += 1
        hit = next((g for g in gold if view.is_(node, g)), None)
        if hit is not None:
            score.true += 1
            matched_gold.add(hit)
        else:
            score.false.append(Fact(category, key))
    score.gold = len(gold)
    score.found = len(matched_gold)
    score.missed = [Fact(category, g) for g in gold if g not in matched_gold]
    return score


def _pairs_score(category: str, stated: list[tuple[str, bool]], gold: list[str], found: set[str]) -> Score:
    score = Score(stated=len(stated), gold=len(gold), found=len(found))
    score.true = sum(ok for _, ok in stated)
    score.false = [Fact(category, text) for text, ok in stated if not ok]
    score.missed = [Fact(category, g) for g in gold if g not in found]
    return score


def score_article(graph: Graph, article: URIRef, gold: dict) -> dict[str, Score]:
    """Scores per category (and per meeting or attack field, as ``meetings.date``)."""
    view = View(graph, article)
    scores: dict[str, Score] = {}
    gold = gold or {}
    org_nodes = {
        view.label(n): n for c in (CTKG.InternationalOrganisation, CTKG.GovernmentBody) for n in view.mentioned(c)
    }
    scores["states"] = _set_score(
        "states", {view.label(n): n for n in view.mentioned(CTKG.State)}, gold.get("states") or [], view
    )
    scores["organisations"] = _set_score("organisations", org_nodes, gold.get("organisations") or [], view)
    groups = {view.label(n): n for n in view.mentioned(CTKG.ThreatGroup)}
    scores["threat_groups"] = _set_score("threat_groups", groups, gold.get("threat_groups") or [], view)
    scores.update(_officials(view, gold.get("officials") or []))
    scores.update(_meetings(view, gold.get("meetings") or []))
    scores.update(_attacks(view, gold.get("attacks") or []))
    scores["threatens"] = _threatens(view, gold.get("threatens") or [])
    return scores


def _officials(view: View, gold: list[dict]) -> dict[str, Score]:
    people = view.mentioned(CTKG.Official)
    names, titles, states = Score(), Score(), Score()
    matched: dict[int, URIRef] = {}
    for node in people:
        names.stated += 1
        index = next((i for i, g in enumerate(gold) if view.is_(node, g.get("name"))), None)
        if index is None:
            names.false.append(Fact("officials", view.label(node)))
        else:
            names.true += 1
            matched[index] = node
        for title in view.g.objects(node, CTKG.title):
            titles.stated += 1
            expected = gold[index].get("title") if index is not None else None
            if expected and _title_matches(str(title), str(expected)):
                titles.true += 1
            else:
                titles.false.append(Fact("officials.title", f"{view.label(node)}: {title}"))
        for predicate in (CTKG.represents, CTKG.representsOrganisation):
            for state in view.g.objects(node, predicate):
                states.stated += 1
                expected = gold[index].get("state") if index is not None else None
                if expected and view.is_(state, expected):
                    states.true += 1
                else:
                    states.false.append(Fact("officials.state", f"{view.label(node)}: {view.label(state)}"))
    for i, g in enumerate(gold):
        names.gold += 1
        person = matched.get(i)
        if person is not None:
            names.found += 1
        else:
            names.missed.append(Fact("officials", str(g.get("name"))))
        if g.get("title"):
            titles.gold += 1
            if person is not None and any(
                _title_matches(str(t), str(g["title"])) for t in view.g.objects(person, CTKG.title)
            ):
                titles.found += 1
            else:
                titles.missed.append(Fact("officials.title", f"{g.get('name')}: {g['title']}"))
        if g.get("state"):
            states.gold += 1
            values = []
            if person is not None:
                values = [
                    *view.g.objects(person, CTKG.represents),
                    *view.g.objects(person, CTKG.representsOrganisation),
                ]
            if any(view.is_(v, g["state"]) for v in values):
                states.found += 1
            else:
                states.missed.append(Fact("officials.state", f"{g.get('name')}: {g['state']}"))
    return {"officials": names, "officials.title": titles, "officials.state": states}


def _title_matches(stated: str, gold: str) -> bool:
    """Same office words: one title's words hold the other's."""
    a, b = words(stated), words(gold)
    return bool(a) and bool(b) and (a <= b or b <= a)


MEETING_FIELDS = (
    "body",
    "ordinal",
    "date",
    "place",
    "participants",
    "heads",
    "threats_discussed",
    "forums",
    "next_meeting",
)


MEETING_FIELDS_STATED = (
    (CTKG.ordinal, "ordinal"),
    (CTKG.date, "date"),
    (CTKG.place, "place"),
    (CTKG.participant, "participants"),
    (CTKG.participatingOrganisation, "participants"),
    (CTKG.headOfDelegation, "heads"),
    (CTKG.threatDiscussed, "threats_discussed"),
    (CTKG.forum, "forums"),
)
ATTACK_FIELDS_STATED = (
    (CTKG.place, "place"),
    (CTKG.near, "near"),
    (CTKG.date, "date"),
    (CTKG.killed, "killed"),
    (CTKG.killedQualifier, "killed_qualifier"),
    (CTKG.claimedBy, "claimed_by"),
)


def _stated(g: Graph, node: URIRef, fields: tuple[tuple[URIRef, str], ...]) -> list[tuple[str, object]]:
    """(field, value) for every value the graph gives a node under each of ``fields``' properties."""
    return [(name, value) for predicate, name in fields for value in g.objects(node, predicate)]


def _meeting_facts(view: View, node: URIRef) -> list[tuple[str, object]]:
    """(field, value) pairs the graph states for a meeting in this article."""
    g = view.g
    body = g.value(node, CTKG.meetingOf)
    facts: list[tuple[str, object]] = [("body", body if body is not None else node)]
    facts += _stated(g, node, MEETING_FIELDS_STATED)
    following = g.value(node, CTKG.nextMeeting)
    if following is not None and (following, CTKG.status, CTKG.Planned) in g:
        for value in list(g.objects(following, CTKG.plannedDate)) + list(g.objects(following, CTKG.date)):
            facts.append(("next_meeting.year", str(value)[:4]))
        for value in list(g.objects(following, CTKG.place)) + list(g.objects(following, CTKG.host)):
            facts.append(("next_meeting.place", value))
    return facts


def _meeting_gold(meeting: dict) -> list[tuple[str, object]]:
    facts: list[tuple[str, object]] = [("body", meeting.get("body"))]
    for name in ("ordinal", "date", "place"):
        if meeting.get(name) is not None:
            facts.append((name, meeting[name]))
    for name in ("participants", "heads", "threats_discussed", "forums"):
        for value in meeting.get(name) or []:
            facts.append((name, value))
    nxt = meeting.get("next_meeting") or {}
    if nxt.get("year") is not None:
        facts.append(("next_meeting.year", str(nxt["year"])))
    if nxt.get("place"):
        facts.append(("next_meeting.place", nxt["place"]))
    return facts


Same = Callable[[str, object, object], bool]


def _meeting_same(view: View) -> Same:
    def same(name: str, stated: object, gold: object) -> bool:
        if name in {"ordinal", "date", "next_meeting.year"}:
            return str(stated) == str(gold)
        if name in {"place", "next_meeting.place"}:
            return view.place_is(stated, gold)
        return view.is_(stated, gold)

    return same


def _align(
    stated: dict[URIRef, list[tuple[str, object]]], gold: list[list[tuple[str, object]]], same: Same
) -> dict[URIRef, int]:
    """Pair graph nodes with gold items, most agreeing fields first."""
    pairs = []
    for node, facts in stated.items():
        for index, expected in enumerate(gold):
            agree = sum(1 for n, v in facts for gn, gv in expected if n == gn and same(n, v, gv))
            if agree:
                pairs.append((-agree, str(node), index, node))
    result: dict[URIRef, int] = {}
    used: set[int] = set()
    for _, _, index, node in sorted(pairs):
        if node not in result and index not in used:
            result[node] = index
            used.add(index)
    return result


def _fields_score(
    prefix: str,
    view: View,
    stated: dict[URIRef, list[tuple[str, object]]],
    gold: list[list[tuple[str, object]]],
    same: Same,
) -> dict[str, Score]:
    """Field facts of aligned items: a field of an item with no gold counterpart is false."""
    scores: dict[str, Score] = defaultdict(Score)
    alignment = _align(stated, gold, same)
    for node, facts in stated.items():
        index = alignment.get(node)
        for name, value in facts:
            key = f"{prefix}.{name.split('.')[0]}"
            scores[key].stated += 1
            expected = gold[index] if index is not None else []
            if any(gn == name and same(name, value, gv) for gn, gv in expected):
                scores[key].true += 1
            else:
                shown = view.label(value) if isinstance(value, URIRef) else value
                scores[key].false.append(Fact(key, f"{view.label(node)}: {name} = {shown}", _evidence(view, node)))
    reverse = {i: n for n, i in alignment.items()}
    for index, expected in enumerate(gold):
        aligned = reverse.get(index)
        facts = stated.get(aligned, []) if aligned is not None else []
        for name, value in expected:
            key = f"{prefix}.{name.split('.')[0]}"
            scores[key].gold += 1
            if any(n == name and same(name, v, value) for n, v in facts):
                scores[key].found += 1
            else:
                scores[key].missed.append(Fact(key, f"{expected[0][1]}: {name} = {value}"))
    total = Score()
    for part in scores.values():
        total.add(part)
    result = dict(scores)
    result[prefix] = Score(total.true, total.stated, total.found, total.gold, [], [])
    return result


def _evidence(view: View, node: URIRef) -> str:
    values = sorted(str(v) for v in view.g.objects(node, CTKG.evidence))
    return values[0] if values else ""


def _meetings(view: View, gold: list[dict]) -> dict[str, Score]:
    nodes = view.stated(CTKG.Meeting)
    planned_next = {view.g.value(n, CTKG.nextMeeting) for n in nodes}
    stated = {
        n: _meeting_facts(view, n)
        for n in nodes
        if not ((n, CTKG.status, CTKG.Planned) in view.g and n in planned_next)
    }
    return _fields_score("meetings", view, stated, [_meeting_gold(m) for m in gold], _meeting_same(view))


def _attack_facts(view: View, node: URIRef) -> list[tuple[str, object]]:
    return [("name", node), *_stated(view.g, node, ATTACK_FIELDS_STATED)]


def _attack_gold(attack: dict) -> list[tuple[str, object]]:
    facts: list[tuple[str, object]] = [("name", attack.get("name"))]
    for name in ("place", "near", "date", "killed", "killed_qualifier", "claimed_by"):
        if attack.get(name) is not None:
            facts.append((name, attack[name]))
    return facts


def _attacks(view: View, gold: list[dict]) -> dict[str, Score]:
    stated = {n: _attack_facts(view, n) for n in view.stated(CTKG.Attack)}
    gold_facts = [_attack_gold(a) for a in gold]

    def same(name: str, value: object, expected: object) -> bool:
        if name in {"place", "near"}:
            return view.place_is(value, expected)
        if name in {"killed", "date", "killed_qualifier"}:
            return str(value) == str(expected)
        return view.is_(value, expected)

    return _fields_score("attacks", view, stated, gold_facts, same)


def _threatens(view: View, gold: list[dict]) -> Score:
    groups = view.mentioned(CTKG.ThreatGroup)
    stated = [(g, s) for g in groups for s in view.g.objects(g, CTKG.threatens)]
    score = Score(stated=len(stated), gold=len(gold))
    found: set[int] = set()
    for group, state in stated:
        index = next(
            (i for i, t in enumerate(gold) if view.is_(group, t.get("group")) and view.is_(state, t.get("state"))),
            None,
        )
        if index is None:
            score.false.append(Fact("threatens", f"{view.label(group)} -> {view.label(state)}"))
        else:
            score.true += 1
            found.add(index)
    score.found = len(found)
    score.missed = [
        Fact("threatens", f"{t.get('group')} -> {t.get('state')}") for i, t in enumerate(gold) if i not in found
    ]
    return score


# ----------------------------------------------------------------------------- whole corpora

TOP = (
    "states",
    "officials",
    "officials.title",
    "officials.state",
    "organisations",
    "threat_groups",
    "meetings",
    "attacks",
    "threatens",
)


@dataclass
class Evaluation:
    per_article: dict[str, dict[str, Score]]
    totals: dict[str, Score]
    overall: Score
    corpus_checks: list[tuple[str, bool]] = field(default_factory=list)
    missing_gold: list[str] = field(default_factory=list)

    def rows(self) -> list[tuple[str, Score]]:
        order = [
            "states",
            "officials",
            "officials.title",
            "officials.state",
            "organisations",
            "threat_groups",
        ]
        order += ["meetings"] + sorted(k for k in self.totals if k.startswith("meetings."))
        order += ["attacks"] + sorted(k for k in self.totals if k.startswith("attacks."))
        order += ["threatens"]
        return [(name, self.totals[name]) for name in order if name in self.totals]


def load_gold(path: object) -> dict:
    import yaml

    with open(str(path), encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def evaluate(articles: list[object], gold_dir: object, *, base: str | None = None) -> Evaluation:
    """Build each article alone and score it against ``gold_dir/<name>.yaml``; check ``corpus.yaml`` on all together."""
    from pathlib import Path

    from kg.build import assemble, read_articles
    from kg.extract import extract
    from kg.iri import DEFAULT_BASE
    from kg.mapping import Minter

    base = base or DEFAULT_BASE
    gold_root = Path(str(gold_dir))
    read, _errors = read_articles([str(a) for a in articles])
    per_article: dict[str, dict[str, Score]] = {}
    totals: dict[str, Score] = defaultdict(Score)
    missing: list[str] = []
    extractions = []
    for article in read:
        gold_file = gold_root / f"{Path(article.path).stem}.yaml"
        if not gold_file.exists():
            gold_file = Path(article.path).parent / "expected.yaml"  # a test case folder
        ex = extract(article)
        extractions.append(ex)
        if not gold_file.exists():
            missing.append(article.path)
            continue
        _, graphs, entities = assemble([ex], base=base)
        graph = as_graph(graphs[article.id] | entities)
        scores = score_article(graph, Minter(base).article(article.id), load_gold(gold_file))
        per_article[article.id] = scores
        for name, value in scores.items():
            totals[name].add(value)
    overall = Score()
    for name in TOP:
        if name in totals:
            overall.add(totals[name])
    evaluation = Evaluation(per_article, dict(totals), overall, missing_gold=missing)
    corpus_file = gold_root / "corpus.yaml"
    if corpus_file.exists() and extractions:
        _, graphs, entities = assemble(extractions, base=base)
        merged = as_graph(frozenset().union(*graphs.values(), entities))
        evaluation.corpus_checks = check_corpus(merged, load_gold(corpus_file))
    return evaluation


def check_corpus(graph: Graph, spec: dict) -> list[tuple[str, bool]]:
    """Cross-article expectations: one node per entity, one meeting per sitting, a series in order."""
    view = View(graph, URIRef("urn:none"))
    checks: list[tuple[str, bool]] = []
    everything = {s for s in graph.subjects(RDFS.label, None) if isinstance(s, URIRef)}
    for names in spec.get("same_entity") or []:
        nodes = {n for n in everything if any(view.is_(n, name) for name in names)}
        ok = len(nodes) == 1 and all(view.is_(next(iter(nodes)), name) for name in names)
        checks.append((f"one node for {' / '.join(map(str, names))}", ok))
    meetings = [n for n in graph.subjects(RDF.type, CTKG.Meeting) if isinstance(n, URIRef)]
    for expected in spec.get("same_meeting") or []:
        ok = any(_meeting_has(view, m, expected) for m in meetings)
        checks.append((f"one meeting with {expected}", ok))
    series = spec.get("series")
    if series:
        body = next((n for n in graph.subjects(RDF.type, CTKG.WorkingGroup) if view.is_(n, series.get("body"))), None)
        chain = []
        if body is not None:
            members = [m for m in meetings if (m, CTKG.meetingOf, body) in graph]
            first = [m for m in members if not any((p, CTKG.nextMeeting, m) in graph for p in members)]
            current = first[0] if len(first) == 1 else None
            while isinstance(current, URIRef) and current not in chain:
                chain.append(current)
                following = graph.value(current, CTKG.nextMeeting)
                current = following if isinstance(following, URIRef) else None
        expected = series.get("meetings") or []
        ok = len(chain) == len(expected) and all(
            _meeting_has(view, m, e) for m, e in zip(chain, expected, strict=False)
        )
        checks.append((f"series of {series.get('body')}: {len(expected)} meetings joined by nextMeeting", ok))
    return checks


def _meeting_has(view: View, node: URIRef, expected: dict) -> bool:
    g = view.g
    for name, value in expected.items():
        if name == "ordinal" and not any(str(v) == str(value) for v in g.objects(node, CTKG.ordinal)):
            return False
        if name == "date" and not any(str(v) == str(value) for v in g.objects(node, CTKG.date)):
            return False
        if name == "year":
            years = [str(v)[:4] for v in list(g.objects(node, CTKG.date)) + list(g.objects(node, CTKG.plannedDate))]
            if str(value) not in years:
                return False
        if name == "place" and not any(view.place_is(v, value) for v in g.objects(node, CTKG.place)):
            return False
        if name == "status":
            target = CTKG.Planned if str(value) == "planned" else CTKG.Held
            if (node, CTKG.status, target) not in g:
                return False
        if name == "heads":
            heads = list(g.objects(node, CTKG.headOfDelegation))
            if not all(any(view.is_(h, person) for h in heads) for person in value):
                return False
    return True


def table(evaluation: Evaluation) -> str:
    lines = [f"{'category':<28} {'precision':>9} {'recall':>7} {'F1':>6} {'stated':>7} {'gold':>5}"]
    for name, s in evaluation.rows():
        lines.append(f"{name:<28} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.stated:>7} {s.gold:>5}")
    o = evaluation.overall
    lines.append(f"{'overall (micro)':<28} {o.precision:>9.3f} {o.recall:>7.3f} {o.f1:>6.3f} {o.stated:>7} {o.gold:>5}")
    for text, ok in evaluation.corpus_checks:
        lines.append(f"corpus: {'holds' if ok else 'FAILS'}: {text}")
    return "\n".join(lines)


def explain(evaluation: Evaluation) -> str:
    lines = []
    for article, scores in sorted(evaluation.per_article.items()):
        for name, s in sorted(scores.items()):
            for fact in s.false:
                lines.append(
                    f"{article}  FALSE   {name}: {fact.text}"
                    + (f'\n          "{fact.evidence}"' if fact.evidence else "")
                )
            for fact in s.missed:
                lines.append(f"{article}  MISSED  {name}: {fact.text}")
    return "\n".join(lines)
