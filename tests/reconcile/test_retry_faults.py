"""Transient faults are retried for every backend call (plan, apply, status, import), and what is
left after the retries is a clear OfferopsError naming the operation, the cause and the fix."""

from __future__ import annotations

import socket
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
    SSLError,
)

from offerops.catalog.embedded import EmbeddedAgreementClient, EmbeddedCatalogClient
from offerops.emulator.engine import Marketplace
from offerops.emulator.faults import FaultConfig
from offerops.errors import BackendError
from offerops.reconcile.apply import ApplyOptions
from offerops.reconcile.fetch import CountingClient
from offerops.reconcile.retry import RetriesExhausted, RetryPolicy
from offerops.reconcile.session import Session
from offerops.reconcile.status import offer_status
from offerops.timing import VirtualClock
from reconcile.conftest import EXAMPLE_OFFERS
from support import TODAY

OpenSession = Callable[[Path], Session]
FAST = ApplyOptions(parallelism=4, poll_initial_seconds=0.001, poll_max_seconds=0.01)
ENDPOINT = "http://127.0.0.1:1"


def client_error(code: str, status: int, operation: str = "ListEntities") -> ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": f"{code} happened"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, operation)


TRANSIENT = [
    EndpointConnectionError(endpoint_url=ENDPOINT),
    ConnectTimeoutError(endpoint_url=ENDPOINT),
    ReadTimeoutError(endpoint_url=ENDPOINT),
    ConnectionClosedError(endpoint_url=ENDPOINT),
    client_error("ThrottlingException", 429),
    client_error("InternalServiceException", 500),
    client_error("ServiceUnavailable", 503),
    client_error("ResourceInUseException", 423),
    client_error("", 502),
    client_error("SomethingNew", 504),
    client_error("", 429),
]


class Flaky:
    """An operation that fails with ``error`` ``failures`` times, then answers."""

    def __init__(self, error: Exception, failures: int) -> None:
        self.error, self.failures, self.calls = error, failures, 0
        self.__name__ = "list_entities"

    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return {"ok": kwargs}


def policy(attempts: int = 8) -> RetryPolicy:
    return RetryPolicy(attempts=attempts, sleep=lambda _: None, seed=1)


@pytest.mark.parametrize("error", TRANSIENT, ids=lambda e: type(e).__name__ + str(e)[:30])
def test_transient_faults_are_retried(error: Exception) -> None:
    retry = policy()
    operation = Flaky(error, failures=3)
    assert retry.call(operation, Catalog="x") == {"ok": {"Catalog": "x"}}
    assert operation.calls == 4
    assert sum(retry.retries.values()) == 3


@pytest.mark.parametrize(
    "error",
    [client_error("ValidationException", 400), client_error("AccessDeniedException", 403)],
)
def test_a_client_mistake_is_raised_unchanged_at_once(error: ClientError) -> None:
    operation = Flaky(error, failures=1)
    with pytest.raises(ClientError) as raised:
        policy().call(operation)
    assert raised.value is error
    assert operation.calls == 1


def test_a_certificate_failure_is_not_retried() -> None:
    operation = Flaky(SSLError(endpoint_url=ENDPOINT, error="certificate verify failed"), 1)
    with pytest.raises(SSLError):
        policy().call(operation)
    assert operation.calls == 1


def test_exhausted_network_retries_name_the_endpoint_and_the_fix() -> None:
    retry = policy(attempts=3)
    retry.network_hint = "check backend.endpoint"
    operation = Flaky(EndpointConnectionError(endpoint_url=ENDPOINT), failures=5)
    with pytest.raises(RetriesExhausted) as raised:
        retry.call(operation)
    error = raised.value
    assert isinstance(error, BackendError)
    assert error.exit_code == 1
    assert f"the marketplace endpoint {ENDPOINT} is unreachable" in error.message
    assert "ListEntities" in error.message and "3 attempt(s)" in error.message
    assert error.hint == "check backend.endpoint"
    assert operation.calls == 3


def throttled_policy(patience: float = 60.0) -> RetryPolicy:
    """A policy on a virtual clock: waiting moves time, so patience runs out without sleeping."""
    clock = VirtualClock(start=0.0)
    return RetryPolicy(sleep=clock.sleep, clock=clock, seed=1, throttle_patience_seconds=patience)


def test_throttling_is_retried_beyond_the_attempts_until_it_stops() -> None:
    retry = throttled_policy(patience=600.0)
    operation = Flaky(client_error("ThrottlingException", 429, "StartChangeSet"), failures=20)
    operation.__name__ = "start_change_set"
    assert retry.call(operation) == {"ok": {}}
    assert operation.calls == 21 > retry.attempts
    assert retry.throttled() == 20


