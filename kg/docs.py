"""Documentation of the ontology and the shapes, as plain HTML pages that need nothing else.

``index.html`` lists every class, property and named individual of ``ontology/ctkg.ttl`` with its
label, comment, domain, range, super- and sub-classes, characteristics, and the shapes that check
it; ``shapes.html`` lists every shape of ``ontology/shapes.ttl`` with its target, constraints and
the message a user sees when it fails. Every term has an anchor (``index.html#Meeting``), so other
pages can link to it.

>>> from kg.docs import write_docs                     # doctest: +SKIP
>>> write_docs(Path("out/docs"))                       # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SH, Graph, Literal, Node, URIRef
from rdflib.collection import Collection

from kg.resources import data_path

DCTERMS = "http://purl.org/dc/terms/"
CHARACTERISTICS = {
    OWL.FunctionalProperty: "functional",
    OWL.SymmetricProperty: "symmetric",
    OWL.TransitiveProperty: "transitive",
    OWL.IrreflexiveProperty: "irreflexive",
    OWL.InverseFunctionalProperty: "inverse functional",
}
PROPERTY_KINDS = (
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
    (OWL.AnnotationProperty, "Annotation properties"),
)


@dataclass(frozen=True)
class Sources:
    ontology: Path
    shapes: Path


def default_sources() -> Sources:
    return Sources(ontology=data_path("ontology", "ctkg.ttl"), shapes=data_path("ontology", "shapes.ttl"))


def _style() -> str:
    return resources.files("kg").joinpath("assets", "docs.css").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ naming


class Names:
    """Short names and links for the terms of one ontology."""

    def __init__(self, ontology: Graph, namespace: str) -> None:
        self.graph = ontology
        self.namespace = namespace

    def local(self, term: Node) -> str:
        return str(term)[len(self.namespace) :]

    def own(self, term: Node) -> bool:
        return isinstance(term, URIRef) and str(term).startswith(self.namespace)

    def short(self, term: Node) -> str:
        if isinstance(term, Literal):
            return repr(str(term)) if term.datatype is None else f"{term} ({self.short(term.datatype)})"
        try:
            prefix, _, name = self.graph.namespace_manager.compute_qname(str(term), generate=False)
            return f"{prefix}:{name}"
        except (KeyError, ValueError):
            return f"<{term}>"

    def html(self, term: Node, *, page: str = "") -> str:
        """A term as code, linked to its entry when it is one of ours."""
        text = f"<code>{escape(self.short(term))}</code>"
        if self.own(term):
            return f'<a href="{page}#{escape(self.local(term))}">{text}</a>'
        if isinstance(term, URIRef):
            return f'<a href="{escape(str(term))}">{text}</a>'
        return text


def _text(graph: Graph, subject: Node, predicate: URIRef) -> str:
    values = sorted(str(v) for v in graph.objects(subject, predicate) if isinstance(v, Literal))
    return values[0] if values else ""


def _members(graph: Graph, node: Node) -> list[Node]:
    """The members of an RDF list, or [] if ``node`` is not a list head."""
    if (node, RDF.first, None) not in graph:
        return []
    return list(Collection(graph, node))


def _describe(graph: Graph, names: Names, node: Node, *, page: str = "") -> str:
    """A class or datatype expression in words: a name, or the members of a union or a one-of."""
    for predicate, joiner in ((OWL.unionOf, " or "), (OWL.oneOf, ", ")):
        for head in graph.objects(node, predicate):
            members = _members(graph, head)
            if members:
                return joiner.join(_describe(graph, names, m, page=page) for m in members)
    return names.html(node, page=page)


# ------------------------------------------------------------------------------ the ontology page


def _terms(graph: Graph, kind: URIRef, names: Names) -> list[URIRef]:
    found = [t for t in graph.subjects(RDF.type, kind) if isinstance(t, URIRef) and names.own(t)]
    return sorted(found, key=lambda t: names.local(t).casefold())


def _row(label: str, value: str) -> str:
    return f"<tr><th>{escape(label)}</th><td>{value}</td></tr>" if value else ""


def _checked_by(shapes: Graph, term: URIRef) -> list[Node]:
    """The shapes that target a class or constrain a property as their path."""
    found: set[Node] = set(shapes.subjects(SH.targetClass, term))
    for shape in shapes.subjects(SH.path, term):
        named = [shape] if isinstance(shape, URIRef) else list(shapes.subjects(SH.property, shape))
        found.update(named)
    return sorted(found, key=str)


def _shape_links(shapes: Graph, term: URIRef) -> str:
    links = []
    for shape in _checked_by(shapes, term):
        name = str(shape).rsplit("#", 1)[-1]
        links.append(f'<a href="shapes.html#{escape(name)}"><code>{escape(name)}</code></a>')
    return ", ".join(links)


def _class_entry(graph: Graph, shapes: Graph, names: Names, term: URIRef) -> str:
    supers = [s for s in graph.objects(term, RDFS.subClassOf) if isinstance(s, URIRef)]
    subs = sorted((s for s in graph.subjects(RDFS.subClassOf, term) if names.own(s)), key=str)
    used = sorted(
        (p for p in graph.subjects(RDFS.domain, None) if names.own(p) and _mentions(graph, p, RDFS.domain, term)),
        key=lambda p: names.local(p),
    )
    targets = sorted(
        (p for p in graph.subjects(RDFS.range, None) if names.own(p) and _mentions(graph, p, RDFS.range, term)),
        key=lambda p: names.local(p),
    )
    members = [i for i in graph.subjects(RDF.type, term) if names.own(i)]
    rows = [
        _row("IRI", f"<code>{escape(str(term))}</code>"),
        _row("Super-classes", ", ".join(names.html(s) for s in sorted(supers, key=str))),
        _row("Sub-classes", ", ".join(names.html(s) for s in subs)),
        _row("Members", ", ".join(names.html(m) for m in sorted(members, key=str))),
        _row("Properties of its members", ", ".join(names.html(p) for p in used)),
        _row("Values of", ", ".join(names.html(p) for p in targets)),
        _row("Checked by", _shape_links(shapes, term)),
    ]
    return _entry(graph, names, term, "class", rows)


def _mentions(graph: Graph, prop: Node, predicate: URIRef, cls: URIRef) -> bool:
    """Whether the domain or range of ``prop`` is ``cls`` or a union that includes it."""
    for value in graph.objects(prop, predicate):
        if value == cls:
            return True
        for head in graph.objects(value, OWL.unionOf):
            if cls in _members(graph, head):
                return True
    return False


def _property_entry(graph: Graph, shapes: Graph, names: Names, term: URIRef, kind: str) -> str:
    traits = sorted(label for cls, label in CHARACTERISTICS.items() if (term, RDF.type, cls) in graph)
    rows = [
        _row("IRI", f"<code>{escape(str(term))}</code>"),
        _row("Domain", " ; ".join(_describe(graph, names, d) for d in graph.objects(term, RDFS.domain))),
        _row("Range", " ; ".join(_describe(graph, names, r) for r in graph.objects(term, RDFS.range))),
        _row("Characteristics", escape(", ".join(traits))),
        _row("Inverse of", ", ".join(names.html(i) for i in graph.objects(term, OWL.inverseOf))),
        _row("Sub-property of", ", ".join(names.html(s) for s in graph.objects(term, RDFS.subPropertyOf))),
        _row("Checked by", _shape_links(shapes, term)),
    ]
    return _entry(graph, names, term, kind, rows)


def _entry(graph: Graph, names: Names, term: URIRef, kind: str, rows: list[str]) -> str:
    local = names.local(term)
    label = _text(graph, term, RDFS.label)
    comment = _text(graph, term, RDFS.comment)
    return (
        f'<section class="term {kind}" id="{escape(local)}">\n'
        f"<h3><code>ctkg:{escape(local)}</code> <span class='label'>{escape(label)}</span></h3>\n"
        + (f"<p>{escape(comment)}</p>\n" if comment else "")
        + f"<table>{''.join(rows)}</table>\n</section>"
    )


def _tree(graph: Graph, names: Names, roots: Iterable[Node], seen: frozenset[Node] = frozenset()) -> str:
    items = []
    for root in roots:
        children = sorted((s for s in graph.subjects(RDFS.subClassOf, root) if names.own(s)), key=str)
        nested = _tree(graph, names, children, seen | {root}) if children and root not in seen else ""
        items.append(f"<li>{names.html(root)}{nested}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _page(title: str, body: str, *, nav: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n{_style()}</style>\n</head>\n<body>\n"
        f"<nav>{nav}</nav>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _nav(current: str) -> str:
    pages = (("index.html", "Ontology"), ("shapes.html", "Shapes"))
    return " · ".join(
        f"<strong>{name}</strong>" if href == current else f'<a href="{href}">{name}</a>' for href, name in pages
    )


def ontology_page(ontology: Graph, shapes: Graph) -> str:
    """The index page: the ontology's header, a class tree, then every class, property and individual."""
    header = next(iter(ontology.subjects(RDF.type, OWL.Ontology)), None)
    namespace = _text(ontology, header, URIRef("http://purl.org/vocab/vann/preferredNamespaceUri")) if header else ""
    names = Names(ontology, namespace or "https://w3id.org/ctkg/ontology#")
    title = _text(ontology, header, URIRef(DCTERMS + "title")) if header else "Ontology"
    description = _text(ontology, header, URIRef(DCTERMS + "description")) if header else ""
    version = _text(ontology, header, OWL.versionInfo) if header else ""
    licence = next(iter(ontology.objects(header, URIRef(DCTERMS + "license"))), None) if header else None
    classes = _terms(ontology, OWL.Class, names)
    properties = [(label, kind, _terms(ontology, kind, names)) for kind, label in PROPERTY_KINDS]
    individuals = _terms(ontology, OWL.NamedIndividual, names)
    roots = [c for c in classes if not any(names.own(s) for s in ontology.objects(c, RDFS.subClassOf))]

    contents = ['<h2>Contents</h2><ul class="toc">', "<li>Classes: "]
    contents.append(", ".join(names.html(c) for c in classes) + "</li>")
    for label, _kind, terms in properties:
        if terms:
            contents.append(f"<li>{escape(label)}: " + ", ".join(names.html(p) for p in terms) + "</li>")
    if individuals:
        contents.append("<li>Individuals: " + ", ".join(names.html(i) for i in individuals) + "</li>")
    contents.append("</ul>")

    parts = [
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(description)}</p>" if description else "",
        "<table class='meta'>",
        _row("Namespace", f"<code>{escape(names.namespace)}</code> (prefix <code>ctkg:</code>)"),
        _row("Ontology IRI", f"<code>{escape(str(header))}</code>" if header else ""),
        _row("Version", escape(version)),
        _row("Licence", names.html(licence) if licence is not None else ""),
        _row("Shapes", '<a href="shapes.html">the SHACL shapes that check a graph</a>'),
        "</table>",
        *contents,
        "<h2>Class hierarchy</h2>",
        _tree(ontology, names, roots),
        '<h2 id="classes">Classes</h2>',
        *(_class_entry(ontology, shapes, names, c) for c in classes),
    ]
    for label, kind, terms in properties:
        if not terms:
            continue
        css = {OWL.ObjectProperty: "object-property", OWL.AnnotationProperty: "annotation-property"}.get(
            kind, "datatype-property"
        )
        anchor = css.replace("property", "properties")
        parts.append(f'<h2 id="{anchor}">{escape(label)}</h2>')
        parts.extend(_property_entry(ontology, shapes, names, p, css) for p in terms)
    if individuals:
        parts.append('<h2 id="individuals">Individuals</h2>')
        for individual in individuals:
            types = [t for t in ontology.objects(individual, RDF.type) if t != OWL.NamedIndividual]
            rows = [
                _row("IRI", f"<code>{escape(str(individual))}</code>"),
                _row("Type", ", ".join(names.html(t) for t in sorted(types, key=str))),
            ]
            parts.append(_entry(ontology, names, individual, "individual", rows))
    return _page(title, "\n".join(p for p in parts if p), nav=_nav("index.html"))


