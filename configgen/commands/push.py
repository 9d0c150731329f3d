"""`configgen push | verify | deploy`: thin wrappers over configgen.push and configgen.verify.

Exit codes as for every configgen command: 0 all good; 1 findings (an invalid inventory or
template: nothing attempted) or a device, step or service failed; 2 nothing was attempted
because input is unreadable or unusable: an inventory or connection file that cannot be read,
a device unknown or without a rendered config, no credentials, a usage error.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from configgen.commands.common import (EXIT_FINDINGS, EXIT_OK, add_format, document, emit_json, fail, positive_int,
                           positive_seconds, print_findings, progress_wanted, wants_json)


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


def _show_progress(args) -> bool:
    return not args.quiet and progress_wanted()


def _prepare(args):
    """Validate + render, resolve targets and credentials: (result, targets, credentials) or an exit code."""
    from configgen import api
    from configgen.push.credentials import CredentialsError, install_log_redaction, load_credentials
    from configgen.push.targets import HostKeys, read_connection_file, resolve_targets

    install_log_redaction()
    # the same templates as `render --templates`: push sends what render writes
    result = api.render(args.inventory, template_dir=args.templates, freeze_gc=True, template_findings=True)
    if not result.checked.ok:
        print_findings(result.checked.findings, args)
        print("nothing pushed or verified: fix the errors above first", file=sys.stderr)
        return EXIT_FINDINGS
    connections = read_connection_file(args.connections) if args.connections else None
    host_keys = HostKeys(Path(args.known_hosts).expanduser(), args.accept_new_host_keys)
    targets = resolve_targets(result.checked.inventory, args.device, connections, host_keys)
    try:
        credentials = load_credentials(list(targets), connections.login if connections else None,
                                       namesakes=result.checked.inventory.devices)
    except CredentialsError as exc:
        return fail(args, "input", str(exc))
    return result, targets, credentials


def _report_document(args, report) -> dict:
    body = report.to_dict()
    return document(args, body.pop("ok"), **body)


def _run_push(args, prepared, *, emit: bool = True):
    from configgen.push import push_devices

    result, targets, credentials = prepared
    report = push_devices(result.checked.inventory, result.configs, targets, credentials,
                          dry_run=getattr(args, "dry_run", False), workers=args.workers,
                          progress=_Progress(len(targets), _show_progress(args)))
    if emit:
        if wants_json(args):
            emit_json(_report_document(args, report))
        elif report.dry_run:
            for device in report.results:
                print(f"### {device.device}: {len(device.commands)} command(s)" + (f" ({device.error})" if device.error else ""))
                print("\n".join(device.commands) if device.commands else "(nothing to send)")
        else:
            print(report.table())
    return report


def _run_verify(args, prepared, *, emit: bool = True):
    from configgen.verify import verify

    result, targets, credentials = prepared
    report = verify(result.checked.inventory, targets, credentials, count=args.count, timeout=args.timeout,
                    workers=args.workers, progress=_Progress(len(targets), _show_progress(args)))
    if emit:
        if wants_json(args):
            emit_json(_report_document(args, report))
        else:
            print(report.table())
    return report


def cmd_push(args) -> int:
    prepared = _prepare(args)
    if isinstance(prepared, int):
        return prepared
    return EXIT_OK if _run_push(args, prepared).ok else EXIT_FINDINGS


def cmd_verify(args) -> int:
    prepared = _prepare(args)
    if isinstance(prepared, int):
        return prepared
    return EXIT_OK if _run_verify(args, prepared).ok else EXIT_FINDINGS


def cmd_deploy(args) -> int:
    """validate -> render -> push -> verify, stopping at the first stage that fails."""
    prepared = _prepare(args)
    if isinstance(prepared, int):
        return prepared
    as_json = wants_json(args)
    pushed = _run_push(args, prepared, emit=not as_json)
    if not pushed.ok:
        if as_json:
            emit_json(document(args, False, stage="push", push=pushed.to_dict(), verify=None))
        return EXIT_FINDINGS
    verified = _run_verify(args, prepared, emit=not as_json)
    if as_json:
        emit_json(document(args, verified.ok, stage="verify", push=pushed.to_dict(), verify=verified.to_dict()))
    return EXIT_OK if verified.ok else EXIT_FINDINGS


def register(sub) -> None:
    def command(name: str, help_text: str, func):
        parser = sub.add_parser(name, help=help_text)
        parser.add_argument("inventory", nargs="+", help="inventory files or directories (merged)")
        parser.add_argument("--device", action="append", metavar="NAME",
                            help="only this device (repeatable); default: every device with a rendered config "
                                 "(services and PBX gateways)")
        parser.add_argument("--templates", metavar="DIR",
                            help="directory whose templates override the bundled ones (as for `render`: "
                                 "the same directory sends what `render --templates DIR` writes)")
        parser.add_argument("--connections", metavar="FILE",
                            help="connection file (from `configgen lab up`): host/port per device")
        parser.add_argument("--known-hosts", metavar="FILE", default="~/.ssh/known_hosts",
                            help="SSH host keys of the devices, checked strictly (default ~/.ssh/known_hosts); "
                                 "a connection file's host_key wins for its devices")
        parser.add_argument("--accept-new-host-keys", action="store_true",
                            help="trust a device without a known_hosts entry on first contact and record its key "
                                 "(a changed key is still refused)")
        parser.add_argument("--workers", type=positive_int, default=4, help="devices handled in parallel (default 4)")
        add_format(parser)
        parser.add_argument("-q", "--quiet", action="store_true",
                            help="no progress lines on stderr (there are none outside a terminal or in CI)")
        parser.set_defaults(func=func, command_name=name)
        return parser

    def ping_options(parser):
        parser.add_argument("--count", type=positive_int, default=5, help="echoes per ping (default 5)")
        parser.add_argument("--timeout", type=positive_seconds, default=2.0,
                            help="seconds to wait per echo (default 2)")

    push = command("push", "send what differs from the rendered config, then save/commit", cmd_push)
    push.add_argument("--dry-run", action="store_true", help="print the commands per device; change nothing")
    ping_options(command("verify", "ordered pings per service: circuit, operator routing, LAN, tunnel", cmd_verify))
    ping_options(command("deploy", "validate, render, push and verify, stopping at the first failure", cmd_deploy))

