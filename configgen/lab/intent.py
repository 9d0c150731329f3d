"""From a simulated router's config tree to the Linux state of its namespace.

`Desired` is what the kernel should hold; `dataplane.DeviceNamespace.apply` reconciles
the namespace to it. Deriving it from the whole tree after every change (instead of
acting on each typed line) makes `no`/`undo`, replaced values and line order all work
the same way: whatever the running config says is what the kernel does.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from configgen.lab import acl as inbound_acl, ifnames
from configgen.lab.config import ConfigTree, Node


@dataclass(frozen=True)
class Route:
    prefix: str                 # "10.166.12.0/24"
    via: str | None = None      # next-hop address
    dev: str | None = None      # Linux device
    blackhole: bool = False     # route to Null0 / NULL0


@dataclass(frozen=True)
class Desired:
    addresses: frozenset[tuple[str, str]] = frozenset()            # (dev, "a.b.c.d/len")
    down: frozenset[str] = frozenset()                             # devs administratively down
    tunnels: frozenset[str] = frozenset()                          # TUN devs that must exist
    forwarders: frozenset[tuple[str, str, str]] = frozenset()      # (dev, local, remote) GRE
    routes: frozenset[Route] = frozenset()
    nat: frozenset[tuple[str, str | None]] = frozenset()           # (out dev, source prefix|None)
    filters: frozenset[inbound_acl.Filter] = frozenset()                   # inbound interface ACLs (acl.py)


def prefix_len(mask: str) -> int | None:
    """Dotted mask or prefix length -> length; None for a non-contiguous or bad mask."""
    if mask.isdigit():
        n = int(mask)
        return n if 0 <= n <= 32 else None
    try:
        return ipaddress.IPv4Network(f"0.0.0.0/{mask}").prefixlen
    except ValueError:
        return None


def is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
        return True
    except ValueError:
        return False


def _network(addr: str, length: int) -> str | None:
    try:
        return str(ipaddress.IPv4Network(f"{addr}/{length}", strict=True))
    except ValueError:
        return None


def _wildcard_prefix(addr: str, wildcard: str) -> str | None:
    """ACL `A W` (wildcard mask) -> "A/len" for contiguous wildcards."""
    try:
        inverted = str(ipaddress.IPv4Address(int(ipaddress.IPv4Address(wildcard)) ^ 0xFFFFFFFF))
    except ValueError:
        return None
    length = prefix_len(inverted)
    return None if length is None else _network(addr, length)


@dataclass
class _Interfaces:
    """The `interface` sections of a tree, resolved to Linux devices."""
    vendor: str
    links: dict[str, str]                      # canonical name -> Linux dev (lab cables)
    nodes: dict[str, Node] = field(default_factory=dict)

    def dev(self, name: str) -> str | None:
        canon = ifnames.canonical(self.vendor, name)
        if canon is None:
            return None
        if canon in self.links:
            return self.links[canon]
        if canon.startswith("Tunnel") and canon in self.nodes:
            return ifnames.linux_name(self.vendor, canon)
        return None

    def primary_address(self, name: str) -> tuple[str, int] | None:
        node = self.nodes.get(ifnames.canonical(self.vendor, name) or "")
        for child in node.children if node else []:
            tokens = child.text.split()
            if tokens[:2] == ["ip", "address"] and len(tokens) >= 4 and tokens[-1] not in ("secondary", "sub"):
                length = prefix_len(tokens[3])
                if is_ipv4(tokens[2]) and length is not None:
                    return tokens[2], length
        return None


def _collect_interfaces(tree: ConfigTree, links: dict[str, str]) -> _Interfaces:
    ifs = _Interfaces(tree.vendor, links)
    for node in tree.top("interface "):
        canon = ifnames.canonical(tree.vendor, node.text.split(None, 1)[1])
        if canon:
            ifs.nodes[canon] = node
    return ifs


def interface_address(tree: ConfigTree, name: str) -> str | None:
    """Primary address of interface `name` in `tree` (for `ping ... source IF`)."""
    primary = _collect_interfaces(tree, {}).primary_address(name)
    return primary[0] if primary else None


def _resolve_source(ifs: _Interfaces, source: str | None) -> str | None:
    if source is None:
        return None
    if is_ipv4(source):
        return source
    primary = ifs.primary_address(source)
    return primary[0] if primary else None


def _route(ifs: _Interfaces, prefix: str, mask: str, targets: list[str]) -> Route | None:
    length = prefix_len(mask)
    network = _network(prefix, length) if length is not None else None
    if network is None or not targets:
        return None
    if is_ipv4(targets[0]):
        return Route(network, via=targets[0])
    canon = ifnames.canonical(ifs.vendor, targets[0])
    if canon and ifnames.is_null(canon):
        return Route(network, blackhole=True)
    dev = ifs.dev(targets[0])
    if dev is None:
        return None
    via = targets[1] if len(targets) > 1 and is_ipv4(targets[1]) else None
    return Route(network, via=via, dev=dev)


def _interface_state(ifs: _Interfaces, tunnel_lines: tuple[str, str, str]
                     ) -> tuple[set[tuple[str, str]], set[str], set[str], set[tuple[str, str, str]]]:
    """Addresses, shut interfaces, TUN devices and GRE forwarders of all interfaces.

    `tunnel_lines` names the vendor's (source, destination, protocol) keywords."""
    src_kw, dst_kw, proto_kw = tunnel_lines
    addresses: set[tuple[str, str]] = set()
    down: set[str] = set()
    tunnels: set[str] = set()
    forwarders: set[tuple[str, str, str]] = set()
    for canon, node in ifs.nodes.items():
        dev = ifs.dev(canon)
        if dev is None:
            continue
        settings = {c.text for c in node.children}
        if "shutdown" in settings:
            down.add(dev)
        for child in node.children:
            tokens = child.text.split()
            if tokens[:2] == ["ip", "address"] and len(tokens) >= 4 and is_ipv4(tokens[2]):
                length = prefix_len(tokens[3])
                if length is not None:
                    addresses.add((dev, f"{tokens[2]}/{length}"))
        if not canon.startswith("Tunnel"):
            continue
        tunnels.add(dev)
        values = {}
        for child in node.children:
            for kw in tunnel_lines:
                if child.text.startswith(kw + " "):
                    values[kw] = child.text[len(kw) + 1:].strip()
        local = _resolve_source(ifs, values.get(src_kw))
        remote = values.get(dst_kw)
        # IOS defaults to `tunnel mode gre ip`; VRP needs `tunnel-protocol gre` explicitly.
        proto_ok = values.get(proto_kw, "gre ip" if ifs.vendor == "cisco" else None) in ("gre", "gre ip")
        if proto_ok and local and remote and is_ipv4(remote):
            forwarders.add((dev, local, remote))
    return addresses, down, tunnels, forwarders


