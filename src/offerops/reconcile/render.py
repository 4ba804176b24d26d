"""Render a plan for people: text for terminals, markdown for a pull-request comment, JSON.

The people who approve offers are sales leaders and deal desks, so both human formats say an
offer the way they think of it (:mod:`wording`): the summary line first, then one row per offer
that changes (offer, action, product, buyers, total before -> after, expiry), then each offer
in detail. Text is aligned for a terminal; markdown folds each offer into ``<details>`` and
:func:`fit_markdown` keeps a comment within GitHub's size limit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Final

from offerops.model.money import decimals
from offerops.reconcile.diff import FieldChange, OfferPlan
from offerops.reconcile.plan import Plan
from offerops.reconcile.view import OfferView, Review
from offerops.reconcile.wording import Compared, compare, money

COMMENT_LIMIT = 65_536
"""GitHub's limit on a comment body."""
MARKDOWN_LIMIT = 1_048_576
"""GitHub's limit on a step's job summary (1 MiB; a larger one is not shown at all): the most
markdown any GitHub page takes, so the markdown plan is never larger."""
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
    "total-change": "total beyond the review threshold",
    "new-buyer": "new buyer",
    "expiry-change": "expiry change",
}
_COLOR = {"+": "\x1b[32m", "~": "\x1b[33m", "-": "\x1b[31m", "!": "\x1b[35m"}
_RESET = "\x1b[0m"


def summary_columns(arrow: str) -> tuple[str, ...]:
    """The summary table's columns, in text (``->``) and markdown (``→``)."""
    return ("offer", "action", "product", "buyers", f"total (before {arrow} after)", "expires")


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


def _shown(plan: Plan) -> list[OfferPlan]:
    """The entries a reviewer reads: every one but the no-ops (counted in the summary line)."""
    return [entry for entry in plan.entries if entry.action != "no-op"]


def _flag_text(flag: str) -> str:
    return _FLAG_TEXT.get(flag, flag)


# The summary table: one row per offer, the same cells in text and markdown.


def summary_cells(entry: OfferPlan, arrow: str) -> tuple[str, ...]:
    """offer, action, product, buyers, total before -> after, expires (empty where unknown)."""
    review = entry.review or Review()
    seen = review.after or review.before
    return (
        entry.key or entry.offer_id or "",
        entry.action,
        _product_cell(seen),
        _buyer_cell(seen),
        total_cell(review.before, review.after, arrow),
        _expires_cell(entry, review, arrow),
    )


def _product_cell(view: OfferView | None) -> str:
    product = view.product if view is not None else None
    if product is None:
        return ""
    return product.name or product.key or product.id


def _buyer_cell(view: OfferView | None) -> str:
    """The first buyer by company name (else alias, else account), ``+N`` for the others."""
    if view is None or not view.buyers:
        return ""
    first = view.buyers[0]
    name = first.company or first.alias or first.account
    more = len(view.buyers) - 1
    return f"{name} +{more}" if more else name


def short_total(view: OfferView) -> str:
    """The total in a table cell: an amount, ``by quantity`` or ``usage`` where it depends."""
    usage = " + usage" if view.pay_as_you_go else ""
    if view.total is not None:
        return money(view.total, view.currency) + usage
    if view.buyer_chooses:
        return "by quantity" + usage
    return "usage" if view.pay_as_you_go else ""


def total_cell(before: OfferView | None, after: OfferView | None, arrow: str) -> str:
    """``USD 360,000.00 -> USD 330,000.00 (-8.3%)``; one side where there is one."""
    old = short_total(before) if before is not None else ""
    new = short_total(after) if after is not None else ""
    if before is None or after is None or old == new:
        return new or old
    cell = f"{old or '—'} {arrow} {new or '—'}"
    if before.total and after.total is not None and before.total != after.total:
        change = (after.total - before.total) * 100 / before.total
        cell += f" ({'+' if change > 0 else '-'}{abs(change):.1f}%)"
    return cell


def _expires_cell(entry: OfferPlan, review: Review, arrow: str) -> str:
    if entry.action == "expire":
        return "ends at apply"
    old = review.before.expires if review.before else None
    new = review.after.expires if review.after else None
    if old is not None and new is not None and old != new:
        return f"{old.isoformat()} {arrow} {new.isoformat()}"
    shown = new or old
    return shown.isoformat() if shown else ""


# Text.


def render_text(plan: Plan, color: bool = False) -> str:
    lines = [summary_line(plan), ""]
    lines.extend(_text_warnings(plan))
    lines.extend(_text_table(plan))
    for entry in _shown(plan):
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


