"""Round-trip properties of plan, apply and import on the embedded emulator (issue 11, item 3).

Shared by ``tests/reconcile/test_round_trip_properties.py`` (a bounded number of examples on
every test run) and ``benchmarks/roundtrip.py`` (a long run):

- :func:`check_round_trip`: a generated lint-clean offer is applied (:func:`apply_offer`, which
  also checks that a plan right after apply is empty); ``import`` writes it back; the imported
  file lints clean (no finding the original did not have), equals the original after the
  normalisation docs/reconciler.md documents (:func:`normalised`), means the same terms, and
  plans as a no-op;
- :func:`check_single_changes`: on the applied offer, changing one field to another valid value
  gives a plan entry that is not a no-op and names the field: a changed label whose YAML path
  (``terms.field_path``) holds the field.

:func:`offer_specs` generates offers across every pricing model, payment form, legal form,
channel and date form of the format, lint-clean by construction as far as the rules allow; the
properties skip the rest. They take only offers for which ``terms.from_offer.unrepresentable``
is empty: a value the terms cannot carry (``quantity: 400`` beside a dimension without one) is
for lint to refuse (a later step), and would fail these properties by design.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import note
from hypothesis import strategies as st

from offerops.lint.finding import Severity
from offerops.lint.runner import LintReport, LintRequest, lint
from offerops.model.config import Config
from offerops.model.dates import add_months
from offerops.model.installments import PERIOD_MONTHS, schedule_of, term_window
from offerops.model.offer import OfferFile
from offerops.model.pricing import Installments
from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.apply import ApplyOptions
from offerops.reconcile.diff import OfferPlan
from offerops.reconcile.importer import import_offers, offers_to_import
from offerops.reconcile.plan import desired_state, make_plan
from offerops.reconcile.retry import RetryPolicy
from offerops.reconcile.session import Session, open_session
from offerops.terms import OfferTerms, field_path, fields
from offerops.terms.document import YamlPath
from offerops.terms.from_offer import unrepresentable
from offerops.terms.values import format_money

PROJECT = Path(__file__).resolve().parents[2]
TODAY = datetime.now(UTC).date()
"""The emulator runs on the wall clock (release refuses an expiry in its past): lint agrees."""
KEY = "generated-offer"
FAST = ApplyOptions(parallelism=1, poll_initial_seconds=0.001, poll_max_seconds=0.01)
Spec = dict[str, Any]
"""The ``spec`` of an offer file as data (dates as ``date``, money as strings)."""

CONTRACT_DIMENSIONS = ("users", "admins", "basic", "premium", "sso")
CUSTOM_DIMENSION = "      - { key: sso, name: SSO seats, unit: Seats, custom: true }\n"
"""A custom dimension of analytics-saas (``custom: true``): not on the marketplace product until
the first new offer that prices it adds it (AddDimensions), so generated offers cover that too."""
USAGE_DIMENSIONS = {
    "analytics-saas": ("USER", "GB_SCANNED"),
    "vision-ami": ("m5.large", "m5.xlarge"),
}
CHANNEL_PRODUCT = "secure-gateway"
"""The product sold through a channel partner (its manufacturer is another account). Lint does
not check yet that a channel offer's product has a manufacturer and a direct offer's has none;
the marketplace refuses both, so neither is generated."""
CHANNEL_DIMENSIONS = ("gateways",)
BUYERS = {
    "123456789012": "acme-prod",
    "123456789013": "acme-dev",
    "210987654321": "globex",
    "345678901234": "initech",
    "678901234567": None,
    "789012345678": None,
}
"""Buyer accounts and their aliases in offerops.yaml (None: not registered, always raw)."""
DOCUMENTS = ("legal/acme-msa.pdf", "legal/acme-order-form.txt", "legal/umbrella-eula.pdf")
PUBLISHED = (
    "https://s3.amazonaws.com/sample-bucket/custom-eula.pdf",
    "https://example.com/legal/eula-2027.pdf",
)
"""Contracts already published, referenced by ``legal.url``."""
TEXT = st.text(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -.,()&'/+:", max_size=60
).map(str.strip)


# --- generated offers -------------------------------------------------------------------------

ONE_IN_FOUR = st.sampled_from([False, False, False, True])
"""True about a quarter of the time (integers would lean on their bounds)."""
FIXED_PRICE_MAX = Decimal(100_000_000)
"""The Catalog API's largest Price; lint checks each dimension's price against it, not yet a
fixed upfront price (price x quantity), so offers above it are not generated."""
RENEWALS = ("none", "existing-marketplace-customer", "moving-to-marketplace")
LIFECYCLES = ("active", "active", "draft")
"""What an offer is created as (issue 13 item 8): released, or kept a draft. ``expired`` is
the mutation of a created offer (a file that starts expired is never created)."""
CURRENCIES = ("USD", "EUR")
PURCHASING = ("multiple-dimensions", "single-dimension")
QUANTITIES = ("buyer-chooses", "one")
EXPIRIES = st.dates(TODAY + timedelta(days=1), TODAY + timedelta(days=300))
AUTHORIZATIONS = st.sampled_from(("resaleauthz-1a2b3c4d5e6f7", "resaleauthz-9z8y7x6w5v4u3"))
"""The resale authorizations the example offerops.yaml declares (both for CHANNEL_PRODUCT): lint
refuses any other id (OFR210) and the emulator has no other."""
MARKUPS = st.decimals(0, 100, places=3).map(lambda d: format(d.normalize(), "f"))


def _years(count: int) -> date:
    return TODAY + timedelta(days=365 * count)


def money(places: int, low: int = 0, high: int = 100_000) -> st.SearchStrategy[str]:
    """Money as a quoted decimal, sometimes with trailing zeros or none (``"250"``)."""
    amounts = st.decimals(min_value=low, max_value=high, places=places)
    forms = st.sampled_from([lambda d: format(d, "f"), lambda d: format(d.normalize(), "f")])
    return st.tuples(amounts, forms).map(lambda pair: pair[1](pair[0]))


def _account(ref: str) -> str:
    return ref if ref.isdigit() else next(a for a, alias in BUYERS.items() if alias == ref)


def buyers(most: int) -> st.SearchStrategy[list[str]]:
    """1..``most`` accounts, each written as its alias or as the raw id."""
    accounts = st.lists(st.sampled_from(sorted(BUYERS)), min_size=1, max_size=most, unique=True)
    return accounts.flatmap(lambda chosen: st.tuples(*(_written(a) for a in chosen)).map(list))


def _written(account: str) -> st.SearchStrategy[str]:
    alias = BUYERS[account]
    return st.sampled_from([account, alias] if alias else [account])


def legal_terms() -> st.SearchStrategy[dict[str, Any]]:
    standard = st.sampled_from(["standard-eula", "scmp"]).map(lambda terms: {"terms": terms})
    documents = st.lists(st.sampled_from(DOCUMENTS), min_size=1, max_size=3, unique=True)
    custom = documents.map(lambda paths: {"terms": "custom", "documents": paths})
    published = st.sampled_from(PUBLISHED).map(lambda url: {"terms": "custom", "url": url})
    return standard | custom | published


def _dimension_pool(spec: Spec) -> tuple[str, ...]:
    if spec["product"] == CHANNEL_PRODUCT:
        return CHANNEL_DIMENSIONS
    return _pool(spec["product"], spec["pricing"]["model"])


@st.composite
def offer_specs(draw: st.DrawFn) -> Spec:
    """A lint-clean offer (as far as construction can tell): every model and form of the format."""
    kind = draw(st.sampled_from(["usage", "configurable", "fixed", "installments", "annual"]))
    channel = kind not in {"usage", "annual"} and draw(st.booleans())
    product = CHANNEL_PRODUCT if channel else draw(_products(kind))
    expires = draw(EXPIRIES)
    spec: Spec = {"name": draw(TEXT) or "x"}
    description = draw(st.none() | TEXT)
    if description is not None:
        spec["description"] = description
    spec["product"] = product
    if channel:
        spec["channel"] = {"resaleAuthorization": draw(AUTHORIZATIONS)}
        markup = draw(st.none() | MARKUPS)
        if markup is not None:
            spec["channel"]["markupPercentage"] = markup
    renewal = draw(st.sampled_from(RENEWALS))
    if renewal != "none" or draw(st.booleans()):
        spec["renewal"] = renewal
    spec["expiresOn"] = expires
    spec["buyers"] = draw(buyers(1 if channel else 3))
    pool = CHANNEL_DIMENSIONS if channel else _pool(product, kind)
    if kind in {"usage", "annual"}:
        spec["pricing"] = draw(_usage(pool, expires, annual=kind == "annual"))
    else:
        spec["pricing"] = draw(_contract(kind, pool, expires))
        if not channel and draw(st.booleans()):
            usage = _keys(USAGE_DIMENSIONS[product], 2)
            rated = [{"key": key, "price": draw(money(3, high=100))} for key in draw(usage)]
            spec["pricing"]["usageDimensions"] = rated
    spec["legal"] = draw(legal_terms())
    if draw(st.booleans()):
        spec["support"] = {"refundPolicy": draw(TEXT) or "No refunds."}
    lifecycle = draw(st.sampled_from(LIFECYCLES))
    if lifecycle != "active" or draw(st.booleans()):
        spec["lifecycle"] = lifecycle
    if lifecycle == "draft" and draw(st.booleans()):
        parts = LEFT_OUT if not channel else ("expiresOn",)
        _leave_out(spec, draw(st.lists(st.sampled_from(parts), min_size=1, unique=True)))
    return spec


LEFT_OUT = ("buyers", "expiresOn", "pricing", "legal")
"""What a generated draft may leave out (OFR106); a draft without buyers targets nobody and is
found by reconcile/fetch.py's second listing (``OFFER_LISTINGS``). A channel partner draft
leaves out only its expiry here: without pricing or legal it has its authorization's, which
import then writes (test_incomplete_drafts.py), so it would not import back as itself."""


def _leave_out(spec: Spec, parts: list[str]) -> None:
    """The draft as saved before these parts were written (a renewal needs the pricing)."""
    for part in parts:
        spec.pop(part, None)
    if "pricing" in parts:
        spec.pop("renewal", None)


def _products(kind: str) -> st.SearchStrategy[str]:
    if kind == "annual":
        return st.just("vision-ami")
    return st.sampled_from(sorted(USAGE_DIMENSIONS) if kind == "usage" else ["analytics-saas"])


def _pool(product: str, kind: str) -> tuple[str, ...]:
    return USAGE_DIMENSIONS[product] if kind in {"usage", "annual"} else CONTRACT_DIMENSIONS


def _keys(pool: tuple[str, ...], most: int) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(pool), min_size=1, max_size=min(most, len(pool)), unique=True)


USAGE_DAYS_MAX = 1095
"""The AMI product's usage agreements last at most 1,095 days (OFR409): generated within it."""


