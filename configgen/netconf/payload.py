"""Per-device values -> vendor-native NETCONF XML (docs/netconf.md, "What the XML carries").

The input is the DeviceConfig the CLI templates print (configgen.services builders, merged
per device by configgen.render): every address, route, label, ACL rule and rate is decided
there once, and both forms spell the same values. Elements are built with ElementTree, so
inventory text is always character data, never markup.

Data paths (Huawei NE40E 8.22.0 models, Cisco IOS-XE 17.15.1 models; docs/netconf.md):
- Huawei: interfaces under huawei-ifm with their `type` (a tunnel's GRE settings exist
  only `when type='Tunnel'`, and the GRE source must be an interface of an Ethernet-like
  type), IPv4 under huawei-ip (exactly one `main` address), GRE under huawei-gre,
  `binding tunnel gre` as the public instance's gre/bind-src-interface-names, static
  routes with descriptions as huawei-routing unicast-route2 (the older list is deprecated).
- Cisco: everything under Cisco-IOS-XE-native with the tunnel, ACL, NAT and policy
  augmentations.

Each payload also records which services own which data paths, so that a node the models
reject is reported at the service (and inventory line) behind it.
"""

from __future__ import annotations

import ipaddress
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Callable, Iterable

from configgen.services.addressing import OWNER_MARK
from configgen.services.device import DeviceConfig
from configgen.services.model import Addressed, GreTunnel, Route, WanPolicy
from configgen.services.policy import AccessList, AclRule, RateLimit

NETCONF_BASE = "urn:ietf:params:xml:ns:netconf:base:1.0"

HUAWEI = {prefix: f"urn:huawei:yang:huawei-{module}" for prefix, module in (
    ("ifm", "ifm"), ("ip", "ip"), ("tnlm", "tunnel-management"), ("gre", "gre"), ("ni", "network-instance"),
    ("l3vpn", "l3vpn"), ("rt", "routing"))}
CISCO = {"ios": "http://cisco.com/ns/yang/Cisco-IOS-XE-native",
         "ios-tun": "http://cisco.com/ns/yang/Cisco-IOS-XE-tunnel",
         "ios-acl": "http://cisco.com/ns/yang/Cisco-IOS-XE-acl",
         "ios-nat": "http://cisco.com/ns/yang/Cisco-IOS-XE-nat",
         "ios-policy": "http://cisco.com/ns/yang/Cisco-IOS-XE-policy"}
for _prefix, _uri in (*HUAWEI.items(), *CISCO.items(), ("nc", NETCONF_BASE)):
    ET.register_namespace(_prefix, _uri)

# The public network instance and its IPv4 topology: where VRP8 keeps global routes.
HUAWEI_PUBLIC = "_public_"
HUAWEI_TOPOLOGY = "base"


@dataclass
class Payload:
    """One device's NETCONF configuration: top-level data elements (each one datastore
    subtree) and, per data path prefix (libyang's path format), the services behind it."""

    device: str
    models: str                                  # Platform.netconf_models
    elements: list[ET.Element] = field(default_factory=list)
    owners: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # What marks configgen's objects on the device (configgen.push.ownership, as render
    # hands it to the CLI push): its route labels and the services/PBXs rendered on it.
    route_labels: frozenset[str] = frozenset()
    owner_names: frozenset[str] = frozenset()

    def data(self) -> str:
        """The data elements one after another: what libyang parses."""
        return "".join(ET.tostring(e, encoding="unicode") for e in self.elements)

    def xml(self) -> str:
        """The `<config>` element an `<edit-config>` carries (build/<device>.xml)."""
        config = ET.Element(f"{{{NETCONF_BASE}}}config")
        config.extend(self.elements)
        ET.indent(config)
        return ET.tostring(config, encoding="unicode") + "\n"

    def services_at(self, path: str) -> tuple[str, ...]:
        """The services owning the longest recorded prefix of `path` (none: device-wide);
        a prefix recorded for several services (NAT of two internet lines) names them all."""
        best = max((prefix for prefix, _ in self.owners if path.startswith(prefix)), key=len, default=None)
        owners: list[str] = []
        for prefix, services in self.owners:
            if prefix == best:
                owners.extend(s for s in services if s not in owners)
        return tuple(owners)


def owner_of(description: str) -> str | None:
    """The service named by an owner marker (`configgen:<service> ...`)."""
    if description.startswith(OWNER_MARK):
        return description[len(OWNER_MARK):].split(" ", 1)[0]
    return None


