"""Render a plan for people: text for terminals, markdown for a pull-request comment, JSON.

The summary line comes first in every format, so a reviewer knows the size of the change
before reading any of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Final

from offerops.model.money import decimals
from offerops.reconcile.diff import FieldChange, OfferPlan
from offerops.reconcile.plan import Plan

COMMENT_LIMIT = 65_536
"""GitHub's limit on a comment body."""
_BUDGET = COMMENT_LIMIT - 2_000
_MARKER = "<!-- offerops-plan -->"
"""Identifies the plan comment so CI updates it instead of adding a new one."""

_SYMBOL = {
    "create": "+",
    "update": "~",
    "expire": "-",
    "replace-needed": "!",
    "waiting": "…",
    "no-op": "=",
    "unmanaged": "?",
}
_EMOJI = {
    "create": "🆕",
    "update": "✏️",
    "expire": "⏹️",
    "replace-needed": "⚠️",
    "waiting": "⏳",
    "no-op": "✔️",
    "unmanaged": "❔",
}
_FLAG_TEXT = {
    "price-decrease": "price decrease",
    "new-buyer": "new buyer",
    "expiry-change": "expiry change",
}
_COLOR = {"+": "\x1b[32m", "~": "\x1b[33m", "-": "\x1b[31m", "!": "\x1b[35m"}
_RESET = "\x1b[0m"


def summary_line(plan: Plan) -> str:
    counts = plan.counts
    parts = [
        f"{counts['create']} to create",
        f"{counts['update']} to update",
        f"{counts['expire']} to expire",
        f"{counts['replace-needed']} need a replacement",
        f"{counts['no-op']} unchanged",
        f"{counts['unmanaged']} unmanaged",
    ]
    if counts["waiting"]:
        parts.insert(4, f"{counts['waiting']} waiting for an agreement")
    return "Plan: " + ", ".join(parts) + "."


def render_text(plan: Plan, color: bool = False) -> str:
    lines = [summary_line(plan), ""]
    lines.extend(_text_warnings(plan))
    for entry in plan.entries:
        if entry.action == "no-op":
            continue
        lines.extend(_text_entry(entry, color))
    lines.extend(_outcome(plan))
    return "\n".join(lines).rstrip() + "\n"


def _outcome(plan: Plan) -> list[str]:
    """The last word: no changes, or what apply will refuse (never "matches git" then)."""
    if plan.refused:
        return [
            f"Apply will refuse {len(plan.refused)} offer(s) that need a replacement offer: "
            + ", ".join(plan.refused)
            + ". Each says which offer to create and which to expire; "
            "`offerops clone KEY NEW_KEY --replace` writes both."
        ]
    if not plan.has_changes:
        return ["No changes: the marketplace matches git."]
    return []


def _text_warnings(plan: Plan) -> list[str]:
    """Product warnings first: they say why an offer below may fail at apply."""
    if not plan.warnings:
        return []
    return [*(f"warning: {warning.message}" for warning in plan.warnings), ""]


def _text_entry(entry: OfferPlan, color: bool) -> list[str]:
    symbol = _SYMBOL[entry.action]
    title = f"{symbol} {entry.action} {entry.key or entry.offer_id}"
    if entry.offer_id and entry.key:
        title += f" ({entry.offer_id})"
    if color and symbol in _COLOR:
        title = f"{_COLOR[symbol]}{title}{_RESET}"
    lines = [title]
    if entry.relpath:
        lines.append(f"    file: {entry.relpath}")
    if entry.flags:
        lines.append("    review: " + ", ".join(_FLAG_TEXT[flag] for flag in entry.flags))
    if entry.reason:
        lines.append(f"    {entry.reason}")
    lines.extend(f"    {_text_change(change)}" for change in entry.changes)
    added = entry.add_dimensions
    if added is not None:
        keys = ", ".join(added.keys)
        lines.append(f"    adds dimension {keys} to product {added.product} ({added.product_id})")
    sent = [*entry.change_types, *(["ReleaseOffer"] if entry.release else [])]
    if sent:
        lines.append("    changes: " + ", ".join(sent))
    return [*lines, ""]


def _text_change(change: FieldChange) -> str:
    old, new = _text_value(change.field, change.old), _text_value(change.field, change.new)
    if old is None:
        return f"{change.field}: {new}"
    if new is None:
        return f"{change.field}: {old} -> (removed)"
    return f"{change.field}: {old} -> {new}"


_FREE_TEXT: Final = frozenset({"refund policy"})
"""Fields whose value is the seller's prose: shown quoted, line breaks as ``\\n``, so that a
reviewer sees exactly the text the buyer will read, on the change's one line."""


def _text_value(field: str, value: str | None) -> str | None:
    if value is None or field not in _FREE_TEXT:
        return value
    return json.dumps(value, ensure_ascii=False)


def render_json(plan: Plan) -> str:
    return json.dumps(plan.to_json(), indent=2, ensure_ascii=False) + "\n"


