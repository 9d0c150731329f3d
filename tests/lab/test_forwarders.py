"""The userspace GRE forwarders (configgen/lab/gre.py): the lab goes on only once a
forwarder holds its TUN device and its socket (it says so), and a forwarder that cannot
start is reported with its own error, not found later by a ping that gets no answer."""

from __future__ import annotations

import subprocess

import pytest

from configgen.lab.dataplane import LabError
from tests.lab.conftest import DATA, load, require_lab, start_lab


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
