"""The benchmarks measure valid inventories: a generator that produced findings would time
the refusal instead of the work (a new check made every generated device share one
management address an error once)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from configgen import api

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from inventory_gen import generate


@pytest.mark.parametrize("mix", [False, True])
def test_generated_inventory_is_clean(tmp_path, mix):
    import yaml

    path = tmp_path / "bench.yaml"
    path.write_text(yaml.safe_dump(generate(1200, 240, mix=mix)))
    checked = api.check(path)
    assert not checked.findings.errors, [str(f) for f in checked.findings.errors[:5]]
    assert len(checked.inventory.services) == 1200
