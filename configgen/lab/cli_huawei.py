"""Huawei VRP CLI: `<R1>`, `[R1]`, `[R1-Tunnel0/0/1]`, and VRP8's `[~R1]` / `[*R1]` commit views."""

from __future__ import annotations

import re

from configgen.lab import ifnames
from configgen.lab.cli_base import CliSession, _token_col
from configgen.lab.config import ConfigTree, Node
from configgen.lab.device import PingResult, SimDevice
from configgen.lab.intent import is_ipv4

SECTIONS = [
    (r"interface ", "interface"),
    (r"acl ", "acl"),
    (r"aaa$", "aaa"),
    (r"user-interface ", "ui"),
    (r"ospf", "ospf"),
    (r"bgp ", "bgp"),
    (r"traffic (classifier|behavior|policy) ", "traffic"),
    (r"voice$", "voice"),
]
GLOBAL = re.compile(r"(sysname|ip route-static|nat address-group|dhcp enable|stp|ntp-service|snmp-agent|"
                    r"info-center|dns)\b")
ETHERNET = re.compile(r"(?:[A-Za-z]*Ethernet|\d+GE)\d")   # switch ports: Layer 2 by default on a CE
SAVE_QUESTION = "Warning: The current configuration will be written to the device. Continue? [Y/N]:"
SAVE_DONE = "Now saving the current configuration to the slot 0.\nInfo: Save the configuration successfully."
VRP8_EXIT_QUESTION = ("Warning: Uncommitted configurations found. Are you sure to commit them before exiting? "
                      "[Y(yes)/N(no)/C(cancel)]:")
VERSION = "Huawei Versatile Routing Platform Software\nVRP (R) software, Version {v} (configgen lab simulator)\n"


