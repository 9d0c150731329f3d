"""Internet dedicated line (docs/references.md §3): a public /30 to the operator's PE, a default
route through it, a public block, NAT or a routed LAN, a security policy and the
contracted rate.

Per service, the customer router gets
- the /30 interconnect on the WAN and the LAN gateway address;
- one default route, via the /30 peer;
- NAT variant: PAT of the LAN to the WAN address, plus any static mappings of public-block
  addresses to inside hosts; routed variant: the public block is the LAN, no NAT;
- an inbound filter on the WAN (`security_policy`), in both variants;
- the contracted rate, policed in both directions on the WAN.
Every number and name is decided here; templates only spell them.

This module is the `internet_line` service kind (`KIND`, configgen.kinds): its inventory
model, the subnets it claims and its IP-plan checks, the platform features it needs, its
build, its verification pings and its side of the lab.
"""

# No `from __future__ import annotations`: pydantic would compile each field's annotation
# from its text (start-up time); only the names imported for type checking are quoted.
import ipaddress
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from configgen.findings import Finding, Places, repeated
from configgen.inventory.schema import Lan, ServiceBase, VerifyPings, Wan
from configgen.inventory.types import IPv4Address, IPv4Network, Port, Rate, Strict, format_rate
from configgen.kinds import ServiceKind
from configgen.platforms import Platform
from configgen.services.addressing import (attachment_interface, host_route, interconnect_peer, owner_description,
                                          route_label)
from configgen.services.ipplan import (
    NEVER_A_SOURCE,
    Claim,
    OperatorAddress,
    check_in_lan,
    host_address,
    interface_family,
    special_purpose,
)
from configgen.services.model import Contribution, Route, Section, WanPolicy
from configgen.services.policy import AccessList, AclRule, RateLimit, StaticNatEntry

if TYPE_CHECKING:
    from configgen.labside import LabSide
    from configgen.services.steps import PingStep

DEFAULT_ROUTE = ipaddress.IPv4Network("0.0.0.0/0")
DNS_PORT = 53
SSH_PORT = 22    # management access to the router itself (push and engineers use SSH)
# ICMP the verification pings and path diagnosis need (docs/references.md §3): replies to the
# customer's own pings and traceroutes, and echo so the operator can ping the router.
ICMP_TYPES = ("echo-reply", "unreachable", "time-exceeded")
RULE_STEP = 5    # VRP numbers rules in steps of 5, leaving room to insert by hand
# docs/references.md §3: a line comes with 1 to 16 public addresses; more are billed per address.
INCLUDED_PUBLIC_ADDRESSES = 16


class InboundRule(Strict):
    """One thing the internet may reach: a TCP or UDP port on one public address."""

    protocol: Literal["tcp", "udp"] = Field(description="tcp or udp")
    port: Port = Field(description="destination port the internet may reach (1-65535)")
    to: IPv4Address = Field(description="public address: in the public block (routed) or a static_nat public address")


class StaticNat(Strict):
    """A public-block address mapped to an inside host (NAT variant). With protocol and
    port only that port is forwarded (the same port inside); without, the whole address."""

    public: IPv4Address = Field(description="address of the public block the internet reaches")
    inside: IPv4Address = Field(description="inside host on the LAN it maps to")
    protocol: Literal["tcp", "udp"] | None = Field(None, description="with port: forward only this protocol's port")
    port: Port | None = Field(None, description="with protocol: the one port forwarded (same port inside)")

    @model_validator(mode="after")
    def _port_needs_protocol(self) -> "StaticNat":
        if (self.protocol is None) != (self.port is None):
            raise ValueError("give protocol and port together (one port forwarded) or neither (the whole address)")
        return self


