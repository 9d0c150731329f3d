"""Numbering-plan checks for VPMN groups and PBXs (docs/references.md §4).

Every finding names the file, line and field, and for conflicts the entry on the other
side. Entries that break the plan rule (length, leading digits) are left out of the later
checks: their number has to change anyway, and one finding per problem reads better than
three. Costs: one pass over members plus a sort (`prefix_conflicts`), so a plan with
100,000 members and 1,000 blocks checks in a fraction of a second (benchmarks/numbering.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Iterable, Iterator, Sequence

from configgen.services.ipplan import not_a_host
from configgen.findings import Finding, Places, repeated
from configgen.inventory import Inventory
from configgen.inventory.ranges import Conflict, DialEntry, NumberRange, prefix_conflicts
from configgen.inventory.vpmn import Pbx
from configgen.inventory.yamlsource import PathT, SourceMap
from configgen.numbers.plan import MAX_NUMBER_DIGITS, GroupPlan, group_plans, virtual_calling_number
from configgen.numbers.public import area_code_problem, fixed_number_problem, public_number_problem
from configgen.services import pbx as pbx_service

# Numbers and prefixes no short number may equal, start with or start (docs/references.md §4).
# A prefix such as "95" stands for every number it starts (the 95xxx service lines).
RESERVED_NUMBERS: tuple[tuple[str, str], ...] = (
    ("110", "emergency number 110 (police)"),
    ("119", "emergency number 119 (fire)"),
    ("120", "emergency number 120 (ambulance)"),
    ("122", "emergency number 122 (traffic accidents)"),
    ("112", "emergency number 112"),
    ("10086", "operator service number 10086"),
    ("10010", "operator service number 10010"),
    ("10000", "operator service number 10000"),
    ("12580", "operator service number 12580"),
    ("12593", "long-distance access code 12593"),
    ("17951", "IP-call prefix 17951"),
    ("95", "the 95xxx service lines"),
    ("96", "the 96xxx service lines"),
    ("0", "the long-distance prefix 0"),
    ("60", "the billing flag 60 on calling numbers"),
    ("600", "the VPMN access prefix 600"),
    ("90", "the virtual calling number prefix 90"),
    ("904", "the PBX routing prefix 904"),
)

PLAN_RULES = {
    "integrated": "integrated plan: 6 followed by 2 to 5 digits, second digit not 0 (e.g. 6601, 61001)",
    "group": "group plan: 3 to 6 digits",
}


# Something dialled: a DialEntry or a plain (first, last, key).
Entry = tuple[str, str, Any]


@dataclass(frozen=True)
class Dialable:
    """What a DialEntry stands for, to name it in a finding."""

    path: PathT | None          # the short-number field; None for a reserved number
    label: str
    is_block: bool = False

    @property
    def at(self) -> PathT:
        """Where it is written: asked only of entries the inventory holds, never of a
        reserved number."""
        assert self.path is not None, self.label
        return self.path


def _dialable(plan: GroupPlan, key: int | Dialable) -> Dialable:
    """A member's entry is keyed by its index (a plan may hold 100,000); others carry theirs."""
    if not isinstance(key, int):
        return key
    member = plan.members[key]
    label = f"short number {member.short}" + (f" ({member.name})" if member.name else "")
    return Dialable(plan.member_paths[key] + ("short",), label)


def check(inventory: Inventory) -> Iterator[Finding]:
    sources: SourceMap = inventory.sources
    plans = group_plans(inventory)
    seen_long: dict[str, tuple[Any, ...]] = {}
    repeated_long: dict[str, list[PathT]] = {}
    pbx_numbers: dict[str, list[Entry]] = defaultdict(list)
    pbx_names: dict[str, PathT] = {}
    for plan in plans:
        yield from plan.findings
        yield from _check_group(plan, sources)
        yield from _check_long_numbers(plan, sources, seen_long, repeated_long)
        for index, pbx in enumerate(plan.group.pbx):
            path = plan.pbx_path(index)
            if pbx.name in pbx_names:
                yield sources.finding(path + ("name",), f"PBX name {pbx.name} is used twice; PBX names are unique "
                                      "in an inventory (`numbers translate --pbx` looks them up)",
                                      code="duplicate-name", related=(pbx_names[pbx.name] + ("name",),))
            pbx_names.setdefault(pbx.name, path)
            area = plan.group.pbx_area_code(pbx)
            label = Dialable(path + ("number",), f"PBX {pbx.name}")
            pbx_numbers[area].append(DialEntry(pbx.number, pbx.number, label))
            if pbx.operator is not None and not_a_host(pbx.operator.sip):
                yield sources.finding(path + ("operator", "sip"),
                                      f"SIP target {pbx.operator.sip} is {not_a_host(pbx.operator.sip)}, not a host "
                                      "the gateway can send calls to: give the unicast address of the operator's "
                                      "softswitch/IMS, e.g. 211.137.60.20", code="sip-not-unicast")
    yield from _repeated_long_numbers(seen_long, repeated_long, sources)
    yield from _check_pbx_numbers(pbx_numbers, sources)
    yield from pbx_service.gateway_findings(inventory)


