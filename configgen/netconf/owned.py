"""What of a NETCONF device's datastore is configgen's (configgen.push.ownership's rules).

Two uses, one table (`OWNED`: the lists whose entries configgen makes, and the leaf that
marks an entry as configgen's):

- `conflicts`: an object the payload creates whole that exists on the device and is not
  configgen's (a tunnel or policy-map without the owner marker of a service on the device,
  a numbered ACL with rules configgen does not render): nothing is sent.
- `stale`: entries that are configgen's by the CLI push's rules and that the payload no
  longer holds, so the edit deletes them: a static route whose label is one configgen
  renders on the device (`Ownership.owns_label`, an indexed label standing for its family:
  a terminal pool dropped from the inventory), a tunnel or policy-map whose description
  starts with the owner marker of a service on the device (`Ownership.marks`: a tunnel
  renumbered in the inventory), a VRP8 interface's main address where configgen renders
  another; and the stale rules of an ACL configgen names. A route whose name merely starts
  with a service label, a tunnel without the marker, and everything of a service removed
  from the inventory (its labels and name are no longer known) are never touched, nor is
  a stale tunnel or policy-map that something not configgen's still names (`User`: a
  foreign route out of the tunnel, a binding the payload does not move).

`edit` puts both into one `<config>`: the payload (merge) and, for each stale entry, that
list entry with its keys only and `operation="delete"` (an ACL holding stale rules: the
payload's, `operation="replace"`). `restored` makes a payload of configgen's part of a
backup (`push --backup-dir`), which `rollback` pushes the same way; what it marks
`operation="remove"` (added by the push being undone) `still_there` looks for.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Literal

from configgen.netconf.payload import CISCO, NETCONF_BASE, Payload
from configgen.netconf.xmltree import elements, local

if TYPE_CHECKING:
    from configgen.push.ownership import Ownership

Path = tuple[tuple[str, tuple[str, ...]], ...]     # (local name, its key leaves) per level, top-level element first

# The keys of the models' lists configgen's payloads use, by their path of local names
# (RFC 7950 §7.8.2; tests/netconf/test_netconf_ownership.py checks them against the
# models), and their leaf-lists: how an entry is found on the device and in a backup.
KEYS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "huawei-vrp8": (
        (r"ifm/interfaces/interface", ("name",)), (r".*/addresses/address", ("ip",)),
        (r"network-instance/instances/instance", ("name",)), (r".*/afs/af", ("type",)),
        (r".*/unicast-route2", ("topology-name", "prefix", "mask-length")),
        (r".*/nexthop-address", ("address",)), (r".*/nexthop-interface", ("interface-name",))),
    "cisco-iosxe-native": (
        (r"native/interface/[^/]+", ("name",)), (r".*/access-list/(standard|extended)", ("name",)),
        (r".*/access-list-seq-rule", ("sequence",)), (r".*/list-interface/list", ("id",)),
        (r".*/list-interface/list/interface", ("name",)),
        (r".*/nat-static-transport-list-port-fwd", ("protocol", "local-ip", "local-port", "global-ip", "global-port")),
        (r".*/nat-static-transport-list", ("local-ip", "global-ip")),
        (r".*/policy-map", ("name",)), (r".*/policy-map/class", ("name",)), (r".*/action-list", ("action-type",)),
        (r".*/ip-route-interface-forwarding-list", ("prefix", "mask")), (r".*/fwd-list", ("fwd",))),
}
LEAF_LISTS = (r".*/bind-src-interface-names",)
# Cisco-IOS-XE-acl: a deprecated leaf and its replacement in the same case say the same
# (`host` / `host-address`, `dst-host` / `dst-host-address`). configgen wrote the
# deprecated ones before; a device holding them holds configgen's rule all the same.
_SAME_LEAF = {f"{{{CISCO['ios-acl']}}}{old}": f"{{{CISCO['ios-acl']}}}{old}-address" for old in ("host", "dst-host")}


def list_keys(models: str, names: list[str]) -> tuple[str, ...] | None:
    """The keys of the list at the path of local names `names`; None: not a list."""
    where = "/".join(names)
    return next((keys for pattern, keys in KEYS[models] if re.fullmatch(pattern, where)), None)


def _is_leaf_list(names: list[str]) -> bool:
    return any(re.fullmatch(pattern, "/".join(names)) for pattern in LEAF_LISTS)


@dataclass(frozen=True)
class User:
    """Where the datastore names an entry of an owned list: a stale entry that a user not
    configgen's still names stays (Cisco-IOS-XE-policy's `service-policy` is a leafref to
    the policy-map, whose delete would fail at commit; a NOC route leaves through the old
    tunnel), as the CLI push keeps it (platform `section_users`)."""

    path: str              # the naming element's local names from the top-level element, a regex
    leaf: str = ""         # the leaf holding the name; "": the element's own text
    name: str = "{}"       # the name as written there, from the entry's first key (IOS-XE `Tunnel{}`)
    label: str = ""        # a route label's leaf: configgen's own user when configgen renders the label


@dataclass(frozen=True)
class OwnedList:
    """A list whose entries configgen makes, and what marks an entry as configgen's."""

    path: Path
    # "label": a route label configgen renders in `mark`; "marker": the owner marker in
    # `mark`; "rules": configgen's when every rule is one configgen renders (a numbered
    # ACL); "whole": configgen's when `mark` (its name) carries a configgen label, and the
    # device's entry must be exactly the payload's (a named ACL: stale rules go);
    # "single": the one entry (of those `only` selects) its parent may have, which the
    # payload's replaces (a Huawei interface's main address: the one configgen renders).
    rule: Literal["label", "marker", "rules", "whole", "single"]
    mark: str = ""
    only: tuple[str, str] | None = None          # (leaf, value): only such entries (a Huawei interface of type Tunnel)
    whole: int | None = None                     # the level deleted instead when only its keys would be left
    users: tuple[User, ...] = ()                 # what names an entry: a stale one still named stays

    @property
    def name(self) -> str:
        return self.path[-1][0]


