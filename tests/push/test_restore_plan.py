"""Rollback's planner (diff.plan_restore) and backups, without a device: configgen's part of
a backup is the intended config; foreign config is out of scope on both sides."""

from __future__ import annotations

import json
import stat

import pytest

from configgen.cli import main
from configgen.platforms import PLATFORMS
from configgen.push.diff import plan_restore
from configgen.push.engine import write_backup
from tests.conftest import GOLDEN, INVENTORIES
from tests.push.test_diff import LOGISTICS, WATER

CISCO, VRP5 = PLATFORMS[("cisco", "ios")], PLATFORMS[("huawei", "vrp5")]
GPRS = str(INVENTORIES / "hubei-gprs-vpn.yaml")
CISCO_RENDERED = (GOLDEN / "gprs" / "wh-logistics-ce.cfg").read_text()
HUAWEI_RENDERED = (GOLDEN / "gprs" / "wh-water-ce.cfg").read_text()
WAN = "description INTERCONNECT wh-logistics to operator GPRS router 10.166.0.1/30 APN WHLOG.HB"


def as_device(rendered: str) -> str:
    """A rendered config as the device shows it: defaults like `no shutdown` are not printed."""
    return "\n".join(line for line in rendered.splitlines() if line.strip() not in ("no shutdown", "undo shutdown"))


def test_a_setting_the_push_replaced_comes_back_and_foreign_lines_stay():
    backup = as_device(CISCO_RENDERED).replace(WAN, "description WAN to GPRS (before configgen)")
    running = as_device(CISCO_RENDERED).replace(            # after the push, and someone else's changes
        "interface GigabitEthernet0/0\n", "interface GigabitEthernet0/0\n speed 100\n", 1) + \
        "\nip route 10.99.0.0 255.255.0.0 192.0.2.254 name OTHER-TEAM\n"
    plan = plan_restore(CISCO, running, backup, CISCO_RENDERED, LOGISTICS)
    assert plan.commands == ["interface GigabitEthernet0/0", "description WAN to GPRS (before configgen)"]


def test_a_foreign_line_removed_after_the_backup_stays_removed():
    """In a shared interface only the setting configgen renders comes back: another team's
    line that was in the backup and that they removed since is theirs, not configgen's."""
    backup = as_device(CISCO_RENDERED).replace(
        WAN, "description WAN to GPRS (before configgen)\n ip access-group FOREIGN in")
    running = as_device(CISCO_RENDERED)            # the push's description; FOREIGN removed by its owners
    plan = plan_restore(CISCO, running, backup, CISCO_RENDERED, LOGISTICS)
    assert plan.commands == ["interface GigabitEthernet0/0", "description WAN to GPRS (before configgen)"]


def test_lines_the_push_added_go_and_routes_it_removed_come_back():
    pool2 = "ip route-static 10.166.15.0 255.255.255.0 Tunnel0/0/1 description WH-WATER-POOL2"
    backup = as_device(HUAWEI_RENDERED).replace("#\nreturn", f"{pool2}\n#\nreturn")
    running = as_device(HUAWEI_RENDERED).replace(
        "interface GigabitEthernet0/0/1\n", "interface GigabitEthernet0/0/1\n description WATER OFFICE\n", 1)
    assert "WATER OFFICE" in running
    plan = plan_restore(VRP5, running, backup, running, WATER)
    assert plan.commands == ["interface GigabitEthernet0/0/1", "undo description", "quit", pool2]


