"""Internet dedicated line through real netmiko sessions: default route and NAT decide the
pings, and the pushed inbound ACL decides what the internet reaches (configgen/lab/acl.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from netmiko import ConnectHandler

from configgen.lab.sshsim import new_session

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


# ---- the inbound security policy is enforced ----------------------------------------------

# A TCP listener in the customer server's namespace: accepts on the given ports until its
# deadline (bounded in time), then exits.
LISTENER = r"""
import select, socket, sys, time
deadline = time.monotonic() + float(sys.argv[1])
socks = []
for port in sys.argv[2:]:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(port))); s.listen(8); socks.append(s)
print("ready", flush=True)
while time.monotonic() < deadline:
    for s in select.select(socks, [], [], 0.2)[0]:
        s.accept()[0].close()
"""
CONNECT = r"""
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=float(sys.argv[3])).close()
except OSError:
    sys.exit(1)
"""


def _namespaces(lab, device: str) -> tuple[str, str, str]:
    """(CE, internet PE, LAN server) namespaces of `device`'s internet line."""
    ce = lab.connections[device].namespace
    pe = next(link.b_ns for link in lab.plan.links if link.a_ns == ce and link.b_dev == "ce")
    server = next(link.b_ns for link in lab.plan.links if link.a_ns == ce and link.b_dev == "lan")
    return ce, pe, server


def _own(lab, ns: str) -> str:
    lab.dataplane.require_own(ns)      # hygiene: only namespaces this lab created
    return ns


def _connects(lab, ns: str, address: str, port: int, timeout: float = 1.0) -> bool:
    proc = subprocess.run(["ip", "netns", "exec", _own(lab, ns), sys.executable, "-c", CONNECT, address, str(port),
                           str(timeout)], timeout=timeout + 10)
    return proc.returncode == 0


def _pings(lab, ns: str, address: str) -> bool:
    proc = subprocess.run(["ip", "netns", "exec", _own(lab, ns), "ping", "-n", "-c", "1", "-W", "1", address],
                          capture_output=True, timeout=10)
    return proc.returncode == 0


def _cli(lab, device: str, lines: list[str]) -> None:
    session = new_session(lab.devices[device])
    for line in lines:
        session.handle(line)


@pytest.fixture
def listener(lab):
    _, _, server = _namespaces(lab, "es-school-ce")
    proc = subprocess.Popen(["ip", "netns", "exec", _own(lab, server), sys.executable, "-c", LISTENER, "30",
                             "443", "22"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_huawei_policy_opens_443_and_not_22_until_the_filter_goes(lab, listener):
    conn, targets = lab.conns["es-school-ce"], lab.services["es-school"]
    _, pe, _ = _namespaces(lab, "es-school-ce")
    assert _connects(lab, pe, targets.server, 443)             # rule 5: inbound tcp/443 to the server
    assert not _connects(lab, pe, targets.server, 22)          # rule 30 deny ip
    conn.send_config_set(["interface GigabitEthernet0/0/0", "undo traffic-filter inbound acl 3000"])
    try:
        assert _connects(lab, pe, targets.server, 22)          # no filter: routed public LAN is open
    finally:   # restored in-process: a second Huawei netmiko round costs ~10 s
        _cli(lab, "es-school-ce", ["system-view", "interface GigabitEthernet0/0/0",
                                   "traffic-filter inbound acl 3000", "return"])
    assert not _connects(lab, pe, targets.server, 22)


def test_cisco_ping_to_the_wan_address_follows_the_icmp_rules(lab):
    conn = lab.conns["xg-factory-ce"]
    _, pe, _ = _namespaces(lab, "xg-factory-ce")
    acl, echo = "ip access-list extended XG-FACTORY-INET-IN", "permit icmp any host 211.137.100.2 echo"
    assert _pings(lab, pe, "211.137.100.2")                    # the operator may ping the CE
    conn.send_config_set([acl, "no " + echo])
    try:
        assert not _pings(lab, pe, "211.137.100.2")            # implicit deny / final deny
        conn.send_config_set([acl, echo])                      # appended after `deny ip any any`...
        assert not _pings(lab, pe, "211.137.100.2")            # ...first match wins: still denied
    finally:
        conn.send_config_set([acl, "no deny ip any any", "deny   ip any any"])
    assert _pings(lab, pe, "211.137.100.2")
    # the LAN's own traffic still comes back through the policy (echo-reply, via PAT)
    assert ping(conn, lab.services["xg-factory"].internet_test_address, "GigabitEthernet0/1", count=2) == 2
