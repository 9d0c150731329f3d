"""Push over NETCONF is not built yet: push and deploy refuse `transport: netconf` devices up
front (exit 1), before touching any device; other devices still push with --device."""

from __future__ import annotations

import pytest

from configgen.cli import main
from tests.conftest import INVENTORIES

EXAMPLE = INVENTORIES / "examples" / "netconf-iosxe-vrp8.yaml"


@pytest.mark.parametrize("command", ["push", "deploy"])
def test_push_and_deploy_refuse_netconf_devices_before_connecting(command, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("CONFIGGEN_USERNAME", "admin")
    monkeypatch.setenv("CONFIGGEN_PASSWORD", "secret-not-logged")
    known_hosts = tmp_path / "known_hosts"
    code = main([command, str(EXAMPLE), "--known-hosts", str(known_hosts), "--format", "json"])
    err = capsys.readouterr().err
    assert code == 1
    assert "ez-steel-ce, sy-water-pe" in err and "transport: netconf" in err
    assert "secret-not-logged" not in err
    assert not known_hosts.exists(), "no device was contacted"