def route_owner(route: Route, services: Iterable[str]) -> tuple[str, ...]:
    """The service a route label (`<SERVICE>-<ROLE>`, services.addressing.route_label) belongs to:
    the longest service name that prefixes it (names may contain '-')."""
    label = route.name
    matches = [s for s in services if label == s.upper() or label.startswith(s.upper() + "-")]
    return (max(matches, key=len),) if matches else ()


def _sub(parent: ET.Element, ns: str, *tags: str, text: object = None) -> ET.Element:
    """Descend (creating) through `tags` in namespace `ns`; set the last one's text."""
    node = parent
    for tag in tags:
        node = ET.SubElement(node, f"{{{ns}}}{tag}")
    if text is not None:
        node.text = str(text)
    return node


def _path_key(value: object) -> str:
    return f"'{value}'" if "'" not in str(value) else f'"{value}"'


# ---- Huawei VRP8 (NE40E class) ------------------------------------------------------------

# An interface's huawei-ifm `type` is its name without the number (`GigabitEthernet0/1/0`,
# `100GE1/0/1`, `Eth-Trunk1`, `Tunnel1`).
_HUAWEI_TYPE = re.compile(r"(\d+GE|[A-Za-z][A-Za-z-]*?)(?=\d)")


def huawei_type(name: str) -> str:
    match = _HUAWEI_TYPE.match(name)
    return match.group(1) if match else name


def _huawei(config: DeviceConfig, services: list[str]) -> Payload:
    ifm_ns, ip_ns = HUAWEI["ifm"], HUAWEI["ip"]
    payload = Payload(config.name, "huawei-vrp8")
    ifm = ET.Element(f"{{{ifm_ns}}}ifm")
    interfaces = _sub(ifm, ifm_ns, "interfaces")
    ifm_path = "/huawei-ifm:ifm/interfaces/interface[name={}]"

    def interface(name: str, description: str, owners: Iterable[str]) -> ET.Element:
        node = _sub(interfaces, ifm_ns, "interface")
        _sub(node, ifm_ns, "name", text=name)
        _sub(node, ifm_ns, "type", text=huawei_type(name))
        _sub(node, ifm_ns, "description", text=description)
        payload.owners.append((ifm_path.format(_path_key(name)), tuple(owners)))
        return node

    def main_address(node: ET.Element, addressed: Addressed) -> None:
        entry = _sub(node, ip_ns, "ipv4", "addresses", "address")
        _sub(entry, ip_ns, "ip", text=addressed.ip)
        _sub(entry, ip_ns, "mask", text=addressed.mask)
        _sub(entry, ip_ns, "type", text="main")

    for item in config.interfaces:
        if item.inbound_acl or item.rate_limit or item.nat or item.static_nat:
            # VRP8 refuses internet lines (configgen.platforms: no traffic-filter, no interface NAT)
            raise ValueError(f"{config.name}: {item.name} carries internet-line features no VRP8 payload has; "
                             "validation should have refused this")
        node = interface(item.name, item.description, item.owners)
        if item.address:
            main_address(node, item)
    for section in config.sections:
        tunnel = section.values
        if not isinstance(tunnel, GreTunnel):
            raise ValueError(f"{config.name}: no VRP8 NETCONF payload for {section.template}")
        node = interface(tunnel.name, tunnel.description, [owner_of(tunnel.description) or ""])
        if tunnel.unnumbered:
            _sub(node, ip_ns, "ipv4", "unnumbered-address", "unnumbered-if-name", text=tunnel.unnumbered)
        else:
            main_address(node, tunnel)
        gre = _sub(node, HUAWEI["tnlm"], "tunnel-protocol")
        gre = _sub(gre, HUAWEI["gre"], "gre-tunnel")
        _sub(gre, HUAWEI["gre"], "if-name", text=tunnel.source)
        _sub(gre, HUAWEI["gre"], "destination", "address", text=tunnel.destination)
    payload.elements.append(ifm)

    ni_ns, rt_ns = HUAWEI["ni"], HUAWEI["rt"]
    network_instance = ET.Element(f"{{{ni_ns}}}network-instance")
    instance = _sub(network_instance, ni_ns, "instances", "instance")
    _sub(instance, ni_ns, "name", text=HUAWEI_PUBLIC)
    bound = [i for i in config.interfaces if i.gre_source]
    if bound:
        gre = _sub(instance, HUAWEI["gre"], "gre")
        for item in bound:
            _sub(gre, HUAWEI["gre"], "bind-src-interface-names", text=item.name)
            payload.owners.append((f"/huawei-network-instance:network-instance/instances/instance[name='_public_']/"
                                   f"huawei-gre:gre/bind-src-interface-names[.={_path_key(item.name)}]",
                                   tuple(item.owners)))
    af = _sub(instance, HUAWEI["l3vpn"], "afs", "af")
    _sub(af, HUAWEI["l3vpn"], "type", text="ipv4-unicast")
    routes = _sub(af, rt_ns, "routing", "static-routing", "unicast-route2s")
    route_path = ("/huawei-network-instance:network-instance/instances/instance[name='_public_']/huawei-l3vpn:afs/"
                  "af[type='ipv4-unicast']/huawei-routing:routing/static-routing/unicast-route2s/"
                  "unicast-route2[topology-name='base'][prefix='{}'][mask-length='{}']")
    for route in config.routes:
        node = _sub(routes, rt_ns, "unicast-route2")
        _sub(node, rt_ns, "topology-name", text=HUAWEI_TOPOLOGY)
        _sub(node, rt_ns, "prefix", text=route.network)
        _sub(node, rt_ns, "mask-length", text=route.prefix.prefixlen)
        if _is_address(route.next_hop):
            hop = _sub(node, rt_ns, "nexthop-addresses", "nexthop-address")
            _sub(hop, rt_ns, "address", text=route.next_hop)
        else:
            hop = _sub(node, rt_ns, "nexthop-interfaces", "nexthop-interface")
            _sub(hop, rt_ns, "interface-name", text=route.next_hop)
        _sub(hop, rt_ns, "description", text=route.name)
        payload.owners.append((route_path.format(route.network, route.prefix.prefixlen), route_owner(route, services)))
    payload.elements.append(network_instance)
    return payload


