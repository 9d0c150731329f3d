"""Push/verify tests take credentials from the lab, never from the tester's environment."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_environment_credentials(monkeypatch):
    for name in ("CONFIGGEN_USERNAME", "CONFIGGEN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
