"""`configgen push` over NETCONF against the lab's NETCONF servers (issue 12): Huawei by
confirmed commit with a persist token, IOS-XE by commit with a snapshot; each device's
report says the state it was left in; strict host keys."""

from __future__ import annotations

import json
import time

import pytest

from configgen.cli import main
from tests.conftest import INVENTORIES

pytest.importorskip("ncclient")
EXAMPLE = INVENTORIES / "examples" / "netconf-iosxe-vrp8.yaml"


@pytest.fixture
def login(monkeypatch):
    monkeypatch.setenv("CONFIGGEN_USERNAME", "lab")
    monkeypatch.setenv("CONFIGGEN_PASSWORD", "lab-secret")


def _inventory(write_yaml, huawei=None, cisco=None):
    text = EXAMPLE.read_text()
    for name, server in (("sy-water-pe", huawei), ("ez-steel-ce", cisco)):
        if server is not None:
            text = text.replace(f"  {name}: {{", f"  {name}: {{netconf_port: {server.port}, ")
    # distinct SSH ports: verify would reach each device on its own
    text = text.replace("host: 192.0.2.61", "host: 127.0.0.1, port: 2261").replace(
        "host: 192.0.2.62", "host: 127.0.0.1, port: 2262")
    return write_yaml(text)


def _push(capsys, *argv):
    code = main(["push", *map(str, argv), "--format", "json"])
    out = capsys.readouterr().out
    return code, {d["device"]: d for d in json.loads(out)["devices"]}


def test_push_commits_on_both_vendors_then_finds_nothing_to_do(netconf_lab, write_yaml, login, capsys):
    huawei, cisco = netconf_lab.start("huawei"), netconf_lab.start("cisco")
    path = _inventory(write_yaml, huawei, cisco)
    code, devices = _push(capsys, path, "--known-hosts", netconf_lab.known_hosts)
    assert code == 0, devices
    assert devices["sy-water-pe"]["status"] == "changed" and devices["sy-water-pe"]["committed"] is True
    assert devices["ez-steel-ce"]["status"] == "changed" and devices["ez-steel-ce"]["saved"] is True
    assert "Tunnel4" in huawei.running and "10.166.71.0" in huawei.running and huawei.pending is None
    assert "EZ-STEEL-INTERNET-POLICE-10M" in cisco.running and cisco.saved == 1
    assert huawei.lock_owner is None and cisco.lock_owner is None
    code, devices = _push(capsys, path, "--known-hosts", netconf_lab.known_hosts)
    assert code == 0 and {d["status"] for d in devices.values()} == {"unchanged"}
    assert cisco.saved == 1


