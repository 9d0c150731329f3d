"""What Cisco IOS and Huawei VRP CLIs have in common: a mode stack over a config tree.

A session turns one typed line into output. Vendor subclasses provide the prompts,
the section (sub-mode) table, the global commands that fall through from a sub-mode,
line validation, and the exec/user-view commands. `handle()` never raises for a bad
line: a real router answers with an error and carries on, and netmiko only notices
problems through the error text (docs/references.md §8: a crash shows up as a ReadTimeout).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from configgen.lab import ifnames
from configgen.lab.config import ConfigTree, Node
from configgen.lab.device import SimDevice
from configgen.lab.intent import is_ipv4, prefix_len


class CliSession:
    vendor = ""
    negation = ""
    # (regex on a config line, view name) for lines that open a top-level sub-mode
    top_sections: list[tuple[str, str]] = []
    # view name -> sections that nest inside it (IOS `policy-map` -> `class`)
    nested_sections: dict[str, list[tuple[str, str]]] = {}
    # lines that are global config even when typed in a sub-mode (IOS fall-through)
    global_commands = re.compile(r"$^")
    invalid_text = ""       # error for a malformed parameter
    unknown_text = ""       # error for an unknown command (outside config mode)

    def __init__(self, device: SimDevice):
        self.device = device
        self.in_config = False
        self.path: list[tuple[Node, str]] = []          # open sub-modes, outermost first
        self.pending: Callable[[str], str] | None = None  # answer to a [Y/N]-style question
        self.closed = False

    # ---- to be provided by vendors -------------------------------------------------
    def prompt(self) -> str:
        raise NotImplementedError

    def exec_command(self, line: str) -> str:
        raise NotImplementedError

    def normalize_header(self, body: str) -> str | None:
        """Canonical text of a section header, or None when the name is invalid."""
        return body

    def tree(self) -> ConfigTree:
        return self.device.running

    def after_change(self) -> None:
        self.device.changed()

    # ---- shared machinery ------------------------------------------------------------
    def handle(self, line: str) -> str:
        output = self._handle(line)
        if not self.in_config:
            self.device.settle()     # out of configuration mode: the namespace holds the config
        return output

    def _handle(self, line: str) -> str:
        if self.pending is not None:
            answer, self.pending = self.pending, None
            return answer(line.strip())
        text = line.strip()
        if not text:
            return ""
        return self.config_line(text) if self.in_config else self.exec_command(text)

    def error(self, col: int, message: str | None = None) -> str:
        """The vendor's caret marker under column `col` of the typed line, then the message."""
        return " " * (len(self.prompt()) + col) + "^\n" + (message or self.invalid_text)

    def view(self) -> str | None:
        return self.path[-1][1] if self.path else None

    def config_line(self, line: str) -> str:
        negated = line.split()[0] == self.negation
        body = line.split(None, 1)[1] if negated and " " in line else line
        offset = len(line) - len(body)
        bad = self.validate(body)
        if bad is not None:
            return self.error(offset + bad)
        with self.device.lock:
            tree = self.tree()
            nested = _match(self.nested_sections.get(self.view() or "", []), body)
            top = _match(self.top_sections, body)
            if self.path and not nested and (top or self.global_commands.match(body)):
                self.path = []          # fall through from the sub-mode to global config
            parent = self.path[-1][0] if self.path else tree.root
            section_view = nested or (top if not self.path else None)
            if section_view:
                header = self.normalize_header(body)
                if header is None:
                    return self.error(offset + _token_col(body, 1))
                if negated:
                    tree.negate(parent, header)
                else:
                    self.path.append((tree.section(parent, header), self.section_view_name(section_view, header)))
            elif negated:
                tree.negate(parent, body)
            else:
                tree.set_line(parent, body)
            self.after_change()
        return ""

    def section_view_name(self, view: str, header: str) -> str:
        return view

    # ---- validation of the lines the dataplane depends on ----------------------------
    def validate(self, body: str) -> int | None:
        """Column of the first malformed token of a config line, or None when acceptable."""
        tokens = body.split()
        if tokens[0] == "interface":
            if len(tokens) < 2 or ifnames.canonical(self.vendor, " ".join(tokens[1:])) is None:
                return _token_col(body, 1)
        elif tokens[:2] == ["ip", "address"] and len(tokens) >= 3 and tokens[2] not in ("unnumbered", "dhcp",
                                                                                     "negotiated"):
            return _check_address(body, tokens, 2, allow_length=self.vendor == "huawei")
        elif tokens[:2] in (["ip", "route"], ["ip", "route-static"]) and len(tokens) >= 3:
            return _check_address(body, tokens, 2, allow_length=self.vendor == "huawei", network=True)
        return None


def _match(table: list[tuple[str, str]], line: str) -> str | None:
    return next((view for pattern, view in table if re.match(pattern, line)), None)


def _token_col(text: str, index: int) -> int:
    """Column where token `index` of `text` starts (end of text when missing)."""
    matches = list(re.finditer(r"\S+", text))
    return matches[index].start() if index < len(matches) else len(text)


def _check_address(body: str, tokens: list[str], at: int, *, allow_length: bool, network: bool = False) -> int | None:
    """`A M` at token `at`: a valid address and contiguous mask (and A a network if asked)."""
    if not is_ipv4(tokens[at]):
        return _token_col(body, at)
    if len(tokens) <= at + 1:
        return _token_col(body, at + 1)
    mask = tokens[at + 1]
    length = prefix_len(mask)
    if length is None or (mask.isdigit() and not allow_length):
        return _token_col(body, at + 1)
    if network:
        try:
            ipaddress.IPv4Network(f"{tokens[at]}/{length}", strict=True)
        except ValueError:
            return _token_col(body, at + 1)
    return None