class InternetLineService(ServiceBase):
    """Internet dedicated line (docs/internet-line.md): /30 to the operator's PE, default route,
    a public block, NAT or routed LAN, an inbound security policy, the contracted rate."""

    kind: Literal["internet_line"] = Field(description="service kind: internet_line (docs/internet-line.md)")
    bandwidth: Rate = Field(description="contracted rate: 2M, 10M, 100M tiers or any rate such as 20M or 512K")
    wan: Wan = Field(description="the /30 interconnect towards the operator's PE (default route)")
    lan: Lan
    public_block: IPv4Network = Field(description="public addresses the operator allocated to this line")
    extra_addresses_billed: bool = Field(
        False, description="the public block holds more than the 16 addresses a line includes; "
                           "the extra addresses are billed per address (docs/references.md §3)")
    nat: bool = Field(description="true: PAT of the LAN to the WAN address; false: the LAN uses the public block")
    static_nat: list[StaticNat] = Field([], description="NAT variant: public-block addresses mapped to inside hosts")
    inbound: list[InboundRule] = Field([], description="the security policy: what the internet may reach")
    server: IPv4Address | None = Field(None, description="customer server on the LAN, pinged by verification")
    verify: VerifyPings = []


def build(service: Any, device: Any, platform: Platform, inventory: Any) -> Contribution:
    peer = interconnect_peer(service.wan)
    rate = format_rate(service.bandwidth)
    police = route_label(service.name, "POLICE", rate)
    limit = RateLimit(kbps=service.bandwidth, policy=police,
                      description=owner_description(service.name, f"rate {rate}"),
                      car_direction_last=platform.render.car_direction_last)
    nat_acl = (AccessList(route_label(service.name, "NAT"), "source",
                          [AclRule(RULE_STEP, "permit", "ip", source=service.lan.address.network)],
                          description=owner_description(service.name, "NAT"))
               if service.nat else None)
    static_nat = [StaticNatEntry(m.public, m.inside, m.protocol, m.port) for m in service.static_nat]
    policy = AccessList(route_label(service.name, "INET-IN"), "extended",
                        security_policy(service, platform, management_sources(inventory.operator, device)),
                        description=owner_description(service.name, "INET-IN"))
    wan = attachment_interface(
        service.wan, service.name, f"INTERNET-DL {service.name} {rate} to PE {peer}/{service.wan.address.network.prefixlen}",
        bandwidth_kbps=service.bandwidth, nat="outside" if service.nat else None, nat_source_acl=nat_acl,
        static_nat=static_nat, inbound_acl=policy, rate_limit=limit)
    lan_role = "LAN" if service.nat else f"LAN public block {service.public_block}"
    lan = attachment_interface(service.lan, service.name, f"{service.name} {lan_role}",
                               nat="inside" if service.nat else None)
    values = WanPolicy(wan=wan)
    return Contribution(
        interfaces=[wan, lan],
        routes=[Route(DEFAULT_ROUTE, str(peer), route_label(service.name, "DEFAULT-TO-PE"))],
        sections=[Section(template=f"{platform.render.template_dir}/internet_line.j2", values=values)],
        access_lists=[acl for acl in (nat_acl, policy) if acl is not None],
    )


def management_sources(operator: Any, device: Any) -> list[ipaddress.IPv4Network]:
    """Where the router may be managed from over the internet line: the operator's
    management networks, then the device's own, each once, in inventory order."""
    sources: list[ipaddress.IPv4Network] = []
    for network in [*getattr(operator, "management_sources", ()), *getattr(device, "management_from", ())]:
        if network not in sources:
            sources.append(network)
    return sources


