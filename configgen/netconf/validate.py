"""Payloads validated against the vendors' YANG models with libyang (docs/netconf.md).

A model directory is one vendor's model set (as `configgen yang fetch` writes it, or a
folder of the vendor's public YANG repository) with a `baseline.xml`: the part of the
device's datastore every payload refers to (the public network instance and its IPv4
topology on VRP8). What is validated is "baseline + payload" as one complete configuration
datastore, strictly (unknown elements are errors), without state data.

Loading: every module of the import closure is implemented (implementing only the ones the
payload names fails on references into modules they merely import), all features enabled,
the schema compiled once; a model set is loaded once per process (`model_set`).
"""

from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Iterator

from configgen.findings import InputError

if TYPE_CHECKING:
    from configgen.netconf.payload import Payload

# The modules each payload kind uses; their import closure is loaded with them.
MODULES = {
    "huawei-vrp8": ("huawei-ifm", "huawei-ip", "huawei-tunnel-management", "huawei-gre", "huawei-network-instance",
                    "huawei-l3vpn", "huawei-routing", "huawei-acl", "huawei-qos"),
    "cisco-iosxe-native": ("Cisco-IOS-XE-native", "Cisco-IOS-XE-tunnel", "Cisco-IOS-XE-nat", "Cisco-IOS-XE-acl",
                           "Cisco-IOS-XE-policy"),
}
# A model set's namespace tells which payload kind it validates.
MARKER_MODULE = {"huawei-vrp8": "huawei-ifm", "cisco-iosxe-native": "Cisco-IOS-XE-native"}
BASELINE = "baseline.xml"

# PCRE2 refuses some vendor patterns as too large to compile: a wide bounded repeat such as
# `( <community>){0,255}` in huawei-routing-policy. In a working copy such a repeat becomes
# `*`: the leaf keeps its `length` limit, and no configgen payload uses those leaves.
_WIDE_REPEAT = re.compile(r"\{0,(\d{3,})\}")


class ModelError(InputError):
    """A model directory configgen cannot use (missing modules, a model libyang refuses)."""


@dataclass(frozen=True)
class Problem:
    """One libyang error: its message and the data path it names (None: no path given)."""

    message: str
    path: str | None


class _Collector(logging.Handler):
    """libyang's messages with their data paths, while a document is parsed."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.problems: list[Problem] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        if len(args) == 2:
            message, location = str(args[0]), str(args[1])
        else:
            # Already formatted ("<message>: <location>"): push's secret redaction, once
            # installed in this process, hands every handler records without their args.
            message, _, location = record.getMessage().rpartition(": ")
            if not _LOCATION.search(location):
                message, location = record.getMessage(), ""
        path = _LOCATION.search(location)
        self.problems.append(Problem(message.rstrip("."), path.group(1) if path else None))


_LOCATION = re.compile(r'location "(/[^"]*)"')


_collector = _Collector()


def _libyang() -> ModuleType:
    try:
        import libyang  # optional: only `check --yang` needs it
    except ImportError as exc:
        raise InputError("--yang needs the libyang bindings: pip install 'configgen[netconf]' (and the libyang2 "
                         f"C library, e.g. apt-get install libyang2-dev; docs/netconf.md): {exc}") from None
    # Every time, not once: a logging set-up elsewhere in the process (a library, a test
    # harness) may have replaced the logger's handlers or libyang's log options since.
    logger = logging.getLogger("libyang")
    if _collector not in logger.handlers:
        logger.addHandler(_collector)
    logger.propagate = False
    logger.disabled = False
    libyang.configure_logging(True, logging.ERROR)   # messages with their data paths
    return libyang


class ModelSet:
    """One compiled model set and its baseline."""

    def __init__(self, directory: Path):
        libyang = _libyang()
        self.directory = directory
        kind = next((kind for kind, marker in MARKER_MODULE.items()
                     if (directory / f"{marker}.yang").is_file()
                     or any(directory.glob(f"{marker}@*.yang"))), None)
        if kind is None:
            raise ModelError(f"--yang {directory}: neither huawei-ifm.yang (Huawei VRP8) nor Cisco-IOS-XE-native.yang "
                             "(Cisco IOS-XE) is in it; give the folder of one vendor's model set")
        self.kind = kind
        baseline = directory / BASELINE
        self.baseline = baseline.read_text(encoding="utf-8") if baseline.is_file() else ""
        self._workdir = tempfile.TemporaryDirectory(prefix="configgen-yang-")
        work = Path(self._workdir.name)
        for source in directory.glob("*.yang"):
            text = source.read_text(encoding="utf-8")
            (work / source.name).write_text(_WIDE_REPEAT.sub("*", text) if "pattern" in text else text,
                                            encoding="utf-8")
        deviations = sorted(p.stem.split("@")[0] for p in work.glob("*-deviations-*.yang"))
        try:
            self.context = libyang.Context(str(work), explicit_compile=True)
            for name in (*MODULES[self.kind], *deviations):
                self.context.load_module(name)
            self._implement_closure()
            for module in self.context:
                module.feature_enable_all()
            self.context.compile_schema()
        except libyang.LibyangError as exc:
            raise ModelError(f"--yang {directory}: the models do not load: {exc}") from None
        finally:
            _collector.problems.clear()
        if self.baseline:
            problems = self.problems("")
            if problems:
                raise ModelError(f"--yang {directory}: {BASELINE} does not validate: {problems[0].message}")

    def _implement_closure(self) -> None:
        """Implement every module libyang loaded only for its imports."""
        while True:
            imported = [m.name() for m in self.context if not m.implemented()]
            if not imported:
                return
            for name in imported:
                self.context.load_module(name)

    def problems(self, payload: str) -> list[Problem]:
        """libyang's errors for baseline + `payload` as one strict configuration datastore."""
        libyang = _libyang()
        _collector.problems.clear()
        tree = None
        try:
            tree = self._merged(payload)
            document = tree.print_mem("xml", with_siblings=True) if tree is not None else ""
            tree.free() if tree is not None else None
            tree = None
            if document:
                self.context.parse_data_mem(document, "xml", strict=True, no_state=True).free()
            return []
        except libyang.LibyangError as exc:
            found = list(_collector.problems) or [Problem(str(exc), None)]
            return found
        finally:
            if tree is not None:
                tree.free()
            _collector.problems.clear()

    def merge(self, document: str, edit: str) -> str:
        """`edit` merged into the datastore `document` (both complete XML data, several
        top-level elements allowed); unknown elements raise libyang's error."""
        tree = self._merged(edit, base=document)
        if tree is None:
            return ""
        try:
            merged: str = tree.print_mem("xml", with_siblings=True)
            return merged
        finally:
            tree.free()

    def _merged(self, payload: str, base: str | None = None) -> Any:
        """Baseline and payload parsed without validation and merged; printed from the
        first sibling (printing from the merge node leaves out earlier siblings)."""
        base = self.baseline if base is None else base
        parts = [self.context.parse_data_mem(text, "xml", parse_only=True, strict=True)
                 for text in (base, payload) if text.strip()]
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        tree = parts[0]
        for other in parts[1:]:
            _clear_other_cases(tree, other)
            tree.merge(other, with_siblings=True, destruct=True)
        return tree.first_sibling()


