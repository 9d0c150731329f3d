"""The lab's namespaces. The userspace GRE forwarders (configgen/lab/gre.py): the lab goes
on only once a forwarder holds its TUN device and its socket (it says so), and a forwarder
that cannot start is reported with its own error, not found later by a ping that gets no
answer; forwarders are forked by one launcher process, not started through `ip netns exec`
and a new interpreter each. A router's changes reach its namespace as one `ip` batch when
its session leaves configuration mode (or ends), not one `ip` process per config line
(docs/benchmarks.md)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import netmiko
import pytest

from configgen.lab import dataplane
from configgen.lab.dataplane import LabError
from configgen.lab.sshsim import new_session
from tests.lab.conftest import DATA, load, require_lab, start_lab

CISCO = "wh-logistics-ce"
ROUTES = ["ip route 10.98.1.0 255.255.255.0 Null0", "ip route 10.98.2.0 255.255.255.0 Null0",
          "ip route 10.98.3.0 255.255.255.0 Null0"]


@pytest.fixture(scope="module")
def lab():
    require_lab()
    lab = start_lab(load(DATA / "gprs-three-os.yaml"))
    yield lab
    lab.stop()


def test_started_forwarders_hold_their_tunnel(lab):
    assert lab.plan.gre
    for tunnel in lab.plan.gre:
        state = subprocess.run(["ip", "-n", tunnel.ns, "-o", "link", "show", "dev", tunnel.dev],
                               capture_output=True, text=True, check=True).stdout
        assert "NO-CARRIER" not in state, state


def test_a_forwarder_that_cannot_start_is_reported(lab):
    tunnel = lab.plan.gre[0]
    running = list(lab.dataplane.forwarders)
    with pytest.raises(LabError) as caught:
        # 192.0.2.99 is on no interface of the namespace: the forwarder cannot bind it
        lab.dataplane.start_forwarder(tunnel.ns, "tnlfail0", "192.0.2.99", tunnel.remote)
    assert "tnlfail0" in str(caught.value) and tunnel.ns in str(caught.value)
    assert lab.dataplane.forwarders == running      # nothing left behind


def _routes(lab, device: str) -> str:
    ns = lab.connections[device].namespace
    lab.dataplane.require_own(ns)
    return subprocess.run(["ip", "-n", ns, "route", "show", "root", "10.98.0.0/16"],
                          capture_output=True, text=True, check=True).stdout


def test_a_config_session_changes_the_namespace_in_one_batch(lab, monkeypatch):
    ns = lab.connections[CISCO].namespace
    batches: list[tuple[str, list[str]]] = []
    real = dataplane.ip_batch
    monkeypatch.setattr(dataplane, "ip_batch", lambda n, cmds: (batches.append((n, cmds)), real(n, cmds))[1])
    session = new_session(lab.devices[CISCO])
    try:
        for line in ["configure terminal", *ROUTES]:
            session.handle(line)
        session.handle("end")
        assert [n for n, _ in batches] == [ns]              # one `ip` process for three changes
        assert all(f"blackhole 10.98.{i}.0/24" in _routes(lab, CISCO) for i in (1, 2, 3))
    finally:
        for line in ["configure terminal", *("no " + r for r in ROUTES), "end"]:
            session.handle(line)
    assert _routes(lab, CISCO) == ""


def test_a_ping_sees_changes_a_session_still_in_configuration_mode_made(lab):
    session = new_session(lab.devices[CISCO])
    session.handle("configure terminal")
    session.handle(ROUTES[0])
    try:
        lab.devices[CISCO].backend.ping("127.0.0.1", count=1, timeout=1, source=None, size=56)
        assert "blackhole 10.98.1.0/24" in _routes(lab, CISCO)
    finally:
        session.handle("no " + ROUTES[0])
        session.handle("end")
    assert _routes(lab, CISCO) == ""


def test_a_session_that_ends_in_configuration_mode_leaves_its_changes_in_the_namespace(lab):
    conn = netmiko.ConnectHandler(**lab.netmiko_params(CISCO))
    conn.config_mode()
    conn.send_command(ROUTES[1], expect_string=r"#")
    conn.disconnect()                                  # still in configuration mode
    deadline = time.monotonic() + 10
    while "10.98.2.0" not in _routes(lab, CISCO) and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        assert "blackhole 10.98.2.0/24" in _routes(lab, CISCO)
    finally:
        session = new_session(lab.devices[CISCO])
        for line in ["configure terminal", "no " + ROUTES[1], "end"]:
            session.handle(line)


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_forwarders_are_forked_by_one_launcher(lab):
    assert lab.dataplane.forwarders
    parents = {_parent(f.pid) for f in lab.dataplane.forwarders}
    assert len(parents) == 1 and parents != {os.getpid()}
    assert "--launcher" in Path(f"/proc/{parents.pop()}/cmdline").read_text()


def test_a_stopped_forwarder_is_gone(lab):
    tunnel = lab.plan.gre[0]
    forwarder = lab.dataplane.start_forwarder(tunnel.ns, "tnlstop0", tunnel.local, "192.0.2.98")
    assert Path(f"/proc/{forwarder.pid}").exists()
    lab.dataplane.stop_forwarder(forwarder)
    assert forwarder not in lab.dataplane.forwarders
    assert not Path(f"/proc/{forwarder.pid}").exists()


def test_a_commit_reaches_the_namespace_at_once():
    """VRP8 `commit` (and a NETCONF commit, SimDevice.commit too) changes the namespace
    before the session leaves system-view: no session may settle after a NETCONF commit."""
    require_lab()
    lab = start_lab(load(DATA / "gprs-three-os.yaml"))
    try:
        session = new_session(lab.devices["wh-power-ce"])          # huawei_vrpv8
        for line in ["system-view", "ip route-static 10.98.4.0 255.255.255.0 NULL0", "commit"]:
            session.handle(line)
        assert "blackhole 10.98.4.0/24" in _routes(lab, "wh-power-ce")
    finally:
        lab.stop()
