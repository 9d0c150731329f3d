"""Verification steps: the pings a service's kind plans (its `verify_targets`), run from
the customer router in order by configgen verify. Loaded when pings are planned, not
when an inventory is validated or rendered (start-up time)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class PingStep:
    """One verification ping, run from the customer router in plan order: a failure at a
    step names the segment that failed (docs/references.md §2, §3)."""

    target: ipaddress.IPv4Address
    source: str | None                 # interface to source from; None: the router picks
    segment: Literal["circuit", "operator routing", "customer LAN", "tunnel"]
    proves: str


def runbook_steps(service: Any, peer: ipaddress.IPv4Address, circuit: str,
                  operator_target: ipaddress.IPv4Address, operator_routing: str) -> list[PingStep]:
    """The steps every runbook starts with (docs/references.md §2, §3): the /30 peer proves the
    circuit, an operator address proves operator routing, the server (from the LAN)
    proves the customer LAN. Services append their own steps after these."""
    steps = [PingStep(peer, None, "circuit", circuit),
             PingStep(operator_target, None, "operator routing", operator_routing)]
    if service.server is not None:
        lan = service.lan.interface
        steps.append(PingStep(service.server, lan, "customer LAN",
                              f"the customer LAN on {lan} is right: server {service.server} answers"))
    return steps
