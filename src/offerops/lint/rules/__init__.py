"""The rule modules, one per category. Importing this package registers every rule.

The list is literal on purpose (yamllint's registry): a rule exists when it is listed here.
"""

from offerops.lint.rules import (
    buyers,
    channel,
    drafts,
    durations,
    history,
    identity,
    information,
    legal,
    lifecycle,
    pricing,
    repository,
    resale,
    structure,
    yaml_source,
)

__all__ = [
    "buyers",
    "channel",
    "drafts",
    "durations",
    "history",
    "identity",
    "information",
    "legal",
    "lifecycle",
    "pricing",
    "repository",
    "resale",
    "structure",
    "yaml_source",
]
