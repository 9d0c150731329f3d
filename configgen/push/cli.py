"""`configgen push | verify | deploy`: thin wrappers over configgen.push and configgen.verify.

Exit codes: 0 all good; 1 a device, step or service failed; 2 nothing was attempted: the
inventory is invalid or unreadable, a connection file is bad, a device unknown or without a
rendered config, no credentials, a usage error.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import threading
from pathlib import Path

import jinja2

from configgen import api
from configgen.cli import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, print_findings
from configgen.push import push_devices
from configgen.push.credentials import CredentialsError, install_log_redaction, load_credentials, redact
from configgen.push.targets import DEFAULT_KNOWN_HOSTS, HostKeys, read_connection_file, resolve_targets
from configgen.verify import verify


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
            print(redact(f"[{self.finished}/{self.total}] {device}: {message}"), file=sys.stderr, flush=True)


def _prepare(args):
    """Validate + render, resolve targets and credentials: (result, targets, credentials) or an exit code."""
    install_log_redaction()
    try:    # the same templates as `render --templates`: push sends what render writes
        result = api.render(args.inventory, template_dir=args.templates, freeze_gc=True)
    except (jinja2.TemplateError, FileNotFoundError) as exc:
        print(f"configgen: template error: {exc}; nothing pushed or verified", file=sys.stderr)
        return EXIT_INPUT
    if not result.checked.ok:
        print_findings(result.checked.findings, args.format)
        print("nothing pushed or verified: fix the inventory errors above first", file=sys.stderr)
        return EXIT_INPUT
    connections = read_connection_file(args.connections) if args.connections else None
    host_keys = HostKeys(Path(args.known_hosts).expanduser(), args.accept_new_host_keys)
    targets = resolve_targets(result.checked.inventory, args.device, connections, host_keys)
    try:
        credentials = load_credentials(list(targets), connections.login if connections else None,
                                       namesakes=result.checked.inventory.devices)
    except CredentialsError as exc:
        print(f"configgen: {exc}", file=sys.stderr)
        return EXIT_INPUT
    return result, targets, credentials


def _run_push(args, prepared, *, emit: bool = True):
    result, targets, credentials = prepared
    report = push_devices(result.checked.inventory, result.configs, targets, credentials,
                          dry_run=getattr(args, "dry_run", False), workers=args.workers,
                          progress=_Progress(len(targets), not args.quiet))
    if emit:
        if args.format == "json":
            print(json.dumps(report.to_dict(), indent=2))
        elif report.dry_run:
            for device in report.results:
                print(f"### {device.device}: {len(device.commands)} command(s)" + (f" ({device.error})" if device.error else ""))
                print("\n".join(device.commands) if device.commands else "(nothing to send)")
        else:
            print(report.table())
    return report


def _run_verify(args, prepared, *, emit: bool = True):
    result, targets, credentials = prepared
    report = verify(result.checked.inventory, targets, credentials, count=args.count, timeout=args.timeout,
                    workers=args.workers, progress=_Progress(len(targets), not args.quiet))
    if emit:
        print(json.dumps(report.to_dict(), indent=2) if args.format == "json" else report.table())
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
    as_json = args.format == "json"
    pushed = _run_push(args, prepared, emit=not as_json)
    if not pushed.ok:
        if as_json:
            print(json.dumps({"ok": False, "stage": "push", "push": pushed.to_dict(), "verify": None}, indent=2))
        return EXIT_FINDINGS
    verified = _run_verify(args, prepared, emit=not as_json)
    if as_json:
        print(json.dumps({"ok": verified.ok, "stage": "verify", "push": pushed.to_dict(),
                          "verify": verified.to_dict()}, indent=2))
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
        parser.add_argument("--known-hosts", metavar="FILE", default=DEFAULT_KNOWN_HOSTS,
                            help="SSH host keys of the devices, checked strictly (default ~/.ssh/known_hosts); "
                                 "a connection file's host_key wins for its devices")
        parser.add_argument("--accept-new-host-keys", action="store_true",
                            help="trust a device without a known_hosts entry on first contact and record its key "
                                 "(a changed key is still refused)")
        parser.add_argument("--workers", type=_positive, default=4, help="devices handled in parallel (default 4)")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
        parser.set_defaults(func=func)
        return parser

    def ping_options(parser):
        parser.add_argument("--count", type=_positive, default=5, help="echoes per ping (default 5)")
        parser.add_argument("--timeout", type=_seconds, default=2.0, help="seconds to wait per echo (default 2)")

    push = command("push", "send what differs from the rendered config, then save/commit", cmd_push)
    push.add_argument("--dry-run", action="store_true", help="print the commands per device; change nothing")
    ping_options(command("verify", "ordered pings per service: circuit, operator routing, LAN, tunnel", cmd_verify))
    ping_options(command("deploy", "validate, render, push and verify, stopping at the first failure", cmd_deploy))


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def _seconds(text: str) -> float:
    """A finite number of seconds above 0 (`nan`, `inf` and negative numbers are not waits)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {text!r}")
    return value
