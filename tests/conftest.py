"""Shared test helpers."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from configgen.finding_codes import CHECK_ENV

# Every finding a test makes (in this process and in the commands it runs) must carry a
# code the catalogue lists: an unknown one raises (configgen/finding_codes.py).
os.environ[CHECK_ENV] = "1"

ROOT = Path(__file__).resolve().parent.parent
INVENTORIES = ROOT / "inventories"
GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture
def write_yaml(tmp_path):
    """Write a dedented YAML text to a file in tmp_path and return its path."""

    def write(text: str, name: str = "inventory.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write
