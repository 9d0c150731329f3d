"""Load one or several inventory files into one validated `Inventory`.

Files merge: `devices` by name, `services` and `vpmn` by concatenation, `operator`
field by field. Every value keeps its origin, so a finding about the merged inventory
still names the file and line the engineer has to edit.
"""

from __future__ import annotations

import os
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence, TypeVar

from pydantic import BaseModel, ValidationError

from configgen.findings import repeated
from configgen.findings import PLACES_LISTED, Finding, Findings, InputError
from configgen import kinds
from configgen.inventory.schema import Device, InventoryDocument, Operator, Service
from configgen.inventory.types import FREE_TEXT, _name, interface_type_problem, vendor_interface_name
from configgen.inventory.yamlsource import ExpansionBudget, PathT, SourceMap, load_yaml_file

if TYPE_CHECKING:   # loaded when an inventory has VPMN groups or acknowledgements (start-up time)
    from configgen.acknowledgements import Acknowledgement
    from configgen.inventory.vpmn import VpmnGroup

LIST_SECTIONS = ("services", "vpmn", "acknowledge")
CREDENTIAL_KEYS = {"password", "secret", "enable_secret", "enable_password", "username", "community"}


@dataclass
class Inventory:
    """The merged, schema-valid part of an inventory. Invalid entries are left out
    (their findings say why), so later checks run on everything that can be checked."""

    lab: bool = False
    operator: Operator = field(default_factory=Operator)
    devices: dict[str, Device] = field(default_factory=dict)
    services: list[Service] = field(default_factory=list)
    vpmn: list[VpmnGroup] = field(default_factory=list)
    # where each entry sits in the merged document, for findings
    service_paths: dict[str, PathT] = field(default_factory=dict)
    vpmn_paths: dict[str, PathT] = field(default_factory=dict)
    # device names declared, valid or not: references to a broken device are not "unknown"
    declared_devices: set[str] = field(default_factory=set)
    sources: SourceMap = field(default_factory=SourceMap)
    acknowledgements: list[Acknowledgement] = field(default_factory=list)
    # numbers.plan.group_plans reads a members CSV once per inventory and keeps the plans here
    _group_plans: list[Any] | None = field(default=None, init=False, repr=False, compare=False)

    def service_path(self, service: Service) -> PathT:
        return self.service_paths[service.name]


