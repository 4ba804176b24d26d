"""The mapping of the example offers, pinned: change documents and reviewer fields per offer.

Each offer in offers/ covers a pricing form (per-unit upfront, fixed upfront through a channel
partner, explicit and generated installments, usage with a duration and with an end date) and a
legal form. Its change documents (what apply sends, in order) and its reviewer fields (what the
plan shows, in order) are compared with ``tests/terms/golden/<key>.json``; they were first
written when the typed mapping was proved equal to the dictionary code it replaced. After an
intended change: ``OFFEROPS_UPDATE_GOLDEN=1 .venv/bin/pytest tests/terms`` and review the diff.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offerops.model.config import Config
from offerops.reconcile.desired import document_hash, documents_url
from offerops.reconcile.importer import legal_documents
from offerops.terms import legal, offer
from offerops.terms.from_offer import SCMP_VERSION, STANDARD_EULA_VERSION, offer_terms
from offerops.terms.to_offer import OfferIdentity, offer_yaml
from terms.strategies import LEGAL_FILES, ROOT, entity_with, load_config, load_offer

GOLDEN = Path(__file__).parent / "golden"
OFFER_PATHS = sorted((ROOT / "offers").glob("*.yaml"))


@cache
def config() -> Config:
    return load_config()


def terms_of(path: Path) -> offer.OfferTerms:
    file = load_offer(path.read_text(), f"offers/{path.name}")
    return offer_terms(file, config(), documents_url(config(), ROOT))


@pytest.mark.parametrize("path", OFFER_PATHS, ids=lambda path: path.stem)
def test_example_offers_map_to_their_golden_documents(path: Path) -> None:
    terms = terms_of(path)
    mapped = {
        "changeDocuments": [list(pair) for pair in offer.change_documents(terms)],
        "fields": [list(pair) for pair in offer.fields(terms).items()],
    }
    text = json.dumps(mapped, indent=1, ensure_ascii=False) + "\n"
    golden = GOLDEN / f"{path.stem}.json"
    if os.environ.get("OFFEROPS_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", OFFER_PATHS, ids=lambda path: path.stem)
def test_example_offers_come_back_from_the_marketplace_and_import(path: Path) -> None:
    """Read back from an entity the same; imported, the file maps to the same terms."""
    terms = terms_of(path)
    read = offer.from_entity(entity_with(offer.change_documents(terms)))
    assert read == terms
    assert offer.differing(terms, read) == ()
    file = load_offer(path.read_text(), f"offers/{path.name}")
    product = config().products[file.spec.product].id
    channel = file.spec.channel.resaleAuthorization if file.spec.channel else None
    identity = OfferIdentity(file.key, "offer-abcdef123", product, channel)
    text = offer_yaml(read, identity, config(), legal_documents(ROOT))
    imported = offer_terms(load_offer(text), config(), documents_url(config(), ROOT))
    assert imported == terms


def test_the_standard_contracts_and_what_a_released_offer_accepts() -> None:
    assert (STANDARD_EULA_VERSION, SCMP_VERSION) == ("2019-12-12", "2022-07-14")
    assert frozenset({"UpdateAvailability", "UpdateInformation"}) == offer.MUTABLE_WHEN_RELEASED
    assert offer.ORDERED_CHANGE_TYPES[0] == "UpdateInformation"
    assert offer.ORDERED_CHANGE_TYPES[-1] == "UpdateAvailability"


@given(st.lists(st.sampled_from(LEGAL_FILES), min_size=1, max_size=3))
@settings(max_examples=10, deadline=None)
def test_custom_documents_are_named_by_content_and_found_again(paths: list[str]) -> None:
    url = documents_url(config(), ROOT)(paths)
    hashes = [document_hash(ROOT / path) for path in paths]
    assert url.startswith(config().backend.documentsBaseUrl.rstrip("/") + "/")
    assert url.endswith(".pdf" if any(p.endswith(".pdf") for p in paths) else ".txt")
    assert legal.document_hashes(url) == hashes
    assert legal_documents(ROOT)(url) == paths
    assert legal_documents(ROOT)(url.replace(hashes[0], "0" * 16)) is None
