"""Serve: run Oxigraph's own SPARQL server on the store's live database, behind a small proxy.

Oxigraph's server (``oxigraph serve-read-only``, or ``oxigraph serve`` when writable) listens on a
private port of the loopback address; a small reverse proxy of this module listens on the address
and port the user asked for (the loopback address unless told otherwise) and passes requests on:

- the query page and its files, and the SPARQL query endpoint (``/query``, GET and POST) always;
- the Graph Store endpoint (``/store``) for reading always, and for writing only when writable;
- the update endpoint (``/update``) only when writable; refused requests get 403 with a plain message.

The proxy caps the size of an answer, which Oxigraph's server does not: it buffers the answer up to
``max_result_bytes`` (so memory is bounded by that limit) and answers 413 with a plain message when
there is more. Oxigraph caps the time of a query (``--timeout-s``); the proxy gives up a little later
still, in case an answer never ends.

A read-only server can run beside other readers (``kg export``, another server, a build, which only
reads the live generation) and keeps serving the generation that was live when it started. A
read-write server needs the database to itself: it holds the store's write lock while it runs, so
``kg build`` and ``kg remove`` wait for it to stop.
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

from kg.errors import KgError
from kg.store import DATABASE, Location

DEFAULT_PORT = 7878
DEFAULT_BIND = "127.0.0.1"
DEFAULT_TIMEOUT = 30  # seconds a query may run
DEFAULT_MAX_RESULT_BYTES = 50_000_000  # bytes an answer may have
READY_WITHIN = 20.0  # seconds the server has to start answering
PRIVATE_HOST = "127.0.0.1"  # where Oxigraph's own server listens, on a port of its own
GRACE = 15.0  # seconds the proxy waits for an answer beyond the query time limit
READ_SIZE = 64 * 1024
# What Oxigraph's server writes at the end of an answer it already began when the time limit stops the query.
CANCELLED = b"The SPARQL operation has been cancelled"

PAGE_FILES = {"/", "/yasgui.min.css", "/yasgui.min.js", "/logo.svg", "/favicon.ico"}
QUERY_PATHS = {"/query", "/sparql"}
KEPT_REQUEST_HEADERS = ("Accept", "Content-Type", "Accept-Language")
KEPT_RESPONSE_HEADERS = ("Content-Type", "Content-Disposition", "Location", "Allow", "Vary", "Cache-Control")


class ServeError(KgError):
    """The server cannot start: no store, no oxigraph command, the port is taken."""


def oxigraph_command() -> str:
    """The ``oxigraph`` command installed beside this Python (the ``oxigraph`` package), else on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise ServeError("the oxigraph command is not installed; install it with `pip install oxigraph`")


def database(store: Path) -> Path:
    """The live Oxigraph database directory of the store."""
    live = Location(store).live()
    if live is None or not (live / DATABASE).is_dir():
        raise ServeError(f"{store}: no store here yet; run `kg build` first (or give --store)")
    return live / DATABASE


def command(store: Path, *, port: int, bind: str, writable: bool, timeout: float | None) -> list[str]:
    """The command that runs Oxigraph's server on ``bind``:``port`` (the private address, under the proxy)."""
    mode = "serve" if writable else "serve-read-only"
    args = [oxigraph_command(), mode, "--location", str(database(store)), "--bind", _address(bind, port)]
    args.append("--union-default-graph")
    if timeout:
        args += ["--timeout-s", str(int(timeout)) if float(timeout).is_integer() else str(timeout)]
    return args


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def urls(bind: str, port: int, *, writable: bool) -> dict[str, str]:
    """Where to point a browser and a SPARQL client."""
    host = bind.strip("[]")
    if host in {"0.0.0.0", "::", ""}:
        host = "localhost"
    root = f"http://{_address(host, port)}"
    found = {"query page": f"{root}/", "SPARQL endpoint": f"{root}/query"}
    if writable:
        found["update endpoint"] = f"{root}/update"
        found["graph store endpoint"] = f"{root}/store"
    return found


def _resolve(bind: str, port: int) -> tuple[socket.AddressFamily, tuple[object, ...]]:
    host = bind.strip("[]")
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise ServeError(f"--bind {bind}: not an address of this machine ({error.strerror})") from None
    family, _, _, _, address = infos[0]
    return family, tuple(address)


