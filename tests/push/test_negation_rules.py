"""VRP negations come out of hier_config itself (driver negation rules), not a rewrite of
its output: every rewrite of the platform table, in its view, and nothing outside it."""

from __future__ import annotations

import pytest
from hier_config import WorkflowRemediation

from configgen.platforms import PLATFORMS
from configgen.push.diff import parse

VRP5, VRP8 = PLATFORMS[("huawei", "vrp5")], PLATFORMS[("huawei", "vrp8")]


def remediation(platform, running: str, intended: str) -> list[str]:
    tree = WorkflowRemediation(parse(platform, running), parse(platform, intended)).remediation_config
    return [child.text for child in tree.all_children()]


@pytest.mark.parametrize("platform", [VRP5, VRP8], ids=["vrp5", "vrp8"])
@pytest.mark.parametrize("view, line, negation", [
    ("acl number 3000", "rule 10 permit tcp destination 192.0.2.1 0 destination-port eq 80", "undo rule 10"),
    ("acl name XG-FACTORY-NAT", "rule 5 permit source 192.168.10.0 0.0.0.255", "undo rule 5"),
    ("interface GigabitEthernet0/0/0", "qos car inbound cir 20480", "undo qos car inbound"),
    ("interface GigabitEthernet0/0/0", "qos car outbound cir 20480", "undo qos car outbound"),
    ("interface GigabitEthernet0/0/0", "qos lr cir 20480", "undo qos lr"),
    ("interface GigabitEthernet0/0/0", "nat outbound 2000", "undo nat outbound 2000"),
    ("interface Tunnel0/0/1", "ip address unnumbered interface GigabitEthernet0/0/0",
     "undo ip address unnumbered"),
    ("interface Tunnel0/0/1", "source GigabitEthernet0/0/0", "undo source"),
    ("interface Tunnel0/0/1", "destination 211.137.63.13", "undo destination"),
    ("interface Tunnel0/0/1", "tunnel-protocol gre", "undo tunnel-protocol"),
    ("", "ip route-static 10.166.15.0 255.255.255.0 Tunnel0/0/1 description WH-WATER-POOL2",
     "undo ip route-static 10.166.15.0 255.255.255.0 Tunnel0/0/1"),
])
def test_hier_config_writes_the_negation_vrp_wants(platform, view, line, negation):
    if view:
        running, want = f"{view}\n description keep\n {line}\n#", [view, negation]
        intended = f"{view}\n description keep\n#"
    else:
        running, intended, want = f"sysname r1\n{line}\n#", "sysname r1\n#", [negation]
    assert remediation(platform, running, intended) == want


def test_a_line_outside_its_view_keeps_hier_configs_negation():
    # `source` is a tunnel's key only in a tunnel; at top level no rule applies.
    assert remediation(VRP5, "source 1.1.1.1 x\n#", "#") == ["undo source 1.1.1.1 x"]
    # hier_config's own Huawei rules still apply (description keeps only its key).
    assert remediation(VRP5, "interface Tunnel0/0/1\n description old\n#", "interface Tunnel0/0/1\n#") == [
        "interface Tunnel0/0/1", "undo description"]


CE = PLATFORMS[("huawei", "ce")]


@pytest.mark.parametrize("platform", [VRP8, CE], ids=["vrp8", "ce"])
@pytest.mark.parametrize("view, line, negation", [
    ("interface GigabitEthernet0/3/0", "qos car cir 20000 inbound", "undo qos car inbound"),
    ("interface GigabitEthernet0/3/0", "qos car cir 20000 pir 40000 outbound", "undo qos car outbound"),
    ("interface Tunnel1", "destination 211.137.63.13", "undo destination"),
    ("interface Tunnel1", "ip address 10.9.9.1 255.255.255.252", "undo ip address 10.9.9.1 255.255.255.252"),
])
def test_vrp8_families_negate_their_own_lines(platform, view, line, negation):
    """VRP8 and CE carry one rewrite more than VRP5 (CAR with the direction last); every
    negation in their views goes through it without error."""
    running, intended = f"{view}\n description keep\n {line}\n#", f"{view}\n description keep\n#"
    assert remediation(platform, running, intended) == [view, negation]
