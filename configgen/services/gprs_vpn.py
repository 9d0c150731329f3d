"""GPRS VPN (docs/references.md §2): a GRE tunnel from the customer router to the GPRS core.

Per service, the customer router gets
- the /30 interconnect on the WAN interface, which is also the tunnel source;
- the LAN gateway address;
- a tunnel to the GRE endpoint, addressed `ip unnumbered <wan>` (never the manual's
  overlapping /24 on Huawei) or a distinct `tunnel_address`;
- a host route to the GRE endpoint via the /30 peer, and one route per terminal pool
  into the tunnel (forgetting one silently cuts those terminals off).

This module is the `gprs_vpn` service kind (`KIND`, configgen.kinds): its inventory model,
the subnets it claims and its IP-plan checks, its build, its verification pings and its
side of the lab.
"""

# No `from __future__ import annotations`: pydantic would compile each field's annotation
# from its text (start-up time); only the names imported for type checking are quoted.
import ipaddress
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from configgen.findings import Finding, Places, repeated
from configgen.inventory.schema import Lan, ServiceBase, VerifyPings, Wan
from configgen.inventory.types import Apn, IPv4Address, IPv4Interface, IPv4Network
from configgen.kinds import ServiceKind
from configgen.platforms import Platform
from configgen.services.addressing import (attachment_interface, host_route, interconnect_peer, owner_description,
                                          route_label)
from configgen.services.ipplan import Claim, OperatorAddress, check_host_address, check_in_lan, interface_family
from configgen.services.model import Contribution, GreTunnel, Route, Section

if TYPE_CHECKING:
    from configgen.labside import LabSide
    from configgen.services.steps import PingStep


class GprsVpnService(ServiceBase):
    """GPRS VPN: GRE tunnel from the customer router to the operator's GPRS core (docs/gprs-vpn.md)."""

    kind: Literal["gprs_vpn"] = Field(description="service kind: gprs_vpn (docs/gprs-vpn.md)")
    apn: Apn = Field(description="the customer's APN as the GPRS core knows it, e.g. WHLOG.HB")
    wan: Wan = Field(description="the /30 interconnect towards the operator (GRE source)")
    lan: Lan
    tunnel: Annotated[int, Field(strict=True, ge=0, le=1023, description="tunnel number: Tunnel<n> on IOS, IOS-XE and "
                                 "VRP8 routers, Tunnel0/0/<n> on AR, Tunnel<slot>/0/<n> on CE switches")]
    tunnel_address: IPv4Interface | None = Field(
        None, description="distinct tunnel address instead of `ip unnumbered <wan>` (must not overlap any subnet)")
    gre_endpoint: IPv4Address | None = Field(None, description="overrides operator.gre_endpoint for this service")
    terminal_pools: Annotated[list[IPv4Network], Field(
        min_length=1, description="address pools of the customer's mobile terminals, routed into the tunnel")]
    server: IPv4Address | None = Field(None, description="customer server on the LAN, pinged by verification")
    verify_terminal: IPv4Address | None = Field(
        None, description="a terminal address in a pool, pinged through the tunnel from the LAN by verification")
    verify: VerifyPings = []


def gre_endpoint(service: Any, operator: Any) -> ipaddress.IPv4Address:
    endpoint: ipaddress.IPv4Address = service.gre_endpoint or operator.gre_endpoint
    return endpoint


