"""Push never changes configuration configgen did not create (configgen/push/ownership.py).

Unit tests on the diff, then the lab: foreign objects seeded through netmiko, a push that
fails the device with the conflict named, and the foreign config untouched.
"""

from __future__ import annotations

import re

import pytest

from configgen import api
from configgen.platforms import PLATFORMS, platform_for
from configgen.push import plan_changes, read_connection_file, resolve_targets
from configgen.push.ownership import for_device
from tests.conftest import INVENTORIES
from tests.push.test_push_lab import GPRS, THREE_OS, LabRun

CISCO, VRP5 = PLATFORMS[("cisco", "ios")], PLATFORMS[("huawei", "vrp5")]
INTERNET = INVENTORIES / "hubei-internet-line.yaml"
PBX = INVENTORIES / "hubei-vpmn-pbx.yaml"


def rendered(path):
    result = api.render([path])
    assert result.checked.ok, result.checked.findings
    return result.checked.inventory, result.configs


# ---- labels -------------------------------------------------------------------------------

def test_labels_come_from_the_service_builders():
    inventory, _ = rendered(GPRS)
    owner = for_device(inventory, "wh-logistics-ce")
    assert owner.route_labels == {"WH-LOGISTICS-GRE-ENDPOINT", "WH-LOGISTICS-POOL1", "WH-LOGISTICS-POOL2"}
    assert owner.owns_label("WH-LOGISTICS-POOL7")              # a dropped pool's route
    for foreign in ("WH-LOGISTICS-MGMT", "WH-LOGISTICS-POOL", "WH-LOGISTICS-POOL0", "WH-LOGISTICS-GRE-ENDPOINT2",
                    "WH-LOGISTICS-POOL1-BACKUP", "WH-WATER-POOL1", "WH-LOGISTICSX-POOL1"):
        assert not owner.owns_label(foreign), foreign
    inventory, _ = rendered(PBX)
    assert for_device(inventory, "hq-voice-gw").names == {"hq-pbx"}


def test_push_takes_labels_and_owners_from_what_render_produced(monkeypatch):
    """Push plans with the labels render computed; it does not run the service builders again."""
    from configgen import kinds
    from configgen.push.engine import push_planner

    inventory, configs = rendered(GPRS)
    intended = configs["wh-logistics-ce"]
    assert intended.route_labels == for_device(inventory, "wh-logistics-ce").route_labels
    assert intended.owners == {"wh-logistics"}

    def no_rebuild(*args):
        raise AssertionError("push ran a service builder again")

    monkeypatch.setitem(kinds._loaded, "gprs_vpn", kinds.get("gprs_vpn")._replace(build=no_rebuild))
    stale = intended.replace("name WH-LOGISTICS-POOL2", "name WH-LOGISTICS-POOL9")   # configgen's label: goes
    plan = push_planner(inventory, "wh-logistics-ce", intended)(stale)
    assert "no ip route 10.166.13.0 255.255.255.0 Tunnel0 name WH-LOGISTICS-POOL9" in plan.commands


def test_foreign_route_starting_with_a_service_label_stays():
    inventory, configs = rendered(INTERNET)
    running = configs["xg-factory-ce"].replace(
        "ip route 0.0.0.0", "ip route 10.77.0.0 255.255.0.0 192.0.2.1 name XG-FACTORY-MGMT-BACKUP\nip route 0.0.0.0")
    plan = plan_changes(CISCO, running, configs["xg-factory-ce"], for_device(inventory, "xg-factory-ce"))
    assert plan.empty and not plan.conflicts
    stale = running.replace("XG-FACTORY-MGMT-BACKUP", "XG-FACTORY-DEFAULT-TO-PE")   # configgen's label: goes
    plan = plan_changes(CISCO, stale, configs["xg-factory-ce"], for_device(inventory, "xg-factory-ce"))
    assert plan.commands == ["no ip route 10.77.0.0 255.255.0.0 192.0.2.1 name XG-FACTORY-DEFAULT-TO-PE"]


