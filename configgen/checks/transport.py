"""Which devices go over NETCONF, and what validation refuses about them (a device's
`transport`): here, below render, so that validating never reaches the payload builder."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from configgen.findings import Finding
from configgen.platforms import platform_for

if TYPE_CHECKING:
    from configgen.inventory import Inventory


def netconf_devices(inventory: Inventory) -> list[str]:
    return [name for name, device in inventory.devices.items() if device.transport == "netconf"]


def check(inventory: Inventory) -> Iterable[Finding]:
    """`transport: netconf` only where the vendor publishes models configgen builds payloads
    for (Platform.netconf_models), and only for services that have a payload form."""
    sources = inventory.sources
    gateways = _voice_gateways(inventory)
    for name in netconf_devices(inventory):
        device = inventory.devices[name]
        platform = platform_for(device)
        path = ("devices", name, "transport")
        if platform.netconf_models is None:
            yield sources.finding(path, (
                f"device {name} ({platform.family}, os: {device.os}) cannot use transport netconf: configgen "
                "builds NETCONF payloads only from the vendors' published YANG models, which exist for Cisco "
                "IOS-XE (os: iosxe) and Huawei VRP8 routers (os: vrp8), not for this family; use transport: ssh"),
                code="netconf-unsupported")
        elif name in gateways:
            yield sources.finding(path, (
                f"device {name} is the voice gateway of PBX {gateways[name]}, and configgen has no NETCONF payload "
                "for PBX trunks (controllers, translation rules and dial-peers are not validated against the "
                "IOS-XE voice models yet); use transport: ssh for this device"), code="netconf-unsupported")


def _voice_gateways(inventory: Inventory) -> dict[str, str]:
    """Gateway device -> the PBX whose trunk it terminates."""
    return {pbx.gateway: pbx.name for group in inventory.vpmn for pbx in group.pbx if pbx.gateway is not None}
