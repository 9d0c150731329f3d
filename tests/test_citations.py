"""Every line of every reviewed golden config has a cited row in docs/rendered-lines.md.

A golden line is reduced to its key (values stripped, free text dropped, the enclosing view
in front, as that page explains); the key must appear in the Key column of a row of the
golden device's family. The family comes from the device's `os` in the inventories and the
page's os -> family table. A new command in a golden without a row fails here.
"""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import GOLDEN, INVENTORIES, ROOT

DOC = ROOT / "docs" / "rendered-lines.md"

# Free text follows these keywords to the end of the line: it is not part of the key.
TEXT_KEYWORDS = {"description", "name", "hostname", "sysname"}
KEYWORD = re.compile(r"[a-z][a-z0-9-]*")
INTERFACE_NAME = re.compile(r"(?:[A-Z][A-Za-z-]*|\d+GE)\d[\d/:.]*")   # 100GE1/0/1: CE switch ports
SEPARATORS = {"!", "#"}


def _interface_shape(name: str) -> str:
    """Tunnel and channel names keep their numbering shape (naming rules differ per
    family: Tunnel1 vs Tunnel0/0/1); any other interface is just an interface."""
    if name.startswith("Tunnel") or ":" in name:
        return re.sub(r"\d+", "<n>", name)
    return "<if>"


def line_key(line: str) -> str:
    words = line.split()
    key: list[str] = []
    for position, word in enumerate(words):
        if position == 1 and words[0] == "interface" and INTERFACE_NAME.fullmatch(word):
            key.append(_interface_shape(word))
        elif KEYWORD.fullmatch(word):
            key.append(word)
            if word in TEXT_KEYWORDS:
                break
    return " ".join(key)


def config_keys(text: str) -> list[str]:
    """Keys of a config file's lines, each prefixed by the keys of the views it sits in
    (by indentation), in file order."""
    keys: list[str] = []
    views: list[tuple[int, str]] = []      # (indent, key) of the enclosing lines
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line in SEPARATORS:
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        views = [view for view in views if view[0] < indent]
        key = " > ".join([view[1] for view in views] + [line_key(line)])
        keys.append(key)
        views.append((indent, line_key(line)))
    return keys


def markdown_tables(text: str) -> list[list[dict[str, str]]]:
    """Each table as a list of {header: cell} rows."""
    tables: list[list[dict[str, str]]] = []
    block: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]])
            continue
        if len(block) >= 2:
            header, rows = block[0], block[2:]
            for row in rows:
                assert len(row) == len(header), f"{DOC.name}: row {row[:2]} has {len(row)} cells, header {len(header)}"
            tables.append([dict(zip(header, row)) for row in rows])
        block = []
    return tables


def backticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def documented() -> tuple[dict[str, str], list[dict[str, str]]]:
    """(os -> family, rows of the citation tables)."""
    tables = markdown_tables(DOC.read_text(encoding="utf-8"))
    families = {backticked(row["os"])[0]: row["Family"]
                for table in tables for row in table if set(row) == {"os", "Family"}}
    rows = [row for table in tables for row in table if {"Family", "Key"} <= set(row)]
    return families, rows


def keys_by_family(rows: list[dict[str, str]]) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for row in rows:
        keys.setdefault(row["Family"], set()).update(backticked(row["Key"]))
    return keys


def device_os() -> dict[str, set[str]]:
    """device name -> the os values the inventories give it."""
    found: dict[str, set[str]] = {}
    for path in [*INVENTORIES.rglob("*.yaml"), *(ROOT / "tests" / "data").rglob("*.yaml")]:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue          # deliberately broken test inventories name no golden device
        devices = data.get("devices") if isinstance(data, dict) else None
        if not isinstance(devices, dict):
            continue
        for name, device in devices.items():
            if isinstance(device, dict) and "os" in device:
                found.setdefault(str(name), set()).add(str(device["os"]))
    return found


def missing_rows(config: str, family: str) -> list[str]:
    """Keys of `config` that no row of `family` cites, each once, in file order."""
    _, rows = documented()
    cited = keys_by_family(rows).get(family, set())
    return list(dict.fromkeys(key for key in config_keys(config) if key not in cited))


GOLDENS = sorted(GOLDEN.rglob("*.cfg"))


def test_there_are_goldens_to_check():
    assert GOLDENS, f"no golden configs under {GOLDEN}"


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda path: str(path.relative_to(GOLDEN)))
def test_every_golden_line_has_a_cited_row(golden):
    families, _ = documented()
    os_values = device_os().get(golden.stem, set())
    assert len(os_values) == 1, f"{golden.stem}: inventories give os {sorted(os_values) or 'none'}; need exactly one"
    os_value = os_values.pop()
    assert os_value in families, f"os {os_value!r} has no family in {DOC.name}: add it and its rows"
    missing = missing_rows(golden.read_text(encoding="utf-8"), families[os_value])
    assert not missing, (f"{golden.relative_to(GOLDEN)} ({families[os_value]}): no row in {DOC.name} for "
                         + "; ".join(missing))


