"""Findings: what validation says about an inventory, each tied to file, line and field.

Every stage that judges input (schema, IP plan, numbering, text safety) reports
`Finding`s instead of raising, so a run reports everything at once.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


class Related(str):
    """The other side of a conflict: reads as "file:line: field" in text output, and
    keeps its parts for JSON output ({file, line, field})."""

    def __new__(cls, file: str, line: int | None, field: str) -> "Related":
        text = f"{file}:{line}: {field}" if line else f"{file}: {field}"
        self = super().__new__(cls, text)
        self.file, self.line, self.field = file, line, field
        return self

    def __getnewargs__(self):   # copy/pickle (dataclasses.asdict deep-copies findings)
        return self.file, self.line, self.field

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "field": self.field}


@dataclass(frozen=True)
class Finding:
    """One problem in the input.

    `message` says what is wrong and, where there is one, what would be right.
    `related` names the other side of a conflict ("file:line: field").
    """

    file: str
    line: int | None
    field: str
    message: str
    severity: Severity = "error"
    code: str = "invalid"
    related: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        tag = "" if self.severity == "error" else f"{self.severity}: "
        text = f"{where}: {self.field}: {tag}{self.message}" if self.field else f"{where}: {tag}{self.message}"
        for other in self.related:
            text += f"\n    conflicts with {other}"
        return text

    def to_dict(self) -> dict:
        data = asdict(self)
        data["related"] = [r.to_dict() if isinstance(r, Related) else {"file": None, "line": None, "field": str(r)}
                           for r in self.related]
        return data


@dataclass
class Findings:
    """An ordered collection of findings with the helpers the CLI and API need."""

    items: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.items.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.items.extend(findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.items if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.items if f.severity == "warning"]

    def __bool__(self) -> bool:  # truthy when anything at all was found
        return bool(self.items)

    def __iter__(self):
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Finding]:
        # Stable order for humans and golden files: by file, line, then message.
        return sorted(self.items, key=lambda f: (f.file, f.line or 0, f.field, f.message))

    def to_dict(self) -> dict:
        return {
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.to_dict() for f in self.sorted()],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


class InputError(Exception):
    """Input that cannot be read at all (missing file, broken YAML): exit code 2."""
