"""The Huawei drivers skip netmiko's escape-code stripping when a read holds no ESC: the
text must come out exactly as netmiko's own stripping gives it, with or without codes."""

from __future__ import annotations

import pytest
from netmiko.huawei.huawei import HuaweiSSH, HuaweiVrpv8SSH

from configgen.push.drivers import FastHuaweiSSH, FastHuaweiVrpv8SSH

TEXTS = [
    "",
    "<wh-water-ce>",
    "display current-configuration\r\n#\r\nsysname wh-water-ce\r\n#\r\nreturn\r\n<wh-water-ce>",
    "  ---- More ----\x1b[42D                                          \x1b[42D  ip route-static",
    "[~wh-power-ce] \x1b[1Dcommit\r\n",
    "\x1b[2J\x1b[24;1H<R1>\x1bE\x1b[2Lnext",
    "tab\tand ctrl \x07 but no escape",
]


@pytest.mark.parametrize(("fast", "stock"), [(FastHuaweiSSH, HuaweiSSH), (FastHuaweiVrpv8SSH, HuaweiVrpv8SSH)])
@pytest.mark.parametrize("text", TEXTS)
def test_stripping_gives_what_netmiko_gives(fast, stock, text):
    driver = object.__new__(fast)      # no session: stripping needs only the line end
    driver.RETURN = "\n"
    assert driver.strip_ansi_escape_codes(text) == stock.strip_ansi_escape_codes(driver, text)
