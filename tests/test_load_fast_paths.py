"""The load path's shortcuts (strings taken straight from the YAML node, addresses parsed
in C when written canonically) give exactly what the general path gave: the same values,
the same refusals."""

from __future__ import annotations

import ipaddress

import pytest
import yaml

from configgen.inventory.types import _ipv4_address, _ipv4_interface, _ipv4_network
from configgen.inventory.yamlsource import load_yaml_text

DOCUMENT = """\
plain: text
quoted: "027"
single: 'yes'
tagged: !!str 10
number: 10
octal_looking: 027
underscored: 6_601
flag: on
nothing: ~
list: [a, "b", 3, 1.5]
base: &base {x: "1", y: two}
merged:
  <<: *base
  y: three
"1001": key
"""


def test_yaml_values_and_lines_as_before():
    loaded = load_yaml_text(DOCUMENT)
    expected = yaml.safe_load(DOCUMENT)
    expected["octal_looking"] = "027"          # kept as written (yamlsource.py)
    expected["underscored"] = "6_601"
    assert loaded.data == expected
    assert loaded.lines[("quoted",)] == 2 and loaded.lines[("merged", "y")] == 14
    assert loaded.lines[("list", 1)] == 10


ADDRESSES = ["10.1.1.1", "0.0.0.0", "255.255.255.255", "010.1.1.1", "10.1", "0x0a.1.1.1", "1.2.3.4 ",
             "1.2.3.4 x", "256.1.1.1", "1.2.3.04", "1.2.3.4\0", "\uff11.2.3.4", ""]
PREFIXES = ["", "/0", "/8", "/30", "/32", "/33", "/030", "/08", "/+8", "/ 8", "/255.0.0.0", "/-1", "/x", "/"]


def _outcome(parse, text):
    try:
        value = parse(text)
    except ValueError:
        return "refused"
    return type(value).__name__, str(value)


@pytest.mark.parametrize("text", [a + p for a in ADDRESSES for p in PREFIXES] + ["10.0.0.4/30", "10.0.0.5/30"])
def test_addresses_parse_and_refuse_as_ipaddress_does(text):
    for ours, reference in ((_ipv4_address, ipaddress.IPv4Address), (_ipv4_interface, ipaddress.IPv4Interface),
                            (_ipv4_network, ipaddress.IPv4Network)):
        got = _outcome(ours, text)
        if "/" not in text and ours is not _ipv4_address:
            assert got == "refused"           # the prefix length is required
        else:
            assert got == _outcome(reference, text), (ours.__name__, text)