def _path(models: str, names: str) -> Path:
    """The levels of `names` (`a/b/c`) with the keys `KEYS` gives each."""
    levels = names.split("/")
    return tuple((name, list_keys(models, levels[:i + 1]) or ()) for i, name in enumerate(levels))


_HUAWEI_ROUTE = "network-instance/instances/instance/afs/af/routing/static-routing/unicast-route2s/unicast-route2"
_CISCO_ROUTE = "native/ip/route/ip-route-interface-forwarding-list"

OWNED: dict[str, tuple[OwnedList, ...]] = {
    "huawei-vrp8": (
        OwnedList(_path("huawei-vrp8", "ifm/interfaces/interface"), "marker", "description", only=("type", "Tunnel"),
                  users=(User(f"{_HUAWEI_ROUTE}/nexthop-interfaces/nexthop-interface", "interface-name",
                              label="description"),)),
        OwnedList(_path("huawei-vrp8", "ifm/interfaces/interface/ipv4/addresses/address"), "single",
                  only=("type", "main")),
        # A route's nexthops each carry the label (`ip route-static P M NH description X`);
        # the route goes whole when none of its own is left.
        OwnedList(_path("huawei-vrp8", f"{_HUAWEI_ROUTE}/nexthop-addresses/nexthop-address"), "label",
                  "description", whole=_HUAWEI_ROUTE.count("/")),
        OwnedList(_path("huawei-vrp8", f"{_HUAWEI_ROUTE}/nexthop-interfaces/nexthop-interface"), "label",
                  "description", whole=_HUAWEI_ROUTE.count("/")),
    ),
    "cisco-iosxe-native": (
        OwnedList(_path("cisco-iosxe-native", "native/interface/Tunnel"), "marker", "description",
                  users=(User(f"{_CISCO_ROUTE}/fwd-list", "fwd", "Tunnel{}", label="name"),)),
        OwnedList(_path("cisco-iosxe-native", "native/policy/policy-map"), "marker", "description",
                  users=(User(r"native/interface/[^/]+/service-policy/(input|output)"),)),
        OwnedList(_path("cisco-iosxe-native", "native/ip/access-list/standard"), "rules"),
        OwnedList(_path("cisco-iosxe-native", "native/ip/access-list/extended"), "whole", "name"),
        OwnedList(_path("cisco-iosxe-native", f"{_CISCO_ROUTE}/fwd-list"), "label", "name",
                  whole=_CISCO_ROUTE.count("/")),
    ),
}


