"""Load on the served emulator: a burst of concurrent clients, then thousands of stalled sockets.

    python benchmarks/server_load.py           # 50 clients x 200 requests, 2,000 idle sockets
    python benchmarks/server_load.py --clients 20 --requests 50 --idle 300 --deadline 60

Starts ``offerops emulator serve`` on a free loopback port with its own temporary database, waits
for its "listening on" line, seeds one product and one draft offer through the HTTP API, then runs:

1. **keep-alive**: ``--clients`` threads start together, each with one keep-alive
   ``http.client`` connection (a new one after any error), and send ``--requests`` requests each,
   alternating ``POST /ListEntities`` and ``GET /DescribeEntity``;
2. **new connection per request**: the same with ``Connection: close``, which stresses accept
   and the listen backlog (where the old server reset connections);
3. **stalled sockets**: ``--idle`` sockets connect and send nothing, ``--partial`` more send half
   a request and stop; with them open, the server must still answer (a small load is timed).

For each phase it prints requests, failures by kind (reset, timeout, HTTP status), p50/p99/max
latency and throughput; the server's peak thread count is sampled from ``/proc/<pid>/status``
(Linux). Exits 1 if a request failed or the server ran more threads than its pool allows.
Loopback only; every socket has a timeout and the whole run a ``--deadline``, after which it stops
sending and reports what it has. The soft open-files limit is raised (inherited by the server) to
fit the idle sockets. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import queue
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SELLER = "111122223333"
HEADERS = {
    "Content-Type": "application/json",
    # Well-formed SigV4 (the emulator refuses unsigned requests; it never checks the signature).
    "Authorization": f"AWS4-HMAC-SHA256 Credential={SELLER}/20261123/us-east-1/aws-marketplace/"
    f"aws4_request, SignedHeaders=host;x-amz-date, Signature={'0' * 64}",
    "X-Amz-Date": "20261123T000000Z",
}
PRODUCT = {
    "id": "prod-4x7yvqjzt5abc",
    "type": "saas",
    "name": "Load test product",
    "dimensions": [{"key": "users", "name": "Users"}],
}
SOCKET_TIMEOUT = 30.0
WORKERS = 32  # the server's default pool
READY = re.compile(r"^offerops emulator (?:listening )?on (http://\S+)")
"""serve's first line (older versions printed "on" rather than "listening on")."""


# --- the server -------------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[str]
    host: str
    port: int
    peak_threads: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def status(self, field_name: str) -> int:
        """A number from /proc/<pid>/status (e.g. Threads), 0 where /proc is unavailable."""
        with suppress(OSError):
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith(f"{field_name}:"):
                    return int(line.split()[1])
        return 0

    def open_fds(self) -> int:
        with suppress(OSError):
            return len(os.listdir(f"/proc/{self.process.pid}/fd"))
        return 0

    def sample_threads(self) -> None:
        """Track the peak thread count every 10 ms until stopped (a benchmark may poll)."""
        while not self._stop.wait(0.01):
            self.peak_threads = max(self.peak_threads, self.status("Threads"))


def _wait_for_listening(process: subprocess.Popen[str], timeout: float) -> str:
    """The URL from serve's first line, printed once its socket listens (no polling)."""
    lines: queue.Queue[str | None] = queue.Queue()

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=drain, daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        if line is None:
            raise SystemExit("offerops emulator serve exited before listening")
        if ready := READY.match(line):
            return ready.group(1)


@contextmanager
def served(work: Path) -> Iterator[Server]:
    offerops = Path(sys.executable).parent / "offerops"
    # Instant change sets: setup() describes its CreateOffer set right after starting it.
    command = [str(offerops), "emulator", "serve", "--port", "0", "--db", str(work / "m.sqlite")]
    command += ["--changeset-seconds", "0"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=work
    )
    try:
        url = _wait_for_listening(process, timeout=60)
        host, port = url.removeprefix("http://").rsplit(":", 1)
        server = Server(process, host, int(port))
        sampler = threading.Thread(target=server.sample_threads, daemon=True)
        sampler.start()
        yield server
        server._stop.set()
        sampler.join(timeout=5)
    finally:
        process.terminate()
        process.wait(timeout=30)


def call(connection: http.client.HTTPConnection, method: str, path: str, body: Any = None) -> Any:
    payload = None if body is None else json.dumps(body).encode()
    connection.request(method, path, body=payload, headers=HEADERS)
    response = connection.getresponse()
    document = json.loads(response.read() or b"{}")
    if response.status != 200:
        raise RuntimeError(f"{method} {path}: {response.status} {document}")
    return document


