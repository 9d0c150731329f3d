"""CLI state machines, config tree, plan and push-list helpers: no root, no network."""

from __future__ import annotations

from pathlib import Path

from configgen.lab import build_plan, ifnames
from configgen.lab.cli_cisco import CiscoSession
from configgen.lab.cli_huawei import HuaweiSession
from configgen.lab.device import SimDevice
from configgen.lab.intent import Route
from tests.lab.backend import RecordingBackend
from tests.lab.conftest import DATA, load
from tests.lab.pushlist import config_commands

CISCO_LINKS = {"GigabitEthernet0/0": "gi0_0", "GigabitEthernet0/1": "gi0_1"}
HUAWEI_LINKS = {"GigabitEthernet0/0/0": "gi0_0_0", "GigabitEthernet0/0/1": "gi0_0_1"}


def cisco(reachable=()):
    dev = SimDevice("R1", "cisco", "ios", CISCO_LINKS, RecordingBackend(set(reachable)))
    return dev, CiscoSession(dev)


def huawei(os="vrp5"):
    dev = SimDevice("R2", "huawei", os, HUAWEI_LINKS, RecordingBackend({"10.166.14.10"}))
    return dev, HuaweiSession(dev)


def run(session, *lines):
    return [session.handle(line) for line in lines]


def test_cisco_prompts_and_fall_through():
    dev, s = cisco()
    assert s.prompt() == "R1#"
    run(s, "configure terminal")
    assert s.prompt() == "R1(config)#"
    run(s, "interface Tunnel0")
    assert s.prompt() == "R1(config-if)#"
    run(s, "tunnel source GigabitEthernet0/0", "ip route 10.166.12.0 255.255.255.0 Tunnel0")
    assert s.prompt() == "R1(config)#"          # the route fell through to global config
    assert "ip route 10.166.12.0 255.255.255.0 Tunnel0" in dev.running.lines()
    run(s, "end")
    assert s.prompt() == "R1#"


def test_cisco_config_drives_desired_state_and_negation():
    dev, s = cisco()
    run(s, "conf t", "interface gi0/0", "ip address 10.166.0.2 255.255.255.252", "interface Tunnel0",
        "ip unnumbered GigabitEthernet0/0", "tunnel source GigabitEthernet0/0", "tunnel destination 211.137.63.13",
        "ip route 10.166.12.0 255.255.255.0 Tunnel0 name POOL", "end")
    desired = dev.backend.desired
    assert ("gi0_0", "10.166.0.2/30") in desired.addresses
    assert desired.forwarders == {("tnl0", "10.166.0.2", "211.137.63.13")}
    assert Route("10.166.12.0/24", dev="tnl0") in desired.routes
    run(s, "conf t", "no ip route 10.166.12.0 255.255.255.0 Tunnel0 name POOL",
        "interface Tunnel0", "no tunnel destination 211.137.63.13", "end")
    assert not dev.backend.desired.routes and not dev.backend.desired.forwarders


def test_cisco_replaces_single_valued_settings():
    dev, s = cisco()
    run(s, "conf t", "interface Tunnel0", "tunnel destination 198.51.100.99", "tunnel destination 211.137.63.13")
    assert [line for line in dev.running.lines() if "destination" in line] == [" tunnel destination 211.137.63.13"]


def test_cisco_nat_needs_inside_outside_and_acl():
    dev, s = cisco()
    run(s, "conf t", "interface GigabitEthernet0/0", "ip address 211.137.100.2 255.255.255.252", "ip nat outside",
        "interface GigabitEthernet0/1", "ip address 192.168.1.1 255.255.255.0",
        "access-list 1 permit 192.168.1.0 0.0.0.255",
        "ip nat inside source list 1 interface GigabitEthernet0/0 overload")
    assert not dev.backend.desired.nat                  # no `ip nat inside` yet
    run(s, "interface GigabitEthernet0/1", "ip nat inside")
    assert dev.backend.desired.nat == {("gi0_0", "192.168.1.0/24")}


def test_cisco_errors_have_caret_and_vendor_text():
    _, s = cisco()
    run(s, "conf t", "interface GigabitEthernet0/0")
    out = s.handle("ip address 10.1.1.1 255.0.255.0")
    caret, message = out.splitlines()
    assert message == "% Invalid input detected at '^' marker."
    assert caret.index("^") == len("R1(config-if)#") + len("ip address 10.1.1.1 ")
    assert "% Invalid input" in s.handle("interface Bogus0/0")
    assert "% Invalid input" in s.handle("ip route 10.0.0.1 255.255.255.0 Tunnel0")   # host bits set
    run(s, "end")
    assert "% Invalid input" in s.handle("frobnicate")


