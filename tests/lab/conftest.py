"""Shared lab fixtures. The push/verify tests may reuse `lab_for`, `require_lab` and `push`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from configgen.lab import Lab
from configgen.lab.dataplane import LabEnvironmentError, check_environment, sweep
from tests.lab.pushlist import config_commands

DATA = Path(__file__).parent / "data"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_lab() -> None:
    """Skip (outside CI) or fail (in CI) when this machine cannot run the lab."""
    try:
        check_environment()
    except LabEnvironmentError as exc:
        if IN_CI:
            pytest.fail(f"lab tests must run in CI: {exc}")
        pytest.skip(f"lab unavailable: {exc}")


def load(path: Path):
    """The inventory model via configgen.inventory; an invalid test inventory is a test bug."""
    from configgen.inventory import load_inventory

    result = load_inventory([path])
    assert result.ok, [str(f) for f in result.findings.errors]
    return result.inventory


def rendered(inventory) -> dict[str, str]:
    """Device configs from configgen's own renderer: the lab runs what users push."""
    from configgen.render import render_inventory

    return render_inventory(inventory)


@pytest.fixture(scope="session", autouse=True)
def _sweep_namespaces():
    """Whatever happens, no namespace of this test process survives the session."""
    yield
    sweep(f"cg{os.getpid()}x")


def start_lab(inventory, yang=None) -> Lab:
    """`yang`: model sets, for a lab that serves NETCONF to `transport: netconf` devices."""
    require_lab()
    return Lab(inventory, yang=yang).start()


def push(conn, device, text: str) -> str:
    """Push a rendered config through a real netmiko connection, the way push will."""
    commands = config_commands(text, device.vendor)
    error = r"% Invalid|% Incomplete" if device.vendor == "cisco" else r"Error:"
    output = conn.send_config_set(commands, error_pattern=error, read_timeout=30)
    if conn.device_type == "huawei_vrpv8":
        output += conn.commit()
    return output
