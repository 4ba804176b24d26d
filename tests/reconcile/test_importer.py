"""``offerops import``: which offers, and what is written (or refused, by name)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from offerops.errors import OfferopsError, UsageError
from offerops.reconcile.actual import ActualOffer, actual_offer
from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.importer import check_request, import_offers, offers_to_import
from offerops.reconcile.plan import desired_state
from offerops.terms import change_documents
from support import CONTRACT_OFFER, INSTALLMENT_OFFER, OfferRepo
from terms.strategies import entity_with

WITH_ID = CONTRACT_OFFER.replace("key: acme-2027\n", "key: acme-2027\nid: offer-adopted000001\n")


def desired(repo: OfferRepo) -> list[DesiredOffer]:
    return desired_state(repo.lint())


def on_marketplace(offer: DesiredOffer, offer_id: str, key: str | None, **top: Any) -> ActualOffer:
    """The entity apply leaves for ``offer``, under ``offer_id`` (tagged ``key``)."""
    details = entity_with(change_documents(offer.terms))
    details.update({"Id": offer_id, "ProductId": offer.product_id, **top})
    return actual_offer({"EntityIdentifier": f"{offer_id}@1", "DetailsDocument": details}, key)


def test_all_means_every_offer_no_file_manages(repo: OfferRepo) -> None:
    repo.offer(WITH_ID)
    (wanted,) = desired(repo)
    adopted = on_marketplace(wanted, "offer-adopted000001", None)
    tagged = on_marketplace(wanted, "offer-tagged0000001", "acme-2027")
    stranger = on_marketplace(wanted, "offer-stranger00001", None)
    assert offers_to_import([wanted], [adopted, tagged, stranger], []) == [stranger]


def test_named_offers_must_exist_and_not_be_managed_yet(repo: OfferRepo) -> None:
    repo.offer(WITH_ID)
    (wanted,) = desired(repo)
    adopted = on_marketplace(wanted, "offer-adopted000001", None)
    other = on_marketplace(wanted, "offer-other00000001", None)
    assert offers_to_import([wanted], [adopted, other], ["offer-other00000001"]) == [other]
    with pytest.raises(OfferopsError, match="no such offer on the marketplace: offer-nope"):
        offers_to_import([wanted], [adopted, other], ["offer-other00000001", "offer-nope"])
    with pytest.raises(
        OfferopsError, match=r"already in git \(an offer file has its id\): offer-adopted000001"
    ):
        offers_to_import([wanted], [adopted, other], ["offer-adopted000001"])


@pytest.mark.parametrize(("ids", "every"), [((), False), (("offer-x",), True)])
def test_ids_or_all_exactly_one(ids: tuple[str, ...], every: bool) -> None:
    with pytest.raises(UsageError, match="not both"):
        check_request(ids, every)


def test_an_imported_offer_is_written_with_its_id_and_plans_as_itself(repo: OfferRepo) -> None:
    repo.offer(INSTALLMENT_OFFER)
    (wanted,) = desired(repo)
    actual = on_marketplace(wanted, "offer-abcdefghijklm", None, Name="Acme Corp - imported")
    (repo.root / "offers" / "acme-2027.yaml").unlink()
    config = repo.lint().repo.config  # type: ignore[union-attr]
    (result,) = import_offers([actual], config, repo.root, set())
    assert (result.key, result.path, result.error) == (
        "acme-corp-imported",
        "offers/acme-corp-imported.yaml",
        None,
    )
    text = (repo.root / "offers" / "acme-corp-imported.yaml").read_text()
    assert "id: offer-abcdefghijklm\n" in text
    assert "    documents:\n      - legal/msa.pdf\n" in text
    (again,) = desired(repo)
    assert wanted.terms.information is not None
    information = replace(wanted.terms.information, name="Acme Corp - imported")
    assert again.terms == replace(wanted.terms, information=information)


def test_what_cannot_be_written_is_refused_and_nothing_is_overwritten(repo: OfferRepo) -> None:
    repo.offer(CONTRACT_OFFER)
    (wanted,) = desired(repo)
    config = repo.lint().repo.config  # type: ignore[union-attr]
    existing = on_marketplace(wanted, "offer-existing00001", "acme-2027")
    details = entity_with(change_documents(wanted.terms))
    details["Terms"].append({"Type": "ValidityTerm", "AgreementDuration": "P1M"})
    unreadable = actual_offer({"DetailsDocument": details}, "broken")
    results = import_offers([existing, unreadable], config, repo.root, set())
    assert [r.error for r in results] == [
        "acme-2027.yaml already exists; not overwritten",
        "offerops cannot read the offer's terms: Terms: 2 terms of type ValidityTerm; "
        "expected at most one",
    ]
    assert not (repo.root / "offers" / "broken.yaml").exists()
    assert (repo.root / "offers" / "acme-2027.yaml").read_text() == CONTRACT_OFFER


def test_an_expired_offer_is_written_as_expired_and_lints_clean(repo: OfferRepo) -> None:
    """A released offer whose availability ended is imported with ``lifecycle: expired`` (AWS's
    ExpirePrivateOffer leaves such an offer): its past ``expiresOn`` is then no error (OFR404),
    and plan leaves it ended. A draft past its date stays a draft."""
    repo.offer(CONTRACT_OFFER)
    (wanted,) = desired(repo)
    released = on_marketplace(wanted, "offer-expired000001", None, State="Released")
    draft = on_marketplace(
        wanted, "offer-draft00000001", None, Name="Acme Corp - draft", State="Draft"
    )
    (repo.root / "offers" / "acme-2027.yaml").unlink()
    config = repo.lint().repo.config  # type: ignore[union-attr]
    assert released.expires_on is not None
    later = released.expires_on + timedelta(days=1)
    results = import_offers([released, draft], config, repo.root, set(), later)
    texts = [(repo.root / str(result.path)).read_text() for result in results]
    assert [text.splitlines()[-1] for text in texts] == [
        "  lifecycle: expired",
        "  lifecycle: draft",
    ]
    assert [f.rule for f in repo.findings(later) if f.rule == "OFR404"] == []
    (repo.root / str(results[0].path)).unlink()
    (on_time,) = import_offers([released], config, repo.root, set(), released.expires_on)
    assert "lifecycle" not in (repo.root / str(on_time.path)).read_text()
