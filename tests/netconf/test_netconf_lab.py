"""NETCONF push proven by pings (issue 12): `Lab(..., yang=...)` serves NETCONF for the
`transport: netconf` devices, and their committed datastore drives the namespace
dataplane the verification pings go through."""

from __future__ import annotations

import json

import pytest

from configgen import api
from tests.conftest import INVENTORIES
from tests.lab.conftest import require_lab

pytest.importorskip("ncclient")
EXAMPLE = INVENTORIES / "examples" / "netconf-iosxe-vrp8.yaml"
WRONG_DESTINATION = ('<ifm xmlns="urn:huawei:yang:huawei-ifm"><interfaces><interface><name>Tunnel4</name>'
                     '<tunnel-protocol xmlns="urn:huawei:yang:huawei-tunnel-management">'
                     '<gre-tunnel xmlns="urn:huawei:yang:huawei-gre"><destination><address>211.137.63.99</address>'
                     '</destination></gre-tunnel></tunnel-protocol></interface></interfaces></ifm>')


def with_terminals(write_yaml):
    """The example, verifying each GPRS VPN through its tunnel (a pool's terminal)."""
    text = EXAMPLE.read_text()
    for server, terminal in (("172.16.60.20", "10.166.60.10"), ("172.16.70.20", "10.166.70.10")):
        text = text.replace(f"    server: {server}\n", f"    server: {server}\n    verify_terminal: {terminal}\n")
    return write_yaml(text)


@pytest.fixture
def netconf_lab_up(yang_models, write_yaml, tmp_path):
    """(lab, connection file, inventory) for the example with verify terminals."""
    from configgen.lab import Lab

    require_lab()
    inventory = with_terminals(write_yaml)
    lab = Lab(api.check(inventory).inventory, yang=yang_models).start()
    try:
        yield lab, lab.write_connection_file(tmp_path / "lab.json"), inventory
    finally:
        lab.stop()


def _access(connections):
    return api.Access(connections=connections, interactive=False)


def _failed_services(verified) -> set[str]:
    return {s.service for s in verified.report.services if not s.ok}


def test_a_netconf_push_is_proven_by_the_pings(netconf_lab_up, tmp_path):
    lab, connections, inventory = netconf_lab_up
    document = json.loads(connections.read_text())
    assert set(lab.netconf) == {"ez-steel-ce", "sy-water-pe"}
    assert document["devices"]["sy-water-pe"]["netconf_port"] == lab.netconf["sy-water-pe"].port

    # Before anything is pushed the routers have no addresses: the pings fail.
    assert _failed_services(api.verify(inventory, access=_access(connections), count=1, timeout=0.5))

    deployed = api.deploy(inventory, access=_access(connections), count=2, timeout=1)
    assert deployed.ok, [(r.device, r.stage, r.error) for r in deployed.push.results]
    pe, ce = deployed.push.results[1], deployed.push.results[0]
    assert (pe.device, pe.stage, pe.committed, pe.status) == ("sy-water-pe", "done", True, "changed")
    assert (ce.device, ce.stage, ce.saved, ce.status) == ("ez-steel-ce", "done", True, "changed")
    assert deployed.settled == ["ez-steel-ce", "sy-water-pe"]
    # the CLI face shows what NETCONF committed
    assert "destination 211.137.63.13" in "\n".join(lab.devices["sy-water-pe"].running.lines())

    # A wrong tunnel destination committed over NETCONF breaks the through-tunnel pings.
    from configgen.netconf.fetch import connect

    known = tmp_path / "known_hosts"
    port = lab.netconf["sy-water-pe"].port
    known.write_text(f"[127.0.0.1]:{port} {lab.host_key}\n")
    with connect("127.0.0.1", port, lab.username, lab.password, known, "huawei-vrp8") as session:
        session.lock("candidate")
        session.edit_config(target="candidate", config=f'<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
                                                       f'{WRONG_DESTINATION}</config>')
        session.commit()
        session.unlock("candidate")
    assert _failed_services(api.verify(inventory, devices=["sy-water-pe"], access=_access(connections), count=1,
                                       timeout=0.5)) == {"sy-water"}

    # deploy puts the right destination back, and the pings prove it.
    deployed = api.deploy(inventory, devices=["sy-water-pe"], access=_access(connections), count=2, timeout=1)
    assert deployed.ok and deployed.push.results[0].status == "changed"
    assert "211.137.63.99" not in lab.netconf["sy-water-pe"].running