def ownership_of(payload: Payload) -> Ownership:
    """What marks configgen's objects on the payload's device: what render put on it."""
    from configgen.push.ownership import from_rendered

    return from_rendered(payload.route_labels, payload.owner_names)


def text(element: ET.Element, name: str) -> str | None:
    child = next((c for c in element if local(c) == name), None)
    return (child.text or "").strip() if child is not None else None


def contained(wanted: ET.Element, candidates: list[ET.Element]) -> bool:
    """Whether some element of `candidates` holds everything `wanted` says: same tag,
    the same text in every leaf, and each child element contained in one of its children
    (list entries are found by their leaves, whatever the keys are). What `wanted` marks
    `operation="remove"` is not asked for (`still_there` looks for it)."""
    kept = [child for child in wanted if not _removes_only(child)]
    if len(wanted) and not kept:
        return True               # a container only there to remove something in it
    tag = _SAME_LEAF.get(wanted.tag, wanted.tag)
    for have in candidates:
        if _SAME_LEAF.get(have.tag, have.tag) != tag:
            continue
        if len(wanted) == 0:
            if (have.text or "").strip() == (wanted.text or "").strip():
                return True
            continue
        if all(contained(child, list(have)) for child in kept):
            return True
    return False


def _removes_only(element: ET.Element) -> bool:
    """Marked `operation="remove"`, or a container holding only such elements, at any
    depth (an interface's `ipv4` whose addresses go): nothing the device must hold."""
    if element.get(REMOVE[0]) == REMOVE[1]:
        return True
    return len(element) > 0 and all(_removes_only(child) for child in element)


def _chains(top: Iterable[ET.Element], path: Path) -> list[list[ET.Element]]:
    """Every element reached from the top-level elements through `path`, with its ancestors."""
    chains = [[e] for e in top if local(e) == path[0][0]]
    for name, _ in path[1:]:
        chains = [chain + [c] for chain in chains for c in chain[-1] if local(c) == name]
    return chains


def _identity(chain: list[ET.Element], path: Path) -> tuple[tuple[str, tuple[str | None, ...]], ...]:
    """The entry's keys at every level: the same identity in the payload and on the device."""
    return tuple((name, tuple(text(e, k) for k in keys)) for e, (name, keys) in zip(chain, path))


def conflicts(payload: Payload, running: str | list[ET.Element], ownership: Ownership) -> list[str]:
    """Foreign objects in the way (configgen.push.ownership's rule): an object the payload
    creates whole that exists on the device without configgen's owner marker for a service
    on this device (a tunnel, a policy-map), or a numbered ACL holding a rule configgen
    does not render. A Huawei interface is checked only when the payload makes it a tunnel.
    `running`: the datastore's text, or its top-level elements already parsed."""
    have = elements(running) if isinstance(running, str) else running
    found = []
    for owned in OWNED[payload.models]:
        if owned.rule not in ("marker", "rules"):
            continue
        key = owned.path[-1][1][0]
        existing = {text(chain[-1], key): chain[-1] for chain in _chains(have, owned.path)}
        for chain in _chains(payload.elements, owned.path):
            wanted = chain[-1]
            if owned.only and text(wanted, owned.only[0]) != owned.only[1]:
                continue
            name = text(wanted, key)
            on_device = existing.get(name)
            if on_device is None:
                continue
            if owned.rule == "marker":
                description = text(on_device, owned.mark) or ""
                if description != text(wanted, owned.mark) and not ownership.marks(description):
                    found.append(f"{owned.name} {name} exists on the device without configgen's marker "
                                 f"(description {description!r}): not configgen's to change")
            elif not all(contained(entry, list(wanted)) or _removed(entry, wanted)
                         for entry in on_device if local(entry) != key):
                found.append(f"{owned.name} access-list {name} on the device has rules configgen does not render: "
                             "not configgen's to change")
    return found


def _removed(entry: ET.Element, wanted: ET.Element) -> bool:
    """Whether `wanted` (a rollback's) removes the device's rule `entry`: a rule configgen
    renders now that the backup did not have is configgen's, not foreign."""
    return any(child.get(REMOVE[0]) == REMOVE[1] and child.tag == entry.tag
               and all(text(entry, local(key)) == (key.text or "").strip() for key in child)
               for child in wanted)       # a removal holds the entry's keys only (`_removal`)


