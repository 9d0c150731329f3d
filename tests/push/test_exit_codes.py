"""push/verify/deploy exit codes, as for every command (issue 9 item 12): 1 when the inventory
is invalid (findings; nothing attempted), 2 when it is unreadable, 1 when a device or step
failed (tests/push/test_push_lab.py), 0 otherwise."""

from __future__ import annotations

import pytest

from configgen.cli import main
from tests.conftest import INVENTORIES

GPRS = INVENTORIES / "hubei-gprs-vpn.yaml"


@pytest.mark.parametrize("command", ["push", "verify", "deploy"])
def test_invalid_inventory_exits_1_and_unreadable_exits_2_with_nothing_attempted(tmp_path, capsys, command):
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text(GPRS.read_text().replace("address: 10.166.0.2/30", "address: 10.166.0.3/30", 1))
    code = main([command, str(invalid), "--dry-run", "-q"] if command == "push" else [command, str(invalid), "-q"])
    captured = capsys.readouterr()
    assert code == 1
    assert "nothing pushed or verified" in captured.err
    code = main([command, str(tmp_path / "missing.yaml"), "-q"])
    assert code == 2 and "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("command", ["verify", "deploy"])
@pytest.mark.parametrize("timeout", ["nan", "inf", "-1", "0", "-inf", "soon"])
def test_timeout_that_is_not_a_wait_is_a_usage_error(capsys, command, timeout):
    code = main([command, str(GPRS), "--timeout", timeout, "-q"])
    err = capsys.readouterr().err
    assert code == 2 and "--timeout" in err and "Traceback" not in err


def test_deeply_nested_connection_file_is_an_input_error(tmp_path, capsys):
    path = tmp_path / "connections.json"
    path.write_text('{"devices": ' + "[" * 100_000 + "]" * 100_000 + "}")
    code = main(["push", str(GPRS), "--connections", str(path), "--dry-run", "-q"])
    err = capsys.readouterr().err
    assert code == 2 and f"{path}: cannot read connection file" in err and "Traceback" not in err


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_connection_file_that_is_not_a_regular_file_is_an_input_error(tmp_path, capsys, special):
    """/dev/zero would be read until memory runs out; a FIFO would hang the push."""
    import os

    path = special
    if special == "fifo":
        path = str(tmp_path / "connections.json")
        os.mkfifo(path)
    code = main(["push", str(GPRS), "--connections", path, "--dry-run", "-q"])
    err = capsys.readouterr().err
    assert code == 2 and f"{path}: not a regular file" in err
