"""A service kind's side of the lab (its `lab` hook in configgen.kinds returns one): loaded
by the lab when it builds a service's operator node, not by validation or render
(start-up time). It imports nothing of configgen, like configgen.kinds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LabSide:
    """The operator side of one service in the lab (configgen/lab/plan.py builds it):
    one namespace per service, named `<letter><n>` and labelled `<node> for <service>`."""

    node: str                                            # "GPRS core", "internet PE"
    letter: str                                          # namespace letter: "g", "p"
    loopbacks: list[str] = field(default_factory=list)   # host addresses (/32) the node answers on
    gre_local: str | None = None                         # a GRE forwarder from this address to the CE's WAN
    routes: list[tuple[str, str]] = field(default_factory=list)   # (prefix, "via <address>") on the node
    targets: dict[str, Any] = field(default_factory=dict)         # what verification pings (ServiceTargets fields)
