"""`configgen push | verify | deploy | diff | rollback`: thin wrappers over configgen.push and
configgen.verify.

`diff` is `push --dry-run` against running configs saved as files (no credentials, no
SSH); `rollback` restores configgen's part of a running config `push --backup-dir` saved.

Exit codes as for every configgen command: 0 all good; 1 findings (an invalid inventory or
template: nothing attempted) or a device, step or service failed; 2 nothing was attempted
because input is unreadable or unusable: an inventory or connection file that cannot be read,
a device unknown or without a rendered config, no credentials, a usage error.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
import threading
from pathlib import Path
from typing import Any, Callable, TYPE_CHECKING

from configgen.commands.common import (EXIT_FINDINGS, EXIT_OK, Subcommands, add_format, document, emit_json, fail,
                                      positive_int, positive_seconds, print_findings, progress_wanted, wants_json)
from configgen.findings import InputError

if TYPE_CHECKING:   # the commands import what they run only when they run
    from configgen.api import Access, DeployResult, Reach, RenderResult
    from configgen.push import PushReport
    from configgen.verify import VerifyReport


class _Progress:
    """One stderr line per event, so parallel devices never garble each other."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled, self.finished = total, enabled, 0
        self.lock = threading.Lock()

    def __call__(self, device: str, message: str) -> None:
        if not self.enabled:
            return
        with self.lock:
            final = message in ("changed", "unchanged", "planned", "done") or message.startswith("failed")
            self.finished += final
            from configgen.push.credentials import redact

            print(redact(f"[{self.finished}/{self.total}] {device}: {message}"), file=sys.stderr, flush=True)


def _show_progress(args: argparse.Namespace) -> bool:
    return not args.quiet and progress_wanted()


def _progress(args: argparse.Namespace, reached: Reach) -> _Progress:
    """Progress lines counting the devices reached."""
    return _Progress(len(reached.targets), _show_progress(args))


def _render(args: argparse.Namespace, nothing: str) -> RenderResult | int:
    """Validate + render as `render --templates` does (push sends what render writes):
    the result, or EXIT_FINDINGS after printing the findings."""
    from configgen import api

    result = api.render(args.inventory, template_dir=args.templates, freeze_gc=True, template_findings=True)
    if not result.checked.ok:
        print_findings(result.checked.findings, args)
        print(f"{nothing}: fix the errors above first", file=sys.stderr)
        return EXIT_FINDINGS
    return result


def _access(args: argparse.Namespace) -> Access:
    from configgen import api

    return api.Access(connections=args.connections or None, known_hosts=args.known_hosts,
                      accept_new_host_keys=args.accept_new_host_keys)


def _prepare(args: argparse.Namespace) -> tuple[RenderResult, Reach] | int:
    """Validate + render, resolve targets and credentials (api.reach): (result, reach) or an exit code."""
    from configgen import api
    from configgen.push.credentials import CredentialsError, install_log_redaction

    install_log_redaction()
    result = _render(args, "nothing pushed or verified")
    if isinstance(result, int):
        return result
    try:
        reached = api.reach(result.checked.inventory, args.device, _access(args), rendered=result.configs)
    except CredentialsError as exc:
        return fail(args, "input", str(exc))
    return result, reached


def _on_reached(run: Callable[[argparse.Namespace, RenderResult, Reach], int]) -> Callable[[argparse.Namespace], int]:
    """A command that works on the rendered configs and the devices reached: it runs once
    `_prepare` has both; otherwise the command exits with `_prepare`'s code."""
    @functools.wraps(run)
    def command(args: argparse.Namespace) -> int:
        prepared = _prepare(args)
        return prepared if isinstance(prepared, int) else run(args, *prepared)
    return command


def _report_document(args: argparse.Namespace, report: PushReport | VerifyReport) -> dict[str, Any]:
    body = report.to_dict()
    return document(args, body.pop("ok"), **body)


