"""The plan for the operator's provisioning systems: one row per short number.

Columns: group, short, long, virtual_calling_number, pbx, extension, name.
- member: `long` is the member's public number;
- PBX switchboard short number: `long` is the switchboard's PSTN number, the virtual
  calling number is 90 + area + PBX (docs/references.md §4, switchboard only);
- block: one row per extension; `long` is the routing number 904 + area + PBX + extension
  the VPMN routes the short number to, the virtual calling number 90 + area + PBX +
  extension is what that extension presents.
Blocks are expanded here (and only here): provisioning needs every number.

Cells starting with `=`, `+`, `-`, `@`, TAB or CR (a member's name can) get a leading `'`,
the OWASP convention against CSV injection: a spreadsheet would otherwise run them as
formulas. Numbers never start with these, so only free text is ever changed.
"""

from __future__ import annotations

import csv
from typing import Iterator, TextIO

from configgen.inventory import Inventory
from configgen.numbers.plan import group_plans, routing_prefix, virtual_calling_number

COLUMNS = ("group", "short", "long", "virtual_calling_number", "pbx", "extension", "name")
FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """`cell`, prefixed with `'` when a spreadsheet would read it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_LEADERS) else cell


def export_rows(inventory: Inventory) -> Iterator[tuple[str, ...]]:
    for plan in group_plans(inventory):
        group = plan.group
        for member in plan.members:
            yield group.name, member.short, member.number, "", "", "", member.name or ""
        for pbx in group.pbx:
            area = group.pbx_area_code(pbx)
            if pbx.short is not None:
                yield (group.name, pbx.short, pbx.switchboard, virtual_calling_number(area, pbx), pbx.name, "",
                       "switchboard")
            prefix = routing_prefix(area, pbx)
            for block in pbx.blocks:
                for offset in range(block.short.size):
                    extension = block.extensions.number_at(offset)
                    yield (group.name, block.short.number_at(offset), prefix + extension,
                           virtual_calling_number(area, pbx, extension), pbx.name, extension, "")


def write_csv(inventory: Inventory, stream: TextIO) -> int:
    """Write the plan as CSV; returns the number of rows."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in export_rows(inventory):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        count += 1
    return count
