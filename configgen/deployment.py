"""What `configgen.api`'s push, verify and deploy return, how they reach the devices
(`Access`) and which they reach (`Reach`): loaded when something delivers, never by `configgen validate` (start-up time;
tests/test_startup_imports.py). `configgen.api` names each of them (`api.PushResult`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Collection

if TYPE_CHECKING:
    from pathlib import Path

    from configgen.push.credentials import Credentials
    from configgen.push.engine import DeviceResult, PushReport
    from configgen.push.targets import Target
    from configgen.rendered import RenderResult
    from configgen.verify.runner import ServiceResult, VerifyReport


@dataclass(frozen=True)
class Access:
    """How push and verify reach the devices; both use the same (one session layer:
    `push.targets.Target.connect`, configgen's drivers, strict host keys).

    `connections`: a connection file (`configgen lab up`) with host, port and host key per
    device, and the lab's own login. `credentials`: None takes them the way `configgen push`
    does (push.credentials.load_credentials: the connection file's login, else
    CONFIGGEN_USERNAME / CONFIGGEN_PASSWORD[_<DEVICE>], else a prompt when `interactive`)."""

    connections: str | Path | None = None
    known_hosts: str | Path = "~/.ssh/known_hosts"
    accept_new_host_keys: bool = False
    credentials: Credentials | None = None
    interactive: bool | None = None       # None: prompt only when stdin is a terminal


@dataclass(frozen=True)
class Reach:
    """The devices push and verify act on, and the login they use."""

    targets: dict[str, Target]
    credentials: Credentials = field(repr=False)

    def only(self, devices: Collection[str]) -> "Reach":
        return Reach({name: self.targets[name] for name in self.targets if name in devices}, self.credentials)


@dataclass
class PushResult:
    """`report` is None when the inventory or a template had errors (`rendered.checked`
    has the findings): nothing was sent."""

    rendered: RenderResult
    report: PushReport | None = None

    @property
    def ok(self) -> bool:
        return self.report is not None and self.report.ok

    @property
    def devices(self) -> dict[str, DeviceResult]:
        return {r.device: r for r in self.report.results} if self.report else {}


@dataclass
class DeviceVerification:
    """A device's services, each with its ordered ping steps (verify.runner.ServiceResult)."""

    device: str
    services: list[ServiceResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.services)


@dataclass
class VerifyResult:
    """`report` is None when the inventory or a template had errors: nothing was pinged."""

    rendered: RenderResult
    report: VerifyReport | None = None
    devices: dict[str, DeviceVerification] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.report is not None and self.report.ok


@dataclass
class DeviceDeployment:
    """One device's push and, when every push succeeded, its verification."""

    device: str
    push: DeviceResult
    verify: DeviceVerification | None = None     # None: verify did not run (a push failed)

    @property
    def ok(self) -> bool:
        return self.push.ok and self.verify is not None and self.verify.ok


@dataclass
class DeployResult:
    """validate -> render -> push -> verify, stopped at the first stage that failed:
    `stage` is the last one that ran (render, push or verify)."""

    rendered: RenderResult
    stage: str = "render"
    push: PushReport | None = None
    verify: VerifyReport | None = None
    devices: dict[str, DeviceDeployment] = field(default_factory=dict)
    # NETCONF devices whose commit waited for the pings and was then kept or rolled back:
    # their push results (in `push`) say which.
    settled: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (self.stage == "verify" and self.verify is not None and self.verify.ok
                and (self.push is None or self.push.ok))
