"""Test helper: a rendered config file -> the command list netmiko's `send_config_set` sends
(the lab tests load a whole rendered file onto a simulated router; configgen push sends a diff).

Drops what only belongs in a file (Cisco `!`/`end`, Huawei `#`/`return`, VRP8 `commit`,
which netmiko's `commit()` sends itself) and, for Huawei, closes each view with `quit`
(docs/references.md §2) instead of relying on fall-through.
"""

from __future__ import annotations

FILE_ONLY = {"cisco": {"end"}, "huawei": {"return", "commit"}}
COMMENT = {"cisco": "!", "huawei": "#"}


def config_commands(text: str, vendor: str) -> list[str]:
    commands: list[str] = []
    in_view = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(COMMENT[vendor]) or line in FILE_ONLY[vendor]:
            continue
        indented = raw[:1].isspace()
        if vendor == "huawei" and in_view and not indented:
            commands.append("quit")
        commands.append(line)
        in_view = indented
    if vendor == "huawei" and in_view:
        commands.append("quit")
    return commands
