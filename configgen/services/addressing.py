"""Address recipes shared by services (docs/references.md §2, §3), and the interface an
inventory attachment becomes."""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

from configgen.services.model import Interface


def other_host(address: ipaddress.IPv4Interface) -> ipaddress.IPv4Address | None:
    """The other usable host of a /30 (the operator side of an interconnect), or None
    when `address` is not one of the two usable hosts of a /30."""
    network = address.network
    if network.prefixlen != 30:
        return None
    first, second = network.network_address + 1, network.network_address + 2
    if address.ip == first:
        return second
    if address.ip == second:
        return first
    return None


def interconnect_peer(wan: Any) -> ipaddress.IPv4Address | None:
    """The operator's address on the /30: `wan.peer` when given, else the other host."""
    return wan.peer if wan.peer is not None else other_host(wan.address)


# What configgen owns whole (tunnels, dial-peers, VRP ACLs) carries this exact marker at
# the start of its description, then the owning service's (or PBX's) name: push proves
# that an object on a device is configgen's by it, never by a word in free text
# (configgen/push/ownership.py).
OWNER_MARK = "configgen:"


def owner_description(owner: str, text: str) -> str:
    """`configgen:<owner> <text>`: the description of an object `owner` owns whole."""
    return f"{OWNER_MARK}{owner} {text}"


def route_label(*parts: object) -> str:
    """A route/ACL label from service names: one upper-case word for `name`/`description`.
    Names are schema-checked to letters, digits, '.', '_' and '-' already."""
    return "-".join(str(p) for p in parts if p not in (None, "")).upper()


@functools.lru_cache(maxsize=1024)
def host_route(address: ipaddress.IPv4Address) -> ipaddress.IPv4Network:
    """The /32 of an address (cached: every GPRS service routes to one of a few endpoints)."""
    return ipaddress.IPv4Network((int(address), 32))


def attachment_interface(attachment: Any, owner: str, description: str, **values: Any) -> Interface:
    """The interface an inventory attachment (`wan:`, `lan:`) configures for service `owner`:
    its name and address, the inventory's description or else `description`, and what else
    the service puts on it (`values`: NAT, filters, rate...)."""
    return Interface(name=attachment.interface, description=attachment.description or description,
                     address=attachment.address, owners=[owner], **values)
