"""Load: copy the store's graphs into a triple store server over HTTP.

The server is reached through the SPARQL 1.1 Graph Store HTTP Protocol (chunks of N-Triples POSTed
to ``?graph=IRI``) and the SPARQL 1.1 Protocol (a query endpoint to count, an update endpoint to swap
graphs). A load never leaves a target graph half written:

1. every graph goes first into a staging graph of its own (the target IRI with a unique suffix),
   in chunks, so that memory stays flat however big the store is;
2. the staging graphs are counted on the server and compared with what was sent;
3. only then one SPARQL Update moves them all onto their targets (``DROP SILENT GRAPH <t>; MOVE <s>
   TO <t>`` with ``replace``, else ``ADD <s> TO <t>; DROP GRAPH <s>``);
4. the targets are counted again and the counts returned.

On any failure before step 3 the staging graphs are dropped (best effort) and the targets are left as
they were. A load that is killed cannot drop its staging graphs: the next load into the same targets
that succeeds drops them (only graphs named ``<target>-kg-staging-<run>`` for one of its own targets,
of a run that started before it).

Credentials never appear in a message: URLs are printed without their password, and the secrets are
scrubbed from any text the server sends back.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import secrets
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError, UsageError
from kg.export import declared_datatypes, restore_datatype
from kg.store import Location

DEFAULT_CHUNK = 20_000
DEFAULT_RETRIES = 3
DEFAULT_TIMEOUT = 300.0  # seconds for one HTTP request
SKIPPED = ("inferred", "ontology", "reference")
RETRY_STATUS = {408, 429, 500, 502, 503, 504}
COUNT_BATCH = 200  # graphs per counting query
STAGING = "-kg-staging-"  # between a target graph's IRI and the run in the name of its staging graph
RUN = re.compile(r"[0-9a-f]{9,}")  # a run: the start time in seconds, in hex, then 8 random hex digits

Progress = Callable[[str, int, int], None]
Log = Callable[[str], None]


class LoadError(KgError):
    """The server cannot be reached, refuses the data, or holds other counts than were sent.

    ``transient`` failures (no connection, a lost answer, HTTP 5xx) may pass when tried again;
    ``ambiguous`` ones may have reached the server: the request may or may not have been applied.
    """

    def __init__(self, message: str, *, transient: bool = False, ambiguous: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
        self.ambiguous = ambiguous


# ------------------------------------------------------------------------------ credentials


@dataclass(frozen=True)
class Auth:
    """How to authenticate: HTTP basic (user and password), HTTP digest, or a bearer token."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    digest: bool = False

    def __post_init__(self) -> None:
        if self.token and self.user:
            raise UsageError("give either a user and password or a token, not both")
        if self.password is not None and not self.user:
            raise UsageError("a password needs a user: add --user (or set KG_LOAD_USER)")
        if self.digest and not self.user:
            raise UsageError("--digest needs a user and a password")

    @property
    def secrets(self) -> list[str]:
        found = [s for s in (self.password, self.token) if s]
        if self.user and self.password:
            found.append(base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii"))
        return found

    def header(self) -> dict[str, str]:
        """The Authorization header sent with every request (digest answers the server's challenge instead)."""
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self.user and not self.digest:
            pair = f"{self.user}:{self.password or ''}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
        return {}

    def scrub(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
            quoted = urllib.parse.quote(secret, safe="")
            if quoted != secret:
                text = text.replace(quoted, "***")
        return text


def credentials(
    user: str | None,
    password: str | None,
    token: str | None,
    *,
    digest: bool = False,
    environ: Mapping[str, str] = os.environ,
    ask: Callable[[str], str] | None = None,
) -> Auth:
    """Credentials from the options, else from ``KG_LOAD_USER``, ``KG_LOAD_PASSWORD``, ``KG_LOAD_TOKEN``.

    A user without a password is asked for one through ``ask`` (getpass on a terminal); without a way
    to ask, that is a usage error rather than an empty password.
    """
    user = user or environ.get("KG_LOAD_USER") or None
    if password is None and user:
        password = environ.get("KG_LOAD_PASSWORD")
    token = token or environ.get("KG_LOAD_TOKEN") or None
    if user and token:
        raise UsageError("give either a user and password or a token, not both (check KG_LOAD_USER and KG_LOAD_TOKEN)")
    if user and password is None:
        if ask is None:
            raise UsageError(
                f"no password for user {user!r}: give --password, set KG_LOAD_PASSWORD, "
                "or run on a terminal to be asked"
            )
        password = ask(f"Password for {user}: ")
    return Auth(user=user, password=password, token=token, digest=digest)


def mask(url: str) -> str:
    """The URL without the password it may carry."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None and "@" not in parts.netloc:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urllib.parse.urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def _split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, None, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    clean = urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password) if parts.password is not None else None
    return clean, user, password


# ------------------------------------------------------------------------------ endpoints


@dataclass(frozen=True)
class Endpoints:
    """The three URLs a load uses: Graph Store, query and update."""

    store: str
    query: str
    update: str
    update_field: str = "update"  # the form field that carries an update (Virtuoso reads ``query``)

    @classmethod
    def derive(cls, store: str, *, query: str | None = None, update: str | None = None) -> Endpoints:
        """Guess the query and update endpoints from the Graph Store endpoint of a known server.

        Oxigraph ``/store`` -> ``/query``, ``/update``; Fuseki ``/DATASET/data`` -> ``/DATASET/sparql``,
        ``/DATASET/update``; GraphDB and RDF4J ``/repositories/REPO/rdf-graphs/service`` ->
        ``/repositories/REPO``, ``/repositories/REPO/statements``; Virtuoso ``/sparql-graph-crud-auth``
        -> ``/sparql``, ``/sparql-auth`` (and ``/sparql-graph-crud`` -> ``/sparql``).
        """
        parts = urllib.parse.urlsplit(store)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise UsageError(f"{mask(store)}: not an http(s) URL; give the server's Graph Store endpoint")
        path = parts.path.rstrip("/")

        def at(new_path: str) -> str:
            return urllib.parse.urlunsplit((parts.scheme, parts.netloc, new_path, "", ""))

        guess: tuple[str, str] | None = None
        virtuoso = False
        if path.endswith("/sparql-graph-crud-auth"):
            root = path[: -len("/sparql-graph-crud-auth")]
            guess, virtuoso = (at(root + "/sparql"), at(root + "/sparql-auth")), True
        elif path.endswith("/sparql-graph-crud"):
            root = path[: -len("/sparql-graph-crud")]
            guess, virtuoso = (at(root + "/sparql"), at(root + "/sparql")), True
        elif path.endswith("/rdf-graphs/service"):
            root = path[: -len("/rdf-graphs/service")]
            guess = (at(root), at(root + "/statements"))
        elif path.endswith("/store"):
            root = path[: -len("/store")]
            guess = (at(root + "/query"), at(root + "/update"))
        elif path.endswith("/data"):
            root = path[: -len("/data")]
            guess = (at(root + "/sparql"), at(root + "/update"))
        if guess is None and (query is None or update is None):
            raise UsageError(
                f"{mask(store)}: cannot tell this server's query and update endpoints from its Graph Store "
                "endpoint; give --query-endpoint and --update-endpoint"
            )
        chosen_query = query or (guess[0] if guess else "")
        chosen_update = update or (guess[1] if guess else "")
        update_path = urllib.parse.urlsplit(chosen_update).path.rstrip("/")
        virtuoso = virtuoso or update_path.endswith(("/sparql", "/sparql-auth"))
        return cls(store, chosen_query, chosen_update, "query" if virtuoso else "update")

    def graph_url(self, iri: str) -> str:
        joiner = "&" if "?" in self.store else "?"
        return f"{self.store}{joiner}graph={urllib.parse.quote(iri, safe='')}"


# ------------------------------------------------------------------------------ HTTP


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: urllib would turn a redirected POST into a GET and drop the data."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: object,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


@dataclass
class Client:
    endpoints: Endpoints
    auth: Auth = field(default_factory=Auth)
    retries: int = DEFAULT_RETRIES
    backoff: float = 0.5
    timeout: float = DEFAULT_TIMEOUT
    log: Log | None = None
    rdf_type: str = "application/n-triples"

    def __post_init__(self) -> None:
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
        if self.auth.digest and self.auth.user:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {self.endpoints.store, self.endpoints.query, self.endpoints.update}:
                manager.add_password(None, url, self.auth.user, self.auth.password or "")
            handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
        self._opener = urllib.request.build_opener(*handlers)

    # -------------------------------------------------------------- the operations

    def post_triples(self, graph: str, body: bytes) -> None:
        url = self.endpoints.graph_url(graph)
        try:
            self._send("POST", url, body, {"Content-Type": self.rdf_type}, what="the Graph Store endpoint")
        except _Unsupported:
            # N-Triples is a subset of Turtle: a server that does not know the N-Triples media type reads it as Turtle.
            self.rdf_type = "text/turtle"
            self._send("POST", url, body, {"Content-Type": self.rdf_type}, what="the Graph Store endpoint")

    def delete_graph(self, graph: str) -> None:
        self._send(
            "DELETE", self.endpoints.graph_url(graph), None, {}, what="the Graph Store endpoint", missing_ok=True
        )

    def update(self, text: str, *, retry: bool = True) -> None:
        body = urllib.parse.urlencode({self.endpoints.update_field: text}).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        self._send("POST", self.endpoints.update, body, headers, what="the update endpoint", retry=retry)

    def select(self, text: str) -> list[dict[str, dict[str, str]]]:
        body = urllib.parse.urlencode({"query": text}).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
        raw = self._send("POST", self.endpoints.query, body, headers, what="the query endpoint")
        try:
            doc = json.loads(raw)
            return list(doc["results"]["bindings"])
        except (ValueError, KeyError, TypeError) as error:
            raise LoadError(
                f"the query endpoint {mask(self.endpoints.query)} did not answer with SPARQL JSON results ({error}); "
                "check --query-endpoint"
            ) from None

    def ask(self, text: str) -> bool:
        body = urllib.parse.urlencode({"query": text}).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
        raw = self._send("POST", self.endpoints.query, body, headers, what="the query endpoint")
        try:
            return bool(json.loads(raw)["boolean"])
        except (ValueError, KeyError, TypeError) as error:
            raise LoadError(
                f"the query endpoint {mask(self.endpoints.query)} did not answer with a SPARQL JSON boolean ({error}); "
                "check --query-endpoint"
            ) from None

    # -------------------------------------------------------------- the transport

    def _send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: dict[str, str],
        *,
        what: str,
        retry: bool = True,
        missing_ok: bool = False,
    ) -> bytes:
        attempts = 1 + max(self.retries, 0) if retry else 1
        for attempt in range(1, attempts + 1):
            request = urllib.request.Request(url, data=body, method=method, headers={**headers, **self.auth.header()})
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    data: bytes = response.read()
                    return data
            except urllib.error.HTTPError as error:
                detail = self._detail(error)
                if missing_ok and error.code == 404:
                    return b""
                if error.code == 415 and method == "POST" and headers.get("Content-Type") == "application/n-triples":
                    raise _Unsupported(detail) from None
                transient = error.code in RETRY_STATUS
                if transient and attempt < attempts:
                    self._wait(attempt, attempts, what, f"HTTP {error.code}")
                    continue
                message = self._refused(what, method, url, error, detail, attempt)
                raise LoadError(message, transient=transient) from None
            except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
                reason = getattr(error, "reason", error)
                sent = not isinstance(reason, ConnectionRefusedError | socket.gaierror)
                if attempt < attempts:
                    self._wait(attempt, attempts, what, self.auth.scrub(str(reason) or type(reason).__name__))
                    continue
                message = self._unreachable(what, url, reason, attempts)
                raise LoadError(message, transient=True, ambiguous=sent) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, attempt: int, attempts: int, what: str, reason: str) -> None:
        delay = self.backoff * 2 ** (attempt - 1)
        if self.log:
            self.log(f"{what} failed ({reason}); trying again in {delay:g} s (attempt {attempt + 1} of {attempts})")
        time.sleep(delay)

    def _detail(self, error: urllib.error.HTTPError) -> str:
        try:
            text = error.read(2000).decode("utf-8", "replace")
        except (OSError, ValueError, AttributeError, http.client.HTTPException):  # the body of an error is a courtesy
            text = ""
        text = " ".join(text.split())[:300]
        return self.auth.scrub(text)

    def _unreachable(self, what: str, url: str, reason: object, attempts: int) -> str:
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        reason_text = self.auth.scrub(str(reason) or type(reason).__name__)
        return (
            f"cannot reach {what} at {_shown(url)} ({reason_text}){tries}; check that the server runs and "
            "that the URL is right (for Oxigraph: http://HOST:PORT/store)"
        )

    def _refused(
        self, what: str, method: str, url: str, error: urllib.error.HTTPError, detail: str, attempts: int
    ) -> str:
        where = f"{what} at {_shown(url)}"
        said = f": {detail}" if detail else ""
        code = error.code
        if 300 <= code < 400:
            target = mask(error.headers.get("Location", "") or "")
            return f"{where} redirects (HTTP {code}) to {target or 'another URL'}; give that URL instead"
        if code == 401:
            hint = "give --user and --password (or KG_LOAD_USER and KG_LOAD_PASSWORD) or --token (KG_LOAD_TOKEN)"
            if self.auth.user or self.auth.token:
                hint = "check the credentials" + (
                    "" if self.auth.digest else "; Virtuoso's -auth endpoints need --digest"
                )
            return f"{where} asks for credentials (HTTP 401{said}); {hint}"
        if code == 403:
            return (
                f"{where} refuses {method} (HTTP 403{said}); the account needs permission to write graphs through "
                "the Graph Store protocol and to run SPARQL Update (ADD, MOVE, DROP)"
            )
        if code == 404:
            return f"{where} does not exist (HTTP 404{said}); check the URL and the dataset or repository name"
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        return f"{where} failed with HTTP {code}{tries}{said}"


class _Unsupported(Exception):
    """The server does not accept the N-Triples media type."""


# ------------------------------------------------------------------------------ the load


@dataclass
class GraphLoad:
    target: str
    sources: list[str]
    sent: int = 0  # triples sent (with --graph a triple held by two source graphs is sent twice)
    expected: int = 0  # distinct triples sent: what the server should hold
    held: int | None = None  # what the server holds after the load

    @property
    def ok(self) -> bool:
        return self.held is not None and self.held >= self.expected


@dataclass
class LoadReport:
    endpoint: str
    replace: bool
    graphs: list[GraphLoad] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(g.expected for g in self.graphs)

    @property
    def held(self) -> int:
        return sum(g.held or 0 for g in self.graphs)

    def mismatches(self) -> list[GraphLoad]:
        """Graphs whose count on the server differs from what was sent (more is fine when adding)."""
        if self.replace:
            return [g for g in self.graphs if g.held != g.expected]
        return [g for g in self.graphs if not g.ok]

    @property
    def ok(self) -> bool:
        return not self.mismatches()


def load(
    store: Path,
    endpoint: str,
    *,
    graph: str | None = None,
    auth: Auth | None = None,
    replace: bool = False,
    chunk: int = DEFAULT_CHUNK,
    query_endpoint: str | None = None,
    update_endpoint: str | None = None,
    retries: int = DEFAULT_RETRIES,
    backoff: float = 0.5,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    log: Log | None = None,
) -> LoadReport:
    """Copy the store's asserted graphs to the server behind ``endpoint`` (its Graph Store endpoint).

    Each named graph goes to the graph of the same name, except the inferred, ontology and reference
    graphs; with ``graph`` all of them go, merged, into that one graph. ``replace`` replaces the target
    graphs; otherwise the triples are added to what they hold.
    """
    if chunk < 1:
        raise UsageError(f"--chunk must be at least 1 (got {chunk})")
    if retries < 0:
        raise UsageError(f"--retries cannot be negative (got {retries})")
    endpoint, url_user, url_password = _split_userinfo(endpoint)
    auth = auth or Auth()
    if url_user and not (auth.user or auth.token):
        auth = Auth(user=url_user, password=url_password or "", digest=auth.digest)
    endpoints = Endpoints.derive(endpoint, query=query_endpoint, update=update_endpoint)
    client = Client(endpoints, auth, retries=retries, backoff=backoff, timeout=timeout, log=log)

    location = Location(store)
    manifest = location.manifest()
    if manifest is None:
        raise UsageError(f"{store}: no store here yet; run `kg build` first")
    db = location.open()
    special = {f"{manifest.base}graph/{name}" for name in SKIPPED}
    names = sorted(g.value for g in db.named_graphs() if isinstance(g, ox.NamedNode) and g.value not in special)
    if graph is not None:
        _check_iri(graph)
        plan = [GraphLoad(graph, names)]
    else:
        plan = [GraphLoad(name, [name]) for name in names]
    report = LoadReport(mask(endpoint), replace, plan)
    if not plan:
        return report

    client.ask("ASK { }")  # reachable, and the credentials are accepted, before anything is written
    started = int(time.time())
    run = f"{started:x}{secrets.token_hex(4)}"
    sizes = _local_counts(db, names)
    total = sum(sizes.get(n, 0) for n in names)
    staged: list[tuple[GraphLoad, str]] = []
    touched: dict[str, None] = {}  # staging graphs that may exist on the server, in order
    done = 0
    try:
        for item in plan:
            staging = f"{item.target}{STAGING}{run}"
            staged.append((item, staging))
            item.expected = _distinct(db, item.sources, sizes)
            size = sys.maxsize if _has_blank_nodes(db, item.sources) else chunk
            for body, count in _chunks(db, item.sources, size):
                try:
                    client.post_triples(staging, body)
                except LoadError as error:
                    if error.ambiguous:
                        touched[staging] = None
                    raise
                touched[staging] = None
                item.sent += count
                done += count
                if progress:
                    progress("sending", done, total)
        _check_staged(client, staged)
        _swap(client, staged, replace=replace)
    except BaseException as error:
        left = _drop_staging(client, list(touched))
        if isinstance(error, LoadError) and left:
            shown = ", ".join(f"<{s}>" for s in left[:3]) + (" ..." if len(left) > 3 else "")
            raise LoadError(
                f"{error}; the target graphs are unchanged, but staging graphs may be left on the server: "
                f"remove them with DROP SILENT GRAPH {shown}"
            ) from None
        if isinstance(error, LoadError):
            raise LoadError(f"{error}; the target graphs are unchanged") from None
        raise
    _drop_stale(client, {item.target for item in plan}, run, started, log)
    for target, held in _server_counts(client, [item.target for item in plan]).items():
        for item in plan:
            if item.target == target:
                item.held = held
    return report


def _check_iri(iri: str) -> None:
    parts = urllib.parse.urlsplit(iri)
    if not parts.scheme or any(c in iri for c in '<>" {}|\\^`') or any(ord(c) <= 0x20 for c in iri):
        raise UsageError(f"--graph {iri!r}: not an absolute IRI (e.g. https://example.org/graph/kg)")


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def _local_counts(db: ox.Store, names: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for start in range(0, len(names), COUNT_BATCH):
        batch = names[start : start + COUNT_BATCH]
        query = (
            "SELECT ?g (COUNT(*) AS ?n) WHERE { VALUES ?g { "
            + _values(batch)
            + " } GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        for row in db.query(query):  # type: ignore[union-attr]
            counts[row["g"].value] = int(row["n"].value)
    return counts


def _distinct(db: ox.Store, sources: list[str], sizes: dict[str, int]) -> int:
    if len(sources) == 1:
        return sizes.get(sources[0], 0)
    query = (
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { VALUES ?g { "
        + _values(sources)
        + " } GRAPH ?g { ?s ?p ?o } } }"
    )
    for row in db.query(query):  # type: ignore[union-attr]
        return int(row["n"].value)
    return 0


def _has_blank_nodes(db: ox.Store, sources: list[str]) -> bool:
    """Blank nodes are local to one request: a graph holding some is sent whole, never split."""
    query = "ASK { VALUES ?g { " + _values(sources) + " } GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }"
    return bool(db.query(query))


def _chunks(db: ox.Store, sources: list[str], size: int) -> Iterator[tuple[bytes, int]]:
    """N-Triples documents of at most ``size`` triples, with the datatypes the ontology declares."""
    declared = declared_datatypes()
    batch: list[ox.Triple] = []
    for name in sources:
        for quad in db.quads_for_pattern(None, None, None, ox.NamedNode(name)):
            restored = restore_datatype(quad, declared)
            assert isinstance(restored, ox.Quad)
            batch.append(ox.Triple(restored.subject, restored.predicate, restored.object))
            if len(batch) >= size:
                yield _ntriples(batch), len(batch)
                batch = []
    if batch:
        yield _ntriples(batch), len(batch)


def _ntriples(triples: list[ox.Triple]) -> bytes:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert isinstance(data, bytes)
    return data


def _server_counts(client: Client, graphs: list[str]) -> dict[str, int]:
    counts = dict.fromkeys(graphs, 0)
    for start in range(0, len(graphs), COUNT_BATCH):
        batch = graphs[start : start + COUNT_BATCH]
        query = (
            "SELECT ?g (COUNT(*) AS ?n) WHERE { VALUES ?g { "
            + _values(batch)
            + " } GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        for row in client.select(query):
            try:
                counts[row["g"]["value"]] = int(row["n"]["value"])
            except (KeyError, ValueError):
                raise LoadError(
                    f"the query endpoint {mask(client.endpoints.query)} gave an unexpected count: {row}"
                ) from None
    return counts


def _check_staged(client: Client, staged: list[tuple[GraphLoad, str]]) -> None:
    counts = _server_counts(client, [s for _, s in staged])
    for item, staging in staged:
        if counts.get(staging, 0) != item.expected:
            raise LoadError(
                f"the server holds {counts.get(staging, 0)} triples in the staging graph of <{item.target}> "
                f"but {item.expected} were sent; nothing was moved onto the target"
            )


def _swap(client: Client, staged: list[tuple[GraphLoad, str]], *, replace: bool) -> None:
    """One SPARQL Update for all graphs: a transactional server applies all of it or none."""
    operations: list[str] = []
    for item, staging in staged:
        if item.expected == 0:
            if replace:
                operations.append(f"DROP SILENT GRAPH <{item.target}>")
            continue
        if replace:
            operations.append(f"DROP SILENT GRAPH <{item.target}>")
            operations.append(f"MOVE <{staging}> TO <{item.target}>")
        else:
            operations.append(f"ADD <{staging}> TO <{item.target}>")
            operations.append(f"DROP GRAPH <{staging}>")
    if not operations:
        return
    text = " ;\n".join(operations)
    probe = next((s for item, s in staged if item.expected), None)
    attempts = 1 + client.retries
    for attempt in range(1, attempts + 1):
        try:
            client.update(text, retry=False)
            return
        except LoadError as error:
            # The answer may be lost, or the update may fail after it was applied: it went through
            # if the staging graphs are gone.
            if probe is not None and _gone(client, probe, error):
                return
            if not error.transient or attempt == attempts:
                raise
            client._wait(attempt, attempts, "the update endpoint", "no answer" if error.ambiguous else "failure")


def _gone(client: Client, staging: str, error: LoadError) -> bool:
    try:
        return not client.ask(f"ASK {{ GRAPH <{staging}> {{ ?s ?p ?o }} }}")
    except LoadError:
        raise error from None


def _drop_staging(client: Client, staging: list[str]) -> list[str]:
    """Drop the staging graphs; return those that could not be dropped."""
    left: list[str] = []
    quiet = Client(client.endpoints, client.auth, retries=0, timeout=min(client.timeout, 30.0))
    for name in staging:
        try:
            quiet.delete_graph(name)
            continue
        except (LoadError, _Unsupported):
            pass
        try:
            quiet.update(f"DROP SILENT GRAPH <{name}>", retry=False)
        except LoadError:
            left.append(name)
    return left


def _drop_stale(client: Client, targets: set[str], run: str, started: int, log: Log | None) -> None:
    """Drop the staging graphs that earlier loads into the same targets left (they were killed).

    Only graphs named ``<target>-kg-staging-<run>`` for one of ``targets``, of a run that started no
    later than this one. Best effort: the load went through, so a failure here is only a note.
    """
    query = f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ }} FILTER(CONTAINS(STR(?g), "{STAGING}")) }}'
    try:
        rows = client.select(query)
    except LoadError as error:
        if log:
            log(f"could not look for staging graphs left by earlier loads: {error}")
        return
    stale: list[str] = []
    for row in rows:
        name = row.get("g", {}).get("value", "")
        target, _, other = name.rpartition(STAGING)
        if target in targets and other != run and RUN.fullmatch(other) and int(other[:-8], 16) <= started:
            stale.append(name)
    if not stale:
        return
    left = _drop_staging(client, sorted(stale))
    if log:
        log(f"dropped {len(stale) - len(left)} staging graph(s) left by an earlier, interrupted load")
        if left:
            shown = ", ".join(f"<{s}>" for s in left[:3]) + (" ..." if len(left) > 3 else "")
            log(f"could not drop staging graphs left by an earlier load: remove them with DROP SILENT GRAPH {shown}")


def _shown(url: str) -> str:
    """A URL for a message: no password, and no ``?graph=`` of a staging graph."""
    parts = urllib.parse.urlsplit(mask(url))
    query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("graph="))
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
