"""Every name an entry refers to must exist."""

from __future__ import annotations

import difflib
from typing import Iterable

from configgen.findings import Finding


def check(inventory) -> Iterable[Finding]:
    sources = inventory.sources
    for service in inventory.services:
        if service.device in inventory.declared_devices:
            continue  # a broken device has its own findings; do not pile on
        close = difflib.get_close_matches(service.device, inventory.declared_devices, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        known = ", ".join(sorted(inventory.declared_devices)) or "none"
        yield sources.finding(inventory.service_path(service) + ("device",),
                              f"device '{service.device}' is not defined under `devices`; {hint}defined: {known}",
                              code="unknown-device")