def _emit_push_report(args: argparse.Namespace, report: PushReport) -> None:
    """push, diff and rollback: the JSON document, the planned commands (dry run), or the table."""
    if wants_json(args):
        emit_json(_report_document(args, report))
    elif report.dry_run:
        for device in report.results:
            print(f"### {device.device}: {len(device.commands)} command(s)" + (f" ({device.error})" if device.error else ""))
            print("\n".join(device.commands) if device.commands else "(nothing to send)")
    else:
        print(report.table())


def _backup_dir(args: argparse.Namespace) -> Path | None:
    """--backup-dir, created (0700) when missing; InputError when it cannot be."""
    if not getattr(args, "backup_dir", None):
        return None
    path = Path(args.backup_dir).expanduser()
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{args.backup_dir}: cannot use as backup directory: {exc.strerror or exc}") from None
    if not path.is_dir():
        raise InputError(f"{args.backup_dir}: not a directory (--backup-dir)")
    return path


def _push_options(args: argparse.Namespace, reached: Reach) -> dict[str, Any]:
    return dict(workers=args.workers, backup_dir=_backup_dir(args), progress=_progress(args, reached))


@_on_reached
def cmd_push(args: argparse.Namespace, result: RenderResult, reached: Reach) -> int:
    from configgen import api

    pushed = api.push_rendered(result, reached, dry_run=args.dry_run, **_push_options(args, reached))
    assert pushed.report is not None   # a rendered inventory is always pushed
    _emit_push_report(args, pushed.report)
    return EXIT_OK if pushed.ok else EXIT_FINDINGS


@_on_reached
def cmd_verify(args: argparse.Namespace, result: RenderResult, reached: Reach) -> int:
    from configgen import api

    verified = api.verify_rendered(result, reached, count=args.count, timeout=args.timeout, workers=args.workers,
                                   progress=_progress(args, reached))
    assert verified.report is not None   # a rendered inventory is always verified
    if wants_json(args):
        emit_json(_report_document(args, verified.report))
    else:
        print(verified.report.table())
    return EXIT_OK if verified.ok else EXIT_FINDINGS


@_on_reached
def cmd_deploy(args: argparse.Namespace, result: RenderResult, reached: Reach) -> int:
    """validate -> render -> push -> verify, stopping at the first stage that fails (api.deploy)."""
    from configgen import api

    as_json = wants_json(args)
    show_push = None if as_json else lambda pushed: _emit_push_report(args, pushed.report)
    deployed = api.deploy_rendered(result, reached, **_push_options(args, reached), count=args.count,
                                   timeout=args.timeout, after_push=show_push,
                                   verify_progress=_progress(args, reached))
    assert deployed.push is not None   # a rendered inventory is always pushed
    if deployed.stage == "push":
        if as_json:
            emit_json(document(args, False, stage="push", push=deployed.push.to_dict(), verify=None))
        else:
            _show_settled(deployed)
        return EXIT_FINDINGS
    assert deployed.verify is not None   # past the push stage, verify ran
    if as_json:
        emit_json(document(args, deployed.ok, stage="verify", push=deployed.push.to_dict(),
                           verify=deployed.verify.to_dict()))
    else:
        print(deployed.verify.table())
        _show_settled(deployed)
    return EXIT_OK if deployed.ok else EXIT_FINDINGS


def _show_settled(deployed: DeployResult) -> None:
    """NETCONF devices settle after the pings (kept or rolled back): their final state."""
    if deployed.settled and deployed.push is not None:
        from configgen.push.engine import PushReport

        print("\nNETCONF devices after the verification (kept: done; rolled back: failed):")
        print(PushReport([r for r in deployed.push.results if r.device in deployed.settled]).table())


def _read_config_file(path: Path, what: str) -> str:
    """A saved config as text (UTF-8; CRLF as saved from a terminal is fine); InputError
    when it cannot be read, is not a regular file (a FIFO, /dev/zero), is too large or empty."""
    from configgen.inventory.yamlsource import UnreadableFile, read_input_file

    try:
        data = read_input_file(path, what)
    except UnreadableFile as exc:
        raise InputError(f"{path}: {what} {exc.problem}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: {what} is not UTF-8 text (byte {exc.start}); save it again as UTF-8") from None
    if not text.strip():
        raise InputError(f"{path}: {what} is empty")
    return text


