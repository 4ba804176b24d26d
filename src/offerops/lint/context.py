"""What rules see: the repository (config, today, root) and each offer with its document."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from offerops.model.config import Buyer, Config, Product
from offerops.model.offer import Legal, OfferFile, OfferSpec
from offerops.model.pricing import ContractPricing, UsagePricing
from offerops.source.document import Document

if TYPE_CHECKING:
    from offerops.lint.revision import BaseRevision


@dataclass(frozen=True)
class RepoContext:
    """The repository being linted."""

    root: Path
    config: Config
    config_doc: Document
    config_relpath: str
    today: date
    all_offer_paths: tuple[str, ...] = ()
    """Repo-relative paths of every offer file, also those not linted in this run."""
    base: BaseRevision | None = field(default=None, compare=False, repr=False)
    """The revision changes are compared with (``--changed-since``): the history rules' input."""
    cache: dict[object, object] = field(default_factory=dict, compare=False, repr=False)
    """Per-run memo for rules that read the disk: a shared document is hashed once."""

    @cached_property
    def buyer_by_account(self) -> dict[str, Buyer]:
        """Registered buyers by account id (the registry is keyed by alias)."""
        return {buyer.account: buyer for buyer in self.config.buyers.values()}

    def resolve_buyer(self, ref: str) -> str | None:
        """The account id an offer's buyer entry means, or None for an unknown alias."""
        if ref.isdigit():
            return ref
        buyer = self.config.buyers.get(ref)
        return buyer.account if buyer else None


@dataclass(frozen=True)
class LoadedOffer:
    """An offer file after loading: its document, and its model when the structure is valid."""

    relpath: str
    path: Path
    document: Document | None
    offer: OfferFile | None
    key: str | None = None
    """The offer's key, kept also when the model is dropped (parallel lint without models)."""
    adopted_id: str | None = None
    """The offer's ``id:``; repository rules need it without the model."""

    @property
    def stem(self) -> str:
        return self.path.stem


class LeftOut(Exception):
    """A rule read a part the offer leaves out (a ``lifecycle: draft`` offer without buyers,
    expiresOn, pricing or legal): the rule has nothing to check, and the runner moves on.

    Raised by the accessors of :class:`OfferContext`, so each rule reads a part as present
    (typed without None) and none has to test for a draft; OFR106 is the one rule that
    reports a missing part, where the offer is released.
    """

    def __init__(self, part: str) -> None:
        super().__init__(f"spec.{part} is left out")
        self.part = part


@dataclass(frozen=True)
class OfferContext:
    """One structurally valid offer, with everything a semantic rule needs."""

    repo: RepoContext
    loaded: LoadedOffer
    offer: OfferFile
    document: Document
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def spec(self) -> OfferSpec:
        return self.offer.spec

    @property
    def pricing(self) -> UsagePricing | ContractPricing:
        """``spec.pricing``; :class:`LeftOut` when the offer has none."""
        if self.offer.spec.pricing is None:
            raise LeftOut("pricing")
        return self.offer.spec.pricing

    @property
    def buyers(self) -> list[str]:
        """``spec.buyers``; :class:`LeftOut` when the offer has none."""
        if self.offer.spec.buyers is None:
            raise LeftOut("buyers")
        return self.offer.spec.buyers

    @property
    def legal(self) -> Legal:
        """``spec.legal``; :class:`LeftOut` when the offer has none."""
        if self.offer.spec.legal is None:
            raise LeftOut("legal")
        return self.offer.spec.legal

    @property
    def expires_on(self) -> date:
        """``spec.expiresOn``; :class:`LeftOut` when the offer has none."""
        if self.offer.spec.expiresOn is None:
            raise LeftOut("expiresOn")
        return self.offer.spec.expiresOn

    @property
    def product(self) -> Product | None:
        """The offer's product from offerops.yaml, or None when the key is unknown."""
        return self.repo.config.products.get(self.offer.spec.product)

    @property
    def today(self) -> date:
        return self.repo.today
