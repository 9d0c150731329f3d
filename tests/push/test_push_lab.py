"""Push and verify against the lab: real SSH, real netmiko, configgen's own drivers.

Needs root and network namespaces: skipped outside CI when missing, failing in CI
(tests/lab/conftest.require_lab). One lab per inventory, shared by the module; every
test leaves the devices converged on the example inventory again.
"""

from __future__ import annotations

import json
import re
import logging

import pytest
from netmiko import ConnectHandler
from netmiko.exceptions import NetmikoAuthenticationException

from configgen import api
from configgen.cli import main
from configgen.lab import Fault
from configgen.push.diff import parse
from configgen.push import Credentials, push_devices, read_connection_file, resolve_targets
from configgen.verify import verify
from tests.conftest import INVENTORIES
from tests.lab.conftest import DATA as LAB_DATA
from tests.lab.conftest import start_lab

GPRS = INVENTORIES / "hubei-gprs-vpn.yaml"
THREE_OS = LAB_DATA / "gprs-three-os.yaml"
# issue 11: the VRP8 router and CE switch examples, corrected per the NE40E and CE6800 references.
VRP8_FAMILIES = [INVENTORIES / "examples" / "vrp8-router-gprs.yaml", INVENTORIES / "examples" / "ce-switch-gprs.yaml"]
FAST = {"count": 2, "timeout": 1.0}
CLI_FAST = ["--count", "2", "--timeout", "1", "-q"]


class LabRun:
    """A lab for one inventory plus what push/verify need to reach it."""

    def __init__(self, path, tmp_path):
        self.path = path
        self.result = api.render(path if isinstance(path, list) else [path])
        assert self.result.checked.ok, self.result.checked.findings
        self.inventory = self.result.checked.inventory
        self.lab = start_lab(self.inventory)
        self.connection_file = self.lab.write_connection_file(tmp_path / "connections.json")
        self.targets = resolve_targets(self.inventory, None, read_connection_file(self.connection_file))
        self.credentials = Credentials(self.lab.username, self.lab.password)

    def push(self, configs=None, inventory=None, only: str | None = None):
        targets = {only: self.targets[only]} if only else self.targets
        return push_devices(inventory or self.inventory, configs or self.result.configs, targets,
                            self.credentials, line_timeout=5)

    def running(self, device: str) -> str:
        with self.targets[device].connect(self.credentials) as conn:    # prompt-driven on Huawei
            return conn.send_command(self.targets[device].platform.delivery.running_config_command)

    def same_as(self, device: str, before: str) -> bool:
        """The device's running config equals `before`, line order within a section aside
        (the lab, like IOS, files a re-set line at the end of its section)."""
        platform = self.targets[device].platform
        now = parse(platform, self.running(device))
        return not list(now.config_to_get_to(parse(platform, before)).all_children())

    def variant(self, tmp_path, replacements):
        """The inventory with text replacements, rendered: (inventory, configs)."""
        text = self.path.read_text()
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / self.path.name
        path.write_text(text)
        result = api.render([path])
        assert result.checked.ok, result.checked.findings
        return result.checked.inventory, result.configs


@pytest.fixture(scope="module")
def gprs(tmp_path_factory):
    run = LabRun(GPRS, tmp_path_factory.mktemp("gprs"))
    yield run
    run.lab.stop()


@pytest.fixture(scope="module")
def three_os(tmp_path_factory):
    run = LabRun(THREE_OS, tmp_path_factory.mktemp("three"))
    yield run
    run.lab.stop()


def test_deploy_example_then_second_push_sends_nothing(gprs, capsys):
    code = main(["deploy", str(GPRS), "--connections", str(gprs.connection_file), "--format", "json", *CLI_FAST])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report
    assert {d["device"]: d["status"] for d in report["push"]["devices"]} == {
        "wh-logistics-ce": "changed", "wh-water-ce": "changed"}
    assert [s["ok"] for s in report["verify"]["services"]] == [True, True]
    assert [s["segment"] for s in report["verify"]["services"][1]["steps"]] == [
        "circuit", "operator routing", "customer LAN"]

    code = main(["push", str(GPRS), "--connections", str(gprs.connection_file), "--dry-run", "--format", "json", "-q"])
    again = json.loads(capsys.readouterr().out)
    assert code == 0 and [(d["status"], d["commands"]) for d in again["devices"]] == [("unchanged", [])] * 2