def _is_address(text: str) -> bool:
    return re.fullmatch(r"\d+\.\d+\.\d+\.\d+", text) is not None


# ---- Cisco IOS-XE -----------------------------------------------------------------------

_CISCO_NAME = re.compile(r"([A-Za-z][A-Za-z-]*?)(\d.*)")


def cisco_interface_key(name: str) -> tuple[str, str]:
    """`GigabitEthernet0/0/1` -> ("GigabitEthernet", "0/0/1"): the native model has one list
    per interface type, keyed by the number."""
    match = _CISCO_NAME.fullmatch(name)
    if match is None:
        raise ValueError(f"{name}: not an IOS-XE interface name (a type followed by its number)")
    return match.group(1), match.group(2)


def _wildcard(network: ipaddress.IPv4Network) -> tuple[str, str]:
    return str(network.network_address), str(network.hostmask)


def _cisco_acl_rule(rule: AclRule, parent: ET.Element) -> None:
    ns = CISCO["ios-acl"]
    ace = _sub(parent, ns, "ace-rule")
    _sub(ace, ns, "action", text=rule.action)
    _sub(ace, ns, "protocol", text=rule.protocol)
    for side, network, port in (("src", rule.source, rule.source_port), ("dst", rule.destination, rule.destination_port)):
        if network is None:
            _sub(ace, ns, "any" if side == "src" else "dst-any", text="")
        elif network.prefixlen == 32:
            # `host-address`/`dst-host-address`: Cisco-IOS-XE-acl marks `host`/`dst-host` deprecated.
            _sub(ace, ns, "host-address" if side == "src" else "dst-host-address", text=network.network_address)
        else:
            address, wildcard = _wildcard(network)
            _sub(ace, ns, "ipv4-address" if side == "src" else "dest-ipv4-address", text=address)
            _sub(ace, ns, "mask" if side == "src" else "dest-mask", text=wildcard)
        if port is not None:
            _sub(ace, ns, f"{side}-eq", text=port)
    if rule.established:
        _sub(ace, ns, "established", text="")
    if rule.icmp_type:
        _sub(ace, ns, "named-msg-type", text=rule.icmp_type)


