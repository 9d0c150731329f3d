"""An interface type the device's vendor does not have (`Vlanif10` on IOS, `Vlan10` or
`Port-channel1` on VRP) is a finding naming file, line, field, the vendor, the names that
vendor uses and the equivalent: the router would refuse the rendered `interface` line."""

from __future__ import annotations

import pytest

from configgen import api
from configgen.inventory.types import INTERFACE_TYPES, VENDOR_INTERFACE_TYPES
from conftest import INVENTORIES

DEVICES = ("devices:\n  r1: {vendor: cisco, os: ios, host: 192.0.2.1}\n"
           "  r2: {vendor: huawei, os: vrp8, host: 192.0.2.2}\n")


def service(device: str, wan: str, lan: str) -> str:
    return (f"services:\n  - {{kind: gprs_vpn, name: s1, device: {device}, apn: A.HB, tunnel: 1,"
            " terminal_pools: [10.166.12.0/24],\n"
            f"     wan: {{interface: {wan}, address: 10.166.0.2/30}},\n"
            f"     lan: {{interface: {lan}, address: 172.16.10.1/24}}}}\n")


@pytest.mark.parametrize("device, vendor, written, equivalent", [
    ("r1", "cisco", "Vlanif10", "Vlan10"),
    ("r1", "cisco", "Eth-Trunk1", "Port-channel1"),
    ("r1", "cisco", "XGigabitEthernet0/0/1", "TenGigabitEthernet0/0/1"),
    ("r2", "huawei", "Vlan10", "Vlanif10"),
    ("r2", "huawei", "Port-channel1.100", "Eth-Trunk1.100"),
    ("r2", "huawei", "HundredGigE0/1/0", "100GE0/1/0"),
])
def test_another_vendors_interface_type_is_a_finding(write_yaml, device, vendor, written, equivalent):
    path = write_yaml(DEVICES + service(device, "GigabitEthernet0/0/0", written))
    (finding,) = api.check(path).findings
    assert (finding.file, finding.line, finding.field, finding.code) == \
        (str(path), 7, "services[0].lan.interface", "interface-vendor")
    assert f"{vendor} router" in finding.message and f"write {equivalent}" in finding.message
    assert ", ".join(VENDOR_INTERFACE_TYPES[vendor]) in finding.message


def test_a_type_without_an_equivalent_names_the_vendors_types(write_yaml):
    (finding,) = api.check(write_yaml(DEVICES + service("r2", "BDI10", "GigabitEthernet0/0/1"))).findings
    assert finding.field == "services[0].wan.interface" and "huawei" in finding.message


@pytest.mark.parametrize("device, name", [("r1", "Vlan10"), ("r1", "Port-channel1"), ("r2", "Vlanif10"),
                                          ("r2", "Eth-Trunk1"), ("r1", "Atm0/0/0"), ("r2", "POS1/0/0"),
                                          ("r1", "Serial0/0/0:15"), ("r2", "Cellular0/0/0")])
def test_a_type_the_vendor_has_is_fine(write_yaml, device, name):
    assert api.check(write_yaml(DEVICES + service(device, "GigabitEthernet0/0/0", name))).ok


def test_every_known_type_belongs_to_at_least_one_vendor():
    assert set(INTERFACE_TYPES) == {t for types in VENDOR_INTERFACE_TYPES.values() for t in types} | \
        {"Atm", "Pos", "ATM", "POS"}


def test_bundled_inventories_use_their_vendors_types():
    for path in sorted(INVENTORIES.glob("*.yaml")) + sorted((INVENTORIES / "examples").glob("*.yaml")):
        assert not [f for f in api.check(path).findings if f.code == "interface-vendor"], path
