"""`configgen lab up|down|status`: a lab for an inventory, kept alive by a detached supervisor.

State lives in the run directory (default /run/configgen-lab/<name>/): `state.json`
(supervisor PID, namespace prefix), `connections.json` (docs/lab.md) and `lab.log`.
`down` works from that state plus the namespace prefix, so it also cleans up after a
crashed supervisor.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from configgen.commands.common import (Subcommands, print_findings, whole_number)
from configgen.lab.faults import FAULT_KINDS, parse_faults
from configgen.lab.runner import CONNECTIONS, STATE, serve

if TYPE_CHECKING:
    from configgen.inventory import Inventory

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
RUN_ROOT = Path("/run/configgen-lab")
LOG = "lab.log"


def register(subparsers: Subcommands, only: str | None = None) -> None:
    """`lab` (the module's one command: `only`, the typed command, is it or None)."""
    lab = subparsers.add_parser("lab", help="simulated routers (SSH on 127.0.0.1) with a namespace dataplane")
    sub = lab.add_subparsers(required=True)   # no dest: a missing command is named by its choices

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--name", default="default", type=_lab_name,
                       help="lab name: 1-16 lowercase letters or digits (several labs can run side by side)")
        p.add_argument("--run-dir", type=Path, help="state directory (default /run/configgen-lab/<name>)")

    up = sub.add_parser("up", help="start a lab for an inventory and print how to reach each device")
    up.add_argument("inventory", nargs="+", help="inventory files or directories (merged)")
    common(up)
    up.add_argument("--connections", type=Path, help="also write the connection file here")
    up.add_argument("--base-port", type=whole_number(0, 65535, "20000", " (0: free ports)"), default=0,
                    help="first SSH port (default: free ports)")
    up.add_argument("--yang", type=Path, metavar="DIR",
                    help="YANG model sets (as for check --yang): devices with transport: netconf also serve NETCONF")
    up.add_argument("--foreground", action="store_true", help="run in this process until Ctrl-C")
    up.add_argument("--fault", action="append", default=[], metavar="DEVICE:KIND[=ARG]",
                    help=f"make a device misbehave (repeatable; KIND: {FAULT_KINDS}; "
                         "`once`: only the device's next session)")
    up.set_defaults(func=cmd_up)
    down = sub.add_parser("down", help="stop the lab and remove every namespace, link and process")
    common(down)
    down.set_defaults(func=cmd_down)
    status = sub.add_parser("status", help="show whether the lab runs and where its devices listen")
    common(status)
    status.set_defaults(func=cmd_status)


def _lab_name(value: str) -> str:
    """Names become a run directory and a namespace prefix: no path parts, and no '-',
    so that one lab's prefix (`cgl<name>-`) never matches another lab's namespaces."""
    if not re.fullmatch(r"[a-z0-9]{1,16}", value):
        raise argparse.ArgumentTypeError(f"{value!r}: use 1-16 lowercase letters or digits, e.g. gprs1")
    return value


def _run_dir(args: argparse.Namespace) -> Path:
    run_dir: Path = args.run_dir or RUN_ROOT / args.name
    return run_dir


def _prefix(name: str) -> str:
    return "cgl" + name


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def _state(run_dir: Path) -> dict[str, Any]:
    try:
        state: dict[str, Any] = json.loads((run_dir / STATE).read_text())
        return state
    except (OSError, ValueError):
        return {}


def _print_connections(doc: dict[str, Any], path: Path, password_from_env: bool) -> None:
    print(f"lab {doc['lab']} is up; connection file: {path}")
    for name, c in doc["devices"].items():
        netconf = f"  (NETCONF on port {c['netconf_port']})" if c.get("netconf_port") else ""
        print(f"  {name:24} {c['device_type']:13} ssh -p {c['port']} {c['username']}@{c['host']}{netconf}")
    where = "$CONFIGGEN_LAB_PASSWORD" if password_from_env else f"generated, in {path} (mode 0600)"
    print(f"password: {where}")