def _acl_sources(entries: list[list[str]]) -> list[str | None]:
    """Permitted source prefixes of standard/basic ACL entries (None = any)."""
    sources: list[str | None] = []
    for tokens in entries:
        if "permit" not in tokens:
            continue
        rest = tokens[tokens.index("permit") + 1:]
        if rest and rest[0] == "source":
            rest = rest[1:]
        if not rest or rest[0] == "any":
            sources.append(None)
        elif rest[0] == "host" and len(rest) > 1:
            sources.append(f"{rest[1]}/32")
        elif len(rest) >= 2 and (prefix := _wildcard_prefix(rest[0], rest[1])):
            sources.append(prefix)
        elif is_ipv4(rest[0]):
            sources.append(f"{rest[0]}/32")
    return sources


def desired_cisco(tree: ConfigTree, links: dict[str, str]) -> Desired:
    ifs = _collect_interfaces(tree, links)
    addresses, down, tunnels, forwarders = _interface_state(
        ifs, ("tunnel source", "tunnel destination", "tunnel mode"))
    routes = set()
    for node in tree.top("ip route "):
        tokens = node.text.split()
        if len(tokens) >= 5 and (route := _route(ifs, tokens[2], tokens[3], tokens[4:])):
            routes.add(route)
    nat = set()
    inside = any("ip nat inside" in {c.text for c in n.children} for n in ifs.nodes.values())
    for node in tree.top("ip nat inside source list "):
        tokens = node.text.split()
        if len(tokens) < 8 or tokens[6] != "interface":
            continue
        acl, out = tokens[5], tokens[7]
        out_node = ifs.nodes.get(ifnames.canonical("cisco", out) or "")
        dev = ifs.dev(out)
        if not (inside and dev and out_node and "ip nat outside" in {c.text for c in out_node.children}):
            continue
        entries = [n.text.split()[2:] for n in tree.top(f"access-list {acl} ")]
        for named in tree.top(f"ip access-list standard {acl}"):
            entries += [c.text.split() for c in named.children]
        for source in _acl_sources(entries):
            nat.add((dev, source))
    filters, _ = inbound_acl.cisco_filters(tree, ifs.nodes, ifs.dev)
    return Desired(frozenset(addresses), frozenset(down), frozenset(tunnels), frozenset(forwarders),
                   frozenset(routes), frozenset(nat), frozenset(filters))


def desired_huawei(tree: ConfigTree, links: dict[str, str]) -> Desired:
    ifs = _collect_interfaces(tree, links)
    addresses, down, tunnels, forwarders = _interface_state(ifs, ("source", "destination", "tunnel-protocol"))
    routes = set()
    for node in tree.top("ip route-static "):
        tokens = node.text.split()
        targets = [t for t in tokens[4:] if t not in ("preference", "description")]
        if len(tokens) >= 5 and (route := _route(ifs, tokens[2], tokens[3], targets[:2])):
            routes.add(route)
    acls: dict[str, list[list[str]]] = {}
    for node in tree.top("acl "):
        number = node.text.split()[-1]
        acls[number] = [c.text.split() for c in node.children]
    nat = set()
    for canon, node in ifs.nodes.items():
        dev = ifs.dev(canon)
        for child in node.children:
            tokens = child.text.split()
            if dev and tokens[:2] == ["nat", "outbound"] and len(tokens) >= 3:
                for source in _acl_sources(acls.get(tokens[2], [])):
                    nat.add((dev, source))
    filters, _ = inbound_acl.huawei_filters(tree, ifs.nodes, ifs.dev)
    return Desired(frozenset(addresses), frozenset(down), frozenset(tunnels), frozenset(forwarders),
                   frozenset(routes), frozenset(nat), frozenset(filters))
