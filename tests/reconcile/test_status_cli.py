"""``offerops status`` end to end: the example offers applied to the embedded emulator, buyers
accepting some of them with ``offerops emulator accept --as ALIAS``, and what status prints.

Which offers are expiring is worked out from the offer files (released, not ended, ``expiresOn``
within the window), so a new example offer does not break these tests.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from click.testing import CliRunner, Result
from ruamel.yaml import YAML

from offerops.cli import cli
from offerops.reconcile.status_format import EXPIRING_MARKER
from support import TODAY

ENV = {"OFFEROPS_TODAY": TODAY.isoformat()}
EPOCH = re.compile(r"\b1[0-9]{9}(\.[0-9]+)?\b")
AGREEMENT_LINE = re.compile(
    r"agreement agmt-\w+: (?P<buyer>.+) accepted \d{4}-\d\d-\d\d \d\d:\d\d UTC, "
    r"starts \d{4}-\d\d-\d\d, ends \d{4}-\d\d-\d\d \(ACTIVE\)"
)


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), *args], env=ENV, catch_exceptions=False)


def applied(root: Path) -> Path:
    result = run(root, "apply", "--yes")
    assert result.exit_code == 0, result.output
    return root


def expiring_in_files(root: Path, within: int, accepted: frozenset[str] = frozenset()) -> list[str]:
    """The keys ``--expiring-within`` should list, read from the offer files."""
    keys = []
    for path in sorted((root / "offers").glob("*.yaml")):
        offer = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
        spec, key = offer["spec"], offer["key"]
        expires: date = spec["expiresOn"]
        released = spec.get("lifecycle", "active") == "active"
        if released and 0 <= (expires - TODAY).days <= within and key not in accepted:
            keys.append(key)
    return sorted(keys)


def listed(root: Path, within: int) -> tuple[int, list[str]]:
    result = run(root, "status", "--expiring-within", str(within), "--format", "json")
    return result.exit_code, [row["key"] for row in json.loads(result.output)]


def offer_id(root: Path, key: str) -> str:
    (row,) = json.loads(run(root, "status", key, "--format", "json").output)
    return str(row["offer_id"])


def test_expiring_within_lists_released_offers_nobody_accepted(embedded_repo: Path) -> None:
    root = applied(embedded_repo)
    window = (date(2027, 2, 28) - TODAY).days  # up to globex-tiers-2027
    expected = expiring_in_files(root, window)
    assert "globex-tiers-2027" in expected and "hooli-analytics-2027" not in expected, "draft"
    assert listed(root, window) == (1, expected)

    accepted = run(
        root, "emulator", "accept", offer_id(root, "globex-tiers-2027"), "--as", "globex"
    )
    assert accepted.exit_code == 0, accepted.output
    assert accepted.output.startswith("globex (210987654321) accepted offer-")
    assert listed(root, window) == (
        1,
        expiring_in_files(root, window, frozenset({"globex-tiers-2027"})),
    )

    nothing = run(root, "status", "--expiring-within", "0")
    assert (nothing.exit_code, nothing.output) == (
        0,
        "no released offer expires within 0 days without an agreement\n",
    )


def test_an_offer_ended_by_apply_is_not_expiring(embedded_repo: Path) -> None:
    root = applied(embedded_repo)
    path = root / "offers" / "acme-installments-2027.yaml"
    ended = "  expiresOn: 2027-01-15\n  lifecycle: expired\n"
    path.write_text(path.read_text(encoding="utf-8").replace("  expiresOn: 2027-01-15\n", ended))
    applied(root)
    (row,) = json.loads(run(root, "status", "acme-installments-2027", "--format", "json").output)
    assert row["state"] == "expired"
    code, keys = listed(root, 365)
    assert "acme-installments-2027" not in keys and keys == expiring_in_files(root, 365)
    assert code == (1 if keys else 0)


def test_expiring_markdown_is_the_issue_body(embedded_repo: Path) -> None:
    root = applied(embedded_repo)
    result = run(root, "status", "--expiring-within", "60", "--format", "markdown")
    assert result.exit_code == 1
    assert result.output.startswith(EXPIRING_MARKER + "\n### ")
    for key in expiring_in_files(root, 60):
        assert f"| `{key}`<br>" in result.output
    assert "| acme-prod (123456789012) |" in result.output
    assert "offerId=offer-" in result.output


def test_status_prints_human_dates_aliases_and_each_agreements_period(
    embedded_repo: Path,
) -> None:
    root = applied(embedded_repo)
    accepted = run(
        root, "emulator", "accept", offer_id(root, "acme-analytics-2027"), "--as", "acme-prod"
    )
    assert accepted.exit_code == 0, accepted.output

    text = run(root, "status", "acme-analytics-2027").output
    agreements = run(root, "emulator", "agreements", "--as", "acme-prod").output

    assert "active  expires 2027-03-31 (in 128 days)" in text
    assert "buyers: acme-prod (123456789012), acme-dev (123456789013)" in text
    match = AGREEMENT_LINE.search(text)
    assert match is not None, text
    assert match["buyer"] == "acme-prod (123456789012)"
    assert re.search(r"accepted \S+ \S+ UTC  starts \S+  ends \S+$", agreements.strip()), agreements
    for output in (text, agreements, accepted.output):
        assert not EPOCH.search(output), output
        assert "T00:00:00" not in output, output


def test_status_help_documents_the_exit_status() -> None:
    result = CliRunner().invoke(cli, ["status", "--help"], terminal_width=200)
    assert "--expiring-within DAYS" in result.output
    assert "exit 1 when there is any" in result.output
    assert "markdown" in result.output


def test_status_still_reports_once_an_offer_file_fails_lint(embedded_repo: Path) -> None:
    """The daily job runs status on the default branch: an offer past its expiry fails lint
    (OFR404) the next morning, and status must still say what the marketplace holds, with a
    warning, instead of refusing like plan."""
    root = applied(embedded_repo)
    later = {"OFFEROPS_TODAY": "2027-01-20"}  # acme-installments-2027 expired on 2027-01-15
    runner = CliRunner()
    lint = runner.invoke(cli, ["--root", str(root), "lint"], env=later)
    assert lint.exit_code == 1 and "OFR404" in lint.output
    plan = runner.invoke(cli, ["--root", str(root), "plan"], env=later)
    assert plan.exit_code != 0
    result = runner.invoke(
        cli, ["--root", str(root), "status", "--format", "json"], env=later, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "warning: lint found" in result.stderr
    rows = json.loads(result.stdout)
    assert "acme-installments-2027" in {row["key"] for row in rows}
