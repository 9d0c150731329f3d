"""Internet lines that validated clean but cannot work (issue 14 item 11): static NAT
mappings the router cannot hold together, and an interconnect in private space."""

from __future__ import annotations

import pytest

from configgen import api
from conftest import INVENTORIES

EXAMPLE = INVENTORIES / "hubei-internet-line.yaml"
NAT_LINE = "    server: 192.168.1.20\n"       # the NATed line xg-factory (its LAN is 192.168.1.0/24)


def _with_mappings(write_yaml, *mappings: str):
    text = EXAMPLE.read_text()
    assert text.count(NAT_LINE) == 1
    entries = "".join(f"      - {m}\n" for m in mappings)
    return api.check(write_yaml(text.replace(NAT_LINE, NAT_LINE + "    static_nat:\n" + entries)))


def _codes(checked) -> list[tuple[str, str]]:
    return [(f.code, f.field) for f in checked.findings]


def test_distinct_mappings_are_clean(write_yaml):
    checked = _with_mappings(write_yaml,
                             "{public: 211.137.200.2, inside: 192.168.1.20, protocol: tcp, port: 443}",
                             "{public: 211.137.200.2, inside: 192.168.1.21, protocol: tcp, port: 25}",
                             "{public: 211.137.200.2, inside: 192.168.1.20, protocol: udp, port: 443}",
                             "{public: 211.137.200.3, inside: 192.168.1.22}")
    assert not checked.findings.items, [str(f) for f in checked.findings]


def test_one_public_port_to_two_inside_hosts_is_an_error(write_yaml):
    checked = _with_mappings(write_yaml,
                             "{public: 211.137.200.2, inside: 192.168.1.20, protocol: tcp, port: 443}",
                             "{public: 211.137.200.2, inside: 192.168.1.21, protocol: tcp, port: 443}")
    [finding] = checked.findings
    assert (finding.code, finding.field, finding.severity) == (
        "static-nat-conflict", "services[0].static_nat[1]", "error")
    assert "192.168.1.20" in finding.message and "192.168.1.21" in finding.message
    assert finding.related[0].endswith("services[0].static_nat[0]")


def test_a_whole_address_mapping_takes_no_other_mapping(write_yaml):
    checked = _with_mappings(write_yaml, "{public: 211.137.200.2, inside: 192.168.1.20}",
                             "{public: 211.137.200.2, inside: 192.168.1.21, protocol: tcp, port: 443}")
    assert _codes(checked) == [("static-nat-conflict", "services[0].static_nat[1]")]


@pytest.mark.parametrize("port", ["", ", protocol: tcp, port: 443"])
def test_one_inside_host_to_two_public_addresses_is_an_error(write_yaml, port):
    checked = _with_mappings(write_yaml, f"{{public: 211.137.200.2, inside: 192.168.1.20{port}}}",
                             f"{{public: 211.137.200.3, inside: 192.168.1.20{port}}}")
    assert _codes(checked) == [("static-nat-conflict", "services[0].static_nat[1]")]
    assert "211.137.200.2" in checked.findings.items[0].message


def test_many_identical_mappings_are_one_finding(write_yaml):
    checked = _with_mappings(write_yaml, *["{public: 211.137.200.2, inside: 192.168.1.20, protocol: tcp, port: 443}"]
                             * 500)
    [finding] = checked.findings
    assert "500 times" in finding.message and len(finding.related) == 5


WAN = "wan: {interface: GigabitEthernet0/0, address: 211.137.100.2/30}"


@pytest.mark.parametrize("address", ["10.166.0.2/30", "172.16.0.2/30", "192.168.0.2/30", "100.64.0.2/30"])
def test_a_nat_line_with_a_private_interconnect_is_an_error(write_yaml, address):
    text = EXAMPLE.read_text()
    assert WAN in text
    checked = api.check(write_yaml(text.replace(WAN, WAN.replace("211.137.100.2/30", address))))
    [finding] = checked.findings
    assert (finding.code, finding.field, finding.severity) == (
        "interconnect-not-public", "services[0].wan.address", "error")
    assert "gprs_vpn" in finding.message           # says what the engineer probably meant


def test_a_routed_line_with_a_private_interconnect_is_a_warning(write_yaml):
    old = "wan: {interface: GigabitEthernet0/0/0, address: 211.137.100.6/30}"
    text = EXAMPLE.read_text()
    assert old in text
    checked = api.check(write_yaml(text.replace(old, old.replace("211.137.100.6/30", "10.166.0.6/30"))))
    assert [(f.code, f.field, f.severity) for f in checked.findings] == [
        ("interconnect-not-public", "services[1].wan.address", "warning")]


def test_a_documentation_interconnect_is_fine_in_a_lab_inventory(write_yaml):
    text = EXAMPLE.read_text().replace(WAN, WAN.replace("211.137.100.2/30", "198.51.100.2/30"))
    assert [f.code for f in api.check(write_yaml(text)).findings] == ["interconnect-not-public"]
    assert not api.check(write_yaml("lab: true\n" + text)).findings.items
