"""Lab topology from an inventory: namespaces, cables, operator-side addresses.

Pure data, no side effects, so it is unit-testable without root. Per inventory device
one namespace; per WAN interconnect one operator node (GPRS core or internet PE); per
LAN one server namespace. The customer routers start with cables only: their addresses,
routes and tunnels come from the pushed config.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from configgen import kinds
from configgen.lab import ifnames
from configgen.platforms import platform_for
from configgen.services.addressing import interconnect_peer

GRE_DEV = "gre0"       # operator-side TUN device of the userspace GRE forwarder


class PlanError(ValueError):
    """The inventory cannot be laid out as a lab (the message says why)."""


@dataclass
class Link:
    """A veth pair: `a_dev` in `a_ns` <-> `b_dev` in `b_ns`."""
    a_ns: str
    a_dev: str
    b_ns: str
    b_dev: str


@dataclass
class Gre:
    """An operator-side userspace GRE forwarder (the CE side comes from pushed config)."""
    ns: str
    dev: str
    local: str
    remote: str


@dataclass
class DevicePlan:
    name: str
    vendor: str
    os: str
    hostname: str
    device_type: str            # netmiko device_type
    namespace: str
    interfaces: dict[str, str]  # canonical CLI interface name -> Linux dev in `namespace`


@dataclass
class ServiceTargets:
    """What a service's verification pings, all reachable inside the lab."""
    kind: str
    device: str
    peer: str                               # operator side of the /30
    lan_gateway: str
    lan_interface: str
    server: str | None = None
    gre_endpoint: str | None = None
    terminals: list[str] = field(default_factory=list)   # one sample per terminal pool
    internet_test_address: str | None = None


@dataclass
class LabPlan:
    prefix: str
    namespaces: dict[str, str] = field(default_factory=dict)       # ns -> role/label
    links: list[Link] = field(default_factory=list)
    addresses: list[tuple[str, str, str]] = field(default_factory=list)   # (ns, dev, cidr)
    routes: list[tuple[str, str, str]] = field(default_factory=list)      # (ns, prefix, "via X"|"dev Y")
    gre: list[Gre] = field(default_factory=list)
    devices: dict[str, DevicePlan] = field(default_factory=dict)
    services: dict[str, ServiceTargets] = field(default_factory=dict)


def _peer(wan: Any) -> str:
    peer = interconnect_peer(wan)      # the operator address configgen renders routes to
    if peer is None:
        raise PlanError(f"WAN {wan.address} is not a /30 and has no `peer`")
    return str(peer)


def build_plan(inventory: Any, prefix: str) -> LabPlan:
    """The lab for `inventory` (the `configgen.inventory` model), namespaces named `<prefix>-...`."""
    plan = LabPlan(prefix)
    counters: dict[str, int] = {}

    def new_ns(kind: str, label: str) -> str:
        n = counters.get(kind, 0)
        counters[kind] = n + 1
        name = f"{prefix}-{kind}{n}"
        plan.namespaces[name] = label
        return name

    for name, dev in inventory.devices.items():
        plan.devices[name] = DevicePlan(
            name, dev.vendor, dev.os, dev.hostname or name,
            platform_for(dev).delivery.netmiko_type, new_ns("d", f"device {name}"), {})

    lans: dict[tuple[str, str], str] = {}     # (device, LAN interface) -> server namespace
    for service in inventory.services:
        setup = kinds.of(service).lab
        if setup is None:
            continue     # a kind without an IP dataplane in the lab
        if service.device not in plan.devices:
            raise PlanError(f"service {service.name}: unknown device {service.device}")
        dp = plan.devices[service.device]
        wan_if = _plug(dp, service.wan.interface, service.name)
        peer = _peer(service.wan)
        side = setup(service, inventory)
        op_ns = new_ns(side.letter, f"{side.node} for {service.name}")
        plan.links.append(Link(dp.namespace, wan_if, op_ns, "ce"))
        plan.addresses.append((op_ns, "ce", f"{peer}/{service.wan.address.network.prefixlen}"))

        lan_key = (service.device, ifnames.canonical(dp.vendor, service.lan.interface) or service.lan.interface)
        if lan_key not in lans:
            lan_if = _plug(dp, service.lan.interface, service.name)
            lans[lan_key] = new_ns("s", f"LAN {lan_key[1]} of {service.device}")
            plan.links.append(Link(dp.namespace, lan_if, lans[lan_key], "lan"))
        server_ns = lans[lan_key]
        server = getattr(service, "server", None)     # a kind may have no customer server
        targets = ServiceTargets(service.kind, service.device, peer, str(service.lan.address.ip),
                                 service.lan.interface, None if server is None else str(server), **side.targets)
        if server is not None:
            plan.addresses.append((server_ns, "lan", f"{server}/{service.lan.address.network.prefixlen}"))
            # only a LAN with a server address can route: the kernel refuses a gateway off-link
            route = (server_ns, "default", f"via {service.lan.address.ip}")
            if route not in plan.routes:
                plan.routes.append(route)

        plan.addresses += [(op_ns, "lo", f"{address}/32") for address in side.loopbacks]
        if side.gre_local is not None:
            plan.gre.append(Gre(op_ns, GRE_DEV, side.gre_local, str(service.wan.address.ip)))
            plan.routes.append((op_ns, "default", f"dev {GRE_DEV}"))
        plan.routes += [(op_ns, prefix, via) for prefix, via in side.routes]
        plan.services[service.name] = targets
    return plan


def _plug(dp: DevicePlan, interface: str, service: str) -> str:
    """Give device interface `interface` a cable; one cable per interface."""
    canon = ifnames.canonical(dp.vendor, interface)
    if canon is None:
        raise PlanError(f"service {service}: interface {interface!r} is not a {dp.vendor} interface name")
    if canon in dp.interfaces:
        raise PlanError(f"service {service}: {dp.name} {canon} is already cabled to another service "
                        "(the lab gives each WAN its own operator node)")
    dp.interfaces[canon] = ifnames.linux_name(dp.vendor, canon)
    return dp.interfaces[canon]
