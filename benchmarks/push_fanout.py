"""Push fan-out: `configgen push` to 1, 10 and 50 lab routers with as many workers.

    python benchmarks/push_fanout.py [--sizes 1 10 50] [--runs 3]     (root: the lab needs namespaces)

For each size a lab is started in this process for a generated inventory (one GPRS VPN
per router, vendors alternating IOS / VRP5 / VRP8); each run resets every router to its
factory config and runs the real command, `configgen push INVENTORY --connections FILE
--workers N`, as a subprocess, so a run is what an operator waits for (start-up, render,
login, diff, config, save/commit). Prints the median wall time, its ratio to one router
(measured in the same invocation), whether every router succeeded in every run, and the
lab's memory per simulated router: each size runs in a fresh process, whose RSS growth
from before the lab started, divided by the routers, is taken after start and after the
pushes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from configgen.inventory import Inventory, load_inventory
from configgen.lab import Lab
from inventory_gen import generate

ROOT = Path(__file__).resolve().parent.parent


def lab_memory_mb() -> tuple[float, float]:
    """(RSS, PSS) in MB of this process and its descendants: the userspace GRE forwarders,
    one Python process per tunnel end, are part of the lab's memory. PSS splits pages
    shared between processes (the interpreter's) among them: what the machine pays."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    rss = pss = 0
    todo = [os.getpid()]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        fields = {line.split(":")[0]: int(line.split()[1]) for line in rollup[1:]}
        rss, pss = rss + fields.get("Rss", 0), pss + fields.get("Pss", 0)
    return rss / 1024, pss / 1024


def push(inventory: Path, connections: Path, workers: int) -> tuple[float, int, list[str]]:
    """Wall seconds, devices ok, and the failures (device: stage, error) of one push."""
    return push_with_cpu(inventory, connections, workers)[:3]


def push_with_cpu(inventory: Path, connections: Path, workers: int) -> tuple[float, int, list[str], float]:
    """Wall seconds, devices ok, the failures (device: stage, error) and the CPU seconds
    (user + system) of one push."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stderr:
        # cwd: the configgen beside this script (the one the lab runs), whatever is installed
        proc = subprocess.Popen([sys.executable, "-m", "configgen.cli", "push", str(inventory), "--connections",
                                 str(connections), "--workers", str(workers), "--format", "json", "-q"],
                                stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=ROOT)
        assert proc.stdout is not None
        stdout = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)     # the push's own CPU, which Popen.wait does not give
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        stderr.seek(0)
        errors = stderr.read()
    cpu = usage.ru_utime + usage.ru_stime
    try:
        devices = json.loads(stdout)["devices"]
    except (ValueError, KeyError):
        return seconds, 0, [f"exit {proc.returncode}: {errors.strip()[-300:]}"], cpu
    return (seconds, *tally([(d["device"], d["status"], d["stage"], d["error"]) for d in devices]), cpu)


def tally(devices: list[tuple[str, str, str, str | None]]) -> tuple[int, list[str]]:
    """Devices ok, and the failures (device: status at stage: error), of one push's
    (device, status, stage, error) results."""
    failures = [f"{device}: {status} at {stage}: {error}" for device, status, stage, error in devices
                if status not in ("changed", "unchanged")]
    return len(devices) - len(failures), failures


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def generated(path: Path, size: int) -> Inventory:
    """`path` written with a generated inventory of `size` routers, loaded."""
    path.write_text(yaml.safe_dump(generate(size, size), sort_keys=False))
    loaded = load_inventory([path])
    assert loaded.ok, [str(f) for f in loaded.findings.errors[:5]]
    return loaded.inventory


def measure(size: int, runs: int, tmp: Path) -> dict:
    inventory = tmp / f"fanout-{size}.yaml"
    loaded = generated(inventory, size)
    before = lab_memory_mb()
    started = time.perf_counter()
    lab = Lab(loaded).start()
    try:
        start_seconds = time.perf_counter() - started
        idle = lab_memory_mb()
        connections = lab.write_connection_file(tmp / f"fanout-{size}.json")
        times, failures, all_ok = [], [], True
        cpu: dict[str, list[float]] = {"push": [], "lab": [], "lab_tools": []}
        for _ in range(runs):
            for device in lab.devices.values():
                device.reset()
            lab_cpu, tools_cpu = time.process_time(), children_cpu()
            seconds, ok, failed, push_cpu = push_with_cpu(inventory, connections, size)
            # the lab: this process's threads (SSH servers, CLIs), and the `ip`/`iptables`
            # processes it ran and reaped during the push (children_cpu counts the push too)
            cpu["lab"].append(time.process_time() - lab_cpu)
            cpu["lab_tools"].append(children_cpu() - tools_cpu - push_cpu)
            cpu["push"].append(push_cpu)
            times.append(seconds)
            failures += failed
            all_ok &= ok == size
        pushed = lab_memory_mb()
    finally:
        lab.stop()
    return {"size": size, "median": statistics.median(times), "times": times, "all_ok": all_ok,
            "failures": failures, "lab_start": start_seconds,
            "cpu": {k: statistics.median(v) for k, v in cpu.items()},
            "memory": {f"{kind}_{when}": (after[i] - before[i]) / size for i, kind in enumerate(("rss", "pss"))
                       for when, after in (("idle", idle), ("pushed", pushed))}}


def measure_in_child(size: int, runs: int, script: str = __file__) -> dict:
    """`script`'s `measure` in a fresh process, so memory freed by a smaller lab does not hide a larger one's."""
    proc = subprocess.run([sys.executable, script, "--one", str(size), "--runs", str(runs)],
                          capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"size {size}: {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout)


def arguments(description: str, measure) -> argparse.Namespace | None:
    """--sizes and --runs; None when this process is a child (--one SIZE) that ran `measure`
    for that size and printed its JSON."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)   # child: one size, JSON out
    args = parser.parse_args()
    if not args.one:
        return args
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(measure(args.one, args.runs, Path(tmp))))
    return None


