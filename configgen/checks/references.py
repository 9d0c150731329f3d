"""Every name an entry refers to must exist, and every device is reached at its own address."""

from __future__ import annotations

import ipaddress
from typing import Iterable, Iterator

from configgen.findings import Finding, Places, repeated
from configgen.inventory import Inventory


def check(inventory: Inventory) -> Iterable[Finding]:
    sources = inventory.sources
    for service in inventory.services:
        if service.device in inventory.declared_devices:
            continue  # a broken device has its own findings; do not pile on
        import difflib   # here, not at the top: only a misspelt name needs it (start-up time)

        close = difflib.get_close_matches(service.device, inventory.declared_devices, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        known = ", ".join(sorted(inventory.declared_devices)) or "none"
        yield sources.finding(inventory.service_path(service) + ("device",),
                              f"device '{service.device}' is not defined under `devices`; {hint}defined: {known}",
                              code="unknown-device")
    yield from _shared_management_addresses(inventory)


def management_target(host: str, port: int) -> tuple[str, int]:
    """What push connects to, written one way: 192.0.2.031 is not an address, but
    `CE1.example.net.` and `ce1.example.net` are one name."""
    try:
        return str(ipaddress.ip_address(host)), port
    except ValueError:
        return host.lower().rstrip("."), port


def _shared_management_addresses(inventory: Inventory) -> Iterator[Finding]:
    """Two devices behind one management address and port: push and deploy would send
    both configs, one after the other, to the one router that answers there."""
    sources = inventory.sources
    targets = Places()
    for name, device in inventory.devices.items():
        targets.add(management_target(device.host, device.port), name)
    for (host, port), names in targets.repeated():
        where = host if port == 22 else f"{host} port {port}"
        why = ("push and deploy connect there for each of them and would configure one router with "
               "several devices' configs: give each device its own `host` (or `port`)")
        yield repeated(sources, [("devices", name, "host") for name in names], (
            f"{names[1]} has the same management address as {names[0]} ({where}); {why}" if len(names) == 2 else
            f"{len(names)} devices share the management address {where} ({names[1]} here, first {names[0]}); {why}"),
            code="duplicate-management-address")
