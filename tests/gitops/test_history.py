"""History rules OFR220-OFR222: an offer compared with its version at the base revision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gitops.conftest import GitOffers
from offerops.lint.finding import Finding, Severity
from offerops.lint.runner import LintRequest, lint
from support import CONFIG, CONTRACT_OFFER, INSTALLMENT_OFFER, PDF_BYTES, TODAY

ACME = "offers/acme-2027.yaml"


HISTORY_IDS = frozenset({"OFR220", "OFR221", "OFR222"})


def history(
    gitrepo: GitOffers, released: Callable[[str], bool] | set[str] | None = None
) -> list[Finding]:
    """Lint like ``lint --changed-since base`` and return only the history findings."""
    from offerops.gitops.changed import changed_since
    from offerops.gitops.history import base_revision

    changes = changed_since(gitrepo.root, "base")
    with base_revision(gitrepo.root, changes, released) as base:
        report = lint(LintRequest(gitrepo.root, TODAY, only=changes.to_lint, base=base))
    return [finding for finding in report.findings if finding.rule in HISTORY_IDS]


def hits(findings: list[Finding]) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, f.rule, str(f.severity)) for f in findings]


def test_unchanged_or_reformatted_offer_passes(gitrepo: GitOffers) -> None:
    reformatted = (
        CONTRACT_OFFER.replace('"25000.00"', '"25000.0"')
        .replace('    - "123456789012"\n    - globex-uk\n', "    - globex-uk\n    - acme-prod\n")
        .replace("# ", "")
    )
    gitrepo.offers.offer(reformatted)
    assert history(gitrepo, released={"acme-2027"}) == []


def test_expiry_name_and_description_may_change(gitrepo: GitOffers) -> None:
    gitrepo.offers.offer(
        CONTRACT_OFFER.replace("2027-03-31", "2027-02-28").replace("Three-year", "3-year")
    )
    assert history(gitrepo, released={"acme-2027"}) == []


def test_OFR220_key_changed_by_a_rename(gitrepo: GitOffers) -> None:
    gitrepo.move(ACME, "offers/acme-2028.yaml")
    gitrepo.offers.offer(CONTRACT_OFFER.replace("key: acme-2027", "key: acme-2028"), "acme-2028")
    findings = history(gitrepo)
    assert hits(findings) == [(3, 6, "OFR220", "warning")]
    assert findings[0].file == "offers/acme-2028.yaml"
    assert "offerops clone acme-2027 acme-2028" in findings[0].message


def test_OFR220_not_reported_when_the_old_key_was_never_released(gitrepo: GitOffers) -> None:
    gitrepo.move(ACME, "offers/acme-2028.yaml")
    gitrepo.offers.offer(CONTRACT_OFFER.replace("key: acme-2027", "key: acme-2028"), "acme-2028")
    assert history(gitrepo, released=set()) == []


def test_OFR220_can_be_switched_off_with_a_reason(gitrepo: GitOffers) -> None:
    off = 'lint:\n  rules:\n    key-changed: { severity: "off", reason: "renames are reviewed" }\n'
    gitrepo.offers.write("offerops.yaml", CONFIG + off)
    gitrepo.move(ACME, "offers/acme-2028.yaml")
    gitrepo.offers.offer(CONTRACT_OFFER.replace("key: acme-2027", "key: acme-2028"), "acme-2028")
    assert history(gitrepo) == []


def test_OFR221_product_changed(gitrepo: GitOffers) -> None:
    moved = CONTRACT_OFFER.replace("analytics-saas", "vision-ami").replace("users", "annual")
    gitrepo.offers.offer(moved.replace('      - key: admins\n        price: "500.00"\n', ""))
    findings = history(gitrepo, released=set())  # even a draft cannot move product
    assert hits(findings) == [(7, 12, "OFR221", "error")]
    assert "acme-2027-v2" in findings[0].message


def test_OFR221_product_alias_renamed_is_not_a_change(gitrepo: GitOffers) -> None:
    gitrepo.offers.write("offerops.yaml", CONFIG.replace("analytics-saas:", "analytics:"))
    gitrepo.offers.offer(CONTRACT_OFFER.replace("product: analytics-saas", "product: analytics"))
    assert history(gitrepo, released={"acme-2027"}) == []


def test_OFR221_channel_changed(gitrepo: GitOffers) -> None:
    cppo = CONTRACT_OFFER.replace(
        "  renewal: none\n",
        "  renewal: none\n  channel:\n    resaleAuthorization: resaleauthz-1a2b3c4d5e6f7\n",
    ).replace('    - "123456789012"\n', "")
    gitrepo.offers.offer(cppo)
    findings = history(gitrepo)
    assert [(f.line, f.rule) for f in findings] == [(9, "OFR221")]
    assert 'from a direct offer to "resaleauthz-1a2b3c4d5e6f7"' in findings[0].message


def test_OFR222_pricing_changed_is_a_warning_when_release_is_unknown(gitrepo: GitOffers) -> None:
    gitrepo.offers.offer(CONTRACT_OFFER.replace('"25000.00"', '"24000.00"'))
    findings = history(gitrepo)
    assert hits(findings) == [(13, 3, "OFR222", "warning")]
    assert findings[0].message.startswith("pricing changed since base; if the offer")


def test_OFR222_pricing_changed_on_a_released_offer_is_an_error(gitrepo: GitOffers) -> None:
    gitrepo.offers.offer(CONTRACT_OFFER.replace('"25000.00"', '"24000.00"'))
    assert hits(history(gitrepo, released=lambda key: key == "acme-2027")) == [
        (13, 3, "OFR222", "error")
    ]


def test_OFR222_not_reported_for_a_draft(gitrepo: GitOffers) -> None:
    gitrepo.offers.offer(CONTRACT_OFFER.replace('"25000.00"', '"24000.00"'))
    assert history(gitrepo, released={"some-other-offer"}) == []


def test_OFR222_buyers_and_duration_point_at_their_own_lines(gitrepo: GitOffers) -> None:
    changed = CONTRACT_OFFER.replace("    - globex-uk\n", "    - initech-br\n").replace(
        "durationMonths: 36", "durationMonths: 24"
    )
    gitrepo.offers.offer(changed)
    findings = history(gitrepo, released={"acme-2027"})
    assert [(f.line, f.rule) for f in findings] == [(10, "OFR222"), (13, "OFR222")]
    assert findings[0].message.startswith("buyers changed")
    assert findings[1].message.startswith("pricing and contract duration or dates changed")


def test_OFR222_legal_document_content_changed(gitrepo: GitOffers) -> None:
    gitrepo.offers.offer(INSTALLMENT_OFFER.replace("key: acme-2027", "key: custom"), "custom")
    gitrepo.commit()
    gitrepo.git.git.tag("-f", "base")
    gitrepo.offers.write_bytes("legal/msa.pdf", PDF_BYTES.replace(b"Catalog", b"Catalog "))
    findings = history(gitrepo, released={"custom"})
    assert [(f.file, f.line, f.rule) for f in findings] == [("offers/custom.yaml", 24, "OFR222")]
    assert findings[0].message.startswith("legal terms changed")


def test_OFR222_skipped_when_the_offer_is_being_expired(gitrepo: GitOffers) -> None:
    expiring = CONTRACT_OFFER.replace('"25000.00"', '"1.00"') + "  lifecycle: expired\n"
    gitrepo.offers.offer(expiring)
    assert history(gitrepo, released={"acme-2027"}) == []


def test_new_offer_and_invalid_base_have_no_history(gitrepo: GitOffers) -> None:
    gitrepo.offers.offer(CONTRACT_OFFER.replace("key: acme-2027", "key: fresh"), "fresh")
    gitrepo.offers.offer("not: [an offer\n")
    gitrepo.commit()
    gitrepo.git.git.tag("-f", "base")
    gitrepo.offers.offer(CONTRACT_OFFER.replace('"25000.00"', '"1.00"'))
    assert history(gitrepo) == []


def test_rules_are_registered_and_documented() -> None:
    from offerops.lint.rule import all_rules, resolve_rule

    rules = [rule for rule in all_rules() if rule.id in HISTORY_IDS]
    ids: dict[str, Any] = {rule.id: rule.name for rule in rules}
    assert ids == {
        "OFR220": "key-changed",
        "OFR221": "product-or-channel-changed",
        "OFR222": "released-terms-changed",
    }
    for rule in rules:
        assert resolve_rule(rule.name) is rule
        assert "Fails" in rule.doc and "Passes" in rule.doc
        assert rule.scope == "repository" and rule.check is not None  # run by the runner
    assert [rule.severity for rule in rules] == [
        Severity.WARNING,
        Severity.ERROR,
        Severity.ERROR,
    ]


def _custom_offer_committed(gitrepo: GitOffers) -> str:
    """An offer with a custom legal document (ending in a newline, as most files do) at base."""
    gitrepo.offers.offer(INSTALLMENT_OFFER.replace("key: acme-2027", "key: custom"), "custom")
    gitrepo.commit()
    gitrepo.git.git.tag("-f", "base")
    return INSTALLMENT_OFFER.replace("key: acme-2027", "key: custom")


def test_base_documents_are_read_byte_exact(gitrepo: GitOffers) -> None:
    """GitPython's ``git show`` drops a trailing newline; the base must be the committed bytes."""
    from offerops.gitops.gitrepo import open_view

    assert PDF_BYTES.endswith(b"\n")
    with open_view(gitrepo.root, "base") as view:
        assert view.read_at_base("legal/msa.pdf") == PDF_BYTES
        assert view.read_at_base("legal/missing.pdf") is None
        assert view.read_at_base("legal") is None  # a directory is not a file


