"""`configgen render` writes its output directory all or nothing (issue 14): a failed
write leaves every file as it was, never some devices old and some new."""

from __future__ import annotations

import pytest

from configgen.cli import main
from configgen.render import write_configs
from conftest import INVENTORIES

EXAMPLE = INVENTORIES / "hubei-gprs-vpn.yaml"      # devices wh-logistics-ce, wh-water-ce


def _snapshot(directory):
    return {p.name: (p.read_text() if p.is_file() else "<dir>") for p in directory.iterdir()}


def _old_output(tmp_path):
    out = tmp_path / "build"
    out.mkdir()
    (out / "wh-logistics-ce.cfg").write_text("old logistics\n")
    (out / "wh-water-ce.cfg").write_text("old water\n")
    return out


def test_unwritable_device_file_leaves_the_directory_unchanged(tmp_path, capsys):
    out = _old_output(tmp_path)
    (out / "wh-water-ce.cfg").unlink()
    (out / "wh-water-ce.cfg").mkdir()        # written after wh-logistics-ce, and cannot be replaced
    before = _snapshot(out)
    assert main(["render", str(EXAMPLE), "-o", str(out)]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert _snapshot(out) == before          # wh-logistics-ce.cfg not rewritten, no temporary files


def test_a_write_failing_midway_leaves_the_old_files(tmp_path):
    out = _old_output(tmp_path)
    before = _snapshot(out)
    # the second file's text cannot be encoded: the write itself fails after the first file
    rendered = {"wh-logistics-ce": "hostname new\n", "wh-water-ce": "sysname \udc80\n"}
    with pytest.raises(UnicodeEncodeError):
        write_configs(rendered, out)
    assert _snapshot(out) == before


def test_a_successful_render_replaces_every_file(tmp_path):
    out = _old_output(tmp_path)
    assert main(["render", str(EXAMPLE), "-o", str(out)]) == 0
    after = _snapshot(out)
    assert sorted(after) == ["wh-logistics-ce.cfg", "wh-water-ce.cfg"]
    assert after["wh-logistics-ce.cfg"].startswith("hostname wh-logistics-ce")


def test_nothing_to_write_leaves_an_empty_directory(tmp_path):
    assert write_configs({}, tmp_path / "empty") == []
    assert list((tmp_path / "empty").iterdir()) == []
