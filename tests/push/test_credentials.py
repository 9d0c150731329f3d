"""Credentials come from the environment or a prompt; secrets never reach logs or reports."""

from __future__ import annotations

import io
import json
import logging

import pytest

from configgen.push.credentials import (MASK, Credentials, CredentialsError, RedactingFilter, load_credentials,
                                        redact)
from configgen.push.engine import DeviceResult, PushReport


def test_environment_and_per_device_override():
    env = {"CONFIGGEN_USERNAME": "ops", "CONFIGGEN_PASSWORD": "s3cret-all",
           "CONFIGGEN_PASSWORD_WH_WATER_CE": "s3cret-water"}
    creds = load_credentials(["wh-logistics-ce", "wh-water-ce"], interactive=False, environ=env)
    assert creds.username == "ops"
    assert creds.password_for("wh-logistics-ce") == "s3cret-all"
    assert creds.password_for("wh-water-ce") == "s3cret-water"
    assert "s3cret" not in repr(creds)


def test_connection_file_login_beats_the_production_environment():
    """A lab's connection file carries the lab's own login: the production password in
    CONFIGGEN_PASSWORD is neither needed there nor offered to the lab's devices."""
    creds = load_credentials(["r1"], ("lab", "labpass-1"), interactive=False,
                             environ={"CONFIGGEN_USERNAME": "ops", "CONFIGGEN_PASSWORD": "prod-pass-1"})
    assert (creds.username, creds.password) == ("lab", "labpass-1")
    assert creds.password_for("r1") == "labpass-1"


def test_missing_credentials_without_terminal_is_an_error():
    with pytest.raises(CredentialsError, match="CONFIGGEN_USERNAME"):
        load_credentials(["r1"], interactive=False, environ={})


def test_redaction_of_text_logs_and_reports():
    Credentials("ops", "hunter2-xyz")
    assert redact("login hunter2-xyz failed") == f"login {MASK} failed"
    record = logging.LogRecord("netmiko", logging.DEBUG, __file__, 1, "sent %s", ("hunter2-xyz",), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == f"sent {MASK}"
    report = PushReport([DeviceResult("r1", error="ssh said hunter2-xyz")])
    assert "hunter2-xyz" not in str(report.to_dict()) and "hunter2-xyz" not in report.table()


def test_every_logger_and_late_handlers_are_redacted(caplog):
    """Child loggers (`configgen.push`, `paramiko.transport`), handlers added after the
    secret was registered, tracebacks and stacks: the record factory masks them all."""
    secret = "child-Secret-4471"
    Credentials("ops", secret)
    caplog.set_level(logging.DEBUG)
    late = io.StringIO()
    handler = logging.StreamHandler(late)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logging.getLogger("paramiko.transport.sftp").addHandler(handler)
    try:
        try:
            raise RuntimeError(f"device said: bad password {secret}")
        except RuntimeError:
            logging.getLogger("configgen.push").exception("push failed for %s", secret)
        logging.getLogger("paramiko.transport.sftp").debug("auth %s", secret, stack_info=True)
        logging.getLogger("netmiko.cisco.cisco_ios").warning(f"sent {secret}")
    finally:
        logging.getLogger("paramiko.transport.sftp").removeHandler(handler)
    assert len(caplog.records) == 3
    assert secret not in caplog.text and secret not in late.getvalue()
    assert not [r for r in caplog.records if secret in r.getMessage() or secret in (r.exc_text or "")]
    assert caplog.text.count(MASK) >= 3 and "RuntimeError: device said: bad password ********" in caplog.text


@pytest.mark.parametrize("names", [("core.1", "core-1"), ("core-1", "CORE_1"), ("core.1", "core-1", "CORE_1")])
def test_devices_sharing_a_password_variable_are_refused_when_it_is_set(names):
    env = {"CONFIGGEN_USERNAME": "ops", "CONFIGGEN_PASSWORD": "s3cret-all", "CONFIGGEN_PASSWORD_CORE_1": "s3cret-c1"}
    with pytest.raises(CredentialsError) as refused:
        load_credentials([names[0]], interactive=False, environ=env, namesakes=names)
    assert "CONFIGGEN_PASSWORD_CORE_1" in str(refused.value)
    assert all(name in str(refused.value) for name in names)
    with pytest.raises(CredentialsError):
        load_credentials(list(names), interactive=False, environ=env)
    # Unset, nobody's password is ambiguous: every one of them uses CONFIGGEN_PASSWORD.
    del env["CONFIGGEN_PASSWORD_CORE_1"]
    creds = load_credentials(list(names), interactive=False, environ=env, namesakes=names)
    assert {creds.password_for(n) for n in names} == {"s3cret-all"}


def test_short_password_is_masked_as_a_token_never_inside_words():
    Credentials("ops", "admin")
    assert redact("login admin failed for administrator; sadmin") == \
        f"login {MASK} failed for administrator; sadmin"
    assert redact("ssh://admin:admin@192.0.2.1") == f"ssh://{MASK}:{MASK}@192.0.2.1"
    Credentials("ops", "!pw-9")
    assert redact("x!pw-9 and !pw-99") == f"x{MASK} and !pw-99"


def test_verify_json_report_is_redacted():
    from configgen.verify import ServiceResult, Step, StepResult, VerifyReport

    Credentials("ops", "verify-Secret-77")
    step = StepResult(Step("10.0.0.1", "circuit", "the line"), error="device said verify-Secret-77",
                      output="% Bad password verify-Secret-77")
    report = VerifyReport([ServiceResult("svc", "r1", [step], error="session lost: verify-Secret-77")])
    text = json.dumps(report.to_dict())
    assert "verify-Secret-77" not in text and text.count(MASK) == 3


def test_push_refuses_a_password_variable_two_devices_share(tmp_path, capsys, monkeypatch):
    from configgen.cli import main
    from tests.conftest import INVENTORIES

    text = (INVENTORIES / "hubei-gprs-vpn.yaml").read_text()
    path = tmp_path / "core.yaml"
    # core.1 on the Huawei: a Cisco hostname takes no dot (issue 11, `hostname-rule`).
    path.write_text(text.replace("wh-logistics-ce", "core-1").replace("wh-water-ce", "core.1"))
    monkeypatch.setenv("CONFIGGEN_USERNAME", "ops")
    monkeypatch.setenv("CONFIGGEN_PASSWORD", "s3cret-all")
    monkeypatch.setenv("CONFIGGEN_PASSWORD_CORE_1", "s3cret-c1")
    for only in ([], ["--device", "core.1"]):
        code = main(["push", str(path), *only, "--dry-run", "-q"])
        err = capsys.readouterr().err
        assert code == 2 and "CONFIGGEN_PASSWORD_CORE_1" in err and "core-1, core.1" in err
