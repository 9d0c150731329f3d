"""The library API the CLI wraps: load -> validate -> render, for notebooks, Nornir
tasks and CI scripts alike."""

from __future__ import annotations

import gc
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import jinja2

from configgen.checks import validate
from configgen.findings import Finding, Findings
from configgen.inventory import Inventory, load_inventory
from configgen.render import make_environment, render_inventory, write_configs


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

    `freeze_gc` (for one-shot processes such as the CLI): see `_one_shot_gc`.
    """
    with _one_shot_gc(freeze_gc):
        loaded = load_inventory(paths)
        return CheckedInventory(loaded.inventory, validate(loaded))


def render(paths: Iterable[str | Path] | str | Path, out_dir: str | Path | None = None,
           template_dir: str | Path | None = None, *, freeze_gc: bool = False) -> RenderResult:
    """Validate, then render every device; write `<device>.cfg` files only when the
    inventory has no errors (and only if `out_dir` is given)."""
    with _one_shot_gc(freeze_gc):
        checked = check(paths)
        result = RenderResult(checked)
        if not checked.ok:
            return result
        result.configs = render_inventory(checked.inventory, template_dir)
        if out_dir is not None:
            result.written = write_configs(result.configs, out_dir)
        return result


@contextmanager
def _one_shot_gc(active: bool) -> Iterator[None]:
    """For a one-shot process: no cyclic garbage collection while the inventory is
    loaded, checked and rendered, then what was built is frozen out of the collector's
    sight. Loading builds hundreds of thousands of objects that all stay alive, and the
    collector rescanned them again and again: with it on, loading 10,000 services took
    twice as long, for no memory saved (benchmarks/render_e2e.py)."""
    if not active or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def ci_check(paths: Iterable[str | Path] | str | Path, template_dir: str | Path | None = None) -> CheckedInventory:
    """What CI runs: validate the inventory, compile every template (bundled and the
    user's), and render every device in memory, so a broken template fails the build
    even when no inventory uses it yet. Template problems become findings."""
    checked = check(paths)
    env = make_environment(template_dir)
    for name in env.list_templates(filter_func=lambda n: n.endswith(".j2")):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            checked.findings.add(Finding(exc.filename or name, exc.lineno, "template",
                                         f"template syntax error: {exc.message}", code="template"))
    if checked.ok:
        try:
            render_inventory(checked.inventory, template_dir)
        except (jinja2.TemplateError, ValueError) as exc:
            checked.findings.add(_template_finding(exc))
    return checked


def _template_finding(exc: Exception) -> Finding:
    """Point at the innermost template frame of a rendering error."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    where = frames[-1] if frames else None
    return Finding(where.filename if where else "<templates>", where.lineno if where else None, "template",
                   f"rendering failed: {exc}", code="template")
