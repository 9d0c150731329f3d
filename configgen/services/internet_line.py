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
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from configgen.inventory.types import format_rate
from configgen.platforms import Platform
from configgen.services.addressing import host_route, interconnect_peer, owner_description, route_label
from configgen.services.model import (
    AccessList,
    AclRule,
    Contribution,
    Interface,
    PingStep,
    RateLimit,
    Route,
    Section,
    StaticNatEntry,
    runbook_steps,
)

DEFAULT_ROUTE = ipaddress.IPv4Network("0.0.0.0/0")
DNS_PORT = 53
SSH_PORT = 22    # management access to the router itself (push and engineers use SSH)
# ICMP the verification pings and path diagnosis need (docs/references.md §3): replies to the
# customer's own pings and traceroutes, and echo so the operator can ping the router.
ICMP_TYPES = ("echo-reply", "unreachable", "time-exceeded")
RULE_STEP = 5    # VRP numbers rules in steps of 5, leaving room to insert by hand


@dataclass(frozen=True)
class InternetLineValues:
    """What the service's own template block spells: the ACLs, the policing policy and
    the global NAT statements (on Cisco; VRP puts NAT on the WAN interface)."""

    wan: str
    nat_acl: AccessList | None
    static_nat: list[StaticNatEntry]
    security_policy: AccessList
    rate_limit: RateLimit


def build(service, device, platform: Platform, inventory) -> Contribution:
    peer = interconnect_peer(service.wan)
    rate = format_rate(service.bandwidth)
    police = route_label(service.name, "POLICE", rate)
    limit = RateLimit(kbps=service.bandwidth, policy=police,
                      description=owner_description(service.name, f"rate {rate}"))
    nat_acl = (AccessList(route_label(service.name, "NAT"), "source",
                          [AclRule(RULE_STEP, "permit", "ip", source=service.lan.address.network)],
                          description=owner_description(service.name, "NAT"))
               if service.nat else None)
    static_nat = [StaticNatEntry(m.public, m.inside, m.protocol, m.port) for m in service.static_nat]
    policy = AccessList(route_label(service.name, "INET-IN"), "extended",
                        security_policy(service, platform, management_sources(inventory.operator, device)),
                        description=owner_description(service.name, "INET-IN"))
    wan = Interface(
        name=service.wan.interface,
        description=service.wan.description
        or f"INTERNET-DL {service.name} {rate} to PE {peer}/{service.wan.address.network.prefixlen}",
        address=service.wan.address,
        owners=[service.name],
        bandwidth_kbps=service.bandwidth,
        nat="outside" if service.nat else None,
        nat_source_acl=nat_acl,
        static_nat=static_nat,
        inbound_acl=policy,
        rate_limit=limit,
    )
    lan_role = "LAN" if service.nat else f"LAN public block {service.public_block}"
    lan = Interface(
        name=service.lan.interface,
        description=service.lan.description or f"{service.name} {lan_role}",
        address=service.lan.address,
        owners=[service.name],
        nat="inside" if service.nat else None,
    )
    values = InternetLineValues(wan=service.wan.interface, nat_acl=nat_acl, static_nat=static_nat,
                                security_policy=policy, rate_limit=limit)
    return Contribution(
        interfaces=[wan, lan],
        routes=[Route(DEFAULT_ROUTE, str(peer), route_label(service.name, "DEFAULT-TO-PE"))],
        sections=[Section(template=f"{platform.render.template_dir}/internet_line.j2", values=values)],
        access_lists=[acl for acl in (nat_acl, policy) if acl is not None],
    )


def management_sources(operator, device) -> list[ipaddress.IPv4Network]:
    """Where the router may be managed from over the internet line: the operator's
    management networks, then the device's own, each once, in inventory order."""
    sources: list[ipaddress.IPv4Network] = []
    for network in [*getattr(operator, "management_sources", ()), *getattr(device, "management_from", ())]:
        if network not in sources:
            sources.append(network)
    return sources


def security_policy(service, platform: Platform, management: list | tuple = ()) -> list[AclRule]:
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
    rules: list[tuple] = []
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


def verify_targets(service, inventory) -> list[PingStep]:
    """The docs/references.md §3 verification, in order; a failure names the broken segment."""
    peer = interconnect_peer(service.wan)
    test = inventory.operator.internet_test_address
    steps = runbook_steps(
        service, peer, f"the access circuit to the operator's PE {peer} is up",
        test, f"the default route and the operator's network reach the internet test address {test}")
    back = "NAT of the LAN works" if service.nat else f"the operator routes {service.public_block} back to the line"
    steps.append(PingStep(test, service.lan.interface, "customer LAN", f"LAN hosts reach the internet: {back}"))
    return steps
