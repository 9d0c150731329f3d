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


@pytest.fixture(scope="session")
def yang_models(tmp_path_factory) -> Path:
    """A folder holding the Huawei VRP8 and Cisco IOS-XE model sets (links to the originals).
    In CI the models and libyang must be there; elsewhere their absence skips."""
    root = model_root()
    if os.environ.get("CI") != "true":
        pytest.importorskip("libyang")
        if root is None:
            pytest.skip("no YANG model sets (set CONFIGGEN_YANG_MODELS)")
    assert root is not None, "the YANG model sets (../shared/yang) are missing"
    folder = tmp_path_factory.mktemp("models")
    for name in ("huawei-vrp8-ne40e-8.22.0", "cisco-iosxe-17.15.1"):
        (folder / name).symlink_to(root / name)
    return folder
