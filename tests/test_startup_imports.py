"""`configgen validate` and `--help` load only what they use: none of the push, lab or
NETCONF stacks (issue 10; start-up time is what every CI run and pre-commit hook pays)."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import pytest

from tests.conftest import INVENTORIES

HEAVY = ("netmiko", "paramiko", "asyncssh", "hier_config", "ncclient", "ntc_templates", "nornir")

PROBE = """
import json, sys
from configgen.cli import main
code = main(sys.argv[1:])
loaded = sorted({name.split('.')[0] for name in sys.modules})
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [
    ["validate", str(INVENTORIES / "hubei-gprs-vpn.yaml")],
    ["check", str(INVENTORIES / "hubei-gprs-vpn.yaml")],
    ["schema"],
])
def test_commands_that_never_connect_load_no_ssh_stack(argv):
    proc = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert not set(HEAVY) & set(report["loaded"]), set(HEAVY) & set(report["loaded"])


def test_push_still_finds_its_stack_when_it_runs(tmp_path):
    """The control: push does load netmiko (so the probe above can see a heavy import)."""
    proc = subprocess.run([sys.executable, "-c", PROBE, "push", str(INVENTORIES / "hubei-gprs-vpn.yaml"),
                           "--dry-run", "-q", "--known-hosts", str(tmp_path / "none")],
                          capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "CONFIGGEN_USERNAME": "u", "CONFIGGEN_PASSWORD": "p"})
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert "netmiko" in report["loaded"]


FULL_PROBE = """
import json, sys
from configgen.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "loaded": sorted(sys.modules)}), file=sys.stderr)
"""


