"""``kg load`` against a real Oxigraph server: counts, same answers as the embedded store, replace
without duplicates, clear failures that leave the target graphs alone, and credentials kept secret."""

from __future__ import annotations

import base64
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build
from kg.store import Location
from tests.conftest import ROOT

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGERS = {XSD + name for name in ("integer", "positiveInteger", "nonNegativeInteger", "int", "long")}
SKIPPED = ("inferred", "ontology", "reference")
MARKER = '<https://example.org/marker> <https://example.org/says> "kept" .'

# Queries over meetings, heads of delegation, threats and attacks, in case the library has none.
OWN_QUERIES = {
    "meetings": """PREFIX ctkg: <https://w3id.org/ctkg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?m ?label ?ordinal ?date WHERE {
          ?m a ctkg:Meeting ; rdfs:label ?label .
          OPTIONAL { ?m ctkg:ordinal ?ordinal } OPTIONAL { ?m ctkg:date ?date } }""",
    "heads": """PREFIX ctkg: <https://w3id.org/ctkg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?meeting ?official WHERE { ?m ctkg:headOfDelegation ?p ; rdfs:label ?meeting . ?p rdfs:label ?official }""",
    "threats": """PREFIX ctkg: <https://w3id.org/ctkg/ontology#>
        SELECT ?m ?threat (COUNT(*) AS ?n) WHERE { ?m ctkg:threatDiscussed ?threat } GROUP BY ?m ?threat""",
    "attacks": """PREFIX ctkg: <https://w3id.org/ctkg/ontology#>
        SELECT ?a ?p ?o WHERE { ?a a ctkg:Attack ; ?p ?o }""",
    "per-graph": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
}


# ------------------------------------------------------------------------------ helpers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_LOAD_")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra)
    return env


