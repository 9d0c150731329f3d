"""Vendor-neutral per-device configuration: what services contribute, templates print.

Services turn inventory entries into these values; `merge` combines every service that
lands on one device; templates only spell the values in vendor syntax.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Interface:
    """A physical (or sub-) interface configured by one or more services."""

    name: str
    description: str
    address: ipaddress.IPv4Interface | None = None
    owners: list[str] = field(default_factory=list)   # service names, for findings and docs

    @property
    def ip(self) -> str:
        return str(self.address.ip)

    @property
    def mask(self) -> str:
        return str(self.address.netmask)


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


@dataclass
class DeviceConfig:
    """Everything rendered for one device, merged across services."""

    name: str
    hostname: str
    platform: Any
    interfaces: list[Interface] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Indexes for merging; plain attributes, not fields, so templates never see them.
        self._by_name = {i.name: i for i in self.interfaces}
        self._route_keys = {r.key for r in self.routes}

    def add(self, contribution: Contribution) -> None:
        for interface in contribution.interfaces:
            existing = self._by_name.get(interface.name)
            if existing is None:
                self.interfaces.append(interface)
                self._by_name[interface.name] = interface
                continue
            # Validation guarantees one address per interface; a shared interface keeps
            # the first description and records every service using it.
            if existing.address != interface.address:
                raise ValueError(f"{self.name}: {interface.name} given two addresses "
                                 f"({existing.address}, {interface.address}); validation should have refused this")
            existing.owners.extend(o for o in interface.owners if o not in existing.owners)
        for route in contribution.routes:
            if route.key not in self._route_keys:  # two services, one route: render it once
                self.routes.append(route)
                self._route_keys.add(route.key)
        self.sections.extend(contribution.sections)
