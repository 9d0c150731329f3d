"""Platform families (issue 11): what each cannot do is refused with the device, the family
and the reason; name and length rules per family; per-family rendering choices."""

from __future__ import annotations

import pytest

from configgen import api
from configgen.platforms import PLATFORMS
from configgen.render import make_environment
from configgen.services.device import DeviceConfig
from configgen.services.model import Interface
from configgen.services.policy import RateLimit
from conftest import INVENTORIES

INTERNET_LINE = """
    operator: {{name: Hubei Mobile, management_sources: [211.137.96.0/27]}}
    devices:
      r1: {{vendor: {vendor}, os: {os}, host: 192.0.2.1}}
    services:
      - kind: internet_line
        name: mall
        device: r1
        bandwidth: 2M
        wan: {{interface: GigabitEthernet0/0/0, address: 211.137.100.18/30}}
        lan: {{interface: GigabitEthernet0/0/1, address: {lan}}}
        public_block: 211.137.204.0/29
        nat: {nat}
"""


def _codes(result):
    return [f.code for f in result.findings.items]


@pytest.mark.parametrize("os, nat, refused", [
    ("vrp8", "true", ["NAT", "inbound packet filter"]),
    ("vrp8", "false", ["inbound packet filter"]),
    ("ce", "true", ["NAT", "inbound packet filter", "policing"]),
    ("ce", "false", ["inbound packet filter", "policing"]),
])
def test_internet_line_on_a_vrp8_family_is_refused_with_the_reason(write_yaml, os, nat, refused):
    lan = "192.168.40.1/24" if nat == "true" else "211.137.204.1/29"
    checked = api.check(write_yaml(INTERNET_LINE.format(vendor="huawei", os=os, nat=nat, lan=lan)))
    findings = [f for f in checked.findings.items if f.code == "unsupported-on-platform"]
    assert len(findings) == len(refused)
    family = PLATFORMS[("huawei", os)].family
    for finding, feature in zip(findings, refused):
        text = str(finding)
        assert feature in text and "device r1" in text and family in text and "internet_line mall" in text
        assert finding.field.startswith("services[0]")
    assert api.render(write_yaml(INTERNET_LINE.format(vendor="huawei", os=os, nat=nat, lan=lan))).configs == {}


@pytest.mark.parametrize("vendor, os", [("huawei", "vrp5"), ("cisco", "ios"), ("cisco", "iosxe")])
def test_the_same_internet_line_renders_where_the_family_can(write_yaml, vendor, os):
    path = write_yaml(INTERNET_LINE.format(vendor=vendor, os=os, nat="true", lan="192.168.40.1/24"))
    result = api.render(path)
    assert result.checked.ok, [str(f) for f in result.checked.findings]
    assert "unsupported-on-platform" not in _codes(result.checked)


def test_iosxe_renders_the_ios_lines(write_yaml):
    ios = api.render(write_yaml(INTERNET_LINE.format(vendor="cisco", os="ios", nat="true", lan="192.168.40.1/24")))
    xe = api.render(write_yaml(INTERNET_LINE.format(vendor="cisco", os="iosxe", nat="true", lan="192.168.40.1/24")))
    assert xe.configs == ios.configs and xe.configs["r1"].startswith("hostname r1\n")


DEVICE = """
    devices:
      {name}: {{vendor: {vendor}, os: {os}, host: 192.0.2.1{extra}}}
    services:
      - kind: gprs_vpn
        name: {service}
        device: {name}
        apn: A.HB
        wan: {{interface: GigabitEthernet0/0/0, address: 10.166.0.2/30}}
        lan: {{interface: GigabitEthernet0/0/1, address: 172.16.1.1/24}}
        tunnel: 1
        terminal_pools: [10.166.20.0/24]
{description}"""


@pytest.mark.parametrize("name, extra, field", [
    ("1-ce", "", "devices.1-ce"),                            # starts with a digit
    ("wh.ce", "", "devices.wh.ce"),                          # a dot
    ("wh_ce", "", "devices.wh_ce"),                          # an underscore
    ("wh-ce-", "", "devices.wh-ce-"),                        # ends with a hyphen
    ("r1", ", hostname: ce_1", "devices.r1.hostname"),
])
def test_cisco_hostname_rule(write_yaml, name, extra, field):
    checked = api.check(write_yaml(DEVICE.format(name=name, vendor="cisco", os="ios", extra=extra,
                                                 service="a", description="")))
    findings = [f for f in checked.findings.items if f.code == "hostname-rule"]
    assert len(findings) == 1 and findings[0].field == field, [str(f) for f in checked.findings.items]
    assert "letters, digits and hyphens" in findings[0].message


