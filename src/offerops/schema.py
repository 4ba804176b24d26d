"""Generate the JSON Schemas (draft 2020-12) of the offer file and offerops.yaml from the models.

Editors use them for completion and inline errors (the yaml-language-server modeline in each
offer points here); other tools (check-jsonschema) validate with them. They are generated, never
edited, and ``offerops schema --check`` fails CI when they are stale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from offerops.fileio import atomic_write_text
from offerops.model.config import Config
from offerops.model.offer import OfferFile

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_BASE = "https://offerops.dev/schemas"


@dataclass(frozen=True)
class SchemaFile:
    """One generated schema: its file name and the model it comes from."""

    filename: str
    model: type[BaseModel]
    title: str

    def render(self) -> str:
        schema: dict[str, Any] = {
            "$schema": DRAFT,
            "$id": f"{SCHEMA_BASE}/{self.filename}",
            **self.model.model_json_schema(mode="validation"),
        }
        schema["title"] = self.title
        return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


SCHEMAS = (
    SchemaFile("offer.schema.json", OfferFile, "offerops private offer (offerops/v1)"),
    SchemaFile("config.schema.json", Config, "offerops repository configuration (offerops.yaml)"),
)


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema into ``directory``; return the files that changed."""
    changed = []
    for schema in SCHEMAS:
        path = directory / schema.filename
        text = schema.render()
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            atomic_write_text(path, text)
            changed.append(path)
    return changed


def stale_schemas(directory: Path) -> list[Path]:
    """The schema files in ``directory`` that are missing or differ from the models."""
    stale = []
    for schema in SCHEMAS:
        path = directory / schema.filename
        if not path.is_file() or path.read_text(encoding="utf-8") != schema.render():
            stale.append(path)
    return stale
