"""`configgen lab up` validates like `configgen validate` and starts nothing when the
inventory has errors (issue 9 item 8): before, only the schema ran, and an IP-plan error
ended in a traceback inside the detached supervisor's lab.log."""

from __future__ import annotations

import os

from configgen.cli import main
from conftest import INVENTORIES

EXAMPLE = INVENTORIES / "hubei-gprs-vpn.yaml"


def test_lab_up_refuses_an_ip_plan_error_with_the_findings_validate_prints(write_yaml, tmp_path, capsys):
    # wh-water's pool now overlaps wh-logistics' pool: schema-valid, IP plan wrong.
    broken = write_yaml(EXAMPLE.read_text().replace("terminal_pools: [10.166.14.0/24]",
                                                    "terminal_pools: [10.166.12.0/23]"))
    assert main(["validate", str(broken)]) == 1
    expected = capsys.readouterr().out
    assert "overlap" not in expected and "lies inside" in expected   # the IP-plan finding
    run_dir, name = tmp_path / "run", f"v{os.getpid()}"
    try:
        assert main(["lab", "up", str(broken), "--name", name, "--run-dir", str(run_dir)]) == 1
    finally:
        if (run_dir / "state.json").exists():    # it started after all: leave nothing running
            main(["lab", "down", "--name", name, "--run-dir", str(run_dir)])
    out, err = capsys.readouterr()
    assert out == expected
    assert "not started" in err and "Traceback" not in out + err
    assert not run_dir.exists()          # no state, no log, no supervisor


def test_lab_up_refuses_unreadable_input_with_exit_2(write_yaml, tmp_path, capsys):
    broken = write_yaml("devices: [\n")
    assert main(["lab", "up", str(broken), "--name", f"v{os.getpid()}", "--run-dir", str(tmp_path / "run")]) == 2
    assert not (tmp_path / "run").exists()
