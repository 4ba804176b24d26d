"""``offerops emulator``: seed, the buyer helpers (on a database and on a server) and serve."""

from __future__ import annotations

import json
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from offerops.catalog.embedded import EmbeddedCatalogClient
from offerops.emulator.accounts import DEFAULT_SELLER_ACCOUNT
from offerops.emulator.auth import signed_headers
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
        "resaleAuthorizations:\n  resaleauthz-1a2b3c4d5e6f7: { product: gateway }\n"
    )
    config.write_text(config.read_text().replace("buyers:\n", resold + "buyers:\n"))
    offers = in_repo.root / "offers"
    offers.mkdir(exist_ok=True)
    (offers / "cppo.yaml").write_text(  # only a declared authorization is shared
        "spec:\n  product: gateway\n"
        "  channel:\n    resaleAuthorization: resaleauthz-1a2b3c4d5e6f8\n"
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
    assert result.exit_code == 2
    assert "no offerops.yaml found" in result.output
    assert "pass --config FILE" in result.output
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
    assert nothing.output == f"no offers for initech-br ({STRANGER})\n"
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
    assert accepted.output.startswith(f"acme-prod ({BUYER}) accepted {offer_id}: agmt-")
    assert again.exit_code == 1
    assert again.output.startswith("Error: ")
    assert [a["proposalSummary"]["offerId"] for a in json.loads(agreements.output)] == [offer_id]


EPOCH = re.compile(r"\b1[0-9]{9}(\.[0-9]+)?\b")
DAY = r"\d{4}-\d\d-\d\d"


def test_buyer_commands_take_an_alias_and_print_human_dates(seeded: Path) -> None:
    offer_id = release_offer(seeded)

    listed = run("offers", "--as", "acme-prod")
    accepted = run("accept", offer_id, "--as", "acme-prod")
    agreements = run("agreements", "--as", "acme-prod")
    as_json = run("agreements", "--as", BUYER, "--json")
    nothing = run("agreements", "--as", "globex-uk")

    assert re.fullmatch(rf"{offer_id}  {PRODUCT_ID}  expires {DAY}  Acme usage\n", listed.output)
    assert re.fullmatch(
        rf"acme-prod \({BUYER}\) accepted {offer_id}: agmt-\w+, starts {DAY}, no end\n",
        accepted.output,
    )
    assert re.fullmatch(
        rf"agmt-\w+  ACTIVE  {offer_id}  seller {SELLER}  accepted {DAY} \d\d:\d\d UTC  "
        rf"starts {DAY}  no end\n",
        agreements.output,
    )
    for output in (listed.output, accepted.output, agreements.output):
        assert not EPOCH.search(output) and "T00:00:00" not in output, output
    (agreement,) = json.loads(as_json.output)
    assert re.fullmatch(rf"{DAY}T\d\d:\d\d:\d\dZ", agreement["acceptanceTime"])
    assert nothing.output == "no agreements for globex-uk (210987654321)\n"


def test_an_alias_works_against_a_server_too(seeded: Path) -> None:
    offer_id = release_offer(seeded)
    with running_server(Marketplace(seeded)) as server:
        accepted = run("accept", offer_id, "--as", "acme-prod", "--endpoint", server.url)
        agreements = run("agreements", "--as", "acme-prod", "--endpoint", server.url)
    assert accepted.output.startswith(f"acme-prod ({BUYER}) accepted {offer_id}: agmt-")
    assert f"  {offer_id}  seller {SELLER}  accepted " in agreements.output
    assert not EPOCH.search(agreements.output)


def test_an_unknown_alias_is_a_usage_error_naming_the_aliases(seeded: Path) -> None:
    result = run("offers", "--as", "acme-test")
    assert result.exit_code == 2
    assert "'acme-test' is not a 12-digit AWS account id" in result.output
    assert "(its aliases: acme-prod, globex-uk, initech-br)" in result.output


def test_an_alias_outside_a_repository_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("offers", "--as", "acme-prod", "--db", str(tmp_path / "m.sqlite"))
    assert result.exit_code == 2
    assert "no offerops.yaml with buyer aliases here or above" in result.output
    assert not (tmp_path / "m.sqlite").exists()


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


class ServeProcess:
    """``offerops emulator serve`` in a subprocess, ready once it prints its listening line.

    The line is printed after the socket is bound and listening, so waiting for it (with a
    generous bound, for a loaded machine) replaces polling or sleeping; stdout is drained by a
    thread so the server never blocks on a full pipe.
    """

    READY = "offerops emulator listening on "

    def __init__(self, cwd: Path, *args: str) -> None:
        code = "from offerops.emulator.cli import emulator_group; emulator_group()"
        # The access log goes to a file, which never fills up; closed in __exit__.
        self.errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
            cwd=cwd,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        self.drain = threading.Thread(target=self._drain, daemon=True)
        self.drain.start()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def next_line(self, timeout: float = 60.0) -> str:
        """The next line serve prints (AssertionError if it exits first)."""
        line = self.lines.get(timeout=timeout)
        if line is None:
            raise AssertionError(f"serve exited; it printed: {''.join(self.output)}")
        self.output.append(line)
        return line

    def wait_until_listening(self, timeout: float = 60.0) -> str:
        """The server's URL, from its listening line."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.next_line(max(0.0, deadline - time.monotonic()))
            if line.startswith(self.READY):
                return line[len(self.READY) :].split(" ", 1)[0]

    def interrupt(self, timeout: float = 60.0) -> tuple[int, str]:
        """Send SIGINT and wait for the exit: (exit status, stderr)."""
        self.process.send_signal(signal.SIGINT)
        status = self.process.wait(timeout=timeout)
        self.drain.join(timeout=timeout)
        self.errors.seek(0)
        return status, self.errors.read()

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, *_: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=60)
        self.drain.join(timeout=60)
        assert self.process.stdout is not None
        self.process.stdout.close()
        self.errors.close()


def post(url: str, path: str) -> tuple[int, dict[str, Any]]:
    headers = signed_headers(DEFAULT_SELLER_ACCOUNT)
    request = urllib.request.Request(f"{url}{path}", data=b"{}", headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def test_serve_answers_until_interrupted(tmp_path: Path) -> None:
    args = ("--db", str(tmp_path / "m.sqlite"), "--latency-ms", "1")
    with ServeProcess(tmp_path, *args) as serve:
        url = serve.wait_until_listening()
        with urllib.request.urlopen(f"{url}/_offerops/health", timeout=60) as response:
            health = json.loads(response.read())
        reset = post(url, "/_offerops/Reset")
        status, errors = serve.interrupt()

    assert url.startswith("http://127.0.0.1:")
    assert health["Status"] == "ok"
    assert reset[0] == 403 and "--allow-reset" in reset[1]["Message"]
    assert status == 1 and "Aborted" in errors  # click's answer to Ctrl-C
    assert "GET /_offerops/health" in errors  # the access log
    assert "Traceback" not in errors


def test_serve_allow_reset_enables_the_reset_endpoint(tmp_path: Path) -> None:
    args = ("--db", str(tmp_path / "m.sqlite"), "--allow-reset", "--idle-timeout", "5")
    with ServeProcess(tmp_path, *args) as serve:
        url = serve.wait_until_listening()
        reset = post(url, "/_offerops/Reset")
        _, errors = serve.interrupt()
    assert reset == (200, {})
    assert "Traceback" not in errors


def test_serve_outside_a_repository_says_where_the_database_is(tmp_path: Path) -> None:
    with ServeProcess(tmp_path) as serve:
        serve.wait_until_listening()
        second = serve.next_line()
        serve.interrupt()
    assert str(tmp_path.resolve() / ".offerops" / "marketplace.sqlite") in serve.output[0]
    assert "no offerops.yaml here or above" in second


@pytest.mark.parametrize(
    "args",
    [
        ("offers", "--as", BUYER),
        ("accept", "offer-1a2b3c4d5e6f7", "--as", BUYER),
        ("agreements", "--as", BUYER),
        ("seed",),
    ],
    ids=lambda args: args[0],
)
def test_commands_outside_a_repository_refuse_without_creating_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2
    assert "no offerops.yaml" in result.output
    assert "run inside an offers repository" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / ".offerops").exists()
