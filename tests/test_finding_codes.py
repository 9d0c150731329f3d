"""Finding codes come from one catalogue (configgen/finding_codes.py), documented in
docs/validation.md; a programming error is never reported as a finding (issue 10)."""

from __future__ import annotations

import ipaddress
import re

import pytest

from configgen import api
from configgen.finding_codes import CODES, UnknownFindingCode, is_known
from configgen.findings import Finding
from configgen.platforms import PLATFORMS
from configgen.services.device import DeviceConfig
from configgen.services.model import Contribution, Interface, ValidationGap
from tests.conftest import INVENTORIES, ROOT

PACKAGE = ROOT / "configgen"


def _documented() -> dict[str, str]:
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    section = text.split("\n## Finding codes", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([a-z0-9-]+)` \| (.+?) \|$", section, flags=re.M))


def test_every_code_is_documented_and_every_documented_code_exists():
    documented = _documented()
    assert set(documented) == set(CODES)
    for code, meaning in CODES.items():
        assert documented[code] == meaning.replace("|", "\\|"), code


def test_every_code_written_in_the_package_is_in_the_catalogue():
    """Codes written as literals anywhere in configgen (findings made on paths no test takes
    are caught too, not only those the suite happens to make)."""
    written = set()
    for path in PACKAGE.rglob("*.py"):
        written |= set(re.findall(r'\bcode="([a-z0-9_-]+)"', path.read_text(encoding="utf-8")))
    assert written, "the scan found no codes at all"
    assert written - set(CODES) == set()


def test_a_finding_with_an_unknown_code_is_refused_in_tests():
    with pytest.raises(UnknownFindingCode):
        Finding("inventory.yaml", 1, "devices", "a message", code="no-such-code")
    assert Finding("inventory.yaml", 1, "devices", "a message", code="overlap").code == "overlap"


def test_schema_findings_keep_the_schema_librarys_error_types():
    assert is_known("string_type") and is_known("literal_error")
    assert not is_known("string-type")


def _config_with(*interfaces: Interface) -> DeviceConfig:
    config = DeviceConfig("ce1", "ce1", next(iter(PLATFORMS.values())))
    for interface in interfaces:
        config.add(Contribution(interfaces=[interface]))
    return config


def test_an_interface_given_two_addresses_is_a_bug_not_a_user_value_error():
    first = Interface("GigabitEthernet0/1", "a", ipaddress.IPv4Interface("10.0.0.1/30"))
    second = Interface("GigabitEthernet0/1", "b", ipaddress.IPv4Interface("10.0.0.5/30"))
    with pytest.raises(ValidationGap) as raised:
        _config_with(first, second)
    assert not isinstance(raised.value, ValueError)


def test_ci_check_does_not_file_a_build_bug_as_a_template_finding(monkeypatch):
    def broken(*args, **kwargs):
        raise ValidationGap("ce1: GigabitEthernet0/1 given two addresses")

    monkeypatch.setattr(api, "render_inventory", broken)
    with pytest.raises(ValidationGap):
        api.ci_check([INVENTORIES / "hubei-gprs-vpn.yaml"])
