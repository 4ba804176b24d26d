"""``offerops emulator``: seed, the buyer helpers (on a database and on a server) and serve."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from offerops.catalog.embedded import EmbeddedCatalogClient
from offerops.emulator.cli import emulator_group
from offerops.emulator.engine import Marketplace
from offerops.emulator.server import running_server
from support import OfferRepo

SELLER = "111122223333"  # the seller of support.CONFIG
BUYER = "123456789012"
STRANGER = "345678901234"
PRODUCT_ID = "prod-4x7yvqjzt5abc"
CATALOG = "AWSMarketplace"


def run(*args: str) -> Result:
    return CliRunner().invoke(emulator_group, list(args), catch_exceptions=False)


@pytest.fixture
def in_repo(repo: OfferRepo, monkeypatch: pytest.MonkeyPatch) -> OfferRepo:
    monkeypatch.chdir(repo.root)
    return repo


def release_offer(db: Path) -> str:
    """Create and release a private offer for BUYER on ``db`` as the seller; its id."""
    expires = (datetime.now(UTC).date() + timedelta(days=90)).isoformat()

    def change(kind: str, details: dict[str, Any]) -> dict[str, Any]:
        entity = {"Type": "Offer@1.0", "Identifier": "$o.Entity.Identifier"}
        return {"ChangeType": kind, "Entity": entity, "DetailsDocument": details}

    eula = {"Type": "LegalTerm", "Documents": [{"Type": "StandardEula", "Version": "2022-07-14"}]}
    usage = {
        "Type": "UsageBasedPricingTerm",
        "CurrencyCode": "USD",
        "RateCards": [{"RateCard": [{"DimensionKey": "USER", "Price": "0.10"}]}],
    }
    changes = [
        {
            "ChangeType": "CreateOffer",
            "ChangeName": "o",
            "Entity": {"Type": "Offer@1.0"},
            "DetailsDocument": {"ProductId": PRODUCT_ID, "Name": "Acme usage"},
        },
        change("UpdateTargeting", {"PositiveTargeting": {"BuyerAccounts": [BUYER]}}),
        change("UpdatePricingTerms", {"PricingModel": "Usage", "Terms": [usage]}),
        change("UpdateLegalTerms", {"Terms": [eula]}),
        change("UpdateAvailability", {"AvailabilityEndDate": expires}),
        change("ReleaseOffer", {}),
    ]
    client = EmbeddedCatalogClient(Marketplace(db), SELLER)
    change_set_id = client.start_change_set(Catalog=CATALOG, ChangeSet=changes)["ChangeSetId"]
    described = client.describe_change_set(Catalog=CATALOG, ChangeSetId=change_set_id)
    assert described["Status"] == "SUCCEEDED", described
    return described["ChangeSet"][0]["Entity"]["Identifier"].split("@")[0]


@pytest.fixture
def seeded(in_repo: OfferRepo) -> Path:
    """The repository's emulator database with the config's products and one released offer."""
    result = run("seed")
    assert result.exit_code == 0, result.output
    return in_repo.root / ".offerops" / "marketplace.sqlite"


def test_seed_creates_the_products_of_offerops_yaml(in_repo: OfferRepo) -> None:
    result = run("seed")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"seeded 2 products for {SELLER}: prod-4x7yvqjzt5abc, prod-9a8b7c6d5e4f3\n"
    )
    assert (in_repo.root / ".offerops" / "marketplace.sqlite").is_file()


def test_seed_puts_resold_products_under_their_isv_and_shares_the_authorization(
    in_repo: OfferRepo,
) -> None:
    config = in_repo.root / "offerops.yaml"
    resold = (
        "  gateway:\n    id: prod-7h6g5f4d3s2a1\n    type: saas\n"
        '    manufacturerAccountId: "999988887777"\n'
        "    dimensions:\n      - { key: gateways, name: Gateways }\n"
    )
    config.write_text(config.read_text().replace("buyers:\n", resold + "buyers:\n"))
    offers = in_repo.root / "offers"
    offers.mkdir(exist_ok=True)
    (offers / "cppo.yaml").write_text(
        "spec:\n  product: gateway\n"
        "  channel:\n    resaleAuthorization: resaleauthz-1a2b3c4d5e6f7\n"
    )
    (offers / "broken.yaml").write_text("spec: [unclosed\n")

    result = run("seed")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "seeded 1 product for 999988887777: prod-7h6g5f4d3s2a1",
        f"shared resale authorization resaleauthz-1a2b3c4d5e6f7 from 999988887777 with {SELLER}",
    ]


def test_seed_outside_a_repository_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("seed", "--db", str(tmp_path / "m.sqlite"))
    assert result.exit_code == 1
    assert "no offerops.yaml found" in result.output
    assert "Traceback" not in result.output


def test_seed_reports_an_invalid_config_in_one_line(in_repo: OfferRepo) -> None:
    config = in_repo.root / "offerops.yaml"
    config.write_text(config.read_text().replace("apiVersion: offerops/v1", "apiVersion: v9"))
    result = run("seed")
    assert result.exit_code == 1
    assert "offerops.yaml: apiVersion:" in result.output


def test_buyer_lists_accepts_and_sees_the_agreement_on_the_database(seeded: Path) -> None:
    offer_id = release_offer(seeded)

    listed = run("offers", "--as", BUYER)
    nothing = run("offers", "--as", STRANGER)
    accepted = run("accept", offer_id, "--as", BUYER, "--po", "PO-2027-1", "--json")
    agreements = run("agreements", "--as", BUYER)

    assert listed.exit_code == 0, listed.output
    assert listed.output.startswith(f"{offer_id}  {PRODUCT_ID}  ")
    assert listed.output.rstrip().endswith("Acme usage")
    assert nothing.output == f"no offers for {STRANGER}\n"
    agreement_id = json.loads(accepted.output)["agreementId"]
    assert agreements.output.startswith(f"{agreement_id}  ACTIVE  {offer_id}  seller {SELLER}")


def test_buyer_helpers_over_a_running_server(seeded: Path) -> None:
    offer_id = release_offer(seeded)
    with running_server(Marketplace(seeded)) as server:
        listed = run("offers", "--as", BUYER, "--endpoint", server.url, "--json")
        accepted = run("accept", offer_id, "--as", BUYER, "--endpoint", server.url)
        again = run("accept", offer_id, "--as", STRANGER, "--endpoint", server.url)
        agreements = run("agreements", "--as", BUYER, "--endpoint", server.url, "--json")

    assert [offer["OfferId"] for offer in json.loads(listed.output)] == [offer_id]
    assert accepted.exit_code == 0, accepted.output
    assert accepted.output.startswith(f"{BUYER} accepted {offer_id}: agmt-")
    assert again.exit_code == 1
    assert again.output.startswith("Error: ")
    assert [a["proposalSummary"]["offerId"] for a in json.loads(agreements.output)] == [offer_id]


def test_accepting_an_unknown_offer_is_a_one_line_error(seeded: Path) -> None:
    result = run("accept", "offer-0000000000000", "--as", BUYER)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ResourceNotFoundException: ")
    assert len(result.output.splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("offers", "--as", "12345"), "an AWS account id has 12 digits"),
        (("agreements",), "Missing option '--as'"),
        (("offers", "--as", BUYER, "--db", "x.sqlite", "--endpoint", "http://x"), "not both"),
        (("serve", "--throttle-rate", "2"), "must be between 0 and 1"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_an_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run("offers", "--as", BUYER, "--endpoint", f"http://127.0.0.1:{port}")
    assert result.exit_code == 1
    assert f"cannot reach the emulator at http://127.0.0.1:{port}" in result.output


def test_a_database_that_is_not_one_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-db.sqlite"
    bogus.write_text("hello, I am a text file" * 100)
    result = run("offers", "--as", BUYER, "--db", str(bogus))
    assert result.exit_code == 1
    assert f"cannot open the emulator database {bogus}" in result.output


def test_serve_listens_on_loopback_by_default() -> None:
    serve = emulator_group.commands["serve"]
    host = next(p for p in serve.params if isinstance(p, click.Option) and p.name == "host")
    assert host.default == "127.0.0.1"


def test_serve_on_a_busy_port_fails_cleanly(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--port", str(port), "--db", str(tmp_path / "m.sqlite"))
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


def test_serve_answers_until_interrupted(tmp_path: Path) -> None:
    code = "from offerops.emulator.cli import emulator_group; emulator_group()"
    args = ["serve", "--port", "0", "--db", str(tmp_path / "m.sqlite"), "--latency-ms", "1"]
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split(" on ", 1)[1].split(" ", 1)[0]
        with urllib.request.urlopen(f"{url}/_offerops/health", timeout=10) as response:
            health = json.loads(response.read())
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)

    assert url.startswith("http://127.0.0.1:")
    assert health["Status"] == "ok"
    assert "GET /_offerops/health" in errors  # the access log
    assert "Traceback" not in errors