def test_changed_inventory_sends_only_the_difference(gprs, tmp_path):
    inventory, configs = gprs.variant(tmp_path, [("[10.166.14.0/24]", "[10.166.14.0/24, 10.166.15.0/24]")])
    report = gprs.push(configs, inventory)
    assert [(r.device, r.status, r.applied) for r in report.results] == [
        ("wh-logistics-ce", "unchanged", []),
        ("wh-water-ce", "changed", ["ip route-static 10.166.15.0 255.255.255.0 Tunnel0/0/1 description WH-WATER-POOL2"]),
    ]
    back = gprs.push()           # the example again: the pool's route goes, nothing else
    assert back.results[1].applied == ["undo ip route-static 10.166.15.0 255.255.255.0 Tunnel0/0/1"]


def test_foreign_lines_survive_a_push(gprs):
    with ConnectHandler(**gprs.lab.netmiko_params("wh-logistics-ce")) as conn:
        conn.send_config_set(["ip route 10.99.0.0 255.255.0.0 10.166.0.1 name OTHER-TEAM",
                              "interface GigabitEthernet0/0", "description changed by hand"])
    report = gprs.push()
    assert report.results[0].applied == [
        "interface GigabitEthernet0/0",
        "description INTERCONNECT wh-logistics to operator GPRS router 10.166.0.1/30 APN WHLOG.HB"]
    assert "OTHER-TEAM" in gprs.running("wh-logistics-ce")
    with ConnectHandler(**gprs.lab.netmiko_params("wh-logistics-ce")) as conn:
        conn.send_config_set(["no ip route 10.99.0.0 255.255.0.0 10.166.0.1"])


# Both devices: a new LAN description (a shared interface) and one more terminal pool.
GROWN = [("lan: {interface: GigabitEthernet0/1, address: 172.16.10.1/24}",
          "lan: {interface: GigabitEthernet0/1, address: 172.16.10.1/24, description: LOGISTICS OFFICE}"),
         ("[10.166.12.0/24, 10.166.13.0/24]", "[10.166.12.0/24, 10.166.13.0/24, 10.166.16.0/24]"),
         ("lan: {interface: GigabitEthernet0/0/1, address: 172.16.20.1/24}",
          "lan: {interface: GigabitEthernet0/0/1, address: 172.16.20.1/24, description: WATER OFFICE}"),
         ("[10.166.14.0/24]", "[10.166.14.0/24, 10.166.15.0/24]")]


@pytest.mark.parametrize("device, pattern, error", [
    ("wh-logistics-ce", r"^ip route ", "% Invalid input"),
    ("wh-water-ce", r"^ip route-static ", "Error: Wrong parameter"),
])
def test_rejected_line_is_reported_and_rolled_back(gprs, tmp_path, device, pattern, error):
    inventory, configs = gprs.variant(tmp_path, GROWN)
    before = gprs.running(device)
    gprs.lab.set_fault(device, Fault(reject=(pattern,)))
    try:
        result = gprs.push(configs, inventory, only=device).results[0]
    finally:
        gprs.lab.set_fault(device, None)
    assert result.status == "failed" and result.failed_line.startswith(pattern.strip("^ "))
    assert error in result.device_error
    assert any("OFFICE" in line for line in result.applied)     # applied before the refusal ...
    assert result.rolled_back is True
    assert gprs.same_as(device, before)                        # ... and undone
    assert result.not_sent == []


def test_dropped_session_is_reported_and_leaves_no_half_config(gprs, tmp_path):
    inventory, configs = gprs.variant(tmp_path, GROWN)
    before = gprs.running("wh-logistics-ce")
    # netmiko's login and `show running-config` take the first lines; the session dies
    # at the second config line. The rollback session fits below the limit again.
    gprs.lab.set_fault("wh-logistics-ce", Fault(drop_after_lines=10))
    try:
        result = gprs.push(configs, inventory, only="wh-logistics-ce").results[0]
    finally:
        gprs.lab.set_fault("wh-logistics-ce", None)
    assert result.status == "failed" and "session lost while sending line 2 of 3" in result.error
    assert result.applied == ["interface GigabitEthernet0/1"] and result.in_flight == "description LOGISTICS OFFICE"
    assert result.not_sent == ["ip route 10.166.16.0 255.255.255.0 Tunnel0 name WH-LOGISTICS-POOL3"]
    assert result.rolled_back is True and gprs.same_as("wh-logistics-ce", before)