# ---- collisions ---------------------------------------------------------------------------

def conflicts_of(platform, path, device, running):
    """(object, reason) of each conflict pushing `path`'s config for `device` onto `running`
    (a function of the rendered config, or text)."""
    inventory, configs = rendered(path)
    intended = configs[device]
    running = running(intended) if callable(running) else running
    plan = plan_changes(platform, running, intended, for_device(inventory, device))
    assert not (plan.commands and plan.conflicts)
    return [(c.object, c.reason) for c in plan.conflicts], plan


def test_huawei_acl_on_the_vty_lines_is_a_conflict():
    found, plan = conflicts_of(VRP5, INTERNET, "es-school-ce", lambda intended: intended)
    assert not found and plan.empty
    inventory, configs = rendered(INTERNET)
    intended = configs["es-school-ce"]
    foreign = "sysname es-school-ce\n#\nacl number 3000\n rule 5 permit ip source 10.9.9.0 0.0.0.255\n#\n" \
              "user-interface vty 0 4\n acl 3000 inbound\n#\nreturn\n"
    plan = plan_changes(VRP5, foreign, intended, for_device(inventory, "es-school-ce"))
    assert plan.commands == [] and [c.object for c in plan.conflicts] == ["acl number 3000"]
    assert "no description" in plan.conflicts[0].reason
    message = plan.conflicts[0].message("es-school-ce")
    assert "'acl number 3000' exists on es-school-ce and was not made by configgen" in message
    assert "nothing was sent" in message and "Free it" in message
    planned = plan.conflicts[0].message("es-school-ce", planned=True)     # diff, push --dry-run
    assert planned == message.replace("nothing was sent to es-school-ce",
                                      "a push would fail es-school-ce at this check and send it nothing")
    empty = "sysname es-school-ce\n#\nacl number 3000\n#\nreturn\n"
    plan = plan_changes(VRP5, empty, intended, for_device(inventory, "es-school-ce"))
    assert [c.object for c in plan.conflicts] == ["acl number 3000"]


def test_cisco_numbered_acl_with_foreign_entries_is_a_conflict():
    found, _ = conflicts_of(CISCO, INTERNET, "xg-factory-ce", "hostname xg-factory-ce\n"
                            "access-list 1 permit 10.9.9.0 0.0.0.255\nline vty 0 4\n access-class 1 in\n!\n")
    assert found == [("access-list 1", "it holds 'access-list 1 permit 10.9.9.0 0.0.0.255', "
                                       "which configgen does not render")]
    found, plan = conflicts_of(CISCO, INTERNET, "xg-factory-ce", lambda intended: intended)   # its own line
    assert found == [] and plan.empty


def test_foreign_tunnel_and_dial_peer_are_conflicts_own_ones_are_not():
    found, _ = conflicts_of(CISCO, GPRS, "wh-logistics-ce",
                            "interface Tunnel0\n description backup to HQ\n tunnel destination 192.0.2.99\n!\n")
    assert found == [("interface Tunnel0", "its description is 'backup to HQ'")]
    # configgen's tunnel after the APN changed: the description still names the service
    found, plan = conflicts_of(CISCO, GPRS, "wh-logistics-ce",
                               lambda intended: intended.replace("APN WHLOG.HB to GRE", "APN OLD.HB to GRE"))
    assert found == [] and "interface Tunnel0" in plan.commands
    found, _ = conflicts_of(CISCO, PBX, "hq-voice-gw", "dial-peer voice 100 pots\n description fax machine\n!\n")
    assert found == [("dial-peer voice 100 pots", "its description is 'fax machine'")]


