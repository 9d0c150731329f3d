"""Internet dedicated line rendering: reviewed golden files (domain.md §2, vendor-notes
§3.3, §3.4), units, ACL numbering on shared devices, verification plans."""

from __future__ import annotations

import ipaddress

import pytest

from configgen import api
from configgen.inventory.types import format_rate, parse_rate_kbps
from configgen.render import build_device_configs
from configgen.services import gprs_vpn, internet_line
from configgen.services.steps import PingStep
from conftest import GOLDEN, INVENTORIES, ROOT

EXAMPLE = INVENTORIES / "hubei-internet-line.yaml"
BOTH_SERVICES = INVENTORIES / "examples" / "gprs-and-internet-line.yaml"
VARIANTS = ROOT / "tests" / "data" / "internet" / "variants.yaml"


@pytest.mark.parametrize("inventory, device", [
    (EXAMPLE, "xg-factory-ce"),        # Cisco, NAT
    (EXAMPLE, "es-school-ce"),         # Huawei VRP5, routed
    (VARIANTS, "ts-hospital-ce"),      # Cisco, routed
    (VARIANTS, "hs-mall-ce"),          # Huawei AR (VRP5), NAT with static mappings
    (BOTH_SERVICES, "wh-port-ce"),     # Cisco, GPRS VPN and internet line merged
])
def test_matches_reviewed_golden(inventory, device):
    result = api.render(inventory)
    assert result.checked.ok, [str(f) for f in result.checked.findings]
    assert result.configs[device] == (GOLDEN / "internet" / f"{device}.cfg").read_text()


@pytest.mark.parametrize("text, kbps", [
    ("2M", 2000), ("10M", 10000), ("100M", 100000), ("20M", 20000), ("512K", 512), ("1G", 1000000),
    ("1.5M", 1500), ("10m", 10000),
])
def test_rate_parses_to_kbps_in_si_units(text, kbps):
    assert parse_rate_kbps(text) == kbps


@pytest.mark.parametrize("text, message", [
    (10, "has no unit"), ("10", "is not a rate"), ("10 Mbps", "is not a rate"), ("0.5K", "whole number"),
    ("4K", "outside the rates"), ("65G", "outside the rates"),
])
def test_rate_refuses_what_it_cannot_police(text, message):
    with pytest.raises(ValueError, match=message):
        parse_rate_kbps(text)


def test_one_contracted_rate_gives_every_unit():
    """vendor-notes §1.5 units trap: bandwidth kbit/s, police bit/s, VRP car kbit/s; SI, not 1024."""
    configs = build_device_configs(api.check(VARIANTS).inventory)
    limit = configs["ts-hospital-ce"].interfaces[0].rate_limit
    assert (limit.kbps, limit.police_bps, limit.car_kbps) == (2000, 2_000_000, 2000)
    text = api.render(VARIANTS).configs
    assert " bandwidth 2000\n" in text["ts-hospital-ce"]
    assert "police cir 2000000 " in text["ts-hospital-ce"]
    assert " qos car inbound cir 512\n" in text["hs-mall-ce"]
    assert [format_rate(k) for k in (2000, 512, 1000000, 1500)] == ["2M", "512K", "1G", "1500K"]


def test_acl_numbers_never_collide_on_a_shared_device(write_yaml):
    """Two services on one device asking for the same ACL kinds get distinct numbers."""
    from configgen.platforms import PLATFORMS
    from configgen.services.device import DeviceConfig
    from configgen.services.model import Contribution
    from configgen.services.policy import AccessList

    config = DeviceConfig("r1", "r1", PLATFORMS[("huawei", "vrp5")])
    first = [AccessList("A-NAT", "source", []), AccessList("A-IN", "extended", [])]
    second = [AccessList("B-NAT", "source", []), AccessList("B-IN", "extended", [])]
    config.add(Contribution(access_lists=first))
    config.add(Contribution(access_lists=second))
    assert [a.number for a in first + second] == [2000, 3000, 2001, 3001]
    cisco = DeviceConfig("r2", "r2", PLATFORMS[("cisco", "ios")])
    named = AccessList("B-IN", "extended", [])
    cisco.add(Contribution(access_lists=[AccessList("A-NAT", "source", []), named]))
    assert named.number is None   # IOS extended ACLs are named


