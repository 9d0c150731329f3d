"""CLI conventions every command shares (issue 9 items 11-16): version, `python -m`, one
exit-code contract, closed pipes, output errors, JSON documents, progress, usage errors."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from importlib.metadata import version

import pytest

import configgen
from configgen.cli import main
from configgen.commands.common import JSON_FORMAT_VERSION
from tests.conftest import INVENTORIES, ROOT

GPRS = str(INVENTORIES / "hubei-gprs-vpn.yaml")
VPMN = str(INVENTORIES / "hubei-vpmn-pbx.yaml")
MACROS = "{% macro head(t) %}{% endmacro %}{% macro tail(t) %}{% endmacro %}\n"
ENV = {k: v for k, v in os.environ.items() if k != "CI"}


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "configgen", *args], capture_output=True, text=True,
                          cwd=ROOT, env=ENV, timeout=120, **kwargs)


def invalid_inventory(tmp_path):
    path = tmp_path / "invalid.yaml"
    path.write_text((INVENTORIES / "hubei-gprs-vpn.yaml").read_text().replace(
        "address: 10.166.0.2/30", "address: 10.166.0.3/30", 1))
    return str(path)


def broken_template_dir(tmp_path):
    (tmp_path / "tpl" / "cisco").mkdir(parents=True)
    (tmp_path / "tpl" / "cisco" / "gprs_vpn.j2").write_text(
        MACROS + "{% macro interfaces(t) %}\ninterface {{ t.name }}\n {{ t.mtu }}\n{% endmacro %}\n")
    return str(tmp_path / "tpl")


# --- item 11 ----------------------------------------------------------------------------

def test_version_from_package_metadata_and_python_m():
    assert configgen.__version__ == version("configgen")
    shown = run("--version")
    assert shown.returncode == 0 and shown.stdout.strip() == f"configgen {configgen.__version__}"
    assert run("validate", GPRS).returncode == 0


# --- item 12 ----------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["validate"], ["check"], ["render"], ["push", "--dry-run"], ["verify"],
                                     ["deploy"]])
def test_invalid_inventory_is_1_for_every_command(tmp_path, capsys, command):
    extra = ["-o", str(tmp_path / "out")] if command == ["render"] else []
    assert main([*command, invalid_inventory(tmp_path), *extra, *(["-q"] if command[0] in ("push", "verify",
                                                                                          "deploy") else [])]) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["render", "check"])
def test_template_error_is_1_with_file_and_line_for_render_and_check(tmp_path, capsys, command):
    templates = broken_template_dir(tmp_path)
    assert main([command, GPRS, "--templates", templates, *(["-o", str(tmp_path / "out")]
                                                             if command == "render" else [])]) == 1
    captured = capsys.readouterr()
    assert f"{templates}/cisco/gprs_vpn.j2:4: template: rendering failed:" in captured.out + captured.err
    assert not (tmp_path / "out").exists()


def test_readme_has_one_exit_code_table():
    readme = (ROOT / "README.md").read_text()
    assert readme.count("## Exit codes") == 1
    section = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    for code, meaning in (("0", "ok"), ("1", "findings"), ("2", "usage")):
        assert any(line.startswith(f"| {code} ") and meaning in line for line in section.splitlines()), code


# --- item 13 ----------------------------------------------------------------------------

def test_closed_pipe_exits_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "configgen", "schema"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT, env=ENV, bufsize=0)
    proc.stdout.close()               # the reader is gone before the first byte
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert stderr == ""


def test_render_to_dash_is_refused_and_writes_no_directory(tmp_path, capsys):
    os.chdir(tmp_path)
    assert main(["render", GPRS, "-o", "-"]) == 2
    assert not (tmp_path / "-").exists()
    assert "-o -" in capsys.readouterr().err


def test_output_directory_that_cannot_be_made_is_an_output_error(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert main(["render", GPRS, "-o", str(tmp_path / "file" / "build")]) == 2
    err = capsys.readouterr().err
    assert "cannot write to" in err and "template" not in err
    assert main(["render", GPRS, "-o", str(tmp_path / "file" / "build"), "--format", "json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["kind"] == "output"


@pytest.mark.parametrize("command", ["render", "check"])
def test_template_override_that_matches_no_bundled_template_is_reported(tmp_path, capsys, command):
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "gprs_vpn.j2").write_text("misplaced: belongs in cisco/ or huawei/\n")
    assert main([command, GPRS, "--templates", str(tmp_path / "tpl"), "--format", "json",
                 *(["-o", str(tmp_path / "out")] if command == "render" else [])]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    (warning,) = [f for f in findings if f["code"] == "template-unused"]
    assert warning["file"] == str(tmp_path / "tpl" / "gprs_vpn.j2") and warning["severity"] == "warning"
    assert "cisco/gprs_vpn.j2" in warning["message"]


def test_missing_template_directory_is_unreadable_input(tmp_path, capsys):
    assert main(["check", GPRS, "--templates", str(tmp_path / "nope")]) == 2
    assert main(["render", GPRS, "--templates", str(tmp_path / "nope"), "-o", str(tmp_path / "o")]) == 2


# --- item 14 ----------------------------------------------------------------------------

def _one_document(text: str) -> dict:
    doc = json.loads(text)          # raises if there is more than one document
    assert doc["format_version"] == JSON_FORMAT_VERSION
    assert {"command", "ok", "error"} <= set(doc)
    return doc


@pytest.mark.parametrize("argv, code, kind", [
    (["validate", "missing.yaml"], 2, "input"),
    (["render", "missing.yaml"], 2, "input"),
    (["check", "missing.yaml"], 2, "input"),
    (["numbers", "check", "missing.yaml"], 2, "input"),
    (["push", "missing.yaml"], 2, "input"),
    (["validate"], 2, "usage"),
    (["push", GPRS, "--workers", "0"], 2, "usage"),
    (["numbers", "translate", VPMN, "--pbx", "nope", "--direction", "in", "--calling", "1", "--called", "2"],
     2, "usage"),
])
def test_json_document_for_unreadable_input_and_usage_errors(tmp_path, capsys, argv, code, kind):
    os.chdir(tmp_path)
    assert main([*argv, "--format", "json"]) == code
    doc = _one_document(capsys.readouterr().out)
    assert doc["ok"] is False and doc["error"]["kind"] == kind and doc["error"]["message"]


def test_json_documents_of_validate_render_and_translate(tmp_path, capsys):
    conflict = tmp_path / "conflict.yaml"
    conflict.write_text((INVENTORIES / "hubei-gprs-vpn.yaml").read_text().replace(
        "10.166.13.0/24", "10.166.12.0/24", 1))
    assert main(["validate", str(conflict), "--format", "json"]) == 1
    doc = _one_document(capsys.readouterr().out)
    assert doc["command"] == "validate" and doc["ok"] is False
    related = [r for f in doc["findings"] for r in f["related"]]
    assert related and all(set(r) == {"file", "line", "field"} for r in related)
    assert all(r["file"].endswith("conflict.yaml") and isinstance(r["line"], int) for r in related)

    assert main(["render", GPRS, "-o", str(tmp_path / "out"), "--format", "json"]) == 0
    doc = _one_document(capsys.readouterr().out)
    assert doc["ok"] and sorted(os.path.basename(p) for p in doc["written"]) == ["wh-logistics-ce.cfg",
                                                                              "wh-water-ce.cfg"]
    assert main(["numbers", "translate", VPMN, "--pbx", "hq-pbx", "--direction", "out", "--calling", "1001",
                 "--called", "61002", "--format", "json"]) == 0
    doc = _one_document(capsys.readouterr().out)
    assert doc["command"] == "numbers translate" and doc["steps"]


def test_every_json_shape_is_documented():
    text = (ROOT / "docs" / "json-output.md").read_text()
    for command in ("validate", "check", "render", "numbers check", "numbers translate", "push", "verify",
                    "deploy"):
        assert f"`{command}`" in text, command
    assert "format_version" in text


# --- item 15 ----------------------------------------------------------------------------

def test_render_ends_with_one_summary_line(tmp_path, capsys):
    assert main(["render", GPRS, "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"wrote 2 config file(s) to {tmp_path}"]


def stderr_on_a_terminal(*args) -> tuple[int, bytes]:
    """Run configgen with stderr on a pseudo-terminal: (exit code, what the terminal got)."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "configgen", *args], cwd=ROOT, env=ENV,
                                stdout=subprocess.PIPE, stderr=follower)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:       # the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        proc.stdout.read()
        return proc.wait(timeout=120), shown
    finally:
        os.close(leader)