def _running_configs(args: argparse.Namespace, devices: list[str]) -> dict[str, str]:
    """--running DIR (`<device>.cfg` or `<device>.txt` per device) or FILE (one --device)."""
    path = Path(args.running).expanduser()
    if not path.is_dir():
        if not path.exists():
            raise InputError(f"{args.running}: no such file or directory (--running)")
        return {devices[0]: _read_config_file(path, f"the running config of {devices[0]}")}
    found, missing = {}, []
    for device in devices:
        # exists(), not is_file(): a FIFO or a link to a device is named as such when read
        files = [path / f"{device}{suffix}" for suffix in (".cfg", ".txt") if (path / f"{device}{suffix}").exists()]
        if len(files) > 1:
            raise InputError(f"{path}: both {files[0].name} and {files[1].name}: keep one running config of {device}")
        if not files:
            missing.append(device)
            continue
        found[device] = _read_config_file(files[0], f"the running config of {device}")
    if missing:
        raise InputError(f"{path}: no running config of {', '.join(missing)} (expected <device>.cfg or <device>.txt"
                         "; or choose devices with --device)")
    return found


def cmd_diff(args: argparse.Namespace) -> int:
    """What `push` would send, planned against running configs saved as files."""
    from configgen.push.engine import plan_offline
    from configgen.push.targets import select_devices

    result = _render(args, "nothing compared")
    if isinstance(result, int):
        return result
    inventory = result.checked.inventory
    if Path(args.running).expanduser().is_file() and len(set(args.device or ())) != 1:
        return fail(args, "usage", f"--running {args.running} is one file: name its device with one --device")
    running = _running_configs(args, select_devices(inventory, args.device, rendered=result.configs))
    report = plan_offline(inventory, result.configs, running)
    _emit_push_report(args, report)
    return EXIT_OK if report.ok else EXIT_FINDINGS


def cmd_rollback(args: argparse.Namespace) -> int:
    """Restore configgen's part of a device from a backup `push --backup-dir` wrote."""
    from configgen.push.engine import deliver, restore_planner

    backup = Path(args.backup).expanduser()
    if len(set(args.device)) > 1:
        return fail(args, "usage", "rollback restores one device: give one --device")
    device = args.device[0]
    if not re.fullmatch(rf"{re.escape(device)}-\d{{8}}T\d{{6}}Z(?:-\d+)?\.(cfg|xml)", backup.name):
        return fail(args, "usage", f"{args.backup} is not a backup of {device}: push names its backups "
                                   f"{device}-<UTC time>.cfg (.xml for a NETCONF device; rename a copy only if it "
                                   f"is {device}'s)")
    text = _read_config_file(backup, "the backup")
    prepared = _prepare(args)
    if isinstance(prepared, int):
        return prepared
    result, reached = prepared
    netconf = result.checked.inventory.devices[device].transport == "netconf"
    if backup.suffix != (".xml" if netconf else ".cfg"):
        return fail(args, "usage", f"{args.backup} is not a backup of {device}: " + (
            f"{device} has transport: netconf, whose backups are its running datastore, {device}-<UTC time>.xml"
            if netconf else f"{device} is configured over the CLI, whose backups are {device}-<UTC time>.cfg"))
    if netconf:
        report = _rollback_netconf(args, result, reached, device, backup, text)
        _emit_push_report(args, report)
        return EXIT_OK if report.ok else EXIT_FINDINGS
    planner = restore_planner(result.checked.inventory, device, result.configs[device], text)
    report = deliver(reached.targets, {device: planner}, reached.credentials, dry_run=args.dry_run, workers=1,
                     progress=_Progress(1, _show_progress(args)), backup_dir=_backup_dir(args))
    _emit_push_report(args, report)
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _rollback_netconf(args: argparse.Namespace, result: RenderResult, reached: Reach, device: str, backup: Path,
                      text: str) -> PushReport:
    """Push configgen's part of a NETCONF backup back (configgen.netconf.owned.restored)
    through the NETCONF push: lock, edit-config, confirmed commit or snapshot, check."""
    from configgen.netconf.devices import device_payloads
    from configgen.netconf.fetch import require_ncclient
    from configgen.netconf.owned import check_backup_models, read_backup, restored
    from configgen.netconf.push import push_devices as push_netconf
    from configgen.push.engine import PushReport

    require_ncclient()
    inventory = result.checked.inventory
    rendered, saved = device_payloads(inventory, [device])[device], read_backup(text, str(backup))
    check_backup_models(rendered, saved, str(backup))
    payload = restored(rendered, saved)
    results = push_netconf(inventory, {device: payload}, {device: reached.targets[device]}, reached.credentials,
                           dry_run=args.dry_run, workers=1, backup_dir=_backup_dir(args))
    return PushReport(results, dry_run=args.dry_run)