# ------------------------------------------------------------------------------ the shapes page


CONSTRAINTS = (
    (SH.minCount, "At least"),
    (SH.maxCount, "At most"),
    (SH.datatype, "Datatype"),
    (SH["class"], "Class"),
    (SH.nodeKind, "Node kind"),
    (SH.pattern, "Pattern"),
    (SH.languageIn, "Languages"),
    (SH.uniqueLang, "One value per language"),
    (SH["in"], "One of"),
    (SH["or"], "Any of"),
    (SH.node, "Conforms to"),
)


def _constraint_value(shapes: Graph, names: Names, predicate: URIRef, value: Node) -> str:
    members = _members(shapes, value)
    if predicate == SH["or"]:
        return " or ".join(_constraints_inline(shapes, names, m) for m in members)
    if members:
        return ", ".join(names.html(m, page="index.html") for m in members)
    if isinstance(value, Literal):
        return f"<code>{escape(str(value))}</code>"
    return names.html(value, page="index.html")


def _constraints_inline(shapes: Graph, names: Names, node: Node) -> str:
    found = [
        f"{label.lower()} {_constraint_value(shapes, names, p, v)}"
        for p, label in CONSTRAINTS
        for v in sorted(shapes.objects(node, p), key=str)
    ]
    return "[" + "; ".join(found) + "]"