@st.composite
def _usage(draw: st.DrawFn, pool: tuple[str, ...], expires: date, *, annual: bool) -> Spec:
    """Hourly rates for months, days or up to a date; with ``annual`` annual prices too, paid
    upfront or in installments inside the usage term."""
    length = draw(st.sampled_from(["months", "days", "ends"]))
    if length == "months":
        term: Spec = {"durationMonths": draw(st.integers(1, 35))}
    elif length == "days":
        term = {"durationDays": draw(st.integers(max(1, (expires - TODAY).days), USAGE_DAYS_MAX))}
    else:
        last = TODAY + timedelta(days=USAGE_DAYS_MAX - 1)
        term = {"endsOn": draw(st.dates(expires + timedelta(days=1), last))}
    keys = draw(_keys(pool, 2))
    dimensions = [{"key": key, "price": draw(money(3, high=100))} for key in keys]
    currency = draw(st.sampled_from(CURRENCIES))
    pricing = {"model": "usage", "currency": currency, "usage": term, "dimensions": dimensions}
    if annual:
        pricing.update(draw(_annual(keys, term, expires)))
    return pricing


@st.composite
def _annual(draw: st.DrawFn, keys: list[str], term: Spec, expires: date) -> Spec:
    chosen = draw(st.lists(st.sampled_from(keys), min_size=1, unique=True))
    installments = draw(st.booleans())
    if installments:
        items = [{"key": key, "quantity": draw(st.integers(1, 20))} for key in chosen]
    else:
        items = [{"key": key, "price": draw(money(2))} for key in chosen]
    block: Spec = {"annual": {"durationDays": draw(st.integers(1, 730)), "dimensions": items}}
    window = term_window(
        None,
        term.get("durationMonths"),
        term.get("endsOn"),
        TODAY,
        expires,
        term.get("durationDays"),
    )
    if installments and (window is None or window.earliest_end < expires):
        block["annual"]["dimensions"] = [{"key": key, "price": "1.00"} for key in chosen]
        return block
    if installments:
        block["payment"] = "installments"
        block["installments"] = draw(_installments(term, expires))
    return block


