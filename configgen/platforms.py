"""One table: vendor/os -> how configgen renders for, talks to and saves on a device.

Everything that differs between platforms lives here as data, so render, push and
verify never branch on vendor names themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar


@dataclass(frozen=True)
class Platform:
    # Code-authored constants, not inventory data: the render-time text walk skips them.
    cli_safe_constants: ClassVar[bool] = True

    key: str                    # "cisco_ios", "huawei_vrp5", "huawei_vrp8"
    vendor: str
    os: str
    template_dir: str           # templates/<template_dir>/...
    netmiko_type: str           # netmiko device_type (huawei_vrp also selects ntc-templates)
    tunnel_name: str            # format with n=<tunnel number>
    commit_based: bool          # VRP8: changes wait for `commit` (push commits, then saves)
    save_command: str           # what saves the running config to the startup file (netmiko sends it)
    comment_leader: str         # starts a comment / separator line in this OS's config files
    # ACL kind -> (first, last) number; a kind not listed is a named ACL on this platform.
    # "source": matches source addresses only; "extended": protocol, addresses and ports.
    acl_numbers: tuple[tuple[str, int, int], ...]
    acl_icmp_types: bool        # ACL lines name ICMP types (confirmed syntax), else permit all ICMP
    # ---- push (configgen.push): how to read, diff and deliver config --------------------
    push_driver: str            # key of configgen.push.drivers.DRIVERS (prompt-driven Huawei)
    running_config_command: str
    config_error_pattern: str   # netmiko error_pattern (whole line: the report quotes it)
    hier_platform: str          # hier_config Platform member name
    file_only_lines: tuple[str, ...]   # lines a config file has but nobody types
    # Sections configgen creates whole: children it did not render are stale and removed.
    # Any other section (a physical interface) is shared with whoever else configures
    # the router: configgen only adds or replaces its own lines there.
    owned_sections: tuple[str, ...]
    # A top-level line configgen did not render is removed only when it carries a label
    # of a service on the device (group 1): a route configgen once made for that service.
    owned_line_label: str
    # Negations hier_config spells in a form the OS refuses: (view regex or "" for top
    # level, line regex whose group 1 is what the negation keeps); see HUAWEI_NEGATIONS.
    negation_rewrites: tuple[tuple[str, str], ...]
    section_exit: str           # leaves a sub-view
    exit_every_section: bool    # Huawei has no fall-through: `quit` closes every view
    # ---- verify (configgen.verify) ---------------------------------------------------------
    ping_command: str           # format with target, count, timeout_s, timeout_ms, source
    ping_source: str            # format with interface, address: the `source` part of ping_command
    ping_parser: str            # "textfsm" (ntc-templates) or "huawei" (configgen's TextFSM template)

    def tunnel_interface(self, number: int) -> str:
        return self.tunnel_name.format(n=number)

    def acl_range(self, kind: str) -> tuple[int, int] | None:
        return next(((first, last) for k, first, last in self.acl_numbers if k == kind), None)


# docs/references.md §5: hier_config negates the whole line; VRP identifies these by their key
# (`undo rule 10`, `undo qos car inbound`, a route without its description). Each entry:
# (the view the line sits in, regex; "" at top level), (the line, regex; group 1 is the key
# `undo` takes). configgen.push.diff turns them into hier_config negation rules.
HUAWEI_NEGATIONS = (
    (r"^acl ", r"^(rule \d+) "),
    (r"^interface ", r"^(qos car (?:inbound|outbound)) "),
    (r"^interface ", r"^(qos lr) "),
    ("", r"^(ip route-static \S+ \S+ \S+) "),
    (r"^interface ", r"^(ip address unnumbered) "),
    (r"^interface Tunnel", r"^(source|destination|tunnel-protocol) "),
    (r"^interface ", r"^(nat outbound \d+)\b"),
)

# docs/references.md §3: IOS standard ACLs 1-99; VRP basic 2000-2999, advanced 3000-3999.
HUAWEI_ACL_NUMBERS = (("source", 2000, 2999), ("extended", 3000, 3999))

# Huawei AR. AR routers name tunnels slot/card/port (docs/references.md §2): Tunnel0/0/1.
_HUAWEI_VRP5 = Platform(
    key="huawei_vrp5", vendor="huawei", os="vrp5", template_dir="huawei", netmiko_type="huawei_vrp",
    tunnel_name="Tunnel0/0/{n}", commit_based=False, save_command="save", comment_leader="#",
    acl_numbers=HUAWEI_ACL_NUMBERS, acl_icmp_types=False,
    push_driver="huawei_vrp_fast", running_config_command="display current-configuration",
    config_error_pattern=r"^Error:.*$", hier_platform="HUAWEI_VRP", file_only_lines=("return", "commit"),
    owned_sections=(r"interface Tunnel", r"acl ", r"traffic (classifier|behavior|policy) "),
    owned_line_label=r"^ip route-static \S+ \S+ \S+ .*\bdescription (\S+)$",
    negation_rewrites=HUAWEI_NEGATIONS, section_exit="quit", exit_every_section=True,
    ping_command="ping -c {count} -t {timeout_ms}{source} {target}",
    ping_source=" -a {address}", ping_parser="huawei",
)

PLATFORMS: dict[tuple[str, str], Platform] = {
    ("cisco", "ios"): Platform(
        key="cisco_ios", vendor="cisco", os="ios", template_dir="cisco", netmiko_type="cisco_ios",
        tunnel_name="Tunnel{n}", commit_based=False, save_command="write memory", comment_leader="!",
        acl_numbers=(("source", 1, 99),), acl_icmp_types=True,
        push_driver="cisco_ios", running_config_command="show running-config",
        config_error_pattern=r"^% (?:Invalid|Incomplete|Ambiguous|Unknown).*$", hier_platform="CISCO_IOS",
        file_only_lines=("end",),
        owned_sections=(r"interface Tunnel", r"ip access-list ", r"policy-map ", r"class-map ",
                        r"voice translation-", r"dial-peer voice "),
        owned_line_label=r"^ip route \S+ \S+ \S+ .*\bname (\S+)$",
        negation_rewrites=(), section_exit="exit", exit_every_section=False,
        ping_command="ping {target}{source} repeat {count} timeout {timeout_s}",
        ping_source=" source {interface}", ping_parser="textfsm",
    ),
    ("huawei", "vrp5"): _HUAWEI_VRP5,
    # VRP8 differs in its commit step only (docs/references.md §5, §7). `commit` moves the
    # candidate into the *running* database ("If the configuration takes effect, the system
    # adds it to the running database": Huawei NetEngine 8000 VRPv8 "Overview of
    # Configuration Management", dc_vrp_cfgm_cfg_0001; "After the commit command is run,
    # the changes in system configurations take effect": command `commit (CFGOM)`); neither
    # page says commit writes the startup file, which is `save`'s job, as on VRP5. So push
    # commits, then saves (`save` + `y` in user view), like `write memory` on IOS.
    ("huawei", "vrp8"): replace(
        _HUAWEI_VRP5, key="huawei_vrp8", os="vrp8", netmiko_type="huawei_vrpv8", commit_based=True,
        push_driver="huawei_vrpv8_fast",
    ),
}


def platform_for(device) -> Platform:
    """The platform of an inventory `Device` (schema guarantees the pair exists)."""
    return PLATFORMS[(device.vendor, device.os)]
