"""Ordered ping verification of rendered services (docs/references.md §2, §3): which segment is broken.

Public API: `verify(inventory, targets, credentials, ...) -> VerifyReport`, `plan_service`,
`Step`, `parse_ping`, `PingStats`.
"""

from configgen.verify.ping import PingParseError, PingStats, parse_ping
from configgen.verify.plan import SEGMENTS, Step, plan_service
from configgen.verify.runner import ServiceResult, StepResult, VerifyReport, verify

__all__ = ["SEGMENTS", "PingParseError", "PingStats", "ServiceResult", "Step", "StepResult", "VerifyReport",
           "parse_ping", "plan_service", "verify"]
