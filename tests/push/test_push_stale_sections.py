"""A whole section configgen no longer renders, through netmiko against the lab: push
removes it when its description carries the owner marker of a service configgen renders
on the device now (configgen/push/ownership.py, rule 3), as the NETCONF push does; every
other section stays.

Needs root and network namespaces (tests/lab/conftest.require_lab). Every test leaves the
devices converged on its inventory again.
"""

from __future__ import annotations

import re

import pytest

from configgen.lab import Fault, ifnames
from configgen.platforms import platform_for
from configgen.push import push_devices
from configgen.verify import verify
from tests.conftest import INVENTORIES
from tests.push.test_diff_backup_lab import send as configure
from tests.push.test_push_lab import FAST, THREE_OS, LabRun

CE_SWITCH = INVENTORIES / "examples" / "ce-switch-gprs.yaml"
INTERNET = INVENTORIES / "hubei-internet-line.yaml"


def lab_of(path):
    """A module-scoped lab for the inventory at `path`."""
    @pytest.fixture(scope="module")
    def lab(tmp_path_factory):
        run = LabRun(path, tmp_path_factory.mktemp(path.stem))
        yield run
        run.lab.stop()
    return lab


three_os = lab_of(THREE_OS)
ce_switch = lab_of(CE_SWITCH)
internet = lab_of(INTERNET)


def tunnel_of(config: str) -> str:
    return next(line.split(None, 1)[1] for line in config.splitlines() if line.startswith("interface Tunnel"))


def has_interface(run: LabRun, device: str, name: str) -> bool:
    return f"interface {name}" in run.running(device).splitlines()


def negation(run: LabRun, device: str) -> str:
    return "no" if run.targets[device].platform.vendor == "cisco" else "undo"


def dataplane_tunnels(run: LabRun, device: str) -> frozenset[str]:
    return run.lab.devices[device].backend.applied.tunnels


def renumbered(run: LabRun, tmp_path):
    """The inventory with every service's tunnel number moved up by 3."""
    text = run.path.read_text()
    numbers = re.findall(r"^    tunnel: (\d+)$", text, flags=re.M)
    assert numbers
    return run.variant(tmp_path, [(f"    tunnel: {n}\n", f"    tunnel: {int(n) + 3}\n") for n in numbers])


@pytest.mark.parametrize("lab", ["three_os", "ce_switch"])
def test_renumbered_tunnel_goes_foreign_and_unknown_tunnels_stay(lab, request, tmp_path):
    run: LabRun = request.getfixturevalue(lab)
    assert run.push().ok
    inventory, configs = renumbered(run, tmp_path)
    old = {device: tunnel_of(str(config)) for device, config in run.result.configs.items()}
    new = {device: tunnel_of(str(config)) for device, config in configs.items()}
    service = {s.device: s.name for s in run.inventory.services}
    foreign: dict[str, list[str]] = {}
    for device, tunnel in old.items():
        # Same family of names as configgen's own tunnel, numbers configgen does not use.
        noc, gone, lookalike = (re.sub(r"\d+$", str(n), tunnel) for n in (7, 8, 9))
        foreign[device] = [noc, gone, lookalike]
        configure(run, device, [
            f"interface {noc}", "description NOC backup to DC2", run.targets[device].platform.delivery.section_exit,
            # a service removed from the inventory: its name is no longer known, so its tunnel stays
            f"interface {gone}", "description configgen:gone-service GPRS-VPN APN GONE.HB",
            run.targets[device].platform.delivery.section_exit,
            # the marker of a service on the device is exact: a longer name is someone else's
            f"interface {lookalike}", f"description configgen:{service[device]}x GPRS-VPN",
            run.targets[device].platform.delivery.section_exit])

    planned = push_devices(inventory, configs, run.targets, run.credentials, dry_run=True, line_timeout=5)
    for result in planned.results:
        removal = f"{negation(run, result.device)} interface {old[result.device]}"
        assert result.status == "planned" and result.commands[-1] == removal, result
        assert not any(t in " ".join(result.commands) for t in foreign[result.device]), result.commands
    assert all(has_interface(run, d, old[d]) for d in old)          # the dry run changed nothing

    report = run.push(configs, inventory)
    assert report.ok, report
    for result in report.results:
        device = result.device
        assert not has_interface(run, device, old[device]) and has_interface(run, device, new[device])
        assert all(has_interface(run, device, t) for t in foreign[device])
        vendor = platform_for(inventory.devices[device]).vendor
        tunnels = dataplane_tunnels(run, device)
        assert ifnames.linux_name(vendor, old[device]) not in tunnels
        assert {ifnames.linux_name(vendor, t) for t in [new[device], *foreign[device]]} <= tunnels
    assert verify(inventory, run.targets, run.credentials, **FAST).ok     # traffic takes the new tunnel
    assert [(r.status, r.commands) for r in run.push(configs, inventory).results] == [("unchanged", [])] * len(old)

    back = run.push()                       # the original numbers: the renumbered tunnel goes in turn
    assert back.ok and all(r.applied[-1].endswith(f"interface {new[r.device]}") for r in back.results), back
    for device, tunnels in foreign.items():
        configure(run, device, [f"{negation(run, device)} interface {t}" for t in tunnels])
        assert not any(has_interface(run, device, t) for t in tunnels)
    assert all(r.status == "unchanged" for r in run.push().results)


