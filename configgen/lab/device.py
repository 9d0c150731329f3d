"""One simulated router: its configuration, faults, and the backend that makes it real.

A `SimDevice` is shared by every SSH session to that router (IOS and VRP allow several
sessions editing one running config). Sessions hold only their CLI mode; the device
holds the config and pushes every change to its `Backend` (a namespace in the lab, a
recorder in unit tests).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Protocol

from configgen.lab import intent
from configgen.lab.config import ConfigTree
from configgen.platforms import platform_for



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


def parse_faults(specs: list[str], devices) -> dict[str, Fault]:
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


@dataclass
class PingResult:
    sent: int
    replies: dict[int, tuple[float, int]] = field(default_factory=dict)   # seq -> (ms, ttl)
    unreachable: set[int] = field(default_factory=set)
    error: str | None = None              # e.g. source address not on this router

    @property
    def received(self) -> int:
        return len(self.replies)


class Backend(Protocol):
    def apply(self, desired: intent.Desired) -> None: ...

    def ping(self, dst: str, *, count: int, timeout: float, source: str | None, size: int) -> PingResult: ...


class RecordingBackend:
    """Backend without a kernel: remembers the last desired state; pings answer from a set.

    Used by parser unit tests that run without root."""

    def __init__(self, reachable: set[str] | None = None):
        self.desired = intent.Desired()
        self.reachable = reachable or set()

    def apply(self, desired: intent.Desired) -> None:
        self.desired = desired

    def ping(self, dst: str, *, count: int, timeout: float, source: str | None, size: int) -> PingResult:
        ok = dst in self.reachable
        return PingResult(count, {i: (1.0, 64) for i in range(1, count + 1)} if ok else {})


class SimDevice:
    def __init__(self, name: str, vendor: str, os: str, links: dict[str, str], backend: Backend,
                 hostname: str | None = None):
        self.name, self.vendor, self.os = name, vendor, os
        self.links = links            # canonical interface name -> Linux dev in the namespace
        self.backend = backend
        self.fault = Fault()
        self.lock = threading.RLock()
        self._fault_lock = threading.Lock()
        self._hostname = hostname
        self.running = self._initial_config(hostname or name)
        self.startup: list[str] = []
        delivery = platform_for(self).delivery   # the product's facts, not a copy
        self.commit_based = delivery.commit_based
        self.device_type = delivery.netmiko_type

    def reset(self) -> None:
        """Back to the factory state (initial config, nothing saved), so a benchmark can
        push the same config again and do the same work."""
        with self.lock:
            self.running = self._initial_config(self.name if self._hostname is None else self._hostname)
            self.startup = []
            self.changed()

    def _initial_config(self, hostname: str) -> ConfigTree:
        tree = ConfigTree(self.vendor)
        tree.set_line(tree.root, ("hostname " if self.vendor == "cisco" else "sysname ") + hostname)
        for canon in self.links:
            section = tree.section(tree.root, "interface " + canon)
            if self.vendor == "cisco":
                tree.set_line(section, "no ip address")
        return tree

    @property
    def hostname(self) -> str:
        keyword = "hostname " if self.vendor == "cisco" else "sysname "
        nodes = self.running.top(keyword)
        return nodes[-1].text[len(keyword):].strip() if nodes else self.name

    def claim_fault(self) -> Fault | None:
        """A new session or login attempt takes a `once` fault for itself (the device
        behaves again for everyone after it); None when the fault is not `once`."""
        # Its own short lock: `lock` is held across namespace changes and pings, and this
        # runs on the SSH event loop, which must never wait for those.
        with self._fault_lock:
            fault = self.fault
            if not fault.once:
                return None
            self.fault = Fault()
            return fault

    def current_fault(self) -> Fault:
        """The fault an open session sees now: a `once` fault waits for the next session."""
        fault = self.fault
        return Fault() if fault.once else fault

    def desired(self) -> intent.Desired:
        derive = intent.desired_cisco if self.vendor == "cisco" else intent.desired_huawei
        return derive(self.running, self.links)

    def changed(self) -> None:
        """Call after editing `running` (under `lock`): the namespace follows the config."""
        self.backend.apply(self.desired())

    def commit(self, candidate: ConfigTree) -> None:
        with self.lock:
            self.running = candidate.copy()
            self.changed()

    def save(self) -> None:
        with self.lock:
            self.startup = self.running.lines()
