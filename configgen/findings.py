"""Findings: what validation says about an inventory, each tied to file, line and field.

Every stage that judges input (schema, IP plan, numbering, text safety) reports
`Finding`s instead of raising, so a run reports everything at once.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from typing import Iterable, Literal

Severity = Literal["error", "warning"]

# A value repeated at many places is one finding naming this many of the other places.
PLACES_LISTED = 5
# Findings alike but for their field (an aliased mapping repeats one line's findings at
# every use): this many are shown, then one line counts the rest.
ALIKE_SHOWN = 5

# Characters that move the cursor, erase or recolour a terminal, or reorder text
# (C0/C1 controls incl. ESC and CR, bidi overrides, zero-width marks, line separators).
_UNSAFE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")


# A text shown in a finding is cut after this many characters: a 50 MB value (or a list
# an alias repeats) is named, not echoed whole into a terminal or CI log.
MAX_SHOWN = 2000


def _is_shown_as_is(text: str) -> bool:
    return len(text) <= MAX_SHOWN and text.isprintable()


def printable(text: str) -> str:
    """`text` with every control or format character written as a Python escape
    (\\x1b, \\r, \\u202e), cut after MAX_SHOWN characters: inventory keys and values are
    quoted in findings, and an ANSI escape or a carriage return could otherwise forge an
    `ok:` line in a terminal or CI log."""
    if _is_shown_as_is(text):
        return text   # the common case; isprintable is False for every unsafe character
    more = len(text) - MAX_SHOWN
    cut = text[:MAX_SHOWN] if more > 0 else text
    shown = "".join(repr(char)[1:-1] if unicodedata.category(char) in _UNSAFE_CATEGORIES else char
                    for char in cut)
    return shown + (f"... ({more} more characters)" if more > 0 else "")


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
        shown = self.escaped()
        where = f"{shown.file}:{shown.line}" if shown.line else shown.file
        tag = "" if shown.severity == "error" else f"{shown.severity}: "
        text = f"{where}: {shown.field}: {tag}{shown.message}" if shown.field else f"{where}: {tag}{shown.message}"
        for other in shown.related:
            text += f"\n    conflicts with {other}"
        return text

    def to_dict(self) -> dict:
        finding = self.escaped()
        data = asdict(finding)
        data["related"] = [r.to_dict() if isinstance(r, Related) else {"file": None, "line": None, "field": str(r)}
                           for r in finding.related]
        return data

    def escaped(self) -> "Finding":
        """This finding with control characters escaped in every text: what every output shows."""
        texts = (self.file, self.field, self.message, *self.related)
        if all(_is_shown_as_is(text) for text in texts):
            return self
        return replace(self, file=printable(self.file), field=printable(self.field),
                       message=printable(self.message), related=tuple(_printable_related(r) for r in self.related))


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
        return _capped(sorted(self.items, key=lambda f: (f.file, f.line or 0, f.field, f.message)))

    def to_dict(self) -> dict:
        return {
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.to_dict() for f in self.sorted()],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


def _printable_related(related: str) -> str:
    if isinstance(related, Related):
        return Related(printable(related.file), related.line, printable(related.field))
    return printable(related)


def _capped(ordered: list[Finding]) -> list[Finding]:
    """Findings alike but for their field (same file, line and message) beyond ALIKE_SHOWN
    become one finding that counts them: output grows with the problems written, not
    with how often YAML aliases repeat them. The error and warning counts stay exact."""
    def alike(finding: Finding) -> tuple:
        return finding.file, finding.line, finding.severity, finding.code, finding.message

    counts = Counter(map(alike, ordered))
    if max(counts.values(), default=0) <= ALIKE_SHOWN:
        return ordered
    shown: Counter = Counter()
    out: list[Finding] = []
    for finding in ordered:
        key = alike(finding)
        shown[key] += 1
        if shown[key] <= ALIKE_SHOWN:
            out.append(finding)
        elif shown[key] == ALIKE_SHOWN + 1:
            rest = counts[key] - ALIKE_SHOWN
            out.append(replace(finding, field="", related=(),
                               message=f"{finding.message} (and {rest} more times at this line, in other fields)"))
    return out


class InputError(Exception):
    """Input that cannot be read at all (missing file, broken YAML): exit code 2."""

    def __str__(self) -> str:
        return printable(super().__str__())   # it may quote the unreadable input
