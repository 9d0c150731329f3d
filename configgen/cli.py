"""`configgen` command line: a thin layer over `configgen.api`.

Exit codes, the same for every command (README, "Exit codes"): 0 ok, 1 findings or a
failed device/step, 2 usage or unreadable input (or an output that cannot be written).
With `--format json` every outcome is one JSON document on stdout (docs/json-output.md).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from typing import Sequence

from configgen import __version__, api
from configgen.findings import Findings, InputError

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
EXIT_PIPE_CLOSED = 141          # 128 + SIGPIPE, as a shell reports for `yes | head`
# Version of the JSON output's shape (docs/json-output.md); raised when a key changes meaning or goes away.
JSON_FORMAT_VERSION = 1


# --- JSON documents -----------------------------------------------------------------

def document(args, ok: bool, error: dict | None = None, **body) -> dict:
    """The envelope every JSON document shares (docs/json-output.md)."""
    return {"format_version": JSON_FORMAT_VERSION, "command": getattr(args, "command_name", None),
            "ok": ok, "error": error, **body}


def emit_json(doc: dict) -> None:
    print(json.dumps(doc, indent=2))


def wants_json(args) -> bool:
    return getattr(args, "format", "text") == "json"


def fail(args, kind: str, message: str, code: int = EXIT_INPUT) -> int:
    """Report a run that could not start or finish (kind: usage, input, output) and
    return its exit code; in JSON mode as the one document on stdout."""
    if wants_json(args):
        emit_json(document(args, False, {"kind": kind, "message": message}))
    print(f"configgen: {message}", file=sys.stderr)
    return code


def print_findings(findings: Findings, args, stream=None, **body) -> None:
    """Findings as text lines with a count, or (JSON) as the command's one document."""
    if wants_json(args):
        emit_json(document(args, not findings.errors, **findings.to_dict(), **body))
        return
    stream = stream or sys.stdout
    for finding in findings:
        print(finding, file=stream)
    errors, warnings = len(findings.errors), len(findings.warnings)
    if errors or warnings:
        print(f"{errors} error(s), {warnings} warning(s)", file=stream)


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

    def __exit__(self, *exc) -> None:
        """Clear the line, also when the work fails, so that messages start on a clean line."""
        if self.shown:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
            self.shown = False


# --- argument types shared by every command ----------------------------------------

def whole_number(low: int, high: int | None = None, example: str = "4", meaning: str = ""):
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


def add_format(parser: argparse.ArgumentParser, choices=("text", "json")) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0],
                        help="output format (json: one document on stdout, docs/json-output.md)"
                        if "json" in choices else "output format")