def test_cisco_unknown_lines_are_kept_and_save():
    dev, s = cisco()
    run(s, "conf t", "interface GigabitEthernet0/0", "ip tcp adjust-mss 1436", "end")
    assert " ip tcp adjust-mss 1436" in dev.running.lines()
    assert s.handle("write memory") == "Building configuration...\n[OK]"
    assert dev.startup == dev.running.lines()


def test_cisco_ping_format():
    _, s = cisco(reachable={"10.166.12.10"})
    ok = s.handle("ping 10.166.12.10 repeat 2 timeout 1")
    assert "!!" in ok and "Success rate is 100 percent (2/2)" in ok
    bad = s.handle("ping 10.9.9.9 repeat 2")
    assert "\n..\n" in bad and "Success rate is 0 percent (0/2)" in bad


def test_huawei_views_undo_and_save_question():
    dev, s = huawei()
    assert s.prompt() == "<R2>"
    assert s.handle("system-view").startswith("Enter system view")
    run(s, "interface GigabitEthernet 0/0/0")
    assert s.prompt() == "[R2-GigabitEthernet0/0/0]"
    run(s, "ip address 10.166.0.6 255.255.255.252", "quit", "interface Tunnel0/0/1",
        "ip address unnumbered interface GigabitEthernet0/0/0", "tunnel-protocol gre",
        "source GigabitEthernet0/0/0", "destination 211.137.63.13", "quit",
        "ip route-static 10.166.14.0 255.255.255.0 Tunnel0/0/1 description POOL")
    assert dev.backend.desired.forwarders == {("tnl0_0_1", "10.166.0.6", "211.137.63.13")}
    run(s, "undo ip route-static 10.166.14.0 255.255.255.0 Tunnel0/0/1")
    assert not dev.backend.desired.routes
    run(s, "return")
    assert "Continue? [Y/N]" in s.handle("save")
    assert "successfully" in s.handle("y")
    assert s.prompt() == "<R2>"


def test_huawei_errors():
    _, s = huawei()
    assert s.handle("bogus").endswith("Error: Unrecognized command found at '^' position.")
    run(s, "system-view", "interface GigabitEthernet0/0/0")
    assert s.handle("ip address 10.1.1.1 255.0.255.0").endswith("Error: Wrong parameter found at '^' position.")


def test_huawei_ping_format():
    _, s = huawei()
    out = s.handle("ping -c 2 -a 172.16.20.1 10.166.14.10")
    assert "Reply from 10.166.14.10: bytes=56 Sequence=2" in out
    assert "2 packet(s) received" in out and "0.00% packet loss" in out
    assert "100.00% packet loss" in s.handle("ping -c 2 10.9.9.9")


def test_vrp8_commit_and_uncommitted_exit():
    dev, s = huawei("vrp8")
    run(s, "system-view")
    assert s.prompt() == "[~R2]"
    run(s, "interface GigabitEthernet0/0/0", "ip address 10.166.0.6 255.255.255.252")
    assert s.prompt() == "[*R2-GigabitEthernet0/0/0]"
    assert not dev.backend.desired.addresses         # nothing before commit
    run(s, "commit")
    assert s.prompt() == "[~R2-GigabitEthernet0/0/0]"
    assert dev.backend.desired.addresses == {("gi0_0_0", "10.166.0.6/30")}
    run(s, "undo ip address")
    assert "Uncommitted configurations found" in s.handle("return")
    run(s, "N")
    assert s.prompt() == "<R2>" and dev.backend.desired.addresses


def test_interface_names():
    assert ifnames.canonical("cisco", "gi0/0") == "GigabitEthernet0/0"
    assert ifnames.canonical("huawei", "GigabitEthernet 0/0/1") == "GigabitEthernet0/0/1"
    assert ifnames.canonical("cisco", "Bogus0/0") is None
    assert ifnames.linux_name("huawei", "Tunnel0/0/1") == "tnl0_0_1"
    assert len(ifnames.linux_name("cisco", "GigabitEthernet0/0/0/0/0/0/1")) <= 15