def kg(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env or environment(),
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


@dataclass
class Server:
    root: str
    process: subprocess.Popen[bytes]

    @property
    def store(self) -> str:
        return f"{self.root}/store"

    def select(self, query: str, *, default: list[str] | None = None) -> list[dict[str, dict[str, str]]]:
        fields = [("query", query)]
        for graph in default or []:
            fields += [("default-graph-uri", graph), ("named-graph-uri", graph)]
        request = urllib.request.Request(
            f"{self.root}/query",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Accept": "application/sparql-results+json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return list(json.loads(response.read())["results"]["bindings"])

    def update(self, text: str) -> None:
        data = urllib.parse.urlencode({"update": text}).encode()
        with urllib.request.urlopen(urllib.request.Request(f"{self.root}/update", data=data), timeout=30):
            pass

    def counts(self) -> dict[str, int]:
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


def wait_until_answers(url: str, process: subprocess.Popen[bytes], within: float = 10) -> None:
    deadline = time.monotonic() + within
    query = urllib.parse.urlencode({"query": "ASK {}"})
    while True:
        assert process.poll() is None, "the server stopped at once"
        try:
            with urllib.request.urlopen(f"{url}/query?{query}", timeout=1):
                return
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A real, empty, read-write Oxigraph server on a free port of the loopback address."""
    port = free_port()
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(tmp_path / "server"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    root = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(root, process)
        yield Server(root, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("load") / "store"
    build([ROOT / "data" / "articles"], store=path)
    return path


def loaded_graphs(store: Path) -> dict[str, int]:
    """The graphs a load sends, with their sizes."""
    location = Location(store)
    manifest = location.manifest()
    assert manifest is not None
    skipped = {f"{manifest.base}graph/{name}" for name in SKIPPED}
    db = location.open()
    return {
        g.value: sum(1 for _ in db.quads_for_pattern(None, None, None, g))
        for g in db.named_graphs()
        if g.value not in skipped
    }


def staging_left(server: Server) -> list[str]:
    return [g for g in server.counts() if "-kg-staging-" in g]


# ------------------------------------------------------------------------------ comparing answers


def library_queries() -> dict[str, str]:
    """Every query of ``queries/`` (parameters bound to their defaults with VALUES), and our own."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "queries").rglob("*.rq")):
        text = path.read_text(encoding="utf-8")
        params = re.findall(r"^#\s*param:\s*(\w+)\s*=\s*(.*?)\s*(?:\(.*\))?\s*$", text, flags=re.M)
        if params:
            values = " ".join(f"VALUES ?{name} {{ {_term(value)} }}" for name, value in params)
            where = re.search(r"\bWHERE\s*\{", text, flags=re.I)
            if where is None:
                continue
            text = f"{text[: where.end()]} {values} {text[where.end() :]}"
        found[str(path.relative_to(ROOT))] = text
    return {**found, **{f"own:{name}": text for name, text in OWN_QUERIES.items()}}


def _term(value: str) -> str:
    stripped = value.strip().strip("<>")
    if re.match(r"^https?://[^\s<>\"{}|\\^`]+$", stripped):
        return str(ox.NamedNode(stripped))
    return str(ox.Literal(value))


def _datatype(iri: str | None) -> str:
    if iri is None:
        return ""
    return "integer" if iri in INTEGERS else iri


def _value(text: str) -> str:
    # GROUP_CONCAT gives no order: compare the parts as a set.
    return "; ".join(sorted(text.split("; "))) if "; " in text else text


def local_row(solution: ox.QuerySolution, columns: list[str]) -> tuple[str, ...]:
    cells = []
    for column in columns:
        term = solution[column]
        if term is None:
            cells.append("")
        elif isinstance(term, ox.BlankNode):
            cells.append("bnode")
        elif isinstance(term, ox.Literal):
            tag = f"@{term.language}" if term.language else f"^^{_datatype(term.datatype.value)}"
            cells.append(f"literal:{_value(term.value)}{tag}")
        else:
            cells.append(f"iri:{term.value}")
    return tuple(cells)


def server_row(binding: dict[str, dict[str, str]], columns: list[str]) -> tuple[str, ...]:
    cells = []
    for column in columns:
        term = binding.get(column)
        if term is None:
            cells.append("")
        elif term["type"] == "bnode":
            cells.append("bnode")
        elif term["type"] in {"literal", "typed-literal"}:
            lang = term.get("xml:lang")
            tag = f"@{lang}" if lang else f"^^{_datatype(term.get('datatype', XSD + 'string'))}"
            cells.append(f"literal:{_value(term['value'])}{tag}")
        else:
            cells.append(f"iri:{term['value']}")
    return tuple(cells)


# ------------------------------------------------------------------------------ tests


def test_load_sends_every_graph_and_the_server_answers_like_the_store(server: Server, store: Path) -> None:
    graphs = loaded_graphs(store)
    result = kg("load", "--endpoint", server.store, "--store", str(store), "-q")
    assert result.returncode == 0, result.stderr
    total = sum(graphs.values())
    assert f"sent:   {total} triples in {len(graphs)} graph(s)" in result.stdout
    assert f"server: {total} triples in those graphs" in result.stdout
    assert server.counts() == graphs

    db = Location(store).open()
    default = [ox.NamedNode(g) for g in sorted(graphs)]
    queries = library_queries()
    answered = 0
    for name, text in queries.items():
        solutions = db.query(text, default_graph=default, named_graphs=default)  # type: ignore[arg-type]
        assert isinstance(solutions, ox.QuerySolutions), name
        columns = [v.value for v in solutions.variables]
        local = {local_row(s, columns) for s in solutions}
        remote = {server_row(b, columns) for b in server.select(text, default=sorted(graphs))}
        assert remote == local, f"{name}: the server and the store disagree"
        answered += bool(local)
    assert answered >= 5, "too few queries found anything to compare"


def test_datatypes_the_ontology_declares_arrive(server: Server, store: Path) -> None:
    result = kg("load", "--endpoint", server.store, "--store", str(store), "--graph", "https://example.org/g/all", "-q")
    assert result.returncode == 0, result.stderr
    rows = server.select(
        "SELECT ?o WHERE { GRAPH <https://example.org/g/all> { ?m <https://w3id.org/ctkg/ontology#ordinal> ?o } }"
    )
    assert rows and all(row["o"]["datatype"] in INTEGERS for row in rows)
    # Merged into one graph: each distinct triple once.
    db = Location(store).open()
    distinct = {
        (q.subject, q.predicate, q.object)
        for g in loaded_graphs(store)
        for q in db.quads_for_pattern(None, None, None, ox.NamedNode(g))
    }
    assert server.counts() == {"https://example.org/g/all": len(distinct)}
    assert f"server: {len(distinct)} triples" in result.stdout


def test_replace_twice_gives_no_duplicates_and_leaves_no_staging_graph(server: Server, store: Path) -> None:
    first = kg("load", "--endpoint", server.store, "--store", str(store), "--chunk", "17", "-q")
    assert first.returncode == 0, first.stderr
    before = server.counts()
    server.update(f"INSERT DATA {{ GRAPH <{next(iter(before))}> {{ {MARKER} }} }}")
    again = kg("load", "--endpoint", server.store, "--store", str(store), "--replace", "--chunk", "17", "-q")
    assert again.returncode == 0, again.stderr
    assert server.counts() == before  # the marker went with the replaced graph, nothing doubled
    added = kg("load", "--endpoint", server.store, "--store", str(store), "-q")
    assert added.returncode == 0, added.stderr
    assert server.counts() == before  # adding the same triples again changes nothing
    assert staging_left(server) == []


def test_unreachable_endpoint_is_a_clear_error(store: Path) -> None:
    port = free_port()
    started = time.monotonic()
    result = kg("load", "--endpoint", f"http://127.0.0.1:{port}/store", "--store", str(store), "--retries", "2", "-q")
    assert result.returncode == 2
    assert f"cannot reach the query endpoint at http://127.0.0.1:{port}/query" in result.stderr
    assert "after 3 attempts" in result.stderr and "check that the server runs" in result.stderr
    assert result.stderr.count("trying again") == 2
    assert time.monotonic() - started < 30


def test_a_server_that_cannot_tell_its_endpoints_is_a_usage_error(store: Path) -> None:
    result = kg("load", "--endpoint", "http://127.0.0.1:9/somewhere", "--store", str(store))
    assert result.returncode == 2
    assert "--query-endpoint and --update-endpoint" in result.stderr


# ------------------------------------------------------------------------------ failing servers


class Proxy:
    """A small HTTP server in a thread that passes requests on to the real server, unless ``fail`` says otherwise.

    ``fail(method, path, n)`` (``n`` counts the requests of that method to that path) returns ``None`` to pass the
    request on, an HTTP status to answer with, or ``"drop"`` to close the connection without an answer.
    """

    def __init__(self, upstream: str, fail: Callable[[str, str, int], int | str | None]) -> None:
        self.upstream = upstream
        self.fail = fail
        self.seen: list[tuple[str, str, dict[str, str], bytes]] = []
        self.counts: dict[str, int] = {}
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                key = f"{self.command} {self.path.split('?')[0]}"
                proxy.counts[key] = n = proxy.counts.get(key, 0) + 1
                proxy.seen.append((self.command, self.path, dict(self.headers), body))
                verdict = proxy.fail(self.command, self.path, n)
                if verdict == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if isinstance(verdict, int):
                    echo = json.dumps({"error": "refused", "headers": dict(self.headers)}).encode()
                    self.send_response(verdict)
                    self.send_header("Content-Length", str(len(echo)))
                    self.end_headers()
                    self.wfile.write(echo)
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() in {"content-type", "accept"}}
                request = urllib.request.Request(
                    proxy.upstream + self.path, data=body or None, method=self.command, headers=headers
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status, data, kind = response.status, response.read(), response.headers.get("Content-Type")
                except urllib.error.HTTPError as error:
                    status, data, kind = error.code, error.read(), error.headers.get("Content-Type")
                self.send_response(status)
                if kind:
                    self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = handle_any  # noqa: N815

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.root = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Proxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _first_load_with_marker(server: Server, store: Path) -> dict[str, int]:
    """Load once, then add a triple the store does not hold: a replace that went through would remove it."""
    first = kg("load", "--endpoint", server.store, "--store", str(store), "-q")
    assert first.returncode == 0, first.stderr
    target = sorted(loaded_graphs(store))[0]
    server.update(f"INSERT DATA {{ GRAPH <{target}> {{ {MARKER} }} }}")
    return server.counts()


def test_http_500_on_every_post_fails_after_bounded_retries_and_changes_nothing(server: Server, store: Path) -> None:
    before = _first_load_with_marker(server, store)

    def fail(method: str, path: str, n: int) -> int | str | None:
        return 500 if method == "POST" and path.startswith("/store") else None

    with Proxy(server.root, fail) as proxy:
        result = kg(
            "load", "--endpoint", f"{proxy.root}/store", "--store", str(store), "--replace", "--retries", "2", "-q"
        )
        posts = [s for s in proxy.seen if s[0] == "POST" and s[1].startswith("/store")]
    assert result.returncode == 2
    assert "the Graph Store endpoint at" in result.stderr and "failed with HTTP 500 after 3 attempts" in result.stderr
    assert "the target graphs are unchanged" in result.stderr
    assert len(posts) == 3  # one try and two retries, then it gives up
    assert server.counts() == before
    assert staging_left(server) == []


def test_connection_dropped_mid_load_changes_nothing(server: Server, store: Path) -> None:
    before = _first_load_with_marker(server, store)

    def fail(method: str, path: str, n: int) -> int | str | None:
        return "drop" if method == "POST" and path.startswith("/store") and n > 2 else None

    with Proxy(server.root, fail) as proxy:
        result = kg(
            "load", "--endpoint", f"{proxy.root}/store", "--store", str(store), "--replace", "--chunk", "20",
            "--retries", "1", "-q",
        )  # fmt: skip
        posts = [s for s in proxy.seen if s[0] == "POST" and s[1].startswith("/store")]
    assert result.returncode == 2, result.stdout
    assert "the Graph Store endpoint at" in result.stderr and "after 2 attempts" in result.stderr
    assert "the target graphs are unchanged" in result.stderr
    assert len(posts) == 4, result.stderr  # two chunks arrived, the third was tried twice
    assert server.counts() == before
    assert staging_left(server) == []  # the chunks that arrived were dropped again


def test_failing_update_endpoint_leaves_the_targets_alone(server: Server, store: Path) -> None:
    before = _first_load_with_marker(server, store)
    with Proxy(server.root, lambda method, path, n: 500) as broken:
        result = kg(
            "load", "--endpoint", server.store, "--update-endpoint", f"{broken.root}/update", "--store", str(store),
            "--replace", "--retries", "1", "-q",
        )  # fmt: skip
    assert result.returncode == 2
    assert "the update endpoint at" in result.stderr and "HTTP 500" in result.stderr
    assert server.counts() == before  # staged, counted, but never moved, and the staging graphs dropped
    assert staging_left(server) == []


# ------------------------------------------------------------------------------ credentials


class AuthProxy(Proxy):
    def __init__(self, upstream: str, user: str, password: str) -> None:
        expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        super().__init__(upstream, lambda method, path, n: self._verdict(expected))
        self._expected = expected

    def _verdict(self, expected: str) -> int | None:
        headers = self.seen[-1][2]
        return None if headers.get("Authorization") == expected else 401


def test_credentials_are_used_and_never_shown(server: Server, store: Path) -> None:
    secret = "s3cr3t-Pa55"
    with AuthProxy(server.root, "alice", secret) as proxy:
        ok = kg(
            "load",
            "--endpoint",
            f"{proxy.root}/store",
            "--store",
            str(store),
            "--user",
            "alice",
            "--password",
            secret,
            "-q",
        )
        from_env = kg(
            "load", "--endpoint", f"{proxy.root}/store", "--store", str(store), "-q",
            env=environment(KG_LOAD_USER="alice", KG_LOAD_PASSWORD=secret),
        )  # fmt: skip
        in_url = kg("load", "--endpoint", f"http://alice:{secret}@{proxy.root[7:]}/store", "--store", str(store), "-q")
        wrong = kg(
            "load",
            "--endpoint",
            f"{proxy.root}/store",
            "--store",
            str(store),
            "--user",
            "alice",
            "--password",
            secret + "x",
            "--retries",
            "0",
        )
        url_wrong = kg(
            "load",
            "--endpoint",
            f"http://alice:{secret}x@{proxy.root[7:]}/store",
            "--store",
            str(store),
            "--retries",
            "0",
        )
        token = kg(
            "load",
            "--endpoint",
            f"{proxy.root}/store",
            "--store",
            str(store),
            "--retries",
            "0",
            env=environment(KG_LOAD_TOKEN=secret),
        )
    for result in (ok, from_env, in_url):
        assert result.returncode == 0, result.stderr
    for result in (wrong, url_wrong, token):
        assert result.returncode == 2
        assert "asks for credentials (HTTP 401" in result.stderr
    assert "@127.0.0.1" not in url_wrong.stderr  # the URL is shown without its user and password
    encoded = base64.b64encode(f"alice:{secret}x".encode()).decode()
    for result in (ok, from_env, in_url, wrong, url_wrong, token):
        shown = result.stdout + result.stderr
        assert secret not in shown and encoded not in shown, shown
        assert base64.b64encode(f"alice:{secret}".encode()).decode() not in shown


def test_a_user_without_a_password_and_no_terminal_is_a_usage_error(store: Path) -> None:
    result = kg("load", "--endpoint", "http://127.0.0.1:9/store", "--store", str(store), "--user", "alice")
    assert result.returncode == 2
    assert "no password for user 'alice'" in result.stderr and "KG_LOAD_PASSWORD" in result.stderr


# ------------------------------------------------------------------------------ a load killed half-way


def test_a_load_killed_half_way_leaves_the_targets_and_the_next_load_cleans_up(server: Server, tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    for case in sorted((ROOT / "tests" / "cases").glob("*/article.txt")):
        (articles / f"{case.parent.name}.txt").write_bytes(case.read_bytes())
    for article in sorted((ROOT / "data" / "articles").glob("*.txt")):
        (articles / article.name).write_bytes(article.read_bytes())
    store = tmp_path / "store"
    build([articles], store=store)
    graphs = loaded_graphs(store)
    assert sum(graphs.values()) > 500, "too few triples for a load that takes a while"

    first = kg("load", "--endpoint", server.store, "--store", str(store), "-q")
    assert first.returncode == 0, first.stderr
    before = server.counts()
    assert before == graphs
    # Staging graphs that the next load must leave alone: another target's, and a name that is no run's.
    target = sorted(graphs)[0]
    foreign = ["https://example.org/other-kg-staging-19a2b3c4d5e6f7a8b", f"{target}-kg-staging-not-a-run"]
    for name in foreign:
        server.update(f"INSERT DATA {{ GRAPH <{name}> {{ {MARKER} }} }}")

    # One triple a request: hundreds of requests, and the load is killed once the first has arrived.
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "load", "--endpoint", server.store, "--store", str(store), "--replace",
         "--chunk", "1", "-q"],
        cwd=ROOT, env=environment(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not [g for g in staging_left(server) if g not in foreign]:
            assert process.poll() is None, "the load ended before it could be killed"
            assert time.monotonic() < deadline, "no staging graph appeared"
            time.sleep(0.01)
        assert process.poll() is None, "the load ended before it could be killed"
        process.kill()
    finally:
        process.kill()
        process.communicate(timeout=30)
    assert process.returncode == -9

    after = server.counts()
    left = [g for g in staging_left(server) if g not in foreign]
    assert left, "a killed load cannot drop its staging graphs"
    assert all(g.rpartition("-kg-staging-")[0] in graphs for g in left)
    assert {g: n for g, n in after.items() if "-kg-staging-" not in g} == before  # the targets are unchanged

    again = kg("load", "--endpoint", server.store, "--store", str(store), "--replace", "-q")
    assert again.returncode == 0, again.stderr
    assert "staging graph(s) left by an earlier, interrupted load" in again.stderr
    assert sorted(staging_left(server)) == sorted(foreign)  # the killed load's are gone, the others kept
    assert {g: n for g, n in server.counts().items() if g not in foreign} == before