def _private_port() -> int:
    """A free port of the loopback address for Oxigraph's own server."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((PRIVATE_HOST, 0))
        return int(probe.getsockname()[1])


def _loopback(bind: str) -> bool:
    host = bind.strip("[]")
    return host == "localhost" or host.startswith("127.") or host == "::1"


def _answers(bind: str, port: int) -> bool:
    host = bind.strip("[]")
    if host in {"0.0.0.0", ""}:
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _size(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000} MB"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000} kB"
    return f"{n} bytes"


# ------------------------------------------------------------------------------ the proxy


class _TooLarge(Exception):
    pass


def _cut_short(data: bytes, content_type: str) -> str | None:
    """Why an answer Oxigraph began is not whole (it has sent its status line already), else ``None``."""
    tail = data[-200:].rstrip()
    if tail.endswith(CANCELLED):
        return "cancelled"
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/sparql-results+json" and not tail.endswith(b"}"):
        return "cut"
    if kind == "application/sparql-results+xml" and not tail.endswith(b">"):
        return "cut"
    return None


def _refusal(method: str, path: str, body: bytes, content_type: str, *, writable: bool) -> tuple[int, str] | None:
    """Why a request is not passed on (status and message), or ``None`` to pass it on."""
    read_only = "the server is read-only; start it with `kg serve --writable` to accept updates"
    if path in PAGE_FILES or path in QUERY_PATHS:
        if method in {"GET", "HEAD"}:
            return None
        if method == "POST" and path in QUERY_PATHS:
            kind = content_type.split(";")[0].strip().lower()
            if kind == "application/sparql-update":
                return None if writable else (403, read_only)
            if kind == "application/x-www-form-urlencoded":
                fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
                if "update" in fields and not writable:
                    return (403, read_only)
            return None
        return (405, f"{method} is not allowed on {path}")
    if path == "/store":
        if method in {"GET", "HEAD"} or writable:
            return None
        return (403, read_only)
    if path == "/update":
        return None if writable else (403, read_only)
    return (404, f"nothing at {path}; the SPARQL endpoint is /query")


def _handler(upstream: tuple[str, int], *, writable: bool, limit: int | None, timeout: float | None) -> type:
    wait = timeout + GRACE if timeout else None
    too_slow = (
        f"the query ran longer than the time limit of {timeout:g} s and was stopped; make it cheaper "
        "(add a LIMIT, narrow its patterns) or raise --timeout"
        if timeout
        else "the query did not finish"
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "kg-serve"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def _body(self) -> bytes:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                parts: list[bytes] = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in {b"\r\n", b"\n", b""}:
                            pass
                        return b"".join(parts)
                    parts.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length > 0 else b""

        def _plain(self, status: int, message: str) -> None:
            data = (message + "\n").encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _read(self, response: http.client.HTTPResponse, limit: int | None) -> bytes:
            declared = response.getheader("Content-Length")
            if limit is not None and declared is not None and declared.isdigit() and int(declared) > limit:
                raise _TooLarge
            parts: list[bytes] = []
            total = 0
            while True:
                part = response.read(READ_SIZE)
                if not part:
                    return b"".join(parts)
                total += len(part)
                if limit is not None and total > limit:
                    raise _TooLarge
                parts.append(part)

        def handle_any(self) -> None:
            body = self._body()
            target = self.path
            path = urllib.parse.urlsplit(target).path or "/"
            refused = _refusal(self.command, path, body, self.headers.get("Content-Type") or "", writable=writable)
            if refused is not None:
                self._plain(*refused)
                return
            headers = {name: value for name in KEPT_REQUEST_HEADERS if (value := self.headers.get(name))}
            if body or self.command in {"POST", "PUT"}:
                headers["Content-Length"] = str(len(body))
            connection = http.client.HTTPConnection(*upstream, timeout=wait)
            try:
                connection.request(self.command, target, body=body or None, headers=headers)
                response = connection.getresponse()
                data = b"" if self.command == "HEAD" else self._read(response, None if path in PAGE_FILES else limit)
            except _TooLarge:
                self._plain(413, f"the result is larger than {limit} bytes; add a LIMIT or raise --max-result-bytes")
                return
            except TimeoutError:
                self._plain(504, too_slow)
                return
            except (OSError, http.client.HTTPException) as error:
                self._plain(502, f"the Oxigraph server gave no complete answer ({error})")
                return
            finally:
                connection.close()
            broken = _cut_short(data, response.getheader("Content-Type") or "") if response.status == 200 else None
            if broken == "cancelled":
                self._plain(504, too_slow)
                return
            if broken is not None:
                self._plain(502, "the Oxigraph server cut its answer short: " + data[-200:].decode("utf-8", "replace"))
                return
            self.send_response(response.status, response.reason)
            for name in KEPT_RESPONSE_HEADERS:
                value = response.getheader(name)
                if value is not None:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if data:
                self.wfile.write(data)

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any  # noqa: N815

    return Handler


class _Proxy(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, bind: str, port: int, handler: type) -> None:
        family, address = _resolve(bind, port)
        self.address_family = family
        super().__init__(address[:2] if family == socket.AF_INET else address, handler)  # type: ignore[arg-type]


def _proxy(bind: str, port: int, handler: type) -> _Proxy:
    try:
        return _Proxy(bind, port, handler)
    except PermissionError:
        raise ServeError(f"port {port} needs privileges on this machine; choose another with --port") from None
    except OSError as error:
        raise ServeError(
            f"port {port} on {bind.strip('[]')} is taken ({error.strerror}); stop what uses it or choose another "
            "with --port"
        ) from None


# ------------------------------------------------------------------------------ running


def _die_with_parent() -> None:
    """In the child, before Oxigraph starts: hear SIGINT and SIGTERM even where kg serve was started with them
    ignored (a job put in the background by a script is), and on Linux be sent SIGTERM when kg serve dies,
    even by SIGKILL."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


