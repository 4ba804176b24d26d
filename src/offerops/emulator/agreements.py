"""Buyers and agreements: a buyer's view of offers, acceptance, and the Agreement API subset.

Accepting a released, unexpired offer that targets the buyer creates a ``PurchaseAgreement``
(proposer = the offer's owner, acceptor = the buyer) with the offer's terms frozen into it;
the offer itself does not change. Agreement API members are camelCase and its timestamps are epoch
seconds, as the json-1.0 protocol sends them. An agreement's status is derived lazily: ACTIVE until
its end time, EXPIRED after.

Accepting a replacement offer (:mod:`offerops.emulator.offers.replacement`) also ends the agreement
it targets: that one becomes ``REPLACED`` ("The agreement was replaced using an agreement
replacement offer", ``AgreementStatus`` in botocore's ``marketplace-agreement`` model) with its
``endTime`` at the acceptance instant (unconfirmed), and the new agreement carries the chain's
``initialAgreementId`` ("the very first agreement in a chain of related agreements, such as
renewals or replacements"; an agreement not derived from another has its own id there). The
buyer's side of AWS's reference code does the same with ``CreateAgreementRequest(intent=REPLACE,
sourceAgreementIdentifier=…)`` (``python/src/agreements_api/buyer/
replace_saas_contract_with_agreement_based_offer.py``); the emulator's ``accept_offer`` stands in
for that request.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from offerops.emulator import checks, pagination
from offerops.emulator.clock import add_duration, day_start, utc_date
from offerops.emulator.entities import load_offer
from offerops.emulator.exceptions import ResourceNotFoundException, ValidationException
from offerops.emulator.ids import CATALOG, new_agreement_id
from offerops.emulator.offers import Document, end_date, is_expired, rule
from offerops.emulator.store import agreements as store
from offerops.emulator.store import catalog as catalog_store
from offerops.emulator.store import offers as offer_store
from offerops.emulator.store.offers import OfferRow

AGREEMENT_TYPE = "PurchaseAgreement"
_TIME_FILTERS: Mapping[str, tuple[str, str]] = {
    "BeforeEndTime": ("end", "<="),
    "AfterEndTime": ("end", ">="),
    "BeforeStartTime": ("start", "<="),
    "AfterStartTime": ("start", ">="),
    "BeforeLastUpdateTime": ("updated", "<="),
    "AfterLastUpdateTime": ("updated", ">="),
}
_VALUE_FILTERS: Mapping[str, str] = {
    "AgreementType": "agreementType",
    "ResourceIdentifier": "resourceId",
    "ResourceType": "resourceType",
    "AcceptorAccountId": "acceptor",
    "OfferId": "offerId",
    "OfferSetId": "offerSetId",
    "Status": "status",
    "InitialAgreementId": "initialAgreementId",
}
_ACCEPTOR_BASES: tuple[frozenset[str], ...] = (
    frozenset(),
    frozenset({"ResourceIdentifier"}),
    frozenset({"ResourceType"}),
    frozenset({"OfferId"}),
    frozenset({"OfferSetId"}),
)
_DATED_TERMS = frozenset({"ChargeDate", "AgreementStartDate", "AgreementEndDate"})


# --- the buyer's side (emulator-only) ----------------------------------------------------------


def offers_for_buyer(
    connection: sqlite3.Connection, buyer: str, now: float
) -> list[dict[str, Any]]:
    """Released, unexpired offers that target ``buyer``, newest first."""
    today = utc_date(now)
    rows = offer_store.released_for_buyer(connection, buyer, f"{today.isoformat()}T00:00:00Z")
    return [
        _buyer_view(row["account"], json.loads(row["details"]), row["target_agreement_id"])
        for row in rows
    ]


def _buyer_view(seller: str, details: Document, target: str | None) -> dict[str, Any]:
    view = {
        "OfferId": details["Id"],
        "Name": details.get("Name"),
        "Description": details.get("Description"),
        "ProductId": details["ProductId"],
        "SellerAccountId": seller,
        "ResaleAuthorizationId": details.get("ResaleAuthorizationId"),
        "ReleaseDate": details.get("ReleaseDate"),
        "AvailabilityEndDate": (rule(details, "AvailabilityRule") or {}).get("AvailabilityEndDate"),
        "Terms": details.get("Terms", []),
        "TargetAgreementId": target,
    }
    return {key: value for key, value in view.items() if value is not None}


def accept(
    connection: sqlite3.Connection,
    buyer: str,
    offer_id: str,
    purchase_order: str | None,
    now: float,
) -> dict[str, Any]:
    """Accept an offer as ``buyer``: a new ACTIVE agreement (DescribeAgreement's shape)."""
    offer = load_offer(connection, offer_id)
    details = offer.details if offer else {}
    if offer is None or buyer not in _targeted(details):
        raise ResourceNotFoundException(f"Offer {offer_id} is not available to account {buyer}")
    if details.get("State") != "Released":
        raise ResourceNotFoundException(
            f"Offer {offer_id} is not available to account {buyer}: it has not been released"
        )
    if is_expired(details, utc_date(now)):
        raise ValidationException(
            f"Offer {offer_id} expired on {end_date(details)} and can no longer be accepted"
        )
    if purchase_order is not None and not 1 <= len(purchase_order) <= 64:
        raise ValidationException("A purchase order number must be 1 to 64 characters")
    replaced = _replaced_agreement(connection, offer, buyer, now)
    product = catalog_store.product(connection, details["ProductId"])
    start, end = _agreement_period(details, now)
    terms = details.get("Terms", [])
    agreement = store.NewAgreement(
        id=new_agreement_id(),
        offer_id=offer_id,
        proposer=offer.account,
        acceptor=buyer,
        product_id=details["ProductId"],
        product_type=product.product_type if product else "SaaSProduct",
        acceptance_time=now,
        start_time=start,
        end_time=end,
        purchase_order=purchase_order,
        terms=terms,
        renews=any(t.get("Type") == "RenewalTerm" for t in terms),
        initial_agreement_id=replaced.initial_agreement_id if replaced else None,
    )
    row = store.insert(connection, agreement)
    if replaced is not None:
        store.mark_replaced(connection, replaced.id, now)
    return _describe(row, now)


def _replaced_agreement(
    connection: sqlite3.Connection, offer: OfferRow, buyer: str, now: float
) -> store.AgreementRecord | None:
    """The ACTIVE agreement of ``buyer`` a replacement offer replaces (None for other offers).

    A replacement offer whose agreement has ended (replaced by another replacement offer, or
    expired) can no longer be accepted: a ValidationException, like an expired offer
    (unconfirmed)."""
    if offer.target_agreement_id is None:
        return None
    target = store.record(connection, offer.target_agreement_id)
    if target is None or target.acceptor != buyer:
        raise ResourceNotFoundException(f"Offer {offer.id} is not available to account {buyer}")
    status = target.status(now)
    if status != "ACTIVE":
        raise ValidationException(
            f"Offer {offer.id} replaces agreement {target.id}, which is {status}; it can no "
            "longer be accepted"
        )
    return target


def _targeted(details: Mapping[str, Any]) -> list[str]:
    positive = (rule(details, "TargetingRule") or {}).get("PositiveTargeting") or {}
    return list(positive.get("BuyerAccounts") or [])


def _agreement_period(details: Mapping[str, Any], now: float) -> tuple[float, float | None]:
    """(start, end) of an agreement accepted at ``now`` from the offer's ValidityTerm."""
    validity: Mapping[str, Any] = next(
        (t for t in details.get("Terms", []) if t.get("Type") == "ValidityTerm"), {}
    )
    start = now
    if validity.get("AgreementStartDate"):
        start = day_start(date.fromisoformat(validity["AgreementStartDate"][:10]))
    if validity.get("AgreementEndDate"):
        return start, day_start(date.fromisoformat(validity["AgreementEndDate"][:10]))
    duration = validity.get("AgreementDuration")
    if not duration:
        return start, None
    years, months, days = _duration_parts(duration)
    first = utc_date(start)
    return start, start + day_start(add_duration(first, years, months, days)) - day_start(first)


def _duration_parts(duration: str) -> tuple[int, int, int]:
    parts = {"Y": 0, "M": 0, "D": 0}
    number = ""
    for char in duration[1:]:
        if char.isdigit():
            number += char
        else:
            parts[char] = int(number)
            number = ""
    return parts["Y"], parts["M"], parts["D"]


# --- the Agreement API -------------------------------------------------------------------------


def _status(row: sqlite3.Row, now: float) -> str:
    return store.AgreementRecord.from_row(row).status(now)


def _end(row: sqlite3.Row) -> float | None:
    """The end time: when a replacement replaced it, else the end of its validity."""
    replaced: float | None = row["replaced_time"]
    return replaced if replaced is not None else row["end_time"]


def _updated(row: sqlite3.Row, now: float) -> float:
    end = _end(row)
    ended = end is not None and end <= now
    return float(end) if ended and end is not None else float(row["acceptance_time"])


def _view(row: sqlite3.Row, now: float) -> dict[str, Any]:
    view: dict[str, Any] = {
        "agreementId": row["id"],
        "acceptanceTime": row["acceptance_time"],
        "startTime": row["start_time"],
        "endTime": _end(row),
        "lastUpdateTime": _updated(row, now),
        "agreementType": AGREEMENT_TYPE,
        "acceptor": {"accountId": row["acceptor"]},
        "proposer": {"accountId": row["proposer"]},
        "proposalSummary": {
            "offerId": row["offer_id"],
            "resources": [{"id": row["product_id"], "type": row["product_type"]}],
        },
        "status": _status(row, now),
        "initialAgreementId": row["initial_agreement_id"] or row["id"],
    }
    return {key: value for key, value in view.items() if value is not None}


def _describe(row: sqlite3.Row, now: float) -> dict[str, Any]:
    view = _view(row, now)
    view.pop("lastUpdateTime")
    charges = _estimated_charges(json.loads(row["terms"]))
    if charges is not None:
        view["estimatedCharges"] = charges
    return view


def _estimated_charges(terms: list[Document]) -> dict[str, str] | None:
    by_type = {term.get("Type"): term for term in terms}
    fixed = by_type.get("FixedUpfrontPricingTerm")
    schedule = by_type.get("PaymentScheduleTerm")
    if schedule is not None:
        total = sum((Decimal(item["ChargeAmount"]) for item in schedule["Schedule"]), Decimal(0))
        return {"currencyCode": schedule["CurrencyCode"], "agreementValue": str(total)}
    if fixed is not None:
        return {"currencyCode": fixed["CurrencyCode"], "agreementValue": fixed["Price"]}
    return None


def _visible(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any]
) -> sqlite3.Row:
    agreement_id = checks.required_string(request, "agreementId", max_length=64)
    row = store.get(connection, agreement_id)
    if row is None or account not in (row["proposer"], row["acceptor"]):
        raise ResourceNotFoundException(f"Agreement {agreement_id} was not found")
    return row


