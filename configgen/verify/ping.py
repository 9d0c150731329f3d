"""Ping output -> sent/received/loss/RTT, per vendor.

Both are TextFSM templates, golden-tested against `tests/push/data/ping/`. Cisco IOS goes
through ntc-templates (`cisco_ios_ping.textfsm`), the same parser netmiko's
`use_textfsm=True` uses; configgen keeps the raw text for the report and parses it with
netmiko's `get_structured_data`. ntc-templates has no Huawei ping template, so configgen
ships its own (`configgen/textfsm/huawei_vrp_ping.textfsm`, docs/references.md §7).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import textfsm  # type: ignore[import-untyped]  # textfsm ships no type hints
from netmiko.utilities import get_structured_data


class PingParseError(ValueError):
    """The output is not a ping result (e.g. the device refused the command)."""


@dataclass(frozen=True)
class PingStats:
    sent: int
    received: int
    rtt_min: float | None = None
    rtt_avg: float | None = None
    rtt_max: float | None = None

    @property
    def loss_pct(self) -> float:
        return 100.0 * (self.sent - self.received) / self.sent if self.sent else 100.0

    @property
    def success(self) -> bool:
        """At least one reply: the path works (the first echo is often lost to ARP)."""
        return self.received > 0


@lru_cache(maxsize=None)
def _template(name: str) -> str:
    return files("configgen").joinpath("textfsm").joinpath(name).read_text(encoding="utf-8")


def parse_huawei(output: str) -> PingStats:
    """VRP ping output through configgen's TextFSM template. A refused command or any
    other output without the statistics raises PingParseError."""
    try:
        fsm = textfsm.TextFSM(io.StringIO(_template("huawei_vrp_ping.textfsm")))
        rows = [dict(zip(fsm.header, row)) for row in fsm.ParseText(output)]
    except textfsm.TextFSMError:
        raise PingParseError(_summary_of(output)) from None
    if not rows or not rows[0]["RECEIVED"]:
        raise PingParseError(_summary_of(output))
    row = rows[0]
    rtt = [float(row[k]) if row[k] else None for k in ("RTT_MIN", "RTT_AVG", "RTT_MAX")]
    return PingStats(int(row["SENT"]), int(row["RECEIVED"]), *rtt)


def parse_cisco(command: str, output: str) -> PingStats:
    try:
        parsed = get_structured_data(output, platform="cisco_ios", command=command)
    except Exception:  # noqa: BLE001 - TextFSM throws on output that is no ping (a refused command)
        raise PingParseError(_summary_of(output)) from None
    if not isinstance(parsed, list) or not parsed or not parsed[0].get("sent_qty"):
        raise PingParseError(_summary_of(output))
    row = parsed[0]
    rtt = [float(row[k]) if row.get(k) else None for k in ("rtt_min", "rtt_avg", "rtt_max")]
    return PingStats(int(row["sent_qty"]), int(row["success_qty"] or 0), *rtt)


PARSERS = {"huawei": lambda command, output: parse_huawei(output), "textfsm": parse_cisco}


def parse_ping(parser: str, command: str, output: str) -> PingStats:
    """Parse with the platform's `ping_parser`. Output that is no ping result (the device
    refused the command, or a parser failed on it) raises PingParseError with the
    device's own error line, never the parser's exception."""
    try:
        return PARSERS[parser](command, output)
    except PingParseError:
        raise
    except Exception:  # noqa: BLE001 - any parser's failure is "not a ping result"
        raise PingParseError(_summary_of(output)) from None


# How IOS (`% Invalid input ...`) and VRP (`Error: Wrong parameter ...`) refuse a command.
_DEVICE_ERROR = re.compile(r"^(?:% ?\S|Error:)")


def _summary_of(output: str) -> str:
    """The device's own error line, else its last line."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    error = next((line for line in lines if _DEVICE_ERROR.match(line)), None)
    return "not a ping result: " + (error or (lines[-1] if lines else "no output"))
