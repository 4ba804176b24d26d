"""The emulator over HTTP: a stdlib HTTP handler in front of :mod:`responses`, on a bounded server.

Stdlib rather than werkzeug: the wire layer only needs method, path, query, headers and body, and
the server must start in a test thread in milliseconds and shut down without leaking sockets (pytest
runs with warnings as errors). It binds 127.0.0.1 unless told otherwise: the emulator requires a
signature but verifies none (:mod:`offerops.emulator.auth`), so it must not be reachable from the
network by accident.

The server is not ``ThreadingHTTPServer``, which spends a thread per connection for as long as the
client keeps it open (1,505 threads for stalled sockets in a review) and listens with a backlog of 5
(connection resets under a burst of clients). Here one thread waits on every connection with a
selector and hands a connection to a **fixed pool** of worker threads only when a request arrives;
after the response a keep-alive connection goes back to the selector, so an idle connection costs a
file descriptor, not a thread. Limits (:class:`ServerLimits`): the pool size, a listen backlog that
absorbs a burst, a read timeout (a client that stops sending in the middle of a request), an idle
timeout (a keep-alive connection without a request), and a cap on open connections (past it, new
connections wait in the kernel's backlog).

- :func:`serve` runs a server until interrupted (``offerops emulator serve``);
- :func:`running_server` starts one on an ephemeral loopback port in a thread, for tests, and stops
  it (closing every open keep-alive connection) on exit.
"""

from __future__ import annotations

import errno
import logging
import queue
import resource
import selectors
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from offerops.emulator.accounts import DEFAULT_SELLER_ACCOUNT, EMULATOR_SECRET_KEY, access_key_for
from offerops.emulator.responses import (
    EmulatorResponses,
    MarketplaceBackend,
    WireRequest,
    WireResponse,
)

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_marketplace_catalog.client import MarketplaceCatalogClient

    from offerops.emulator.engine import Marketplace
    from offerops.emulator.faults import FaultConfig

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566 + 100
"""4666: near LocalStack's 4566 without colliding with it."""

MAX_BODY_BYTES = 16 * 1024 * 1024
"""Larger bodies are refused (413): a change set is at most 20 changes of 16 KB details."""

_RESERVED_FDS = 64
"""File descriptors kept free of connections: SQLite files, logs, the selector itself."""


@dataclass(frozen=True)
class ServerLimits:
    """How many threads and connections the server uses, and how long it waits for a client.

    The defaults suit a developer machine and CI: 32 workers answer far more than the reconciler's
    default parallelism of 10; a backlog of 128 absorbs a burst of new connections; a client that
    goes quiet in the middle of a request loses its connection after ``read_timeout`` seconds (per
    read), an idle keep-alive connection after ``idle_timeout``.
    """

    workers: int = 32
    backlog: int = 128
    read_timeout: float = 30.0
    idle_timeout: float = 60.0
    max_connections: int | None = None
    """Open connections at most; None: what the process's file descriptor limit allows."""

    def __post_init__(self) -> None:
        if self.workers < 1 or self.backlog < 1:
            raise ValueError("workers and backlog must be at least 1")
        if self.read_timeout <= 0 or self.idle_timeout <= 0:
            raise ValueError("read_timeout and idle_timeout must be positive")
        if self.max_connections is not None and self.max_connections < 1:
            raise ValueError("max_connections must be at least 1")

    def connection_cap(self) -> int:
        """``max_connections``, or the soft RLIMIT_NOFILE less a reserve (at least 16)."""
        if self.max_connections is not None:
            return self.max_connections
        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft == resource.RLIM_INFINITY:
            return 10_000
        return max(16, min(10_000, soft - _RESERVED_FDS))


