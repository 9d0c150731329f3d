"""api.push / verify / deploy without devices: an invalid inventory sends nothing and asks
for no login; the results say why (the lab tests: tests/push/test_api_lab.py)."""

from __future__ import annotations

import pytest

from configgen import api
from tests.conftest import INVENTORIES

GPRS = INVENTORIES / "hubei-gprs-vpn.yaml"


@pytest.fixture(autouse=True)
def _no_environment_credentials(monkeypatch):
    for name in ("CONFIGGEN_USERNAME", "CONFIGGEN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("run", [api.push, api.verify, api.deploy])
def test_findings_stop_before_any_login(run, write_yaml):
    broken = write_yaml(GPRS.read_text().replace("10.166.0.6/30", "10.166.0.2/30"))
    result = run([broken])      # no credentials anywhere: reaching for them would raise
    assert not result.ok
    assert result.rendered.checked.findings.errors
    assert result.devices == {}


def test_no_credentials_is_an_error_naming_how_to_give_them():
    from configgen.push.credentials import CredentialsError

    with pytest.raises(CredentialsError):
        api.push([GPRS], dry_run=True, access=api.Access(interactive=False))


def test_reach_narrows_to_named_devices_and_keeps_the_password_out_of_its_repr():
    from configgen.push import Credentials

    inventory = api.check(GPRS).inventory
    reached = api.reach(inventory, ["wh-water-ce"], api.Access(credentials=Credentials("u", "Secret-4471")))
    assert list(reached.targets) == ["wh-water-ce"]
    assert reached.only(["wh-logistics-ce"]).targets == {}
    assert "Secret-4471" not in repr(reached)