@contextlib.contextmanager
def _forwarding(process: subprocess.Popen[bytes], stopped: list[int]) -> Iterator[None]:
    """Pass SIGINT and SIGTERM on to the server (it runs in a session of its own)."""

    def forward(signum: int, frame: FrameType | None) -> None:
        stopped.append(signum)
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve(
    store: Path,
    *,
    port: int = DEFAULT_PORT,
    bind: str = DEFAULT_BIND,
    writable: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_result_bytes: int | None = DEFAULT_MAX_RESULT_BYTES,
    announce: Callable[[str], None] = print,
) -> int:
    """Run the server until it stops or is told to; return its exit code (0 when stopped by a signal).

    ``timeout`` is the time a query may run and ``max_result_bytes`` the size of an answer; ``None``
    or 0 means no limit.
    """
    if not 0 < port < 65536:
        raise ServeError(f"--port {port}: not a TCP port (1-65535)")
    if timeout is not None and timeout < 0:
        raise ServeError(f"--timeout {timeout}: cannot be negative (0 means no limit)")
    if max_result_bytes is not None and max_result_bytes < 0:
        raise ServeError(f"--max-result-bytes {max_result_bytes}: cannot be negative (0 means no limit)")
    limit = max_result_bytes or None
    private = _private_port()
    args = command(store, port=private, bind=PRIVATE_HOST, writable=writable, timeout=timeout)
    handler = _handler((PRIVATE_HOST, private), writable=writable, limit=limit, timeout=timeout)
    location = Location(store)
    with location.writing() if writable else contextlib.nullcontext(), _proxy(bind, port, handler) as proxy:
        # Oxigraph's own "Listening for requests at" would name the private port: only its errors are shown.
        process = subprocess.Popen(
            args,
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 (no thread runs yet)
        )
        stopped: list[int] = []
        serving: threading.Thread | None = None
        with _forwarding(process, stopped):
            try:
                deadline = time.monotonic() + READY_WITHIN
                while not _answers(PRIVATE_HOST, private):
                    if process.poll() is not None:
                        raise ServeError(
                            f"the Oxigraph server stopped at once (exit code {process.returncode}); see its message "
                            "above"
                            + (
                                "; a read-write server needs the database to itself: stop other servers on it"
                                if writable
                                else ""
                            )
                        )
                    if stopped:
                        break
                    if time.monotonic() > deadline:
                        raise ServeError(f"the Oxigraph server did not answer within {READY_WITHIN:g} s")
                    time.sleep(0.05)
                if not stopped:
                    serving = threading.Thread(target=proxy.serve_forever, name="kg-serve-proxy", daemon=True)
                    serving.start()
                    mode = "read-write" if writable else "read-only"
                    limits = f", queries stop after {timeout:g} s" if timeout else ""
                    limits += f", answers up to {_size(limit)}" if limit else ""
                    announce(f"Serving {store} ({mode}{limits})")
                    for name, url in urls(bind, port, writable=writable).items():
                        announce(f"  {name + ':':<22}{url}")
                    if not _loopback(bind):
                        who = "update and query" if writable else "query"
                        announce(f"Listening on {bind}: anyone who can reach this machine can {who} the store.")
                    announce("Stop with Ctrl-C.")
                code = process.wait()
            except BaseException:
                if process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
                raise
            finally:
                if serving is not None:
                    proxy.shutdown()
                    serving.join(timeout=5)
    if stopped and (code == 0 or -code in stopped):
        return 0
    return code if code >= 0 else 128 - code
