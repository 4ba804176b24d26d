"""Rules as data: one id, one name, one default severity, one docstring each.

The docstring is the rule's documentation (``docs/rules.md`` is generated from it): a summary
line, why the marketplace cares, and a failing and a passing example. Ids are never reused; the
hundreds digit is the category.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeVar

from offerops.lint.finding import Severity
from offerops.source.document import Anchor, DataPath

if TYPE_CHECKING:
    from offerops.lint.context import LoadedOffer, OfferContext, RepoContext

Scope = Literal["source", "structure", "offer", "repository", "config"]

CATEGORIES = {
    0: "YAML",
    1: "Structure",
    2: "Identity and references",
    3: "Pricing",
    4: "Durations and dates",
    5: "Buyers",
    6: "Legal documents",
    7: "Repository and configuration",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """What a check yields: a data path and a message; the runner adds position and rule."""

    path: DataPath
    message: str
    at: Anchor = "value"
    file: str | None = None
    """Repo-relative file, for repository and config rules that report outside the offer."""
    severity: Severity | None = None
    """This finding's severity when ``lint.rules`` sets none; None: the rule's default. Lets a
    rule report less than its default when it cannot be sure (OFR222 without the offer's
    state); a configured severity still wins, through the runner's one severity path."""


OfferCheck = Callable[["OfferContext"], Iterable[Problem]]
RepoCheck = Callable[["RepoContext", "list[LoadedOffer]"], Iterable[Problem]]
ConfigCheck = Callable[["RepoContext"], Iterable[Problem]]
AnyCheck = OfferCheck | RepoCheck | ConfigCheck
CheckT = TypeVar("CheckT", bound=Callable[..., Iterable[Problem]])


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule."""

    id: str
    name: str
    severity: Severity
    scope: Scope
    doc: str
    check: AnyCheck | None = None

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip()

    @property
    def category(self) -> str:
        return CATEGORIES[int(self.id[3])]


REGISTRY: dict[str, Rule] = {}
_BY_NAME: dict[str, str] = {}


def _register(rule: Rule) -> Rule:
    if rule.id in REGISTRY or rule.name in _BY_NAME:
        raise ValueError(f"rule {rule.id} {rule.name} is registered twice")
    if not rule.doc.strip():
        raise ValueError(f"rule {rule.id} has no docstring")
    REGISTRY[rule.id] = rule
    _BY_NAME[rule.name] = rule.id
    return rule


def declare(rule_id: str, name: str, severity: Severity, scope: Scope, doc: str) -> Rule:
    """Register a rule whose findings come from the loader or the model (no check function)."""
    return _register(Rule(rule_id, name, severity, scope, inspect.cleandoc(doc)))


def _decorator(
    rule_id: str, name: str, severity: Severity, scope: Scope
) -> Callable[[CheckT], CheckT]:
    def register(check: CheckT) -> CheckT:
        _register(Rule(rule_id, name, severity, scope, inspect.getdoc(check) or "", check))
        return check

    return register


def offer_rule(
    rule_id: str, name: str, severity: Severity = Severity.ERROR
) -> Callable[[CheckT], CheckT]:
    """Register a check that runs on each valid offer: ``check(ctx) -> Iterable[Problem]``."""
    return _decorator(rule_id, name, severity, "offer")


def repository_rule(
    rule_id: str, name: str, severity: Severity = Severity.ERROR
) -> Callable[[CheckT], CheckT]:
    """Register a check over all offers at once: ``check(repo, offers)``; problems name a file."""
    return _decorator(rule_id, name, severity, "repository")


def config_rule(
    rule_id: str, name: str, severity: Severity = Severity.ERROR
) -> Callable[[CheckT], CheckT]:
    """Register a check of offerops.yaml itself: ``check(repo)``."""
    return _decorator(rule_id, name, severity, "config")


def resolve_rule(id_or_name: str) -> Rule | None:
    """Find a rule by its id (``OFR301``) or its name (``unknown-dimension``)."""
    rule_id = id_or_name.upper() if id_or_name.upper() in REGISTRY else _BY_NAME.get(id_or_name)
    return REGISTRY.get(rule_id) if rule_id else None


def all_rules() -> list[Rule]:
    """Every rule, by id, with every rule module imported."""
    import offerops.lint.rules  # noqa: F401  (registers the rules)

    return [REGISTRY[rule_id] for rule_id in sorted(REGISTRY)]
