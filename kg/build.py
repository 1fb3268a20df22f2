"""Build: the whole pipeline, from input paths to a validated dataset of named graphs.

    ingest -> extract -> link -> mapping -> validate -> (reason)

One named graph per article holds what it states; ``graph/entities`` holds the types, labels and
reference facts of the things named; ``graph/inferred`` holds what reasoning adds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Dataset, Graph, URIRef

from kg import gazetteer
from kg.errors import InputError
from kg.extract import extract
from kg.ingest import read_all
from kg.iri import DEFAULT_BASE
from kg.link import Linked, link
from kg.mapping import Minter, article_triples, entity_triples, referenced_keys
from kg.model import Article, Extraction
from kg.validate import ValidationReport, validate

Progress = Callable[[str, int, int], None]


@dataclass
class BuildResult:
    base: str
    extractions: list[Extraction]
    errors: list[InputError]
    linked: Linked
    article_graphs: dict[str, Graph]
    entities: Graph
    report: ValidationReport | None = None
    inferred: Graph | None = None
    clashes: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def mint(self) -> Minter:
        return Minter(self.base)

    def asserted(self) -> Graph:
        """All articles' statements and the entities graph, merged."""
        merged = Graph()
        for graph in self.article_graphs.values():
            merged += graph
        merged += self.entities
        return merged

    def dataset(self, *, with_inferred: bool = True) -> Dataset:
        data = Dataset()
        for article_id, graph in sorted(self.article_graphs.items()):
            target = data.graph(self.mint.graph(f"article/{article_id}"))
            target += graph
        data.graph(self.mint.graph("entities")).__iadd__(self.entities)
        if with_inferred and self.inferred is not None:
            data.graph(self.mint.graph("inferred")).__iadd__(self.inferred)
        return data

    def summary(self) -> str:
        merged = self.asserted()
        classes = Counter(str(o).rsplit("#", 1)[-1] for o in merged.objects(None, RDF.type))
        shown = ", ".join(f"{n} {c}" for c, n in sorted(classes.items()) if c != "Article")
        violations = len(self.report.violations) if self.report else 0
        inferred = f", {len(self.inferred)} inferred" if self.inferred is not None else ""
        return (
            f"{len(self.article_graphs)} article(s), {len(merged)} triples{inferred}; {shown}; "
            f"{violations} violation(s); {len(self.errors)} unreadable input(s)"
        )


def read_articles(inputs: Iterable[str | Path]) -> tuple[list[Article], list[InputError]]:
    """Readable articles, and one error per unreadable input; a second copy of an article is an error too."""
    articles: list[Article] = []
    errors: list[InputError] = []
    seen_hash: dict[str, str] = {}
    seen_id: dict[str, str] = {}
    for item in read_all(inputs):
        if isinstance(item, InputError):
            errors.append(item)
        elif item.content_hash in seen_hash:
            errors.append(InputError(item.path, f"the same article as {seen_hash[item.content_hash]}", hint="skipped"))
        elif item.id in seen_id:
            errors.append(
                InputError(
                    item.path,
                    f"another article already has the name {item.id!r} ({seen_id[item.id]})",
                    hint="rename one of them",
                )
            )
        else:
            seen_hash[item.content_hash] = item.path
            seen_id[item.id] = item.path
            articles.append(item)
    return articles, errors


def assemble(extractions: list[Extraction], *, base: str = DEFAULT_BASE) -> tuple[Linked, dict[str, Graph], Graph]:
    """Link all extractions and map each article to its graph, plus the shared entities graph."""
    mint = Minter(base)
    linked = link(extractions)
    graphs: dict[str, Graph] = {}
    keys: set[str] = set()
    for ex in extractions:
        graph = Graph()
        for triple in article_triples(ex, linked, mint):
            graph.add(triple)
        graphs[ex.article.id] = graph
        keys |= referenced_keys(graph, mint)
    entities = Graph()
    for triple in entity_triples(keys, extractions, linked, gazetteer.load(), mint):
        entities.add(triple)
    return linked, graphs, entities


def build(
    inputs: Iterable[str | Path],
    *,
    base: str = DEFAULT_BASE,
    check: bool = True,
    reason: bool = False,
    keep_going: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    articles, errors = read_articles(inputs)
    gaz = gazetteer.load()
    extractions = []
    for number, article in enumerate(articles, start=1):
        extractions.append(extract(article, gaz))
        if progress:
            progress("extract", number, len(articles))
    linked, graphs, entities = assemble(extractions, base=base)
    result = BuildResult(base, extractions, errors, linked, graphs, entities)
    if check:
        if progress:
            progress("validate", 0, 1)
        result.report = validate(result.asserted(), base=base)
        if keep_going and not result.report.conforms:
            _drop_failing(result)
    if reason:
        from kg.reason import infer

        if progress:
            progress("reason", 0, 1)
        result.inferred, result.clashes = infer(result.asserted(), base=base)
    return result


def _drop_failing(result: BuildResult) -> None:
    """Keep the conforming part: leave out the articles whose statements break a rule, and re-check."""
    report = result.report
    assert report is not None
    failing = set()
    for violation in report.violations:
        node = URIRef(violation.focus)
        for article_id, graph in result.article_graphs.items():
            if (node, None, None) in graph:
                failing.add(article_id)
    kept = [ex for ex in result.extractions if ex.article.id not in failing]
    result.excluded = sorted(failing)
    result.linked, result.article_graphs, result.entities = assemble(kept, base=result.base)
    result.extractions = kept
    first = report
    result.report = validate(result.asserted(), base=result.base)
    result.report = ValidationReport(result.report.conforms, first.violations)