def test_validate_loads_neither_the_number_metadata_nor_the_lab_dataplane_when_unused():
    """An inventory without VPMN numbers never needs phonenumbers' metadata, and no command
    but `lab` needs the lab's dataplane (start-up time, benchmarks/render_e2e.py --startup)."""
    proc = subprocess.run([sys.executable, "-c", FULL_PROBE, "validate", str(INVENTORIES / "hubei-gprs-vpn.yaml")],
                          capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert "configgen.inventory" in report["loaded"]        # the probe sees configgen's own modules
    assert not {"phonenumbers", "configgen.lab.dataplane"} & set(report["loaded"])


def test_validate_loads_no_template_engine_and_no_voice_modules_when_unused():
    """`validate` renders nothing, so it needs neither Jinja2 nor render; an inventory
    without VPMN groups needs none of the voice numbering modules (start-up time)."""
    proc = subprocess.run([sys.executable, "-c", FULL_PROBE, "validate", str(INVENTORIES / "hubei-gprs-vpn.yaml")],
                          capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert "configgen.checks.ipplan" in report["loaded"]      # the probe sees the checks that ran
    assert not {"jinja2", "configgen.render", "configgen.services.pbx", "configgen.checks.numbering"} & set(report["loaded"])


# FULL_PROBE without json (the report is a Python literal): whether validate loads json
PLAIN_PROBE = """
import sys
from configgen.cli import main
code = main(sys.argv[1:])
print(repr({"code": code, "loaded": sorted(sys.modules)}), file=sys.stderr)
"""


def test_validate_imports_only_its_own_command_module_and_no_vpmn_schema_when_unused():
    """Only the typed command's module is imported and registered; an inventory without
    VPMN groups never loads their schema; JSON and close-match suggestions load only when
    asked for (start-up time, benchmarks/render_e2e.py --startup)."""
    import ast

    proc = subprocess.run([sys.executable, "-c", PLAIN_PROBE, "validate", str(INVENTORIES / "hubei-gprs-vpn.yaml")],
                          capture_output=True, text=True, timeout=120)
    report = ast.literal_eval(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    loaded = set(report["loaded"])
    assert "configgen.commands.core" in loaded               # the probe sees the command's module
    others = {"configgen.commands.lab", "configgen.commands.push", "configgen.commands.numbers",
              "configgen.commands.yang", "configgen.lab", "configgen.inventory.vpmn", "configgen.inventory.ranges",
              "json", "difflib"}
    assert not others & loaded, others & loaded


GC_PROBE = """
import gc, json, sys
from configgen.commands import core

def collections():
    return sum(s["collections"] for s in gc.get_stats())

def counted(run):
    def command(args):
        before = collections()
        code = run(args)          # imports pydantic and the inventory modules, loads, checks
        counts.append(collections() - before)
        return code
    return command

counts = []
core.cmd_validate, core.cmd_schema = counted(core.cmd_validate), counted(core.cmd_schema)
from configgen.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "collections": counts, "enabled": gc.isenabled()}), file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [["validate", str(INVENTORIES / "hubei-gprs-vpn.yaml")], ["schema"]])
def test_one_shot_commands_run_their_imports_and_load_without_garbage_collection(argv):
    """validate imports pydantic and builds the models while the collector is paused (it
    rescanned them again and again), and turns it back on when done."""
    proc = subprocess.run([sys.executable, "-c", GC_PROBE, *argv], capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert report["collections"] == [0]
    assert report["enabled"] is True


def test_the_command_table_names_what_each_command_module_registers():
    """cli.COMMAND_MODULES says which module registers which commands; a command missing
    from it would still work (the whole parser is built for an unknown word), only slower."""
    import argparse
    import importlib

    from configgen.cli import COMMAND_MODULES

    for module, commands in COMMAND_MODULES.items():
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        importlib.import_module(module).register(sub)
        assert tuple(sub.choices) == commands, module


def _subcommand_parsers(parser):
    import argparse

    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


def test_the_typed_command_alone_gets_its_parser_with_the_same_help_and_usage():
    """Only the typed command's parser is built (start-up time); its help, usage and
    defaults are those of the same command in the whole command line."""
    from configgen.cli import COMMAND_MODULES, build_parser

    whole = _subcommand_parsers(build_parser())
    for commands in COMMAND_MODULES.values():
        for command in commands:
            alone = _subcommand_parsers(build_parser(command))
            assert list(alone) == [command]
            assert alone[command].format_help() == whole[command].format_help(), command
            assert alone[command].format_usage() == whole[command].format_usage(), command
            assert alone[command]._defaults == whole[command]._defaults, command


def test_an_error_in_the_typed_command_reads_as_before(capsys):
    """A usage error inside `validate` names `configgen validate` and its usage."""
    from configgen.cli import build_parser, main

    assert main(["validate", "--format", "nope", str(INVENTORIES / "hubei-gprs-vpn.yaml")]) == 2
    err = capsys.readouterr().err
    assert _subcommand_parsers(build_parser())["validate"].format_usage() in err
    assert "configgen validate: error:" in err and "nope" in err


def test_an_error_outside_the_typed_command_shows_the_usage_of_every_command(capsys):
    """Parsed by the typed command's module alone, an error the top level reports (an
    option nothing takes) still shows the usage listing every command, as before."""
    from configgen.cli import build_parser, main

    assert main(["validate", str(INVENTORIES / "hubei-gprs-vpn.yaml"), "--no-such-option"]) == 2
    err = capsys.readouterr().err
    assert build_parser().format_usage() in err
    assert "--no-such-option" in err


def test_validate_creates_none_of_the_push_verify_and_deploy_types():
    """push's, verify's and deploy's result types and `Access` (configgen.deployment) are
    loaded when something delivers, render's result (configgen.rendered) when something
    renders: validate never creates their classes (start-up time)."""
    import ast

    proc = subprocess.run([sys.executable, "-c", PLAIN_PROBE, "validate", str(INVENTORIES / "hubei-gprs-vpn.yaml")],
                          capture_output=True, text=True, timeout=120)
    report = ast.literal_eval(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert "configgen.api" in report["loaded"]          # the probe sees the API validate runs through
    assert not {"configgen.deployment", "configgen.rendered"} & set(report["loaded"])


def test_validate_of_gprs_services_creates_no_render_verify_lab_or_policy_values():
    """ACLs, policing and static NAT (configgen.services.policy) are built by internet lines
    only, a device's merged configuration (services.device) by render, ping steps
    (services.steps) by verify, a kind's lab side (configgen.labside) by the lab:
    validating GPRS VPNs creates none of their classes (start-up time)."""
    import ast

    proc = subprocess.run([sys.executable, "-c", PLAIN_PROBE, "validate", str(INVENTORIES / "hubei-gprs-vpn.yaml")],
                          capture_output=True, text=True, timeout=120)
    report = ast.literal_eval(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert "configgen.services.model" in report["loaded"]   # the GPRS services were built (length checks)
    assert not {"configgen.services.policy", "configgen.services.device", "configgen.services.steps",
                "configgen.labside"} & set(report["loaded"])


@pytest.mark.parametrize("inventory", ["hubei-gprs-vpn.yaml", "hubei-internet-line.yaml", "examples/netconf-iosxe-vrp8.yaml",
                                       "examples/ce-switch-gprs.yaml"])
def test_validate_creates_no_push_or_verify_facts_of_the_platform_table(inventory):
    """The platform table's delivery and verification facts (read by push, verify and the
    lab) get their classes (configgen.platform_delivery) on first read: validate, which
    reads render facts and limits only, never creates them (start-up time)."""
    import ast

    from configgen.platforms import DeliveryFacts, VerificationFacts

    proc = subprocess.run([sys.executable, "-c", PLAIN_PROBE, "validate", str(INVENTORIES / inventory)],
                          capture_output=True, text=True, timeout=120)
    report = ast.literal_eval(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert "configgen.platforms" in report["loaded"]          # the probe sees the table loaded
    assert not {DeliveryFacts.__module__, VerificationFacts.__module__} & set(report["loaded"])


def test_the_platform_tables_push_and_verify_facts_read_as_before():
    """One table: each family's delivery and verification facts are its own, of the classes
    platforms.DeliveryFacts and VerificationFacts, the same value on every read; a `replace`
    with new facts (as the lab's tests do) and equality work as for any frozen dataclass."""
    from dataclasses import FrozenInstanceError, replace

    from configgen import platforms

    vrp5, vrp8, ce = (platforms.PLATFORMS[("huawei", os)] for os in ("vrp5", "vrp8", "ce"))
    assert isinstance(vrp5.delivery, platforms.DeliveryFacts)
    assert isinstance(vrp5.verification, platforms.VerificationFacts)
    assert vrp5.delivery is vrp5.delivery
    assert (vrp5.delivery.commit_based, vrp8.delivery.commit_based) == (False, True)
    assert ce.delivery.shown_negations == ("undo portswitch",) and vrp8.delivery.shown_negations == ()
    assert ce.delivery.netmiko_type == vrp8.delivery.netmiko_type == "huawei_vrpv8"
    assert platforms.PLATFORMS[("cisco", "iosxe")].verification == platforms.PLATFORMS[("cisco", "ios")].verification
    changed = replace(vrp5, delivery=replace(vrp5.delivery, commit_based=True))
    assert changed.delivery.commit_based and changed != vrp5 and replace(vrp5) == vrp5
    assert hash(replace(vrp5)) == hash(vrp5)
    with pytest.raises(FrozenInstanceError):
        vrp5.delivery = vrp8.delivery  # type: ignore[misc]


def test_validate_loads_neither_netconf_payloads_nor_device_scoping_when_unused():
    """NETCONF payloads (configgen.netconf) are built by render, check and push, and a
    report is narrowed (configgen.scope) only with --device: validating the example loads
    neither (start-up time); with --device it narrows as before."""
    import ast

    example = str(INVENTORIES / "hubei-gprs-vpn.yaml")
    proc = subprocess.run([sys.executable, "-c", PLAIN_PROBE, "validate", example],
                          capture_output=True, text=True, timeout=120)
    report = ast.literal_eval(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert "configgen.checks.transport" in report["loaded"]   # the probe sees the transport check run
    assert not {"configgen.netconf", "configgen.netconf.devices", "configgen.scope"} & set(report["loaded"])
    proc = subprocess.run([sys.executable, "-c", PLAIN_PROBE, "validate", example, "--device", "no-such-device"],
                          capture_output=True, text=True, timeout=120)
    report = ast.literal_eval(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 2 and "configgen.scope" in report["loaded"]


def test_validate_creates_no_acknowledgement_class_for_an_inventory_without_any():
    """An inventory's `acknowledge:` entries (configgen.acknowledgements) and their schema
    (configgen.inventory.acknowledge) are created by the loader when it has some: the
    example has none (start-up time)."""
    import ast

    proc = subprocess.run([sys.executable, "-c", PLAIN_PROBE, "validate", str(INVENTORIES / "hubei-gprs-vpn.yaml")],
                          capture_output=True, text=True, timeout=120)
    report = ast.literal_eval(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert "configgen.findings" in report["loaded"]          # the probe sees where findings are collected
    assert not {"configgen.acknowledgements", "configgen.inventory.acknowledge"} & set(report["loaded"])


def test_the_api_still_names_the_push_verify_and_deploy_types():
    """`api.PushResult` and the others are the classes push, verify and deploy return;
    `api.Access` is how they reach the devices, and `access` stays optional."""
    from configgen import api, deployment

    for name in ("Access", "Reach", "PushResult", "DeviceVerification", "VerifyResult", "DeviceDeployment", "DeployResult"):
        assert getattr(api, name) is getattr(deployment, name)
    assert api.CheckedInventory.__module__ == "configgen.results"
    assert api.RenderResult.__module__ == "configgen.rendered"
    assert not hasattr(api, "NoSuchResult")
    for function in (api.targets, api.credentials, api.reach, api.push, api.verify, api.deploy):
        assert inspect.signature(function).parameters["access"].default is None, function


RE_PROBE = """
import json, re, sys
compiled = []
_compile = re.compile
def recording(pattern, flags=0):
    compiled.append(pattern if isinstance(pattern, str) else "")
    return _compile(pattern, flags)
re.compile = recording
from configgen.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "compiled": compiled}), file=sys.stderr)
"""


def test_validate_compiles_no_regular_expression_only_render_or_rates_use():
    """The control-character search (render's last check), Ethernet port names (render),
    contracted rates, YAML numbers with underscores and finding-path cuts are compiled on
    first use: validating the GPRS example compiles none of them (start-up time)."""
    from configgen.inventory import text, types, yamlsource
    from configgen.services import model

    lazy = {text._LINE_BREAKING, model.ETHERNET, types._RATE, yamlsource._UNDERSCORE_NUMBER}
    proc = subprocess.run([sys.executable, "-c", RE_PROBE, "validate", str(INVENTORIES / "hubei-gprs-vpn.yaml")],
                          capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert types.NAME.pattern in report["compiled"]       # the probe sees configgen's own patterns
    assert not lazy & set(report["compiled"]), lazy & set(report["compiled"])


SOURCE_PROBE = """
import builtins, json, sys
from pydantic import BaseModel, ConfigDict
class Entry(BaseModel):   # what any pydantic model costs, before recording starts
    model_config = ConfigDict(defer_build=True)
    name: str
Entry.model_validate({"name": "x"})
compiled = []
for name in ("exec", "eval", "compile"):
    def recording(source, *args, _original=getattr(builtins, name), **kwargs):
        if isinstance(source, str):
            compiled.append(sys._getframe(1).f_globals.get("__name__", ""))
        return _original(source, *args, **kwargs)
    setattr(builtins, name, recording)
from configgen.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "compiled": compiled}), file=sys.stderr)
"""


def test_validate_compiles_python_source_for_few_records():
    """Python 3.11 compiles every method a dataclass generates from source text, and each
    annotation written as text a NamedTuple or pydantic model evaluates: validating the
    GPRS example compiled 148 such sources (a third of configgen's own start-up), 68 now:
    value records (routes, claims, render facts, limits, the kind table) are NamedTuples,
    and the modules defining them or pydantic models have their annotations evaluated
    once. This budget keeps the count from growing back unnoticed; raise it only for a
    record validate needs."""
    from configgen.platforms import Limits
    from configgen.services.ipplan import Claim
    from configgen.services.model import Route

    proc = subprocess.run([sys.executable, "-c", SOURCE_PROBE, "validate", str(INVENTORIES / "hubei-gprs-vpn.yaml")],
                          capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert "dataclasses" in report["compiled"]             # the probe sees dataclass methods compiled
    assert len(report["compiled"]) <= 80, sorted(set(report["compiled"]))
    for record in (Route, Claim, Limits):                   # records stay what the budget assumes
        assert issubclass(record, tuple) and record._fields


def test_lazily_compiled_patterns_still_apply():
    """Render still refuses a control character, rates still read either case."""
    from configgen.inventory.text import assert_values_safe
    from configgen.inventory.types import parse_rate_kbps

    with pytest.raises(ValueError):
        assert_values_safe({"d": ["ok", "bad\u2028line"]})
    assert_values_safe({"d": ["ok"]})
    assert parse_rate_kbps("10m") == parse_rate_kbps("10M") == 10000


def test_the_check_and_render_results_resolve_their_type_hints():
    """A library user's typing.get_type_hints (dataclass tools, pydantic's TypeAdapter) on
    api's check and render results works as when api defined them."""
    import typing

    from configgen import api

    assert typing.get_type_hints(api.CheckedInventory)["inventory"] is api.Inventory
    assert set(typing.get_type_hints(api.RenderResult)) == {"checked", "configs", "payloads", "written"}


# The `configgen` script's way in: the collections that ran while configgen.cli (and all it
# imports) loaded (importlib marks a module's spec `_initializing` while it runs).
SCRIPT_GC_PROBE = """
import gc, json, sys
during_load = []

def watch(phase, info):
    cli = sys.modules.get("configgen.cli")
    if phase == "start" and cli is not None and getattr(cli.__spec__, "_initializing", False):
        during_load.append(info["generation"])

gc.callbacks.append(watch)
entry = sys.argv.pop(1)
module, _, function = entry.partition(":")
sys.argv[0] = "configgen"
main = getattr(__import__(module, fromlist=[function]), function)
code = main()
print(json.dumps({"code": code, "during_load": during_load, "enabled": gc.isenabled()}), file=sys.stderr)
"""


def _script_entry() -> str:
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
    entry: str = pyproject["project"]["scripts"]["configgen"]
    return entry


def _collections_while_loading(entry: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-c", SCRIPT_GC_PROBE, entry, "validate",
                           str(INVENTORIES / "hubei-gprs-vpn.yaml")], capture_output=True, text=True, timeout=120)
    report: dict[str, object] = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert report["enabled"]          # the collector runs again after the command
    return report


def test_the_script_loads_the_command_line_without_garbage_collection():
    """The installed `configgen` script (and `python -m configgen`) load the command line
    with the collector paused, then it runs again (start-up time: about 20 collections)."""
    assert _collections_while_loading(_script_entry())["during_load"] == []


def test_loading_the_command_line_with_the_collector_on_collects():
    """The control: entering at configgen.cli, the probe sees the collections loading it costs."""
    assert _collections_while_loading("configgen.cli:main")["during_load"]


def test_python_m_configgen_enters_where_the_script_does():
    from pathlib import Path

    import configgen

    module, _, function = _script_entry().partition(":")
    source = (Path(configgen.__file__).parent / "__main__.py").read_text()
    assert f"from {module} import {function}" in source
