"""The verification plan: domain.md order, segments, and sources per vendor."""

from __future__ import annotations

from pathlib import Path

from configgen.api import check
from configgen.verify import plan_service
from tests.conftest import INVENTORIES

DATA = Path(__file__).parent / "data"


def test_gprs_steps_in_domain_order_with_terminal():
    inventory = check(INVENTORIES / "hubei-gprs-vpn.yaml").inventory
    service = inventory.services[0].model_copy(update={"verify_terminal": "10.166.12.10"})
    steps = plan_service(service, inventory)
    assert [(s.target, s.segment, s.source_interface) for s in steps] == [
        ("10.166.0.1", "circuit", None),
        ("211.137.63.13", "operator routing", None),
        ("172.16.10.20", "customer LAN", "GigabitEthernet0/1"),
        ("10.166.12.10", "tunnel", "GigabitEthernet0/1"),
    ]


def test_huawei_source_is_the_lan_address():
    inventory = check(INVENTORIES / "hubei-gprs-vpn.yaml").inventory
    lan_step = plan_service(inventory.services[1], inventory)[2]
    assert (lan_step.source_interface, lan_step.source_address) == ("GigabitEthernet0/0/1", "172.16.20.1")


def test_inventory_verify_steps_come_after_the_domain_steps(tmp_path):
    text = (INVENTORIES / "hubei-gprs-vpn.yaml").read_text().replace(
        "    server: 172.16.10.20",
        "    server: 172.16.10.20\n    verify:\n"
        "      - {ping: 10.166.99.1, source: lan, expect: fail, proves: \"other customers' pools are unreachable\"}\n"
        "      - {ping: 10.166.0.1, source: wan, segment: circuit, proves: the peer answers the WAN address}\n"
        "      - {ping: 198.51.100.7, proves: a monitoring host answers}", 1)
    path = tmp_path / "inventory.yaml"
    path.write_text(text)
    checked = check(path)
    assert checked.ok, checked.findings
    steps = plan_service(checked.inventory.services[0], checked.inventory)
    assert [(s.target, s.segment, s.source_interface, s.source_address, s.expect) for s in steps[3:]] == [
        ("10.166.99.1", "policy", "GigabitEthernet0/1", "172.16.10.1", "fail"),
        ("10.166.0.1", "circuit", "GigabitEthernet0/0", "10.166.0.2", "pass"),
        ("198.51.100.7", "policy", None, None, "pass"),
    ]
    assert steps[3].proves == "other customers' pools are unreachable"


def test_verify_entries_are_validated_with_file_line_and_field():
    # The one `left-out` warning (this service is out of the plan checks) is not a verify finding.
    findings = [str(f) for f in check(DATA / "verify-errors.yaml").findings if f.code != "left-out"]
    assert [f.split(": ", 2)[1] for f in findings] == [f"services[0].verify[{i}].{field}" for i, field in (
        (1, "ping"), (2, "ping"), (3, "source"), (4, "expect"), (5, "proves"), (6, "proves"), (7, "count"))]
    assert findings[0].startswith(f"{DATA / 'verify-errors.yaml'}:15: ")
    assert "is a multicast address" in findings[1]
    assert "'?'" in findings[4] and "required field is missing" in findings[5]
    assert "unknown field 'count'" in findings[6]


def test_steps_come_from_the_service_modules_and_unknown_kinds_are_errors():
    import pytest

    from configgen.services import gprs_vpn, internet_line
    from configgen import kinds

    verify_targets = {kind.name: kind.verify_targets for kind in kinds.loaded()}
    assert verify_targets == {"gprs_vpn": gprs_vpn.verify_targets, "internet_line": internet_line.verify_targets}
    inventory = check(INVENTORIES / "hubei-internet-line.yaml").inventory
    steps = plan_service(inventory.services[0], inventory)
    assert steps[1].target == str(inventory.operator.internet_test_address) == "211.137.58.20"
    assert steps[1].proves.startswith("the default route and the operator's network")   # the module's text
    odd = inventory.services[0].model_copy(update={"kind": "carrier_pigeon"})
    with pytest.raises(ValueError, match="kind 'carrier_pigeon' has no verification steps"):
        plan_service(odd, inventory)
