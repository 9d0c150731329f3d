"""The published JSON Schema agrees with configgen (issue 9 item 17): it accepts what
configgen accepts and refuses what configgen refuses where JSON Schema can say so."""

from __future__ import annotations

import json

import pytest
import yaml
from jsonschema import Draft7Validator

from configgen import api
from configgen.cli import main
from configgen.inventory.published_schema import SCHEMA_ID, SHIPPED
from tests.conftest import INVENTORIES, ROOT

VALID_INVENTORIES = sorted([*INVENTORIES.rglob("*.yaml"), *(ROOT / "tests" / "lab" / "data").glob("*.yaml"),
                            ROOT / "tests" / "data" / "internet" / "variants.yaml"])

DEVICE = "devices:\n  r1: {vendor: cisco, os: ios, host: 192.0.2.1}\n"
SERVICE = """\
devices:
  r1: {vendor: cisco, os: ios, host: 192.0.2.1}
services:
  - kind: gprs_vpn
    name: s1
    device: r1
    apn: WHLOG.HB
    wan: {interface: GigabitEthernet0/0, address: 10.166.0.2/30}
    lan: {interface: LAN, address: 172.16.10.1/24}
    tunnel: 0
    terminal_pools: [10.166.12.0/24]
"""
VPMN = """\
vpmn:
  - name: g1
    area_code: "027"
    plan: integrated
    members:
      - {short: SHORT, number: "13800138000"}
"""


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SHIPPED.read_text())
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def schema_errors(validator, text: str) -> list[str]:
    return [e.message for e in validator.iter_errors(yaml.safe_load(text))]


def configgen_errors(tmp_path, text: str) -> list[str]:
    path = tmp_path / "inv.yaml"
    path.write_text(text)
    return [str(f) for f in api.check(path).findings.errors]


def test_shipped_file_is_what_configgen_schema_prints(capsys):
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == SHIPPED.read_text(), \
        "regenerate with: python -m configgen.inventory.published_schema"


def test_draft_07_with_a_stable_id_and_a_description_on_every_field(validator):
    schema = validator.schema
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"] == SCHEMA_ID
    assert "$defs" not in json.dumps(schema)
    missing = []
    for name, model in [("inventory", schema), *schema["definitions"].items()]:
        missing += [f"{name}.{field}" for field, spec in model.get("properties", {}).items()
                    if not spec.get("description")]
    assert missing == []


@pytest.mark.parametrize("path", VALID_INVENTORIES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_inventory_is_valid_for_both(validator, path):
    assert api.check(path).ok
    assert schema_errors(validator, path.read_text()) == []


@pytest.mark.parametrize("text", [
    "x-cisco: &cisco {vendor: cisco, os: ios}\ndevices:\n  r1: {<<: *cisco, host: 192.0.2.1}\n",
    VPMN.replace("SHORT", "6601"),                       # an unquoted short number
    VPMN.replace("SHORT", '"6601"'),
    # Vlanif is Huawei's (on a Cisco device it is an `interface-vendor` finding)
    SERVICE.replace("interface: LAN", "interface: Vlanif10").replace("cisco, os: ios", "huawei, os: vrp8"),
    SERVICE.replace("interface: LAN", "interface: GigabitEthernet0/0/1.100"),
    DEVICE.replace("cisco, os: ios", "huawei, os: vrp8"),
], ids=["x-anchor", "unquoted-short", "quoted-short", "vlanif", "subinterface", "huawei-vrp8"])
def test_accepted_by_both(validator, tmp_path, text):
    assert configgen_errors(tmp_path, text) == []
    assert schema_errors(validator, text) == []


@pytest.mark.parametrize("text", [
    DEVICE.replace("os: ios", "os: vrp5"),               # vendor/os pairings
    DEVICE.replace("cisco, os: ios", "huawei, os: ios"),
    SERVICE.replace("interface: LAN", "interface: Gi0/1"),        # interface name forms
    SERVICE.replace("interface: LAN", "interface: gigabitethernet0/1"),
    SERVICE.replace("interface: LAN", "interface: Loopback0"),
    SERVICE.replace("interface: LAN", "interface: Frob0/1"),
    SERVICE.replace("interface: LAN", "interface: GigabitEthernet"),
    DEVICE.replace("r1:", "r 1:"),
    DEVICE.replace("host: 192.0.2.1", "host: 192.0.2.1, x-note: 1"),   # x- only at top level
    DEVICE + "servics: []\n",                            # unknown top-level key
    VPMN.replace("SHORT", '"66a1"'),
    VPMN.replace("SHORT", "-6601"),
], ids=["cisco-vrp5", "huawei-ios", "abbreviated", "lowercase", "loopback", "unknown-type", "no-number",
        "device-name", "nested-x", "unknown-key", "short-letters", "short-negative"])
def test_refused_by_both(validator, tmp_path, text):
    text = text.replace("interface: LAN", "interface: GigabitEthernet0/1")
    assert configgen_errors(tmp_path, text) != []
    assert schema_errors(validator, text) != []


def test_readme_shows_the_editor_comment():
    readme = (ROOT / "README.md").read_text()
    assert "# yaml-language-server: $schema=" in readme
    assert "configgen/schema/inventory.schema.json" in readme

