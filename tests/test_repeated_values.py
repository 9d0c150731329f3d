"""A value repeated n times is one finding with its count and (some of) its places, never
n²/2 findings (issue 14 item 8): the size of the output grows with the problems written."""

from __future__ import annotations

import pytest

from configgen import api
from configgen.findings import PLACES_LISTED

N = 2000

GPRS = ("  - {{kind: gprs_vpn, name: s{i}, device: ce-a, apn: A.HB, tunnel: 1, terminal_pools: [10.166.12.0/24],"
        " wan: {{interface: GigabitEthernet0/0, address: 10.166.0.2/30}},"
        " lan: {{interface: GigabitEthernet0/1, address: 172.16.10.1/24}}}}\n")
DEVICES = "devices:\n  ce-a: {vendor: cisco, os: ios, host: 192.0.2.11}\n"


def _output(checked) -> str:
    return "\n".join(map(str, checked.findings))


def test_n_identical_services_give_findings_in_proportion_to_the_problems(write_yaml):
    path = write_yaml(DEVICES + "services:\n" + "".join(GPRS.format(i=i) for i in range(N)))
    checked = api.check(path)
    codes = sorted(f.code for f in checked.findings)
    # one pool used N times, one tunnel number used N times, N tunnels between the same ends
    assert codes == ["duplicate-gre", "duplicate-tunnel", "overlap"]
    assert len(_output(checked)) < 5_000          # was ~N²/2 findings, hundreds of MB at N=2000
    overlap = next(f for f in checked.findings if f.code == "overlap")
    assert f"used {N} times" in overlap.message and f"{N - 1 - PLACES_LISTED} more places" in overlap.message
    assert len(overlap.related) == PLACES_LISTED
    assert overlap.field == "services[1].terminal_pools[0]" and overlap.related[0].endswith("services[0].terminal_pools[0]")


def test_n_duplicated_vpmn_members_give_one_finding_per_repeated_value(write_yaml):
    members = "".join("      - {short: '6601', number: '13800138000'}\n" for _ in range(N))
    path = write_yaml("vpmn:\n  - name: g\n    area_code: '027'\n    plan: integrated\n    members:\n" + members)
    checked = api.check(path)
    assert sorted(f.code for f in checked.findings) == ["duplicate-number", "duplicate-short"]
    assert all(f"{N} times" in f.message and len(f.related) == PLACES_LISTED for f in checked.findings)
    assert len(_output(checked)) < 3_000


def test_n_duplicated_csv_members_give_one_finding_per_repeated_value(tmp_path):
    (tmp_path / "members.csv").write_text("short,number\n" + "6601,13800138000\n" * N)
    (tmp_path / "inv.yaml").write_text("vpmn:\n  - name: g\n    area_code: '027'\n    plan: integrated\n"
                                       "    members_file: members.csv\n")
    checked = api.check(tmp_path / "inv.yaml")
    assert sorted(f.code for f in checked.findings) == ["duplicate-number", "duplicate-short"]
    assert len(_output(checked)) < 3_000


def test_a_value_entered_three_times_names_every_place(write_yaml):
    members = "".join(f"      - {{short: '6601', number: '1380013800{i}'}}\n" for i in range(3))
    path = write_yaml("vpmn:\n  - name: g\n    area_code: '027'\n    plan: integrated\n    members:\n" + members)
    [finding] = api.check(path).findings
    assert finding.code == "duplicate-short" and "used 3 times" in finding.message
    assert finding.field == "vpmn[0].members[1].short"
    assert [r.split(": ")[-1] for r in finding.related] == ["vpmn[0].members[0].short", "vpmn[0].members[2].short"]
    assert "not listed" not in finding.message


PBX = """\
      - name: p{i}
        number: "123"
        sends_extensions: true
        switchboard: "0278888666{i}"
        blocks:
          - {{short: "6{i}000-6{i}999", extensions: "1000-1999"}}
          - {{short: "6{i}000-6{i}999", extensions: "1000-1999"}}
          - {{short: "6{i}000-6{i}999", extensions: "1000-1999"}}
"""


def test_repeated_pbx_numbers_and_blocks_are_one_finding_each(write_yaml):
    path = write_yaml("vpmn:\n  - name: g\n    area_code: '027'\n    plan: integrated\n    pbx:\n"
                      + "".join(PBX.format(i=i) for i in range(1, 4)))
    findings = list(api.check(path).findings)
    by_code = {}
    for finding in findings:
        by_code.setdefault(finding.code, []).append(finding)
    assert len(by_code["pbx-number"]) == 1 and "used by 3 PBXs" in by_code["pbx-number"][0].message
    # each PBX: its block entered 3 times (short numbers), its extensions entered 3 times
    assert len(by_code["overlap"]) == 6
    assert all("entered 3 times" in f.message for f in by_code["overlap"])


@pytest.mark.parametrize("count", [2, 3, 7])
def test_internet_lines_on_one_device_are_one_default_route_finding(write_yaml, count):
    lines = "".join(
        f"  - {{kind: internet_line, name: l{i}, device: ce-a, bandwidth: 10M, nat: true,"
        f" public_block: 211.137.200.{8 * i}/29,"
        f" wan: {{interface: GigabitEthernet0/{2 * i}, address: 211.137.100.{4 * i + 2}/30}},"
        f" lan: {{interface: GigabitEthernet0/{2 * i + 1}, address: 192.168.{i}.1/24}}}}\n" for i in range(count))
    findings = [f for f in api.check(write_yaml(DEVICES + "services:\n" + lines)).findings]
    assert [f.code for f in findings] == ["second-default-route"]
    assert len(findings[0].related) == min(count - 1, PLACES_LISTED)
