"""NETCONF payloads (issue 12): built from the same per-device values as the CLI configs;
`transport: netconf` only where the vendor publishes models; render writes <device>.xml."""

from __future__ import annotations

import ipaddress
import re
import xml.etree.ElementTree as ET

import pytest

from configgen import api
from configgen.cli import main
from tests.conftest import INVENTORIES


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(node, name):
    return [c for c in node if _local(c.tag) == name]


def _text(node, name):
    found = _children(node, name)
    return found[0].text if found else None


def _walk(root, name):
    return [n for n in root.iter() if _local(n.tag) == name]


def _mask(length: int) -> str:
    return str(ipaddress.IPv4Network(f"0.0.0.0/{length}").netmask)


def cli_values(text: str) -> dict:
    """Addresses, routes (with labels), rates, tunnel destinations and descriptions in a CLI config."""
    return {
        "addresses": set(re.findall(r"^ ip address (\d\S+) (\S+)$", text, re.M)),
        "unnumbered": set(re.findall(r"^ ip (?:address )?unnumbered (?:interface )?(\S+)$", text, re.M)),
        "routes": {(n, m, h, label) for n, m, h, label in
                   re.findall(r"^ip route(?:-static)? (\S+) (\S+) (\S+) (?:name|description) (\S+)$", text, re.M)},
        "rates": {int(r) for r in re.findall(r"police cir (\d+)", text)}
                 | {int(r) * 1000 for r in re.findall(r"qos car (?:\w+ )?cir (\d+)", text)},
        "destinations": set(re.findall(r"^ (?:tunnel )?destination (\S+)$", text, re.M)),
        "descriptions": set(re.findall(r"^ description (.+)$", text, re.M)),
    }


def xml_values(text: str) -> dict:
    root = ET.fromstring(text)
    routes = set()
    for entry in _walk(root, "ip-route-interface-forwarding-list"):          # Cisco
        for hop in _children(entry, "fwd-list"):
            routes.add((_text(entry, "prefix"), _text(entry, "mask"), _text(hop, "fwd"), _text(hop, "name")))
    route_descriptions = set()
    for entry in _walk(root, "unicast-route2"):                              # Huawei
        for hop in _walk(entry, "nexthop-address") + _walk(entry, "nexthop-interface"):
            via = _text(hop, "address") or _text(hop, "interface-name")
            routes.add((_text(entry, "prefix"), _mask(int(_text(entry, "mask-length"))), via, _text(hop, "description")))
            route_descriptions.add(_text(hop, "description"))
    addresses = {(_text(n, "address"), _text(n, "mask")) for n in _walk(root, "primary")}
    addresses |= {(_text(n, "ip"), _text(n, "mask")) for n in _walk(root, "address") if _text(n, "ip")}
    return {
        "addresses": addresses,
        "unnumbered": {n.text for n in _walk(root, "unnumbered") + _walk(root, "unnumbered-if-name") if n.text},
        "routes": routes,
        "rates": {int(n.text) for n in _walk(root, "bit-rate")} | {int(n.text) * 1000 for n in _walk(root, "cir-value")},
        "destinations": {n.text for n in _walk(root, "ipv4") if n.text and n.text.strip()}
                        | {_text(n, "address") for n in _walk(root, "destination") if _text(n, "address")},
        "descriptions": {n.text for n in _walk(root, "description")} - route_descriptions,
    }


def _same_values(device: str, cli_text: str, xml_text: str) -> dict:
    """The values of `device`'s CLI config, asserted equal to its XML payload's."""
    cli, xml = cli_values(cli_text), xml_values(xml_text)
    for what in cli:
        assert cli[what] == xml[what], f"{device}: {what} differ between the CLI and the XML form"
    return cli


def test_cli_and_xml_forms_of_every_bundled_netconf_device_carry_the_same_values():
    result = api.render([INVENTORIES])
    assert result.checked.ok
    assert {"ez-steel-ce", "sy-water-pe"} <= set(result.payloads), "the bundled example has one device per vendor"
    for device, xml in result.payloads.items():
        cli = _same_values(device, result.configs[device], xml)
        assert cli["addresses"] and cli["routes"] and cli["descriptions"], device
    assert cli_values(result.configs["ez-steel-ce"])["rates"] == {10_000_000}


def test_render_writes_xml_beside_the_cfg_only_for_netconf_devices(tmp_path, capsys):
    out = tmp_path / "build"
    assert main(["render", str(INVENTORIES / "examples"), "-o", str(out)]) == 0
    assert {p.name for p in out.glob("*.xml")} == {"ez-steel-ce.xml", "sy-water-pe.xml"}
    assert (out / "wh-port-ce.cfg").is_file() and not (out / "wh-port-ce.xml").exists()
    ET.fromstring((out / "sy-water-pe.xml").read_text())     # well-formed
    assert not list(out.glob(".*.tmp")), "no temporary file left behind"


def test_huawei_tunnel_carries_its_type_and_the_wan_is_bound_to_gre():
    xml = ET.fromstring(api.render([INVENTORIES / "examples" / "netconf-iosxe-vrp8.yaml"]).payloads["sy-water-pe"])
    tunnel = next(i for i in _walk(xml, "interface") if _text(i, "name") == "Tunnel4")
    assert _text(tunnel, "type") == "Tunnel"
    assert [n.text for n in _walk(xml, "bind-src-interface-names")] == ["GigabitEthernet0/1/0"]
    wan = next(i for i in _walk(xml, "interface") if _text(i, "name") == "GigabitEthernet0/1/0")
    assert [_text(a, "type") for a in _walk(wan, "address")] == ["main"]