def _cisco(config: DeviceConfig, services: list[str]) -> Payload:
    ns = CISCO["ios"]
    payload = Payload(config.name, "cisco-iosxe-native")
    native = ET.Element(f"{{{ns}}}native")
    interfaces = _sub(native, ns, "interface")
    ip = _sub(native, ns, "ip")
    lists = _sub(ip, ns, "access-list")
    native_path = "/Cisco-IOS-XE-native:native"

    def interface(name: str, description: str, owners: Iterable[str]) -> ET.Element:
        kind, number = cisco_interface_key(name)
        node = _sub(interfaces, ns, kind)
        _sub(node, ns, "name", text=number)
        _sub(node, ns, "description", text=description)
        payload.owners.append((f"{native_path}/interface/{kind}[name={_path_key(number)}]", tuple(owners)))
        return node

    def primary(node: ET.Element, addressed: Addressed) -> ET.Element:
        ip_node = _sub(node, ns, "ip")
        address_node = _sub(ip_node, ns, "address", "primary")
        _sub(address_node, ns, "address", text=addressed.ip)
        _sub(address_node, ns, "mask", text=addressed.mask)
        return ip_node

    for item in config.interfaces:
        node = interface(item.name, item.description, item.owners)
        if item.bandwidth_kbps:
            _sub(node, ns, "bandwidth", "kilobits", text=item.bandwidth_kbps)
        ip_node = primary(node, item) if item.address else _sub(node, ns, "ip")
        if item.inbound_acl:
            acl = _sub(ip_node, ns, "access-group", "in", "acl")
            _sub(acl, ns, "acl-name", text=item.inbound_acl.name)
            _sub(acl, ns, "in", text="")
        if item.nat:
            _sub(ip_node, CISCO["ios-nat"], "nat", item.nat, text="")
        if item.rate_limit:
            policy = _sub(node, CISCO["ios-policy"], "service-policy")
            _sub(policy, CISCO["ios-policy"], "input", text=item.rate_limit.policy)
            _sub(policy, CISCO["ios-policy"], "output", text=item.rate_limit.policy)
    nat: ET.Element | None = None
    static: ET.Element | None = None
    for section in config.sections:
        values = section.values
        if isinstance(values, GreTunnel):
            node = interface(values.name, values.description, [owner_of(values.description) or ""])
            if values.unnumbered:
                _sub(node, ns, "ip", "unnumbered", text=values.unnumbered)
            else:
                primary(node, values)
            tunnel = _sub(node, CISCO["ios-tun"], "tunnel")
            _sub(tunnel, CISCO["ios-tun"], "source", text=values.source)
            _sub(tunnel, CISCO["ios-tun"], "destination-config", "ipv4", text=values.destination)
        elif isinstance(values, WanPolicy):
            # NAT, filter and policing are stored once, on the line's WAN interface.
            wan_interface = values.wan
            security_policy, nat_acl = wan_interface.inbound_acl, wan_interface.nat_source_acl
            assert security_policy is not None and wan_interface.rate_limit is not None, "every internet line has both"
            owner = (owner_of(security_policy.description) or "",)
            _cisco_police(native, wan_interface.rate_limit, owner, payload)
            for access_list in (nat_acl, security_policy):
                if access_list is not None:
                    _cisco_acl(lists, access_list, owner, payload)
            if nat_acl is not None or wan_interface.static_nat:
                if nat is None:
                    nat = _sub(ip, CISCO["ios-nat"], "nat", "inside", "source")
                if nat_acl is not None:
                    entry = _sub(nat, CISCO["ios-nat"], "list-interface", "list")
                    _sub(entry, CISCO["ios-nat"], "id", text=nat_acl.number)
                    wan = _sub(entry, CISCO["ios-nat"], "interface")
                    _sub(wan, CISCO["ios-nat"], "name", text=wan_interface.name)
                    _sub(wan, CISCO["ios-nat"], "overload-new", text="")
                for mapping in wan_interface.static_nat:
                    if static is None:     # one container for every mapping of every line
                        static = _sub(nat, CISCO["ios-nat"], "static")
                    if mapping.protocol:
                        entry = _sub(static, CISCO["ios-nat"], "nat-static-transport-list-port-fwd")
                        _sub(entry, CISCO["ios-nat"], "protocol", text=mapping.protocol)
                        _sub(entry, CISCO["ios-nat"], "local-ip", text=mapping.inside)
                        _sub(entry, CISCO["ios-nat"], "local-port", text=mapping.port)
                        _sub(entry, CISCO["ios-nat"], "global-ip", text=mapping.public)
                        _sub(entry, CISCO["ios-nat"], "global-port", text=mapping.port)
                    else:
                        entry = _sub(static, CISCO["ios-nat"], "nat-static-transport-list")
                        _sub(entry, CISCO["ios-nat"], "local-ip", text=mapping.inside)
                        _sub(entry, CISCO["ios-nat"], "global-ip", text=mapping.public)
            if nat is not None:
                payload.owners.append((f"{native_path}/ip/Cisco-IOS-XE-nat:nat", owner))
        else:
            raise ValueError(f"{config.name}: no IOS-XE NETCONF payload for {section.template}")
    routes = _sub(ip, ns, "route")
    for route in config.routes:
        entry = _sub(routes, ns, "ip-route-interface-forwarding-list")
        _sub(entry, ns, "prefix", text=route.network)
        _sub(entry, ns, "mask", text=route.mask)
        hop = _sub(entry, ns, "fwd-list")
        _sub(hop, ns, "fwd", text=route.next_hop)
        _sub(hop, ns, "name", text=route.name)
        payload.owners.append((f"{native_path}/ip/route/ip-route-interface-forwarding-list"
                               f"[prefix='{route.network}'][mask='{route.mask}']", route_owner(route, services)))
    payload.elements.append(native)
    return payload


