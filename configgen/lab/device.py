"""One simulated router: its configuration, faults, and the backend that makes it real.

A `SimDevice` is shared by every SSH session to that router (IOS and VRP allow several
sessions editing one running config). Sessions hold only their CLI mode; the device
holds the config and pushes every change to its `Backend` (a namespace in the lab, a
recorder in unit tests: tests/lab/backend.py).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol

from configgen.lab import intent
from configgen.lab.config import ConfigTree
from configgen.lab.faults import Fault
from configgen.platforms import platform_for


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

    def settle(self) -> None: ...

    def ping(self, dst: str, *, count: int, timeout: float, source: str | None, size: int) -> PingResult: ...


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
            self.settle()

    def factory_config(self) -> ConfigTree:
        """The configuration the device starts with (hostname, its cabled interfaces)."""
        return self._initial_config(self.name if self._hostname is None else self._hostname)

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

    def settle(self) -> None:
        """The namespace catches up with the config (the backend may hold changes until
        then: a session settles when it leaves configuration mode or ends)."""
        self.backend.settle()

    def commit(self, candidate: ConfigTree) -> None:
        """The whole candidate becomes the running config, and the namespace follows at
        once (one change: no session settles after a NETCONF commit)."""
        with self.lock:
            self.running = candidate.copy()
            self.changed()
            self.settle()

    def save(self) -> None:
        with self.lock:
            self.startup = self.running.lines()
