"""`configgen numbers check|translate|export`: the numbering plan on its own.

Exit codes as for every configgen command: 0 clean, 1 findings, 2 unreadable input or usage.
"""

from __future__ import annotations

import argparse
import io
import sys
from typing import TYPE_CHECKING


from configgen.commands.common import (EXIT_FINDINGS, EXIT_OK, Subcommands, add_format, document, emit_json, fail,
                                      print_findings, wants_json)
from configgen.findings import Findings

if TYPE_CHECKING:   # the commands import what they run only when they run
    from configgen.inventory import Inventory



def register(subparsers: Subcommands, only: str | None = None) -> None:
    """`numbers` (the module's one command: `only`, the typed command, is it or None)."""
    numbers = subparsers.add_parser("numbers", help="VPMN short-number plans: check, translate, export")
    sub = numbers.add_subparsers(required=True)   # no dest: a missing command is named by its choices

    check = sub.add_parser("check", help="check only the numbering plan (schema and numbering rules)")
    check.add_argument("inventory", nargs="+", help="inventory files or directories (merged)")
    add_format(check)
    check.set_defaults(func=cmd_check, command_name="numbers check")

    trans = sub.add_parser("translate", help="show each step of the PBX front-end number transformation, "
                           "through the gateway's rendered translation rules when the PBX has a gateway")
    trans.add_argument("inventory", nargs="+", help="inventory files or directories (merged)")
    trans.add_argument("--pbx", required=True, help="PBX name")
    trans.add_argument("--direction", choices=("out", "in"), required=True,
                       help="out: PBX -> VPMN; in: VPMN -> PBX")
    trans.add_argument("--calling", required=True, help="calling number as sent")
    trans.add_argument("--called", required=True, help="called number as sent")
    trans.add_argument("--templates", help="directory whose templates override the bundled ones")
    add_format(trans)
    trans.set_defaults(func=cmd_translate, command_name="numbers translate")

    export = sub.add_parser("export", help="write the plan for provisioning (one row per short number)")
    export.add_argument("inventory", nargs="+", help="inventory files or directories (merged)")
    add_format(export, choices=("csv",))
    export.add_argument("-o", "--output", help="file to write (default, or -: standard output)")
    export.set_defaults(func=cmd_export, command_name="numbers export")


def _numbering_findings(paths: list[str]) -> tuple[Inventory, Findings]:
    from configgen.checks import numbering
    from configgen.inventory import load_inventory

    loaded = load_inventory(paths)
    findings = Findings(list(loaded.findings.items))
    findings.extend(numbering.check(loaded.inventory))
    return loaded.inventory, findings


def cmd_check(args: argparse.Namespace) -> int:
    from configgen.numbers.plan import group_plans

    inventory, findings = _numbering_findings(args.inventory)
    print_findings(findings, args)
    if not wants_json(args) and not findings:
        members = sum(len(p.members) for p in group_plans(inventory))
        print(f"ok: {len(inventory.vpmn)} VPMN group(s), {members} member(s)")
    return EXIT_FINDINGS if findings.errors else EXIT_OK


def cmd_translate(args: argparse.Namespace) -> int:
    from configgen import api
    from configgen.numbers.plan import group_plans
    from configgen.numbers.sed import parse_voice_config
    from configgen.numbers.translate import translate, translate_on_gateway

    rendered = api.render(args.inventory, template_dir=args.templates, template_findings=True)
    inventory = rendered.checked.inventory
    found = [(plan, pbx) for plan in group_plans(inventory) for pbx in plan.group.pbx if pbx.name == args.pbx]
    if not found:
        known = ", ".join(p.name for plan in group_plans(inventory) for p in plan.group.pbx) or "none"
        return fail(args, "usage", f"--pbx {args.pbx}: no PBX of that name; known: {known}")
    for option, number in (("--calling", args.calling), ("--called", args.called)):
        if not (number.isascii() and number.isdigit()):
            return fail(args, "usage", f"{option} {number!r} is not a number (digits only)")
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
            return fail(args, "input", f"gateway {pbx.gateway}: a rendered translation rule cannot run: {exc}",
                        EXIT_FINDINGS)
    if wants_json(args):
        emit_json(document(args, agrees, steps=[step.__dict__ for step in steps]))
    else:
        for step in steps:
            print(step)
    return EXIT_OK if agrees else EXIT_FINDINGS


def cmd_export(args: argparse.Namespace) -> int:
    from configgen.fileio import write_atomic
    from configgen.numbers.export import write_csv

    inventory, findings = _numbering_findings(args.inventory)
    if findings.errors:
        print_findings(findings, args, stream=sys.stderr)
        print("nothing exported: fix the errors above first", file=sys.stderr)
        return EXIT_FINDINGS
    if args.output and args.output != "-":   # `-o -` is standard output, as for most tools
        buffer = io.StringIO()
        rows = write_csv(inventory, buffer)
        try:
            write_atomic(args.output, buffer.getvalue())
        except OSError as exc:
            return fail(args, "output", f"cannot write {args.output}: {exc.strerror}")
        print(f"wrote {rows} row(s) to {args.output}", file=sys.stderr)
    else:
        write_csv(inventory, sys.stdout)
    return EXIT_OK
