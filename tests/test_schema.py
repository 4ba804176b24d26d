"""The generated JSON Schemas: current, valid draft 2020-12, and accepting every example offer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, ValidationError
from ruamel.yaml import YAML

from offerops.schema import SCHEMAS, stale_schemas

PROJECT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((PROJECT / "offers").glob("*.yaml"))


def _schema(name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((PROJECT / "schemas" / name).read_text())
    return loaded


def _load_yaml(path: Path) -> object:
    """Load as plain JSON-like data (dates as strings), the way editors validate YAML."""
    data = YAML(typ="safe", pure=True).load(path.read_text())
    return json.loads(json.dumps(data, default=str))


def test_checked_in_schemas_are_current() -> None:
    assert stale_schemas(PROJECT / "schemas") == [], "run `offerops schema` and commit"


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda schema: schema.filename)
def test_schemas_are_valid_draft_2020_12(schema: object) -> None:
    document = _schema(schema.filename)  # type: ignore[attr-defined]
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(document)


def test_there_are_enough_examples() -> None:
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_offer_is_valid_against_the_schema(path: Path) -> None:
    validator = Draft202012Validator(
        _schema("offer.schema.json"), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    errors = [error.message for error in validator.iter_errors(_load_yaml(path))]
    assert errors == []


def test_example_config_is_valid_against_the_schema() -> None:
    validator = Draft202012Validator(_schema("config.schema.json"))
    assert [e.message for e in validator.iter_errors(_load_yaml(PROJECT / "offerops.yaml"))] == []


def test_examples_carry_the_schema_modeline() -> None:
    for path in EXAMPLES:
        first = path.read_text().splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schemas/offer.schema.json", path


def test_schema_rejects_a_bare_number_price() -> None:
    offer = _load_yaml(EXAMPLES[0])
    offer["spec"]["pricing"]["dimensions"][0]["price"] = 250  # type: ignore[index]
    validator = Draft202012Validator(_schema("offer.schema.json"))
    errors = list(validator.iter_errors(offer))
    assert any("250 is not of type 'string'" in e.message for e in _nested(errors))


def test_schema_lets_only_a_draft_leave_parts_out() -> None:
    """OFR106 in the schema: a draft may be a product and a name, a released offer may not."""
    bare = {"apiVersion": "offerops/v1", "kind": "PrivateOffer", "key": "bare"}
    bare["spec"] = {"name": "Test Private Offer", "product": "analytics-saas"}  # type: ignore[assignment]
    validator = Draft202012Validator(_schema("offer.schema.json"))
    assert sorted(e.message for e in validator.iter_errors(bare)) == [
        f"'{part}' is a required property" for part in ("buyers", "expiresOn", "legal", "pricing")
    ]
    bare["spec"]["lifecycle"] = "draft"  # type: ignore[index]
    assert list(validator.iter_errors(bare)) == []


def _nested(errors: list[ValidationError]) -> list[ValidationError]:
    """The errors and every error in their contexts (``anyOf`` branches), depth first."""
    return [found for error in errors for found in [error, *_nested(list(error.context or []))]]


def test_schema_has_descriptions_and_examples_for_editors() -> None:
    text = (PROJECT / "schemas" / "offer.schema.json").read_text()
    assert text.count('"description"') > 30
    assert '"examples"' in text