class _Handler(BaseHTTPRequestHandler):
    """One connection: reads a request, hands it to the server's responses, writes the answer.

    Unlike a stdlib handler, creating one does not serve the connection to its end: a worker calls
    :meth:`serve_one` per request, so between requests the connection waits in the server's
    selector and holds no thread.
    """

    server: EmulatorHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "offerops-emulator"
    # Headers and body leave in one segment, without Nagle's delay: otherwise every keep-alive
    # response waits ~40 ms for the client's delayed ACK. handle_one_request() flushes.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def __init__(self, request: Any, client_address: Any, server: socketserver.BaseServer) -> None:
        if not isinstance(server, EmulatorHTTPServer):
            raise TypeError("_Handler serves an EmulatorHTTPServer")
        self.request = request
        self.client_address = client_address
        self.server = server
        self.close_connection = True
        self.setup()
        self.connection.settimeout(server.limits.read_timeout)

    def serve_one(self) -> bool:
        """Answer one request; whether the connection stays open for another."""
        self.close_connection = True
        self.handle_one_request()
        return not self.close_connection

    def has_pending(self) -> bool:
        """Whether the next request is already here (pipelined), without waiting for it."""
        self.connection.setblocking(False)
        try:
            return bool(self.rfile.peek(1))  # type: ignore[attr-defined]
        except OSError:
            return False
        finally:
            self.connection.settimeout(self.server.limits.read_timeout)

    def close(self) -> None:
        """Flush and close the streams, then the socket; never raises."""
        with suppress(OSError):
            self.finish()
        with suppress(OSError):
            self.connection.close()

    def hang_up(self) -> None:
        """Wake a worker blocked reading this connection, so it ends cleanly (shutdown)."""
        with suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        request = self._read()
        if request is None:
            return
        self._write(self.server.answer(request))

    def _read(self) -> WireRequest | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self.send_error(413 if length > 0 else 400, "bad Content-Length")
            return None
        body = self.rfile.read(length) if length else b""
        if len(body) < length:  # the client closed in the middle of its body
            self.close_connection = True
            return None
        parts = urlsplit(self.path)
        headers = {name.lower(): value for name, value in self.headers.items()}
        query = parse_qs(parts.query, keep_blank_values=True)
        return WireRequest(self.command, parts.path or "/", query, headers, body)

    def _write(self, response: WireResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)


_LISTENER = "listener"
_WAKE = "wake"


