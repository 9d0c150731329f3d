"""Deliver rendered configs: read, diff, apply line by line, save or commit, roll back.

One worker per device (ThreadPoolExecutor); a device's failure never stops the others.
Per device:
1. log in through configgen's driver (`targets.Target.connect`) and read the running config;
2. the device's planner: `diff.plan_changes` for a push (only what differs, only in
   configgen's scope), `diff.plan_restore` for a rollback from a backup file;
   with a backup directory, the running config read in step 1 is written there first;
3. enter config mode once and send the commands one `send_config_set` call per line, so
   the report can say exactly which lines were applied when something goes wrong;
4. on commit-based VRP8 `commit`; then save (`write memory` / `save` + `y`) on every OS.

Failures:
- a refused line (`error_pattern`): stop, undo what this push applied (VRP8: leave
  without committing; otherwise re-read the device and send hier_config's way back
  to the running config read in step 1), report the line and the device's error text;
- a lost session: report applied / in-flight / not sent; VRP8 drops the uncommitted
  candidate with the session; elsewhere log in again and roll back the same way.
Startup config is saved only after a clean apply, so a rollback needs no save.
"""

from __future__ import annotations

import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from netmiko.exceptions import NetmikoAuthenticationException, ReadException, WriteException
from paramiko.ssh_exception import SSHException

from configgen.fileio import write_atomic
from configgen.findings import InputError
from configgen.inventory import Inventory
from configgen.platforms import platform_for
from configgen.push.credentials import Credentials, redact, redact_all
from configgen.push.drivers import HostKeyError
from configgen.push.diff import ChangePlan, plan_changes, plan_restore, rollback_commands
from configgen.push.targets import Target
from configgen.push.ownership import for_config

if TYPE_CHECKING:
    from netmiko import BaseConnection

log = logging.getLogger("configgen.push")

# Statuses: "unchanged" and "changed" (and "planned" in a dry run) are success.
OK_STATUSES = ("unchanged", "changed", "planned")
VRP8_DISCARD_QUESTION = r"\[Y\(yes\)/N\(no\)/C\(cancel\)\]:?"

# What a dead or stuck SSH session raises inside netmiko/paramiko.
SESSION_LOST = (OSError, EOFError, SSHException, ReadException, WriteException)

Progress = Callable[[str, str], None]     # (device, message)
Planner = Callable[[str], ChangePlan]     # the device's running config -> what to send


@dataclass
class DeviceResult:
    device: str
    status: str = "failed"
    stage: str = "connect"                 # where it ended: connect, read, check, backup, apply, commit, save, done
    commands: list[str] = field(default_factory=list)        # the planned diff
    applied: list[str] = field(default_factory=list)
    in_flight: str | None = None           # sent when the session was lost: may or may not be applied
    not_sent: list[str] = field(default_factory=list)
    failed_line: str | None = None
    device_error: str | None = None        # the device's own error text for failed_line
    error: str | None = None
    rollback: list[str] = field(default_factory=list)         # commands sent to undo `applied`
    conflicts: list[str] = field(default_factory=list)        # foreign objects in the way (nothing sent)
    rolled_back: bool | None = None        # None: nothing needed undoing
    committed: bool | None = None          # VRP8: the commit went through (None: not attempted / not VRP8)
    saved: bool | None = None              # running config written to startup (None: not attempted)
    backup: str | None = None              # file holding the running config from before the change
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in OK_STATUSES

    def to_dict(self) -> dict[str, Any]:
        redacted: dict[str, Any] = redact_all(asdict(self))
        return redacted


@dataclass
class PushReport:
    results: list[DeviceResult]
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "dry_run": self.dry_run, "devices": [r.to_dict() for r in self.results]}

    def table(self) -> str:
        rows = [("device", "status", "lines", "applied", "time", "detail")]
        for r in self.results:
            detail = r.error or ""
            if r.ok and r.stage == "verify":       # a NETCONF change waiting for deploy's pings
                detail = "committed; kept only if its verification pings pass"
            if r.failed_line:
                detail = f"rejected {r.failed_line!r}: {r.device_error or r.error}"
            if r.rolled_back is not None:
                detail += "; rolled back" if r.rolled_back else "; ROLLBACK FAILED"
            if r.backup:
                detail += ("; " if detail else "") + f"backup {r.backup}"
            rows.append((r.device, r.status, str(len(r.commands)), str(len(r.applied)), f"{r.seconds:.1f}s",
                         redact(detail)))
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        return "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5]
                         for row in rows).rstrip()