def cmd_up(args: argparse.Namespace) -> int:
    import secrets      # here, not at the top: every command builds this parser
    import subprocess

    from configgen import api
    from configgen.fileio import write_atomic
    from configgen.lab.dataplane import LabEnvironmentError, check_environment, sweep

    # The same validation as `configgen validate`, before anything starts: a lab built
    # from an inventory with errors would fail inside the detached supervisor.
    checked = api.check(args.inventory)
    if not checked.ok:
        print_findings(checked.findings, args)
        print("configgen lab: the lab was not started: fix the errors above first", file=sys.stderr)
        return EXIT_FAIL
    if checked.findings:
        print_findings(checked.findings, args, stream=sys.stderr)   # warnings only
    inventory = checked.inventory
    try:
        check_environment()
    except LabEnvironmentError as exc:
        print(f"configgen lab: {exc}", file=sys.stderr)
        return EXIT_USAGE
    run_dir = _run_dir(args)
    state = _state(run_dir)
    if state.get("pid") and _alive(state["pid"]):
        print(f"configgen lab: lab {args.name!r} already runs (pid {state['pid']}); `configgen lab down` first",
              file=sys.stderr)
        return EXIT_FAIL
    try:
        faults = parse_faults(args.fault, inventory.devices)
    except ValueError as exc:
        print(f"configgen lab: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.yang is not None:
        problem = _yang_problem(args.yang, inventory)
        if problem:
            print(f"configgen lab: {problem}", file=sys.stderr)
            return EXIT_USAGE
    run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    prefix = _prefix(args.name)
    sweep(prefix + "-")      # leftovers of a crashed run of the same lab
    password_from_env = bool(os.environ.get("CONFIGGEN_LAB_PASSWORD"))
    env = dict(os.environ, CONFIGGEN_LAB_USERNAME=os.environ.get("CONFIGGEN_LAB_USERNAME", "configgen"),
               CONFIGGEN_LAB_PASSWORD=os.environ.get("CONFIGGEN_LAB_PASSWORD") or secrets.token_urlsafe(12))
    if args.foreground:
        from configgen.lab.lab import Lab

        os.environ.update(env)
        lab = Lab(inventory, prefix=prefix, base_port=args.base_port, yang=args.yang)
        write_atomic(run_dir / STATE, json.dumps({"pid": os.getpid(), "prefix": prefix}))
        serve(lab, run_dir, args.connections, on_ready=lambda lab: _print_connections(
            lab.connection_document(), run_dir / CONNECTIONS, password_from_env), faults=faults)
        return EXIT_OK
    (run_dir / CONNECTIONS).unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "configgen.lab.runner", *map(str, args.inventory), "--run-dir", str(run_dir),
           "--prefix", prefix, "--base-port", str(args.base_port)]
    if args.connections:
        cmd += ["--connections", str(args.connections)]
    if args.yang is not None:
        cmd += ["--yang", str(args.yang.resolve())]
    cmd += [f"--fault={spec}" for spec in args.fault]
    with open(run_dir / LOG, "ab") as log:
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True)
    write_atomic(run_dir / STATE, json.dumps({"pid": proc.pid, "prefix": prefix}))
    deadline = time.monotonic() + 120
    while not (run_dir / CONNECTIONS).exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            print(f"configgen lab: the lab did not come up; see {run_dir / LOG}", file=sys.stderr)
            _stop(run_dir, prefix)
            return EXIT_FAIL
        time.sleep(0.1)
    _print_connections(json.loads((run_dir / CONNECTIONS).read_text()), run_dir / CONNECTIONS, password_from_env)
    return EXIT_OK


def _yang_problem(directory: Path, inventory: Inventory) -> str | None:
    """Why `--yang DIR` cannot serve this inventory's NETCONF devices (None: it can)."""
    from configgen.findings import InputError
    from configgen.netconf.validate import model_sets
    from configgen.platforms import platform_for

    try:
        sets = model_sets(directory)       # libyang missing, or a folder without usable models
    except InputError as exc:
        return str(exc)
    missing = sorted(name for name, device in inventory.devices.items()
                     if device.transport == "netconf" and platform_for(device).netconf_models not in sets)
    if missing:
        return (f"--yang {directory}: no model set for {', '.join(missing)} (transport: netconf); add the "
                "vendor's set or leave --yang out")
    return None


def _stop(run_dir: Path, prefix: str) -> list[str]:
    from configgen.lab.dataplane import sweep

    pid = _state(run_dir).get("pid")
    if pid and _alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    return sweep(prefix + "-")


def cmd_down(args: argparse.Namespace) -> int:
    from configgen.lab.dataplane import LabEnvironmentError, check_environment

    try:
        check_environment(need_nat=False)
    except LabEnvironmentError as exc:
        print(f"configgen lab: {exc}", file=sys.stderr)
        return EXIT_USAGE
    run_dir = _run_dir(args)
    prefix = _state(run_dir).get("prefix", _prefix(args.name))
    leftovers = _stop(run_dir, prefix)
    # Remove only what `up` wrote: --run-dir may name any directory.
    for name in (STATE, CONNECTIONS, LOG):
        (run_dir / name).unlink(missing_ok=True)
    try:
        run_dir.rmdir()
    except OSError:
        pass   # absent, or holds files that are not the lab's: leave them
    note = f" (removed {len(leftovers)} leftover namespaces)" if leftovers else ""
    print(f"lab {args.name} is down{note}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    run_dir = _run_dir(args)
    state = _state(run_dir)
    if not state.get("pid") or not _alive(state["pid"]) or not (run_dir / CONNECTIONS).exists():
        print(f"lab {args.name} is not running")
        return EXIT_FAIL
    doc = json.loads((run_dir / CONNECTIONS).read_text())
    _print_connections(doc, run_dir / CONNECTIONS, bool(os.environ.get("CONFIGGEN_LAB_PASSWORD")))
    return EXIT_OK