def print_sizes(script: str, doc: str, measure, header: str, median: Callable[[dict], float],
                row: Callable[[dict, float], str]) -> bool:
    """The benchmark `script` (its docstring `doc`, its `measure`): each size measured in a
    fresh process and printed as `row(result, ratio of its median to the smallest size's)`
    under `header`, with up to ten of its failures. False in a child (--one SIZE), which
    printed its size's JSON instead."""
    args = arguments(doc.splitlines()[0], measure)
    if args is None:
        return False
    print(header)
    one = None
    for size in sorted(args.sizes):
        r = measure_in_child(size, args.runs, script)
        one = one or median(r)
        print(f"{size:>7} " + row(r, median(r) / one), flush=True)
        for failure in r["failures"][:10]:
            print(f"        failed: {failure}")
    return True


def main() -> None:
    def row(r: dict, ratio: float) -> str:
        m, c = r["memory"], r["cpu"]
        return (f"{r['median']:>7.2f}s {ratio:>5.2f}x {('yes' if r['all_ok'] else 'NO'):>6} "
                f"{r['lab_start']:>8.1f}s {m['rss_idle']:>18.1f} /{m['rss_pushed']:>5.1f} "
                f"{m['pss_idle']:>8.1f} /{m['pss_pushed']:>5.1f} "
                f"{c['push']:>6.2f}/{c['lab']:.2f}/{c['lab_tools']:.2f}  "
                + " ".join(f"{t:.2f}" for t in r["times"]))

    if not print_sizes(__file__, __doc__, measure,
                       f"{'routers':>7} {'median':>8} {'ratio':>6} {'all ok':>6} {'lab start':>9} "
                       f"{'MB/router RSS idle/pushed':>25} {'PSS idle/pushed':>15} {'CPU push/lab/ip':>16}  runs",
                       lambda r: r["median"], row):
        return
    print("ratio = median wall time of `configgen push --workers N` to N routers / to 1 router")
    print("CPU (medians, s): the push process; the lab's own threads; the `ip`/`iptables` processes the lab ran"
          " (GRE forwarders not included)")


if __name__ == "__main__":
    main()