def test_progress_only_on_a_terminal(tmp_path):
    out = str(tmp_path / "out")
    piped = run("render", GPRS, "-o", out)
    assert piped.returncode == 0 and piped.stderr == ""
    code, shown = stderr_on_a_terminal("render", GPRS, "-o", out)
    assert code == 0
    assert b"rendering device 2/2" in shown
    in_ci = subprocess.run([sys.executable, "-m", "configgen", "render", GPRS, "-o", out], cwd=ROOT,
                           env={**ENV, "CI": "true"}, capture_output=True, timeout=120)
    assert in_ci.stderr == b""


def test_progress_line_is_cleared_before_an_error_message(tmp_path):
    code, shown = stderr_on_a_terminal("validate", str(tmp_path / "missing.yaml"))
    assert code == 2
    assert b"reading the inventory" in shown
    assert b"\r\x1b[Kconfiggen: " in shown      # the message starts on a cleared line


# --- item 16 ----------------------------------------------------------------------------

@pytest.mark.parametrize("argv, named", [
    (["push", GPRS, "--workers", "0"], "--workers"),
    (["verify", GPRS, "--count", "x"], "--count"),
    (["verify", GPRS, "--timeout", "-1"], "--timeout"),
    (["verify", GPRS, "--timeout", "nan"], "--timeout"),
    (["deploy", GPRS, "--timeout", "inf"], "--timeout"),
    (["lab", "up", GPRS, "--base-port", "-1"], "--base-port"),
    (["lab", "up", GPRS, "--base-port", "70000"], "--base-port"),
    (["numbers"], "{check,translate,export}"),
    (["lab"], "{up,down,status}"),
    ([], "{validate,render,check,schema,lab,numbers,push,verify,deploy,diff,rollback,yang}"),
])
def test_usage_errors_name_the_option_as_typed(capsys, argv, named):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert named in err
    assert "_positive" not in err and "_command" not in err and "positive_" not in err