def _text_table(plan: Plan) -> list[str]:
    """The summary table, aligned; none when every offer is unchanged."""
    shown = _shown(plan)
    if not shown:
        return []
    columns = summary_columns("->")
    table = [columns, *(summary_cells(entry, "->") for entry in shown)]
    widths = [max(len(row[column]) for row in table) for column in range(len(columns))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in table
    ]
    return [*(line.rstrip() for line in lines), ""]


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
        lines.append("    review: " + ", ".join(_flag_text(flag) for flag in entry.flags))
    if entry.reason:
        lines.append(f"    {entry.reason}")
    if entry.review is None:
        lines.extend(f"    {_text_change(change)}" for change in entry.changes)
    else:
        lines.extend(_text_review(entry, entry.review))
    added = entry.add_dimensions
    if added is not None:
        keys = ", ".join(added.keys)
        lines.append(f"    adds dimension {keys} to product {added.product} ({added.product_id})")
    sent = [*entry.change_types, *(["ReleaseOffer"] if entry.release else [])]
    if sent:
        lines.append("    changes: " + ", ".join(sent))
    return [*lines, ""]


def _sides(entry: OfferPlan, review: Review) -> tuple[str, str] | None:
    """What the two sides are when an offer is shown next to another one (else None)."""
    if review.before is None or review.after is None or entry.action == "update":
        return None
    if review.replaced is not None:
        return f"{review.replaced} (the offer it replaces)", "this offer"
    return f"on the marketplace ({entry.offer_id})", "in git"


def _compared(entry: OfferPlan, review: Review) -> list[Compared]:
    """The rows to show: the changes of an update; everything, side by side, otherwise."""
    rows = compare(review.before, review.after)
    if entry.action == "update":
        rows = [row for row in rows if row.changed]
    if entry.action == "expire" and entry.expire_on is not None:
        rows = [_ending(row, entry.expire_on) if row.label == "expires" else row for row in rows]
    if entry.agreement_id is not None:
        rows.append(Compared("replaces", None, (f"agreement {entry.agreement_id}",), "", "", True))
    return rows


def _ending(row: Compared, expire_on: str) -> Compared:
    """An offer being ended: its expiry moves to the day before today, when apply runs."""
    note = "no buyer can accept it once apply runs"
    return Compared(row.label, row.before, (expire_on,), note, "", True)


def _text_review(entry: OfferPlan, review: Review) -> list[str]:
    rows = _compared(entry, review)
    if not rows:
        return []
    width = max(len(row.label) for row in rows) + 2
    sides = _sides(entry, review)
    lines = [f"    {sides[0]} -> {sides[1]} (one value where both agree):"] if sides else []
    paired = review.before is not None and review.after is not None
    for row in rows:
        lines.extend(_text_row(row, width, paired))
    return lines


def _arrow(row: Compared, paired: bool) -> bool:
    """Whether a row shows ``before -> after``: a change, where there are two sides to it."""
    return row.changed and (paired or (row.before is not None and row.after is not None))


def _text_row(row: Compared, width: int, paired: bool) -> list[str]:
    """One row: the value, or ``before -> after`` (``was``/``now`` blocks for several lines)."""
    note = f" ({row.note})" if row.note else ""
    if not _arrow(row, paired):
        value = list(row.after or row.before or ())
        return _labelled(row.label, width, _noted(value, note))
    before, after = list(row.before or ["(none)"]), list(row.after or ["(removed)"])
    difference = f"  {row.difference}" if row.difference else ""
    if len(before) == 1 and len(after) == 1:
        return _labelled(row.label, width, [f"{before[0]} -> {after[0]}{note}{difference}"])
    shown = [f"was {before[0]}", *(f"    {line}" for line in before[1:])]
    shown += [f"now {after[0]}", *(f"    {line}" for line in after[1:])]
    return _labelled(row.label, width, _noted(shown, note + difference))


def _noted(lines: list[str], note: str) -> list[str]:
    if not lines:
        return [note.strip()]
    return [*lines[:-1], lines[-1] + note]


def _labelled(label: str, width: int, lines: Sequence[str]) -> list[str]:
    """The label in its column, the value's lines aligned after it."""
    indent = " " * (4 + width)
    first, *rest = lines or [""]
    return [f"    {label.ljust(width)}{first}", *(f"{indent}{line}" for line in rest)]


def _text_change(change: FieldChange) -> str:
    """A field change of a plan saved without a review (by an earlier version)."""
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


# Markdown.


