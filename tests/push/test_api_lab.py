"""api.deploy / push / verify against the lab: typed per-device results (issue 10)."""

from __future__ import annotations

import pytest

from configgen import api
from configgen.lab import Fault
from tests.push.test_push_lab import FAST, GPRS, LabRun


@pytest.fixture(scope="module")
def gprs(tmp_path_factory):
    run = LabRun(GPRS, tmp_path_factory.mktemp("api"))
    yield run
    run.lab.stop()


def test_deploy_stops_at_a_failed_push_and_verifies_nothing(gprs):
    gprs.lab.set_fault("wh-water-ce", Fault(reject=(r"^ip route-static",)))
    try:
        result = api.deploy([GPRS], access=api.Access(connections=gprs.connection_file), **FAST)
    finally:
        gprs.lab.set_fault("wh-water-ce", None)
    assert not result.ok and result.stage == "push" and result.verify is None
    assert result.devices["wh-water-ce"].push.status == "failed"
    assert result.devices["wh-logistics-ce"].push.status == "changed"
    assert all(d.verify is None for d in result.devices.values())


def test_deploy_then_push_again_sends_nothing(gprs):
    access = api.Access(connections=gprs.connection_file)
    result = api.deploy([GPRS], access=access, **FAST)
    assert result.ok and result.stage == "verify"
    assert {n: ([s.service for s in d.verify.services], d.ok) for n, d in result.devices.items()} == {
        "wh-logistics-ce": (["wh-logistics"], True), "wh-water-ce": (["wh-water"], True)}
    assert result.devices["wh-water-ce"].push.status == "changed"    # rolled back by the test above, or factory
    again = api.push([GPRS], access=access, dry_run=True)
    assert {n: (d.status, d.commands) for n, d in again.devices.items()} == {
        "wh-logistics-ce": ("unchanged", []), "wh-water-ce": ("unchanged", [])}
    verified = api.verify([GPRS], devices=["wh-water-ce"], access=access, **FAST)
    assert verified.ok and list(verified.devices) == ["wh-water-ce"]