class UsageError(Exception):
    def __init__(self, parser: argparse.ArgumentParser, message: str):
        super().__init__(message)
        self.parser = parser


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting on a usage error, so that `main` can
    answer in the format the user asked for (subcommand parsers inherit the class)."""

    def error(self, message: str):
        raise UsageError(self, message)


# --- commands -------------------------------------------------------------------------

def _summary(inventory) -> str:
    groups = f", {len(inventory.vpmn)} VPMN group(s)" if inventory.vpmn else ""
    return f"{len(inventory.services)} service(s){groups} on {len(inventory.devices)} device(s)"


def cmd_validate(args) -> int:
    with TerminalProgress() as progress:
        checked = api.check(args.inventory, freeze_gc=True, progress=progress)
    print_findings(checked.findings, args)
    if not wants_json(args) and not checked.findings:
        print(f"ok: {_summary(checked.inventory)}")
    return EXIT_OK if checked.ok else EXIT_FINDINGS


def cmd_render(args) -> int:
    if args.output == "-":
        return fail(args, "usage", "-o -: render writes one file per device into a directory; give a directory, "
                                   "e.g. -o build (`configgen check` renders without writing)")
    try:
        with TerminalProgress() as progress:
            result = api.render(args.inventory, out_dir=args.output, template_dir=args.templates, freeze_gc=True,
                                progress=progress, template_findings=True)
    except OSError as exc:   # the output directory cannot be made or written
        return fail(args, "output", f"cannot write to {args.output}: {exc.strerror or exc}")
    findings = result.checked.findings
    written = [str(p) for p in result.written]
    if wants_json(args):
        print_findings(findings, args, written=written)
    else:
        print_findings(findings, args, stream=sys.stdout if result.checked.ok else sys.stderr)
    if not result.checked.ok:
        print("nothing written: fix the errors above first", file=sys.stderr)
        return EXIT_FINDINGS
    if not wants_json(args):
        print(f"wrote {len(written)} config file(s) to {args.output}")
    return EXIT_OK


def cmd_check(args) -> int:
    with TerminalProgress() as progress:
        checked = api.ci_check(args.inventory, template_dir=args.templates, progress=progress)
    print_findings(checked.findings, args)
    if not wants_json(args) and checked.ok:
        print(f"ok: {_summary(checked.inventory)}; templates compile and render")
    return EXIT_OK if checked.ok else EXIT_FINDINGS


def cmd_schema(args) -> int:
    from configgen.inventory.published_schema import render_schema  # noqa: PLC0415

    print(render_schema(), end="")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="configgen", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"configgen {__version__}")
    sub = parser.add_subparsers(required=True)

    def inventory_command(name: str, help_text: str, func) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text)
        command.add_argument("inventory", nargs="+", help="inventory files or directories (merged)")
        add_format(command)
        command.set_defaults(func=func, command_name=name)
        return command

    inventory_command("validate", "check inventories: IP plan, numbering plan, text safety", cmd_validate)
    render = inventory_command("render", "validate, then write one config file per device", cmd_render)
    render.add_argument("-o", "--output", default="build", help="output directory (default: build/)")
    render.add_argument("--templates", help="directory whose templates override the bundled ones")
    check = inventory_command("check", "CI: validate, compile every template, render every device in memory",
                              cmd_check)
    check.add_argument("--templates", help="directory whose templates override the bundled ones")
    schema = sub.add_parser("schema", help="print the inventory JSON Schema (for editors and CI)")
    schema.set_defaults(func=cmd_schema, command_name="schema")
    _register_subcommands(sub)
    return parser


def _register_subcommands(sub) -> None:
    """Stages with their own CLI modules add their commands (imported here to keep
    `configgen validate` from loading netmiko and asyncssh)."""
    from configgen.lab import cli as lab_cli  # noqa: PLC0415
    from configgen.numbers import cli as numbers_cli  # noqa: PLC0415
    from configgen.push import cli as push_cli  # noqa: PLC0415

    for module in (lab_cli, numbers_cli, push_cli):
        module.register(sub)


def _json_requested(argv: Sequence[str]) -> bool:
    argv = list(argv)
    return "--format=json" in argv or any(a == "--format" and b == "json" for a, b in zip(argv, argv[1:]))


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # Member names and findings may quote any script; a terminal or pipe that cannot show
    # it gets an escape (\u5f20), not a UnicodeEncodeError halfway through the output.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    try:
        try:
            args = parser.parse_args(argv)
        except UsageError as exc:
            if _json_requested(argv):
                command = exc.parser.prog.removeprefix("configgen").strip() or None
                emit_json(document(argparse.Namespace(command_name=command), False,
                              {"kind": "usage", "message": str(exc)}))
            exc.parser.print_usage(sys.stderr)
            print(f"{exc.parser.prog}: error: {exc}", file=sys.stderr)
            return EXIT_INPUT
        try:
            return args.func(args)
        except InputError as exc:
            return fail(args, "input", str(exc))
    except BrokenPipeError:
        # The reader went away (`configgen schema | head`): stop quietly. Point stdout at
        # /dev/null so that the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE_CLOSED
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
