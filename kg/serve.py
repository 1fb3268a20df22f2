"""Serve: run Oxigraph's own SPARQL server on the store's live database.

A thin wrapper around ``oxigraph serve-read-only`` (or ``oxigraph serve`` when writable): it finds
the live generation of the store, binds to the loopback address unless told otherwise, caps the time
of a query, waits until the server answers, says where it is, and passes SIGINT and SIGTERM on.

A read-only server can run beside other readers (``kg export``, another server, a build, which only
reads the live generation) and keeps serving the generation that was live when it started. A
read-write server needs the database to itself: it holds the store's write lock while it runs, so
``kg build`` and ``kg remove`` wait for it to stop.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

from kg.errors import KgError
from kg.store import DATABASE, Location

DEFAULT_PORT = 7878
DEFAULT_BIND = "127.0.0.1"
DEFAULT_TIMEOUT = 30  # seconds a query may run
READY_WITHIN = 20.0  # seconds the server has to start answering


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


def _check_port(bind: str, port: int) -> None:
    host = bind.strip("[]")
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise ServeError(f"--bind {bind}: not an address of this machine ({error.strerror})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind(address)
        except PermissionError:
            raise ServeError(f"port {port} needs privileges on this machine; choose another with --port") from None
        except OSError as error:
            raise ServeError(
                f"port {port} on {host} is taken ({error.strerror}); stop what uses it or choose another with --port"
            ) from None


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
    announce: Callable[[str], None] = print,
) -> int:
    """Run the server until it stops or is told to; return its exit code (0 when stopped by a signal)."""
    if not 0 < port < 65536:
        raise ServeError(f"--port {port}: not a TCP port (1-65535)")
    if timeout is not None and timeout < 0:
        raise ServeError(f"--timeout {timeout}: cannot be negative (0 means no limit)")
    args = command(store, port=port, bind=bind, writable=writable, timeout=timeout)
    _check_port(bind, port)
    location = Location(store)
    with location.writing() if writable else contextlib.nullcontext():
        process = subprocess.Popen(args, start_new_session=True, stdin=subprocess.DEVNULL)
        stopped: list[int] = []
        with _forwarding(process, stopped):
            try:
                deadline = time.monotonic() + READY_WITHIN
                while not _answers(bind, port):
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
                        raise ServeError(f"the Oxigraph server did not answer on port {port} within {READY_WITHIN:g} s")
                    time.sleep(0.05)
                if not stopped:
                    mode = "read-write" if writable else "read-only"
                    limit = f", queries stop after {timeout:g} s" if timeout else ""
                    announce(f"Serving {store} ({mode}{limit})")
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
    if stopped and (code == 0 or -code in stopped):
        return 0
    return code if code >= 0 else 128 - code
