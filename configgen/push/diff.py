"""What to send: the part of the running config configgen manages, diffed with hier_config.

hier_config diffs whole configs, so left alone it would remove every line configgen did
not render (a management route, SNMP, another team's interface). The diff therefore runs
against a *scoped* copy of the running config that holds only what configgen manages:

- sections configgen renders: in an owned section (platform `owned_sections`, e.g.
  `interface Tunnel0`) every child, so stale children are removed; in a shared section
  (a physical interface) only the children configgen renders, so foreign ones stay;
- top-level lines configgen renders, plus stale ones carrying a label configgen renders
  for a service on the device (platform `owned_line_label`, `ownership.Ownership`: a
  route configgen made for a pool since dropped from the inventory);
- nothing else: sections and lines configgen never rendered are invisible to the diff.

A whole owned section configgen no longer renders (`interface Tunnel3` after the
service's tunnel became Tunnel4) is not in the scope either: `ownership.stale_sections`
finds the ones carrying configgen's owner marker, and the plan removes them last; a
line of a shared section that names one (platform `section_users`: `service-policy
input X` for `policy-map X`) is in the scope, so it goes first. One that configuration
configgen does not own still names (a foreign section's line, a route without
configgen's label into the old tunnel) stays, with that user (`_used_outside`).

Before that, `ownership.find_conflicts` checks that every owned section configgen is
about to create or modify is not someone else's object of the same name or number; a
conflict empties the plan (the device is failed, nothing is sent).

A shared line configgen replaces (`ip address`) is not negated first: both OSes replace
such settings on their own, and leaving the old line out of scope is what keeps foreign
lines safe. Rollback after a failure does not rely on this diff; it re-reads the device
(`rollback_commands`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from hier_config import HConfig, MatchRule, Platform as HPlatform, WorkflowRemediation, get_hconfig, get_hconfig_driver
from hier_config.models import NegationSubRule

from configgen.platforms import Platform
from configgen.push.ownership import Conflict, Ownership, find_conflicts, marked, stale_sections
from configgen.push.portnames import NORMALISERS

if TYPE_CHECKING:
    from hier_config.base import HConfigBase
    from hier_config.platforms.driver_base import HConfigDriverBase


@dataclass(frozen=True)
class ChangePlan:
    commands: list[str]        # what netmiko sends inside config mode, in order
    headers: frozenset[str]    # top-level lines/sections the commands touch (rollback scope)
    conflicts: tuple[Conflict, ...] = ()   # foreign objects in the way: send nothing

    @property
    def empty(self) -> bool:
        return not self.commands


def parse(platform: Platform, text: str) -> HConfig:
    """A config (rendered file or device output) as a hier_config tree, without the
    lines that only belong in files (`end`, `return`, VRP8 `commit`). IOS ACL port
    keywords become numbers (`eq smtp` -> `eq 25`, `portnames.py`), the form configgen
    renders, so a device that shows names compares equal to the rendered file."""
    drop = set(platform.delivery.file_only_lines)
    lines = [line for line in text.splitlines() if line.strip() not in drop]
    normalise = NORMALISERS.get(platform.delivery.hier_platform)
    text = "\n".join(lines)
    return get_hconfig(hier_driver(platform), normalise(text) if normalise else text)


@lru_cache(maxsize=None)
def hier_driver(platform: Platform) -> HConfigDriverBase:
    """hier_config's driver for the platform, taught the negations the OS wants
    (platform `negation_rewrites`) as its own negation rules (`negation_sub`, hier-config
    3.6+): hier_config then writes `undo rule 10`, not `undo rule 10 permit ...`, in
    every remediation (push, rollback), with no rewriting of its output afterwards.

    A rule matches a line by its lineage (view, then line), so each rewrite names the
    view it applies in. Nothing is left for post-processing: every VRP negation configgen
    needs is "keep the key, drop the rest" of one line in a known view, which is what
    `negation_sub` does. (`_drop_satisfied_negations` is no spelling fix-up: it drops
    rendered `no shutdown`-style defaults the device never shows, which hier_config
    cannot know are met, and applies to every OS.)"""
    hier = get_hconfig_driver(HPlatform[platform.delivery.hier_platform])
    prefix = hier.negation_prefix
    for view, line, *kept in platform.delivery.negation_rewrites:
        leaf = MatchRule(re_search=line)
        hier.rules.negation_sub.append(NegationSubRule(
            match_rules=(MatchRule(re_search=view), leaf) if view else (leaf,),
            search=f"^{re.escape(prefix)}{line.removeprefix('^')}.*", replace=prefix + (kept[0] if kept else r"\1")))
    return hier


def plan_changes(platform: Platform, running_text: str, intended_text: str,
                 ownership: Ownership | None = None) -> ChangePlan:
    """Commands that bring configgen's part of `running_text` to `intended_text`.

    `ownership` (`ownership.for_device`): the route labels configgen renders on this
    device; a top-level route carrying one is configgen's even when no longer rendered.
    Without it no unrendered top-level line is removed. When an object configgen would
    create or modify exists on the device and is not configgen's (`find_conflicts`),
    the plan has `conflicts` and no commands."""
    ownership = ownership or Ownership()
    running, intended = parse(platform, running_text), parse(platform, intended_text)
    conflicts = find_conflicts(platform, running, intended, ownership)
    if conflicts:
        return ChangePlan([], frozenset(), tuple(conflicts))
    _drop_satisfied_negations(platform, running, intended)
    unrendered = stale_sections(platform, running, intended, ownership)
    # Their users in configgen's sections go in any case; a section someone else's still uses stays.
    scoped = _scope(platform, running, intended, ownership, _users(platform, unrendered))
    stale = [header for header in unrendered if not _used_outside(platform, running, intended, ownership, header)]
    remediation = WorkflowRemediation(scoped, intended).remediation_config
    # Removed last, after what used them: the routes into an old tunnel and the binding
    # of an old policy-map are gone by then, and the new tunnel or policy-map is in place.
    removals = [f"{running.driver.negation_prefix}{header}" for header in stale]
    return ChangePlan(to_commands(platform, remediation) + removals,
                      _headers(remediation, scoped) | frozenset(stale))


def plan_restore(platform: Platform, running_text: str, backup_text: str, rendered_text: str,
                 ownership: Ownership | None = None) -> ChangePlan:
    """Commands that bring configgen's part of `running_text` back to configgen's part of
    `backup_text` (a running config `push --backup-dir` saved before changing the device):
    the backup's part is the intended config, foreign config is out of scope on both sides.

    configgen's part is what the push scope (`_scope`) selects, with as reference:
    - `rendered_text`, what the inventory renders for the device now (what the push being
      undone owns), and the route labels of `ownership`;
    - the backup's owned sections that carry configgen's marker (an object the inventory
      no longer renders: restored whole);
    - in a section configgen shares (a physical interface), the backup's lines the device
      no longer has there: the settings a push replaced (an older description).
    A line added by someone else since the backup is in neither part and stays. The same
    ownership check as a push runs first: a conflict empties the plan."""
    ownership = ownership or Ownership()
    running, backup, rendered = (parse(platform, text) for text in (running_text, backup_text, rendered_text))
    reference = _restore_reference(platform, running, backup, rendered, ownership)
    conflicts = find_conflicts(platform, running, reference, ownership)
    if conflicts:
        return ChangePlan([], frozenset(), tuple(conflicts))
    now, before = _scope(platform, running, reference, ownership), _scope(platform, backup, reference, ownership)
    remediation = WorkflowRemediation(now, before).remediation_config
    return ChangePlan(to_commands(platform, remediation), _headers(remediation, now))


def _restore_reference(platform: Platform, running: HConfig, backup: HConfig, rendered: HConfig,
                       ownership: Ownership) -> HConfig:
    owned = [re.compile(p) for p in platform.delivery.owned_sections]
    reference = get_hconfig(rendered.driver)
    for child in rendered.children:
        reference.add_deep_copy_of(child)
    for child in backup.children:
        mine = reference.get_child(equals=child.text)
        if mine is None:
            if any(p.match(child.text) for p in owned) and marked(child, ownership):
                reference.add_deep_copy_of(child)
            continue
        if not child.children or not mine.children or any(p.match(child.text) for p in owned):
            continue
        # A shared section (a physical interface): only the setting configgen renders there
        # comes back (its old description, address ...), never another line of the backup
        # that someone removed since: that line is not configgen's to restore.
        rendered_keys = {_command_key(line.text) for line in mine.children}
        theirs = running.get_child(equals=child.text)
        for line in child.children:
            if not line.children and _command_key(line.text) in rendered_keys \
                    and (theirs is None or theirs.get_child(equals=line.text) is None) \
                    and mine.get_child(equals=line.text) is None:
                mine.add_child(line.text)
    return reference


_TWO_WORD_COMMANDS = {"ip", "ipv6", "no", "undo", "qos", "nat", "tunnel"}


def _command_key(text: str) -> str:
    """The setting a line sets: `description ...` -> description, `ip address ...` -> ip address."""
    words = text.split()
    return " ".join(words[:2] if words and words[0] in _TWO_WORD_COMMANDS else words[:1])


def rollback_commands(platform: Platform, current_text: str, original_text: str,
                      headers: Iterable[str]) -> list[str]:
    """Commands that return the sections/lines `headers` from `current_text` (the device
    after a failed push) to `original_text` (before it). Re-reading the device makes the
    rollback exact: it restores lines the push replaced, which the push diff never saw."""
    keep = set(headers)
    current, original = parse(platform, current_text), parse(platform, original_text)
    for tree in (current, original):
        for child in list(tree.children):
            if child.text not in keep:
                child.delete()
    return to_commands(platform, WorkflowRemediation(current, original).remediation_config)


def to_commands(platform: Platform, tree: HConfig) -> list[str]:
    """A remediation tree as typed lines: Huawei closes every view with `quit` (no
    fall-through); IOS falls through to global config, so only nested sub-modes get `exit`."""
    commands: list[str] = []

    def walk(node: HConfigBase, depth: int) -> None:
        for child in node.children:
            line = child.text
            commands.append(line)
            if child.children:
                walk(child, depth + 1)
                if platform.delivery.exit_every_section or depth > 0:
                    commands.append(platform.delivery.section_exit)

    walk(tree, 0)
    return commands


def _users(platform: Platform, headers: Iterable[str]) -> list[re.Pattern[str]]:
    """Lines that name a section the plan removes (`service-policy input X` for `policy-map X`)."""
    return [re.compile(user.format(name=re.escape(match.group(1))))
            for section, user in platform.delivery.section_users for header in headers
            if (match := re.fullmatch(section, header))]


def _used_outside(platform: Platform, running: HConfig, intended: HConfig, ownership: Ownership,
                  header: str) -> bool:
    """Configuration configgen does not own names the stale section: a line of a section
    configgen does not render (someone bound configgen's old policy-map to another
    interface), or a top-level line neither rendered nor carrying configgen's label (a NOC
    route into configgen's old tunnel). That line is not configgen's to remove, and the
    section it needs stays; configgen's own users of it still go."""
    users = _users(platform, [header])

    def foreign_lines() -> Iterable[str]:
        for child in running.children:
            if intended.get_child(equals=child.text) is not None:
                continue
            if child.children:
                yield from (line.text for line in child.all_children())
            elif not _configgen_line(platform, ownership, child.text):
                yield child.text

    return any(u.fullmatch(text) for text in foreign_lines() for u in users)


