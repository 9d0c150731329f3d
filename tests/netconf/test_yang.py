"""`configgen check --yang DIR` (issue 12): baseline + payload validated with libyang against
the vendors' models; failures are findings at the service and inventory line behind the
failing node. Planted errors are caught; libyang's wording is never asserted."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from configgen import api
from configgen.cli import main
from configgen.netconf.findings import yang_findings
from configgen.netconf.validate import model_set, model_sets
from tests.conftest import INVENTORIES

EXAMPLE = INVENTORIES / "examples" / "netconf-iosxe-vrp8.yaml"


def test_bundled_netconf_example_validates_against_both_vendors_models(yang_models, capsys):
    assert main(["check", str(EXAMPLE), "--yang", str(yang_models)]) == 0
    assert "NETCONF payloads validate" in capsys.readouterr().out


def test_all_bundled_inventories_pass_check_with_yang(yang_models):
    checked = api.ci_check([INVENTORIES], yang_dir=yang_models)
    assert not checked.findings.errors, [str(f) for f in checked.findings]


def test_a_model_set_is_loaded_once_per_process(yang_models):
    first = model_sets(yang_models)
    again = model_sets(yang_models)
    assert set(first) == {"huawei-vrp8", "cisco-iosxe-native"}
    assert all(first[kind] is again[kind] for kind in first)
    assert model_set(yang_models / "cisco-iosxe-17.15.1") is first["cisco-iosxe-native"]


def _planted(yang_models, device: str, plant):
    """Findings for the example with `plant(root element list)` applied to one device's payload."""
    checked = api.check(EXAMPLE)
    from configgen.netconf.devices import device_payloads

    payloads = device_payloads(checked.inventory)
    plant(payloads[device].elements)
    return checked.inventory, yang_findings(checked.inventory, {device: payloads[device]}, model_sets(yang_models),
                                            yang_models)


def _find(elements, name, text=None):
    for element in elements:
        for node in element.iter():
            if node.tag.endswith("}" + name) and (text is None or node.text == text):
                return node
    raise AssertionError(f"no {name} {text}")


def _parent(elements, child):
    for element in elements:
        for node in element.iter():
            if child in list(node):
                return node
    raise AssertionError("no parent")


def _assert_at_service(inventory, findings, service: str, path_part: str):
    assert findings and all(f.code == "yang-invalid" for f in findings)
    entry = inventory.service_path(next(s for s in inventory.services if s.name == service))
    where = inventory.sources.locate(entry)
    assert any((f.file, f.line) == (where[0], where[1]) and path_part in f.message and service in f.message
               for f in findings), [str(f) for f in findings]


def _tunnel_without_its_type(elements):
    tunnel = _parent(elements, _find(elements, "name", "Tunnel4"))
    tunnel.remove(next(c for c in tunnel if c.tag.endswith("}type")))


def _route_into_an_undefined_tunnel(elements):
    _find(elements, "interface-name", "Tunnel4").text = "Tunnel99"


def _prefix_length_instead_of_a_mask(elements):
    _find(elements, "mask", "255.255.255.252").text = "30"


def _police_rate_below_the_model_minimum(elements):
    _find(elements, "bit-rate").text = "1000"


def _service_policy_naming_no_policy_map(elements):
    _find(elements, "input", "EZ-STEEL-INTERNET-POLICE-10M").text = "NO-SUCH-POLICY"


PLANTED = [
    (_tunnel_without_its_type, "sy-water-pe", "sy-water", "Tunnel4"),
    (_route_into_an_undefined_tunnel, "sy-water-pe", "sy-water", "10.166.70.0"),
    (_prefix_length_instead_of_a_mask, "ez-steel-ce", "ez-steel-gprs", "GigabitEthernet[name='0/0/0']"),
    (_police_rate_below_the_model_minimum, "ez-steel-ce", "ez-steel-internet", "policy-map"),
    (_service_policy_naming_no_policy_map, "ez-steel-ce", "ez-steel-internet", "GigabitEthernet[name='0/0/2']"),
]


@pytest.mark.parametrize("plant, device, service, path_part", PLANTED,
                         ids=[case[0].__name__.strip("_") for case in PLANTED])
def test_a_planted_error_is_caught_at_its_service(yang_models, plant, device, service, path_part):
    inventory, findings = _planted(yang_models, device, plant)
    _assert_at_service(inventory, findings, service, path_part)


def test_an_unknown_element_is_caught_strictly(yang_models):
    def plant(elements):
        native = elements[0]
        ET.SubElement(native, native.tag.replace("native", "no-such-leaf")).text = "1"
    inventory, findings = _planted(yang_models, "ez-steel-ce", plant)
    assert len(findings) >= 1 and findings[0].code == "yang-invalid" and "ez-steel-ce" in findings[0].message


