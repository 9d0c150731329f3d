"""Nornir tasks: `render`, `push` (honours Nornir's dry_run) and `verify`, one host each.

Each runs configgen's own engine on the host's device through configgen.api, with the
push/verify session layer (configgen's drivers, strict host keys) and the login taken as
`configgen push` takes it (configgen/push/credentials.py). A failed device is a failed
Nornir result, the others carry on; `result` is the typed per-device result of the api."""

from __future__ import annotations

from pathlib import Path

from nornir.core.task import Result, Task

from configgen import api
from configgen.nornir.state import state_of

__all__ = ["push", "render", "verify"]


def render(task: Task) -> Result:
    """The host's rendered configuration (what `configgen render` writes for it)."""
    state = state_of(task.host.data["configgen"])
    return Result(task.host, result=state.rendered.configs[task.host.name])


def push(task: Task, dry_run: bool | None = None, backup_dir: str | Path | None = None,
         line_timeout: float = 30.0) -> Result:
    """Send what differs from the rendered config, then save/commit (`configgen push`).
    Dry run (this argument, else Nornir's global dry_run): the commands, nothing sent.
    `result`: push.engine.DeviceResult; `diff`: the commands; `changed`: there were any
    (in a dry run: there would be)."""
    state = state_of(task.host.data["configgen"])
    name = task.host.name
    pushed = api.push_rendered(state.rendered, state.reach(name), dry_run=task.is_dry_run(dry_run), workers=1,
                               backup_dir=backup_dir, line_timeout=line_timeout)
    device = pushed.devices[name]
    return Result(task.host, result=device, changed=device.ok and bool(device.commands),
                  diff="\n".join(device.commands), failed=not device.ok)


def verify(task: Task, count: int = 5, timeout: float = 2.0) -> Result:
    """The ordered pings of every service on the host (`configgen verify`).
    `result`: api.DeviceVerification; failed when a service's step failed."""
    state = state_of(task.host.data["configgen"])
    name = task.host.name
    verified = api.verify_rendered(state.rendered, state.reach(name), count=count, timeout=timeout, workers=1)
    device = verified.devices[name]
    return Result(task.host, result=device, failed=not device.ok)
