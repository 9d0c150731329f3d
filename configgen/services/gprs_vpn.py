"""GPRS VPN (docs/references.md §2): a GRE tunnel from the customer router to the GPRS core.

Per service, the customer router gets
- the /30 interconnect on the WAN interface, which is also the tunnel source;
- the LAN gateway address;
- a tunnel to the GRE endpoint, addressed `ip unnumbered <wan>` (never the manual's
  overlapping /24 on Huawei) or a distinct `tunnel_address`;
- a host route to the GRE endpoint via the /30 peer, and one route per terminal pool
  into the tunnel (forgetting one silently cuts those terminals off).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from configgen.platforms import Platform
from configgen.services.addressing import host_route, interconnect_peer, owner_description, route_label
from configgen.services.model import Addressed, Contribution, Interface, PingStep, Route, Section, runbook_steps


@dataclass(frozen=True)
class GprsTunnel(Addressed):
    """Values for the tunnel interface, all decided here; templates only spell them."""

    name: str
    description: str
    source: str                                   # the WAN interface (docs/references.md §2)
    destination: str                              # the GRE endpoint
    unnumbered: str | None                        # interface lent its address, or None
    address: ipaddress.IPv4Interface | None       # distinct tunnel address, or None


def gre_endpoint(service, operator) -> ipaddress.IPv4Address:
    return service.gre_endpoint or operator.gre_endpoint


def build(service, device, platform: Platform, inventory) -> Contribution:
    endpoint = gre_endpoint(service, inventory.operator)
    peer = interconnect_peer(service.wan)
    tunnel_name = platform.render.tunnel_interface(service.tunnel, service.wan.interface)
    wan = Interface(
        name=service.wan.interface,
        description=service.wan.description
        or f"INTERCONNECT {service.name} to operator GPRS router {peer}/30 APN {service.apn}",
        address=service.wan.address,
        owners=[service.name],
        gre_source=platform.render.gre_source_binding,
    )
    lan = Interface(
        name=service.lan.interface,
        description=service.lan.description or f"{service.name} LAN",
        address=service.lan.address,
        owners=[service.name],
    )
    tunnel = GprsTunnel(
        name=tunnel_name,
        # The marker names the service; the default text need not repeat it (IOS takes 240 characters).
        description=owner_description(service.name, service.description
                                      or f"GPRS-VPN APN {service.apn} to GRE endpoint {endpoint}"),
        source=service.wan.interface,
        destination=str(endpoint),
        unnumbered=None if service.tunnel_address else service.wan.interface,
        address=service.tunnel_address,
    )
    routes = [Route(host_route(endpoint), str(peer), route_label(service.name, "GRE-ENDPOINT"))]
    routes += [
        Route(pool, tunnel_name, route_label(service.name, f"POOL{index}"))
        for index, pool in enumerate(service.terminal_pools, start=1)
    ]
    section = Section(template=f"{platform.render.template_dir}/gprs_vpn.j2", values=tunnel)
    return Contribution(interfaces=[wan, lan], routes=routes, sections=[section])


def verify_targets(service, inventory) -> list[PingStep]:
    """The docs/references.md §2 verification, in order; a failure names the broken segment."""
    peer = interconnect_peer(service.wan)
    endpoint = gre_endpoint(service, inventory.operator)
    steps = runbook_steps(
        service, peer, f"the transmission circuit to the operator's GPRS router {peer} is up",
        endpoint, f"the operator's routing to GRE endpoint {endpoint} is up (says nothing about the customer side)")
    if service.verify_terminal is not None:
        steps.append(PingStep(service.verify_terminal, service.lan.interface, "tunnel",
                              f"terminal {service.verify_terminal} answers through the GRE tunnel from the LAN"))
    return steps