def build(service: Any, device: Any, platform: Platform, inventory: Any) -> Contribution:
    endpoint = gre_endpoint(service, inventory.operator)
    peer = interconnect_peer(service.wan)
    tunnel_name = platform.render.tunnel_interface(service.tunnel, service.wan.interface)
    wan = attachment_interface(
        service.wan, service.name, f"INTERCONNECT {service.name} to operator GPRS router {peer}/30 APN {service.apn}",
        gre_source=platform.render.gre_source_binding)
    lan = attachment_interface(service.lan, service.name, f"{service.name} LAN")
    tunnel = GreTunnel(
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


def verify_targets(service: Any, inventory: Any) -> "list[PingStep]":
    """The docs/references.md §2 verification, in order; a failure names the broken segment."""
    from configgen.services.steps import PingStep, runbook_steps   # verify's: loaded when it plans

    peer = interconnect_peer(service.wan)
    assert peer is not None, "validation refuses a WAN that is not one of a /30's two hosts"
    endpoint = gre_endpoint(service, inventory.operator)
    steps = runbook_steps(
        service, peer, f"the transmission circuit to the operator's GPRS router {peer} is up",
        endpoint, f"the operator's routing to GRE endpoint {endpoint} is up (says nothing about the customer side)")
    if service.verify_terminal is not None:
        steps.append(PingStep(service.verify_terminal, service.lan.interface, "tunnel",
                              f"terminal {service.verify_terminal} answers through the GRE tunnel from the LAN"))
    return steps


def claims(service: Any, path: tuple[Any, ...]) -> Iterator[Claim]:
    """The subnets a GPRS VPN uses: interconnect, LAN, terminal pools, tunnel address."""
    yield Claim(service.wan.address.network, "interconnect", service.device, service.name,
                path + ("wan", "address"), interface_family(service.device, service.wan))
    yield Claim(service.lan.address.network, "LAN", service.device, service.name,
                path + ("lan", "address"), interface_family(service.device, service.lan))
    for index, pool in enumerate(service.terminal_pools):
        yield Claim(pool, "terminal pool", service.device, service.name, path + ("terminal_pools", index))
    if service.tunnel_address is not None:
        yield Claim(service.tunnel_address.network, "tunnel address", service.device, service.name,
                    path + ("tunnel_address",))


def check(service: Any, path: tuple[Any, ...], inventory: Any) -> Iterator[Finding]:
    sources = inventory.sources
    lan = service.lan.address
    if service.server is not None:
        yield from check_in_lan(service.server, lan, path + ("server",), "server", sources)
    if service.verify_terminal is not None and not any(service.verify_terminal in p for p in service.terminal_pools):
        pools = ", ".join(str(p) for p in service.terminal_pools)
        yield sources.finding(path + ("verify_terminal",),
                              f"{service.verify_terminal} is in none of this service's terminal pools ({pools}); "
                              "name a terminal address from one of them", code="terminal-outside-pool")
    if service.tunnel_address is not None:
        yield from check_host_address(service.tunnel_address, path + ("tunnel_address",), "tunnel address", sources)
    for index, pool in enumerate(service.terminal_pools):
        if pool.prefixlen > 30:
            yield sources.finding(path + ("terminal_pools", index),
                                  f"{pool} is too small for a terminal pool; the operator grants /24 blocks",
                                  code="pool-too-small")


def check_all(entries: list[tuple[Any, tuple[Any, ...]]], inventory: Any) -> Iterator[Finding]:
    """Across a device's GPRS VPNs: tunnel numbers, GRE source/endpoint pairs and the
    host route to each endpoint are unique."""
    sources = inventory.sources
    tunnels = Places()           # (device, tunnel number) -> path
    gre_pairs = Places()         # (device, source interface, endpoint as int) -> path
    endpoint_routes: dict[tuple[str, object], tuple[object, tuple[Any, ...]]] = {}
    for service, path in entries:
        tunnels.add((service.device, service.tunnel), path + ("tunnel",))
        endpoint = gre_endpoint(service, inventory.operator)
        gre_pairs.add((service.device, service.wan.interface, int(endpoint)), path + ("tunnel",))
        peer = interconnect_peer(service.wan)
        route_key = (service.device, int(endpoint))
        if route_key in endpoint_routes and peer is not None and endpoint_routes[route_key][0] != peer:
            yield sources.finding(path + ("wan",),
                                  f"{service.device} would route GRE endpoint {endpoint} via {peer} here and via "
                                  f"{endpoint_routes[route_key][0]} for another service; one host route only",
                                  code="route-conflict", related=(endpoint_routes[route_key][1],))
        elif peer is not None:
            endpoint_routes.setdefault(route_key, (peer, path + ("wan",)))
    for (device, tunnel), paths in tunnels.repeated():
        yield repeated(sources, paths, (
            f"tunnel {tunnel} is already used on {device}; tunnel numbers are unique per device: pick a free number"
            if len(paths) == 2 else
            f"tunnel {tunnel} is used {len(paths)} times on {device}; tunnel numbers are unique per device: pick "
            "free numbers for all but one"), code="duplicate-tunnel")
    for (device, interface, value), paths in gre_pairs.repeated():
        endpoint = ipaddress.IPv4Address(value)
        yield repeated(sources, paths, (
            f"another GRE tunnel on {device} already runs from {interface} to {endpoint}; without GRE keys the two "
            "cannot be told apart: carry both APNs in one service or use another WAN" if len(paths) == 2 else
            f"{len(paths)} GRE tunnels on {device} run from {interface} to {endpoint}; without GRE keys they cannot "
            "be told apart: carry their APNs in one service or use other WANs"), code="duplicate-gre")


def operator_addresses(service: Any, inventory: Any) -> list[OperatorAddress]:
    """The GRE endpoint: on the operator's core, outside every customer subnet."""
    path = (inventory.service_path(service) + ("gre_endpoint",) if service.gre_endpoint
            else ("operator", "gre_endpoint"))
    return [OperatorAddress(
        gre_endpoint(service, inventory.operator), "GRE endpoint", path,
        "the operator's GPRS core tunnel address (211.137.63.13 in Hubei)",
        "the endpoint is on the operator's core, outside every customer subnet and pool, "
        "or the tunnel would route into itself")]


def sample_terminal(pool: ipaddress.IPv4Network) -> str:
    """A terminal address inside a pool: host 10 (or the first host of a small pool)."""
    hosts = pool.num_addresses - 2
    return str(pool.network_address + (10 if hosts >= 10 else 1))


def lab(service: Any, inventory: Any) -> "LabSide":
    """The GPRS core in the lab: the GRE endpoint and one terminal per pool (and the
    verification terminal) answer on its loopback, behind a GRE forwarder."""
    from configgen.labside import LabSide   # the lab's: loaded when it builds this node

    endpoint = str(gre_endpoint(service, inventory.operator))
    terminals = [sample_terminal(pool) for pool in service.terminal_pools]
    verify = service.verify_terminal
    if verify is not None and str(verify) not in terminals:
        terminals.append(str(verify))
    # Everything not on the /30 goes back through the tunnel, whatever address the
    # customer sources from (LAN, unnumbered WAN or a distinct tunnel address).
    return LabSide("GPRS core", "g", loopbacks=[endpoint, *terminals], gre_local=endpoint,
                   targets={"gre_endpoint": endpoint, "terminals": terminals})


KIND = ServiceKind(
    name="gprs_vpn", model=GprsVpnService, claims=claims, build=build, check=check, check_all=check_all,
    operator_addresses=operator_addresses, verify_targets=verify_targets, lab=lab)
