"""`configgen` command line: a thin layer over `configgen.api`.

Every command lives in `configgen.commands`; building the parser imports only the typed
command's module (light imports; help and unknown words get them all), and a command
imports its stage (push, lab, ...) when it runs, so `configgen validate` never loads
netmiko, paramiko or asyncssh.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

import configgen
from configgen.commands.common import (EXIT_INPUT, EXIT_PIPE_CLOSED, Parser, UsageError, document, emit_json,
                                       fail)
from configgen.findings import InputError
from configgen.gcpause import one_shot_gc

# The command modules, in the order `configgen --help` lists them, each with the commands its
# register(sub, only=None) adds (`only`: that command alone): only the typed command's
# module is imported, and only its parser built (start-up time; tests/test_startup_imports.py
# checks this table against the modules).
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "configgen.commands.core": ("validate", "render", "check", "schema"),
    "configgen.commands.lab": ("lab",),
    "configgen.commands.numbers": ("numbers",),
    "configgen.commands.push": ("push", "verify", "deploy", "diff", "rollback"),
    "configgen.commands.yang": ("yang",),
}


class _Version(argparse.Action):
    """--version, looked up only when asked for (configgen.__version__)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        print(f"configgen {configgen.__version__}")
        parser.exit()


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line; with `command` (the word the user typed first) only the module that
    registers it, when one does."""
    parser = Parser(prog="configgen", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(required=True)
    modules = _modules_for(command)
    only = command if len(modules) == 1 else None     # the typed command's parser alone (start-up time)
    for name in modules:
        importlib.import_module(name).register(sub, only)
    return parser


def _modules_for(command: str | None) -> list[str]:
    return [name for name, commands in COMMAND_MODULES.items() if command in commands] or list(COMMAND_MODULES)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """`argv` parsed by the typed command's module alone; an error outside that command
    (an option after it that nothing takes) is raised by the whole command line, as
    before, whose usage lists every command."""
    command = argv[0] if argv else None
    parser = build_parser(command)
    try:
        return parser.parse_args(argv)
    except UsageError as exc:
        if exc.parser is not parser or len(_modules_for(command)) == len(COMMAND_MODULES):
            raise
    return build_parser().parse_args(argv)


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
    try:
        try:
            args = parse_args(argv)
        except UsageError as exc:
            if _json_requested(argv):
                command = exc.parser.prog.removeprefix("configgen").strip() or None
                emit_json(document(argparse.Namespace(command_name=command), False,
                              {"kind": "usage", "message": str(exc)}))
            exc.parser.print_usage(sys.stderr)
            print(f"{exc.parser.prog}: error: {exc}", file=sys.stderr)
            return EXIT_INPUT
        try:
            # validate, render, check and schema run once and exit: the collector pauses
            # while they import and load (configgen.gcpause), not while push or the lab run.
            with one_shot_gc(getattr(args, "one_shot", False)):
                code: int = args.func(args)
            sys.stdout.flush()     # a full disk or closed pipe shows here, not at exit
            return code
        except InputError as exc:
            return fail(args, "input", str(exc))
    except BrokenPipeError:
        # The reader went away (`configgen schema | head`): stop quietly.
        _silence_stdout()
        return EXIT_PIPE_CLOSED
    except OSError as exc:
        # Commands report their own files; what reaches here is standard output that cannot
        # be written (`> /dev/full`, a vanished disk): an output error, not a traceback.
        _silence_stdout()
        print(f"configgen: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):   # no real file behind stdout (a test's capture)
        pass


if __name__ == "__main__":
    sys.exit(main())
