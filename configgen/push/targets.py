"""Where each device is reached: inventory `host`/`port`, or a connection file.

A connection file is the JSON `configgen lab up` writes (docs/lab.md):
`{"version": 1, "username": ..., "password": ..., "devices": {NAME: {"host", "port",
"device_type", "host_key", ...}}}`. Its devices override the inventory's addresses; its
username and password are used only when the environment gives none (credentials.py).

Host keys are checked strictly (drivers.py): a device's `host_key` in a connection file
that carries its own login (the lab writes both) is the only key accepted for it; otherwise the
known_hosts file (`HostKeys.known_hosts`, default `~/.ssh/known_hosts`) must hold the
device's key, unless `HostKeys.accept_new` trusts an unknown key on first use and
records it there. A key that differs from the recorded one is always refused.

A connection file without its own login means the production credentials go to the hosts
it names: those hosts must then prove themselves against known_hosts, so the file's
`host_key` entries are not trusted (a file that names a host and vouches for its key
would otherwise collect the production password).
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netmiko import BaseConnection

from configgen.findings import InputError
from configgen.inventory import Inventory
from configgen.platforms import Platform, platform_for
from configgen.push.credentials import Credentials, register_secret
from configgen.push.drivers import DRIVERS, RejectUnknown, TrustOnFirstUse

DEFAULT_KNOWN_HOSTS = "~/.ssh/known_hosts"


@dataclass(frozen=True)
class HostKeys:
    """Where device host keys are checked: a known_hosts file; `accept_new` trusts a
    device without an entry on first contact and appends its key to the file."""

    known_hosts: Path = Path(DEFAULT_KNOWN_HOSTS).expanduser()
    accept_new: bool = False


@dataclass(frozen=True)
class Target:
    name: str
    host: str
    port: int
    platform: Platform
    host_keys: HostKeys = HostKeys()
    pinned_host_key: str | None = None     # "ssh-ed25519 AAAA...", from a connection file
    key_source: str = ""                   # where pinned_host_key came from (for messages)
    netconf_port: int | None = None        # a connection file's NETCONF port (the lab's server)

    def connect(self, credentials: Credentials, *, timeout: float = 20.0) -> BaseConnection:
        """A logged-in netmiko session through configgen's driver for the platform, after
        the device's host key checked out (drivers.HostKeyError otherwise: no password sent)."""
        driver = DRIVERS[self.platform.delivery.push_driver]
        if self.pinned_host_key:
            keys: dict[str, Any] = dict(alt_host_keys=False, pinned_host_keys=(self.pinned_host_key,),
                                        key_source=self.key_source or "the connection file",
                                        host_key_policy=RejectUnknown())
        else:
            known = self.host_keys.known_hosts
            policy = TrustOnFirstUse(known) if self.host_keys.accept_new else RejectUnknown()
            keys = dict(alt_host_keys=True, alt_key_file=str(known), key_source=str(known), host_key_policy=policy)
        return driver(device_type=self.platform.delivery.netmiko_type, host=self.host, port=self.port,
                      username=credentials.username, password=credentials.password_for(self.name),
                      conn_timeout=timeout, auth_timeout=timeout, banner_timeout=timeout,
                      use_keys=False, allow_agent=False, ssh_strict=True, system_host_keys=False, **keys)


@dataclass(frozen=True)
class ConnectionFile:
    devices: dict[str, dict[str, Any]]
    login: tuple[str, str] | None
    path: str = ""


# A connection file names a few thousand devices at most; anything larger (or a device
# file such as /dev/zero) is not one, and reading it whole would exhaust memory.
MAX_CONNECTION_FILE_BYTES = 16 * 1024 * 1024


