"""GPRS VPN through real netmiko sessions against the lab: the pushed config decides the pings."""

from __future__ import annotations

import re

import pytest
from netmiko import ConnectHandler
from netmiko.exceptions import ConfigInvalidException

from tests.lab.conftest import DATA, load, push, rendered, start_lab

DEVICES = ["wh-logistics-ce", "wh-water-ce", "wh-power-ce"]      # cisco_ios, huawei_vrp, huawei_vrpv8


@pytest.fixture(scope="module")
def lab():
    inventory = load(DATA / "gprs-three-os.yaml")
    lab = start_lab(inventory)
    lab.inventory_configs = rendered(inventory)
    yield lab
    lab.stop()


@pytest.fixture(scope="module")
def sessions(lab):
    """One netmiko session per device, each with the rendered config pushed and saved."""
    conns = {}
    for name in DEVICES:
        conn = ConnectHandler(**lab.netmiko_params(name))
        push(conn, lab.inventory.devices[name], lab.inventory_configs[name])
        conn.save_config()
        conns[name] = conn
    yield conns
    for conn in conns.values():
        conn.disconnect()


def ping(conn, dst: str, source: str | None, count: int = 3) -> int:
    """Successful replies of a ping from the router, in its vendor's syntax and format."""
    if conn.device_type == "cisco_ios":
        src = f" source {source}" if source else ""
        out = conn.send_command(f"ping {dst}{src} repeat {count} timeout 1", read_timeout=30)
        return int(re.search(r"Success rate is \d+ percent \((\d+)/\d+\)", out).group(1))
    src = f"-a {source} " if source else ""
    out = conn.send_command(f"ping -c {count} -t 1000 {src}{dst}", read_timeout=30)
    return int(re.search(r"(\d+) packet\(s\) received", out).group(1))


def lan_source(lab, name: str, conn) -> str:
    targets = next(t for t in lab.services.values() if t.device == name)
    return targets.lan_interface if conn.device_type == "cisco_ios" else targets.lan_gateway


def terminal(lab, name: str) -> str:
    return next(t for t in lab.services.values() if t.device == name).terminals[0]


@pytest.mark.parametrize("name", DEVICES)
def test_prompt_and_running_config(lab, sessions, name):
    conn = sessions[name]
    prompt = conn.find_prompt()
    if conn.device_type == "cisco_ios":
        assert prompt == f"{name}#"
        assert "tunnel destination 211.137.63.13" in conn.send_command("show running-config")
    else:
        assert prompt == f"<{name}>"
        assert "destination 211.137.63.13" in conn.send_command("display current-configuration")


@pytest.mark.parametrize("name", DEVICES)
def test_terminal_reachable_through_gre_from_lan(lab, sessions, name):
    conn = sessions[name]
    assert ping(conn, terminal(lab, name), lan_source(lab, name, conn)) == 3


def test_every_pool_and_server_reachable(lab, sessions):
    conn = sessions["wh-logistics-ce"]
    targets = lab.services["wh-logistics"]
    for dst in [targets.peer, targets.gre_endpoint, *targets.terminals, targets.server]:
        assert ping(conn, dst, "GigabitEthernet0/1", count=2) == 2, dst


def test_cisco_wrong_tunnel_destination_fails(lab, sessions):
    conn = sessions["wh-logistics-ce"]
    conn.send_config_set(["interface Tunnel0", "tunnel destination 198.51.100.99"])
    try:
        assert ping(conn, terminal(lab, "wh-logistics-ce"), "GigabitEthernet0/1", count=2) == 0
        # the interconnect still answers: the layered diagnosis of domain.md §1
        assert ping(conn, lab.services["wh-logistics"].peer, None, count=2) == 2
    finally:
        conn.send_config_set(["interface Tunnel0", "no tunnel destination 198.51.100.99",
                              "tunnel destination 211.137.63.13"])
    assert ping(conn, terminal(lab, "wh-logistics-ce"), "GigabitEthernet0/1", count=2) == 2


@pytest.mark.parametrize("name", ["wh-water-ce", "wh-power-ce"])
def test_huawei_dropped_pool_route_fails(lab, sessions, name):
    conn = sessions[name]
    route = next(line for line in lab.inventory_configs[name].splitlines()
                 if line.startswith("ip route-static") and "POOL" in line)
    undo = ["undo " + " ".join(route.split()[:5])]
    conn.send_config_set(undo, exit_config_mode=conn.device_type != "huawei_vrpv8")
    if conn.device_type == "huawei_vrpv8":
        conn.commit()
    source = lan_source(lab, name, conn)
    assert ping(conn, terminal(lab, name), source, count=2) == 0
    conn.send_config_set([route], exit_config_mode=conn.device_type != "huawei_vrpv8")
    if conn.device_type == "huawei_vrpv8":
        conn.commit()
    assert ping(conn, terminal(lab, name), source, count=2) == 2


def test_vrp8_uncommitted_change_has_no_effect(lab, sessions):
    conn = sessions["wh-power-ce"]
    conn.config_mode()
    out = conn.send_command("interface Tunnel2", expect_string=r"\]")
    out += conn.send_command("destination 198.51.100.99", expect_string=r"\]")
    assert "[*wh-power-ce-Tunnel2]" in conn.find_prompt()
    assert ping(conn, terminal(lab, "wh-power-ce"), lan_source(lab, "wh-power-ce", conn), count=2) == 2
    conn.write_channel("return\n")
    conn.read_until_pattern(r"\[Y\(yes\)/N\(no\)/C\(cancel\)\]:")
    conn.write_channel("N\n")
    conn.read_until_pattern(r"<wh-power-ce>")
    assert "198.51.100.99" not in conn.send_command("display current-configuration")


@pytest.mark.parametrize("name,bad,marker", [
    ("wh-logistics-ce", "ip address 10.1.1.1 255.0.255.0", "% Invalid input detected at '^' marker."),
    ("wh-water-ce", "ip address 10.1.1.1 255.0.255.0", "Error: Wrong parameter found at '^' position."),
])
def test_malformed_line_gets_vendor_error(lab, sessions, name, bad, marker):
    conn = sessions[name]
    iface = "GigabitEthernet0/1" if conn.device_type == "cisco_ios" else "GigabitEthernet0/0/1"
    output = conn.send_config_set([f"interface {iface}", bad])
    assert marker in output
    if conn.device_type == "cisco_ios":      # and netmiko's error_pattern catches it
        with pytest.raises(ConfigInvalidException):
            conn.send_config_set([f"interface {iface}", bad], error_pattern=r"% Invalid")
    conn.exit_config_mode()
    assert ping(conn, terminal(lab, name), lan_source(lab, name, conn), count=1) == 1