def _configgen_line(platform: Platform, ownership: Ownership, text: str) -> bool:
    """A top-level line carrying a label configgen renders on the device (a route)."""
    match = re.match(platform.delivery.owned_line_label, text)
    return bool(match and ownership.owns_label(match.group(1)))


def _scope(platform: Platform, running: HConfig, intended: HConfig, ownership: Ownership,
           users: Iterable[re.Pattern[str]] = ()) -> HConfig:
    """`users` (`_users`): lines of a shared section that are in scope too, so they go."""
    users = list(users)
    owned = [re.compile(p) for p in platform.delivery.owned_sections]
    scoped = get_hconfig(running.driver)
    def copy_into(target: HConfigBase, source: HConfigBase, reference: HConfigBase | None, whole: bool) -> None:
        for child in source.children:
            mine = reference.get_child(equals=child.text) if reference is not None else None
            if whole or (not child.children and (mine is not None or any(u.fullmatch(child.text) for u in users))):
                target.add_deep_copy_of(child)
            elif mine is not None:
                section = target.add_child(child.text)
                copy_into(section, child, mine, any(p.match(child.text) for p in owned))

    for child in running.children:
        mine = intended.get_child(equals=child.text)
        if mine is None:
            if not child.children and _configgen_line(platform, ownership, child.text):
                scoped.add_deep_copy_of(child)
            continue
        if not child.children:
            scoped.add_deep_copy_of(child)
            continue
        section = scoped.add_child(child.text)
        copy_into(section, child, mine, any(p.match(child.text) for p in owned))
    return scoped


