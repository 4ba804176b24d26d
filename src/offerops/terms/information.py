"""``UpdateInformation``: the offer's Name, Description and PreExistingAgreement (renewal).

Shape (AWS Marketplace Catalog API reference, "Work with private offers" -> UpdateInformation):
``{"Name": str, "Description": str, "PreExistingAgreement": {"AcquisitionChannel":
"AwsMarketplace" | "External", "PricingModel": "Contract" | "Usage" | ...}}``. DescribeEntity
returns the three at the top level of the offer's DetailsDocument.

YAML: ``spec.name``, ``spec.description``, ``spec.renewal`` (``existing-marketplace-customer``
-> ``AwsMarketplace``, ``moving-to-marketplace`` -> ``External``; the PricingModel is the offer's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from offerops.terms.document import (
    DetailsDocument,
    EntityDetails,
    ShapeError,
    YamlPath,
    mapping,
    only_keys,
    optional_text,
    text,
)
from offerops.terms.values import PRICING_MODELS, Fields, PricingModel, put

CHANGE_TYPE: Final = "UpdateInformation"
AREA: Final = "name, description or renewal"
YAML_PATH: Final[YamlPath] = ("spec",)

AcquisitionChannel: TypeAlias = Literal["AwsMarketplace", "External"]
ACQUISITION_CHANNELS: Final[tuple[AcquisitionChannel, ...]] = ("AwsMarketplace", "External")
Renewal: TypeAlias = Literal["none", "existing-marketplace-customer", "moving-to-marketplace"]

RENEWAL_CHANNELS: Final[dict[Renewal, AcquisitionChannel]] = {
    "existing-marketplace-customer": "AwsMarketplace",
    "moving-to-marketplace": "External",
}
"""``spec.renewal`` -> the AcquisitionChannel of the agreement it renews."""


@dataclass(frozen=True)
class PreExistingAgreement:
    """The agreement this offer renews: where it was bought and under which pricing model."""

    acquisition_channel: AcquisitionChannel
    pricing_model: PricingModel


@dataclass(frozen=True)
class Information:
    """What the buyer reads: name, description, and the agreement being renewed (if any).

    An empty description is no description (as the offer format says): it is kept as None, so
    ``""`` in a file, a Description ``""`` on the marketplace and no description at all are one
    value, which a reviewer cannot tell apart either.
    """

    name: str | None
    description: str | None = None
    pre_existing_agreement: PreExistingAgreement | None = None

    def __post_init__(self) -> None:
        if self.description == "":
            object.__setattr__(self, "description", None)


def agreement_for(renewal: Renewal, pricing_model: PricingModel) -> PreExistingAgreement | None:
    """``spec.renewal`` as a PreExistingAgreement; None for ``none``."""
    if renewal == "none":
        return None
    return PreExistingAgreement(RENEWAL_CHANNELS[renewal], pricing_model)


def renewal_of(agreement: PreExistingAgreement | None) -> Renewal:
    """The inverse of :func:`agreement_for` (the pricing model is the offer's own)."""
    if agreement is None:
        return "none"
    if agreement.acquisition_channel == "AwsMarketplace":
        return "existing-marketplace-customer"
    return "moving-to-marketplace"


def to_details(value: Information) -> DetailsDocument:
    """The UpdateInformation document; absent fields are left out (never sent as null)."""
    document: DetailsDocument = {}
    if value.name is not None:
        document["Name"] = value.name
    if value.description is not None:
        document["Description"] = value.description
    agreement = value.pre_existing_agreement
    if agreement is not None:
        document["PreExistingAgreement"] = {
            "AcquisitionChannel": agreement.acquisition_channel,
            "PricingModel": agreement.pricing_model,
        }
    return document


def from_entity(details: EntityDetails) -> Information | None:
    """Name, Description and PreExistingAgreement of an offer; None when it has none of them."""
    name = optional_text(details.get("Name"), "Name")
    description = optional_text(details.get("Description"), "Description")
    raw = details.get("PreExistingAgreement")
    agreement = None if not raw else _agreement(raw)
    information = Information(name, description, agreement)
    return None if information == Information(None) else information


def _agreement(raw: object) -> PreExistingAgreement:
    where = "PreExistingAgreement"
    document = mapping(raw, where)
    only_keys(document, frozenset({"AcquisitionChannel", "PricingModel"}), where)
    channel = text(document.get("AcquisitionChannel"), f"{where}.AcquisitionChannel")
    model = text(document.get("PricingModel"), f"{where}.PricingModel")
    return PreExistingAgreement(_channel(channel, where), pricing_model_of(model, where))


def _channel(value: str, where: str) -> AcquisitionChannel:
    for channel in ACQUISITION_CHANNELS:
        if value == channel:
            return channel
    raise ShapeError(f"{where}.AcquisitionChannel: unknown value {value!r}")


def pricing_model_of(value: str, where: str) -> PricingModel:
    """A PricingModel string checked against the four the API knows."""
    for model in PRICING_MODELS:
        if value == model:
            return model
    raise ShapeError(f"{where}.PricingModel: unknown value {value!r}")


def fields(value: Information) -> Fields:
    """``name``, ``description``, ``renewal`` (``AwsMarketplace Contract``)."""
    result: Fields = {}
    put(result, "name", value.name)
    put(result, "description", value.description)
    agreement = value.pre_existing_agreement
    if agreement is not None:
        result["renewal"] = f"{agreement.acquisition_channel} {agreement.pricing_model}"
    return result


def field_path(label: str) -> YamlPath:
    """Where a label of :func:`fields` comes from in the offer file."""
    return {"name": ("spec", "name"), "description": ("spec", "description")}.get(
        label, ("spec", "renewal")
    )
