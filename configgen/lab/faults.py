"""Misbehaviour a simulated router can be told to show (`configgen lab up --fault`,
`Lab.set_fault`). Light on imports: the `configgen` command names the fault kinds in its
help without loading the lab."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection


@dataclass
class Fault:
    """Misbehaviour injected into a device, for testing push/verify error handling."""
    refuse_login: bool = False
    drop_after_lines: int | None = None   # close the connection when line N+1 arrives
    reject: tuple[str, ...] = ()          # regexes; a matching line gets the vendor's error text
    delay: float = 0.0                    # seconds to wait before answering each line
    once: bool = False                    # only the next session (or login attempt) gets it

    def rejects(self, line: str) -> bool:
        return any(re.search(pattern, line) for pattern in self.reject)


FAULT_KINDS = "refuse-login, drop-after=N, reject=REGEX, delay=SECONDS, once"


def parse_faults(specs: list[str], devices: Collection[str]) -> dict[str, Fault]:
    """`DEVICE:KIND[=ARG]` specs (`configgen lab up --fault`) -> one Fault per device.
    Several specs for one device combine; `reject` may repeat; `once` makes the device's
    fault apply to its next session only. Raises ValueError with what is wrong."""
    faults: dict[str, Fault] = {}
    for spec in specs:
        device, sep, kind = spec.partition(":")
        if not sep or not device or not kind:
            raise ValueError(f"--fault {spec!r}: write DEVICE:KIND[=ARG], KIND one of {FAULT_KINDS}")
        if device not in devices:
            raise ValueError(f"--fault {spec!r}: no device {device!r} in the inventory")
        name, has_arg, arg = kind.partition("=")
        fault = faults.setdefault(device, Fault())
        try:
            if name == "refuse-login" and not has_arg:
                fault.refuse_login = True
            elif name == "once" and not has_arg:
                fault.once = True
            elif name == "drop-after" and has_arg:
                fault.drop_after_lines = int(arg)
                if fault.drop_after_lines < 0:
                    raise ValueError("a line count is 0 or more")
            elif name == "reject" and has_arg and arg:
                re.compile(arg)
                fault.reject = (*fault.reject, arg)
            elif name == "delay" and has_arg:
                fault.delay = float(arg)
                if not 0 <= fault.delay <= 600:
                    raise ValueError("a delay is 0 to 600 seconds")
            else:
                raise ValueError(f"KIND is one of {FAULT_KINDS}")
        except (ValueError, re.error) as exc:
            raise ValueError(f"--fault {spec!r}: {exc}") from None
    return faults
