"""`configgen validate` and `--help` load only what they use: none of the push, lab or
NETCONF stacks (issue 10; start-up time is what every CI run and pre-commit hook pays)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import INVENTORIES

HEAVY = ("netmiko", "paramiko", "asyncssh", "hier_config", "ncclient", "ntc_templates", "nornir")

PROBE = """
import json, sys
from configgen.cli import main
code = main(sys.argv[1:])
loaded = sorted({name.split('.')[0] for name in sys.modules})
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [
    ["validate", str(INVENTORIES / "hubei-gprs-vpn.yaml")],
    ["check", str(INVENTORIES / "hubei-gprs-vpn.yaml")],
    ["schema"],
])
def test_commands_that_never_connect_load_no_ssh_stack(argv):
    proc = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert not set(HEAVY) & set(report["loaded"]), set(HEAVY) & set(report["loaded"])


def test_push_still_finds_its_stack_when_it_runs(tmp_path):
    """The control: push does load netmiko (so the probe above can see a heavy import)."""
    proc = subprocess.run([sys.executable, "-c", PROBE, "push", str(INVENTORIES / "hubei-gprs-vpn.yaml"),
                           "--dry-run", "-q", "--known-hosts", str(tmp_path / "none")],
                          capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "CONFIGGEN_USERNAME": "u", "CONFIGGEN_PASSWORD": "p"})
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert "netmiko" in report["loaded"]


FULL_PROBE = """
import json, sys
from configgen.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "loaded": sorted(sys.modules)}), file=sys.stderr)
"""


def test_validate_loads_neither_the_number_metadata_nor_the_lab_dataplane_when_unused():
    """An inventory without VPMN numbers never needs phonenumbers' metadata, and no command
    but `lab` needs the lab's dataplane (start-up time, benchmarks/render_e2e.py --startup)."""
    proc = subprocess.run([sys.executable, "-c", FULL_PROBE, "validate", str(INVENTORIES / "hubei-gprs-vpn.yaml")],
                          capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert "configgen.inventory" in report["loaded"]        # the probe sees configgen's own modules
    assert not {"phonenumbers", "configgen.lab.dataplane"} & set(report["loaded"])


def test_validate_loads_no_template_engine_and_no_voice_modules_when_unused():
    """`validate` renders nothing, so it needs neither Jinja2 nor render; an inventory
    without VPMN groups needs none of the voice numbering modules (start-up time)."""
    proc = subprocess.run([sys.executable, "-c", FULL_PROBE, "validate", str(INVENTORIES / "hubei-gprs-vpn.yaml")],
                          capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert "configgen.checks.ipplan" in report["loaded"]      # the probe sees the checks that ran
    assert not {"jinja2", "configgen.render", "configgen.services.pbx", "configgen.checks.numbering"} & set(report["loaded"])
