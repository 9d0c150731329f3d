"""The library API the CLI wraps: load -> validate -> render -> push -> verify, for
notebooks, Nornir tasks (configgen.nornir) and CI scripts alike.

`push`, `verify` and `deploy` take inventory paths and return typed per-device results;
`*_rendered` do the same from a `render` result and a `Reach` (the targets and credentials
push and verify share), for a caller that renders once and pushes in parts. The SSH
stacks are imported only when something connects, render and Jinja2 only when something
renders: `configgen validate` imports this module and must stay light
(tests/test_startup_imports.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Collection, Iterable, Protocol

from configgen.checks import validate
from configgen.findings import Finding, InputError
from configgen.gcpause import one_shot_gc
from configgen.inventory import Inventory, load_inventory
from configgen.results import CheckedInventory as CheckedInventory

if TYPE_CHECKING:
    # render's result, push's, verify's and deploy's and their `Access`, named here as before (`api.PushResult`)
    from configgen.deployment import Access as Access
    from configgen.deployment import DeployResult as DeployResult
    from configgen.deployment import DeviceDeployment as DeviceDeployment
    from configgen.deployment import DeviceVerification as DeviceVerification
    from configgen.deployment import PushResult as PushResult
    from configgen.deployment import Reach as Reach
    from configgen.deployment import VerifyResult as VerifyResult
    from configgen.netconf.push import Held
    from configgen.push.credentials import Credentials
    from configgen.push.targets import Target
    from configgen.rendered import RenderResult as RenderResult

# They live in configgen.rendered and configgen.deployment, loaded when one is first named:
# `configgen validate` never needs them (start-up time: their classes cost more than the
# rest of this module).
_LATER = {"RenderResult": "configgen.rendered",
          **dict.fromkeys(("Access", "DeployResult", "DeviceDeployment", "DeviceVerification", "PushResult", "Reach",
                           "VerifyResult"), "configgen.deployment")}


def __getattr__(name: str) -> type:
    if name not in _LATER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    found: type = getattr(importlib.import_module(_LATER[name]), name)
    return found


# progress(stage, done, total): what long work is doing, for a progress line. `done` and
# `total` are given while a stage counts devices; None otherwise.
class Progress(Protocol):
    def __call__(self, stage: str, done: int | None = None, total: int | None = None) -> None: ...


def _no_progress(stage: str, done: int | None = None, total: int | None = None) -> None:
    pass


def check(paths: Iterable[str | Path] | str | Path, *, freeze_gc: bool = False,
          progress: Progress = _no_progress) -> CheckedInventory:
    """Load and validate. Raises InputError for unreadable input; findings otherwise.

    `freeze_gc` (for one-shot processes such as the CLI): see `configgen.gcpause`.
    """
    checked = _validated(paths, freeze_gc=freeze_gc, progress=progress)
    checked.acknowledge()
    return checked


def _validated(paths: Iterable[str | Path] | str | Path, *, freeze_gc: bool = False,
               progress: Progress = _no_progress) -> CheckedInventory:
    with one_shot_gc(freeze_gc):
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
    with one_shot_gc(freeze_gc):
        return _render(paths, out_dir, template_dir, progress, template_findings, devices)


def _render(paths: Iterable[str | Path] | str | Path, out_dir: str | Path | None, template_dir: str | Path | None,
            progress: Progress, template_findings: bool,
            devices: Collection[str] | None) -> RenderResult:
    import jinja2

    from configgen.netconf.devices import device_payloads
    from configgen.render import write_configs
    from configgen.rendered import RenderResult

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
        # NETCONF devices (transport: netconf) also get their YANG payload, from the same values.
        result.payloads = {name: p.xml() for name, p in device_payloads(checked.inventory, devices).items()}
    except (jinja2.TemplateError, ValueError) as exc:
        if not template_findings:
            raise
        checked.findings.add(template_finding(exc))
        return result
    if out_dir is not None:
        progress(f"writing {len(result.configs)} config file(s)")
        result.written = write_configs(result.configs, out_dir, result.payloads)
    return result


def render_inventory(inventory: Inventory, template_dir: str | Path | None = None,
                     progress: Callable[[int, int], None] | None = None,
                     only: Collection[str] | None = None) -> dict[str, str]:
    """configgen.render.render_inventory, imported when something renders."""
    from configgen.render import render_inventory as render

    return render(inventory, template_dir, progress=progress, only=only)


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
    from configgen.render import make_environment

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


def operator_yang_dir(inventory: Inventory) -> Path | None:
    """The model folder the inventory's `operator.yang_models` names, relative to its file."""
    setting = inventory.operator.yang_models
    if setting is None:
        return None
    file, _, _ = inventory.sources.locate(("operator", "yang_models"))
    return Path(file).parent / setting


