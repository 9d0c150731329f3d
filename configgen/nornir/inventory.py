"""`ConfiggenInventory`: a configgen inventory as Nornir hosts, groups and connection options."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any, Callable

from nornir.core.inventory import ConnectionOptions, Defaults, Group, Groups, Host, Hosts, Inventory, ParentGroups

from configgen.nornir.state import ConfiggenInventoryError, load, normalised

__all__ = ["ConfiggenInventory", "ConfiggenInventoryError", "in_shard"]


class ConfiggenInventory:
    """Nornir inventory plugin (registered as `ConfiggenInventory`).

    Options: `inventory` (files or directories, merged as on the command line),
    `templates` (as `--templates`), `connections` (a connection file, as `--connections`),
    `known_hosts` and `accept_new_host_keys` (as the push options of the same names).

    Every device configgen renders a configuration for becomes a host: hostname and port
    from the inventory (or the connection file), platform the netmiko device type, groups
    `vendor:<vendor>`, `os:<os>` and `service:<kind>` for each kind of service on it; data
    `vendor`, `os`, `services` and `configgen` (these options, for the tasks). No login is
    stored in the inventory: the tasks take it the way `configgen push` does."""

    def __init__(self, inventory: str | Path | list[str | Path], templates: str | None = None,
                 connections: str | None = None, known_hosts: str = "~/.ssh/known_hosts",
                 accept_new_host_keys: bool = False) -> None:
        self.options = normalised(inventory, templates=templates, connections=connections,
                                  known_hosts=known_hosts, accept_new_host_keys=accept_new_host_keys)

    def load(self) -> Inventory:
        """Validate and render; ConfiggenInventoryError (the findings) when the inventory has errors."""
        state = load(self.options)
        inventory = state.rendered.checked.inventory
        defaults = Defaults()
        groups = Groups()
        hosts = Hosts()
        for name, target in state.targets.items():
            device = inventory.devices[name]
            services = [s for s in inventory.services if s.device == name]
            names = [f"vendor:{device.vendor}", f"os:{device.os}",
                     *sorted({f"service:{s.kind}" for s in services})]
            for group in names:
                groups.setdefault(group, Group(group, defaults=defaults))
            device_type = target.platform.delivery.netmiko_type
            netmiko = ConnectionOptions(hostname=target.host, port=target.port, platform=device_type,
                                        extras=self._netmiko_extras())
            hosts[name] = Host(name, hostname=target.host, port=target.port, platform=device_type,
                               groups=ParentGroups([groups[g] for g in names]), defaults=defaults,
                               data={"vendor": device.vendor, "os": device.os,
                                     "services": [s.name for s in services],
                                     "configgen": self.options.to_data()},
                               connection_options={"netmiko": netmiko})
        return Inventory(hosts=hosts, groups=groups, defaults=defaults)

    def _netmiko_extras(self) -> dict[str, Any]:
        """For other Nornir tasks that open their own netmiko session (nornir_netmiko):
        host keys checked strictly against the same known_hosts file, as configgen does."""
        return {"ssh_strict": True, "system_host_keys": False, "alt_host_keys": True,
                "alt_key_file": str(Path(self.options.known_hosts).expanduser())}


def in_shard(index: int, count: int) -> Callable[[Host], bool]:
    """A Nornir filter for shard `index` of `count` (0-based): every host falls in exactly
    one shard, by a stable hash of its name, so `count` jobs (AWX job slices, Nautobot
    jobs) given the same inventory split its devices between them without overlap.

        nr.filter(filter_func=in_shard(0, 4))"""
    if not 0 <= index < count:
        raise ValueError(f"shard {index} of {count}: the index runs from 0 to {count - 1}")
    return lambda host: zlib.crc32(host.name.encode()) % count == index
