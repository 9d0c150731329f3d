"""Netmiko drivers push and verify use, by platform `push_driver` key.

netmiko's Huawei driver checks for system-view by sending RETURN and waiting until the
channel has been quiet for 2 s (`check_config_mode` passes no pattern, so the base
class falls back to `read_channel_timing`). Entering and leaving system-view each check
twice, so a tiny push costs 7-9 s of pure waiting (vendor-notes §4). The drivers here
read until a VRP prompt instead, and decide from that prompt: `[...]` is system-view
(or a sub-view), `<...>` user view. `benchmarks/push_huawei.py` measures the gain.

The prompt pattern does not contain the hostname, so a push that changes `sysname`
does not leave the driver waiting for a prompt that no longer exists.
"""

from __future__ import annotations

import re

from netmiko.cisco import CiscoIosSSH
from netmiko.huawei.huawei import HuaweiSSH, HuaweiVrpv8SSH

# <R1>, [R1], [R1-Tunnel0/0/1], VRP8 [~R1] / [*R1-GigabitEthernet0/0/1]
VRP_PROMPT = r"^\s*(?:HRP_.)?[<\[][~*]?[^\s<>\[\]]+[>\]]\s*$"


class _PromptDrivenVrp:
    """Mixin over netmiko's HuaweiBase: config-mode handling driven by prompts."""

    def check_config_mode(self, check_string: str = "]", pattern: str = "", force_regex: bool = False) -> bool:
        self.write_channel(self.RETURN)
        output = self.read_until_pattern(pattern=pattern or VRP_PROMPT, re_flags=re.M)
        prompts = re.findall(VRP_PROMPT, output, flags=re.M)
        return bool(prompts) and check_string in prompts[-1]

    def config_mode(self, config_command: str = "system-view", pattern: str = "", re_flags: int = 0) -> str:
        return super().config_mode(config_command=config_command, pattern=pattern or VRP_PROMPT,
                                   re_flags=re_flags or re.M)

    def exit_config_mode(self, exit_config: str = "return", pattern: str = r">\s*$") -> str:
        return super().exit_config_mode(exit_config=exit_config, pattern=pattern)


class FastHuaweiSSH(_PromptDrivenVrp, HuaweiSSH):
    """VRP5 (device_type `huawei_vrp`, which also selects ntc-templates)."""


class FastHuaweiVrpv8SSH(_PromptDrivenVrp, HuaweiVrpv8SSH):
    """VRP8, commit-based (device_type `huawei_vrpv8`)."""


DRIVERS = {
    "cisco_ios": CiscoIosSSH,
    "huawei_vrp_fast": FastHuaweiSSH,
    "huawei_vrpv8_fast": FastHuaweiVrpv8SSH,
}
