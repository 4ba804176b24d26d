"""The reviewer's view in the plan JSON: the ``review`` of every entry but a no-op.

Money as canonical decimal strings, days as dates, durations in ISO 8601, absent values left
out, so a saved plan shows what was reviewed; plans saved by earlier versions have no
``review`` (:func:`review_from_json` gives None) and render their field changes instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from offerops.reconcile.view import (
    DIMENSION_KINDS,
    BuyerRef,
    LegalDocument,
    LegalView,
    OfferView,
    Payment,
    PricedDimension,
    ProductRef,
    Review,
    TermLength,
)
from offerops.terms.document import array, integer, mapping, optional_text, text
from offerops.terms.values import Duration, day_of, format_money, money_of


def review_json(review: Review) -> dict[str, object]:
    """A review as the plan JSON keeps it."""
    data: dict[str, object] = {
        "before": _view_json(review.before),
        "after": _view_json(review.after),
    }
    if review.replaced is not None:
        data["replaced"] = review.replaced
    return data


def review_from_json(value: object) -> Review | None:
    """Read the ``review`` of a saved plan entry (absent in plans of earlier versions)."""
    if value is None:
        return None
    data = mapping(value, "review")
    return Review(
        _view_from_json(data.get("before"), "review.before"),
        _view_from_json(data.get("after"), "review.after"),
        optional_text(data.get("replaced"), "review.replaced"),
    )


def _view_json(view: OfferView | None) -> dict[str, object] | None:
    if view is None:
        return None
    data: dict[str, object | None] = {
        "name": view.name,
        "description": view.description,
        "product": _product_json(view.product),
        "channel": view.channel,
        "buyers": [_buyer_json(buyer) for buyer in view.buyers],
        "expires": _day(view.expires),
        "currency": view.currency,
        "length": _length_json(view.length),
        "annual": view.annual.iso() if view.annual else None,
        "purchasing": view.purchasing,
        **({"quantities": view.quantities} if view.quantities else {}),
        "dimensions": [_dimension_json(dimension) for dimension in view.dimensions],
        "fixedPrice": _money(view.fixed_price),
        "installments": [
            {"date": payment.on.isoformat(), "amount": format_money(payment.amount)}
            for payment in view.installments
        ],
        "legal": _legal_json(view.legal),
        "renewal": view.renewal,
        "refundPolicy": view.refund_policy,
        "markup": _money(view.markup),
        "other": [{"label": label, "value": value} for label, value in view.other],
    }
    return {key: value for key, value in data.items() if value not in (None, [])}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format_money(value)


def _product_json(product: ProductRef | None) -> dict[str, str] | None:
    if product is None:
        return None
    data = {"id": product.id, "key": product.key, "name": product.name}
    return {key: value for key, value in data.items() if value is not None}


def _buyer_json(buyer: BuyerRef) -> dict[str, str]:
    data = {"account": buyer.account, "alias": buyer.alias, "company": buyer.company}
    return {key: value for key, value in data.items() if value is not None}


def _length_json(length: TermLength | None) -> dict[str, str] | None:
    if length is None:
        return None
    data = {
        "duration": length.duration.iso() if length.duration else None,
        "ends": _day(length.ends),
        "starts": _day(length.starts),
    }
    return {key: value for key, value in data.items() if value is not None}


def _dimension_json(dimension: PricedDimension) -> dict[str, object]:
    data: dict[str, object | None] = {
        "key": dimension.key,
        "kind": dimension.kind,
        "name": dimension.name,
        "unit": dimension.unit,
        "price": _money(dimension.price),
        "quantity": dimension.quantity,
    }
    return {key: value for key, value in data.items() if value is not None}


def _legal_json(view: LegalView | None) -> dict[str, object] | None:
    if view is None:
        return None
    data: dict[str, object | None] = {
        "form": view.form,
        "version": view.version,
        "url": view.url,
        "documents": [
            {key: value for key, value in (("hash", d.digest), ("path", d.path)) if value}
            for d in view.documents
        ],
    }
    return {key: value for key, value in data.items() if value not in (None, [])}


def _view_from_json(value: object, where: str) -> OfferView | None:
    if value is None:
        return None
    data = mapping(value, where)
    return OfferView(
        name=optional_text(data.get("name"), f"{where}.name"),
        description=optional_text(data.get("description"), f"{where}.description"),
        product=_product_from_json(data.get("product"), f"{where}.product"),
        channel=optional_text(data.get("channel"), f"{where}.channel"),
        buyers=tuple(
            _buyer_from_json(item, f"{where}.buyers[]") for item in _items(data, "buyers")
        ),
        expires=_read_day(data.get("expires"), f"{where}.expires"),
        currency=optional_text(data.get("currency"), f"{where}.currency"),
        length=_length_from_json(data.get("length"), f"{where}.length"),
        annual=_duration(data.get("annual"), f"{where}.annual"),
        purchasing=optional_text(data.get("purchasing"), f"{where}.purchasing"),
        quantities=optional_text(data.get("quantities"), f"{where}.quantities"),
        dimensions=tuple(
            _dimension_from_json(item, f"{where}.dimensions[]")
            for item in _items(data, "dimensions")
        ),
        fixed_price=_read_money(data.get("fixedPrice"), f"{where}.fixedPrice"),
        installments=tuple(
            _payment_from_json(item, f"{where}.installments[]")
            for item in _items(data, "installments")
        ),
        legal=_legal_from_json(data.get("legal"), f"{where}.legal"),
        renewal=optional_text(data.get("renewal"), f"{where}.renewal"),
        refund_policy=optional_text(data.get("refundPolicy"), f"{where}.refundPolicy"),
        markup=_read_money(data.get("markup"), f"{where}.markup"),
        other=tuple(_other_from_json(item, f"{where}.other[]") for item in _items(data, "other")),
    )


def _items(data: Mapping[str, object], name: str) -> Sequence[object]:
    return array(data.get(name), name)


def _read_day(value: object, where: str) -> date | None:
    return None if value is None else day_of(value, where)


def _read_money(value: object, where: str) -> Decimal | None:
    return None if value is None else money_of(value, where)


def _duration(value: object, where: str) -> Duration | None:
    return None if value is None else Duration.parse(value, where)


def _product_from_json(value: object, where: str) -> ProductRef | None:
    if value is None:
        return None
    data = mapping(value, where)
    return ProductRef(
        text(data.get("id"), f"{where}.id"),
        optional_text(data.get("key"), f"{where}.key"),
        optional_text(data.get("name"), f"{where}.name"),
    )


def _buyer_from_json(value: object, where: str) -> BuyerRef:
    data = mapping(value, where)
    return BuyerRef(
        text(data.get("account"), f"{where}.account"),
        optional_text(data.get("alias"), f"{where}.alias"),
        optional_text(data.get("company"), f"{where}.company"),
    )


def _length_from_json(value: object, where: str) -> TermLength | None:
    if value is None:
        return None
    data = mapping(value, where)
    return TermLength(
        _duration(data.get("duration"), f"{where}.duration"),
        _read_day(data.get("ends"), f"{where}.ends"),
        _read_day(data.get("starts"), f"{where}.starts"),
    )


def _dimension_from_json(value: object, where: str) -> PricedDimension:
    data = mapping(value, where)
    kind = text(data.get("kind"), f"{where}.kind")
    known = next((k for k in DIMENSION_KINDS if k == kind), None)
    if known is None:
        raise ValueError(f"{where}.kind: unknown kind {kind!r}")
    quantity = data.get("quantity")
    return PricedDimension(
        text(data.get("key"), f"{where}.key"),
        known,
        optional_text(data.get("name"), f"{where}.name"),
        optional_text(data.get("unit"), f"{where}.unit"),
        _read_money(data.get("price"), f"{where}.price"),
        None if quantity is None else integer(quantity, f"{where}.quantity"),
    )


def _payment_from_json(value: object, where: str) -> Payment:
    data = mapping(value, where)
    return Payment(
        day_of(data.get("date"), f"{where}.date"),
        money_of(data.get("amount"), f"{where}.amount"),
    )


def _legal_from_json(value: object, where: str) -> LegalView | None:
    if value is None:
        return None
    data = mapping(value, where)
    documents = []
    for item in array(data.get("documents"), f"{where}.documents"):
        document = mapping(item, f"{where}.documents[]")
        documents.append(
            LegalDocument(
                text(document.get("hash"), f"{where}.documents[].hash"),
                optional_text(document.get("path"), f"{where}.documents[].path"),
            )
        )
    return LegalView(
        text(data.get("form"), f"{where}.form"),
        optional_text(data.get("version"), f"{where}.version"),
        optional_text(data.get("url"), f"{where}.url"),
        tuple(documents),
    )


def _other_from_json(value: object, where: str) -> tuple[str, str]:
    data = mapping(value, where)
    return text(data.get("label"), f"{where}.label"), text(data.get("value"), f"{where}.value")
