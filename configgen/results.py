"""What `configgen.api`'s check returns (`api.CheckedInventory`), which render's result
(configgen.rendered) and the push, verify and deploy types (configgen.deployment) carry."""

from __future__ import annotations

from dataclasses import dataclass

# Imported, not only named for mypy: a caller's typing.get_type_hints(CheckedInventory)
# resolves them (api loads both anyway, so start-up pays nothing for it).
from configgen.findings import Findings
from configgen.inventory import Inventory


@dataclass
class CheckedInventory:
    """An inventory and every finding about it (`check`)."""

    inventory: Inventory
    findings: Findings
    not_shown: int = 0   # findings about devices a `devices` filter left out

    @property
    def ok(self) -> bool:
        return not self.findings.errors

    def acknowledge(self) -> None:
        """Apply the inventory's `acknowledge:` entries, once every finding is in."""
        self.findings.acknowledge(self.inventory.acknowledgements)