def test_throttling_slows_the_lane_and_later_calls_keep_the_slower_pace() -> None:
    """A throttled operation gets a lane (none was configured): the next calls are spaced."""
    retry = throttled_policy()
    operation = Flaky(client_error("ThrottlingException", 429), failures=1)
    retry.call(operation)
    clock = retry.clock
    before = clock.now()
    for _ in range(10):
        retry.call(operation)
    # ListEntities' quota is 10/s; after the throttle the pace is below it
    assert clock.now() - before > 0.9
    assert retry.pace.paces()["ListEntities"] < 10.0


def test_exhausted_throttling_names_the_operation_and_the_code() -> None:
    """Only when throttling outlasts the patience (the command's deadline) does a call fail."""
    retry = throttled_policy(patience=30.0)
    operation = Flaky(client_error("ThrottlingException", 429, "StartChangeSet"), failures=10**6)
    with pytest.raises(RetriesExhausted) as raised:
        retry.call(operation)
    assert retry.clock.now() >= 30.0
    assert "StartChangeSet" in raised.value.message
    assert "ThrottlingException: ThrottlingException happened" in raised.value.message
    assert raised.value.hint is not None and "rerun" in raised.value.hint


# --- the real backends, with faults -----------------------------------------------------------


def on_faulty_market(session: Session, market: Marketplace) -> None:
    """Point an open session at ``market`` (same database, with injected faults)."""
    session.client.close()
    session.agreements.close()
    account = session.config.seller.accountId
    session.client = CountingClient(EmbeddedCatalogClient(market, account))
    session.agreements = EmbeddedAgreementClient(market, account)


@pytest.fixture
def faulty_market(embedded_repo: Path) -> Iterator[Marketplace]:
    faults = FaultConfig(throttle_rate=0.15, error_rate=0.15, seed=7)
    (embedded_repo / ".offerops").mkdir()
    market = Marketplace(embedded_repo / ".offerops" / "marketplace.sqlite", faults=faults)
    yield market
    market.close()


def test_plan_apply_status_and_import_reads_survive_throttling_and_5xx(
    embedded_repo: Path, session_for: OpenSession, faulty_market: Marketplace
) -> None:
    session = session_for(embedded_repo)
    on_faulty_market(session, faulty_market)
    plan = session.plan()
    results = session.apply(plan, FAST)
    assert [r.errors for r in results if r.status != "SUCCEEDED"] == []
    globex = next(r for r in results if r.key == "globex-tiers-2027")
    faulty_market.accept_offer("210987654321", str(globex.offer_id))
    rows = [
        offer_status(offer, session.agreements, session.retry, TODAY)
        for offer in session.actual()  # what `offerops import` and `status` read
    ]
    assert sum(len(row.agreements) for row in rows) == 1
    catalog_faults = {"ThrottlingException", "InternalServiceException"}
    agreement_fault = "InternalServerException"  # the Agreement API's spelling: status retried
    # Seeded, but which call draws which fault depends on how many calls the run makes.
    assert catalog_faults <= set(session.retry.retries) <= catalog_faults | {agreement_fault}
    assert sum(session.retry.retries.values()) >= 10


