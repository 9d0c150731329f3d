"""Hostile and careless input to the loader (issues 9 and 14): YAML's own surprises
(boolean keys, tags, alias bombs, merge keys), files named twice or hidden, CSVs from
Excel, values with a trailing newline. Each gives a finding or exit 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from configgen import api
from configgen.cli import main
from configgen.inventory import expand_paths
from configgen.numbers.plan import group_plans

DEVICES = """\
devices:
  r1: {vendor: cisco, os: ios, host: 192.0.2.1}
  r2: {vendor: huawei, os: vrp5, host: 192.0.2.2}
"""


def service(name: str = "s1", device: str = "r1", n: int = 0, **fields: str) -> str:
    """One valid gprs_vpn service as a YAML list entry; `n` keeps addresses apart."""
    values = {"kind": "gprs_vpn", "name": name, "device": device, "apn": f"A{n}.HB",
              "wan": f"{{interface: GigabitEthernet0/{2 * n}, address: 10.166.{n}.2/30}}",
              "lan": f"{{interface: GigabitEthernet0/{2 * n + 1}, address: 172.16.{n}.1/24}}",
              "tunnel": str(n), "terminal_pools": f"[10.200.{n}.0/24]"}
    values.update(fields)
    lines = [f"    {key}: {value}" for key, value in values.items()]
    return "  - " + "\n".join(lines)[4:] + "\n"


def inventory(*services: str) -> str:
    return DEVICES + "services:\n" + "".join(services)


def codes(checked) -> list[str]:
    return [f.code for f in checked.findings]


# --- keys YAML reads as something else (issue 9 item 3, issue 14 item 4) ---------------

@pytest.mark.parametrize("text, line, field, key", [
    ("devices:\n  on: {vendor: cisco, os: ios, host: 192.0.2.1}\n", 2, "devices.on", "on"),
    ("devices:\n  r1: {vendor: cisco, os: ios, host: 192.0.2.1, yes: 1}\n", 2, "devices.r1.yes", "yes"),
    ("off: 1\n", 1, "off", "off"),
    ("operator:\n  ~: x\n", 2, "operator.~", "~"),
    ("devices:\n  0x10: {vendor: cisco, os: ios, host: 192.0.2.1}\n", 2, "devices.0x10", "0x10"),
    ("devices:\n  1.5: {vendor: cisco, os: ios, host: 192.0.2.1}\n", 2, "devices.1.5", "1.5"),
])
def test_a_key_yaml_reads_as_boolean_or_number_is_a_finding(write_yaml, capsys, text, line, field, key):
    path = write_yaml(text)
    assert main(["validate", str(path)]) == 1
    assert "Traceback" not in capsys.readouterr().err
    (finding,) = [f for f in api.check(path).findings if f.code == "key-not-text"]
    assert (finding.file, finding.line, finding.field) == (str(path), line, field)
    assert f'"{key}"' in finding.message   # shows the key quoted


def test_yes_key_message_names_yaml_1_1_booleans(write_yaml):
    (finding,) = [f for f in api.check(write_yaml("yes: 1\n")).findings if f.code == "key-not-text"]
    assert "YAML 1.1" in finding.message and "boolean" in finding.message


def test_a_number_is_a_fine_device_name(write_yaml):
    # The Cisco hostname is set apart: IOS wants a letter first (issue 11, `hostname-rule`).
    checked = api.check(write_yaml("devices:\n  1001: {vendor: cisco, os: ios, host: 192.0.2.1, hostname: r1001}\n"))
    assert not checked.findings.items
    assert list(checked.inventory.devices) == ["1001"]


def test_number_and_quoted_number_are_the_same_device(write_yaml):
    checked = api.check(write_yaml("""
        devices:
          1001: {vendor: cisco, os: ios, host: 192.0.2.1, hostname: r1001}
          "1001": {vendor: huawei, os: vrp5, host: 192.0.2.2}
        """))
    (finding,) = checked.findings.errors
    assert (finding.line, finding.code) == (3, "duplicate-key")
    assert checked.inventory.devices["1001"].vendor == "cisco"


def test_number_and_quoted_number_in_two_files_are_the_same_device(write_yaml):
    one = write_yaml("devices:\n  1001: {vendor: cisco, os: ios, host: 192.0.2.1, hostname: r1001}\n", "one.yaml")
    two = write_yaml('devices:\n  "1001": {vendor: huawei, os: vrp5, host: 192.0.2.2}\n', "two.yaml")
    (finding,) = api.check([one, two]).findings.errors
    assert (finding.file, finding.line, finding.code) == (str(two), 2, "duplicate-device")


def test_device_names_follow_the_name_rule(write_yaml):
    checked = api.check(write_yaml('devices:\n  "r 1": {vendor: cisco, os: ios, host: 192.0.2.1}\n'))
    (finding,) = checked.findings.errors
    assert (finding.line, finding.code) == (2, "invalid-name")


def test_a_list_as_key_is_a_finding(write_yaml):
    checked = api.check(write_yaml("devices:\n  ? [a, b]\n  : 1\n"))
    assert codes(checked) == ["key-not-text"]


# --- YAML tags, alias bombs, merge keys (issue 14 items 1, 10, 17) ---------------------

@pytest.mark.parametrize("value", ["!!timestamp x", "!!bool maybe", "!!int ''", "!!float abc"])
def test_a_tag_that_cannot_read_its_value_exits_2_with_file_and_line(write_yaml, capsys, value):
    path = write_yaml(f"operator:\n  name: {value}\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"configgen: {path}:2: ") and "Traceback" not in err


def test_an_alias_bomb_is_refused_naming_the_file(write_yaml, capsys):
    lines = ["x-0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"x-{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = write_yaml("\n".join(lines) + "\n")   # ~450 bytes, 9**10 values expanded
    assert path.stat().st_size < 1000
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"configgen: {path}: ") and "alias" in err


def test_merges_below_the_expansion_budget_still_work(write_yaml):
    lines = ["x-0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"x-{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 4)]
    assert api.check(write_yaml("\n".join(lines) + "\n")).ok   # 9**4 values: fine


def test_two_merge_keys_in_one_mapping_are_a_finding(write_yaml):
    checked = api.check(write_yaml("""
        x-a: &a {vendor: cisco, os: ios}
        x-b: &b {host: 192.0.2.1}
        devices:
          r1:
            <<: *a
            <<: *b
        """))
    finding = next(f for f in checked.findings if f.code == "duplicate-key")
    assert (finding.line, finding.field) == (6, "devices.r1.<<")


def test_service_names_differing_only_in_case_are_a_finding(write_yaml):
    checked = api.check(write_yaml(inventory(service("wh-a"), service("WH-A", "r2", 1))))
    (finding,) = checked.findings.errors
    assert (finding.line, finding.field, finding.code) == (14, "services[1].name", "duplicate-name")


def test_lab_in_one_file_does_not_relax_the_others(write_yaml):
    lab = write_yaml("lab: true\n" + DEVICES, "lab.yaml")
    prod = write_yaml("services:\n" + service(), "prod.yaml")
    checked = api.check([lab, prod])
    (finding,) = checked.findings.errors
    assert (finding.file, finding.line, finding.code) == (str(lab), 1, "lab-conflict")
    assert str(prod) in finding.message
    both = write_yaml("lab: true\nservices:\n" + service(), "prod.yaml")
    assert api.check([lab, both]).ok


def test_anchor_keys_are_per_file_not_merged(write_yaml):
    one = write_yaml("x-ios: &d {vendor: cisco, os: ios}\ndevices:\n  r1: {<<: *d, host: 192.0.2.1}\n", "one.yaml")
    two = write_yaml("x-ios: &d {vendor: huawei, os: vrp5}\ndevices:\n  r2: {<<: *d, host: 192.0.2.2}\n", "two.yaml")
    assert api.check([one, two]).ok


# --- which files an inventory argument reads (issue 9 items 4, 5) ----------------------

def test_a_directory_skips_hidden_files_and_folders(tmp_path):
    (tmp_path / "inv.yaml").write_text(DEVICES)
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("on: [push]\njobs: {a: [\n")
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: [\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "more.yml").write_text("services: []\n")
    assert expand_paths([tmp_path]) == [tmp_path / "inv.yaml", tmp_path / "sub" / "more.yml"]
    assert main(["validate", str(tmp_path)]) == 0


def test_a_file_named_twice_is_read_once(tmp_path):
    path = tmp_path / "inv.yaml"
    path.write_text(inventory(service()))
    (tmp_path / "link.yaml").symlink_to(path)
    for args in ([path, path], [tmp_path, path], [path, tmp_path / "link.yaml"], [tmp_path]):
        checked = api.check(args)
        assert checked.ok, [str(f) for f in checked.findings]
        assert len(checked.inventory.services) == 1


# --- a schema error does not hide the rest (issue 9 item 7) ----------------------------

def test_a_typo_or_bad_description_does_not_hide_a_service_from_the_plan_checks(write_yaml):
    overlapping = service("s2", "r2", 1, lan="{interface: GigabitEthernet0/3, address: 172.16.0.9/24}",
                          descripton="typo", description="'needs ? help'")
    checked = api.check(write_yaml(inventory(service(), overlapping)))
    assert sorted(codes(checked)) == ["overlap", "unknown-field", "value_error"]


def test_entries_left_out_of_the_plan_checks_are_named(write_yaml):
    checked = api.check(write_yaml(inventory(service(), service("s2", "r2", 1, apn="-BAD-"))))
    (left_out,) = [f for f in checked.findings if f.code == "left-out"]
    assert left_out.severity == "warning" and (left_out.line, left_out.field) == (13, "services[1]")
    assert "services[1]" in left_out.message and len(checked.inventory.services) == 1


# --- whole-value validators, interface spellings, hosts (issue 14 items 5, 6, 19) -------

@pytest.mark.parametrize("field, value", [
    ("name", '"s1\\n"'), ("apn", '"A.HB\\n"'), ("device", '"r1\\n"'),
    ("wan", '{interface: "GigabitEthernet0/0\\n", address: 10.166.0.2/30}'),
])
def test_a_trailing_newline_fails_validation(write_yaml, field, value):
    checked = api.check(write_yaml(inventory(service(**{field: value}))))
    assert not checked.ok


def test_a_trailing_newline_in_a_device_key_or_host_fails(write_yaml):
    checked = api.check(write_yaml('devices:\n  "r1\\n": {vendor: cisco, os: ios, host: "192.0.2.1"}\n'
                                   '  r2: {vendor: cisco, os: ios, host: "r2.example.net\\n"}\n'))
    assert [(f.line, f.code) for f in checked.findings.errors] == [(2, "invalid-name"), (3, "value_error")]


def test_two_spellings_of_one_interface_are_one_interface(write_yaml):
    checked = api.check(write_yaml(inventory(
        service(), service("s2", "r1", 1, wan="{interface: GigabitEthernet00/0, address: 10.166.1.2/30}"))))
    assert "interface-conflict" in codes(checked)


@pytest.mark.parametrize("device, written, printed", [
    ("r1", "Atm0/0/0", "ATM0/0/0"), ("r1", "POS0/1/0", "POS0/1/0"),
    ("r2", "ATM0/0/0", "Atm0/0/0"), ("r2", "POS0/01/0", "Pos0/1/0"),
])
def test_interface_names_are_spelt_as_the_vendor_prints_them(write_yaml, device, written, printed):
    checked = api.check(write_yaml(inventory(
        service(device=device, lan=f"{{interface: {written}, address: 172.16.0.1/24}}"))))
    assert checked.ok, [str(f) for f in checked.findings]
    assert checked.inventory.services[0].lan.interface == printed


def test_atm_and_Atm_on_one_router_are_one_interface(write_yaml):
    checked = api.check(write_yaml(inventory(
        service(lan="{interface: Atm0/0/0, address: 172.16.0.1/24}"),
        service("s2", "r1", 1, lan="{interface: ATM0/0/0, address: 172.16.1.1/24}"))))
    assert "interface-conflict" in codes(checked)


def test_credentials_in_a_host_are_refused_without_echoing_them(write_yaml, capsys):
    path = write_yaml('devices:\n  r1: {vendor: cisco, os: ios, host: "admin:s3cr3t@192.0.2.1"}\n')
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:2: devices.r1.host:" in out and "s3cr3t" not in out and "admin" not in out


# --- members CSV (issue 9 item 9, issue 14 items 12, 15) -------------------------------

def write_group(tmp_path: Path, csv: bytes | None = None) -> Path:
    (tmp_path / "inv.yaml").write_text(
        'vpmn:\n  - name: g\n    area_code: "027"\n    plan: integrated\n    members_file: m.csv\n')
    if csv is not None:
        (tmp_path / "m.csv").write_bytes(csv)
    return tmp_path / "inv.yaml"


def test_a_gbk_members_file_is_read_with_a_warning_naming_file_and_line(tmp_path):
    text = "short,number,name\n6601,13800138000,Li Na\n6602,13800138001,张伟\n"
    checked = api.check(write_group(tmp_path, text.encode("gbk")))
    (finding,) = checked.findings
    assert (finding.file, finding.line, finding.severity) == (str(tmp_path / "m.csv"), 3, "warning")
    assert "UTF-8" in finding.message
    (plan,) = group_plans(checked.inventory)
    assert [m.name for m in plan.members] == ["Li Na", "张伟"]


def test_a_members_file_in_no_known_encoding_exits_2_naming_file_and_line(tmp_path, capsys):
    path = write_group(tmp_path, b"short,number,name\n6601,13800138000,\xff\xff\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"configgen: {tmp_path / 'm.csv'}:2: ") and "UTF-8" in err


def test_member_names_may_be_chinese_but_not_invisible(tmp_path):
    text = "short,number,name\n6601,13800138000,张伟\n6602,13800138001,李\u200b娜\n"
    checked = api.check(write_group(tmp_path, text.encode("utf-8")))
    (finding,) = checked.findings
    assert (finding.line, finding.field) == (3, "members[1].name")


def test_a_repeated_csv_column_is_a_finding(tmp_path):
    checked = api.check(write_group(tmp_path, b"short,number,short\n6601,13800138000,6602\n"))
    (finding,) = checked.findings
    assert (finding.line, finding.code) == (1, "csv-header") and "short" in finding.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_as_members_file_is_refused_without_reading_it(tmp_path):
    path = write_group(tmp_path)
    os.mkfifo(tmp_path / "m.csv")
    # In a child process: if the FIFO were opened for reading, the test would hang, not fail.
    cli = "import sys; from configgen.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", cli, "validate", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"{path}:5: vpmn[0].members_file:" in done.stdout and "regular file" in done.stdout


def test_an_unknown_key_that_looks_like_a_pydantic_marker_is_an_unknown_key(write_yaml):
    # Found by tests/test_fuzz_inventories.py: pydantic names its validators "function-...".
    checked = api.check(write_yaml("operator:\n  function-: 1\n  name: x\n"))
    (finding,) = checked.findings
    assert (finding.line, finding.field, finding.code) == (2, "operator.function-", "unknown-field")
