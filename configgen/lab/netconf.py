"""A lab device's NETCONF face: its committed datastore drives the same dataplane as its CLI.

A lab device with `transport: netconf` also runs a configgen.netconf.labserver on
127.0.0.1. Every time its running datastore changes (a commit, a cancel-commit, a
confirmed commit rolled back by its timeout), the datastore is translated to the
device's CLI form and becomes the simulator's running config (`SimDevice.commit`):
intent.py then derives the namespace's addresses, GRE tunnels and routes from it exactly
as it does after CLI edits, and the CLI (`display current-configuration`, pings) sees
what NETCONF committed.

Translated: interface addresses (main/primary; Huawei `sub` addresses), `ip unnumbered`,
shutdown, GRE tunnel source and destination, static routes (next hop address or
interface), and on IOS-XE `ip nat inside|outside`, the PAT rule and its standard ACL.
Not translated (the lab does not enforce them for NETCONF devices): inbound ACLs,
static NAT, policing.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Callable

from configgen.lab.config import ConfigTree

if TYPE_CHECKING:
    from configgen.lab.device import SimDevice


def _local(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _children(element: ET.Element | None, *path: str) -> list[ET.Element]:
    """Descendants of `element` through the local names `path`."""
    level = [element] if element is not None else []
    for name in path:
        level = [c for e in level for c in e if _local(c) == name]
    return level


def _text(element: ET.Element | None, *path: str) -> str | None:
    found = _children(element, *path)
    return (found[0].text or "").strip() if found else None


def _top(document: str) -> list[ET.Element]:
    return list(ET.fromstring(f"<root>{document}</root>")) if document.strip() else []


def huawei_lines(document: str) -> list[tuple[str | None, str]]:
    """(section header or None, line) in VRP CLI form for a VRP8 datastore."""
    lines: list[tuple[str | None, str]] = []
    for top in _top(document):
        for interface in _children(top, "interfaces", "interface") if _local(top) == "ifm" else []:
            name = _text(interface, "name")
            if not name:
                continue
            header = f"interface {name}"
            lines.append((None, header))
            if _text(interface, "admin-status") == "down":
                lines.append((header, "shutdown"))
            for address in _children(interface, "ipv4", "addresses", "address"):
                ip, mask = _text(address, "ip"), _text(address, "mask")
                if ip and mask:
                    lines.append((header, f"ip address {ip} {mask}" + (" sub" if _text(address, "type") == "sub"
                                                                       else "")))
            unnumbered = _text(interface, "ipv4", "unnumbered-address", "unnumbered-if-name")
            if unnumbered:
                lines.append((header, f"ip address unnumbered interface {unnumbered}"))
            for gre in _children(interface, "tunnel-protocol", "gre-tunnel"):
                lines.append((header, "tunnel-protocol gre"))
                source = _text(gre, "if-name") or _text(gre, "address")
                if source:
                    lines.append((header, f"source {source}"))
                destination = _text(gre, "destination", "address")
                if destination:
                    lines.append((header, f"destination {destination}"))
        instances = _children(top, "instances", "instance") if _local(top) == "network-instance" else []
        for instance in instances:
            if _text(instance, "name") != "_public_":
                continue
            for af in _children(instance, "afs", "af"):
                for route in _children(af, "routing", "static-routing", "unicast-route2s", "unicast-route2"):
                    prefix, length = _text(route, "prefix"), _text(route, "mask-length")
                    hops = [_text(h, "address") for h in _children(route, "nexthop-addresses", "nexthop-address")]
                    hops += [_text(h, "interface-name")
                             for h in _children(route, "nexthop-interfaces", "nexthop-interface")]
                    lines += [(None, f"ip route-static {prefix} {length} {hop}") for hop in hops if hop]
    return lines


def cisco_lines(document: str) -> list[tuple[str | None, str]]:
    """(section header or None, line) in IOS CLI form for an IOS-XE native datastore."""
    lines: list[tuple[str | None, str]] = []
    for native in (t for t in _top(document) if _local(t) == "native"):
        for interface in (i for group in _children(native, "interface") for i in group):
            number = _text(interface, "name")
            if not number:
                continue
            header = f"interface {_local(interface)}{number}"
            lines.append((None, header))
            if _children(interface, "shutdown"):
                lines.append((header, "shutdown"))
            for primary in _children(interface, "ip", "address", "primary"):
                address, mask = _text(primary, "address"), _text(primary, "mask")
                if address and mask:
                    lines.append((header, f"ip address {address} {mask}"))
            unnumbered = _text(interface, "ip", "unnumbered")
            if unnumbered:
                lines.append((header, f"ip unnumbered {unnumbered}"))
            for side in ("inside", "outside"):
                if _children(interface, "ip", "nat", side):
                    lines.append((header, f"ip nat {side}"))
            source = _text(interface, "tunnel", "source")
            if source:
                lines.append((header, f"tunnel source {source}"))
            destination = _text(interface, "tunnel", "destination-config", "ipv4")
            if destination:
                lines.append((header, f"tunnel destination {destination}"))
        for route in _children(native, "ip", "route", "ip-route-interface-forwarding-list"):
            prefix, mask = _text(route, "prefix"), _text(route, "mask")
            for hop in _children(route, "fwd-list"):
                if _text(hop, "fwd"):
                    lines.append((None, f"ip route {prefix} {mask} {_text(hop, 'fwd')}"))
        for rule in _children(native, "ip", "nat", "inside", "source", "list-interface", "list"):
            for out in _children(rule, "interface"):
                overload = " overload" if _children(out, "overload-new") else ""
                lines.append((None, f"ip nat inside source list {_text(rule, 'id')} interface "
                                    f"{_text(out, 'name')}{overload}"))
        for acl in _children(native, "ip", "access-list", "standard"):
            header = f"ip access-list standard {_text(acl, 'name')}"
            lines.append((None, header))
            for entry in _children(acl, "access-list-seq-rule"):
                for action in ("permit", "deny"):
                    for ace in _children(entry, action, "std-ace"):
                        if _text(ace, "host"):
                            lines.append((header, f"{action} host {_text(ace, 'host')}"))
                        elif _text(ace, "ipv4-address-prefix"):
                            lines.append((header, f"{action} {_text(ace, 'ipv4-address-prefix')} "
                                                  f"{_text(ace, 'mask') or '0.0.0.0'}"))
                        elif _children(ace, "any"):
                            lines.append((header, f"{action} any"))
    return lines


LINES = {"huawei-vrp8": huawei_lines, "cisco-iosxe-native": cisco_lines}


def datastore_tree(base: ConfigTree, kind: str, document: str) -> ConfigTree:
    """`base` (the device's factory config: hostname, its cabled interfaces) plus the
    datastore `document` in CLI form."""
    tree = base.copy()
    sections = {}
    for header, line in LINES[kind](document):
        if header is None:
            if line.startswith(("interface ", "ip access-list ")):
                sections[line] = tree.section(tree.root, line)
            else:
                tree.set_line(tree.root, line)
        else:
            tree.set_line(sections[header], line)
    return tree


def follow(device: SimDevice, kind: str) -> Callable[[str], None]:
    """The `on_change` of `device`'s NETCONF server: the committed datastore becomes the
    simulator's running config, and its namespace follows (SimDevice.commit)."""
    def on_change(running: str) -> None:
        device.commit(datastore_tree(device.factory_config(), kind, running))
    return on_change