def test_dry_run_prints_the_edit_config_and_changes_nothing(netconf_lab, write_yaml, login, capsys):
    huawei = netconf_lab.start("huawei")
    before = huawei.running
    path = _inventory(write_yaml, huawei)
    assert main(["push", str(path), "--device", "sy-water-pe", "--known-hosts", str(netconf_lab.known_hosts),
                 "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "### sy-water-pe" in out and "<nc:config" in out and "Tunnel4" in out
    assert huawei.running == before == huawei.candidate and huawei.lock_owner is None


DEVICE = {"huawei": "sy-water-pe", "cisco": "ez-steel-ce"}


@pytest.mark.parametrize("kind, fault, stage, committed, rolled_back, said", [
    # the device refuses the commit
    ("huawei", "reject_commits", "commit", False, None, "nothing was committed"),
    ("cisco", "reject_commits", "commit", False, None, "nothing was committed"),
    # the device answers <ok/> but its running datastore lacks the payload: Huawei's
    # confirmed commit is cancelled, IOS-XE's snapshot is put back
    ("huawei", "ignore_commits", "cancel", False, True, ""),
    ("cisco", "ignore_commits", "restore", False, True, ""),
    # the login is refused: nothing is sent
    ("huawei", "refuse_login", "connect", None, None, "refused the login"),
    ("cisco", "refuse_login", "connect", None, None, "refused the login"),
    # the session drops during the edit
    ("huawei", "drop_on_edit", "apply", None, None, "nothing was committed"),
    ("cisco", "drop_on_edit", "apply", None, None, "nothing was committed"),
])
def test_a_failed_push_leaves_the_device_as_it_was(netconf_lab, write_yaml, login, capsys, kind, fault, stage,
                                                   committed, rolled_back, said):
    server = netconf_lab.start(kind)
    setattr(server, fault, True)
    before = server.running
    device = DEVICE[kind]
    code, devices = _push(capsys, _inventory(write_yaml, **{kind: server}), "--device", device,
                          "--known-hosts", netconf_lab.known_hosts)
    result = devices[device]
    assert code == 1 and result["status"] == "failed" and result["stage"] == stage
    assert result["committed"] is committed and result["rolled_back"] is rolled_back
    assert result["error"] and said in result["error"]
    assert result["saved"] is None and server.saved == 0 and server.logins >= 1
    deadline = time.monotonic() + 5
    while server.lock_owner is not None and time.monotonic() < deadline:   # the server sees the session end
        time.sleep(0.05)
    # the candidate too: discarded, so the next push can lock it
    assert server.running == before == server.candidate and server.lock_owner is None and server.pending is None


def test_an_unconfirmed_commit_rolls_back_by_itself(netconf_lab):
    """The lab device keeps the RFC 6241 promise the Huawei push relies on."""
    from configgen import api
    from configgen.netconf.devices import device_payloads
    from configgen.netconf.fetch import connect

    huawei = netconf_lab.start("huawei")
    before = huawei.running
    payload = device_payloads(api.check(EXAMPLE).inventory)["sy-water-pe"]
    with connect("127.0.0.1", huawei.port, "lab", "lab-secret", netconf_lab.known_hosts, payload.models) as session:
        session.lock("candidate")
        session.edit_config(target="candidate", config=payload.xml())
        # 5 s: room for a busy machine between this commit and the check below
        session.commit(confirmed=True, timeout="5", persist="token-1")
    assert "Tunnel4" in huawei.running            # committed, waiting for its confirmation
    deadline = time.monotonic() + 30
    while huawei.running != before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert huawei.running == before and huawei.pending is None


def test_an_edit_the_models_reject_is_an_rpc_error_with_its_path(netconf_lab):
    from ncclient.operations import RPCError

    from configgen import api
    from configgen.netconf.devices import device_payloads
    from configgen.netconf.fetch import connect

    huawei = netconf_lab.start("huawei")
    payload = device_payloads(api.check(EXAMPLE).inventory)["sy-water-pe"]
    xml = payload.xml().replace("<ifm:type>Tunnel</ifm:type>", "")
    with connect("127.0.0.1", huawei.port, "lab", "lab-secret", netconf_lab.known_hosts, payload.models) as session:
        session.edit_config(target="candidate", config=xml)
        with pytest.raises(RPCError) as raised:
            session.validate(source="candidate")
        assert "Tunnel4" in (raised.value.path or "")
        session.discard_changes()


def test_an_unknown_host_key_gets_no_password(netconf_lab, write_yaml, login, capsys):
    huawei = netconf_lab.start("huawei", trusted=False)
    code, devices = _push(capsys, _inventory(write_yaml, huawei), "--device", "sy-water-pe",
                          "--known-hosts", netconf_lab.known_hosts)
    assert code == 1 and devices["sy-water-pe"]["status"] == "failed"
    assert "host key" in devices["sy-water-pe"]["error"] and huawei.logins == 0


def test_rollback_refuses_a_netconf_device(write_yaml, login, capsys, tmp_path):
    backup = tmp_path / "sy-water-pe-20260101T000000Z.cfg"
    backup.write_text("sysname x\n")
    assert main(["rollback", str(EXAMPLE), "--device", "sy-water-pe", "--backup", str(backup)]) == 2
    assert "transport: netconf" in capsys.readouterr().err


FOREIGN_TUNNEL = ('<ifm xmlns="urn:huawei:yang:huawei-ifm"><interfaces><interface><name>Tunnel4</name>'
                  '<type>Tunnel</type><description>{}</description></interface></interfaces></ifm>')


@pytest.mark.parametrize("description, sent", [("NOC backup to DC2", False),
                                               ("configgen:sy-water-old-apn GPRS-VPN", False),
                                               ("configgen:sy-water GPRS-VPN APN OLD.HB", True)])
def test_a_foreign_tunnel_in_the_way_is_a_conflict_and_nothing_is_sent(netconf_lab, write_yaml, login, capsys,
                                                                       description, sent):
    huawei = netconf_lab.start("huawei")
    huawei.running = huawei.candidate = huawei.models.merge(huawei.running, FOREIGN_TUNNEL.format(description))
    before = huawei.running
    code, devices = _push(capsys, _inventory(write_yaml, huawei), "--device", "sy-water-pe",
                          "--known-hosts", netconf_lab.known_hosts)
    result = devices["sy-water-pe"]
    if sent:
        assert code == 0 and result["status"] == "changed" and "GRE endpoint" in huawei.running
    else:
        assert code == 1 and result["status"] == "failed" and result["conflicts"]
        assert "Tunnel4" in result["conflicts"][0] and huawei.running == before


def test_a_session_lost_before_the_confirming_commit_is_reported_and_the_device_rolls_back(
        netconf_lab, write_yaml, login, capsys, monkeypatch):
    import configgen.netconf.push as netconf_push

    monkeypatch.setattr(netconf_push, "CONFIRM_TIMEOUT", 2)
    huawei = netconf_lab.start("huawei")
    huawei.drop_on_confirm = True
    before = huawei.running
    code, devices = _push(capsys, _inventory(write_yaml, huawei), "--device", "sy-water-pe",
                          "--known-hosts", netconf_lab.known_hosts)
    result = devices["sy-water-pe"]
    assert code == 1 and result["stage"] == "confirm" and result["committed"] is False
    assert "by itself within 2 s" in result["error"]
    deadline = time.monotonic() + 10
    while huawei.running != before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert huawei.running == before and huawei.pending is None


FOREIGN_ACL = ('<native xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-native"><ip><access-list>'
               '<standard xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-acl"><name>1</name><access-list-seq-rule>'
               '<sequence>10</sequence><permit><std-ace><host>198.51.100.7</host></std-ace></permit>'
               '</access-list-seq-rule></standard></access-list></ip></native>')


def test_a_numbered_acl_with_foreign_rules_is_a_conflict_on_iosxe(netconf_lab, write_yaml, login, capsys):
    cisco = netconf_lab.start("cisco")
    cisco.running = cisco.candidate = cisco.models.merge(cisco.running, FOREIGN_ACL)
    before = cisco.running
    code, devices = _push(capsys, _inventory(write_yaml, cisco=cisco), "--device", "ez-steel-ce",
                          "--known-hosts", netconf_lab.known_hosts)
    result = devices["ez-steel-ce"]
    assert code == 1 and result["stage"] == "ownership" and "access-list 1" in result["conflicts"][0]
    assert cisco.running == before and cisco.saved == 0


def test_a_lab_connection_file_target_gets_no_netconf_attempt(login):
    """A connection file's devices are the lab's SSH simulators: a NETCONF device among them
    fails with the reason, and nothing is tried on port 830."""
    from configgen import api
    from configgen.netconf.devices import device_payloads
    from configgen.netconf.push import push_devices
    from configgen.platforms import platform_for
    from configgen.push.credentials import Credentials
    from configgen.push.targets import Target

    inventory = api.check(EXAMPLE).inventory
    device = inventory.devices["sy-water-pe"]
    target = Target("sy-water-pe", "127.0.0.1", 2222, platform_for(device), pinned_host_key="ssh-ed25519 AAAA",
                    key_source="lab.json")
    [result] = push_devices(inventory, device_payloads(inventory, ["sy-water-pe"]), {"sy-water-pe": target},
                            Credentials("lab", "lab-secret"))
    assert result.status == "failed" and "lab.json" in result.error and "NETCONF" in result.error


def test_deploy_rolls_back_when_the_pings_fail(netconf_lab, write_yaml, login, capsys):
    """deploy: the Huawei confirmed commit waits for the verification pings and is
    cancelled when they fail; the IOS-XE snapshot is put back and nothing is saved. Here
    the pings cannot run at all (no SSH CLI answers on the devices' SSH ports)."""
    huawei, cisco = netconf_lab.start("huawei"), netconf_lab.start("cisco")
    before = {"huawei": huawei.running, "cisco": cisco.running}
    path = _inventory(write_yaml, huawei, cisco)
    code = main(["deploy", str(path), "--known-hosts", str(netconf_lab.known_hosts), "--format", "json",
                 "--count", "1", "--timeout", "0.5"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["ok"] is False and out["stage"] == "verify"
    devices = {d["device"]: d for d in out["push"]["devices"]}
    pe, ce = devices["sy-water-pe"], devices["ez-steel-ce"]
    assert pe["status"] == "failed" and pe["stage"] == "cancel" and pe["rolled_back"] is True
    assert pe["committed"] is False and "verification" in pe["error"]
    assert ce["status"] == "failed" and ce["stage"] == "restore" and ce["rolled_back"] is True and ce["saved"] is None
    assert huawei.running == before["huawei"] and huawei.pending is None and huawei.lock_owner is None
    assert cisco.running == before["cisco"] and cisco.saved == 0 and cisco.lock_owner is None


def test_deploys_confirmed_commit_outlasts_the_worst_case_of_its_pings():
    from configgen import api
    from configgen.netconf.push import CONFIRM_TIMEOUT
    from configgen.push.credentials import Credentials
    from configgen.verify.plan import plan_service

    rendered = api.render(EXAMPLE)
    inventory = rendered.checked.inventory
    reached = api.Reach(api.targets(inventory), Credentials("lab", "lab-secret"))
    steps = max(sum(len(plan_service(s, inventory)) for s in inventory.services if s.device == d)
                for d in reached.targets)
    short = api._confirm_timeout(rendered, reached, count=5, timeout=2.0, workers=4)
    assert short >= CONFIRM_TIMEOUT + steps * 5 * 2.0
    assert api._confirm_timeout(rendered, reached, count=50, timeout=2.0, workers=4) > short
    assert api._confirm_timeout(rendered, reached, count=5, timeout=2.0, workers=1) > short   # one device at a time
