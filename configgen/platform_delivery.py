"""The classes of a platform's push and verify facts (configgen.platforms holds the facts
themselves, in its one table): created when push, verify or the lab first reads a
family's `delivery` or `verification`, never by `configgen validate` (start-up time;
tests/test_startup_imports.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeliveryFacts:
    """How push (configgen.push) and the lab read, diff and deliver config."""
    netmiko_type: str           # netmiko device_type (huawei_vrp also selects ntc-templates)
    push_driver: str            # key of configgen.push.drivers.DRIVERS (prompt-driven Huawei)
    commit_based: bool          # VRP8: changes wait for `commit` (push commits, then saves)
    save_command: str           # what saves the running config to the startup file (netmiko sends it)
    running_config_command: str
    config_error_pattern: str   # netmiko error_pattern (whole line: the report quotes it)
    hier_platform: str          # hier_config Platform member name
    file_only_lines: tuple[str, ...]   # lines a config file has but nobody types
    # Negated lines that are settings the device shows, not defaults it hides (CE
    # `undo portswitch`: ports are Layer 2 by default): push always sends them when missing.
    shown_negations: tuple[str, ...]
    # Sections configgen creates whole: children it did not render are stale and removed.
    # Any other section (a physical interface) is shared with whoever else configures
    # the router: configgen only adds or replaces its own lines there.
    owned_sections: tuple[str, ...]
    # Owned sections push removes whole (`no`/`undo` + header, after every other change)
    # when configgen no longer renders them and their description carries the owner marker
    # of a service on the device (push/ownership.py, rule 3): a renumbered tunnel.
    stale_sections: tuple[str, ...]
    # (stale section regex, group 1 its name; a line that uses it, `{name}` for the name):
    # such a line in a shared section goes with the section (`service-policy input X`).
    section_users: tuple[tuple[str, str], ...]
    # A top-level line configgen did not render is removed only when it carries a label
    # of a service on the device (group 1): a route configgen once made for that service.
    owned_line_label: str
    # Negations hier_config spells in a form the OS refuses: (view regex or "" for top
    # level, line regex whose group 1 is what the negation keeps); see HUAWEI_NEGATIONS.
    # (view, line[, kept]): `kept` (default `\1`) is what the negation keeps after the prefix.
    negation_rewrites: tuple[tuple[str, ...], ...]
    section_exit: str           # leaves a sub-view
    exit_every_section: bool    # Huawei has no fall-through: `quit` closes every view


@dataclass(frozen=True)
class VerificationFacts:
    """How verify (configgen.verify) pings from the device."""
    ping_command: str           # format with target, count, timeout_s, timeout_ms, source
    ping_source: str            # format with interface, address: the `source` part of ping_command
    ping_parser: str            # "textfsm" (ntc-templates) or "huawei" (configgen's TextFSM template)