def ci_check(paths: Iterable[str | Path] | str | Path, template_dir: str | Path | None = None, *,
             progress: Progress = _no_progress, yang_dir: str | Path | None = None) -> CheckedInventory:
    """What CI runs: validate the inventory, compile every template (bundled and the
    user's), and render every device in memory, so a broken template fails the build
    even when no inventory uses it yet. Template problems become findings. NETCONF
    payloads are built too and, with `yang_dir`, validated against its YANG models
    (configgen.netconf.validate; a model directory that cannot be used raises InputError)."""
    import jinja2

    from configgen.netconf.devices import device_payloads
    from configgen.render import make_environment

    if yang_dir is not None:
        from configgen.netconf.validate import model_sets  # libyang only when asked for

        progress("loading YANG models")
        sets = model_sets(yang_dir)
    checked = _validated(paths, progress=progress)
    if yang_dir is None and (yang_dir := operator_yang_dir(checked.inventory)) is not None:
        from configgen.netconf.validate import model_sets  # libyang only when asked for

        progress("loading YANG models")
        sets = model_sets(yang_dir)
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
    if checked.ok:
        try:
            payloads = device_payloads(checked.inventory)
        except ValueError as exc:
            checked.findings.add(template_finding(exc))
            payloads = {}
        if yang_dir is not None and checked.ok:
            from configgen.netconf.findings import yang_findings

            progress(f"validating {len(payloads)} NETCONF payload(s)")
            checked.findings.extend(yang_findings(checked.inventory, payloads, sets, yang_dir))
    checked.acknowledge()
    return checked


def template_finding(exc: Exception) -> Finding:
    """Point at the innermost template frame of a rendering error."""
    from jinja2.exceptions import SecurityError

    from configgen.render import template_location

    file, line = template_location(exc)
    reason = getattr(exc, "reason", str(exc))
    if isinstance(exc, SecurityError):
        reason = (f"the template reaches for something templates may not use ({reason}); "
                  "templates see only the values they are given")
    return Finding(file, line, "template", f"rendering failed: {reason}", code="template")


# ---- push, verify, deploy ---------------------------------------------------------------

# progress(device, message): what a device is doing ("connecting", "changed", "failed: ...").
DeviceProgress = Callable[[str, str], None]
Paths = Iterable[str | Path] | str | Path


def _default(access: Access | None) -> Access:
    """None: `Access()`, push's defaults (configgen.deployment: validate never loads it)."""
    from configgen.deployment import Access

    return Access() if access is None else access


def targets(inventory: Inventory, devices: Collection[str] | None = None,
            access: Access | None = None, rendered: Collection[str] | None = None) -> dict[str, Target]:
    """The devices to reach (default: every device configgen renders a configuration for),
    in name order. InputError for an unknown device, one with nothing rendered, or a
    connection file that cannot be read. `rendered`: the devices render produced configs
    for (`RenderResult.configs`), so they need not be built again to be known."""
    from configgen.push.targets import HostKeys, read_connection_file, resolve_targets

    access = _default(access)
    connections = read_connection_file(access.connections) if access.connections else None
    host_keys = HostKeys(Path(access.known_hosts).expanduser(), access.accept_new_host_keys)
    return resolve_targets(inventory, list(devices) if devices else None, connections, host_keys, rendered)


def credentials(inventory: Inventory, devices: Collection[str], access: Access | None = None) -> Credentials:
    """The login for `devices`; push.credentials.CredentialsError when there is none."""
    from configgen.push.credentials import install_log_redaction, load_credentials
    from configgen.push.targets import read_connection_file

    install_log_redaction()
    access = _default(access)
    if access.credentials is not None:
        return access.credentials
    login = read_connection_file(access.connections).login if access.connections else None
    return load_credentials(list(devices), login, interactive=access.interactive, namesakes=inventory.devices)


def reach(inventory: Inventory, devices: Collection[str] | None = None, access: Access | None = None,
          rendered: Collection[str] | None = None) -> Reach:
    """`targets` and their `credentials`."""
    from configgen.deployment import Reach

    found = targets(inventory, devices, access, rendered)
    return Reach(found, credentials(inventory, list(found), access))


