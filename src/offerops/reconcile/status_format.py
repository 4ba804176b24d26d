"""``offerops status`` as text (a terminal), markdown (an issue or a job summary) and JSON.

Days are ISO dates with how far away they are (``2027-01-15 (in 53 days)``), instants are to the
minute in UTC, buyers are ``alias (account)`` where offerops.yaml names them: a seller reads this
next to the offer files, not next to the API. JSON keeps the rows machine-shaped (ISO dates,
``expires_in_days``), a list as before, with the new fields added.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict

from offerops.humantime import iso, moment, relative
from offerops.reconcile.status import Agreement, OfferStatus, StatusReport

NO_OFFERS = "no managed offers on the marketplace yet; run `offerops apply`"
STATUS_MARKER = "<!-- offerops-status -->"
EXPIRING_MARKER = "<!-- offerops-expiring -->"
"""First line of ``--expiring-within --format markdown``: the scheduled workflow tells a list
(exit 1) from a failure (exit 1 with nothing printed) by it."""


# --- text ------------------------------------------------------------------------------------


def render_text(report: StatusReport) -> str:
    """Four lines per offer and one per agreement, for a terminal; with ``--expiring-within``
    a first line that says how many and as of when, or that there are none."""
    lines = _text_heading(report)
    for row in report.rows:
        lines += _text_row(row, report)
    return "".join(line + "\n" for line in lines)


def _text_heading(report: StatusReport) -> list[str]:
    within = report.query.expiring_within
    if within is None:
        return [] if report.rows else [NO_OFFERS]
    if not report.rows:
        return [f"no released offer expires within {_days(within)} without an agreement"]
    return [
        f"{len(report.rows)} released offer(s) expire within {_days(within)} and no buyer has "
        f"accepted them yet (today is {report.today}):"
    ]


def _text_row(row: OfferStatus, report: StatusReport) -> list[str]:
    lines = [
        f"{row.key}  {row.offer_id}  {row.state}  {expiry(row, report)}",
        f"    {row.name}",
        f"    buyers: {', '.join(report.buyer(account) for account in row.buyers) or 'none'}",
        f"    url: {row.url}",
    ]
    lines += [f"    agreement {agreement_text(a, report)}" for a in row.agreements]
    return lines


def expiry(row: OfferStatus, report: StatusReport) -> str:
    """``expires 2027-01-15 (in 53 days)``, ``expired on 2026-11-01 (22 days ago)``."""
    if row.expires_on is None:
        return "no expiry date"
    when = f"{row.expires_on} ({relative(row.expires_on, report.today)})"
    return f"expired on {when}" if row.expires_on < report.today else f"expires {when}"


def agreement_text(agreement: Agreement, report: StatusReport) -> str:
    """``agmt-…: acme-prod (123456789012) accepted 2026-12-02 16:40 UTC, starts 2026-12-02,
    ends 2029-12-02 (ACTIVE)``."""
    accepted = moment(agreement.accepted, "at an unknown time")
    return (
        f"{agreement.agreement_id}: {report.buyer(agreement.buyer)} accepted {accepted}, "
        f"{_period(agreement)} ({agreement.status})"
    )


def _period(agreement: Agreement) -> str:
    starts = f"starts {agreement.starts}" if agreement.starts else "no start date"
    ends = f"ends {agreement.ends}" if agreement.ends else "no end date"
    return f"{starts}, {ends}"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


# --- markdown --------------------------------------------------------------------------------


def render_markdown(report: StatusReport) -> str:
    """One table: every offer, or with ``--expiring-within`` the issue body the scheduled
    workflow posts (what to do about them, and each buyer's link)."""
    if report.query.expiring_within is not None:
        return _expiring_markdown(report, report.query.expiring_within)
    lines = [STATUS_MARKER, f"### offerops status — {len(report.rows)} offer(s)", ""]
    lines.append(f"As of {report.today} (UTC).")
    if report.rows:
        lines += ["", "| offer | state | expires | buyers | agreements |", "|---|---|---|---|---|"]
        lines += [_status_line(row, report) for row in report.rows]
    return "\n".join(lines) + "\n"


def _status_line(row: OfferStatus, report: StatusReport) -> str:
    agreements = "<br>".join(_cell(agreement_text(a, report)) for a in row.agreements) or "none"
    cells = (
        f"[`{row.key}`]({row.url})<br>{_cell(row.name)}",
        row.state,
        _cell(expiry(row, report).removeprefix("expires ")),
        _buyers_cell(row, report),
        agreements,
    )
    return "| " + " | ".join(cells) + " |"


def _expiring_markdown(report: StatusReport, within: int) -> str:
    if not report.rows:
        title = f"### No released offer expires within {_days(within)} without an agreement"
        return "\n".join([EXPIRING_MARKER, title, "", f"As of {report.today} (UTC)."]) + "\n"
    lines = [
        EXPIRING_MARKER,
        f"### {len(report.rows)} private offer(s) expire within {_days(within)} with no "
        "agreement yet",
        "",
        f"As of {report.today} (UTC). After its expiry date a buyer can no longer accept an "
        "offer. Send the buyer the link again, or move `expiresOn` in `offers/<key>.yaml` "
        "later and merge (a released offer's expiry can change).",
        "",
        "| offer | expires | buyers | link for the buyer |",
        "|---|---|---|---|",
    ]
    lines += [_expiring_line(row, report) for row in report.rows]
    lines += ["", f"<sub>`offerops status --expiring-within {within}`</sub>"]
    return "\n".join(lines) + "\n"


def _expiring_line(row: OfferStatus, report: StatusReport) -> str:
    cells = (
        f"`{row.key}`<br>{_cell(row.name)}",
        _cell(expiry(row, report).removeprefix("expires ")),
        _buyers_cell(row, report),
        f"[{row.offer_id}]({row.url})",
    )
    return "| " + " | ".join(cells) + " |"


def _buyers_cell(row: OfferStatus, report: StatusReport) -> str:
    return "<br>".join(_cell(report.buyer(account)) for account in row.buyers) or "none"


def _cell(text: str) -> str:
    """Text that stays inside one table cell and is never read as HTML."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


# --- JSON ------------------------------------------------------------------------------------


def render_json(report: StatusReport) -> str:
    """A list of rows, as before; dates ISO, acceptance ``2026-12-02T16:40:32Z``."""
    return json.dumps([_json_row(row, report) for row in report.rows], indent=2) + "\n"


def _json_row(row: OfferStatus, report: StatusReport) -> dict[str, object]:
    data = asdict(row)
    data["expires_on"] = row.expires_on.isoformat() if row.expires_on else None
    data["expires_in_days"] = (row.expires_on - report.today).days if row.expires_on else None
    data["buyer_aliases"] = {a: report.aliases[a] for a in row.buyers if a in report.aliases}
    data["agreements"] = [_json_agreement(a, report) for a in row.agreements]
    return data


def _json_agreement(agreement: Agreement, report: StatusReport) -> dict[str, object]:
    return {
        "agreement_id": agreement.agreement_id,
        "buyer": agreement.buyer,
        "buyer_alias": report.aliases.get(agreement.buyer),
        "accepted": iso(agreement.accepted),
        "starts": agreement.starts.isoformat() if agreement.starts else None,
        "ends": agreement.ends.isoformat() if agreement.ends else None,
        "status": agreement.status,
    }


RENDERERS: dict[str, Callable[[StatusReport], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
"""``offerops status --format``: the names are ``offerops.cli.STATUS_FORMATS``."""
