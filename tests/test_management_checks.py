"""Devices and their management: each device at its own address (issue 9 item 6), no
inventory that locks push out of a router or routes management traffic into a tunnel
(issue 14 item 7)."""

from __future__ import annotations

import pytest

from configgen import api
from conftest import INVENTORIES


def test_bundled_inventories_together_are_clean():
    # hq-voice-gw and wh-port-ce once shared 192.0.2.31
    checked = api.check(INVENTORIES)
    assert not checked.findings.items, [str(f) for f in checked.findings]


def _devices(write_yaml, *lines: str):
    return api.check(write_yaml("devices:\n" + "".join(f"  {line}\n" for line in lines)))


def test_two_devices_with_one_management_address_are_an_error_naming_both(write_yaml):
    checked = _devices(write_yaml, "ce-a: {vendor: cisco, os: ios, host: 192.0.2.31}",
                       "ce-b: {vendor: huawei, os: vrp5, host: 192.0.2.31}")
    [finding] = checked.findings
    assert (finding.code, finding.severity, finding.field) == (
        "duplicate-management-address", "error", "devices.ce-b.host")
    assert "ce-a" in finding.message and "192.0.2.31" in finding.message
    assert finding.related[0].endswith("devices.ce-a.host")


def test_one_address_with_different_ports_is_two_devices(write_yaml):
    # a console server or a NAT gateway forwarding one port per router
    checked = _devices(write_yaml, "ce-a: {vendor: cisco, os: ios, host: 192.0.2.31, port: 2201}",
                       "ce-b: {vendor: cisco, os: ios, host: 192.0.2.31, port: 2202}")
    assert not checked.findings.items


@pytest.mark.parametrize("first, second", [
    ("ce1.example.net", "CE1.Example.NET."),     # DNS names ignore case and the root dot
    ("192.0.2.31", "192.0.2.31"),
])
def test_one_target_written_two_ways_is_the_same_target(write_yaml, first, second):
    checked = _devices(write_yaml, f"ce-a: {{vendor: cisco, os: ios, host: {first}}}",
                       f"ce-b: {{vendor: cisco, os: ios, host: '{second}', port: 22}}")
    assert [f.code for f in checked.findings] == ["duplicate-management-address"]


def test_many_devices_on_one_address_are_one_finding(write_yaml):
    checked = _devices(write_yaml, *(f"ce-{i}: {{vendor: cisco, os: ios, host: 192.0.2.31}}" for i in range(50)))
    [finding] = checked.findings
    assert "50 devices" in finding.message and len(finding.related) == 5


# ---- the operator addresses a gateway sends to (issue 14 item 19)

@pytest.mark.parametrize("sip, what", [
    ("0.0.0.0", "'this network'"), ("224.0.1.75", "multicast"), ("239.255.255.250", "multicast"),
    ("127.0.0.1", "loopback"), ("255.255.255.255", "broadcast"), ("240.0.0.1", "reserved"),
    ("169.254.1.1", "link-local"),
])
def test_a_sip_target_that_is_no_host_is_an_error(write_yaml, sip, what):
    text = (INVENTORIES / "hubei-vpmn-pbx.yaml").read_text()
    assert "operator: {sip: 198.51.100.20}" in text
    checked = api.check(write_yaml(text.replace("operator: {sip: 198.51.100.20}", f"operator: {{sip: {sip}}}")))
    [finding] = checked.findings
    assert (finding.code, finding.field) == ("sip-not-unicast", "vpmn[0].pbx[0].operator.sip")
    assert what in finding.message and sip in finding.message


# ---- management locked out or routed into a tunnel (issue 14 item 7)

INTERNET = INVENTORIES / "hubei-internet-line.yaml"
GPRS = INVENTORIES / "hubei-gprs-vpn.yaml"
COMBINED = INVENTORIES / "examples" / "gprs-and-internet-line.yaml"


def _edited(write_yaml, source, *edits: tuple[str, str], lab: bool = False):
    text = source.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return api.check(write_yaml(("lab: true\n" if lab else "") + text))


def _found(checked) -> list[tuple[str, str, str]]:
    return [(f.code, f.severity, f.field) for f in checked.findings]


XG_HOST = ("    host: 192.0.2.21\n", "    host: 211.137.100.2\n")      # xg-factory's WAN address


def test_push_to_the_wan_address_without_management_sources_is_a_lockout(write_yaml):
    checked = _edited(write_yaml, INTERNET, XG_HOST)
    assert _found(checked) == [("management-lockout", "error", "devices.xg-factory-ce.host")]
    finding = checked.findings.items[0]
    assert "management_from" in finding.message and "management_sources" in finding.message
    assert finding.related[0].endswith("services[0].wan.address")


