"""What the tasks share per process: the rendered inventory and how to reach its devices,
keyed by the inventory plugin's options. It lives here, not in the Nornir inventory, so
that neither rendered configs nor credentials ever show up in `nr.inventory.dict()`, a
Nornir log or a dump of host data; a host carries only the options (paths, no secrets),
from which a task in another process renders the same inventory again."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from configgen import api
from configgen.findings import Findings


class ConfiggenInventoryError(Exception):
    """The configgen inventory has errors (each named with file and line): nothing to run."""


@dataclass(frozen=True)
class Options:
    """The inventory plugin's options, as kept in every host's data (`configgen`)."""

    inventory: tuple[str, ...]
    templates: str | None = None
    connections: str | None = None
    known_hosts: str = "~/.ssh/known_hosts"
    accept_new_host_keys: bool = False

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Options":
        return cls(**{**data, "inventory": tuple(data["inventory"])})

    def to_data(self) -> dict[str, Any]:
        return {**asdict(self), "inventory": list(self.inventory)}

    @property
    def access(self) -> api.Access:
        # Tasks run in worker threads, often under a scheduler: never prompt there.
        return api.Access(connections=self.connections, known_hosts=self.known_hosts,
                          accept_new_host_keys=self.accept_new_host_keys, interactive=False)


class State:
    def __init__(self, options: Options):
        self.options = options
        self.rendered = api.render(options.inventory, template_dir=options.templates, template_findings=True)
        if not self.rendered.checked.ok:
            raise ConfiggenInventoryError(_findings_text(self.rendered.checked.findings))
        self.targets = api.targets(self.rendered.checked.inventory, None, options.access, self.rendered.configs)
        self._reach: api.Reach | None = None
        self._lock = threading.Lock()

    def reach(self, device: str) -> api.Reach:
        """`device`'s target with the login (loaded once, the way `configgen push` loads it)."""
        with self._lock:
            if self._reach is None:
                inventory = self.rendered.checked.inventory
                self._reach = api.Reach(self.targets, api.credentials(inventory, list(self.targets),
                                                                       self.options.access))
        return self._reach.only([device])


def _findings_text(findings: Findings) -> str:
    errors = findings.errors
    shown = "\n".join(f"  {f}" for f in errors[:20])
    more = f"\n  ... and {len(errors) - 20} more (run `configgen validate`)" if len(errors) > 20 else ""
    return f"the configgen inventory has {len(errors)} error(s):\n{shown}{more}"


_states: dict[Options, State] = {}
_states_lock = threading.Lock()


def load(options: Options) -> State:
    """Validate and render afresh (the inventory plugin: a new InitNornir re-reads the files)."""
    state = State(options)
    with _states_lock:
        _states[options] = state
    return state


def state_of(data: dict[str, Any]) -> State:
    """The state for a host's `configgen` data: the one its inventory plugin loaded in this
    process, or (a host made elsewhere) loaded now."""
    options = Options.from_data(data)
    with _states_lock:
        state = _states.get(options)
    return state or load(options)


def normalised(inventory: str | Path | list[str | Path], **options: Any) -> Options:
    paths = [inventory] if isinstance(inventory, (str, Path)) else list(inventory)
    settings: dict[str, Any] = {k: (str(v) if isinstance(v, Path) else v) for k, v in options.items()}
    return Options(tuple(str(p) for p in paths), **settings)
