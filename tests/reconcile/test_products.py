"""``offerops products import`` and plan's product warnings, on the embedded and the served
emulator (``example_repo``), through the same client code AWS gets."""

from __future__ import annotations

import difflib
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from offerops.catalog.factory import open_catalog
from offerops.products.remote import read_catalog
from offerops.products.update import import_from_backend, import_products
from offerops.reconcile.apply import ApplyOptions
from offerops.reconcile.fetch import CATALOG, CountingClient
from offerops.reconcile.plan import Plan, load_plan, save_plan
from offerops.reconcile.render import RENDERERS
from offerops.reconcile.retry import RetryPolicy
from offerops.reconcile.session import Session
from offerops.source.loader import parse_text
from reconcile.conftest import copy_example, served_example

OpenSession = Callable[[Path], Session]
FAST = ApplyOptions(parallelism=4, poll_initial_seconds=0.001, poll_max_seconds=0.01)
INVENTED_NAME = "resaleAuthorizations.resaleauthz-9z8y7x6w5v4u3.name"
"""The one value the example's offerops.yaml lacks: the emulator names an authorization
declared without a name."""


def config_text(root: Path) -> str:
    return (root / "offerops.yaml").read_text()


def edit_config(root: Path, old: str, new: str) -> None:
    text = config_text(root)
    assert old in text, old
    (root / "offerops.yaml").write_text(text.replace(old, new, 1))


def edit_offer(root: Path, key: str, old: str, new: str) -> None:
    path = root / "offers" / f"{key}.yaml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def cut(root: Path, start: str, end: str) -> None:
    """Remove offerops.yaml's lines from ``start`` up to (not including) ``end``."""
    text = config_text(root)
    (root / "offerops.yaml").write_text(text[: text.index(start)] + text[text.index(end) :])


def seed(root: Path) -> None:
    """Open the backend once: the embedded one seeds itself from offerops.yaml as it is now."""
    from offerops.emulator.cli import load_config

    config = load_config(root / "offerops.yaml")
    client, agreements = open_catalog(config.backend, root, account=config.seller.accountId)
    client.close()
    agreements.close()


def add_dimension(root: Path, key: str, types: list[str]) -> None:
    """AddDimensions on analytics-saas: the marketplace gets a dimension offerops.yaml lacks."""
    from offerops.emulator.cli import load_config

    config = load_config(root / "offerops.yaml")
    client, agreements = open_catalog(config.backend, root, account=config.seller.accountId)
    try:
        dimension = {"Key": key, "Name": key.title(), "Description": key, "Unit": "Units"}
        started = client.start_change_set(
            Catalog=CATALOG,
            ChangeSet=[
                {
                    "ChangeType": "AddDimensions",
                    "Entity": {"Type": "SaaSProduct@1.0", "Identifier": "prod-4x7yvqjzt5abc"},
                    "DetailsDocument": [{**dimension, "Types": types}],
                }
            ],
        )
        for _ in range(200):
            described = client.describe_change_set(
                Catalog=CATALOG, ChangeSetId=started["ChangeSetId"]
            )
            if described["Status"] not in ("PREPARING", "APPLYING"):
                break
            time.sleep(0.01)
        assert described["Status"] == "SUCCEEDED", described
    finally:
        client.close()
        agreements.close()


def lines_kept(before: str, after: str) -> bool:
    """Every line of ``before`` is in ``after``, byte for byte and in order."""
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    return all(tag == "insert" for tag, *_ in matcher.get_opcodes() if tag != "equal")


# --- import ---------------------------------------------------------------------------------------


def test_the_example_is_current_but_for_one_invented_name(example_repo: Path) -> None:
    first = import_from_backend(example_repo)
    assert [change.split(":")[0] for change in first.changes] == [INVENTED_NAME]
    assert first.notes == []
    again = import_from_backend(example_repo)
    assert (again.changed, again.changes) == (False, [])


def test_a_dimension_added_on_the_marketplace_is_imported_in_the_files_own_layout(
    example_repo: Path,
) -> None:
    import_from_backend(example_repo)
    add_dimension(example_repo, "SEATS", ["Entitled"])
    add_dimension(example_repo, "EVENTS", ["ExternallyMetered"])
    before = config_text(example_repo)
    result = import_from_backend(example_repo)
    after = config_text(example_repo)
    assert result.changes == [
        "products.analytics-saas: added dimension SEATS (contract)",
        "products.analytics-saas: added dimension EVENTS (usage)",
    ]
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added == [
        "      - { key: SEATS, name: Seats, unit: Units }",
        "      - { key: EVENTS, name: Events, unit: Units, usage: true }",
    ]
    assert lines_kept(before, after), "comments, quotes and flow style stay as written"


