"""The lab supervisor: holds a lab up until SIGTERM/SIGINT, then tears it down.

`configgen lab up` starts it detached (`python -m configgen.lab.runner ...`, own session,
log in RUN_DIR/lab.log) so the simulators outlive the command; `--foreground` runs the
same `serve()` in the CLI process. Credentials arrive in CONFIGGEN_LAB_USERNAME/PASSWORD.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from configgen.lab.faults import parse_faults

if TYPE_CHECKING:   # the SSH stack loads only when a lab runs, not when `configgen` starts
    from configgen.inventory import Inventory
    from configgen.lab.lab import Lab

CONNECTIONS = "connections.json"
STATE = "state.json"      # written by `configgen lab up`: supervisor PID, prefix


def load_inventory_or_exit(paths: list[str]) -> Inventory:
    from configgen.inventory import load_inventory

    result = load_inventory(paths)
    if not result.ok:
        for finding in result.findings.errors:
            print(f"configgen lab: {finding}", file=sys.stderr)
        raise SystemExit(1)
    return result.inventory


def serve(lab: Lab, run_dir: Path, extra_connections: Path | None = None,
          on_ready: Callable[[Lab], None] | None = None,
          faults: dict[str, Any] | None = None) -> None:
    """Start `lab`, publish its connection file(s), wait for a stop signal, tear down.
    `faults` (device -> Fault) are set before the lab is announced ready."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        lab.start()
        for device, fault in (faults or {}).items():
            lab.set_fault(device, fault)
        if extra_connections:
            lab.write_connection_file(extra_connections)
        lab.write_connection_file(run_dir / CONNECTIONS)     # written last: it means "ready"
        if on_ready:
            on_ready(lab)
        signal.sigwait({signal.SIGTERM, signal.SIGINT})
    finally:
        lab.stop()
        (run_dir / CONNECTIONS).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="configgen.lab.runner")
    parser.add_argument("inventory", nargs="+")
    parser.add_argument("--run-dir", required=True, type=Path)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--base-port", type=int, default=0)
    parser.add_argument("--connections", type=Path)
    parser.add_argument("--fault", action="append", default=[])
    parser.add_argument("--yang", type=Path)
    args = parser.parse_args(argv)
    from configgen.lab.lab import Lab

    inventory = load_inventory_or_exit(args.inventory)
    faults = parse_faults(args.fault, inventory.devices)
    lab = Lab(inventory, prefix=args.prefix, base_port=args.base_port, yang=args.yang)
    serve(lab, args.run_dir, args.connections, faults=faults)
    return 0


if __name__ == "__main__":
    sys.exit(main())
