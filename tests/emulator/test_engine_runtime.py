"""Fault injection, concurrency across threads and connections, seeding and reset."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from emulator.engine_support import (
    CATALOG,
    PRODUCTS,
    SAAS,
    SELLER,
    START,
    Api,
    contract_offer,
    create,
    update,
)
from offerops.emulator.clock import ManualClock
from offerops.emulator.engine import Marketplace
from offerops.emulator.exceptions import (
    CatalogError,
    InternalServiceException,
    ResourceInUseException,
    ThrottlingException,
    ValidationException,
)
from offerops.emulator.faults import FaultConfig


def outcomes(market: Marketplace, calls: int) -> list[str]:
    found = []
    for _ in range(calls):
        try:
            market.call("ListEntities", SELLER, {"Catalog": CATALOG, "EntityType": "Offer"})
            found.append("ok")
        except CatalogError as error:
            found.append(error.code)
    return found


def test_faults_are_reproducible_with_a_seed(tmp_path: Path) -> None:
    config = FaultConfig(throttle_rate=0.3, error_rate=0.2, seed=7)
    runs = [outcomes(Marketplace(tmp_path / f"{n}.sqlite", faults=config), 40) for n in range(2)]
    assert runs[0] == runs[1]
    assert {"ok", "ThrottlingException", "InternalServiceException"} == set(runs[0])
    other_seed = outcomes(
        Marketplace(
            tmp_path / "x.sqlite", faults=FaultConfig(throttle_rate=0.3, error_rate=0.2, seed=8)
        ),
        40,
    )
    assert other_seed != runs[0]


def test_injected_errors_carry_their_status(tmp_path: Path) -> None:
    throttled = Marketplace(tmp_path / "t.sqlite", faults=FaultConfig(throttle_rate=1.0))
    with pytest.raises(ThrottlingException) as raised:
        throttled.call("ListChangeSets", SELLER, {"Catalog": CATALOG})
    assert (raised.value.http_status, raised.value.message) == (
        429,
        "Rate exceeded for ListChangeSets (injected)",
    )
    failing = Marketplace(tmp_path / "e.sqlite", faults=FaultConfig(error_rate=1.0))
    with pytest.raises(InternalServiceException) as raised_500:
        failing.call("ListChangeSets", SELLER, {"Catalog": CATALOG})
    assert raised_500.value.http_status == 500


def test_retrying_through_faults_with_a_token_creates_one_offer(
    db: Path, clock: ManualClock, market: Marketplace
) -> None:
    flaky = Api(Marketplace(db, clock=clock, faults=FaultConfig(error_rate=0.6, seed=3)), SELLER)
    request = {"Catalog": CATALOG, "ChangeSet": contract_offer(), "ClientRequestToken": "tok"}
    failures = 0
    results = set()
    for _ in range(12):
        try:
            results.add(flaky("StartChangeSet", **request)["ChangeSetId"])
        except InternalServiceException:
            failures += 1
    assert failures and len(results) == 1
    reader = Api(market, SELLER)
    assert len(reader("ListChangeSets", Catalog=CATALOG)["ChangeSetSummaryList"]) == 1
    assert (
        len(reader("ListEntities", Catalog=CATALOG, EntityType="Offer")["EntitySummaryList"]) == 1
    )


def test_server_fault_change_sets_apply_nothing_and_release_locks(
    db: Path, clock: ManualClock, seller: Api
) -> None:
    offer_id = seller.new_offer(contract_offer(release=False))
    faulty = Api(Marketplace(db, clock=clock, faults=FaultConfig(server_fault_rate=1.0)), SELLER)
    described = faulty.run([update("UpdateInformation", {"Name": "Changed"}, offer_id)])
    assert (described["Status"], described["FailureCode"]) == ("FAILED", "SERVER_FAULT")
    assert "nothing was applied" in described["FailureDescription"]
    assert described["ChangeSet"][0]["ErrorDetailList"] == []
    assert seller.details(offer_id)["Name"] == "Acme 2027"
    assert (
        seller.run([update("UpdateInformation", {"Name": "Changed"}, offer_id)])["Status"]
        == "SUCCEEDED"
    )


def test_token_buckets_enforce_the_documented_quotas(tmp_path: Path) -> None:
    limited = Marketplace(tmp_path / "q.sqlite", faults=FaultConfig(rate_limits=True))
    request = {"Catalog": CATALOG}
    for _ in range(5):
        limited.call("ListChangeSets", SELLER, request)
    with pytest.raises(ThrottlingException, match="Rate exceeded for ListChangeSets"):
        limited.call("ListChangeSets", SELLER, request)
    limited.call("ListChangeSets", "444455556666", request)  # buckets are per account


def test_latency_is_added_to_every_call(tmp_path: Path) -> None:
    slow = Marketplace(tmp_path / "l.sqlite", faults=FaultConfig(latency_ms=40))
    began = time.perf_counter()
    slow.call("ListChangeSets", SELLER, {"Catalog": CATALOG})
    assert time.perf_counter() - began >= 0.04


def test_racing_starts_on_one_entity_from_two_connections(db: Path, seller: Api) -> None:
    clock = ManualClock(START)
    engines = [Marketplace(db, clock=clock, processing_seconds=60) for _ in range(2)]
    for round_number in range(5):
        offer_id = seller.new_offer(contract_offer(release=False))
        barrier = threading.Barrier(2)

        def race(
            engine: Marketplace, name: str, target: str = offer_id, gate: Any = barrier
        ) -> str:
            gate.wait()
            try:
                changes = [update("UpdateInformation", {"Name": name}, target)]
                engine.call("StartChangeSet", SELLER, {"Catalog": CATALOG, "ChangeSet": changes})
                return "won"
            except ResourceInUseException:
                return "locked"

        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(race, engines, [f"A{round_number}", f"B{round_number}"]))
        assert sorted(results) == ["locked", "won"]
        clock.advance(60)


def test_many_change_sets_from_threads_do_not_serialize_on_processing(
    db: Path, market: Marketplace
) -> None:
    engine = Marketplace(db, processing_seconds=0.1)

    def apply_one(number: int) -> str:
        started = engine.call(
            "StartChangeSet",
            SELLER,
            {"Catalog": CATALOG, "ChangeSet": [create(f"Offer {number}")]},
        )
        while True:
            described = engine.call(
                "DescribeChangeSet",
                SELLER,
                {"Catalog": CATALOG, "ChangeSetId": started["ChangeSetId"]},
            )
            if described["Status"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
                return str(described["Status"])
            time.sleep(0.02)

    began = time.perf_counter()
    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(apply_one, range(100)))
    elapsed = time.perf_counter() - began
    assert statuses == ["SUCCEEDED"] * 100
    # Serialized, 100 sets of 0.1 s would take 10 s; 10 threads overlap their waits.
    assert elapsed < 5, f"100 sets of 0.1 s took {elapsed:.1f} s: processing is serialized"


def test_seeding_is_idempotent_and_products_belong_to_one_account(market: Marketplace) -> None:
    assert market.seed_products(SELLER, PRODUCTS) == [SAAS, "prod-9a8b7c6d5e4f3"]
    with pytest.raises(ValidationException, match=f"product {SAAS} already belongs to account"):
        market.seed_products("444455556666", PRODUCTS)


def test_reset_forgets_everything(market: Marketplace, seller: Api) -> None:
    seller.new_offer()
    market.reset()
    assert seller("ListEntities", Catalog=CATALOG, EntityType="Offer")["EntitySummaryList"] == []
    assert seller("ListChangeSets", Catalog=CATALOG)["ChangeSetSummaryList"] == []
    described: dict[str, Any] = seller.run([create()])
    assert described["ChangeSet"][0]["ErrorDetailList"][0]["ErrorCode"] == "INVALID_PRODUCT_ID"


def test_calls_need_a_known_operation_and_an_account(market: Marketplace) -> None:
    with pytest.raises(ValueError, match="not an operation"):
        market.call("DeleteOffer", SELLER, {})
    with pytest.raises(ValueError, match="12 digits"):
        market.call("ListChangeSets", "seller", {"Catalog": CATALOG})