def test_output_a_terminal_cannot_encode_is_escaped_not_a_traceback(tmp_path):
    """A Chinese member name exported to a stdout that only speaks ASCII (PYTHONIOENCODING,
    a Windows console): an escape in the output, exit 0, no UnicodeEncodeError."""
    import os
    import subprocess
    import sys

    members = tmp_path / "members.csv"
    members.write_text("short,number,name\n6601,13800138000,张伟\n", encoding="utf-8")
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(
        "vpmn:\n  - name: g1\n    area_code: '027'\n    plan: integrated\n    members_file: members.csv\n",
        encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    proc = subprocess.run([sys.executable, "-m", "configgen", "numbers", "export", str(inventory), "-o", "-"],
                          capture_output=True, text=True, env=env, encoding="ascii", errors="strict",
                          cwd=tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert "\\u5f20\\u4f1f" in proc.stdout


@pytest.mark.parametrize("argv", [["schema"], ["validate", "inventories"]])
def test_standard_output_that_cannot_be_written_is_an_output_error(argv):
    """`> /dev/full`: exit 2 with a message, never a traceback (and no second error at exit)."""
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "configgen", *argv], stdout=full, stderr=subprocess.PIPE,
                              text=True, cwd=root)
    assert proc.returncode == 2, proc.stderr
    assert "cannot write the output" in proc.stderr and "Traceback" not in proc.stderr
    assert "Exception ignored" not in proc.stderr
