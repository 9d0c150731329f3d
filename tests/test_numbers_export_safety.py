"""`numbers export` never hands a spreadsheet a formula (issue 14 item 15): a member name
starting with = + - @ is written with a leading quote (OWASP CSV injection convention)."""

from __future__ import annotations

import csv
import io

import pytest

from configgen.cli import main


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\",\"a\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"])
def test_a_formula_like_name_is_exported_as_text(write_yaml, capsys, name):
    path = write_yaml("vpmn:\n  - name: g\n    area_code: '027'\n    plan: integrated\n    members:\n"
                      f"      - {{short: '6601', number: '13800138000', name: '{name.replace(chr(39), chr(39) * 2)}'}}\n"
                      "      - {short: '6602', number: '13900139000', name: Zhang Wei}\n")
    assert main(["numbers", "export", str(path), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["name"] == "'" + name           # shown as the text it is
    assert rows[1]["name"] == "Zhang Wei"          # ordinary names untouched
    assert rows[0]["short"] == "6601" and rows[0]["long"] == "13800138000"


def test_numbers_are_never_changed():
    from configgen.numbers.export import spreadsheet_safe

    assert spreadsheet_safe("6601") == "6601" and spreadsheet_safe("") == ""
    assert spreadsheet_safe("\tx") == "'\tx" and spreadsheet_safe("\rx") == "'\rx"
