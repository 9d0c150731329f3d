"""The library API the CLI wraps: load -> validate -> render, for notebooks, Nornir
tasks and CI scripts alike."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection, Iterable, Iterator, Protocol

import jinja2
from jinja2.exceptions import SecurityError

from configgen.checks import validate
from configgen.findings import Finding, Findings, InputError
from configgen.inventory import Inventory, load_inventory
from configgen.render import make_environment, render_inventory, template_location, write_configs


@dataclass
class CheckedInventory:
    inventory: Inventory
    findings: Findings
    not_shown: int = 0   # findings about devices a `devices` filter left out

    @property
    def ok(self) -> bool:
        return not self.findings.errors

    def acknowledge(self) -> None:
        """Apply the inventory's `acknowledge:` entries, once every finding is in."""
        self.findings.acknowledge(self.inventory.acknowledgements)


@dataclass
class RenderResult:
    checked: CheckedInventory
    configs: dict[str, str] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)


# progress(stage, done, total): what long work is doing, for a progress line. `done` and
# `total` are given while a stage counts devices; None otherwise.
class Progress(Protocol):
    def __call__(self, stage: str, done: int | None = None, total: int | None = None) -> None: ...


def _no_progress(stage: str, done: int | None = None, total: int | None = None) -> None:
    pass


def check(paths: Iterable[str | Path] | str | Path, *, freeze_gc: bool = False,
          progress: Progress = _no_progress) -> CheckedInventory:
    """Load and validate. Raises InputError for unreadable input; findings otherwise.

    `freeze_gc` (for one-shot processes such as the CLI): see `_one_shot_gc`.
    """
    checked = _validated(paths, freeze_gc=freeze_gc, progress=progress)
    checked.acknowledge()
    return checked


def _validated(paths: Iterable[str | Path] | str | Path, *, freeze_gc: bool = False,
               progress: Progress = _no_progress) -> CheckedInventory:
    with _one_shot_gc(freeze_gc):
        progress("reading the inventory")
        loaded = load_inventory(paths)
        progress(f"checking {len(loaded.inventory.services)} service(s) on {len(loaded.inventory.devices)} device(s)")
        return CheckedInventory(loaded.inventory, validate(loaded))


def render(paths: Iterable[str | Path] | str | Path, out_dir: str | Path | None = None,
           template_dir: str | Path | None = None, *, freeze_gc: bool = False,
           progress: Progress = _no_progress, template_findings: bool = False,
           devices: Collection[str] | None = None) -> RenderResult:
    """Validate, then render every device; write `<device>.cfg` files only when the
    inventory has no errors (and only if `out_dir` is given). A template that fails to
    render raises, or with `template_findings` (the CLI) becomes a finding naming the
    template's file and line, and nothing is written. `devices`: render only these;
    findings about other devices are left out of `checked` (configgen.scope)."""
    with _one_shot_gc(freeze_gc):
        return _render(paths, out_dir, template_dir, progress, template_findings, devices)


def _render(paths: Iterable[str | Path] | str | Path, out_dir: str | Path | None, template_dir: str | Path | None,
            progress: Progress, template_findings: bool,
            devices: Collection[str] | None) -> RenderResult:
    checked = _validated(paths, progress=progress)
    result = RenderResult(checked)
    if template_dir is not None:
        checked.findings.extend(unused_override_findings(template_dir))
    checked.acknowledge()   # rendering adds errors only, which no acknowledgement names
    if devices is not None:
        checked = result.checked = scoped(checked, devices)
    if not checked.ok:
        return result
    try:
        result.configs = render_inventory(checked.inventory, template_dir, only=devices,
                                          progress=lambda done, total: progress("rendering device", done, total))
    except (jinja2.TemplateError, ValueError) as exc:
        if not template_findings:
            raise
        checked.findings.add(template_finding(exc))
        return result
    if out_dir is not None:
        progress(f"writing {len(result.configs)} config file(s)")
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


def scoped(checked: CheckedInventory, devices: Collection[str]) -> CheckedInventory:
    """`checked` with only the findings that concern `devices` (configgen.scope);
    raises scope.UnknownDevice for a name the inventory does not define."""
    from configgen.scope import check_device_names, for_devices

    check_device_names(checked.inventory, devices)
    findings, not_shown = for_devices(checked.findings, checked.inventory, devices)
    return CheckedInventory(checked.inventory, findings, not_shown)


def unused_override_findings(template_dir: str | Path) -> list[Finding]:
    """A file in the user's template directory overrides the bundled template of the
    same relative path; one that matches none (misplaced or misspelt) would silently
    change nothing, so it is reported. An override that is not a regular file (a FIFO, a
    link to a device) is never read, and Jinja would silently use the bundled template:
    an error."""
    root = Path(template_dir)
    if not root.is_dir():
        raise InputError(f"--templates {template_dir}: "
                         + ("not a directory" if root.exists() else "no such directory"))
    bundled = set(make_environment().list_templates(filter_func=lambda n: n.endswith(".j2")))
    findings = []
    for path in sorted(root.rglob("*.j2")):
        name = path.relative_to(root).as_posix()
        if not path.is_file():
            findings.append(Finding(str(path), None, "template",
                                    "not a regular file (a FIFO, a device or a broken link): configgen does not read "
                                    "it, so it would not override anything; make it a plain template file",
                                    code="template"))
            continue
        if name not in bundled:
            same_file = sorted(b for b in bundled if b.rsplit("/", 1)[-1] == path.name)
            hint = (f"to override it, put it at {root / same_file[0]}" if same_file
                    else f"bundled templates: {', '.join(sorted(bundled))}")
            findings.append(Finding(str(path), None, "template",
                                    f"overrides no bundled template, so it is used only if one of your templates "
                                    f"includes or imports it; {hint}", severity="warning", code="template-unused"))
    return findings


def ci_check(paths: Iterable[str | Path] | str | Path, template_dir: str | Path | None = None, *,
             progress: Progress = _no_progress) -> CheckedInventory:
    """What CI runs: validate the inventory, compile every template (bundled and the
    user's), and render every device in memory, so a broken template fails the build
    even when no inventory uses it yet. Template problems become findings."""
    checked = _validated(paths, progress=progress)
    if template_dir is not None:
        checked.findings.extend(unused_override_findings(template_dir))
    progress("compiling templates")
    env = make_environment(template_dir)
    for name in env.list_templates(filter_func=lambda n: n.endswith(".j2")):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            checked.findings.add(Finding(exc.filename or name, exc.lineno, "template",
                                         f"template syntax error: {exc.message}", code="template"))
    if checked.ok:
        try:
            render_inventory(checked.inventory, template_dir,
                             progress=lambda done, total: progress("rendering device", done, total))
        except (jinja2.TemplateError, ValueError) as exc:
            checked.findings.add(template_finding(exc))
    checked.acknowledge()
    return checked


def template_finding(exc: Exception) -> Finding:
    """Point at the innermost template frame of a rendering error."""
    file, line = template_location(exc)
    reason = getattr(exc, "reason", str(exc))
    if isinstance(exc, SecurityError):
        reason = (f"the template reaches for something templates may not use ({reason}); "
                  "templates see only the values they are given")
    return Finding(file, line, "template", f"rendering failed: {reason}", code="template")
