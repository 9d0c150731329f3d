"""The lab's shared SSH password login (configgen/netconf/labauth.py), used by the simulated
routers' CLI and the NETCONF server; both servers' refused-login faults are tested on the lab
(tests/lab/test_lab_faults.py, tests/netconf/test_netconf_push.py)."""

from __future__ import annotations

from configgen.netconf.labauth import PasswordLogin


class Counting(PasswordLogin):
    def __init__(self, refuse: bool):
        super().__init__("lab", "s3cret")
        self.refuse, self.asked = refuse, 0

    def refused(self) -> bool:
        self.asked += 1
        return self.refuse


def test_only_the_one_account_logs_in():
    login = PasswordLogin("lab", "s3cret")
    assert login.begin_auth("anyone") and login.password_auth_supported()
    assert login.validate_password("lab", "s3cret")
    assert not login.validate_password("lab", "s3cret ")
    assert not login.validate_password("admin", "s3cret")
    assert not login.validate_password("lab", "s3crét") and not login.validate_password("läb", "s3cret")
    assert PasswordLogin("läb", "pässwort").validate_password("läb", "pässwort")


def test_a_refusal_is_asked_at_every_password_and_wins_over_the_right_one():
    refusing, open_ = Counting(refuse=True), Counting(refuse=False)
    assert not refusing.validate_password("lab", "s3cret") and refusing.asked == 1
    assert open_.validate_password("lab", "s3cret") and not open_.validate_password("lab", "x")
    assert open_.asked == 2