def describe_agreement(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], now: float
) -> dict[str, Any]:
    return _describe(_visible(connection, account, request), now)


def get_agreement_terms(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], now: float
) -> dict[str, Any]:
    row = _visible(connection, account, request)
    limit = checks.integer(request, "maxResults", 1, 50, 50)
    terms = [_accepted_term(row["offer_id"], term) for term in json.loads(row["terms"])]
    fingerprint = pagination.fingerprint({"agreement": row["id"]})
    start = 0
    if request.get("nextToken"):
        start = int(pagination.decode(request["nextToken"], fingerprint, "nextToken")[0])
    result: dict[str, Any] = {"acceptedTerms": terms[start : start + limit]}
    if start + limit < len(terms):
        result["nextToken"] = pagination.encode(fingerprint, [start + limit])
    return result


def _accepted_term(offer_id: str, term: Mapping[str, Any]) -> dict[str, Any]:
    """An offer term as an ``AcceptedTerm`` union member: camelCase, dates as epoch seconds."""
    kind = str(term["Type"])
    body = _camel(term)
    body["id"] = "term-" + hashlib.sha256(f"{offer_id}/{kind}".encode()).hexdigest()[:24]
    if kind == "RenewalTerm":
        body["configuration"] = {"enableAutoRenew": True}
    return {kind[0].lower() + kind[1:]: body}