def test_a_command_without_a_row_fails():
    """A line no row cites is reported: here an MTU line added to a reviewed golden."""
    text = (GOLDEN / "gprs" / "wh-logistics-ce.cfg").read_text(encoding="utf-8")
    assert missing_rows(text, "Cisco IOS") == []
    changed = text.replace("interface Tunnel0\n", "interface Tunnel0\n ip mtu 1400\n")
    assert missing_rows(changed, "Cisco IOS") == ["interface Tunnel<n> > ip mtu"]


def test_a_line_cited_for_another_family_is_not_enough():
    """The VRP8 correct tunnel name has a row for VRP8 only; the AR names tunnels by slot."""
    tunnel = "interface Tunnel1\n tunnel-protocol gre\n#\n"
    assert missing_rows(tunnel, "Huawei VRP8") == []
    assert missing_rows(tunnel, "Huawei AR VRP5") == ["interface Tunnel<n>", "interface Tunnel<n> > tunnel-protocol gre"]


@pytest.mark.parametrize("line, key", [
    ("ip route 211.137.63.13 255.255.255.255 10.166.0.1 name WH-LOGISTICS-GRE-ENDPOINT", "ip route name"),
    ("ip route-static 10.166.14.0 255.255.255.0 Tunnel0/0/1 description wh water pool", "ip route-static description"),
    ("interface Tunnel0/0/1", "interface Tunnel<n>/<n>/<n>"),
    ("interface Tunnel0", "interface Tunnel<n>"),
    ("interface GigabitEthernet0/0/0", "interface <if>"),
    ("interface 100GE1/0/1", "interface <if>"),
    ("interface Serial0/0/0:15", "interface Serial<n>/<n>/<n>:<n>"),
    ("sysname wh-water-ce", "sysname"),
    ("rule 15 permit tcp tcp-flag established", "rule permit tcp tcp-flag established"),
    ("session target ipv4:198.51.100.20", "session target"),
])
def test_line_key_keeps_keywords_only(line, key):
    assert line_key(line) == key


def test_views_prefix_their_lines():
    assert config_keys("interface Tunnel0\n description to the GGSN\n!\npolicy-map P\n class class-default\n"
                       "  police cir 8000 conform-action transmit exceed-action drop\n") == [
        "interface Tunnel<n>", "interface Tunnel<n> > description", "policy-map",
        "policy-map > class class-default",
        "policy-map > class class-default > police cir conform-action transmit exceed-action drop"]


def test_every_row_names_its_source_and_status():
    families, rows = documented()
    assert set(families.values()) >= {"Cisco IOS", "Huawei AR VRP5", "Huawei VRP8", "Huawei CE switch"}
    seen: dict[tuple[str, str], str] = {}
    for row in rows:
        assert row["Family"] in families.values(), f"row family {row['Family']!r} is not in the os table"
        keys = backticked(row["Key"])
        assert keys, f"{row['Family']}: a row with no key: {row['Command']}"
        for column in ("Vendor document", "Command", "Status"):
            assert row[column], f"{row['Family']} {keys[0]}: empty {column}"
        assert row.get("Mode") or row.get("View"), f"{row['Family']} {keys[0]}: no mode/view"
        for key in keys:
            assert (row["Family"], key) not in seen, f"{row['Family']} {key}: in two rows"
            seen[(row["Family"], key)] = row["Command"]


def test_every_platform_os_has_a_family():
    """Each os of the platform table (configgen/platforms.py) maps to a family here."""
    from configgen.platforms import PLATFORMS

    families, _ = documented()
    assert {os for _, os in PLATFORMS} <= set(families)


def test_the_old_vrp8_forms_have_no_row():
    """Issue 11: the forms VRP8 documents contradict are listed without a key: a golden
    carrying one fails."""
    old = ("interface Tunnel0/0/1\n tunnel-protocol gre\n#\ninterface GigabitEthernet0/0/0\n"
           " traffic-filter inbound acl 3000\n nat outbound 2000\n qos car inbound cir 512\n#\ncommit\nreturn\n")
    assert missing_rows(old, "Huawei VRP8") == [
        "interface Tunnel<n>/<n>/<n>", "interface Tunnel<n>/<n>/<n> > tunnel-protocol gre",
        "interface <if> > traffic-filter inbound acl", "interface <if> > nat outbound",
        "interface <if> > qos car inbound cir", "commit"]


def test_every_cisco_row_cites_a_cisco_document():
    """Issue 11: every Cisco IOS line has a vendor document, none is 'no vendor document read'."""
    _, rows = documented()
    cisco = [row for row in rows if row["Family"] == "Cisco IOS"]
    assert len(cisco) > 40
    for row in cisco:
        assert "none read" not in row["Vendor document"] and "Cisco" in row["Vendor document"], row["Key"]
        assert "no vendor document read" not in row["Status"], row["Key"]
