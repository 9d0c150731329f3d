"""IOS port keywords vs numbers: the diff must see `eq smtp` and `eq 25` as one line."""

from __future__ import annotations

import pytest

from configgen.platforms import PLATFORMS
from configgen.push import plan_changes
from configgen.push.ownership import Ownership
from configgen.push.portnames import IOS_PORT_NUMBERS, normalise_ios_line, normalise_ios_ports

CISCO, VRP5 = PLATFORMS[("cisco", "ios")], PLATFORMS[("huawei", "vrp5")]
ES = Ownership(names=frozenset({"es"}))     # ES-INET-IN carries service es's label


@pytest.mark.parametrize("line, expected", [
    (" permit tcp any host 211.137.201.11 eq smtp", " permit tcp any host 211.137.201.11 eq 25"),
    (" permit tcp any host 211.137.201.10 eq www", " permit tcp any host 211.137.201.10 eq 80"),
    (" permit udp any eq domain any", " permit udp any eq 53 any"),                 # source port
    (" deny   udp any neq ntp host 192.0.2.1 lt snmp", " deny   udp any neq 123 host 192.0.2.1 lt 161"),
    (" permit tcp any any range ftp-data ftp", " permit tcp any any range 20 21"),
    (" permit tcp any any range 1000 telnet", " permit tcp any any range 1000 23"),
    (" 10 permit tcp any any eq pop3", " 10 permit tcp any any eq 110"),             # sequence numbers
    ("access-list 101 permit tcp any any eq www log", "access-list 101 permit tcp any any eq 80 log"),
    (" permit tcp 192.0.2.0 0.0.0.255 host 211.137.100.2 eq 22", None),                 # already a number
    (" permit tcp any host 211.137.200.2 eq 443", None),                                # no keyword (https)
    (" permit icmp any any echo-reply", None),                                          # ICMP types untouched
    (" permit icmp any any echo", None),
    (" permit tcp any any established", None),
    (" description eq smtp is not an ACL entry", None),
    ("ip nat inside source static tcp 192.168.1.20 443 211.137.200.2 443", None),
])
def test_keywords_become_numbers(line, expected):
    assert normalise_ios_line(line) == (line if expected is None else expected)


def test_table_is_one_to_one_per_keyword_and_covers_what_configgen_renders():
    assert IOS_PORT_NUMBERS["domain"] == 53 and IOS_PORT_NUMBERS["smtp"] == 25 and IOS_PORT_NUMBERS["www"] == 80
    assert all(0 < n < 65536 for n in IOS_PORT_NUMBERS.values())


def test_whole_config_keeps_indentation_and_other_lines():
    text = "ip access-list extended X-IN\n permit udp any eq domain any\n deny   ip any any\n!\nhostname r1"
    assert normalise_ios_ports(text) == text.replace("eq domain", "eq 53")


INTENDED = """ip access-list extended ES-INET-IN
 permit tcp any host 211.137.201.10 eq 80
 permit tcp any host 211.137.201.11 eq 25
 permit tcp any any established
 permit udp any eq 53 any
 deny   ip any any
"""


def test_running_config_with_names_needs_nothing():
    running = INTENDED.replace("eq 80", "eq www").replace("eq 25", "eq smtp").replace("eq 53 any", "eq domain any")
    assert plan_changes(CISCO, running, INTENDED, ES).commands == []


def test_a_real_difference_still_shows_in_number_form():
    running = INTENDED.replace("eq 80", "eq www").replace("eq 25", "eq pop3")
    assert plan_changes(CISCO, running, INTENDED, ES).commands == [
        "ip access-list extended ES-INET-IN",
        "no 20 permit tcp any host 211.137.201.11 eq 110",     # hier_config negates by sequence
        "20 permit tcp any host 211.137.201.11 eq 25"]


def test_huawei_is_not_rewritten():
    text = "acl number 3000\n description ES-INET-IN\n rule 5 permit tcp destination-port eq smtp\n"
    assert plan_changes(VRP5, text, text.replace("eq smtp", "eq 25")).commands