def _camel(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {name[0].lower() + name[1:]: _camel(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_camel(item) for item in value]
    if key in _DATED_TERMS and isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    return value


def search_agreements(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], now: float
) -> dict[str, Any]:
    if request.get("catalog") is not None and request["catalog"] != CATALOG:
        raise ValidationException(f"catalog must be {CATALOG}, got {request['catalog']!r}")
    filters = _filters(request)
    party = filters.pop("PartyType")
    _check_combination(party, set(filters))
    sort_key, descending = _search_sort(request, party)
    limit = checks.integer(request, "maxResults", 1, 50, 50)
    rows = store.of_party(connection, "proposer" if party == "Proposer" else "acceptor", account)
    views = [view for view in (_view(r, now) for r in rows) if _matches(view, filters)]
    keyed = sorted(
        ((_sort_value(view, sort_key), seq, view) for seq, view in enumerate(views)),
        key=lambda item: (item[0], item[1]),
        reverse=descending,
    )
    fingerprint = pagination.fingerprint(
        {"filters": request.get("filters"), "sort": sort_key, "desc": descending}
    )
    if request.get("nextToken"):
        after = pagination.decode(request["nextToken"], fingerprint, "nextToken")
        keyed = [k for k in keyed if _beyond((k[0], k[1]), (after[0], after[1]), descending)]
    page = keyed[:limit]
    result: dict[str, Any] = {"agreementViewSummaries": [view for _, _, view in page]}
    if len(keyed) > limit:
        result["nextToken"] = pagination.encode(fingerprint, [page[-1][0], page[-1][1]])
    return result


def _beyond(item: tuple[float, int], after: tuple[float, int], descending: bool) -> bool:
    return item < after if descending else item > after


def _filters(request: Mapping[str, Any]) -> dict[str, str]:
    raw = request.get("filters")
    if not isinstance(raw, list) or not 1 <= len(raw) <= 10:
        raise ValidationException(
            "filters must list 1 to 10 filters, including PartyType and AgreementType"
        )
    found: dict[str, str] = {}
    for entry in raw:
        name = entry.get("name") if isinstance(entry, dict) else None
        values = entry.get("values") if isinstance(entry, dict) else None
        known = name == "PartyType" or name in _VALUE_FILTERS or name in _TIME_FILTERS
        if not known:
            raise ValidationException(
                f"Filter {name!r} is not supported by SearchAgreements in the offerops emulator"
            )
        if not isinstance(values, list) or len(values) != 1 or not isinstance(values[0], str):
            raise ValidationException(f"Filter {name} takes exactly one value")
        if name in found:
            raise ValidationException(f"Filter {name} is given more than once")
        found[str(name)] = values[0]
    if found.get("PartyType") not in ("Proposer", "Acceptor"):
        raise ValidationException("filters need PartyType with value Proposer or Acceptor")
    if "AgreementType" not in found:
        raise ValidationException("filters need AgreementType (e.g. PurchaseAgreement)")
    return found


def _check_combination(party: str, names: set[str]) -> None:
    """The documented filter combinations; a proposer may combine any filters."""
    if party == "Proposer":
        return
    rest = names - {"AgreementType", "Status", "BeforeEndTime", "AfterEndTime"}
    allowed = frozenset(rest) in _ACCEPTOR_BASES and not (
        "Status" in names and "ResourceType" in names
    )
    if not allowed:
        raise ValidationException(
            f"The filter combination {', '.join(sorted(names | {'PartyType'}))} is not supported "
            "when PartyType is Acceptor"
        )


def _search_sort(request: Mapping[str, Any], party: str) -> tuple[str, bool]:
    sort = request.get("sort") or {}
    by = sort.get("sortBy", "EndTime")
    allowed = ("EndTime", "StartTime", "LastUpdateTime") if party == "Proposer" else ("EndTime",)
    if by not in allowed:
        raise ValidationException(
            f"sortBy {by!r} is not supported for PartyType {party}; use {', '.join(allowed)}"
        )
    order = checks.one_of(
        sort.get("sortOrder", "ASCENDING"), "sort.sortOrder", ("ASCENDING", "DESCENDING")
    )
    return str(by), order == "DESCENDING"


_SORT_FIELDS: Mapping[str, Callable[[Mapping[str, Any]], float]] = {
    "EndTime": lambda view: float(view.get("endTime", 1e18)),
    "StartTime": lambda view: float(view["startTime"]),
    "LastUpdateTime": lambda view: float(view["lastUpdateTime"]),
}


def _sort_value(view: Mapping[str, Any], key: str) -> float:
    return _SORT_FIELDS[key](view)


def _matches(view: Mapping[str, Any], filters: Mapping[str, str]) -> bool:
    flat = {
        "agreementType": view["agreementType"],
        "resourceId": view["proposalSummary"]["resources"][0]["id"],
        "resourceType": view["proposalSummary"]["resources"][0]["type"],
        "acceptor": view["acceptor"]["accountId"],
        "offerId": view["proposalSummary"]["offerId"],
        "offerSetId": view["proposalSummary"].get("offerSetId"),
        "status": view["status"],
        "initialAgreementId": view["initialAgreementId"],
    }
    times = {
        "end": view.get("endTime"),
        "start": view["startTime"],
        "updated": view["lastUpdateTime"],
    }
    for name, value in filters.items():
        if name in _VALUE_FILTERS and flat[_VALUE_FILTERS[name]] != value:
            return False
        if name in _TIME_FILTERS:
            field, op = _TIME_FILTERS[name]
            instant, bound = times[field], _parse_time(name, value)
            if instant is None or (instant > bound if op == "<=" else instant < bound):
                return False
    return True


def _parse_time(name: str, value: str) -> float:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationException(
            f"Filter {name} takes an ISO 8601 timestamp, got {value!r}"
        ) from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
