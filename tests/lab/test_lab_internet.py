"""Internet dedicated line through real netmiko sessions: default route and NAT decide the pings."""

from __future__ import annotations

import pytest
from netmiko import ConnectHandler

from tests.lab.conftest import DATA, load, push, rendered, start_lab
from tests.lab.test_lab_gprs import ping


@pytest.fixture(scope="module")
def lab():
    inventory = load(DATA / "internet-line.yaml")
    lab = start_lab(inventory)
    configs = rendered(inventory)
    conns = {}
    for name in ("xg-factory-ce", "es-school-ce"):
        conns[name] = ConnectHandler(**lab.netmiko_params(name))
        push(conns[name], inventory.devices[name], configs[name])
    lab.conns = conns
    yield lab
    for conn in conns.values():
        conn.disconnect()
    lab.stop()


def test_cisco_nat_line_reaches_internet_test_address_from_lan(lab):
    conn, targets = lab.conns["xg-factory-ce"], lab.services["xg-factory"]
    assert ping(conn, targets.peer, None, count=2) == 2
    assert ping(conn, targets.internet_test_address, "GigabitEthernet0/1", count=2) == 2
    assert ping(conn, targets.server, "GigabitEthernet0/1", count=2) == 2


def test_cisco_without_nat_private_lan_cannot_come_back(lab):
    conn, targets = lab.conns["xg-factory-ce"], lab.services["xg-factory"]
    rule = "ip nat inside source list 1 interface GigabitEthernet0/0 overload"
    conn.send_config_set(["no " + rule])
    assert ping(conn, targets.internet_test_address, "GigabitEthernet0/1", count=2) == 0
    conn.send_config_set([rule])
    assert ping(conn, targets.internet_test_address, "GigabitEthernet0/1", count=2) == 2


def test_huawei_routed_line_and_missing_default_route(lab):
    conn, targets = lab.conns["es-school-ce"], lab.services["es-school"]
    assert ping(conn, targets.internet_test_address, targets.lan_gateway, count=2) == 2
    conn.send_config_set([f"undo ip route-static 0.0.0.0 0.0.0.0 {targets.peer}"])
    assert ping(conn, targets.internet_test_address, targets.lan_gateway, count=2) == 0
    assert ping(conn, targets.peer, None, count=2) == 2        # the circuit itself is fine
