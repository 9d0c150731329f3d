"""Layers only point down (issue 10): inventory -> services -> checks -> render -> push ->
verify / lab -> api -> commands / nornir -> cli, and no import cycle between sibling modules. The
contracts are in pyproject.toml ([tool.importlinter]); this runs them with the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

importlinter_cli = pytest.importorskip("importlinter.cli")

ROOT = Path(__file__).resolve().parent.parent


def test_every_import_points_down_and_no_cycles(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = importlinter_cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    report = capsys.readouterr().out
    assert code == 0, report


def test_an_upward_import_breaks_a_layers_contract(tmp_path, capsys, monkeypatch):
    """The control: the same runner reports a lower layer importing a higher one (so the
    test above can fail)."""
    package = tmp_path / "toylayers"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "high.py").write_text("")
    (package / "low.py").write_text("import toylayers.high\n")
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.importlinter]\nroot_package = "toylayers"\n\n'
                      '[[tool.importlinter.contracts]]\nname = "toy"\ntype = "layers"\n'
                      'layers = ["toylayers.high", "toylayers.low"]\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    code = importlinter_cli.lint_imports(config_filename=str(config), no_cache=True)
    assert code != 0
    assert "toylayers.low -> toylayers.high" in capsys.readouterr().out
