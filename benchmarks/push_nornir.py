"""Push through Nornir: configgen's Nornir plugin and push task to 1, 10 and 50 lab routers.

    python benchmarks/push_nornir.py [--sizes 1 10 50] [--runs 3]     (root: the lab needs namespaces)

As benchmarks/push_fanout.py: per size a lab for a generated inventory (one GPRS VPN per
router, vendors alternating IOS / VRP5 / VRP8) is started in a fresh process; each run
resets every router to its factory config, then a subprocess does what an operator's
Nornir script does: InitNornir with the ConfiggenInventory plugin (validate + render) and
`nr.run(task=push)` with one Nornir worker per router. Then, for comparison on the same
lab, the routers are reset again and `configgen push --workers N` runs. Prints the median
wall time of each, the Nornir run's ratio to one router, whether every router succeeded
in every run, and the lab's memory per router (push_fanout.lab_memory_mb).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from configgen.lab import Lab
from push_fanout import generated, lab_memory_mb, print_sizes, push as cli_push, tally

NORNIR_RUN = """
import json, sys
from nornir import InitNornir
from configgen.nornir import push
inventory, connections, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
nr = InitNornir(runner={"plugin": "threaded", "options": {"num_workers": workers}}, logging={"enabled": False},
                inventory={"plugin": "ConfiggenInventory",
                           "options": {"inventory": [inventory], "connections": connections}})
results = nr.run(task=push)
print(json.dumps({host: [r[0].result.status, r[0].result.stage, r[0].result.error] for host, r in results.items()}))
"""


def nornir_push(inventory: Path, connections: Path, workers: int) -> tuple[float, int, list[str]]:
    """Wall seconds, devices ok, and the failures of one Nornir run (a new process, as a scheduler starts it)."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", NORNIR_RUN, str(inventory), str(connections), str(workers)],
                          capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - started
    try:
        devices = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return seconds, 0, [f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}"]
    return (seconds, *tally([(host, *result) for host, result in devices.items()]))


def measure(size: int, runs: int, tmp: Path) -> dict:
    inventory = tmp / f"nornir-{size}.yaml"
    loaded = generated(inventory, size)
    before = lab_memory_mb()
    lab = Lab(loaded).start()
    try:
        idle = lab_memory_mb()
        connections = lab.write_connection_file(tmp / f"nornir-{size}.json")
        times: dict[str, list[float]] = {"nornir": [], "cli": []}
        failures, all_ok = [], True
        for _ in range(runs):
            for kind, run in (("nornir", nornir_push), ("cli", cli_push)):
                for device in lab.devices.values():
                    device.reset()
                seconds, ok, failed = run(inventory, connections, size)
                times[kind].append(seconds)
                failures += [f"{kind}: {f}" for f in failed]
                all_ok &= ok == size
        pushed = lab_memory_mb()
    finally:
        lab.stop()
    return {"size": size, "nornir": times["nornir"], "cli": times["cli"], "all_ok": all_ok, "failures": failures,
            "mb_per_router": {"rss_idle": (idle[0] - before[0]) / size, "rss_pushed": (pushed[0] - before[0]) / size,
                              "pss_pushed": (pushed[1] - before[1]) / size}}


def main() -> None:
    def row(r: dict, ratio: float) -> str:
        nornir, cli, m = statistics.median(r["nornir"]), statistics.median(r["cli"]), r["mb_per_router"]
        return (f"{nornir:>7.2f}s {ratio:>5.2f}x {cli:>13.2f}s {('yes' if r['all_ok'] else 'NO'):>6} "
                f"{m['rss_idle']:>14.1f} /{m['rss_pushed']:>5.1f}, {m['pss_pushed']:>5.1f}  "
                + " ".join(f"{t:.2f}" for t in r["nornir"]))

    if not print_sizes(__file__, __doc__, measure,
                       f"{'routers':>7} {'nornir':>8} {'ratio':>6} {'configgen push':>14} {'all ok':>6} "
                       f"{'MB/router RSS idle/pushed, PSS':>31}  nornir runs",
                       lambda r: statistics.median(r["nornir"]), row):
        return
    print("ratio = median wall time of a Nornir push (new process: InitNornir + nr.run(task=push), one worker per\n"
          "router) to N routers / to 1 router; configgen push = `configgen push --workers N` on the same lab")


if __name__ == "__main__":
    main()