def test_voice_rules_are_configgen_s_when_its_profile_uses_them():
    inventory, configs = rendered(PBX)
    intended = configs["hq-voice-gw"]
    owner = for_device(inventory, "hq-voice-gw")
    old_blocks = intended.replace("rule 1 /^\\([1-2]...\\)$/", "rule 1 /^\\([1-3]...\\)$/")
    assert old_blocks != intended
    plan = plan_changes(CISCO, old_blocks, intended, owner)
    assert not plan.conflicts and "voice translation-rule 1001" in plan.commands
    foreign = "voice translation-rule 1001\n rule 1 /^9/ /0/\n!\n" + intended.split("!\n", 1)[0]
    plan = plan_changes(CISCO, foreign, intended, owner)
    assert [c.object for c in plan.conflicts] == ["voice translation-rule 1001"]


# ---- on the lab ------------------------------------------------------------------------------

def seed(run, device, commands):
    """Configure by hand (configgen's prompt-driven driver: no 2 s waits on Huawei)."""
    with run.targets[device].connect(run.credentials) as conn:
        conn.send_config_set(commands)
    return run.running(device)


def test_lab_foreign_objects_fail_the_device_and_stay_untouched(tmp_path):
    run = LabRun(INTERNET, tmp_path)
    try:
        cisco = seed(run, "xg-factory-ce", ["access-list 1 permit 10.9.9.0 0.0.0.255", "line vty 0 4",
                                            "access-class 1 in", "exit",
                                            "ip route 10.77.0.0 255.255.0.0 Null0 name XG-FACTORY-MGMT-BACKUP"])
        huawei = seed(run, "es-school-ce", ["acl number 3000", "rule 5 permit ip source 10.9.9.0 0.0.0.255",
                                            "quit", "user-interface vty 0 4", "acl 3000 inbound", "quit"])
        assert "access-class 1 in" in cisco and "acl 3000 inbound" in huawei
        report = run.push()
        results = {r.device: r for r in report.results}
        assert not report.ok
        for device, name in (("xg-factory-ce", "'access-list 1'"), ("es-school-ce", "'acl number 3000'")):
            r = results[device]
            assert r.status == "failed" and r.stage == "check" and r.applied == [] and r.commands == []
            assert f"{name} exists on {device} and was not made by configgen" in r.error
            assert f"nothing was sent to {device}" in r.error
        assert "access-list 1" in report.table()
        assert run.running("xg-factory-ce") == cisco and run.running("es-school-ce") == huawei
        # Freed by hand: the push goes through and the foreign route named XG-FACTORY-* stays.
        seed(run, "xg-factory-ce", ["line vty 0 4", "no access-class 1 in", "exit", "no access-list 1"])
        assert run.push(only="xg-factory-ce").ok
        assert "name XG-FACTORY-MGMT-BACKUP" in run.running("xg-factory-ce")
    finally:
        run.lab.stop()


def test_lab_foreign_tunnel_and_dial_peer(tmp_path):
    gprs = LabRun(GPRS, tmp_path / "gprs")
    try:
        before = seed(gprs, "wh-logistics-ce", ["interface Tunnel0", "description backup to HQ"])
        result = gprs.push(only="wh-logistics-ce").results[0]
        assert result.status == "failed" and "'interface Tunnel0' exists on wh-logistics-ce" in result.error
        assert gprs.running("wh-logistics-ce") == before
    finally:
        gprs.lab.stop()
    pbx = LabRun(PBX, tmp_path / "pbx")
    pbx.targets = resolve_targets(pbx.inventory, ["hq-voice-gw"], read_connection_file(pbx.connection_file))
    try:
        before = seed(pbx, "hq-voice-gw", ["dial-peer voice 100 pots", "description fax machine"])
        result = pbx.push().results[0]
        assert result.status == "failed" and "'dial-peer voice 100 pots' exists on hq-voice-gw" in result.error
        assert pbx.running("hq-voice-gw") == before
    finally:
        pbx.lab.stop()


# ---- the owner marker --------------------------------------------------------------------

def backup_inventory(tmp_path):
    """The GPRS example with its Cisco service named `backup`, a word NOC texts use."""
    text = GPRS.read_text()
    assert "    name: wh-logistics\n" in text
    path = tmp_path / "backup.yaml"
    path.write_text(text.replace("    name: wh-logistics\n", "    name: backup\n"))
    return path


