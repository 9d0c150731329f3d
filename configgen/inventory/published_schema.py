"""The published JSON Schema of an inventory file (`configgen schema`, and the shipped
configgen/schema/inventory.schema.json): for editors and CI."""

from __future__ import annotations

from configgen.inventory.schema import InventoryDocument


def inventory_json_schema() -> dict:
    schema = InventoryDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "configgen inventory"
    return schema