def read_connection_file(path: str | Path) -> ConnectionFile:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{path}: not a regular file (a FIFO, a device?): give the connection file itself")
        if info.st_size > MAX_CONNECTION_FILE_BYTES:
            raise InputError(f"{path}: {info.st_size:,} bytes is not a connection file (at most "
                             f"{MAX_CONNECTION_FILE_BYTES:,})")
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read connection file: {exc}") from None
    except RecursionError:
        raise InputError(f"{path}: cannot read connection file: nested too deeply to be one") from None
    if not isinstance(document, dict) or not isinstance(document.get("devices"), dict):
        raise InputError(f"{path}: not a connection file (no `devices` mapping)")
    for name, entry in document["devices"].items():
        _check_entry(path, name, entry)
    for key in ("username", "password"):
        if document.get(key) is not None and not isinstance(document[key], str):
            raise InputError(f"{path}: `{key}` must be a string")
    login = None
    if document.get("username") and document.get("password"):
        register_secret(document["password"])
        login = (document["username"], document["password"])
    return ConnectionFile(document["devices"], login, str(path))


def _check_entry(path: str | Path, name: str, entry: object) -> None:
    """One `devices` entry: a mapping with a host, an integer port, optional strings."""
    where = f"{path}: devices.{name}"
    if not isinstance(entry, dict):
        raise InputError(f"{where}: must be a mapping with host and port, got {type(entry).__name__} {entry!r}")
    host = entry.get("host")
    if not isinstance(host, str) or not host.strip():
        raise InputError(f"{where}: no `host` (the address push connects to)")
    for key in ("port", "netconf_port"):
        port = entry.get(key, 22)
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise InputError(f"{where}: `{key}` must be an integer 1-65535, got {port!r}")
    for key in ("device_type", "host_key", "username"):
        if entry.get(key) is not None and not isinstance(entry[key], str):
            raise InputError(f"{where}: `{key}` must be a string, got {entry[key]!r}")


def resolve_targets(inventory: Inventory, names: list[str] | None = None, connections: ConnectionFile | None = None,
                    host_keys: HostKeys | None = None, rendered: Collection[str] | None = None) -> dict[str, Target]:
    """Targets for `names` (default: every device configgen renders a configuration for:
    devices with services and PBX gateways alike), in name order. A named device that is
    unknown, or has nothing rendered, is an InputError. `rendered`: the devices render
    produced configs for (`RenderResult.configs`), see `select_devices`."""
    wanted = select_devices(inventory, names, rendered)
    targets = {}
    for name in wanted:
        device = inventory.devices[name]
        platform = platform_for(device)
        host, port, pinned, netconf_port = device.host, device.port, None, None
        if connections is not None:
            entry = connections.devices.get(name)
            if entry is None:
                raise InputError(f"{name}: not in the connection file")
            if entry.get("device_type", platform.delivery.netmiko_type) != platform.delivery.netmiko_type:
                raise InputError(f"{name}: connection file says {entry['device_type']}, "
                                 f"the inventory says {platform.delivery.netmiko_type}")
            host, port = entry["host"], entry.get("port", 22)
            # A file's host key is trusted only together with the file's own (lab) login.
            pinned = entry.get("host_key") if connections.login else None
            netconf_port = entry.get("netconf_port")
        source = f"connection file {connections.path}" if connections is not None and pinned else ""
        targets[name] = Target(name, host, port, platform, host_keys or HostKeys(), pinned, source, netconf_port)
    return targets


def select_devices(inventory: Inventory, names: list[str] | None = None,
                   rendered: Collection[str] | None = None) -> list[str]:
    """`names` checked (InputError for a device unknown or with nothing rendered), or every
    device configgen renders a configuration for; in name order. What push, verify, diff
    and rollback act on. `rendered`: the devices render produced configs for; without
    it, the devices render would build."""
    if rendered is None:
        from configgen.render import build_device_configs

        rendered = build_device_configs(inventory)
    produced = set(rendered)
    if not names:
        return sorted(produced)
    unknown = sorted(set(names) - set(inventory.devices))
    if unknown:
        raise InputError(f"unknown device(s): {', '.join(unknown)}")
    empty = sorted(set(names) - produced)
    if empty:
        raise InputError(f"nothing rendered for device(s) {', '.join(empty)}: no service or PBX gateway "
                         "of the inventory is on them, so there is nothing to push or verify")
    return sorted(set(names))
