"""What a device's platform family cannot do, and its name and length rules.

The families and their reasons are data in configgen/platforms.py (docs/rendered-lines.md
gives the vendor documents): a service that needs a feature its device's family has no
documented form for is refused here, never rendered as a guess.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

from configgen import kinds
from configgen.findings import Finding
from configgen.inventory.types import NAME
from configgen.platforms import Platform, platform_for

FEATURE_NAMES = {
    "nat": "NAT",
    "inbound_filter": "an inbound packet filter on the WAN",
    "rate_limit": "policing of the contracted rate on the WAN",
}


def needed_features(service: Any) -> list[str]:
    """The platform features a service's rendering depends on, in the order findings name
    them (its kind's `features`)."""
    return kinds.of(service).features(service)


def check(inventory: Any) -> Iterable[Finding]:
    sources = inventory.sources
    for name, device in inventory.devices.items():
        yield from _hostname(sources, name, device, platform_for(device))
    for service in inventory.services:
        device = inventory.devices.get(service.device)
        if device is None:
            continue                 # references.py reports the unknown device
        platform = platform_for(device)
        if device.transport == "netconf":
            platform = platform.over_netconf()
        path = inventory.service_path(service)
        refused = False
        for feature in needed_features(service):
            why = platform.refusal(feature)
            if why is not None:
                refused = True
                yield sources.finding(path + ("kind",), (
                    f"{service.kind} {service.name} needs {FEATURE_NAMES[feature]}, which device {service.device} "
                    f"({platform.family}, os: {device.os}) cannot do: {why}; put this service on a device of "
                    "another family"), code="unsupported-on-platform")
        if not refused and platform.limits.any_length:
            yield from _lengths(inventory, service, device, platform, path)


def _hostname(sources: Any, name: str, device: Any, platform: Platform) -> Iterator[Finding]:
    hostname = device.hostname or name
    if not NAME.fullmatch(hostname):
        return                       # not a name at all: the schema's `invalid-name` says so
    path = ("devices", name, "hostname") if device.hostname else ("devices", name)
    what = "hostname" if device.hostname else "device name (the hostname when `hostname` is not given)"
    limits = platform.limits
    if limits.hostname_pattern is not None and not re.fullmatch(limits.hostname_pattern, hostname):
        yield sources.finding(path, f"{what} {hostname!r} is not a {platform.family} hostname: use "
                                    f"{limits.hostname_rule}", code="hostname-rule")
    if limits.hostname_max is not None and len(hostname) > limits.hostname_max:
        yield sources.finding(path, f"{what} {hostname!r} has {len(hostname)} characters; {platform.family} "
                                    f"allows at most {limits.hostname_max}", code="hostname-rule")

def _lengths(inventory: Any, service: Any, device: Any, platform: Platform, path: tuple[Any, ...]) -> Iterator[Finding]:
    """Descriptions and labels as they will be rendered (owner marker included) against the
    family's limits. The service's own builder makes them: one recipe, no copy here."""
    try:
        contribution = kinds.of(service).build(service, device, platform, inventory)
    except (ValueError, TypeError, AttributeError):
        return                       # an entry broken otherwise has its own findings
    limits = platform.limits
    texts: list[tuple[str, str, int | None]] = []   # (what, text, limit)
    for interface in contribution.interfaces:
        texts.append((f"description of {interface.name}", interface.description, limits.interface_description_max))
        if interface.rate_limit is not None:
            texts.append((f"name of the rate-limit policy on {interface.name}", interface.rate_limit.policy,
                          limits.policy_name_max))
    for section in contribution.sections:
        name, description = getattr(section.values, "name", None), getattr(section.values, "description", None)
        if isinstance(description, str):
            texts.append((f"description of {name}", description, limits.interface_description_max))
        limit = getattr(section.values, "rate_limit", None)
        if limit is not None and limit.description:
            texts.append((f"description of policy {limit.policy}", limit.description, limits.interface_description_max))
    for acl in contribution.access_lists:
        texts.append((f"description of ACL {acl.name}", acl.description, limits.acl_description_max))
    for route in contribution.routes:
        texts.append((f"label of the route to {route.prefix}", route.name, limits.route_label_max))
    for what, text, limit in texts:
        if limit is not None and len(text) > limit:
            yield inventory.sources.finding(path, (
                f"{service.kind} {service.name}: the {what} on device {service.device} would be {len(text)} "
                f"characters ({text[:40]}...); {platform.family} allows at most {limit}: shorten the "
                "service's description or name"), code="too-long-for-platform")