class EmulatorHTTPServer(socketserver.TCPServer):
    """An HTTP server with a fixed pool of worker threads and idle connections in a selector.

    Requests are answered concurrently by the workers: the engine is thread-safe (a connection and
    a transaction per call) and sleeps injected latency outside its locks, so slow calls do not
    queue unless every worker is busy. Call :meth:`shutdown` (from another thread) to stop
    :meth:`serve_forever`, then :meth:`server_close`.
    """

    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        responses: EmulatorResponses,
        limits: ServerLimits | None = None,
    ) -> None:
        self.responses = responses
        self.limits = limits or ServerLimits()
        self.request_queue_size = self.limits.backlog
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self._cap = self.limits.connection_cap()
        self._lock = threading.Lock()
        self._open: set[_Handler] = set()  # every accepted connection not yet closed
        self._idle: dict[_Handler, float] = {}  # in the selector, oldest first (selector thread)
        self._work: queue.SimpleQueue[_Handler | None] = queue.SimpleQueue()
        self._returned: queue.SimpleQueue[tuple[_Handler, bool]] = queue.SimpleQueue()
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._wake_writer.setblocking(False)
        self._workers: list[threading.Thread] = []
        self._stopping = False
        self._closed = False
        self._serving = threading.Event()
        self._stopped = threading.Event()
        self._accept_paused_until: float | None = None
        self._listening = False
        try:
            super().__init__(address, _Handler)
        except BaseException:
            self._wake_reader.close()
            self._wake_writer.close()
            raise
        self.socket.setblocking(False)

    def answer(self, request: WireRequest) -> WireResponse:
        return self.responses.dispatch(request)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = str(host)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    @property
    def worker_count(self) -> int:
        """Worker threads alive (a fixed pool: this never grows with connections)."""
        return sum(thread.is_alive() for thread in self._workers)

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._open)

    # --- the selector thread ----------------------------------------------------------------

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Accept connections and dispatch requests until :meth:`shutdown` or an exception."""
        self._start_workers()
        self._stopped.clear()
        self._serving.set()
        with selectors.DefaultSelector() as selector:
            selector.register(self._wake_reader, selectors.EVENT_READ, _WAKE)
            self._listen(selector, True)
            try:
                while not self._stopping:
                    timeout = self._select_timeout(poll_interval)
                    for key, _events in selector.select(timeout):
                        self._on_ready(selector, key.data)
                    self._expire_idle(selector)
            finally:
                for handler in self._idle:
                    selector.unregister(handler.connection)
                self._listening = False
                self._serving.clear()
                self._stopped.set()

    def wait_until_serving(self, timeout: float) -> bool:
        """Wait until :meth:`serve_forever` runs (started in another thread); whether it does."""
        return self._serving.wait(timeout)

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` and wait until it has returned."""
        self._stopping = True
        self._wake()
        if self._serving.is_set():
            self._stopped.wait()

    def _listen(self, selector: selectors.BaseSelector, on: bool) -> None:
        """Accept new connections or stop (at the cap, they wait in the kernel's backlog)."""
        if on and not self._listening:
            selector.register(self.socket, selectors.EVENT_READ, _LISTENER)
        elif not on and self._listening:
            selector.unregister(self.socket)
        self._listening = on

    def _select_timeout(self, poll_interval: float) -> float:
        now = time.monotonic()
        deadlines = [now + poll_interval]
        if self._idle:
            deadlines.append(next(iter(self._idle.values())) + self.limits.idle_timeout)
        if self._accept_paused_until is not None:
            deadlines.append(self._accept_paused_until)
        return max(0.0, min(deadlines) - now)

    def _on_ready(self, selector: selectors.BaseSelector, data: Any) -> None:
        if data == _LISTENER:
            self._accept(selector)
        elif data == _WAKE:
            self._take_back(selector)
        elif isinstance(data, _Handler):
            selector.unregister(data.connection)
            del self._idle[data]
            self._work.put(data)

    def _accept(self, selector: selectors.BaseSelector) -> None:
        while self.open_connections < self._cap:
            try:
                connection, address = self.socket.accept()
            except BlockingIOError:
                return
            except OSError as error:
                if error.errno == errno.ECONNABORTED:
                    continue
                # EMFILE/ENFILE: out of descriptors; retry in a second rather than spin.
                log.warning("cannot accept a connection: %s; retrying in 1 s", error)
                self._accept_paused_until = time.monotonic() + 1.0
                self._listen(selector, False)
                return
            handler = _Handler(connection, address, self)
            with self._lock:
                self._open.add(handler)
            self._park(selector, handler)
        self._listen(selector, False)

    def _park(self, selector: selectors.BaseSelector, handler: _Handler) -> None:
        """Wait for the connection's next request in the selector (no thread)."""
        selector.register(handler.connection, selectors.EVENT_READ, handler)
        self._idle[handler] = time.monotonic()

    def _take_back(self, selector: selectors.BaseSelector) -> None:
        """Connections the workers are done with: park the keep-alive ones, close the others."""
        with suppress(OSError):
            while self._wake_reader.recv(4096):
                pass
        while True:
            try:
                handler, keep = self._returned.get_nowait()
            except queue.Empty:
                break
            if keep and not self._stopping:
                self._park(selector, handler)
            else:
                self._discard(handler)
        self._resume_accepting(selector)

    def _expire_idle(self, selector: selectors.BaseSelector) -> None:
        """Close keep-alive connections idle for longer than the idle timeout (oldest first)."""
        expired_before = time.monotonic() - self.limits.idle_timeout
        while self._idle:
            handler, since = next(iter(self._idle.items()))
            if since > expired_before:
                break
            del self._idle[handler]
            selector.unregister(handler.connection)
            self._discard(handler)
        self._resume_accepting(selector)

    def _resume_accepting(self, selector: selectors.BaseSelector) -> None:
        paused = self._accept_paused_until
        if paused is not None and time.monotonic() < paused:
            return
        self._accept_paused_until = None
        if self.open_connections < self._cap:
            self._listen(selector, True)

    def _discard(self, handler: _Handler) -> None:
        with self._lock:
            self._open.discard(handler)
        handler.close()

    def _wake(self) -> None:
        with suppress(OSError):  # full: the selector is awake anyway; closed: nobody to wake
            self._wake_writer.send(b"\0")

    # --- the workers ------------------------------------------------------------------------

    def _start_workers(self) -> None:
        if self._workers:
            return
        for number in range(self.limits.workers):
            thread = threading.Thread(
                target=self._work_loop, name=f"emulator-worker-{number}", daemon=True
            )
            thread.start()
            self._workers.append(thread)

    def _work_loop(self) -> None:
        while (handler := self._work.get()) is not None:
            keep = self._serve(handler)
            with self._lock:
                closed = self._closed
                if closed:
                    self._open.discard(handler)
            if closed:
                handler.close()
            else:
                self._returned.put((handler, keep))
                self._wake()

    def _serve(self, handler: _Handler) -> bool:
        """Answer the requests the connection has sent; whether to keep it open."""
        try:
            while handler.serve_one():
                if not handler.has_pending():
                    return True
        except OSError as error:  # reset, broken pipe: the client went away
            log.debug("connection from %s ended: %s", handler.address_string(), error)
        except Exception:
            log.exception("emulator bug while serving %s", handler.address_string())
        return False

    def server_close(self) -> None:
        """Close the listening socket and every connection, and stop the workers."""
        super().server_close()
        with self._lock:
            self._closed = True
            in_flight = list(self._open - set(self._idle))
        for handler in in_flight:
            handler.hang_up()
        for _thread in self._workers:
            self._work.put(None)
        deadline = time.monotonic() + 5  # one bound for the pool, not 5 s per worker
        for thread in self._workers:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        for handler in list(self._idle):
            self._discard(handler)
        self._idle.clear()
        while True:
            try:
                handler, _keep = self._returned.get_nowait()
            except queue.Empty:
                break
            self._discard(handler)
        self._wake_reader.close()
        self._wake_writer.close()