def test_offerops_yaml_is_corrected_where_it_disagrees(tmp_path: Path) -> None:
    """The served emulator is seeded once; offerops.yaml drifts after it (the embedded backend
    would re-seed itself from the drifted file instead)."""
    root = copy_example(tmp_path)
    with served_example(root, tmp_path, slow=False):
        edit_config(root, "      - { key: admins, name: Admin seats, unit: Units }\n", "")
        edit_config(root, "unit: Hrs, usage: true }", "unit: Hrs }")
        edit_config(root, "name: Acme Analytics Platform", "name: Old title  # ours")
        edit_config(
            root,
            "      - { key: GB_SCANNED, name: Data scanned, unit: GB, usage: true }\n",
            "      - { key: GB_SCANNED, name: Data scanned, unit: GB, usage: true }\n"
            "      - { key: legacy, name: Legacy }\n",
        )
        result = import_from_backend(root)
    assert result.changes[:5] == [
        "products.analytics-saas.name: Old title -> Acme Analytics Platform",
        "products.analytics-saas: added dimension admins (contract)",
        "products.analytics-saas.dimensions.USER: now usage (was contract)",
        "products.analytics-saas: removed dimension legacy (not on the marketplace; offers "
        "pricing it now fail lint)",
        f"{INVENTED_NAME}: (none) -> Resale of prod-7h6g5f4d3s2a1 by 111122223333",
    ]
    text = config_text(root)
    assert re.search(r"\n    name: Acme Analytics Platform +# ours\n", text)
    assert "{ key: USER, name: User hours, unit: Hrs, usage: true }" in text
    assert "legacy" not in text


def test_products_and_authorizations_missing_from_offerops_yaml_are_added(
    example_repo: Path,
) -> None:
    seed(example_repo)
    cut(example_repo, "  vision-ami:\n", "buyers:\n")
    result = import_from_backend(example_repo)
    assert result.changes == [
        "products.vision-inference-server: added prod-9a8b7c6d5e4f3 with dimensions m5.large "
        "(usage), m5.xlarge (usage)",
        "products.partner-secure-gateway: added prod-7h6g5f4d3s2a1 with dimensions gateways "
        "(contract)",
        "resaleAuthorizations.resaleauthz-1a2b3c4d5e6f7: added (product partner-secure-gateway)",
        "resaleAuthorizations.resaleauthz-9z8y7x6w5v4u3: added (product partner-secure-gateway)",
    ]
    assert result.notes == [
        "products.partner-secure-gateway: type saas is a guess; type not visible to a "
        "reseller: check it"
    ]
    text = config_text(example_repo)
    assert "  vision-inference-server:\n    id: prod-9a8b7c6d5e4f3\n    type: ami\n" in text
    assert "    type: saas  # type not visible to a reseller: check it\n" in text
    assert '    manufacturerAccountId: "999988887777"\n' in text
    assert "      - { key: gateways, name: gateways }\n" in text
    assert "resaleAuthorizations:\n  resaleauthz-1a2b3c4d5e6f7:\n" in text
    document, problems = parse_text(text, "offerops.yaml")
    assert problems == [] and document is not None


def test_check_writes_nothing(embedded_repo: Path) -> None:
    before = config_text(embedded_repo)
    result = import_from_backend(embedded_repo, check=True)
    assert result.changed and result.after != before
    assert config_text(embedded_repo) == before


def test_an_invalid_result_is_never_written(embedded_repo: Path) -> None:
    """A marketplace value offerops.yaml cannot hold (here a dimension key with a space)."""
    from offerops.errors import OfferopsError
    from offerops.products.remote import Catalog, RemoteDimension, RemoteProduct

    before = config_text(embedded_repo)
    bad = RemoteProduct("prod-abc123", "saas", "Bad", (RemoteDimension("a b", False),))
    with pytest.raises(OfferopsError, match=r"would make offerops\.yaml invalid"):
        import_products(embedded_repo, Catalog(products=[bad]))
    assert config_text(embedded_repo) == before


def test_reading_the_catalog_costs_one_page_per_type_and_one_batch(embedded_repo: Path) -> None:
    from offerops.emulator.cli import load_config

    config = load_config(embedded_repo / "offerops.yaml")
    client, agreements = open_catalog(config.backend, embedded_repo, account="111122223333")
    counting = CountingClient(client)
    try:
        catalog = read_catalog(counting, RetryPolicy(sleep=lambda _: None))
    finally:
        counting.close()
        agreements.close()
    assert len(catalog.products) == 2 and len(catalog.authorizations) == 2
    assert dict(counting.calls) == {"list_entities": 6, "batch_describe_entities": 1}


