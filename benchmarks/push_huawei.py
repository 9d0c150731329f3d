"""Huawei push time: netmiko's stock driver vs configgen's prompt-driven one, on the lab.

    python benchmarks/push_huawei.py [--rounds N]      (root: the lab needs namespaces)

Each round pushes the full rendered config of a VRP5 and a VRP8 router through a fresh
SSH session (login, system-view, lines, return, save / commit), once per driver. Re-sent
lines are stored idempotently, so every push does the same work for both drivers.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from pathlib import Path

from netmiko import ConnectHandler

from configgen import api
from configgen.lab import Lab
from configgen.platforms import platform_for
from configgen.push.drivers import DRIVERS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.lab.pushlist import config_commands  # the tests' helper, from the checkout

INVENTORY = Path(__file__).resolve().parent.parent / "tests" / "lab" / "data" / "gprs-three-os.yaml"


def push_once(connect, platform, commands: list[str]) -> float:
    started = time.perf_counter()
    conn = connect()
    try:
        conn.send_config_set(commands, error_pattern=platform.delivery.config_error_pattern, read_timeout=30)
        if platform.delivery.commit_based:
            conn.commit()
        else:
            conn.save_config()
    finally:
        conn.disconnect()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    result = api.render([INVENTORY])
    inventory = result.checked.inventory
    with Lab(inventory) as lab:
        for name, device in inventory.devices.items():
            platform = platform_for(device)
            if platform.vendor != "huawei":
                continue
            commands = config_commands(result.configs[name], "huawei")
            params = lab.netmiko_params(name)
            stock = functools.partial(ConnectHandler, **params)
            fast = functools.partial(DRIVERS[platform.delivery.push_driver], **params, pinned_host_keys=(lab.host_key,))
            times = {"stock": [], "configgen": []}
            for _ in range(args.rounds):
                for label, connect in (("stock", stock), ("configgen", fast)):
                    times[label].append(push_once(connect, platform, commands))
            s, f = statistics.median(times["stock"]), statistics.median(times["configgen"])
            print(f"{name} ({platform.delivery.netmiko_type}, {len(commands)} lines, median of {args.rounds}): "
                  f"stock {s:.2f} s, configgen {f:.2f} s, {s / f:.1f}x faster")


if __name__ == "__main__":
    main()
