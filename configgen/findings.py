"""Findings: what validation says about an inventory, each tied to file, line and field.

Every stage that judges input (schema, IP plan, numbering, text safety) reports
`Finding`s instead of raising, so a run reports everything at once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Literal, Protocol, Sequence

from configgen import finding_codes

if TYPE_CHECKING:   # loaded with an inventory's `acknowledge:` entries (start-up time)
    from configgen.acknowledgements import Acknowledgement

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
    import unicodedata   # a C extension, loaded only for text that needs escaping (start-up time)
    more = len(text) - MAX_SHOWN
    cut = text[:MAX_SHOWN] if more > 0 else text
    shown = "".join(repr(char)[1:-1] if unicodedata.category(char) in _UNSAFE_CATEGORIES else char
                    for char in cut)
    return shown + (f"... ({more} more characters)" if more > 0 else "")


class Related(str):
    """The other side of a conflict: reads as "file:line: field" in text output, and
    keeps its parts for JSON output ({file, line, field})."""

    file: str
    line: int | None
    field: str

    def __new__(cls, file: str, line: int | None, field: str) -> "Related":
        text = f"{file}:{line}: {field}" if line else f"{file}: {field}"
        self = super().__new__(cls, text)
        self.file, self.line, self.field = file, line, field
        return self

    # copy/pickle (dataclasses.asdict deep-copies findings) rebuild it from its parts, not str's (text,)
    def __getnewargs__(self) -> tuple[str, int | None, str]:  # type: ignore[override]
        return self.file, self.line, self.field

    def to_dict(self) -> dict[str, str | int | None]:
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
    # the inventory's acknowledgement of this warning ("file:line: reason"), see configgen.acknowledgements
    acknowledged: str | None = None

    def __post_init__(self) -> None:
        finding_codes.check(self.code)

    def __str__(self) -> str:
        shown = self.escaped()
        where = f"{shown.file}:{shown.line}" if shown.line else shown.file
        tag = "" if shown.severity == "error" else f"{shown.severity}: "
        if shown.acknowledged:
            tag = f"acknowledged {tag}"
        text = f"{where}: {shown.field}: {tag}{shown.message}" if shown.field else f"{where}: {tag}{shown.message}"
        for other in shown.related:
            text += f"\n    conflicts with {other}"
        if shown.acknowledged:
            text += f"\n    acknowledged at {shown.acknowledged}"
        return text

    @property
    def counts(self) -> bool:
        """An error, or a warning nobody acknowledged: what the run's totals count."""
        return not self.acknowledged

    def to_dict(self) -> dict[str, Any]:
        finding = self.escaped()
        data = asdict(finding)
        data["related"] = [r.to_dict() if isinstance(r, Related) else {"file": None, "line": None, "field": str(r)}
                           for r in finding.related]
        if finding.acknowledged is None:
            del data["acknowledged"]   # the JSON shape of every other finding stays as it was
        return data

    def escaped(self) -> "Finding":
        """This finding with control characters escaped in every text: what every output shows."""
        texts = (self.file, self.field, self.message, *self.related, self.acknowledged or "")
        if all(_is_shown_as_is(text) for text in texts):
            return self
        return replace(self, file=printable(self.file), field=printable(self.field),
                       message=printable(self.message), related=tuple(_printable_related(r) for r in self.related),
                       acknowledged=printable(self.acknowledged) if self.acknowledged else None)


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
        """Warnings not acknowledged (acknowledged ones are in `acknowledged`)."""
        return [f for f in self.items if f.severity == "warning" and f.counts]

    @property
    def acknowledged(self) -> list[Finding]:
        return [f for f in self.items if not f.counts]

    def acknowledge(self, acknowledgements: Iterable[Acknowledgement]) -> None:
        """Mark the warnings each acknowledgement names; one that names no warning is
        itself a warning (stale, or pointing at an error: errors cannot be acknowledged,
        since the configuration would be wrong). Call once, after every finding is in."""
        for ack in acknowledgements:
            hits = [i for i, f in enumerate(self.items) if ack.matches(f)]
            warnings = [i for i in hits if self.items[i].severity == "warning"]
            for i in warnings:
                self.items[i] = replace(self.items[i], acknowledged=f"{ack.at_file}:{ack.at_line}: {ack.reason}"
                                        if ack.at_line else f"{ack.at_file}: {ack.reason}")
            if warnings:
                continue
            if hits:
                why = (f"{ack.field} has {ack.code} as an error, and errors cannot be acknowledged "
                       "(the configuration would be wrong): fix the error and remove this entry")
            else:
                why = (f"no warning {ack.code} at {ack.field} in {ack.file}; the warning is gone or its place moved: "
                       "remove this entry, or correct its code, field or file")
            self.add(Finding(ack.at_file, ack.at_line, ack.at_field, f"acknowledgement matches nothing: {why}",
                             severity="warning", code="acknowledgement-stale"))

    def __bool__(self) -> bool:  # truthy when anything at all was found
        return bool(self.items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Finding]:
        # Stable order for humans and golden files: by file, line, then message.
        return _capped(sorted(self.items, key=lambda f: (f.file, f.line or 0, f.field, f.message)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            # only when there are any: the document stays as it was for inventories without acknowledgements
            **({"acknowledged": len(self.acknowledged)} if self.acknowledged else {}),
            "findings": [f.to_dict() for f in self.sorted()],
        }

    def to_json(self) -> str:
        import json   # here, not at the top: only JSON output needs it (start-up time)

        return json.dumps(self.to_dict(), indent=2)


def _printable_related(related: str) -> str:
    if isinstance(related, Related):
        return Related(printable(related.file), related.line, printable(related.field))
    return printable(related)


def _capped(ordered: list[Finding]) -> list[Finding]:
    """Findings alike but for their field (same file, line and message) beyond ALIKE_SHOWN
    become one finding that counts them: output grows with the problems written, not
    with how often YAML aliases repeat them. The error and warning counts stay exact."""
    def alike(finding: Finding) -> tuple[object, ...]:
        return finding.file, finding.line, finding.severity, finding.code, finding.message, finding.acknowledged

    counts = Counter(map(alike, ordered))
    if max(counts.values(), default=0) <= ALIKE_SHOWN:
        return ordered
    shown: Counter[tuple[object, ...]] = Counter()
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


class Places:
    """Where each value of something unique is written. The first place is kept plain
    and a list is made only when a value repeats: most never do, and allocations are
    what a check over 100,000 entries costs."""

    def __init__(self) -> None:
        self.first: dict[Any, Any] = {}
        self.more: dict[Any, list[Any]] = {}

    def add(self, value: Any, place: Any) -> None:
        if value in self.first:
            self.more.setdefault(value, [self.first[value]]).append(place)
        else:
            self.first[value] = place

    def repeated(self) -> Iterable[tuple[Any, list[Any]]]:
        """(value, every place in order) for each value written more than once."""
        return self.more.items()


class Locator(Protocol):
    """What turns a path in the input into a finding at its file and line (the
    inventory's SourceMap)."""

    def finding(self, path: tuple[Any, ...], message: str, *, severity: Severity = "error", code: str = "invalid",
                related: tuple[tuple[Any, ...], ...] = ()) -> Finding: ...


def repeated(sources: Locator, paths: Sequence[tuple[Any, ...]], message: str, *, code: str,
             severity: Severity = "error") -> Finding:
    """One finding for a value written at several places (`paths`, in inventory order),
    however many: at the second place, naming the first and the others, at most
    PLACES_LISTED of them. `message` says how often (n entries give one finding, not n²/2)."""
    others = [paths[0], *paths[2:]]
    unlisted = len(others) - PLACES_LISTED
    note = f" ({unlisted} more places not listed)" if unlisted > 0 else ""
    return sources.finding(paths[1], message + note, code=code, severity=severity,
                           related=tuple(others[:PLACES_LISTED]))
