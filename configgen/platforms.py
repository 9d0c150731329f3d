"""One table: vendor/os -> how configgen renders for, delivers to and verifies a device.

Everything that differs between platforms lives here as data, so render, push, verify
and the lab never branch on vendor names themselves. A family's facts are split by who
reads them: `render` (templates, services, validation of what is rendered), `limits`
(name and length rules, docs/rendered-lines.md "Limits and name rules"), `delivery`
(push: how to read, diff and send config), `verification` (verify: how to ping), and
`unsupported` (what the family cannot do, each with its reason). The table writes the
delivery and verification facts as `Facts`; their classes (configgen.platform_delivery)
are created on first read, which validation never does (start-up time).
"""

# No `from __future__ import annotations`: a NamedTuple compiles each field's annotation
# written as text (start-up time); forward and type-checking-only names are quoted.
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NamedTuple, Protocol, TypeVar, overload

if TYPE_CHECKING:
    from configgen.platform_delivery import DeliveryFacts, VerificationFacts


class Unsupported(NamedTuple):
    """A feature a family has no documented form for, and why (validation refuses a
    service needing it: configgen/checks/platform.py)."""
    feature: str                # "nat", "inbound_filter", "rate_limit"
    reason: str


class RenderFacts(NamedTuple):
    """What templates and service builders choose per family."""
    template_dir: str           # templates/<template_dir>/...
    tunnel_name: str            # format with n=<tunnel number>, slot=<slot of the tunnel's source interface>
    # VRP8 routers send GRE only through interfaces bound to it: `binding tunnel gre` on
    # the tunnel's source interface (docs/rendered-lines.md, Huawei VRP8).
    gre_source_binding: bool
    # `qos car cir <kbit/s> inbound` (direction last, VRP8 routers) or `qos car inbound cir <kbit/s>` (AR):
    # the service's build passes it on to its RateLimit.
    car_direction_last: bool
    ports_layer2: bool          # Ethernet ports switch until `undo portswitch` (CE switches)
    # ACL kind -> (first, last) number; a kind not listed is a named ACL on this platform.
    # "source": matches source addresses only; "extended": protocol, addresses and ports.
    acl_numbers: tuple[tuple[str, int, int], ...]
    acl_icmp_types: bool        # ACL lines name ICMP types (confirmed syntax), else permit all ICMP

    def tunnel_interface(self, number: int, source: str = "") -> str:
        slot = re.search(r"(\d+)/", source)   # `10GE1/0/1`: slot 1
        return self.tunnel_name.format(n=number, slot=slot.group(1) if slot else "0")

    def acl_range(self, kind: str) -> tuple[int, int] | None:
        return next(((first, last) for k, first, last in self.acl_numbers if k == kind), None)


class Limits(NamedTuple):
    """Name and length rules validation enforces (None: no confirmed limit)."""
    hostname_pattern: str | None = None     # regex the whole hostname/sysname must match
    hostname_rule: str = ""                 # that pattern in words, for the finding
    hostname_max: int | None = None
    interface_description_max: int | None = None
    acl_description_max: int | None = None
    route_label_max: int | None = None
    policy_name_max: int | None = None      # the rate-limit policy's name (`service-policy ... <name>`)

    @property
    def any_length(self) -> bool:
        return any(limit is not None for limit in (self.interface_description_max, self.acl_description_max,
                                                   self.route_label_max, self.policy_name_max))


class Facts:
    """One reader's facts as the table writes them, keyword arguments of its class in
    configgen.platform_delivery; `changed` gives a family's variant of another's."""

    __slots__ = ("values",)

    def __init__(self, **values: Any) -> None:
        self.values = values

    def changed(self, **values: Any) -> "Facts":
        return Facts(**{**self.values, **values})


F = TypeVar("F")


