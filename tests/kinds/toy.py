"""A toy service kind, whole in this module plus templates/<vendor>/toy_beacon.j2: the
proof that adding a kind touches no other file (tests/test_service_kinds.py).

A "beacon" line: a WAN /30 and a LAN like every kind, plus a host route to a beacon
address via the /30 peer, a comment block printed by the kind's own template, and one
verification ping to the beacon."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from configgen.findings import Finding
from configgen.inventory.schema import DeviceKey, Lan, ServiceName, Wan
from configgen.inventory.types import IPv4Address, Strict
from configgen.kinds import ServiceKind
from configgen.labside import LabSide
from configgen.services.addressing import host_route, interconnect_peer, route_label
from configgen.services.ipplan import Claim, interface_family
from configgen.services.model import Contribution, Interface, Route, Section
from configgen.services.steps import PingStep


class ToyBeaconService(Strict):
    """Toy: a line whose far end answers on a beacon address."""

    kind: Literal["toy_beacon"] = Field(description="service kind: toy_beacon")
    name: ServiceName
    device: DeviceKey
    wan: Wan = Field(description="the /30 towards the beacon's network")
    lan: Lan
    beacon: IPv4Address = Field(description="the address that answers")


@dataclass(frozen=True)
class BeaconValues:
    beacon: str
    via: str


def claims(service: Any, path: tuple[Any, ...]) -> Iterator[Claim]:
    yield Claim(service.wan.address.network, "interconnect", service.device, service.name,
                path + ("wan", "address"), interface_family(service.device, service.wan))
    yield Claim(service.lan.address.network, "LAN", service.device, service.name,
                path + ("lan", "address"), interface_family(service.device, service.lan))


def check(service: Any, path: tuple[Any, ...], inventory: Any) -> Iterator[Finding]:
    if service.beacon in service.lan.address.network:
        yield inventory.sources.finding(path + ("beacon",), f"beacon {service.beacon} is on the LAN; name a far host",
                                        code="toy-beacon-on-lan")


def build(service: Any, device: Any, platform: Any, inventory: Any) -> Contribution:
    peer = str(interconnect_peer(service.wan))
    return Contribution(
        interfaces=[Interface(service.wan.interface, f"{service.name} beacon line", service.wan.address),
                    Interface(service.lan.interface, f"{service.name} LAN", service.lan.address)],
        routes=[Route(host_route(service.beacon), peer, route_label(service.name, "BEACON"))],
        sections=[Section(f"{platform.render.template_dir}/toy_beacon.j2", BeaconValues(str(service.beacon), peer))])


def verify_targets(service: Any, inventory: Any) -> list[PingStep]:
    return [PingStep(service.beacon, None, "operator routing", f"beacon {service.beacon} answers")]


def lab(service: Any, inventory: Any) -> LabSide:
    return LabSide("beacon node", "b", loopbacks=[str(service.beacon)])


KIND = ServiceKind(name="toy_beacon", model=ToyBeaconService, claims=claims, build=build, check=check,
                   verify_targets=verify_targets, lab=lab, template_dir=Path(__file__).parent / "templates",
                   finding_codes={"toy-beacon-on-lan": "a toy beacon on the LAN it is meant to be reached from"})
