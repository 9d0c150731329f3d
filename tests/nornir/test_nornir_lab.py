"""Nornir itself pushes and verifies the bundled examples on the lab (real SSH servers on
127.0.0.1, strict host keys from the connection file), through configgen's plugin and tasks.

Needs root and network namespaces: skipped outside CI when missing, failing in CI."""

from __future__ import annotations

import json
import logging

import pytest

from configgen import api
from configgen.lab import Fault
from configgen.nornir import push, verify
from configgen.push.diff import parse
from tests.conftest import INVENTORIES, ROOT
from tests.lab.conftest import IN_CI, start_lab
from tests.nornir.nornir_helpers import init_nornir, no_environment_credentials  # noqa: F401 (autouse)

# An example whose devices use `transport: netconf` runs on a lab serving NETCONF for them
# (`Lab(yang=...)`, the vendors' model sets): Nornir pushes it over NETCONF, and the pings
# go through the dataplane its committed datastore drives.
EXAMPLES = [INVENTORIES / "hubei-gprs-vpn.yaml", INVENTORIES / "hubei-internet-line.yaml",
            *sorted((INVENTORIES / "examples").glob("*.yaml"))]
FAST = {"count": 2, "timeout": 1.0}


def _models(tmp_path):
    """The YANG model sets for a NETCONF example (skipped outside CI when libyang, ncclient
    or the sets are missing, as in tests/netconf)."""
    from tests.netconf.conftest import model_root, require_models_in_ci

    root = model_root()
    if not IN_CI:
        pytest.importorskip("libyang")
        pytest.importorskip("ncclient")
        if root is None:
            pytest.skip("no YANG model sets (set CONFIGGEN_YANG_MODELS)")
    root = require_models_in_ci(root)
    folder = tmp_path / "models"
    folder.mkdir()
    for name in ("huawei-vrp8-ne40e-8.22.0", "cisco-iosxe-17.15.1"):
        (folder / name).symlink_to(root / name)
    return folder


class NornirLab:
    def __init__(self, path, tmp_path):
        self.path, self.tmp_path = path, tmp_path
        rendered = api.render([path])
        assert rendered.checked.ok, rendered.checked.findings
        netconf = any(d.transport == "netconf" for d in rendered.checked.inventory.devices.values())
        self.lab = start_lab(rendered.checked.inventory, yang=_models(tmp_path) if netconf else None)
        self.connections = self.lab.write_connection_file(tmp_path / "connections.json")

    def nornir(self, **kwargs):
        return init_nornir(self.tmp_path, inventory=[str(self.path)], connections=str(self.connections), **kwargs)

    def running(self, device: str) -> str:
        reached = api.reach(api.check(self.path).inventory, [device], api.Access(connections=self.connections))
        target = reached.targets[device]
        with target.connect(reached.credentials) as conn:
            return conn.send_command(target.platform.delivery.running_config_command)

    def same_as(self, device: str, before: str) -> bool:
        """Running config equals `before`, line order within a section aside."""
        platform = api.targets(api.check(self.path).inventory, [device]).get(device).platform
        now = parse(platform, self.running(device))
        return not list(now.config_to_get_to(parse(platform, before)).all_children())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_nornir_pushes_and_verifies_the_example(path, tmp_path):
    run = NornirLab(path, tmp_path)
    try:
        nr = run.nornir()
        devices = sorted(nr.inventory.hosts)
        before = {d: run.running(d) for d in devices}

        planned = run.nornir(dry_run=True).run(task=push)       # Nornir's global dry_run
        assert not planned.failed, {h: r[0].result for h, r in planned.items()}
        assert all(r[0].changed and r[0].result.status == "planned" and r[0].diff for r in planned.values())
        assert {d: run.running(d) for d in devices} == before, "a dry run changed a device"

        pushed = nr.run(task=push)
        assert not pushed.failed, {h: r[0].result for h, r in pushed.items()}
        assert {h: r[0].result.status for h, r in pushed.items()} == {d: "changed" for d in devices}
        assert all(r[0].diff == planned[h][0].diff for h, r in pushed.items())

        verified = nr.run(task=verify, **FAST)
        assert not verified.failed, {h: r[0].result for h, r in verified.items()}
        services = [s.service for r in verified.values() for s in r[0].result.services]
        assert sorted(services) == sorted(s.name for s in api.check(path).inventory.services)
        assert all(s.steps and all(step.passed for step in s.steps) for r in verified.values()
                   for s in r[0].result.services)

        again = nr.run(task=push, dry_run=False)
        assert {h: (r[0].changed, r[0].result.status) for h, r in again.items()} == {
            d: (False, "unchanged") for d in devices}
    finally:
        run.lab.stop()


