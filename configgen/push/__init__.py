"""Push rendered configs with netmiko: diff against the device, apply, save/commit, roll back.

Public API: `push_devices(...) -> PushReport`, `plan_changes` (the diff, no device),
`resolve_targets`, `read_connection_file`, `load_credentials`, `Credentials`, `redact`.
"""

from configgen.push.credentials import Credentials, CredentialsError, load_credentials, redact
from configgen.push.diff import ChangePlan, plan_changes
from configgen.push.engine import DeviceResult, PushReport, push_devices
from configgen.push.targets import Target, read_connection_file, resolve_targets

__all__ = ["ChangePlan", "Credentials", "CredentialsError", "DeviceResult", "PushReport", "Target",
           "load_credentials", "plan_changes", "push_devices", "read_connection_file", "redact", "resolve_targets"]