class OnFirstRead(Generic[F]):
    """A `Platform` field holding `Facts` (or its class's value, e.g. from `replace`):
    the value is created from the `Facts` when first read, its class named `kind` in
    configgen.platform_delivery."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    @overload
    def __get__(self, platform: None, owner: type) -> "OnFirstRead[F]": ...

    @overload
    def __get__(self, platform: object, owner: type) -> F: ...

    def __get__(self, platform: object, owner: type) -> "F | OnFirstRead[F]":
        if platform is None:
            raise AttributeError(self.slot[1:])     # a required field: no default
        value = platform.__dict__[self.slot]
        if isinstance(value, Facts):
            from configgen import platform_delivery

            value = platform.__dict__[self.slot] = getattr(platform_delivery, self.kind)(**value.values)
        built: F = value
        return built

    def __set__(self, platform: object, value: F | Facts) -> None:
        platform.__dict__[self.slot] = value


def __getattr__(name: str) -> type:
    """`platforms.DeliveryFacts` and `VerificationFacts` name their classes, as before."""
    if name not in ("DeliveryFacts", "VerificationFacts"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from configgen import platform_delivery

    found: type = getattr(platform_delivery, name)
    return found


@dataclass(frozen=True)
class Platform:
    """One family's facts, by who reads them."""

    # Code-authored constants, not inventory data: the render-time text walk skips them.
    cli_safe_constants: ClassVar[bool] = True

    key: str                    # "cisco_ios", "huawei_vrp5", "huawei_vrp8", ...
    vendor: str
    os: str
    family: str                 # the operator's name for the family, in findings and docs/rendered-lines.md
    render: RenderFacts
    delivery: "OnFirstRead[DeliveryFacts]" = OnFirstRead("DeliveryFacts")            # push's
    verification: "OnFirstRead[VerificationFacts]" = OnFirstRead("VerificationFacts")  # verify's
    limits: Limits = field(default_factory=Limits)
    unsupported: tuple[Unsupported, ...] = ()
    # NETCONF (configgen.netconf, docs/netconf.md): which vendor-native YANG payload this
    # family gets with `transport: netconf`; None: the vendor publishes no models for it and
    # the device stays on the CLI.
    netconf_models: str | None = None
    # Description limit the family's YANG models set where it is below the CLI's (IOS-XE:
    # 200 characters in Cisco-IOS-XE-native and -policy, where the CLI takes 240).
    netconf_description_max: int | None = None

    def refusal(self, feature: str) -> str | None:
        """Why this family cannot do `feature`, or None when it can."""
        return next((u.reason for u in self.unsupported if u.feature == feature), None)

    def over_netconf(self) -> "Platform":
        """This family's rules for a `transport: netconf` device: the model's limits apply."""
        if self.netconf_description_max is None:
            return self
        limit = min(x for x in (self.limits.interface_description_max, self.netconf_description_max) if x is not None)
        return self.changed(family=f"{self.family} over NETCONF ({self.netconf_models} model)",
                            limits=self.limits._replace(interface_description_max=limit))

    def changed(self, **changes: Any) -> "Platform":
        """This family with `changes` (dataclasses.replace), the delivery and verification
        facts it does not change carried over unread: reading them would create their
        classes, which validation never needs (start-up time)."""
        for name in ("delivery", "verification"):
            changes.setdefault(name, self.__dict__[f"_{name}"])
        return replace(self, **changes)


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
_HUAWEI_DELIVERY = Facts(
    netmiko_type="huawei_vrp", push_driver="huawei_vrp_fast", commit_based=False, save_command="save",
    running_config_command="display current-configuration", config_error_pattern=r"^Error:.*$",
    hier_platform="HUAWEI_VRP", file_only_lines=("return", "commit"), shown_negations=(),
    owned_sections=(r"interface Tunnel", r"acl ", r"traffic (classifier|behavior|policy) "),
    stale_sections=(r"interface Tunnel",),
    # A route through a tunnel names it as its outgoing interface (`ip route-static P M Tunnel0/0/1`).
    section_users=((r"interface (Tunnel\S+)", r"ip route-static (?:vpn-instance \S+ )?\S+ \S+ {name}(?: .*)?"),),
    owned_line_label=r"^ip route-static \S+ \S+ \S+ .*\bdescription (\S+)$",
    negation_rewrites=HUAWEI_NEGATIONS, section_exit="quit", exit_every_section=True)
