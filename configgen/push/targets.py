"""Where each device is reached: inventory `host`/`port`, or a connection file.

A connection file is the JSON `configgen lab up` writes (docs/lab.md):
`{"version": 1, "username": ..., "password": ..., "devices": {NAME: {"host", "port",
"device_type", ...}}}`. Its devices override the inventory's addresses; its username
and password are used only when the environment gives none (credentials.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from netmiko import BaseConnection

from configgen.findings import InputError
from configgen.platforms import Platform, platform_for
from configgen.push.credentials import Credentials, register_secret
from configgen.push.drivers import DRIVERS


@dataclass(frozen=True)
class Target:
    name: str
    host: str
    port: int
    platform: Platform

    def connect(self, credentials: Credentials, *, timeout: float = 20.0) -> BaseConnection:
        """A logged-in netmiko session through configgen's driver for the platform."""
        driver = DRIVERS[self.platform.push_driver]
        return driver(device_type=self.platform.netmiko_type, host=self.host, port=self.port,
                      username=credentials.username, password=credentials.password_for(self.name),
                      conn_timeout=timeout, auth_timeout=timeout, banner_timeout=timeout,
                      use_keys=False, allow_agent=False, ssh_strict=False, system_host_keys=False)


@dataclass(frozen=True)
class ConnectionFile:
    devices: dict[str, dict]
    login: tuple[str, str] | None


def read_connection_file(path: str | Path) -> ConnectionFile:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read connection file: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("devices"), dict):
        raise InputError(f"{path}: not a connection file (no `devices` mapping)")
    login = None
    if document.get("username") and document.get("password"):
        register_secret(document["password"])
        login = (document["username"], document["password"])
    return ConnectionFile(document["devices"], login)


def resolve_targets(inventory, names: list[str] | None = None,
                    connections: ConnectionFile | None = None) -> dict[str, Target]:
    """Targets for `names` (default: every device carrying a service), in name order."""
    if names:
        unknown = sorted(set(names) - set(inventory.devices))
        if unknown:
            raise InputError(f"unknown device(s): {', '.join(unknown)}")
        wanted = sorted(set(names))
    else:
        wanted = sorted({s.device for s in inventory.services})
    targets = {}
    for name in wanted:
        device = inventory.devices[name]
        platform = platform_for(device)
        host, port = device.host, device.port
        if connections is not None:
            entry = connections.devices.get(name)
            if entry is None:
                raise InputError(f"{name}: not in the connection file")
            if entry.get("device_type", platform.netmiko_type) != platform.netmiko_type:
                raise InputError(f"{name}: connection file says {entry['device_type']}, "
                                 f"the inventory says {platform.netmiko_type}")
            host, port = entry["host"], int(entry["port"])
        targets[name] = Target(name, host, port, platform)
    return targets