# --- plan warnings --------------------------------------------------------------------------------


@pytest.fixture
def drifted(tmp_path: Path) -> Iterator[Path]:
    """A served emulator, and an offerops.yaml (lint-clean) that disagrees with it since."""
    root = copy_example(tmp_path)
    with served_example(root, tmp_path, slow=False):
        (root / "offers" / "globex-tiers-2027.yaml").unlink()
        edit_config(
            root,
            "{ key: basic, name: Basic tier, unit: Units }",
            "{ key: basic, name: Basic tier, unit: Units, usage: true }",
        )
        edit_offer(root, "initech-payg-2027", "key: GB_SCANNED", "key: basic")
        edit_config(
            root,
            "      - { key: admins, name: Admin seats, unit: Units }\n",
            "      - { key: admins, name: Admin seats, unit: Units }\n"
            "      - { key: seats, name: Seats, unit: Units }\n",
        )
        edit_offer(root, "acme-analytics-2027", "key: admins", "key: seats")
        edit_config(
            root,
            "resaleAuthorizations:             # what the partner's ISV shared with us, by id\n",
            "resaleAuthorizations:             # what the partner's ISV shared with us, by id\n"
            "  resaleauthz-0000000000000: { product: secure-gateway }\n",
        )
        edit_offer(
            root, "hooli-reseller-2027", "resaleauthz-1a2b3c4d5e6f7", "resaleauthz-0000000000000"
        )
        yield root


def test_plan_warns_about_each_dimension_apply_would_fail_on(
    drifted: Path, session_for: OpenSession
) -> None:
    session = session_for(drifted)
    assert not session.report.has_errors
    plan = session.plan()
    before = dict(session.client.calls)
    session.check_products(plan)
    assert plan.api_calls["batch_describe_entities"] == before.get("batch_describe_entities", 0) + 1
    fix = "run `offerops products import` to update offerops.yaml, then fix what lint reports"
    assert [w.message for w in plan.warnings] == [
        "offer acme-analytics-2027: dimension seats is not on product analytics-saas "
        f"(prod-4x7yvqjzt5abc) on the marketplace, so apply would fail; {fix}",
        "offer hooli-reseller-2027: resale authorization resaleauthz-0000000000000 is not "
        f"shared with you on the marketplace, so apply would fail; {fix}",
        "offer initech-payg-2027: dimension basic is a contract dimension on product "
        "analytics-saas (prod-4x7yvqjzt5abc) on the marketplace but a usage dimension in "
        f"offerops.yaml, so apply would fail; {fix}",
    ]
    assert [(w.offer, w.product, w.dimension) for w in plan.warnings] == [
        ("acme-analytics-2027", "analytics-saas", "seats"),
        ("hooli-reseller-2027", "secure-gateway", None),
        ("initech-payg-2027", "analytics-saas", "basic"),
    ]


def test_every_plan_format_shows_the_warnings_and_a_saved_plan_keeps_them(
    drifted: Path, session_for: OpenSession, tmp_path: Path
) -> None:
    session = session_for(drifted)
    plan = session.plan()
    session.check_products(plan)
    text = RENDERERS["text"](plan, False)
    assert "\nwarning: offer acme-analytics-2027: dimension seats is not on product" in text
    markdown = RENDERERS["markdown"](plan, False)
    assert "> [!WARNING]\n> **offerops.yaml disagrees with the marketplace:**\n> - offer " in (
        markdown
    )
    warnings = json.loads(RENDERERS["json"](plan, False))["warnings"]
    assert warnings[0] == {
        "offer": "acme-analytics-2027",
        "product": "analytics-saas",
        "dimension": "seats",
        "message": plan.warnings[0].message,
    }
    save_plan(plan, tmp_path / "plan.json")
    assert load_plan(tmp_path / "plan.json").warnings == plan.warnings


def test_no_warnings_and_no_calls_when_nothing_changes(
    example_repo: Path, session_for: OpenSession
) -> None:
    first = session_for(example_repo)
    planned = first.plan()
    first.check_products(planned)
    assert planned.warnings == []
    first.apply(planned, FAST)
    session = session_for(example_repo)
    plan = session.plan()
    calls = dict(session.client.calls)
    session.check_products(plan)
    assert (plan.warnings, dict(session.client.calls)) == ([], calls)
    assert "warnings" not in Plan.to_json(plan)