def test_lab_faults_reach_the_netconf_face(netconf_lab_up):
    """`--fault` on a NETCONF lab device: a refused login and a refused commit, each
    reported with the state the device was left in; its dataplane is untouched."""
    from configgen.lab.faults import Fault

    lab, connections, inventory = netconf_lab_up
    lab.set_fault("sy-water-pe", Fault(refuse_login=True))
    lab.set_fault("ez-steel-ce", Fault(reject=("commit",)))
    pushed = api.push(inventory, access=_access(connections))
    ce, pe = pushed.devices["ez-steel-ce"], pushed.devices["sy-water-pe"]
    assert not pushed.ok
    assert (pe.status, pe.stage, pe.committed) == ("failed", "connect", None)
    assert (ce.status, ce.stage, ce.committed, ce.saved) == ("failed", "commit", False, None)
    assert "nothing was committed" in ce.error
    assert lab.netconf["ez-steel-ce"].running == lab.netconf["ez-steel-ce"].models.merge(
        lab.netconf["ez-steel-ce"].models.baseline, "")
    assert not any("ip address 10." in line for line in lab.devices["ez-steel-ce"].running.lines())
    lab.set_fault("ez-steel-ce", None)
    again = api.push(inventory, devices=["ez-steel-ce"], access=_access(connections))
    assert again.ok, again.devices["ez-steel-ce"]
    assert any("ip address 10.166.0.22" in line for line in lab.devices["ez-steel-ce"].running.lines())


def test_lab_up_refuses_a_model_folder_without_the_devices_vendor(yang_models, tmp_path, capsys):
    from configgen.cli import main

    require_lab()
    only_huawei = tmp_path / "models"
    only_huawei.mkdir()
    (only_huawei / "huawei-vrp8-ne40e-8.22.0").symlink_to(yang_models / "huawei-vrp8-ne40e-8.22.0")
    run_dir = tmp_path / "run"
    assert main(["lab", "up", str(EXAMPLE), "--yang", str(only_huawei), "--run-dir", str(run_dir)]) == 2
    assert "ez-steel-ce" in capsys.readouterr().err and not run_dir.exists()


@pytest.mark.parametrize("port", ["830", 0, 70000, True])
def test_a_connection_files_netconf_port_must_be_a_port(tmp_path, port):
    from configgen.findings import InputError
    from configgen.push.targets import read_connection_file

    path = tmp_path / "lab.json"
    path.write_text(json.dumps({"devices": {"sy-water-pe": {"host": "127.0.0.1", "port": 2222,
                                                            "netconf_port": port}}}))
    with pytest.raises(InputError, match="netconf_port"):
        read_connection_file(path)


def test_deploy_text_report_says_what_waits_for_the_pings_and_what_was_kept(netconf_lab_up, capsys):
    from configgen.cli import main

    lab, connections, inventory = netconf_lab_up
    assert main(["deploy", str(inventory), "--connections", str(connections), "--count", "1",
                 "--timeout", "1"]) == 0
    out = capsys.readouterr().out
    pushed, settled = out.split("NETCONF devices after the verification", 1)
    assert pushed.count("kept only if its verification pings pass") == 2
    assert "kept only if" not in settled and settled.count(" changed ") == 2


def test_deploy_cancels_the_confirmed_commit_when_the_pings_fail_and_the_dataplane_follows(netconf_lab_up):
    """The pings cannot run on sy-water-pe (its SSH CLI refuses the login; its NETCONF face
    does not): its confirmed commit is cancelled, and its namespace loses the tunnel again."""
    from configgen.lab.faults import Fault

    lab, connections, inventory = netconf_lab_up
    server = lab.netconf["sy-water-pe"]
    before = server.running
    lab.devices["sy-water-pe"].fault = Fault(refuse_login=True)       # the CLI only
    deployed = api.deploy(inventory, access=_access(connections), count=1, timeout=0.5)
    pe, ce = deployed.push.results[1], deployed.push.results[0]
    assert not deployed.ok and deployed.stage == "verify"
    assert (pe.status, pe.stage, pe.committed, pe.rolled_back) == ("failed", "cancel", False, True)
    assert "sy-water" in pe.error
    assert (ce.status, ce.stage, ce.saved) == ("changed", "done", True)     # its own pings passed
    assert server.running == before and server.pending is None
    assert not any("Tunnel4" in line for line in lab.devices["sy-water-pe"].running.lines())
    assert not lab.devices["sy-water-pe"].desired().forwarders


def test_lab_up_with_yang_serves_netconf_and_push_goes_through_it(yang_models, tmp_path, capsys, monkeypatch):
    """The detached supervisor (`configgen lab up --yang`), then `configgen push --connections`."""
    import os

    from configgen.cli import main

    require_lab()
    for variable in ("CONFIGGEN_USERNAME", "CONFIGGEN_PASSWORD"):
        monkeypatch.delenv(variable, raising=False)      # the connection file's login is used
    run_dir, name = tmp_path / "run", f"n{os.getpid() % 100000}"
    try:
        assert main(["lab", "up", str(EXAMPLE), "--yang", str(yang_models), "--name", name,
                     "--run-dir", str(run_dir)]) == 0
        assert capsys.readouterr().out.count("(NETCONF on port ") == 2
        connections = run_dir / "connections.json"
        assert all("netconf_port" in d for d in json.loads(connections.read_text())["devices"].values())
        assert main(["push", str(EXAMPLE), "--connections", str(connections), "--format", "json"]) == 0
        devices = {d["device"]: d for d in json.loads(capsys.readouterr().out)["devices"]}
        assert {d["status"] for d in devices.values()} == {"changed"}
        assert devices["sy-water-pe"]["committed"] is True and devices["ez-steel-ce"]["saved"] is True
    finally:
        main(["lab", "down", "--name", name, "--run-dir", str(run_dir)])
