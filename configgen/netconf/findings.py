"""YANG validation results as findings at the inventory lines behind the failing nodes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from configgen.findings import Finding
from configgen.netconf.validate import ModelSet, iter_problems

if TYPE_CHECKING:
    from configgen.inventory import Inventory
    from configgen.netconf.payload import Payload


def yang_findings(inventory: Inventory, payloads: dict[str, Payload], sets: dict[str, ModelSet],
                  yang_dir: str | Path) -> list[Finding]:
    """One finding per libyang error: at the service owning the failing data path (its
    inventory entry), or at the device when the path belongs to no one service."""
    sources = inventory.sources
    by_name = {service.name: service for service in inventory.services}
    findings = []
    for device, problem in iter_problems(payloads, sets):
        payload = payloads[device]
        if problem is None:
            findings.append(sources.finding(("devices", device, "transport"), (
                f"device {device}: its NETCONF payload ({payload.models}) was not validated: {yang_dir} holds no "
                "model set of that kind"), severity="warning", code="yang-not-validated"))
            continue
        owners = [by_name[s] for s in payload.services_at(problem.path) if s in by_name] if problem.path else []
        where = f" at {problem.path}" if problem.path else ""
        for service in owners or (None,):
            path = inventory.service_path(service) if service is not None else ("devices", device)
            what = f"{service.kind} {service.name}" if service is not None else "its configuration"
            findings.append(sources.finding(path, (
                f"device {device}: the NETCONF payload for {what} does not validate against the YANG models in "
                f"{yang_dir}{where}: libyang says: {problem.message}"), code="yang-invalid"))
    return findings
