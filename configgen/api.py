"""The library API the CLI wraps: load -> validate -> render, for notebooks, Nornir
tasks and CI scripts alike."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from configgen.checks import validate
from configgen.findings import Findings
from configgen.inventory import Inventory, load_inventory
from configgen.render import render_inventory, write_configs


@dataclass
class CheckedInventory:
    inventory: Inventory
    findings: Findings

    @property
    def ok(self) -> bool:
        return not self.findings.errors


@dataclass
class RenderResult:
    checked: CheckedInventory
    configs: dict[str, str] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)


def check(paths: Iterable[str | Path] | str | Path, *, freeze_gc: bool = False) -> CheckedInventory:
    """Load and validate. Raises InputError for unreadable input; findings otherwise.

    `freeze_gc` (for one-shot processes such as the CLI): the loaded inventory lives
    until the process ends, so move it out of the cyclic collector's sight; with
    10,000 services the collector otherwise rescans it at every collection, which
    cost more than the checks themselves (benchmarks/render.py).
    """
    loaded = load_inventory(paths)
    if freeze_gc:
        gc.freeze()
    return CheckedInventory(loaded.inventory, validate(loaded))


def render(paths: Iterable[str | Path] | str | Path, out_dir: str | Path | None = None,
           template_dir: str | Path | None = None, *, freeze_gc: bool = False) -> RenderResult:
    """Validate, then render every device; write `<device>.cfg` files only when the
    inventory has no errors (and only if `out_dir` is given)."""
    checked = check(paths, freeze_gc=freeze_gc)
    result = RenderResult(checked)
    if not checked.ok:
        return result
    result.configs = render_inventory(checked.inventory, template_dir)
    if out_dir is not None:
        result.written = write_configs(result.configs, out_dir)
    return result
