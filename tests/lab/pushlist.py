"""Test helper: a rendered config file -> the command list netmiko's `send_config_set` sends
(the lab tests load a whole rendered file onto a simulated router; configgen push sends a diff).

Drops what only belongs in a file (Cisco `!`/`end`, Huawei `#`/`return`, VRP8 `commit`,
which netmiko's `commit()` sends itself) and, for Huawei, closes each view with `quit`
(docs/references.md §2) instead of relying on fall-through. The file-only lines and views
are the product's platform data (configgen/platforms.py); the comment leaders are here.
"""

from __future__ import annotations

from configgen.platforms import PLATFORMS

# What starts a comment or separator line in a vendor's config file (IOS `!`, VRP `#`):
# templates print them, nothing in configgen reads them back.
COMMENT_LEADERS = {"cisco": "!", "huawei": "#"}


def config_commands(text: str, vendor: str) -> list[str]:
    # Every family of a vendor writes its files alike (file-only lines, views).
    platform = next(p for p in PLATFORMS.values() if p.vendor == vendor)
    leader, file_only = COMMENT_LEADERS[vendor], set(platform.delivery.file_only_lines)
    close_views = platform.delivery.exit_every_section
    commands: list[str] = []
    in_view = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(leader) or line in file_only:
            continue
        indented = raw[:1].isspace()
        if close_views and in_view and not indented:
            commands.append(platform.delivery.section_exit)
        commands.append(line)
        in_view = indented
    if close_views and in_view:
        commands.append(platform.delivery.section_exit)
    return commands
