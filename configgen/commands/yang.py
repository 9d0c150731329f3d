"""yang fetch: a NETCONF device's own YANG models (docs/netconf.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from configgen.commands.common import EXIT_FINDINGS, EXIT_OK, Subcommands, fail


def cmd_fetch(args: argparse.Namespace) -> int:
    from configgen import api
    from configgen.netconf.fetch import FetchError, fetch_models
    from configgen.platforms import platform_for
    from configgen.push.credentials import CredentialsError, install_log_redaction, load_credentials

    install_log_redaction()
    inventory = api.check(args.inventory).inventory
    device = inventory.devices.get(args.device)
    if device is None:
        return fail(args, "usage", f"--device {args.device}: no such device in the inventory")
    platform = platform_for(device)
    if platform.netconf_models is None:
        return fail(args, "usage", f"--device {args.device}: {platform.family} has no published YANG models "
                                   "configgen uses (NETCONF: Cisco IOS-XE and Huawei VRP8 routers)")
    try:
        credentials = load_credentials([args.device], namesakes=inventory.devices)
    except CredentialsError as exc:
        return fail(args, "input", str(exc))
    try:
        fetched = fetch_models(device.host, device.netconf_port, credentials.username,
                               credentials.password_for(args.device), Path(args.known_hosts).expanduser(),
                               platform.netconf_models, Path(args.output))
    except FetchError as exc:
        return fail(args, "input", f"{args.device}: {exc}; nothing written", code=EXIT_FINDINGS)
    except OSError as exc:
        return fail(args, "output", f"cannot write to {args.output}: {exc.strerror or exc}")
    modules = sum(1 for p in fetched.written if p.suffix == ".yang")
    print(f"{args.device}: wrote {modules} module(s) and baseline.xml to {args.output}")
    if fetched.missing:
        print(f"{args.device}: imported but not served by the device: {', '.join(fetched.missing)}")
        return EXIT_FINDINGS
    return EXIT_OK


def register(subparsers: Subcommands, only: str | None = None) -> None:
    """`yang` (the module's one command: `only`, the typed command, is it or None)."""
    yang = subparsers.add_parser("yang", help="YANG models of NETCONF devices")
    sub = yang.add_subparsers(required=True)
    fetch = sub.add_parser("fetch", help="read a device's own YANG models and running configuration over NETCONF "
                                         "(<get-schema>) into a folder `check --yang` uses")
    fetch.add_argument("inventory", nargs="+", help="inventory files or directories (merged)")
    fetch.add_argument("--device", required=True, metavar="NAME", help="the device to read")
    fetch.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write the models to")
    fetch.add_argument("--known-hosts", metavar="FILE", default="~/.ssh/known_hosts",
                       help="SSH host keys of the devices, checked strictly (default ~/.ssh/known_hosts)")
    fetch.set_defaults(func=cmd_fetch, command_name="yang fetch", format="text")