def push_devices(inventory: Inventory, configs: dict[str, str], targets: dict[str, Target], credentials: Credentials, *,
                 dry_run: bool = False, workers: int = 4, progress: Progress | None = None,
                 line_timeout: float = 30.0, backup_dir: str | Path | None = None) -> PushReport:
    """Push `configs[device]` (rendered text) to every target, `workers` at a time.
    The inventory must have validated: `configgen.api.render` only renders then.

    `line_timeout`: seconds to wait for the device to answer one config line; a dead
    session is only noticed when it runs out (netmiko keeps reading a closed channel).
    `backup_dir`: before changing a device, write the running config it had there
    (`write_backup`); the result names the file."""
    missing = sorted(set(targets) - set(configs))
    if missing:
        raise InputError(f"no rendered configuration for {', '.join(missing)}: nothing to push there")
    planners = {name: push_planner(inventory, name, configs[name]) for name in targets}
    return deliver(targets, planners, credentials, dry_run=dry_run, workers=workers, progress=progress,
                   line_timeout=line_timeout, backup_dir=backup_dir)


def push_planner(inventory: Inventory, device: str, intended: str) -> Planner:
    """What a push sends to `device`: its rendered config against the running one, in
    configgen's scope, after the ownership check (diff.plan_changes)."""
    platform, ownership = platform_for(inventory.devices[device]), for_config(inventory, device, intended)
    return lambda running: plan_changes(platform, running, intended, ownership)


def restore_planner(inventory: Inventory, device: str, rendered: str, backup: str) -> Planner:
    """What a rollback sends to `device`: configgen's part of `backup` (a running config
    push saved) against its part of the running config (diff.plan_restore)."""
    platform, ownership = platform_for(inventory.devices[device]), for_config(inventory, device, rendered)
    return lambda running: plan_restore(platform, running, backup, rendered, ownership)


def plan_offline(inventory: Inventory, configs: dict[str, str], running: dict[str, str]) -> PushReport:
    """`configgen diff`: the report `push --dry-run` gives when the devices' running
    configs are `running[device]` (text as the device prints it), with no device."""
    results = []
    for name, text in running.items():
        result = DeviceResult(name, stage="check")
        record_plan(result, push_planner(inventory, name, configs[name])(text), dry_run=True)
        results.append(result)
    return PushReport(results, dry_run=True)


def record_plan(result: DeviceResult, plan: ChangePlan, dry_run: bool) -> bool:
    """Put `plan` into `result`: True when there is something to send now. A conflict
    fails the device with nothing sent (a dry run's message says what a push would do);
    an empty plan or a dry run ends it here."""
    if plan.conflicts:
        result.stage = "check"
        result.conflicts = [c.message(result.device, planned=dry_run) for c in plan.conflicts]
        result.error = "; ".join(result.conflicts)
        return False
    result.commands = plan.commands
    if plan.empty or dry_run:
        result.status, result.stage = ("planned" if plan.commands else "unchanged"), "done"
        return False
    return True


