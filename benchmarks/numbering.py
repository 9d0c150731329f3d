"""Benchmark: numbering-plan checks on large VPMN groups (not a test: prints figures).

    python benchmarks/numbering.py [--sizes 100000 1000000] [--blocks-per-100k 1000]

Groups of at most 100,000 members, each in a CSV file (the realistic form at this
size), plus PBXs holding extension blocks of 10 numbers (1,000 blocks per 100k members
by default). 1M members are 10 groups of 100k: one group cannot hold 1M, because its
short numbers are 3 to 6 digits (group plan) and so a group has fewer than 10^6 of
them, fewer still once the numbers reserved for services and the PBX blocks are taken
(about 845k are left). Stages are timed separately, best of 3:
- load: YAML + CSV read + schema (pydantic) for every member;
- check: `configgen.checks.numbering.check` (plan rules, prefix ambiguity over members
  and blocks, service-number shadowing, public numbers, uniqueness);
- baseline: building a set of the members' short numbers and one of their long numbers,
  the least any duplicate check costs; the ratio check/baseline says how far above that
  floor the full rule set runs. The growth column compares the check's cost per entry
  with the first size's (1.00 is linear).
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from configgen.checks import numbering
from configgen.inventory import load_inventory
from configgen.numbers.plan import group_plans

BLOCK = 10                 # extensions per block
BLOCKS_PER_PBX = 100       # 10 PBXs for 1,000 blocks
GROUP_SIZE = 100_000       # members per group (see the docstring)


def write_plan(directory: Path, members: int, blocks_per_100k: int) -> Path:
    """Groups of GROUP_SIZE members (the last one smaller), each with its share of blocks.
    A group plan (3-6 digits): 6-digit members from 200000 up, blocks from 399990 down.
    (An integrated plan's 6[1-9]xxxx holds only 90,000 numbers.)"""
    lines = ["vpmn:"]
    for g, first_member in enumerate(range(0, members, GROUP_SIZE)):
        size = min(GROUP_SIZE, members - first_member)
        rows = ["short,number,name"]
        for i in range(size):
            rows.append(f"{200000 + i},{13800000000 + first_member + i},member {i}")
        (directory / f"members{g}.csv").write_text("\n".join(rows) + "\n")
        lines += [f"  - name: big{g}", '    area_code: "027"', "    plan: group",
                  f"    members_file: members{g}.csv", "    pbx:"]
        blocks = size * blocks_per_100k // 100_000
        for p in range((blocks + BLOCKS_PER_PBX - 1) // BLOCKS_PER_PBX):
            pbx = g * 100 + p
            lines += [f"      - name: pbx{pbx}", f'        number: "{200 + pbx}"', "        sends_extensions: true",
                      f'        switchboard: "0278800{pbx:04d}"', "        blocks:"]
            for b in range(p * BLOCKS_PER_PBX, min(blocks, (p + 1) * BLOCKS_PER_PBX)):
                first = 399990 - b * BLOCK
                ext = 1000 + (b % BLOCKS_PER_PBX) * BLOCK
                lines.append(f'          - {{short: "{first}-{first + BLOCK - 1}", extensions: "{ext}-{ext + BLOCK - 1}"}}')
    path = directory / "big.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def best_of(runs: int, func) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def measure(members: int, blocks_per_100k: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_plan(Path(tmp), members, blocks_per_100k)
        load_time, loaded = best_of(3, lambda: load_inventory(path))
        inventory = loaded.inventory

        def load_members():
            inventory.__dict__.pop("_group_plans", None)
            return group_plans(inventory)
        csv_time, plans = best_of(3, load_members)
        found: list = []
        check_time, found = best_of(3, lambda: list(numbering.check(inventory)))
        assert not loaded.findings and not found, [str(f) for f in list(found)[:5]]
        baseline, _ = best_of(3, lambda: [({m.short for m in plan.members}, {m.number for m in plan.members})
                                          for plan in plans])
    blocks = sum(len(pbx.blocks) for group in inventory.vpmn for pbx in group.pbx)
    return {"members": members, "groups": len(plans), "blocks": blocks, "load": load_time, "csv": csv_time,
            "check": check_time, "baseline": baseline,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--blocks-per-100k", type=int, default=1_000)
    args = parser.parse_args()
    first = None
    for members in args.sizes:
        r = measure(members, args.blocks_per_100k)
        entries = r["members"] + r["blocks"]
        per_entry = r["check"] / entries
        first = first or per_entry
        print(f"{members:>8} members in {r['groups']:>2} group(s) + {r['blocks']:>5} blocks: "
              f"YAML+schema {r['load'] * 1000:7.1f} ms, CSV+schema {r['csv'] * 1000:7.1f} ms, "
              f"check {r['check'] * 1000:7.1f} ms ({per_entry * 1e5 * 1000:.0f} ms per 100k entries, "
              f"growth x{per_entry / first:.2f}), baseline {r['baseline'] * 1000:5.1f} ms, "
              f"check/baseline {r['check'] / r['baseline']:5.1f}x, peak RSS so far {r['peak_mb']:.0f} MB",
              flush=True)


if __name__ == "__main__":
    main()
