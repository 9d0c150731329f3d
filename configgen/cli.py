"""`configgen` command line: a thin layer over `configgen.api`.

Every command lives in `configgen.commands`; building the parser imports only those
modules (light imports), and a command imports its stage (push, lab, ...) when it runs,
so `configgen validate` never loads netmiko, paramiko or asyncssh.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

import configgen
from configgen.commands import core, lab, numbers, push, yang
from configgen.commands.common import (EXIT_INPUT, EXIT_PIPE_CLOSED, Parser, UsageError, document, emit_json,
                                       fail)
from configgen.findings import InputError

# The command modules, in the order `configgen --help` lists them.
COMMAND_MODULES = (core, lab, numbers, push, yang)


class _Version(argparse.Action):
    """--version, looked up only when asked for (configgen.__version__)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        print(f"configgen {configgen.__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="configgen", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(required=True)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


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