def plan_problem(plan: str, first: str, last: str) -> str | None:
    """Why short numbers first..last (one number when equal) break the group's plan rule, or None."""
    length = len(first)
    if 3 <= length <= 6 and (plan == "group" or (first[0] == "6" == last[0] and first[1] != "0")):
        return None   # the common case, decided without building any text
    what = f"short number {first}" if first == last else f"block {first}-{last}"
    if not 3 <= length <= 6:
        return f"{what} has {length} digits; {PLAN_RULES[plan]}"
    if first[0] != "6" or last[0] != "6":
        return f"{what} does not start with 6; {PLAN_RULES[plan]}"
    # Contiguous and of one length: every number's second digit lies between the ends'.
    return (f"{what} has 0 as second digit (60 is the billing flag and 600 the access prefix); "
            f"{PLAN_RULES[plan]}")


def _check_group(plan: GroupPlan, sources: SourceMap) -> Iterator[Finding]:
    group = plan.group
    problem = area_code_problem(group.area_code)
    if problem:
        yield sources.finding(plan.path + ("area_code",), problem, code="area-code")
    entries: list[tuple[str, str, object]] = []
    for index, member in enumerate(plan.members):
        short = member.short
        problem = plan_problem(group.plan, short, short)
        if problem:
            yield sources.finding(plan.member_paths[index] + ("short",), problem, code="short-plan")
        else:
            entries.append((short, short, index))   # a member is keyed by its index: see `_dialable`
    for index, pbx in enumerate(group.pbx):
        yield from _check_pbx(plan, index, sources)
        path = plan.pbx_path(index)
        dialables = [(b.short, path + ("blocks", i, "short"), f"block {b.short} of PBX {pbx.name}", True)
                     for i, b in enumerate(pbx.blocks)]
        if pbx.short is not None:
            dialables.append((NumberRange(pbx.short, pbx.short), path + ("short",),
                              f"short number {pbx.short} (switchboard of PBX {pbx.name})", False))
        for numbers, field_path, label, is_block in dialables:
            problem = plan_problem(group.plan, numbers.first, numbers.last)
            if problem:
                yield sources.finding(field_path, problem, code="short-plan")
            else:
                entries.append(DialEntry.of(numbers, Dialable(field_path, label, is_block)))
    yield from _ambiguities(entries, sources, partial(_dialable, plan))


def _ambiguities(entries: list[tuple[str, str, Any]], sources: SourceMap,
                 resolve: Callable[[Any], Dialable] = lambda key: key) -> Iterator[Finding]:
    """Findings for prefix conflicts among `entries` and with the reserved numbers.
    `resolve` turns an entry's key into its Dialable."""
    entries, repeats = without_repeats(entries)
    for first, last, keys in repeats:
        yield _repeated_entry(first, last, [resolve(key) for key in keys], sources)
    reserved: list[tuple[str, str, Any]] = [DialEntry(n, n, Dialable(None, why)) for n, why in RESERVED_NUMBERS]
    shadowed: dict[Dialable, list[str]] = defaultdict(list)
    for conflict in prefix_conflicts(entries + reserved):
        shorter, longer = resolve(conflict.shorter.key), resolve(conflict.longer.key)
        if shorter.path is None and longer.path is None:
            continue   # 60 and 600, 90 and 904: reserved on purpose
        if shorter.path is None:
            shadowed[longer].append(shorter.label)
        elif longer.path is None:
            shadowed[shorter].append(longer.label)
        else:
            yield _ambiguity_finding(conflict, shorter, longer, sources)
    order = {why: i for i, (_, why) in enumerate(RESERVED_NUMBERS)}
    for entry, services in shadowed.items():
        services.sort(key=order.__getitem__)
        yield sources.finding(
            entry.at,
            f"{entry.label} collides with {', '.join(services)}: one of them would be unreachable or "
            "misrouted; choose numbers outside service numbers and prefixes (an integrated plan's 6x numbers are)",
            code="shadows-service")


def without_repeats(entries: Sequence[Entry]) -> tuple[list[Entry], list[tuple[Any, ...]]]:
    """The entries with each value (first, last) once, and (first, last, keys) for every
    value entered more than once: `prefix_conflicts` would pair n repeats n²/2 times,
    while one finding per repeated value says it all."""
    places = Places()
    for first, last, key in entries:
        places.add((first, last), key)
    if not places.more:
        return list(entries), []
    return [(first, last, key) for (first, last), key in places.first.items()], \
        [(first, last, keys) for (first, last), keys in places.repeated()]


