"""The NETCONF devices' payloads (what validation refuses about them: configgen.checks.transport)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Collection

from configgen.checks.transport import netconf_devices

if TYPE_CHECKING:
    from configgen.inventory import Inventory
    from configgen.netconf.payload import Payload


def services_on(inventory: Inventory, device: str) -> list[str]:
    return [service.name for service in inventory.services if service.device == device]


def device_payloads(inventory: Inventory, only: Collection[str] | None = None) -> dict[str, Payload]:
    """Device name -> netconf.payload.Payload for every `transport: netconf` device with
    something to configure (or only those in `only`). Expects a validated inventory."""
    from configgen.netconf.payload import build_payload  # render's import cost stays as it was
    from configgen.render import build_device_configs

    wanted = [name for name in netconf_devices(inventory) if only is None or name in only]
    if not wanted:
        return {}
    configs = build_device_configs(inventory, wanted)
    return {name: build_payload(configs[name], services_on(inventory, name)) for name in sorted(wanted)
            if name in configs}