def test_old_policy_map_and_its_binding_go_when_the_rate_changes(internet, tmp_path):
    """IOS: a new bandwidth renders a new policy-map name; the old policy-map (configgen's
    marker) goes last, after its `service-policy` binding on the WAN interface; a foreign
    policy-map and one of a service not in the inventory stay."""
    run, device = internet, "xg-factory-ce"
    assert run.push().ok
    configure(run, device, ["policy-map NOC-SHAPE", "description NOC shaping", "exit",
                            "policy-map GONE-POLICE-10M", "description configgen:gone-service rate 10M", "exit"])
    inventory, configs = run.variant(tmp_path, [("bandwidth: 10M", "bandwidth: 20M")])
    result = next(r for r in run.push(configs, inventory).results if r.device == device)
    assert result.status == "changed", result
    assert result.applied[-1] == "no policy-map XG-FACTORY-POLICE-10M"
    assert "no service-policy input XG-FACTORY-POLICE-10M" in result.applied
    running = run.running(device)
    assert "policy-map XG-FACTORY-POLICE-10M" not in running and "XG-FACTORY-POLICE-10M" not in running
    assert "policy-map XG-FACTORY-POLICE-20M" in running and " service-policy output XG-FACTORY-POLICE-20M" in running
    assert "policy-map NOC-SHAPE" in running and "policy-map GONE-POLICE-10M" in running
    assert next(r for r in run.push(configs, inventory).results if r.device == device).status == "unchanged"
    assert run.push().ok                    # back to 10M: the 20M policy-map goes in turn
    assert "XG-FACTORY-POLICE-20M" not in run.running(device)
    configure(run, device, ["no policy-map NOC-SHAPE", "no policy-map GONE-POLICE-10M"])


@pytest.mark.parametrize("device", ["wh-logistics-ce", "wh-water-ce", "wh-power-ce"])
def test_refused_removal_rolls_the_whole_push_back(three_os, tmp_path, device):
    """The device refuses the removal (the last line): everything before it is undone,
    the new tunnel and its routes included, and the old tunnel is whole again."""
    run = three_os
    assert run.push().ok
    before = run.running(device)
    inventory, configs = renumbered(run, tmp_path)
    old = tunnel_of(str(run.result.configs[device]))
    run.lab.set_fault(device, Fault(reject=(rf"^(no|undo) interface {re.escape(old)}$",)))
    try:
        result = run.push(configs, inventory, only=device).results[0]
    finally:
        run.lab.set_fault(device, None)
    assert result.status == "failed" and result.rolled_back is True, result
    assert result.failed_line and result.failed_line.endswith(f"interface {old}"), result
    assert run.same_as(device, before)
    assert run.push(only=device).results[0].status == "unchanged"
