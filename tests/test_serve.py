"""``kg serve``: Oxigraph's server over the store, read-only unless asked, on the loopback address."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kg.store import Changes, Location, Manifest, StoreError, commit
from tests.conftest import BASE, ROOT

GRAPH = f"{BASE}graph/article/example"
THING = URIRef(f"{BASE}state/EXA")
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A small store with the layout ``kg build`` makes: one article graph of two triples."""
    graph = Graph()
    graph.add((THING, LABEL, Literal("Example", lang="en")))
    graph.add((THING, URIRef("https://w3id.org/ctkg/ontology#isoCode"), Literal("EXA")))
    path = tmp_path / "store"
    commit(Location(path), Changes(manifest=Manifest(base=BASE), put={GRAPH: graph}))
    return path


@dataclass
class Running:
    process: subprocess.Popen[str]
    lines: list[str]
    port: int

    def url(self, name: str) -> str:
        for line in self.lines:
            if line.strip().startswith(name + ":"):
                return line.split(":", 1)[1].strip()
        raise AssertionError(f"no {name} in {self.lines}")


def _ignore_sigint() -> None:
    """What a shell script does to a job it puts in the background."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


@pytest.fixture
def serve() -> Iterator[object]:
    started: list[subprocess.Popen[str]] = []

    def start(*args: str, port: int | None = None, ignoring_sigint: bool = False) -> Running:
        port = port or free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--port", str(port), *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=_env(),
            preexec_fn=_ignore_sigint if ignoring_sigint else None,  # noqa: PLW1509
        )
        started.append(process)
        lines: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                lines.put(line.rstrip("\n"))
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        seen: list[str] = []
        deadline = time.monotonic() + 20
        while not any(line.startswith("Stop with") for line in seen):
            try:
                line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise AssertionError(f"kg serve printed no address: {seen}") from None
            if line is None:
                raise AssertionError(f"kg serve stopped: {seen} {process.stderr.read() if process.stderr else ''}")
            seen.append(line)
        return Running(process, seen, port)

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()  # kg serve stops its Oxigraph server
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def select(endpoint: str, query: str) -> list[dict[str, dict[str, str]]]:
    url = f"{endpoint}?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return list(json.loads(response.read())["results"]["bindings"])


def update(endpoint: str, text: str) -> int:
    data = urllib.parse.urlencode({"update": text}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(endpoint, data=data), timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def listening_addresses(port: int) -> set[str]:
    """The local addresses a socket listens on for ``port``, from the kernel's table (Linux)."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.add(address)
    return found


def other_address() -> str | None:
    """An address of this machine that is not a loopback one, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def stop(running: Running, signum: int) -> int:
    running.process.send_signal(signum)
    code = running.process.wait(timeout=15)
    deadline = time.monotonic() + 5
    while listening_addresses(running.port) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not listening_addresses(running.port), "the Oxigraph server outlived kg serve"
    return code


def test_serves_queries_read_only_on_the_loopback_address(store: Path, serve) -> None:  # type: ignore[no-untyped-def]
    running = serve("--store", str(store))
    endpoint = running.url("SPARQL endpoint")
    assert endpoint == f"http://127.0.0.1:{running.port}/query"
    assert running.url("query page") == f"http://127.0.0.1:{running.port}/"
    assert any("read-only" in line and "30 s" in line for line in running.lines)

    rows = select(endpoint, "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    assert [row["label"]["value"] for row in rows] == ["Example"]
    named = select(endpoint, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert [(r["g"]["value"], r["n"]["value"]) for r in named] == [(GRAPH, "2")]

    status = update(f"http://127.0.0.1:{running.port}/update", "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert status >= 400
    assert len(select(endpoint, "SELECT * WHERE { ?s ?p ?o }")) == 2

    if Path("/proc/net/tcp").exists():
        assert listening_addresses(running.port) == {"0100007F"}  # 127.0.0.1, and nothing else
    other = other_address()
    if other is not None:
        with pytest.raises(OSError), socket.create_connection((other, running.port), timeout=2):
            pass
    # A reader beside the read-only server.
    assert len(Location(store).open()) == 2
    assert stop(running, signal.SIGINT) == 0


def test_a_server_started_in_the_background_of_a_script_stops_on_sigint(store: Path, serve) -> None:  # type: ignore[no-untyped-def]
    """Started with SIGINT ignored, kg serve still stops on it, and so does the Oxigraph server it runs."""
    running = serve("--store", str(store), ignoring_sigint=True)
    assert len(select(running.url("SPARQL endpoint"), "SELECT * WHERE { ?s ?p ?o }")) == 2
    assert stop(running, signal.SIGINT) == 0


def test_writable_server_accepts_updates_and_holds_the_store(store: Path, serve) -> None:  # type: ignore[no-untyped-def]
    running = serve("--store", str(store), "--writable", "--timeout", "5")
    assert running.url("update endpoint") == f"http://127.0.0.1:{running.port}/update"
    status = update(running.url("update endpoint"), f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:a> <urn:b> <urn:c> }} }}")
    assert status in {200, 204}
    rows = select(running.url("SPARQL endpoint"), f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
    assert rows[0]["n"]["value"] == "3"
    with pytest.raises(StoreError, match="another kg process is writing"), Location(store).writing():
        pass
    assert stop(running, signal.SIGTERM) == 0
    with Location(store).writing():  # released when the server stops
        pass


def test_a_taken_port_is_a_clear_error(store: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "kg", "serve", "--port", str(port), "--store", str(store)],
            cwd=ROOT, capture_output=True, text=True, timeout=30, env=_env(),
        )  # fmt: skip
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is taken" in result.stderr and "--port" in result.stderr


def test_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kg", "serve", "--port", str(free_port()), "--store", str(tmp_path / "none")],
        cwd=ROOT, capture_output=True, text=True, timeout=30, env=_env(),
    )  # fmt: skip
    assert result.returncode == 2
    assert "no store here yet; run `kg build` first" in result.stderr


# ------------------------------------------------------------------------------ limits of the proxy


def post(url: str, fields: dict[str, str], *, accept: str = "application/sparql-results+json") -> tuple[int, str]:
    """POST a form; the status and the text of the answer, whatever the status."""
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The articles with the reference graph: enough triples for a cross join that takes minutes."""
    from kg.build import build

    path = tmp_path_factory.mktemp("serve") / "store"
    build([ROOT / "data" / "articles"], store=path)
    return path