def security_policy(service: Any, platform: Platform,
                    management: list[ipaddress.IPv4Network] | tuple[ipaddress.IPv4Network, ...] = ()) -> list[AclRule]:
    """Inbound on the WAN, first match wins:
    1. what `inbound` opens, by public address (the ACL is checked before NAT, so the
       NAT variant names the static mapping's public address, docs/references.md §3);
    2. return traffic of sessions the customer opened: TCP with ACK or RST set, and DNS
       replies (UDP from port 53). Other UDP replies are not stateless-matchable and stay
       blocked: see docs/internet-line.md;
    3. ICMP: the types verification and path diagnosis need, and echo to the router's WAN
       address (the operator pings it); platforms without confirmed ICMP-type syntax
       permit all ICMP instead;
    4. management: SSH (tcp 22) from each `management` network to the router's own WAN
       address, so an engineer managing the router over the line keeps his session when
       the filter is applied (without it the final deny locks him out);
    5. deny everything else.
    Return-traffic rules name no destination, so they hold whether a platform filters
    before or after NAT."""
    rules: list[tuple[Literal["permit", "deny"], Literal["ip", "tcp", "udp", "icmp"], dict[str, Any]]] = []
    for opened in service.inbound:
        rules.append(("permit", opened.protocol, dict(destination=host_route(opened.to),
                                                      destination_port=opened.port)))
    rules.append(("permit", "tcp", dict(established=True)))
    rules.append(("permit", "udp", dict(source_port=DNS_PORT)))
    if platform.render.acl_icmp_types:
        rules += [("permit", "icmp", dict(icmp_type=icmp_type)) for icmp_type in ICMP_TYPES]
        rules.append(("permit", "icmp", dict(destination=host_route(service.wan.address.ip), icmp_type="echo")))
    else:
        rules.append(("permit", "icmp", {}))
    for network in management:
        rules.append(("permit", "tcp", dict(source=network, destination=host_route(service.wan.address.ip),
                                            destination_port=SSH_PORT)))
    rules.append(("deny", "ip", {}))
    return [AclRule(RULE_STEP * index, action, protocol, **match)
            for index, (action, protocol, match) in enumerate(rules, start=1)]


def verify_targets(service: Any, inventory: Any) -> "list[PingStep]":
    """The docs/references.md §3 verification, in order; a failure names the broken segment."""
    from configgen.services.steps import PingStep, runbook_steps   # verify's: loaded when it plans

    peer = interconnect_peer(service.wan)
    assert peer is not None, "validation refuses a WAN that is not one of a /30's two hosts"
    test = inventory.operator.internet_test_address
    steps = runbook_steps(
        service, peer, f"the access circuit to the operator's PE {peer} is up",
        test, f"the default route and the operator's network reach the internet test address {test}")
    back = "NAT of the LAN works" if service.nat else f"the operator routes {service.public_block} back to the line"
    steps.append(PingStep(test, service.lan.interface, "customer LAN", f"LAN hosts reach the internet: {back}"))
    return steps


def claims(service: Any, path: tuple[Any, ...]) -> Iterator[Claim]:
    """The subnets an internet line uses: interconnect, LAN, public block."""
    yield Claim(service.wan.address.network, "interconnect", service.device, service.name,
                path + ("wan", "address"), interface_family(service.device, service.wan))
    if service.nat:
        # The block is only for static mappings; the LAN is private and separate.
        lan_family, block_family = interface_family(service.device, service.lan), None
    else:
        # Routed: the LAN is (part of) the public block, by design.
        lan_family = block_family = ("routed public block", service.device, service.name)
    yield Claim(service.lan.address.network, "LAN", service.device, service.name,
                path + ("lan", "address"), lan_family)
    yield Claim(service.public_block, "public block", service.device, service.name,
                path + ("public_block",), block_family)