def write_backup(directory: str | Path, device: str, running: str, suffix: str = ".cfg") -> Path:
    """`<directory>/<device>-<UTC time><suffix>` (`.xml`: a NETCONF device's datastore),
    mode 0600 (a running config may hold the device's secrets), written atomically; never
    over an earlier backup."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path, n = Path(directory) / f"{device}-{stamp}{suffix}", 1
    while path.exists():
        n += 1
        path = Path(directory) / f"{device}-{stamp}-{n}{suffix}"
    return write_atomic(path, running if running.endswith("\n") else running + "\n", mode=0o600)


def deliver(targets: dict[str, Target], planners: dict[str, Planner], credentials: Credentials, *,
            dry_run: bool = False, workers: int = 4, progress: Progress | None = None,
            line_timeout: float = 30.0, backup_dir: str | Path | None = None) -> PushReport:
    """Read each target, plan with its planner, apply, commit, save: one worker per device."""
    notify = progress or (lambda device, message: None)
    results: dict[str, DeviceResult] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="cgpush") as pool:
        futures = {pool.submit(_push_one, target, planners[name], credentials, dry_run, notify,
                               line_timeout, backup_dir): name
                   for name, target in targets.items()}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
    return PushReport([results[name] for name in targets], dry_run)


def _push_one(target: Target, planner: Planner, credentials: Credentials, dry_run: bool,
              notify: Progress, line_timeout: float, backup_dir: str | Path | None) -> DeviceResult:
    result = DeviceResult(target.name)
    started = time.monotonic()
    try:
        _deliver(target, planner, credentials, dry_run, result, notify, line_timeout, backup_dir)
    except NetmikoAuthenticationException:
        result.error = f"login refused for user {credentials.username!r} at {target.host}:{target.port}"
    except HostKeyError as exc:
        result.error = str(exc)
    except SESSION_LOST as exc:
        result.error = f"{type(exc).__name__} during {result.stage}: {_first_line(exc)}"
    except Exception as exc:  # logged: one device's surprise must not sink the others
        log.exception("%s: unexpected failure", target.name)
        result.error = f"{type(exc).__name__} during {result.stage}: {_first_line(exc)}"
    result.seconds = time.monotonic() - started
    result.error = redact(result.error) if result.error else None
    notify(target.name, result.status if not result.error else f"failed: {result.error}")
    return result


def _deliver(target: Target, planner: Planner, credentials: Credentials, dry_run: bool,
             result: DeviceResult, notify: Progress, line_timeout: float, backup_dir: str | Path | None) -> None:
    platform = target.platform
    notify(target.name, "connecting")
    conn = target.connect(credentials)
    try:
        result.stage = "read"
        original = str(conn.send_command(platform.delivery.running_config_command, read_timeout=60))
        plan = planner(original)
        if not record_plan(result, plan, dry_run):
            return
        if backup_dir is not None:
            result.stage = "backup"
            try:
                result.backup = str(write_backup(backup_dir, target.name, original))
            except OSError as exc:
                result.error = (f"nothing sent: the backup of the running config could not be written "
                                f"in {backup_dir}: {exc.strerror or exc}")
                return
        result.stage = "apply"
        notify(target.name, f"applying {len(plan.commands)} line(s)")
        if not _apply(conn, target, plan, original, credentials, result, line_timeout):
            return
        if platform.delivery.commit_based:
            result.stage = "commit"
            if not _commit(conn, target, result):
                return
        result.stage = "save"
        _save(conn, target, result)
    finally:
        try:
            conn.disconnect()
        except Exception:  # noqa: BLE001 - the session may already be gone
            pass


def _commit(conn: BaseConnection, target: Target, result: DeviceResult) -> bool:
    """VRP8: candidate -> running. A refused or failed commit leaves nothing committed:
    the candidate is discarded (leaving system-view answering N) and the report says so."""
    platform = target.platform
    try:
        output = str(conn.send_command("commit", expect_string=r"[\]>]\s*$", read_timeout=120))
    except Exception as exc:  # noqa: BLE001 - the session may be gone: VRP drops the candidate with it
        result.error = (f"nothing committed: commit failed ({type(exc).__name__}: {_first_line(exc)}); "
                        "VRP discards an uncommitted candidate when the session ends")
        result.committed, result.saved = False, False
        return False
    refused = re.search(platform.delivery.config_error_pattern, output, re.M)
    if refused or "Failed to generate committed config" in output:
        result.device_error = refused.group(0).strip() if refused else "Failed to generate committed config"
        result.error = f"nothing committed: the device refused the commit ({result.device_error})"
        result.committed, result.saved = False, False
        _roll_back(conn, target, None, "", result)        # leaves system-view discarding the candidate
        if result.rolled_back:
            result.error += "; the candidate was discarded"
        return False
    result.committed = True
    return True


def _save(conn: BaseConnection, target: Target, result: DeviceResult) -> None:
    """Leave config mode and save running -> startup (VRP8 too: platforms.py). A failure
    here is reported as what it is: the running config has the change, startup does not."""
    platform = target.platform
    changed = "running config changed" + (" (committed)" if platform.delivery.commit_based else "")
    try:
        conn.exit_config_mode()
        output = conn.save_config()
    except Exception as exc:  # noqa: BLE001 - reported with the real state of the device
        result.saved = False
        result.error = (f"{changed}, startup NOT saved: {type(exc).__name__} during save: {_first_line(exc)}; "
                        f"run `{platform.delivery.save_command}` on the device (a reload would lose the change)")
        return
    refused = re.search(platform.delivery.config_error_pattern, output, re.M)
    if refused:
        result.saved, result.device_error = False, refused.group(0).strip()
        result.error = (f"{changed}, startup NOT saved: the device refused `{platform.delivery.save_command}` "
                        f"({result.device_error}); save it by hand (a reload would lose the change)")
        return
    result.saved = True
    result.status, result.stage = "changed", "done"


def _apply(conn: BaseConnection, target: Target, plan: ChangePlan, original: str, credentials: Credentials,
           result: DeviceResult, line_timeout: float) -> bool:
    """Send the plan; on failure roll back and fill `result`. True when all went in."""
    platform = target.platform
    conn.config_mode()
    for index, command in enumerate(plan.commands):
        try:
            # The device's answer is read here, not through netmiko's error_pattern: the
            # report quotes the device's own error line, whatever netmiko's wording.
            output = conn.send_config_set([command], enter_config_mode=False, exit_config_mode=False,
                                          read_timeout=line_timeout)
            refused = re.search(platform.delivery.config_error_pattern, output, re.M)
            if refused:
                result.failed_line, result.not_sent = command, plan.commands[index + 1:]
                result.device_error = refused.group(0).strip()
                result.error = "device rejected a line"
                _roll_back(conn, target, plan, original, result)
                return False
        except SESSION_LOST as exc:
            result.in_flight, result.not_sent = command, plan.commands[index + 1:]
            result.error = f"session lost while sending line {index + 1} of {len(plan.commands)}: {_first_line(exc)}"
            if platform.delivery.commit_based:
                result.rolled_back = True    # the uncommitted candidate died with the session
            else:
                _roll_back_after_loss(target, plan, original, credentials, result)
            return False
        result.applied.append(command)
    return True


def _roll_back(conn: BaseConnection, target: Target, plan: ChangePlan | None, original: str, result: DeviceResult) -> None:
    platform = target.platform
    try:
        if platform.delivery.commit_based:
            # Leave without committing: VRP8 asks whether to commit; the answer is no.
            output = str(conn.send_command("return", expect_string=rf"{VRP8_DISCARD_QUESTION}|>\s*$"))
            if re.search(VRP8_DISCARD_QUESTION, output):
                conn.send_command("N", expect_string=r">\s*$")
            result.rolled_back = True
            return
        conn.exit_config_mode()
        assert plan is not None   # only a commit-based device rolls back without a plan
        _send_rollback(conn, target, plan, original, result)
    except Exception as exc:  # noqa: BLE001 - reported, never raised: the report must come out
        result.rolled_back = False
        result.error = f"{result.error or ''}; rollback failed: {_first_line(exc)}"


def _roll_back_after_loss(target: Target, plan: ChangePlan, original: str, credentials: Credentials,
                          result: DeviceResult) -> None:
    try:
        conn = target.connect(credentials)
    except Exception as exc:  # noqa: BLE001
        result.rolled_back = False
        result.error = f"{result.error or ''}; could not log in again to roll back: {_first_line(exc)}"
        return
    try:
        _send_rollback(conn, target, plan, original, result)
    except Exception as exc:  # noqa: BLE001
        result.rolled_back = False
        result.error = f"{result.error or ''}; rollback failed: {_first_line(exc)}"
    finally:
        try:
            conn.disconnect()
        except Exception:  # noqa: BLE001
            pass


def _send_rollback(conn: BaseConnection, target: Target, plan: ChangePlan, original: str, result: DeviceResult) -> None:
    """Re-read the device and send the way back to `original` for what the plan touched."""
    platform = target.platform
    current = str(conn.send_command(platform.delivery.running_config_command, read_timeout=60))
    result.rollback = rollback_commands(platform, current, original, plan.headers)
    if result.rollback:
        conn.send_config_set(result.rollback, error_pattern=platform.delivery.config_error_pattern, read_timeout=30)
    result.rolled_back = True


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return redact(text.splitlines()[0])
