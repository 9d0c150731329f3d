"""Internet lines through push and verify against the lab, both vendors: the NAT variant on
IOS (xg-factory-ce), the routed variant on VRP5 (es-school-ce). Also the inventory's own
`verify:` steps (`expect: fail`) and IOS port keywords in the running config.

One lab for the module; every test leaves the devices converged on the example again.
Pings: 2 x 1 s.
"""

from __future__ import annotations

import json
import re

import pytest

from configgen.cli import main
from configgen.push.portnames import IOS_PORT_NUMBERS
from configgen.verify import verify
from tests.conftest import INVENTORIES
from tests.push.test_push_lab import CLI_FAST, FAST, LabRun

INTERNET = INVENTORIES / "hubei-internet-line.yaml"
CISCO, HUAWEI = "xg-factory-ce", "es-school-ce"


@pytest.fixture(scope="module")
def internet(tmp_path_factory):
    run = LabRun(INTERNET, tmp_path_factory.mktemp("internet"))
    yield run
    run.lab.stop()


@pytest.fixture()
def deployed(internet):
    """The example pushed (a no-op when already there)."""
    assert internet.push().ok
    return internet


def send(run, device: str, commands: list[str]) -> None:
    """Change the device by hand, through configgen's (prompt-driven) driver."""
    with run.targets[device].connect(run.credentials) as conn:
        conn.send_config_set(commands)


def by_name(report):
    return {s.service: s for s in report.services}


def test_deploy_both_vendors_then_second_push_sends_nothing(internet, capsys):
    code = main(["deploy", str(INTERNET), "--connections", str(internet.connection_file), "--format", "json",
                 *CLI_FAST])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report
    assert {d["device"]: d["status"] for d in report["push"]["devices"]} == {CISCO: "changed", HUAWEI: "changed"}
    for service in report["verify"]["services"]:
        assert service["ok"], service
        assert [s["segment"] for s in service["steps"]] == ["circuit", "operator routing", "customer LAN",
                                                           "customer LAN"]

    code = main(["push", str(INTERNET), "--connections", str(internet.connection_file), "--dry-run",
                 "--format", "json", "-q"])
    again = json.loads(capsys.readouterr().out)
    assert code == 0 and [(d["status"], d["commands"]) for d in again["devices"]] == [("unchanged", [])] * 2


@pytest.mark.parametrize("device, service, undo", [
    (CISCO, "xg-factory", "no ip route 0.0.0.0 0.0.0.0 211.137.100.1"),
    (HUAWEI, "es-school", "undo ip route-static 0.0.0.0 0.0.0.0 211.137.100.5"),
])
def test_missing_default_route_fails_at_operator_routing(deployed, device, service, undo):
    send(deployed, device, [undo])
    result = by_name(verify(deployed.inventory, {device: deployed.targets[device]}, deployed.credentials,
                            **FAST))[service]
    assert result.failed_segment == "operator routing"
    # circuit fine; the test address unreachable, from the router and from the LAN
    assert [s.passed for s in result.steps] == [True, False, True, False]
    assert deployed.push(only=device).results[0].applied      # configgen puts the route back
    assert verify(deployed.inventory, {device: deployed.targets[device]}, deployed.credentials, **FAST).ok


def test_missing_nat_fails_the_lan_internet_step(deployed):
    send(deployed, CISCO, ["no ip nat inside source list 1 interface GigabitEthernet0/0 overload"])
    result = by_name(verify(deployed.inventory, {CISCO: deployed.targets[CISCO]}, deployed.credentials,
                            **FAST))["xg-factory"]
    assert result.failed_segment == "customer LAN"
    assert [s.passed for s in result.steps] == [True, True, True, False]
    assert result.failed_step.step.source_interface == "GigabitEthernet0/1"
    assert deployed.push(only=CISCO).results[0].applied == [
        "ip nat inside source list 1 interface GigabitEthernet0/0 overload"]
    assert verify(deployed.inventory, {CISCO: deployed.targets[CISCO]}, deployed.credentials, **FAST).ok


# `verify:` from the inventory: 10.166.99.1 (nobody's address behind the PE) must not answer
# from the LAN; the operator's test address must answer from the WAN side.
CLOSED = """    server: 192.168.1.20
    verify:
      - {ping: 10.166.99.1, source: lan, expect: fail, proves: "other customers' pools are unreachable"}
      - {ping: 211.137.58.20, source: wan, proves: the test address answers the WAN address}"""


def test_inventory_expect_fail_step_passes_when_the_ping_fails_and_fails_when_it_gets_through(deployed, tmp_path):
    inventory, _ = deployed.variant(tmp_path, [("    server: 192.168.1.20", CLOSED)])
    target = {CISCO: deployed.targets[CISCO]}
    result = by_name(verify(inventory, target, deployed.credentials, **FAST))["xg-factory"]
    assert result.ok, result.to_dict()
    extra = result.steps[4:]
    assert [(s.step.target, s.step.expect, s.step.segment, s.step.source_interface, s.stats.received)
            for s in extra] == [("10.166.99.1", "fail", "policy", "GigabitEthernet0/1", 0),
                                ("211.137.58.20", "pass", "policy", "GigabitEthernet0/0", 2)]

    # Flip: a path that works, declared closed -> the step fails and names its segment.
    flipped, _ = deployed.variant(tmp_path, [("    server: 192.168.1.20", CLOSED.replace(
        "ping: 10.166.99.1, source: lan", "ping: 211.137.58.20, source: lan"))])
    result = by_name(verify(flipped, target, deployed.credentials, **FAST))["xg-factory"]
    assert not result.ok and result.failed_segment == "policy"
    assert [s.passed for s in result.steps] == [True, True, True, True, False, True]
    assert result.failed_step.stats.received > 0


NAMES = {number: name for name, number in IOS_PORT_NUMBERS.items() if number not in (512, 513, 514)}


def as_ios_shows_it(line: str) -> str:
    """A rendered ACL line the way IOS prints it: well-known ports by keyword."""
    return re.sub(r"\b(eq|neq|lt|gt) (\d+)\b", lambda m: f"{m.group(1)} {NAMES.get(int(m.group(2)), m.group(2))}",
                  line)


def test_running_acl_with_port_keywords_is_not_resent(deployed):
    rendered = deployed.result.configs[CISCO].splitlines()
    start = next(i for i, line in enumerate(rendered) if line.startswith("ip access-list extended "))
    acl = [rendered[start]]
    for line in rendered[start + 1:]:
        if not line.startswith(" "):
            break
        acl.append(line)
    named = [as_ios_shows_it(line) for line in acl]
    assert any(" eq domain " in line for line in named)          # `permit udp any eq 53 any` has a name
    send(deployed, CISCO, [f"no {acl[0]}", *named])
    running = deployed.running(CISCO)
    assert "permit udp any eq domain any" in running and "eq 53" not in running
    report = deployed.push(only=CISCO)
    assert [(r.status, r.commands) for r in report.results] == [("unchanged", [])]
