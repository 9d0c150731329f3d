"""Benchmark: validate + render of N GPRS VPN services vs bare Jinja2 on the same templates.

    python benchmarks/render.py [--services 10000 --devices 2000]

The baseline renders the same device templates from precomputed values (no checks, no
value computation): what any Jinja2-based generator pays at least. configgen's stages
are timed separately; the ratio that matters is (checks + values + render) / baseline.
YAML parsing is reported on its own: PyYAML's cost is the same for any tool reading the
file. Sizes 1/10, 1/2 and 1x show whether the cost grows linearly.
"""

from __future__ import annotations

import argparse
import gc
import ipaddress
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from configgen.checks import validate  # noqa: E402
from configgen.inventory import load_inventory  # noqa: E402
from configgen.render import build_device_configs, make_environment, render_device  # noqa: E402


REPEAT = 3


def generate(services: int, devices: int) -> dict:
    """A valid inventory: every service has its own /30, LAN and pool; devices alternate vendors."""
    kinds = [("cisco", "ios"), ("huawei", "vrp5"), ("huawei", "vrp8")]
    inventory = {
        "operator": {"name": "Bench Mobile", "gre_endpoint": "211.137.63.13"},
        # each device its own management address (a shared one is an error)
        "devices": {f"ce-{d}": {"vendor": kinds[d % 3][0], "os": kinds[d % 3][1],
                                "host": str(ipaddress.IPv4Address("198.18.0.1") + d)}
                    for d in range(devices)},
        "services": [],
    }
    interconnects = ipaddress.IPv4Network("10.0.0.0/8").subnets(new_prefix=30)
    lans = ipaddress.IPv4Network("172.16.0.0/12").subnets(new_prefix=26)
    pools = ipaddress.IPv4Network("100.64.0.0/10").subnets(new_prefix=25)
    for s in range(services):
        device = s % devices
        slot = s // devices  # services on the same device use distinct interfaces and tunnels
        wan = next(interconnects)
        inventory["services"].append({
            "kind": "gprs_vpn", "name": f"svc-{s}", "device": f"ce-{device}", "apn": f"APN{s}.HB",
            "wan": {"interface": f"GigabitEthernet0/{2 * slot}/0", "address": f"{wan.network_address + 2}/30"},
            "lan": {"interface": f"GigabitEthernet0/{2 * slot + 1}/0", "address": f"{next(lans).network_address + 1}/26"},
            # one GRE endpoint per slot: a device reaches one endpoint through one /30 only
            "gre_endpoint": f"211.137.63.{13 + slot}",
            "tunnel": slot, "terminal_pools": [str(next(pools)), str(next(pools))],
        })
    return inventory


def timed(func, *args, repeat: int = 1):
    """Result and best wall time of `repeat` runs (the minimum is the least disturbed
    by other processes on a shared 2-core machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = func(*args)
        best = min(best, time.perf_counter() - start)
    return result, best


def run(services: int, devices: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(yaml.safe_dump(generate(services, devices), sort_keys=False))
        loaded, t_load = timed(load_inventory, path)
    gc.freeze()  # as the CLI does (configgen.api.check(freeze_gc=True))
    findings, t_checks = timed(validate, loaded, repeat=REPEAT)
    assert not findings.errors, [str(f) for f in findings.errors[:5]]
    env = make_environment()
    configs, t_values = timed(build_device_configs, loaded.inventory, repeat=REPEAT)
    _, t_render = timed(lambda: [render_device(c, env) for c in configs.values()], repeat=REPEAT)
    # Baseline: bare Jinja2, same templates, values already computed, no safety walk.
    templates = {c.name: env.get_template(f"{c.platform.template_dir}/device.j2") for c in configs.values()}
    _, t_bare = timed(lambda: [templates[c.name].render(device=c) for c in configs.values()], repeat=REPEAT)
    return {"services": services, "load": t_load, "checks": t_checks, "values": t_values,
            "render": t_render, "bare": t_bare}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=10000)
    parser.add_argument("--devices", type=int, default=2000)
    args = parser.parse_args()
    print(f"{'services':>8} {'yaml+schema':>11} {'checks':>8} {'values':>8} {'render':>8} "
          f"{'bare j2':>8} {'ratio':>6} {'us/svc':>7}")
    for fraction in (10, 2, 1):
        n = args.services // fraction
        r = run(n, max(1, args.devices // fraction))
        ours = r["checks"] + r["values"] + r["render"]
        print(f"{n:>8} {r['load']:>10.2f}s {r['checks']:>7.3f}s {r['values']:>7.3f}s {r['render']:>7.3f}s "
              f"{r['bare']:>7.3f}s {ours / r['bare']:>5.2f}x {1e6 * ours / n:>7.1f}")
    print("ratio = (checks + values + render) / bare Jinja2 rendering of the same templates")


if __name__ == "__main__":
    main()
