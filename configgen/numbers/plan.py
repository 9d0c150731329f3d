"""The dial plan of a VPMN group, flattened: every member (YAML and CSV), every PBX and
block, each with the inventory path findings point at.

Also the two numbers docs/references.md §4 builds from a PBX: the virtual calling number
`90 + area + PBX + extension` and the routing prefix `904 + area + PBX`.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pydantic import TypeAdapter, ValidationError

from configgen.findings import Finding, InputError
from configgen.inventory import Inventory
from configgen.inventory.loader import finding_from_pydantic
from configgen.inventory.vpmn import Member, Pbx, VpmnGroup
from configgen.inventory.yamlsource import PathT, UnreadableFile, read_input_file

VIRTUAL_CALLING_PREFIX = "90"   # PBX identifier prefix of virtual calling numbers
ROUTING_PREFIX = "904"          # PBX routing prefix on calls towards a PBX
ACCESS_PREFIX = "600"           # VPMN service access prefix added to called numbers from a PBX
MAX_NUMBER_DIGITS = 15          # docs/references.md §4 (and E.164)
CSV_COLUMNS = ("short", "number", "name")

_MEMBERS = TypeAdapter(list[Member])


def virtual_calling_number(area_code: str, pbx: Pbx, extension: str = "") -> str:
    """90 + area (with 0) + PBX number + extension; no extension for a switchboard-only PBX."""
    return f"{VIRTUAL_CALLING_PREFIX}{area_code}{pbx.number}{extension}"


def routing_prefix(area_code: str, pbx: Pbx) -> str:
    return f"{ROUTING_PREFIX}{area_code}{pbx.number}"


@dataclass
class GroupPlan:
    """One group with its members resolved. `member_paths[i]` locates `members[i]`."""

    group: VpmnGroup
    path: PathT
    members: list[Member] = field(default_factory=list)
    member_paths: list[PathT] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)   # from reading the CSV file

    def pbx_path(self, index: int) -> PathT:
        return self.path + ("pbx", index)


def group_plans(inventory: Inventory) -> list[GroupPlan]:
    """Every group's plan, CSV members included (read once per inventory)."""
    if inventory._group_plans is None:
        # Cached on the inventory: reading a 100k-line CSV once is enough.
        inventory._group_plans = [_group_plan(inventory, group) for group in inventory.vpmn]
    return inventory._group_plans


def _group_plan(inventory: Inventory, group: VpmnGroup) -> GroupPlan:
    path = inventory.vpmn_paths[group.name]
    plan = GroupPlan(group, path, list(group.members), [path + ("members", i) for i in range(len(group.members))])
    if group.members_file is not None:
        _read_members_file(inventory, plan)
    return plan


