"""Checks across the whole inventory (schema checks happen while loading).

Each check is a function `check(inventory) -> Iterable[Finding]`; `validate` runs them
all and returns every finding, never stopping at the first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from configgen.findings import PLACES_LISTED, Finding, Findings

if TYPE_CHECKING:  # the inventory package itself imports checks.text
    from configgen.inventory import Inventory, LoadResult

Check = Callable[["Inventory"], Iterable[Finding]]


def _checks() -> list[Check]:
    # Imported here, not at the top: the inventory package imports checks.text, and
    # these checks import the inventory package.
    from configgen.checks import ipplan, numbering, platform, references  # noqa: PLC0415
    from configgen.netconf import devices  # noqa: PLC0415

    return [references.check, ipplan.check, numbering.check, platform.check, devices.check]


def validate(loaded: LoadResult) -> Findings:
    """All findings for a loaded inventory: the loader's own plus every check's."""
    findings = Findings(list(loaded.findings.items))
    for check in _checks():
        findings.extend(check(loaded.inventory))
    return findings


class Places:
    """Where each value of something unique is written. The first place is kept plain
    and a list is made only when a value repeats: most never do, and allocations are
    what a check over 100,000 entries costs."""

    def __init__(self) -> None:
        self.first: dict[Any, Any] = {}
        self.more: dict[Any, list] = {}

    def add(self, value: Any, place: Any) -> None:
        if value in self.first:
            self.more.setdefault(value, [self.first[value]]).append(place)
        else:
            self.first[value] = place

    def repeated(self) -> Iterable[tuple[Any, list]]:
        """(value, every place in order) for each value written more than once."""
        return self.more.items()


def repeated(sources, paths: Sequence[tuple[Any, ...]], message: str, *, code: str,
             severity: str = "error") -> Finding:
    """One finding for a value written at several places (`paths`, in inventory order),
    however many: at the second place, naming the first and the others, at most
    PLACES_LISTED of them. `message` says how often (n entries give one finding, not n²/2)."""
    others = [paths[0], *paths[2:]]
    unlisted = len(others) - PLACES_LISTED
    note = f" ({unlisted} more places not listed)" if unlisted > 0 else ""
    return sources.finding(paths[1], message + note, code=code, severity=severity,
                           related=tuple(others[:PLACES_LISTED]))