NOC_TUNNEL = "interface Tunnel0\n description IPsec backup to DC2 (NOC)\n tunnel destination 192.0.2.99\n!\n"


def test_ownership_is_the_exact_owner_marker_never_a_word(tmp_path):
    inventory, configs = rendered(backup_inventory(tmp_path))
    intended = configs["wh-logistics-ce"]
    assert " description configgen:backup GPRS-VPN APN WHLOG.HB" in intended
    owner = for_device(inventory, "wh-logistics-ce")
    for foreign in ("IPsec backup to DC2 (NOC)", "backup", "BACKUP tunnel", "configgen:Backup GPRS-VPN",
                    "configgen:backup2 GPRS-VPN", "configgen: backup", "configgen:backup-old x", "cg:backup x"):
        plan = plan_changes(CISCO, f"interface Tunnel0\n description {foreign}\n!\n", intended, owner)
        assert [(c.object, c.reason) for c in plan.conflicts] == [
            ("interface Tunnel0", f"its description is {foreign!r}")] and plan.commands == [], foreign
    for ours in ("configgen:backup GPRS-VPN APN OLD.HB to GRE endpoint 211.137.63.13", "configgen:backup"):
        plan = plan_changes(CISCO, f"interface Tunnel0\n description {ours}\n tunnel destination 192.0.2.99\n!\n",
                            intended, owner)
        assert not plan.conflicts and "tunnel destination 211.137.63.13" in plan.commands, ours
    # A tunnel configgen pushed before descriptions carried the marker: the report says how to adopt it.
    old = "interface Tunnel0\n description GPRS-VPN backup APN WHLOG.HB to GRE endpoint 211.137.63.13\n!\n"
    conflict, = plan_changes(CISCO, old, intended, owner).conflicts
    assert "add the line 'description configgen:backup GPRS-VPN APN WHLOG.HB" in conflict.message("r1")


def test_lab_foreign_tunnel_naming_the_service_as_a_word_stays_untouched(tmp_path):
    run = LabRun(backup_inventory(tmp_path), tmp_path / "lab")
    try:
        before = seed(run, "wh-logistics-ce", ["interface Tunnel0", "description IPsec backup to DC2 (NOC)",
                                               "tunnel destination 192.0.2.99"])
        assert "IPsec backup to DC2" in before
        report = run.push()
        result = {r.device: r for r in report.results}["wh-logistics-ce"]
        assert result.status == "failed" and result.stage == "check" and result.applied == []
        assert "'interface Tunnel0' exists on wh-logistics-ce and was not made by configgen" in result.error
        assert "its description is 'IPsec backup to DC2 (NOC)'" in result.error
        assert run.running("wh-logistics-ce") == before
        assert {r.device: r.status for r in report.results}["wh-water-ce"] == "changed"
    finally:
        run.lab.stop()


def test_policy_map_is_proven_by_its_marker_not_its_name():
    """A foreign IOS policy-map that happens to have the name configgen renders is not
    configgen's: the name is a label anyone can type; the description marker proves it."""
    inventory, configs = rendered(INTERNET)
    intended = configs["xg-factory-ce"]
    owner = for_device(inventory, "xg-factory-ce")
    foreign = "policy-map XG-FACTORY-POLICE-10M\n class class-default\n  police cir 2000000\n!\n"
    plan = plan_changes(CISCO, foreign, intended, owner)
    assert [(c.object, c.reason) for c in plan.conflicts] == [
        ("policy-map XG-FACTORY-POLICE-10M", "it has no description")] and plan.commands == []
    assert "add the line 'description configgen:xg-factory rate 10M'" in plan.conflicts[0].message("r1")
    marked = foreign.replace(" class class-default\n", " description configgen:xg-factory\n class class-default\n")
    plan = plan_changes(CISCO, marked, intended, owner)
    assert not plan.conflicts and "description configgen:xg-factory rate 10M" in plan.commands


