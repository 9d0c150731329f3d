"""Run the planned pings on each customer router over SSH and judge every service.

Every step runs even after a failure (a LAN that works while the operator routing does
not is worth knowing), but the service's verdict names the segment of its *first*
failing step: the steps are ordered so that the first failure localises the fault.
Devices run in parallel; one unreachable device fails only its own services.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from netmiko.exceptions import NetmikoAuthenticationException

from configgen.inventory import Inventory
from configgen.push.credentials import Credentials, redact, redact_all
from configgen.push.drivers import HostKeyError
from configgen.push.targets import Target
from configgen.verify.ping import PingParseError, PingStats, parse_ping
from configgen.verify.plan import Step, plan_service

if TYPE_CHECKING:
    from netmiko import BaseConnection

Progress = Callable[[str, str], None]     # (device, message)


@dataclass
class StepResult:
    step: Step
    passed: bool = False
    stats: PingStats | None = None
    command: str = ""
    error: str | None = None
    output: str | None = None     # raw device output, kept when the step failed

    def to_dict(self) -> dict[str, Any]:
        out = {**asdict(self.step), "passed": self.passed, "command": self.command, "error": self.error}
        if self.stats is not None:
            out.update(sent=self.stats.sent, received=self.stats.received, loss_pct=round(self.stats.loss_pct, 2),
                       rtt_min=self.stats.rtt_min, rtt_avg=self.stats.rtt_avg, rtt_max=self.stats.rtt_max)
        if self.output is not None:
            out["output"] = self.output
        return out


@dataclass
class ServiceResult:
    service: str
    device: str
    steps: list[StepResult] = field(default_factory=list)
    error: str | None = None      # the device could not be reached at all

    @property
    def ok(self) -> bool:
        return self.error is None and all(s.passed for s in self.steps)

    @property
    def failed_step(self) -> StepResult | None:
        return next((s for s in self.steps if not s.passed), None)

    @property
    def failed_segment(self) -> str | None:
        failed = self.failed_step
        return failed.step.segment if failed else ("device access" if self.error else None)

    def to_dict(self) -> dict[str, Any]:
        return {"service": self.service, "device": self.device, "ok": self.ok,
                "failed_segment": self.failed_segment, "error": self.error,
                "steps": [s.to_dict() for s in self.steps]}


@dataclass
class VerifyReport:
    services: list[ServiceResult]

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.services)

    def to_dict(self) -> dict[str, Any]:
        """The JSON report, secrets masked (device output can echo them)."""
        redacted: dict[str, Any] = redact_all({"ok": self.ok, "services": [s.to_dict() for s in self.services]})
        return redacted

    def table(self) -> str:
        lines = []
        for service in self.services:
            verdict = "ok" if service.ok else f"FAILED at {service.failed_segment}"
            lines.append(f"{service.service} ({service.device}): {verdict}")
            if service.error:
                lines.append(f"  {service.error}")
            for n, result in enumerate(service.steps, start=1):
                step = result.step
                mark = "pass" if result.passed else "FAIL"
                got = (f"{result.stats.received}/{result.stats.sent}" if result.stats else result.error or "")
                expect = " (expected to fail)" if step.expect == "fail" else ""
                source = f" from {step.source_interface}" if step.source_interface else ""
                lines.append(f"  {n}. {mark}  {step.segment:<16} ping {step.target}{source}{expect}: {got}")
        return redact("\n".join(lines))


def verify(inventory: Inventory, targets: dict[str, Target], credentials: Credentials, *, count: int = 5,
           timeout: float = 2.0, workers: int = 4, progress: Progress | None = None) -> VerifyReport:
    """Ping every service on the devices in `targets` (services of other devices are skipped)."""
    notify: Progress = progress or (lambda device, message: None)
    services = [s for s in inventory.services if s.device in targets]
    # Planned before any session: a service kind without verify_targets fails here, loudly.
    plans = {s.name: plan_service(s, inventory) for s in services}
    by_device: dict[str, list[Any]] = {}
    for service in services:
        by_device.setdefault(service.device, []).append(service)
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="cgverify") as pool:
        futures = {name: pool.submit(_verify_device, targets[name], group, plans, credentials,
                                     count, timeout, notify)
                   for name, group in by_device.items()}
        done = {name: future.result() for name, future in futures.items()}
    order = {s.name: i for i, s in enumerate(services)}
    return VerifyReport(sorted((r for results in done.values() for r in results), key=lambda r: order[r.service]))


def _verify_device(target: Target, services: list[Any], plans: dict[str, list[Step]], credentials: Credentials, count: int,
                   timeout: float, notify: Progress) -> list[ServiceResult]:
    results = [ServiceResult(s.name, s.device) for s in services]
    notify(target.name, "connecting")
    try:
        conn = target.connect(credentials)
    except NetmikoAuthenticationException:
        error = f"login refused for user {credentials.username!r} at {target.host}:{target.port}"
    except HostKeyError as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 - reported per service
        error = f"cannot reach {target.host}:{target.port}: {type(exc).__name__}: {exc}".splitlines()[0]
    else:
        current = 0
        try:
            for current, (service, result) in enumerate(zip(services, results)):  # noqa: B007 - the handler reads it
                notify(target.name, f"verifying {service.name}")
                for step in plans[service.name]:
                    result.steps.append(_ping(conn, target, step, count, timeout))
        except Exception as exc:  # noqa: BLE001 - a session lost mid-way fails what is left
            for result in results[current:]:
                result.error = redact(f"session lost: {type(exc).__name__}: {exc}".splitlines()[0])
        finally:
            try:
                conn.disconnect()
            except Exception:  # noqa: BLE001
                pass
        notify(target.name, "done")
        return results
    for result in results:
        result.error = redact(error)
    notify(target.name, "failed: " + redact(error))
    return results


def _ping(conn: BaseConnection, target: Target, step: Step, count: int, timeout: float) -> StepResult:
    platform = target.platform
    source = ""
    if step.source_interface:
        source = platform.verification.ping_source.format(interface=step.source_interface, address=step.source_address)
    command = platform.verification.ping_command.format(target=step.target, source=source, count=count,
                                           timeout_s=max(1, round(timeout)), timeout_ms=int(timeout * 1000))
    # Wait for the command's echo, then for this device's prompt. netmiko's default
    # (find_prompt before each command) can leave late prompts in the buffer that end the
    # next read before the ping output arrives: seen on the lab right after a push.
    output = str(conn.send_command(command, expect_string=re.escape(conn.base_prompt) + r".*[>\]#]\s*$",
                                   cmd_verify=True, read_timeout=count * (timeout + 1) + 10))
    result = StepResult(step, command=command)
    try:
        result.stats = parse_ping(platform.verification.ping_parser, command, output)
    except PingParseError as exc:
        result.error = str(exc)
    got_through = result.stats is not None and result.stats.success
    result.passed = got_through if step.expect == "pass" else (result.stats is not None and not got_through)
    if not result.passed:
        result.output = output
    return result