def render_markdown(plan: Plan, limit: int | None = MARKDOWN_LIMIT) -> str:
    """A PR comment: the summary, alerts, the summary table, what to review first, then one
    folded section per offer. Complete up to ``limit`` (a job summary's; :func:`fit_markdown`
    shortens it further for a comment)."""
    head = [_MARKER, f"### offerops plan — {summary_line(plan)[6:]}", ""]
    if plan.refused:
        head.extend([f"> [!CAUTION]\n> {_outcome(plan)[0]}", ""])
    head.extend(_markdown_warnings(plan))
    head.extend(_markdown_table(plan))
    head.extend(_review_first(plan))
    sections = [_markdown_entry(entry) for entry in _shown(plan)]
    unchanged = [entry.key for entry in plan.entries if entry.action == "no-op"]
    tail = [f"Unchanged: {len(unchanged)} offer(s)." if unchanged else ""]
    tail.append(f"<sub>Planned against `{plan.backend}` on {plan.created_at}.</sub>")
    body = "\n".join([*head, *sections])
    full = body + "\n\n" + "\n".join(line for line in tail if line) + "\n"
    return full if limit is None else fit_markdown(full, limit, EVERY_FORMAT)


EVERY_FORMAT: Final = "`offerops plan` (text) and `offerops plan --format json`"
"""Where a markdown plan too large for GitHub says the full plan is."""


def _markdown_warnings(plan: Plan) -> list[str]:
    """One WARNING alert listing every product warning (offerops.yaml vs the marketplace)."""
    if not plan.warnings:
        return []
    items = "\n".join(f"> - {_escape(warning.message)}" for warning in plan.warnings)
    return [f"> [!WARNING]\n> **offerops.yaml disagrees with the marketplace:**\n{items}", ""]


SUMMARY_HEADER: Final = "| " + " | ".join(summary_columns("→")) + " |"
"""The first line of the markdown summary table (:func:`fit_markdown` finds it by it)."""


def _markdown_table(plan: Plan) -> list[str]:
    shown = _shown(plan)
    if not shown:
        return []
    lines = [SUMMARY_HEADER, "|" + "---|" * len(summary_columns("→"))]
    for entry in shown:
        offer, action, *cells = summary_cells(entry, "→")
        row = [f"`{offer}`", f"{_EMOJI[action]} {action}", *(_escape(c) or "—" for c in cells)]
        lines.append("| " + " | ".join(row) + " |")
    return [*lines, ""]


REVIEW_FIRST_MAX: Final = 50
"""Notes in "Review first" beyond which the rest are counted: the list is read, not scanned."""


def _review_first(plan: Plan) -> list[str]:
    notes = []
    for entry in plan.entries:
        for flag in entry.flags:
            notes.append(f"- **{_flag_text(flag)}** in `{entry.key}`")
        if entry.action == "replace-needed":
            notes.append(f"- **needs a replacement offer**: `{entry.key}`")
    if not notes:
        return []
    if len(notes) > REVIEW_FIRST_MAX:
        more = len(notes) - REVIEW_FIRST_MAX
        notes = [*notes[:REVIEW_FIRST_MAX], f"- … and {more} more, flagged on each offer below"]
    return ["**Review first:**", *notes, ""]


def _markdown_entry(entry: OfferPlan) -> str:
    title = (
        f"{_EMOJI[entry.action]} <b>{entry.action}</b> <code>{entry.key or entry.offer_id}</code>"
    )
    flags = "".join(f" · ⚑ {_flag_text(flag)}" for flag in entry.flags)
    lines = [f"<details><summary>{title} — {_escape(entry.name or '')}{flags}</summary>", ""]
    if entry.relpath:
        lines.append(
            f"File: `{entry.relpath}`" + (f" · offer `{entry.offer_id}`" if entry.offer_id else "")
        )
        lines.append("")
    if entry.reason:
        lines.extend([f"> {_escape(entry.reason)}", ""])
    if entry.add_dimensions is not None:
        added = entry.add_dimensions
        keys = ", ".join(f"`{key}`" for key in added.keys)
        lines.extend([f"Adds dimension {keys} to product `{added.product}`.", ""])
    if entry.review is not None:
        lines.extend(_markdown_review(entry, entry.review))
    elif entry.changes:
        lines.extend(_markdown_changes(entry.changes))
    return "\n".join([*lines, "</details>"])


def _markdown_review(entry: OfferPlan, review: Review) -> list[str]:
    """A two-column table for one side; before, after and the change for two."""
    rows = _compared(entry, review)
    if not rows:
        return []
    if review.before is None or review.after is None:
        heading = "in git" if review.before is None else "on the marketplace"
        if entry.action == "expire":
            heading = "on the marketplace (ending)"
        lines = [f"| | {heading} |", "|---|---|"]
        return [*lines, *(_single_row(row) for row in rows), ""]
    before, after = _sides(entry, review) or ("before", "after")
    lines = [f"| | {_escape(before)} | {_escape(after)} | change |", "|---|---|---|---|"]
    return [*lines, *(_paired_row(row) for row in rows), ""]


def _single_row(row: Compared) -> str:
    if _arrow(row, paired=False):
        value = f"{_cell(row.before)} → {_cell(row.after, row.note)}"
    else:
        value = _cell(row.after or row.before, row.note)
    return f"| {_escape(row.label)} | {value} |"


