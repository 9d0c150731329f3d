"""IP plan checks across the whole inventory (docs/references.md §2, §3).

Every subnet a service uses becomes a `Claim`. Overlaps are found with one sort and a
sweep: CIDR blocks either nest or are disjoint, so the blocks still "open" at a point
form a chain and each new block conflicts exactly with that chain. That keeps the
check O(n log n) for the 10,000-service inventories of the benchmark.
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from configgen.checks import Places, repeated
from configgen.findings import PLACES_LISTED, Finding
from configgen.services.addressing import interconnect_peer, other_host
from configgen.services.gprs_vpn import gre_endpoint
from configgen.services.internet_line import SSH_PORT, management_sources


@dataclass(slots=True)
class Claim:
    """A subnet some service uses, and where it is written."""

    network: ipaddress.IPv4Network
    role: str                     # "interconnect", "LAN", "terminal pool", "public block", ...
    device: str
    service: str
    path: tuple
    # Claims with the same non-None family may overlap: the same interface address
    # used by two services on one device, or a routed LAN inside its own public block.
    family: tuple | None = None

    def label(self) -> str:
        return f"{self.network} ({self.role} of {self.service} on {self.device})"


def span(network: ipaddress.IPv4Network) -> tuple[int, int]:
    """First and last address as integers. (ipaddress computes broadcast_address through
    hostmask, which dominated the check's profile at 10,000 services.)"""
    start = int(network.network_address)
    return start, start + (1 << (32 - network.prefixlen)) - 1


def _interface_family(device: str, attachment) -> tuple:
    return ("interface", device, attachment.interface, attachment.address)


def gprs_claims(service, path) -> Iterator[Claim]:
    yield Claim(service.wan.address.network, "interconnect", service.device, service.name,
                path + ("wan", "address"), _interface_family(service.device, service.wan))
    yield Claim(service.lan.address.network, "LAN", service.device, service.name,
                path + ("lan", "address"), _interface_family(service.device, service.lan))
    for index, pool in enumerate(service.terminal_pools):
        yield Claim(pool, "terminal pool", service.device, service.name, path + ("terminal_pools", index))
    if service.tunnel_address is not None:
        yield Claim(service.tunnel_address.network, "tunnel address", service.device, service.name,
                    path + ("tunnel_address",))


def internet_line_claims(service, path) -> Iterator[Claim]:
    yield Claim(service.wan.address.network, "interconnect", service.device, service.name,
                path + ("wan", "address"), _interface_family(service.device, service.wan))
    if service.nat:
        # The block is only for static mappings; the LAN is private and separate.
        lan_family, block_family = _interface_family(service.device, service.lan), None
    else:
        # Routed: the LAN is (part of) the public block, by design.
        lan_family = block_family = ("routed public block", service.device, service.name)
    yield Claim(service.lan.address.network, "LAN", service.device, service.name,
                path + ("lan", "address"), lan_family)
    yield Claim(service.public_block, "public block", service.device, service.name,
                path + ("public_block",), block_family)


# service kind -> claims(service, path); each service kind registers its subnets here.
CLAIMS: dict[str, Callable] = {"gprs_vpn": gprs_claims, "internet_line": internet_line_claims}

# Space that is never an internet line's public block (IANA special-purpose registry, RFC 6890).
NOT_PUBLIC = tuple((ipaddress.IPv4Network(net), what) for net, what in (
    ("0.0.0.0/8", "'this network' space"),
    ("10.0.0.0/8", "private (RFC 1918) space"),
    ("100.64.0.0/10", "shared carrier-grade NAT (RFC 6598) space"),
    ("127.0.0.0/8", "loopback space"),
    ("169.254.0.0/16", "link-local space"),
    ("172.16.0.0/12", "private (RFC 1918) space"),
    ("192.0.0.0/24", "IETF protocol assignment space"),
    ("192.168.0.0/16", "private (RFC 1918) space"),
    ("198.18.0.0/15", "benchmarking (RFC 2544) space"),
    ("224.0.0.0/4", "multicast space"),
    ("240.0.0.0/4", "reserved (class E and broadcast) space"),
))
# RFC 5737: fine in lab inventories (`lab: true`), never on a real line.
DOCUMENTATION = tuple(ipaddress.IPv4Network(net) for net in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"))
# docs/references.md §3: a line comes with 1 to 16 public addresses; more are billed per address.
INCLUDED_PUBLIC_ADDRESSES = 16


def check(inventory) -> Iterable[Finding]:
    findings: list[Finding] = []
    sources = inventory.sources
    claims: list[Claim] = []
    for service in inventory.services:
        path = inventory.service_path(service)
        findings.extend(check_interconnect(service.wan, path + ("wan",), sources))
        findings.extend(check_host_address(service.lan.address, path + ("lan", "address"), "LAN", sources))
        if service.kind == "gprs_vpn":
            findings.extend(_check_gprs_service(service, path, inventory))
        elif service.kind == "internet_line":
            findings.extend(_check_internet_line(service, path, inventory))
        claims.extend(CLAIMS[service.kind](service, path))
    findings.extend(overlaps(claims, sources))
    findings.extend(_check_operator_addresses(inventory, claims))
    findings.extend(_check_device_consistency(inventory))
    findings.extend(_check_management(inventory))
    findings.extend(_check_lockout(inventory))
    findings.extend(_check_terminal_pools(inventory, [c for c in claims if c.role == "terminal pool"]))
    return findings


def check_interconnect(wan, path: tuple, sources) -> Iterator[Finding]:
    """The interconnect is a /30 and the customer takes one of its two usable hosts."""
    address = wan.address
    network = address.network
    if network.prefixlen != 30:
        fixed = ipaddress.IPv4Interface(f"{address.ip}/30")
        hosts = list(fixed.network.hosts())
        suggestion = (f"use {address.ip}/30" if address.ip in hosts
                      else f"use {hosts[0]}/30 or {hosts[1]}/30")
        yield sources.finding(path + ("address",),
                              f"{address} is a /{network.prefixlen}; an interconnect is always a /30 "
                              f"(mask 255.255.255.252): {suggestion}", code="interconnect-not-30")
        return
    first, last = span(network)
    if int(address.ip) in (first, last):
        which = "network" if int(address.ip) == first else "broadcast"
        hosts = f"{network.network_address + 1} or {network.network_address + 2}"
        yield sources.finding(path + ("address",), f"{address} is the {which} address of its /30; use {hosts}",
                              code=f"{which}-address")
    elif wan.peer is not None:
        expected = other_host(address)
        if wan.peer != expected:
            yield sources.finding(path + ("peer",),
                                  f"peer {wan.peer} is not the other usable host of {network}; "
                                  f"the operator side of {address} is {expected} (or leave peer out)",
                                  code="peer-mismatch")


def check_host_address(address: ipaddress.IPv4Interface, path: tuple, role: str, sources) -> Iterator[Finding]:
    """A gateway (LAN, tunnel) address is a host address of a subnet that has hosts."""
    network = address.network
    if network.prefixlen > 30:
        yield sources.finding(path,
                              f"{address}: a /{network.prefixlen} {role} has no room for hosts; use /30 or shorter",
                              code="prefix-too-long")
        return
    start, end = span(network)
    first, last = ipaddress.IPv4Address(start + 1), ipaddress.IPv4Address(end - 1)
    if int(address.ip) == start:
        yield sources.finding(path,
                              f"{address} is the network address of {network}; the gateway must be a host "
                              f"address ({first} to {last}), e.g. {first}/{network.prefixlen}", code="network-address")
    elif int(address.ip) == end:
        yield sources.finding(path,
                              f"{address} is the broadcast address of {network}; use a host address "
                              f"({first} to {last}), e.g. {first}/{network.prefixlen}", code="broadcast-address")


def _check_gprs_service(service, path: tuple, inventory) -> Iterator[Finding]:
    sources = inventory.sources
    lan = service.lan.address
    if service.server is not None:
        yield from _check_in_lan(service.server, lan, path + ("server",), "server", sources)
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


def _check_internet_line(service, path: tuple, inventory) -> Iterator[Finding]:
    sources = inventory.sources
    block = service.public_block
    lan = service.lan.address.network
    yield from _check_public_block(block, path + ("public_block",), inventory.lab, sources)
    if block.num_addresses > INCLUDED_PUBLIC_ADDRESSES and not service.extra_addresses_billed:
        yield sources.finding(
            path + ("public_block",),
            f"{block} holds {block.num_addresses} addresses; a line includes 1 to {INCLUDED_PUBLIC_ADDRESSES} "
            f"(docs/references.md §3) and more are billed per address: use a /28 or smaller, or set "
            "`extra_addresses_billed: true` once the extra addresses are on the contract",
            code="public-block-too-large")
    if service.nat:
        if not _special_purpose(lan, documentation_too=True):
            yield sources.finding(
                path + ("lan", "address"),
                f"with nat: true the LAN {lan} is public space that belongs to someone else on the internet; "
                "use a private (RFC 1918) LAN such as 192.168.1.0/24, or nat: false with the LAN inside "
                "public_block", severity="warning", code="public-lan-behind-nat")
    else:
        if not lan.subnet_of(block):
            example = (f", e.g. {block.network_address + 1}/{block.prefixlen}" if block.prefixlen <= 30 else "")
            yield sources.finding(
                path + ("lan", "address"),
                f"with nat: false the LAN hosts use the allocated public addresses, so the LAN {lan} must lie "
                f"inside public_block {block}{example}; or set nat: true to translate a private LAN",
                code="lan-outside-public-block")
        for index, _ in enumerate(service.static_nat):
            yield sources.finding(
                path + ("static_nat", index),
                "static_nat needs nat: true; with nat: false the hosts already use public addresses: "
                "open them to the internet with `inbound`", code="static-nat-without-nat")
    yield from _check_internet_interconnect(service, path, inventory.lab, sources)
    if service.server is not None:
        yield from _check_in_lan(service.server, service.lan.address, path + ("server",), "server", sources)
    if service.nat:
        yield from _check_static_nat_conflicts(service, path, sources)
    for index, mapping in enumerate(service.static_nat if service.nat else ()):
        here = path + ("static_nat", index)
        if mapping.public not in block:
            yield sources.finding(here + ("public",),
                                  f"{mapping.public} is not in public_block {block}; static mappings use the "
                                  "line's own public addresses", code="outside-public-block")
        if mapping.inside not in lan:
            yield sources.finding(here + ("inside",),
                                  f"{mapping.inside} is not on the LAN {lan}; a static mapping points at a LAN host",
                                  code="outside-lan")
    for index, rule in enumerate(service.inbound):
        yield from _check_inbound(service, rule, path + ("inbound", index), sources)


def _check_internet_interconnect(service, path: tuple, lab: bool, sources) -> Iterator[Finding]:
    """An internet line's /30 to the operator's PE is public space: its address is what
    the internet sees (PAT, the operator's ping, management over the line). A private one
    is almost always a GPRS VPN interconnect pasted into an internet line, or a typo."""
    wan = service.wan.address
    what = _special_purpose(wan.network, documentation_too=not lab)
    if not what:
        return
    hint = "; in a lab inventory set `lab: true` at the top of the file" if "RFC 5737" in what else ""
    example = "the public /30 the operator assigned towards its PE, e.g. 211.137.100.2/30"
    never = any(wan.network.overlaps(network) for network, _ in NEVER_A_SOURCE)
    if service.nat or never:
        consequence = ("no host can have such an address" if never else
                       f"with nat: true the LAN is translated to {wan.ip}, and the internet does not route "
                       f"{what} back to it")
        yield sources.finding(path + ("wan", "address"),
                              f"the interconnect {wan} of internet line {service.name} is {what}: {consequence}. "
                              f"Use {example} (a private /30 is a GPRS VPN interconnect: kind gprs_vpn){hint}",
                              code="interconnect-not-public")
    else:
        yield sources.finding(path + ("wan", "address"),
                              f"the interconnect {wan} of internet line {service.name} is {what}: the internet "
                              f"cannot reach {wan.ip} (the operator's ping to it, SSH from management sources). "
                              f"An internet line's interconnect is {example}; keep it only if the operator routes "
                              f"the public block over a private /30{hint}",
                              severity="warning", code="interconnect-not-public")


def _check_static_nat_conflicts(service, path: tuple, sources) -> Iterator[Finding]:
    """Static mappings the router cannot hold together: one public address and port
    forwards to one inside host, an address mapped as a whole takes no other mapping,
    and an inside host (or host and port) leaves through one public address."""
    by_public: dict[object, list[int]] = defaultdict(list)
    by_inside: dict[tuple, list[int]] = defaultdict(list)
    mappings = service.static_nat
    for index, mapping in enumerate(mappings):
        by_public[mapping.public].append(index)
        by_inside[(mapping.inside, mapping.protocol, mapping.port)].append(index)

    def where(indexes: list[int]) -> list[tuple]:
        return [path + ("static_nat", i) for i in indexes]

    def described(index: int) -> str:
        m = mappings[index]
        return f"{m.protocol}/{m.port} to {m.inside}" if m.port else f"all ports to {m.inside}"

    for public, indexes in by_public.items():
        if len(indexes) < 2:
            continue
        whole = [i for i in indexes if mappings[i].port is None]
        if whole:
            yield repeated(sources, where(indexes),
                           f"static_nat maps {public} {len(indexes)} times ({', '.join(map(described, indexes[:5]))}); "
                           f"a public address mapped as a whole forwards every port to one inside host and takes "
                           "no other mapping: keep one entry, or forward single ports only", code="static-nat-conflict")
            continue
        by_port: dict[tuple, list[int]] = defaultdict(list)
        for i in indexes:
            by_port[(mappings[i].protocol, mappings[i].port)].append(i)
        for (protocol, port), same in by_port.items():
            if len(same) > 1:
                insides = sorted({str(mappings[i].inside) for i in same})
                yield repeated(sources, where(same),
                               f"static_nat maps {public} {protocol}/{port} {len(same)} times (to "
                               f"{', '.join(insides[:5])}); one public address and port forwards to one inside "
                               "host: keep one entry", code="static-nat-conflict")
    for (inside, protocol, port), indexes in by_inside.items():
        publics = sorted({str(mappings[i].public) for i in indexes})
        if len(publics) < 2:
            continue   # the same public twice is reported above
        what = f"{inside} {protocol}/{port}" if port else f"{inside} (all ports)"
        yield repeated(sources, where(indexes),
                       f"static_nat maps {what} to {len(publics)} public addresses ({', '.join(publics[:5])}); "
                       "the router takes one static translation per inside host and port (its replies and "
                       "outgoing connections leave with one address): keep one", code="static-nat-conflict")


def _check_public_block(block, path: tuple, lab: bool, sources) -> Iterator[Finding]:
    what = _special_purpose(block, documentation_too=not lab)
    if what:
        hint = ("; in a lab inventory set `lab: true` at the top of the file" if "RFC 5737" in what else "")
        yield sources.finding(path, f"{block} is {what}; an internet line's public block is public unicast space "
                              f"the operator allocated, e.g. 211.137.200.0/29{hint}", code="not-public")


def _special_purpose(network, documentation_too: bool) -> str | None:
    """What kind of non-public space `network` touches, or None for public unicast space."""
    for special, what in NOT_PUBLIC:
        if network.overlaps(special):
            return what
    if documentation_too and any(network.overlaps(doc) for doc in DOCUMENTATION):
        return "documentation (RFC 5737) space"
    return None


def _check_inbound(service, rule, path: tuple, sources) -> Iterator[Finding]:
    """What the internet may reach must be reachable: a LAN host of the routed public
    block, or a public address a static mapping forwards (the filter names public addresses)."""
    opened = f"{rule.protocol}/{rule.port} to {rule.to}"
    if not service.nat:
        lan = service.lan.address.network
        if rule.to not in service.public_block:
            yield sources.finding(path + ("to",), f"inbound {opened}: {rule.to} is not in public_block "
                                  f"{service.public_block}; the internet can only reach the line's public addresses",
                                  code="outside-public-block")
        elif rule.to not in lan:
            yield sources.finding(path + ("to",), f"inbound {opened}: {rule.to} is in the public block but not on "
                                  f"the LAN {lan}, so no host can have it; name a LAN host", code="outside-lan")
        return
    forwards = [m for m in service.static_nat
                if m.public == rule.to and m.protocol in (None, rule.protocol) and m.port in (None, rule.port)]
    if not forwards:
        mapped = [f"{m.protocol}/{m.port}" for m in service.static_nat if m.public == rule.to]
        what = (f"static_nat forwards only {', '.join(mapped)} of {rule.to}" if mapped
                else f"no static_nat entry forwards {rule.to}")
        yield sources.finding(
            path + ("to",),
            f"inbound {opened}: with nat: true the internet reaches only what static_nat forwards, and {what}; "
            f"add an entry, e.g. {{public: {rule.to}, inside: <LAN host>, protocol: {rule.protocol}, "
            f"port: {rule.port}}}", code="inbound-not-mapped")


def _check_in_lan(address, lan: ipaddress.IPv4Interface, path: tuple, what: str, sources) -> Iterator[Finding]:
    network = lan.network
    if address not in network:
        yield sources.finding(path, f"{what} {address} is not on the LAN {network}; "
                              f"verification pings it from the LAN side: give an address in {network}",
                              code="outside-lan")
    elif int(address) in span(network):
        yield sources.finding(path, f"{what} {address} is the network or broadcast address of {network}",
                              code="not-a-host")
    elif address == lan.ip:
        yield sources.finding(path, f"{what} {address} is the router's own LAN address; name the server's address",
                              code="own-address")


def overlaps(claims: list[Claim], sources) -> Iterator[Finding]:
    """Every conflict between claims whose subnets overlap, except within one family.
    Claims of one subnet form a group and the sweep runs over groups: n entries of one
    subnet give one finding (not n²/2), and since distinct CIDR blocks nest at most 33
    deep, each group meets at most 32 others. (Groups are runs of the sorted claims;
    lists are made only for groups that conflict, as allocations are what this costs.)"""
    spans = [span(c.network) for c in claims]
    order = sorted(range(len(claims)), key=lambda k: (spans[k][0], -spans[k][1], claims[k].path))
    chain: list[int] = []               # positions in `order` where the groups still open start
    stops: dict[int, int] = {}          # such a position -> where its group ends
    groups: dict[int, tuple[list[Claim], tuple | None]] = {}   # position -> (claims, family), once needed
    against: dict[tuple[int, tuple | None], list[Claim]] = {}  # (position, other family) -> claims in conflict

    def group_at(position: int) -> tuple[list[Claim], tuple | None]:
        if position not in groups:
            members = [claims[k] for k in order[position:stops[position]]]
            groups[position] = (members, _group_family(members))
        return groups[position]

    def conflicting(position: int, family: tuple | None) -> list[Claim]:
        """The claims of a group that conflict with a group of `family` (None: with any);
        cached, as a subnet claimed often may hold many others."""
        members = group_at(position)[0]
        if family is None:
            return members
        if (position, family) not in against:
            against[(position, family)] = [c for c in members if c.family != family]
        return against[(position, family)]

    position, total = 0, len(order)
    while position < total:
        here = spans[order[position]]
        stop = position + 1
        while stop < total and spans[order[stop]] == here:
            stop += 1
        while chain and spans[order[chain[-1]]][1] < here[0]:
            closed = chain.pop()
            del stops[closed]
            groups.pop(closed, None)
        stops[position] = stop
        if stop - position > 1 or chain:
            members, family = group_at(position)
            if len(members) > 1 and family is None:
                yield _same_subnet(members, sources)
            for outer_position in chain:
                outer_family = group_at(outer_position)[1]
                if family is not None and family == outer_family:
                    continue
                yield from _inside(conflicting(position, outer_family), conflicting(outer_position, family), sources)
        chain.append(position)
        position = stop


def _group_family(claims: list[Claim]) -> tuple | None:
    """The family every claim of a group shares, or None (no family, or several)."""
    family = claims[0].family
    return family if family is not None and all(c.family == family for c in claims) else None


def _advice(claims: Iterable[Claim]) -> str:
    return ("one device cannot use a subnet for two purposes" if len({c.device for c in claims}) == 1
            else "two customers can never share addresses")


def _same_subnet(members: list[Claim], sources) -> Finding:
    first, claim = members[0], members[1]
    advice = _advice(members)
    return repeated(sources, [c.path for c in members], (
        f"{claim.label()} is the same subnet as {first.label()}; {advice}: allocate a free {claim.role}"
        if len(members) == 2 else
        f"{claim.network} is used {len(members)} times (here as {claim.role} of {claim.service} on {claim.device}, "
        f"first as {first.role} of {first.service} on {first.device}); {advice}: allocate a free {claim.role} for "
        "all but one"), code="overlap")


def _inside(inner: list[Claim], outer: list[Claim], sources) -> Iterator[Finding]:
    """A finding for each claim of `inner` (up to PLACES_LISTED, the last counting the
    rest) inside the claims of `outer` (listed up to PLACES_LISTED)."""
    advice = _advice((*inner, *outer))
    related = tuple(c.path for c in outer[:PLACES_LISTED])
    unlisted_outer = len(outer) - PLACES_LISTED
    shown = inner[:PLACES_LISTED]
    for claim in shown:
        message = f"{claim.label()} lies inside {_group_label(outer)}; {advice}: allocate a free {claim.role}"
        notes = [f"{unlisted_outer} more places not listed"] if unlisted_outer > 0 else []
        if claim is shown[-1] and len(inner) > len(shown):
            notes.append(f"{len(inner) - len(shown)} more uses of {claim.network} lie inside it too")
        if notes:
            message += f" ({'; '.join(notes)})"
        yield sources.finding(claim.path, message, code="overlap", related=related)


def _group_label(claims: list[Claim]) -> str:
    if len(claims) == 1:
        return claims[0].label()
    first = claims[0]
    return f"{first.network} ({first.role} of {first.service} on {first.device}, and {len(claims) - 1} more uses)"


def _check_operator_addresses(inventory, claims: list[Claim]) -> Iterator[Finding]:
    """GRE endpoints and the internet test address are operator hosts: unicast, and
    outside every customer subnet, or a ping "proving" operator routing would be
    answered inside the customer's own network."""
    sources = inventory.sources
    index = ClaimIndex(claims)
    checked: set[int] = set()
    for service in inventory.services:
        if service.kind == "gprs_vpn":
            address, what = gre_endpoint(service, inventory.operator), "GRE endpoint"
            path = (inventory.service_path(service) + ("gre_endpoint",) if service.gre_endpoint
                    else ("operator", "gre_endpoint"))
            example = "the operator's GPRS core tunnel address (211.137.63.13 in Hubei)"
            why = "the endpoint is on the operator's core, outside every customer subnet and pool, " \
                  "or the tunnel would route into itself"
        elif service.kind == "internet_line":
            address, what = inventory.operator.internet_test_address, "internet test address"
            path = ("operator", "internet_test_address")
            example = "the operator's public test address (211.137.58.20 in Hubei)"
            why = "it is an operator host outside every customer subnet, or the ping that proves " \
                  "the path to the internet would be answered inside the customer's network"
        else:
            continue
        if int(address) in checked:
            continue
        checked.add(int(address))
        problem = _operator_address_problem(address, what, example, why, index)
        if problem:
            yield sources.finding(path, problem, code=f"bad-{what.replace(' ', '-').lower()}")


def _operator_address_problem(address: ipaddress.IPv4Address, what: str, example: str, why: str,
                              index: "ClaimIndex") -> str | None:
    if not_a_host(address):
        return f"{what} {address} is not a unicast host address; use {example}"
    for claim in index.covering(ipaddress.IPv4Network(address)):
        return f"{what} {address} lies inside {claim.label()}; {why}"
    return None


class ClaimIndex:
    """Claims by block, to find those covering a network (33 look-ups, whatever their
    number) and those inside one (a bisection, then only the claims found)."""

    def __init__(self, claims: Iterable[Claim]):
        # (first address, prefix length) -> claims
        self.by_block: dict[tuple[int, int], list[Claim]] = defaultdict(list)
        for claim in claims:
            self.by_block[(span(claim.network)[0], claim.network.prefixlen)].append(claim)
        self.ordered: list | None = None   # sorted blocks, made on the first `inside`
        self.starts: list[int] = []

    def covering(self, network: ipaddress.IPv4Network) -> Iterator[Claim]:
        """Claims whose subnet contains `network` (or equals it), the most specific first."""
        value = int(network.network_address)
        for prefixlen in range(network.prefixlen, -1, -1):
            start = value & ~((1 << (32 - prefixlen)) - 1) & 0xFFFFFFFF
            yield from self.by_block.get((start, prefixlen), ())

    def inside(self, network: ipaddress.IPv4Network) -> Iterator[Claim]:
        """Claims whose subnet lies strictly inside `network`."""
        if self.ordered is None:
            self.ordered = sorted(self.by_block.items())
            self.starts = [start for (start, _), _ in self.ordered]
        first, last = span(network)
        for (_, prefixlen), claims in self.ordered[bisect_left(self.starts, first):bisect_right(self.starts, last)]:
            if prefixlen > network.prefixlen:
                yield from claims


ANYWHERE = ipaddress.IPv4Network("0.0.0.0/0")
# Sources no packet arriving from the internet can carry.
NEVER_A_SOURCE = tuple((ipaddress.IPv4Network(net), what) for net, what in (
    ("0.0.0.0/8", "'this network' space"), ("127.0.0.0/8", "loopback space"),
    ("169.254.0.0/16", "link-local space"), ("224.0.0.0/4", "multicast space"),
    ("240.0.0.0/4", "reserved (class E and broadcast) space"),
))


def not_a_host(address: ipaddress.IPv4Address) -> str | None:
    """What kind of space `address` is in when no host can have it ('this network',
    loopback, link-local, multicast, reserved and broadcast), or None."""
    return next((what for network, what in NEVER_A_SOURCE if address in network), None)


def _check_management(inventory) -> Iterator[Finding]:
    """Management sources open SSH to routers' WAN addresses from the internet side: each
    must be a possible source, and "from anywhere" needs an explicit acknowledgement."""
    sources = inventory.sources
    lined = {service.device for service in inventory.services if service.kind == "internet_line"}
    places = [(("operator",), "management_sources", inventory.operator, "every internet line's router")]
    places += [(("devices", name), "management_from", device, name) for name, device in inventory.devices.items()]
    for base, field_name, owner, whose in places:
        networks = getattr(owner, field_name, [])
        for index, network in enumerate(networks):
            path = base + (field_name, index)
            if network == ANYWHERE:
                if not owner.management_anywhere:
                    yield sources.finding(
                        path, f"0.0.0.0/0 opens SSH to {whose} to the whole internet (password guessing, "
                        "SSH vulnerabilities); name the management networks, or set `management_anywhere: true` "
                        "next to it to acknowledge", severity="warning", code="management-from-anywhere")
                continue
            what = next((w for special, w in NEVER_A_SOURCE if network.overlaps(special)), None)
            if what:
                yield sources.finding(path, f"{network} is {what}; no packet from the internet comes from it: "
                                      "name the networks engineers manage routers from, e.g. 211.137.96.0/27",
                                      code="management-not-unicast")
        if networks and base[0] == "devices" and whose not in lined:
            yield sources.finding(base + (field_name,),
                                  f"{whose} carries no internet line, so management_from changes nothing "
                                  "(it opens SSH in an internet line's inbound policy)",
                                  severity="warning", code="management-without-internet-line")


def _check_device_consistency(inventory) -> Iterator[Finding]:
    """Several services on one device must agree on interfaces, tunnels and routes."""
    sources = inventory.sources
    interfaces: dict[tuple[str, str], tuple[object, str, tuple, str]] = {}
    # Values that must be unique, and where they are written: one finding per repeated value.
    default_routes = Places()    # device -> (internet line, path)
    tunnels = Places()           # (device, tunnel number) -> path
    gre_pairs = Places()         # (device, source interface, endpoint as int) -> path
    endpoint_routes: dict[tuple[str, object], tuple[object, tuple]] = {}
    for service in inventory.services:
        path = inventory.service_path(service)
        for role, attachment in (("WAN", service.wan), ("LAN", service.lan)):
            key = (service.device, attachment.interface)
            here = path + (role.lower(),)
            seen = interfaces.get(key)
            if seen is None:
                interfaces[key] = (attachment.address, role, here, service.kind)
            elif seen[0] != attachment.address:
                yield sources.finding(here + ("address",),
                                      f"{attachment.interface} on {service.device} already has address {seen[0]} "
                                      f"from another service; one interface takes one address: use the same "
                                      f"address or another interface", code="interface-conflict",
                                      related=(seen[2] + ("address",),))
            elif seen[1] != role:
                yield sources.finding(here + ("interface",),
                                      f"{attachment.interface} on {service.device} is the {seen[1]} of another "
                                      f"service; it cannot also be a {role}", code="interface-role-conflict",
                                      related=(seen[2] + ("interface",),))
            elif "internet_line" in (seen[3], service.kind):
                # NAT roles, the inbound filter and policing are per interface: an
                # internet line's interfaces are its own.
                yield sources.finding(here + ("interface",),
                                      f"{attachment.interface} on {service.device} is already the {role} of another "
                                      "service; an internet line needs its own WAN and LAN interfaces (its NAT, "
                                      "filter and rate limit apply to the whole interface): use another interface",
                                      code="interface-shared", related=(seen[2] + ("interface",),))
        if service.kind == "internet_line":
            default_routes.add(service.device, (service.name, path + ("device",)))
        if service.kind != "gprs_vpn":
            continue
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
    yield from _repeated_on_device(default_routes, tunnels, gre_pairs, sources)


def _repeated_on_device(default_routes: Places, tunnels: Places, gre_pairs: Places, sources) -> Iterator[Finding]:
    for device, lines in default_routes.repeated():
        first, count = lines[0][0], len(lines)
        yield repeated(sources, [path for _, path in lines], (
            f"{device} already carries internet line {first}, whose default route points to its PE; a device has "
            "one default route: put this line on another device" if count == 2 else
            f"{device} carries {count} internet lines (first {first}), each with a default route to its PE; a "
            "device has one default route: put all but one on other devices"), code="second-default-route")
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


def host_address(host: str) -> ipaddress.IPv4Address | None:
    """A device's `host` as an address; None for a DNS name (not resolved while validating)."""
    try:
        return ipaddress.IPv4Address(host)
    except ValueError:
        return None


def _check_lockout(inventory) -> Iterator[Finding]:
    """Push, verify and engineers connect to a device's `host`. When that is the WAN
    address of an internet line, the line's inbound policy filters the session: it ends
    in a deny, and opens SSH (port 22) only from the management sources."""
    sources = inventory.sources
    for service in inventory.services:
        device = inventory.devices.get(service.device)
        if service.kind != "internet_line" or device is None:
            continue
        if host_address(device.host) != service.wan.address.ip:
            continue
        here, wan = ("devices", service.device, "host"), inventory.service_path(service) + ("wan", "address")
        if not management_sources(inventory.operator, device):
            yield sources.finding(
                here, f"push connects to {device.host}, the WAN address of internet line {service.name}, whose inbound "
                "policy ends in a deny and opens SSH only from management sources, and there are none: once the "
                "policy is applied the next SSH login (push, verify, an engineer) is dropped. Add the networks you "
                f"manage routers from: `management_from: [<network>]` on {service.device}, or the operator's "
                "`management_sources` (e.g. 211.137.96.0/27)", code="management-lockout", related=(wan,))
        elif device.port != SSH_PORT:
            yield sources.finding(
                here, f"push connects to {device.host} port {device.port}, the WAN address of internet line "
                f"{service.name}, whose inbound policy opens SSH from management sources on port {SSH_PORT} only: "
                f"unless something in front of the router maps port {device.port} to {SSH_PORT}, the next login is "
                "dropped", severity="warning", code="management-port-filtered", related=(wan,))


# Space the operator assigns GPRS terminals from. A pool elsewhere is routed into the
# tunnel all the same, and takes those internet addresses away from the customer's LAN.
TERMINAL_SPACE = tuple(ipaddress.IPv4Network(net) for net in
                       ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"))
TERMINAL_SPANS = tuple(span(network) for network in TERMINAL_SPACE)


def _check_terminal_pools(inventory, pools: list[Claim]) -> Iterator[Finding]:
    """Every terminal pool is routed into its GRE tunnel: it must be terminal space, and
    never cover where the router is managed from (its replies would go into the tunnel)."""
    sources = inventory.sources
    for pool in pools:
        network = pool.network
        first, last = span(network)
        if any(start <= first and last <= end for start, end in TERMINAL_SPANS):
            continue   # the common case, in integers: 100,000 pools are checked in this loop
        never = next((what for space, what in NEVER_A_SOURCE if network.overlaps(space)), None)
        if never:
            yield sources.finding(pool.path, f"terminal pool {network} is {never}: no terminal has such an address; "
                                  "use the pool the operator assigned, e.g. 10.166.12.0/24", code="pool-not-unicast")
            continue
        what = _special_purpose(network, documentation_too=True) or "public internet space"
        if inventory.lab and "RFC 5737" in what:
            continue
        yield sources.finding(pool.path, f"terminal pool {network} is {what}: {pool.device} routes it into the GRE "
                              f"tunnel of {pool.service}, so from the customer's LAN these addresses are no longer "
                              "reachable on the internet; the operator assigns terminals private or shared space "
                              "(10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10): check the pool with the "
                              "operator", severity="warning", code="pool-not-private")
    everywhere = ClaimIndex(pools)
    by_device: dict[str, list[Claim]] = defaultdict(list)
    for pool in pools:
        by_device[pool.device].append(pool)
    for name, device in inventory.devices.items():
        host = host_address(device.host)
        if host is not None:
            yield from _host_in_pools(name, device, host, everywhere, sources)
        if device.management_from and by_device.get(name):
            yield from _management_in_pools(("devices", name, "management_from"), device.management_from,
                                            f"management_from of {name}", ClaimIndex(by_device[name]), sources)
    yield from _management_in_pools(("operator", "management_sources"), inventory.operator.management_sources,
                                    "operator management_sources", everywhere, sources)


def _host_in_pools(name: str, device, host: ipaddress.IPv4Address, pools: "ClaimIndex", sources) -> Iterator[Finding]:
    seen: set = set()
    for pool in pools.covering(ipaddress.IPv4Network(host)):
        if (pool.network, pool.device == name) in seen:
            continue   # one finding per subnet, however many services repeat it
        seen.add((pool.network, pool.device == name))
        if pool.device == name:
            yield sources.finding(("devices", name, "host"),
                                  f"the management address {host} of {name} lies in its terminal pool {pool.network} "
                                  f"({pool.service}): the operator routes the pool to the GPRS core and {name} routes "
                                  "it into the tunnel, so push and engineers cannot reach the router there: use a "
                                  "management address outside every pool", code="management-in-pool",
                                  related=(pool.path,))
        else:
            yield sources.finding(("devices", name, "host"),
                                  f"the management address {host} of {name} lies in terminal pool {pool.network} "
                                  f"of {pool.service} on {pool.device}, which routes it into its GRE tunnel: "
                                  f"{pool.device} cannot reach {name} there (and neither can hosts behind it)",
                                  severity="warning", code="management-in-pool", related=(pool.path,))


def _management_in_pools(base: tuple, networks, whose: str, pools: "ClaimIndex", sources) -> Iterator[Finding]:
    """Pools that cover a management network (error: every reply to it goes into a tunnel)
    or lie inside one (warning: replies to those engineers would)."""
    first_index: dict[ipaddress.IPv4Network, int] = {}
    for index, network in enumerate(networks):
        first_index.setdefault(network, index)
    for network, index in first_index.items():
        if network == ANYWHERE:
            continue   # has its own warning; every pool lies "inside" it
        path = base + (index,)
        seen: set = set()
        for pool in pools.covering(network):
            if (pool.network, pool.device) in seen:
                continue
            seen.add((pool.network, pool.device))
            yield sources.finding(pool.path, f"terminal pool {pool.network} of {pool.service} covers the management "
                                  f"network {network} ({whose}): {pool.device} routes the pool into the GRE tunnel, "
                                  f"so its replies to engineers in {network} (SSH, push, verify) go to the GPRS core "
                                  f"and managing {pool.device} from there breaks: correct the pool or the management "
                                  "network", code="pool-covers-management", related=(path,))
        inside = list(pools.inside(network))
        if inside:
            listed = ", ".join(f"{p.network} ({p.service} on {p.device})" for p in inside[:PLACES_LISTED])
            more = f" and {len(inside) - PLACES_LISTED} more" if len(inside) > PLACES_LISTED else ""
            yield sources.finding(path, f"management network {network} ({whose}) contains terminal pool(s) {listed}"
                                  f"{more}: those routers send replies to these addresses into their GRE tunnels, so "
                                  "engineers there could not manage them: narrow the management network to where "
                                  "engineers are", severity="warning", code="pool-covers-management",
                                  related=tuple(p.path for p in inside[:PLACES_LISTED]))