def test_wrong_password_never_shows_up(gprs, capsys, caplog, monkeypatch, tmp_path):
    secret = "Wr0ng-Secret-7781"
    monkeypatch.setenv("CONFIGGEN_USERNAME", gprs.lab.username)
    monkeypatch.setenv("CONFIGGEN_PASSWORD", secret)
    # Addresses from the lab, the (wrong) login from the environment; the production login
    # goes only to hosts known_hosts vouches for, so the lab's keys go there.
    connections = json.loads(gprs.connection_file.read_text())
    del connections["username"], connections["password"]
    without_login = tmp_path / "connections.json"
    without_login.write_text(json.dumps(connections))
    known = tmp_path / "known_hosts"
    known.write_text("".join(f"[{d['host']}]:{d['port']} {d['host_key']}\n" for d in connections["devices"].values()))
    caplog.set_level(logging.DEBUG)
    code = main(["push", str(GPRS), "--connections", str(without_login), "--known-hosts", str(known),
                 "--format", "json"])
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert code == 1
    assert all(d["status"] == "failed" and "login refused" in d["error"] for d in report["devices"])
    for text in (captured.out, captured.err, caplog.text):
        assert secret not in text


def test_failed_login_logged_by_a_child_logger_is_redacted(gprs, caplog):
    """A real refused login, its exception logged through `configgen.push` (a child of the
    `configgen` logger) with the password as an argument, at DEBUG with paramiko's logs."""
    secret = "Wr0ng-Child-5512"
    caplog.set_level(logging.DEBUG)
    wrong = Credentials(gprs.lab.username, secret)
    with pytest.raises(NetmikoAuthenticationException) as failed:
        gprs.targets["wh-logistics-ce"].connect(wrong)
    logging.getLogger("configgen.push").error("login with %s failed", secret, exc_info=failed.value)
    # configgen's masked message, and the refused login's traceback with it (named by the
    # exception actually raised, whatever netmiko's wording).
    assert "login with ******** failed" in caplog.text
    assert type(failed.value).__name__ in caplog.text
    assert secret not in caplog.text


def test_broken_route_fails_verify_at_its_segment(gprs, tmp_path):
    assert gprs.push().ok
    with ConnectHandler(**gprs.lab.netmiko_params("wh-logistics-ce")) as conn:
        conn.send_config_set(["no ip route 211.137.63.13 255.255.255.255 10.166.0.1"])
    inventory, configs = gprs.variant(tmp_path, [("server: 172.16.20.20",
                                                  "server: 172.16.20.20\n    verify_terminal: 10.166.14.10")])
    with ConnectHandler(**gprs.lab.netmiko_params("wh-water-ce")) as conn:
        conn.send_config_set(["undo ip route-static 10.166.14.0 255.255.255.0 Tunnel0/0/1"])
    report = verify(inventory, gprs.targets, gprs.credentials, **FAST)
    logistics, water = report.services
    assert not report.ok
    assert logistics.failed_segment == "operator routing"
    assert [s.passed for s in logistics.steps] == [True, False, True]
    assert water.failed_segment == "tunnel"
    assert [s.passed for s in water.steps] == [True, True, True, False]
    assert gprs.push(configs, inventory).ok                 # repaired by configgen ...
    assert verify(inventory, gprs.targets, gprs.credentials, **FAST).ok


def test_vrp8_reject_and_drop_commit_nothing(three_os, tmp_path):
    device = "wh-power-ce"
    assert three_os.push().ok
    before = three_os.running(device)
    inventory, configs = three_os.variant(tmp_path, [
        ("[10.166.15.0/24]", "[10.166.15.0/24, 10.166.18.0/24]"),
        ("address: 172.16.30.1/24}", "address: 172.16.30.1/24, description: POWER OFFICE}")])
    # The drop hits the third line of the push: two lines sit in the candidate, uncommitted.
    for fault in (Fault(reject=(r"^ip route-static",)), Fault(drop_after_lines=10)):
        three_os.lab.set_fault(device, fault)
        try:
            result = three_os.push(configs, inventory, only=device).results[0]
        finally:
            three_os.lab.set_fault(device, None)
        assert result.status == "failed" and result.rolled_back is True, result
        if fault.drop_after_lines:
            assert result.applied and "session lost" in result.error
        assert three_os.same_as(device, before)
    assert three_os.push(configs, inventory).ok
    assert verify(inventory, {device: three_os.targets[device]}, three_os.credentials, **FAST).ok


