"""Validate: the asserted graph against ``ontology/shapes.ttl`` with pySHACL, before any reasoning.

Reasoning could add the very types a shape exists to catch, so only asserted triples are checked.
The ontology is given as pySHACL's ``ont_graph`` so that ``sh:class ctkg:Organisation`` accepts an
international organisation, with inference off so nothing is invented. Each violation is reported
with its node, the rule in plain words, and the article and sentence the node came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import RDF, Graph, Namespace, URIRef

from kg.iri import DEFAULT_BASE
from kg.resources import data_path
from kg.triples import Triples, as_graph
from kg.vocab import CTKG

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str
    articles: tuple[str, ...] = ()
    evidence: str | None = None

    def describe(self) -> str:
        where = f" (from {', '.join(self.articles)})" if self.articles else ""
        said = f'\n      sentence: "{self.evidence}"' if self.evidence else ""
        return f"{self.focus}{where}: {self.message}{said}"


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: tuple[Violation, ...]

    def text(self) -> str:
        if self.conforms:
            return "The graph conforms to the shapes."
        lines = [f"The graph breaks {len(self.violations)} rule(s):"]
        lines += [f"  - {v.describe()}" for v in self.violations]
        return "\n".join(lines)


@cache
def ontology_graph() -> Graph:
    graph = Graph()
    graph.parse(data_path("ontology", "ctkg.ttl"), format="turtle")
    return graph


@cache
def shapes_graph(base: str = DEFAULT_BASE) -> Graph:
    """The shapes, with their IRI patterns rewritten for a non-default base."""
    text = data_path("ontology", "shapes.ttl").read_text(encoding="utf-8")
    if base != DEFAULT_BASE:
        escaped = DEFAULT_BASE.replace(".", "\\\\.")
        text = text.replace(escaped, base.replace(".", "\\\\."))
    graph = Graph()
    graph.parse(data=text, format="turtle")
    return graph


VALIDATORS = ("sparql", "pyshacl")


def check(data: Graph | Triples, *, base: str = DEFAULT_BASE, validator: str = "sparql") -> ValidationReport:
    """Validate with the shapes compiled to SPARQL (fast), or with pyshacl (the reference semantics)."""
    if validator == "sparql":
        from kg.shacl_sparql import validate_fast

        return validate_fast(data, base=base)
    if validator == "pyshacl":
        return validate(as_graph(data), base=base)
    raise ValueError(f"unknown validator {validator!r}; use one of {', '.join(VALIDATORS)}")


def validate(data: Graph, *, base: str = DEFAULT_BASE) -> ValidationReport:
    """pyshacl over the whole graph: the reference the fast validator is checked against."""
    import pyshacl

    conforms, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(base),
        ont_graph=ontology_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        # a SPARQL constraint's result carries its own message and its shape's: the constraint's says why
        constraint = results.value(result, SH.sourceConstraint)
        own = shapes_graph(base).value(constraint, SH.message) if constraint is not None else None
        message = own if own is not None else results.value(result, SH.resultMessage)
        severity = results.value(result, SH.resultSeverity)
        articles = tuple(sorted(_article_id(a) for a in data.objects(focus, CTKG.source))) or tuple(
            sorted(_article_id(a) for a in data.objects(focus, CTKG.mentionedIn))
        )
        evidence = data.value(focus, CTKG.evidence) if isinstance(focus, URIRef) else None
        violations.append(
            Violation(
                focus=str(focus),
                path=str(path) if path is not None else None,
                value=str(value) if value is not None else None,
                message=str(message) if message is not None else "breaks a rule of the shapes",
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
                articles=articles,
                evidence=str(evidence) if evidence is not None else None,
            )
        )
    violations.sort(key=lambda v: (v.focus, v.message))
    return ValidationReport(bool(conforms), tuple(violations))


def _article_id(node: object) -> str:
    return str(node).rstrip("/").rsplit("/", 1)[-1]
