"""Router interface names: canonical CLI spelling and the Linux device name in the lab.

Both vendors accept abbreviations (`gi0/0`, `GigabitEthernet 0/0/1`), so the simulator
and the topology planner must agree on one spelling per interface. Linux names are at
most 15 characters and may not contain `/` (docs/references.md §8), hence `gi0_0_1`.
"""

from __future__ import annotations

import hashlib
import re

# Canonical kind -> short prefix used for the Linux device name. Order matters for
# prefix matching: longer kinds first so "te" does not resolve to "Tunnel".
CISCO_KINDS = {
    "TenGigabitEthernet": "te", "GigabitEthernet": "gi", "FastEthernet": "fa", "Ethernet": "eth",
    "Tunnel": "tnl", "Loopback": "lo", "Vlan": "vl", "Serial": "se", "Dialer": "di",
    "Port-channel": "po", "Cellular": "ce", "Virtual-Template": "vt", "Multilink": "mu", "Null": "null",
}
HUAWEI_KINDS = {
    "XGigabitEthernet": "xg", "GigabitEthernet": "gi", "Ethernet": "eth", "Tunnel": "tnl",
    "LoopBack": "lo", "Vlanif": "vl", "Serial": "se", "Eth-Trunk": "et", "Dialer": "di",
    "Cellular": "ce", "Virtual-Template": "vt", "NULL": "null", "Mp-group": "mp",
    # CE switch ports are named by speed (CE6800 GRE configuration files: `100GE1/0/1`).
    "400GE": "g400", "100GE": "g100", "50GE": "g50", "40GE": "g40", "25GE": "g25", "10GE": "g10",
}
KINDS = {"cisco": CISCO_KINDS, "huawei": HUAWEI_KINDS}

_NAME = re.compile(r"^((?i:\d+GE)|[A-Za-z][A-Za-z-]*?)\s*(\d[\d/:.]*)$")


def canonical(vendor: str, text: str) -> str | None:
    """`gi0/0` -> `GigabitEthernet0/0`; None when the kind is unknown or the number missing.

    Like the real CLIs, any unambiguous case-insensitive prefix of a kind is accepted
    (an exact match wins, so `Ethernet0/0` is not ambiguous with nothing else)."""
    m = _NAME.match(text.strip())
    if not m:
        return None
    typed, number = m.group(1).lower(), m.group(2)
    kinds = KINDS[vendor]
    exact = [k for k in kinds if k.lower() == typed]
    matches = exact or [k for k in kinds if k.lower().startswith(typed)]
    if len(matches) != 1:
        return None
    return matches[0] + number


def linux_name(vendor: str, canonical_name: str) -> str:
    """Linux device name for a canonical interface name, unique per namespace."""
    kinds = KINDS[vendor]
    for kind, short in kinds.items():
        if canonical_name.startswith(kind):
            rest = canonical_name[len(kind):]
            name = short + re.sub(r"[^0-9]", "_", rest)
            if len(name) <= 15:
                return name
            break
    # Too long or unknown: a stable hash keeps the name unique and legal.
    return "if" + hashlib.sha1(canonical_name.encode()).hexdigest()[:10]


def is_null(canonical_name: str) -> bool:
    """`Null0` / `NULL0`: routes to it are blackholes."""
    return canonical_name.lower().startswith("null")