def test_an_over_long_iosxe_description_is_caught_by_configgen_itself_over_netconf(write_yaml, capsys):
    """The native model limits an IOS-XE interface description to 200 characters (the CLI
    takes 240): the tunnel's description (owner marker + the service's 195-character
    description) is refused for a NETCONF device without --yang, and not for an SSH one."""
    text = f"""
        operator: {{name: Hubei Mobile}}
        devices:
          ce: {{vendor: cisco, os: iosxe, host: 192.0.2.71, transport: netconf}}
        services:
          - kind: gprs_vpn
            name: long
            device: ce
            apn: LONG.HB
            description: "{'x' * 195}"
            tunnel: 1
            terminal_pools: [10.166.90.0/24]
            wan: {{interface: GigabitEthernet0/0/0, address: 10.166.0.34/30}}
            lan: {{interface: GigabitEthernet0/0/1, address: 172.16.90.1/24}}
    """
    assert main(["check", str(write_yaml(text)), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["code"], f["line"], f["field"]) for f in findings] == [("too-long-for-platform", 5, "services[0]")]
    assert "200" in findings[0]["message"] and "NETCONF" in findings[0]["message"]
    assert main(["check", str(write_yaml(text.replace(", transport: netconf", ""), "ssh.yaml"))]) == 0


def test_a_baseline_without_what_payloads_refer_to_is_reported_at_each_service(yang_models, tmp_path, capsys):
    """The Huawei baseline names the public instance's IPv4 topology `base`, which every static
    route refers to: a device whose datastore lacks it rejects the routes."""
    models = tmp_path / "huawei"
    models.mkdir()
    original = yang_models / "huawei-vrp8-ne40e-8.22.0"
    for path in original.glob("*.yang"):
        (models / path.name).symlink_to(path)
    (models / "baseline.xml").write_text((original / "baseline.xml").read_text().replace(
        "<routing-manage><topologys><topology><name>base</name></topology></topologys></routing-manage>", ""))
    assert main(["check", str(EXAMPLE), "--yang", str(models), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    invalid = [f for f in findings if f["code"] == "yang-invalid"]
    assert invalid and {(f["line"], f["field"]) for f in invalid} == {(40, "services[2]")}
    assert all("sy-water-pe" in f["message"] and "unicast-route2" in f["message"] for f in invalid)


def test_a_folder_without_models_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["check", str(EXAMPLE), "--yang", str(tmp_path / "empty")]) == 2
    assert main(["check", str(EXAMPLE), "--yang", str(tmp_path / "missing")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_device_whose_vendor_has_no_model_set_in_the_folder_is_a_warning(yang_models, capsys):
    only_huawei = yang_models / "huawei-vrp8-ne40e-8.22.0"
    assert main(["check", str(EXAMPLE), "--yang", str(only_huawei), "--format", "json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["code"], f["severity"], f["field"]) for f in findings] == [
        ("yang-not-validated", "warning", "devices.ez-steel-ce.transport")]


def test_every_bundled_router_a_netconf_family_could_carry_validates(yang_models):
    from tests.netconf.test_payloads import every_bundled_device_as_netconf

    sets = model_sets(yang_models)
    checked = 0
    for device, _, payload, inventory in every_bundled_device_as_netconf():
        assert yang_findings(inventory, {device: payload}, sets, yang_models) == [], device
        checked += 1
    assert checked >= 5


def test_the_summary_does_not_claim_payloads_it_could_not_validate(yang_models, capsys):
    only_huawei = yang_models / "huawei-vrp8-ne40e-8.22.0"
    assert main(["check", str(EXAMPLE), "--yang", str(only_huawei)]) == 0
    out = capsys.readouterr().out
    assert "NETCONF payloads validate against the YANG models" not in out
    assert "payloads with a model set validate" in out


def test_the_operator_settings_can_name_the_model_folder(yang_models, tmp_path, capsys):
    """`operator.yang_models`, relative to the file naming it, stands in for --yang."""
    inventory = tmp_path / "site" / "netconf.yaml"
    inventory.parent.mkdir()
    (tmp_path / "models").symlink_to(yang_models)
    text = EXAMPLE.read_text().replace("  name: Hubei Mobile\n", "  name: Hubei Mobile\n  yang_models: ../models\n")
    inventory.write_text(text)
    assert main(["check", str(inventory)]) == 0
    assert "NETCONF payloads validate against the YANG models" in capsys.readouterr().out
    # a folder without models is the same usage error as `--yang` naming one
    inventory.write_text(text.replace("../models", "../nowhere"))
    assert main(["check", str(inventory)]) == 2
    # --yang wins over the setting
    assert main(["check", str(inventory), "--yang", str(yang_models)]) == 0


def test_findings_keep_their_service_once_push_redacts_log_records(yang_models):
    """A library process that pushed first (its secrets registered: a log record holding one
    is redacted as it is made, arguments folded into the message) still places a YANG
    failure at the service behind it. The "secret" here is a word of libyang's message."""
    from configgen.push import credentials

    credentials.Credentials("ops", "conform")
    try:
        test_a_planted_error_is_caught_at_its_service(yang_models, *PLANTED[2])     # a prefix length for a mask
    finally:
        credentials._secrets.discard("conform")   # registered secrets last the process