def _repeated_entry(first: str, last: str, entries: list[Dialable], sources: SourceMap) -> Finding:
    """One finding for numbers `first`..`last` entered len(entries) times."""
    if len(entries) == 2:
        conflict = Conflict(DialEntry(first, last, entries[0]), DialEntry(first, last, entries[1]),
                            NumberRange(first, last))
        return _ambiguity_finding(conflict, entries[0], entries[1], sources)
    ordered = sorted(entries, key=lambda d: _order(d.at))
    numbers, count = NumberRange(first, last), len(entries)
    if any(d.is_block for d in entries):
        message = (f"{numbers} is entered {count} times ({ordered[1].label} here, first {ordered[0].label}): each "
                   "number reaches one destination; move all but one of them to free numbers")
        code = "overlap"
    else:
        message = (f"{ordered[1].label} is used {count} times (first {ordered[0].label}); short numbers are "
                   "unique in a group: give all but one of them a free number")
        code = "duplicate-short"
    return repeated(sources, [d.at for d in ordered], message, code=code)


def _ambiguity_finding(conflict: Conflict, shorter: Dialable, longer: Dialable, sources: SourceMap) -> Finding:
    # Report on the single number rather than the block, else on the later entry.
    if shorter.is_block != longer.is_block:
        here, there = (shorter, longer) if longer.is_block else (longer, shorter)
    else:
        here, there = sorted((shorter, longer), key=lambda d: _order(d.at))[::-1]
    clash = conflict.clash
    if conflict.same_length and not shorter.is_block and not longer.is_block:
        message = (f"{here.label} is used twice (also {there.label}); short numbers are unique in a group: "
                   "give one of them a free number")
        code = "duplicate-short"
    elif conflict.same_length:
        message = (f"{here.label} overlaps {there.label} on {clash}: each short number reaches one destination; "
                   "move one of them to free numbers")
        code = "overlap"
    else:
        starts = clash.first[:len(conflict.shorter.first)]
        message = (f"dialling ambiguity: {shorter.label} is a prefix of {clash} in {longer.label}; after "
                   f"{starts} the network cannot tell whether the caller has finished: "
                   "no short number may start another (give them one length, or distinct leading digits)")
        code = "ambiguous-prefix"
    return sources.finding(here.at, message, code=code, related=(there.at,))


def _order(path: PathT) -> tuple[Any, ...]:
    # Paths mix ints and strings; compare them as (is-int, value) pairs.
    return tuple((isinstance(p, int), p if isinstance(p, int) else 0, str(p)) for p in path)


def _check_pbx(plan: GroupPlan, index: int, sources: SourceMap) -> Iterator[Finding]:
    pbx = plan.group.pbx[index]
    path = plan.pbx_path(index)
    area = plan.group.pbx_area_code(pbx)
    if pbx.area_code is not None:
        problem = area_code_problem(pbx.area_code)
        if problem:
            yield sources.finding(path + ("area_code",), problem, code="area-code")
    problem = fixed_number_problem(pbx.switchboard)
    if problem:
        yield sources.finding(path + ("switchboard",), f"switchboard: {problem}", code="public-number")
    if not pbx.sends_extensions:
        if pbx.blocks:
            yield sources.finding(path + ("blocks",), f"PBX {pbx.name} sends only its switchboard number "
                                  "(sends_extensions: false), so only the switchboard joins with one short "
                                  "number: remove the blocks or set sends_extensions: true", code="switchboard-only")
        if pbx.short is None:
            yield sources.finding(path, f"PBX {pbx.name} sends only its switchboard number: give the switchboard "
                                  "its one short number with `short:`", code="missing")
        total = len(virtual_calling_number(area, pbx))
        if total > MAX_NUMBER_DIGITS:
            yield sources.finding(path + ("number",), _vcn_message(area, pbx, "", total), code="vcn-length")
        return
    if not pbx.blocks:
        yield sources.finding(path, f"PBX {pbx.name} sends extension numbers but has no `blocks`: map its "
                              "extensions onto short numbers, e.g. {short: 61000-62999, extensions: 1000-2999}",
                              code="missing")
    extensions: list[Entry] = []
    for b, block in enumerate(pbx.blocks):
        block_path = path + ("blocks", b)
        if block.short.size != block.extensions.size:
            fitting = f"{block.extensions.first}-{block.extensions.number_at(block.short.size - 1)}"
            yield sources.finding(block_path + ("extensions",),
                                  f"block {block.short} holds {block.short.size} short numbers but extensions "
                                  f"{block.extensions} hold {block.extensions.size}; they map one to one: e.g. "
                                  f"extensions {fitting}", code="block-size")
        total = len(virtual_calling_number(area, pbx, block.extensions.first))
        if total > MAX_NUMBER_DIGITS:
            yield sources.finding(block_path + ("extensions",),
                                  _vcn_message(area, pbx, block.extensions.first, total), code="vcn-length")
        extensions.append(DialEntry.of(block.extensions, Dialable(block_path + ("extensions",),
                                                               f"extensions {block.extensions}", True)))
    # Inside the PBX, extensions are dialled too: the same ambiguity rules hold.
    extensions, repeats = without_repeats(extensions)
    for first, last, keys in repeats:
        yield _repeated_entry(first, last, keys, sources)
    for conflict in prefix_conflicts(extensions):
        yield _ambiguity_finding(conflict, conflict.shorter.key, conflict.longer.key, sources)


