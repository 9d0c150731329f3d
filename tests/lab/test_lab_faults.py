"""Fault injection: refused logins, dropped sessions, rejected commands, slow answers."""

from __future__ import annotations


import pytest
from netmiko import ConnectHandler
from netmiko.exceptions import ConfigInvalidException, NetmikoAuthenticationException, ReadTimeout

from configgen.lab import Fault
from tests.lab.conftest import DATA, load, start_lab


@pytest.fixture(scope="module")
def lab():
    lab = start_lab(load(DATA / "internet-line.yaml"))
    yield lab
    lab.stop()


@pytest.fixture
def cisco(lab):
    yield lab.netmiko_params("xg-factory-ce")
    lab.set_fault("xg-factory-ce", None)


def test_refused_login(lab, cisco):
    lab.set_fault("xg-factory-ce", Fault(refuse_login=True))
    with pytest.raises(NetmikoAuthenticationException):
        ConnectHandler(**cisco)


def test_wrong_password_is_refused(lab, cisco):
    with pytest.raises(NetmikoAuthenticationException):
        ConnectHandler(**{**cisco, "password": "wrong"})


def test_rejected_command_gets_vendor_error(lab, cisco):
    lab.set_fault("xg-factory-ce", Fault(reject=(r"^ip route ",)))
    with ConnectHandler(**cisco) as conn:
        with pytest.raises(ConfigInvalidException):
            conn.send_config_set(["ip route 0.0.0.0 0.0.0.0 211.137.100.1"], error_pattern=r"% Invalid")
        conn.exit_config_mode()
        assert "ip route" not in conn.send_command("show running-config")


def test_session_dropped_after_n_lines(lab, cisco):
    with ConnectHandler(**cisco) as conn:
        lab.set_fault("xg-factory-ce", Fault(drop_after_lines=0))
        with pytest.raises(Exception):  # noqa: B017 - netmiko raises OSError/EOFError/ReadTimeout
            conn.send_command("show running-config", read_timeout=5)


def test_slow_answers(lab, cisco):
    """A delayed device outlasts an impatient reader and answers a patient one (the
    behaviour push's timeouts meet; no duration is measured here)."""
    with ConnectHandler(**cisco) as conn:
        lab.set_fault("xg-factory-ce", Fault(delay=2.0))
        with pytest.raises(ReadTimeout):
            conn.send_command("show version", read_timeout=0.5)
    lab.set_fault("xg-factory-ce", Fault(delay=0.5))
    with ConnectHandler(**cisco) as conn:
        assert conn.find_prompt() == "xg-factory-ce#"
        assert "xg-factory-ce" in conn.send_command("show running-config", read_timeout=20)


def test_once_drops_only_the_next_session_so_the_rollback_login_gets_through(lab, cisco):
    lab.set_fault("xg-factory-ce", Fault(drop_after_lines=0, once=True))
    with pytest.raises(Exception):  # noqa: B017 - the dropped session
        ConnectHandler(**cisco).send_command("show version", read_timeout=5)
    with ConnectHandler(**cisco) as conn:          # the next login: behaves again
        assert conn.find_prompt() == "xg-factory-ce#"
    assert lab.devices["xg-factory-ce"].fault == Fault()


def test_once_fault_waits_for_the_next_session_not_an_open_one(lab, cisco):
    with ConnectHandler(**cisco) as open_session:
        lab.set_fault("xg-factory-ce", Fault(reject=(r"^ip route ",), once=True))
        assert "Invalid" not in open_session.send_config_set(["ip route 10.9.9.0 255.255.255.0 Null0"])
        with ConnectHandler(**cisco) as next_session:
            assert "Invalid" in next_session.send_config_set(["ip route 10.9.8.0 255.255.255.0 Null0"])
        open_session.send_config_set(["no ip route 10.9.9.0 255.255.255.0 Null0"])
    assert lab.devices["xg-factory-ce"].fault == Fault()
