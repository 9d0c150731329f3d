"""The inventory plugin and the render task, run by Nornir itself (no devices needed)."""

from __future__ import annotations

import json

import pytest
from nornir.core.filter import F

from configgen import api
from configgen.nornir import ConfiggenInventoryError, in_shard, render
from configgen.platforms import platform_for
from configgen.push.targets import select_devices
from tests.conftest import INVENTORIES
from tests.nornir.nornir_helpers import init_nornir, no_environment_credentials  # noqa: F401 (autouse)

GPRS = INVENTORIES / "hubei-gprs-vpn.yaml"
INTERNET = INVENTORIES / "hubei-internet-line.yaml"
PBX = INVENTORIES / "hubei-vpmn-pbx.yaml"


def test_hosts_are_the_devices_push_acts_on_with_their_platforms_and_groups(tmp_path):
    nr = init_nornir(tmp_path, inventory=[str(GPRS), str(INTERNET)])
    inventory = api.check([GPRS, INTERNET]).inventory
    assert sorted(nr.inventory.hosts) == select_devices(inventory)
    logistics = nr.inventory.hosts["wh-logistics-ce"]
    assert (logistics.hostname, logistics.port, logistics.platform) == ("192.0.2.11", 22, "cisco_ios")
    assert logistics.data["services"] == ["wh-logistics"]
    netmiko = logistics.get_connection_parameters("netmiko")
    assert (netmiko.hostname, netmiko.port, netmiko.platform) == ("192.0.2.11", 22, "cisco_ios")
    assert netmiko.extras["ssh_strict"] is True
    huawei = nr.filter(F(groups__contains="vendor:huawei"))
    assert sorted(huawei.inventory.hosts) == sorted(n for n, d in inventory.devices.items()
                                                   if d.vendor == "huawei" and n in nr.inventory.hosts)
    assert "wh-water-ce" in huawei.inventory.hosts
    assert nr.filter(F(groups__contains="service:internet_line")).inventory.hosts
    assert {name: h.platform for name, h in nr.inventory.hosts.items()} == {
        name: platform_for(inventory.devices[name]).delivery.netmiko_type for name in nr.inventory.hosts}


def test_pbx_gateways_are_hosts_too(tmp_path):
    nr = init_nornir(tmp_path, inventory=str(PBX))
    assert sorted(nr.inventory.hosts) == select_devices(api.check(PBX).inventory)


def test_render_task_returns_what_configgen_render_writes(tmp_path):
    nr = init_nornir(tmp_path, inventory=[str(GPRS)])
    results = nr.run(task=render)
    assert not results.failed
    assert {name: r[0].result for name, r in results.items()} == api.render([GPRS]).configs


def test_an_inventory_with_errors_is_refused_with_its_findings(tmp_path, write_yaml):
    broken = write_yaml(GPRS.read_text().replace("10.166.0.6/30", "10.166.0.2/30"))
    with pytest.raises(ConfiggenInventoryError) as raised:
        init_nornir(tmp_path, inventory=str(broken))
    findings = api.check(broken).findings.errors
    assert findings
    for finding in findings:
        assert str(finding) in str(raised.value)


def test_no_login_in_the_nornir_inventory(tmp_path):
    """A connection file's login stays out of the hosts' data and the inventory dump."""
    secret = "Lab-Secret-90210"
    connections = tmp_path / "connections.json"
    connections.write_text(json.dumps({"username": "configgen", "password": secret, "devices": {
        "wh-logistics-ce": {"host": "127.0.0.1", "port": 2201, "device_type": "cisco_ios"},
        "wh-water-ce": {"host": "127.0.0.1", "port": 2202, "device_type": "huawei_vrp"}}}))
    nr = init_nornir(tmp_path, inventory=str(GPRS), connections=str(connections))
    assert nr.inventory.hosts["wh-water-ce"].port == 2202
    dump = json.dumps(nr.inventory.dict(), default=str)
    assert "wh-water-ce" in dump and secret not in dump
    assert all(h.password is None and h.username is None for h in nr.inventory.hosts.values())


def test_shards_split_the_hosts_without_overlap(tmp_path):
    nr = init_nornir(tmp_path, inventory=[str(GPRS), str(INTERNET), str(PBX)])
    shards = [set(nr.filter(filter_func=in_shard(k, 3)).inventory.hosts) for k in range(3)]
    assert sum(len(s) for s in shards) == len(nr.inventory.hosts)
    assert set().union(*shards) == set(nr.inventory.hosts)
    with pytest.raises(ValueError):
        in_shard(3, 3)
