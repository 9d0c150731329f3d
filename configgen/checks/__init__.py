"""Checks across the whole inventory (schema checks happen while loading).

Each check is a function `check(inventory) -> Iterable[Finding]`; `validate` runs them
all and returns every finding, never stopping at the first.
"""

from __future__ import annotations

from typing import Callable, Iterable

# Places and repeated live with the findings (the loader uses them too); the checks
# import them from here.
from configgen.findings import Finding, Findings, Places, repeated
from configgen.inventory import Inventory, LoadResult

__all__ = ["Check", "Places", "repeated", "validate"]

Check = Callable[[Inventory], Iterable[Finding]]


def _checks() -> list[Check]:
    # Imported when run, not at the top: each check imports this package's helpers.
    from configgen.checks import ipplan, platform, references, transport

    return [references.check, ipplan.check, _numbering, platform.check, transport.check]


def _numbering(inventory: Inventory) -> Iterable[Finding]:
    """The numbering plan's checks. Every number is in a VPMN group: an inventory without
    one has none, and skips importing the voice modules (start-up time)."""
    if not inventory.vpmn:
        return ()
    from configgen.checks import numbering

    return numbering.check(inventory)


def validate(loaded: LoadResult) -> Findings:
    """All findings for a loaded inventory: the loader's own plus every check's."""
    findings = Findings(list(loaded.findings.items))
    for check in _checks():
        findings.extend(check(loaded.inventory))
    return findings
