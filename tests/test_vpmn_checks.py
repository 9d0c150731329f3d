"""Numbering-plan checks: the example is clean, and every rule has a failing example
with its precise finding (file:line: field: message, and the other side of conflicts)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from configgen import api

EXAMPLE = Path(__file__).resolve().parent.parent / "inventories" / "hubei-vpmn-pbx.yaml"

HEAD = """\
devices:
  gw: {vendor: cisco, os: ios, host: 192.0.2.31}
  ar: {vendor: huawei, os: vrp5, host: 192.0.2.32}
vpmn:
"""


def findings(tmp_path: Path, body: str, name: str = "inv.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(HEAD + textwrap.dedent(body))
    # Entries a schema error left out of the plan checks are listed in one warning of
    # their own (tests/test_hostile_input.py); here only the rules' findings count.
    return [str(f).replace(str(tmp_path) + "/", "") for f in api.check(path).findings if f.code != "left-out"]


def group(members: str = "", pbx: str = "", plan: str = "integrated", area: str = '"027"') -> str:
    text = f"  - name: g1\n    area_code: {area}\n    plan: {plan}\n"
    if members:
        text += "    members:\n" + textwrap.indent(textwrap.dedent(members), "      ")
    if pbx:
        text += "    pbx:\n" + textwrap.indent(textwrap.dedent(pbx), "      ")
    return text


PBX = """\
- name: p1
  number: "123"
  sends_extensions: true
  switchboard: "02788886666"
  blocks:
    - {short: "61000-62999", extensions: "1000-2999"}