def test_merged_device_has_one_default_route_and_no_duplicate_lines():
    text = api.render(BOTH_SERVICES).configs["wh-port-ce"]
    assert text.count("ip route 0.0.0.0 0.0.0.0 ") == 1
    lines = [line for line in text.splitlines() if line not in ("!", " no shutdown")]
    assert len(lines) == len(set(lines)), "a line appears twice"
    # the GPRS VPN interfaces carry none of the internet line's NAT or filter lines
    gprs_wan = text.split("interface GigabitEthernet0/0\n", 1)[1].split("!\n", 1)[0]
    assert "nat" not in gprs_wan and "access-group" not in gprs_wan


def _ip(text: str) -> ipaddress.IPv4Address:
    return ipaddress.IPv4Address(text)


def test_internet_line_verification_order():
    inventory = api.check(EXAMPLE).inventory
    nat, routed = inventory.services
    assert internet_line.verify_targets(nat, inventory) == [
        PingStep(_ip("211.137.100.1"), None, "circuit", "the access circuit to the operator's PE 211.137.100.1 is up"),
        PingStep(_ip("211.137.58.20"), None, "operator routing",
                 "the default route and the operator's network reach the internet test address 211.137.58.20"),
        PingStep(_ip("192.168.1.20"), "GigabitEthernet0/1", "customer LAN",
                 "the customer LAN on GigabitEthernet0/1 is right: server 192.168.1.20 answers"),
        PingStep(_ip("211.137.58.20"), "GigabitEthernet0/1", "customer LAN",
                 "LAN hosts reach the internet: NAT of the LAN works"),
    ]
    last = internet_line.verify_targets(routed, inventory)[-1]
    assert last.proves == "LAN hosts reach the internet: the operator routes 211.137.201.0/28 back to the line"


def test_gprs_vpn_verification_order(write_yaml):
    text = (INVENTORIES / "hubei-gprs-vpn.yaml").read_text().replace(
        "    server: 172.16.10.20 ", "    verify_terminal: 10.166.12.9\n    server: 172.16.10.20 ")
    inventory = api.check(write_yaml(text)).inventory
    steps = gprs_vpn.verify_targets(inventory.services[0], inventory)
    assert [(str(s.target), s.source, s.segment) for s in steps] == [
        ("10.166.0.1", None, "circuit"),
        ("211.137.63.13", None, "operator routing"),
        ("172.16.10.20", "GigabitEthernet0/1", "customer LAN"),
        ("10.166.12.9", "GigabitEthernet0/1", "tunnel"),
    ]
    water = gprs_vpn.verify_targets(inventory.services[1], inventory)
    assert [s.segment for s in water] == ["circuit", "operator routing", "customer LAN"]


def test_management_access_permits_ssh_to_the_wan_address_before_the_deny():
    """operator.management_sources then device management_from, each once, as the last
    permits; Cisco names the WAN host, VRP `source <net> <wildcard> destination <wan> 0`."""
    configs = api.render(VARIANTS).configs
    cisco = configs["ts-hospital-ce"].splitlines()
    deny = cisco.index(" deny   ip any any")
    assert cisco[deny - 1] == " permit tcp 211.137.96.0 0.0.0.31 host 211.137.100.14 eq 22"
    assert sum("eq 22" in line and "211.137.100.14" in line for line in cisco) == 1
    huawei = configs["hs-mall-ce"].splitlines()
    deny = huawei.index(" rule 40 deny ip")
    assert huawei[deny - 2:deny] == [
        " rule 30 permit tcp source 211.137.96.0 0.0.0.31 destination 211.137.100.18 0 destination-port eq 22",
        " rule 35 permit tcp source 211.137.250.7 0 destination 211.137.100.18 0 destination-port eq 22"]


def test_management_sources_are_listed_once():
    from types import SimpleNamespace

    net = ipaddress.IPv4Network
    operator = SimpleNamespace(management_sources=[net("211.137.96.0/27"), net("211.137.250.7/32")])
    device = SimpleNamespace(management_from=[net("211.137.250.7/32"), net("198.51.100.0/24")])
    assert internet_line.management_sources(operator, device) == [
        net("211.137.96.0/27"), net("211.137.250.7/32"), net("198.51.100.0/24")]


def test_no_management_sources_no_ssh_rule():
    text = api.render(EXAMPLE).configs["xg-factory-ce"]
    assert "eq 22" not in text
