"""The library API the CLI wraps: load -> validate -> render, for notebooks, Nornir
tasks and CI scripts alike."""

from __future__ import annotations

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


def check(paths: Iterable[str | Path] | str | Path) -> CheckedInventory:
    """Load and validate. Raises InputError for unreadable input; findings otherwise."""
    loaded = load_inventory(paths)
    return CheckedInventory(loaded.inventory, validate(loaded))


def render(paths: Iterable[str | Path] | str | Path, out_dir: str | Path | None = None,
           template_dir: str | Path | None = None) -> RenderResult:
    """Validate, then render every device; write `<device>.cfg` files only when the
    inventory has no errors (and only if `out_dir` is given)."""
    checked = check(paths)
    result = RenderResult(checked)
    if not checked.ok:
        return result
    result.configs = render_inventory(checked.inventory, template_dir)
    if out_dir is not None:
        result.written = write_configs(result.configs, out_dir)
    return result
