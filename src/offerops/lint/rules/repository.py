"""OFR7xx: the repository and offerops.yaml."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from offerops.lint.context import RepoContext
from offerops.lint.finding import Severity
from offerops.lint.rule import Problem, config_rule, declare


@config_rule("OFR701", "duplicate-buyer-account")
def duplicate_buyer_account(repo: RepoContext) -> Iterator[Problem]:
    """
    Two buyer aliases in offerops.yaml name the same account.

    An offer that lists both aliases would target one buyer twice, and reviewers could not tell
    which name is right. Keep one alias per account.

    Fails:

        buyers:
          acme: { account: "123456789012", name: Acme }
          acme-prod: { account: "123456789012", name: Acme Corp }

    Passes:

        buyers:
          acme-prod: { account: "123456789012", name: Acme Corp }
    """
    aliases: dict[str, list[str]] = defaultdict(list)
    for alias, buyer in repo.config.buyers.items():
        aliases[buyer.account].append(alias)
    for account, names in aliases.items():
        for alias in names[1:]:
            yield Problem(
                ("buyers", alias, "account"),
                f'account "{account}" is already registered as "{names[0]}"; keep one alias',
            )


declare(
    "OFR702",
    "invalid-rule-setting",
    Severity.ERROR,
    "config",
    """
    A ``lint.rules`` entry in offerops.yaml names an unknown rule or switches off an error.

    Warnings can be switched off (``severity: off``) or made errors, always with a ``reason``
    that reviewers read. Errors are what the marketplace itself rejects, so they cannot be
    switched off: the offer would only fail later, at apply time.

    Fails:

        lint:
          rules:
            OFR301: { severity: off, reason: "we know" }

    Passes:

        lint:
          rules:
            buyer-not-registered: { severity: off, reason: "EMEA status is checked in our CRM" }
    """,
)


@config_rule("OFR703", "currency-without-usd", Severity.WARNING)
def currency_without_usd(repo: RepoContext) -> Iterator[Problem]:
    """
    ``seller.currencies`` does not list USD.

    USD is always enabled on AWS Marketplace; leaving it out of the list does not disable it, so
    the list would not say what the seller can actually sell in.

    Fails:

        seller:
          currencies: [EUR]

    Passes:

        seller:
          currencies: [USD, EUR]
    """
    if "USD" not in repo.config.seller.currencies:
        yield Problem(
            ("seller", "currencies"), "USD is always enabled; add it to seller.currencies"
        )