def _rendered_for_push(paths: Paths, template_dir: str | Path | None, freeze_gc: bool) -> RenderResult:
    """Validate + render as `configgen render --templates` does: push sends what render writes."""
    return render(paths, template_dir=template_dir, freeze_gc=freeze_gc, template_findings=True)


def push(paths: Paths, *, devices: Collection[str] | None = None, template_dir: str | Path | None = None,
         access: Access | None = None, dry_run: bool = False, workers: int = 4, backup_dir: str | Path | None = None,
         line_timeout: float = 30.0, progress: DeviceProgress | None = None) -> PushResult:
    """Validate, render, then push what differs to each device (push.engine.push_devices).
    Findings: nothing sent (`report` None). InputError, CredentialsError: nothing sent."""
    from configgen.deployment import PushResult

    rendered = _rendered_for_push(paths, template_dir, False)
    if not rendered.checked.ok:
        return PushResult(rendered)
    return push_rendered(rendered, reach(rendered.checked.inventory, devices, access, rendered.configs), dry_run=dry_run,
                         workers=workers, backup_dir=backup_dir, line_timeout=line_timeout, progress=progress)


def push_rendered(rendered: RenderResult, reached: Reach, *, dry_run: bool = False, workers: int = 4,
                  backup_dir: str | Path | None = None, line_timeout: float = 30.0,
                  progress: DeviceProgress | None = None) -> PushResult:
    """Push `rendered.configs` to `reached.targets` (`rendered` must have no errors): CLI
    devices through netmiko, `transport: netconf` devices their YANG payload through
    ncclient (configgen.netconf.push); one report."""
    return _push_rendered(rendered, reached, dry_run=dry_run, workers=workers, backup_dir=backup_dir,
                          line_timeout=line_timeout, progress=progress)[0]


def _push_rendered(rendered: RenderResult, reached: Reach, *, dry_run: bool = False, workers: int = 4,
                   backup_dir: str | Path | None = None, line_timeout: float = 30.0,
                   progress: DeviceProgress | None = None, hold: bool = False,
                   confirm_timeout: int | None = None) -> tuple[PushResult, dict[str, Held]]:
    """push_rendered; with `hold`, NETCONF devices stop after their commit, and the second
    value maps each such device to its configgen.netconf.push.Held (settled by the caller).
    `confirm_timeout`: a Huawei confirmed commit's (default netconf.push.CONFIRM_TIMEOUT)."""
    from configgen.deployment import PushResult
    from configgen.push.engine import push_devices

    inventory = rendered.checked.inventory
    over_netconf = {name for name in reached.targets if inventory.devices[name].transport == "netconf"}
    over_ssh = {name: target for name, target in reached.targets.items() if name not in over_netconf}
    if over_netconf:
        from configgen.netconf.fetch import require_ncclient

        require_ncclient()   # before any device, CLI ones included, is touched
    report = push_devices(inventory, rendered.configs, over_ssh, reached.credentials,
                          dry_run=dry_run, workers=workers, progress=progress, line_timeout=line_timeout,
                          backup_dir=backup_dir)
    held: dict[str, Held] = {}
    if over_netconf:
        from configgen.netconf.devices import device_payloads
        from configgen.netconf.push import push_devices as push_netconf  # ncclient: the netconf extra

        netconf_results, held = push_netconf(inventory, device_payloads(inventory, over_netconf),
                                             {name: reached.targets[name] for name in over_netconf},
                                             reached.credentials, dry_run=dry_run, workers=workers, hold=True,
                                             confirm_timeout=confirm_timeout, backup_dir=backup_dir)
        if not hold:
            for waiting in held.values():
                waiting.settle(None)
            held = {}
        report.results = sorted(report.results + netconf_results, key=lambda r: r.device)
    return PushResult(rendered, report), held


def verify(paths: Paths, *, devices: Collection[str] | None = None, template_dir: str | Path | None = None,
           access: Access | None = None, count: int = 5, timeout: float = 2.0, workers: int = 4,
           progress: DeviceProgress | None = None) -> VerifyResult:
    """Validate, then run every service's ordered pings on its device (verify.runner)."""
    from configgen.deployment import VerifyResult

    rendered = _rendered_for_push(paths, template_dir, False)
    if not rendered.checked.ok:
        return VerifyResult(rendered)
    return verify_rendered(rendered, reach(rendered.checked.inventory, devices, access, rendered.configs), count=count,
                           timeout=timeout, workers=workers, progress=progress)


