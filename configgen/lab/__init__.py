"""configgen lab: simulated Cisco/Huawei routers over SSH whose pings follow the pushed config.

Public API (docs/lab.md): `Lab`, `Connection`, `Fault`, `config_commands`, `build_plan`,
`LabError`, `LabEnvironmentError`.
"""

from configgen.lab.dataplane import LabEnvironmentError, LabError
from configgen.lab.device import Fault
from configgen.lab.lab import Connection, Lab
from configgen.lab.plan import LabPlan, PlanError, build_plan
from configgen.lab.pushlist import config_commands

__all__ = ["Connection", "Fault", "Lab", "LabEnvironmentError", "LabError", "LabPlan", "PlanError",
           "build_plan", "config_commands"]
