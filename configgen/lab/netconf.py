"""A lab device's NETCONF face: its committed datastore drives the same dataplane as its CLI.

A lab device with `transport: netconf` also runs a configgen.netconf.labserver on
127.0.0.1. Every time its running datastore changes (a commit, a cancel-commit, a
confirmed commit rolled back by its timeout), the datastore is translated to the
device's CLI form and becomes the simulator's running config (`SimDevice.commit`):
intent.py then derives the namespace's addresses, GRE tunnels and routes from it exactly
as it does after CLI edits, and the CLI (`display current-configuration`, pings) sees
what NETCONF committed.

Translated, by the vendors' YANG models (Huawei NE40E 8.22.0, Cisco IOS-XE 17.15.1), not
by configgen's payload code, so a wrong payload gives a wrong dataplane: interface
addresses (main/primary; Huawei `sub` addresses), `ip unnumbered`, shutdown, GRE tunnel
source and destination, static routes (next hop address or interface), and on IOS-XE
`ip nat inside|outside`, the PAT rule, standard and extended ACLs (Cisco-IOS-XE-acl:
every rule with its sequence number, in sequence order, the current and the deprecated
host/prefix leaves) and `ip access-group NAME in|out` (the binding's `in`/`out` leaf is
the CLI's direction keyword: without it nothing is bound). intent.py and acl.py then
enforce them exactly as for a CLI device: the inbound ACL filters, the PAT rule's ACL
selects what is translated, and a rule element the lab does not model (object groups,
TCP flags, dscp, ttl, several ports) is written as its keyword, so the lab leaves that
rule out, as it does a typed one.

Not translated (the CLI face does not show them): static NAT and the policing
policy-map with its service-policy bindings. The lab does not enforce these for CLI
devices either (it only stores and shows the typed lines), so nothing is lost in traffic.
Huawei ACLs, traffic-filter, CAR and NAT: no VRP8 payload carries them (VRP8 internet
lines are refused), so a VRP8 datastore has none to translate.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Callable

from configgen.lab.config import ConfigTree
from configgen.netconf.xmltree import elements, local

if TYPE_CHECKING:
    from configgen.lab.device import SimDevice


def _children(element: ET.Element | None, *path: str) -> list[ET.Element]:
    """Descendants of `element` through the local names `path`."""
    level = [element] if element is not None else []
    for name in path:
        level = [c for e in level for c in e if local(c) == name]
    return level


def _text(element: ET.Element | None, *path: str) -> str | None:
    found = _children(element, *path)
    return (found[0].text or "").strip() if found else None


def huawei_lines(document: str) -> list[tuple[str | None, str]]:
    """(section header or None, line) in VRP CLI form for a VRP8 datastore."""
    lines: list[tuple[str | None, str]] = []
    for top in elements(document):
        for interface in _children(top, "interfaces", "interface") if local(top) == "ifm" else []:
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
        instances = _children(top, "instances", "instance") if local(top) == "network-instance" else []
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
    for native in (t for t in elements(document) if local(t) == "native"):
        for interface in (i for group in _children(native, "interface") for i in group):
            number = _text(interface, "name")
            if not number:
                continue
            header = f"interface {local(interface)}{number}"
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
            for direction in ("in", "out"):
                for acl in _children(interface, "ip", "access-group", direction, "acl"):
                    if _text(acl, "acl-name") and _children(acl, direction):
                        lines.append((header, f"ip access-group {_text(acl, 'acl-name')} {direction}"))
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
        for kind in ("standard", "extended"):
            for acl in _children(native, "ip", "access-list", kind):
                header = f"ip access-list {kind} {_text(acl, 'name')}"
                lines.append((None, header))
                lines += [(header, entry) for entry in _cisco_acl_entries(acl, kind)]
    return lines


# Cisco-IOS-XE-acl, grouping ipv4-acl-src-dst-addr-port-grouping: the leaves of each side's
# address choice (any, host, address + wildcard) and port choice, in CLI order.
_SIDES = (("any", ("host-address", "host"), ("ipv4-address", "mask"), "src"),
          ("dst-any", ("dst-host-address", "dst-host"), ("dest-ipv4-address", "dest-mask"), "dst"))
_ACE_KNOWN = {"action", "protocol", "established", "named-msg-type", "log", "log-input"}


def _ace_address(ace: ET.Element, any_leaf: str, host_leaves: tuple[str, ...], prefix: tuple[str, str]) -> str:
    """One side's address choice in CLI form (`any`, `host A`, `A W`)."""
    if _children(ace, any_leaf):
        return "any"
    for leaf in host_leaves:
        if _text(ace, leaf):
            return f"host {_text(ace, leaf)}"
    return " ".join(w for w in (_text(ace, prefix[0]), _text(ace, prefix[1])) if w)


