"""Make a plan: lint (errors stop it), desired state, actual state, diff.

A plan records what it was computed against (each desired offer's content hash and each actual
offer's ``id@revision``), so ``apply PLAN_FILE`` can refuse a plan whose base has moved.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from offerops.errors import OfferopsError
from offerops.lint.runner import LintReport
from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.canonical import fingerprint
from offerops.reconcile.desired import DesiredOffer, desired_offer
from offerops.reconcile.diff import ACTIONS, FieldChange, OfferPlan, diff

PLAN_FORMAT = "offerops-plan/v1"


class StalePlanError(OfferopsError):
    """The saved plan was made against a state that has changed since."""


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
    def base_hash(self) -> str:
        return hashlib.sha256(fingerprint(self.base).encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        """The documented, stable JSON form (docs/plan-format.md)."""
        return {
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

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        if data.get("format") != PLAN_FORMAT:
            raise OfferopsError(f"not an offerops plan (format {data.get('format')!r})")
        entries = [_entry_from_json(item) for item in data["offers"]]
        return cls(
            entries=entries,
            today=date.fromisoformat(data["today"]),
            backend=str(data["backend"]),
            base=data["base"],
            created_at=str(data["createdAt"]),
            api_calls=dict(data.get("apiCalls", {})),
        )


def _entry_json(entry: OfferPlan) -> dict[str, Any]:
    data = asdict(entry)
    data["changeTypes"] = list(data.pop("change_types"))
    data["desiredHash"] = data.pop("desired_hash")
    data["actualIdentifier"] = data.pop("actual_identifier")
    data["expireOn"] = data.pop("expire_on")
    data["offerId"] = data.pop("offer_id")
    data["flags"] = list(entry.flags)
    data["changes"] = [asdict(change) for change in entry.changes]
    return data


def _entry_from_json(data: dict[str, Any]) -> OfferPlan:
    return OfferPlan(
        action=data["action"],
        key=data["key"],
        relpath=data["relpath"],
        offer_id=data["offerId"],
        name=data["name"],
        change_types=tuple(data["changeTypes"]),
        changes=tuple(FieldChange(**change) for change in data["changes"]),
        reason=data["reason"],
        flags=tuple(data["flags"]),
        desired_hash=data["desiredHash"],
        actual_identifier=data["actualIdentifier"],
        expire_on=data["expireOn"],
        release=bool(data.get("release", False)),
    )


def desired_state(report: LintReport) -> list[DesiredOffer]:
    """Desired offers from a lint run without errors."""
    if report.repo is None or report.has_errors:
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
) -> Plan:
    """Diff and record the base."""
    base = {
        "desired": {offer.key: offer.content_hash for offer in desired},
        "actual": {offer.offer_id: offer.identifier for offer in actual},
    }
    return Plan(diff(desired, actual, today, prune), today, backend, base)


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
