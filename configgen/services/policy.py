"""What a WAN interface enforces: ACLs, policing of the contracted rate, static NAT.

Vendor-neutral values like those of configgen.services.model (an `Interface` carries
them), built only by services that filter, police or translate (internet lines): an
inventory without such services never loads this module (start-up time).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class AclRule:
    """One vendor-neutral ACL line; `None` addresses mean any. `sequence` is the rule
    number where the syntax has one (VRP `rule 5 ...`)."""

    sequence: int
    action: Literal["permit", "deny"]
    protocol: Literal["ip", "tcp", "udp", "icmp"]
    source: ipaddress.IPv4Network | None = None
    source_port: int | None = None
    destination: ipaddress.IPv4Network | None = None
    destination_port: int | None = None
    established: bool = False          # TCP return traffic (ACK or RST set)
    icmp_type: str | None = None       # Cisco keyword: echo, echo-reply, unreachable, time-exceeded


@dataclass
class AccessList:
    """An ACL a service needs. `DeviceConfig.add` numbers it from the platform's range
    for its kind, so services sharing a device never collide; where the platform names
    that kind instead (Cisco extended ACLs), `number` stays None and `name` is used."""

    name: str
    kind: Literal["source", "extended"]    # source: matches source addresses only
    rules: list[AclRule]
    number: int | None = None
    description: str = ""                  # where the platform describes ACLs (VRP): owner marker + name


@dataclass(frozen=True)
class RateLimit:
    """The contracted rate, enforced in both directions. Every unit a router wants is
    derived here from one kbit/s value (docs/references.md §3: the units trap)."""

    kbps: int
    policy: str                        # name of the policy that polices it (Cisco MQC)
    description: str = ""              # that policy's description: owner marker + name
    # Huawei `qos car`: VRP8 routers write the direction last, the others first (the
    # family's RenderFacts.car_direction_last, which the service's build passes on).
    car_direction_last: bool = False

    @property
    def police_bps(self) -> int:       # Cisco `police cir` (bit/s)
        return self.kbps * 1000

    @property
    def car_kbps(self) -> int:         # Huawei `qos car ... cir` (kbit/s)
        return self.kbps

    @property
    def car(self) -> list[str]:
        """Huawei `qos car` arguments, inbound then outbound, in the family's order:
        `cir <kbit/s> inbound` (direction last) or `inbound cir <kbit/s>`."""
        return [f"cir {self.car_kbps} {direction}" if self.car_direction_last else f"{direction} cir {self.car_kbps}"
                for direction in ("inbound", "outbound")]


@dataclass(frozen=True)
class StaticNatEntry:
    """A public address (or one port of it) translated to an inside host."""

    public: ipaddress.IPv4Address
    inside: ipaddress.IPv4Address
    protocol: str | None = None
    port: int | None = None
