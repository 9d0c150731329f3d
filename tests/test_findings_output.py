"""What findings look like on a terminal and in JSON: no control character from the
inventory reaches the output (issue 14 item 16), and repetition stays bounded (item 8)."""

from __future__ import annotations

import json

from configgen.cli import main
from configgen.findings import ALIKE_SHOWN, Finding, Findings

ESC = "\x1b"


def test_control_characters_in_a_key_are_escaped_in_text_and_json(write_yaml, capsys):
    # A key with an ANSI escape and a carriage return that would overwrite the line
    # with a forged "ok:" in a terminal or CI log.
    path = write_yaml(
        "devices:\n"
        "  ce-a: {vendor: cisco, os: ios, host: 192.0.2.11, \"\\e[2K\\rok: 0 service(s)\\e[8m\": 1}\n")
    assert main(["validate", str(path)]) == 1
    text = capsys.readouterr().out
    assert ESC not in text and "\r" not in text
    assert "\\x1b[2K\\rok: 0 service(s)" in text      # still readable, as an escape
    assert main(["validate", "--format", "json", str(path)]) == 1
    document = json.loads(capsys.readouterr().out)
    for finding in document["findings"]:
        for value in (finding["field"], finding["message"], *finding["related"]):
            assert ESC not in value and "\r" not in value


def test_every_text_of_a_finding_is_escaped():
    finding = Finding("a\x1b.yaml", 3, "devices.x\u202e", "bad\rvalue", related=("b.yaml:1: y\x07",))
    shown = str(finding)
    for char in ("\x1b", "\u202e", "\r", "\x07"):
        assert char not in shown and char not in json.dumps(finding.to_dict(), ensure_ascii=False)
    assert "\\u202e" in shown and "\\x07" in shown
    # Ordinary text, Chinese included, is left as it is.
    assert str(Finding("f.yaml", 1, "name", "张伟 is fine")) == "f.yaml:1: name: 张伟 is fine"


def test_findings_alike_but_for_their_field_are_capped():
    many = Findings([Finding("f.yaml", 5, f"services[{i}].wan", "same problem") for i in range(1000)])
    shown = many.sorted()
    assert len(shown) == ALIKE_SHOWN + 1
    assert "995 more times" in shown[-1].message
    assert len(many.errors) == 1000          # the count stays exact
    assert len(json.loads(many.to_json())["findings"]) == ALIKE_SHOWN + 1


def test_an_input_error_naming_a_crafted_path_is_escaped(tmp_path, capsys):
    missing = tmp_path / "x\x1b[2K\rok: 3 service(s).yaml"
    assert main(["validate", str(missing)]) == 2
    err = capsys.readouterr().err
    assert ESC not in err and "\r" not in err and "\\x1b[2K\\rok" in err


def test_a_huge_value_is_named_not_echoed_whole(tmp_path, capsys):
    """A 5 MB operator name: the finding quotes its start and says how much was cut."""
    from configgen.cli import main

    path = tmp_path / "big.yaml"
    path.write_text("operator:\n  name: '" + "x" * 5_000_000 + "\t'\n")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert len(out) < 10_000
    assert "more characters)" in out and "operator.name" in out