@pytest.mark.parametrize("edit", [
    ("    host: 211.137.100.2\n", "    host: 211.137.100.2\n    management_from: [211.137.96.0/27]\n"),
    ("  internet_test_address: 211.137.58.20\n",
     "  internet_test_address: 211.137.58.20\n  management_sources: [211.137.96.0/27]\n"),
])
def test_a_management_source_opens_ssh_to_the_wan_address(write_yaml, edit):
    assert _found(_edited(write_yaml, INTERNET, XG_HOST, edit)) == []


def test_another_port_than_ssh_on_the_wan_address_is_a_warning(write_yaml):
    checked = _edited(write_yaml, INTERNET, XG_HOST,
                      ("    host: 211.137.100.2\n", "    host: 211.137.100.2\n    port: 2222\n"
                       "    management_from: [211.137.96.0/27]\n"))
    assert _found(checked) == [("management-port-filtered", "warning", "devices.xg-factory-ce.host")]


def test_a_host_elsewhere_is_not_filtered_by_the_line(write_yaml):
    assert _found(_edited(write_yaml, INTERNET, ("    host: 192.0.2.21\n", "    host: 211.137.100.9\n"))) == []


POOL = ("terminal_pools: [10.166.14.0/24]", "terminal_pools: [{}]")


@pytest.mark.parametrize("pool, expected", [
    ("8.8.8.0/24", ("pool-not-private", "warning")),
    ("211.138.0.0/16", ("pool-not-private", "warning")),
    ("224.1.1.0/24", ("pool-not-unicast", "error")),
    ("127.0.0.0/24", ("pool-not-unicast", "error")),
    ("198.51.100.0/24", ("pool-not-private", "warning")),
])
def test_a_terminal_pool_outside_terminal_space_is_reported(write_yaml, pool, expected):
    checked = _edited(write_yaml, GPRS, (POOL[0], POOL[1].format(pool)))
    assert _found(checked) == [(*expected, "services[1].terminal_pools[0]")]
    assert "GRE" in checked.findings.items[0].message or "no terminal" in checked.findings.items[0].message


@pytest.mark.parametrize("pool", ["100.64.14.0/24", "192.168.14.0/24", "172.31.0.0/24"])
def test_private_and_shared_pools_are_fine(write_yaml, pool):
    assert _found(_edited(write_yaml, GPRS, (POOL[0], POOL[1].format(pool)))) == []


def test_a_documentation_pool_is_fine_in_a_lab_inventory(write_yaml):
    assert _found(_edited(write_yaml, GPRS, (POOL[0], POOL[1].format("198.51.100.0/24")), lab=True)) == []


OPERATOR = ("  gre_endpoint: 211.137.63.13        # default GRE destination for gprs_vpn services\n",
            "  gre_endpoint: 211.137.63.13\n  management_sources: [{}]\n")


def test_a_pool_covering_a_management_network_is_an_error(write_yaml):
    checked = _edited(write_yaml, GPRS, (OPERATOR[0], OPERATOR[1].format("10.166.14.0/26")))
    assert _found(checked) == [("pool-covers-management", "error", "services[1].terminal_pools[0]")]
    assert checked.findings.items[0].related[0].endswith("operator.management_sources[0]")


def test_a_management_network_holding_pools_is_a_warning_listing_them(write_yaml):
    checked = _edited(write_yaml, GPRS, (OPERATOR[0], OPERATOR[1].format("10.166.0.0/16")))
    assert _found(checked) == [("pool-covers-management", "warning", "operator.management_sources[0]")]
    assert len(checked.findings.items[0].related) == 3      # the three pools of the example


def test_a_device_management_network_in_its_own_pool_is_an_error(write_yaml):
    checked = _edited(write_yaml, COMBINED, ("host: 192.0.2.33}", "host: 192.0.2.33, management_from: [10.166.30.128/25]}"))
    assert _found(checked) == [("pool-covers-management", "error", "services[0].terminal_pools[0]")]


def test_a_management_address_in_a_pool(write_yaml):
    own = _edited(write_yaml, GPRS, ("    host: 192.0.2.11 ", "    host: 10.166.12.1 "))
    assert _found(own) == [("management-in-pool", "error", "devices.wh-logistics-ce.host")]
    other = _edited(write_yaml, GPRS, ("    host: 192.0.2.12\n", "    host: 10.166.12.1\n"))
    assert _found(other) == [("management-in-pool", "warning", "devices.wh-water-ce.host")]