def _drop_satisfied_negations(platform: Platform, running: HConfig, intended: HConfig) -> None:
    """`no shutdown` in a rendered interface that exists on the device and is not shut:
    nothing to do. Devices never show negated defaults, so without this every push
    would resend them and a second push would never be empty. A negation the platform
    shows as a setting (CE `undo portswitch`) is kept: the device lacks it."""
    negation = running.driver.negation_prefix
    shown = set(platform.delivery.shown_negations)

    def walk(mine: HConfigBase, theirs: HConfigBase) -> None:
        for child in list(mine.children):
            if child.text.startswith(negation) and not child.children and child.text not in shown:
                if theirs.get_child(equals=child.text) is None and \
                        theirs.get_child(equals=child.text[len(negation):]) is None:
                    child.delete()
                continue
            counterpart = theirs.get_child(equals=child.text)
            if counterpart is not None and child.children:
                walk(child, counterpart)

    for child in intended.children:
        counterpart = running.get_child(equals=child.text)
        if counterpart is not None and child.children:
            walk(child, counterpart)


def _headers(tree: HConfig, before: HConfig) -> frozenset[str]:
    """Top-level lines and sections the remediation `tree` touches, as `before` (the scoped
    device config) holds them: a VRP negation that keeps only the key (`undo ip
    route-static P M NH`) stands for the device's whole line (`... description X`), which
    a rollback must put back."""
    negation = tree.driver.negation_prefix
    headers = set()
    for child in tree.children:
        text = child.text.removeprefix(negation)
        headers.add(text)
        if child.text.startswith(negation):
            headers.update(c.text for c in before.children if c.text.startswith(text + " "))
    return frozenset(headers)
