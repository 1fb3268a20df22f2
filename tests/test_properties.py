"""Properties that always hold, checked on generated input (hypothesis, 200 examples each).

- arbitrary text never crashes the extractor;
- every output re-parses with a second parser (pyoxigraph) and every minted IRI is valid;
- building is deterministic and order-free;
- building A then B into a store equals building A and B at once.
"""

from __future__ import annotations

import random
import re
import tempfile
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.build import assemble, build
from kg.extract import extract
from kg.ingest import normalise
from kg.model import Article
from kg.store import Location
from kg.triples import as_graph

EXAMPLES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text built from pieces of the kind of prose the extractor reads, mixed with noise, so the
# examples reach its patterns, not only its early exits.
PIECES = [
    "The 3rd meeting of the Kenya-Somalia Joint Working Group on Counter-Terrorism was held in Nairobi on 4 March 2021.",
    "The delegation of Kenya was led by Deputy Interior Minister Ana Petrova, while the Somali side was led by Mr. Omar Warsame, Director General.",
    "Somalia continues to face threats from Al-Shabaab.",
    "On 14 January 2023, at least 31 people were killed in an attack at the Central market in Mogadishu.",
    "Al-Shabaab claimed responsibility for the attack.",
    "The next meeting will be held in Mogadishu in 2024.",
    "Read More »",
    "NAIROBI: ",
    "Both sides discussed cooperation within the United Nations and the African Union.",
    "yesterday",
    "on Tuesday",
    "H.E. Mr.",
    "(",
    ")",
    '"',
    "<b>",
    "\u200b",
    "مرحبا",
    "😀",
    "\\",
]
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=40)), max_size=12).map(" ".join)
IRI = re.compile(r"^https://w3id\.org/ctkg/id/[A-Za-z0-9/_-]+$")


def article(text: str, ident: str = "a", date: bool = False) -> Article:
    import datetime as dt

    body = normalise(text)
    return Article(
        ident, f"{ident}.txt", body, f"hash-{ident}-{hash(body)}", date=dt.date(2022, 6, 9) if date else None
    )


@EXAMPLES
@given(TEXT, st.booleans())
def test_arbitrary_text_never_crashes_the_extractor(text: str, dated: bool) -> None:
    extraction = extract(article(text, date=dated))
    assert extraction.article.id == "a"


@EXAMPLES
@given(TEXT)
def test_output_reparses_and_every_iri_is_valid(text: str) -> None:
    _, graphs, entities = assemble([extract(article(text))])
    graph = as_graph(graphs["a"] | entities)
    data = graph.serialize(format="nt").encode("utf-8")
    reparsed = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    assert len(reparsed) == len(graph)
    for triple in reparsed:
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith("https://w3id.org/ctkg/id/"):
                assert IRI.match(term.value), term.value


def canonical(texts: list[str]) -> set[str]:
    extractions = [extract(article(t, f"a{i}")) for i, t in enumerate(texts)]
    _, graphs, entities = assemble(extractions)
    lines: set[str] = set()
    for name, graph in graphs.items():
        lines |= {f"{name} {s.n3()} {p.n3()} {o.n3()}" for s, p, o in graph}
    lines |= {f"entities {s.n3()} {p.n3()} {o.n3()}" for s, p, o in entities}
    return lines


@EXAMPLES
@given(st.lists(TEXT, min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_building_is_deterministic_and_order_free(texts: list[str], rnd: random.Random) -> None:
    first = canonical(texts)
    assert canonical(texts) == first
    extractions = [extract(article(t, f"a{i}")) for i, t in enumerate(texts)]
    rnd.shuffle(extractions)
    _, graphs, entities = assemble(extractions)
    shuffled = {f"{name} {s.n3()} {p.n3()} {o.n3()}" for name, g in graphs.items() for s, p, o in g}
    shuffled |= {f"entities {s.n3()} {p.n3()} {o.n3()}" for s, p, o in entities}
    assert shuffled == first


@EXAMPLES
@given(TEXT, TEXT)
def test_a_then_b_equals_a_and_b(first: str, second: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        a, b = folder / "in" / "a.txt", folder / "in" / "b.txt"
        a.parent.mkdir()
        a.write_text(first + "\n", encoding="utf-8")
        b.write_text(second + "\n\nEnd of b.", encoding="utf-8")
        if a.read_bytes().strip() == b"":
            a.write_text("Nothing to report.\n", encoding="utf-8")
        step, once = folder / "step" / "store", folder / "once" / "store"
        build([a], store=step, check=False, reference=False)
        build([b], store=step, check=False, reference=False)
        build([a, b], store=once, check=False, reference=False)
        assert {str(q) for q in Location(step).open()} == {str(q) for q in Location(once).open()}
