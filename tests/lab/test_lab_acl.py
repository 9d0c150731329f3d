"""Inbound ACLs -> iptables (configgen/lab/acl.py), without root. The enforcement itself,
through pushed configs and real TCP/ICMP, is tested in test_lab_internet.py."""

from __future__ import annotations

import pytest

from configgen.lab.acl import Filter, Rule, cisco_extended, huawei_rule, iptables_restore


@pytest.mark.parametrize("line, expected", [
    ("permit tcp any any established", "-A c -p tcp ! --tcp-flags ACK,RST NONE -j ACCEPT"),
    ("permit udp any eq 53 any", "-A c -p udp --sport 53 -j ACCEPT"),
    ("permit icmp any any unreachable", "-A c -p icmp --icmp-type destination-unreachable -j ACCEPT"),
    ("permit icmp any host 211.137.100.2 echo", "-A c -p icmp -d 211.137.100.2/32 --icmp-type echo-request -j ACCEPT"),
    ("permit tcp 211.137.96.0 0.0.0.31 host 211.137.100.14 eq 22",
     "-A c -p tcp -s 211.137.96.0/27 -d 211.137.100.14/32 --dport 22 -j ACCEPT"),
    ("20 permit tcp any host 211.137.203.2 range 8000 8080 log", "-A c -p tcp -d 211.137.203.2/32 --dport 8000:8080 -j ACCEPT"),
    ("permit tcp any host 211.137.203.2 eq www", "-A c -p tcp -d 211.137.203.2/32 --dport 80 -j ACCEPT"),
    ("deny   ip any any", "-A c -j DROP"),
])
def test_cisco_entries_translate(line, expected):
    assert cisco_extended(line.split()).iptables("c") == expected


@pytest.mark.parametrize("line, expected", [
    ("rule 5 permit tcp destination 211.137.201.10 0 destination-port eq 443",
     "-A c -p tcp -d 211.137.201.10/32 --dport 443 -j ACCEPT"),
    ("rule 15 permit tcp tcp-flag established", "-A c -p tcp ! --tcp-flags ACK,RST NONE -j ACCEPT"),
    ("rule 20 permit udp source-port eq 53", "-A c -p udp --sport 53 -j ACCEPT"),
    ("rule 25 permit icmp", "-A c -p icmp -j ACCEPT"),
    ("rule 7 permit icmp icmp-type echo", "-A c -p icmp --icmp-type echo-request -j ACCEPT"),
    ("rule 30 permit tcp source 211.137.96.0 0.0.0.31 destination 211.137.100.18 0 destination-port eq 22",
     "-A c -p tcp -s 211.137.96.0/27 -d 211.137.100.18/32 --dport 22 -j ACCEPT"),
    ("rule 40 deny ip source any", "-A c -j DROP"),
])
def test_huawei_rules_translate(line, expected):
    assert huawei_rule(line.split())[1].iptables("c") == expected


@pytest.mark.parametrize("line", [
    "permit tcp any any eq", "permit tcp 10.0.0.0 0.255.0.255 any", "permit icmp any any bogus-type",
    "permit foo any any", "remark hello",
])
def test_unreadable_cisco_entries_are_left_out(line):
    assert cisco_extended(line.split()) is None


def test_vendor_defaults_at_the_end_of_the_acl():
    """IOS: implicit deny; VRP traffic-filter: what matches no rule passes."""
    from configgen.lab.device import SimDevice
    from tests.lab.backend import RecordingBackend
    from configgen.lab.sshsim import new_session

    def filters(vendor, os, lines):
        device = SimDevice("r1", vendor, os, {"GigabitEthernet0/0/0": "gi0_0_0"}, RecordingBackend())
        session = new_session(device)
        for line in lines:
            session.handle(line)
        return device.backend.desired.filters

    cisco = filters("cisco", "ios", ["configure terminal", "ip access-list extended IN", " permit tcp any any established",
                                     "interface GigabitEthernet0/0/0", " ip access-group IN in", "end"])
    assert [(f.dev, f.default, len(f.rules)) for f in cisco] == [("gi0_0_0", "DROP", 1)]
    huawei = filters("huawei", "vrp5", ["system-view", "acl number 3000", " rule 10 deny ip", " rule 5 permit icmp",
                                        "quit", "interface GigabitEthernet0/0/0", " traffic-filter inbound acl 3000",
                                        "quit"])
    (f,) = huawei
    assert f.default == "ACCEPT" and [r.action for r in f.rules] == ["ACCEPT", "DROP"]   # by rule number
    undefined = filters("cisco", "ios", ["configure terminal", "interface GigabitEthernet0/0/0",
                                         " ip access-group NOPE in", "end"])
    assert not undefined       # an ACL that does not exist filters nothing
    table = iptables_restore([Filter("gi0_0_0", "IN", (Rule("ACCEPT", "icmp"),), "DROP")])
    assert "-A PREROUTING -i gi0_0_0 -j cgacl-gi0_0_0\n-A cgacl-gi0_0_0 -p icmp -j ACCEPT\n" \
           "-A cgacl-gi0_0_0 -j DROP\nCOMMIT" in table
