"""Shared by the Nornir tests (this folder has no __init__.py: as a package it would be named `nornir`
and hide Nornir itself)."""

from __future__ import annotations

import pytest
from nornir import InitNornir


@pytest.fixture(autouse=True)
def no_environment_credentials(monkeypatch):
    for name in ("CONFIGGEN_USERNAME", "CONFIGGEN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def init_nornir(tmp_path, *, workers: int = 4, dry_run: bool = False, **options):
    """Nornir itself, with configgen's inventory plugin found by its entry-point name.
    Nornir's own log setup is off (pytest's capture already takes its records)."""
    return InitNornir(runner={"plugin": "threaded", "options": {"num_workers": workers}},
                      inventory={"plugin": "ConfiggenInventory", "options": options},
                      logging={"enabled": False},
                      dry_run=dry_run)
