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
from typing import Any, Iterable, Iterator

from configgen import kinds
from configgen.findings import PLACES_LISTED, Finding, repeated
from configgen.services.addressing import other_host
from configgen.services.ipplan import (
    NEVER_A_SOURCE,
    Claim,
    check_host_address,
    host_address,
    not_a_host,
    span,
    special_purpose,
)


def check(inventory: Any) -> Iterable[Finding]:
    findings: list[Finding] = []
    sources = inventory.sources
    claims: list[Claim] = []
    by_kind: dict[str, list[tuple[Any, tuple[Any, ...]]]] = {}   # kind -> (service, path), for check_all
    for service in inventory.services:
        path = inventory.service_path(service)
        findings.extend(check_interconnect(service.wan, path + ("wan",), sources))
        findings.extend(check_host_address(service.lan.address, path + ("lan", "address"), "LAN", sources))
        kind = kinds.of(service)
        findings.extend(kind.check(service, path, inventory))
        claims.extend(kind.claims(service, path))
        by_kind.setdefault(kind.name, []).append((service, path))
    for entries in by_kind.values():
        findings.extend(kinds.of(entries[0][0]).check_all(entries, inventory))
    findings.extend(overlaps(claims, sources))
    findings.extend(_check_operator_addresses(inventory, claims))
    findings.extend(_check_device_consistency(inventory))
    findings.extend(_check_management(inventory))
    findings.extend(_check_terminal_pools(inventory, [c for c in claims if c.role == "terminal pool"]))
    return findings


def check_interconnect(wan: Any, path: tuple[Any, ...], sources: Any) -> Iterator[Finding]:
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
        usable = f"{network.network_address + 1} or {network.network_address + 2}"
        yield sources.finding(path + ("address",), f"{address} is the {which} address of its /30; use {usable}",
                              code=f"{which}-address")
    elif wan.peer is not None:
        expected = other_host(address)
        if wan.peer != expected:
            yield sources.finding(path + ("peer",),
                                  f"peer {wan.peer} is not the other usable host of {network}; "
                                  f"the operator side of {address} is {expected} (or leave peer out)",
                                  code="peer-mismatch")


def overlaps(claims: list[Claim], sources: Any) -> Iterator[Finding]:
    """Every conflict between claims whose subnets overlap, except within one family.
    Claims of one subnet form a group and the sweep runs over groups: n entries of one
    subnet give one finding (not n²/2), and since distinct CIDR blocks nest at most 33
    deep, each group meets at most 32 others. (Groups are runs of the sorted claims;
    lists are made only for groups that conflict, as allocations are what this costs.)"""
    spans = [span(c.network) for c in claims]
    order = sorted(range(len(claims)), key=lambda k: (spans[k][0], -spans[k][1], claims[k].path))
    chain: list[int] = []               # positions in `order` where the groups still open start
    stops: dict[int, int] = {}          # such a position -> where its group ends
    groups: dict[int, tuple[list[Claim], tuple[Any, ...] | None]] = {}   # position -> (claims, family), once needed
    against: dict[tuple[int, tuple[Any, ...] | None], list[Claim]] = {}  # (position, other family) -> claims in conflict

    def group_at(position: int) -> tuple[list[Claim], tuple[Any, ...] | None]:
        if position not in groups:
            members = [claims[k] for k in order[position:stops[position]]]
            groups[position] = (members, _group_family(members))
        return groups[position]

    def conflicting(position: int, family: tuple[Any, ...] | None) -> list[Claim]:
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


def _group_family(claims: list[Claim]) -> tuple[Any, ...] | None:
    """The family every claim of a group shares, or None (no family, or several)."""
    family = claims[0].family
    return family if family is not None and all(c.family == family for c in claims) else None


def _advice(claims: Iterable[Claim]) -> str:
    return ("one device cannot use a subnet for two purposes" if len({c.device for c in claims}) == 1
            else "two customers can never share addresses")


def _same_subnet(members: list[Claim], sources: Any) -> Finding:
    first, claim = members[0], members[1]
    advice = _advice(members)
    return repeated(sources, [c.path for c in members], (
        f"{claim.label()} is the same subnet as {first.label()}; {advice}: allocate a free {claim.role}"
        if len(members) == 2 else
        f"{claim.network} is used {len(members)} times (here as {claim.role} of {claim.service} on {claim.device}, "
        f"first as {first.role} of {first.service} on {first.device}); {advice}: allocate a free {claim.role} for "
        "all but one"), code="overlap")


def _inside(inner: list[Claim], outer: list[Claim], sources: Any) -> Iterator[Finding]:
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


