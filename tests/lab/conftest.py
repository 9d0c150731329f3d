"""Shared lab fixtures. The push/verify tests may reuse `lab_for`, `require_lab` and `push`."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from configgen.lab import Lab, config_commands
from configgen.lab.dataplane import LabEnvironmentError, check_environment, sweep

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
    """The inventory model via configgen.inventory; services it does not know yet
    (internet_line before issue 3 lands) are read straight from the YAML."""
    from configgen.inventory import load_inventory

    result = load_inventory([path])
    if result.ok:
        return result.inventory
    raw = yaml.safe_load(path.read_text())
    op = raw["operator"]
    services = []
    for s in raw["services"]:
        wan, lan = s["wan"], s["lan"]
        services.append(SimpleNamespace(
            kind=s["kind"], name=s["name"], device=s["device"], server=ipaddress.IPv4Address(s["server"]),
            wan=SimpleNamespace(interface=wan["interface"], address=ipaddress.IPv4Interface(wan["address"]),
                                peer=None),
            lan=SimpleNamespace(interface=lan["interface"], address=ipaddress.IPv4Interface(lan["address"])),
            public_block=ipaddress.IPv4Network(s["public_block"]), nat=s["nat"]))
    return SimpleNamespace(
        operator=SimpleNamespace(gre_endpoint=None, internet_test_address=op.get("internet_test_address")),
        devices={n: SimpleNamespace(**d) for n, d in raw["devices"].items()}, services=services)


def rendered(inventory) -> dict[str, str]:
    """Device configs from configgen's renderer; the vendor-notes §3.3/§3.4 renderings
    for internet lines until the renderer knows them."""
    from configgen.render import render_inventory

    try:
        return render_inventory(inventory)
    except Exception:  # noqa: BLE001 - renderer without internet_line support yet
        return {"xg-factory-ce": (DATA / "xg-factory-ce.cfg").read_text(),
                "es-school-ce": (DATA / "es-school-ce.cfg").read_text()}


@pytest.fixture(scope="session", autouse=True)
def _sweep_namespaces():
    """Whatever happens, no namespace of this test process survives the session."""
    yield
    sweep(f"cg{os.getpid()}x")


def start_lab(inventory) -> Lab:
    require_lab()
    return Lab(inventory).start()


def push(conn, device, text: str) -> str:
    """Push a rendered config through a real netmiko connection, the way push will."""
    commands = config_commands(text, device.vendor)
    error = r"% Invalid|% Incomplete" if device.vendor == "cisco" else r"Error:"
    output = conn.send_config_set(commands, error_pattern=error, read_timeout=30)
    if conn.device_type == "huawei_vrpv8":
        output += conn.commit()
    return output