def _constraint_rows(shapes: Graph, names: Names, node: Node) -> list[str]:
    return [
        _row(label, _constraint_value(shapes, names, p, v))
        for p, label in CONSTRAINTS
        for v in sorted(shapes.objects(node, p), key=str)
    ]


def _shape_name(shape: Node) -> str:
    return str(shape).rsplit("#", 1)[-1]


def _property_shape(shapes: Graph, names: Names, shape: Node) -> str:
    path = next(iter(shapes.objects(shape, SH.path)), None)
    title = names.html(path, page="index.html") if path is not None else ""
    if isinstance(shape, URIRef):
        name = _shape_name(shape)
        return f'<li>{title} — <a href="#{escape(name)}"><code>{escape(name)}</code></a></li>'
    rows = _constraint_rows(shapes, names, shape)
    message = _text(shapes, shape, SH.message)
    return (
        f"<li>{title}<table>{''.join(rows)}</table>"
        + (f'<p class="message">{escape(message)}</p>' if message else "")
        + "</li>"
    )


def _shape_entry(shapes: Graph, names: Names, shape: URIRef) -> str:
    name = _shape_name(shape)
    rows = [
        _row("Targets", ", ".join(names.html(t, page="index.html") for t in shapes.objects(shape, SH.targetClass))),
        _row("Path", ", ".join(names.html(p, page="index.html") for p in shapes.objects(shape, SH.path))),
        *_constraint_rows(shapes, names, shape),
    ]
    message = _text(shapes, shape, SH.message)
    properties = sorted(shapes.objects(shape, SH.property), key=lambda p: (isinstance(p, URIRef), _path_key(shapes, p)))
    sparql = sorted(shapes.objects(shape, SH.sparql), key=str)
    body = [
        f'<section class="shape" id="{escape(name)}">',
        f"<h3><code>{escape(name)}</code></h3>",
        f"<table>{''.join(rows)}</table>",
        f'<p class="message">{escape(message)}</p>' if message else "",
    ]
    if properties:
        body.append(
            "<h4>Properties</h4><ul>" + "".join(_property_shape(shapes, names, p) for p in properties) + "</ul>"
        )
    if sparql:
        body.append(
            "<h4>Rules across nodes</h4><ul>"
            + "".join(f'<li><a href="#{escape(_shape_name(c))}">{escape(_shape_name(c))}</a></li>' for c in sparql)
            + "</ul>"
        )
    body.append("</section>")
    return "\n".join(b for b in body if b)


