"""Load one or several inventory files into one validated `Inventory`.

Files merge: `devices` by name, `services` and `vpmn` by concatenation, `operator`
field by field. Every value keeps its origin, so a finding about the merged inventory
still names the file and line the engineer has to edit.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from configgen.findings import Finding, Findings, InputError
from configgen.inventory.schema import SERVICE_MODELS, Device, InventoryDocument, Operator, VpmnGroup
from configgen.inventory.yamlsource import PathT, SourceMap, load_yaml_file

LIST_SECTIONS = ("services", "vpmn")
CREDENTIAL_KEYS = {"password", "secret", "enable_secret", "enable_password", "username", "community"}


@dataclass
class Inventory:
    """The merged, schema-valid part of an inventory. Invalid entries are left out
    (their findings say why), so later checks run on everything that can be checked."""

    lab: bool = False
    operator: Operator = field(default_factory=Operator)
    devices: dict[str, Device] = field(default_factory=dict)
    services: list[Any] = field(default_factory=list)
    vpmn: list[Any] = field(default_factory=list)
    # where each entry sits in the merged document, for findings
    service_paths: dict[str, PathT] = field(default_factory=dict)
    vpmn_paths: dict[str, PathT] = field(default_factory=dict)
    # device names declared, valid or not: references to a broken device are not "unknown"
    declared_devices: set[str] = field(default_factory=set)
    sources: SourceMap = field(default_factory=SourceMap)

    def services_on(self, device: str) -> list[Any]:
        return [s for s in self.services if s.device == device]

    def service_path(self, service: Any) -> PathT:
        return self.service_paths[service.name]


@dataclass
class LoadResult:
    inventory: Inventory
    findings: Findings

    @property
    def ok(self) -> bool:
        return not self.findings.errors


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; directories contribute their *.yaml / *.yml files, sorted."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                raise InputError(f"{path}: directory holds no .yaml or .yml inventory files")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    if not files:
        raise InputError("no inventory given")
    return files


def load_inventory(paths: Iterable[str | Path] | str | Path) -> LoadResult:
    """Read, merge and schema-check inventory files. Raises InputError when a file
    cannot be read or parsed at all; everything else becomes a finding."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    findings = Findings()
    sources = SourceMap()
    merged: dict[str, Any] = {"operator": {}, "devices": {}, "services": [], "vpmn": []}
    for path in expand_paths(paths):
        loaded = load_yaml_file(path)
        findings.extend(loaded.findings)
        sources.files[loaded.path] = loaded.lines
        _merge_file(loaded.path, loaded.data, merged, sources, findings)
    # Only now: one file's sections must not hide where another file's came from.
    sources.origins.setdefault((), (str(next(iter(sources.files), "<inventory>")), ()))
    inventory = _validate(merged, sources, findings)
    return LoadResult(inventory, findings)


def _merge_file(name: str, data: Any, merged: dict, sources: SourceMap, findings: Findings) -> None:
    if not isinstance(data, dict):
        findings.add(Finding(name, 1, "", "an inventory file must be a mapping with keys such as "
                             "operator, devices, services", code="not-a-mapping"))
        return
    for key, value in data.items():
        if key in LIST_SECTIONS:
            if value is None:
                continue
            if not isinstance(value, list):
                sources.add_origin((key,), name, (key,))
                findings.add(sources.finding((key,), f"`{key}` must be a list (entries starting with '- ')"))
                continue
            for index, item in enumerate(value):
                merged_index = len(merged[key])
                merged[key].append(item)
                sources.add_origin((key, merged_index), name, (key, index))
        elif key == "devices":
            if not isinstance(value, dict):
                sources.add_origin((key,), name, (key,))
                findings.add(sources.finding((key,), "`devices` must be a mapping of device name to settings"))
                continue
            for device, settings in value.items():
                if device in merged["devices"]:
                    sources.add_origin(("devices", f"{device}#dup"), name, ("devices", device))
                    findings.add(sources.finding(
                        ("devices", f"{device}#dup"),
                        f"device '{device}' is defined twice; define each device once and let services "
                        "from any file refer to it", code="duplicate-device", related=(("devices", device),)))
                    continue
                merged["devices"][device] = settings
                sources.add_origin(("devices", device), name, ("devices", device))
        elif key == "operator":
            if not isinstance(value, dict):
                sources.add_origin((key,), name, (key,))
                findings.add(sources.finding((key,), "`operator` must be a mapping (name, gre_endpoint, ...)"))
                continue
            for field_name, field_value in value.items():
                path = ("operator", field_name)
                if field_name in merged["operator"] and merged["operator"][field_name] != field_value:
                    sources.add_origin(path + ("#dup",), name, path)
                    findings.add(sources.finding(
                        path + ("#dup",),
                        f"operator.{field_name} is {field_value!r} here but {merged['operator'][field_name]!r} "
                        "in another file; an inventory has one operator: make them agree",
                        code="conflict", related=(path,)))
                    continue
                if field_name not in merged["operator"]:
                    merged["operator"][field_name] = field_value
                    sources.add_origin(path, name, path)
        else:
            if key in merged and merged[key] != value:
                findings.add(Finding(name, sources.files[name].get((key,)), key,
                                     f"`{key}` differs between inventory files; make them agree", code="conflict"))
                continue
            merged[key] = value
            sources.add_origin((key,), name, (key,))