@dataclass(frozen=True)
class Stale:
    """A list entry on the device that is configgen's and that the payload no longer holds
    (`delete`), or that holds more than the payload's entry of an object configgen renders
    whole (`replace`: the device's entry becomes the payload's, as the CLI push removes
    stale lines of the sections it owns)."""

    chain: tuple[ET.Element, ...]       # the device's elements, top-level one first, the entry last
    path: Path
    # RFC 6241 §7.2: `delete` fails with data-missing when the entry is not there, `remove`
    # ignores that. configgen deletes what it has just read from the running datastore
    # under the lock, with the candidate reset to it: each entry exists, and should it not,
    # configgen's view of the device is wrong and the device's error stops the push before
    # the commit.
    operation: Literal["delete", "replace"] = "delete"


def stale(payload: Payload, running: str | list[ET.Element], ownership: Ownership) -> list[Stale]:
    """The device's entries that are configgen's (`OWNED`'s label and marker lists) and
    that the payload does not hold (a route whose every nexthop goes is one entry), the
    one-per-parent entries the payload's replace, and those of the objects configgen
    renders whole that hold more than the payload's."""
    have = elements(running) if isinstance(running, str) else running
    found: list[Stale] = []
    parents: dict[tuple[object, ...], list[tuple[OwnedList, list[ET.Element]]]] = {}
    for owned in OWNED[payload.models]:
        if owned.rule == "rules":
            continue
        chains = _chains(payload.elements, owned.path)
        removed = {_identity(chain, owned.path) for chain in chains if chain[-1].get(REMOVE[0]) == REMOVE[1]}
        rendered = {_identity(chain, owned.path): chain[-1] for chain in chains
                    if not (owned.only and text(chain[-1], owned.only[0]) != owned.only[1])}
        holders = {identity[:-1] for identity in rendered}
        named = _named_outside(payload, have, owned, ownership)
        for chain in _chains(have, owned.path):
            entry = chain[-1]
            if (owned.only and text(entry, owned.only[0]) != owned.only[1]) or _identity(chain, owned.path) in removed:
                continue      # not this list's, or the payload removes it already
            if owned.rule == "single":
                identity = _identity(chain, owned.path)
                if identity not in rendered and identity[:-1] in holders:
                    found.append(Stale(tuple(chain), owned.path))
                continue
            if not _configgens(owned, entry, ownership):
                continue
            mine = rendered.get(_identity(chain, owned.path))
            if owned.rule == "whole":
                if mine is not None and not contained(entry, [mine]):
                    found.append(Stale(tuple(chain), owned.path, "replace"))
            elif mine is not None:
                continue
            elif owned.whole is None:
                if text(entry, owned.path[-1][1][0]) not in named:
                    found.append(Stale(tuple(chain), owned.path))
            else:
                top = owned.path[:owned.whole + 1]
                parents.setdefault(_identity(chain[:owned.whole + 1], top), []).append((owned, chain))
    for entries in parents.values():
        owned, chain = entries[0]
        top = owned.path[:owned.whole + 1] if owned.whole is not None else owned.path
        parent = chain[len(top) - 1]
        rendered_parents = {_identity(c, top) for c in _chains(payload.elements, top)}
        going = {id(c[-1]) for _, c in entries}
        if _identity(chain[:len(top)], top) not in rendered_parents and not _holds_more(parent, going, top[-1][1]):
            found.append(Stale(tuple(chain[:len(top)]), top))
        else:
            found.extend(Stale(tuple(c), o.path) for o, c in entries)
    return found


def _named_outside(payload: Payload, have: list[ET.Element], owned: OwnedList, ownership: Ownership) -> set[str]:
    """The keys of `owned`'s entries that a user (`User`) on the device names, which is
    neither configgen's (its label) nor one the payload sets itself (a binding it moves)."""
    keys: set[str] = set()
    entries = {text(chain[-1], owned.path[-1][1][0]) or "" for chain in _chains(have, owned.path)} if owned.users else set()
    for user in owned.users:
        theirs = {_where(payload.models, chain) for chain in _walk(payload.elements, user.path)}
        for chain in _walk(have, user.path):
            element = chain[-1]
            written = (element.text or "").strip() if not user.leaf else text(element, user.leaf)
            if written is None or (user.label and ownership.owns_label(text(element, user.label) or "")) \
                    or _where(payload.models, chain) in theirs:
                continue
            keys.update(key for key in entries if user.name.format(key) == written)
    return keys


