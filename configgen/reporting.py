"""Findings in the formats CI systems read (docs/ci.md): JUnit XML (GitLab, Jenkins test
reports), GitHub workflow commands (annotations on the inventory lines) and SARIF 2.1.0
(code scanning). Text and JSON stay in configgen.commands.common.

A finding "fails" when it makes the run exit 1: an error, or a warning with --strict.
Acknowledged warnings never fail; each format shows them as such.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree as ET
from typing import Any, Iterable, Sequence

from configgen import __version__
from configgen.findings import Finding, Findings, Related

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def fails(finding: Finding, strict: bool) -> bool:
    return finding.counts and (finding.severity == "error" or strict)


def render(fmt: str, findings: Findings, *, command: str, files: Iterable[str | Path] = (), strict: bool = False) -> str:
    """The whole report in `fmt` (junit, github or sarif: commands.common.CI_FORMATS)."""
    shown = [f.escaped() for f in findings]
    if fmt == "junit":
        return junit(shown, command=command, files=files, strict=strict)
    if fmt == "github":
        return github(shown, strict=strict)
    return sarif(shown, strict=strict)


def failed_run(fmt: str, message: str, *, command: str) -> str:
    """A run that could not check anything (exit 2: unreadable input, usage), in `fmt`:
    a CI report that says so, rather than an empty file."""
    file, line, text = _located(message)
    if fmt == "junit":
        return _junit_document(command, [(file or "configgen", [_testcase(
            "input", file or "configgen", "error", text, message)])])
    if fmt == "github":
        props = {"file": relative(file), "line": line} if file else {}
        return _command("error", props, text)
    notification: dict[str, Any] = {"level": "error", "message": {"text": message}}
    if file:
        notification["locations"] = [_location(file, line)]
    return _sarif_document([], [], successful=False, notifications=[notification])


# --- JUnit XML ----------------------------------------------------------------------
# One <testsuite> per file (inventory files, and templates or CSV files a finding names);
# one <testcase> per finding, named by its field, plus one passing "no findings" test case for a
# file without findings, so that the report lists every file checked. A failing finding
# is a <failure> whose message starts with file:line; a warning that does not fail is a
# passing test case with the warning as its output; an acknowledged one is <skipped>
# with the reason.

def junit(findings: list[Finding], *, command: str, files: Iterable[str | Path] = (), strict: bool = False) -> str:
    by_file: dict[str, list[ET.Element]] = {str(f): [] for f in files}
    for finding in findings:
        name = f"{finding.field or 'file'} ({finding.code})"
        if finding.acknowledged:
            case = _testcase(name, finding.file, "skipped", f"acknowledged at {finding.acknowledged}", str(finding))
        elif fails(finding, strict):
            case = _testcase(name, finding.file, "failure", _headline(finding), str(finding), finding.code)
        else:
            case = _testcase(name, finding.file, None, None, str(finding))
        by_file.setdefault(finding.file, []).append(case)
    suites = []
    for file, cases in by_file.items():
        suites.append((file, cases or [_testcase("no findings", file, None, None, None)]))
    return _junit_document(command, suites)


def _headline(finding: Finding) -> str:
    return str(finding).split("\n", 1)[0]


def _testcase(name: str, classname: str, outcome: str | None, message: str | None, text: str | None,
              kind: str | None = None) -> ET.Element:
    case = ET.Element("testcase", name=name, classname=classname, time="0")
    if outcome is not None:
        result = ET.SubElement(case, outcome, message=message or "")
        if kind:
            result.set("type", kind)
        result.text = text
    elif text:
        ET.SubElement(case, "system-out").text = text
    return case


def _junit_document(command: str, suites: list[tuple[str, list[ET.Element]]]) -> str:
    root = ET.Element("testsuites", name=f"configgen {command}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for file, cases in suites:
        counts = {"tests": len(cases),
                  "failures": sum(c.find("failure") is not None for c in cases),
                  "errors": sum(c.find("error") is not None for c in cases),
                  "skipped": sum(c.find("skipped") is not None for c in cases)}
        suite = ET.SubElement(root, "testsuite", {"name": file, "time": "0", **{k: str(v) for k, v in counts.items()}})
        suite.extend(cases)
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- GitHub workflow commands -------------------------------------------------------
# `::error file=F,line=L,title=T::message` (docs.github.com, "Workflow commands for GitHub
# Actions"); escaping as the runner's toolkit does (actions/toolkit, core/src/command.ts):
# in data % \r \n; in properties also : and ,.

def github(findings: list[Finding], *, strict: bool = False) -> str:
    lines = []
    for finding in findings:
        level = "notice" if finding.acknowledged else "error" if fails(finding, strict) else "warning"
        props = {"file": relative(finding.file), "line": finding.line, "title": f"configgen {finding.code}"}
        where = f"{finding.file}:{finding.line}: " if finding.line else f"{finding.file}: "
        text = str(finding).removeprefix(where)   # the location is in the properties
        lines.append(_command(level, props, text))
    return "".join(lines)


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, props: dict[str, Any], message: str) -> str:
    shown = ",".join(f"{key}={escape_property(str(value))}" for key, value in props.items() if value is not None)
    return f"::{level}{' ' + shown if shown else ''}::{escape_data(message)}\n"


# --- SARIF 2.1.0 --------------------------------------------------------------------

def sarif(findings: list[Finding], *, strict: bool = False) -> str:
    rules: dict[str, int] = {}
    results = []
    for finding in findings:
        index = rules.setdefault(finding.code, len(rules))
        result = {
            "ruleId": finding.code,
            "ruleIndex": index,
            "level": "error" if fails(finding, strict) else "warning",
            "message": {"text": f"{finding.field}: {finding.message}" if finding.field else finding.message},
            "locations": [_location(finding.file, finding.line)],
        }
        related = [r for r in finding.related if isinstance(r, Related)]
        if related:
            result["relatedLocations"] = [
                {"id": i, **_location(r.file, r.line), "message": {"text": f"conflicts with {r.field}"}}
                for i, r in enumerate(related)]
        if finding.acknowledged:
            result["suppressions"] = [{"kind": "inSource", "status": "accepted",
                                       "justification": finding.acknowledged}]
        results.append(result)
    return _sarif_document(list(rules), results, successful=True)


def _location(file: str, line: int | None) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": _artifact(file)}
    if line:
        location["region"] = {"startLine": line}
    return {"physicalLocation": location}


def _artifact(file: str) -> dict[str, Any]:
    shown = relative(file)
    if Path(shown).is_absolute():
        return {"uri": Path(shown).as_uri()}
    return {"uri": quote(Path(shown).as_posix()), "uriBaseId": "%SRCROOT%"}


def _sarif_document(rules: list[str], results: list[dict[str, Any]], *, successful: bool,
                    notifications: Sequence[dict[str, Any]] = ()) -> str:
    invocation: dict[str, Any] = {"executionSuccessful": successful}
    if notifications:
        invocation["toolExecutionNotifications"] = list(notifications)
    run = {
        "tool": {"driver": {
            "name": "configgen", "version": __version__,
            "rules": [{"id": code, "name": code, "shortDescription": {"text": f"configgen finding {code} "
                                                                               "(docs/validation.md)"}}
                      for code in rules]}},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
        "invocations": [invocation],
        "results": results,
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"


# --- shared -------------------------------------------------------------------------

def relative(file: str) -> str:
    """`file` relative to the working directory (where CI checks the repository out)
    when it is below it; as given otherwise."""
    try:
        path = Path(file).resolve()
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except (OSError, ValueError):
        return file


_LOCATED = re.compile(r"(?P<file>[^\n:]+?):(?:(?P<line>\d+):)? (?P<text>.*)", re.S)


def _located(message: str) -> tuple[str | None, int | None, str]:
    """An input error's file and line when it starts with them ("file:3: not valid YAML")."""
    match = _LOCATED.match(message)
    if match and os.path.exists(match["file"]):
        return match["file"], int(match["line"]) if match["line"] else None, match["text"]
    return None, None, message