def _cisco_acl(lists: ET.Element, acl: AccessList, owner: tuple[str, ...], payload: Payload) -> None:
    ns = CISCO["ios-acl"]
    name = str(acl.number) if acl.number is not None else acl.name
    kind = "standard" if acl.kind == "source" else "extended"
    node = _sub(lists, ns, kind)
    _sub(node, ns, "name", text=name)
    for rule in acl.rules:
        entry = _sub(node, ns, "access-list-seq-rule")
        _sub(entry, ns, "sequence", text=rule.sequence)
        if kind == "standard":
            ace = _sub(entry, ns, rule.action, "std-ace")
            if rule.source is None:
                _sub(ace, ns, "any", text="")
            elif rule.source.prefixlen == 32:
                _sub(ace, ns, "host-address", text=rule.source.network_address)  # `host` is deprecated
            else:
                address, wildcard = _wildcard(rule.source)
                _sub(ace, ns, "ipv4-address-prefix", text=address)
                _sub(ace, ns, "mask", text=wildcard)
        else:
            _cisco_acl_rule(rule, entry)
    payload.owners.append((f"/Cisco-IOS-XE-native:native/ip/access-list/Cisco-IOS-XE-acl:{kind}"
                           f"[name={_path_key(name)}]", owner))


def _cisco_police(native: ET.Element, limit: RateLimit, owner: tuple[str, ...], payload: Payload) -> None:
    ns = CISCO["ios-policy"]
    policy = _sub(native, CISCO["ios"], "policy")
    policy_map = _sub(policy, ns, "policy-map")
    _sub(policy_map, ns, "name", text=limit.policy)
    _sub(policy_map, ns, "description", text=limit.description)
    klass = _sub(policy_map, ns, "class")
    _sub(klass, ns, "name", text="class-default")
    action = _sub(klass, ns, "action-list")
    _sub(action, ns, "action-type", text="police")
    police = _sub(action, ns, "police-target-bitrate", "police")
    _sub(police, ns, "bit-rate", text=limit.police_bps)
    actions = _sub(police, ns, "actions")
    _sub(actions, ns, "conform-transmit", "conform-action", "transmit", text="")
    _sub(actions, ns, "exceed-drop", "exceed-action", "drop", text="")
    payload.owners.append((f"/Cisco-IOS-XE-native:native/policy/Cisco-IOS-XE-policy:policy-map"
                           f"[name={_path_key(limit.policy)}]", owner))


BUILDERS: dict[str, Callable[[DeviceConfig, list[str]], Payload]] = {
    "huawei-vrp8": _huawei,
    "cisco-iosxe-native": _cisco,
}


def build_payload(config: DeviceConfig, services: list[str]) -> Payload:
    """`config`'s NETCONF payload; `services`: the names of the services on the device
    (route labels are attributed to them)."""
    models = config.platform.netconf_models
    if models is None:
        raise ValueError(f"{config.name}: {config.platform.family} has no NETCONF payload")
    payload = BUILDERS[models](config, services)
    payload.route_labels, payload.owner_names = frozenset(config.route_labels), frozenset(config.owners)
    return payload
