"""What on a device is configgen's: route labels, and collisions with foreign objects.

Push never changes or removes configuration configgen did not create. Two things decide
what is configgen's on a device:

1. **Route labels.** A top-level route configgen no longer renders is removed only when
   its label (`name X` / `description X`) is one configgen renders for a service on
   that device *now*: render hands them over with the text it rendered
   (`configgen.render.RenderedConfig`; `from_rendered`), e.g. `WH-LOGISTICS-GRE-ENDPOINT`, `WH-LOGISTICS-POOL1`,
   `XG-FACTORY-DEFAULT-TO-PE`. An indexed label (`...-POOL2`) stands for its family
   (`...-POOL<n>`): a pool dropped from the inventory leaves a higher index behind.
   A foreign route whose name merely starts with a service label
   (`XG-FACTORY-MGMT-BACKUP`) is never touched. Labels of services removed from the
   inventory cannot be known, so their routes stay on the device (remove them by hand).

2. **Collisions.** Before anything is sent, every object configgen is about to create
   or modify whole (platform `owned_sections`: tunnels, ACLs, policy/class maps, voice
   rules and profiles, dial-peers; and IOS numbered ACL lines `access-list N ...`) is
   looked up on the device. When it exists there, it must carry configgen's marker:
   - a section configgen renders with a `description` (tunnels, dial-peers, VRP ACLs,
     IOS policy-maps): the device's description equals the rendered one, or starts
     with the exact owner marker `configgen:<name>` (then a space, or nothing) of a
     service/PBX configgen renders on this device (`configgen:wh-logistics GPRS-VPN
     ...` after the APN changed). A service name that
     merely occurs in the text is no proof: a NOC tunnel described `IPsec backup to DC2`
     is not service `backup`'s;
   - a section without a description whose name carries a configgen label
     (`ip access-list extended XG-FACTORY-INET-IN`, `voice translation-profile
     HQ-PBX-TO-VPMN`: IOS gives profiles no description, and hier_config drops IOS
     ACL remarks, so for these the exact configgen name is the mark);
   - a numbered section without a description (`voice translation-rule 1001`): its
     lines are a subset of what configgen renders, or a configgen translation-profile
     on the device uses it;
   - IOS numbered ACL lines (`access-list 1 permit ...`): every line of that number on
     the device is one configgen renders.
   Otherwise the device is failed with a conflict naming the object and nothing is
   sent; for an object of configgen's from before it carried the marker, the conflict
   names the marker line to add by hand. An empty foreign section (a VRP `acl number
   3000` without rules) is foreign too: configgen never renders one.

3. **Stale sections.** A top-level section of a kind configgen removes whole (platform
   `stale_sections`: GRE tunnels, IOS policy-maps) that configgen no longer renders is
   removed when its description carries the exact owner marker of a service/PBX configgen
   renders on this device now (`marked`, the rule of 2.): the old `interface Tunnel3`
   of a service whose tunnel the inventory renumbered to 4. A section without the marker,
   and a section of a service removed from the inventory (its name is no longer known),
   stay. The NETCONF push removes the same objects by the same rule
   (configgen/netconf/owned.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hier_config import HConfig

from configgen.platforms import Platform
from configgen.services.addressing import OWNER_MARK


# A numbered section is configgen's when a configgen-owned section on the device uses
# it: (section header pattern with the number as group 1, user section pattern, line
# template that refers to the number).
_REFERENCES = (
    (r"^voice translation-rule (\d+)$", r"^voice translation-profile ", r"^translate \S+ {n}$"),
)
_IOS_NUMBERED_ACL = re.compile(r"^access-list (\d+) ")
# The line that carries configgen's owner marker in a section. (IOS ACL `remark` lines
# would do for named ACLs, but hier_config drops them when it parses IOS ACLs.)
_MARKER_LINES = ("description",)


@dataclass(frozen=True)
class Ownership:
    """What marks configgen's objects on one device (`for_device`)."""

    route_labels: frozenset[str] = frozenset()      # exact labels configgen renders here
    indexed_stems: frozenset[str] = frozenset()     # "WH-LOGISTICS-POOL": any POOL<n>
    names: frozenset[str] = frozenset()             # services / PBXs rendered on the device

    def owns_label(self, label: str) -> bool:
        if label in self.route_labels:
            return True
        match = re.fullmatch(r"(.*\D)[1-9]\d*", label)
        return bool(match and match.group(1) in self.indexed_stems)

    @property
    def labels(self) -> frozenset[str]:
        """Upper-case service labels (`route_label(name)`), for section names."""
        return frozenset(name.upper() for name in self.names)

    def marks(self, description: str) -> bool:
        """`description` starts with the exact owner marker of a service/PBX of this device
        (`configgen:wh-logistics` alone or followed by a space); case and spelling exact."""
        if not description.startswith(OWNER_MARK):
            return False
        owner = description[len(OWNER_MARK):].split(" ", 1)[0]
        return owner in self.names

    def label_in_name(self, header: str) -> bool:
        """A token of `header` is a label or starts/ends with one (`XG-FACTORY-INET-IN`,
        `VPMN-TO-HQ-PBX`), with whole-label boundaries (`XG-FACTORYX` is not one)."""
        for token in header.split()[1:]:
            for label in self.labels:
                if token == label or token.startswith(label + "-") or token.endswith("-" + label):
                    return True
        return False


def _marker_lines(section: Any) -> list[tuple[str, str]]:
    """(keyword, text) of the section's marker lines (`description configgen:...`)."""
    return [(keyword, c.text[len(keyword) + 1:]) for c in section.children
            for keyword in _MARKER_LINES if c.text.startswith(keyword + " ")]


