"""Which pings prove a service works, in the order that localises a fault (docs/references.md §2, §3).

Each step proves one segment; a failure at step n names it:
1. the /30 peer -> "circuit" (the transmission line and the interconnect addressing);
2. the GRE endpoint (GPRS VPN) or the operator's internet test address (internet line)
   -> "operator routing" (says nothing about the customer side);
3. the customer server, sourced from the LAN interface -> "customer LAN";
4. GPRS VPN with `verify_terminal`: that terminal, sourced from the LAN -> "tunnel", the
   only step whose packets cross the GRE tunnel (tunnel up/up proves nothing: GRE is
   stateless, docs/references.md §2);
5. the service's `verify:` list from the inventory, in its order (`_from_inventory`);
   `expect: fail` steps pass only when the ping gets no reply.

Steps 1-4 come from the service module that renders the service: its
`verify_targets(service, inventory) -> list[PingStep]` (its kind's entry in
configgen.kinds; a kind without one is an error, never silently skipped).
Step 5 is appended. The internet test address default lives in the inventory schema
(`operator.internet_test_address`), so there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from configgen import kinds

# "policy": a step the inventory adds (`verify:`), typically `expect: fail` (a closed path).
SEGMENTS = ("circuit", "operator routing", "customer LAN", "tunnel", "policy")


@dataclass(frozen=True)
class Step:
    target: str
    segment: str
    proves: str
    source_interface: str | None = None
    source_address: str | None = None     # Huawei `ping -a` wants the address
    expect: str = "pass"                  # "fail": the ping must NOT get through (a blocked path)


def plan_service(service: Any, inventory: Any) -> list[Step]:
    kind = kinds.get(service.kind)
    planner = kind.verify_targets if kind is not None else None
    if planner is None:
        raise ValueError(f"service {service.name}: kind {service.kind!r} has no verification steps "
                         "(no verify_targets in its configgen.kinds entry)")
    steps = [Step(str(p.target), p.segment, p.proves, p.source) for p in planner(service, inventory)]
    steps += _from_inventory(service)
    addresses = _interface_addresses(inventory, service.device)
    return [Step(s.target, s.segment, s.proves, s.source_interface,
                 s.source_address or addresses.get(s.source_interface or ""), s.expect) for s in steps]


def _from_inventory(service: Any) -> list[Step]:
    """The service's own `verify:` pings (inventory schema `VerifyPing`), after the domain
    steps: `source: lan|wan` is that interface of the service, none lets the router pick."""
    interfaces = {"lan": getattr(getattr(service, "lan", None), "interface", None),
                  "wan": getattr(getattr(service, "wan", None), "interface", None)}
    return [Step(str(p.ping), p.segment, p.proves, interfaces[p.source] if p.source else None, expect=p.expect)
            for p in getattr(service, "verify", None) or ()]


def _interface_addresses(inventory: Any, device: str) -> dict[str, str]:
    """Interface -> address on `device`, from every service's WAN and LAN."""
    out = {}
    for service in inventory.services:
        if service.device != device:
            continue
        for attachment in (getattr(service, "wan", None), getattr(service, "lan", None)):
            if attachment is not None:
                out[attachment.interface] = str(attachment.address.ip)
    return out
