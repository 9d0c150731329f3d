"""The PBX front-end transformations of docs/references.md §4, step by step: what the numbers of
one call look like at each point of the path, like `test voice translation-rule` on a
gateway but for the whole call.

This is the reference model. It is written from the domain rules, not from the rendered
Cisco rules, so tests can check one against the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from configgen.inventory.vpmn import Pbx
from configgen.numbers.plan import ACCESS_PREFIX, GroupPlan, routing_prefix, virtual_calling_number

Direction = Literal["out", "in"]


@dataclass(frozen=True)
class Step:
    where: str
    calling: str
    called: str
    note: str = ""

    def __str__(self) -> str:
        text = f"{self.where:<34} calling {self.calling or '-':<16} called {self.called or '-'}"
        return f"{text}\n{'':<36}{self.note}" if self.note else text


def calling_out(plan: GroupPlan, pbx: Pbx, calling: str) -> tuple[str, str]:
    """PBX -> VPMN calling number: (number, why)."""
    area = plan.group.pbx_area_code(pbx)
    if not pbx.sends_extensions:
        return virtual_calling_number(area, pbx), "switchboard-only PBX: every call presents 90 + area + PBX"
    for block in pbx.blocks:
        offset = block.extensions.offset_of(calling)
        if offset is not None:
            return (virtual_calling_number(area, pbx, calling),
                    f"extension {calling} (block {block.extensions} <-> short {block.short.number_at(offset)}) "
                    "becomes 90 + area + PBX + extension")
    return calling, (f"{calling} is in no extension block of {pbx.name}: unchanged, "
                     "the VPMN cannot map it to a short number")


def called_out(called: str) -> tuple[str, str]:
    return ACCESS_PREFIX + called, f"access prefix {ACCESS_PREFIX} triggers the VPMN service"


def strip_routing_prefix(plan: GroupPlan, pbx: Pbx, number: str) -> str | None:
    """904 + area + PBX + extension -> extension, when the rest has an extension's length."""
    prefix = routing_prefix(plan.group.pbx_area_code(pbx), pbx)
    rest = number[len(prefix):]
    if number.startswith(prefix) and any(len(rest) == b.extensions.length for b in pbx.blocks):
        return rest
    return None


def short_to_routing_number(plan: GroupPlan, pbx: Pbx, short: str) -> str | None:
    """What the VPMN platform routes a PBX short number to: 904 + area + PBX + extension."""
    for block in pbx.blocks:
        offset = block.short.offset_of(short)
        if offset is not None:
            return routing_prefix(plan.group.pbx_area_code(pbx), pbx) + block.extensions.number_at(offset)
    return None


def translate(plan: GroupPlan, pbx: Pbx, direction: Direction, calling: str, called: str) -> list[Step]:
    """The steps of one call between `pbx` and the VPMN."""
    if direction == "out":
        steps = [Step(f"PBX {pbx.name} sends", calling, called)]
        new_calling, why_calling = calling_out(plan, pbx, calling)
        new_called, why_called = called_out(called)
        steps.append(Step("front-end, calling number", new_calling, called, why_calling))
        steps.append(Step("front-end, called number", new_calling, new_called, why_called))
        steps.append(Step("VPMN receives", new_calling, new_called))
        return steps
    steps = [Step("VPMN sends", calling, called)]
    routed = short_to_routing_number(plan, pbx, called)
    if routed is not None:
        steps.append(Step("VPMN platform, short number", calling, routed,
                          f"short number {called} of PBX {pbx.name} is routed with prefix 904 + area + PBX"))
        called = routed
    stripped = strip_routing_prefix(plan, pbx, called)
    if stripped is None:
        prefix = routing_prefix(plan.group.pbx_area_code(pbx), pbx)
        steps.append(Step("front-end", calling, called, f"not routed to {pbx.name}: the called number is not "
                          f"{prefix} + an extension"))
        return steps
    steps.append(Step("front-end, called number", calling, stripped, "routing prefix 904 + area + PBX stripped"))
    calling_stripped = strip_routing_prefix(plan, pbx, calling)
    if calling_stripped is not None:
        steps.append(Step("front-end, calling number", calling_stripped, stripped,
                          "routing prefix 904 + area + PBX stripped from the calling number too"))
        calling = calling_stripped
    steps.append(Step(f"PBX {pbx.name} receives", calling, stripped))
    return steps