def _paired_row(row: Compared) -> str:
    label = f"**{_escape(row.label)}**" if row.changed else _escape(row.label)
    before, after = _cell(row.before, row.note), _cell(row.after, row.note)
    return f"| {label} | {before} | {after} | {_escape(row.difference)} |"


def _cell(lines: Sequence[str] | None, note: str = "") -> str:
    """Lines of a value in one table cell (``<br>`` between them), or — where there is none."""
    if lines is None:
        return "—"
    text = "<br>".join(_escape(line) for line in lines)
    return f"{text} ({_escape(note)})" if note else text


def _markdown_changes(changes: Sequence[FieldChange]) -> list[str]:
    """The field changes of a plan saved without a review (by an earlier version)."""
    currency = next((c.new or c.old for c in changes if c.field == "currency"), None)
    lines = ["| field | before | after |", "|---|---|---|"]
    for change in changes:
        before = _human(change.field, change.old, currency)
        after = _human(change.field, change.new, currency)
        lines.append(f"| {change.field} | {before} | {after} |")
    return [*lines, ""]


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


# Fitting a comment.


def fit_markdown(body: str, limit: int = COMMENT_LIMIT, full: str = "") -> str:
    """``body`` within ``limit`` (UTF-8 bytes, so within as many characters too).

    The offers' folded sections are left out from the last one on, then rows of the summary
    table, each time with a note saying how many and where the full plan is (``full``); a hard
    cut is the last resort. A body that fits is returned as it is.
    """
    if _size(body) <= limit:
        return body
    where = full or FULL_PLAN
    lines = body.split("\n")
    blocks = _detail_blocks(lines)
    sizes = [_size(line) + 1 for line in lines]
    left = _size(body)
    for dropped in range(1, len(blocks) + 1):
        first, last = blocks[-dropped]
        left -= sum(sizes[first : last + 1])
        note = _details_note(dropped, limit, where)
        if left + _size(note) + 2 <= limit:
            return _without(lines, blocks[-dropped:], note)
    shorter = _without(lines, blocks, _details_note(len(blocks), limit, where))
    return _fit_table(shorter.split("\n"), limit, where)


FULL_PLAN: Final = (
    "the job summary of this run and its `offerops-plan` artifact"
    " (`offerops plan --format markdown` prints it too)"
)
"""Where a shortened plan comment says the full plan is."""


def _details_note(count: int, limit: int, where: str) -> str:
    return (
        f"> **{count} offer(s) not shown in detail** to keep this comment within GitHub's "
        f"limit ({limit:,} bytes); every offer is in {where}."
    )


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _detail_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """``(first, last)`` line of every folded offer section."""
    blocks: list[tuple[int, int]] = []
    start = None
    for index, line in enumerate(lines):
        if line.startswith("<details>"):
            start = index
        elif line == "</details>" and start is not None:
            blocks.append((start, index))
            start = None
    return blocks


def _without(lines: list[str], dropped: Sequence[tuple[int, int]], note: str) -> str:
    """The lines without the ``dropped`` blocks, the note where the first of them was."""
    if not dropped:
        return "\n".join(lines)
    skip = {index for first, last in dropped for index in range(first, last + 1)}
    kept = []
    for index, line in enumerate(lines):
        if index == dropped[0][0]:
            kept.extend(["", note])
        if index not in skip:
            kept.append(line)
    return "\n".join(kept)


def _fit_table(lines: list[str], limit: int, where: str) -> str:
    """Rows of the summary table left out from the last one on, then a hard cut."""
    if SUMMARY_HEADER not in lines:
        return _cut("\n".join(lines), limit, where)
    start = lines.index(SUMMARY_HEADER) + 2
    end = start
    while end < len(lines) and lines[end].startswith("| "):
        end += 1
    left = _size("\n".join(lines))
    for kept in range(end - start - 1, -1, -1):
        left -= _size(lines[start + kept]) + 1
        row = _more_row(end - start - kept, where)
        if left + _size(row) + 1 <= limit:
            return "\n".join([*lines[: start + kept], row, *lines[end:]])
    return _cut("\n".join(lines), limit, where)


def _more_row(count: int, where: str) -> str:
    """The summary table's last row when ``count`` rows are left out (as many columns)."""
    filler = ["—"] * (len(summary_columns("→")) - 2)
    return "| … | " + " | ".join([f"{count} more offer(s), in {_escape(where)}", *filler]) + " |"


def _cut(body: str, limit: int, where: str) -> str:
    note = f"\n\n> **Plan truncated** to fit; the full plan is in {where}.\n"
    room = max(limit - _size(note), 0)
    return body.encode("utf-8")[:room].decode("utf-8", errors="ignore") + note


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