def test_the_same_names_are_fine_on_huawei(write_yaml):
    checked = api.check(write_yaml(DEVICE.format(name="wh.ce_1", vendor="huawei", os="vrp8", extra="",
                                                 service="a", description="")))
    assert checked.ok, [str(f) for f in checked.findings.items]


def test_cisco_hostname_of_63_characters_is_fine_and_64_is_refused(write_yaml):
    """Cisco: at most 63 characters; every configgen name is 1-63 characters already."""
    ok = api.check(write_yaml(DEVICE.format(name="r1", vendor="cisco", os="ios", extra=", hostname: " + "a" * 63,
                                            service="a", description="")))
    assert ok.ok, [str(f) for f in ok.findings.items]
    assert PLATFORMS[("cisco", "ios")].limits.hostname_max == 63
    too_long = api.check(write_yaml(DEVICE.format(name="r1", vendor="cisco", os="ios",
                                                  extra=", hostname: " + "a" * 64, service="a", description="")))
    assert [f.field for f in too_long.findings.errors] == ["devices.r1.hostname"]


def test_vrp8_tunnel_description_with_the_owner_marker_is_limited_to_242(write_yaml):
    """The owner marker `configgen:<service> ` counts: 200 characters of inventory text plus
    the marker exceed the NE40E interface description limit; the same text is fine on an AR."""
    text = "x" * 200
    description = f"        description: {text}\n"
    name = "s" * 40
    vrp8 = api.check(write_yaml(DEVICE.format(name="r1", vendor="huawei", os="vrp8", extra="", service=name,
                                              description=description)))
    findings = [f for f in vrp8.findings.items if f.code == "too-long-for-platform"]
    assert len(findings) == 1 and "Tunnel1" in findings[0].message and "242" in findings[0].message
    assert f"{len('configgen:') + 40 + 1 + 200} characters" in findings[0].message
    ar = api.check(write_yaml(DEVICE.format(name="r1", vendor="huawei", os="vrp5", extra="", service=name,
                                            description=description)))
    assert ar.ok, [str(f) for f in ar.findings.items]


def _render_wan(os: str) -> str:
    """The WAN interface as device.j2 prints it for a family (the rate-limit form)."""
    platform = PLATFORMS[("huawei", os)]
    config = DeviceConfig("r1", "r1", platform)
    limit = RateLimit(kbps=512, policy="P", car_direction_last=platform.render.car_direction_last)   # as build sets it
    wan = Interface("GigabitEthernet0/0/0", "WAN", rate_limit=limit)
    config.interfaces.append(wan)
    return make_environment().get_template("huawei/device.j2").render(device=config)


def test_car_form_per_family():
    """NE40E `qos car cir <kbit/s> ... inbound|outbound` (direction last); AR `qos car inbound cir`."""
    assert " qos car cir 512 inbound\n qos car cir 512 outbound\n" in _render_wan("vrp8")
    assert " qos car inbound cir 512\n qos car outbound cir 512\n" in _render_wan("vrp5")


def test_every_family_states_its_refusals_with_a_reason():
    for platform in PLATFORMS.values():
        for feature, why in platform.unsupported:
            assert feature in ("nat", "inbound_filter", "rate_limit") and len(why) > 40
    assert PLATFORMS[("huawei", "vrp8")].refusal("nat") and PLATFORMS[("huawei", "ce")].refusal("nat")
    assert PLATFORMS[("huawei", "vrp5")].refusal("nat") is None


def test_examples_carry_a_vrp8_router_and_a_ce_switch():
    oses = set()
    for path in (INVENTORIES / "examples").glob("*.yaml"):
        oses |= {d.os for d in api.check(path).inventory.devices.values()}
    assert {"vrp8", "ce"} <= oses


def test_ce_push_sends_undo_portswitch_until_the_device_shows_it():
    """On a CE switch `undo portswitch` is a setting the device shows (ports are Layer 2 by
    default), not a negated default: push sends it when missing, and not again once shown."""
    from configgen.push.diff import plan_changes

    platform = PLATFORMS[("huawei", "ce")]
    intended = ("sysname s\n#\ninterface 100GE1/0/1\n undo portswitch\n ip address 10.0.0.1 255.255.255.252\n"
                "#\nreturn\n")
    fresh = plan_changes(platform, "#\nsysname s\n#\ninterface 100GE1/0/1\n#\nreturn\n", intended)
    assert fresh.commands == ["interface 100GE1/0/1", "undo portswitch", "ip address 10.0.0.1 255.255.255.252",
                              "quit"]
    assert plan_changes(platform, "#\n" + intended, intended).commands == []


