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