_HUAWEI_PING = Facts(
    ping_command="ping -c {count} -t {timeout_ms}{source} {target}", ping_source=" -a {address}",
    ping_parser="huawei")
_HUAWEI_VRP5 = Platform(
    key="huawei_vrp5", vendor="huawei", os="vrp5", family="Huawei AR (VRP5)",
    render=RenderFacts(
        template_dir="huawei", tunnel_name="Tunnel0/0/{n}", gre_source_binding=False,
        car_direction_last=False, ports_layer2=False, acl_numbers=HUAWEI_ACL_NUMBERS, acl_icmp_types=False),
    delivery=_HUAWEI_DELIVERY, verification=_HUAWEI_PING,
    # ACL description 0-127 characters (Huawei's ACL template for AR devices,
    # docs/rendered-lines.md "Limits and name rules"); the other AR limits are not confirmed.
    limits=Limits(acl_description_max=127),
)

# Cisco IOS `hostname` (Cisco IOS Configuration Fundamentals Command Reference, `hostname`):
# starts with a letter, ends with a letter or digit, letters, digits and hyphens inside, <= 63.
CISCO_HOSTNAME = r"[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?"

_CISCO_DELIVERY = Facts(
    netmiko_type="cisco_ios", push_driver="cisco_ios", commit_based=False, save_command="write memory",
    running_config_command="show running-config",
    config_error_pattern=r"^% (?:Invalid|Incomplete|Ambiguous|Unknown).*$", hier_platform="CISCO_IOS",
    file_only_lines=("end",), shown_negations=(),
    owned_sections=(r"interface Tunnel", r"ip access-list ", r"policy-map ", r"class-map ",
                    r"voice translation-", r"dial-peer voice "),
    stale_sections=(r"interface Tunnel", r"policy-map "),
    section_users=((r"policy-map (\S+)", r"service-policy (?:input|output) {name}"),
                   (r"interface (Tunnel\S+)", r"ip route (?:vrf \S+ )?\S+ \S+ {name}(?: .*)?")),
    owned_line_label=r"^ip route \S+ \S+ \S+ .*\bname (\S+)$",
    negation_rewrites=(), section_exit="exit", exit_every_section=False)
_CISCO_PING = Facts(
    ping_command="ping {target}{source} repeat {count} timeout {timeout_s}", ping_source=" source {interface}",
    ping_parser="textfsm")
_CISCO_IOS = Platform(
    key="cisco_ios", vendor="cisco", os="ios", family="Cisco IOS",
    render=RenderFacts(
        template_dir="cisco", tunnel_name="Tunnel{n}", gre_source_binding=False,
        car_direction_last=False, ports_layer2=False, acl_numbers=(("source", 1, 99),), acl_icmp_types=True),
    delivery=_CISCO_DELIVERY, verification=_CISCO_PING,
    # docs/rendered-lines.md, "Limits and name rules": interface description at most 240
    # characters (Cisco Networking Academy, "Configure a Router Interface"); a policy map
    # named in `service-policy` at most 40 (Cisco IOS Quality of Service Solutions Command
    # Reference, `service-policy`). The `ip route ... name` label: no length found.
    limits=Limits(hostname_pattern=CISCO_HOSTNAME,
                  hostname_rule="a letter first, a letter or digit last, only letters, digits and hyphens",
                  hostname_max=63, interface_description_max=240, policy_name_max=40),
)

# VRP8 reasons (docs/rendered-lines.md, Huawei VRP8 and CE6800 sections).
NO_INTERFACE_NAT = ("NAT on an NE40E-class router lives in a NAT instance on a service board (`nat outbound` "
                    "in NAT instance view, with an address group); there is no interface-view NAT and "
                    "configgen has no NAT-instance model")
NO_TRAFFIC_FILTER = ("the VRP8 references have no `traffic-filter`; VRP8 filters with an MQC traffic-policy "
                     "(classifier, behavior, policy), which configgen does not model, so it cannot render the "
                     "internet line's inbound security policy")

