"""Nothing silently dropped (issue 11, item 2), end to end on the embedded emulator.

The defect: ``offers/acme-analytics-2027.yaml`` had ``quantity: 400`` on users beside admins
without a quantity. An upfront offer with a dimension without quantity is priced per unit
(ConfigurableUpfrontPricingTerm), which records no quantity, so ``400 -> 4000`` planned as "No
changes" and lint was silent. Now lint refuses that shape at the quantity (OFR317), and a
quantity the marketplace does record shows in the plan when it changes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from offerops.errors import OfferopsError
from offerops.lint.runner import LintRequest, lint
from offerops.reconcile.apply import ApplyOptions
from offerops.reconcile.diff import FieldChange
from offerops.reconcile.render import render_text
from offerops.reconcile.session import Session
from offerops.reconcile.wording import TIMES
from support import TODAY

OpenSession = Callable[[Path], Session]
FAST = ApplyOptions(parallelism=4, poll_initial_seconds=0.001, poll_max_seconds=0.01)
USERS_PRICE = '        price: "250.00"          # per user for the whole contract\n'


def apply_all(session: Session) -> None:
    results = session.apply(session.plan(), FAST)
    assert [r.errors for r in results if r.status != "SUCCEEDED"] == []


def edit(root: Path, key: str, old: str, new: str) -> Path:
    path = root / "offers" / f"{key}.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


def test_the_example_lints_clean_and_loses_nothing(embedded_repo: Path) -> None:
    report = lint(LintRequest(root=embedded_repo, today=TODAY))
    assert [(f.file, f.line, f.rule) for f in report.findings] == []


def test_the_mixed_quantity_offer_of_issue_11_is_refused_at_the_quantity(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    """Applied, then ``quantity: 4000`` added on users: lint stops it, plan and apply refuse."""
    apply_all(session_for(embedded_repo))
    edit(
        embedded_repo, "acme-analytics-2027", USERS_PRICE, USERS_PRICE + "        quantity: 4000\n"
    )
    report = lint(LintRequest(root=embedded_repo, today=TODAY))
    [finding] = report.findings
    where = (finding.file, finding.line, finding.column, finding.rule, finding.severity)
    assert where == ("offers/acme-analytics-2027.yaml", 24, 19, "OFR317", "error")
    assert finding.message.startswith("quantity 4000 is not sent:")
    assert '"admins" has none' in finding.message
    assert "remove this quantity" in finding.message
    with pytest.raises(OfferopsError, match="lint found 1 error"):
        session_for(embedded_repo)


@pytest.mark.parametrize(
    ("key", "old", "new", "label", "shown"),
    [
        (
            "hooli-reseller-2027",
            "quantity: 150",
            "quantity: 200",
            "quantity gateways",
            f"{TIMES} 150 = USD 72,000.00 -> USD 480.00 per unit {TIMES} 200 = USD 96,000.00",
        ),
        (
            "umbrella-quarterly-2027",
            "quantity: 10\n",
            "quantity: 12\n",
            "quantity admins",
            "admins (Admin seats)  quantity 10 -> quantity 12 (paid in installments)",
        ),
    ],
    ids=["fixed-upfront", "installments"],
)
def test_a_changed_quantity_is_a_change_the_plan_names(
    embedded_repo: Path,
    session_for: OpenSession,
    key: str,
    old: str,
    new: str,
    label: str,
    shown: str,
) -> None:
    """A quantity the marketplace records (every dimension has one) never plans as a no-op."""
    apply_all(session_for(embedded_repo))
    edit(embedded_repo, key, old, new)
    plan = session_for(embedded_repo).plan()
    [entry] = [entry for entry in plan.entries if entry.key == key]
    assert entry.action != "no-op"
    before, after = old.split(": ")[1].strip(), new.split(": ")[1].strip()
    assert FieldChange(label, before, after) in entry.changes
    assert [e.key for e in plan.entries if e.action != "no-op"] == [key]
    text = render_text(plan)
    assert "No changes" not in text
    assert shown in text
