"""Which devices push/verify reach: every device with a rendered config (PBX gateways
too), and clear input errors instead of tracebacks."""

from __future__ import annotations

import json

import pytest

from configgen.cli import main
from tests.conftest import INVENTORIES
from tests.push.test_push_lab import LabRun

PBX = INVENTORIES / "hubei-vpmn-pbx.yaml"


def test_pbx_gateway_is_a_default_target(tmp_path, capsys):
    run = LabRun(PBX, tmp_path)
    try:
        assert list(run.targets) == ["hq-voice-gw"]
        code = main(["push", str(PBX), "--connections", str(run.connection_file), "--dry-run", "--format", "json",
                     "-q"])
        report = json.loads(capsys.readouterr().out)
        assert code == 0, report
        (device,) = report["devices"]
        assert device["device"] == "hq-voice-gw" and device["status"] == "planned"
        for line in ("voice translation-rule 1001", "voice translation-profile HQ-PBX-TO-VPMN",
                     "dial-peer voice 100 pots", "translation-profile incoming HQ-PBX-TO-VPMN"):
            assert line in device["commands"]
    finally:
        run.lab.stop()


def test_device_without_rendered_config_is_an_input_error(tmp_path, capsys):
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(PBX.read_text().replace(
        "devices:\n", "devices:\n  spare-ce:\n    vendor: cisco\n    os: ios\n    host: 192.0.2.99\n", 1))
    code = main(["push", str(inventory), "--device", "spare-ce", "--dry-run", "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert "nothing rendered for device(s) spare-ce" in err and "Traceback" not in err


GPRS = INVENTORIES / "hubei-gprs-vpn.yaml"


@pytest.mark.parametrize("entry, message", [
    ({"port": 2222}, "devices.wh-logistics-ce: no `host`"),
    ({"host": "127.0.0.1", "port": "22x"}, "devices.wh-logistics-ce: `port` must be an integer 1-65535, got '22x'"),
    ({"host": "127.0.0.1", "port": 70000}, "`port` must be an integer 1-65535, got 70000"),
    ({"host": "127.0.0.1", "port": True}, "`port` must be an integer 1-65535, got True"),
    ("127.0.0.1:22", "devices.wh-logistics-ce: must be a mapping with host and port, got str '127.0.0.1:22'"),
    ({"host": "127.0.0.1", "port": 22, "host_key": 5}, "`host_key` must be a string"),
])
@pytest.mark.parametrize("command", ["push", "verify", "deploy"])
def test_bad_connection_file_entries_are_input_errors(tmp_path, capsys, command, entry, message):
    path = tmp_path / "connections.json"
    path.write_text(json.dumps({"version": 1, "devices": {
        "wh-logistics-ce": entry, "wh-water-ce": {"host": "127.0.0.1", "port": 22}}}))
    code = main([command, str(GPRS), "--connections", str(path), "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{path}: {message}" in err or (f"{path}: " in err and message in err)
    assert "Traceback" not in err



def test_targets_come_from_what_render_produced():
    """push, verify and diff act on the devices render produced configs for (they are
    handed render's result); they do not build the devices again to find out."""
    from configgen import api
    from configgen.findings import InputError
    from configgen.push.targets import select_devices

    result = api.render(INVENTORIES / "hubei-gprs-vpn.yaml")
    inventory = result.checked.inventory
    assert select_devices(inventory, rendered=result.configs) == ["wh-logistics-ce", "wh-water-ce"]
    only_one = {"wh-water-ce": result.configs["wh-water-ce"]}
    assert select_devices(inventory, rendered=only_one) == ["wh-water-ce"]
    with pytest.raises(InputError, match="nothing rendered for device"):
        select_devices(inventory, ["wh-logistics-ce"], rendered=only_one)