def make_server(
    marketplace: MarketplaceBackend,
    *,
    host: str = DEFAULT_HOST,
    port: int = 0,
    default_account: str = DEFAULT_SELLER_ACCOUNT,
    allow_reset: bool = False,
    limits: ServerLimits | None = None,
) -> EmulatorHTTPServer:
    """A bound (not yet serving) server for ``marketplace``; port 0 picks a free port.

    ``allow_reset`` enables ``POST /_offerops/Reset`` (it wipes every account's state).
    """
    responses = EmulatorResponses(
        marketplace, default_account=default_account, allow_reset=allow_reset
    )
    return EmulatorHTTPServer((host, port), responses, limits)


def open_marketplace(
    db: str | Path,
    *,
    processing_seconds: float = 0.0,
    faults: FaultConfig | None = None,
    region: str = "us-east-1",
) -> Marketplace:
    """The engine on ``db`` (its directory is created)."""
    from offerops.emulator.engine import Marketplace

    Path(db).parent.mkdir(parents=True, exist_ok=True)
    return Marketplace(db, faults=faults, processing_seconds=processing_seconds, region=region)


def serve(
    host: str,
    port: int,
    db: str | Path,
    *,
    default_account: str = DEFAULT_SELLER_ACCOUNT,
    processing_seconds: float = 0.0,
    faults: FaultConfig | None = None,
    region: str = "us-east-1",
    allow_reset: bool = False,
    limits: ServerLimits | None = None,
    on_ready: Callable[[EmulatorHTTPServer], None] | None = None,
) -> None:
    """Serve the emulator on ``host:port`` with state in ``db`` until interrupted.

    ``on_ready`` runs once the socket is bound and listening, before the first request is served.
    """
    marketplace = open_marketplace(
        db, processing_seconds=processing_seconds, faults=faults, region=region
    )
    server = make_server(
        marketplace,
        host=host,
        port=port,
        default_account=default_account,
        allow_reset=allow_reset,
        limits=limits,
    )
    try:
        if on_ready is not None:
            on_ready(server)
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        _close(marketplace)


def _close(marketplace: object) -> None:
    close = getattr(marketplace, "close", None)
    if callable(close):
        close()


@dataclass(frozen=True)
class RunningServer:
    """A server running in a thread: where it is and what it serves."""

    server: EmulatorHTTPServer
    marketplace: MarketplaceBackend

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def default_account(self) -> str:
        return self.server.responses.default_account

    def catalog_client(
        self, *, account: str | None = None, **config: Any
    ) -> MarketplaceCatalogClient:
        """A boto3 ``marketplace-catalog`` client on this server, acting as ``account``.

        ``account`` defaults to the server's default (the seller); ``config`` goes to
        ``botocore.config.Config``, e.g. ``retries={"total_max_attempts": 1}``. Close it when done.
        """
        client: MarketplaceCatalogClient = self._client("marketplace-catalog", account, config)
        return client

    def agreement_client(self, *, account: str | None = None, **config: Any) -> Any:
        """A boto3 ``marketplace-agreement`` client on this server (see :meth:`catalog_client`)."""
        return self._client("marketplace-agreement", account, config)

    def _client(self, service: str, account: str | None, config: dict[str, Any]) -> Any:
        from botocore.config import Config

        session: Any = _boto3_session()
        with _SESSION_LOCK:  # creating clients on one session is not thread-safe
            return session.client(
                service,
                endpoint_url=self.url,
                region_name="us-east-1",
                aws_access_key_id=access_key_for(account or self.default_account),
                aws_secret_access_key=EMULATOR_SECRET_KEY,
                config=Config(**config),
            )


_SESSION_LOCK = threading.Lock()


@cache
def _boto3_session() -> boto3.Session:
    """One session for every test client: it loads the service models once, not per client."""
    import boto3

    return boto3.Session(region_name="us-east-1")


@contextmanager
def running_server(
    marketplace: MarketplaceBackend,
    *,
    host: str = DEFAULT_HOST,
    port: int = 0,
    default_account: str = DEFAULT_SELLER_ACCOUNT,
    allow_reset: bool = False,
    limits: ServerLimits | None = None,
) -> Iterator[RunningServer]:
    """Serve ``marketplace`` in a background thread (ephemeral loopback port by default)."""
    server = make_server(
        marketplace,
        host=host,
        port=port,
        default_account=default_account,
        allow_reset=allow_reset,
        limits=limits,
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        if not server.wait_until_serving(timeout=30):
            raise RuntimeError("the emulator server thread did not start within 30 s")
        yield RunningServer(server, marketplace)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
