"""The published JSON Schema of an inventory file: `configgen schema`, and the copy shipped
as configgen/schema/inventory.schema.json for editors (README, "Editor support").

Draft-07, the newest draft yaml-language-server supports fully. Regenerate the shipped file
after a schema change with `python -m configgen.inventory.published_schema` (a test checks
that it equals `configgen schema`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from configgen.inventory.schema import document_model

SCHEMA_ID = "https://configgen.invalid/schema/inventory.schema.json"   # a name, not a download address
DRAFT = "http://json-schema.org/draft-07/schema#"
SHIPPED = Path(__file__).resolve().parent.parent / "schema" / "inventory.schema.json"


def _draft07(node: Any) -> Any:
    """pydantic writes 2020-12 style; draft-07 ignores every keyword beside a `$ref`, so a
    referenced model with its own description moves into `allOf`."""
    if isinstance(node, list):
        return [_draft07(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _draft07(value) for key, value in node.items() if key != "discriminator"}
    if "$ref" in node and len(node) > 1:
        node["allOf"] = [{"$ref": node.pop("$ref")}]
    if "patternProperties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False     # a key that fails the pattern is refused, as configgen does
    return node


def inventory_json_schema() -> dict[str, Any]:
    generated = document_model().model_json_schema(ref_template="#/definitions/{model}")
    definitions = generated.pop("$defs", {})
    schema = {"$schema": DRAFT, "$id": SCHEMA_ID, "title": "configgen inventory", **generated,
              "definitions": definitions}
    # Top-level `x-...` keys hold YAML anchors for `<<: *merge`; configgen ignores them.
    schema["patternProperties"] = {"^x-": {"description": "YAML anchors for merge keys (<<: *name); "
                                                          "configgen ignores these keys"}}
    converted: dict[str, Any] = _draft07(schema)
    return converted


def render_schema() -> str:
    return json.dumps(inventory_json_schema(), indent=2) + "\n"


if __name__ == "__main__":
    SHIPPED.parent.mkdir(exist_ok=True)
    SHIPPED.write_text(render_schema(), encoding="utf-8")
    print(f"wrote {SHIPPED}")
