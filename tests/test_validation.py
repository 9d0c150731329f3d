"""Validation findings: golden messages for every GPRS VPN rule, plus focused cases."""

from __future__ import annotations

import json
import os

import pytest

from configgen import api
from configgen.cli import main
from conftest import GOLDEN, INVENTORIES, ROOT


def test_every_rule_yields_its_reviewed_finding(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # findings name files as given on the command line
    code = main(["validate", "tests/data/errors/gprs-errors.yaml"])
    assert code == 1
    assert capsys.readouterr().out == (GOLDEN / "errors" / "gprs-errors.txt").read_text()


def test_examples_are_clean():
    for path in sorted(INVENTORIES.glob("*.yaml")):
        checked = api.check(path)
        assert not checked.findings.errors, [str(f) for f in checked.findings]


def test_json_findings_carry_file_line_field(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["validate", "--format", "json", "tests/data/errors/gprs-errors.yaml"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == len([f for f in report["findings"] if f["severity"] == "error"])
    first = report["findings"][0]
    assert set(first) >= {"file", "line", "field", "message", "severity", "code", "related"}
    overlap = next(f for f in report["findings"] if f["code"] == "overlap")
    assert overlap["related"], "an overlap names the other side"


def test_exit_code_2_for_unreadable_input(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "missing.yaml")]) == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("services: [\n  - kind: gprs_vpn\n")
    assert main(["validate", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "broken.yaml:" in err and "not valid YAML" in err


@pytest.mark.parametrize("bad, expected", [
    ("WAN\\nip route 0.0.0.0 0.0.0.0 192.0.2.66", "line break"),
    ("tab\\there", "TAB"),
    ("! comment", "starts with '!'"),
    ("# section", "starts with '#'"),
    ("bell\\x07", "control character U+0007"),
    ("next\\u2028line", "control character U+2028"),
    ("help?", "'?'"),
])
def test_injection_is_refused_in_free_text(write_yaml, bad, expected):
    text = (INVENTORIES / "hubei-gprs-vpn.yaml").read_text().replace(
        "lan: {interface: GigabitEthernet0/1, address: 172.16.10.1/24}",
        f'lan: {{interface: GigabitEthernet0/1, address: 172.16.10.1/24, description: "{bad}"}}')
    checked = api.check(write_yaml(text))
    messages = [str(f) for f in checked.findings.errors]
    assert len(messages) == 1 and "services[0].lan.description" in messages[0] and expected in messages[0]


def test_interface_names_cannot_carry_commands(write_yaml):
    text = (INVENTORIES / "hubei-gprs-vpn.yaml").read_text().replace(
        "interface: GigabitEthernet0/1,", 'interface: "GigabitEthernet0/1 ip nat inside",')
    checked = api.check(write_yaml(text))
    assert [f.field for f in checked.findings.errors] == ["services[0].lan.interface"]


def test_device_names_shared_by_two_files_merge(tmp_path):
    (tmp_path / "a.yaml").write_text((INVENTORIES / "hubei-gprs-vpn.yaml").read_text())
    (tmp_path / "b.yaml").write_text(
        "services:\n"
        "  - kind: gprs_vpn\n"
        "    name: wh-logistics-2\n"
        "    device: wh-logistics-ce\n"
        "    apn: WHLOG2.HB\n"
        "    wan: {interface: GigabitEthernet0/2, address: 10.166.0.10/30}\n"
        "    lan: {interface: GigabitEthernet0/3, address: 172.16.11.1/24}\n"
        "    tunnel: 0\n"
        "    terminal_pools: [10.166.12.0/24]\n")
    checked = api.check(tmp_path)  # a directory: every YAML file in it
    found = {(os.path.basename(f.file), f.line, f.field, f.code) for f in checked.findings}
    # the finding names b.yaml's own line and index, not the merged position
    assert ("b.yaml", 8, "services[0].tunnel", "duplicate-tunnel") in found
    assert ("b.yaml", 9, "services[0].terminal_pools[0]", "overlap") in found
    overlap = next(f for f in checked.findings if f.code == "overlap")
    assert "a.yaml:" in overlap.related[0]


def test_device_defined_in_two_files_is_a_finding(tmp_path):
    (tmp_path / "a.yaml").write_text("devices:\n  r1: {vendor: cisco, os: ios, host: 192.0.2.1}\n")
    (tmp_path / "b.yaml").write_text("devices:\n  r1: {vendor: huawei, os: vrp5, host: 192.0.2.2}\n")
    checked = api.check([tmp_path / "a.yaml", tmp_path / "b.yaml"])
    (finding,) = checked.findings.errors
    assert finding.file.endswith("b.yaml") and finding.line == 2 and finding.code == "duplicate-device"


def test_leading_zero_numbers_stay_strings(write_yaml):
    from configgen.inventory.yamlsource import load_yaml_file

    loaded = load_yaml_file(write_yaml("area: 027\nplain: 27\nquoted: '0'\n"))
    assert loaded.data == {"area": "027", "plain": 27, "quoted": "0"}


def test_schema_is_published(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["additionalProperties"] is False
    assert "gprs_vpn" in json.dumps(schema)


def test_vpmn_group_defined_twice_names_both_places(tmp_path):
    group = "vpmn:\n  - {name: hubei-power, area_code: \"027\", plan: integrated}\n"
    (tmp_path / "a.yaml").write_text(group)
    (tmp_path / "b.yaml").write_text(group)
    checked = api.check(tmp_path)
    (finding,) = [f for f in checked.findings if f.code == "duplicate-name"]
    assert finding.file.endswith("b.yaml") and finding.field == "vpmn[0].name"
    assert "a.yaml:2: vpmn[0].name" in finding.related[0]


@pytest.mark.parametrize("written, expected", [
    ("Gi0/1", "write it as the router shows it: GigabitEthernet0/1"),
    ("gigabitethernet0/1", "write it as the router shows it: GigabitEthernet0/1"),
    ("Loopback0", "loopback interfaces are not customer-facing ports"),
    ("Frob0/1", "interface type 'Frob' is not one configgen knows"),
])
def test_interfaces_are_written_as_the_router_shows_them(write_yaml, written, expected):
    """Running-config shows full names: an abbreviation would never converge on push and
    would dodge the one-address-per-interface check (Gi0/1 vs GigabitEthernet0/1)."""
    text = (INVENTORIES / "hubei-gprs-vpn.yaml").read_text().replace(
        "interface: GigabitEthernet0/1,", f"interface: {written},")
    (finding,) = api.check(write_yaml(text)).findings.errors
    assert finding.field == "services[0].lan.interface" and expected in finding.message


def test_tunnel_true_is_not_tunnel_1(write_yaml):
    text = (INVENTORIES / "hubei-gprs-vpn.yaml").read_text().replace("tunnel: 1", "tunnel: true")
    (finding,) = api.check(write_yaml(text)).findings.errors
    assert finding.field == "services[1].tunnel"


def test_internet_test_address_must_be_an_operator_host(write_yaml):
    text = (INVENTORIES / "hubei-internet-line.yaml").read_text().replace(
        "internet_test_address: 211.137.58.20", "internet_test_address: 211.137.201.10")
    (finding,) = api.check(write_yaml(text)).findings.errors
    assert finding.field == "operator.internet_test_address"
    assert "lies inside 211.137.201.0/28" in finding.message


def test_members_file_stays_beside_the_inventory(write_yaml):
    path = write_yaml('vpmn:\n  - {name: g1, area_code: "027", plan: integrated, members_file: /etc/passwd}\n')
    (finding,) = api.check(path).findings.errors
    assert finding.code == "members-file-outside" and "root:" not in str(finding)
