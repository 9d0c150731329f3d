"""What an inventory path may be: a regular file of a sane size, read once per run with
one alias budget, found in folders that can all be listed. Anything else is exit 2 (or a
finding for a members file) naming the path, never a hang, a traceback or half a check."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from configgen import api
from configgen.cli import main
from configgen.inventory import yamlsource
from configgen.numbers.plan import group_plans
from conftest import ROOT

CLI = "import sys; from configgen.cli import main; sys.exit(main(sys.argv[1:]))"
INVENTORY = "devices:\n  r1: {vendor: cisco, os: ios, host: 192.0.2.1}\n"
GROUP = 'vpmn:\n  - name: g\n    area_code: "027"\n    plan: integrated\n    members_file: m.csv\n'


def _bounded():
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))   # 1 GiB: /dev/zero would take it all


def run(*args: str | Path) -> subprocess.CompletedProcess:
    """The CLI in a child with 1 GiB of address space and a timeout: a read of /dev/zero
    or a FIFO fails the test instead of taking the machine or the test run with it."""
    return subprocess.run([sys.executable, "-c", CLI, *map(str, args)], capture_output=True, text=True,
                          timeout=60, preexec_fn=_bounded, cwd=ROOT)


# --- not a regular file, or too large (item 1) -------------------------------------------

@pytest.mark.parametrize("link", [False, True])
def test_dev_zero_is_refused_without_reading_it(tmp_path, link):
    path = Path("/dev/zero")
    if link:
        path = tmp_path / "x.yaml"
        path.symlink_to("/dev/zero")
    done = run("validate", path)
    assert done.returncode == 2, done.stderr[-500:]
    assert done.stderr.startswith(f"configgen: {path}: ") and "regular file" in done.stderr


def test_dev_zero_linked_into_a_directory_is_refused(tmp_path):
    (tmp_path / "a.yaml").write_text(INVENTORY)
    (tmp_path / "z.yaml").symlink_to("/dev/zero")
    done = run("validate", tmp_path)
    assert done.returncode == 2 and done.stderr.startswith(f"configgen: {tmp_path / 'z.yaml'}: ")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_as_inventory_is_refused_without_opening_it(tmp_path):
    os.mkfifo(tmp_path / "inv.yaml")
    done = run("validate", tmp_path / "inv.yaml")
    assert done.returncode == 2 and done.stderr.startswith(f"configgen: {tmp_path / 'inv.yaml'}: ")


def test_an_inventory_over_the_size_limit_exits_2_naming_it(write_yaml, capsys, monkeypatch):
    monkeypatch.setattr(yamlsource, "MAX_INPUT_BYTES", 1000)
    path = write_yaml(INVENTORY + "x-pad: " + "a" * 2000 + "\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"configgen: {path}: ") and "1000" not in err and "MiB" in err
    assert api.check(write_yaml(INVENTORY, "small.yaml")).ok


def test_the_size_limit_holds_a_100k_service_inventory_with_margin():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from inventory_gen import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    # The generated inventory grows linearly (one service is a few hundred bytes).
    per_1000 = len(yaml.dump(generate(1000, 250, mix=True), Dumper=yaml.SafeDumper, sort_keys=False).encode())
    assert 100 * per_1000 * 1.5 < yamlsource.MAX_INPUT_BYTES


def test_a_members_file_over_the_size_limit_is_a_finding(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlsource, "MAX_INPUT_BYTES", 1000)
    (tmp_path / "inv.yaml").write_text(GROUP)
    (tmp_path / "m.csv").write_text("short,number\n" + "6601,13800138000\n" * 100)
    (finding,) = api.check(tmp_path / "inv.yaml").findings
    assert (finding.line, finding.field, finding.code) == (5, "vpmn[0].members_file", "too-large")


# --- one alias budget per run (item 2) -------------------------------------------------

def test_the_alias_budget_covers_every_file_of_a_run(tmp_path, capsys):
    # Each file is ~250 bytes and expands to ~66,000 values, under the budget of one file.
    nest = ["x-0: &a0 [x, x, x, x, x, x, x, x, x]"]
    nest += [f"x-{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 5)]
    for n in range(20):
        (tmp_path / f"f{n:02d}.yaml").write_text("\n".join(nest) + "\n")
    assert api.check(tmp_path / "f00.yaml").ok   # one alone is fine
    assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"configgen: {tmp_path}/f0") and "alias" in err
    assert not err.startswith(f"configgen: {tmp_path}/f00.yaml")   # names where it ran out


# --- folders that cannot be listed, links that lead nowhere (item 3) --------------------

def test_an_unlistable_subfolder_exits_2_naming_it(tmp_path, capsys, monkeypatch):
    (tmp_path / "a.yaml").write_text(INVENTORY)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yaml").write_text("services: []\n")
    real = os.scandir

    def scandir(path="."):   # what chmod 000 does for a user who is not root
        if Path(path) == tmp_path / "sub":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"configgen: {tmp_path / 'sub'}: ")


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists any folder")
def test_a_chmod_000_subfolder_exits_2(tmp_path, capsys):
    (tmp_path / "a.yaml").write_text(INVENTORY)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yaml").write_text("services: []\n")
    (tmp_path / "sub").chmod(0)
    try:
        assert main(["validate", str(tmp_path)]) == 2
    finally:
        (tmp_path / "sub").chmod(0o755)


@pytest.mark.parametrize("target", ["missing.yaml", "loop.yaml"])
def test_a_dangling_or_looping_link_in_a_folder_exits_2_naming_it(tmp_path, capsys, target):
    (tmp_path / "a.yaml").write_text(INVENTORY)
    (tmp_path / "loop.yaml").symlink_to(target)
    assert main(["validate", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"configgen: {tmp_path / 'loop.yaml'}: ")


# --- members files (items 1, 4, 7) -----------------------------------------------------

def test_a_members_file_that_is_a_link_loop_is_a_finding(tmp_path, capsys):
    (tmp_path / "inv.yaml").write_text(GROUP)
    (tmp_path / "m.csv").symlink_to("m.csv")
    assert main(["validate", str(tmp_path / "inv.yaml")]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    (finding,) = api.check(tmp_path / "inv.yaml").findings
    assert (finding.line, finding.field, finding.code) == (5, "vpmn[0].members_file", "members-file-not-file")
    assert str(tmp_path / "m.csv") in finding.message


def test_a_members_file_linked_to_dev_zero_is_a_finding(tmp_path):
    (tmp_path / "inv.yaml").write_text(GROUP)
    (tmp_path / "m.csv").symlink_to("/dev/zero")
    done = run("validate", tmp_path / "inv.yaml")
    # /dev/zero is outside the inventory's folder, refused as such before any read
    assert done.returncode == 1 and f"{tmp_path / 'inv.yaml'}:5: vpmn[0].members_file: " in done.stdout


def test_an_unclosed_quote_in_a_members_file_is_a_finding_at_its_line(tmp_path):
    (tmp_path / "inv.yaml").write_text(GROUP)
    (tmp_path / "m.csv").write_text('short,number,name\n6800,13507100000,A\n6801,13507100001,"unterminated\n'
                                    '6802,13507100002,B\n')
    checked = api.check(tmp_path / "inv.yaml")
    (finding,) = checked.findings
    assert (finding.file, finding.line, finding.code) == (str(tmp_path / "m.csv"), 3, "csv-syntax")
    (plan,) = group_plans(checked.inventory)
    assert [m.short for m in plan.members] == ["6800"]


def test_an_overlong_csv_field_names_file_and_line(tmp_path):
    (tmp_path / "inv.yaml").write_text(GROUP)
    (tmp_path / "m.csv").write_text("short,number\n6800,13507100000\n6801," + "1" * 140_000 + "\n"
                                    "6802,13507100002\n")
    checked = api.check(tmp_path / "inv.yaml")
    (finding,) = checked.findings
    assert (finding.file, finding.line, finding.code) == (str(tmp_path / "m.csv"), 3, "csv-syntax")
    (plan,) = group_plans(checked.inventory)
    assert [m.short for m in plan.members] == ["6800", "6802"]


# --- small things (item 7) -------------------------------------------------------------

def test_a_yaml_file_that_is_not_utf8_names_the_line(write_yaml, capsys):
    path = write_yaml("x")
    path.write_bytes(INVENTORY.encode() + b"operator:\n  name: \xd6\xd0\xb9\xfa\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"configgen: {path}:4: ") and "UTF-8" in err


def test_an_inventory_that_defines_nothing_is_a_warning(write_yaml, capsys):
    path = write_yaml("operator:\n  name: x\n")
    checked = api.check(path)
    assert [(f.severity, f.code) for f in checked.findings] == [("warning", "empty-inventory")]
    assert main(["validate", str(path)]) == 0
    assert "no devices, services or vpmn" in capsys.readouterr().out


@pytest.mark.parametrize("second", ["::ffff:192.0.2.11", "'::FFFF:c000:020b'"])
def test_an_ipv4_mapped_ipv6_host_is_the_ipv4_address(write_yaml, second):
    checked = api.check(write_yaml("devices:\n  r1: {vendor: cisco, os: ios, host: 192.0.2.11}\n"
                                   f"  r2: {{vendor: cisco, os: ios, host: \"{second.strip(chr(39))}\"}}\n"))
    assert [f.code for f in checked.findings] == ["duplicate-management-address"]


@pytest.mark.parametrize("host", ["3221225995", "'3221225995'", "ce1.123", "192.0.2.011"])
def test_an_all_digit_name_is_not_a_host(write_yaml, host):
    (finding,) = api.check(write_yaml(f"devices:\n  r1: {{vendor: cisco, os: ios, host: {host}}}\n")).findings.errors
    assert (finding.line, finding.field) == (2, "devices.r1.host")


def test_a_number_with_underscores_is_not_read_as_a_number(write_yaml):
    path = write_yaml('vpmn:\n  - name: g\n    area_code: "027"\n    plan: integrated\n'
                      "    members:\n      - {short: 6_601, number: '13800138000'}\n")
    (finding,) = api.check(path).findings.errors
    assert (finding.line, finding.field) == (6, "vpmn[0].members[0].short") and "6_601" in finding.message
    path = write_yaml("devices:\n  r1: {vendor: cisco, os: ios, host: 192.0.2.1, port: 2_2}\n", "port.yaml")
    (finding,) = api.check(path).findings.errors
    assert finding.field == "devices.r1.port"
