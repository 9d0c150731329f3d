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

DEVICE_TYPES = {("cisco", "ios"): "cisco_ios", ("huawei", "vrp5"): "huawei_vrp", ("huawei", "vrp8"): "huawei_vrpv8"}


@dataclass
class Fault:
    """Misbehaviour injected into a device, for testing push/verify error handling."""
    refuse_login: bool = False
    drop_after_lines: int | None = None   # close the connection when line N+1 arrives
    reject: tuple[str, ...] = ()          # regexes; a matching line gets the vendor's error text
    delay: float = 0.0                    # seconds to wait before answering each line

    def rejects(self, line: str) -> bool:
        return any(re.search(pattern, line) for pattern in self.reject)


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
        self.running = self._initial_config(hostname or name)
        self.startup: list[str] = []
        self.commit_based = (vendor, os) == ("huawei", "vrp8")
        self.device_type = DEVICE_TYPES[(vendor, os)]

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
