"""Vendor-neutral per-device configuration: what services contribute, templates print.

Services turn inventory entries into these values (what a WAN enforces: services.policy);
`DeviceConfig.add` (services.device) merges every service that lands on one device;
templates only spell the values in vendor syntax.
"""

# No `from __future__ import annotations`: a NamedTuple compiles each field's annotation
# written as text (start-up time); names imported only for type checking are quoted.
import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:   # what a WAN interface enforces (configgen.services.policy)
    from configgen.services.policy import AccessList, RateLimit, StaticNatEntry


# Ethernet port names (GigabitEthernet0/0/1, 10GE1/0/1): Layer 2 by default on a CE switch.
ETHERNET = r"(?:[A-Za-z]*Ethernet|\d+GE)\d"    # compiled by render on first use (re caches it)


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
    nat_source_acl: "AccessList | None" = None          # outside: PAT of these sources to this address
    static_nat: "list[StaticNatEntry]" = field(default_factory=list)   # outside: public -> inside
    inbound_acl: "AccessList | None" = None             # filters what arrives on this interface
    rate_limit: "RateLimit | None" = None
    gre_source: bool = False        # a GRE tunnel's source: VRP8 routers bind it (`binding tunnel gre`)
    routed_port: bool = False       # a Layer-2-by-default switch port made routed (CE: `undo portswitch`)


class Route(NamedTuple):
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
class GreTunnel(Addressed):
    """A GRE tunnel interface, every value decided by the service that builds it: the CLI
    templates and the NETCONF payload (configgen/netconf/payload.py) only spell them."""

    name: str
    description: str
    source: str                                   # the interface the tunnel leaves from
    destination: str                              # the GRE endpoint
    unnumbered: str | None                        # interface lent its address, or None
    address: ipaddress.IPv4Interface | None       # distinct tunnel address, or None


class WanPolicy(NamedTuple):
    """A block spelling one WAN interface's filter, policing and NAT, all stored once on
    that interface (Cisco spells NAT as global statements, VRP on the interface)."""

    wan: Interface


class Section(NamedTuple):
    """A service's own block: `template` is a Jinja2 module with macros head/interfaces/tail."""

    template: str
    values: Any


@dataclass
class Contribution:
    """What one service adds to its device."""

    interfaces: list[Interface] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    access_lists: "list[AccessList]" = field(default_factory=list)   # numbered on merge
    owner: str = ""    # the service or PBX it comes from (render sets a service's name)


class ValidationGap(RuntimeError):
    """Building met input that validation should have refused: a bug in configgen. It is
    raised with its traceback, never reported as a finding about the user's input (not a
    ValueError, which rendering reports as a template finding)."""