def _path_key(shapes: Graph, node: Node) -> str:
    return str(next(iter(shapes.objects(node, SH.path)), ""))


def _sparql_entry(shapes: Graph, constraint: URIRef) -> str:
    name = _shape_name(constraint)
    message = _text(shapes, constraint, SH.message)
    query = _text(shapes, constraint, SH.select)
    users = ", ".join(
        f'<a href="#{escape(_shape_name(s))}"><code>{escape(_shape_name(s))}</code></a>'
        for s in sorted(shapes.subjects(SH.sparql, constraint), key=str)
    )
    return (
        f'<section class="shape sparql" id="{escape(name)}">\n<h3><code>{escape(name)}</code></h3>\n'
        + (f"<p>Used by {users}</p>" if users else "")
        + (f'<p class="message">{escape(message)}</p>' if message else "")
        + f"<pre>{escape(_dedent(query))}</pre>\n</section>"
    )


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip("\n")


def shapes_page(shapes: Graph, ontology: Graph) -> str:
    """The shapes page: node shapes, shared property shapes, then the SPARQL rules across nodes."""
    prefixes = Graph(bind_namespaces="none")
    for prefix, namespace in [*shapes.namespaces(), *ontology.namespaces()]:
        prefixes.namespace_manager.bind(prefix, namespace, replace=True)
    names = Names(prefixes, "https://w3id.org/ctkg/ontology#")
    header = next(iter(shapes.subjects(RDF.type, OWL.Ontology)), None)
    comment = _text(shapes, header, RDFS.comment) if header else ""
    node_shapes = sorted((s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)), key=str)
    shared = sorted((s for s in shapes.subjects(RDF.type, SH.PropertyShape) if isinstance(s, URIRef)), key=str)
    rules = sorted((s for s in shapes.subjects(RDF.type, SH.SPARQLConstraint) if isinstance(s, URIRef)), key=str)
    contents = [
        "<ul class='toc'>",
        "<li>Node shapes: " + ", ".join(_anchor(s) for s in node_shapes) + "</li>",
        "<li>Shared property shapes: " + ", ".join(_anchor(s) for s in shared) + "</li>",
        "<li>Rules across nodes: " + ", ".join(_anchor(s) for s in rules) + "</li>",
        "</ul>",
    ]
    parts = [
        "<h1>Shapes</h1>",
        f"<p>{escape(comment)}</p>" if comment else "",
        "<p>A graph conforms when every node passes the shapes below. Each constraint names the message "
        "a user sees when it fails.</p>",
        *contents,
        '<h2 id="node-shapes">Node shapes</h2>',
        *(_shape_entry(shapes, names, s) for s in node_shapes),
        '<h2 id="property-shapes">Shared property shapes</h2>',
        *(_shape_entry(shapes, names, s) for s in shared),
        '<h2 id="rules">Rules across nodes (SPARQL)</h2>',
        *(_sparql_entry(shapes, s) for s in rules),
    ]
    return _page("Shapes", "\n".join(p for p in parts if p), nav=_nav("shapes.html"))


def _anchor(shape: Node) -> str:
    name = _shape_name(shape)
    return f'<a href="#{escape(name)}"><code>{escape(name)}</code></a>'


# ------------------------------------------------------------------------------ writing


def _load(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def pages(sources: Sources | None = None) -> Iterator[tuple[str, str]]:
    """(file name, HTML) for each page."""
    given = sources or default_sources()
    ontology, shapes = _load(given.ontology), _load(given.shapes)
    yield "index.html", ontology_page(ontology, shapes)
    yield "shapes.html", shapes_page(shapes, ontology)


def write_docs(folder: Path, *, sources: Sources | None = None) -> list[Path]:
    """Write the documentation pages into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, html in pages(sources):
        path = folder / name
        path.write_text(html, encoding="utf-8")
        written.append(path)
    return written
