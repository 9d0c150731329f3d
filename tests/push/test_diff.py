"""The push diff: only configgen's lines, in commands the OS accepts. No device needed."""

from __future__ import annotations

from configgen.platforms import PLATFORMS
from configgen.push import plan_changes
from configgen.push.diff import rollback_commands
from configgen.push.ownership import Ownership
from tests.conftest import GOLDEN

CISCO, VRP5 = PLATFORMS[("cisco", "ios")], PLATFORMS[("huawei", "vrp5")]
LOGISTICS = Ownership(frozenset({"WH-LOGISTICS-GRE-ENDPOINT", "WH-LOGISTICS-POOL1", "WH-LOGISTICS-POOL2"}),
                      frozenset({"WH-LOGISTICS-POOL"}), frozenset({"wh-logistics"}))
WATER = Ownership(frozenset({"WH-WATER-GRE-ENDPOINT", "WH-WATER-POOL1"}), frozenset({"WH-WATER-POOL"}),
                  frozenset({"wh-water"}))
CISCO_INTENDED = (GOLDEN / "gprs" / "wh-logistics-ce.cfg").read_text()
HUAWEI_INTENDED = (GOLDEN / "gprs" / "wh-water-ce.cfg").read_text()

# A running config with configgen's lines plus other people's: a management interface
# and route, SNMP, an extra interface setting, and one stale configgen route.
CISCO_RUNNING = """Building configuration...

Current configuration : 999 bytes
!
hostname wh-logistics-ce
!
interface GigabitEthernet0/0
 description old text
 ip address 10.166.0.2 255.255.255.252
 speed 100
!
interface GigabitEthernet0/1
 description wh-logistics LAN
 ip address 172.16.10.1 255.255.255.0
!
interface GigabitEthernet0/2
 description MGMT
 ip address 192.0.2.11 255.255.255.0
!
interface Tunnel0
 description configgen:wh-logistics GPRS-VPN APN WHLOG.HB to GRE endpoint 211.137.63.13
 ip unnumbered GigabitEthernet0/0
 tunnel source GigabitEthernet0/0
 tunnel destination 198.51.100.99
 keepalive 10 3
!
snmp-server community public RO
ip route 0.0.0.0 0.0.0.0 192.0.2.254
ip route 10.99.0.0 255.255.0.0 192.0.2.254 name OTHER-TEAM
ip route 211.137.63.13 255.255.255.255 10.166.0.1 name WH-LOGISTICS-GRE-ENDPOINT
ip route 10.166.12.0 255.255.255.0 Tunnel0 name WH-LOGISTICS-POOL1
ip route 10.166.13.0 255.255.255.0 Tunnel0 name WH-LOGISTICS-POOL2
ip route 10.166.99.0 255.255.255.0 Tunnel0 name WH-LOGISTICS-POOL3
!
end
"""


def test_cisco_foreign_lines_stay_and_owned_parts_converge():
    plan = plan_changes(CISCO, CISCO_RUNNING, CISCO_INTENDED, LOGISTICS)
    assert plan.commands == [
        "no ip route 10.166.99.0 255.255.255.0 Tunnel0 name WH-LOGISTICS-POOL3",   # stale, labelled ours
        "interface GigabitEthernet0/0",
        "description INTERCONNECT wh-logistics to operator GPRS router 10.166.0.1/30 APN WHLOG.HB",
        "interface Tunnel0",                      # owned section: stale children go
        "no tunnel destination 198.51.100.99",
        "no keepalive 10 3",
        "tunnel destination 211.137.63.13",
    ]
    sent = "\n".join(plan.commands)
    for foreign in ("speed", "MGMT", "GigabitEthernet0/2", "snmp", "0.0.0.0", "OTHER-TEAM", "no shutdown"):
        assert foreign not in sent


def test_without_service_labels_no_top_level_line_is_removed():
    plan = plan_changes(CISCO, CISCO_RUNNING, CISCO_INTENDED)
    assert not [c for c in plan.commands if c.startswith("no ip route")]


def test_converged_device_needs_nothing():
    assert plan_changes(CISCO, CISCO_INTENDED, CISCO_INTENDED, LOGISTICS).empty
    assert plan_changes(VRP5, HUAWEI_INTENDED, HUAWEI_INTENDED, WATER).empty


def test_changed_inventory_sends_only_the_difference():
    changed = HUAWEI_INTENDED.replace(
        "#\nreturn", "ip route-static 10.166.15.0 255.255.255.0 Tunnel0/0/1 description WH-WATER-POOL2\n#\nreturn")
    plan = plan_changes(VRP5, HUAWEI_INTENDED, changed, WATER)
    assert plan.commands == ["ip route-static 10.166.15.0 255.255.255.0 Tunnel0/0/1 description WH-WATER-POOL2"]
    back = plan_changes(VRP5, changed, HUAWEI_INTENDED, WATER)
    assert back.commands == ["undo ip route-static 10.166.15.0 255.255.255.0 Tunnel0/0/1"]


def test_huawei_commands_close_views_and_fix_negations():
    running = """#
sysname wh-water-ce
#
acl number 2000
 description WH-WATER-NAT
 rule 10 permit source 192.168.20.0 0.0.0.255
#
interface GigabitEthernet0/0/0
 qos car inbound cir 20480
#
return"""
    intended = """sysname wh-water-ce
#
acl number 2000
 description WH-WATER-NAT
 rule 5 permit source 192.168.10.0 0.0.0.255
#
interface GigabitEthernet0/0/0
 qos car inbound cir 10240
#
return"""
    plan = plan_changes(VRP5, running, intended)
    assert plan.commands == [
        "acl number 2000", "undo rule 10", "rule 5 permit source 192.168.10.0 0.0.0.255", "quit",
        "interface GigabitEthernet0/0/0", "qos car inbound cir 10240", "quit",
    ]
    assert not [c for c in plan.commands if c.startswith("#") or c == "return"]
    rollback = rollback_commands(VRP5, intended, running, plan.headers)
    assert rollback == ["acl number 2000", "undo rule 5", "rule 10 permit source 192.168.20.0 0.0.0.255", "quit",
                        "interface GigabitEthernet0/0/0", "undo qos car inbound", "qos car inbound cir 20480", "quit"]


def test_rollback_restores_replaced_lines():
    before = CISCO_RUNNING
    plan = plan_changes(CISCO, before, CISCO_INTENDED, LOGISTICS)
    after = CISCO_INTENDED.replace(" no shutdown\n", " no shutdown\n speed 100\n", 1)
    rollback = rollback_commands(CISCO, after, before, plan.headers)
    assert "description old text" in rollback and "tunnel destination 198.51.100.99" in rollback
    assert not [c for c in rollback if "snmp" in c or "MGMT" in c]