def _validate(merged: dict, sources: SourceMap, findings: Findings) -> Inventory:
    inventory = Inventory(sources=sources)
    top_level = {k: v for k, v in merged.items() if k not in ("operator", "devices", *LIST_SECTIONS)}
    allowed_top = set(InventoryDocument.model_fields)
    for key in top_level:
        # `x-...` keys hold YAML anchors for `<<: *merge` (as in docker-compose files).
        if key not in allowed_top and not str(key).startswith("x-"):
            findings.add(sources.finding((key,), _unknown_key_message(key, allowed_top), code="unknown-field"))
    if isinstance(top_level.get("lab"), bool):
        inventory.lab = top_level["lab"]
    elif "lab" in top_level:
        findings.add(sources.finding(("lab",), "`lab` must be true or false"))

    operator = _model(Operator, merged["operator"], ("operator",), sources, findings)
    if operator is not None:
        inventory.operator = operator

    for name, settings in merged["devices"].items():
        inventory.declared_devices.add(str(name))
        device = _model(Device, settings, ("devices", name), sources, findings)
        if device is not None:
            inventory.devices[str(name)] = device

    seen_names: dict[str, PathT] = {}
    for index, raw in enumerate(merged["services"]):
        path = ("services", index)
        model = _service_model(raw, path, sources, findings)
        if model is None:
            continue
        service = _model(model, raw, path, sources, findings)
        if service is None:
            continue
        if service.name in seen_names:
            findings.add(sources.finding(path + ("name",), f"service name '{service.name}' is used twice; "
                                         "service names must be unique (they name routes and ACLs)",
                                         code="duplicate-name", related=(seen_names[service.name] + ("name",),)))
            continue
        seen_names[service.name] = path
        inventory.services.append(service)
        inventory.service_paths[service.name] = path
    _validate_vpmn(merged["vpmn"], inventory, sources, findings)
    return inventory


def _validate_vpmn(groups: list, inventory: Inventory, sources: SourceMap, findings: Findings) -> None:
    for index, raw in enumerate(groups):
        path = ("vpmn", index)
        group = _model(VpmnGroup, raw, path, sources, findings)
        if group is None:
            continue
        if group.name in inventory.vpmn_paths:
            findings.add(sources.finding(path + ("name",), f"VPMN group name '{group.name}' is used twice; "
                                         "one group per name (merge the members, or rename one)",
                                         code="duplicate-name", related=(inventory.vpmn_paths[group.name] + ("name",),)))
            continue
        inventory.vpmn.append(group)
        inventory.vpmn_paths[group.name] = path


def _service_model(raw: Any, path: PathT, sources: SourceMap, findings: Findings) -> type[BaseModel] | None:
    if not isinstance(raw, dict):
        findings.add(sources.finding(path, "a service must be a mapping with at least kind, name and device"))
        return None
    kind = raw.get("kind")
    if kind is None:
        findings.add(sources.finding(path, f"service has no `kind`; use one of: {', '.join(SERVICE_MODELS)}",
                                     code="missing"))
        return None
    if not isinstance(kind, str):
        findings.add(sources.finding(path + ("kind",), f"`kind` is one word, one of: {', '.join(SERVICE_MODELS)}",
                                     code="unknown-kind"))
        return None
    model = SERVICE_MODELS.get(kind)
    if model is None:
        close = difflib.get_close_matches(str(kind), SERVICE_MODELS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        findings.add(sources.finding(path + ("kind",), f"unknown service kind '{kind}'{hint}; "
                                     f"known kinds: {', '.join(SERVICE_MODELS)}", code="unknown-kind"))
        return None
    return model


def _model(model: type[BaseModel], raw: Any, path: PathT, sources: SourceMap, findings: Findings):
    try:
        return model.model_validate(raw if raw is not None else {})
    except ValidationError as exc:
        for error in exc.errors():
            findings.add(_finding_from_pydantic(model, error, path, sources))
        return None


def _finding_from_pydantic(model: type[BaseModel], error: dict, base: PathT, sources: SourceMap) -> Finding:
    loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_fields(model, loc[:-1])
        return sources.finding(base + loc, _unknown_key_message(key, allowed), code="unknown-field")
    if kind == "missing":
        return sources.finding(base + loc, "required field is missing", code="missing")
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    elif kind == "literal_error":
        message = f"{error.get('input')!r} is not allowed; {message[0].lower()}{message[1:]}"
    elif "input" in error and not isinstance(error["input"], (dict, list)):
        message = f"{error['input']!r}: {message}"
    return sources.finding(base + loc, message, code=kind)


def _allowed_fields(model: type[BaseModel], loc: PathT) -> set[str]:
    """Field names valid at `loc` inside `model` (following nested models)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return set()
        current = _nested_model(info.annotation)
    return set(getattr(current, "model_fields", {}))


def _nested_model(annotation: Any) -> Any:
    import typing  # noqa: PLC0415

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _unknown_key_message(key: str, allowed: Iterable[str]) -> str:
    allowed = sorted(allowed)
    if key.lower() in CREDENTIAL_KEYS:
        return (f"`{key}`: credentials never go into an inventory; set CONFIGGEN_USERNAME / "
                "CONFIGGEN_PASSWORD in the environment or let configgen prompt for them")
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown field '{key}'; {hint}allowed here: {', '.join(allowed)}"