class HuaweiSession(CliSession):
    vendor = "huawei"
    negation = "undo"
    top_sections = SECTIONS
    global_commands = GLOBAL
    invalid_text = "Error: Wrong parameter found at '^' position."
    unknown_text = "Error: Unrecognized command found at '^' position."

    def __init__(self, device: SimDevice) -> None:
        super().__init__(device)
        self.candidate: ConfigTree | None = None   # VRP8: edits wait here for `commit`

    def tree(self) -> ConfigTree:
        return self.candidate if self.candidate is not None else self.device.running

    def after_change(self) -> None:
        if self.candidate is None:
            self.device.changed()

    def dirty(self) -> bool:
        return self.candidate is not None and self.candidate != self.device.running

    def prompt(self) -> str:
        host = self.device.hostname
        if not self.in_config:
            return f"<{host}>"
        mark = ("*" if self.dirty() else "~") if self.device.commit_based else ""
        view = self.view()
        return f"[{mark}{host}-{view}]" if view else f"[{mark}{host}]"

    def normalize_header(self, body: str) -> str | None:
        tokens = body.split()
        if tokens[0] == "interface":
            canon = ifnames.canonical("huawei", " ".join(tokens[1:]))
            return None if canon is None else "interface " + canon
        if tokens[0] == "acl":
            number = tokens[-1]
            return "acl number " + number if number.isdigit() else body
        return body

    def section_view_name(self, view: str, header: str) -> str:
        if view == "interface":
            return header.split(None, 1)[1]
        if view == "acl" and header.startswith("acl number "):
            number = int(header.split()[-1])
            return f"acl-{'basic' if number < 3000 else 'adv'}-{number}"
        return header.replace(" ", "-")

    def validate(self, body: str) -> int | None:
        tokens = body.split()
        in_tunnel = (self.view() or "").startswith("Tunnel")
        if in_tunnel and tokens[0] == "destination" and (len(tokens) < 2 or not is_ipv4(tokens[-1])):
            return _token_col(body, 1)
        return super().validate(body)

    def config_line(self, line: str) -> str:
        refusal = self.family_refusal(line)
        if refusal is not None:
            return self.error(0, refusal)
        if self.device.os == "ce" and line == "portswitch" and self.path:
            # Back to Layer 2, the default: the device shows no line for it.
            with self.device.lock:
                node = self.path[-1][0]
                node.children = [c for c in node.children if c.text != "undo portswitch"]
                self.after_change()
            return ""
        return super().config_line(line)

    def family_refusal(self, line: str) -> str | None:
        """What a VRP8 router (NE40E) or CE switch (CE6800) refuses by its documents
        (docs/rendered-lines.md), not what the templates happen to render: the error the
        device prints, or None. The AR (VRP5) keeps its own rules."""
        os = self.device.os
        if os not in ("vrp8", "ce"):
            return None
        tokens = line.split()
        if tokens[0] == "undo":
            return None
        view = self.view() or ""
        node = self.path[-1][0] if self.path else None
        in_interface = node is not None and node.text.startswith("interface ")
        if tokens[0] in ("nat", "traffic-filter") and in_interface:
            # NE40E: NAT lives in NAT instance view; neither reference has traffic-filter.
            return self.unknown_text
        if os == "vrp8" and tokens[:2] == ["qos", "car"] and len(tokens) > 2 and tokens[2] in ("inbound", "outbound"):
            return self.invalid_text            # NE40E: `qos car cir <kbit/s> ... inbound`, direction last
        if tokens[0] == "interface" and len(tokens) > 1:
            name = ifnames.canonical("huawei", " ".join(tokens[1:])) or ""
            if os == "vrp8" and name.startswith("Tunnel") and "/" in name and not self._has_line("target-board "):
                return ("Error: Without target-board the GRE tunnel interface must be named by interface ID "
                        "(interface Tunnel<n>).")
        if view.startswith("Tunnel") and tokens[0] == "source" and len(tokens) > 1:
            source = self._source_interface(" ".join(tokens[1:]))
            if os == "vrp8" and (source is None or source.find("binding tunnel gre") is None):
                return "Error: The source interface of the GRE tunnel is not bound to GRE (binding tunnel gre)."
            tunnel_slot, source_slot = re.match(r"Tunnel(\d+)/", view), re.search(r"(\d+)/", source.text if source else "")
            if os == "ce" and tunnel_slot and source_slot and tunnel_slot.group(1) != source_slot.group(1):
                return "Error: The slot ID of the tunnel interface must be the same as that of the source interface."
        if (os == "ce" and node is not None and in_interface and tokens[:2] == ["ip", "address"]
                and ETHERNET.match(view) and node.find("undo portswitch") is None):
            return "Error: The interface is a Layer 2 interface. Run undo portswitch first."
        return None

    def _has_line(self, prefix: str) -> bool:
        return any(child.text.startswith(prefix) for section in self.tree().root.children
                   for child in section.children)

    def _source_interface(self, text: str) -> Node | None:
        """The interface section a tunnel `source` names (by name or by its address)."""
        tree = self.tree()
        if is_ipv4(text):
            return next((section for section in tree.root.children if section.text.startswith("interface ")
                         and any(c.text.startswith(f"ip address {text} ") for c in section.children)), None)
        name = ifnames.canonical("huawei", text)
        return tree.root.find("interface " + name) if name else None

    def _handle(self, line: str) -> str:
        text = line.strip()
        if self.pending is None and text and (text in ("quit", "return", "commit", "save") or
                                              text.startswith(("display ", "dis ", "ping "))):
            return self.any_view_command(text)
        return super()._handle(line)

    def any_view_command(self, text: str) -> str:
        """Commands valid in every view: leaving views, commit, save, display, ping."""
        if text == "commit" and self.in_config and self.device.commit_based:
            self.device.commit(self.tree())     # running gets a copy; the views stay valid
            return ""
        if text == "save":
            self.pending = self._save_answer
            return SAVE_QUESTION
        if text.startswith(("display ", "dis ")):
            return self.display(text)
        if text.startswith("ping "):
            return self.ping(text)
        if text == "quit" and not self.in_config:
            self.closed = True
            return ""
        if text == "quit" and self.path:
            self.path.pop()
            return ""
        if not self.in_config:
            return ""
        if self.dirty():
            self.pending = self._exit_answer
            return VRP8_EXIT_QUESTION
        self._leave_config()
        return ""

    def _leave_config(self) -> None:
        self.in_config, self.path, self.candidate = False, [], None

    def _exit_answer(self, answer: str) -> str:
        choice = answer[:1].upper()
        if choice == "C":
            return ""
        if choice == "Y":
            self.device.commit(self.tree())
        self._leave_config()
        return ""

    def _save_answer(self, answer: str) -> str:
        if answer[:1].upper() != "Y":
            return ""
        self.device.save()
        return SAVE_DONE

    def exec_command(self, line: str) -> str:
        if line.startswith("screen-length ") or line.startswith("screen-width "):
            return "Info: The configuration takes effect on the current user terminal interface only."
        if line in ("system-view", "sys", "system"):
            self.in_config = True
            if self.device.commit_based:
                self.candidate = self.device.running.copy()
            return "Enter system view, return user view with Ctrl+Z."
        return self.error(0, self.unknown_text)

    def display(self, text: str) -> str:
        words = text.split()[1:]
        target = " ".join(words)
        if re.fullmatch(r"cu(r(rent(-configuration)?)?)?", target):
            return self.current_configuration(self.device.running)
        if re.fullmatch(r"sa(ved(-configuration)?)?", target):
            return "\n".join(self.device.startup)
        if re.fullmatch(r"ver(sion)?", target):
            return VERSION.format(v="8.180" if self.device.commit_based else "5.160 (AR2200 V200R010C10)")
        if target == "this" and self.in_config:
            return self.current_configuration(self.tree())
        return self.error(len(text.split()[0]) + 1, self.unknown_text)

    @staticmethod
    def current_configuration(tree: ConfigTree) -> str:
        out = ["#"]
        for line in tree.lines():
            if not line.startswith(" ") and out[-1] != "#":
                out.append("#")
            out.append(line)
        out += ["#", "return"]
        return "\n".join(out)

    def ping(self, line: str) -> str:
        """`ping [-a SRC] [-c N] [-t MS] [-s SIZE] [-m MS] DST`."""
        tokens = line.split()
        options: dict[str, str] = {}
        dst = None
        i = 1
        while i < len(tokens):
            tok = tokens[i]
            if tok in ("-a", "-c", "-t", "-s", "-m", "-h", "-i", "-p", "-tos", "-vpn-instance"):
                if i + 1 >= len(tokens):
                    return self.error(len(line), self.invalid_text)
                options[tok] = tokens[i + 1]
                i += 2
            elif tok in ("-f", "-n", "-q", "-r", "-v", "-d"):
                i += 1
            elif dst is None and is_ipv4(tok):
                dst = tok
                i += 1
            else:
                return self.error(_token_col(line, i), self.invalid_text)
        numeric = [k for k in ("-c", "-t", "-s", "-m") if k in options and not options[k].isdigit()]
        if dst is None or numeric or ("-a" in options and not is_ipv4(options["-a"])):
            return self.error(len(line) if dst is None else 0, self.invalid_text)
        count = max(1, int(options.get("-c", 5)))
        timeout_ms = int(options.get("-t", 2000))
        size = int(options.get("-s", 56))
        result = self.device.backend.ping(dst, count=count, timeout=max(timeout_ms / 1000, 0.2),
                                          source=options.get("-a"), size=size)
        return format_ping(result, dst, size)


def format_ping(result: PingResult, dst: str, size: int) -> str:
    lines = [f"  PING {dst}: {size}  data bytes, press CTRL_C to break"]
    if result.error:
        lines.append(f"  {result.error}")
    for seq in range(1, result.sent + 1):
        if seq in result.replies:
            ms, ttl = result.replies[seq]
            lines.append(f"    Reply from {dst}: bytes={size} Sequence={seq} ttl={ttl} time={round(ms)} ms")
        else:
            lines.append("    Request time out")
    loss = 100.0 * (result.sent - result.received) / result.sent if result.sent else 100.0
    lines += ["", f"  --- {dst} ping statistics ---",
              f"    {result.sent} packet(s) transmitted",
              f"    {result.received} packet(s) received",
              f"    {loss:.2f}% packet loss"]
    if result.replies:
        times = [round(ms) for ms, _ in result.replies.values()]
        lines.append(f"    round-trip min/avg/max = {min(times)}/{sum(times) // len(times)}/{max(times)} ms")
    return "\n".join(lines)
