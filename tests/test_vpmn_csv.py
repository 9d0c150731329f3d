"""Members from a CSV file: same checks as YAML members, findings at the CSV's lines."""

from __future__ import annotations

from pathlib import Path

from configgen import api

ROOT = Path(__file__).resolve().parent.parent


def check(tmp_path: Path, rows: str, yaml_members: str = "") -> list[str]:
    (tmp_path / "inv.yaml").write_text(
        "vpmn:\n  - name: g\n    area_code: \"027\"\n    plan: integrated\n"
        + yaml_members + "    members_file: m/members.csv\n")
    (tmp_path / "m").mkdir(exist_ok=True)
    (tmp_path / "m" / "members.csv").write_text(rows)
    checked = api.check(tmp_path / "inv.yaml")
    return [str(f).replace(str(tmp_path) + "/", "") for f in checked.findings]


def test_csv_example_is_clean():
    checked = api.check(ROOT / "inventories" / "hubei-vpmn-csv.yaml")
    assert [str(f) for f in checked.findings] == []


def test_csv_findings_carry_csv_lines_and_the_yaml_side(tmp_path):
    rows = ("short,number,name\n6601,13800138000,Zhang Wei\n\n# a comment\n"
            "7601,13900139000\n6602,1390013900\n6603,13700137000,x,extra\n")
    yaml_members = "    members:\n      - {short: \"6601\", number: \"13600136000\"}\n"
    assert check(tmp_path, rows, yaml_members) == [
        "m/members.csv:2: members[0].short: short number 6601 (Zhang Wei) is used twice (also short number "
        "6601); short numbers are unique in a group: give one of them a free number\n"
        "    conflicts with inv.yaml:6: vpmn[0].members[0].short",
        "m/members.csv:5: members[1].short: short number 7601 does not start with 6; integrated plan: 6 followed "
        "by 2 to 5 digits, second digit not 0 (e.g. 6601, 61001)",
        "m/members.csv:6: members[2].number: mobile number 1390013900 has 10 digits; mobile numbers have 11",
        "m/members.csv:7: members[3].extra cells: unknown field 'extra cells'; allowed here: name, number, short",
    ]


def test_csv_bad_header_and_missing_file(tmp_path):
    assert check(tmp_path, "short,msisdn\n6601,13800138000\n") == [
        "m/members.csv:1: members: the first line must name the columns short,number,name (name optional); "
        "found short,msisdn"]
    (tmp_path / "inv.yaml").write_text(
        "vpmn:\n  - name: g\n    area_code: \"027\"\n    plan: integrated\n    members_file: nope.csv\n")
    (finding,) = api.check(tmp_path / "inv.yaml").findings
    assert finding.line == 5 and finding.message.endswith(
        "nope.csv does not exist (paths are relative to the YAML file)")