def marked(section: Any, ownership: Ownership) -> bool:
    """A marker line of `section` carries the owner marker of a service/PBX of the device."""
    return any(ownership.marks(text) for _, text in _marker_lines(section))


def stale_sections(platform: Platform, running: HConfig, intended: HConfig, ownership: Ownership) -> list[str]:
    """Headers of the device's sections configgen made and no longer renders (rule 3.)."""
    kinds = [re.compile(p) for p in platform.delivery.stale_sections]
    return [child.text for child in running.children
            if child.children and intended.get_child(equals=child.text) is None
            and any(p.match(child.text) for p in kinds) and marked(child, ownership)]


def from_rendered(labels: Iterable[str], names: Iterable[str]) -> Ownership:
    """The ownership of a device from what render put on it: its route labels and owners."""
    labels = frozenset(labels)
    stems = {m.group(1) for label in labels if (m := re.fullmatch(r"(.*\D)[1-9]\d*", label))}
    return Ownership(labels, frozenset(stems), frozenset(names))


def for_config(inventory: Any, device: str, config: str) -> Ownership:
    """What marks configgen's objects on `device` whose rendered text is `config`: what
    render handed over with it (a `RenderedConfig`). Text from elsewhere (a caller's own
    string) gets what render builds for the device (`for_device`)."""
    labels, owners = getattr(config, "route_labels", None), getattr(config, "owners", None)
    if labels is None or owners is None:
        return for_device(inventory, device)
    return from_rendered(labels, owners)


def for_device(inventory: Any, device: str) -> Ownership:
    """Labels and names of what configgen renders on `device`, as render builds them."""
    from configgen.render import build_device_configs

    config = build_device_configs(inventory, only=(device,))[device]
    return from_rendered(config.route_labels, config.owners)


@dataclass(frozen=True)
class Conflict:
    object: str          # the device's header line, e.g. "acl number 3000"
    reason: str
    marker: str | None = None    # the marker line configgen renders in it (`description configgen:...`)

    def message(self, device: str, planned: bool = False) -> str:
        """What is in the way and what to do. `planned`: for a plan only (`configgen diff`,
        `push --dry-run`), which says what a push would do rather than what was sent."""
        adopt = (f" If it is configgen's own, from before configgen marked what it owns, add the line "
                 f"{self.marker!r} to it on the device instead" if self.marker else "")
        outcome = (f"a push would fail {device} at this check and send it nothing" if planned
                   else f"nothing was sent to {device}")
        return (f"{self.object!r} exists on {device} and was not made by configgen ({self.reason}); "
                f"{outcome}. Free it (remove or renumber it on the device, after "
                "checking what uses it) or change the inventory so configgen uses another one, then push again."
                + adopt)


def find_conflicts(platform: Platform, running: HConfig, intended: HConfig, ownership: Ownership) -> list[Conflict]:
    owned = [re.compile(p) for p in platform.delivery.owned_sections]
    conflicts: list[Conflict] = []
    theirs_by_text = {child.text: child for child in running.children}

    def is_owned_section(text: str) -> bool:
        return any(p.match(text) for p in owned)

    def ours(mine: Any, theirs: Any) -> str | None:
        """None when `theirs` (the device's section) is configgen's, else why not."""
        rendered = _marker_lines(mine)
        if rendered:
            keyword, texts = rendered[0][0], {text for _, text in rendered}
            got = [text for _, text in _marker_lines(theirs)]
            if any(text in texts or ownership.marks(text) for text in got):
                return None
            return f"its {keyword} is {got[0]!r}" if got else f"it has no {keyword}"
        if ownership.label_in_name(theirs.text):
            return None
        rendered_lines = {c.text for c in mine.children}
        lines = [c.text for c in theirs.children]
        if lines and all(line in rendered_lines for line in lines):
            return None
        if _referenced_by_ours(theirs.text):
            return None
        if not lines:
            return "it is empty; configgen never renders an empty one"
        extra = next(line for line in lines if line not in rendered_lines)
        return f"it holds {extra!r}, which configgen does not render"

    def _referenced_by_ours(header: str) -> bool:
        for section, user, line in _REFERENCES:
            match = re.match(section, header)
            if not match:
                continue
            pattern = re.compile(line.format(n=re.escape(match.group(1))))
            for child in running.children:
                if re.match(user, child.text) and intended.get_child(equals=child.text) is not None \
                        and ownership.label_in_name(child.text) \
                        and any(pattern.match(c.text) for c in child.children):
                    return True
        return False

    for mine in intended.children:
        theirs = theirs_by_text.get(mine.text)
        if theirs is None or not mine.children or not is_owned_section(mine.text):
            continue
        reason = ours(mine, theirs)
        if reason is not None:
            marker = next((f"{k} {t}" for k, t in _marker_lines(mine) if t.startswith(OWNER_MARK)), None)
            conflicts.append(Conflict(mine.text, reason, marker))

    if platform.delivery.hier_platform == "CISCO_IOS":
        rendered_acl: dict[str, set[str]] = {}
        for child in intended.children:
            if (m := _IOS_NUMBERED_ACL.match(child.text)):
                rendered_acl.setdefault(m.group(1), set()).add(child.text)
        for number, lines in rendered_acl.items():
            extra = [c.text for c in running.children
                     if c.text.startswith(f"access-list {number} ") and c.text not in lines]
            if extra:
                conflicts.append(Conflict(f"access-list {number}",
                                          f"it holds {extra[0]!r}, which configgen does not render"))
    return conflicts