def _cases(snode: Any) -> dict[str, str]:
    """The choices (schema path) `snode` sits in below its data parent, and its case in each."""
    libyang = _libyang()
    cases, parent = {}, snode.parent()
    while parent is not None and parent.nodetype() in (libyang.SNode.CASE, libyang.SNode.CHOICE):
        if parent.nodetype() == libyang.SNode.CASE:
            cases[parent.parent().schema_path()] = parent.name()
        parent = parent.parent()
    return cases


def _clear_other_cases(tree: Any, edit: Any) -> None:
    """RFC 7950 §7.9: creating a node of one case of a choice deletes the nodes of the
    choice's other cases. Without it a merge that switches cases (`any` -> `host-address`
    in an ACL rule) holds both, and the models reject the result. Only where `tree`
    already has the edit's parent node can a case switch (the walk stops elsewhere)."""
    pending = list(edit.siblings())
    while pending:
        node = pending.pop()
        existing = tree.find_path(node.path()) if hasattr(node, "children") else None
        if existing is None:
            continue
        for child in node.children():
            wanted = _cases(child.schema())
            for sibling in list(existing.children()) if wanted else []:
                cases = _cases(sibling.schema())
                if any(cases.get(choice, case) != case for choice, case in wanted.items()):
                    sibling.free(with_siblings=False)
            pending.append(child)


@lru_cache(maxsize=None)
def _model_set(directory: Path) -> ModelSet:
    return ModelSet(directory)


def model_set(directory: str | Path) -> ModelSet:
    """The compiled model set of `directory`, loaded once per process."""
    path = Path(directory).resolve()
    if not path.is_dir():
        raise InputError(f"--yang {directory}: " + ("not a directory" if path.exists() else "no such directory"))
    return _model_set(path)


def model_sets(directory: str | Path) -> dict[str, ModelSet]:
    """Payload kind -> model set for `directory`: one vendor's set, or a folder of sets
    (one per subfolder, e.g. models/huawei-vrp8-ne40e-8.22.0 and models/cisco-iosxe-17.15.1)."""
    root = Path(directory)
    if not root.is_dir():
        raise InputError(f"--yang {directory}: " + ("not a directory" if root.exists() else "no such directory"))
    candidates = [root] if is_model_set(root) else sorted(p for p in root.iterdir() if is_model_set(p))
    if not candidates:
        raise ModelError(f"--yang {directory}: no model set in it (a folder holding huawei-ifm.yang or "
                         "Cisco-IOS-XE-native.yang, or folders of such)")
    sets: dict[str, ModelSet] = {}
    for candidate in candidates:
        loaded = model_set(candidate)
        sets.setdefault(loaded.kind, loaded)
    return sets


def is_model_set(path: Path) -> bool:
    return path.is_dir() and any(any(path.glob(f"{marker}*.yang")) for marker in MARKER_MODULE.values())


def iter_problems(payloads: dict[str, Payload], sets: dict[str, ModelSet]) -> Iterator[tuple[str, Problem | None]]:
    """(device, problem) for every payload; problem None: no model set for its kind."""
    for name, payload in payloads.items():
        models = sets.get(payload.models)
        if models is None:
            yield name, None
            continue
        for problem in models.problems(payload.data()):
            yield name, problem