def verify_rendered(rendered: RenderResult, reached: Reach, *, count: int = 5, timeout: float = 2.0,
                    workers: int = 4, progress: DeviceProgress | None = None) -> VerifyResult:
    from configgen.deployment import DeviceVerification, VerifyResult
    from configgen.verify.runner import verify as run_pings

    report = run_pings(rendered.checked.inventory, reached.targets, reached.credentials, count=count,
                       timeout=timeout, workers=workers, progress=progress)
    devices = {name: DeviceVerification(name) for name in reached.targets}
    for service in report.services:
        devices[service.device].services.append(service)
    return VerifyResult(rendered, report, devices)


def deploy(paths: Paths, *, devices: Collection[str] | None = None, template_dir: str | Path | None = None,
           access: Access | None = None, workers: int = 4, backup_dir: str | Path | None = None,
           count: int = 5, timeout: float = 2.0, line_timeout: float = 30.0,
           progress: DeviceProgress | None = None) -> DeployResult:
    """validate -> render -> push -> verify, stopping at the first stage that fails."""
    from configgen.deployment import DeployResult

    rendered = _rendered_for_push(paths, template_dir, False)
    if not rendered.checked.ok:
        return DeployResult(rendered)
    return deploy_rendered(rendered, reach(rendered.checked.inventory, devices, access, rendered.configs), workers=workers,
                           backup_dir=backup_dir, count=count, timeout=timeout, line_timeout=line_timeout,
                           progress=progress)


def _confirm_timeout(rendered: RenderResult, reached: Reach, count: int, timeout: float, workers: int) -> int:
    """A Huawei confirmed commit must outlast deploy's pings, or the device rolls a good
    change back by itself: the default timeout plus the pings' worst case (every device's
    login and every ping running out its timeout, `workers` devices at a time)."""
    from math import ceil

    from configgen.netconf.push import CONFIRM_TIMEOUT
    from configgen.verify.plan import plan_service

    inventory = rendered.checked.inventory
    steps = {name: 0 for name in reached.targets}
    for service in inventory.services:
        if service.device in steps:
            steps[service.device] += len(plan_service(service, inventory))
    per_device = 30 + max(steps.values(), default=0) * count * (timeout + 1)   # login + pings
    return CONFIRM_TIMEOUT + ceil(ceil(len(steps) / max(1, workers)) * per_device)


def deploy_rendered(rendered: RenderResult, reached: Reach, *, workers: int = 4,
                    backup_dir: str | Path | None = None, count: int = 5, timeout: float = 2.0,
                    line_timeout: float = 30.0, progress: DeviceProgress | None = None,
                    verify_progress: DeviceProgress | None = None,
                    after_push: Callable[[PushResult], None] | None = None) -> DeployResult:
    """Push, then verify only when every device's push succeeded. `after_push` sees the
    push result before any ping is sent (the CLI prints it there); `verify_progress`
    (default `progress`) follows the pings."""
    from configgen.deployment import DeployResult, DeviceDeployment

    pushed, held = _push_rendered(rendered, reached, workers=workers, backup_dir=backup_dir,
                                  line_timeout=line_timeout, progress=progress, hold=True,
                                  confirm_timeout=_confirm_timeout(rendered, reached, count, timeout, workers))
    if after_push is not None:
        after_push(pushed)
    result = DeployResult(rendered, "push", pushed.report,
                          devices={name: DeviceDeployment(name, device) for name, device in pushed.devices.items()},
                          settled=sorted(held))
    if not pushed.ok:
        # Nothing is verified: a NETCONF device's change waiting for its pings is undone.
        for waiting in held.values():
            waiting.settle("not kept: another device's push failed, so the verification pings did not run")
        return result
    try:
        verified = verify_rendered(rendered, reached, count=count, timeout=timeout, workers=workers,
                                   progress=verify_progress or progress)
    except BaseException:
        for waiting in held.values():
            waiting.settle("not kept: the verification did not complete")
        raise
    result.stage, result.verify = "verify", verified.report
    for name, device in verified.devices.items():
        result.devices[name].verify = device
    # A NETCONF device keeps its change only when its own services' pings all passed
    # (Huawei: the confirming commit; IOS-XE: save-config), else it is rolled back.
    for name, waiting in held.items():
        failed = [s.service for s in verified.devices[name].services if not s.ok]
        waiting.settle(None if not failed else "rolled back: the verification pings failed for "
                       + ", ".join(failed))
    return result
