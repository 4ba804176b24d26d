"""The one typed mapping between offers and the Marketplace Catalog API's offer terms.

One module per Update* change type (``information``, ``targeting``, ``availability``,
``pricing``, ``validity``, ``payment_schedule``, ``legal``, ``support``, ``renewal_term``,
``markup``): a frozen value type, ``CHANGE_TYPE``, ``to_details`` (the change's DetailsDocument),
``from_entity`` (read back from DescribeEntity), ``fields`` (reviewer labels) and
``field_path``/``YAML_PATH`` (where in the offer file they come from). ``offer`` puts them
together as :class:`OfferTerms`; ``from_offer`` maps an offer file onto them and ``to_offer``
writes one back. See docs/architecture.md.
"""

from offerops.terms.offer import (
    AREAS,
    MUTABLE_WHEN_RELEASED,
    ORDERED_CHANGE_TYPES,
    OfferTerms,
    change_documents,
    completed,
    details_for,
    differing,
    field_path,
    fields,
    from_entity,
)

__all__ = [
    "AREAS",
    "MUTABLE_WHEN_RELEASED",
    "ORDERED_CHANGE_TYPES",
    "OfferTerms",
    "change_documents",
    "completed",
    "details_for",
    "differing",
    "field_path",
    "fields",
    "from_entity",
]