def test_an_answer_over_the_size_limit_is_refused_with_413(store: Path, serve) -> None:  # type: ignore[no-untyped-def]
    running = serve("--store", str(store), "--max-result-bytes", "300")
    assert any("answers up to 300 bytes" in line for line in running.lines)
    endpoint = running.url("SPARQL endpoint")
    status, text = post(endpoint, {"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert status == 413
    assert text.strip() == "the result is larger than 300 bytes; add a LIMIT or raise --max-result-bytes"
    # The same limit on a GET.
    with pytest.raises(urllib.error.HTTPError) as refused:
        select(endpoint, "SELECT * WHERE { ?s ?p ?o }")
    assert refused.value.code == 413
    # A small answer passes, whole, and the query page is not held to the limit.
    rows = select(endpoint, "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    assert [row["label"]["value"] for row in rows] == ["Example"]
    status, text = post(endpoint, {"query": "ASK { ?s ?p ?o }"})
    assert status == 200 and json.loads(text)["boolean"] is True
    with urllib.request.urlopen(running.url("query page"), timeout=10) as page:
        assert page.status == 200 and b"<html" in page.read()
    assert stop(running, signal.SIGTERM) == 0


def test_writes_are_refused_with_403_unless_writable(store: Path, serve) -> None:  # type: ignore[no-untyped-def]
    running = serve("--store", str(store))
    root = f"http://127.0.0.1:{running.port}"
    message = "the server is read-only; start it with `kg serve --writable` to accept updates"
    insert = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    assert post(f"{root}/update", {"update": insert}) == (403, message + "\n")
    assert post(f"{root}/query", {"update": insert}) == (403, message + "\n")  # not through the query endpoint
    put = urllib.request.Request(
        f"{root}/store?default", data=b"<urn:a> <urn:b> <urn:c> .", method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )  # fmt: skip
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(put, timeout=10)
    assert refused.value.code == 403
    assert len(select(running.url("SPARQL endpoint"), "SELECT * WHERE { ?s ?p ?o }")) == 2
    assert stop(running, signal.SIGINT) == 0


def test_a_query_over_the_time_limit_is_stopped(big_store: Path, serve) -> None:  # type: ignore[no-untyped-def]
    running = serve("--store", str(big_store), "--timeout", "1")
    assert any("queries stop after 1 s" in line for line in running.lines)
    endpoint = running.url("SPARQL endpoint")
    started = time.monotonic()
    status, text = post(
        endpoint, {"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } }"}
    )
    took = time.monotonic() - started
    assert status == 504, text
    assert "longer than the time limit of 1 s" in text and "--timeout" in text
    assert took < 10
    # The server still answers afterwards.
    rows = select(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(rows[0]["n"]["value"]) > 100_000
    assert stop(running, signal.SIGINT) == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_killing_kg_serve_stops_the_oxigraph_server(store: Path, serve) -> None:  # type: ignore[no-untyped-def]
    running = serve("--store", str(store))
    ours = set(listening_addresses(running.port))
    assert ours
    oxigraph = [
        int(pid.name) for pid in Path("/proc").iterdir() if pid.name.isdigit() and _parent(pid) == running.process.pid
    ]
    assert oxigraph, "no Oxigraph server under kg serve"
    running.process.kill()
    running.process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() and _state(pid) != "Z" for pid in oxigraph):
        assert time.monotonic() < deadline, "the Oxigraph server outlived a killed kg serve"
        time.sleep(0.05)


def _parent(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "gone"