def _ace_ports(ace: ET.Element, side: str) -> str:
    """One side's port choice: `eq P [P...]`, `gt P`, `lt P`, `neq P [P...]`, `range P Q`."""
    for operator in ("eq", "neq"):
        ports = [_text(ace, f"{side}-{operator}")] + [_text(ace, f"{side}-{operator}-port{n}") for n in range(2, 11)]
        if ports[0]:
            return f"{operator} " + " ".join(p for p in ports if p)
    for operator in ("gt", "lt"):
        if _text(ace, f"{side}-{operator}"):
            return f"{operator} {_text(ace, f'{side}-{operator}')}"
    low, high = _text(ace, f"{side}-range1"), _text(ace, f"{side}-range2")
    return f"range {low} {high}" if low and high else ""


def _ace_rule(ace: ET.Element) -> str:
    """An extended ACL `ace-rule` in CLI form. Leaves the lab does not model (object
    groups, TCP flags, dscp, ttl...) are written as their keyword, which makes the entry
    one the lab's ACL reader leaves out (configgen/lab/acl.py), as for a typed line."""
    words = [_text(ace, "action") or "", _text(ace, "protocol") or ""]
    known = set(_ACE_KNOWN)
    for any_leaf, hosts, prefix, side in _SIDES:
        words += [_ace_address(ace, any_leaf, hosts, prefix), _ace_ports(ace, side)]
        known |= {any_leaf, *hosts, *prefix, f"{side}-eq", f"{side}-neq", f"{side}-gt", f"{side}-lt",
                  f"{side}-range1", f"{side}-range2"}
        known |= {f"{side}-{op}-port{n}" for op in ("eq", "neq") for n in range(2, 11)}
    words += [leaf for leaf in ("established",) if _children(ace, leaf)]
    words.append(_text(ace, "named-msg-type") or "")
    words += [f"{local(c)} {(c.text or '').strip()}".strip() for c in ace if local(c) not in known]
    words += [leaf for leaf in ("log", "log-input") if _children(ace, leaf)]
    return " ".join(w for w in words if w)


def _cisco_acl_entries(acl: ET.Element, kind: str) -> list[str]:
    """A standard or extended ACL's entries in CLI form, in sequence order, each rule with
    its sequence number (the list's key), so two entries with the same rule stay two."""
    entries = []
    for entry in _children(acl, "access-list-seq-rule"):
        sequence = _text(entry, "sequence") or ""
        if _text(entry, "remark"):
            entries.append((sequence, f"remark {_text(entry, 'remark')}"))
        if kind == "extended":
            for ace in _children(entry, "ace-rule"):
                entries.append((sequence, f"{sequence} {_ace_rule(ace)}"))
            continue
        for action in ("permit", "deny"):
            for ace in _children(entry, action, "std-ace"):
                # grouping ipv4-std-ace-grouping; `ipv4-prefix` and `host` are the deprecated
                # spellings. A prefix without its wildcard is one host (`permit A`).
                prefix = "ipv4-address-prefix" if _children(ace, "ipv4-address-prefix") else "ipv4-prefix"
                source = _ace_address(ace, "any", ("host-address", "host"), (prefix, "mask"))
                words = (sequence, action, source, "log" if _children(ace, "log") else "")
                entries.append((sequence, " ".join(w for w in words if w)))
    return [line for _, line in sorted(entries, key=lambda e: int(e[0]) if e[0].isdigit() else 0)]


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
