"""`Lab`: the Python API that stands up a whole lab for an inventory.

    with Lab(inventory) as lab:
        params = lab.netmiko_params("wh-logistics-ce")   # for netmiko.ConnectHandler(**params)
        lab.services["wh-logistics"].terminals           # what verification can ping

`start()` builds the namespaces, then serves every device over SSH from an asyncio loop
in a daemon thread; `stop()` (or leaving the `with`) removes everything again.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Coroutine, TypeVar

import asyncssh

from configgen.fileio import write_atomic
from configgen.lab.dataplane import Dataplane, DeviceNamespace, check_environment
from configgen.lab.device import SimDevice
from configgen.lab.faults import Fault
from configgen.lab.plan import LabPlan, ServiceTargets, build_plan
from configgen.lab.sshsim import LISTEN, DeviceServer

if TYPE_CHECKING:
    from configgen.inventory import Inventory
    from configgen.netconf.labserver import NetconfServer

_counter = iter(range(1_000_000))


def default_prefix() -> str:
    """Unique per process and per lab, so parallel test runs never share namespaces."""
    return f"cg{os.getpid()}x{next(_counter)}"


@dataclass
class Connection:
    host: str
    port: int
    username: str
    device_type: str    # netmiko device_type
    namespace: str


T = TypeVar("T")


class Lab:
    def __init__(self, inventory: Inventory, *, prefix: str | None = None, username: str | None = None,
                 password: str | None = None, base_port: int = 0, yang: str | Path | None = None):
        """`yang`: a folder of YANG model sets (as for `check --yang`); with it, every device
        with `transport: netconf` whose vendor has a set there also serves NETCONF
        (configgen.lab.netconf)."""
        self.inventory = inventory
        self.prefix = prefix or default_prefix()
        # Lab credentials are the lab's own (CONFIGGEN_LAB_*), never the production ones in
        # CONFIGGEN_PASSWORD: the connection file stores them.
        self.username = username or os.environ.get("CONFIGGEN_LAB_USERNAME") or "configgen"
        self.password = password or os.environ.get("CONFIGGEN_LAB_PASSWORD") or secrets.token_urlsafe(12)
        self.base_port = base_port
        self.plan: LabPlan = build_plan(inventory, self.prefix)
        self.dataplane = Dataplane(self.plan)
        self.devices: dict[str, SimDevice] = {}
        self.servers: dict[str, DeviceServer] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._executor = ThreadPoolExecutor(max_workers=32, thread_name_prefix="cglab")
        self.host_key: str | None = None
        self.yang = yang
        self.netconf: dict[str, NetconfServer] = {}      # devices that also serve NETCONF

    # ---- lifecycle -----------------------------------------------------------------
    def start(self) -> "Lab":
        check_environment()
        try:
            self.dataplane.build()
            for name, dp in self.plan.devices.items():
                backend = DeviceNamespace(self.dataplane, dp.namespace)
                self.devices[name] = SimDevice(name, dp.vendor, dp.os, dp.interfaces, backend, dp.hostname)
            self._loop = asyncio.new_event_loop()
            threading.Thread(target=self._loop.run_forever, name="cglab-ssh", daemon=True).start()
            self._call(self._start_servers())
        except BaseException:
            self.stop()
            raise
        return self

    async def _start_servers(self) -> None:
        key = asyncssh.generate_private_key("ssh-ed25519")
        self.host_key = key.export_public_key("openssh").decode().strip()   # for known_hosts checks
        for i, (name, device) in enumerate(self.devices.items()):
            port = self.base_port + i if self.base_port else 0
            server = DeviceServer(device, self.username, self.password, key, self._executor, port)
            await server.start()
            self.servers[name] = server
        for name, (model_dir, kind) in self.netconf_models().items():
            from configgen.lab.netconf import follow  # libyang: only for NETCONF labs
            from configgen.netconf.labserver import NetconfServer

            netconf = NetconfServer(model_dir, self.username, self.password, key, executor=self._executor)
            netconf.on_change = follow(self.devices[name], kind)
            await netconf.start()
            self.netconf[name] = netconf

    def netconf_models(self) -> dict[str, tuple[Path, str]]:
        """Device -> (folder, payload kind) of the model set its NETCONF server serves:
        devices with `transport: netconf` whose vendor has a set in `yang` (none without `yang`)."""
        if self.yang is None or not any(d.transport == "netconf" for d in self.inventory.devices.values()):
            return {}
        from configgen.netconf.validate import model_sets
        from configgen.platforms import platform_for

        sets = model_sets(self.yang)
        found = {}
        for name, device in self.inventory.devices.items():
            kind = platform_for(device).netconf_models
            if device.transport == "netconf" and name in self.devices and kind is not None and kind in sets:
                found[name] = (sets[kind].directory, kind)
        return found

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        assert self._loop is not None, "the lab is not started"
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=60)

    def stop(self) -> None:
        """Stop serving and remove the namespaces; the teardown runs whatever else fails."""
        try:
            if self._loop is not None:
                for server in self.servers.values():
                    self._call(server.stop())
                for netconf in self.netconf.values():
                    self._call(netconf.stop())
                self._loop.call_soon_threadsafe(self._loop.stop)
        finally:
            self._loop = None
            self.servers.clear()
            self.netconf.clear()
            self.dataplane.teardown()

    def __enter__(self) -> "Lab":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- what clients need -----------------------------------------------------------
    @property
    def connections(self) -> dict[str, Connection]:
        return {name: Connection(LISTEN, self.servers[name].port, self.username, dp.device_type, dp.namespace)
                for name, dp in self.plan.devices.items() if name in self.servers}

    @property
    def services(self) -> dict[str, ServiceTargets]:
        return self.plan.services

    def netmiko_params(self, device: str) -> dict[str, Any]:
        """Keyword arguments for `netmiko.ConnectHandler` to reach `device`."""
        c = self.connections[device]
        return {"device_type": c.device_type, "host": c.host, "port": c.port, "username": c.username,
                "password": self.password}

    def set_fault(self, device: str, fault: Fault | None = None) -> None:
        """Make `device` misbehave from now on (None: behave again)."""
        self.devices[device].fault = fault or Fault()
        server = self.netconf.get(device)
        if server is not None:
            # The device's NETCONF face misbehaves alike (a `once` fault only affects SSH):
            # refused login; drop-after: the session drops at <edit-config>; reject: every
            # <commit> is refused.
            fault = self.devices[device].current_fault()
            server.refuse_login = fault.refuse_login
            server.drop_on_edit = fault.drop_after_lines is not None
            server.reject_commits = bool(fault.reject)

    def connection_document(self) -> dict[str, Any]:
        return {
            "version": 1,
            "lab": self.prefix,
            "username": self.username,
            "password": self.password,
            # host_key: the OpenSSH public key the device answers with (push checks it strictly)
            # netconf_port: where the device's NETCONF server listens (same host and host key)
            "devices": {name: {**asdict(c), "host_key": self.host_key,
                               **({"netconf_port": self.netconf[name].port} if name in self.netconf else {})}
                        for name, c in self.connections.items()},
            "services": {name: asdict(t) for name, t in self.services.items()},
        }

    def write_connection_file(self, path: str | Path) -> Path:
        """JSON connection file (docs/lab.md), mode 0600 because it holds the password."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_atomic(path, json.dumps(self.connection_document(), indent=2) + "\n", mode=0o600)
