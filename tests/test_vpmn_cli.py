"""`configgen numbers check|translate|export`, and exit codes 0 / 1 / 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from configgen.cli import main

EXAMPLE = str(Path(__file__).resolve().parent.parent / "inventories" / "hubei-vpmn-pbx.yaml")


def test_check_clean_and_with_findings(tmp_path, capsys):
    assert main(["numbers", "check", EXAMPLE]) == 0
    assert "ok: 1 VPMN group(s), 3 member(s)" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(EXAMPLE).read_text().replace('short: "6602"', 'short: "6601"'))
    assert main(["numbers", "check", str(bad)]) == 1
    assert "short number 6601 is used twice" in capsys.readouterr().out
    assert main(["numbers", "check", str(tmp_path / "missing.yaml")]) == 2


def test_translate_out_and_in(capsys):
    assert main(["numbers", "translate", EXAMPLE, "--pbx", "hq-pbx", "--direction", "out",
                 "--calling", "1001", "--called", "61002"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].split() == ["VPMN", "receives", "calling", "900271231001", "called", "60061002"]
    assert main(["numbers", "translate", EXAMPLE, "--pbx", "hq-pbx", "--direction", "in",
                 "--calling", "9040271231001", "--called", "9040271231002"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].split() == ["PBX", "hq-pbx", "receives", "calling", "1001", "called", "1002"]


def test_translate_unknown_pbx_is_a_usage_error(capsys):
    assert main(["numbers", "translate", EXAMPLE, "--pbx", "nope", "--direction", "in",
                 "--calling", "1", "--called", "2"]) == 2
    assert "known: hq-pbx, branch-pbx" in capsys.readouterr().err


def test_export_csv(capsys):
    assert main(["numbers", "export", EXAMPLE, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 3 + 2000 + 1
    by_short = {r["short"]: r for r in rows}
    assert by_short["61002"] == {"group": "hubei-power", "short": "61002", "long": "9040271231002",
                                 "virtual_calling_number": "900271231002", "pbx": "hq-pbx", "extension": "1002",
                                 "name": ""}
    assert by_short["63500"]["long"] == "02788887777" and by_short["63500"]["virtual_calling_number"] == "90027124"
    assert by_short["6601"]["long"] == "13800138000" and by_short["6601"]["name"] == "Zhang Wei"


def test_translate_runs_the_gateways_rendered_rules(capsys):
    """A PBX with a gateway: the numbers shown are what the rendered dial-peers and
    translation rules do (emulated), and they agree with the model."""
    assert main(["numbers", "translate", EXAMPLE, "--pbx", "hq-pbx", "--direction", "out",
                 "--calling", "1001", "--called", "61002", "--format", "json"]) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    gateway = next(s for s in steps if s["where"].startswith("gateway hq-voice-gw"))
    assert (gateway["calling"], gateway["called"]) == ("900271231001", "60061002")
    assert "translation-profile HQ-PBX-TO-VPMN (calling rule 1001, called rule 1003)" in gateway["note"]
    assert "dial-peer 200" in gateway["note"] and "DIFFERS" not in gateway["note"]
    assert main(["numbers", "translate", EXAMPLE, "--pbx", "hq-pbx", "--direction", "in",
                 "--calling", "13800138000", "--called", "61001"]) == 0
    out = capsys.readouterr().out
    assert "dial-peer 101 outgoing translation-profile VPMN-TO-HQ-PBX" in out
    assert out.splitlines()[-1].split() == ["PBX", "hq-pbx", "receives", "calling", "13800138000", "called", "1001"]


def test_translate_shows_the_routers_numbers_when_rendered_rules_differ(tmp_path, capsys):
    """A user template that spells the rules wrongly (a trailing 0): the router's numbers
    win, the difference is named, exit 1."""
    bundled = Path(__file__).resolve().parent.parent / "templates" / "cisco" / "pbx.j2"
    (tmp_path / "cisco").mkdir()
    (tmp_path / "cisco" / "pbx.j2").write_text(bundled.read_text().replace("/{{ r.replace }}/", "/{{ r.replace }}0/"))
    assert main(["numbers", "translate", EXAMPLE, "--pbx", "hq-pbx", "--direction", "out", "--calling", "1001",
                 "--called", "61002", "--templates", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "DIFFERS from the model, which gives calling 900271231001 called 60061002" in out
    assert out.splitlines()[-1].split() == ["VPMN", "receives", "calling", "9002712310010", "called", "600610020"]


def test_translate_without_a_rendered_gateway_says_so(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(EXAMPLE).read_text().replace('short: "6602"', 'short: "6601"'))
    assert main(["numbers", "translate", str(bad), "--pbx", "hq-pbx", "--direction", "out",
                 "--calling", "1001", "--called", "61002"]) == 0
    captured = capsys.readouterr()
    assert "gateway hq-voice-gw not rendered" in captured.err
    assert "gateway" not in captured.out
    assert captured.out.splitlines()[-1].split()[-1] == "60061002"


def test_translate_with_a_rendered_rule_that_cannot_run_exits_1(tmp_path, capsys):
    bundled = Path(__file__).resolve().parent.parent / "templates" / "cisco" / "pbx.j2"
    (tmp_path / "cisco").mkdir()
    (tmp_path / "cisco" / "pbx.j2").write_text(bundled.read_text().replace("/{{ r.replace }}/", "/{{ r.replace }}\\9/"))
    assert main(["numbers", "translate", EXAMPLE, "--pbx", "hq-pbx", "--direction", "out", "--calling", "1001",
                 "--called", "61002", "--templates", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "gateway hq-voice-gw: a rendered translation rule cannot run" in captured.err
    assert "Traceback" not in captured.err and captured.out == ""
