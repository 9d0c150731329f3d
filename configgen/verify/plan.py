"""Which pings prove a service works, in the order that localises a fault (domain.md).

Each step proves one segment; a failure at step n names it:
1. the /30 peer -> "circuit" (the transmission line and the interconnect addressing);
2. the GRE endpoint (GPRS VPN) or the operator's internet test address (internet line)
   -> "operator routing" (says nothing about the customer side);
3. the customer server, sourced from the LAN interface -> "customer LAN";
4. GPRS VPN with `verify_terminal`: that terminal, sourced from the LAN -> "tunnel", the
   only step whose packets cross the GRE tunnel (tunnel up/up proves nothing: GRE is
   stateless, vendor-notes §1.2);
5. the service's `verify:` list from the inventory, in its order (`_from_inventory`);
   `expect: fail` steps pass only when the ping gets no reply.

Services may provide steps 1-4 themselves: a module `configgen.services.<kind>` with
`verify_targets(service, inventory)` returning objects with `target`, `source_interface`,
`segment`, `proves` (and optionally `expect`: "pass" or "fail"). Those win over the
built-in recipes below, which follow the same contract; step 5 is appended either way.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from configgen.services.addressing import interconnect_peer

# "policy": a step the inventory adds (`verify:`), typically `expect: fail` (a closed path).
SEGMENTS = ("circuit", "operator routing", "customer LAN", "tunnel", "policy")
DEFAULT_INTERNET_TEST_ADDRESS = "211.137.58.20"   # domain.md §2


@dataclass(frozen=True)
class Step:
    target: str
    segment: str
    proves: str
    source_interface: str | None = None
    source_address: str | None = None     # Huawei `ping -a` wants the address
    expect: str = "pass"                  # "fail": the ping must NOT get through (a blocked path)


def plan_service(service, inventory) -> list[Step]:
    steps = _from_service_module(service, inventory)
    if steps is None:
        steps = _builtin(service, inventory)
    steps = steps + _from_inventory(service)
    addresses = _interface_addresses(inventory, service.device)
    return [Step(s.target, s.segment, s.proves, s.source_interface,
                 s.source_address or addresses.get(s.source_interface or ""), s.expect) for s in steps]


def _from_service_module(service, inventory) -> list[Step] | None:
    try:
        module = importlib.import_module(f"configgen.services.{service.kind}")
    except ImportError:
        return None
    planner = getattr(module, "verify_targets", None)
    if planner is None:
        return None
    return [Step(target=str(p.target), segment=p.segment, proves=getattr(p, "proves", ""),
                 source_interface=getattr(p, "source_interface", None) or getattr(p, "source", None),
                 expect=getattr(p, "expect", "pass") or "pass")
            for p in planner(service, inventory)]


def _from_inventory(service) -> list[Step]:
    """The service's own `verify:` pings (inventory schema `VerifyPing`), after the domain
    steps: `source: lan|wan` is that interface of the service, none lets the router pick."""
    interfaces = {"lan": getattr(getattr(service, "lan", None), "interface", None),
                  "wan": getattr(getattr(service, "wan", None), "interface", None)}
    return [Step(str(p.ping), p.segment, p.proves, interfaces[p.source] if p.source else None, expect=p.expect)
            for p in getattr(service, "verify", None) or ()]


def _builtin(service, inventory) -> list[Step]:
    peer = interconnect_peer(service.wan)
    steps = [Step(str(peer), "circuit", "the transmission circuit and the /30 interconnect are up")]
    if service.kind == "gprs_vpn":
        endpoint = getattr(service, "gre_endpoint", None) or inventory.operator.gre_endpoint
        steps.append(Step(str(endpoint), "operator routing", "the operator routes to its GRE endpoint"))
    else:
        test = getattr(inventory.operator, "internet_test_address", None) or DEFAULT_INTERNET_TEST_ADDRESS
        steps.append(Step(str(test), "operator routing", "the path to the internet is up"))
    lan = service.lan.interface
    if getattr(service, "server", None) is not None:
        steps.append(Step(str(service.server), "customer LAN", "the customer LAN reaches its server", lan))
    if getattr(service, "verify_terminal", None) is not None:
        steps.append(Step(str(service.verify_terminal), "tunnel",
                          "LAN traffic crosses the GRE tunnel to a terminal", lan))
    return steps


def _interface_addresses(inventory, device: str) -> dict[str, str]:
    """Interface -> address on `device`, from every service's WAN and LAN."""
    out = {}
    for service in inventory.services:
        if service.device != device:
            continue
        for attachment in (getattr(service, "wan", None), getattr(service, "lan", None)):
            if attachment is not None:
                out[attachment.interface] = str(attachment.address.ip)
    return out