@dataclass
class LoadResult:
    """A loaded inventory and the schema's findings about it."""

    inventory: Inventory
    findings: Findings

    @property
    def ok(self) -> bool:
        return not self.findings.errors


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; a directory contributes every *.yaml / *.yml file below it, sorted,
    except hidden files and folders (names starting with '.': .github/, .pre-commit-config.yaml,
    which are not inventories). A file named twice (directly, through a directory or a
    link) is read once. A folder that cannot be listed is an InputError: skipping it
    would validate half an inventory as ok."""
    files: list[Path] = []
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(_inventory_files(path))
            if not found:
                raise InputError(f"{path}: directory holds no .yaml or .yml inventory files "
                                 "(hidden files and folders are skipped)")
        elif path.exists() or path.is_symlink():
            found = [path]   # a link that leads nowhere: the reader says why
        else:
            raise InputError(f"{path}: no such file or directory")
        for file in found:
            real = os.path.realpath(file)   # unlike Path.resolve, no exception on a link loop
            if real not in seen:
                seen.add(real)
                files.append(file)
    if not files:
        raise InputError("no inventory given")
    return files


def _inventory_files(directory: Path) -> Iterator[Path]:
    """Every *.yaml / *.yml below `directory` that is not hidden, links included (one that
    leads nowhere or loops is refused when read, not dropped)."""
    for root, folders, names in os.walk(directory, onerror=_unlistable):
        folders[:] = [f for f in folders if not f.startswith(".")]   # not descended into
        for name in names:
            if not name.startswith(".") and name.endswith((".yaml", ".yml")):
                yield Path(root, name)


def _unlistable(error: OSError) -> None:
    raise InputError(f"{error.filename}: cannot list this folder ({error.strerror}); its inventory files "
                     "would go unchecked: make it readable, or name the files to check") from None


def load_inventory(paths: Iterable[str | Path] | str | Path) -> LoadResult:
    """Read, merge and schema-check inventory files. Raises InputError when a file
    cannot be read or parsed at all; everything else becomes a finding."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    findings = Findings()
    sources = SourceMap()
    merged: dict[str, Any] = {"operator": {}, "devices": {}, "services": [], "vpmn": [], "acknowledge": []}
    labs: dict[str, Any] = {}
    budget = ExpansionBudget()
    device_places: dict[Any, list[PathT]] = {}   # devices defined in several files
    for path in expand_paths(paths):
        loaded = load_yaml_file(path, budget)
        findings.extend(loaded.findings)
        sources.files[loaded.path] = loaded.lines
        if isinstance(loaded.data, dict):
            labs[loaded.path] = loaded.data.get("lab", False)
        _merge_file(loaded.path, loaded.data, merged, sources, findings, device_places)
    for device, places in device_places.items():
        findings.add(repeated(sources, places, f"device '{device}' is defined {_times(len(places))}; define each "
                              "device once and let services from any file refer to it", code="duplicate-device"))
    _merge_lab(labs, merged, sources, findings)
    # Only now: one file's sections must not hide where another file's came from.
    sources.origins.setdefault((), (str(next(iter(sources.files), "<inventory>")), ()))
    inventory = _validate(merged, sources, findings)
    if not (findings.items or inventory.declared_devices or merged["services"] or merged["vpmn"]):
        files = list(sources.files)
        what = "this file defines" if len(files) == 1 else f"these {len(files)} files define"
        findings.add(Finding(files[0], None, "", f"{what} no devices, services or vpmn groups: nothing to check or "
                             "render; is this the inventory you meant?", severity="warning", code="empty-inventory"))
    return LoadResult(inventory, findings)


def _times(count: int) -> str:
    return "twice" if count == 2 else f"{count} times"


def _merge_file(name: str, data: Any, merged: dict[str, Any], sources: SourceMap, findings: Findings,
                device_places: dict[Any, list[PathT]]) -> None:
    if not isinstance(data, dict):
        findings.add(Finding(name, 1, "", "an inventory file must be a mapping with keys such as "
                             "operator, devices, services", code="not-a-mapping"))
        return
    for key, value in data.items():
        if key in LIST_SECTIONS:
            if value is None:
                continue
            if not isinstance(value, list):
                _misshapen(key, f"`{key}` must be a list (entries starting with '- ')", name, sources, findings)
                continue
            for index, item in enumerate(value):
                merged_index = len(merged[key])
                merged[key].append(item)
                sources.add_origin((key, merged_index), name, (key, index))
        elif key == "devices":
            if not isinstance(value, dict):
                _misshapen(key, "`devices` must be a mapping of device name to settings", name, sources, findings)
                continue
            for device, settings in value.items():
                if device in merged["devices"]:
                    places = device_places.setdefault(device, [("devices", device)])
                    again = ("devices", f"{device}#{len(places)}")   # where this file defines it again
                    sources.add_origin(again, name, ("devices", device))
                    places.append(again)
                    continue
                merged["devices"][device] = settings
                sources.add_origin(("devices", device), name, ("devices", device))
        elif key == "operator":
            if not isinstance(value, dict):
                _misshapen(key, "`operator` must be a mapping (name, gre_endpoint, ...)", name, sources, findings)
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
        elif key == "lab" or str(key).startswith("x-"):
            continue   # lab: `_merge_lab`; x- keys hold this file's anchors, nothing to merge
        else:
            if key in merged and merged[key] != value:
                findings.add(Finding(name, sources.files[name].get((key,)), key,
                                     f"`{key}` differs between inventory files; make them agree", code="conflict"))
                continue
            merged[key] = value
            sources.add_origin((key,), name, (key,))


def _misshapen(key: str, message: str, name: str, sources: SourceMap, findings: Findings) -> None:
    """Top-level section `key` of file `name` holds the wrong kind of value: the finding, at that key."""
    sources.add_origin((key,), name, (key,))
    findings.add(sources.finding((key,), message))


