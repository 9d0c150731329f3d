"""`configgen lab up --fault DEVICE:KIND[=ARG]` specs -> Fault (no root needed)."""

from __future__ import annotations

import pytest

from configgen.lab.faults import Fault, parse_faults

DEVICES = {"r1": object(), "r2": object()}


def test_specs_combine_per_device():
    faults = parse_faults(["r1:drop-after=12", "r1:once", "r1:reject=^ip route", "r1:reject=a:b=c",
                           "r2:refuse-login", "r2:delay=0.5"], DEVICES)
    assert faults == {"r1": Fault(drop_after_lines=12, reject=("^ip route", "a:b=c"), once=True),
                      "r2": Fault(refuse_login=True, delay=0.5)}


@pytest.mark.parametrize("spec, message", [
    ("r1", "write DEVICE:KIND"), (":once", "write DEVICE:KIND"), ("r9:once", "no device 'r9'"),
    ("r1:explode", "KIND is one of"), ("r1:drop-after", "KIND is one of"), ("r1:drop-after=x", "invalid literal"),
    ("r1:drop-after=-1", "0 or more"), ("r1:delay=9999", "0 to 600"), ("r1:reject=(", "missing"),
    ("r1:refuse-login=yes", "KIND is one of"), ("r1:reject=", "KIND is one of"),
])
def test_bad_specs_say_what_is_wrong(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_faults([spec], DEVICES)