def _walk(top: Iterable[ET.Element], pattern: str) -> Iterable[list[ET.Element]]:
    """Every element whose path of local names from the top matches `pattern`, with its ancestors."""
    def down(chain: list[ET.Element], names: str) -> Iterable[list[ET.Element]]:
        if re.fullmatch(pattern, names):
            yield chain
        for child in chain[-1]:
            yield from down(chain + [child], f"{names}/{local(child)}")

    for element in top:
        yield from down([element], local(element))


def _where(models: str, chain: list[ET.Element]) -> tuple[tuple[str, tuple[str | None, ...]], ...]:
    """An element's place: the local name and the keys (`KEYS`) at every level."""
    names = [local(e) for e in chain]
    return tuple((names[i], tuple(text(e, k) for k in list_keys(models, names[:i + 1]) or ()))
                 for i, e in enumerate(chain))


def _configgens(owned: OwnedList, entry: ET.Element, ownership: Ownership) -> bool:
    mark = text(entry, owned.mark) or ""
    if owned.rule == "label":
        return ownership.owns_label(mark)
    if owned.rule == "marker":
        return ownership.marks(mark)
    return ownership.label_in_name(f"{owned.name} {mark}")


def _holds_more(node: ET.Element, going: set[int], keys: tuple[str, ...] = ()) -> bool:
    """Whether `node` keeps anything but its keys (and emptied containers) once `going` goes."""
    for child in node:
        if id(child) in going or local(child) in keys:
            continue
        if len(child) == 0 or _holds_more(child, going):
            return True
    return False


def edit(payload: Payload, entries: list[Stale]) -> str:
    """The `<config>` of the `<edit-config>`: the payload (merge), every stale entry at its
    place in the same tree with its keys only and `operation="delete"`, and the payload's
    entries that replace a device's entry holding more marked `operation="replace"`."""
    if not entries:
        return payload.xml()
    config = ET.Element(f"{{{NETCONF_BASE}}}config")
    config.extend(copy.deepcopy(e) for e in payload.elements)
    for entry in entries:
        node = _place(config, list(entry.chain), entry.path, new=entry.operation == "delete")
        node.set(f"{{{NETCONF_BASE}}}operation", entry.operation)
    ET.indent(config)
    return ET.tostring(config, encoding="unicode") + "\n"


def _place(root: ET.Element, chain: list[ET.Element], path: Path, new: bool) -> ET.Element:
    """The element under `root` at `chain`'s place (its ancestors found by tag and keys,
    or made with their keys); the last one made afresh with its keys when `new`."""
    node = root
    for level, (element, (_, keys)) in enumerate(zip(chain, path)):
        values = [(c.tag, c.text) for k in keys for c in element if local(c) == k]
        fresh = new and level == len(chain) - 1
        found = None if fresh else next((c for c in node if c.tag == element.tag and all(
            (c.findtext(tag) or "").strip() == (value or "").strip() for tag, value in values)), None)
        if found is None:
            found = ET.SubElement(node, element.tag)
            for tag, value in values:         # keys first, in the model's order (RFC 7950 §7.8.5)
                ET.SubElement(found, tag).text = value
        node = found
    return node


def read_backup(text: str, source: str) -> list[ET.Element]:
    """The top-level elements of a NETCONF backup (`push --backup-dir`: a `<data>` element
    holding the running datastore); InputError naming `source` when it is not one."""
    from configgen.findings import InputError

    try:
        data = ET.fromstring(text)
    except ET.ParseError as exc:
        raise InputError(f"{source}: not a NETCONF backup: the XML does not parse ({exc})") from None
    if data.tag != f"{{{NETCONF_BASE}}}data":
        raise InputError(f"{source}: not a NETCONF backup: push --backup-dir writes a <data> element in "
                         f"{NETCONF_BASE}, this file holds <{local(data)}>")
    return list(data)


