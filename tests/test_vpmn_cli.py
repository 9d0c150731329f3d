"""`configgen numbers check|translate|export`, and exit codes 0 / 1 / 2."""

from __future__ import annotations

import csv
import io
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
