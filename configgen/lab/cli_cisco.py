"""Cisco IOS CLI: `R1#`, `R1(config)#`, `R1(config-if)#` and the commands netmiko uses."""

from __future__ import annotations

import re

from configgen.lab import ifnames
from configgen.lab.cli_base import CliSession, _token_col
from configgen.lab.device import PingResult
from configgen.lab.intent import interface_address, is_ipv4

SECTIONS = [
    (r"interface \S+\.\d+$", "config-subif"),
    (r"interface ", "config-if"),
    (r"router ", "config-router"),
    (r"policy-map ", "config-pmap"),
    (r"class-map ", "config-cmap"),
    (r"ip access-list extended ", "config-ext-nacl"),
    (r"ip access-list standard ", "config-std-nacl"),
    (r"voice translation-rule ", "cfg-translation-rule"),
    (r"voice translation-profile ", "cfg-translation-profile"),
    (r"dial-peer voice ", "config-dial-peer"),
    (r"controller ", "config-controller"),
    (r"line ", "config-line"),
    (r"voice-port ", "config-voiceport"),
]
NESTED = {"config-pmap": [(r"class ", "config-pmap-c")]}
# `(?![\w-])`, not `\b`: `service` (global) must not swallow `service-policy` (interface).
GLOBAL = re.compile(r"(hostname|ip route|ip nat inside source|ip nat outside source|access-list|username|"
                    r"enable|service|ip domain|ip name-server|ntp|logging|snmp-server|isdn switch-type)(?![\w-])")
SHOW_VERSION = ("Cisco IOS Software, ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 15.9(3)M, "
                "configgen lab simulator\nROM: configgen lab\n")


class CiscoSession(CliSession):
    vendor = "cisco"
    negation = "no"
    top_sections = SECTIONS
    nested_sections = NESTED
    global_commands = GLOBAL
    invalid_text = "% Invalid input detected at '^' marker."
    unknown_text = invalid_text

    def prompt(self) -> str:
        host = self.device.hostname
        if not self.in_config:
            return host + "#"
        return f"{host}({self.view() or 'config'})#"

    def normalize_header(self, body: str) -> str | None:
        if body.startswith("interface "):
            canon = ifnames.canonical("cisco", body.split(None, 1)[1])
            return None if canon is None else "interface " + canon
        return body

    def validate(self, body: str) -> int | None:
        tokens = body.split()
        if tokens[:2] == ["tunnel", "destination"] and (len(tokens) < 3 or not is_ipv4(tokens[2])):
            return _token_col(body, 2)
        return super().validate(body)

    def config_line(self, line: str) -> str:
        if line in ("end", "\x1a"):
            self.in_config, self.path = False, []
            return ""
        if line == "exit":
            if self.path:
                self.path.pop()
            else:
                self.in_config = False
            return ""
        if line.startswith("do "):
            return self.exec_command(line[3:].strip(), from_config=True)
        return super().config_line(line)

    def exec_command(self, line: str, from_config: bool = False) -> str:
        cmd = line.split()[0]
        if cmd in ("enable", "terminal"):
            return ""
        if re.fullmatch(r"conf(igure)?( t(erminal)?)?", line) and not from_config:
            self.in_config = True
            return "Enter configuration commands, one per line.  End with CNTL/Z."
        if re.fullmatch(r"sh(ow)? run(ning-config)?", line):
            return self.running_config()
        if re.fullmatch(r"sh(ow)? start(up-config)?", line):
            return "\n".join(self.device.startup) or "startup-config is not present"
        if re.fullmatch(r"sh(ow)? ver(sion)?", line):
            return SHOW_VERSION
        if re.fullmatch(r"wr(ite)?( mem(ory)?)?", line):
            self.device.save()
            return "Building configuration...\n[OK]"
        if re.fullmatch(r"copy run(ning-config)? start(up-config)?", line):
            self.pending = self._copy_confirmed
            return "Destination filename [startup-config]? "
        if cmd == "ping":
            return self.ping(line)
        if cmd in ("exit", "logout", "quit") and not from_config:
            self.closed = True
            return ""
        return self.error(0 if not from_config else 3, self.unknown_text)

    def _copy_confirmed(self, answer: str) -> str:
        self.device.save()
        return "Building configuration...\n[OK]"

    def running_config(self) -> str:
        lines = self.tree().lines()
        out = ["!"]
        for line in lines:
            if not line.startswith(" ") and out[-1] != "!":
                out.append("!")
            out.append(line)
        out += ["!", "end"]
        body = "\n".join(out)
        return f"Building configuration...\n\nCurrent configuration : {len(body)} bytes\n{body}"

    def ping(self, line: str) -> str:
        """`ping [ip] DST [repeat N] [size N] [timeout S] [source IF|IP] [df-bit]`."""
        tokens = line.split()
        i = 2 if len(tokens) > 1 and tokens[1] == "ip" else 1
        if i >= len(tokens) or not is_ipv4(tokens[i]):
            return self.error(_token_col(line, i), "% Unrecognized host or address, or protocol not running.")
        dst, count, size, timeout, source = tokens[i], 5, 100, 2.0, None
        i += 1
        while i < len(tokens):
            key = tokens[i]
            value = tokens[i + 1] if i + 1 < len(tokens) else None
            if key in ("df-bit", "validate", "verbose"):
                i += 1
                continue
            if value is None or key not in ("repeat", "size", "timeout", "source"):
                return self.error(_token_col(line, i))
            if key == "source":
                source = value if is_ipv4(value) else interface_address(self.tree(), value)
                if source is None:
                    return "% Invalid source interface - IP not enabled"
            elif not value.isdigit():
                return self.error(_token_col(line, i + 1))
            elif key == "repeat":
                count = max(1, int(value))
            elif key == "size":
                size = int(value)
            else:
                timeout = float(value)
            i += 2
        result = self.device.backend.ping(dst, count=count, timeout=timeout, source=source, size=size)
        return format_ping(result, dst, size, timeout, source)


def format_ping(result: PingResult, dst: str, size: int, timeout: float, source: str | None) -> str:
    lines = ["Type escape sequence to abort.",
             f"Sending {result.sent}, {size}-byte ICMP Echos to {dst}, timeout is {int(timeout)} seconds:"]
    if source:
        lines.append(f"Packet sent with a source address of {source}")
    if result.error:
        lines.append(result.error)
    marks = "".join("!" if seq in result.replies else "U" if seq in result.unreachable else "."
                    for seq in range(1, result.sent + 1))
    lines.append(marks)
    pct = 100 * result.received // result.sent if result.sent else 0
    summary = f"Success rate is {pct} percent ({result.received}/{result.sent})"
    if result.replies:
        times = [max(1, round(ms)) for ms, _ in result.replies.values()]
        summary += f", round-trip min/avg/max = {min(times)}/{sum(times) // len(times)}/{max(times)} ms"
    lines.append(summary)
    return "\n".join(lines)
