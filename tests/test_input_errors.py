"""Odd input never ends in a traceback: exit 2 with file and line, or a finding."""

from __future__ import annotations

import os

import pytest

from configgen import api
from configgen.cli import main
from configgen.fileio import write_atomic
from conftest import INVENTORIES

@pytest.mark.parametrize("text, expected", [
    ("a: &x [*x]\n", "inventory.yaml:1: a[0]: an alias refers to the node that contains it"),
    ("devices: {r1: {vendor: !foo cisco}}\n", "inventory.yaml:1: cannot read value 'cisco' with tag !foo"),
    ("lab: !!float abc\n", "inventory.yaml:1: cannot read value 'abc'"),
    ("x: " + "[" * 100 + "]" * 100 + "\n", "inventory.yaml:1: nested deeper than 64 levels"),
    ("devices:\n  r1: {vendor: cisco\n", "inventory.yaml:3: not valid YAML"),
])
def test_unreadable_yaml_exits_2_naming_file_and_line(write_yaml, capsys, text, expected):
    assert main(["validate", str(write_yaml(text))]) == 2
    assert expected in capsys.readouterr().err

def test_nesting_past_the_yaml_library_limit_exits_2_naming_the_file(write_yaml, capsys):
    # The YAML library refuses this itself, in words of its own version: only our part is asserted.
    path = write_yaml("x: " + "[" * 3000 + "]" * 3000 + "\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"configgen: {path}") and "Traceback" not in err


def test_merge_keys_and_x_anchors_work(write_yaml):
    path = write_yaml("""
        x-ios: &ios {vendor: cisco, os: ios}
        devices:
          r1: {<<: *ios, host: 192.0.2.1}
          r2:
            <<: *ios
            os: ios
            host: 192.0.2.2
        """)
    checked = api.check(path)
    assert checked.ok, [str(f) for f in checked.findings]
    assert {name: d.vendor for name, d in checked.inventory.devices.items()} == {"r1": "cisco", "r2": "cisco"}

def test_kind_that_is_not_a_word_is_a_finding(write_yaml):
    checked = api.check(write_yaml("services:\n  - {kind: [gprs_vpn], name: a}\n"))
    (finding,) = checked.findings.errors
    assert (finding.line, finding.field) == (2, "services[0].kind")

def test_render_into_a_file_instead_of_a_directory_exits_2(tmp_path, capsys):
    blocker = tmp_path / "build"
    blocker.write_text("not a directory")
    assert main(["render", str(INVENTORIES / "hubei-gprs-vpn.yaml"), "-o", str(blocker)]) == 2
    assert "cannot write to" in capsys.readouterr().err
    assert blocker.read_text() == "not a directory"

def test_atomic_write_keeps_old_file_on_failure_and_honours_mode(tmp_path):
    target = write_atomic(tmp_path / "secret.json", "{}", mode=0o600)
    assert oct(os.stat(target).st_mode & 0o777) == "0o600"

    with pytest.raises(TypeError):
        write_atomic(target, object())  # not text: nothing replaced
    assert target.read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["secret.json"]  # no temporary left behind


@pytest.mark.parametrize("text, line, field, wanted", [
    ("operator: {name: x}\nservices: {a: 1}\n", 2, "services", "a list"),
    ("devices: [r1]\n", 1, "devices", "a mapping"),
    ("operator: [a]\n", 1, "operator", "a mapping"),
])
def test_a_top_level_section_of_the_wrong_kind_is_a_finding_at_its_key(write_yaml, text, line, field, wanted):
    path = write_yaml(text)
    found = [f for f in api.check(path).findings if f.field == field]
    assert [(f.file, f.line, f.severity) for f in found] == [(str(path), line, "error")]
    assert f"`{field}` must be {wanted}" in found[0].message
