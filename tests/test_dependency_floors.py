"""CI tests the dependency floors in .ci/floors.txt; this keeps that list in step with
pyproject.toml, so a raised floor is also the version CI installs as the oldest."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _version(text: str) -> tuple[int, ...]:
    """2.9 and 2.9.0 are the same floor."""
    parts = [int(x) for x in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


# Optional extras that ship code in configgen (not test tools): their floors are pinned too.
PINNED_EXTRAS = ("nornir", "netconf")


def test_every_runtime_dependency_has_its_floor_pinned_for_ci():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [*project["dependencies"], *(r for extra in PINNED_EXTRAS
                                                for r in project["optional-dependencies"][extra])]
    floors = {}
    for line in (ROOT / ".ci" / "floors.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            floors[name.lower().replace("_", "-")] = version
    for requirement in requirements:
        name = _name(requirement)
        floor = re.search(r"(?:>=|==)\s*([0-9][0-9.]*)", requirement)
        assert floor, f"{requirement}: every dependency needs a floor (>=)"
        pinned = floors.get(name)
        assert pinned is not None, f"{name} has no pin in .ci/floors.txt"
        assert _version(pinned) == _version(floor.group(1)), \
            f"{name}: pyproject floor {floor.group(1)} but .ci/floors.txt pins {pinned}"
    assert set(floors) == {_name(r) for r in requirements}, "floors.txt pins a package pyproject does not need"
