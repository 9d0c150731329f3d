"""Push rendered configs with netmiko: diff against the device, apply, save/commit, roll back.

Public API: `push_devices(...) -> PushReport` (`backup_dir=` keeps each changed device's
running config), `plan_changes` (the diff, no device), `plan_offline` (`configgen diff`: the
dry-run report from saved running configs), `plan_restore` / `restore_planner` + `deliver`
(`configgen rollback`), `resolve_targets`, `read_connection_file`, `load_credentials`,
`Credentials`, `redact`.
"""

from configgen.push.credentials import Credentials, CredentialsError, load_credentials, redact
from configgen.push.diff import ChangePlan, plan_changes, plan_restore
from configgen.push.engine import DeviceResult, PushReport, deliver, plan_offline, push_devices, restore_planner
from configgen.push.targets import Target, read_connection_file, resolve_targets

__all__ = ["ChangePlan", "Credentials", "CredentialsError", "DeviceResult", "PushReport", "Target", "deliver",
           "load_credentials", "plan_changes", "plan_offline", "plan_restore", "push_devices", "read_connection_file",
           "redact", "resolve_targets", "restore_planner"]
