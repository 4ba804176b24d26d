"""The emulator over HTTP: a stdlib ``ThreadingHTTPServer`` in front of :mod:`responses`.

Stdlib rather than werkzeug: the wire layer only needs method, path, query, headers and body, and
the server must start in a test thread in milliseconds and shut down without leaking sockets (pytest
runs with warnings as errors). It binds 127.0.0.1 unless told otherwise: the emulator checks no
signatures, so it must not be reachable from the network by accident.

- :func:`serve` runs a server until interrupted (``offerops emulator serve``);
- :func:`running_server` starts one on an ephemeral loopback port in a thread, for tests, and stops
  it (closing every open keep-alive connection) on exit.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


class _Handler(BaseHTTPRequestHandler):
    """Reads one request, hands it to the server's :class:`EmulatorResponses`, writes the answer."""

    server: EmulatorHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "offerops-emulator"
    # Headers and body leave in one segment, without Nagle's delay: otherwise every keep-alive
    # response waits ~40 ms for the client's delayed ACK. handle_one_request() flushes.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

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


class EmulatorHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that can close its keep-alive connections on shutdown.

    Requests are answered concurrently: the engine is thread-safe (a connection and a transaction
    per call) and sleeps injected latency outside its locks, so slow calls do not queue.
    """

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], responses: EmulatorResponses) -> None:
        self.responses = responses
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def answer(self, request: WireRequest) -> WireResponse:
        return self.responses.dispatch(request)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = str(host)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        with self._connections_lock:
            open_connections = list(self._connections)
        for connection in open_connections:
            _hang_up(connection)


def _hang_up(connection: socket.socket) -> None:
    """Wake a handler thread blocked reading a keep-alive connection, so it ends cleanly."""
    with suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)


def make_server(
    marketplace: MarketplaceBackend,
    *,
    host: str = DEFAULT_HOST,
    port: int = 0,
    default_account: str = DEFAULT_SELLER_ACCOUNT,
) -> EmulatorHTTPServer:
    """A bound (not yet serving) server for ``marketplace``; port 0 picks a free port."""
    responses = EmulatorResponses(marketplace, default_account=default_account)
    return EmulatorHTTPServer((host, port), responses)


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
    on_ready: Callable[[EmulatorHTTPServer], None] | None = None,
) -> None:
    """Serve the emulator on ``host:port`` with state in ``db`` until interrupted."""
    marketplace = open_marketplace(
        db, processing_seconds=processing_seconds, faults=faults, region=region
    )
    server = make_server(marketplace, host=host, port=port, default_account=default_account)
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
) -> Iterator[RunningServer]:
    """Serve ``marketplace`` in a background thread (ephemeral loopback port by default)."""
    server = make_server(marketplace, host=host, port=port, default_account=default_account)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield RunningServer(server, marketplace)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