def test_vrp8_push_commits_then_saves(three_os):
    """VRP8: `commit` makes the running config; push then `save`s it to the startup file
    (platforms.py), answering the lab's `[Y/N]` question in user view."""
    device = "wh-power-ce"
    assert three_os.push().ok
    route = next(line.strip() for line in three_os.result.configs[device].splitlines()
                 if line.startswith("ip route-static ") and "POOL" in line)
    target = three_os.targets[device]            # configgen's prompt-driven driver: no 2 s waits
    with target.connect(three_os.credentials) as conn:
        conn.send_config_set([f"undo {' '.join(route.split()[:5])}"])
        conn.commit()
        conn.save_config()                         # the startup file lacks the route now too
        assert route not in conn.send_command("display saved-configuration")
    result = three_os.push(only=device).results[0]
    assert result.status == "changed" and result.applied == [route]
    with target.connect(three_os.credentials) as conn:
        saved = conn.send_command("display saved-configuration")
    assert route in saved                          # committed *and* saved


@pytest.mark.parametrize("device, reject, show_startup", [
    ("wh-logistics-ce", r"^write mem", "show startup-config"),
    ("wh-water-ce", r"^save", "display saved-configuration"),
])
def test_refused_save_reports_running_changed_startup_not_saved(gprs, tmp_path, device, reject, show_startup):
    inventory, configs = gprs.variant(tmp_path, GROWN)
    gprs.lab.set_fault(device, Fault(reject=(reject,)))
    try:
        result = gprs.push(configs, inventory, only=device).results[0]
    finally:
        gprs.lab.set_fault(device, None)
    assert result.status == "failed" and result.stage == "save" and result.saved is False, result
    assert result.error.startswith("running config changed, startup NOT saved: the device refused"), result.error
    assert result.applied == result.commands and result.rolled_back is None
    assert "OFFICE" in gprs.running(device)                      # the change is live ...
    with gprs.targets[device].connect(gprs.credentials) as conn:
        assert "OFFICE" not in conn.send_command(show_startup)    # ... and not saved
    assert gprs.push(only=device).ok                              # back to the example


def test_vrp8_refused_commit_commits_nothing(three_os, tmp_path):
    device = "wh-power-ce"
    assert three_os.push().ok
    before = three_os.running(device)
    inventory, configs = three_os.variant(tmp_path, [("[10.166.15.0/24]", "[10.166.15.0/24, 10.166.18.0/24]")])
    three_os.lab.set_fault(device, Fault(reject=(r"^commit",)))
    try:
        result = three_os.push(configs, inventory, only=device).results[0]
    finally:
        three_os.lab.set_fault(device, None)
    assert result.status == "failed" and result.stage == "commit", result
    assert result.committed is False and result.saved is False and result.rolled_back is True
    assert result.error.startswith("nothing committed: the device refused the commit (Error:")
    assert result.error.endswith("the candidate was discarded")
    assert three_os.same_as(device, before)


def test_refused_ping_fails_its_step_with_the_device_error_and_verify_goes_on(gprs):
    """A router that refuses the ping command (IOS: `% Invalid input`, which the ntc-templates
    parser used to throw on): that step fails with the device's own line; the session, the
    service's later steps and the other services carry on."""
    from configgen.verify import plan_service

    assert gprs.push().ok
    first = {s.device: plan_service(s, gprs.inventory)[0].target for s in gprs.inventory.services}
    for device, target in first.items():
        gprs.lab.set_fault(device, Fault(reject=(rf"^ping .*\b{re.escape(target)}\b",)))
    try:
        report = verify(gprs.inventory, gprs.targets, gprs.credentials, **FAST)
    finally:
        for device in first:
            gprs.lab.set_fault(device, None)
    errors = {"wh-logistics-ce": "% Invalid input detected", "wh-water-ce": "Error: Unrecognized command"}
    for service in report.services:
        assert service.error is None and service.failed_segment == "circuit"
        refused, *later = service.steps
        assert not refused.passed and refused.stats is None
        assert refused.error.startswith("not a ping result: " + errors[service.device])
        assert later and all(step.passed for step in later)
    assert "% Invalid input detected" in report.table()


