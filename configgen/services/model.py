"""Vendor-neutral per-device configuration: what services contribute, templates print.

Services turn inventory entries into these values; `merge` combines every service that
lands on one device; templates only spell the values in vendor syntax.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any, Literal


# Ethernet port names (GigabitEthernet0/0/1, 10GE1/0/1): Layer 2 by default on a CE switch.
ETHERNET = re.compile(r"(?:[A-Za-z]*Ethernet|\d+GE)\d")


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


class Addressed:
    """`ip` and `mask` of an `address` (IPv4Interface), in the dotted form both CLIs want."""

    address: ipaddress.IPv4Interface | None

    @property
    def ip(self) -> str:
        return str(self._address().ip)

    @property
    def mask(self) -> str:
        return str(self._address().netmask)

    def _address(self) -> ipaddress.IPv4Interface:
        if self.address is None:   # an AttributeError, as reading `.ip` of no address always was
            raise AttributeError(f"{type(self).__name__} has no address")
        return self.address


@dataclass
class Interface(Addressed):
    """A physical (or sub-) interface configured by one or more services."""

    name: str
    description: str
    address: ipaddress.IPv4Interface | None = None
    owners: list[str] = field(default_factory=list)   # service names (the NETCONF payload names its owners)
    bandwidth_kbps: int | None = None                 # Cisco `bandwidth`: informational, does not limit
    nat: Literal["inside", "outside"] | None = None
    nat_source_acl: AccessList | None = None          # outside: PAT of these sources to this address
    static_nat: list[StaticNatEntry] = field(default_factory=list)   # outside: public -> inside
    inbound_acl: AccessList | None = None             # filters what arrives on this interface
    rate_limit: RateLimit | None = None
    gre_source: bool = False        # a GRE tunnel's source: VRP8 routers bind it (`binding tunnel gre`)
    routed_port: bool = False       # a Layer-2-by-default switch port made routed (CE: `undo portswitch`)


@dataclass(frozen=True)
class Route:
    """A static route. `next_hop` is an address or an interface name."""

    prefix: ipaddress.IPv4Network
    next_hop: str
    name: str

    @property
    def key(self) -> tuple[int, int, str]:
        return int(self.prefix.network_address), self.prefix.prefixlen, self.next_hop

    @property
    def network(self) -> str:
        return str(self.prefix.network_address)

    @property
    def mask(self) -> str:
        return str(self.prefix.netmask)


@dataclass(frozen=True)
class PingStep:
    """One verification ping, run from the customer router in plan order: a failure at a
    step names the segment that failed (docs/references.md §2, §3)."""

    target: ipaddress.IPv4Address
    source: str | None                 # interface to source from; None: the router picks
    segment: Literal["circuit", "operator routing", "customer LAN", "tunnel"]
    proves: str


def runbook_steps(service: Any, peer: ipaddress.IPv4Address, circuit: str,
                  operator_target: ipaddress.IPv4Address, operator_routing: str) -> list[PingStep]:
    """The steps every runbook starts with (docs/references.md §2, §3): the /30 peer proves the
    circuit, an operator address proves operator routing, the server (from the LAN)
    proves the customer LAN. Services append their own steps after these."""
    steps = [PingStep(peer, None, "circuit", circuit),
             PingStep(operator_target, None, "operator routing", operator_routing)]
    if service.server is not None:
        lan = service.lan.interface
        steps.append(PingStep(service.server, lan, "customer LAN",
                              f"the customer LAN on {lan} is right: server {service.server} answers"))
    return steps


@dataclass(frozen=True)
class GreTunnel(Addressed):
    """A GRE tunnel interface, every value decided by the service that builds it: the CLI
    templates and the NETCONF payload (configgen/netconf/payload.py) only spell them."""

    name: str
    description: str
    source: str                                   # the interface the tunnel leaves from
    destination: str                              # the GRE endpoint
    unnumbered: str | None                        # interface lent its address, or None
    address: ipaddress.IPv4Interface | None       # distinct tunnel address, or None


@dataclass(frozen=True)
class WanPolicy:
    """A block spelling one WAN interface's filter, policing and NAT, all stored once on
    that interface (Cisco spells NAT as global statements, VRP on the interface)."""

    wan: Interface


@dataclass
class Section:
    """A service's own block: `template` is a Jinja2 module with macros head/interfaces/tail."""

    template: str
    values: Any


@dataclass
class Contribution:
    """What one service adds to its device."""

    interfaces: list[Interface] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    access_lists: list[AccessList] = field(default_factory=list)   # numbered on merge
    owner: str = ""    # the service or PBX it comes from (render sets a service's name)


class ValidationGap(RuntimeError):
    """Building met input that validation should have refused: a bug in configgen. It is
    raised with its traceback, never reported as a finding about the user's input (not a
    ValueError, which rendering reports as a template finding)."""


@dataclass
class DeviceConfig:
    """Everything rendered for one device, merged across services."""

    name: str
    hostname: str
    platform: Any
    interfaces: list[Interface] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    access_lists: list[AccessList] = field(default_factory=list)
    # What push needs from render (configgen.push.ownership): the services and PBXs that
    # contributed, and every route label they asked for (a route two services share is
    # rendered once, under the first one's label, but both labels are theirs).
    owners: list[str] = field(default_factory=list)
    route_labels: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Indexes for merging; plain attributes, not fields, so templates never see them.
        self._by_name = {i.name: i for i in self.interfaces}
        self._route_keys = {r.key for r in self.routes}

    def add(self, contribution: Contribution) -> None:
        if contribution.owner and contribution.owner not in self.owners:
            self.owners.append(contribution.owner)
        self.route_labels.extend(r.name for r in contribution.routes if r.name not in self.route_labels)
        for interface in contribution.interfaces:
            existing = self._by_name.get(interface.name)
            if existing is None:
                interface.routed_port = self.platform.render.ports_layer2 and ETHERNET.match(interface.name) is not None
                self.interfaces.append(interface)
                self._by_name[interface.name] = interface
                continue
            # Validation guarantees one address per interface; a shared interface keeps
            # the first description and records every service using it.
            if existing.address != interface.address:
                raise ValidationGap(f"{self.name}: {interface.name} given two addresses "
                                    f"({existing.address}, {interface.address}); validation should have refused this")
            if _features(existing) != _features(interface):
                raise ValidationGap(f"{self.name}: {interface.name} is shared by services that configure NAT, "
                                    "filters or rates on it; validation should have refused this")
            existing.owners.extend(o for o in interface.owners if o not in existing.owners)
            existing.gre_source = existing.gre_source or interface.gre_source
        for acl in contribution.access_lists:
            self._number(acl)
        for route in contribution.routes:
            if route.key not in self._route_keys:  # two services, one route: render it once
                self.routes.append(route)
                self._route_keys.add(route.key)
        self.sections.extend(contribution.sections)

    def _number(self, acl: AccessList) -> None:
        """Give `acl` the lowest free number of its kind on this device."""
        numbers = self.platform.render.acl_range(acl.kind)
        if numbers is not None:
            used = {a.number for a in self.access_lists}
            acl.number = next((n for n in range(numbers[0], numbers[1] + 1) if n not in used), None)
            if acl.number is None:
                raise ValueError(f"{self.name}: no free {acl.kind} ACL number in {numbers[0]}-{numbers[1]}")
        self.access_lists.append(acl)


def _features(interface: Interface) -> tuple[Any, ...]:
    """What a service sets on an interface beyond its address."""
    return (interface.bandwidth_kbps, interface.nat, interface.nat_source_acl, interface.static_nat,
            interface.inbound_acl, interface.rate_limit)
