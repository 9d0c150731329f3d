"""Inbound interface ACLs of the running config -> iptables rules in the router's namespace.

What the router would filter, the lab filters: a wrong security policy makes traffic fail
the way a wrong route does. Only ACLs applied inbound on an interface are enforced:
Cisco `ip access-group NAME|N in` with `ip access-list extended|standard NAME` or numbered
`access-list N ...` entries; Huawei `traffic-filter inbound acl N` with `acl [number] N`
rules (taken in rule-number order, VRP's default `match-order config`).

Where the filter sits. IOS checks an inbound ACL before NAT (docs/references.md §3), so the
rules name pre-NAT (public) addresses. In Linux, packets arriving on an interface meet
`mangle PREROUTING` before NAT's reverse translation and before the routing decision, so
one chain there covers traffic to the router itself (INPUT) and through it (FORWARD) with
the addresses the router's ACL sees. Filtering in filter FORWARD would see the private
addresses of PAT return traffic instead. Locally generated traffic (the router's own
pings) is not inbound and is not filtered; its replies are.

Semantics, per vendor:
- first match wins; a rule the translator cannot read is left out, as a router would have
  rejected the line (and it is reported by `unreadable`);
- the end of the ACL: IOS denies what no entry permits (implicit deny). VRP permits what
  matches no rule of a `traffic-filter` ACL (Huawei command reference, "traffic-filter":
  "If no rule is matched, IPv4 packets are allowed to pass through"). An ACL that is not
  defined or has no entries filters nothing on either vendor;
- `established` (IOS) / `tcp-flag established` (VRP) match TCP segments with ACK or RST
  set, statelessly, as the routers do (not conntrack state): an inbound SYN never
  matches, any reply segment does;
- ICMP type keywords map to iptables `--icmp-type` names; ports `eq|gt|lt|range`, by
  number or by the common IOS/VRP names.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from configgen.lab.config import ConfigTree, Node

PROTOCOLS = {"ip": None, "tcp": "tcp", "udp": "udp", "icmp": "icmp", "gre": "gre", "esp": "esp", "ospf": "ospf"}
PORT_NAMES = {"ftp-data": 20, "ftp": 21, "ssh": 22, "telnet": 23, "smtp": 25, "domain": 53, "dns": 53,
              "bootps": 67, "bootpc": 68, "tftp": 69, "www": 80, "http": 80, "pop3": 110, "ntp": 123,
              "snmp": 161, "bgp": 179, "https": 443, "isakmp": 500, "syslog": 514}
# IOS and VRP ICMP keywords -> iptables --icmp-type
ICMP_TYPES = {"echo": "echo-request", "echo-reply": "echo-reply", "unreachable": "destination-unreachable",
              "time-exceeded": "time-exceeded", "ttl-exceeded": "ttl-zero-during-transit",
              "packet-too-big": "fragmentation-needed", "fragmentneed-dfset": "fragmentation-needed",
              "port-unreachable": "port-unreachable", "host-unreachable": "host-unreachable",
              "net-unreachable": "network-unreachable", "protocol-unreachable": "protocol-unreachable",
              "parameter-problem": "parameter-problem", "redirect": "redirect"}
CHAIN = "cgacl-"        # + Linux dev: one chain per filtered interface


@dataclass(frozen=True)
class Rule:
    """One ACL entry, in iptables terms."""
    action: str                        # ACCEPT | DROP
    protocol: str | None = None        # None: any IP protocol
    source: str | None = None          # "a.b.c.d/len"
    destination: str | None = None
    source_port: str | None = None     # iptables port spec: "22", "1024:65535"
    destination_port: str | None = None
    established: bool = False          # TCP with ACK or RST
    icmp_type: str | None = None

    def iptables(self, chain: str) -> str:
        args = [f"-A {chain}"]
        if self.protocol:
            args.append(f"-p {self.protocol}")
        if self.source:
            args.append(f"-s {self.source}")
        if self.destination:
            args.append(f"-d {self.destination}")
        if self.source_port:
            args.append(f"--sport {self.source_port}")
        if self.destination_port:
            args.append(f"--dport {self.destination_port}")
        if self.established:
            args.append("! --tcp-flags ACK,RST NONE")
        if self.icmp_type:
            args.append(f"--icmp-type {self.icmp_type}")
        return " ".join(args + [f"-j {self.action}"])


@dataclass(frozen=True)
class Filter:
    """An ACL applied inbound on Linux device `dev`."""
    dev: str
    acl: str
    rules: tuple[Rule, ...]
    default: str                       # what matches no rule: DROP (IOS) | ACCEPT (VRP)


# canonical interface name -> its Linux device in the namespace (None: not linked)
DevOf = Callable[[str], "str | None"]


def iptables_restore(filters: Iterable[Filter]) -> str:
    """The whole mangle table for `filters` (an empty table when there are none)."""
    lines = ["*mangle"] + [f":{c} ACCEPT [0:0]" for c in ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING")]
    ordered = sorted(filters, key=lambda f: f.dev)
    lines += [f":{CHAIN}{f.dev} - [0:0]" for f in ordered]
    for f in ordered:
        chain = CHAIN + f.dev
        lines.append(f"-A PREROUTING -i {f.dev} -j {chain}")
        lines += [rule.iptables(chain) for rule in f.rules]
        lines.append(f"-A {chain} -j {f.default}")
    return "\n".join(lines + ["COMMIT", ""])


# ---- parsing helpers ------------------------------------------------------------------
def _prefix(address: str, wildcard: str) -> str | None:
    """`A W` (wildcard mask; VRP also writes `0` for a host) -> "A/len", contiguous only."""
    try:
        wild = 0 if wildcard == "0" else int(ipaddress.IPv4Address(wildcard))
        base = ipaddress.IPv4Address(address)
    except ValueError:
        return None
    length = 32 - wild.bit_length()
    if wild != (1 << (32 - length)) - 1:
        return None                    # non-contiguous wildcard: not expressible as a prefix
    return str(ipaddress.IPv4Network((int(base) & ~wild & 0xFFFFFFFF, length)))


def _port(token: str) -> int | None:
    if token.isdigit() and 0 <= int(token) <= 65535:
        return int(token)
    return PORT_NAMES.get(token.lower())


def _port_spec(tokens: list[str], i: int) -> tuple[str | None, int]:
    """`eq P | gt P | lt P | range P Q` at tokens[i] -> (iptables spec, next index)."""
    op = tokens[i] if i < len(tokens) else ""
    if op == "range" and i + 2 < len(tokens):
        low, high = _port(tokens[i + 1]), _port(tokens[i + 2])
        return (f"{low}:{high}" if low is not None and high is not None else None), i + 3
    if op in ("eq", "gt", "lt") and i + 1 < len(tokens):
        port = _port(tokens[i + 1])
        if port is None:
            return None, i + 2
        if (op, port) in (("gt", 65535), ("lt", 0)):
            return None, i + 2
        spec = {"eq": str(port), "gt": f"{port + 1}:65535", "lt": f"0:{port - 1}"}[op]
        return spec, i + 2
    return None, i                     # neq and friends: not translated


def _action(word: str) -> str | None:
    return {"permit": "ACCEPT", "deny": "DROP"}.get(word)


# ---- Cisco IOS ------------------------------------------------------------------------
def _cisco_address(tokens: list[str], i: int) -> tuple[str | None, int, bool]:
    """`any | host A | A W` at tokens[i] -> (prefix or None for any, next index, ok)."""
    if i >= len(tokens):
        return None, i, False
    if tokens[i] == "any":
        return None, i + 1, True
    if tokens[i] == "host" and i + 1 < len(tokens):
        try:
            return str(ipaddress.IPv4Network(tokens[i + 1])), i + 2, True
        except ValueError:
            return None, i + 2, False
    if i + 1 < len(tokens):
        prefix = _prefix(tokens[i], tokens[i + 1])
        return prefix, i + 2, prefix is not None
    return None, i + 1, False


def _cisco_end(tokens: list[str], i: int, protocol: str) -> tuple[str | None, str | None, int] | None:
    """One end of an extended entry at tokens[i], `ADDRESS [PORTS]` (ports for tcp and udp):
    (prefix or None for any, port spec or None for any port, next index); None if unreadable."""
    address, i, ok = _cisco_address(tokens, i)
    if not ok:
        return None
    if protocol in ("tcp", "udp") and i < len(tokens) and tokens[i] in ("eq", "gt", "lt", "range", "neq"):
        port, i = _port_spec(tokens, i)
        return None if port is None else (address, port, i)
    return address, None, i


def cisco_standard(tokens: list[str]) -> Rule | None:
    """`[seq] permit|deny any | host A | A [W]`"""
    if tokens and tokens[0].isdigit():
        tokens = tokens[1:]
    if not tokens or _action(tokens[0]) is None:
        return None
    rest = [t for t in tokens[1:] if t != "log"]
    if len(rest) == 1 and rest[0] != "any":
        rest = ["host", rest[0]]       # `permit A`: one host
    source, i, ok = _cisco_address(rest, 0)
    action = _action(tokens[0])
    return Rule(action, source=source) if action is not None and ok and i == len(rest) else None


def cisco_extended(tokens: list[str]) -> Rule | None:
    """`[seq] permit|deny PROTO SRC [PORTS] DST [PORTS] [established] [ICMP-TYPE] [log]`"""
    if tokens and tokens[0].isdigit():
        tokens = tokens[1:]
    if len(tokens) < 4 or _action(tokens[0]) is None:
        return None
    protocol = tokens[1]
    if protocol not in PROTOCOLS and not protocol.isdigit():
        return None
    fields: dict[str, Any] = {"action": _action(tokens[0]), "protocol": PROTOCOLS.get(protocol, protocol)}
    i = 2
    for end in ("source", "destination"):
        found = _cisco_end(tokens, i, protocol)
        if found is None:
            return None
        fields[end], fields[f"{end}_port"], i = found
    for token in tokens[i:]:
        if token == "established" and protocol == "tcp":
            fields["established"] = True
        elif protocol == "icmp" and token in ICMP_TYPES and "icmp_type" not in fields:
            fields["icmp_type"] = ICMP_TYPES[token]
        elif token not in ("log", "log-input"):
            return None
    return Rule(**fields)


def _cisco_entries(tree: ConfigTree, name: str) -> tuple[list[list[str]], bool] | None:
    """The entries of ACL `name` and whether it is a standard ACL; None if not defined."""
    for kind in ("extended", "standard"):
        for node in tree.top(f"ip access-list {kind} "):
            if node.text.split()[3:4] == [name]:
                return [c.text.split() for c in node.children if not c.text.startswith("remark")], \
                    kind == "standard"
    numbered = [n.text.split()[2:] for n in tree.top(f"access-list {name} ")
                if n.text.split()[2:3] != ["remark"]]
    if numbered and name.isdigit():
        number = int(name)
        return numbered, (1 <= number <= 99 or 1300 <= number <= 1999)
    return None


def cisco_filters(tree: ConfigTree, interfaces: dict[str, Node], dev_of: DevOf) -> tuple[set[Filter], list[str]]:
    """Inbound filters of every interface with `ip access-group X in`, and the entries
    that could not be translated (left out)."""
    filters, unreadable = set(), []
    for canon, node in interfaces.items():
        dev = dev_of(canon)
        groups = [c.text.split() for c in node.children if c.text.startswith("ip access-group ")]
        inbound = [t[2] for t in groups if len(t) == 4 and t[3] == "in"]
        if dev is None or not inbound:
            continue
        found = _cisco_entries(tree, inbound[-1])
        if not found or not found[0]:
            continue                   # undefined or empty ACL: IOS permits everything
        entries, standard = found
        rules = []
        for tokens in entries:
            rule = cisco_standard(tokens) if standard else cisco_extended(tokens)
            if rule is None:
                unreadable.append(" ".join(tokens))
            else:
                rules.append(rule)
        filters.add(Filter(dev, inbound[-1], tuple(rules), "DROP"))
    return filters, unreadable


# ---- Huawei VRP -----------------------------------------------------------------------
def huawei_rule(tokens: list[str]) -> tuple[int | None, Rule] | None:
    """`rule [N] permit|deny [PROTO] [source A W|any] [source-port OP P] [destination A W|any]
    [destination-port OP P] [tcp-flag established] [icmp-type NAME] [logging]` (any order)."""
    if not tokens or tokens[0] != "rule":
        return None
    i, number = 1, None
    if i < len(tokens) and tokens[i].isdigit():
        number, i = int(tokens[i]), i + 1
    if i >= len(tokens) or _action(tokens[i]) is None:
        return None
    fields: dict[str, Any] = {"action": _action(tokens[i])}
    i += 1
    protocol = "ip"
    if i < len(tokens) and (tokens[i] in PROTOCOLS or tokens[i].isdigit()):
        protocol, i = tokens[i], i + 1
        fields["protocol"] = PROTOCOLS.get(protocol, protocol)
    while i < len(tokens):
        word = tokens[i]
        if word in ("source", "destination"):
            if i + 1 < len(tokens) and tokens[i + 1] == "any":
                i += 2
                continue
            prefix = _prefix(tokens[i + 1], tokens[i + 2]) if i + 2 < len(tokens) else None
            if prefix is None:
                return None
            fields[word] = prefix
            i += 3
        elif word in ("source-port", "destination-port") and protocol in ("tcp", "udp"):
            spec, i = _port_spec(tokens, i + 1)
            if spec is None:
                return None
            fields[word.replace("-", "_")] = spec
        elif word == "tcp-flag" and protocol == "tcp" and tokens[i + 1:i + 2] == ["established"]:
            fields["established"] = True
            i += 2
        elif word == "icmp-type" and protocol == "icmp" and i + 1 < len(tokens) \
                and tokens[i + 1].lower() in ICMP_TYPES:
            fields["icmp_type"] = ICMP_TYPES[tokens[i + 1].lower()]
            i += 2
        elif word == "logging":
            i += 1
        else:
            return None
    return number, Rule(**fields)


def huawei_acls(tree: ConfigTree) -> dict[str, list[Node]]:
    """ACL number -> its rule lines (`acl number 3000`, `acl 3000`, `... match-order config`)."""
    acls: dict[str, list[Node]] = {}
    for node in tree.top("acl "):
        numbers = [t for t in node.text.split()[1:] if t.isdigit()]
        if numbers:
            acls[numbers[0]] = node.children
    return acls


def huawei_filters(tree: ConfigTree, interfaces: dict[str, Node], dev_of: DevOf) -> tuple[set[Filter], list[str]]:
    acls = huawei_acls(tree)
    filters, unreadable = set(), []
    for canon, node in interfaces.items():
        dev = dev_of(canon)
        applied = [c.text.split() for c in node.children if c.text.startswith("traffic-filter inbound acl ")]
        if dev is None or not applied:
            continue
        number = applied[-1][-1]
        numbered = []
        for index, child in enumerate(acls.get(number, [])):
            tokens = child.text.split()
            if tokens[:1] != ["rule"]:
                continue               # description, step
            parsed = huawei_rule(tokens)
            if parsed is None:
                unreadable.append(child.text)
                continue
            rule_id, rule = parsed
            numbered.append((rule_id if rule_id is not None else 1 << 20, index, rule))
        if not numbered:
            continue                   # undefined or empty ACL: everything passes
        rules = tuple(rule for _, _, rule in sorted(numbered, key=lambda r: (r[0], r[1])))
        filters.add(Filter(dev, number, rules, "ACCEPT"))
    return filters, unreadable