@pytest.mark.parametrize("wrong, refusal", [
    # issue 11: the old VRP8 rendering, an AR-style tunnel name ...
    (lambda text: text.replace("Tunnel2", "Tunnel0/0/2"), "interface ID"),
    # ... and a tunnel whose source interface is not bound to GRE.
    (lambda text: text.replace(" binding tunnel gre\n", ""), "not bound to GRE"),
], ids=["slot-style-tunnel", "no-binding"])
def test_vrp8_refuses_the_old_tunnel_form_and_push_rolls_back(three_os, wrong, refusal):
    """The VRP8 simulator follows the NE40E GRE guide: the device refuses the old lines with
    its error form, push reports the line and leaves the committed config as it was; the
    corrected rendering (Tunnel2, `binding tunnel gre`) carries traffic through the tunnel."""
    device = "wh-power-ce"
    assert three_os.push().ok
    before = three_os.running(device)
    assert "interface Tunnel2" in before and " binding tunnel gre" in before
    fresh = three_os.result.configs[device]
    if refusal == "not bound to GRE":     # a device that never had the binding: start from none
        with three_os.targets[device].connect(three_os.credentials) as conn:
            conn.send_config_set(["undo interface Tunnel2", "interface GigabitEthernet0/0/0",
                                  "undo binding tunnel gre", "quit"])
            conn.commit()
        before = three_os.running(device)
    result = three_os.push({**three_os.result.configs, device: wrong(fresh)}, only=device).results[0]
    assert result.status == "failed" and result.rolled_back is True, result
    assert refusal in (result.device_error or ""), result
    assert three_os.same_as(device, before)
    assert three_os.push().ok
    assert verify(three_os.inventory, {device: three_os.targets[device]}, three_os.credentials, **FAST).ok


@pytest.fixture(scope="module")
def vrp8_families(tmp_path_factory):
    run = LabRun(VRP8_FAMILIES, tmp_path_factory.mktemp("families"))
    yield run
    run.lab.stop()


def test_vrp8_router_and_ce_switch_push_verify_and_ping_through_gre(vrp8_families):
    """The corrected renderings pass the simulators that enforce the NE40E / CE6800 rules
    (Tunnel by interface ID + `binding tunnel gre`; `undo portswitch` + the tunnel's slot),
    are committed and saved, verify, carry LAN traffic to a terminal through the GRE
    tunnel, and a second push has nothing to send."""
    run = vrp8_families
    report = run.push()
    assert report.ok and {r.device: (r.status, r.committed) for r in report.results} == {
        "xn-grid-pe": ("changed", True), "hg-mine-sw": ("changed", True)}, report
    assert verify(run.inventory, run.targets, run.credentials, **FAST).ok
    running = {device: run.running(device) for device in ("xn-grid-pe", "hg-mine-sw")}
    assert "interface Tunnel1\n" in running["xn-grid-pe"] and " binding tunnel gre" in running["xn-grid-pe"]
    assert "interface Tunnel1/0/2\n" in running["hg-mine-sw"] and " undo portswitch" in running["hg-mine-sw"]
    for targets in run.lab.services.values():
        with run.targets[targets.device].connect(run.credentials) as conn:
            for terminal in targets.terminals:
                out = conn.send_command(f"ping -c 2 -t 1000 -a {targets.lan_gateway} {terminal}", read_timeout=30)
                assert "2 packet(s) received" in out, (targets.device, terminal, out)
            conn.send_command("display current-configuration")
    assert [(r.status, r.commands) for r in run.push().results] == [("unchanged", [])] * 2


def test_ce_switch_refuses_an_address_on_a_layer2_port_and_push_rolls_back(vrp8_families):
    """A config without `undo portswitch` (the old rendering for a CE) is refused by the CE
    simulator with its `Error:` form; push reports it and nothing is committed."""
    run = vrp8_families
    device = "hg-mine-sw"
    assert run.push().ok
    with run.targets[device].connect(run.credentials) as conn:     # a port back in Layer 2 mode
        conn.send_config_set(["interface 100GE1/0/2", "undo ip address", "portswitch", "quit"])
        conn.commit()
    before = run.running(device)
    old = run.result.configs[device].replace(" undo portswitch\n", "")
    result = run.push({**run.result.configs, device: old}, only=device).results[0]
    assert result.status == "failed" and result.rolled_back is True, result
    assert "Layer 2" in (result.device_error or ""), result
    assert run.same_as(device, before)
    assert run.push(only=device).ok
