"""What a user who pip-installs gets: the docs pages configgen's messages, help texts and
schema name (`see docs/validation.md`) are in the wheel (installed under
<prefix>/share/doc/configgen/docs/) and in the sdist. Built with the project's own build
backend, as pip builds it."""

from __future__ import annotations

import re
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

builders = pytest.importorskip("hatchling.builders.wheel")
sdists = pytest.importorskip("hatchling.builders.sdist")


def named_pages() -> set[str]:
    """Every docs/<page>.md the package's code, templates and published schema name."""
    package = ROOT / "configgen"
    texts = [p.read_text(encoding="utf-8") for p in package.rglob("*") if p.suffix in (".py", ".json", ".j2")]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "templates").rglob("*.j2")]
    return {m for text in texts for m in re.findall(r"docs/([\w-]+\.md)", text)}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    wheel = next(builders.WheelBuilder(str(ROOT)).build(directory=str(out), versions=["standard"]))
    sdist = next(sdists.SdistBuilder(str(ROOT)).build(directory=str(out), versions=["standard"]))
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = set(archive.namelist())
    with tarfile.open(sdist) as archive:
        in_sdist = set(archive.getnames())
    return in_wheel, in_sdist


def test_the_pages_messages_name_exist():
    pages = named_pages()
    assert {"validation.md", "references.md", "netconf.md"} <= pages, pages   # the search finds them
    assert not [page for page in pages if not (ROOT / "docs" / page).is_file()]


def test_every_named_page_is_in_the_wheel_and_the_sdist(built):
    in_wheel, in_sdist = built
    shared = {re.sub(r"^[^/]+\.data/data/share/doc/configgen/", "", name) for name in in_wheel
              if re.match(r"^[^/]+\.data/data/share/doc/configgen/", name)}
    sources = {name.split("/", 1)[1] for name in in_sdist if "/" in name}
    for page in sorted(named_pages()):
        assert f"docs/{page}" in shared, f"docs/{page} is not installed by the wheel"
        assert f"docs/{page}" in sources, f"docs/{page} is not in the sdist"
    assert "README.md" in shared
    # every page, since pages link to each other
    assert {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")} <= shared
