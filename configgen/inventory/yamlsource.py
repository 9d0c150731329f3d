"""YAML loading that remembers where every value came from.

PyYAML's composer gives nodes with line marks; we build plain Python values from
the nodes ourselves and record, for every path (``("services", 0, "wan")``), the
line it sits on. Several files merge into one inventory; `SourceMap` maps a path in
the merged inventory back to the file, line and per-file path a human edits.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from configgen.findings import Finding, InputError, Related, Severity

PathT = tuple[Any, ...]

# YAML 1.1 reads an unquoted 027 as the octal integer 23. Area codes, extensions and
# short numbers are digit strings whose leading zero matters, and no engineer writing
# 027 means 23: keep such plain scalars as the string they were written as.
_LEADING_ZERO_DIGITS = re.compile(r"0[0-9]+")
_DECIMAL = re.compile(r"[0-9]+")
# YAML 1.1 also reads 6_601 as the integer 6601 (and 1_0.5 as a float): nobody writing a
# short number or a port means that; keep it as the text written so the field's own
# check names it.
_UNDERSCORE_NUMBER = r"[-+]?[0-9][0-9_]*(\.[0-9_]*)?"    # compiled on first use (re caches it)

# An alias bomb (nested anchors, each listing the previous one many times) is a few
# hundred bytes that expand to billions of values. Legitimate merges (`<<: *defaults`)
# expand a file to about one value per byte; refuse far beyond that, before the memory goes.
# The budget is one per load: a hundred small bombs are as costly as one large one.
MIN_EXPANSION_BUDGET = 200_000
EXPANSION_PER_BYTE = 20

# No inventory or members file comes near this: 100,000 services (benchmarks/inventory_gen.py)
# are 32 MB of YAML. Reading stops here, before a wrong path (a disk image, a log) fills memory.
MAX_INPUT_BYTES = 64 * 2**20


class ExpansionBudget:
    """Values the documents of one load may still expand to: each file read adds
    EXPANSION_PER_BYTE per byte of its text, on top of MIN_EXPANSION_BUDGET."""

    def __init__(self) -> None:
        self.left = MIN_EXPANSION_BUDGET
        self.limit = MIN_EXPANSION_BUDGET

    def grant(self, text: str) -> None:
        self.left += EXPANSION_PER_BYTE * len(text)
        self.limit += EXPANSION_PER_BYTE * len(text)


class UnreadableFile(Exception):
    """An input path that is not a readable regular file of a sane size. `problem` reads
    after the file's name; `code` tells missing, not-a-file, too-large and unreadable apart."""

    def __init__(self, problem: str, code: str):
        super().__init__(problem)
        self.problem, self.code = problem, code


_FILE_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISSOCK, "a socket"))


def read_input_file(path: str | Path, what: str) -> bytes:
    """The bytes of an input file (`what`: "inventory file", "members file"), refusing
    without opening for reading anything that is not a regular file once links are
    followed (/dev/zero never ends, a FIFO blocks forever) and anything over MAX_INPUT_BYTES."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        dangling = " (a symbolic link to a file that does not exist)" if os.path.islink(path) else ""
        raise UnreadableFile(f"no such file{dangling}", "missing-file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableFile("is a symbolic link that loops (it leads back to itself); "
                                 f"point it at the {what}", "not-a-file") from None
        raise UnreadableFile(f"cannot read: {exc.strerror}", "unreadable") from None
    _refuse_unless_regular(info, what)
    try:
        # O_NONBLOCK: had the path been swapped for a FIFO since the stat, opening it still returns.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UnreadableFile(f"cannot read: {exc.strerror}", "unreadable") from None
    with os.fdopen(fd, "rb") as handle:
        _refuse_unless_regular(os.fstat(fd), what)
        data = handle.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        _refuse_too_large(what)
    return data


def _refuse_unless_regular(info: os.stat_result, what: str) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _FILE_KINDS if test(info.st_mode)), "not a regular file")
        raise UnreadableFile(f"is {kind}, not a regular file; name the {what} itself", "not-a-file")
    if info.st_size > MAX_INPUT_BYTES:
        _refuse_too_large(what)


def _refuse_too_large(what: str) -> None:
    raise UnreadableFile(f"is larger than {MAX_INPUT_BYTES // 2**20} MiB: no {what} is that large "
                         "(100,000 services are about 32 MB); is this the right file?", "too-large")


def decode_utf8(data: bytes, name: str, save_as: str) -> str:
    """UTF-8 text (a byte order mark dropped), or InputError naming the line of the first
    byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{name}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02X}); "
                         f"save it as {save_as}") from None


