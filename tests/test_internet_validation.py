"""Internet line validation: golden findings for every rule, plus the cases one file
cannot show (lab inventories, the acknowledged large block, merge across files)."""

from __future__ import annotations

import pytest

from configgen import api
from configgen.cli import main
from conftest import GOLDEN, INVENTORIES, ROOT

EXAMPLE = INVENTORIES / "hubei-internet-line.yaml"


def test_every_rule_yields_its_reviewed_finding(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # findings name files as given on the command line
    assert main(["validate", "tests/data/errors/internet-errors.yaml"]) == 1
    assert capsys.readouterr().out == (GOLDEN / "errors" / "internet-errors.txt").read_text()


def test_combined_example_is_clean():
    checked = api.check(INVENTORIES / "examples" / "gprs-and-internet-line.yaml")
    assert not checked.findings.items, [str(f) for f in checked.findings]


def _example(write_yaml, old: str, new: str, *, lab: bool = False):
    text = EXAMPLE.read_text()
    assert old in text
    text = text.replace(old, new)
    return api.check(write_yaml(("lab: true\n" if lab else "") + text))


DOC_BLOCK = ("public_block: 211.137.200.0/29", "public_block: 198.51.100.0/29")


def test_documentation_block_is_an_error_in_production(write_yaml):
    checked = _example(write_yaml, *DOC_BLOCK)
    assert [(f.field, f.code) for f in checked.findings] == [("services[0].public_block", "not-public")]
    assert "set `lab: true`" in checked.findings.items[0].message


def test_documentation_block_is_fine_in_a_lab_inventory(write_yaml):
    assert not _example(write_yaml, *DOC_BLOCK, lab=True).findings.items


@pytest.mark.parametrize("block, what", [
    ("10.20.0.0/29", "private (RFC 1918)"),
    ("100.64.1.0/29", "carrier-grade NAT"),
    ("127.0.0.0/29", "loopback"),
    ("224.0.1.0/29", "multicast"),
    ("240.0.0.0/29", "reserved"),
    ("0.0.0.0/29", "'this network'"),
])
def test_public_block_must_be_public_unicast(write_yaml, block, what):
    checked = _example(write_yaml, "public_block: 211.137.200.0/29", f"public_block: {block}", lab=True)
    assert [f.code for f in checked.findings] == ["not-public"] and what in checked.findings.items[0].message


def test_more_than_16_addresses_need_the_acknowledgement(write_yaml):
    big = ("public_block: 211.137.200.0/29", "public_block: 211.137.200.0/24")
    assert [f.code for f in _example(write_yaml, *big).findings] == ["public-block-too-large"]
    acknowledged = (big[0], big[1] + "\n    extra_addresses_billed: true")
    assert not _example(write_yaml, *acknowledged).findings.items


def test_static_mapping_opens_the_inbound_rule(write_yaml):
    mapped = ("    server: 192.168.1.20\n", "    server: 192.168.1.20\n"
              "    static_nat: [{public: 211.137.200.2, inside: 192.168.1.20, protocol: tcp, port: 443}]\n"
              "    inbound: [{protocol: tcp, port: 443, to: 211.137.200.2}]\n")
    checked = _example(write_yaml, *mapped)
    assert not checked.findings.items, [str(f) for f in checked.findings]
    text = api.render(write_yaml(EXAMPLE.read_text().replace(*mapped))).configs["xg-factory-ce"]
    assert "ip nat inside source static tcp 192.168.1.20 443 211.137.200.2 443\n" in text
    assert " permit tcp any host 211.137.200.2 eq 443\n" in text


def test_blocks_never_overlap_across_files(tmp_path):
    """A second file's GPRS terminal pool covering this file's public block: overlaps
    naming both files."""
    (tmp_path / "a.yaml").write_text(EXAMPLE.read_text())
    (tmp_path / "b.yaml").write_text(
        "devices:\n  r9: {vendor: cisco, os: ios, host: 192.0.2.99}\n"
        "services:\n  - kind: gprs_vpn\n    name: g\n    device: r9\n    apn: G.HB\n"
        "    wan: {interface: GigabitEthernet0/0, address: 10.166.0.2/30}\n"
        "    lan: {interface: GigabitEthernet0/1, address: 172.16.1.1/24}\n"
        "    tunnel: 0\n    terminal_pools: [211.137.201.0/24]\n")
    checked = api.check(tmp_path)
    # the routed LAN and its public block both lie inside the pool: one finding each
    errors = sorted(checked.findings.errors, key=lambda f: f.field)
    assert [(f.field, f.code) for f in errors] == [
        ("services[1].lan.address", "overlap"), ("services[1].public_block", "overlap")]
    assert all(f.file.endswith("a.yaml") and "b.yaml:" in f.related[0] for f in errors)
    # and a public terminal pool is routed into the tunnel: a warning of its own
    assert [(f.file.endswith("b.yaml"), f.code) for f in checked.findings.warnings] == [(True, "pool-not-private")]


# ---- management access over the line (operator.management_sources, device management_from)

def _managed(write_yaml, operator: str = "", device: str = "", device_name: str = "xg-factory-ce"):
    text = EXAMPLE.read_text()
    if operator:
        text = text.replace("  internet_test_address: 211.137.58.20\n",
                            f"  internet_test_address: 211.137.58.20\n{operator}")
    if device:
        text = text.replace(f"  {device_name}:\n", f"  {device_name}:\n{device}")
    return write_yaml(text)


def test_management_sources_are_clean(write_yaml):
    path = _managed(write_yaml, "  management_sources: [211.137.96.0/27]\n",
                    "    management_from: [211.137.250.7/32]\n")
    checked = api.check(path)
    assert not checked.findings.items, [str(f) for f in checked.findings]


def test_management_from_anywhere_warns_unless_acknowledged(write_yaml):
    checked = api.check(_managed(write_yaml, "  management_sources: [0.0.0.0/0]\n"))
    assert [(f.field, f.severity, f.code) for f in checked.findings] == [
        ("operator.management_sources[0]", "warning", "management-from-anywhere")]
    assert checked.ok   # a warning: it renders
    assert "management_anywhere: true" in checked.findings.items[0].message
    acknowledged = _managed(write_yaml, "", "    management_from: [0.0.0.0/0]\n    management_anywhere: true\n")
    assert not api.check(acknowledged).findings.items
    device_level = api.check(_managed(write_yaml, "", "    management_from: [0.0.0.0/0]\n"))
    assert [f.field for f in device_level.findings] == ["devices.xg-factory-ce.management_from[0]"]


@pytest.mark.parametrize("network, what", [
    ("224.0.0.0/24", "multicast"), ("127.0.0.0/8", "loopback"), ("0.0.0.0/8", "'this network'"),
    ("169.254.0.0/16", "link-local"), ("240.0.0.0/4", "reserved"),
])
def test_management_source_must_be_a_possible_source(write_yaml, network, what):
    checked = api.check(_managed(write_yaml, f"  management_sources: [{network}]\n"))
    assert [(f.line, f.code) for f in checked.findings] == [(4, "management-not-unicast")]
    assert what in checked.findings.items[0].message


def test_management_source_is_a_network(write_yaml):
    checked = api.check(_managed(write_yaml, "  management_sources: [211.137.96.1/27]\n"))
    assert [(f.field, f.line) for f in checked.findings] == [("operator.management_sources[0]", 4)]
    assert "host bits set; the network is 211.137.96.0/27" in checked.findings.items[0].message
    assert not checked.ok


def test_management_from_without_internet_line_changes_nothing(write_yaml):
    path = write_yaml(EXAMPLE.read_text().replace(
        "devices:\n", "devices:\n  spare-ce: {vendor: cisco, os: ios, host: 192.0.2.29, "
        "management_from: [211.137.250.7/32]}\n"))
    checked = api.check(path)
    assert [(f.field, f.severity, f.code) for f in checked.findings] == [
        ("devices.spare-ce.management_from", "warning", "management-without-internet-line")]