# VRP8 differs from the AR in more than its commit step (docs/rendered-lines.md, Huawei
# VRP8). Commit: `commit` moves the candidate into the *running* database ("If the
# configuration takes effect, the system adds it to the running database": Huawei NetEngine
# 8000 VRPv8 "Overview of Configuration Management", dc_vrp_cfgm_cfg_0001; "After the commit
# command is run, the changes in system configurations take effect": command `commit
# (CFGOM)`); neither page says commit writes the startup file, which is `save`'s job, as on
# VRP5. So push commits, then saves (`save` + `y` in user view), like `write memory` on IOS.
# The file carries no `commit` line: NE40E configuration files end in `return`.
# Tunnels: without `target-board` a GRE tunnel is named by interface ID (`Tunnel1`), and its
# source interface needs `binding tunnel gre` (NE40E GRE guide, "Binding an Interface to GRE").
_VRP8_DELIVERY = _HUAWEI_DELIVERY.changed(
    netmiko_type="huawei_vrpv8", commit_based=True, push_driver="huawei_vrpv8_fast",
    # `qos car cir <kbps> ... inbound` is undone by `undo qos car inbound` (direction kept).
    negation_rewrites=(*HUAWEI_NEGATIONS, (r"^interface ", r"^qos car cir .* (inbound|outbound)$", r"qos car \1")))
_HUAWEI_VRP8 = _HUAWEI_VRP5.changed(
    key="huawei_vrp8", os="vrp8", family="Huawei VRP8 router (NE40E class)",
    render=_HUAWEI_VRP5.render._replace(tunnel_name="Tunnel{n}", gre_source_binding=True, car_direction_last=True),
    delivery=_VRP8_DELIVERY,
    unsupported=(Unsupported("nat", NO_INTERFACE_NAT), Unsupported("inbound_filter", NO_TRAFFIC_FILTER)),
    # sysname: 1-246 characters, spaces allowed (NE40E/CE6800 `sysname`): a schema-checked name always fits.
    limits=Limits(hostname_max=246, interface_description_max=242, acl_description_max=127, route_label_max=150),
    netconf_models="huawei-vrp8",
)

# CE switches (CE6800 class, VRP8): ports are Layer 2 until `undo portswitch`; a centralised
# GRE tunnel is named slot/card/number with the source interface's slot; no NAT at all.
_HUAWEI_CE = _HUAWEI_VRP8.changed(
    key="huawei_ce", os="ce", family="Huawei CE switch (VRP8)",
    render=_HUAWEI_VRP8.render._replace(tunnel_name="Tunnel{slot}/0/{n}", gre_source_binding=False,
                   car_direction_last=False, ports_layer2=True),
    delivery=_VRP8_DELIVERY.changed(shown_negations=("undo portswitch",)),
    unsupported=(Unsupported("nat", "the CE6800 command reference has no `nat` command: a CE switch does no NAT"),
                 Unsupported("inbound_filter", NO_TRAFFIC_FILTER),
                 Unsupported("rate_limit", "a CE switch polices with a named CAR profile (`qos car inbound <name>`) "
                                           "and has no documented outbound interface policing; configgen renders "
                                           "neither")),
    netconf_models=None,
)

PLATFORMS: dict[tuple[str, str], Platform] = {
    ("cisco", "ios"): _CISCO_IOS,
    # IOS-XE: the same CLI as IOS for configgen's services (docs/rendered-lines.md, "Cisco
    # IOS-XE"); the NETCONF-capable Cisco family.
    ("cisco", "iosxe"): _CISCO_IOS.changed(key="cisco_iosxe", os="iosxe", family="Cisco IOS-XE",
                                           netconf_models="cisco-iosxe-native", netconf_description_max=200),
    ("huawei", "vrp5"): _HUAWEI_VRP5,
    ("huawei", "vrp8"): _HUAWEI_VRP8,
    ("huawei", "ce"): _HUAWEI_CE,
}


class OnPlatform(Protocol):
    """What names a platform: an inventory `Device`, or a lab's simulated one."""

    @property
    def vendor(self) -> str: ...

    @property
    def os(self) -> str: ...


def platform_for(device: OnPlatform) -> Platform:
    """The platform of an inventory `Device` (schema guarantees the pair exists)."""
    return PLATFORMS[(device.vendor, device.os)]