@pytest.fixture(scope="module")
def gprs(tmp_path_factory):
    run = NornirLab(INVENTORIES / "hubei-gprs-vpn.yaml", tmp_path_factory.mktemp("nornir-gprs"))
    yield run
    run.lab.stop()


# The tests below share one lab; the first two leave its devices as they found them (factory).
def test_task_dry_run_overrides_nornirs_and_sends_nothing(gprs):
    before = gprs.running("wh-water-ce")
    result = gprs.nornir().run(task=push, dry_run=True)
    assert {h: r[0].result.status for h, r in result.items()} == {"wh-logistics-ce": "planned",
                                                                   "wh-water-ce": "planned"}
    assert gprs.running("wh-water-ce") == before


def test_one_failed_device_fails_its_host_only_and_no_secret_reaches_nornir(gprs, caplog):
    """A refused line fails (and rolls back) that host; the others push; the lab login is in
    neither the inventory dump, the results nor Nornir's log."""
    caplog.set_level(logging.DEBUG)
    nr = gprs.nornir()
    before = gprs.running("wh-water-ce")
    gprs.lab.set_fault("wh-water-ce", Fault(reject=(r"^ip route-static",)))
    try:
        results = nr.run(task=push)
    finally:
        gprs.lab.set_fault("wh-water-ce", None)
    assert set(results.failed_hosts) <= {"wh-water-ce"}
    water = results["wh-water-ce"][0]
    assert water.failed and water.result.failed_line.startswith("ip route-static")
    assert (water.result.status, water.result.stage) == ("failed", "apply")
    assert water.result.rolled_back is True and gprs.same_as("wh-water-ce", before)
    secret = gprs.lab.password
    log = caplog.text
    # Nornir's own records about the failed host are in the log (by logger and host, not wording).
    assert any(r.name.startswith("nornir") and "wh-water-ce" in r.getMessage() for r in caplog.records)
    for text in (log, json.dumps(nr.inventory.dict(), default=str),
                 repr({h: (r[0].result, r[0].diff) for h, r in results.items()})):
        assert secret not in text


def test_refused_login_fails_the_host_with_the_reason(gprs):
    nr = gprs.nornir()
    assert not nr.run(task=push).failed
    gprs.lab.set_fault("wh-logistics-ce", Fault(refuse_login=True))
    try:
        results = nr.run(task=verify, **FAST)
    finally:
        gprs.lab.set_fault("wh-logistics-ce", None)
    assert list(results.failed_hosts) == ["wh-logistics-ce"]
    services = results["wh-logistics-ce"][0].result.services
    assert services and all("login refused" in s.error for s in services)


def _docs_example() -> str:
    text = (ROOT / "docs" / "nornir.md").read_text()
    return text.split("## Use", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]


def test_the_example_in_the_docs_runs_against_a_lab(tmp_path, monkeypatch, capsys):
    """docs/nornir.md's example as written, in a folder with the lab's connections.json."""
    run = NornirLab(INVENTORIES / "hubei-gprs-vpn.yaml", tmp_path)
    try:
        (tmp_path / "inventories").symlink_to(INVENTORIES)
        monkeypatch.chdir(tmp_path)
        exec(compile(_docs_example(), "docs/nornir.md", "exec"), {})
    finally:
        run.lab.stop()
    out = capsys.readouterr().out
    assert "wh-logistics-ce\nplanned\n" in out and "wh-water-ce\nplanned\n" in out
    assert "[] []" in out and "wh-water ok" in out