@st.composite
def _contract(draw: st.DrawFn, kind: str, pool: tuple[str, ...], expires: date) -> Spec:
    contract = draw(_contract_term(expires, long=kind == "installments"))
    keys = draw(_keys(pool, 1 if kind == "fixed" else 4))
    if kind == "configurable":
        dimensions = [{"key": key, "price": draw(money(2))} for key in keys]
        purchasing = st.sampled_from(PURCHASING)
    elif kind == "fixed":
        quantity = draw(st.integers(1, 5000))
        price = draw(money(2, high=min(100_000, int(FIXED_PRICE_MAX) // quantity)))
        dimensions = [{"key": keys[0], "price": price, "quantity": quantity}]
        purchasing = st.just("multiple-dimensions")
    else:
        dimensions = [{"key": key, "quantity": draw(st.integers(1, 5000))} for key in keys]
        purchasing = st.just("multiple-dimensions")
    if draw(st.booleans()):
        contract["purchasing"] = draw(purchasing)
    if kind == "configurable" and draw(st.booleans()):
        contract["quantities"] = draw(st.sampled_from(QUANTITIES))
    pricing: Spec = {
        "model": "contract",
        "currency": draw(st.sampled_from(CURRENCIES)),
        "contract": contract,
        "dimensions": dimensions,
        "payment": "installments" if kind == "installments" else "upfront",
    }
    if kind == "installments":
        pricing["installments"] = draw(_installments(contract, expires))
    if kind in {"fixed", "installments"} and draw(ONE_IN_FOUR):
        pricing["fixedPrice"] = draw(_fixed_price())
    return pricing


def _fixed_price() -> st.SearchStrategy[Spec]:
    """A fixed price's own Duration (AWS's resale replacement samples: P6M, P12M)."""
    months = st.integers(1, 60).map(lambda count: {"durationMonths": count})
    return months | st.integers(1, 1095).map(lambda count: {"durationDays": count})


@st.composite
def _contract_term(draw: st.DrawFn, expires: date, *, long: bool) -> Spec:
    """``starts`` absent, on-acceptance or dated; ``durationMonths`` or ``endsOn``."""
    form = draw(st.sampled_from(["absent", "on-acceptance", "dated"]))
    term: Spec = {}
    start = expires
    if form == "dated":
        start = draw(st.dates(expires + timedelta(days=1), expires + timedelta(days=120)))
        term["starts"] = start
    elif form == "on-acceptance":
        term["starts"] = "on-acceptance"
    shortest = 12 if long else 1
    length = draw(st.sampled_from(["months", "days", "ends"]))
    if length == "months":
        term["durationMonths"] = draw(st.integers(shortest, 48))
    elif length == "days":
        term["durationDays"] = draw(st.integers(31 * shortest, 1460))
    else:
        first = start + timedelta(days=31 * shortest)
        term["endsOn"] = draw(st.dates(first, min(add_months(TODAY, 59), first + timedelta(900))))
    return term


@st.composite
def _installments(draw: st.DrawFn, contract: Spec, expires: date) -> Spec:
    """An explicit schedule or a generated plan, inside the contract and not before expiry."""
    starts = contract.get("starts")
    window = term_window(
        starts if isinstance(starts, date) else None,
        contract.get("durationMonths"),
        contract.get("endsOn"),
        TODAY,
        expires,
        contract.get("durationDays"),
    )
    assert window is not None
    first, last = max(window.earliest_start, expires), window.earliest_end
    if draw(st.booleans()):
        dates = draw(st.lists(st.dates(first, last), min_size=1, max_size=6, unique=True))
        schedule = [{"date": day, "amount": draw(money(2, low=1))} for day in dates]
        total = sum(Decimal(payment["amount"]) for payment in schedule)
        return {"total": format(total, "f"), "schedule": schedule}
    frequency = draw(st.sampled_from(list(PERIOD_MONTHS)))
    invoice = draw(st.dates(first, min(last, first + timedelta(days=60))))
    step = PERIOD_MONTHS[frequency]
    span = (last.year - invoice.year) * 12 + last.month - invoice.month - 1
    plan: Spec = {"frequency": frequency, "firstInvoice": invoice}
    initial = draw(st.none() | money(2, high=50))
    if initial is not None:
        plan["initial"] = initial
    plan["count"] = draw(st.integers(1, max(1, min(12, span // step))))
    return {"total": draw(money(2, low=100, high=1_000_000)), "plan": plan}


# --- a repository per example -----------------------------------------------------------------


def new_repo(root: Path) -> Path:
    """The example repository's config (descriptions optional here, and a custom dimension
    ``sso``) and legal/, no offers."""
    if root.exists():
        shutil.rmtree(root)
    (root / "offers").mkdir(parents=True)
    config = (PROJECT / "offerops.yaml").read_text().replace("requireDescription: true", "")
    premium = "      - { key: premium, name: Premium tier, unit: Units }\n"
    assert premium in config
    (root / "offerops.yaml").write_text(config.replace(premium, premium + CUSTOM_DIMENSION))
    shutil.copytree(PROJECT / "legal", root / "legal")
    return root


def write_offer(root: Path, spec: Spec) -> None:
    document = {"apiVersion": "offerops/v1", "kind": "PrivateOffer", "key": KEY, "spec": spec}
    (root / "offers" / f"{KEY}.yaml").write_text("\n".join(yaml_lines(document)) + "\n")


def yaml_lines(value: dict[str, Any], indent: str = "") -> list[str]:
    """Block YAML for the dictionaries generated here (strings double-quoted)."""
    lines = []
    for name, item in value.items():
        if isinstance(item, dict):
            lines += [f"{indent}{name}:", *yaml_lines(item, indent + "  ")]
        elif isinstance(item, list):
            lines.append(f"{indent}{name}:")
            for element in item:
                if isinstance(element, dict):
                    first, *rest = yaml_lines(element, indent + "    ")
                    lines += [f"{indent}  - {first.lstrip()}", *rest]
                else:
                    lines.append(f"{indent}  - {_scalar(element)}")
        else:
            lines.append(f"{indent}{name}: {_scalar(item)}")
    return lines


def _scalar(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def lint_repo(root: Path) -> LintReport:
    return lint(LintRequest(root=root, today=TODAY))


def errors_of(report: LintReport) -> list[str]:
    found = [f for f in report.findings if f.severity is Severity.ERROR]
    return [f"{f.file}:{f.line} {f.rule} {f.message}" for f in found]


def config_of(report: LintReport) -> Config:
    assert report.repo is not None
    return report.repo.config


def the_offer(report: LintReport) -> OfferFile:
    (offer,) = [loaded.offer for loaded in report.offers if loaded.offer is not None]
    return offer


def lint_clean(root: Path, spec: Spec) -> OfferFile | None:
    """The offer, written, if it lints without errors and loses nothing on the way."""
    write_offer(root, spec)
    report = lint_repo(root)
    if errors_of(report):
        note(f"not lint-clean: {errors_of(report)}")
        return None
    offer = the_offer(report)
    if unrepresentable(offer):
        note(f"unrepresentable: {unrepresentable(offer)}")
        return None
    return offer


def session_of(root: Path) -> Session:
    return open_session(root, TODAY, RetryPolicy(sleep=lambda _: None, seed=1))


@dataclass
class Applied:
    """A repository whose one offer was applied to a fresh embedded emulator."""

    root: Path
    spec: Spec
    actual: ActualOffer


def apply_offer(root: Path, spec: Spec) -> Applied:
    """Apply the offer (one create); a plan right after apply must be empty."""
    session = session_of(root)
    try:
        plan = session.plan()
        assert [entry.action for entry in plan.entries] == ["create"], plan.entries
        results = session.apply(plan, FAST)
        outcome = [(r.status, r.errors) for r in results]
        assert outcome == [("SUCCEEDED", [])], outcome
    finally:
        session.close()
    again = session_of(root)
    try:
        replan = again.plan()
        (actual,) = again.actual()
    finally:
        again.close()
    assert [(e.action, e.changes, e.reason) for e in replan.entries] == [("no-op", (), "")]
    return Applied(root, spec, actual)


# --- property 1: apply, import, compare --------------------------------------------------------


def check_round_trip(applied: Applied, original: OfferFile) -> None:
    """Import the applied offer back into an empty offers/ and compare it with the original."""
    root = applied.root
    before = lint_repo(root)
    (original_terms,) = (offer.terms for offer in desired_state(before))
    (root / "offers" / f"{KEY}.yaml").unlink()
    chosen = offers_to_import(desired_state(lint_repo(root)), [applied.actual], [])
    (result,) = import_offers(chosen, config_of(before), root, set())
    assert (result.error, result.path) == (None, f"offers/{KEY}.yaml")
    note((root / f"offers/{KEY}.yaml").read_text())
    after = lint_repo(root)
    assert errors_of(after) == []
    assert _rules(after) <= _rules(before), "import added lint findings"
    imported = the_offer(after)
    assert imported.id == applied.actual.offer_id
    assert normalised(imported, config_of(after)) == normalised(original, config_of(after))
    (wanted,) = desired_state(after)
    assert wanted.terms == original_terms
    plan = make_plan([wanted], [applied.actual], TODAY, "property")
    assert [(e.action, e.changes) for e in plan.entries] == [("no-op", ())]


def _rules(report: LintReport) -> set[str]:
    return {finding.rule for finding in report.findings}


def normalised(offer: OfferFile, config: Config) -> dict[str, Any]:
    """The offer as data, with what import normalises (docs/reconciler.md) made equal.

    Buyers are accounts (an alias and its raw id are one buyer), sorted; dimensions are sorted
    by key; money compares by value; ``starts: on-acceptance`` is the default anyway; a
    generated installment ``plan`` is the schedule it expands to; an empty description is
    none; ``id`` is what import adds.
    """
    data = offer.model_dump(mode="python", exclude={"id"})
    spec = data["spec"]
    spec["description"] = spec["description"] or None
    spec["buyers"] = sorted(
        ref if ref.isdigit() else config.buyers[ref].account for ref in offer.spec.buyers or []
    )
    pricing = spec["pricing"]
    paid = offer.spec.pricing
    if pricing is None or paid is None:
        return _by_value(data)
    pricing["dimensions"] = sorted(pricing["dimensions"], key=lambda d: d["key"])
    for name in ("usageDimensions",):
        if pricing.get(name):
            pricing[name] = sorted(pricing[name], key=lambda d: d["key"])
    if pricing.get("annual"):
        pricing["annual"]["dimensions"] = sorted(
            pricing["annual"]["dimensions"], key=lambda d: d["key"]
        )
    if paid.installments is not None:
        charges = sorted(schedule_of(paid.installments))
        total = sum((amount for _, amount in charges), Decimal(0))
        pricing["installments"] = {"schedule": charges, "total": total}
    return _by_value(data)


MONEY_FIELDS = frozenset({"price", "amount", "total", "initial", "markupPercentage"})


def _by_value(value: Any, name: str = "") -> Any:
    """Absent and null are one; money (a string in the model's dump) is compared by value."""
    if isinstance(value, dict):
        return {k: _by_value(v, k) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_by_value(item, name) for item in value]
    if name in MONEY_FIELDS or isinstance(value, Decimal):
        return format_money(Decimal(str(value)))
    return value


# --- property 2: no change is invisible --------------------------------------------------------

Mutation = Callable[[Spec, st.DrawFn], bool]
"""Change one field of the spec in place to another value; False where it has no other."""
LIFECYCLE: YamlPath = ("spec", "lifecycle")
IDENTITY: dict[YamlPath, str] = {
    ("spec", "product"): "product",
    ("spec", "channel", "resaleAuthorization"): "channel",
}
"""Fields that are not terms: a change is a replacement, and the reason names it."""


def check_single_changes(applied: Applied, draw: st.DrawFn, count: int) -> int:
    """Change ``count`` fields, one at a time; each lint-clean change must show by name.

    Returns how many changes were lint-clean (and so checked).
    """
    checked = 0
    for path, mutate in draw(st.lists(st.sampled_from(MUTATIONS), min_size=count, max_size=count)):
        spec = copy.deepcopy(applied.spec)
        if path[:2] == ("spec", "pricing") and "pricing" not in spec:
            continue  # a draft without pricing: nothing of it to change
        if not mutate(spec, draw) or lint_clean(applied.root, spec) is None:
            continue
        (desired,) = desired_state(lint_repo(applied.root))
        (entry,) = make_plan([desired], [applied.actual], TODAY, "property").entries
        note(f"{path}: {entry.action} {entry.changes} {entry.reason}")
        _assert_named(entry, path, desired.terms, applied.actual.terms)
        checked += 1
    write_offer(applied.root, applied.spec)
    return checked


def _assert_named(entry: OfferPlan, path: YamlPath, new: OfferTerms, old: OfferTerms) -> None:
    if path == LIFECYCLE:
        assert entry.action == "expire" or (entry.action, entry.release) == ("update", True)
        return
    assert entry.action != "no-op", f"changing {path} is invisible to the plan"
    if path in IDENTITY:
        assert entry.action == "replace-needed" and IDENTITY[path] in entry.reason
        return
    where = {
        c.field: field_path(new if c.field in fields(new) else old, c.field) for c in entry.changes
    }
    assert any(path[: len(at)] == at for at in where.values()), f"{path}: the plan names {where}"


# --- mutations: one field each --------------------------------------------------------------


def _another(draw: st.DrawFn, choices: tuple[str, ...], current: str) -> str:
    """One of the finite ``choices`` other than ``current``."""
    return draw(st.sampled_from([choice for choice in choices if choice != current]))


def _name(spec: Spec, draw: st.DrawFn) -> bool:
    current = spec["name"]
    spec["name"] = draw(TEXT) or "x"
    return bool(spec["name"] != current)


def _description(spec: Spec, draw: st.DrawFn) -> bool:
    """Another description; ``""`` and none are the same (the format says so)."""
    current = spec.pop("description", None) or None
    value = draw(st.none() | TEXT)
    if value is not None:
        spec["description"] = value
    return (value or None) != current


def _renewal(spec: Spec, draw: st.DrawFn) -> bool:
    spec["renewal"] = _another(draw, RENEWALS, spec.get("renewal", "none"))
    return True


def _expires(spec: Spec, draw: st.DrawFn) -> bool:
    """Another expiry; for a draft that leaves it out, one."""
    current = spec.get("expiresOn")
    spec["expiresOn"] = draw(EXPIRIES)
    return bool(spec["expiresOn"] != current)


def _buyers(spec: Spec, draw: st.DrawFn) -> bool:
    current = {_account(ref) for ref in spec.get("buyers", [])}  # a draft may have none
    spec["buyers"] = draw(buyers(1 if "channel" in spec else 3))
    return {_account(ref) for ref in spec["buyers"]} != current


def _markup(spec: Spec, draw: st.DrawFn) -> bool:
    if "channel" not in spec:
        return False
    current = spec["channel"].pop("markupPercentage", None)
    value = draw(st.none() | MARKUPS)
    if value is not None:
        spec["channel"]["markupPercentage"] = value
    if current is None or value is None:
        return bool(current != value)
    return Decimal(value) != Decimal(current)


def _resale_authorization(spec: Spec, draw: st.DrawFn) -> bool:
    if "channel" not in spec:
        return False
    current = spec["channel"]["resaleAuthorization"]
    spec["channel"]["resaleAuthorization"] = draw(AUTHORIZATIONS)
    return bool(spec["channel"]["resaleAuthorization"] != current)


def _product(spec: Spec, draw: st.DrawFn) -> bool:
    products = ("analytics-saas", "vision-ami", CHANNEL_PRODUCT)
    spec["product"] = _another(draw, products, spec["product"])
    return True


def _lifecycle(spec: Spec, _draw: st.DrawFn) -> bool:
    """A draft is released (``active``); a released offer is ended (``expired``)."""
    spec["lifecycle"] = "active" if spec.get("lifecycle") == "draft" else "expired"
    return True


def _currency(spec: Spec, draw: st.DrawFn) -> bool:
    pricing = spec["pricing"]
    pricing["currency"] = _another(draw, CURRENCIES, pricing["currency"])
    return True


LENGTHS = ("durationMonths", "durationDays", "endsOn")


def _term_length(spec: Spec, draw: st.DrawFn) -> bool:
    pricing = spec["pricing"]
    term = pricing.get("contract") or pricing["usage"]
    current = tuple(term.pop(name, None) for name in LENGTHS)
    months = st.tuples(st.integers(1, 60), st.none(), st.none())
    days = st.tuples(st.none(), st.integers(1, 1460), st.none())
    ends = st.tuples(
        st.none(), st.none(), st.dates(spec.get("expiresOn", TODAY) + timedelta(days=1), _years(4))
    )
    chosen = draw(months | days | ends)
    for name, value in zip(LENGTHS, chosen, strict=True):
        if value is not None:
            term[name] = value
    return bool(chosen != current)


def _usage_rate(spec: Spec, draw: st.DrawFn) -> bool:
    """A contract's rate for a usage dimension (a contract with consumption)."""
    rated = spec["pricing"].get("usageDimensions")
    if not rated:
        return False
    dimension = draw(st.sampled_from(rated))
    current = Decimal(dimension["price"])
    dimension["price"] = draw(money(3, high=100))
    return Decimal(dimension["price"]) != current


def _annual_field(spec: Spec, draw: st.DrawFn) -> bool:
    """The annual term's length, or one annual price or quantity."""
    annual = spec["pricing"].get("annual")
    if annual is None:
        return False
    dimension = draw(st.sampled_from(annual["dimensions"]))
    field = draw(st.sampled_from(["durationDays", "price" if "price" in dimension else "quantity"]))
    if field == "durationDays":
        current = annual["durationDays"]
        annual["durationDays"] = draw(st.integers(1, 730))
        return bool(annual["durationDays"] != current)
    if field == "price":
        before = Decimal(dimension["price"])
        dimension["price"] = draw(money(2))
        return Decimal(dimension["price"]) != before
    quantity = dimension["quantity"]
    dimension["quantity"] = draw(st.integers(1, 20))
    return bool(dimension["quantity"] != quantity)


def _fixed_price_duration(spec: Spec, draw: st.DrawFn) -> bool:
    """Another duration of a fixed price's own, or none where there was one (and the other way
    round); only a fixed price has one (a quantity on every dimension)."""
    pricing = spec["pricing"]
    if pricing["model"] != "contract" or any("quantity" not in d for d in pricing["dimensions"]):
        return False
    current = pricing.pop("fixedPrice", None)
    value = draw(st.none() | _fixed_price())
    if value is not None:
        pricing["fixedPrice"] = value
    return bool(value != current)


def _support(spec: Spec, draw: st.DrawFn) -> bool:
    """Another refund policy, or none where there was one (and the other way round)."""
    current = spec.pop("support", None)
    value = draw(st.none() | TEXT.filter(bool))
    if value is not None:
        spec["support"] = {"refundPolicy": value}
    return spec.get("support") != current


def _starts(spec: Spec, draw: st.DrawFn) -> bool:
    contract = spec["pricing"].get("contract")
    if contract is None:
        return False
    current = contract.get("starts", "on-acceptance")
    expires = spec.get("expiresOn", TODAY)
    dated = st.dates(expires + timedelta(days=1), expires + timedelta(days=90))
    contract["starts"] = draw(st.just("on-acceptance") | dated)
    return bool(contract["starts"] != current)


def _purchasing(spec: Spec, draw: st.DrawFn) -> bool:
    contract = spec["pricing"].get("contract")
    if contract is None:
        return False
    current = contract.get("purchasing", "multiple-dimensions")
    contract["purchasing"] = _another(draw, PURCHASING, current)
    return True


def _quantities(spec: Spec, draw: st.DrawFn) -> bool:
    contract = spec["pricing"].get("contract")
    if contract is None:
        return False
    current = contract.get("quantities", "buyer-chooses")
    contract["quantities"] = _another(draw, QUANTITIES, current)
    return True


def _dimension(spec: Spec, draw: st.DrawFn, field: str) -> dict[str, Any] | None:
    dimensions = [d for d in spec["pricing"]["dimensions"] if field in d]
    return draw(st.sampled_from(dimensions)) if dimensions else None


def _price(spec: Spec, draw: st.DrawFn) -> bool:
    dimension = _dimension(spec, draw, "price")
    if dimension is None:
        return False
    places = 3 if spec["pricing"]["model"] == "usage" else 2
    current = Decimal(dimension["price"])
    dimension["price"] = draw(money(places))
    return Decimal(dimension["price"]) != current


def _quantity(spec: Spec, draw: st.DrawFn) -> bool:
    dimension = _dimension(spec, draw, "quantity")
    if dimension is None:
        return False
    current = dimension["quantity"]
    dimension["quantity"] = draw(st.integers(1, 5000))
    return bool(dimension["quantity"] != current)


def _dimension_key(spec: Spec, draw: st.DrawFn) -> bool:
    dimension = _dimension(spec, draw, "key")
    assert dimension is not None
    used = {d["key"] for d in spec["pricing"]["dimensions"]}
    unused = [key for key in _dimension_pool(spec) if key not in used]
    if not unused:
        return False
    dimension["key"] = draw(st.sampled_from(unused))
    return True


def _installment(spec: Spec, draw: st.DrawFn) -> bool:
    """One payment of an explicit schedule moves or changes (the total follows)."""
    installments = spec["pricing"].get("installments")
    if installments is None or "schedule" not in installments:
        return False
    payment = draw(st.sampled_from(installments["schedule"]))
    current = (payment["date"], Decimal(payment["amount"]))
    if draw(st.booleans()):
        payment["amount"] = draw(money(2, low=1))
        total = sum(Decimal(p["amount"]) for p in installments["schedule"])
        installments["total"] = format(total, "f")
    else:
        payment["date"] = draw(st.dates(TODAY, _years(4)))
    return (payment["date"], Decimal(payment["amount"])) != current


def _plan(spec: Spec, draw: st.DrawFn) -> bool:
    """One field of a generated plan (or its total) changes what the plan expands to.

    A change that expands to the same payments (``frequency`` of a one-payment plan) is the
    same value written differently: the property has nothing to check then.
    """
    installments = spec["pricing"].get("installments")
    if installments is None or "plan" not in installments:
        return False
    before = _payments(installments)
    plan = installments["plan"]
    field = draw(st.sampled_from(["total", "count", "frequency", "firstInvoice", "initial"]))
    if field == "total":
        installments["total"] = draw(money(2, low=100))
    elif field == "count":
        plan["count"] = draw(st.integers(1, 12))
    elif field == "frequency":
        plan["frequency"] = _another(draw, tuple(PERIOD_MONTHS), plan["frequency"])
    elif field == "firstInvoice":
        plan["firstInvoice"] = draw(st.dates(TODAY, _years(3)))
    else:
        plan["initial"] = draw(money(2, high=50))
    return _payments(installments) != before


def _payments(installments: Spec) -> list[tuple[date, Decimal]] | None:
    """What an installments block charges (None where the model refuses it: lint says why)."""
    try:
        return sorted(schedule_of(Installments.model_validate(installments)))
    except ValueError:
        return None


def _legal_terms(spec: Spec, draw: st.DrawFn) -> bool:
    """Other legal terms; for a draft that leaves them out, some."""
    current = spec.get("legal")
    spec["legal"] = draw(legal_terms())
    return bool(spec["legal"] != current)


MUTATIONS: list[tuple[YamlPath, Mutation]] = [
    (("spec", "name"), _name),
    (("spec", "description"), _description),
    (("spec", "renewal"), _renewal),
    (("spec", "expiresOn"), _expires),
    (("spec", "buyers"), _buyers),
    (("spec", "channel", "markupPercentage"), _markup),
    (("spec", "channel", "resaleAuthorization"), _resale_authorization),
    (("spec", "product"), _product),
    (LIFECYCLE, _lifecycle),
    (("spec", "pricing", "currency"), _currency),
    (("spec", "pricing", "term"), _term_length),
    (("spec", "pricing", "contract", "starts"), _starts),
    (("spec", "pricing", "contract", "purchasing"), _purchasing),
    (("spec", "pricing", "contract", "quantities"), _quantities),
    (("spec", "pricing", "dimensions", "price"), _price),
    (("spec", "pricing", "dimensions", "quantity"), _quantity),
    (("spec", "pricing", "dimensions", "key"), _dimension_key),
    (("spec", "pricing", "installments", "schedule"), _installment),
    (("spec", "pricing", "installments", "plan"), _plan),
    (("spec", "legal"), _legal_terms),
    (("spec", "pricing", "usageDimensions", "price"), _usage_rate),
    (("spec", "pricing", "annual"), _annual_field),
    (("spec", "pricing", "fixedPrice"), _fixed_price_duration),
    (("spec", "support"), _support),
]
"""Every field of the format, by the path a plan must name (``term``: the contract or usage
block's length)."""
