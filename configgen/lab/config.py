"""The simulated router's configuration: an ordered tree of CLI lines.

The tree is the single source of truth of a simulated device: `show running-config`
prints it and `intent.py` derives the namespace state (addresses, routes, tunnels, NAT)
from it. Lines the simulator does not understand are simply kept, as the issue asks.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

# Commands that hold one value per context: a new line replaces the old one. The number
# is how many leading tokens identify the setting (`ip route P M NEXTHOP` -> 5: a route
# with another `name` replaces the old one, a route via another next hop is a new one).
SINGLE_VALUED = {
    "cisco": [("hostname", 1), ("description", 1), ("ip address", 2), ("ip unnumbered", 2),
              ("tunnel source", 2), ("tunnel destination", 2), ("tunnel mode", 2), ("ip mtu", 2),
              ("ip tcp adjust-mss", 3), ("mtu", 1), ("bandwidth", 1), ("keepalive", 1), ("ip route", 5)],
    "huawei": [("sysname", 1), ("description", 1), ("ip address", 2), ("source", 1), ("destination", 1),
               ("tunnel-protocol", 1), ("mtu", 1), ("tcp adjust-mss", 2), ("keepalive", 1),
               ("ip route-static", 5)],
}
NEGATION = {"cisco": "no", "huawei": "undo"}
# Negations of defaults leave nothing in the config (`no shutdown` is how IOS shows "up").
DEFAULT_NEGATIONS = {"shutdown"}


@dataclass
class Node:
    text: str
    children: list["Node"] = field(default_factory=list)

    def find(self, text: str) -> "Node | None":
        return next((c for c in self.children if c.text == text), None)


def _key(vendor: str, text: str) -> str | None:
    """The identifying prefix of a single-valued setting, or None for list-like lines."""
    tokens = text.split()
    if vendor == "cisco" and text.startswith("ip address") and tokens[-1] == "secondary":
        return None
    if vendor == "huawei" and text.startswith("ip address") and tokens[-1] == "sub":
        return None
    for prefix, count in SINGLE_VALUED[vendor]:
        if text == prefix or text.startswith(prefix + " "):
            return " ".join(tokens[:count])
    return None


class ConfigTree:
    def __init__(self, vendor: str, root: Node | None = None):
        self.vendor = vendor
        self.root = root or Node("")

    def copy(self) -> "ConfigTree":
        return ConfigTree(self.vendor, copy.deepcopy(self.root))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConfigTree) and self.lines() == other.lines()

    def section(self, parent: Node, header: str) -> Node:
        """The child section `header` of `parent`, created at the end if missing."""
        node = parent.find(header)
        if node is None:
            node = Node(header)
            parent.children.append(node)
        return node

    def set_line(self, parent: Node, text: str) -> None:
        """Store a configuration line, replacing the setting it overrides."""
        neg = NEGATION[self.vendor] + " "
        key = _key(self.vendor, text)

        def overridden(child: Node) -> bool:
            if child.children:
                return False
            if child.text == text or child.text == neg + text:
                return True
            return key is not None and (_key(self.vendor, child.text) == key or child.text.startswith(neg + key))

        parent.children = [c for c in parent.children if not overridden(c)]
        parent.children.append(Node(text))

    def negate(self, parent: Node, text: str) -> bool:
        """`no X` / `undo X`: remove the lines (or sections) that `X` names.

        Returns True when something was removed. A negation that removes nothing is
        stored as a line itself (`no ip address`, `no cdp enable`), except negations of
        defaults such as `no shutdown`."""
        tokens = text.split()
        before = len(parent.children)
        parent.children = [c for c in parent.children if c.text.split()[:len(tokens)] != tokens]
        removed = len(parent.children) != before
        if not removed and text not in DEFAULT_NEGATIONS:
            self.set_line(parent, NEGATION[self.vendor] + " " + text)
        return removed

    def lines(self) -> list[str]:
        """Flattened, indented lines (one space per level, as both vendors print)."""
        out: list[str] = []

        def walk(node: Node, depth: int) -> None:
            for child in node.children:
                out.append(" " * depth + child.text)
                walk(child, depth + 1)

        walk(self.root, 0)
        return out

    def top(self, prefix: str) -> list[Node]:
        """Top-level nodes whose line starts with `prefix`."""
        return [c for c in self.root.children if c.text.startswith(prefix)]
