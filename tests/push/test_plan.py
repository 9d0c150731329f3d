"""The verification plan: domain.md order, segments, and sources per vendor."""

from __future__ import annotations

from configgen.api import check
from configgen.verify import plan_service
from tests.conftest import INVENTORIES


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
