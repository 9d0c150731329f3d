"""configgen lab: simulated Cisco/Huawei routers over SSH whose pings follow the pushed config.

Public API (docs/lab.md): `Lab`, `Connection`, `Fault`, `build_plan`,
`LabError`, `LabEnvironmentError`.
"""

from __future__ import annotations

import importlib
from typing import Any

# Where each public name lives. They load on first use, so that the `configgen` command
# can build its parser (which names the lab's fault kinds) without the SSH stack.
_PUBLIC = {
    "Connection": "configgen.lab.lab", "Lab": "configgen.lab.lab",
    "Fault": "configgen.lab.faults",
    "LabEnvironmentError": "configgen.lab.dataplane", "LabError": "configgen.lab.dataplane",
    "LabPlan": "configgen.lab.plan", "PlanError": "configgen.lab.plan", "build_plan": "configgen.lab.plan",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'configgen.lab' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name]), name)
