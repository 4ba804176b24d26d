"""``offerops emulator serve`` takes time like AWS by default: PREPARING, then APPLYING, locks."""

from __future__ import annotations

import time
from pathlib import Path

import botocore.session
import click
from botocore.config import Config

from emulator.test_cli_emulator import ServeProcess
from offerops.emulator.cli import DEFAULT_CHANGESET_SECONDS, emulator_group
from offerops.emulator.engine import Marketplace
from offerops.model.config import Dimension, Product

SELLER = "111122223333"
PRODUCT = Product(
    id="prod-4x7yvqjzt5abc", type="saas", dimensions=[Dimension(key="users", name="U")]
)


def test_serve_defaults_to_a_non_zero_documented_processing_time() -> None:
    serve = emulator_group.commands["serve"]
    (option,) = [p for p in serve.params if p.name == "changeset_seconds"]
    assert isinstance(option, click.Option)
    assert option.default == DEFAULT_CHANGESET_SECONDS == 2.0
    documented = (Path(__file__).parents[2] / "docs" / "emulator-http.md").read_text()
    assert "**`serve --changeset-seconds` defaults to 2**" in documented


def test_served_change_sets_are_preparing_then_applying_and_lock_their_offer(
    tmp_path: Path,
) -> None:
    db = tmp_path / "m.sqlite"
    with Marketplace(db) as market:
        market.seed_products(SELLER, {"p": PRODUCT})
    with ServeProcess(tmp_path, "--db", str(db)) as serve:
        url = serve.wait_until_listening()
        announced = serve.next_line(), serve.next_line()
        client = botocore.session.Session().create_client(
            "marketplace-catalog",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id=SELLER,
            aws_secret_access_key="x",
            config=Config(retries={"total_max_attempts": 1}),
        )
        try:
            statuses, offer_id, busy = _create_then_touch(client)
        finally:
            client.close()
        serve.interrupt()
    assert "stay PREPARING, then APPLYING, for 2 s" in announced[1]
    assert statuses[0] == "PREPARING"
    assert "APPLYING" in statuses
    assert statuses[-1] == "SUCCEEDED"
    assert offer_id.startswith("offer-")
    assert busy == "ResourceInUseException"


def _create_then_touch(client: object) -> tuple[list[str], str, str]:
    """Create an offer and follow its set; then hold it with one set and start another."""
    catalog = "AWSMarketplace"
    create = {
        "ChangeType": "CreateOffer",
        "Entity": {"Type": "Offer@1.0"},
        "DetailsDocument": {"ProductId": PRODUCT.id, "Name": "Timing"},
    }
    started = client.start_change_set(Catalog=catalog, ChangeSet=[create])  # type: ignore[attr-defined]
    statuses: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        described = client.describe_change_set(  # type: ignore[attr-defined]
            Catalog=catalog, ChangeSetId=started["ChangeSetId"]
        )
        if not statuses or statuses[-1] != described["Status"]:
            statuses.append(described["Status"])
        if described["Status"] not in ("PREPARING", "APPLYING"):
            break
        time.sleep(0.1)
    offer_id = described["ChangeSet"][0]["Entity"]["Identifier"].split("@")[0]
    name = {
        "ChangeType": "UpdateInformation",
        "Entity": {"Type": "Offer@1.0", "Identifier": offer_id},
        "DetailsDocument": {"Name": "Timing 2"},
    }
    client.start_change_set(Catalog=catalog, ChangeSet=[name])  # type: ignore[attr-defined]
    try:
        client.start_change_set(Catalog=catalog, ChangeSet=[name])  # type: ignore[attr-defined]
    except Exception as error:  # botocore's ResourceInUseException
        busy = str(getattr(error, "response", {}).get("Error", {}).get("Code"))
    else:
        busy = "accepted"
    return statuses, offer_id, busy
