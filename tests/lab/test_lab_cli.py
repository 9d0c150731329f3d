"""`configgen lab up` / `down` as a newcomer runs them: detached lab, SSH by hand
(through netmiko), paste the rendered config, ping through the tunnel, then nothing left."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from netmiko import ConnectHandler

from configgen import api
from tests.lab.conftest import require_lab
from tests.lab.pushlist import config_commands

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "inventories", "hubei-gprs-vpn.yaml")


def _configgen(*args, env):
    return subprocess.run([sys.executable, "-m", "configgen.cli", *args], capture_output=True, text=True,
                          env=env, timeout=180, cwd=ROOT)


def _namespaces() -> set[str]:
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def test_lab_up_ssh_paste_ping_down(tmp_path):
    require_lab()
    name = f"t{os.getpid()}"
    run_dir = tmp_path / "run"
    env = dict(os.environ, CONFIGGEN_LAB_USERNAME="engineer", CONFIGGEN_LAB_PASSWORD="s3cret-lab-pw")
    up = _configgen("lab", "up", EXAMPLE, "--name", name, "--run-dir", str(run_dir), env=env)
    try:
        assert up.returncode == 0, up.stderr
        assert "s3cret-lab-pw" not in up.stdout + up.stderr  # never printed
        connections = json.loads((run_dir / "connections.json").read_text())
        device = connections["devices"]["wh-logistics-ce"]
        assert device["host"] == "127.0.0.1"
        config = api.render(EXAMPLE).configs["wh-logistics-ce"]
        with ConnectHandler(host=device["host"], port=device["port"], username="engineer",
                            password="s3cret-lab-pw", device_type="cisco_ios") as conn:
            before = conn.send_command("ping 10.166.12.10 source GigabitEthernet0/1 repeat 2 timeout 1")
            conn.send_config_set(config_commands(config, "cisco"))
            after = conn.send_command("ping 10.166.12.10 source GigabitEthernet0/1 repeat 3 timeout 1",
                                      read_timeout=30)
        assert "Success rate is 100 percent" not in before      # nothing configured yet
        assert "Success rate is 100 percent (3/3)" in after     # through the userspace GRE tunnel
        assert any(ns.startswith(f"cgl{name}-") for ns in _namespaces())
        supervisor = json.loads((run_dir / "state.json").read_text())["pid"]
    finally:
        down = _configgen("lab", "down", "--name", name, "--run-dir", str(run_dir), env=env)
    assert down.returncode == 0, down.stderr
    assert not any(ns.startswith(f"cgl{name}-") for ns in _namespaces())
    assert not os.path.exists(f"/proc/{supervisor}"), "supervisor still running after down"


def test_lab_up_with_a_one_shot_fault(tmp_path):
    """`--fault DEVICE:refuse-login --fault DEVICE:once`: the first login is refused, the next gets in."""
    from netmiko.exceptions import NetmikoAuthenticationException
    import pytest

    require_lab()
    name = f"f{os.getpid()}"
    run_dir = tmp_path / "run"
    env = dict(os.environ, CONFIGGEN_LAB_USERNAME="engineer", CONFIGGEN_LAB_PASSWORD="s3cret-lab-pw")
    bad = _configgen("lab", "up", EXAMPLE, "--name", name, "--run-dir", str(run_dir),
                     "--fault", "no-such-ce:once", env=env)
    assert bad.returncode == 2 and "no device 'no-such-ce'" in bad.stderr
    up = _configgen("lab", "up", EXAMPLE, "--name", name, "--run-dir", str(run_dir),
                    "--fault", "wh-logistics-ce:refuse-login", "--fault", "wh-logistics-ce:once", env=env)
    try:
        assert up.returncode == 0, up.stderr
        device = json.loads((run_dir / "connections.json").read_text())["devices"]["wh-logistics-ce"]
        params = dict(host=device["host"], port=device["port"], username="engineer", password="s3cret-lab-pw",
                      device_type="cisco_ios")
        with pytest.raises(NetmikoAuthenticationException):
            ConnectHandler(**params)
        with ConnectHandler(**params) as conn:
            assert conn.find_prompt().endswith("#")
    finally:
        down = _configgen("lab", "down", "--name", name, "--run-dir", str(run_dir), env=env)
    assert down.returncode == 0, down.stderr
    assert not any(ns.startswith(f"cgl{name}-") for ns in _namespaces())



def test_lab_names_cannot_escape_the_run_root():
    """`--name` becomes a directory under /run/configgen-lab that `down` cleans up."""
    for name in ("../..", "my-lab", "UPPER", ""):
        result = _configgen("lab", "down", "--name", name, env=dict(os.environ))
        assert result.returncode == 2 and "lowercase letters or digits" in result.stderr


def test_lab_down_removes_only_what_up_wrote(tmp_path):
    require_lab()
    precious = tmp_path / "notes.txt"
    precious.write_text("an engineer's file")
    (tmp_path / "state.json").write_text('{"prefix": "cglzzznone"}')
    result = _configgen("lab", "down", "--name", "zzznone", "--run-dir", str(tmp_path), env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert precious.read_text() == "an engineer's file" and not (tmp_path / "state.json").exists()