def register(sub: Subcommands, only: str | None = None) -> None:
    """push, verify, deploy, diff and rollback; `only` (the typed command): that one alone."""

    def command(name: str, help_text: str, func: Callable[[argparse.Namespace], int], *, online: bool = True,
                one_device: bool = False) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
        parser.add_argument("inventory", nargs="+", help="inventory files or directories (merged)")
        parser.add_argument("--device", action="append", metavar="NAME", required=one_device,
                            help="the device to restore (one)" if one_device else
                            "only this device (repeatable); default: every device with a rendered config "
                            "(services and PBX gateways)")
        parser.add_argument("--templates", metavar="DIR",
                            help="directory whose templates override the bundled ones (as for `render`: "
                                 "the same directory sends what `render --templates DIR` writes)")
        add_format(parser)
        parser.set_defaults(func=func, command_name=name)
        if not online:
            return parser
        parser.add_argument("--connections", metavar="FILE",
                            help="connection file (from `configgen lab up`): host/port per device")
        parser.add_argument("--known-hosts", metavar="FILE", default="~/.ssh/known_hosts",
                            help="SSH host keys of the devices, checked strictly (default ~/.ssh/known_hosts); "
                                 "a connection file's host_key wins for its devices")
        parser.add_argument("--accept-new-host-keys", action="store_true",
                            help="trust a device without a known_hosts entry on first contact and record its key "
                                 "(a changed key is still refused)")
        if not one_device:
            parser.add_argument("--workers", type=positive_int, default=4,
                                help="devices handled in parallel (default 4)")
        parser.add_argument("-q", "--quiet", action="store_true",
                            help="no progress lines on stderr (there are none outside a terminal or in CI)")
        return parser

    def ping_options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--count", type=positive_int, default=5, help="echoes per ping (default 5)")
        parser.add_argument("--timeout", type=positive_seconds, default=2.0,
                            help="seconds to wait per echo (default 2)")

    def changes(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="print the commands per device; change nothing")
        parser.add_argument("--backup-dir", metavar="DIR",
                            help="before changing a device, save the running config it had as "
                                 "DIR/<device>-<UTC time>.cfg (a NETCONF device's running datastore: .xml; "
                                 "mode 0600: it may hold the device's secrets)")

    if only in (None, "push"):
        changes(command("push", "send what differs from the rendered config, then save/commit", cmd_push))
    if only in (None, "verify"):
        ping_options(command("verify", "ordered pings per service: circuit, operator routing, LAN, tunnel", cmd_verify))
    if only in (None, "deploy"):
        ping_options(command("deploy", "validate, render, push and verify, stopping at the first failure", cmd_deploy))
    if only in (None, "diff"):
        diff = command("diff", "what push would send, against running configs saved as files (no SSH)", cmd_diff,
                       online=False)
        diff.add_argument("--running", metavar="DIR|FILE", required=True,
                          help="directory of running configs as the devices print them (<device>.cfg or "
                               "<device>.txt), or one such file with one --device")
    if only in (None, "rollback"):
        rollback = command("rollback", "restore configgen's part of a device from a `push --backup-dir` backup",
                           cmd_rollback, one_device=True)
        rollback.add_argument("--backup", metavar="FILE", required=True, help="the backup file push wrote")
        changes(rollback)

