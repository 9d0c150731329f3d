"""`diff` against saved running configs equals `push --dry-run` on the lab; `push
--backup-dir` then `rollback` round-trips configgen's part and leaves foreign lines.
IOS, VRP5 and VRP8 in one lab (real SSH, real netmiko, configgen's drivers)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from configgen.cli import main
from tests.push.test_push_lab import THREE_OS, LabRun

DEVICES = ("wh-logistics-ce", "wh-power-ce", "wh-water-ce")
# A LAN description (a shared interface) and one more terminal pool on every device.
CHANGED = [("lan: {interface: GigabitEthernet0/1, address: 172.16.10.1/24}",
            "lan: {interface: GigabitEthernet0/1, address: 172.16.10.1/24, description: LOGISTICS OFFICE}"),
           ("lan: {interface: GigabitEthernet0/0/1, address: 172.16.20.1/24}",
            "lan: {interface: GigabitEthernet0/0/1, address: 172.16.20.1/24, description: WATER OFFICE}"),
           ("lan: {interface: GigabitEthernet0/0/1, address: 172.16.30.1/24}",
            "lan: {interface: GigabitEthernet0/0/1, address: 172.16.30.1/24, description: POWER OFFICE}"),
           ("[10.166.12.0/24, 10.166.13.0/24]", "[10.166.12.0/24, 10.166.13.0/24, 10.166.16.0/24]"),
           ("[10.166.14.0/24]", "[10.166.14.0/24, 10.166.17.0/24]"),
           ("[10.166.15.0/24]", "[10.166.15.0/24, 10.166.18.0/24]")]
FOREIGN = {"wh-logistics-ce": ("ip route 10.99.0.0 255.255.0.0 10.166.0.1 name OTHER-TEAM",
                               "no ip route 10.99.0.0 255.255.0.0 10.166.0.1"),
           "wh-water-ce": ("ip route-static 10.99.0.0 255.255.0.0 10.166.0.5 description OTHER-TEAM",
                           "undo ip route-static 10.99.0.0 255.255.0.0 10.166.0.5"),
           "wh-power-ce": ("ip route-static 10.99.0.0 255.255.0.0 10.166.0.9 description OTHER-TEAM",
                           "undo ip route-static 10.99.0.0 255.255.0.0 10.166.0.9")}
QUIET = ["-q"]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    run = LabRun(THREE_OS, tmp_path_factory.mktemp("diffbackup"))
    assert run.push().ok                      # every device converged on the example
    yield run
    run.lab.stop()


def send(run: LabRun, device: str, lines: list[str]) -> None:
    target = run.targets[device]
    with target.connect(run.credentials) as conn:
        conn.send_config_set(lines)
        if target.platform.delivery.commit_based:
            conn.commit()


def changed_inventory(run: LabRun, tmp_path) -> str:
    run.variant(tmp_path, CHANGED)
    return str(tmp_path / THREE_OS.name)


def connections(run: LabRun) -> list[str]:
    return ["--connections", str(run.connection_file)]


def test_diff_of_saved_running_configs_is_what_push_dry_run_prints(lab, tmp_path, capsys):
    changed = changed_inventory(lab, tmp_path)
    tunnel = "description configgen:wh-logistics GPRS-VPN APN WHLOG.HB to GRE endpoint 211.137.63.13"
    for device in DEVICES:
        send(lab, device, [FOREIGN[device][0]])
    send(lab, "wh-logistics-ce", ["interface Tunnel0", "description NOC backup to DC2"])    # a collision
    try:
        running = tmp_path / "running"
        running.mkdir()
        for device in DEVICES:                  # as an operator saves them: the device's own output
            (running / f"{device}.txt").write_text(lab.running(device))
        for fmt in ("text", "json"):
            diff_code = main(["diff", changed, "--running", str(running), "--format", fmt])
            diff_out = capsys.readouterr().out
            push_code = main(["push", changed, *connections(lab), "--dry-run", "--format", fmt, *QUIET])
            push_out = capsys.readouterr().out
            assert diff_code == push_code == 1                     # the collision fails wh-logistics-ce
            if fmt == "text":
                assert diff_out == push_out
                assert "### wh-water-ce: 4 command(s)" in diff_out and "POWER OFFICE" in diff_out
                continue
            diff_doc, push_doc = json.loads(diff_out), json.loads(push_out)
            for doc in (diff_doc, push_doc):
                for device in doc["devices"]:
                    device.pop("seconds")
            assert diff_doc["devices"] == push_doc["devices"]
            assert diff_doc["command"] == "diff" and diff_doc["dry_run"] is True
            statuses = {d["device"]: (d["status"], len(d["commands"]), len(d["conflicts"])) for d in diff_doc["devices"]}
            assert statuses == {"wh-logistics-ce": ("failed", 0, 1), "wh-power-ce": ("planned", 4, 0),
                                "wh-water-ce": ("planned", 4, 0)}, statuses
    finally:
        send(lab, "wh-logistics-ce", ["interface Tunnel0", tunnel])
        for device in DEVICES:
            send(lab, device, [FOREIGN[device][1]])
    assert lab.push().ok and all(r.status == "unchanged" for r in lab.push().results)


def test_backup_then_rollback_restores_configgens_part_and_keeps_foreign_lines(lab, tmp_path, capsys):
    changed = changed_inventory(lab, tmp_path)
    backups = tmp_path / "backups"
    before = {device: lab.running(device) for device in DEVICES}
    assert main(["push", changed, *connections(lab), "--backup-dir", str(backups), "--format", "json", *QUIET]) == 0
    pushed = {d["device"]: d for d in json.loads(capsys.readouterr().out)["devices"]}
    try:
        for device in DEVICES:
            result = pushed[device]
            assert result["status"] == "changed" and result["backup"], result
            backup = backups / os.path.basename(result["backup"])
            assert os.path.dirname(result["backup"]) == str(backups)
            assert backup.name.startswith(f"{device}-") and backup.suffix == ".cfg"
            assert stat.S_IMODE(backup.stat().st_mode) == 0o600
            assert backup.read_text().strip() == before[device].strip()      # what the device had
            assert "OFFICE" in lab.running(device)
            send(lab, device, [FOREIGN[device][0]])                        # someone else's change since

            assert main(["rollback", changed, "--backup", str(backup), "--device", device, *connections(lab),
                         "--format", "json", *QUIET]) == 0
            [restored] = json.loads(capsys.readouterr().out)["devices"]
            assert restored["status"] == "changed" and restored["saved"] is True, restored
            now = lab.running(device)
            assert FOREIGN[device][0] in now and "OFFICE" not in now
            assert lab.same_as(device, before[device].rstrip() + "\n" + FOREIGN[device][0] + "\n")
            # a second rollback has nothing left to do
            assert main(["rollback", changed, "--backup", str(backup), "--device", device, *connections(lab),
                         "--dry-run", "--format", "json", *QUIET]) == 0
            assert [d["status"] for d in json.loads(capsys.readouterr().out)["devices"]] == ["unchanged"]
    finally:
        for device in DEVICES:
            send(lab, device, [FOREIGN[device][1]])
    assert all(lab.same_as(device, before[device]) for device in DEVICES)


def test_rollback_refuses_another_devices_backup(lab, tmp_path, capsys):
    backup = tmp_path / "wh-water-ce-20260101T000000Z.cfg"
    backup.write_text(lab.running("wh-water-ce"))
    assert main(["rollback", str(THREE_OS), "--backup", str(backup), "--device", "wh-power-ce", *connections(lab),
                 "--format", "json", *QUIET]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc["error"]["kind"] == "usage" and "is not a backup of wh-power-ce" in doc["error"]["message"]


def test_a_backup_that_cannot_be_written_sends_nothing(lab, tmp_path):
    from configgen.push import push_devices

    inventory, configs = lab.variant(tmp_path, CHANGED)
    device = "wh-water-ce"
    before = lab.running(device)
    [result] = push_devices(inventory, configs, {device: lab.targets[device]}, lab.credentials,
                            backup_dir=tmp_path / "missing", line_timeout=5).results
    assert (result.status, result.stage, result.applied, result.backup) == ("failed", "backup", [], None), result
    assert result.commands and result.error.startswith("nothing sent: the backup of the running config could not")
    assert lab.same_as(device, before)
