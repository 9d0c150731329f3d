"""YAML loading that remembers where every value came from.

PyYAML's composer gives nodes with line marks; we build plain Python values from
the nodes ourselves and record, for every path (``("services", 0, "wan")``), the
line it sits on. Several files merge into one inventory; `SourceMap` maps a path in
the merged inventory back to the file, line and per-file path a human edits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from configgen.findings import Finding, InputError, Related

PathT = tuple[Any, ...]

# YAML 1.1 reads an unquoted 027 as the octal integer 23. Area codes, extensions and
# short numbers are digit strings whose leading zero matters, and no engineer writing
# 027 means 23: keep such plain scalars as the string they were written as.
_LEADING_ZERO_DIGITS = re.compile(r"0[0-9]+")
_DECIMAL = re.compile(r"[0-9]+")

# An alias bomb (nested anchors, each listing the previous one many times) is a few
# hundred bytes that expand to billions of values. Legitimate merges (`<<: *defaults`)
# expand a file to about one value per byte; refuse far beyond that, before the memory goes.
MIN_EXPANSION_BUDGET = 200_000
EXPANSION_PER_BYTE = 20


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
    path: str
    data: Any
    lines: dict[PathT, int]
    findings: list[Finding] = field(default_factory=list)


def load_yaml_file(path: str | Path) -> LoadedFile:
    """Read one YAML file into plain values plus a path -> line table.

    Raises InputError for an unreadable file or broken YAML (exit code 2 material);
    duplicate keys are findings, not exceptions, so every one is reported.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: cannot read: {exc}") from None
    return load_yaml_text(text, name)


# libyaml's composer when PyYAML was built with it: parsing is most of the load time.
_Composer = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_text(text: str, name: str = "<string>") -> LoadedFile:
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
    budget = max(MIN_EXPANSION_BUDGET, EXPANSION_PER_BYTE * len(text))
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

    def __init__(self, out: LoadedFile, budget: int):
        self.out = out
        self.constructor = yaml.SafeLoader("")
        self.open_nodes: set[int] = set()   # nodes being built: an alias back to one is a cycle
        self.budget = budget                # values this document may still expand to
        self.limit = budget

    def build(self, node: yaml.Node, path: PathT) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise InputError(f"{self.out.path}: its aliases (*name) expand to more than {self.limit:,} values "
                             "(an alias bomb?); write repeated parts out or nest fewer aliases")
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

    def mapping(self, node: yaml.MappingNode, path: PathT) -> dict:
        result: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}   # from `<<: *defaults`: explicit keys win over these
        merge_line = None
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
            self.out.lines[child] = line  # a key's own line is what an engineer looks for
            result[key] = self.build(value_node, child)
        for key, value in merged.items():
            result.setdefault(key, value)
        return result

    def _merge_source(self, node: yaml.Node, path: PathT) -> dict:
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
        value = self.scalar(node)
        text = node.value
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
        if isinstance(node, yaml.ScalarNode) and not node.style and node.tag.endswith(":int") \
                and _LEADING_ZERO_DIGITS.fullmatch(node.value):
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

    def finding(self, path: PathT, message: str, *, severity: str = "error", code: str = "invalid",
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