def check(service: Any, path: tuple[Any, ...], inventory: Any) -> Iterator[Finding]:
    sources = inventory.sources
    block = service.public_block
    lan = service.lan.address.network
    yield from _check_public_block(block, path + ("public_block",), inventory.lab, sources)
    if block.num_addresses > INCLUDED_PUBLIC_ADDRESSES and not service.extra_addresses_billed:
        yield sources.finding(
            path + ("public_block",),
            f"{block} holds {block.num_addresses} addresses; a line includes 1 to {INCLUDED_PUBLIC_ADDRESSES} "
            f"(docs/references.md §3) and more are billed per address: use a /28 or smaller, or set "
            "`extra_addresses_billed: true` once the extra addresses are on the contract",
            code="public-block-too-large")
    if service.nat:
        if not special_purpose(lan, documentation_too=True):
            yield sources.finding(
                path + ("lan", "address"),
                f"with nat: true the LAN {lan} is public space that belongs to someone else on the internet; "
                "use a private (RFC 1918) LAN such as 192.168.1.0/24, or nat: false with the LAN inside "
                "public_block", severity="warning", code="public-lan-behind-nat")
    else:
        if not lan.subnet_of(block):
            example = (f", e.g. {block.network_address + 1}/{block.prefixlen}" if block.prefixlen <= 30 else "")
            yield sources.finding(
                path + ("lan", "address"),
                f"with nat: false the LAN hosts use the allocated public addresses, so the LAN {lan} must lie "
                f"inside public_block {block}{example}; or set nat: true to translate a private LAN",
                code="lan-outside-public-block")
        for index, _ in enumerate(service.static_nat):
            yield sources.finding(
                path + ("static_nat", index),
                "static_nat needs nat: true; with nat: false the hosts already use public addresses: "
                "open them to the internet with `inbound`", code="static-nat-without-nat")
    yield from _check_internet_interconnect(service, path, inventory.lab, sources)
    if service.server is not None:
        yield from check_in_lan(service.server, service.lan.address, path + ("server",), "server", sources)
    if service.nat:
        yield from _check_static_nat_conflicts(service, path, sources)
    for index, mapping in enumerate(service.static_nat if service.nat else ()):
        here = path + ("static_nat", index)
        if mapping.public not in block:
            yield sources.finding(here + ("public",),
                                  f"{mapping.public} is not in public_block {block}; static mappings use the "
                                  "line's own public addresses", code="outside-public-block")
        if mapping.inside not in lan:
            yield sources.finding(here + ("inside",),
                                  f"{mapping.inside} is not on the LAN {lan}; a static mapping points at a LAN host",
                                  code="outside-lan")
    for index, rule in enumerate(service.inbound):
        yield from _check_inbound(service, rule, path + ("inbound", index), sources)
    yield from _check_lockout(service, inventory)


def _check_internet_interconnect(service: Any, path: tuple[Any, ...], lab: bool, sources: Any) -> Iterator[Finding]:
    """An internet line's /30 to the operator's PE is public space: its address is what
    the internet sees (PAT, the operator's ping, management over the line). A private one
    is almost always a GPRS VPN interconnect pasted into an internet line, or a typo."""
    wan = service.wan.address
    what = special_purpose(wan.network, documentation_too=not lab)
    if not what:
        return
    hint = "; in a lab inventory set `lab: true` at the top of the file" if "RFC 5737" in what else ""
    example = "the public /30 the operator assigned towards its PE, e.g. 211.137.100.2/30"
    never = any(wan.network.overlaps(network) for network, _ in NEVER_A_SOURCE)
    if service.nat or never:
        consequence = ("no host can have such an address" if never else
                       f"with nat: true the LAN is translated to {wan.ip}, and the internet does not route "
                       f"{what} back to it")
        yield sources.finding(path + ("wan", "address"),
                              f"the interconnect {wan} of internet line {service.name} is {what}: {consequence}. "
                              f"Use {example} (a private /30 is a GPRS VPN interconnect: kind gprs_vpn){hint}",
                              code="interconnect-not-public")
    else:
        yield sources.finding(path + ("wan", "address"),
                              f"the interconnect {wan} of internet line {service.name} is {what}: the internet "
                              f"cannot reach {wan.ip} (the operator's ping to it, SSH from management sources). "
                              f"An internet line's interconnect is {example}; keep it only if the operator routes "
                              f"the public block over a private /30{hint}",
                              severity="warning", code="interconnect-not-public")