@pytest.mark.parametrize("text_length, refused", [(189, False), (190, True)])
def test_cisco_interface_description_is_limited_to_240(write_yaml, text_length, refused):
    """Cisco: an interface description of at most 240 characters, owner marker included
    (`configgen:` + 40-character service name + space + text: 51 + 189 = 240)."""
    description = f"        description: {'x' * text_length}\n"
    checked = api.check(write_yaml(DEVICE.format(name="r1", vendor="cisco", os="ios", extra="", service="s" * 40,
                                                 description=description)))
    findings = [f for f in checked.findings.items if f.code == "too-long-for-platform"]
    assert len(findings) == int(refused), [str(f) for f in checked.findings.items]
    if refused:
        assert "Tunnel1" in findings[0].message and "240" in findings[0].message
        assert "241 characters" in findings[0].message


@pytest.mark.parametrize("os", ["ios", "iosxe"])
def test_cisco_rate_limit_policy_name_is_limited_to_40(write_yaml, os):
    """`service-policy {input | output} <policy-map-name>`: at most 40 characters (Cisco IOS
    QoS command reference). The policy is named `<SERVICE>-POLICE-2M`: 30 + 10 fits, 31 + 10 not."""
    def check(name):
        text = INTERNET_LINE.format(vendor="cisco", os=os, nat="true", lan="192.168.40.1/24").replace(
            "name: mall", f"name: {name}")
        return [f for f in api.check(write_yaml(text)).findings.items if f.code == "too-long-for-platform"]
    assert check("m" * 30) == []
    findings = check("m" * 31)
    assert len(findings) == 1 and "rate-limit policy" in findings[0].message and "40" in findings[0].message
    assert api.check(write_yaml(INTERNET_LINE.format(vendor="huawei", os="vrp5", nat="true", lan="192.168.40.1/24")
                                .replace("name: mall", "name: " + "m" * 31))).ok


def test_platform_facts_are_grouped_by_who_reads_them():
    """Issue 10: render, delivery and verification facts apart; refusals are data with a reason."""
    for platform in PLATFORMS.values():
        assert platform.render.template_dir in ("cisco", "huawei")
        assert platform.delivery.netmiko_type.startswith(platform.vendor)
        assert "{target}" in platform.verification.ping_command
        assert all(u.feature and u.reason for u in platform.unsupported)
    # The lab's rendered-file reader (tests/lab/pushlist.py) reads a vendor's file facts
    # from any of its families: they must agree within a vendor.
    for vendor in ("cisco", "huawei"):
        facts = {(p.delivery.file_only_lines, p.delivery.exit_every_section,
                  p.delivery.section_exit) for p in PLATFORMS.values() if p.vendor == vendor}
        assert len(facts) == 1, facts


@pytest.mark.parametrize("os, limit", [("ce", 242), ("vrp8", 242), ("ios", 240), ("iosxe", 240)])
def test_interface_description_limit_per_family(write_yaml, os, limit):
    """Each family's interface description limit, owner marker included: one character over
    is refused, naming the limit; exactly the limit is fine. The AR has no confirmed limit."""
    vendor = "cisco" if os.startswith("ios") else "huawei"
    marker = len("configgen:") + 40 + 1

    def findings(text_length):
        description = f"        description: {'x' * text_length}\n"
        checked = api.check(write_yaml(DEVICE.format(name="r1", vendor=vendor, os=os, extra="", service="s" * 40,
                                                     description=description)))
        return [f for f in checked.findings.items if f.code == "too-long-for-platform"]
    assert findings(limit - marker) == []
    over = findings(limit - marker + 1)
    assert len(over) == 1 and str(limit) in over[0].message


def test_every_platform_fact_is_read_by_the_product():
    """A fact in the platform table is there because render, push, verify or the lab read
    it (issue 10: `comment_leader` was read only by a test helper)."""
    import dataclasses
    import re

    from conftest import ROOT
    from configgen import platforms

    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "configgen").rglob("*.py")]
    sources += [p.read_text(encoding="utf-8") for p in (ROOT / "templates").rglob("*.j2")]
    for facts in (platforms.Platform, platforms.RenderFacts, platforms.DeliveryFacts,
                  platforms.VerificationFacts, platforms.Limits):
        names = getattr(facts, "_fields", None) or [fact.name for fact in dataclasses.fields(facts)]  # NamedTuple or dataclass
        for name in names:
            read = re.compile(rf"\.{name}\b")   # the table itself writes `name=...`
            assert any(read.search(text) for text in sources), f"{facts.__name__}.{name} is read nowhere"


def test_templates_read_no_platform_facts():
    """Templates only print (issue 10): what differs between families reaches them as the
    services' values (e.g. the `qos car` order in RateLimit.car), not as platform flags."""
    import re

    from conftest import ROOT

    for template in (ROOT / "templates").rglob("*.j2"):
        code = re.sub(r"\{#.*?#\}", "", template.read_text(encoding="utf-8"), flags=re.S)   # comments aside
        assert "platform" not in code, template
