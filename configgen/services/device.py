"""One device's configuration: every service that lands on it merged (`DeviceConfig.add`),
what render's templates and the NETCONF payload print. Loaded by render, not by
validation (start-up time)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from configgen.services.model import ETHERNET, Contribution, Interface, Route, Section, ValidationGap

if TYPE_CHECKING:
    from configgen.services.policy import AccessList


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
                interface.routed_port = self.platform.render.ports_layer2 and re.match(ETHERNET, interface.name) is not None
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
