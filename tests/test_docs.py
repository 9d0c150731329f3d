"""Docs that stand alone (issue 9 items 18, 19): no reference to notes that do not ship,
every cited reference section exists, the README tables are whole, and the library
example in docs/push-verify.md runs against a lab connection file."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

SHIPPED = [ROOT / "README.md", *(p for top in ("configgen", "templates", "docs", "inventories")
                                 for p in (ROOT / top).rglob("*") if p.is_file() and "__pycache__" not in p.parts)]
NOT_SHIPPED = re.compile(r"domain\.md|vendor-notes|shared/")


def test_no_shipped_file_cites_the_team_notes():
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}" for path in SHIPPED
             for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
             if NOT_SHIPPED.search(line)]
    assert found == []


def test_every_cited_reference_section_exists():
    references = (ROOT / "docs" / "references.md").read_text()
    sections = set(re.findall(r"^## (\d+)\. ", references, re.M))
    cited = {(str(path.relative_to(ROOT)), number) for path in SHIPPED
             for match in re.finditer(r"references\.md((?:,? ?§\d+)+)",
                                      path.read_text(encoding="utf-8", errors="replace").replace("\\u00a7", "§"))
             for number in re.findall(r"§(\d+)", match.group(1))}
    assert cited and {c for c in cited if c[1] not in sections} == set()


def test_references_carry_vendor_citations():
    text = (ROOT / "docs" / "references.md").read_text()
    for citation in ("Cisco TAC 64020", "EDOC1000174115", "NE40E V800R012C10", "police (policy map)",
                     "118370", "Configuring ISDN PRI"):
        assert citation in text, citation


def _command_table(readme: str) -> list[str]:
    lines = readme.split("## Command line", 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| command "))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append(line)
    return table


def test_readme_command_table_is_whole_and_lab_down_status_take_no_inventory():
    readme = (ROOT / "README.md").read_text()
    table = _command_table(readme)
    commands = [re.match(r"\| `([^`]*)`", row).group(1) for row in table[2:]]
    for name in ("validate", "render", "check", "schema", "numbers", "lab up", "lab down", "lab status",
                 "push", "verify", "deploy"):
        assert any(c.startswith(f"configgen {name}") or f"configgen {name}" in row
                   for c, row in zip(commands, table[2:])), name
    for row in table[2:]:
        if "lab down" in row or "lab status" in row:
            assert "INVENTORY" not in row.split("|")[1]
    # the quick start keeps its two commands exactly
    assert ("python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/configgen render "
            "inventories/hubei-gprs-vpn.yaml -o build/") in readme
    assert "\n.venv/bin/python -m pytest\n" in readme


def _library_example() -> str:
    text = (ROOT / "docs" / "push-verify.md").read_text()
    return text.split("## Library API", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]


def test_library_example_in_docs_runs_against_a_lab_connection_file(tmp_path, monkeypatch, capsys):
    """The example as written, with `connections.json` from a running lab and no
    credentials in the environment: it must take the file's login."""
    from configgen import api
    from tests.lab.conftest import start_lab

    for name in ("CONFIGGEN_USERNAME", "CONFIGGEN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    result = api.render([ROOT / "inventories" / "hubei-gprs-vpn.yaml"])
    lab = start_lab(result.checked.inventory)
    try:
        lab.write_connection_file(tmp_path / "connections.json")
        (tmp_path / "inventories").symlink_to(ROOT / "inventories")
        monkeypatch.chdir(tmp_path)
        monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
        exec(compile(_library_example(), "docs/push-verify.md", "exec"), {})
    finally:
        lab.stop()
    out = capsys.readouterr().out
    assert "wh-logistics-ce" in out and "planned" in out
    assert "circuit" in out


@pytest.mark.parametrize("page", sorted(p.name for p in (ROOT / "docs").glob("*.md")))
def test_docs_pages_are_linked_from_the_readme(page):
    readme = (ROOT / "README.md").read_text()
    assert f"docs/{page}" in readme
