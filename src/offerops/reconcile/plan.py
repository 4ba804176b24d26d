"""Make a plan: lint (errors stop it), desired state, actual state, diff.

A plan records what it was computed against (each desired offer's content hash and each actual
offer's ``id@revision``), so ``apply PLAN_FILE`` can refuse a plan whose base has moved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from offerops.errors import OfferopsError
from offerops.lint.runner import LintReport
from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.desired import DesiredOffer, desired_offer
from offerops.reconcile.diff import ACTIONS, Action, AddedDimensions, FieldChange, OfferPlan, diff
from offerops.reconcile.review import reviewed
from offerops.reconcile.targets import Agreements
from offerops.reconcile.view_json import review_from_json, review_json
from offerops.terms.document import (
    JsonValue,
    array,
    canonical_json,
    integer,
    json_value,
    mapping,
    optional_text,
    text,
)

PLAN_FORMAT = "offerops-plan/v1"


class StalePlanError(OfferopsError):
    """The saved plan was made against a state that has changed since."""


@dataclass(frozen=True)
class PlanWarning:
    """Something apply may fail on that is not a change of the offer itself: offerops.yaml
    disagrees with the marketplace about a product an offer uses (``offerops.products.check``).
    Shown in every format; it never changes the exit status or the plan's base."""

    offer: str
    message: str
    product: str | None = None
    dimension: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {
            "offer": self.offer,
            "product": self.product,
            "dimension": self.dimension,
            "message": self.message,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> PlanWarning:
        return cls(
            offer=text(data["offer"], "warnings[].offer"),
            message=text(data["message"], "warnings[].message"),
            product=optional_text(data.get("product"), "warnings[].product"),
            dimension=optional_text(data.get("dimension"), "warnings[].dimension"),
        )


@dataclass
class Plan:
    """The planned actions plus what they were computed against."""

    entries: list[OfferPlan]
    today: date
    backend: str
    base: dict[str, dict[str, str]]
    created_at: str = field(
        default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    api_calls: dict[str, int] = field(default_factory=dict)
    warnings: list[PlanWarning] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(ACTIONS, 0)
        for entry in self.entries:
            counts[entry.action] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        return any(entry.changes_anything for entry in self.entries)

    @property
    def refused(self) -> list[str]:
        """Keys whose change apply will refuse (replace-needed): the plan cannot be merged as is.

        A plan with only these has nothing apply can do, but it is not "no changes": git says
        something the marketplace will not take, and the reviewer must see that.
        """
        return [str(e.key or e.offer_id) for e in self.entries if e.action == "replace-needed"]

    @property
    def base_hash(self) -> str:
        return hashlib.sha256(canonical_json(self.base).encode()).hexdigest()

    def to_json(self) -> dict[str, object]:
        """The documented, stable JSON form (docs/plan-format.md); ``warnings`` only when there
        are some, so plans without any read exactly as before."""
        data: dict[str, object] = {
            "format": PLAN_FORMAT,
            "createdAt": self.created_at,
            "today": self.today.isoformat(),
            "backend": self.backend,
            "summary": self.counts,
            "base": self.base,
            "baseHash": self.base_hash,
            "apiCalls": dict(sorted(self.api_calls.items())),
            "offers": [_entry_json(entry) for entry in self.entries],
        }
        if self.warnings:
            data["warnings"] = [warning.to_json() for warning in self.warnings]
        return data

    @classmethod
    def from_json(cls, data: object) -> Plan:
        """Read a saved plan; :class:`ValueError` (or ``KeyError``) where it is not one."""
        plan = mapping(data, "plan")
        if plan.get("format") != PLAN_FORMAT:
            raise OfferopsError(f"not an offerops plan (format {plan.get('format')!r})")
        offers = array(plan["offers"], "offers")
        return cls(
            entries=[_entry_from_json(mapping(item, "offers[]")) for item in offers],
            today=date.fromisoformat(text(plan["today"], "today")),
            backend=text(plan["backend"], "backend"),
            base={
                side: _strings(hashes, f"base.{side}")
                for side, hashes in mapping(plan["base"], "base").items()
            },
            created_at=text(plan["createdAt"], "createdAt"),
            api_calls={
                name: integer(count, "apiCalls")
                for name, count in mapping(plan.get("apiCalls") or {}, "apiCalls").items()
            },
            warnings=[
                PlanWarning.from_json(mapping(item, "warnings[]"))
                for item in array(plan.get("warnings") or [], "warnings")
            ],
        )


def _entry_json(entry: OfferPlan) -> dict[str, object]:
    """One offer of the plan JSON, its keys in the order earlier versions wrote them."""
    return {
        "action": entry.action,
        "key": entry.key,
        "relpath": entry.relpath,
        "name": entry.name,
        "changes": [
            {"field": change.field, "old": change.old, "new": change.new}
            for change in entry.changes
        ],
        "reason": entry.reason,
        "flags": list(entry.flags),
        "release": entry.release,
        "changeTypes": list(entry.change_types),
        "desiredHash": entry.desired_hash,
        "actualIdentifier": entry.actual_identifier,
        "expireOn": entry.expire_on,
        "offerId": entry.offer_id,
        **_lifecycle_json(entry),
    }


def _lifecycle_json(entry: OfferPlan) -> dict[str, object]:
    """``keepDraft``, ``replacesAgreement``, ``addDimensions`` and ``review``, only where set: a
    plan of offers without them reads as earlier versions wrote it."""
    extra: dict[str, object] = {}
    if entry.keep_draft:
        extra["keepDraft"] = True
    if entry.agreement_id is not None:
        extra["replacesAgreement"] = entry.agreement_id
    added = entry.add_dimensions
    if added is not None:
        extra["addDimensions"] = {
            "product": added.product,
            "productId": added.product_id,
            "entityType": added.entity_type,
            "dimensions": list(added.dimensions),
        }
    if entry.review is not None:
        extra["review"] = review_json(entry.review)
    return extra


def _added_dimensions(value: object) -> AddedDimensions | None:
    if value is None:
        return None
    data = mapping(value, "addDimensions")
    dimensions: list[dict[str, JsonValue]] = []
    for item in array(data["dimensions"], "addDimensions.dimensions"):
        document = json_value(item, "addDimensions.dimensions[]")
        if not isinstance(document, dict):
            raise ValueError("addDimensions.dimensions[] is not an object")
        dimensions.append(document)
    return AddedDimensions(
        product=text(data["product"], "addDimensions.product"),
        product_id=text(data["productId"], "addDimensions.productId"),
        entity_type=text(data["entityType"], "addDimensions.entityType"),
        dimensions=tuple(dimensions),
    )


def _entry_from_json(data: Mapping[str, object]) -> OfferPlan:
    return OfferPlan(
        action=_action(data["action"]),
        key=optional_text(data["key"], "key"),
        relpath=optional_text(data["relpath"], "relpath"),
        offer_id=optional_text(data["offerId"], "offerId"),
        name=text(data["name"], "name"),
        change_types=tuple(_texts(data["changeTypes"], "changeTypes")),
        changes=tuple(_change(mapping(item, "changes[]")) for item in array(data["changes"], "")),
        reason=text(data["reason"], "reason"),
        flags=tuple(_texts(data["flags"], "flags")),
        desired_hash=optional_text(data["desiredHash"], "desiredHash"),
        actual_identifier=optional_text(data["actualIdentifier"], "actualIdentifier"),
        expire_on=optional_text(data["expireOn"], "expireOn"),
        release=data.get("release") is True,
        keep_draft=data.get("keepDraft") is True,
        agreement_id=optional_text(data.get("replacesAgreement"), "replacesAgreement"),
        add_dimensions=_added_dimensions(data.get("addDimensions")),
        review=review_from_json(data.get("review")),
    )


def _action(value: object) -> Action:
    for action in ACTIONS:
        if value == action:
            return action
    raise ValueError(f"unknown action {value!r}")


def _change(data: Mapping[str, object]) -> FieldChange:
    field_name = text(data["field"], "changes[].field")
    return FieldChange(
        field_name,
        optional_text(data["old"], f"{field_name}.old"),
        optional_text(data["new"], f"{field_name}.new"),
    )


def _texts(value: object, where: str) -> list[str]:
    return [text(item, where) for item in array(value, where)]


def _strings(value: object, where: str) -> dict[str, str]:
    return {name: text(item, where) for name, item in mapping(value, where).items()}


def desired_state(report: LintReport, *, require_clean: bool = True) -> list[DesiredOffer]:
    """Desired offers from a lint run without errors (or, for commands that only read the
    marketplace, every offer file that loaded)."""
    if report.repo is None or (require_clean and report.has_errors):
        raise OfferopsError(
            "lint found errors; plan needs a clean lint", hint="run `offerops lint` and fix them"
        )
    repo = report.repo
    return [
        desired_offer(loaded.offer, loaded.relpath, repo.config, repo.root)
        for loaded in report.offers
        if loaded.offer is not None
    ]


def make_plan(
    desired: list[DesiredOffer],
    actual: list[ActualOffer],
    today: date,
    backend: str,
    prune: bool = False,
    agreements: Agreements | None = None,
) -> Plan:
    """Diff and record the base."""
    base = {
        "desired": {offer.key: offer.content_hash for offer in desired},
        "actual": {offer.offer_id: offer.identifier for offer in actual},
    }
    entries = diff(desired, actual, today, prune, agreements)
    return Plan(reviewed(entries, desired, actual), today, backend, base)


def check_not_stale(saved: Plan, current: Plan) -> None:
    """Refuse a saved plan when git or the marketplace moved since it was made."""
    if saved.backend != current.backend:
        raise StalePlanError(
            f"the plan was made for {saved.backend}, not {current.backend}",
            hint="run `offerops plan` again against this backend",
        )
    moved = _moved(saved.base, current.base)
    if moved:
        raise StalePlanError(
            "the plan is stale: " + "; ".join(moved[:5]) + ("; ..." if len(moved) > 5 else ""),
            hint="run `offerops plan` again, review it, and apply the new plan",
        )


def _moved(saved: dict[str, dict[str, str]], current: dict[str, dict[str, str]]) -> list[str]:
    moved = []
    for side, label in (("desired", "offer file"), ("actual", "marketplace offer")):
        before, now = saved.get(side, {}), current.get(side, {})
        for name in sorted(set(before) | set(now)):
            if before.get(name) != now.get(name):
                change = (
                    "added" if name not in before else "removed" if name not in now else "changed"
                )
                moved.append(f"{label} {name} {change}")
    return moved


def save_plan(plan: Plan, path: Path) -> None:
    from offerops.fileio import atomic_write_text

    atomic_write_text(path, json.dumps(plan.to_json(), indent=2, ensure_ascii=False) + "\n")


def load_plan(path: Path) -> Plan:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise OfferopsError(f"cannot read plan {path}: {error}") from None
    try:
        return Plan.from_json(data)
    except (KeyError, TypeError, ValueError) as error:
        raise OfferopsError(f"{path} is not a valid offerops plan ({error})") from None