def _check_operator_addresses(inventory: Any, claims: list[Claim]) -> Iterator[Finding]:
    """GRE endpoints and the internet test address are operator hosts: unicast, and
    outside every customer subnet, or a ping "proving" operator routing would be
    answered inside the customer's own network."""
    sources = inventory.sources
    index = ClaimIndex(claims)
    checked: set[int] = set()
    for service in inventory.services:
        for operator_address in kinds.of(service).operator_addresses(service, inventory):
            address, what, path = operator_address.address, operator_address.what, operator_address.path
            example, why = operator_address.example, operator_address.why
            if int(address) in checked:
                continue
            checked.add(int(address))
            problem = _operator_address_problem(address, what, example, why, index)
            if problem:
                yield sources.finding(path, problem, code=f"bad-{what.replace(' ', '-').lower()}")


def _operator_address_problem(address: ipaddress.IPv4Address, what: str, example: str, why: str,
                              index: ClaimIndex) -> str | None:
    if not_a_host(address):
        return f"{what} {address} is not a unicast host address; use {example}"
    for claim in index.covering(ipaddress.IPv4Network(address)):
        return f"{what} {address} lies inside {claim.label()}; {why}"
    return None


class ClaimIndex:
    """Claims by block, to find those covering a network (33 look-ups, whatever their
    number) and those inside one (a bisection, then only the claims found)."""

    def __init__(self, claims: Iterable[Claim]) -> None:
        # (first address, prefix length) -> claims
        self.by_block: dict[tuple[int, int], list[Claim]] = defaultdict(list)
        for claim in claims:
            self.by_block[(span(claim.network)[0], claim.network.prefixlen)].append(claim)
        self.ordered: list[tuple[tuple[int, int], list[Claim]]] | None = None   # sorted blocks, made on the first `inside`
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


def _check_management(inventory: Any) -> Iterator[Finding]:
    """Management sources open SSH to routers' WAN addresses from the internet side: each
    must be a possible source, and "from anywhere" needs an explicit acknowledgement."""
    sources = inventory.sources
    lined = {service.device for service in inventory.services if kinds.of(service).opens_management}
    places: list[tuple[tuple[str, ...], str, Any, str]] = [
        (("operator",), "management_sources", inventory.operator, "every internet line's router")]
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


def _check_device_consistency(inventory: Any) -> Iterator[Finding]:
    """Several services on one device must agree on interfaces, tunnels and routes."""
    sources = inventory.sources
    # (device, interface) -> (address, role, path, whether the interface is its service's own)
    interfaces: dict[tuple[str, str], tuple[object, str, tuple[Any, ...], bool]] = {}
    for service in inventory.services:
        path = inventory.service_path(service)
        exclusive = kinds.of(service).exclusive_interfaces
        for role, attachment in (("WAN", service.wan), ("LAN", service.lan)):
            key = (service.device, attachment.interface)
            here = path + (role.lower(),)
            seen = interfaces.get(key)
            if seen is None:
                interfaces[key] = (attachment.address, role, here, exclusive)
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
            elif seen[3] or exclusive:
                # NAT roles, the inbound filter and policing are per interface: an
                # internet line's interfaces are its own.
                yield sources.finding(here + ("interface",),
                                      f"{attachment.interface} on {service.device} is already the {role} of another "
                                      "service; an internet line needs its own WAN and LAN interfaces (its NAT, "
                                      "filter and rate limit apply to the whole interface): use another interface",
                                      code="interface-shared", related=(seen[2] + ("interface",),))


# Space the operator assigns GPRS terminals from. A pool elsewhere is routed into the
# tunnel all the same, and takes those internet addresses away from the customer's LAN.
TERMINAL_SPACE = tuple(ipaddress.IPv4Network(net) for net in
                       ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"))
TERMINAL_SPANS = tuple(span(network) for network in TERMINAL_SPACE)


def _check_terminal_pools(inventory: Any, pools: list[Claim]) -> Iterator[Finding]:
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
        what = special_purpose(network, documentation_too=True) or "public internet space"
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


def _host_in_pools(name: str, device: Any, host: ipaddress.IPv4Address, pools: ClaimIndex,
                   sources: Any) -> Iterator[Finding]:
    seen: set[tuple[ipaddress.IPv4Network, object]] = set()
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


def _management_in_pools(base: tuple[Any, ...], networks: list[ipaddress.IPv4Network], whose: str, pools: ClaimIndex,
                         sources: Any) -> Iterator[Finding]:
    """Pools that cover a management network (error: every reply to it goes into a tunnel)
    or lie inside one (warning: replies to those engineers would)."""
    first_index: dict[ipaddress.IPv4Network, int] = {}
    for index, network in enumerate(networks):
        first_index.setdefault(network, index)
    for network, index in first_index.items():
        if network == ANYWHERE:
            continue   # has its own warning; every pool lies "inside" it
        path = base + (index,)
        seen: set[tuple[ipaddress.IPv4Network, object]] = set()
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
