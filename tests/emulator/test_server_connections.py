"""The served emulator's connection handling: timeouts, a fixed thread pool, a burst of clients.

Small numbers and short timeouts configured per test (``ServerLimits``), so every test ends within
seconds; nothing sleeps: a test waits for the server's answer or for it to close the socket, with a
generous socket timeout as the only bound. ``benchmarks/server_load.py`` measures the same with
large numbers.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from offerops.emulator.engine import Marketplace
from offerops.emulator.server import RunningServer, ServerLimits, running_server

WAIT = 10.0
"""Upper bound on any wait in this module; a correct server answers far sooner."""

HEALTH = b"GET /_offerops/health HTTP/1.1\r\nHost: emulator\r\n\r\n"


@contextmanager
def served(tmp_path: Path, **limits: float) -> Iterator[RunningServer]:
    with running_server(
        Marketplace(tmp_path / "m.sqlite"), limits=ServerLimits(**limits)
    ) as server:
        yield server


def address(server: RunningServer) -> tuple[str, int]:
    host, port = server.server.server_address[:2]
    return str(host), int(port)


def connect(server: RunningServer) -> socket.socket:
    connection = socket.create_connection(address(server), timeout=WAIT)
    return connection


def read_until_closed(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def health(server: RunningServer) -> int:
    client = http.client.HTTPConnection(*address(server), timeout=WAIT)
    try:
        client.request("GET", "/_offerops/health")
        response = client.getresponse()
        json.loads(response.read())
        return response.status
    finally:
        client.close()


def test_an_idle_connection_is_closed_after_the_idle_timeout(tmp_path: Path) -> None:
    with served(tmp_path, idle_timeout=0.3) as server, connect(server) as idle:
        started = time.monotonic()
        assert read_until_closed(idle) == b""
        elapsed = time.monotonic() - started
        assert health(server) == 200
    assert 0.2 <= elapsed < WAIT


def test_a_keep_alive_connection_is_closed_after_the_idle_timeout(tmp_path: Path) -> None:
    with served(tmp_path, idle_timeout=0.3) as server, connect(server) as client:
        client.sendall(HEALTH)
        answer = read_until_closed(client)  # one answer, then the idle timeout closes it
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert answer.count(b"HTTP/1.1") == 1


def test_a_request_stalled_midway_is_closed_after_the_read_timeout(tmp_path: Path) -> None:
    with served(tmp_path, read_timeout=0.3, workers=1) as server, connect(server) as stalled:
        stalled.sendall(b"POST /ListEntities HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
        assert read_until_closed(stalled) == b""
        assert health(server) == 200  # the only worker is free again


def test_idle_sockets_use_no_threads_and_the_server_still_answers(tmp_path: Path) -> None:
    workers = 3
    before = threading.active_count()
    with served(tmp_path, workers=workers) as server, ExitStack() as sockets:
        idle = [sockets.enter_context(connect(server)) for _ in range(40)]
        for connection in idle[:10]:  # keep-alive connections that have had a request
            connection.sendall(HEALTH)
            assert connection.recv(65536).startswith(b"HTTP/1.1 200 ")
        assert health(server) == 200
        threads = threading.active_count() - before
        assert server.server.open_connections >= 40
    assert threads <= workers + 1  # the pool and the selector thread, whatever the sockets


def test_connections_past_the_cap_wait_in_the_backlog(tmp_path: Path) -> None:
    with served(tmp_path, max_connections=2) as server, connect(server), connect(server) as second:
        third = connect(server)  # the kernel completes the handshake; the server does not accept
        with third:
            third.sendall(HEALTH)
            third.settimeout(0.3)
            with pytest.raises(TimeoutError):  # not answered while two connections are open
                third.recv(1)
            third.settimeout(WAIT)
            second.close()  # frees a slot: the waiting connection is accepted and answered
            assert third.recv(65536).startswith(b"HTTP/1.1 200 ")
        assert server.server.open_connections <= 2


def test_a_burst_of_new_connections_is_answered_without_resets(tmp_path: Path) -> None:
    clients = 60
    barrier = threading.Barrier(clients)

    def one(_: int) -> int:
        barrier.wait(timeout=WAIT)
        return health(server)

    with served(tmp_path, workers=4) as server, ThreadPoolExecutor(max_workers=clients) as pool:
        statuses = list(pool.map(one, range(clients)))
    assert statuses == [200] * clients


def test_pipelined_requests_are_all_answered(tmp_path: Path) -> None:
    last = HEALTH.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")
    with served(tmp_path) as server, connect(server) as client:
        client.sendall(HEALTH + HEALTH + last)
        answer = read_until_closed(client)
    assert answer.count(b"HTTP/1.1 200 ") == 3


def test_limits_are_checked() -> None:
    with pytest.raises(ValueError, match="workers"):
        ServerLimits(workers=0)
    with pytest.raises(ValueError, match="timeout"):
        ServerLimits(idle_timeout=0)
    assert ServerLimits(max_connections=5).connection_cap() == 5
    assert ServerLimits().connection_cap() >= 16