def render_markdown(plan: Plan) -> str:
    """A PR comment: summary, what to review first, then one collapsible section per offer."""
    head = [_MARKER, f"### offerops plan — {summary_line(plan)[6:]}", ""]
    if plan.refused:
        head.extend([f"> [!CAUTION]\n> {_outcome(plan)[0]}", ""])
    head.extend(_markdown_warnings(plan))
    head.extend(_review_first(plan))
    sections = [_markdown_entry(entry) for entry in plan.entries if entry.action != "no-op"]
    unchanged = [entry.key for entry in plan.entries if entry.action == "no-op"]
    tail = [f"Unchanged: {len(unchanged)} offer(s)." if unchanged else ""]
    tail.append(f"<sub>Planned against `{plan.backend}` on {plan.created_at}.</sub>")
    body = "\n".join(head)
    shown = 0
    for section in sections:
        if len(body) + len(section) + 400 > _BUDGET:
            break
        body += "\n" + section
        shown += 1
    if shown < len(sections):
        body += (
            f"\n\n> **{len(sections) - shown} more offer(s) not shown** to keep this comment under "
            "GitHub's size limit; the full plan is in the job summary and the plan artifact."
        )
    return body + "\n\n" + "\n".join(line for line in tail if line) + "\n"


def _markdown_warnings(plan: Plan) -> list[str]:
    """One WARNING alert listing every product warning (offerops.yaml vs the marketplace)."""
    if not plan.warnings:
        return []
    items = "\n".join(f"> - {_escape(warning.message)}" for warning in plan.warnings)
    return [f"> [!WARNING]\n> **offerops.yaml disagrees with the marketplace:**\n{items}", ""]


def _review_first(plan: Plan) -> list[str]:
    notes = []
    for entry in plan.entries:
        for flag in entry.flags:
            notes.append(f"- **{_FLAG_TEXT[flag]}** in `{entry.key}`")
        if entry.action == "replace-needed":
            notes.append(f"- **needs a replacement offer**: `{entry.key}`")
    if not notes:
        return []
    return ["**Review first:**", *notes, ""]


def _markdown_entry(entry: OfferPlan) -> str:
    title = (
        f"{_EMOJI[entry.action]} <b>{entry.action}</b> <code>{entry.key or entry.offer_id}</code>"
    )
    flags = "".join(f" · ⚑ {_FLAG_TEXT[flag]}" for flag in entry.flags)
    lines = [f"<details><summary>{title} — {_escape(entry.name or '')}{flags}</summary>", ""]
    if entry.relpath:
        lines.append(
            f"File: `{entry.relpath}`" + (f" · offer `{entry.offer_id}`" if entry.offer_id else "")
        )
        lines.append("")
    if entry.reason:
        lines.extend([f"> {entry.reason}", ""])
    if entry.add_dimensions is not None:
        added = entry.add_dimensions
        keys = ", ".join(f"`{key}`" for key in added.keys)
        lines.extend([f"Adds dimension {keys} to product `{added.product}`.", ""])
    if entry.changes:
        currency = next((c.new or c.old for c in entry.changes if c.field == "currency"), None)
        lines.extend(["| field | before | after |", "|---|---|---|"])
        for change in entry.changes:
            before = _human(change.field, change.old, currency)
            after = _human(change.field, change.new, currency)
            lines.append(f"| {change.field} | {before} | {after} |")
        lines.append("")
    return "\n".join([*lines, "</details>"])


MONEY_LABELS = (
    "price ",
    "rate ",
    "contract price",
    "installment ",
    "annual price",
    "usage rate ",
)
"""Reviewer labels whose values are money (shown with the currency and thousands separators)."""


def _human(field: str, value: str | None, currency: str | None) -> str:
    """Money with thousands separators, buyers one per line, cells escaped."""
    if value is None:
        return "—"
    if field == "buyers":
        return "<br>".join(f"`{account}`" for account in value.split(", "))
    if field in _FREE_TEXT:
        return "<br>".join(_escape(line) for line in value.splitlines())
    if field.startswith(MONEY_LABELS):
        try:
            amount = Decimal(value)
        except InvalidOperation:
            return _escape(value)
        prefix = f"{currency} " if currency else ""
        return f"{prefix}{amount:,.{max(2, decimals(amount))}f}"
    return _escape(value)


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


PlanRenderer = Callable[[Plan, bool], str]
"""``render(plan, color) -> str``; ``color`` is only honoured by the text format."""


def _markdown(plan: Plan, _color: bool) -> str:
    return render_markdown(plan)


def _json(plan: Plan, _color: bool) -> str:
    return render_json(plan)


RENDERERS: dict[str, PlanRenderer] = {
    "text": render_text,
    "markdown": _markdown,
    "json": _json,
}
"""Plan formats by name (``offerops plan --format``), like the lint reporters' registry."""
