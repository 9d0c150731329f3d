"""An inventory's `acknowledge:` entries (`Findings.acknowledge` applies them): loaded by
the loader when an inventory has any, so validating one without never creates the class
(start-up time; tests/test_startup_imports.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    class Located(Protocol):
        """What an acknowledgement matches: a finding's code, field and file."""

        @property
        def code(self) -> str: ...

        @property
        def field(self) -> str: ...

        @property
        def file(self) -> str: ...


@dataclass(frozen=True)
class Acknowledgement:
    """An inventory's `acknowledge:` entry: the warning `code` at `field` in `file` is
    known and accepted for `reason`. `at_*` is where the entry itself is written."""

    code: str
    field: str
    reason: str
    file: str
    at_file: str
    at_line: int | None
    at_field: str

    def matches(self, finding: Located) -> bool:
        return (finding.code == self.code and finding.field == self.field
                and _same_file(finding.file, self.file))


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return a == b