def _vrp8_pe_with_service_a(field: str = "", more: str = "") -> str:
    """An inventory: VRP8 router `pe` over NETCONF with GPRS VPN `a` (plus `field` in it),
    then the services in `more`."""
    return f"""
        operator: {{name: Hubei Mobile}}
        devices:
          pe: {{vendor: huawei, os: vrp8, host: 192.0.2.70, transport: netconf}}
        services:
          - {{kind: gprs_vpn, name: a, device: pe, apn: A.HB, tunnel: 1, terminal_pools: [10.166.80.0/24], {field}
             wan: {{interface: GigabitEthernet0/1/0, address: 10.166.0.30/30}},
             lan: {{interface: GigabitEthernet0/2/0, address: 172.16.80.1/24}}}}
    """ + more


def test_two_services_sharing_a_wan_port_give_it_one_main_address(write_yaml):
    path = write_yaml(_vrp8_pe_with_service_a(more="""
          - {kind: gprs_vpn, name: b, device: pe, apn: B.HB, tunnel: 2, terminal_pools: [10.166.81.0/24],
             gre_endpoint: 211.137.63.14,
             wan: {interface: GigabitEthernet0/1/0, address: 10.166.0.30/30},
             lan: {interface: GigabitEthernet0/2/1, address: 172.16.81.1/24}}
    """))
    result = api.render(path)
    assert result.checked.ok, [str(f) for f in result.checked.findings]
    xml = ET.fromstring(result.payloads["pe"])
    wan = [i for i in _walk(xml, "interface") if _text(i, "name") == "GigabitEthernet0/1/0"]
    assert len(wan) == 1 and len(_walk(wan[0], "address")) == 1


@pytest.mark.parametrize("vendor, os", [("cisco", "ios"), ("huawei", "vrp5"), ("huawei", "ce")])
def test_netconf_on_a_family_without_published_models_is_a_finding(write_yaml, vendor, os):
    path = write_yaml(f"""
        devices:
          r9: {{vendor: {vendor}, os: {os}, host: 192.0.2.9, transport: netconf}}
    """)
    findings = api.check(path).findings
    refused = [f for f in findings if f.code == "netconf-unsupported"]
    assert len(refused) == 1
    assert refused[0].field == "devices.r9.transport" and refused[0].line == 2
    assert "r9" in refused[0].message and f"os: {os}" in refused[0].message and "transport: ssh" in refused[0].message


def test_netconf_on_iosxe_and_vrp8_is_accepted_and_ssh_is_the_default(write_yaml):
    path = write_yaml("""
        devices:
          a: {vendor: cisco, os: iosxe, host: 192.0.2.10, transport: netconf}
          b: {vendor: huawei, os: vrp8, host: 192.0.2.11, transport: netconf}
          c: {vendor: huawei, os: vrp8, host: 192.0.2.12}
    """)
    checked = api.check(path)
    assert not [f for f in checked.findings if f.code == "netconf-unsupported"]
    assert checked.inventory.devices["c"].transport == "ssh"


def test_an_unknown_transport_is_a_schema_finding(write_yaml, capsys):
    path = write_yaml("""
        devices:
          a: {vendor: cisco, os: iosxe, host: 192.0.2.10, transport: telnet}
    """)
    assert main(["validate", str(path)]) == 1
    shown = capsys.readouterr()
    assert "devices.a.transport" in shown.out + shown.err


def test_a_voice_gateway_over_netconf_is_refused(write_yaml):
    text = (INVENTORIES / "hubei-vpmn-pbx.yaml").read_text()
    assert "transport" not in text
    gateway = re.search(r"^\s+gateway: (\S+)", text, re.M).group(1)
    text = re.sub(r"^(\s+)vendor: cisco\n\s+os: ios$", r"\1vendor: cisco\n\1os: iosxe\n\1transport: netconf", text,
                  count=1, flags=re.M)
    assert "transport: netconf" in text
    path = write_yaml(text)
    refused = [f for f in api.check(path).findings if f.code == "netconf-unsupported"]
    assert len(refused) == 1 and gateway in refused[0].message and "PBX" in refused[0].message


def test_inventory_text_stays_text_in_the_xml(write_yaml):
    path = write_yaml(_vrp8_pe_with_service_a(
        field='description: "x</description><type>Virtual-Template</type><description>",'))
    result = api.render(path)
    if not result.checked.ok:      # refused as unsafe text: nothing rendered at all
        assert not result.payloads
        return
    xml = ET.fromstring(result.payloads["pe"])
    assert [n.text for n in _walk(xml, "type") if n.text == "Virtual-Template"] == []


def every_bundled_device_as_netconf():
    """(device, CLI text, Payload) for every bundled device a NETCONF family could carry:
    VRP8 routers as they are, Cisco IOS routers as IOS-XE (the same CLI, docs/rendered-lines.md);
    PBX gateways have no payload (refused over NETCONF)."""
    from configgen.netconf.devices import services_on
    from configgen.netconf.payload import build_payload
    from configgen.platforms import PLATFORMS
    from configgen.render import build_device_configs, make_environment, render_device

    inventory = api.check([INVENTORIES]).inventory
    gateways = {pbx.gateway for group in inventory.vpmn for pbx in group.pbx}
    env = make_environment()
    for name, config in sorted(build_device_configs(inventory).items()):
        if config.platform.key == "cisco_ios":
            config.platform = PLATFORMS[("cisco", "iosxe")]
        if config.platform.netconf_models is None or name in gateways:
            continue
        yield name, render_device(config, env), build_payload(config, services_on(inventory, name)), inventory


def test_cli_and_xml_agree_for_every_bundled_router_a_netconf_family_could_carry():
    seen = set()
    for device, cli_text, payload, _ in every_bundled_device_as_netconf():
        _same_values(device, cli_text, payload.xml())
        seen.add(payload.models)
    assert seen == {"huawei-vrp8", "cisco-iosxe-native"}
