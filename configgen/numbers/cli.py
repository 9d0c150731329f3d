"""`configgen numbers check|translate|export`: the numbering plan on its own.

Exit codes as for every configgen command: 0 clean, 1 findings, 2 unreadable input or usage.
"""

from __future__ import annotations

import io
import json
import sys

import jinja2

from configgen import api
from configgen.checks import numbering
from configgen.fileio import write_atomic
from configgen.findings import Findings
from configgen.inventory import load_inventory
from configgen.numbers.export import write_csv
from configgen.numbers.plan import group_plans
from configgen.numbers.sed import parse_voice_config
from configgen.numbers.translate import translate, translate_on_gateway

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def register(subparsers) -> None:
    numbers = subparsers.add_parser("numbers", help="VPMN short-number plans: check, translate, export")
    sub = numbers.add_subparsers(dest="numbers_command", required=True)

    check = sub.add_parser("check", help="check only the numbering plan (schema and numbering rules)")
    check.add_argument("inventory", nargs="+", help="inventory files or directories (merged)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(func=cmd_check)

    trans = sub.add_parser("translate", help="show each step of the PBX front-end number transformation, "
                           "through the gateway's rendered translation rules when the PBX has a gateway")
    trans.add_argument("inventory", nargs="+", help="inventory files or directories (merged)")
    trans.add_argument("--pbx", required=True, help="PBX name")
    trans.add_argument("--direction", choices=("out", "in"), required=True,
                       help="out: PBX -> VPMN; in: VPMN -> PBX")
    trans.add_argument("--calling", required=True, help="calling number as sent")
    trans.add_argument("--called", required=True, help="called number as sent")
    trans.add_argument("--format", choices=("text", "json"), default="text")
    trans.add_argument("--templates", help="directory whose templates override the bundled ones")
    trans.set_defaults(func=cmd_translate)

    export = sub.add_parser("export", help="write the plan for provisioning (one row per short number)")
    export.add_argument("inventory", nargs="+", help="inventory files or directories (merged)")
    export.add_argument("--format", choices=("csv",), default="csv")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    export.set_defaults(func=cmd_export)


def _numbering_findings(paths) -> tuple[object, Findings]:
    loaded = load_inventory(paths)
    findings = Findings(list(loaded.findings.items))
    findings.extend(numbering.check(loaded.inventory))
    return loaded.inventory, findings


def _print(findings: Findings, fmt: str, stream) -> None:
    from configgen.cli import print_findings  # noqa: PLC0415 (the CLI imports this module)

    print_findings(findings, fmt, stream=stream)


def cmd_check(args) -> int:
    inventory, findings = _numbering_findings(args.inventory)
    _print(findings, args.format, sys.stdout)
    if args.format == "text" and not findings:
        members = sum(len(p.members) for p in group_plans(inventory))
        print(f"ok: {len(inventory.vpmn)} VPMN group(s), {members} member(s)")
    return EXIT_FINDINGS if findings.errors else EXIT_OK


def cmd_translate(args) -> int:
    try:
        rendered = api.render(args.inventory, template_dir=args.templates)
    except (jinja2.TemplateError, FileNotFoundError) as exc:
        print(f"configgen: template error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    inventory = rendered.checked.inventory
    found = [(plan, pbx) for plan in group_plans(inventory) for pbx in plan.group.pbx if pbx.name == args.pbx]
    if not found:
        known = ", ".join(p.name for plan in group_plans(inventory) for p in plan.group.pbx) or "none"
        print(f"configgen: no PBX named {args.pbx!r}; known: {known}", file=sys.stderr)
        return EXIT_INPUT
    for number in (args.calling, args.called):
        if not (number.isascii() and number.isdigit()):
            print(f"configgen: {number!r} is not a number (digits only)", file=sys.stderr)
            return EXIT_INPUT
    plan, pbx = found[0]
    config = rendered.configs.get(pbx.gateway) if pbx.gateway else None
    if config is None:
        if pbx.gateway:
            print(f"configgen: gateway {pbx.gateway} not rendered (the inventory has errors; `configgen validate` "
                  "lists them): the steps below are the model's only", file=sys.stderr)
        steps, agrees = translate(plan, pbx, args.direction, args.calling, args.called), True
    else:
        try:
            steps, agrees = translate_on_gateway(plan, pbx, args.direction, args.calling, args.called,
                                                 parse_voice_config(config))
        except ValueError as exc:
            print(f"configgen: gateway {pbx.gateway}: a rendered translation rule cannot run: {exc}", file=sys.stderr)
            return EXIT_FINDINGS
    if args.format == "json":
        print(json.dumps([step.__dict__ for step in steps], indent=2))
    else:
        for step in steps:
            print(step)
    return EXIT_OK if agrees else EXIT_FINDINGS


def cmd_export(args) -> int:
    inventory, findings = _numbering_findings(args.inventory)
    if findings.errors:
        _print(findings, "text", sys.stderr)
        print("nothing exported: fix the errors above first", file=sys.stderr)
        return EXIT_FINDINGS
    if args.output:
        buffer = io.StringIO()
        rows = write_csv(inventory, buffer)
        try:
            write_atomic(args.output, buffer.getvalue())
        except OSError as exc:
            print(f"configgen: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
            return EXIT_INPUT
        print(f"wrote {rows} row(s) to {args.output}", file=sys.stderr)
    else:
        write_csv(inventory, sys.stdout)
    return EXIT_OK
