"""The emulator's limits agree with the linter's, and the emulator stays an independent check.

The emulator states the marketplace's limits itself (``offerops.emulator.limits``) instead of
importing ``offerops.model.limits``: it plays AWS, so a wrong limit shared by both sides would
pass every test. These tests are what keeps the two statements in step. Each failure names both
places; fix whichever is wrong, never both to match a guess. Where offerops' policy is stricter
than the API (decimals, 25 buyers), the linter's figure must stay within the emulator's.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any, get_args

import pytest

from offerops.emulator import ids
from offerops.emulator import limits as emulator
from offerops.emulator.products import PRODUCT_TYPES
from offerops.model import limits as linter
from offerops.model.common import ProductType
from offerops.terms.from_offer import SCMP_VERSION, STANDARD_EULA_VERSION

EMULATOR_SOURCE = Path(emulator.__file__).parent


def where(emulator_name: str, linter_name: str) -> str:
    return (
        f"offerops.emulator.limits.{emulator_name} and offerops.model.limits.{linter_name} disagree"
    )


@pytest.mark.parametrize(
    ("emulator_name", "linter_name"),
    [
        ("CURRENCIES", "CURRENCIES"),
        ("MAX_BUYERS", "API_MAX_BUYERS_PER_OFFER"),
        ("MAX_COUNTRIES", "MAX_TARGET_COUNTRIES"),
        ("MAX_INSTALLMENTS", "MAX_INSTALLMENTS"),
        ("NAME_MAX", "OFFER_NAME_MAX"),
        ("DESCRIPTION_MAX", "OFFER_DESCRIPTION_MAX"),
        ("MAX_PRICE", "MAX_PRICE"),
        ("MAX_QUANTITY", "MAX_QUANTITY"),
        ("CHARGE_AMOUNT_DECIMALS", "CONTRACT_PRICE_DECIMALS"),
    ],
)
def test_equal_limits(emulator_name: str, linter_name: str) -> None:
    mine: Any = getattr(emulator, emulator_name)
    theirs: Any = getattr(linter, linter_name)
    assert mine == theirs, f"{where(emulator_name, linter_name)}: {mine!r} != {theirs!r}"


@pytest.mark.parametrize(
    ("emulator_name", "linter_name"),
    [
        ("MAX_BUYERS", "DEFAULT_MAX_BUYERS_PER_OFFER"),
        ("RATE_PRICE_DECIMALS", "CONTRACT_PRICE_DECIMALS"),
        ("RATE_PRICE_DECIMALS", "USAGE_PRICE_DECIMALS"),
        ("FIXED_PRICE_DECIMALS", "CONTRACT_PRICE_DECIMALS"),
    ],
)
def test_the_linter_is_never_more_lenient(emulator_name: str, linter_name: str) -> None:
    mine: int = getattr(emulator, emulator_name)
    theirs: int = getattr(linter, linter_name)
    assert theirs <= mine, (
        f"{where(emulator_name, linter_name)}: lint allows {theirs}, the marketplace {mine}; "
        "a lint-clean offer would be refused"
    )


@pytest.mark.parametrize(
    "value",
    [
        "123456789012",
        "000000000000",
        "12345678901",
        "1234567890123",
        "١٢٣٤٥٦٧٨٩٠١٢",
        "12345678901a",
    ],
)
def test_account_ids(value: str) -> None:
    mine = bool(emulator.ACCOUNT.match(value))
    theirs = bool(re.match(linter.ACCOUNT_ID_PATTERN, value))
    assert mine == theirs, f"{where('ACCOUNT', 'ACCOUNT_ID_PATTERN')} on {value!r}"


def test_markup_percentage() -> None:
    assert emulator.MARKUP_PERCENTAGE.pattern == linter.MARKUP_PERCENTAGE_PATTERN, where(
        "MARKUP_PERCENTAGE", "MARKUP_PERCENTAGE_PATTERN"
    )
    most = "1." + "1" * linter.MARKUP_PERCENTAGE_DECIMALS
    assert emulator.MARKUP_PERCENTAGE.match(most), where(
        "MARKUP_PERCENTAGE", "MARKUP_PERCENTAGE_DECIMALS"
    )
    assert not emulator.MARKUP_PERCENTAGE.match(most + "1"), where(
        "MARKUP_PERCENTAGE", "MARKUP_PERCENTAGE_DECIMALS"
    )


@pytest.mark.parametrize(
    ("pattern_name", "decimals_name"),
    [
        ("RATE_PRICE", "RATE_PRICE_DECIMALS"),
        ("FIXED_PRICE", "FIXED_PRICE_DECIMALS"),
        ("CHARGE_AMOUNT", "CHARGE_AMOUNT_DECIMALS"),
    ],
)
def test_price_patterns_say_what_their_limits_say(pattern_name: str, decimals_name: str) -> None:
    """Each published price pattern allows exactly its decimals and at most MAX_PRICE."""
    pattern: re.Pattern[str] = getattr(emulator, pattern_name)
    decimals: int = getattr(emulator, decimals_name)
    largest = f"{emulator.MAX_PRICE}.{'0' * decimals}"
    below = f"{emulator.MAX_PRICE - 1}.{'9' * decimals}"
    above = f"{emulator.MAX_PRICE}.{'0' * (decimals - 1)}1"
    too_precise = f"1.{'1' * (decimals + 1)}"
    accepted = {value: bool(pattern.match(value)) for value in (largest, below)}
    refused = {value: bool(pattern.match(value)) for value in (above, too_precise)}
    message = f"offerops.emulator.limits.{pattern_name} disagrees with {decimals_name}/MAX_PRICE"
    assert all(accepted.values()) and not any(refused.values()), message


def test_the_reconcilers_standard_contracts_are_accepted() -> None:
    sent = {STANDARD_EULA_VERSION, SCMP_VERSION}
    assert sent <= set(emulator.LEGAL_VERSIONS), (
        "offerops.terms.from_offer sends standard contract versions "
        f"{sorted(sent - set(emulator.LEGAL_VERSIONS))} that offerops.emulator.limits."
        "LEGAL_VERSIONS refuses"
    )


def test_every_product_type_of_the_config_is_seedable() -> None:
    assert set(PRODUCT_TYPES) == set(get_args(ProductType)), (
        "offerops.emulator.products.PRODUCT_TYPES and offerops.model.common.ProductType disagree"
    )


@pytest.mark.parametrize(
    ("new_id", "linter_name"),
    [
        (ids.new_offer_id, "OFFER_ID_PATTERN"),
        (ids.new_resale_authorization_id, "RESALE_AUTHORIZATION_ID_PATTERN"),
    ],
)
def test_ids_the_emulator_makes_pass_the_linter(new_id: Any, linter_name: str) -> None:
    made = new_id()
    assert re.match(getattr(linter, linter_name), made), (
        f"offerops.emulator.ids.{new_id.__name__} made {made!r}, which "
        f"offerops.model.limits.{linter_name} refuses"
    )


ALLOWED_OUTSIDE = frozenset(
    {
        "offerops.errors",  # the CLI's error types
        "offerops.repo",  # the root finder and offers/ listing (seeding, the CLI)
        "offerops.source.loader",  # offerops.yaml read as lint reads it (seeding)
        "offerops.model.config",  # the products to seed; never an offer's validity
        "offerops.catalog.quotas",  # the documented request quotas, one table for both sides
        "offerops.humantime",  # dates as people read them (the buyer commands)
    }
)


def offerops_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("offerops.")}


def test_the_emulator_decides_validity_on_its_own() -> None:
    """No offer model, linter, limits or reconciler code behind the emulator's answers."""
    foreign = {
        f"{path.relative_to(EMULATOR_SOURCE)}: {name}"
        for path in sorted(EMULATOR_SOURCE.rglob("*.py"))
        for name in offerops_imports(path)
        if not name.startswith("offerops.emulator") and name not in ALLOWED_OUTSIDE
    }
    assert not foreign, f"the emulator imports {sorted(foreign)}"