def _merge_lab(labs: dict[str, Any], merged: dict[str, Any], sources: SourceMap, findings: Findings) -> None:
    """`lab: true` relaxes checks for the whole merged inventory (documentation addresses
    pass), so one lab file must not relax the production files merged with it: every
    file says the same (a file without `lab` says false)."""
    setting = next(((file, value) for file, value in labs.items() if value is not False), None)
    if setting is None:
        return
    file, value = setting
    sources.add_origin(("lab",), file, ("lab",))
    merged["lab"] = value
    others = [other for other, their in labs.items() if their != value]
    if others:
        shown = ", ".join(f"{other} (lab: {_yaml(labs[other])})" if ("lab",) in sources.files[other] else f"{other} (no lab:)"
                          for other in others[:3])
        more = f" and {len(others) - 3} more" if len(others) > 3 else ""
        findings.add(sources.finding(
            ("lab",), f"`lab: {_yaml(value)}` here but not in {shown}{more}; lab relaxes checks for every merged file "
            "(documentation addresses pass), so merged files must agree: set the same `lab:` in each, "
            "or validate lab and production inventories separately", code="lab-conflict"))


def _yaml(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else repr(value)


def _validate(merged: dict[str, Any], sources: SourceMap, findings: Findings) -> Inventory:
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

    left_out: list[PathT] = []   # entities no plan check can see, for one plain warning
    operator = _model(Operator, merged["operator"], ("operator",), sources, findings)
    if operator is not None:
        inventory.operator = operator

    for name, settings in merged["devices"].items():
        inventory.declared_devices.add(str(name))
        try:
            _name(name)
        except ValueError as exc:
            findings.add(sources.finding(("devices", name), f"device {exc}", code="invalid-name"))
        device = _model(Device, settings, ("devices", name), sources, findings, left_out)
        if device is not None:
            inventory.devices[str(name)] = device

    seen_names: dict[str, PathT] = {}
    seen_labels: dict[str, PathT] = {}   # route and ACL labels are upper case
    # A name written n times is one finding, not n-1 (nor n²/2).
    repeated_names: dict[str, list[PathT]] = {}
    same_labels: dict[str, list[PathT]] = {}
    for index, raw in enumerate(merged["services"]):
        path = ("services", index)
        model = _service_model(raw, path, sources, findings)
        if model is None:
            left_out.append(path)
            continue
        service: Any = _model(model, raw, path, sources, findings, left_out)
        if service is None:
            continue
        if service.name in seen_names:
            repeated_names.setdefault(service.name, [seen_names[service.name] + ("name",)]).append(path + ("name",))
            continue
        label = service.name.upper()
        if label in seen_labels:
            same_labels.setdefault(label, [seen_labels[label] + ("name",)]).append(path + ("name",))
        seen_names[service.name] = path
        seen_labels.setdefault(label, path)
        device = inventory.devices.get(service.device)
        if device is not None:
            service = _vendor_spelling(service, device.vendor)
            for role in ("wan", "lan"):
                problem = interface_type_problem(device.vendor, getattr(service, role).interface)
                if problem:
                    findings.add(sources.finding(path + (role, "interface"),
                                                 f"device {service.device} is a {device.vendor} router: {problem}",
                                                 code="interface-vendor"))
        inventory.services.append(service)
        inventory.service_paths[service.name] = path
    for name, places in repeated_names.items():
        findings.add(repeated(sources, places, f"service name '{name}' is used {_times(len(places))}; service names "
                              "must be unique (they name routes and ACLs)", code="duplicate-name"))
    for label, places in same_labels.items():
        names = [merged["services"][place[1]]["name"] for place in places]
        findings.add(repeated(sources, places, (
            f"service name '{names[1]}' differs from another only in upper/lower case; both would get the route "
            f"and ACL label {label}: rename one" if len(names) == 2 else
            f"{len(names)} service names differ only in upper/lower case ({', '.join(names[:PLACES_LISTED])}"
            f"{', ...' if len(names) > PLACES_LISTED else ''}); all would get the route and ACL label {label}: "
            "rename all but one"), code="duplicate-name"))
    _validate_vpmn(merged["vpmn"], inventory, sources, findings, left_out)
    _read_acknowledgements(merged["acknowledge"], inventory, sources, findings)
    if left_out:
        findings.add(_left_out_finding(left_out, sources))
    return inventory


def _read_acknowledgements(entries: list[Any], inventory: Inventory, sources: SourceMap, findings: Findings) -> None:
    """`acknowledge:` entries; each applies to its own file's findings unless it names another."""
    if not entries:
        return
    from configgen.acknowledgements import Acknowledgement
    from configgen.inventory.acknowledge import Acknowledge

    for index, raw in enumerate(entries):
        path = ("acknowledge", index)
        entry = _model(Acknowledge, raw, path, sources, findings)
        if entry is None:
            continue
        at_file, at_line, at_field = sources.locate(path)
        target = str(Path(at_file).parent / entry.file) if entry.file else at_file
        inventory.acknowledgements.append(Acknowledgement(entry.code, entry.field, entry.reason, target,
                                                          at_file, at_line, at_field))


def _vendor_spelling(service: Any, vendor: str) -> Any:
    """The service with its interface names spelt as `vendor` prints them (ATM vs Atm):
    the one place where a name's spelling becomes the router's, before any check compares."""
    update = {}
    for role in ("wan", "lan"):
        attachment = getattr(service, role)
        printed = vendor_interface_name(vendor, attachment.interface)
        if printed != attachment.interface:
            update[role] = attachment.model_copy(update={"interface": printed})
    return service.model_copy(update=update) if update else service


def _left_out_finding(left_out: list[PathT], sources: SourceMap) -> Finding:
    shown = "; ".join(sources.where(path) for path in left_out[:10])
    more = f"; and {len(left_out) - 10} more" if len(left_out) > 10 else ""
    return sources.finding(
        left_out[0], f"{len(left_out)} entr{'y' if len(left_out) == 1 else 'ies'} with schema errors could not be "
        f"read and {'was' if len(left_out) == 1 else 'were'} left out of the IP-plan, numbering and reference "
        f"checks: {shown}{more}; fix their schema errors and validate again: plan findings about them may follow",
        severity="warning", code="left-out")


def _validate_vpmn(groups: list[Any], inventory: Inventory, sources: SourceMap, findings: Findings,
                   left_out: list[PathT]) -> None:
    if not groups:
        return
    from configgen.inventory.vpmn import VpmnGroup

    repeated_names: dict[str, list[PathT]] = {}
    for index, raw in enumerate(groups):
        path = ("vpmn", index)
        group = _model(VpmnGroup, raw, path, sources, findings, left_out)
        if group is None:
            continue
        if group.name in inventory.vpmn_paths:
            first = inventory.vpmn_paths[group.name] + ("name",)
            repeated_names.setdefault(group.name, [first]).append(path + ("name",))
            continue
        inventory.vpmn.append(group)
        inventory.vpmn_paths[group.name] = path
    for name, places in repeated_names.items():
        findings.add(repeated(sources, places, f"VPMN group name '{name}' is used {_times(len(places))}; one group "
                              "per name (merge the members, or rename one)", code="duplicate-name"))


def _service_model(raw: Any, path: PathT, sources: SourceMap, findings: Findings) -> type[BaseModel] | None:
    if not isinstance(raw, dict):
        findings.add(sources.finding(path, "a service must be a mapping with at least kind, name and device"))
        return None
    kind = raw.get("kind")
    if kind is None:
        findings.add(sources.finding(path, f"service has no `kind`; use one of: {', '.join(kinds.names())}",
                                     code="missing"))
        return None
    if not isinstance(kind, str):
        findings.add(sources.finding(path + ("kind",), f"`kind` is one word, one of: {', '.join(kinds.names())}",
                                     code="unknown-kind"))
        return None
    entry = kinds.get(kind)
    if entry is None:
        import difflib   # here, not at the top: only a misspelt name needs it (start-up time)

        close = difflib.get_close_matches(str(kind), kinds.names(), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        findings.add(sources.finding(path + ("kind",), f"unknown service kind '{kind}'{hint}; "
                                     f"known kinds: {', '.join(kinds.names())}", code="unknown-kind"))
        return None
    model: type[BaseModel] = entry.model
    return model


M = TypeVar("M", bound=BaseModel)


def _model(model: type[M], raw: Any, path: PathT, sources: SourceMap, findings: Findings,
           left_out: list[PathT] | None = None) -> M | None:
    """The validated model, or None. With schema errors every one is a finding; when
    they sit only where no plan check looks (unknown keys such as a typo, optional free
    text such as a description), the entry is read without those keys, so the plan
    checks still see it and report now, not after the next round of fixes. Otherwise
    it goes to `left_out`."""
    try:
        return model.model_validate(raw if raw is not None else {})
    except ValidationError as exc:
        errors = exc.errors()
    for error in errors:
        findings.add(finding_from_pydantic(model, error, path, sources))
    without = _without_unchecked(model, raw, errors)
    if without is not None:
        try:
            return model.model_validate(without)
        except ValidationError:
            pass
    if left_out is not None:
        left_out.append(path)
    return None


def _without_unchecked(model: type[BaseModel], raw: Any, errors: Sequence[Mapping[str, Any]]) -> Any:
    """`raw` without the keys the errors name, when each is an unknown key or optional free
    text; None when an error is anywhere else. (Dropping an optional field a check reads,
    such as a PBX's `short`, would make the check report it missing: a false finding.)"""
    for error in errors:
        loc = _loc(error)
        if not loc or not isinstance(loc[-1], str):
            return None
        if error["type"] != "extra_forbidden":
            info = getattr(_model_at(model, loc[:-1]), "model_fields", {}).get(loc[-1])
            if info is None or info.default is not None or \
                    not any(arg in FREE_TEXT for arg in typing.get_args(info.annotation)):
                return None
        raw = _dropped(raw, loc)
        if raw is None:
            return None
    return raw


def _dropped(raw: Any, loc: PathT) -> Any:
    """A copy of `raw` without the value at `loc` (copying only the containers on the way)."""
    if isinstance(raw, dict) and loc[0] in raw:
        if len(loc) == 1:
            return {key: value for key, value in raw.items() if key != loc[0]}
        inner = _dropped(raw[loc[0]], loc[1:])
        return None if inner is None else {**raw, loc[0]: inner}
    if isinstance(raw, list) and isinstance(loc[0], int) and len(loc) > 1 and loc[0] < len(raw):
        inner = _dropped(raw[loc[0]], loc[1:])
        return None if inner is None else [*raw[:loc[0]], inner, *raw[loc[0] + 1:]]
    return None


def _loc(error: Mapping[str, Any]) -> PathT:
    """The error's path in the input, without pydantic's validator markers ("function-...").
    An unknown key is the user's own text, even when it looks like a marker."""
    loc = error["loc"]
    kept = loc[:-1] if error["type"] == "extra_forbidden" and loc else loc
    path = tuple(part for part in kept if not (isinstance(part, str) and part.startswith("function-")))
    return path + tuple(loc[len(kept):])


def finding_from_pydantic(model: type[BaseModel], error: Mapping[str, Any], base: PathT, sources: SourceMap) -> Finding:
    loc = _loc(error)
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
    return set(getattr(_model_at(model, loc), "model_fields", {}))


def _model_at(model: type[BaseModel], loc: PathT) -> Any:
    """The nested model at `loc` inside `model`, or None."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return None
        current = _nested_model(info.annotation)
    return current


def _nested_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _unknown_key_message(key: str, allowed: Iterable[str]) -> str:
    allowed = sorted(allowed)
    if str(key).lower() in CREDENTIAL_KEYS:
        return (f"`{key}`: credentials never go into an inventory; set CONFIGGEN_USERNAME / "
                "CONFIGGEN_PASSWORD in the environment or let configgen prompt for them")
    import difflib   # here, not at the top: only a misspelt name needs it (start-up time)

    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown field '{key}'; {hint}allowed here: {', '.join(allowed)}"
