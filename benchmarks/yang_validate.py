"""Benchmark: YANG validation of NETCONF payloads (not a test: prints figures).

    python benchmarks/yang_validate.py MODELS [--devices 200]

MODELS: a folder of model sets (one per vendor, e.g. the Huawei NE40E and Cisco IOS-XE
sets; docs/netconf.md says where they come from). Prints, per vendor, the time to load and
compile its model set (once per process) and the validation cost per device (baseline +
payload parsed, merged and validated strictly), best of 3, over `--devices` copies of the
bundled example's payloads.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from configgen import api
from configgen.netconf.devices import device_payloads
from configgen.netconf.validate import ModelSet, is_model_set, model_sets

EXAMPLE = Path(__file__).resolve().parent.parent / "inventories" / "examples" / "netconf-iosxe-vrp8.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models")
    parser.add_argument("--devices", type=int, default=200)
    args = parser.parse_args()
    root = Path(args.models)
    # only the vendors' sets (as check --yang picks them): a folder of shared IETF modules is not one
    for folder in sorted(p for p in root.iterdir() if is_model_set(p)):
        start = time.perf_counter()
        ModelSet(folder)              # a fresh load: what one process pays once per model set
        print(f"{folder.name}: schema load and compile {time.perf_counter() - start:.2f} s")
    sets = model_sets(root)
    payloads = device_payloads(api.check(EXAMPLE).inventory)
    for name, payload in payloads.items():
        models = sets[payload.models]
        data = payload.data()
        assert not models.problems(data), f"{name}: the example does not validate"
        best = min(_timed(models, data, args.devices) for _ in range(3))
        print(f"{name} ({payload.models}, {len(data):,} characters of XML): "
              f"{best / args.devices * 1000:.2f} ms per device ({args.devices} devices)")


def _timed(models, data: str, count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        models.problems(data)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