def format_path(path: PathT) -> str:
    """("services", 0, "wan", "address") -> "services[0].wan.address"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class LoadedFile:
    """One YAML file read: its plain values, the line of each path, and what reading found."""

    path: str
    data: Any
    lines: dict[PathT, int]
    findings: list[Finding] = field(default_factory=list)


def load_yaml_file(path: str | Path, budget: ExpansionBudget | None = None) -> LoadedFile:
    """Read one YAML file into plain values plus a path -> line table.

    Raises InputError for an unreadable file or broken YAML (exit code 2 material);
    duplicate keys are findings, not exceptions, so every one is reported. `budget` is
    shared by every file of one load.
    """
    name = str(path)
    try:
        data = read_input_file(path, "inventory file")
    except UnreadableFile as exc:
        raise InputError(f"{name}: {exc.problem}") from None
    text = decode_utf8(data, name, "UTF-8 (a YAML inventory is text)")
    return load_yaml_text(text, name, budget)


STR_TAG = "tag:yaml.org,2002:str"


# libyaml's composer when PyYAML was built with it: parsing is most of the load time.
_Composer = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_text(text: str, name: str = "<string>", budget: ExpansionBudget | None = None) -> LoadedFile:
    loader = _Composer(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        where = f"{name}:{line}" if line else name
        raise InputError(f"{where}: not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{name}: not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    loaded = LoadedFile(path=name, data=None, lines={})
    if node is None:
        loaded.data = {}
        return loaded
    budget = budget or ExpansionBudget()
    budget.grant(text)
    try:
        loaded.data = _Builder(loaded, budget).build(node, ())
    except RecursionError:
        raise InputError(f"{name}: nested too deeply to be an inventory") from None
    return loaded


MERGE_TAG = "tag:yaml.org,2002:merge"

# No inventory is deeper than a dozen levels; refusing at our own limit gives one message
# (with a line) whatever the YAML library's own limits and wording are.
MAX_DEPTH = 64


class _Builder:
    """Plain values from composed nodes, recording the line of every path."""

    def __init__(self, out: LoadedFile, budget: ExpansionBudget):
        self.out = out
        self.constructor = yaml.SafeLoader("")
        self.open_nodes: set[int] = set()   # nodes being built: an alias back to one is a cycle
        self.budget = budget                # values the whole load may still expand to

    def build(self, node: yaml.Node, path: PathT) -> Any:
        self._spend()
        self.out.lines.setdefault(path, node.start_mark.line + 1)
        if len(path) > MAX_DEPTH:
            raise InputError(f"{self.out.path}:{node.start_mark.line + 1}: nested deeper than {MAX_DEPTH} "
                             "levels: too deep to be an inventory")
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            return self.scalar(node)
        if id(node) in self.open_nodes:
            raise InputError(f"{self.out.path}:{node.start_mark.line + 1}: {format_path(path)}: "
                             "an alias refers to the node that contains it (a cycle); inventories are trees")
        self.open_nodes.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            return self.mapping(node, path)
        finally:
            self.open_nodes.discard(id(node))

    def _spend(self) -> None:
        budget = self.budget
        budget.left -= 1
        if budget.left < 0:
            raise InputError(f"{self.out.path}: the inventory's aliases (*name) expand to more than "
                             f"{budget.limit:,} values, the budget for its size, and ran out in this file "
                             "(an alias bomb?); write repeated parts out or nest fewer aliases")

    def mapping(self, node: yaml.MappingNode, path: PathT) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}   # from `<<: *defaults`: explicit keys win over these
        merge_line = None
        lines = self.out.lines
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == MERGE_TAG:
                if merge_line is not None:
                    self.out.findings.append(Finding(
                        self.out.path, line, format_path(path + ("<<",)),
                        f"`<<:` appears twice in the same mapping (first on line {merge_line}); YAML would "
                        "silently keep only one: merge several mappings with one `<<: [*first, *second]`",
                        code="duplicate-key"))
                    continue
                merge_line = line
                merged.update(self._merge_source(value_node, path))
                continue
            key = self.key(key_node, path)
            if key is None:
                continue
            child = path + (key,)
            if key in result:
                first = self.out.lines.get(child)
                self.out.findings.append(Finding(
                    self.out.path, line, format_path(child),
                    f"key '{key}' appears twice in the same mapping (first on line {first}); "
                    "YAML would silently keep only the last one: remove or rename one",
                    code="duplicate-key"))
                continue
            lines[child] = line  # a key's own line is what an engineer looks for
            if value_node.tag == STR_TAG and type(value_node) is yaml.ScalarNode and len(child) <= MAX_DEPTH:
                self._spend()            # the common case, as build() would do it (its line is set)
                result[key] = value_node.value
            else:
                result[key] = self.build(value_node, child)
        for key, value in merged.items():
            result.setdefault(key, value)
        return result

    def _merge_source(self, node: yaml.Node, path: PathT) -> dict[Any, Any]:
        """The mapping(s) a merge key names; a list merges left to right, first wins."""
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[Any, Any] = {}
        for source in sources:
            value = self.build(source, path)
            if not isinstance(value, dict):
                raise InputError(f"{self.out.path}:{source.start_mark.line + 1}: {format_path(path)}: "
                                 "`<<:` merges a mapping (an anchor like &defaults on a mapping)")
            for key, item in value.items():
                merged.setdefault(key, item)
        return merged

    def key(self, node: yaml.Node, path: PathT) -> str | None:
        """A mapping key as text. Every key in an inventory is a name (a field, a device):
        YAML 1.1 reads some unquoted words and numbers as other types, which the engineer
        did not mean; such a key is a finding and continues as the text it was written as."""
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.ScalarNode):
            self.out.findings.append(Finding(
                self.out.path, line, format_path(path),
                "a key here is a list or mapping; keys are names: write `name: value`", code="key-not-text"))
            return None
        text: str = node.value
        if node.tag == STR_TAG:
            return text
        value = self.scalar(node)
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool) and _DECIMAL.fullmatch(text):
            return text   # 1001: is the name "1001", the same key as "1001":
        if isinstance(value, bool):
            why = ("YAML 1.1 reads unquoted on/off/yes/no/true/false as booleans, "
                   f"so this key is {str(value).lower()}, not the name {text!r}")
        elif value is None:
            why = f"YAML reads an unquoted {text!r} as null (no value), not as a name"
        else:
            why = f"YAML reads it as the {type(value).__name__} {value!r}, not as the name {text!r}"
        self.out.findings.append(Finding(
            self.out.path, line, format_path(path + (text,)),
            f"key {text!r}: {why}; write the key quoted (\"{text}\":)", code="key-not-text"))
        return text

    def scalar(self, node: yaml.Node) -> Any:
        if node.tag == STR_TAG and isinstance(node, yaml.ScalarNode):
            return node.value           # what PyYAML's str constructor returns
        if isinstance(node, yaml.ScalarNode) and not node.style and node.tag.endswith((":int", ":float")) \
                and (_LEADING_ZERO_DIGITS.fullmatch(node.value) or
                     "_" in node.value and re.fullmatch(_UNDERSCORE_NUMBER, node.value)):
            return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        # PyYAML's constructors raise whatever their parsing meets (`!!timestamp x`:
        # AttributeError, `!!bool maybe`: KeyError, `!!int ''`: IndexError).
        except Exception as exc:  # noqa: BLE001
            problem = getattr(exc, "problem", None)
            tag = node.tag.rsplit(":", 1)[-1]
            raise InputError(f"{self.out.path}:{node.start_mark.line + 1}: cannot read value "
                             f"{getattr(node, 'value', '')!r} with tag {node.tag}: "
                             f"{problem or 'not a valid ' + tag}; "
                             "write plain text, numbers, true/false, lists and mappings") from None


@dataclass
class SourceMap:
    """Maps paths in the merged inventory to (file, line, per-file path)."""

    files: dict[str, dict[PathT, int]] = field(default_factory=dict)
    # merged path prefix -> (file, the same node's path inside that file)
    origins: dict[PathT, tuple[str, PathT]] = field(default_factory=dict)

    def add_origin(self, merged: PathT, file: str, file_path: PathT) -> None:
        self.origins[merged] = (file, file_path)

    def locate(self, path: PathT) -> tuple[str, int | None, str]:
        """File, line and display path (as written in that file) for a merged path."""
        path = tuple(path)
        for cut in range(len(path), -1, -1):
            origin = self.origins.get(path[:cut])
            if origin is None:
                continue
            file, file_prefix = origin
            file_path = file_prefix + path[cut:]
            lines = self.files.get(file, {})
            # The deepest ancestor with a mark: a missing field points at its parent.
            for depth in range(len(file_path), -1, -1):
                line = lines.get(file_path[:depth])
                if line is not None:
                    return file, line, format_path(file_path)
            return file, None, format_path(file_path)
        return "<inventory>", None, format_path(path)

    def finding(self, path: PathT, message: str, *, severity: Severity = "error", code: str = "invalid",
                related: tuple[PathT, ...] = ()) -> Finding:
        """A Finding at a merged path, with conflicting places spelled out."""
        file, line, shown = self.locate(path)
        others = []
        for other in related:
            ofile, oline, oshown = self.locate(other)
            others.append(Related(ofile, oline, oshown))
        return Finding(file, line, shown, message, severity=severity, code=code, related=tuple(others))

    def where(self, path: PathT) -> str:
        file, line, shown = self.locate(path)
        return f"{file}:{line}: {shown}" if line else f"{file}: {shown}"
