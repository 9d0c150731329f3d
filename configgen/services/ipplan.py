"""The IP-plan vocabulary of service kinds (configgen.kinds): the subnets a service
claims (`Claim`), the operator hosts it pings (`OperatorAddress`), and the address checks
several kinds share. configgen.checks.ipplan runs the inventory-wide checks (overlaps,
operator addresses, management, terminal pools) over what every kind declares."""

# No `from __future__ import annotations`: a NamedTuple compiles each field's annotation
# written as text (start-up time); names imported only for type checking are quoted.
import ipaddress
from collections.abc import Iterator
from typing import Any, NamedTuple

from configgen.findings import Finding


class Claim(NamedTuple):
    """A subnet some service uses, and where it is written."""

    network: ipaddress.IPv4Network
    role: str                     # "interconnect", "LAN", "terminal pool", "public block", ...
    device: str
    service: str
    path: tuple[Any, ...]
    # Claims with the same non-None family may overlap: the same interface address
    # used by two services on one device, or a routed LAN inside its own public block.
    family: tuple[Any, ...] | None = None

    def label(self) -> str:
        return f"{self.network} ({self.role} of {self.service} on {self.device})"


def span(network: ipaddress.IPv4Network) -> tuple[int, int]:
    """First and last address as integers. (ipaddress computes broadcast_address through
    hostmask, which dominated the check's profile at 10,000 services.)"""
    start = int(network.network_address)
    return start, start + (1 << (32 - network.prefixlen)) - 1


def interface_family(device: str, attachment: Any) -> tuple[Any, ...]:
    """Claims of one interface address on one device may overlap (services sharing it)."""
    return ("interface", device, attachment.interface, attachment.address)


# Space that is never an internet line's public block (IANA special-purpose registry, RFC 6890).
NOT_PUBLIC = tuple((ipaddress.IPv4Network(net), what) for net, what in (
    ("0.0.0.0/8", "'this network' space"),
    ("10.0.0.0/8", "private (RFC 1918) space"),
    ("100.64.0.0/10", "shared carrier-grade NAT (RFC 6598) space"),
    ("127.0.0.0/8", "loopback space"),
    ("169.254.0.0/16", "link-local space"),
    ("172.16.0.0/12", "private (RFC 1918) space"),
    ("192.0.0.0/24", "IETF protocol assignment space"),
    ("192.168.0.0/16", "private (RFC 1918) space"),
    ("198.18.0.0/15", "benchmarking (RFC 2544) space"),
    ("224.0.0.0/4", "multicast space"),
    ("240.0.0.0/4", "reserved (class E and broadcast) space"),
))
# RFC 5737: fine in lab inventories (`lab: true`), never on a real line.
DOCUMENTATION = tuple(ipaddress.IPv4Network(net) for net in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"))


class OperatorAddress(NamedTuple):
    """An operator host a service's verification pings (a service kind's
    `operator_addresses`): it must be unicast and outside every customer subnet."""

    address: ipaddress.IPv4Address
    what: str                     # "GRE endpoint": names the finding and its code
    path: tuple[Any, ...]         # where it is written
    example: str                  # what a right value looks like
    why: str                      # why it must lie outside the customer subnets


def check_host_address(address: ipaddress.IPv4Interface, path: tuple[Any, ...], role: str,
                       sources: Any) -> Iterator[Finding]:
    """A gateway (LAN, tunnel) address is a host address of a subnet that has hosts."""
    network = address.network
    if network.prefixlen > 30:
        yield sources.finding(path,
                              f"{address}: a /{network.prefixlen} {role} has no room for hosts; use /30 or shorter",
                              code="prefix-too-long")
        return
    start, end = span(network)
    first, last = ipaddress.IPv4Address(start + 1), ipaddress.IPv4Address(end - 1)
    if int(address.ip) == start:
        yield sources.finding(path,
                              f"{address} is the network address of {network}; the gateway must be a host "
                              f"address ({first} to {last}), e.g. {first}/{network.prefixlen}", code="network-address")
    elif int(address.ip) == end:
        yield sources.finding(path,
                              f"{address} is the broadcast address of {network}; use a host address "
                              f"({first} to {last}), e.g. {first}/{network.prefixlen}", code="broadcast-address")


def special_purpose(network: ipaddress.IPv4Network, documentation_too: bool) -> str | None:
    """What kind of non-public space `network` touches, or None for public unicast space."""
    for special, what in NOT_PUBLIC:
        if network.overlaps(special):
            return what
    if documentation_too and any(network.overlaps(doc) for doc in DOCUMENTATION):
        return "documentation (RFC 5737) space"
    return None


def check_in_lan(address: ipaddress.IPv4Address, lan: ipaddress.IPv4Interface, path: tuple[Any, ...], what: str,
                 sources: Any) -> Iterator[Finding]:
    network = lan.network
    if address not in network:
        yield sources.finding(path, f"{what} {address} is not on the LAN {network}; "
                              f"verification pings it from the LAN side: give an address in {network}",
                              code="outside-lan")
    elif int(address) in span(network):
        yield sources.finding(path, f"{what} {address} is the network or broadcast address of {network}",
                              code="not-a-host")
    elif address == lan.ip:
        yield sources.finding(path, f"{what} {address} is the router's own LAN address; name the server's address",
                              code="own-address")


# Sources no packet arriving from the internet can carry.
NEVER_A_SOURCE = tuple((ipaddress.IPv4Network(net), what) for net, what in (
    ("0.0.0.0/8", "'this network' space"), ("127.0.0.0/8", "loopback space"),
    ("169.254.0.0/16", "link-local space"), ("224.0.0.0/4", "multicast space"),
    ("240.0.0.0/4", "reserved (class E and broadcast) space"),
))


def not_a_host(address: ipaddress.IPv4Address) -> str | None:
    """What kind of space `address` is in when no host can have it ('this network',
    loopback, link-local, multicast, reserved and broadcast), or None."""
    return next((what for network, what in NEVER_A_SOURCE if address in network), None)


def host_address(host: str) -> ipaddress.IPv4Address | None:
    """A device's `host` as an address; None for a DNS name (not resolved while validating)."""
    try:
        return ipaddress.IPv4Address(host)
    except ValueError:
        return None
