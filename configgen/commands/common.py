"""What every command shares: the exit-code contract, JSON documents, findings output,
terminal progress and argument types. Light imports only: every command module imports
this while the parser is built, before any command runs.

Exit codes, the same for every command (README, "Exit codes"): 0 ok, 1 findings or a
failed device/step, 2 usage or unreadable input (or an output that cannot be written).
With `--format json` every outcome is one JSON document on stdout (docs/json-output.md).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable, NoReturn, TextIO, TypeAlias

from configgen.findings import Findings

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
EXIT_PIPE_CLOSED = 141          # 128 + SIGPIPE, as a shell reports for `yes | head`
# Version of the JSON output's shape (docs/json-output.md); raised when a key changes meaning or goes away.
JSON_FORMAT_VERSION = 1
# Report formats for CI systems (configgen.reporting, docs/ci.md), on validate and check.
CI_FORMATS = ("junit", "github", "sarif")
# What each command module's register() adds its commands to (the parser's subparsers).
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


# --- JSON documents -----------------------------------------------------------------

def document(args: argparse.Namespace, ok: bool, error: dict[str, Any] | None = None, **body: Any) -> dict[str, Any]:
    """The envelope every JSON document shares (docs/json-output.md)."""
    return {"format_version": JSON_FORMAT_VERSION, "command": getattr(args, "command_name", None),
            "ok": ok, "error": error, **body}


def emit_json(doc: dict[str, Any]) -> None:
    import json   # here, not at the top: only --format json needs it (start-up time)

    print(json.dumps(doc, indent=2))


def wants_json(args: argparse.Namespace) -> bool:
    return getattr(args, "format", "text") == "json"


def ci_format(args: argparse.Namespace) -> str | None:
    """The CI report format asked for (junit, github, sarif; configgen.reporting), or None."""
    fmt = getattr(args, "format", "text")
    return fmt if fmt in CI_FORMATS else None


def fail(args: argparse.Namespace, kind: str, message: str, code: int = EXIT_INPUT) -> int:
    """Report a run that could not start or finish (kind: usage, input, output) and
    return its exit code; in JSON mode as the one document on stdout, in a CI format
    as a report that says so."""
    if wants_json(args):
        emit_json(document(args, False, {"kind": kind, "message": message}))
    elif fmt := ci_format(args):
        from configgen import reporting

        print(reporting.failed_run(fmt, message, command=args.command_name), end="")
    print(f"configgen: {message}", file=sys.stderr)
    return code


def findings_ok(findings: Findings, args: argparse.Namespace) -> bool:
    """No errors, and with --strict no warnings (acknowledged ones do not count)."""
    return not findings.errors and not (getattr(args, "strict", False) and findings.warnings)


def print_findings(findings: Findings, args: argparse.Namespace, stream: TextIO | None = None, *,
                   files: Iterable[str | Path] = (), not_shown: int = 0, **body: Any) -> None:
    """Findings as text lines with a count, (JSON) as the command's one document, or as a
    CI report (`files`: the inventory files checked, each listed in a JUnit report)."""
    if wants_json(args):
        if getattr(args, "device", None):   # a --device report says how much it left out
            body["not_shown"] = not_shown
        emit_json(document(args, findings_ok(findings, args), **findings.to_dict(), **body))
        return
    if fmt := ci_format(args):
        from configgen import reporting

        print(reporting.render(fmt, findings, command=args.command_name, files=files,
                               strict=getattr(args, "strict", False)), end="")
        return
    stream = stream or sys.stdout
    for finding in findings:
        print(finding, file=stream)
    errors, warnings, acknowledged = len(findings.errors), len(findings.warnings), len(findings.acknowledged)
    if errors or warnings or acknowledged:
        strict = " (--strict: warnings fail)" if warnings and getattr(args, "strict", False) else ""
        print(f"{errors} error(s), {warnings} warning(s)" + (f", {acknowledged} acknowledged" if acknowledged else "")
              + strict, file=stream)
    if not_shown:
        print(f"({not_shown} finding(s) about other devices not shown: --device)", file=stream)


# --- progress on a terminal ---------------------------------------------------------

def progress_wanted() -> bool:
    """Progress is for a person watching: stderr is a terminal and this is not CI. Pipes,
    log files and CI logs never get it."""
    return sys.stderr.isatty() and not os.environ.get("CI")


class TerminalProgress:
    """One self-overwriting line on stderr while long work runs (when progress_wanted)."""

    def __init__(self, enabled: bool | None = None):
        self.enabled = progress_wanted() if enabled is None else enabled
        self.shown, self.last = False, 0.0

    def __call__(self, stage: str, done: int | None = None, total: int | None = None) -> None:
        """configgen.api's progress callback; counts are redrawn at most ten times a second."""
        if not self.enabled:
            return
        if total is not None:
            now = time.monotonic()
            if done != total and now - self.last < 0.1:
                return
            self.last = now
        text = f"{stage} {done}/{total}" if total is not None else f"{stage}..."
        print(f"\r\033[K{text}", end="", file=sys.stderr, flush=True)
        self.shown = True

    def __enter__(self) -> "TerminalProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        """Clear the line, also when the work fails, so that messages start on a clean line."""
        if self.shown:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
            self.shown = False


# --- argument types shared by every command ----------------------------------------

def whole_number(low: int, high: int | None = None, example: str = "4", meaning: str = "") -> Callable[[str], int]:
    """An argparse type: a whole number from `low` (to `high`). argparse puts the option's
    name before the message, as the user typed it."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; e.g. {example}") from None
        if value < low or (high is not None and value > high):
            allowed = f"from {low} to {high}" if high is not None else f"{low} or more"
            raise argparse.ArgumentTypeError(f"{text!r}: give {allowed}{meaning}")
        return value
    return parse


positive_int = whole_number(1)


def positive_seconds(text: str) -> float:
    """Seconds to wait: a finite number above 0 (not nan, inf or a negative)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds; e.g. 2 or 0.5") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds above 0, e.g. 2 or 0.5")
    return value


def add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...] = ("text", "json")) -> None:
    help_text = "output format (json: one document on stdout, docs/json-output.md"
    help_text += "; junit, github, sarif: CI reports, docs/ci.md)" if "sarif" in choices else ")"
    parser.add_argument("--format", choices=choices, default=choices[0],
                        help=help_text if "json" in choices else "output format")


class UsageError(Exception):
    def __init__(self, parser: argparse.ArgumentParser, message: str):
        super().__init__(message)
        self.parser = parser


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting on a usage error, so that `main` can
    answer in the format the user asked for (subcommand parsers inherit the class)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(self, message)
