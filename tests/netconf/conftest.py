"""NETCONF test helpers: the vendors' model sets (they never ship with configgen)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def model_root() -> Path | None:
    """The team's copy of the vendors' YANG model sets: $CONFIGGEN_YANG_MODELS, or
    ../shared/yang beside the repository (or the main checkout's)."""
    for candidate in (os.environ.get("CONFIGGEN_YANG_MODELS"), ROOT.parent / "shared" / "yang",
                      ROOT.parent.parent / "shared" / "yang"):
        if candidate and (Path(candidate) / "huawei-vrp8-ne40e-8.22.0").is_dir():
            return Path(candidate)
    return None


def require_models_in_ci(root: Path | None) -> Path:
    """Under CI the model sets must be there: a missing set fails, unless .ci/run found no
    sets beside the clone, said so loudly, and set CONFIGGEN_YANG_MODELS=none."""
    if root is None and os.environ.get("CONFIGGEN_YANG_MODELS") == "none":
        pytest.skip("CI without the YANG model sets beside the clone (.ci/run printed a warning)")
    assert root is not None, "the YANG model sets (../shared/yang) are missing"
    return root


@pytest.fixture(scope="session")
def yang_models(tmp_path_factory) -> Path:
    """A folder holding the Huawei VRP8 and Cisco IOS-XE model sets (links to the originals).
    In CI the models and libyang must be there; elsewhere their absence skips."""
    root = model_root()
    if os.environ.get("CI") != "true":
        pytest.importorskip("libyang")
        if root is None:
            pytest.skip("no YANG model sets (set CONFIGGEN_YANG_MODELS)")
    root = require_models_in_ci(root)
    folder = tmp_path_factory.mktemp("models")
    for name in ("huawei-vrp8-ne40e-8.22.0", "cisco-iosxe-17.15.1"):
        (folder / name).symlink_to(root / name)
    return folder


@pytest.fixture
def netconf_lab(yang_models, tmp_path):
    """Lab NETCONF servers on 127.0.0.1: start(kind) -> server ("huawei" or "cisco"); every
    server's host key is in `known_hosts` (the returned object's attribute)."""
    import asyncio
    import threading

    import asyncssh

    from configgen.netconf.labserver import NetconfServer

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    folders = {"huawei": "huawei-vrp8-ne40e-8.22.0", "cisco": "cisco-iosxe-17.15.1"}

    class Lab:
        known_hosts = tmp_path / "known_hosts"
        servers: list = []

        def start(self, kind: str, trusted: bool = True):
            key = asyncssh.generate_private_key("ssh-ed25519")
            server = NetconfServer(yang_models / folders[kind], "lab", "lab-secret", key)
            asyncio.run_coroutine_threadsafe(server.start(), loop).result(30)
            if trusted:
                with self.known_hosts.open("a") as known:
                    known.write(f"[127.0.0.1]:{server.port} {key.export_public_key().decode().strip()}\n")
            self.servers.append(server)
            server.key = key
            return server

    lab = Lab()
    lab.known_hosts.touch()
    yield lab
    for server in lab.servers:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