"""


def test_example_is_clean():
    checked = api.check(EXAMPLE)
    assert [str(f) for f in checked.findings] == []
    assert len(checked.inventory.vpmn) == 1


def test_unquoted_numbers_are_accepted_except_an_area_code_without_its_zero(tmp_path):
    assert findings(tmp_path, group("- {short: 6601, number: 13800138000}\n")) == []
    assert findings(tmp_path, group("- {short: 6601, number: 13800138000}\n", area="27")) == [
        'inv.yaml:6: vpmn[0].area_code: area code 27 lost its leading 0: quote it with the 0, e.g. "027"']


@pytest.mark.parametrize("short, message", [
    ("66", "short number 66 has 2 digits; integrated plan: 6 followed by 2 to 5 digits, second digit not 0 "
           "(e.g. 6601, 61001)"),
    ("6612345", "short number 6612345 has 7 digits; integrated plan"),
    ("7601", "short number 7601 does not start with 6; integrated plan"),
    ("6012", "short number 6012 has 0 as second digit (60 is the billing flag and 600 the access prefix)"),
])
def test_integrated_plan_rule(tmp_path, short, message):
    found = findings(tmp_path, group(f'- {{short: "{short}", number: "13800138000"}}\n'))
    assert len(found) == 1 and found[0].startswith(f"inv.yaml:9: vpmn[0].members[0].short: {message}")


def test_group_plan_allows_3_to_6_digits_only(tmp_path):
    ok = group('- {short: "331", number: "13800138000"}\n', plan="group")
    assert findings(tmp_path, ok) == []
    bad = group('- {short: "3312345", number: "13800138000"}\n', plan="group")
    assert findings(tmp_path, bad) == [
        "inv.yaml:9: vpmn[0].members[0].short: short number 3312345 has 7 digits; group plan: 3 to 6 digits"]


def test_block_must_follow_the_plan(tmp_path):
    pbx = PBX.replace("61000-62999", "60000-61999")
    assert findings(tmp_path, group(pbx=pbx)) == [
        "inv.yaml:14: vpmn[0].pbx[0].blocks[0].short: block 60000-61999 has 0 as second digit (60 is the billing "
        "flag and 600 the access prefix); integrated plan: 6 followed by 2 to 5 digits, second digit not 0 "
        "(e.g. 6601, 61001)"]


def test_duplicate_short_number_names_both_members(tmp_path):
    members = '- {short: "6601", number: "13800138000", name: Zhang Wei}\n- {short: "6601", number: "13900139000"}\n'
    assert findings(tmp_path, group(members)) == [
        "inv.yaml:10: vpmn[0].members[1].short: short number 6601 is used twice (also short number 6601 "
        "(Zhang Wei)); short numbers are unique in a group: give one of them a free number\n"
        "    conflicts with inv.yaml:9: vpmn[0].members[0].short"]


def test_prefix_ambiguity_between_members(tmp_path):
    members = '- {short: "661", number: "13800138000"}\n- {short: "6610", number: "13900139000"}\n'
    assert findings(tmp_path, group(members)) == [
        "inv.yaml:10: vpmn[0].members[1].short: dialling ambiguity: short number 661 is a prefix of 6610 in "
        "short number 6610; after 661 the network cannot tell whether the caller has finished: no short number "
        "may start another (give them one length, or distinct leading digits)\n"
        "    conflicts with inv.yaml:9: vpmn[0].members[0].short"]


def test_member_that_starts_numbers_of_a_block(tmp_path):
    found = findings(tmp_path, group('- {short: "6100", number: "13800138000"}\n', PBX))
    assert found == [
        "inv.yaml:9: vpmn[0].members[0].short: dialling ambiguity: short number 6100 is a prefix of 61000-61009 "
        "in block 61000-62999 of PBX p1; after 6100 the network cannot tell whether the caller has finished: "
        "no short number may start another (give them one length, or distinct leading digits)\n"
        "    conflicts with inv.yaml:16: vpmn[0].pbx[0].blocks[0].short"]


def test_member_inside_a_block_and_overlapping_blocks(tmp_path):
    pbx = PBX + '    - {short: "62500-63499", extensions: "3000-3999"}\n'
    found = findings(tmp_path, group('- {short: "61500", number: "13800138000"}\n', pbx))
    assert found == [
        "inv.yaml:9: vpmn[0].members[0].short: short number 61500 overlaps block 61000-62999 of PBX p1 on 61500: "
        "each short number reaches one destination; move one of them to free numbers\n"
        "    conflicts with inv.yaml:16: vpmn[0].pbx[0].blocks[0].short",
        "inv.yaml:17: vpmn[0].pbx[0].blocks[1].short: block 62500-63499 of PBX p1 overlaps block 61000-62999 of "
        "PBX p1 on 62500-62999: each short number reaches one destination; move one of them to free numbers\n"
        "    conflicts with inv.yaml:16: vpmn[0].pbx[0].blocks[0].short"]


@pytest.mark.parametrize("short, service", [
    ("110", "emergency number 110 (police)"),
    ("1008", "operator service number 10086"),
    ("95123", "the 95xxx service lines"),
    ("0123", "the long-distance prefix 0"),
    ("6001", "the billing flag 60 on calling numbers, the VPMN access prefix 600"),
    ("9041", "the virtual calling number prefix 90, the PBX routing prefix 904"),
    ("125", "operator service number 12580, long-distance access code 12593"),
])
def test_short_number_must_not_shadow_service_numbers(tmp_path, short, service):
    found = findings(tmp_path, group(f'- {{short: "{short}", number: "13800138000"}}\n', plan="group"))
    assert found == [f"inv.yaml:9: vpmn[0].members[0].short: short number {short} collides with {service}: one of "
                     "them would be unreachable or misrouted; choose numbers outside service numbers and prefixes "
                     "(an integrated plan's 6x numbers are)"]


def test_long_numbers_unique_across_groups(tmp_path):
    body = group('- {short: "6601", number: "13800138000"}\n')
    body += group('- {short: "6601", number: "13800138000"}\n').replace("name: g1", "name: g2")
    assert findings(tmp_path, body) == [
        "inv.yaml:14: vpmn[1].members[0].number: 13800138000 is already used (member of g1); a subscriber "
        "belongs to one group only and appears once: remove one of the entries\n"
        "    conflicts with inv.yaml:9: vpmn[0].members[0].number"]


@pytest.mark.parametrize("number, message", [
    ("1380013800", "mobile number 1380013800 has 10 digits; mobile numbers have 11"),
    ("12345678901", "mobile number 12345678901 is not in an allocated mobile range (phonenumbers metadata)"),
    ("88886666", "88886666 is neither a mobile number (11 digits starting with 1) nor a fixed number with its "
                 "area code (starting with 0): write the area code, e.g. 02788886666"),
    ("0278888666", "fixed number 0278888666 is not an allocated number in area 027 (phonenumbers metadata: "
                   "wrong subscriber length or range for this area)"),
    ("027888866661", "fixed number 027888866661 has a 9-digit subscriber number after area code 027; "
                     "subscriber numbers have 7 or 8 digits"),
    ("02008888666", "fixed number 02008888666: subscriber number 08888666 starts with 0; subscriber numbers "
                    "start with 2-9"),
    ("03002345678", "03002345678: area code 0300 is not allocated in China (phonenumbers metadata)"),
])
def test_public_numbers(tmp_path, number, message):
    found = findings(tmp_path, group(f'- {{short: "6601", number: "{number}"}}\n'))
    assert len(found) == 1 and found[0].startswith(f"inv.yaml:9: vpmn[0].members[0].number: {message}")


def test_block_sizes_must_match(tmp_path):
    pbx = PBX.replace('extensions: "1000-2999"', 'extensions: "1000-1999"')
    assert findings(tmp_path, group(pbx=pbx)) == [
        "inv.yaml:14: vpmn[0].pbx[0].blocks[0].extensions: block 61000-62999 holds 2000 short numbers but "
        "extensions 1000-1999 hold 1000; they map one to one: e.g. extensions 1000-2999"]


def test_range_ends_must_have_one_length(tmp_path):
    pbx = PBX.replace('extensions: "1000-2999"', 'extensions: "100-2099"')
    assert findings(tmp_path, group(pbx=pbx)) == [
        "inv.yaml:14: vpmn[0].pbx[0].blocks[0].extensions: '100-2099': both ends must have the same number of "
        "digits (3 vs 4); numbers in a block have one length"]


def test_extension_ranges_of_one_pbx_must_not_overlap_or_prefix(tmp_path):
    pbx = PBX + '    - {short: "63000-63099", extensions: "290-389"}\n'
    assert findings(tmp_path, group(pbx=pbx)) == [
        "inv.yaml:15: vpmn[0].pbx[0].blocks[1].extensions: dialling ambiguity: extensions 290-389 is a prefix of "
        "2900-2999 in extensions 1000-2999; after 290 the network cannot tell whether the caller has finished: "
        "no short number may start another (give them one length, or distinct leading digits)\n"
        "    conflicts with inv.yaml:14: vpmn[0].pbx[0].blocks[0].extensions"]


def test_switchboard_only_pbx_has_one_short_number_and_no_blocks(tmp_path):
    pbx = PBX.replace("sends_extensions: true", "sends_extensions: false")
    assert findings(tmp_path, group(pbx=pbx)) == [
        "inv.yaml:9: vpmn[0].pbx[0]: PBX p1 sends only its switchboard number: give the switchboard its one short "
        "number with `short:`",
        "inv.yaml:13: vpmn[0].pbx[0].blocks: PBX p1 sends only its switchboard number (sends_extensions: false), "
        "so only the switchboard joins with one short number: remove the blocks or set sends_extensions: true"]


def test_switchboard_only_pbx_short_must_be_one_number(tmp_path):
    pbx = PBX.replace("sends_extensions: true", "sends_extensions: false").split("  blocks:")[0]
    found = findings(tmp_path, group(pbx=pbx + '  short: "63500-63509"\n'))
    assert found == ["inv.yaml:13: vpmn[0].pbx[0].short: '63500-63509' is not a short number: digits only, "
                     'e.g. "6601"']


def test_virtual_calling_number_at_most_15_digits(tmp_path):
    pbx = PBX.replace('number: "123"', 'number: "12345678"')
    assert findings(tmp_path, group(pbx=pbx)) == [
        "inv.yaml:14: vpmn[0].pbx[0].blocks[0].extensions: virtual calling number 90 + 027 + 12345678 + a 4-digit "
        "extension has 17 digits (e.g. 90027123456781000); at most 15 are allowed: shorten the PBX number or the "
        "extensions"]


def test_pbx_numbers_unique_and_prefix_free_within_an_area(tmp_path):
    second = (PBX.replace("name: p1", "name: p2").replace("61000-62999", "63000-64999")
              .replace("02788886666", "02788887777"))
    assert findings(tmp_path, group(pbx=PBX + second)) == [
        "inv.yaml:16: vpmn[0].pbx[1].number: PBX number 123 in area 027 is also used by PBX p1; PBX numbers are "
        "unique within an area: ask for a free one\n"
        "    conflicts with inv.yaml:10: vpmn[0].pbx[0].number"]
    prefixed = second.replace('number: "123"', 'number: "12"')
    assert findings(tmp_path, group(pbx=PBX + prefixed)) == [
        "inv.yaml:16: vpmn[0].pbx[1].number: PBX number 12 (PBX p2) starts PBX number 123 (PBX p1) in area 027: "
        "routing prefixes and virtual calling numbers of the two PBXs would be confused\n"
        "    conflicts with inv.yaml:10: vpmn[0].pbx[0].number"]


def test_area_code_must_be_real(tmp_path):
    assert findings(tmp_path, group('- {short: "6601", number: "13800138000"}\n', area='"0200"')) == [
        "inv.yaml:6: vpmn[0].area_code: area code 0200 has the wrong length: 010 and 02x are 3 digits with the 0, "
        "all others 4 (e.g. 027 Wuhan, 0717 Yichang)"]


def test_gateway_on_huawei_is_not_supported(tmp_path):
    pbx = PBX + "  gateway: ar\n  trunk: {port: 0/0/0, signalling: pri}\n  operator: {sip: 198.51.100.20}\n"
    found = findings(tmp_path, group(pbx=pbx))
    assert found == [
        "inv.yaml:15: vpmn[0].pbx[0].gateway: not supported on huawei: PBX trunk gateway ar for PBX p1; the AR "
        "E1/PRA trunk CLI is not confirmed in Huawei's command reference (docs/references.md §4), so configgen renders "
        "PBX trunks on Cisco IOS gateways only: use a Cisco gateway or remove `gateway`"]


def test_gateway_must_exist_and_needs_trunk_and_operator(tmp_path):
    pbx = PBX + "  gateway: gw2\n  trunk: {port: 0/0/0, signalling: pri}\n  operator: {sip: 198.51.100.20}\n"
    assert findings(tmp_path, group(pbx=pbx)) == [
        "inv.yaml:15: vpmn[0].pbx[0].gateway: gateway device 'gw2' is not defined under `devices`; "
        "defined: ar, gw"]
    assert findings(tmp_path, group(pbx=PBX + "  gateway: gw\n")) == [
        "inv.yaml:9: vpmn[0].pbx[0]: PBX p1 has a gateway but no trunk and no operator: the gateway config needs "
        "the trunk (port, signalling) and the operator's SIP address"]


def test_too_many_translation_rules(tmp_path):
    blocks = "".join(f'    - {{short: "6{i}050-6{i}249", extensions: "{i}050-{i}249"}}\n' for i in range(1, 7))
    pbx = PBX.split("  blocks:")[0] + "  blocks:\n" + blocks
    pbx += "  gateway: gw\n  trunk: {port: 0/0/0, signalling: pri}\n  operator: {sip: 198.51.100.20}\n"
    assert findings(tmp_path, group(pbx=pbx)) == [
        "inv.yaml:13: vpmn[0].pbx[0].blocks: the extension blocks of PBX p1 need 18 translation rules; a Cisco "
        "rule table holds 15: align blocks on round boundaries (1000-2999 needs one rule, 1050-1249 three)"]
