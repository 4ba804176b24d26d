"""OFR106: a ``lifecycle: draft`` offer may leave out buyers, expiresOn, pricing and legal (the
console's "Save and exit"; AWS's CreateDraftPrivateOffer sample); a released one may not, and
countries do not stand in for buyers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from support import CONTRACT_OFFER, Case, OfferRepo, run_case

C = CONTRACT_OFFER
BARE = """\
apiVersion: offerops/v1
kind: PrivateOffer
key: acme-2027
spec:
  name: Test Private Offer
  product: analytics-saas
  lifecycle: draft
"""
"""A draft with a product and a name: what CreateDraftPrivateOffer makes. Lines: spec 4,
lifecycle 7."""
PARTS = {
    "expiresOn": "  expiresOn: 2027-03-31\n",
    "buyers": '  buyers:\n    - "123456789012"\n    - globex-uk\n',
    "pricing": C[C.index("  pricing:\n") : C.index("  legal:\n")],
    "legal": "  legal:\n    terms: standard-eula\n",
}
COUNTRIES = "  countries: [US, ES, FR, AU]\n"
for _part in PARTS.values():
    assert _part in C


def _without(*parts: str, text: str = C) -> str:
    for part in parts:
        text = text.replace(PARTS[part], "")
    return text


CASES = [
    # a released offer (lifecycle: active, or the default) needs every part, at spec
    Case("OFR106", BARE.replace("lifecycle: draft", "lifecycle: active"), [(4, 1, "OFR106")]),
    Case("OFR106", BARE.replace("  lifecycle: draft\n", ""), [(4, 1, "OFR106")], name="default"),
    Case("OFR106", _without("buyers"), [(4, 1, "OFR106")], name="buyers"),
    Case("OFR106", _without("pricing", "legal"), [(4, 1, "OFR106")], name="pricing-legal"),
    Case(
        "OFR106",
        _without("legal") + "  lifecycle: expired\n",
        [(4, 1, "OFR106")],
        name="expired",
    ),
    # a draft may leave out any of them; a complete offer passes
    Case("OFR106", BARE, []),
    Case("OFR106", _without("buyers", "expiresOn") + "  lifecycle: draft\n", [], name="priced"),
    Case("OFR106", _without("pricing", "legal") + "  lifecycle: draft\n", [], name="buyers"),
    Case("OFR106", C, [], name="complete"),
    # countries do not stand in for buyers on a released offer (ReleaseOffer needs BuyerAccounts)
    Case(
        "OFR106",
        _without("buyers").replace(PARTS["legal"], PARTS["legal"] + COUNTRIES),
        [(4, 1, "OFR106")],
        name="countries",
    ),
    Case("OFR106", C + COUNTRIES, [], name="buyers-and-countries"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_case(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.expect


def test_the_message_names_every_missing_part_and_the_fix(tmp_path: Path) -> None:
    repo = OfferRepo.create(tmp_path)
    repo.offer(BARE.replace("draft", "active"))
    (finding,) = repo.findings()
    assert finding.message == (
        "lifecycle: active needs buyers, expiresOn, pricing, legal, which this offer leaves "
        "out; add them, or set `lifecycle: draft` to keep the offer a draft (a draft may leave "
        "them out, as the seller console's Save and exit does)"
    )


def test_a_channel_partner_draft_may_be_bare(tmp_path: Path) -> None:
    """CreateDraftCppoOffer: the authorization, a name and a description."""
    repo = OfferRepo.create(tmp_path)
    repo.write(
        "offerops.yaml",
        repo.root.joinpath("offerops.yaml").read_text()
        + "  gateway:\n"
        + "    id: prod-7h6g5f4d3s2a1\n    type: saas\n"
        + '    manufacturerAccountId: "999988887777"\n'
        + "    dimensions:\n      - { key: gateways, name: Gateways, unit: Units }\n"
        + "resaleAuthorizations:\n  resaleauthz-1a2b3c4d5e6f7: { product: gateway }\n",
    )
    text = BARE.replace("analytics-saas", "gateway").replace(
        "  lifecycle: draft\n",
        "  description: Test product\n"
        "  channel: { resaleAuthorization: resaleauthz-1a2b3c4d5e6f7 }\n"
        "  lifecycle: draft\n",
    )
    repo.offer(text)
    assert repo.hits() == []


def test_a_renewal_needs_the_pricing_it_names(tmp_path: Path) -> None:
    """A PreExistingAgreement names the pricing model: without pricing it is not sent
    (OFR317, at the renewal)."""
    repo = OfferRepo.create(tmp_path)
    renewal = "  renewal: existing-marketplace-customer\n"
    repo.offer(BARE.replace("  lifecycle: draft\n", renewal + "  lifecycle: draft\n"))
    assert repo.hits() == [(7, 12, "OFR317")]


def test_rules_of_a_part_a_draft_leaves_out_stay_quiet(tmp_path: Path) -> None:
    """Every rule that reads buyers, expiresOn, pricing or legal skips a draft without them,
    also when today is after every date of the complete offer (OFR404 would fire)."""
    repo = OfferRepo.create(tmp_path)
    repo.offer(BARE)
    assert repo.findings() == []
    assert repo.hits(today=date(2031, 1, 1)) == []
