"""Schema of `acknowledge:` entries (docs/validation.md): loaded when an inventory has
some, or for the published JSON Schema (`schema.document_model`), not by every
validation (start-up time; tests/test_startup_imports.py)."""

from __future__ import annotations

from pydantic import Field, field_validator

from configgen.inventory.types import Name, SafeText, Strict


class Acknowledge(Strict):
    """A warning the inventory's authors know about and accept, with why (docs/validation.md)."""

    code: Name = Field(description="the warning's code, as printed in --format json (e.g. pool-not-private)")
    field: SafeText = Field(description="the warning's field as printed, e.g. services[0].terminal_pools[0]")
    reason: SafeText = Field(description="why this warning is accepted; shown in every report")
    file: SafeText | None = Field(None, description="the file the warning is in, relative to this file; "
                                                    "default: this file")

    @field_validator("reason")
    @classmethod
    def _reason_given(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("give the reason this warning is accepted")
        return value
