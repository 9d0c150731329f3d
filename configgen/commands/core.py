"""validate, render, check and schema: the inventory -> validate -> render path."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Callable

from configgen.commands.common import (CI_FORMATS, EXIT_FINDINGS, EXIT_OK, Subcommands, TerminalProgress,
                                      add_format, fail, findings_ok, print_findings, wants_json)

if TYPE_CHECKING:   # the commands import what they run only when they run
    from configgen.api import CheckedInventory
    from configgen.inventory import Inventory

def _summary(inventory: Inventory) -> str:
    groups = f", {len(inventory.vpmn)} VPMN group(s)" if inventory.vpmn else ""
    return f"{len(inventory.services)} service(s){groups} on {len(inventory.devices)} device(s)"


def _report(checked: CheckedInventory, args: argparse.Namespace, ok_line: str, ok_with_warnings: bool) -> int:
    """validate's and check's report (narrowed by --device) and exit code (--strict).
    The `ok:` line: validate prints it when nothing is left to look at, check (as
    before) whenever the run passes."""
    from configgen import api

    if args.device:
        from configgen.scope import UnknownDevice   # loaded when a report is narrowed

        try:
            checked = api.scoped(checked, args.device)
        except UnknownDevice as exc:
            return fail(args, "usage", str(exc))
    findings = checked.findings
    print_findings(findings, args, files=list(checked.inventory.sources.files), not_shown=checked.not_shown)
    ok = findings_ok(findings, args)
    if args.format == "text" and ok and (ok_with_warnings or not findings.warnings):
        print(f"ok: {ok_line}")
    return EXIT_OK if ok else EXIT_FINDINGS


def cmd_validate(args: argparse.Namespace) -> int:
    from configgen import api

    with TerminalProgress() as progress:
        checked = api.check(args.inventory, progress=progress)
    return _report(checked, args, _summary(checked.inventory), ok_with_warnings=False)


def cmd_render(args: argparse.Namespace) -> int:
    from configgen import api

    if args.output == "-":
        return fail(args, "usage", "-o -: render writes one file per device into a directory; give a directory, "
                                   "e.g. -o build (`configgen check` renders without writing)")
    from configgen.scope import UnknownDevice

    try:
        with TerminalProgress() as progress:
            result = api.render(args.inventory, out_dir=args.output, template_dir=args.templates,
                                progress=progress, template_findings=True, devices=args.device)
    except OSError as exc:   # the output directory cannot be made or written
        return fail(args, "output", f"cannot write to {args.output}: {exc.strerror or exc}")
    except UnknownDevice as exc:
        return fail(args, "usage", str(exc))
    findings = result.checked.findings
    written = [str(p) for p in result.written]
    if wants_json(args):
        print_findings(findings, args, written=written)
    else:
        print_findings(findings, args, stream=sys.stdout if result.checked.ok else sys.stderr,
                       not_shown=result.checked.not_shown)
    if not result.checked.ok:
        print("nothing written: fix the errors above first", file=sys.stderr)
        return EXIT_FINDINGS
    if not wants_json(args):
        print(f"wrote {len(written)} config file(s) to {args.output}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from configgen import api

    with TerminalProgress() as progress:
        checked = api.ci_check(args.inventory, template_dir=args.templates, progress=progress, yang_dir=args.yang)
    validated = ""
    if args.yang or checked.inventory.operator.yang_models:
        # Say only what was done: a payload without its vendor's models is a warning, not a pass.
        unvalidated = any(f.code == "yang-not-validated" for f in checked.findings.items)
        validated = ("; NETCONF payloads with a model set validate against it" if unvalidated
                     else "; NETCONF payloads validate against the YANG models")
    return _report(checked, args, f"{_summary(checked.inventory)}; templates compile and render{validated}",
                   ok_with_warnings=True)


def cmd_schema(args: argparse.Namespace) -> int:
    from configgen.inventory.published_schema import render_schema

    print(render_schema(), end="")
    return EXIT_OK


def register(sub: Subcommands, only: str | None = None) -> None:
    """validate, render, check and schema; `only` (the typed command): that one alone."""

    def inventory_command(name: str, help_text: str, func: Callable[[argparse.Namespace], int],
                          formats: tuple[str, ...] = ("text", "json")) -> argparse.ArgumentParser:
        command: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
        command.add_argument("inventory", nargs="+", help="inventory files or directories (merged)")
        add_format(command, formats)
        command.add_argument("--device", action="append", metavar="NAME",
                             help="report (render: write) only this device (repeatable); the whole inventory is "
                                  "still checked")
        if "sarif" in formats:
            command.add_argument("--strict", action="store_true",
                                 help="warnings fail too (exit 1); acknowledged warnings do not")
        command.set_defaults(func=func, command_name=name, one_shot=True)
        return command

    if only in (None, "validate"):
        inventory_command("validate", "check inventories: IP plan, numbering plan, text safety", cmd_validate,
                          ("text", "json", *CI_FORMATS))
    if only in (None, "render"):
        render = inventory_command("render", "validate, then write one config file per device", cmd_render)
        render.add_argument("-o", "--output", default="build", help="output directory (default: build/)")
        render.add_argument("--templates", help="directory whose templates override the bundled ones")
    if only in (None, "check"):
        check = inventory_command("check", "CI: validate, compile every template, render every device in memory",
                                  cmd_check, ("text", "json", *CI_FORMATS))
        check.add_argument("--templates", help="directory whose templates override the bundled ones")
        check.add_argument("--yang", metavar="DIR",
                           help="validate every NETCONF device's payload against the YANG models in DIR (one vendor's "
                                "model set, or a folder of them; default: the inventory's operator.yang_models; "
                                "docs/netconf.md)")
    if only in (None, "schema"):
        schema = sub.add_parser("schema", help="print the inventory JSON Schema (for editors and CI)")
        schema.set_defaults(func=cmd_schema, command_name="schema", one_shot=True)