def test_push_list_from_rendered_files():
    assert config_commands("hostname R1\n!\ninterface Tunnel0\n tunnel source Gi0/0\n!\nend\n", "cisco") == [
        "hostname R1", "interface Tunnel0", "tunnel source Gi0/0"]
    huawei_text = "sysname R2\n#\ninterface Tunnel0/0/1\n source Gi0/0/0\n#\nip route-static 1.0.0.0 8 NULL0\n#\ncommit\nreturn\n"
    assert config_commands(huawei_text, "huawei") == [
        "sysname R2", "interface Tunnel0/0/1", "source Gi0/0/0", "quit", "ip route-static 1.0.0.0 8 NULL0"]


def test_plan_for_gprs_example():
    inventory = load(Path(DATA / "gprs-three-os.yaml"))
    plan = build_plan(inventory, "cgtest")
    assert len(plan.namespaces) == 9                      # 3 devices + 3 GPRS cores + 3 LANs
    assert all(ns.startswith("cgtest-") for ns in plan.namespaces)
    logistics = plan.services["wh-logistics"]
    assert logistics.terminals == ["10.166.12.10", "10.166.13.10"]
    assert logistics.peer == "10.166.0.1" and logistics.gre_endpoint == "211.137.63.13"
    assert plan.devices["wh-water-ce"].interfaces == HUAWEI_LINKS
    assert [(g.local, g.remote) for g in plan.gre][0] == ("211.137.63.13", "10.166.0.2")


def test_plan_for_internet_example():
    plan = build_plan(load(DATA / "internet-line.yaml"), "cgtest")
    school = plan.services["es-school"]
    assert school.internet_test_address == "211.137.58.20" and school.peer == "211.137.100.5"
    pe = next(ns for ns, label in plan.namespaces.items() if label == "internet PE for es-school")
    assert (pe, "211.137.201.0/28", "via 211.137.100.6") in plan.routes


def test_plan_for_services_without_a_server_starts(tmp_path):
    """A LAN without a server has no address, so no default route either: the kernel
    refuses a gateway off-link and the lab did not start."""
    text = "\n".join(line for line in (DATA / "gprs-three-os.yaml").read_text().splitlines()
                     if "server:" not in line)
    (tmp_path / "inventory.yaml").write_text(text + "\n")
    plan = build_plan(load(tmp_path / "inventory.yaml"), "cgtest")
    lans = {ns for ns, label in plan.namespaces.items() if label.startswith("LAN")}
    assert len(lans) == 3
    assert not {ns for ns, _, _ in plan.routes} & lans


# ---- issue 11: the VRP8 router (NE40E) and CE switch (CE6800) simulators follow the vendor
# documents (docs/rendered-lines.md), not configgen's templates.

def test_vrp8_refuses_a_slot_style_tunnel_without_target_board():
    """NE40E GRE guide, "Binding an Interface to GRE": without `target-board` the tunnel
    must be named by interface ID."""
    _, s = huawei("vrp8")
    run(s, "system-view")
    assert s.handle("interface Tunnel0/0/1").endswith("interface ID (interface Tunnel<n>).")
    assert s.prompt() == "[~R2]"                      # no view was entered
    assert s.handle("interface Tunnel1") == ""
    assert s.prompt() == "[*R2-Tunnel1]"


def test_vrp8_refuses_source_on_an_interface_not_bound_to_gre():
    _, s = huawei("vrp8")
    run(s, "system-view", "interface GigabitEthernet0/0/0", "ip address 10.166.0.6 255.255.255.252", "quit",
        "interface Tunnel1", "tunnel-protocol gre")
    assert s.handle("source GigabitEthernet0/0/0").startswith(" " * len("[*R2-Tunnel1]"))
    assert "not bound to GRE" in s.handle("source GigabitEthernet0/0/0")
    assert "not bound to GRE" in s.handle("source 10.166.0.6")       # by address: the same interface
    run(s, "quit", "interface GigabitEthernet0/0/0", "binding tunnel gre", "quit", "interface Tunnel1")
    assert s.handle("source GigabitEthernet0/0/0") == ""
    assert s.handle("source 10.166.0.6") == ""