def _vcn_message(area: str, pbx: Pbx, extension: str, total: int) -> str:
    example = virtual_calling_number(area, pbx, extension)
    what = f"a {len(extension)}-digit extension" if extension else "no extension"
    return (f"virtual calling number 90 + {area} + {pbx.number} + {what} has {total} digits (e.g. {example}); "
            f"at most {MAX_NUMBER_DIGITS} are allowed: shorten the PBX number or the extensions")


def _check_long_numbers(plan: GroupPlan, sources: SourceMap, seen: dict[str, tuple[Any, ...]],
                        repeats: dict[str, list[PathT]]) -> Iterator[Finding]:
    """Valid public numbers; each subscriber (or switchboard) once in the whole inventory.
    `seen` maps a number to the (path, role) of its first entry; members share one role
    tuple per group and their existing path, as a plan may hold 100,000. `repeats` maps
    a number entered again to every field it is in (first included), for one finding each."""
    member_role = (f"member of {plan.group.name}", "number")
    for index, member in enumerate(plan.members):
        number = member.number
        first = seen.get(number)
        if first is not None:
            _note_repeat(repeats, number, first, plan.member_paths[index] + ("number",))
            continue
        problem = public_number_problem(number)
        if problem:
            yield sources.finding(plan.member_paths[index] + ("number",), problem, code="public-number")
        else:
            seen[number] = (plan.member_paths[index], member_role)
    for index, pbx in enumerate(plan.group.pbx):
        first = seen.get(pbx.switchboard)
        if first is not None:
            _note_repeat(repeats, pbx.switchboard, first, plan.pbx_path(index) + ("switchboard",))
        else:
            seen[pbx.switchboard] = (plan.pbx_path(index), (f"switchboard of PBX {pbx.name}", "switchboard"))


def _note_repeat(repeats: dict[str, list[PathT]], number: str, first: tuple[Any, ...], path: PathT) -> None:
    first_path, (_, first_field) = first
    repeats.setdefault(number, [first_path + (first_field,)]).append(path)


def _repeated_long_numbers(seen: dict[str, tuple[Any, ...]], repeats: dict[str, list[PathT]],
                           sources: SourceMap) -> Iterator[Finding]:
    for number, paths in repeats.items():
        role = seen[number][1][0]
        yield repeated(sources, paths, (
            f"{number} is already used ({role}); a subscriber belongs to one group only and appears once: remove "
            "one of the entries" if len(paths) == 2 else
            f"{number} is entered {len(paths)} times (first as {role}); a subscriber belongs to one group only and "
            "appears once: remove all but one of the entries"), code="duplicate-number")


def _check_pbx_numbers(by_area: dict[str, list[Entry]], sources: SourceMap) -> Iterable[Finding]:
    """PBX numbers are assigned per area: unique there, and none may start another, since the
    routing prefix 904 + area + 12 would also match every number behind 904 + area + 123."""
    for area, entries in by_area.items():
        entries, repeats = without_repeats(entries)
        for number, _, pbxs in repeats:   # prefix_conflicts below sees each number once
            pbxs.sort(key=lambda d: _order(d.path))
            yield repeated(sources, [d.path for d in pbxs], (
                f"PBX number {number} in area {area} is also used by {pbxs[0].label}; PBX numbers are unique "
                "within an area: ask for a free one" if len(pbxs) == 2 else
                f"PBX number {number} in area {area} is used by {len(pbxs)} PBXs (first {pbxs[0].label}); PBX "
                "numbers are unique within an area: ask for free ones"), code="pbx-number")
        for conflict in prefix_conflicts(entries):
            a, b = sorted((conflict.shorter.key, conflict.longer.key), key=lambda d: _order(d.path))
            message = (f"PBX number {conflict.shorter.numbers} ({conflict.shorter.key.label}) starts PBX number "
                       f"{conflict.longer.numbers} ({conflict.longer.key.label}) in area {area}: routing "
                       "prefixes and virtual calling numbers of the two PBXs would be confused")
            yield sources.finding(b.path, message, code="pbx-number", related=(a.path,))
