"""A name written n times (a service, a VPMN group, a device defined in several files) is
one finding with its count and places, not n-1 findings (issue 14 item 8)."""

from __future__ import annotations

from configgen import api
from configgen.findings import PLACES_LISTED

N = 3000
DEVICES = "devices:\n  ce-a: {vendor: cisco, os: ios, host: 192.0.2.11}\n"
GPRS = ("  - {{kind: gprs_vpn, name: {name}, device: ce-a, apn: A.HB, tunnel: 1, terminal_pools: [10.166.12.0/24],"
        " wan: {{interface: GigabitEthernet0/0, address: 10.166.0.2/30}},"
        " lan: {{interface: GigabitEthernet0/1, address: 172.16.10.1/24}}}}\n")


def test_n_services_with_one_name_are_one_finding(write_yaml):
    path = write_yaml(DEVICES + "services:\n" + GPRS.format(name="same") * N)
    (finding,) = api.check(path).findings
    assert (finding.line, finding.field, finding.code) == (5, "services[1].name", "duplicate-name")
    assert f"{N} times" in finding.message and f"{N - 1 - PLACES_LISTED} more places" in finding.message
    assert len(finding.related) == PLACES_LISTED and finding.related[0].endswith(":4: services[0].name")


def test_two_services_with_one_name_say_twice(write_yaml):
    (finding,) = api.check(write_yaml(DEVICES + "services:\n" + GPRS.format(name="same") * 2)).findings
    assert "twice" in finding.message and len(finding.related) == 1


def test_names_differing_only_in_case_are_one_finding(write_yaml):
    names = ["wh-a", "WH-A", "Wh-A", "wH-a"]
    services = "".join(GPRS.format(name=name).replace("tunnel: 1", f"tunnel: {i}")
                       .replace("10.166.12.", f"10.166.{20 + i}.").replace("10.166.0.", f"10.166.{i + 1}.")
                       .replace("172.16.10.", f"172.16.{10 + i}.").replace("0/0,", f"0/{2 * i},")
                       .replace("0/1,", f"0/{2 * i + 1},") for i, name in enumerate(names))
    findings = api.check(write_yaml(DEVICES + "services:\n" + services)).findings.errors
    (finding,) = [f for f in findings if f.code == "duplicate-name"]
    assert finding.field == "services[1].name" and "4 service names" in finding.message
    assert len(finding.related) == 3


def test_n_vpmn_groups_with_one_name_are_one_finding(write_yaml):
    group = "  - {name: g, area_code: '027', plan: integrated}\n"
    (finding,) = api.check(write_yaml("vpmn:\n" + group * 50)).findings
    assert (finding.field, finding.code) == ("vpmn[1].name", "duplicate-name") and "50 times" in finding.message


def test_a_device_defined_in_n_files_is_one_finding(tmp_path):
    for i in range(12):
        (tmp_path / f"f{i:02d}.yaml").write_text("devices:\n  r1: {vendor: cisco, os: ios, host: 192.0.2.1}\n")
    (finding,) = api.check(tmp_path).findings
    assert (finding.file, finding.line, finding.field, finding.code) == \
        (str(tmp_path / "f01.yaml"), 2, "devices.r1", "duplicate-device")
    assert "12 times" in finding.message and len(finding.related) == PLACES_LISTED
    assert finding.related[0].startswith(str(tmp_path / "f00.yaml"))