def check_backup_models(payload: Payload, backup: list[ET.Element], source: str) -> None:
    """InputError naming `source` when the backup holds none of the top-level elements the
    device's payload sets (another vendor's datastore, renamed): its rollback would remove
    every setting configgen makes on the device."""
    from configgen.findings import InputError

    wanted = {e.tag for e in payload.elements}
    if not any(e.tag in wanted for e in backup):
        held = ", ".join(sorted({local(e) for e in backup})) or "nothing"
        raise InputError(f"{source}: not a backup of {payload.device}: {payload.device}'s models "
                         f"({payload.models}) set {', '.join(sorted(local(e) for e in payload.elements))}, "
                         f"the backup holds {held}")


def restored(payload: Payload, backup: list[ET.Element]) -> Payload:
    """configgen's part of a backup of the device's datastore, as a payload to push back
    (`rollback`): the objects of the backup that are configgen's by `OWNED` (routes with
    its labels, tunnels and policy-maps with its marker, ACLs it names and renders now), whole, and of
    everything else `payload` (what the inventory renders now) sets, the values the backup
    had. Pushed, it deletes configgen's objects the backup lacks (`stale`): what the push
    being undone added."""
    ownership = ownership_of(payload)
    objects = [o for o in OWNED[payload.models] if o.rule in ("label", "marker", "whole")]
    # An object known by a label in its name only (a named ACL) is configgen's when
    # configgen renders it now: a foreign `EZ-STEEL-INTERNET-MGMT` is not taken back.
    named = {_identity(chain, o.path) for o in objects if o.rule == "whole" for chain in _chains(payload.elements, o.path)}
    owned = [(o, chain) for o in objects for chain in _chains(backup, o.path)
             if not (o.only and text(chain[-1], o.only[0]) != o.only[1]) and _configgens(o, chain[-1], ownership)
             and (o.rule != "whole" or _identity(chain, o.path) in named)]
    skip = {id(chain[-1]) for o in objects for chain in _chains(payload.elements, o.path)
            if not (o.only and text(chain[-1], o.only[0]) != o.only[1])}
    root = ET.Element("root")
    root.extend(_project(backup, payload.elements, [], payload.models, skip))
    for o, chain in owned:
        node = _place(root, chain, o.path, new=True)
        node.extend(copy.deepcopy(c) for c in chain[-1] if local(c) not in o.path[-1][1])
    # A named ACL configgen renders now that the backup lacks: the push being undone made it.
    # (The other objects the backup lacks are `stale` by their marks when this is pushed.)
    for o in objects:
        if o.rule == "whole":
            had = {_identity(chain, o.path) for chain in _chains(backup, o.path)}
            for chain in _chains(payload.elements, o.path):
                if _identity(chain, o.path) not in had:
                    _place(root, chain, o.path, new=True).set(*REMOVE)
    return Payload(payload.device, payload.models, list(root), route_labels=payload.route_labels,
                   owner_names=payload.owner_names)


def _project(backup: list[ET.Element], template: Iterable[ET.Element], names: list[str], models: str,
             skip: set[int]) -> list[ET.Element]:
    """The elements of `backup` at the places of `template`'s, with the backup's values;
    `skip`: template entries left out (configgen's own objects). An object (`OBJECTS`: an
    interface) is found by its keys and projected; of a value list (addresses, ACL rules,
    NAT entries) or leaf-list the backup's entries come whole: those the template has, and
    those a push replaces or owns whole (`_taken_back`: a main address, a numbered ACL's
    rules), never a foreign entry of a shared list (static NAT) the operator has dropped
    since. What the template has and the backup lacks is marked `operation="remove"`: the
    push being undone added it."""
    found: list[ET.Element] = []
    taken: set[str] = set()           # value lists already copied from the backup
    template = list(template)
    for wanted in template:
        if id(wanted) in skip:
            continue
        path = names + [local(wanted)]
        keys = list_keys(models, path) if len(wanted) else None
        if _is_leaf_list(path) or (keys is not None and not _is_object(models, path)):
            if wanted.tag not in taken:
                taken.add(wanted.tag)
                found.extend(copy.deepcopy(b) for b in backup if b.tag == wanted.tag and (
                    _taken_back(models, path, b) or any(_same_entry(b, t, keys) for t in template if t.tag == b.tag)))
            if not any(b.tag == wanted.tag and _same_entry(b, wanted, keys) for b in backup):
                found.append(_removal(wanted, keys or ()))
            continue
        keys = keys or ()
        match = next((b for b in backup if b.tag == wanted.tag and all(text(b, k) == text(wanted, k) for k in keys)),
                     None)
        if len(wanted) == 0:
            found.append(copy.deepcopy(match) if match is not None else _removal(wanted, ()))
            continue
        source = match if match is not None else wanted        # not in the backup: its parts go
        node = ET.Element(wanted.tag)
        node.extend(copy.deepcopy(c) for k in keys for c in source if local(c) == k)
        node.extend(_project(list(match) if match is not None else [],
                             [c for c in wanted if local(c) not in keys], path, models, skip))
        if len(node) > len(keys):
            found.append(node)
    return found


