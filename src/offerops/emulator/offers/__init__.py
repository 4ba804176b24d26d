"""Offer change types: deep validation and application, as pure functions on DetailsDocuments.

This is the asynchronous half of a change set (the synchronous half is in
:mod:`offerops.emulator.changesets`): each change is checked against the offer as the earlier
changes of the same set left it, and every problem becomes an ``ErrorDetail`` on that change.
Nothing here touches the database.

One module per change type (``create``, ``information``, ``targeting``, ``availability``,
``pricing``, ``validity``, ``payment_schedule``, ``legal``, ``support``, ``renewal``, ``markup``,
``release``), the cross-term rules in ``consistency``, and ``dispatch`` routing an update to its
module. The limits they enforce are in :mod:`offerops.emulator.limits`. Rules that the real service
documents only partly follow docs/emulator.md.
"""

from __future__ import annotations

from offerops.emulator.offers.base import (
    CHANGE_TYPES,
    CREATE_TYPES,
    ENTITLED,
    METERED,
    NOT_EMULATED,
    Catalog,
    ChangeResult,
    Context,
    Document,
    ErrorDetail,
)
from offerops.emulator.offers.consistency import consistency
from offerops.emulator.offers.create import create
from offerops.emulator.offers.dispatch import update
from offerops.emulator.offers.document import (
    buyer_accounts,
    end_date,
    is_expired,
    rule,
    targeting_kinds,
)
from offerops.emulator.offers.release import release_problems

__all__ = [
    "CHANGE_TYPES",
    "CREATE_TYPES",
    "ENTITLED",
    "METERED",
    "NOT_EMULATED",
    "Catalog",
    "ChangeResult",
    "Context",
    "Document",
    "ErrorDetail",
    "buyer_accounts",
    "consistency",
    "create",
    "end_date",
    "is_expired",
    "release_problems",
    "rule",
    "targeting_kinds",
    "update",
]
