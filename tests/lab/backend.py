"""A lab backend for tests that run without root: no kernel, no namespace."""

from __future__ import annotations

from configgen.lab import intent
from configgen.lab.device import PingResult


class RecordingBackend:
    """Backend without a kernel: remembers the last desired state; pings answer from a set.

    Used by parser unit tests that run without root."""

    def __init__(self, reachable: set[str] | None = None):
        self.desired = intent.Desired()
        self.reachable = reachable or set()

    def apply(self, desired: intent.Desired) -> None:
        self.desired = desired

    def settle(self) -> None:
        pass

    def ping(self, dst: str, *, count: int, timeout: float, source: str | None, size: int) -> PingResult:
        ok = dst in self.reachable
        return PingResult(count, {i: (1.0, 64) for i in range(1, count + 1)} if ok else {})