def _read_members_file(inventory: Inventory, plan: GroupPlan) -> None:
    sources = inventory.sources
    field_path = plan.path + ("members_file",)
    yaml_file, _, _ = sources.locate(field_path)
    base = Path(yaml_file).parent
    members_file = plan.group.members_file
    assert members_file is not None   # only groups with a members file are read
    csv_path = base / members_file
    # A members file sits beside its inventory: an absolute path or `..` could make a
    # finding quote any file on the machine (e.g. /etc/shadow) line by line.
    if Path(members_file).is_absolute() or \
            not Path(os.path.realpath(csv_path)).is_relative_to(os.path.realpath(base)):
        plan.findings.append(sources.finding(field_path, f"members file {plan.group.members_file!r} must be a "
                                             "relative path inside the inventory's directory, e.g. members.csv",
                                             code="members-file-outside"))
        return
    try:
        data = read_input_file(csv_path, "members file")
    except UnreadableFile as exc:
        if exc.code == "unreadable":
            raise InputError(f"{csv_path}: cannot read members file: {exc.problem}") from None
        problem = (f"{csv_path} does not exist (paths are relative to the YAML file)" if exc.code == "missing-file"
                   else f"{csv_path}: {exc.problem}")
        code = {"not-a-file": "members-file-not-file"}.get(exc.code, exc.code)
        plan.findings.append(sources.finding(field_path, f"members file {problem}", code=code))
        return
    text, not_utf8 = _decode(csv_path, data)
    header, rows, lines, broken = _csv_rows(io.StringIO(text, newline=""))
    if not_utf8 is not None:
        plan.findings.append(Finding(
            str(csv_path), not_utf8, "", "not UTF-8 from this line on; read as GB18030 (what Excel writes on a "
            "Chinese Windows): check the names, and save the file as \"CSV UTF-8\" to be sure",
            severity="warning", code="csv-encoding"))
    # The CSV becomes a source like a YAML file: data rows are `members[k]` at their own lines.
    name = str(csv_path)
    places: dict[PathT, int] = {("members",): header[1]}
    places.update({("members", i): line for i, line in enumerate(lines)})
    sources.files[name] = places
    merged = field_path + ("rows",)
    sources.add_origin(merged, name, ("members",))
    for line in broken:
        plan.findings.append(Finding(
            name, line, "", "this row is not valid CSV: a quoted field (\"...) never closed (it runs on to the end "
            "of the file, whose rows are then not read), text after a closing quote, or a field over 131,072 "
            "characters: close the quote (a quote inside a quoted field is written \"\")", code="csv-syntax"))
    columns = header[0]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        plan.findings.append(sources.finding(
            merged, f"column {', '.join(repeated)} appears twice in the first line; each column once, "
            "or one of them would silently win", code="csv-header"))
        return
    if "short" not in columns or "number" not in columns or set(columns) - set(CSV_COLUMNS):
        plan.findings.append(sources.finding(
            merged, f"the first line must name the columns short,number,name (name optional); "
            f"found {','.join(columns) or 'nothing'}", code="csv-header"))
        return
    try:
        members = _MEMBERS.validate_python(rows)
        valid: list[int] = list(range(len(rows)))
    except ValidationError as exc:
        bad = set()
        for error in exc.errors():
            row, *loc = error["loc"]
            bad.add(row)
            plan.findings.append(finding_from_pydantic(Member, {**error, "loc": tuple(loc)}, merged + (row,),
                                                        sources))
        valid = [i for i in range(len(rows)) if i not in bad]
        members = [Member.model_validate(rows[i]) for i in valid]
    plan.members.extend(members)
    plan.member_paths.extend(merged + (i,) for i in valid)


def _decode(path: Path, data: bytes) -> tuple[str, int | None]:
    """The file's text, and the first line that is not UTF-8 when it was read as GB18030
    (GBK's superset: what Excel's "CSV" writes on a Chinese Windows). Neither: exit 2."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        start = exc.start
    line = data.count(b"\n", 0, start) + 1
    try:
        return data.decode("gb18030"), line
    except UnicodeDecodeError:
        raise InputError(f"{path}:{line}: members file is neither UTF-8 nor GB18030 (byte 0x{data[start]:02X}); "
                         "save it as \"CSV UTF-8\"") from None


def _csv_rows(handle: TextIO) -> tuple[tuple[list[str], int], list[dict[str, Any]], list[int], list[int]]:
    """(header columns, header line), data rows as dicts, each row's line, and the lines
    of rows that are not CSV (an unclosed quote reads on to the end of the file).
    Blank and `#` comment lines are skipped; an empty optional `name` cell is no name."""
    reader = csv.reader(handle, strict=True)
    header: tuple[list[str], int] | None = None
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    broken: list[int] = []
    strip = str.strip
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            broken.append(start)
            continue
        first = strip(cells[0]) if cells else ""
        if first.startswith("#") or not (first or any(map(strip, cells))):
            continue
        if header is None:
            header = ([strip(c) for c in cells], reader.line_num)
            columns = header[0]
            continue
        row: dict[str, Any] = dict(zip(columns, map(strip, cells)))
        if row.get("name") == "":
            del row["name"]
        if len(cells) > len(columns):
            row["extra cells"] = ",".join(cells[len(columns):])   # refused by the schema as unknown
        rows.append(row)
        lines.append(start)
    return header or ([], 1), rows, lines, broken
