"""Benchmark: numbering-plan checks on a large VPMN group (not a test: prints figures).

    python benchmarks/numbering.py [--members 100000 --blocks 1000]

One group: N members in a CSV file (the realistic form at this size) plus PBXs holding
B extension blocks of 10 numbers. Stages are timed separately, best of 3:
- load: YAML + CSV read + schema (pydantic) for every member;
- check: `configgen.checks.numbering.check` (plan rules, prefix ambiguity over members
  and blocks, service-number shadowing, public numbers, uniqueness);
- baseline: building a set of the members' short numbers and one of their long numbers,
  the least any duplicate check costs; the ratio check/baseline says how far above that
  floor the full rule set runs. Sizes 1/10, 1/2 and 1x show whether cost grows linearly.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from configgen.checks import numbering  # noqa: E402
from configgen.inventory import load_inventory  # noqa: E402
from configgen.numbers.plan import group_plans  # noqa: E402

BLOCK = 10                 # extensions per block
BLOCKS_PER_PBX = 100       # 10 PBXs for 1,000 blocks


def write_plan(directory: Path, members: int, blocks: int) -> Path:
    # A group plan (3-6 digits): 6-digit members from 200000 up, blocks from 399990 down.
    # (An integrated plan's 6[1-9]xxxx holds only 90,000 numbers.)
    rows = ["short,number,name"]
    for i in range(members):
        rows.append(f"{200000 + i},{13800000000 + i},member {i}")
    (directory / "members.csv").write_text("\n".join(rows) + "\n")
    lines = ["vpmn:", "  - name: big", '    area_code: "027"', "    plan: group",
             "    members_file: members.csv", "    pbx:"]
    for p in range((blocks + BLOCKS_PER_PBX - 1) // BLOCKS_PER_PBX):
        lines += [f"      - name: pbx{p}", f'        number: "{200 + p}"', "        sends_extensions: true",
                  f'        switchboard: "0278800{p:04d}"', "        blocks:"]
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


def measure(members: int, blocks: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_plan(Path(tmp), members, blocks)
        load_time, loaded = best_of(3, lambda: load_inventory(path))
        inventory = loaded.inventory

        def load_members():
            inventory.__dict__.pop("_group_plans", None)
            return group_plans(inventory)
        csv_time, plans = best_of(3, load_members)
        found: list = []
        check_time, found = best_of(3, lambda: list(numbering.check(inventory)))
        assert not loaded.findings and not found, [str(f) for f in list(found)[:5]]
        plan = plans[0]
        baseline, _ = best_of(3, lambda: ({m.short for m in plan.members}, {m.number for m in plan.members}))
    entries = members + blocks
    print(f"{members:>7} members + {blocks:>5} blocks: YAML+schema {load_time * 1000:7.1f} ms, "
          f"CSV+schema {csv_time * 1000:7.1f} ms, check {check_time * 1000:7.1f} ms "
          f"({check_time / entries * 1e5 * 1000:.0f} ms per 100k entries), baseline {baseline * 1000:5.1f} ms, "
          f"check/baseline {check_time / baseline:5.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--blocks", type=int, default=1_000)
    args = parser.parse_args()
    for fraction in (10, 2, 1):
        measure(args.members // fraction, args.blocks // fraction)


if __name__ == "__main__":
    main()
