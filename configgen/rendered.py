"""What `configgen.api.render` returns (`api.RenderResult`): loaded when something
renders, not by `configgen validate` (start-up time; tests/test_startup_imports.py); below
the push, verify and deploy types (configgen.deployment) that carry a render result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Imported, not only named for mypy: typing.get_type_hints(RenderResult) resolves it.
from configgen.results import CheckedInventory


@dataclass
class RenderResult:
    """`render`'s outcome: the findings, each device's config (and NETCONF payload), the files written."""

    checked: CheckedInventory
    configs: dict[str, str] = field(default_factory=dict)
    payloads: dict[str, str] = field(default_factory=dict)   # device -> NETCONF payload XML
    written: list[Path] = field(default_factory=list)
