"""Every finding code configgen reports, with what it means: the one catalogue
(docs/validation.md lists it under "Finding codes"; tests/test_finding_codes.py keeps the two
in step). A code is what `acknowledge:` entries, `--format json` and the CI reports name, so a
code is never renamed.

Schema findings carry pydantic's own error type as their code (`string_type`,
`literal_error`, `value_error`, ...): those are the schema library's catalogue, accepted as
they are (`is_known`).
"""

from __future__ import annotations

import os

CODES: dict[str, str] = {
    # Reading the inventory (schema, YAML, files)
    "invalid": "a value the schema or a check refuses, with no more specific code",
    "missing": "a required field is missing",
    "unknown-field": "a key the schema does not know (with a did-you-mean suggestion)",
    "unknown-kind": "a service `kind` that is not one configgen renders",
    "duplicate-key": "a key (or `<<:` merge key) written twice in one mapping: YAML keeps only one",
    "key-not-text": "a key YAML reads as a boolean, number, null, list or mapping: quote it",
    "not-a-mapping": "an inventory file whose top level is not a mapping",
    "empty-inventory": "the files define no devices, services or VPMN groups",
    "conflict": "the operator's settings differ between merged files",
    "lab-conflict": "merged files disagree on `lab:`",
    "duplicate-device": "a device defined in more than one file",
    "invalid-name": "a device name that is not a valid name",
    "interface-vendor": "an interface name the device's vendor does not use",
    "left-out": "entries with schema errors were left out of the later checks",
    "acknowledgement-stale": "an `acknowledge:` entry that matches no warning",
    # Files the inventory names (VPMN members files)
    "missing-file": "a file the inventory names does not exist",
    "members-file-not-file": "a members file that is a directory, device or FIFO, not a regular file",
    "too-large": "an input file larger than any real one (a wrong file)",
    "members-file-outside": "a members file outside the inventory's directory",
    "csv-encoding": "a members file that is not UTF-8 (read as GB18030)",
    "csv-syntax": "a members-file row that is not valid CSV",
    "csv-header": "a members-file column named twice",
    # IP plan
    "overlap": "an address or subnet (or a number range) used twice",
    "interconnect-not-30": "an interconnect that is not a /30",
    "interconnect-not-public": "an internet line's interconnect in private or special space",
    "network-address": "an address that is its subnet's network address",
    "broadcast-address": "an address that is its subnet's broadcast address",
    "prefix-too-long": "a subnet with no room for hosts (longer than /30)",
    "peer-mismatch": "a `peer` that is not the other host of the /30",
    "not-a-host": "a host address that is the network or broadcast address of its LAN",
    "own-address": "a server address that is the router's own LAN address",
    "outside-lan": "an address that should be on the LAN and is not",
    "terminal-outside-pool": "a verify terminal outside every terminal pool of its service",
    "pool-too-small": "a terminal pool smaller than the operator grants",
    "pool-not-unicast": "a terminal pool in space no terminal has an address in",
    "pool-not-private": "a terminal pool in public space (warning)",
    "pool-covers-management": "a terminal pool that covers a management network",
    "public-block-too-large": "an internet line's public block larger than the contract includes",
    "lan-outside-public-block": "with nat: false, a LAN outside the line's public block",
    "public-lan-behind-nat": "with nat: true, a LAN in someone else's public space (warning)",
    "static-nat-without-nat": "static_nat on a line with nat: false",
    "static-nat-conflict": "one public address mapped more than once",
    "outside-public-block": "a static mapping's public address outside the line's public block",
    "inbound-not-mapped": "an inbound rule that no static mapping forwards (nat: true)",
    "not-public": "a public block in private or special space",
    "bad-gre-endpoint": "a GRE endpoint that is no operator host (inside customer space, or not unicast)",
    "bad-internet-test-address": "an internet test address that is no operator host",
    "interface-conflict": "one interface given two addresses by two services",
    "interface-role-conflict": "one interface in two roles (WAN and LAN)",
    "interface-shared": "an internet line's interface shared with another service",
    "route-conflict": "two host routes to one GRE endpoint via different next hops",
    "second-default-route": "a second internet line (default route) on one device",
    "duplicate-tunnel": "a tunnel number used twice on one device",
    "duplicate-gre": "two GRE tunnels with the same source and endpoint on one device",
    # Devices and management
    "duplicate-management-address": "two devices at the same management address and port",
    "management-from-anywhere": "SSH opened to the whole internet (warning)",
    "management-not-unicast": "a management network no packet from the internet comes from",
    "management-without-internet-line": "management_from on a device without an internet line (warning)",
    "management-lockout": "an inbound policy that would drop the next SSH login",
    "management-port-filtered": "push connects on a port the inbound policy does not open (warning)",
    "management-in-pool": "a management address inside a terminal pool routed into the tunnel",
    # Platform families
    "unsupported-on-platform": "a service the device's platform family cannot do",
    "hostname-rule": "a hostname the platform family does not accept",
    "too-long-for-platform": "a description or label longer than the platform family allows",
    # Numbering plan (VPMN, PBX)
    "area-code": "an area code that is not a China area code",
    "short-plan": "a short number that breaks the group's plan",
    "duplicate-short": "a short number used twice in a group",
    "ambiguous-prefix": "a short number that is the start of another (dialling waits or misroutes)",
    "duplicate-number": "a subscriber number entered more than once",
    "duplicate-name": "a PBX name used twice",
    "public-number": "a switchboard or long number that is not a valid public number",
    "pbx-number": "a PBX number used by two PBXs in one area",
    "block-size": "an extension block and its short-number block of different sizes",
    "switchboard-only": "blocks given to a PBX that sends only its switchboard number",
    "shadows-service": "a number that collides with an emergency or service number",
    "vcn-length": "a virtual calling number longer than a number may be",
    "sip-not-unicast": "a SIP target that is no unicast host",
    "unknown-device": "a PBX gateway that is not a defined device",
    "not-supported": "a PBX trunk on a gateway family configgen does not render trunks for",
    "too-many-rules": "extension blocks needing more translation rules than a rule table holds",
    # NETCONF devices (docs/netconf.md)
    "netconf-unsupported": "transport: netconf on a family or device configgen builds no NETCONF payload for",
    "yang-invalid": "a NETCONF payload that does not validate against the device's YANG models",
    "yang-not-validated": "a NETCONF payload with no model set to validate it against (warning)",
    # Templates
    "template": "a template that does not compile or render, or an override that is not a regular file",
    "template-unused": "a template override that matches no bundled template (warning)",
}

# Tests set this (tests/conftest.py), so that a finding made with a code missing here fails
# the test that makes it instead of reaching a user's acknowledge: list.
CHECK_ENV = "CONFIGGEN_CHECK_FINDING_CODES"


class UnknownFindingCode(Exception):
    """A finding made with a code the catalogue does not list: a programming error."""


def is_known(code: str) -> bool:
    if code in CODES:
        return True
    from configgen import kinds    # a kind registered from outside configgen lists its own codes

    if any(code in kind.finding_codes for kind in kinds.loaded()):
        return True
    from pydantic_core.core_schema import ErrorType   # only when checking: tests, never a user's run
    import typing

    return code in typing.get_args(ErrorType)


def check(code: str) -> None:
    """Refuse an unknown code when the tests ask for it (CHECK_ENV)."""
    if os.environ.get(CHECK_ENV) == "1" and not is_known(code):
        raise UnknownFindingCode(f"finding code {code!r} is not in configgen.finding_codes.CODES")
