"""The one table of service kinds: a kind is one module, registered here by its name.

A kind module (configgen/services/gprs_vpn.py, configgen/services/internet_line.py)
holds everything about its kind and ends with `KIND = ServiceKind(...)`: the inventory
model, the subnets it claims and its IP-plan checks, the platform features it needs,
its per-device build (plus `templates/<vendor>/<kind>.j2`), its verification pings and
its side of the lab. Adding a kind is adding such a module and one line in `BUILTIN`
(or `register("package.module")` from outside configgen, as tests/kinds/toy.py does).

Why a table of module *names*, resolved on first use: every stage reads the table (the
inventory loader the model, the checks the claims and checks, render the build, verify
the pings, the lab its side), and the inventory loader sits below the services layer the
kind modules live in (they build `Contribution`s and use the inventory's field types).
Naming the modules as text, this module imports nothing of configgen, so the lowest
layer may import it and every import stays pointing down; a kind module is imported
only when its kind is first looked up. Code outside a kind module never tests
`kind == ...`: it asks the kind's entry (tests/test_service_kinds.py checks that).
"""

# No `from __future__ import annotations`: a NamedTuple compiles each field's annotation
# written as text (start-up time); names imported only for type checking are quoted.
import importlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from configgen.labside import LabSide

# kind name -> the module that defines it (its `KIND`)
BUILTIN: dict[str, str] = {
    "gprs_vpn": "configgen.services.gprs_vpn",
    "internet_line": "configgen.services.internet_line",
}

_modules: dict[str, str] = dict(BUILTIN)
_loaded: "dict[str, ServiceKind]" = {}


def _no_findings(*args: Any) -> Iterable[Any]:
    return ()


def _no_features(service: Any) -> list[str]:
    return []


class ServiceKind(NamedTuple):
    """One service kind's hooks, each called by the layer named in its comment."""

    name: str
    # inventory: the pydantic model of a `services:` entry of this kind (`kind: <name>`)
    model: type[Any]
    # checks (ipplan): claims(service, path) -> the subnets it uses (services.ipplan.Claim)
    claims: Callable[[Any, tuple[Any, ...]], Iterable[Any]]
    # render: build(service, device, platform, inventory) -> services.model.Contribution
    build: Callable[[Any, Any, Any, Any], Any]
    # checks (ipplan): check(service, path, inventory) -> findings about one service
    check: Callable[[Any, tuple[Any, ...], Any], Iterable[Any]] = _no_findings
    # checks (ipplan): check_all(entries, inventory) -> findings across every service of
    # this kind, `entries` being (service, path) pairs in inventory order (per-device uniques)
    check_all: Callable[[list[tuple[Any, tuple[Any, ...]]], Any], Iterable[Any]] = _no_findings
    # checks (ipplan): operator hosts its verification pings (services.ipplan.OperatorAddress)
    operator_addresses: Callable[[Any, Any], Iterable[Any]] = _no_findings
    # checks (platform): the platform features its rendering needs (platforms.Platform.refusal)
    features: Callable[[Any], list[str]] = _no_features
    # checks (ipplan): its WAN and LAN are its own (NAT, filters, policing apply per interface)
    exclusive_interfaces: bool = False
    # checks (ipplan): it opens SSH from the management sources (management_from matters)
    opens_management: bool = False
    # verify: verify_targets(service, inventory) -> services.steps.PingStep list; None: no pings
    verify_targets: Callable[[Any, Any], list[Any]] | None = None
    # lab: lab(service, inventory) -> LabSide; None: no IP dataplane in the lab
    lab: "Callable[[Any, Any], LabSide] | None" = None
    # render: a directory of `<vendor>/<kind>.j2` templates, after the bundled ones (None: bundled)
    template_dir: Path | None = None
    # findings: codes its checks report that configgen.finding_codes.CODES does not list
    # (a kind from outside configgen), code -> what it means
    finding_codes: Mapping[str, str] = {}   # read only (Mapping): one shared empty default is safe


def names() -> list[str]:
    """Every registered kind, in registration order (what findings list as known kinds)."""
    return list(_modules)


def get(name: str) -> ServiceKind | None:
    """The kind called `name`, or None when no kind has that name."""
    kind = _loaded.get(name)
    if kind is None and name in _modules:
        kind = _loaded[name] = _load(_modules[name], name)
    return kind


def of(service: Any) -> ServiceKind:
    """The kind of a validated `services:` entry (its model came from this table)."""
    kind = get(service.kind)
    if kind is None:
        raise KeyError(f"service {service.name}: kind {service.kind!r} is not registered in configgen.kinds")
    return kind


def loaded() -> list[ServiceKind]:
    """Every registered kind, loaded (the published JSON Schema lists every model)."""
    return [kind for name in names() if (kind := get(name)) is not None]


def register(module: str) -> ServiceKind:
    """Register the kind defined by `module` (importable, with a module-level `KIND`)."""
    kind = _load(module, None)
    _modules[kind.name] = module
    _loaded[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Forget a kind registered with `register` (a test's toy kind)."""
    _modules.pop(name, None)
    _loaded.pop(name, None)


def _load(module: str, name: str | None) -> ServiceKind:
    kind = getattr(importlib.import_module(module), "KIND", None)
    if not isinstance(kind, ServiceKind):
        raise TypeError(f"{module} defines no KIND = ServiceKind(...)")
    if name is not None and kind.name != name:
        raise TypeError(f"{module} defines kind {kind.name!r}, registered as {name!r}")
    return kind