def _check_static_nat_conflicts(service: Any, path: tuple[Any, ...], sources: Any) -> Iterator[Finding]:
    """Static mappings the router cannot hold together: one public address and port
    forwards to one inside host, an address mapped as a whole takes no other mapping,
    and an inside host (or host and port) leaves through one public address."""
    by_public: dict[object, list[int]] = defaultdict(list)
    by_inside: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    mappings = service.static_nat
    for index, mapping in enumerate(mappings):
        by_public[mapping.public].append(index)
        by_inside[(mapping.inside, mapping.protocol, mapping.port)].append(index)

    def where(indexes: list[int]) -> list[tuple[Any, ...]]:
        return [path + ("static_nat", i) for i in indexes]

    def described(index: int) -> str:
        m = mappings[index]
        return f"{m.protocol}/{m.port} to {m.inside}" if m.port else f"all ports to {m.inside}"

    for public, indexes in by_public.items():
        if len(indexes) < 2:
            continue
        whole = [i for i in indexes if mappings[i].port is None]
        if whole:
            yield repeated(sources, where(indexes),
                           f"static_nat maps {public} {len(indexes)} times ({', '.join(map(described, indexes[:5]))}); "
                           f"a public address mapped as a whole forwards every port to one inside host and takes "
                           "no other mapping: keep one entry, or forward single ports only", code="static-nat-conflict")
            continue
        by_port: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for i in indexes:
            by_port[(mappings[i].protocol, mappings[i].port)].append(i)
        for (protocol, port), same in by_port.items():
            if len(same) > 1:
                insides = sorted({str(mappings[i].inside) for i in same})
                yield repeated(sources, where(same),
                               f"static_nat maps {public} {protocol}/{port} {len(same)} times (to "
                               f"{', '.join(insides[:5])}); one public address and port forwards to one inside "
                               "host: keep one entry", code="static-nat-conflict")
    for (inside, protocol, port), indexes in by_inside.items():
        publics = sorted({str(mappings[i].public) for i in indexes})
        if len(publics) < 2:
            continue   # the same public twice is reported above
        what = f"{inside} {protocol}/{port}" if port else f"{inside} (all ports)"
        yield repeated(sources, where(indexes),
                       f"static_nat maps {what} to {len(publics)} public addresses ({', '.join(publics[:5])}); "
                       "the router takes one static translation per inside host and port (its replies and "
                       "outgoing connections leave with one address): keep one", code="static-nat-conflict")



def _check_public_block(block: ipaddress.IPv4Network, path: tuple[Any, ...], lab: bool, sources: Any) -> Iterator[Finding]:
    what = special_purpose(block, documentation_too=not lab)
    if what:
        hint = ("; in a lab inventory set `lab: true` at the top of the file" if "RFC 5737" in what else "")
        yield sources.finding(path, f"{block} is {what}; an internet line's public block is public unicast space "
                              f"the operator allocated, e.g. 211.137.200.0/29{hint}", code="not-public")



def _check_inbound(service: Any, rule: Any, path: tuple[Any, ...], sources: Any) -> Iterator[Finding]:
    """What the internet may reach must be reachable: a LAN host of the routed public
    block, or a public address a static mapping forwards (the filter names public addresses)."""
    opened = f"{rule.protocol}/{rule.port} to {rule.to}"
    if not service.nat:
        lan = service.lan.address.network
        if rule.to not in service.public_block:
            yield sources.finding(path + ("to",), f"inbound {opened}: {rule.to} is not in public_block "
                                  f"{service.public_block}; the internet can only reach the line's public addresses",
                                  code="outside-public-block")
        elif rule.to not in lan:
            yield sources.finding(path + ("to",), f"inbound {opened}: {rule.to} is in the public block but not on "
                                  f"the LAN {lan}, so no host can have it; name a LAN host", code="outside-lan")
        return
    forwards = [m for m in service.static_nat
                if m.public == rule.to and m.protocol in (None, rule.protocol) and m.port in (None, rule.port)]
    if not forwards:
        mapped = [f"{m.protocol}/{m.port}" for m in service.static_nat if m.public == rule.to]
        what = (f"static_nat forwards only {', '.join(mapped)} of {rule.to}" if mapped
                else f"no static_nat entry forwards {rule.to}")
        yield sources.finding(
            path + ("to",),
            f"inbound {opened}: with nat: true the internet reaches only what static_nat forwards, and {what}; "
            f"add an entry, e.g. {{public: {rule.to}, inside: <LAN host>, protocol: {rule.protocol}, "
            f"port: {rule.port}}}", code="inbound-not-mapped")