def test_a_single_500_from_search_agreements_is_retried_by_status(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    """The review's reproduction: one 500 from SearchAgreements ended `status` with exit 3."""
    session = session_for(embedded_repo)
    session.apply(session.plan(), FAST)
    real = session.agreements
    failed: list[str] = []

    class FailsOnce:
        def __getattr__(self, name: str) -> Any:
            method = getattr(real, name)
            if name != "search_agreements":
                return method

            def search(**kwargs: Any) -> Any:
                if not failed:
                    failed.append(name)
                    raise client_error("InternalServerException", 500, "SearchAgreements")
                return method(**kwargs)

            return search

    session.agreements = FailsOnce()  # type: ignore[assignment]
    rows = [offer_status(o, session.agreements, session.retry, TODAY) for o in session.actual()]
    assert failed == ["search_agreements"]
    assert len(rows) == EXAMPLE_OFFERS
    assert session.retry.retries == {"InternalServerException": 1}


class FlakyNetwork:
    """The real client, except that the first call of every operation meets a network fault."""

    FAULTS: tuple[type[Exception], ...] = (
        EndpointConnectionError,
        ReadTimeoutError,
        ConnectionClosedError,
        ConnectTimeoutError,
    )

    def __init__(self, client: Any) -> None:
        self._client = client
        self.seen: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        if name.startswith("_") or name == "close":
            return method

        def flaky(**kwargs: Any) -> Any:
            self.seen[name] += 1
            if self.seen[name] == 1:
                fault = self.FAULTS[len(self.seen) % len(self.FAULTS)]
                raise fault(endpoint_url=ENDPOINT)
            return method(**kwargs)

        flaky.__name__ = name
        return flaky


def test_every_operation_survives_a_network_fault(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    session = session_for(embedded_repo)
    session.client = CountingClient(FlakyNetwork(session.client))  # type: ignore[arg-type]
    session.agreements = FlakyNetwork(session.agreements)
    results = session.apply(session.plan(), FAST)
    assert {r.status for r in results} == {"SUCCEEDED"}
    rows = [offer_status(o, session.agreements, session.retry, TODAY) for o in session.actual()]
    assert len(rows) == EXAMPLE_OFFERS
    operations = {
        "list_entities",
        "batch_describe_entities",
        "start_change_set",
        "list_change_sets",
        "describe_change_set",
    }
    assert operations <= set(session.client._client.seen)  # type: ignore[attr-defined]
    assert session.agreements.seen["search_agreements"] == EXAMPLE_OFFERS + 1
    assert sum(session.retry.retries.values()) == len(operations) + 1


def test_apply_reports_refusals_and_exhausted_retries_per_offer(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    """A validation error, and a StartChangeSet throttled past the deadline, fail their offer;
    the others apply."""
    session = session_for(embedded_repo)
    inner = session.client

    class Refusing:
        def __getattr__(self, name: str) -> Any:
            method = getattr(inner, name)
            if name != "start_change_set":
                return method

            def start(**kwargs: Any) -> Any:
                if "acme-analytics" in kwargs["ChangeSetName"]:
                    raise client_error("ValidationException", 400, "StartChangeSet")
                if "globex" in kwargs["ChangeSetName"]:
                    raise client_error("ThrottlingException", 429, "StartChangeSet")
                return method(**kwargs)

            start.__name__ = name
            return start

    session.client = Refusing()  # type: ignore[assignment]
    session.retry.throttle_patience_seconds = 0.0  # throttled past the command's deadline
    results = {r.key: r for r in session.apply(session.plan(), FAST)}
    assert results["acme-analytics-2027"].errors == [
        "ValidationException: ValidationException happened"
    ]
    globex = results["globex-tiers-2027"]
    assert globex.status == "FAILED"
    assert "kept failing StartChangeSet" in " ".join(globex.errors)
    assert sum(r.status == "SUCCEEDED" for r in results.values()) == EXAMPLE_OFFERS - 2


# --- an unreachable endpoint --------------------------------------------------------------------


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def point_at(root: Path, endpoint: str) -> None:
    text = (root / "offerops.yaml").read_text().split("backend:")[0]
    (root / "offerops.yaml").write_text(text + f"backend:\n  kind: http\n  endpoint: {endpoint}\n")


def test_an_unreachable_endpoint_is_a_clear_error_for_plan_and_status(
    embedded_repo: Path, session_for: OpenSession, closed_port: int
) -> None:
    endpoint = f"http://127.0.0.1:{closed_port}"
    point_at(embedded_repo, endpoint)
    session = session_for(embedded_repo)
    with pytest.raises(RetriesExhausted) as raised:
        session.plan()
    error = raised.value
    assert f"the marketplace endpoint {endpoint} is unreachable: Could not connect" in error.message
    assert "ListEntities" in error.message
    assert error.hint is not None and "offerops emulator serve" in error.hint
    assert endpoint in error.hint
    assert "4 attempt(s)" in error.message  # a refused connection is not worth 8
    assert session.retry.retries == {"EndpointConnectionError": 3}
    with pytest.raises(RetriesExhausted, match="SearchAgreements"):
        session.retry.call(session.agreements.search_agreements, catalog="AWSMarketplace")


def test_the_served_emulator_with_faults_converges(
    embedded_repo: Path, session_for: OpenSession, tmp_path: Path
) -> None:
    """The HTTP path: boto3's ClientErrors for 429/500 are retried like the embedded ones."""
    from offerops.emulator.cli import load_config
    from offerops.emulator.seeding import seed_repository
    from offerops.emulator.server import running_server

    config = load_config(embedded_repo / "offerops.yaml")
    market = Marketplace(tmp_path / "served.sqlite")
    seed_repository(market, config)
    market.faults.config = FaultConfig(throttle_rate=0.2, error_rate=0.1, seed=3)
    with running_server(market) as server:
        point_at(embedded_repo, server.url)
        session = session_for(embedded_repo)
        results = session.apply(session.plan(), FAST)
        rows = [offer_status(o, session.agreements, session.retry, TODAY) for o in session.actual()]
    market.close()
    assert {r.status for r in results} == {"SUCCEEDED"}
    assert len(rows) == EXAMPLE_OFFERS
    # The faults are seeded, but how many calls a run makes depends on polling timing, so only
    # "faults were met and retried" is certain (the first calls always draw some faults).
    assert sum(session.retry.retries.values()) >= 1
