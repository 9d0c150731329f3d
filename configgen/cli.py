"""`configgen` command line: a thin layer over `configgen.api`.

Exit codes: 0 clean, 1 findings or failed checks, 2 unreadable input or usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

import jinja2

from configgen import api
from configgen.findings import Findings, InputError

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def print_findings(findings: Findings, fmt: str, stream=None) -> None:
    stream = stream or sys.stdout
    if fmt == "json":
        print(findings.to_json(), file=stream)
        return
    for finding in findings:
        print(finding, file=stream)
    errors, warnings = len(findings.errors), len(findings.warnings)
    if errors or warnings:
        print(f"{errors} error(s), {warnings} warning(s)", file=stream)


def _summary(inventory) -> str:
    groups = f", {len(inventory.vpmn)} VPMN group(s)" if inventory.vpmn else ""
    return f"{len(inventory.services)} service(s){groups} on {len(inventory.devices)} device(s)"


def cmd_validate(args) -> int:
    checked = api.check(args.inventory, freeze_gc=True)
    print_findings(checked.findings, args.format)
    if args.format == "text" and not checked.findings:
        print(f"ok: {_summary(checked.inventory)}")
    return EXIT_OK if checked.ok else EXIT_FINDINGS


def cmd_render(args) -> int:
    try:
        result = api.render(args.inventory, out_dir=args.output, template_dir=args.templates, freeze_gc=True)
    except (jinja2.TemplateError, FileNotFoundError) as exc:
        print(f"configgen: template error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:   # the output directory cannot be made or written
        print(f"configgen: cannot write to {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    print_findings(result.checked.findings, args.format, stream=sys.stderr if result.checked.ok else sys.stdout)
    if not result.checked.ok:
        print("nothing written: fix the errors above first", file=sys.stderr)
        return EXIT_FINDINGS
    if args.format == "json":
        print(json.dumps({"written": [str(p) for p in result.written]}, indent=2))
    else:
        for path in result.written:
            print(f"wrote {path}")
    return EXIT_OK


def cmd_check(args) -> int:
    try:
        checked = api.ci_check(args.inventory, template_dir=args.templates)
    except FileNotFoundError as exc:
        print(f"configgen: {exc}", file=sys.stderr)
        return EXIT_INPUT
    print_findings(checked.findings, args.format)
    if args.format == "text" and checked.ok:
        print(f"ok: {_summary(checked.inventory)}; templates compile and render")
    return EXIT_OK if checked.ok else EXIT_FINDINGS


def cmd_schema(args) -> int:
    from configgen.inventory.schema import InventoryDocument  # noqa: PLC0415

    schema = InventoryDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "configgen inventory"
    print(json.dumps(schema, indent=2))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="configgen", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def inventory_command(name: str, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text)
        command.add_argument("inventory", nargs="+", help="inventory files or directories (merged)")
        command.add_argument("--format", choices=("text", "json"), default="text")
        return command

    validate = inventory_command("validate", "check inventories: IP plan, numbering plan, text safety")
    validate.set_defaults(func=cmd_validate)
    render = inventory_command("render", "validate, then write one config file per device")
    render.add_argument("-o", "--output", default="build", help="output directory (default: build/)")
    render.add_argument("--templates", help="directory whose templates override the bundled ones")
    render.set_defaults(func=cmd_render)
    check = inventory_command("check", "CI: validate, compile every template, render every device in memory")
    check.add_argument("--templates", help="directory whose templates override the bundled ones")
    check.set_defaults(func=cmd_check)
    schema = sub.add_parser("schema", help="print the inventory JSON Schema (for editors and CI)")
    schema.set_defaults(func=cmd_schema)
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"configgen: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
