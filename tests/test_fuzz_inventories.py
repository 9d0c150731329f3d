"""Fuzzing the bundled inventories (issue 14): whatever an engineer or a hostile merge
request writes, configgen answers with exit 0, 1 or 2 and never a traceback.

Each case takes one bundled inventory (and the members CSV), applies one to three
mutations (text spliced in, lines duplicated or dropped, keys and values replaced with
what YAML reads surprisingly, anchors, aliases and merge keys, CSV rows and encodings),
and runs the CLI in-process, sometimes with an untouched bundled file merged in:
`check` (validate, then render every device in memory), `render`, `numbers check` or
`numbers export`. Some cases make a path something other than a regular file: the
inventory or the members CSV a link to /dev/zero, a FIFO, a link loop or a dangling link
(in a folder given as the inventory too), or a subfolder that cannot be listed.

Each case runs under a memory bound: Python's allocations (tracemalloc) must peak below
MEMORY_LIMIT, and the process's address space is capped a few GiB above its size for
the case, so a regression fails the case instead of taking the machine. A watchdog
alarm turns a hang (a FIFO opened for reading) into a failure; nothing asserts a time.
The budget is bounded for CI; set CONFIGGEN_FUZZ_EXAMPLES for a longer run.

Runs recorded: earlier runs found the pydantic-marker key (test_hostile_input.py). With
the path mutations and the memory bound, a local run of 4,000 cases
(CONFIGGEN_FUZZ_EXAMPLES=4000, 2026-11-30) passed: every inventory or folder path case
exit 2, every CSV path case a finding or exit 2; in a 1,000-case run every case peaked
below 100 MiB of Python allocations (most renders 30-100 MiB), a third of the limit. The same
test against the loader before these fixes (100 cases) hung on a FIFO inventory until the
watchdog, and failed on a dangling `*.yaml` link in a folder (exit 1: the link was skipped
and the rest validated as if complete).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import resource
import signal
import tempfile
import tracemalloc
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from configgen.cli import main
from conftest import INVENTORIES

BUNDLED = {p.name: p.read_text(encoding="utf-8")
           for p in sorted(INVENTORIES.glob("*.yaml")) + sorted((INVENTORIES / "examples").glob("*.yaml"))}
CSV_NAME = "hubei-vpmn-csv-members.csv"
CSV = (INVENTORIES / CSV_NAME).read_text(encoding="utf-8")
EXAMPLES = int(os.environ.get("CONFIGGEN_FUZZ_EXAMPLES", "200"))
MEMORY_LIMIT = 300 * 2**20     # Python allocations of one case (the largest bundled case peaks far below)
ADDRESS_SPACE_MARGIN = 3 * 2**30
WATCHDOG_SECONDS = 300         # a hang guard only: a case that ends is never judged by its time
# What a path may turn out to be (None: the files as written, most cases).
PATHS = [None] * 8 + ["inventory-dev-zero", "inventory-fifo", "inventory-loop", "folder-dangling-link",
                      "folder-dev-zero", "folder-unlistable", "csv-dev-zero", "csv-fifo", "csv-loop", "csv-dir"]

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
    return name, text, csv, command, merged_with, draw(st.sampled_from(PATHS))


def _make_path(tmp: str, name: str, kind: str) -> tuple[str | None, contextlib.AbstractContextManager]:
    """Turn a path of the case into `kind`; returns the directory to give instead of the
    file (for folder cases) and what to run the CLI under."""
    inventory, csv = Path(tmp, name), Path(tmp, CSV_NAME)
    target, what = (csv, kind[4:]) if kind.startswith("csv-") else (inventory, kind.split("-", 1)[1])
    if kind.startswith("folder-"):
        if what == "unlistable":
            Path(tmp, "sub").mkdir()
            Path(tmp, "sub", "more.yaml").write_text("services: []\n")
            real = os.scandir

            def scandir(path="."):   # chmod 000 for a user who is not root
                if Path(path) == Path(tmp, "sub"):
                    raise PermissionError(13, "Permission denied", str(path))
                return real(path)
            return tmp, mock.patch.object(os, "scandir", scandir)
        target = Path(tmp, "zz.yaml")
        what = {"dangling-link": "dangling", "dev-zero": "dev-zero"}[what]
        _replace(target, what)
        return tmp, contextlib.nullcontext()
    _replace(target, what)
    return None, contextlib.nullcontext()


def _replace(path: Path, what: str) -> None:
    if path.exists() or path.is_symlink():
        path.unlink()
    if what == "dev-zero":
        path.symlink_to("/dev/zero")
    elif what == "fifo":
        os.mkfifo(path)
    elif what == "loop":
        path.symlink_to(path.name)
    elif what == "dangling":
        path.symlink_to("nowhere.yaml")
    else:
        path.mkdir()


@contextlib.contextmanager
def _bounded():
    """Address space capped for the case; an alarm instead of a hang."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/status") as status:
        size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    cap = size + ADDRESS_SPACE_MARGIN
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))

    def hung(signum, frame):
        raise TimeoutError(f"a case did not end in {WATCHDOG_SECONDS} s: something blocks (a FIFO read?)")
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(WATCHDOG_SECONDS)
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_mutated_inventories_exit_0_1_or_2_without_a_traceback(case):
    name, text, csv, command, merged_with, path_kind = case
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
        patched = contextlib.nullcontext()
        if path_kind is not None:
            folder, patched = _make_path(tmp, name, path_kind)
            if folder is not None:
                args[args.index(str(path))] = folder
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), patched, _bounded():
            code = main(args)
            _, peak = tracemalloc.get_traced_memory()
    event(f"{' '.join(command[:2]).replace(' -o', '')} exit {code}")   # shown by --hypothesis-show-statistics
    event(f"path {path_kind} exit {code}")
    event(f"peak under {next(b for b in (10, 30, 100, 300, 10**6) if peak < b * 2**20)} MiB")
    assert code in (0, 1, 2), (code, out.getvalue()[-2000:], err.getvalue()[-2000:])
    assert "Traceback" not in out.getvalue() + err.getvalue()
    assert peak < MEMORY_LIMIT, f"a case allocated {peak / 2**20:.0f} MiB"
    if path_kind is not None and path_kind.startswith(("inventory-", "folder-")):
        assert code == 2, (path_kind, err.getvalue()[-500:])   # unreadable input, never half a check
