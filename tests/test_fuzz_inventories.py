"""Fuzzing the bundled inventories (issue 14): whatever an engineer or a hostile merge
request writes, configgen answers with exit 0, 1 or 2 and never a traceback.

Each case takes one bundled inventory (and the members CSV), applies one to three
mutations (text spliced in, lines duplicated or dropped, keys and values replaced with
what YAML reads surprisingly, anchors, aliases and merge keys, CSV rows and encodings),
and runs the CLI in-process, sometimes with an untouched bundled file merged in:
`check` (validate, then render every device in memory), `render`, `numbers check` or
`numbers export`. The budget is bounded for CI; set
CONFIGGEN_FUZZ_EXAMPLES for a longer run.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from configgen.cli import main
from conftest import INVENTORIES

BUNDLED = {p.name: p.read_text(encoding="utf-8")
           for p in sorted(INVENTORIES.glob("*.yaml")) + sorted((INVENTORIES / "examples").glob("*.yaml"))}
CSV_NAME = "hubei-vpmn-csv-members.csv"
CSV = (INVENTORIES / CSV_NAME).read_text(encoding="utf-8")
EXAMPLES = int(os.environ.get("CONFIGGEN_FUZZ_EXAMPLES", "200"))

# What YAML, routers and spreadsheets read surprisingly, and what a careless paste brings.
TOKENS = [
    "on", "yes", "No", "off", "~", "null", "1001", "'1001'", "0x10", "0o17", "027", "1.5", "1e3", ".inf", "-1",
    "99999999999999999999", "2001-01-01", "!!timestamp x", "!!bool maybe", "!!int ''", "!!float abc", "!!str 5",
    "!!binary aGk=", "!!set {a, b}", "!foo x", "*nowhere", "&a x", "<<", "'", '"', "[", "]", "{", "}", "- ", ": ",
    "\t", "\n", "\r\n", "?", "!", "#", "%", "@", "`", "|", ">", ",", "GigabitEthernet00/0", "Atm0/0/0",
    "Gi0/1", "admin:pw@192.0.2.1", "张伟", "\u200b", "\ufeff", "\x1b[31m", "\x00", "", " ", "=1+1",
    "0.0.0.0", "255.255.255.255", "10.0.0.0/8", "0.0.0.0/0", "8.8.8.0/24", "224.0.0.5", "::1",
    "[10.0.0.1, 10.0.0.1]", "{}", "[]", "x" * 300,
]
TOKEN = st.one_of(st.sampled_from(TOKENS), st.text(max_size=12))
KEY_VALUE = re.compile(r"(?m)^(?P<indent>[ \t]*(?:- )?)(?P<key>[^\s:#][^:\n]*?):(?P<sep>[ \t]+)(?P<value>[^\n]*)$")


def _splice(draw, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    cut = draw(st.integers(0, 12))
    return text[:at] + draw(TOKEN) + text[at + cut:]


def _lines(draw, text: str) -> str:
    lines = text.split("\n")
    i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    op = draw(st.sampled_from(["duplicate", "drop", "swap", "indent", "dedent"]))
    if op == "duplicate":
        lines.insert(j, lines[i])
    elif op == "drop":
        del lines[i]
    elif op == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "indent":
        lines[i] = "  " + lines[i]
    else:
        lines[i] = lines[i][2:]
    return "\n".join(lines)


def _key_value(draw, text: str) -> str:
    matches = list(KEY_VALUE.finditer(text))
    if not matches:
        return text
    m = draw(st.sampled_from(matches))
    part = draw(st.sampled_from(["key", "value"]))
    new = draw(TOKEN).replace("\n", " ")
    if part == "key":
        return text[:m.start("key")] + new + text[m.end("key"):]
    return text[:m.start("value")] + new + text[m.end("value"):]


def _aliases(draw, text: str) -> str:
    matches = list(KEY_VALUE.finditer(text))
    if not matches:
        return text
    op = draw(st.sampled_from(["anchor-alias", "merge", "self-alias", "nested"]))
    m = draw(st.sampled_from(matches))
    if op == "anchor-alias":   # anchor one value, use it for another (any type may land anywhere)
        other = draw(st.sampled_from(matches))
        first, second = sorted([m, other], key=lambda x: x.start())
        if first.start() == second.start():
            return text
        return (text[:first.start("value")] + "&fz " + text[first.start("value"):second.start("value")]
                + "*fz" + text[second.end("value"):])
    if op == "merge":          # defaults merged into a mapping, possibly twice
        indent = " " * len(m.group("indent"))
        line = f"{indent}<<: *fzm\n" * draw(st.integers(1, 2))
        start = text.rfind("\n", 0, m.start()) + 1 if m.start() else 0
        defaults = draw(st.sampled_from(["{vendor: cisco, os: ios}", "{tunnel: 9}", "[1, 2]", "x", "{on: 1}"]))
        return f"x-fz: &fzm {defaults}\n" + text[:start] + line + text[start:]
    if op == "self-alias":
        return text[:m.start("value")] + "&fz [*fz]" + text[m.end("value"):]
    depth, width = draw(st.integers(2, 12)), draw(st.integers(2, 9))
    nest = ["x-n0: &n0 [" + ", ".join(["x"] * width) + "]"]
    nest += [f"x-n{i}: &n{i} [" + ", ".join([f"*n{i - 1}"] * width) + "]" for i in range(1, depth)]
    return "\n".join(nest) + "\n" + text


def _csv(draw, csv: str | bytes) -> str | bytes:
    if isinstance(csv, bytes):   # already re-encoded
        return csv
    lines = csv.split("\n")
    op = draw(st.sampled_from(["row", "header", "cell", "drop", "gbk", "bytes"]))
    if op == "row":
        cells = draw(st.lists(TOKEN, min_size=0, max_size=5))
        lines.insert(draw(st.integers(1, len(lines))), ",".join(c.replace("\n", " ") for c in cells))
    elif op == "header":
        lines[0] = draw(st.sampled_from(["short,number,short", "short,number,name,name", "number,short",
                                         "short;number;name", "", "short,number,name,extra"]))
    elif op == "cell":
        return _splice(draw, csv)
    elif op == "drop":
        del lines[draw(st.integers(0, len(lines) - 1))]
    elif op == "gbk":
        return (csv + "6899,13507109999,张伟\n").encode("gb18030")
    else:
        return csv.encode() + draw(st.binary(max_size=8))
    return "\n".join(lines)


@st.composite
def cases(draw):
    name = draw(st.sampled_from(sorted(BUNDLED)))
    text, csv = BUNDLED[name], CSV
    for _ in range(draw(st.integers(1, 3))):
        mutation = draw(st.sampled_from(["splice", "lines", "key-value", "key-value", "aliases", "csv"]))
        if mutation == "csv":
            csv = _csv(draw, csv)
        else:
            text = {"splice": _splice, "lines": _lines, "key-value": _key_value, "aliases": _aliases}[mutation](draw, text)
    command = draw(st.sampled_from([["check"], ["check"], ["render", "-o"], ["numbers", "check"], ["numbers", "export"]]))
    merged_with = draw(st.sampled_from([None, None, *sorted(BUNDLED)]))   # an untouched file merged in
    return name, text, csv, command, merged_with


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_mutated_inventories_exit_0_1_or_2_without_a_traceback(case):
    name, text, csv, command, merged_with = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, name)
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        if isinstance(csv, bytes):
            Path(tmp, CSV_NAME).write_bytes(csv)
        else:
            Path(tmp, CSV_NAME).write_text(csv, encoding="utf-8", errors="surrogatepass")
        args = [*command, str(Path(tmp, "out"))] if command[-1] == "-o" else list(command)
        args.append(str(path))
        if merged_with is not None and merged_with != name:
            Path(tmp, "other").mkdir()
            args.append(str(Path(tmp, "other", merged_with)))
            Path(tmp, "other", merged_with).write_text(BUNDLED[merged_with], encoding="utf-8")
            Path(tmp, "other", CSV_NAME).write_text(CSV, encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    event(f"{' '.join(command[:2]).replace(' -o', '')} exit {code}")   # shown by --hypothesis-show-statistics
    assert code in (0, 1, 2), (code, out.getvalue()[-2000:], err.getvalue()[-2000:])
    assert "Traceback" not in out.getvalue() + err.getvalue()
