"""`configgen yang fetch` against the lab NETCONF server (asyncssh on 127.0.0.1, netconf
subsystem, base:1.1 framing): every served module and the running configuration land in
a folder `check --yang` uses; host keys are checked strictly before any password is sent."""

from __future__ import annotations

import asyncio
import threading

import asyncssh
import pytest

from configgen.cli import main
from configgen.netconf.labserver import NetconfServer
from tests.conftest import INVENTORIES

pytest.importorskip("ncclient")
EXAMPLE = INVENTORIES / "examples" / "netconf-iosxe-vrp8.yaml"


@pytest.fixture
def huawei_server(yang_models):
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    key = asyncssh.generate_private_key("ssh-ed25519")
    server = NetconfServer(yang_models / "huawei-vrp8-ne40e-8.22.0", "lab", "lab-secret", key)
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(10)
    yield server, key
    asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


@pytest.fixture
def inventory_for(write_yaml):
    def make(port: int):
        return write_yaml(f"""
            devices:
              pe: {{vendor: huawei, os: vrp8, host: 127.0.0.1, netconf_port: {port}, transport: netconf}}
        """)
    return make


def _login(monkeypatch):
    monkeypatch.setenv("CONFIGGEN_USERNAME", "lab")
    monkeypatch.setenv("CONFIGGEN_PASSWORD", "lab-secret")


def test_fetch_writes_the_served_models_and_baseline_usable_by_check_yang(huawei_server, inventory_for, tmp_path,
                                                                         monkeypatch, capsys, yang_models):
    server, key = huawei_server
    _login(monkeypatch)
    known = tmp_path / "known_hosts"
    known.write_text(f"[127.0.0.1]:{server.port} {key.export_public_key().decode().strip()}\n")
    out = tmp_path / "models" / "pe"
    code = main(["yang", "fetch", str(inventory_for(server.port)), "--device", "pe", "-o", str(out),
                 "--known-hosts", str(known)])
    assert code == 0, capsys.readouterr()
    originals = yang_models / "huawei-vrp8-ne40e-8.22.0"
    for module in ("huawei-ifm", "huawei-gre", "huawei-routing", "huawei-pub-type", "ietf-inet-types"):
        assert (out / f"{module}.yang").read_text() == (originals / f"{module}.yang").read_text()
    assert "_public_" in (out / "baseline.xml").read_text()
    capsys.readouterr()
    assert main(["check", str(EXAMPLE), "--yang", str(out), "--format", "json"]) == 0


def test_an_unknown_host_key_sends_no_password_and_writes_nothing(huawei_server, inventory_for, tmp_path,
                                                                 monkeypatch, capsys):
    server, _ = huawei_server
    _login(monkeypatch)
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode().strip()
    known = tmp_path / "known_hosts"
    known.write_text(f"[127.0.0.1]:{server.port} {other}\n")
    out = tmp_path / "models"
    code = main(["yang", "fetch", str(inventory_for(server.port)), "--device", "pe", "-o", str(out),
                 "--known-hosts", str(known)])
    err = capsys.readouterr().err
    assert code == 1 and "host key" in err and "lab-secret" not in err
    assert server.logins == 0 and not out.exists()


def test_fetch_refuses_a_family_without_models(write_yaml, capsys):
    path = write_yaml("""
        devices:
          r1: {vendor: cisco, os: ios, host: 127.0.0.1}
    """)
    assert main(["yang", "fetch", str(path), "--device", "r1", "-o", "x"]) == 2
    assert "r1" in capsys.readouterr().err