def seed(server: Server) -> str:
    """One product and one draft offer; the offer's id."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=SOCKET_TIMEOUT)
    try:
        call(connection, "POST", "/_offerops/SeedProducts", {"Products": {"p": PRODUCT}})
        change = {
            "ChangeType": "CreateOffer",
            "Entity": {"Type": "Offer@1.0"},
            "DetailsDocument": {"ProductId": PRODUCT["id"], "Name": "Load test offer"},
        }
        started = call(
            connection,
            "POST",
            "/StartChangeSet",
            {"Catalog": "AWSMarketplace", "ChangeSet": [change]},
        )
        query = f"catalog=AWSMarketplace&changeSetId={started['ChangeSetId']}"
        described = call(connection, "GET", f"/DescribeChangeSet?{query}")
        return str(described["ChangeSet"][0]["Entity"]["Identifier"]).split("@")[0]
    finally:
        connection.close()


# --- clients ----------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float | None, failure: str | None = None) -> None:
        with self.lock:
            if failure is None and seconds is not None:
                self.latencies.append(seconds)
            else:
                self.failures[failure or "?"] += 1


def _failure(error: BaseException) -> str:
    if isinstance(error, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return "reset"
    if isinstance(error, http.client.RemoteDisconnected):
        return "closed by server"
    if isinstance(error, TimeoutError):
        return "timeout"
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    if isinstance(error, RuntimeError):
        return str(error).split(":", 2)[-1].strip().split(" ", 1)[0]  # the HTTP status
    return type(error).__name__


def requests_for(offer_id: str) -> list[tuple[str, str, Any]]:
    describe = f"/DescribeEntity?catalog=AWSMarketplace&entityId={offer_id}"
    return [
        ("POST", "/ListEntities", {"Catalog": "AWSMarketplace", "EntityType": "Offer"}),
        ("GET", describe, None),
    ]


def client(
    server: Server,
    work: list[tuple[str, str, Any]],
    count: int,
    keep_alive: bool,
    start: threading.Barrier,
    deadline: float,
    tally: Tally,
) -> None:
    """Send ``count`` requests, cycling through ``work``; reconnect after any failure."""
    headers = HEADERS if keep_alive else {**HEADERS, "Connection": "close"}
    connection: http.client.HTTPConnection | None = None
    start.wait(timeout=SOCKET_TIMEOUT)
    for number in range(count):
        if time.monotonic() > deadline:
            tally.add(None, "not sent (deadline)")
            continue
        method, path, body = work[number % len(work)]
        began = time.perf_counter()
        try:
            if connection is None:
                connection = http.client.HTTPConnection(
                    server.host, server.port, timeout=SOCKET_TIMEOUT
                )
            payload = None if body is None else json.dumps(body).encode()
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{method} {path}: {response.status}")
            tally.add(time.perf_counter() - began)
            if not keep_alive:
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException, RuntimeError) as error:
            tally.add(None, _failure(error))
            if connection is not None:
                connection.close()
            connection = None
    if connection is not None:
        connection.close()


def run_phase(
    server: Server,
    offer_id: str,
    clients: int,
    requests: int,
    keep_alive: bool,
    deadline: float,
) -> tuple[Tally, float]:
    tally = Tally()
    start = threading.Barrier(clients)
    work = requests_for(offer_id)
    threads = [
        threading.Thread(
            target=client,
            args=(server, work, requests, keep_alive, start, deadline, tally),
            daemon=True,
        )
        for _ in range(clients)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic() + SOCKET_TIMEOUT))
    return tally, time.perf_counter() - began


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(name: str, tally: Tally, seconds: float, server: Server) -> None:
    done = len(tally.latencies)
    total = done + sum(tally.failures.values())
    failures = ", ".join(f"{kind} {n}" for kind, n in sorted(tally.failures.items())) or "none"
    ms = [value * 1000 for value in tally.latencies]
    print(
        f"{name}: {total} requests, {done} ok, failures: {failures}; "
        f"p50 {percentile(ms, 0.50):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, "
        f"max {max(ms, default=float('nan')):.1f} ms; {done / seconds:.0f} req/s; "
        f"server peak threads {server.peak_threads}",
        flush=True,
    )


# --- stalled sockets --------------------------------------------------------------------------


def raise_fd_limit(needed: int) -> int:
    """Raise the soft RLIMIT_NOFILE to ``needed`` if the hard limit allows; the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    return soft


def stalled(server: Server, offer_id: str, idle: int, partial: int, deadline: float) -> bool:
    """Open ``idle`` silent and ``partial`` half-sent connections; the server must still answer."""
    address = (server.host, server.port)
    with ExitStack() as stack:
        for _ in range(idle):
            stack.enter_context(socket.create_connection(address, timeout=SOCKET_TIMEOUT))
        for _ in range(partial):
            half = stack.enter_context(socket.create_connection(address, timeout=SOCKET_TIMEOUT))
            half.sendall(b"POST /ListEntities HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
        print(
            f"stalled: {idle} idle + {partial} half-sent sockets open; server threads "
            f"{server.status('Threads')}, open fds {server.open_fds()}",
            flush=True,
        )
        tally, seconds = run_phase(server, offer_id, 10, 20, True, deadline)
        report(
            f"  10 clients x 20 requests with {idle + partial} stalled sockets",
            tally,
            seconds,
            server,
        )
        return not tally.failures and server.peak_threads <= WORKERS + 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200, help="per client")
    parser.add_argument("--idle", type=int, default=2000, help="silent sockets in phase 3")
    parser.add_argument("--partial", type=int, default=10, help="half-sent requests in phase 3")
    parser.add_argument("--deadline", type=float, default=300.0, help="seconds for the whole run")
    args = parser.parse_args()
    deadline = time.monotonic() + args.deadline
    limit = raise_fd_limit(args.idle + args.partial + args.clients + 512)
    print(
        f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"open files limit {limit}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="offerops-load-") as temp, served(Path(temp)) as server:
        offer_id = seed(server)
        print(f"server pid {server.process.pid}, threads at rest {server.status('Threads')}")
        ok = True
        for name, keep_alive in (("keep-alive", True), ("new connection per request", False)):
            tally, seconds = run_phase(
                server, offer_id, args.clients, args.requests, keep_alive, deadline
            )
            report(f"{name}: {args.clients} clients x {args.requests}", tally, seconds, server)
            ok = ok and not tally.failures
        ok = stalled(server, offer_id, args.idle, args.partial, deadline) and ok
        ok = ok and server.peak_threads <= WORKERS + 2
    print("PASS" if ok else "FAIL", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
