"""The one client interface the reconciler uses, whatever the backend.

:class:`CatalogClient` is the subset of boto3's ``marketplace-catalog`` client the reconciler
needs, with boto3's exact signatures and response types (from ``mypy_boto3_marketplace_catalog``),
so a real boto3 client satisfies it structurally, and so does
:class:`~offerops.catalog.embedded.EmbeddedCatalogClient`. Responses are what boto3 returns: the
model's members only (absent or null members are left out), the Catalog API's timestamps stay
``DateTimeISO8601`` strings, plus ``ResponseMetadata``. Errors are
``botocore.exceptions.ClientError`` with ``response["Error"]["Code"]`` on every backend, so the
reconciler's retry logic (ThrottlingException, ResourceInUseException, InternalServiceException) is
written once.

:class:`AgreementClient` is the same for the Agreement API (camelCase members; its timestamps are
parsed into timezone-aware ``datetime`` objects, as boto3 does). No stubs for that service are
installed, so its methods take ``**kwargs: Any`` and return plain dicts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from mypy_boto3_marketplace_catalog.type_defs import (
        BatchDescribeEntitiesRequestTypeDef,
        BatchDescribeEntitiesResponseTypeDef,
        CancelChangeSetRequestTypeDef,
        CancelChangeSetResponseTypeDef,
        DescribeChangeSetRequestTypeDef,
        DescribeChangeSetResponseTypeDef,
        DescribeEntityRequestTypeDef,
        DescribeEntityResponseTypeDef,
        ListChangeSetsRequestTypeDef,
        ListChangeSetsResponseTypeDef,
        ListEntitiesRequestTypeDef,
        ListEntitiesResponseTypeDef,
        ListTagsForResourceRequestTypeDef,
        ListTagsForResourceResponseTypeDef,
        StartChangeSetRequestTypeDef,
        StartChangeSetResponseTypeDef,
        TagResourceRequestTypeDef,
        UntagResourceRequestTypeDef,
    )
    from typing_extensions import Unpack

CATALOG = "AWSMarketplace"
"""The only ``Catalog`` value the API accepts."""


class CatalogClient(Protocol):
    """The Catalog API operations the reconciler calls, exactly as boto3 spells them."""

    def start_change_set(
        self, **kwargs: Unpack[StartChangeSetRequestTypeDef]
    ) -> StartChangeSetResponseTypeDef: ...

    def describe_change_set(
        self, **kwargs: Unpack[DescribeChangeSetRequestTypeDef]
    ) -> DescribeChangeSetResponseTypeDef: ...

    def list_change_sets(
        self, **kwargs: Unpack[ListChangeSetsRequestTypeDef]
    ) -> ListChangeSetsResponseTypeDef: ...

    def cancel_change_set(
        self, **kwargs: Unpack[CancelChangeSetRequestTypeDef]
    ) -> CancelChangeSetResponseTypeDef: ...

    def describe_entity(
        self, **kwargs: Unpack[DescribeEntityRequestTypeDef]
    ) -> DescribeEntityResponseTypeDef: ...

    def batch_describe_entities(
        self, **kwargs: Unpack[BatchDescribeEntitiesRequestTypeDef]
    ) -> BatchDescribeEntitiesResponseTypeDef: ...

    def list_entities(
        self, **kwargs: Unpack[ListEntitiesRequestTypeDef]
    ) -> ListEntitiesResponseTypeDef: ...

    def tag_resource(self, **kwargs: Unpack[TagResourceRequestTypeDef]) -> dict[str, Any]: ...

    def untag_resource(self, **kwargs: Unpack[UntagResourceRequestTypeDef]) -> dict[str, Any]: ...

    def list_tags_for_resource(
        self, **kwargs: Unpack[ListTagsForResourceRequestTypeDef]
    ) -> ListTagsForResourceResponseTypeDef: ...

    def close(self) -> None:
        """Release connections (boto3) or the database handle (embedded)."""
        ...


class AgreementClient(Protocol):
    """The Agreement API operations offerops reads (``status``, buyers' acceptances)."""

    def search_agreements(self, **kwargs: Any) -> dict[str, Any]: ...

    def describe_agreement(self, **kwargs: Any) -> dict[str, Any]: ...

    def get_agreement_terms(self, **kwargs: Any) -> dict[str, Any]: ...

    def close(self) -> None:
        """Release connections (boto3) or the database handle (embedded)."""
        ...
