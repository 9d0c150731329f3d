"""Golden cases, discovered from files under tests/golden/: each `<case>.yaml` there (a
link to the inventory it reviews) sits beside its reviewed output.

- `<case>.txt` beside it: the `configgen validate` report of that inventory;
- otherwise every device it renders has its reviewed config `<device>.cfg` beside it.

On a mismatch the output is written next to the expected file as `<name>.actual` and
the test fails naming it: compare the two, and once the new output is reviewed, move
the `.actual` over the expected file. A new case is a new pair of files, no code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from configgen import api
from configgen.cli import main
from conftest import GOLDEN, ROOT

CASES = sorted(GOLDEN.rglob("*.yaml"))


def _id(path: Path) -> str:
    return str(path.relative_to(GOLDEN))


def _compare(expected: Path, actual_text: str) -> str | None:
    """None when `expected` holds `actual_text`; else where the `.actual` file was written."""
    actual = expected.with_name(expected.name + ".actual")
    if expected.is_file() and expected.read_text(encoding="utf-8") == actual_text:
        actual.unlink(missing_ok=True)
        return None
    actual.write_text(actual_text, encoding="utf-8")
    what = "differs from" if expected.is_file() else "has no reviewed"
    return f"{actual.relative_to(ROOT)} {what} {expected.relative_to(ROOT)}"


def _input(case: Path) -> str:
    """The inventory a case links to, relative to the repository (as findings name it)."""
    return os.path.relpath(case.resolve(), ROOT)


def test_there_are_golden_cases():
    assert len(CASES) >= 9, CASES


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_output_matches_the_reviewed_golden(case, capsys, monkeypatch):
    report = case.with_suffix(".txt")
    if report.exists():
        monkeypatch.chdir(ROOT)    # findings name files as given on the command line
        assert main(["validate", _input(case)]) == 1
        problems = [_compare(report, capsys.readouterr().out)]
    else:
        result = api.render(case.resolve())
        assert result.checked.ok, [str(f) for f in result.checked.findings]
        assert result.configs, f"{_id(case)} renders no device"
        problems = [_compare(case.parent / f"{device}.cfg", text) for device, text in sorted(result.configs.items())]
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


def test_every_golden_config_has_its_input_beside_it():
    """A `.cfg` that no case beside it renders would never be compared."""
    rendered = {case.parent / f"{device}.cfg" for case in CASES if not case.with_suffix(".txt").exists()
                for device in api.render(case.resolve()).configs}
    orphans = [str(path.relative_to(GOLDEN)) for path in sorted(GOLDEN.rglob("*.cfg")) if path not in rendered]
    assert orphans == []


def test_a_mismatch_writes_the_actual_file_next_to_the_expected_one(tmp_path, monkeypatch):
    monkeypatch.setattr("test_goldens.ROOT", tmp_path)
    expected = tmp_path / "dev.cfg"
    expected.write_text("hostname a\n", encoding="utf-8")
    assert _compare(expected, "hostname b\n") == "dev.cfg.actual differs from dev.cfg"
    assert (tmp_path / "dev.cfg.actual").read_text(encoding="utf-8") == "hostname b\n"
    assert _compare(expected, "hostname a\n") is None
    assert not (tmp_path / "dev.cfg.actual").exists()        # a match clears an old .actual
