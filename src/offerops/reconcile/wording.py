"""An offer in the words of the people who approve it: rows of a label and a value, compared.

The text and markdown plans lay rows out differently (aligned columns, tables), but what they
say is decided once, here: money with its currency and thousands separators, a price per unit
times a quantity, the contract total, installments with the balance left after each, lengths in
words (``36 months``, ``650 days``), the legal form as the offer file names it (``standard
EULA``, ``SCMP``, ``custom`` with its documents), ``spec.renewal`` with what it means.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from offerops.model.money import amount_decimals, decimals
from offerops.reconcile.view import (
    DIMENSION_KINDS,
    LegalView,
    OfferView,
    PricedDimension,
    TermLength,
)
from offerops.terms.values import Duration


@dataclass(frozen=True)
class Row:
    """One thing a reviewer reads: ``label``, the value's ``lines``, and a ``note`` shown once
    after the value. ``value`` is what is compared (not the words), ``money`` what a
    difference is computed of."""

    key: str
    label: str
    lines: tuple[str, ...]
    value: object
    note: str = ""
    money: Decimal | None = None


@dataclass(frozen=True)
class Compared:
    """A row on both sides; ``before``/``after`` None where that side does not have it."""

    label: str
    before: tuple[str, ...] | None
    after: tuple[str, ...] | None
    note: str
    difference: str
    changed: bool


ACCEPT_UNTIL: Final = "buyers can accept until 23:59 UTC"
TIMES: Final = "\u00d7"
"""The multiplication sign of a price times a quantity."""
_UNIT_WORDS: Final = {"Hrs": "hour", "Hr": "hour", "Hours": "hour", "Units": "unit"}
_LEGAL_FORMS: Final = {
    "standard-eula": "standard EULA",
    "scmp": "SCMP (Standard Contract for AWS Marketplace)",
}
_RENEWALS: Final = {
    "existing-marketplace-customer": "renews the buyer's AWS Marketplace contract",
    "moving-to-marketplace": "moves the buyer's contract made outside AWS Marketplace here",
}
_PURCHASING: Final = {
    "multiple-dimensions": "the buyer may buy several of the dimensions",
    "single-dimension": "the buyer buys one of the dimensions",
}


def money(amount: Decimal, currency: str | None) -> str:
    """``USD 1,200.00``; as many decimals as the currency's minor unit or the amount needs
    (``USD 0.085``, ``JPY 1,000``)."""
    places = max(amount_decimals(currency or ""), decimals(amount.normalize()))
    shown = f"{amount:,.{places}f}"
    return f"{currency} {shown}" if currency else shown


def difference(before: Decimal, after: Decimal) -> str:
    """``+10.00 (+4.2%)``, ``-0.01 (-8.3%)``; "" when equal; no percent from zero."""
    if before == after:
        return ""
    delta = after - before
    sign = "+" if delta > 0 else "-"
    places = max(2, decimals(before.normalize()), decimals(after.normalize()))
    amount = f"{sign}{abs(delta):,.{places}f}"
    if not before:
        return amount
    percent = abs(delta) * 100 / abs(before)
    return f"{amount} ({sign}{percent:.1f}%)"


def duration_words(duration: Duration) -> str:
    """``36 months``, ``650 days``, ``1 year 2 months``."""
    parts = [(duration.years, "year"), (duration.months, "month"), (duration.days, "day")]
    words = [f"{count} {unit}{'' if count == 1 else 's'}" for count, unit in parts if count]
    return " ".join(words) or "0 days"


def length_words(length: TermLength) -> str:
    """``36 months from acceptance``, ``12 months from 2027-02-01``, ``until 2027-12-31``."""
    start = f"from {length.starts.isoformat()}" if length.starts else "from acceptance"
    if length.duration is not None:
        return f"{duration_words(length.duration)} {start}"
    if length.ends is not None:
        return f"{start} until {length.ends.isoformat()}"
    return start


def unit_word(unit: str | None) -> str:
    """A unit as in "per hour": ``Hrs`` -> hour, ``Units`` -> unit, ``GB`` stays GB."""
    if not unit:
        return "unit"
    if unit in _UNIT_WORDS:
        return _UNIT_WORDS[unit]
    if unit.isupper():
        return unit
    lowered = unit.lower()
    return lowered[:-1] if lowered.endswith("s") and len(lowered) > 3 else lowered


def rows(view: OfferView, other: OfferView | None = None, later: bool = True) -> list[Row]:
    """The view as rows, in the order a reviewer reads an offer: what, who, until when, how
    long, how much, legal. ``other`` is the other side of a comparison (``later``: this is the
    newer side), which says whether custom EULA documents changed."""
    found = [
        *_identity_rows(view),
        *_pricing_rows(view),
        *_legal_rows(view, other, later),
        *(Row(f"other {label}", label, (value,), value) for label, value in view.other),
    ]
    return found


def _identity_rows(view: OfferView) -> list[Row]:
    found = []
    if view.name is not None:
        found.append(Row("name", "name", (view.name,), view.name))
    if view.description is not None:
        found.append(Row("description", "description", (view.description,), view.description))
    if view.product is not None:
        found.append(Row("product", "product", (product_words(view),), view.product.id))
    if view.channel is not None:
        channel = f"through the resale authorization {view.channel}"
        found.append(Row("channel", "channel", (channel,), view.channel))
    if view.buyers:
        found.append(Row("buyers", "buyers", buyer_lines(view), _buyer_names(view)))
    if view.expires is not None:
        day = view.expires.isoformat()
        found.append(Row("expires", "expires", (day,), view.expires, note=ACCEPT_UNTIL))
    if view.length is not None:
        found.append(Row("length", "duration", (length_words(view.length),), view.length))
    return found


def product_words(view: OfferView) -> str:
    """``Acme Analytics Platform (analytics-saas)``; the key or the id where there is no name."""
    product = view.product
    if product is None:
        return ""
    if product.name and product.key:
        return f"{product.name} ({product.key})"
    return product.name or product.key or product.id


def buyer_lines(view: OfferView) -> tuple[str, ...]:
    """``acme-prod: Acme Corp (production), 123456789012`` per buyer."""
    lines = []
    for buyer in view.buyers:
        if buyer.alias is None:
            lines.append(f"{buyer.account} (not in offerops.yaml's buyers)")
        else:
            lines.append(f"{buyer.alias}: {buyer.company}, {buyer.account}")
    return tuple(lines)


def _buyer_names(view: OfferView) -> tuple[tuple[str, str], ...]:
    """``(account, alias or account)`` per buyer: what buyer rows compare and name."""
    return tuple((buyer.account, buyer.alias or buyer.account) for buyer in view.buyers)


def _pricing_rows(view: OfferView) -> list[Row]:
    mixed = any(d.kind != "usage" for d in view.dimensions)
    ordered = sorted(view.dimensions, key=lambda d: DIMENSION_KINDS.index(d.kind))
    found = [_dimension_row(view, dimension, mixed) for dimension in ordered]
    if view.purchasing is not None:
        words = f"{_PURCHASING.get(view.purchasing, view.purchasing)} ({view.purchasing})"
        found.append(Row("purchasing", "purchasing", (words,), view.purchasing))
    if view.dimensions or view.total is not None:
        found.append(Row("total", "total", (total_words(view),), view.total, money=view.total))
    if view.installments:
        found.append(Row("installments", "installments", _schedule(view), view.installments))
    if view.markup is not None:
        markup = f"{view.markup.normalize():f}% on the ISV's price"
        found.append(Row("markup", "markup", (markup,), view.markup))
    return found


def _dimension_row(view: OfferView, dimension: PricedDimension, mixed: bool) -> Row:
    """``users (Named users)``: ``USD 250.00 per unit``, quantity chosen by the buyer."""
    label = dimension.key
    if dimension.kind == "annual" or (dimension.kind == "usage" and mixed):
        label = f"{dimension.kind} {dimension.key}"
    if dimension.name:
        label += f" ({dimension.name})"
    words, note = _price_words(view, dimension)
    value = (dimension.price, dimension.quantity)
    key = f"{dimension.kind} {dimension.key}"
    return Row(key, label, (words,), value, note=note, money=dimension.price)


def _price_words(view: OfferView, dimension: PricedDimension) -> tuple[str, str]:
    """What one dimension costs, and how its quantity is decided (the row's note)."""
    currency, unit = view.currency, unit_word(dimension.unit)
    annual = dimension.kind == "annual" and view.annual is not None
    span = f" for {duration_words(view.annual)}" if annual and view.annual else ""
    price = money(dimension.price, currency) if dimension.price is not None else None
    if dimension.kind == "usage":
        return f"{price} per {unit} used", ""
    if price is not None and dimension.quantity is None:
        chooses = "one, no quantity to choose" if view.quantities == "one" else None
        return f"{price} per {unit}{span}", chooses or "quantity chosen by the buyer"
    if dimension.price is not None and dimension.quantity is not None:
        amount = money(dimension.price * dimension.quantity, currency)
        return f"{price} per {unit} {TIMES} {dimension.quantity:,}{span} = {amount}", ""
    paid = "paid in installments" if view.installments else "in the contract price"
    if dimension.quantity is None:
        return f"included{span}", paid
    return f"quantity {dimension.quantity:,}{span}", paid


def total_words(view: OfferView) -> str:
    """The contract total as a reviewer checks it; what decides it where it is not fixed."""
    usage = ", plus usage at the rates above" if view.pay_as_you_go else ""
    total = view.total
    if total is not None and view.installments:
        return f"{money(total, view.currency)} in {len(view.installments)} installments{usage}"
    if total is not None:
        return f"{money(total, view.currency)}{usage}"
    if view.buyer_chooses:
        return f"the prices above {TIMES} the quantities the buyer chooses{usage}"
    if view.pay_as_you_go:
        return "pay as you go, at the rates above"
    return "none"


def _schedule(view: OfferView) -> tuple[str, ...]:
    """``2027-02-01  USD 30,000.00  balance USD 90,000.00``: what is left after each one,
    the amounts aligned."""
    left = view.total or Decimal(0)
    shown = []
    for payment in view.installments:
        left -= payment.amount
        shown.append((payment.on.isoformat(), payment.amount, left))
    amounts = _aligned([amount for _, amount, _ in shown], view.currency)
    balances = _aligned([balance for _, _, balance in shown], view.currency)
    return tuple(
        f"{day}  {amount}  balance {balance}"
        for (day, _, _), amount, balance in zip(shown, amounts, balances, strict=True)
    )


def _aligned(amounts: list[Decimal], currency: str | None) -> list[str]:
    """Amounts of one currency with their numbers right-aligned (``USD 30,000.00``,
    ``USD      0.00``)."""
    numbers = [money(amount, None) for amount in amounts]
    width = max(len(number) for number in numbers)
    prefix = f"{currency} " if currency else ""
    return [prefix + number.rjust(width) for number in numbers]


def _legal_rows(view: OfferView, other: OfferView | None, later: bool) -> list[Row]:
    found = []
    if view.legal is not None:
        against = other.legal if other is not None else None
        found.append(Row("legal", "legal", legal_words(view.legal, against, later), view.legal))
    if view.renewal is not None:
        renewal = f"{_RENEWALS.get(view.renewal, view.renewal)} ({view.renewal})"
        found.append(Row("renewal", "renewal", (renewal,), view.renewal))
    if view.refund_policy is not None:
        quoted = f'"{view.refund_policy}"'.splitlines() or ['""']
        found.append(Row("refund", "refund policy", tuple(quoted), view.refund_policy))
    return found


def legal_words(legal: LegalView, other: LegalView | None, later: bool) -> tuple[str, ...]:
    """``standard EULA``, ``SCMP (...)``, or ``custom: legal/msa.pdf`` and one line per further
    document; against a different custom EULA (``other``) whether each one's content changed."""
    if legal.form in _LEGAL_FORMS:
        return (_LEGAL_FORMS[legal.form],)
    if legal.form != "custom":
        detail = legal.url or (f"version {legal.version}" if legal.version else "")
        return (f"{legal.form} {detail}".strip(),)
    if not legal.documents:
        return (f"custom: {legal.url}",)
    changed = other is not None and other != legal and other.form == "custom"
    named = [
        _document_words(legal, index, other if changed else None, later)
        for index in range(len(legal.documents))
    ]
    return (f"custom: {named[0]}", *(f"        {name}" for name in named[1:]))


def _document_words(legal: LegalView, index: int, other: LegalView | None, later: bool) -> str:
    """A document by its path; on the newer side of a changed EULA whether its content
    changed, on the older one which document a version no longer in git was."""
    document = legal.documents[index]
    counterpart = None
    if other is not None and index < len(other.documents):
        counterpart = other.documents[index]
    if document.path is None:
        if counterpart is not None and counterpart.path is not None:
            return f"an {'later' if later else 'earlier'} version of {counterpart.path}"
        return f"a document not in this repository ({document.digest})"
    if other is None or not later:
        return document.path
    if any(item.digest == document.digest for item in other.documents):
        return f"{document.path} (unchanged)"
    same_place = counterpart is not None and counterpart.path in (None, document.path)
    return f"{document.path} ({'content changed' if same_place else 'new'})"


def compare(before: OfferView | None, after: OfferView | None) -> list[Compared]:
    """Both sides row by row, in the newer side's order (a row only the older side has stays
    after the row it follows there)."""
    old = {row.key: row for row in (rows(before, after, later=False) if before else [])}
    new = {row.key: row for row in (rows(after, before) if after else [])}
    found = []
    for key in merged(list(old), list(new)):
        first, second = old.get(key), new.get(key)
        shown = second or first
        assert shown is not None
        found.append(
            Compared(
                shown.label,
                first.lines if first else None,
                second.lines if second else None,
                shown.note,
                _difference(first, second),
                first is None or second is None or first.value != second.value,
            )
        )
    return found


def merged(first: list[str], second: list[str]) -> list[str]:
    """Keys of both lists once each: ``second``'s order, a key only in ``first`` placed after
    the key that precedes it there."""
    order = list(second)
    for index, key in enumerate(first):
        if key in order:
            continue
        previous = next((k for k in reversed(first[:index]) if k in order), None)
        order.insert(order.index(previous) + 1 if previous is not None else 0, key)
    return order


def _difference(before: Row | None, after: Row | None) -> str:
    if before is None or after is None:
        return ""
    if before.key == "buyers":
        return _buyers_difference(before, after)
    if before.money is None or after.money is None:
        return ""
    return difference(before.money, after.money)


def _buyers_difference(before: Row, after: Row) -> str:
    """``added acme-dev; removed 999999999999``: buyers by alias, else by account."""
    old, new = _named(before), _named(after)
    added = [name for account, name in new.items() if account not in old]
    removed = [name for account, name in old.items() if account not in new]
    parts = []
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    return "; ".join(parts)


def _named(row: Row) -> dict[str, str]:
    names = row.value if isinstance(row.value, tuple) else ()
    return {str(account): str(name) for account, name in names}
