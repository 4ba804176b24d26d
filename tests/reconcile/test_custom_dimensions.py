"""Custom dimensions (``custom: true`` in offerops.yaml): the first new offer that prices one adds
it to its product in its own change set (AddDimensions), on the embedded and served emulator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from offerops.products.remote import describe, product_from_entity
from offerops.reconcile.apply import ApplyOptions
from offerops.reconcile.changeset import build_changes
from offerops.reconcile.plan import Plan, load_plan, save_plan
from offerops.reconcile.render import RENDERERS
from offerops.reconcile.session import Session

OpenSession = Callable[[Path], Session]
FAST = ApplyOptions(parallelism=4, poll_initial_seconds=0.001, poll_max_seconds=0.01)
PRODUCT = "prod-4x7yvqjzt5abc"
ADMINS = "      - { key: admins, name: Admin seats, unit: Units }\n"
SSO = "      - { key: sso, name: SSO seats, unit: Seats, custom: true }\n"


EXAMPLE_SSO = "      - { key: sso, name: SSO seats, unit: Units, custom: true }\n"
"""The example repository's own custom dimension, priced by offers/hooli-sso-2027.yaml."""


def without_the_examples_custom_dimension(root: Path) -> None:
    """The example repository as it was before it priced a custom dimension: these tests add
    their own, and count what it costs."""
    (root / "offers" / "hooli-sso-2027.yaml").unlink()
    config = root / "offerops.yaml"
    text = config.read_text()
    assert EXAMPLE_SSO in text
    config.write_text(text.replace(EXAMPLE_SSO, "", 1))


def declare_and_price(root: Path, key: str = "acme-sso-2027") -> None:
    """offerops.yaml declares ``sso`` custom; a new offer prices it."""
    without_the_examples_custom_dimension(root)
    config = root / "offerops.yaml"
    text = config.read_text()
    assert ADMINS in text
    config.write_text(text.replace(ADMINS, ADMINS + SSO, 1))
    offer = (root / "offers" / "acme-analytics-2027.yaml").read_text()
    offer = offer.replace("key: acme-analytics-2027", f"key: {key}").replace(
        '        price: "1200.00"',
        '        price: "1200.00"\n      - key: sso\n        price: "90.00"',
    )
    (root / "offers" / f"{key}.yaml").write_text(offer)


def product_keys(session: Session) -> list[str]:
    found = describe(session.client, session.retry, [PRODUCT])
    return [d.key for d in product_from_entity(PRODUCT, found[PRODUCT]).dimensions]


def entry(plan: Plan, key: str):  # type: ignore[no-untyped-def]
    return next(e for e in plan.entries if e.key == key)


def test_apply_adds_the_custom_dimension_and_the_next_plan_is_empty(
    example_repo: Path, session_for: OpenSession, tmp_path: Path
) -> None:
    declare_and_price(example_repo)
    session = session_for(example_repo)
    assert "sso" not in product_keys(session)
    plan = session.plan()
    session.check_products(plan)
    assert plan.warnings == []
    new = entry(plan, "acme-sso-2027")
    assert new.action == "create"
    assert new.add_dimensions is not None and new.add_dimensions.keys == ["sso"]
    assert all(e.add_dimensions is None for e in plan.entries if e is not new)
    changes = build_changes(new, {d.key: d for d in session.desired()}["acme-sso-2027"])
    assert changes[0] == {
        "ChangeType": "AddDimensions",
        "Entity": {"Type": "SaaSProduct@1.0", "Identifier": PRODUCT},
        "DetailsDocument": [
            {
                "Key": "sso",
                "Name": "SSO seats",
                "Description": "SSO seats",
                "Unit": "Seats",
                "Types": ["Entitled"],
            }
        ],
    }
    assert changes[1]["ChangeType"] == "CreateOffer"
    text = RENDERERS["text"](plan, False)
    assert f"adds dimension sso to product analytics-saas ({PRODUCT})" in text
    assert "Adds dimension `sso` to product `analytics-saas`" in RENDERERS["markdown"](plan, False)

    saved = tmp_path / "plan.json"
    save_plan(plan, saved)
    loaded = load_plan(saved)
    assert entry(loaded, "acme-sso-2027").add_dimensions == new.add_dimensions

    results = session.apply(plan, FAST, saved=loaded)
    assert [r.errors for r in results if r.status != "SUCCEEDED"] == []

    again = session_for(example_repo)
    assert "sso" in product_keys(again)
    after = again.plan()
    again.check_products(after)
    assert not after.has_changes
    assert after.warnings == []
    assert all(e.add_dimensions is None for e in after.entries)


def test_a_second_new_offer_pricing_it_is_warned_and_adds_nothing(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    declare_and_price(embedded_repo, "acme-sso-2027")
    offer = (embedded_repo / "offers" / "acme-sso-2027.yaml").read_text()
    second = offer.replace("key: acme-sso-2027", "key: acme-sso-2028")
    (embedded_repo / "offers" / "acme-sso-2028.yaml").write_text(second)
    session = session_for(embedded_repo)
    plan = session.plan()
    session.check_products(plan)
    assert entry(plan, "acme-sso-2027").add_dimensions is not None
    assert entry(plan, "acme-sso-2028").add_dimensions is None
    assert [(w.offer, w.dimension) for w in plan.warnings] == [("acme-sso-2028", "sso")]


def test_no_custom_dimension_priced_means_no_extra_call(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    without_the_examples_custom_dimension(embedded_repo)
    config = embedded_repo / "offerops.yaml"
    config.write_text(config.read_text().replace(ADMINS, ADMINS + SSO, 1))
    session = session_for(embedded_repo)
    plan = session.plan()
    assert all(e.add_dimensions is None for e in plan.entries)
    assert "batch_describe_entities" not in session.client.calls


def test_import_keeps_a_custom_dimension_the_product_lacks(embedded_repo: Path) -> None:
    from offerops.products.update import import_from_backend

    without_the_examples_custom_dimension(embedded_repo)
    config = embedded_repo / "offerops.yaml"
    config.write_text(config.read_text().replace(ADMINS, ADMINS + SSO, 1))
    result = import_from_backend(embedded_repo, check=True)
    assert not any("sso" in change for change in result.changes)


def test_the_example_offer_adds_its_custom_dimension(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    """The example repository prices ``sso`` (custom in offerops.yaml) in hooli-sso-2027: its
    create adds the dimension, and after apply the plan is empty."""
    session = session_for(embedded_repo)
    assert "sso" not in product_keys(session)
    plan = session.plan()
    new = entry(plan, "hooli-sso-2027")
    assert new.add_dimensions is not None and new.add_dimensions.keys == ["sso"]
    results = session.apply(plan, FAST)
    assert [r.errors for r in results if r.status != "SUCCEEDED"] == []
    again = session_for(embedded_repo)
    assert "sso" in product_keys(again)
    assert not again.plan().has_changes