def test_old_policy_map_someone_bound_to_another_interface_stays_with_that_binding():
    """configgen's old policy-map (its marker) bound by hand to an interface configgen does
    not render: that binding is not configgen's to remove, so neither is the policy-map it
    needs; the binding on configgen's WAN interface still moves to the new policy-map."""
    inventory, configs = rendered(INTERNET)
    old = str(configs["xg-factory-ce"]).replace("end\n", "")
    assert "service-policy input XG-FACTORY-POLICE-10M" in old
    intended = old.replace("POLICE-10M", "POLICE-20M").replace("rate 10M", "rate 20M")
    owner = for_device(inventory, "xg-factory-ce")
    alone = plan_changes(CISCO, old, intended, owner)
    assert alone.commands[-1] == "no policy-map XG-FACTORY-POLICE-10M"          # configgen's only: goes
    other = "interface GigabitEthernet0/3\n description NOC extra\n service-policy input XG-FACTORY-POLICE-10M\n!\n"
    plan = plan_changes(CISCO, old + other, intended, owner)
    assert "no policy-map XG-FACTORY-POLICE-10M" not in plan.commands
    assert not any("GigabitEthernet0/3" in c for c in plan.commands)
    assert "no service-policy input XG-FACTORY-POLICE-10M" in plan.commands
    assert "service-policy input XG-FACTORY-POLICE-20M" in plan.commands
    kept = "policy-map XG-FACTORY-POLICE-10M\n description configgen:xg-factory rate 10M\n!\n"
    assert plan_changes(CISCO, intended + kept + other, intended, owner).commands == []     # a second push


@pytest.mark.parametrize("device, foreign_route", [
    ("wh-logistics-ce", "ip route 10.99.0.0 255.255.0.0 Tunnel0 name NOC-MGMT"),                      # IOS
    ("wh-water-ce", "ip route-static 10.99.0.0 255.255.0.0 Tunnel0/0/1 description NOC-MGMT"),        # VRP5
    ("wh-power-ce", "ip route-static 10.99.0.0 255.255.0.0 Tunnel2 description NOC-MGMT"),            # VRP8
])
def test_old_tunnel_a_foreign_route_still_uses_stays(device, foreign_route, tmp_path):
    """Tunnels renumbered in the inventory: configgen's old tunnel goes with configgen's
    routes into it, unless a route configgen does not own (no label of the device's
    services) still leaves through it: that route is not configgen's to remove, so
    neither is the tunnel it needs. configgen's own routes into it still go."""
    _, old_configs = rendered(THREE_OS)
    text = THREE_OS.read_text()
    for n in re.findall(r"^    tunnel: (\d+)$", text, flags=re.M):
        text = text.replace(f"    tunnel: {n}\n", f"    tunnel: {int(n) + 3}\n")
    moved = tmp_path / THREE_OS.name
    moved.write_text(text)
    inventory, new_configs = rendered(moved)
    old, intended = str(old_configs[device]), str(new_configs[device])
    tunnel = next(line for line in old.splitlines() if line.startswith("interface Tunnel"))
    own_routes = [" ".join(line.split()[:5]) for line in old.splitlines()
                  if line.startswith("ip route") and line.split()[4] == tunnel.split()[1]]
    assert own_routes and tunnel not in intended.splitlines()
    owner, platform = for_device(inventory, device), platform_for(inventory.devices[device])
    negation = "no " if platform.vendor == "cisco" else "undo "
    alone = plan_changes(platform, old, intended, owner)
    assert alone.commands[-1] == negation + tunnel                       # configgen's only: goes
    plan = plan_changes(platform, old + foreign_route + "\n", intended, owner)
    assert negation + tunnel not in plan.commands
    assert not any("NOC-MGMT" in c for c in plan.commands)
    for route in own_routes:                                              # configgen's routes still go
        assert any(c.startswith(negation + route) for c in plan.commands), route
    kept = f"{tunnel}\n{foreign_route}\n"
    assert plan_changes(platform, intended + kept, intended, owner).commands == []     # a second push