def test_an_owned_object_the_inventory_no_longer_renders_is_restored_whole():
    tunnel = ("interface Tunnel1\n description configgen:wh-logistics GPRS-VPN spare\n"
              " ip unnumbered GigabitEthernet0/0\n tunnel destination 192.0.2.99\n!\n")
    backup = as_device(CISCO_RENDERED).replace("\nend", "\n" + tunnel + "end")
    foreign = backup.replace("configgen:wh-logistics GPRS-VPN spare", "NOC spare")
    plan = plan_restore(CISCO, as_device(CISCO_RENDERED), backup, CISCO_RENDERED, LOGISTICS)
    assert plan.commands == ["interface Tunnel1", "description configgen:wh-logistics GPRS-VPN spare",
                             "ip unnumbered GigabitEthernet0/0", "tunnel destination 192.0.2.99"]
    # unmarked in the backup: not configgen's, not restored
    assert plan_restore(CISCO, as_device(CISCO_RENDERED), foreign, CISCO_RENDERED, LOGISTICS).empty


def test_a_foreign_object_in_the_way_is_a_conflict_and_nothing_is_planned():
    running = as_device(CISCO_RENDERED).replace(
        "description configgen:wh-logistics GPRS-VPN APN WHLOG.HB to GRE endpoint 211.137.63.13", "description NOC")
    plan = plan_restore(CISCO, running, as_device(CISCO_RENDERED), CISCO_RENDERED, LOGISTICS)
    assert plan.empty and [c.object for c in plan.conflicts] == ["interface Tunnel0"]


def test_backups_are_private_and_never_overwrite_each_other(tmp_path):
    first = write_backup(tmp_path, "wh-water-ce", "sysname wh-water-ce\nreturn")
    second = write_backup(tmp_path, "wh-water-ce", "sysname wh-water-ce\nreturn")
    assert first != second and first.read_text() == second.read_text() == "sysname wh-water-ce\nreturn\n"
    for path in (first, second):
        assert path.name.startswith("wh-water-ce-") and path.suffix == ".cfg"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, second.name])   # no temp files


@pytest.fixture
def connection_file(tmp_path):
    """Lab-style connections to a port nobody listens on: nothing can be reached."""
    path = tmp_path / "connections.json"
    path.write_text(json.dumps({"version": 1, "username": "u", "password": "p", "devices": {
        name: {"host": "127.0.0.1", "port": 9} for name in ("wh-logistics-ce", "wh-water-ce")}}))
    return str(path)


def test_a_backup_dir_that_cannot_be_made_is_an_input_error_before_any_login(tmp_path, capsys, connection_file):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["push", GPRS, "--connections", connection_file, "--backup-dir", str(blocker / "sub"),
                 "--format", "json", "-q"]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc["error"]["kind"] == "input" and "cannot use as backup directory" in doc["error"]["message"]


@pytest.mark.parametrize("argv, code, message", [
    (["--device", "wh-water-ce", "--device", "wh-logistics-ce"], 2, "rollback restores one device"),
    (["--device", "wh-water-ce"], 2, "the backup no such file"),
])
def test_rollback_usage_and_unreadable_backup(tmp_path, capsys, connection_file, argv, code, message):
    backup = tmp_path / "wh-water-ce-20260101T000000Z.cfg"
    assert main(["rollback", GPRS, "--backup", str(backup), *argv, "--connections", connection_file,
                 "--format", "json", "-q"]) == code
    assert message in json.loads(capsys.readouterr().out)["error"]["message"]


@pytest.mark.parametrize("name, make, message", [
    # `wh-water` would also prefix `wh-water-ce-...`: the whole name must be <device>-<time>.cfg
    ("wh-water-ce-core-20260101T000000Z.cfg", "file", "is not a backup of wh-water-ce"),
    ("wh-water-ce-20260101T000000Z.cfg", "fifo", "not a regular file"),
])
def test_rollback_refuses_another_devices_backup_and_a_fifo(tmp_path, capsys, connection_file, name, make, message):
    import os

    backup = tmp_path / name
    if make == "fifo":
        os.mkfifo(backup)
    else:
        backup.write_text(HUAWEI_RENDERED)
    assert main(["rollback", GPRS, "--backup", str(backup), "--device", "wh-water-ce",
                 "--connections", connection_file, "-q"]) == 2
    assert message in capsys.readouterr().err