def test_vrp8_refuses_interface_nat_traffic_filter_and_the_ar_car_form():
    _, s = huawei("vrp8")
    run(s, "system-view", "interface GigabitEthernet0/0/0")
    assert s.handle("nat outbound 2000").endswith("Error: Unrecognized command found at '^' position.")
    assert s.handle("traffic-filter inbound acl 3000").endswith("Error: Unrecognized command found at '^' position.")
    assert s.handle("qos car inbound cir 512").endswith("Error: Wrong parameter found at '^' position.")
    assert s.handle("qos car cir 512 inbound") == ""


def test_vrp5_keeps_the_ar_forms():
    _, s = huawei("vrp5")
    run(s, "system-view", "interface GigabitEthernet0/0/0")
    assert run(s, "nat outbound 2000", "qos car inbound cir 512", "quit", "interface Tunnel0/0/1",
               "source GigabitEthernet0/0/0") == ["", "", "", "", ""]


def test_ce_refuses_ip_address_on_a_layer2_port():
    """CE6800 `portswitch`: Ethernet ports are Layer 2 by default."""
    _, s = huawei("ce")
    run(s, "system-view", "interface GigabitEthernet0/0/0")
    assert "Layer 2 interface" in s.handle("ip address 10.166.0.6 255.255.255.252")
    assert s.handle("undo portswitch") == ""
    assert s.handle("ip address 10.166.0.6 255.255.255.252") == ""
    assert s.handle("nat outbound 2000").endswith("Error: Unrecognized command found at '^' position.")


def test_ce_tunnel_slot_must_match_the_source_slot():
    _, s = huawei("ce")
    run(s, "system-view", "interface Tunnel1/0/1")
    assert "slot ID" in s.handle("source GigabitEthernet0/0/0")
    run(s, "quit", "interface Tunnel0/0/1")
    assert s.handle("source GigabitEthernet0/0/0") == ""


def test_ce_portswitch_returns_a_port_to_layer2():
    _, s = huawei("ce")
    run(s, "system-view", "interface GigabitEthernet0/0/0", "undo portswitch", "portswitch")
    assert "Layer 2 interface" in s.handle("ip address 10.166.0.6 255.255.255.252")
    assert "undo portswitch" not in s.current_configuration(s.tree())


def test_ce_accepts_the_guides_interface_id_tunnel_and_checks_the_slot_of_an_address_source():
    """CE6800 GRE guide: its configuration scripts configure `interface Tunnel1` with
    `source <address of 100GE1/0/1>`; its slot rule binds tunnels named slot/card/number,
    also when the source is given by the address of a port in another slot."""
    _, s = huawei("ce")
    run(s, "system-view", "interface GigabitEthernet1/0/0", "undo portswitch", "ip address 172.20.1.1 255.255.255.0",
        "quit", "interface Tunnel1", "tunnel-protocol gre")
    assert s.handle("source 172.20.1.1") == ""
    run(s, "quit", "interface Tunnel0/0/2", "tunnel-protocol gre")
    assert "slot ID" in s.handle("source 172.20.1.1")


def test_simulated_devices_take_their_facts_from_the_product_platform_table(monkeypatch):
    """Issue 10: one platform table read by the lab too. A family whose delivery facts
    change in configgen.platforms changes the simulator's device type and commit mode."""
    from dataclasses import replace

    from configgen import platforms

    ar = platforms.PLATFORMS[("huawei", "vrp5")]
    changed = replace(ar, delivery=replace(ar.delivery, commit_based=True, netmiko_type="huawei_vrpv8"))
    monkeypatch.setitem(platforms.PLATFORMS, ("huawei", "vrp5"), changed)
    dev, _ = huawei("vrp5")
    assert dev.commit_based and dev.device_type == "huawei_vrpv8"


def test_lab_operator_address_is_the_products_interconnect_peer():
    """The lab addresses the operator side where render routes to (services.addressing):
    a WAN address that is not a host of its /30 has no peer, not a guessed one."""
    import ipaddress
    from types import SimpleNamespace

    import pytest

    from configgen.lab.plan import PlanError, _peer

    assert _peer(SimpleNamespace(peer=None, address=ipaddress.IPv4Interface("10.166.0.2/30"))) == "10.166.0.1"
    assert _peer(SimpleNamespace(peer=ipaddress.IPv4Address("10.9.9.9"),
                                 address=ipaddress.IPv4Interface("10.166.0.2/29"))) == "10.9.9.9"
    with pytest.raises(PlanError):
        _peer(SimpleNamespace(peer=None, address=ipaddress.IPv4Interface("10.166.0.3/30")))   # the broadcast