def test_renaming_an_offer_with_custom_documents_fires_no_history_rule(
    gitrepo: GitOffers,
) -> None:
    """Only the name changes: OFR222 must not claim the (unchanged) legal terms changed."""
    text = _custom_offer_committed(gitrepo)
    gitrepo.offers.offer(text.replace("name: ", "name: Renamed - ", 1), "custom")
    assert history(gitrepo, released={"custom"}) == []


def test_unrelated_edits_fire_no_history_rule(gitrepo: GitOffers) -> None:
    """Each history rule stays silent when only what a released offer may change changes:
    name, description, expiry, comments and formatting (OFR220 key, OFR221 product and
    channel, OFR222 released terms)."""
    edited = (
        CONTRACT_OFFER.replace("Acme Corp - Analytics", "Acme Corporation - Analytics")
        .replace("Three-year enterprise agreement.", "A three-year agreement.")
        .replace("expiresOn: 2027-03-31", "expiresOn: 2027-03-30  # one day earlier")
    )
    gitrepo.offers.offer(edited)
    gitrepo.offers.write("offers/unrelated.yaml", "# a new file that is not valid yet\n")
    assert history(gitrepo, released={"acme-2027"}) == []


def test_a_document_moved_with_its_content_is_not_a_legal_change(gitrepo: GitOffers) -> None:
    """Legal terms are compared by document content (what names the published URL)."""
    text = _custom_offer_committed(gitrepo)
    gitrepo.offers.write_bytes("legal/msa-2027.pdf", PDF_BYTES)
    gitrepo.offers.offer(text.replace("legal/msa.pdf", "legal/msa-2027.pdf"), "custom")
    assert history(gitrepo, released={"custom"}) == []


def test_OFR222_installments_and_legal_terms_point_at_their_own_lines(gitrepo: GitOffers) -> None:
    text = _custom_offer_committed(gitrepo)
    changed = text.replace(
        '"30000.00" }\n        - { date: 2027-07-15', '"30000.01" }\n        - { date: 2027-07-15'
    ).replace('total: "90000.00"', 'total: "90000.01"')
    changed = changed.replace(
        "    terms: custom\n    documents:\n      - legal/msa.pdf\n", "    terms: scmp\n"
    )
    gitrepo.offers.offer(changed, "custom")
    findings = history(gitrepo, released={"custom"})
    assert [(f.line, f.rule, f.message.split(" changed")[0]) for f in findings] == [
        (18, "OFR222", "installments"),
        (24, "OFR222", "legal terms"),
    ]