# Lists whose entries are objects configgen sets things in (found by their keys in a
# backup), not values of a setting: interfaces, the public instance, its address family,
# ACLs, routes (whose nexthops are configgen's objects, `OWNED`).
OBJECTS = {
    "huawei-vrp8": (r"ifm/interfaces/interface", r"network-instance/instances/instance", r".*/afs/af",
                    r".*/unicast-route2"),
    "cisco-iosxe-native": (r"native/interface/[^/]+", r".*/access-list/(standard|extended)",
                           r".*/ip-route-interface-forwarding-list"),
}


def _taken_back(models: str, names: list[str], entry: ET.Element) -> bool:
    """Whether the backup's `entry` of the value list at `names` comes back although the
    payload has no such entry: one a push replaces (`single`: a VRP8 interface's main
    address) or a rule of a numbered ACL (configgen's whole: `rules`). Other lists (static
    NAT, a tunnel source's bindings) are shared with what is not configgen's, and a push
    only adds to them: of those only the payload's entries are the backup's to set."""
    for owned in OWNED[models]:
        levels = [name for name, _ in owned.path]
        if owned.rule == "single" and names == levels:
            return owned.only is None or text(entry, owned.only[0]) == owned.only[1]
        if owned.rule == "rules" and names[:len(levels)] == levels and len(names) > len(levels):
            return True
    return False


def _is_object(models: str, names: list[str]) -> bool:
    return any(re.fullmatch(pattern, "/".join(names)) for pattern in OBJECTS[models])


def _same_entry(one: ET.Element, other: ET.Element, keys: tuple[str, ...] | None) -> bool:
    """The same list entry (by its keys) or leaf-list value."""
    if keys is None:
        return (one.text or "").strip() == (other.text or "").strip()
    return all(text(one, k) == text(other, k) for k in keys)


def _removal(wanted: ET.Element, keys: tuple[str, ...]) -> ET.Element:
    """`wanted` by its keys (a leaf-list entry: its value), marked `operation="remove"`
    (RFC 6241 §7.2: nothing happens when the device does not have it)."""
    node = ET.Element(wanted.tag, {REMOVE[0]: REMOVE[1]})
    if len(wanted) == 0:
        node.text = wanted.text
    node.extend(copy.deepcopy(c) for k in keys for c in wanted if local(c) == k)
    return node


REMOVE = (f"{{{NETCONF_BASE}}}operation", "remove")


def _removals(top: Iterable[ET.Element]) -> list[list[ET.Element]]:
    """Chains (top-level element first) to every element marked `operation="remove"`."""
    chains, stack = [], [[e] for e in top]
    while stack:
        chain = stack.pop()
        if chain[-1].get(REMOVE[0]) == REMOVE[1]:
            chains.append(chain)
            continue
        stack.extend(chain + [c] for c in chain[-1])
    return chains


def still_there(payload: Payload, have: list[ET.Element]) -> bool:
    """Whether the device still holds something the payload marks `operation="remove"`."""
    for chain in _removals(payload.elements):
        level, names = have, []
        for wanted in chain:
            names.append(local(wanted))
            keys = list_keys(payload.models, names) if len(wanted) else None
            leaf_list = _is_leaf_list(names)
            match = next((h for h in level if h.tag == wanted.tag and (
                _same_entry(h, wanted, None) if leaf_list else all(text(h, k) == text(wanted, k) for k in keys or ()))),
                None)
            if match is None:
                break
            level = list(match)
        else:
            return True
    return False
