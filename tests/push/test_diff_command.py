"""`configgen diff`: push's planner against running configs saved as files, no device.
(The lab test comparing it with `push --dry-run` is in test_diff_backup_lab.py.)"""

from __future__ import annotations

import json

import pytest

from configgen.cli import main
from configgen.platforms import PLATFORMS
from configgen.push import plan_changes
from configgen.push.ownership import for_device
from configgen import api
from tests.conftest import GOLDEN, INVENTORIES
from tests.push.test_diff import CISCO_RUNNING

GPRS = str(INVENTORIES / "hubei-gprs-vpn.yaml")
CISCO = PLATFORMS[("cisco", "ios")]


@pytest.fixture
def saved(tmp_path):
    """A directory with both devices' running configs: Cisco drifted, Huawei converged
    (saved from a terminal: CRLF line ends)."""
    (tmp_path / "wh-logistics-ce.txt").write_text(CISCO_RUNNING)
    huawei = (GOLDEN / "gprs" / "wh-water-ce.cfg").read_text()
    (tmp_path / "wh-water-ce.cfg").write_bytes(huawei.replace("\n", "\r\n").encode())
    return tmp_path


def test_diff_prints_the_push_plan_per_device(saved, capsys):
    assert main(["diff", GPRS, "--running", str(saved)]) == 0
    out = capsys.readouterr().out
    inventory = api.render([GPRS]).checked.inventory
    want = plan_changes(CISCO, CISCO_RUNNING, (GOLDEN / "gprs" / "wh-logistics-ce.cfg").read_text(),
                        for_device(inventory, "wh-logistics-ce")).commands
    assert want and out == (f"### wh-logistics-ce: {len(want)} command(s)\n" + "\n".join(want) + "\n"
                            "### wh-water-ce: 0 command(s)\n(nothing to send)\n")


def test_one_file_for_one_device_and_json_as_push_dry_run(saved, capsys):
    assert main(["diff", GPRS, "--running", str(saved / "wh-logistics-ce.txt"), "--device", "wh-logistics-ce",
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["command"], doc["ok"], doc["dry_run"]) == ("diff", True, True)
    [device] = doc["devices"]
    assert (device["device"], device["status"], device["stage"]) == ("wh-logistics-ce", "planned", "done")
    assert "no keepalive 10 3" in device["commands"] and device["applied"] == []


def test_a_foreign_object_in_the_way_is_the_conflict_push_reports(saved, capsys):
    foreign = CISCO_RUNNING.replace("description configgen:wh-logistics GPRS-VPN APN WHLOG.HB to GRE endpoint "
                                    "211.137.63.13", "description NOC backup to DC2")
    (saved / "wh-logistics-ce.txt").write_text(foreign)
    assert main(["diff", GPRS, "--running", str(saved), "--format", "json"]) == 1
    logistics, water = json.loads(capsys.readouterr().out)["devices"]
    assert (logistics["status"], logistics["stage"], logistics["commands"]) == ("failed", "check", [])
    assert logistics["conflicts"] == [logistics["error"]]
    assert logistics["error"].startswith("'interface Tunnel0' exists on wh-logistics-ce and was not made by configgen")
    # diff sends nothing in any case: its message says what a push would do.
    assert "a push would fail wh-logistics-ce at this check and send it nothing" in logistics["error"]
    assert "nothing was sent" not in logistics["error"]
    assert water["status"] == "unchanged"


@pytest.mark.parametrize("case, argv_tail, message", [
    ("missing", [], "no running config of wh-water-ce (expected <device>.cfg or <device>.txt"),
    ("both", [], "both wh-logistics-ce.cfg and wh-logistics-ce.txt"),
    ("file without device", ["FILE"], "is one file: name its device with one --device"),
    ("empty", [], "the running config of wh-water-ce is empty"),
    ("not utf-8", [], "the running config of wh-water-ce is not UTF-8 text (byte 0)"),
    ("unknown device", ["--device", "nosuch-ce"], "unknown device(s): nosuch-ce"),
])
def test_unusable_running_configs_are_input_errors(saved, capsys, case, argv_tail, message):
    if case == "missing":
        (saved / "wh-water-ce.cfg").unlink()
    elif case == "both":
        (saved / "wh-logistics-ce.cfg").write_text(CISCO_RUNNING)
    elif case == "empty":
        (saved / "wh-water-ce.cfg").write_text("\n \n")
    elif case == "not utf-8":
        (saved / "wh-water-ce.cfg").write_bytes(b"\xff\xfe sysname x")
    running = str(saved / "wh-logistics-ce.txt") if argv_tail == ["FILE"] else str(saved)
    tail = [] if argv_tail == ["FILE"] else argv_tail
    assert main(["diff", GPRS, "--running", running, *tail, "--format", "json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    kind = "usage" if case == "file without device" else "input"
    assert doc["error"]["kind"] == kind and message in doc["error"]["message"]


def test_an_invalid_inventory_is_findings_and_nothing_compared(tmp_path, saved, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text((INVENTORIES / "hubei-gprs-vpn.yaml").read_text().replace("10.166.0.2/30", "10.166.0.2/33", 1))
    assert main(["diff", str(bad), "--running", str(saved)]) == 1
    assert "nothing compared: fix the errors above first" in capsys.readouterr().err


def test_a_running_config_that_is_not_a_regular_file_is_refused_without_reading_it(tmp_path, capsys):
    """/dev/zero would be read until memory runs out, a FIFO would block: both are named."""
    import os

    fifo_dir = tmp_path / "running"
    fifo_dir.mkdir()
    os.mkfifo(fifo_dir / "wh-water-ce.cfg")
    for argv in (["--running", "/dev/zero", "--device", "wh-water-ce"],
                 ["--running", str(fifo_dir), "--device", "wh-water-ce"]):
        assert main(["diff", str(INVENTORIES / "hubei-gprs-vpn.yaml"), *argv]) == 2
        assert "not a regular file" in capsys.readouterr().err