def _check_lockout(service: Any, inventory: Any) -> Iterator[Finding]:
    """Push, verify and engineers connect to a device's `host`. When that is the WAN
    address of an internet line, the line's inbound policy filters the session: it ends
    in a deny, and opens SSH (port 22) only from the management sources."""
    sources = inventory.sources
    device = inventory.devices.get(service.device)
    if device is None or host_address(device.host) != service.wan.address.ip:
        return
    here, wan = ("devices", service.device, "host"), inventory.service_path(service) + ("wan", "address")
    if not management_sources(inventory.operator, device):
        yield sources.finding(
            here, f"push connects to {device.host}, the WAN address of internet line {service.name}, whose inbound "
            "policy ends in a deny and opens SSH only from management sources, and there are none: once the "
            "policy is applied the next SSH login (push, verify, an engineer) is dropped. Add the networks you "
            f"manage routers from: `management_from: [<network>]` on {service.device}, or the operator's "
            "`management_sources` (e.g. 211.137.96.0/27)", code="management-lockout", related=(wan,))
    elif device.port != SSH_PORT:
        yield sources.finding(
            here, f"push connects to {device.host} port {device.port}, the WAN address of internet line "
            f"{service.name}, whose inbound policy opens SSH from management sources on port {SSH_PORT} only: "
            f"unless something in front of the router maps port {device.port} to {SSH_PORT}, the next login is "
            "dropped", severity="warning", code="management-port-filtered", related=(wan,))




def check_all(entries: list[tuple[Any, tuple[Any, ...]]], inventory: Any) -> Iterator[Finding]:
    """A device has one default route: one internet line per device."""
    default_routes = Places()    # device -> (internet line, path)
    for service, path in entries:
        default_routes.add(service.device, (service.name, path + ("device",)))
    for device, lines in default_routes.repeated():
        first, count = lines[0][0], len(lines)
        yield repeated(inventory.sources, [path for _, path in lines], (
            f"{device} already carries internet line {first}, whose default route points to its PE; a device has "
            "one default route: put this line on another device" if count == 2 else
            f"{device} carries {count} internet lines (first {first}), each with a default route to its PE; a "
            "device has one default route: put all but one on other devices"), code="second-default-route")


def operator_addresses(service: Any, inventory: Any) -> list[OperatorAddress]:
    """The internet test address the verification pings: an operator host."""
    return [OperatorAddress(
        inventory.operator.internet_test_address, "internet test address", ("operator", "internet_test_address"),
        "the operator's public test address (211.137.58.20 in Hubei)",
        "it is an operator host outside every customer subnet, or the ping that proves "
        "the path to the internet would be answered inside the customer's network")]


def features(service: Any) -> list[str]:
    """The platform features its rendering depends on, in the order findings name them."""
    needed = ["nat"] if service.nat or service.static_nat else []
    return needed + ["inbound_filter", "rate_limit"]   # every internet line has both


def lab(service: Any, inventory: Any) -> "LabSide":
    """The operator's PE in the lab: the internet test address answers on its loopback."""
    from configgen.labside import LabSide   # the lab's: loaded when it builds this node

    test = str(inventory.operator.internet_test_address)
    # The operator routes the public block to the customer; a NATed private LAN
    # gets no route, so only translated traffic can come back.
    return LabSide("internet PE", "p", loopbacks=[test],
                   routes=[(str(service.public_block), f"via {service.wan.address.ip}")],
                   targets={"internet_test_address": test})


KIND = ServiceKind(
    name="internet_line", model=InternetLineService, claims=claims, build=build, check=check, check_all=check_all,
    operator_addresses=operator_addresses, features=features, exclusive_interfaces=True, opens_management=True,
    verify_targets=verify_targets, lab=lab)
