"""Which findings concern which devices: `--device NAME` on validate, check and render.

Validation always runs on the whole inventory (an overlap or a duplicate tunnel is
found only by looking at every device); `--device` narrows what is reported, and
render writes only the named devices. A finding is about a device when it sits under
`devices.NAME`, under a service on that device or under a PBX that device is the
gateway of, or when the other side of its conflict does. A finding about no device in
particular (operator, lab, templates, an entry too broken to say which device it is
on) is about every device: it is always shown.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Collection, Iterator

from configgen.findings import Finding, Findings, InputError, Related
from configgen.inventory import Inventory
from configgen.inventory.yamlsource import format_path


class UnknownDevice(InputError):
    """`--device` names a device the inventory does not define (a usage error)."""


def check_device_names(inventory: Inventory, names: Collection[str]) -> None:
    unknown = sorted(set(names) - inventory.declared_devices)
    if unknown:
        known = ", ".join(sorted(inventory.declared_devices)) or "none"
        raise UnknownDevice(f"--device: unknown device(s) {', '.join(unknown)}; devices in the inventory: {known}")


class DeviceScope:
    """Maps a finding's place (file, field) to the device it concerns."""

    def __init__(self, inventory: Inventory) -> None:
        self.places: dict[tuple[Path | None, str], str] = {}   # (file or None: any file, field prefix) -> device
        sources = inventory.sources
        for name in inventory.declared_devices:
            self.places[None, format_path(("devices", name))] = name
        for service in inventory.services:
            file, path = sources.origins[inventory.service_path(service)]
            self.places[_resolved(file), format_path(path)] = service.device
        for group in inventory.vpmn:
            file, path = sources.origins[inventory.vpmn_paths[group.name]]
            for index, pbx in enumerate(group.pbx):
                if pbx.gateway:
                    self.places[_resolved(file), format_path(path + ("pbx", index))] = pbx.gateway

    def device_at(self, file: str, field: str) -> str | None:
        resolved = None
        for prefix in _prefixes(field):
            device = self.places.get((None, prefix))
            if device is None:
                resolved = resolved or _resolved(file)
                device = self.places.get((resolved, prefix))
            if device is not None:
                return device
        return None

    def concerns(self, finding: Finding, names: Collection[str]) -> bool:
        own = self.device_at(finding.file, finding.field)
        if own is None:
            return True   # about no device in particular: about every device
        others = {self.device_at(r.file, r.field) for r in finding.related if isinstance(r, Related)}
        return bool(({own} | others) & set(names))


def for_devices(findings: Findings, inventory: Inventory, names: Collection[str]) -> tuple[Findings, int]:
    """The findings that concern `names`, and how many others were left out."""
    scope = DeviceScope(inventory)
    shown = Findings([f for f in findings.items if scope.concerns(f, names)])
    return shown, len(findings.items) - len(shown.items)


def _prefixes(field: str) -> Iterator[str]:
    """"services[1].wan.address" -> itself, "services[1].wan", "services[1]", "services": longest
    first, since device names may hold dots (devices.wh.a.host is device wh.a, if defined)."""
    yield field
    for match in reversed(list(re.finditer(_CUT, field))):
        yield field[:match.start()]


_CUT = r"(?<=.)[.\[]"     # compiled on first use (re caches it)


def _resolved(file: str) -> Path:
    try:
        return Path(file).resolve()
    except OSError:
        return Path(file)
