"""IOS port keywords <-> numbers, so the push diff compares like with like.

configgen renders ACL ports as numbers (`permit udp any eq 53 any`); IOS accepts them
but shows the well-known ones by keyword in `show running-config` (`eq domain`). Left
alone, hier_config would see a different line and every push would re-send the ACL
(never idempotent). `normalise_ios_ports` rewrites the keyword after `eq`/`neq`/`lt`/
`gt`/`range` to its number, on both the running and the intended config, before they
are compared. Commands built from the normalised trees carry numbers, which IOS takes.

The keyword table is Cisco's: the `acl-tcp-port-type` / `acl-udp-port-type` enums of
Cisco-IOS-XE-acl.yang (Cisco IOS XE native model), as generated into
CiscoDevNet/ydk-cpp `cisco-ios-xe/ydk/models/cisco_ios_xe/Cisco_IOS_XE_acl.cpp`
(`AclPortType::smtp {25, "smtp"}`, `www {80, "www"}`, `domain {53, "domain"}`, ...).
No keyword there names two numbers, so one table serves TCP and UDP. IOS's TCP-only
keywords for 512-514 (`exec`, `login`, `cmd`) are not in that model and not in this
table (configgen renders none of those ports); a line using them stays as it is.
"""

from __future__ import annotations

import re

# keyword -> port number, Cisco-IOS-XE-acl.yang `acl-port-type` (TCP keywords, then UDP)
IOS_PORT_NUMBERS: dict[str, int] = {
    # TCP
    "bgp": 179, "chargen": 19, "daytime": 13, "discard": 9, "domain": 53, "echo": 7, "finger": 79,
    "ftp": 21, "ftp-data": 20, "gopher": 70, "hostname": 101, "ident": 113,
    "irc": 194, "klogin": 543, "kshell": 544, "lpd": 515, "msrpc": 135, "nntp": 119,
    "pim-auto-rp": 496, "pop2": 109, "pop3": 110, "smtp": 25, "sunrpc": 111, "tacacs": 49, "talk": 517,
    "telnet": 23, "time": 37, "uucp": 540, "whois": 43, "www": 80,
    # UDP
    "biff": 512, "bootpc": 68, "bootps": 67, "dnsix": 195, "isakmp": 500, "mobile-ip": 434,
    "nameserver": 42, "netbios-dgm": 138, "netbios-ns": 137, "netbios-ss": 139, "non500-isakmp": 4500,
    "ntp": 123, "rip": 520, "ripv6": 521, "snmp": 161, "snmptrap": 162, "syslog": 514, "tftp": 69,
    "who": 513, "xdmcp": 177,
}

_KEYWORDS = "|".join(sorted((re.escape(k) for k in IOS_PORT_NUMBERS), key=len, reverse=True))
# A port operand: after eq/neq/lt/gt (one port) or range (two ports), in an ACL entry
# of a TCP or UDP rule. The lookahead keeps `echo` from matching inside `echo-reply`.
_OPERAND = re.compile(rf"(?<=\s)(eq|neq|lt|gt)\s+({_KEYWORDS})(?=\s|$)")
_RANGE = re.compile(r"(?<=\s)range\s+(\S+)\s+(\S+)(?=\s|$)")
_TCP_UDP = re.compile(r"^\s*(?:\d+\s+)?(?:access-list\s+\S+\s+)?(?:permit|deny)\s+(?:tcp|udp)\s")


def _number(word: str) -> str:
    return str(IOS_PORT_NUMBERS.get(word, word))


def normalise_ios_line(line: str) -> str:
    """`permit tcp any host 192.0.2.1 eq smtp` -> `... eq 25`; other lines unchanged."""
    if not _TCP_UDP.match(line):
        return line
    line = _OPERAND.sub(lambda m: f"{m.group(1)} {_number(m.group(2))}", line)
    return _RANGE.sub(lambda m: f"range {_number(m.group(1))} {_number(m.group(2))}", line)


def normalise_ios_ports(text: str) -> str:
    """Every ACL line of a config with port keywords as numbers (indentation kept)."""
    return "\n".join(normalise_ios_line(line) for line in text.splitlines())


# hier_config platform -> normaliser applied to a config before it is diffed.
NORMALISERS = {"CISCO_IOS": normalise_ios_ports}
