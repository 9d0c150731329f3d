"""Push over NETCONF removes what configgen no longer renders, by the CLI push's ownership
rules (configgen.push.ownership, configgen.netconf.owned): a route whose label configgen
renders on the device (a terminal pool dropped from the inventory), a tunnel carrying the
owner marker of a service on the device (renumbered in the inventory). A foreign look-alike
route or tunnel, and everything of a service removed from the inventory, stay. Through
ncclient against the lab's NETCONF servers (libyang-validated datastores)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from configgen.cli import main
from tests.conftest import INVENTORIES

pytest.importorskip("ncclient")
EXAMPLE = INVENTORIES / "examples" / "netconf-iosxe-vrp8.yaml"
DEVICE = {"huawei": "sy-water-pe", "cisco": "ez-steel-ce"}

# Foreign objects planted on the devices before the first push: a route whose description
# merely starts with a service's label, a tunnel without configgen's marker.
FOREIGN = {
    "huawei": (
        '<network-instance xmlns="urn:huawei:yang:huawei-network-instance"><instances><instance>'
        '<name>_public_</name><afs xmlns="urn:huawei:yang:huawei-l3vpn"><af><type>ipv4-unicast</type>'
        '<routing xmlns="urn:huawei:yang:huawei-routing"><static-routing><unicast-route2s><unicast-route2>'
        '<topology-name>base</topology-name><prefix>10.99.0.0</prefix><mask-length>24</mask-length>'
        '<nexthop-addresses><nexthop-address><address>10.166.0.25</address>'
        '<description>SY-WATER-POOL2-BACKUP</description></nexthop-address></nexthop-addresses>'
        '</unicast-route2></unicast-route2s></static-routing></routing></af></afs></instance></instances>'
        '</network-instance>'
        '<ifm xmlns="urn:huawei:yang:huawei-ifm"><interfaces><interface><name>Tunnel9</name><type>Tunnel</type>'
        '<description>NOC backup to DC2</description></interface></interfaces></ifm>'),
    "cisco": (
        '<native xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-native"><ip><route>'
        '<ip-route-interface-forwarding-list><prefix>10.99.0.0</prefix><mask>255.255.255.0</mask>'
        '<fwd-list><fwd>10.166.0.21</fwd><name>EZ-STEEL-GPRS-MGMT-BACKUP</name></fwd-list>'
        '</ip-route-interface-forwarding-list></route></ip>'
        '<interface><Tunnel><name>9</name><description>NOC backup to DC2</description></Tunnel></interface>'
        '</native>'),
}


@pytest.fixture
def login(monkeypatch):
    monkeypatch.setenv("CONFIGGEN_USERNAME", "lab")
    monkeypatch.setenv("CONFIGGEN_PASSWORD", "lab-secret")


def _inventory(write_yaml, server, kind, *edits):
    """The example, `kind`'s device on the lab server `server`; `edits`: (old, new) text."""
    text = EXAMPLE.read_text()
    name = DEVICE[kind]
    text = text.replace(f"  {name}: {{", f"  {name}: {{netconf_port: {server.port}, ")
    text = text.replace("host: 192.0.2.61", "host: 127.0.0.1, port: 2261").replace(
        "host: 192.0.2.62", "host: 127.0.0.1, port: 2262")
    text = text.replace("terminal_pools: [10.166.60.0/24]", "terminal_pools: [10.166.60.0/24, 10.166.61.0/24]")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    return write_yaml(text)


def _push(capsys, path, device, known_hosts, *argv):
    code = main(["push", str(path), "--device", device, "--known-hosts", str(known_hosts), "--format", "json",
                 *map(str, argv)])
    out = capsys.readouterr().out
    return code, {d["device"]: d for d in json.loads(out)["devices"]}[device]


def _plant(server, document):
    """Configuration someone else put on the device: merged into its committed datastore."""
    server.running = server.candidate = server.models.merge(server.running, document)


def _start(netconf_lab, kind):
    server = netconf_lab.start(kind)
    _plant(server, FOREIGN[kind])
    return server


OPERATION = "{urn:ietf:params:xml:ns:netconf:base:1.0}operation"
# The pool each test drops: the Huawei example's second, the IOS-XE one added above.
POOL = {"huawei": "10.166.71.0", "cisco": "10.166.61.0"}
LOOKALIKE = {"huawei": "SY-WATER-POOL2-BACKUP", "cisco": "EZ-STEEL-GPRS-MGMT-BACKUP"}
TUNNEL = {"huawei": ("tunnel: 4", "tunnel: 6", "Tunnel4", "Tunnel6"), "cisco": ("tunnel: 3", "tunnel: 5", "3", "5")}


def _local(element):
    return element.tag.rsplit("}", 1)[-1]


def _deleted(commands):
    """The entries an edit-config marks with an operation: (list name, its leaves)."""
    import xml.etree.ElementTree as ET

    config = ET.fromstring("\n".join(commands))
    return [(_local(e), {_local(c): (c.text or "").strip() for c in e}) for e in config.iter() if e.get(OPERATION)]


def _tunnels(running):
    """Names of the tunnels in a running datastore (Huawei interfaces of type Tunnel, IOS-XE Tunnel)."""
    import xml.etree.ElementTree as ET

    names = set()
    for element in ET.fromstring(f"<root>{running}</root>").iter():
        if _local(element) == "Tunnel" and len(element):
            names.add(next(c.text for c in element if _local(c) == "name"))
        if _local(element) == "interface" and any(_local(c) == "type" and c.text == "Tunnel" for c in element):
            names.add(next(c.text for c in element if _local(c) == "name"))
    return names


@pytest.mark.parametrize("kind", ["huawei", "cisco"])
def test_a_dropped_terminal_pools_route_is_deleted_and_foreign_look_alikes_stay(netconf_lab, write_yaml, login,
                                                                                capsys, kind):
    server, device, pool = _start(netconf_lab, kind), DEVICE[kind], POOL[kind]
    code, result = _push(capsys, _inventory(write_yaml, server, kind), device, netconf_lab.known_hosts)
    assert code == 0 and result["status"] == "changed" and pool in server.running

    dropped = _inventory(write_yaml, server, kind, (f", {pool}/24", ""))
    before = server.running
    code, result = _push(capsys, dropped, device, netconf_lab.known_hosts, "--dry-run")
    assert code == 0 and result["status"] == "planned" and server.running == before
    # Only deletions are needed (the payload is on the device already): still a change,
    # and the dry run shows it: the route entry, by its keys only.
    [(name, leaves)] = _deleted(result["commands"])
    if kind == "huawei":
        assert name == "unicast-route2"
        assert leaves == {"topology-name": "base", "prefix": pool, "mask-length": "24"}
    else:
        assert name == "ip-route-interface-forwarding-list" and leaves == {"prefix": pool, "mask": "255.255.255.0"}

    code, result = _push(capsys, dropped, device, netconf_lab.known_hosts)
    assert code == 0 and result["status"] == "changed", result
    assert pool not in server.running and pool not in server.candidate
    assert "10.99.0.0" in server.running and LOOKALIKE[kind] in server.running     # foreign look-alike route
    assert "NOC backup to DC2" in server.running                                    # foreign tunnel
    code, result = _push(capsys, dropped, device, netconf_lab.known_hosts)
    assert code == 0 and result["status"] == "unchanged"


@pytest.mark.parametrize("kind", ["huawei", "cisco"])
def test_a_renumbered_tunnel_is_deleted_and_a_foreign_one_stays(netconf_lab, write_yaml, login, capsys, kind):
    server, device = _start(netconf_lab, kind), DEVICE[kind]
    old_setting, new_setting, old, new = TUNNEL[kind]
    code, result = _push(capsys, _inventory(write_yaml, server, kind), device, netconf_lab.known_hosts)
    assert code == 0 and _tunnels(server.running) == {old, "Tunnel9" if kind == "huawei" else "9"}

    renumbered = _inventory(write_yaml, server, kind, (old_setting, new_setting))
    code, result = _push(capsys, renumbered, device, netconf_lab.known_hosts)
    assert code == 0 and result["status"] == "changed", result
    assert _tunnels(server.running) == {new, "Tunnel9" if kind == "huawei" else "9"}
    deleted = _deleted(result["commands"])
    assert ("Tunnel" if kind == "cisco" else "interface", {"name": old}) in deleted
    # The routes into the old tunnel went with it (their labels are configgen's), the
    # new ones go into the new tunnel.
    code, result = _push(capsys, renumbered, device, netconf_lab.known_hosts)
    assert code == 0 and result["status"] == "unchanged"


OPENED_PORT_80 = (
    ("      - {public: 211.137.202.10, inside: 192.168.60.20, protocol: tcp, port: 443}\n",
     "      - {public: 211.137.202.10, inside: 192.168.60.20, protocol: tcp, port: 443}\n"
     "      - {public: 211.137.202.10, inside: 192.168.60.20, protocol: tcp, port: 80}\n"),
    ("      - {protocol: tcp, port: 443, to: 211.137.202.10}\n",
     "      - {protocol: tcp, port: 443, to: 211.137.202.10}\n      - {protocol: tcp, port: 80, to: 211.137.202.10}\n"))


def _acl(datastore, name="EZ-STEEL-INTERNET-INET-IN"):
    import xml.etree.ElementTree as ET

    for element in ET.fromstring(f"<root>{datastore}</root>").iter():
        if _local(element) == "extended" and any(_local(c) == "name" and c.text == name for c in element):
            return element
    return None


def test_a_rule_dropped_from_an_acl_configgen_renders_goes(netconf_lab, write_yaml, login, capsys):
    """The CLI push's owned section: the ACL configgen names (a configgen label in its name)
    becomes exactly what configgen renders; a rule no longer rendered does not stay open."""
    from configgen import api
    from configgen.netconf.devices import device_payloads
    from configgen.netconf.owned import contained

    server = netconf_lab.start("cisco")
    opened = _inventory(write_yaml, server, "cisco", *OPENED_PORT_80)
    code, result = _push(capsys, opened, "ez-steel-ce", netconf_lab.known_hosts)
    assert code == 0 and "<dst-eq>80</dst-eq>" in server.running
    closed = _inventory(write_yaml, server, "cisco")
    code, result = _push(capsys, closed, "ez-steel-ce", netconf_lab.known_hosts)
    assert code == 0 and result["status"] == "changed", result
    assert [name for name, _ in _deleted(result["commands"])] == ["extended"]     # marked replace, not delete
    payload = device_payloads(api.check(closed).inventory)["ez-steel-ce"]
    mine, theirs = _acl(payload.data()), _acl(server.running)
    assert contained(theirs, [mine]) and contained(mine, [theirs])
    assert "<dst-eq>80</dst-eq>" not in server.running
    code, result = _push(capsys, closed, "ez-steel-ce", netconf_lab.known_hosts)
    assert code == 0 and result["status"] == "unchanged"


FOREIGN_NEXTHOP = (
    '<network-instance xmlns="urn:huawei:yang:huawei-network-instance"><instances><instance>'
    '<name>_public_</name><afs xmlns="urn:huawei:yang:huawei-l3vpn"><af><type>ipv4-unicast</type>'
    '<routing xmlns="urn:huawei:yang:huawei-routing"><static-routing><unicast-route2s><unicast-route2>'
    '<topology-name>base</topology-name><prefix>10.166.71.0</prefix><mask-length>24</mask-length>'
    '<nexthop-addresses><nexthop-address><address>10.166.0.25</address>'
    '<description>NOC-BACKUP-PATH</description></nexthop-address></nexthop-addresses>'
    '</unicast-route2></unicast-route2s></static-routing></routing></af></afs></instance></instances>'
    '</network-instance>')


def test_a_route_with_a_foreign_nexthop_keeps_it(netconf_lab, write_yaml, login, capsys):
    """configgen's nexthop of a dropped pool goes; a foreign nexthop of the same prefix stays,
    and with it the route entry."""
    server = _start(netconf_lab, "huawei")
    code, _ = _push(capsys, _inventory(write_yaml, server, "huawei"), "sy-water-pe", netconf_lab.known_hosts)
    assert code == 0
    _plant(server, FOREIGN_NEXTHOP)
    dropped = _inventory(write_yaml, server, "huawei", (", 10.166.71.0/24", ""))
    code, result = _push(capsys, dropped, "sy-water-pe", netconf_lab.known_hosts)
    assert code == 0 and result["status"] == "changed", result
    [(name, leaves)] = _deleted(result["commands"])
    assert name == "nexthop-interface" and leaves == {"interface-name": "Tunnel4"}
    assert "10.166.71.0" in server.running and "NOC-BACKUP-PATH" in server.running
    assert "SY-WATER-POOL2<" not in server.running


INTERNET_LINE = "  - kind: internet_line\n    name: ez-steel-internet\n"


def test_a_service_removed_from_the_inventory_leaves_its_objects(netconf_lab, write_yaml, login, capsys):
    """As the CLI push: a service no longer in the inventory has no known labels or name,
    so its routes, policy-map and ACLs stay on the device (remove them by hand)."""
    server = _start(netconf_lab, "cisco")
    path = _inventory(write_yaml, server, "cisco")
    code, _ = _push(capsys, path, "ez-steel-ce", netconf_lab.known_hosts)
    assert code == 0
    text = path.read_text()
    start = text.index(INTERNET_LINE)
    text = text[:start] + text[text.index("  - kind: gprs_vpn\n    name: sy-water\n"):]
    before = server.running
    code, result = _push(capsys, write_yaml(text, "removed.yaml"), "ez-steel-ce", netconf_lab.known_hosts)
    assert code == 0 and result["status"] == "unchanged" and server.running == before
    assert "EZ-STEEL-INTERNET-POLICE-10M" in server.running and "EZ-STEEL-INTERNET-DEFAULT-TO-PE" in server.running


NC, IOS = "urn:ietf:params:xml:ns:netconf:base:1.0", "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
CONFIG = f'<config xmlns="{NC}">'
ROUTE = (f'<native xmlns="{IOS}"><ip><route>'
         f'<ip-route-interface-forwarding-list nc:operation="{{}}" xmlns:nc="{NC}">'
         '<prefix>10.98.0.0</prefix><mask>255.255.255.0</mask></ip-route-interface-forwarding-list>'
         '</route></ip></native>')


def test_the_lab_server_deletes_by_keys_and_refuses_to_delete_what_is_not_there(netconf_lab):
    """RFC 6241 §7.2: `delete` of a missing node is data-missing, `remove` of one is no
    error; a list entry is found by its keys, whatever other leaves the edit gives."""
    from ncclient.operations import RPCError

    from configgen.netconf.fetch import connect

    cisco = netconf_lab.start("cisco")
    with connect("127.0.0.1", cisco.port, "lab", "lab-secret", netconf_lab.known_hosts,
                 "cisco-iosxe-native") as session:
        session.lock("candidate")
        with pytest.raises(RPCError) as raised:
            session.edit_config(target="candidate", config=f"{CONFIG}{ROUTE.format('delete')}</config>")
        assert raised.value.tag == "data-missing" and cisco.candidate == cisco.running
        session.edit_config(target="candidate", config=f"{CONFIG}{ROUTE.format('remove')}</config>")
        assert cisco.candidate == cisco.running
        planted = ROUTE.format("merge").replace("</mask>", "</mask><fwd-list><fwd>10.166.0.21</fwd></fwd-list>")
        session.edit_config(target="candidate", config=f"{CONFIG}{planted}</config>")
        assert "10.98.0.0" in cisco.candidate
        with pytest.raises(RPCError) as raised:
            session.edit_config(target="candidate", config=f"{CONFIG}{planted.replace('merge', 'create')}</config>")
        assert raised.value.tag == "data-exists"
        session.edit_config(target="candidate", config=f"{CONFIG}{FOREIGN['cisco']}</config>")
        # Tunnel 9 is the entry named 9: the description the edit gives is not a key
        other_leaves = FOREIGN["cisco"][FOREIGN["cisco"].index("<interface>"):FOREIGN["cisco"].index("</native>")]
        other_leaves = other_leaves.replace("<Tunnel>", f'<Tunnel nc:operation="delete" xmlns:nc="{NC}">').replace(
            "NOC backup to DC2", "something else")
        session.edit_config(target="candidate", config=f'{CONFIG}<native xmlns="{IOS}">{other_leaves}</native></config>')
        assert "10.98.0.0" in cisco.candidate and "NOC backup" not in cisco.candidate
        session.discard_changes()
        session.unlock("candidate")


def test_two_static_nat_mappings_share_one_container(yang_models, write_yaml):
    """Cisco-IOS-XE-nat has one `static` container: a second forwarded port is a second list
    entry in it, not a second container (which the models reject as a duplicate)."""
    from configgen import api
    from configgen.netconf.devices import device_payloads
    from configgen.netconf.validate import model_set

    text = EXAMPLE.read_text()
    for old, new in OPENED_PORT_80:
        text = text.replace(old, new)
    payload = device_payloads(api.check(write_yaml(text)).inventory)["ez-steel-ce"]
    assert payload.data().count("<ios-nat:nat-static-transport-list-port-fwd>") == 2
    assert model_set(yang_models / "cisco-iosxe-17.15.1").problems(payload.data()) == []


def test_a_policy_map_of_a_changed_rate_is_deleted_as_its_binding_moves(netconf_lab, write_yaml, login, capsys):
    """The old policing policy-map (owner marker of the internet line) goes in the same edit
    that binds the new one: the device validates both together."""
    server = netconf_lab.start("cisco")
    code, _ = _push(capsys, _inventory(write_yaml, server, "cisco"), "ez-steel-ce", netconf_lab.known_hosts)
    assert code == 0 and "EZ-STEEL-INTERNET-POLICE-10M" in server.running
    faster = _inventory(write_yaml, server, "cisco", ("bandwidth: 10M", "bandwidth: 20M"))
    code, result = _push(capsys, faster, "ez-steel-ce", netconf_lab.known_hosts)
    assert code == 0 and result["status"] == "changed", result
    assert ("policy-map", {"name": "EZ-STEEL-INTERNET-POLICE-10M"}) in _deleted(result["commands"])
    assert "EZ-STEEL-INTERNET-POLICE-10M" not in server.running and "EZ-STEEL-INTERNET-POLICE-20M" in server.running


# ---- push --backup-dir and rollback over NETCONF ---------------------------------------

CHANGES = {   # what the second push changes: a pool dropped, the tunnel renumbered, the LAN readdressed
    "huawei": ((", 10.166.71.0/24", ""), ("tunnel: 4", "tunnel: 6"), ("172.16.70.1/24", "172.16.72.1/24"),
               ("server: 172.16.70.20", "server: 172.16.72.20")),
    "cisco": ((", 10.166.61.0/24", ""), ("tunnel: 3", "tunnel: 5"), ("bandwidth: 10M", "bandwidth: 20M"),
              ("172.16.60.1/24", "172.16.62.1/24"), ("server: 172.16.60.20", "server: 172.16.62.20")),
}
LATER_FOREIGN = {   # planted after the second push: a rollback leaves it alone
    "huawei": FOREIGN["huawei"].replace("10.99.0.0", "10.98.0.0").replace("SY-WATER-POOL2-BACKUP", "NOC-LATER"),
    "cisco": FOREIGN["cisco"].replace("10.99.0.0", "10.98.0.0").replace("EZ-STEEL-GPRS-MGMT-BACKUP", "NOC-LATER"),
}


def _same(one, other):
    """Whether two datastores hold the same data (order aside)."""
    from configgen.netconf.owned import contained
    from configgen.netconf.xmltree import elements

    a, b = elements(one), elements(other)
    return all(contained(e, b) for e in a) and all(contained(e, a) for e in b)


@pytest.mark.parametrize("kind", ["huawei", "cisco"])
def test_rollback_from_a_netconf_backup_restores_configgens_part(netconf_lab, write_yaml, login, capsys, tmp_path,
                                                                 kind):
    import re
    import stat

    server, device = _start(netconf_lab, kind), DEVICE[kind]
    first = _inventory(write_yaml, server, kind)
    code, _ = _push(capsys, first, device, netconf_lab.known_hosts)
    assert code == 0
    pushed = server.running

    changed = _inventory(write_yaml, server, kind, *CHANGES[kind])
    backups = tmp_path / "backups"
    code, result = _push(capsys, changed, device, netconf_lab.known_hosts, "--backup-dir", backups)
    assert code == 0 and result["status"] == "changed" and server.running != pushed
    backup = backups / result["backup"].rsplit("/", 1)[-1]
    assert re.fullmatch(rf"{device}-\d{{8}}T\d{{6}}Z\.xml", backup.name) and str(backup) == result["backup"]
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    from configgen.netconf.owned import read_backup

    saved = read_backup(backup.read_text(), "backup")
    assert _same("".join(ET.tostring(e, encoding="unicode") for e in saved), pushed)     # the datastore before

    _plant(server, LATER_FOREIGN[kind])
    before = server.running
    code = main(["rollback", str(changed), "--device", device, "--backup", str(backup), "--dry-run",
                 "--known-hosts", str(netconf_lab.known_hosts), "--format", "json"])
    [planned] = json.loads(capsys.readouterr().out)["devices"]
    assert code == 0 and planned["status"] == "planned" and server.running == before and server.lock_owner is None
    code = main(["rollback", str(changed), "--device", device, "--backup", str(backup),
                 "--known-hosts", str(netconf_lab.known_hosts), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    [result] = report["devices"]
    assert code == 0 and result["status"] == "changed", result
    assert ("Tunnel" if kind == "cisco" else "interface", {"name": TUNNEL[kind][3]}) in _deleted(result["commands"])
    assert "NOC-LATER" in server.running                                   # foreign, added after the backup
    assert _same(server.running, server.models.merge(pushed, LATER_FOREIGN[kind]))
    code = main(["rollback", str(changed), "--device", device, "--backup", str(backup),
                 "--known-hosts", str(netconf_lab.known_hosts), "--format", "json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["devices"][0]["status"] == "unchanged"


def test_rollback_wants_the_backup_kind_of_the_devices_transport(netconf_lab, write_yaml, login, capsys, tmp_path):
    server = netconf_lab.start("huawei")
    path = _inventory(write_yaml, server, "huawei")
    wrong = tmp_path / "sy-water-pe-20260101T000000Z.cfg"
    wrong.write_text("sysname sy-water-pe\n")
    assert main(["rollback", str(path), "--device", "sy-water-pe", "--backup", str(wrong),
                 "--known-hosts", str(netconf_lab.known_hosts)]) == 2
    assert "sy-water-pe-<UTC time>.xml" in capsys.readouterr().err
    not_xml = tmp_path / "sy-water-pe-20260101T000000Z.xml"
    not_xml.write_text("sysname sy-water-pe\n")
    assert main(["rollback", str(path), "--device", "sy-water-pe", "--backup", str(not_xml),
                 "--known-hosts", str(netconf_lab.known_hosts)]) == 2
    assert "not a NETCONF backup" in capsys.readouterr().err and server.logins == 0


def test_a_backup_that_cannot_be_written_sends_nothing(netconf_lab, tmp_path):
    from configgen import api
    from configgen.netconf.devices import device_payloads
    from configgen.netconf.push import push_payload

    huawei = netconf_lab.start("huawei")
    before = huawei.running
    payload = device_payloads(api.check(EXAMPLE).inventory)["sy-water-pe"]
    result = push_payload("sy-water-pe", "127.0.0.1", huawei.port, "lab", "lab-secret", netconf_lab.known_hosts,
                          payload, backup_dir=tmp_path / "no-such-folder")
    assert result.status == "failed" and result.stage == "backup" and "nothing sent" in result.error
    assert huawei.running == before == huawei.candidate and huawei.lock_owner is None


def test_the_list_keys_are_the_models(yang_models, write_yaml):
    """configgen.netconf.owned.KEYS (how entries are found on a device and in a backup)
    says what the vendors' models say about every list and leaf-list of the payloads."""
    import asyncssh

    from configgen import api
    from configgen.netconf.devices import device_payloads
    from configgen.netconf.labserver import NetconfServer
    from configgen.netconf.owned import _is_leaf_list, list_keys

    text = EXAMPLE.read_text()
    for old, new in OPENED_PORT_80:
        text = text.replace(old, new)
    folders = {"huawei-vrp8": "huawei-vrp8-ne40e-8.22.0", "cisco-iosxe-native": "cisco-iosxe-17.15.1"}
    checked = 0
    for payload in device_payloads(api.check(write_yaml(text)).inventory).values():
        server = NetconfServer(yang_models / folders[payload.models], "a", "b",
                               asyncssh.generate_private_key("ssh-ed25519"))

        stack = [[top] for top in payload.elements]
        while stack:
            chain = stack.pop()
            kind, keys = server._kinds(chain)[-1]
            names = [_local(e) for e in chain]
            assert list_keys(payload.models, names) == (keys if kind == "list" else None), names
            assert _is_leaf_list(names) == (kind == "leaf-list"), names
            checked += 1
            stack.extend(chain + [child] for child in chain[-1])
    assert checked > 100


def test_a_readdressed_lan_has_one_main_address_on_vrp8(netconf_lab, write_yaml, login, capsys):
    """A VRP8 interface has one main address: the one configgen renders replaces the old
    (as `ip address` does on the CLI), instead of a second main address the device refuses."""
    server = netconf_lab.start("huawei")
    code, _ = _push(capsys, _inventory(write_yaml, server, "huawei"), "sy-water-pe", netconf_lab.known_hosts)
    assert code == 0 and "172.16.70.1" in server.running
    moved = _inventory(write_yaml, server, "huawei", *CHANGES["huawei"][2:])
    code, result = _push(capsys, moved, "sy-water-pe", netconf_lab.known_hosts)
    assert code == 0 and result["status"] == "changed", result
    assert ("address", {"ip": "172.16.70.1"}) in _deleted(result["commands"])
    assert "172.16.70.1<" not in server.running and "172.16.72.1" in server.running


def test_rollback_removes_a_setting_the_backup_did_not_have(netconf_lab, write_yaml, login, capsys, tmp_path):
    """What the push being undone added where the backup had nothing (here the WAN's
    bandwidth) is removed (`operation="remove"`), and nothing else changes."""
    from configgen.netconf.xmltree import elements
    from configgen.netconf.push import backup_document

    server = netconf_lab.start("cisco")
    path = _inventory(write_yaml, server, "cisco")
    code, _ = _push(capsys, path, "ez-steel-ce", netconf_lab.known_hosts)
    assert code == 0 and "<kilobits>10000</kilobits>" in server.running
    pushed = server.running
    before = elements(pushed)
    for parent in [e for top in before for e in top.iter()]:
        for child in [c for c in parent if _local(c) == "bandwidth"]:
            parent.remove(child)
    backup = tmp_path / "ez-steel-ce-20260101T000000Z.xml"
    backup.write_text(backup_document("".join(ET.tostring(e, encoding="unicode") for e in before)))
    argv = ["rollback", str(path), "--device", "ez-steel-ce", "--backup", str(backup),
            "--known-hosts", str(netconf_lab.known_hosts), "--format", "json"]
    code = main(argv)
    [result] = json.loads(capsys.readouterr().out)["devices"]
    assert code == 0 and result["status"] == "changed", result
    assert "kilobits" not in server.running
    assert _same(server.running, "".join(ET.tostring(e, encoding="unicode") for e in before))
    code = main(argv)
    assert code == 0 and json.loads(capsys.readouterr().out)["devices"][0]["status"] == "unchanged"


@pytest.mark.parametrize("kind", ["huawei", "cisco"])
def test_rollback_to_the_backup_of_the_first_push_takes_configgens_objects_off(netconf_lab, write_yaml, login,
                                                                                capsys, tmp_path, kind):
    """The backup the first push took holds none of configgen's objects: the rollback takes
    them off (an interface's settings that go leave no container the device must hold, a
    numbered ACL's rules that go are configgen's, not foreign) and a second one is unchanged."""
    server, device = netconf_lab.start(kind), DEVICE[kind]
    path = _inventory(write_yaml, server, kind)
    code, result = _push(capsys, path, device, netconf_lab.known_hosts, "--backup-dir", tmp_path)
    assert code == 0 and _tunnels(server.running)
    argv = ["rollback", str(path), "--device", device, "--backup", result["backup"],
            "--known-hosts", str(netconf_lab.known_hosts), "--format", "json"]
    code = main(argv)
    [result] = json.loads(capsys.readouterr().out)["devices"]
    assert code == 0 and result["status"] == "changed", result
    assert _tunnels(server.running) == set() and POOL[kind] not in server.running
    if kind == "cisco":
        assert _acl(server.running) is None and "POLICE" not in server.running
    code = main(argv)
    assert code == 0 and json.loads(capsys.readouterr().out)["devices"][0]["status"] == "unchanged"


LOOKALIKE_ACL = (  # a foreign ACL whose name starts with a service's label; configgen renders no such ACL
    f'<native xmlns="{IOS}"><ip><access-list><extended xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-acl">'
    '<name>EZ-STEEL-INTERNET-MGMT</name>{rules}</extended></access-list></ip></native>')
RULE = ('<access-list-seq-rule><sequence>{}</sequence><ace-rule><action>permit</action><protocol>ip</protocol>'
        '<any/><dst-any/></ace-rule></access-list-seq-rule>')


def test_rollback_leaves_a_foreign_look_alike_acl_as_it_is(netconf_lab, write_yaml, login, capsys, tmp_path):
    """A rule the operator adds to their own ACL after the backup stays: only ACLs configgen
    renders are taken back from the backup."""
    server = netconf_lab.start("cisco")
    _plant(server, LOOKALIKE_ACL.format(rules=RULE.format(10)))
    first = _inventory(write_yaml, server, "cisco")
    code, _ = _push(capsys, first, "ez-steel-ce", netconf_lab.known_hosts)
    assert code == 0
    changed = _inventory(write_yaml, server, "cisco", *CHANGES["cisco"])
    code, result = _push(capsys, changed, "ez-steel-ce", netconf_lab.known_hosts, "--backup-dir", tmp_path)
    assert code == 0 and result["status"] == "changed"
    server.running = server.candidate = server.models.merge(
        server.running, LOOKALIKE_ACL.format(rules=RULE.format(10) + RULE.format(20)))
    code = main(["rollback", str(changed), "--device", "ez-steel-ce", "--backup", result["backup"],
                 "--known-hosts", str(netconf_lab.known_hosts), "--format", "json"])
    [result] = json.loads(capsys.readouterr().out)["devices"]
    assert code == 0 and result["status"] == "changed", result
    assert "EZ-STEEL-INTERNET-MGMT" not in "\n".join(result["commands"])
    rules = [e.text for e in _acl(server.running, "EZ-STEEL-INTERNET-MGMT").iter() if _local(e) == "sequence"]
    assert rules == ["10", "20"]


FOREIGN_NAT = (  # the operator's own port forward, beside configgen's in the one static NAT list
    f'<native xmlns="{IOS}"><ip><nat xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-nat"><inside><source><static>'
    '<nat-static-transport-list-port-fwd><protocol>tcp</protocol><local-ip>10.50.0.5</local-ip>'
    '<local-port>22</local-port><global-ip>211.137.202.99</global-ip><global-port>2222</global-port>'
    '</nat-static-transport-list-port-fwd></static></source></inside></nat></ip></native>')


def test_rollback_does_not_bring_back_a_foreign_nat_entry_dropped_since_the_backup(netconf_lab, write_yaml, login,
                                                                                    capsys, tmp_path):
    """Static NAT is one list shared with the operator's mappings: a rollback sets configgen's
    entries as the backup had them and leaves the others as they are now."""
    import re

    server = netconf_lab.start("cisco")
    _plant(server, FOREIGN_NAT)
    code, _ = _push(capsys, _inventory(write_yaml, server, "cisco"), "ez-steel-ce", netconf_lab.known_hosts)
    assert code == 0
    changed = _inventory(write_yaml, server, "cisco", *CHANGES["cisco"])
    code, result = _push(capsys, changed, "ez-steel-ce", netconf_lab.known_hosts, "--backup-dir", tmp_path)
    assert code == 0 and "211.137.202.99" in server.running
    retired = re.sub(r"<nat-static-transport-list-port-fwd>\s*<protocol>tcp</protocol>\s*<local-ip>10\.50\.0\.5</local-ip>"
                     r".*?</nat-static-transport-list-port-fwd>", "", server.running, flags=re.S)
    assert "211.137.202.99" not in retired and "211.137.202.10" in retired     # configgen's mapping stays
    server.running = server.candidate = retired
    code = main(["rollback", str(changed), "--device", "ez-steel-ce", "--backup", result["backup"],
                 "--known-hosts", str(netconf_lab.known_hosts), "--format", "json"])
    [result] = json.loads(capsys.readouterr().out)["devices"]
    assert code == 0 and result["status"] == "changed", result
    assert "211.137.202.99" not in server.running and "211.137.202.10" in server.running


def test_rollback_refuses_another_vendors_backup_renamed(netconf_lab, write_yaml, login, capsys, tmp_path):
    """A VRP8 device's backup renamed to an IOS-XE device's name holds none of what the
    IOS-XE models set: projected, it would remove every setting configgen makes there."""
    import shutil

    huawei, cisco = netconf_lab.start("huawei"), netconf_lab.start("cisco")
    path = _inventory(write_yaml, huawei, "huawei")
    path = write_yaml(path.read_text().replace("  ez-steel-ce: {", f"  ez-steel-ce: {{netconf_port: {cisco.port}, "),
                      "both.yaml")
    code, _ = _push(capsys, path, "ez-steel-ce", netconf_lab.known_hosts)
    assert code == 0
    code, result = _push(capsys, path, "sy-water-pe", netconf_lab.known_hosts, "--backup-dir", tmp_path)
    assert code == 0 and result["backup"]
    renamed = tmp_path / ("ez-steel-ce-" + result["backup"].rsplit("sy-water-pe-", 1)[1])
    shutil.copy(result["backup"], renamed)
    logins, before = cisco.logins, cisco.running
    code = main(["rollback", str(path), "--device", "ez-steel-ce", "--backup", str(renamed), "--dry-run",
                 "--known-hosts", str(netconf_lab.known_hosts)])
    err = capsys.readouterr().err
    assert code == 2 and f"{renamed}: not a backup of ez-steel-ce" in err and "Traceback" not in err
    assert cisco.logins == logins and cisco.running == before


def _deprecated_hosts(payload) -> tuple[str, str]:
    """The payload's data, and the same data with the deprecated `host` / `dst-host` leaves
    of Cisco-IOS-XE-acl (what configgen wrote before): its standard ACL's rule made a host
    rule first, so both ACL kinds hold one."""
    acl = "http://cisco.com/ns/yang/Cisco-IOS-XE-acl"
    std = next(e for top in payload.elements for e in top.iter(f"{{{acl}}}std-ace"))
    for child in list(std):
        std.remove(child)
    ET.SubElement(std, f"{{{acl}}}host-address").text = "192.0.2.9"
    data = "".join(ET.tostring(e, encoding="unicode") for e in payload.elements)
    old = data.replace("host-address>", "host>")
    assert old != data and "host-address" not in old and "dst-host>" in old
    return data, old


def test_an_acl_rule_written_with_the_deprecated_host_leaves_is_configgens():
    """Before the payload wrote `host-address` / `dst-host-address`, it wrote `host` /
    `dst-host` (the same case of the model, the same rule): a device configgen configured
    then holds configgen's ACL rules, so nothing conflicts and nothing differs."""
    from configgen.api import check
    from configgen.netconf.devices import device_payloads
    from configgen.netconf.owned import conflicts, ownership_of, stale
    from configgen.netconf.push import differs

    payload = device_payloads(check(EXAMPLE).inventory, [DEVICE["cisco"]])[DEVICE["cisco"]]
    data, old = _deprecated_hosts(payload)
    ownership = ownership_of(payload)
    assert conflicts(payload, old, ownership) == []
    assert stale(payload, old, ownership) == []
    assert not differs(payload, old)
    other_host = old.replace(">192.0.2.9<", ">192.0.2.10<")       # another host is another rule
    assert conflicts(payload, other_host, ownership) and differs(payload, other_host)


IOS = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
# Planted beside what configgen wrote: a NOC route out of configgen's old tunnel (its label
# is no service's), and configgen's old policy-map bound by hand to an interface configgen
# does not render.
NOC_ROUTE = {
    "huawei": FOREIGN["huawei"].split("<ifm")[0].replace(
        "<nexthop-addresses><nexthop-address><address>10.166.0.25</address>"
        "<description>SY-WATER-POOL2-BACKUP</description></nexthop-address></nexthop-addresses>",
        "<nexthop-interfaces><nexthop-interface><interface-name>Tunnel4</interface-name>"
        "<description>NOC-MGMT</description></nexthop-interface></nexthop-interfaces>"),
    "cisco": FOREIGN["cisco"].split("<interface>")[0].replace(
        "<fwd>10.166.0.21</fwd><name>EZ-STEEL-GPRS-MGMT-BACKUP</name>", "<fwd>Tunnel3</fwd><name>NOC-MGMT</name>")
    + "</native>",
}
OTHER_BINDING = (f'<native xmlns="{IOS}"><interface><GigabitEthernet><name>0/3</name>'
                 '<service-policy xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-policy">'
                 '<input>EZ-STEEL-INTERNET-POLICE-10M</input></service-policy></GigabitEthernet></interface></native>')


def _payload(write_yaml, kind, *edits):
    from configgen.api import check
    from configgen.netconf.devices import device_payloads

    text = EXAMPLE.read_text()
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    return device_payloads(check(write_yaml(text)).inventory, [DEVICE[kind]])[DEVICE[kind]]


def _stale_names(payload, running):
    from configgen.netconf.owned import ownership_of, stale

    return [(_local(s.chain[-1]), {_local(c): (c.text or "").strip() for c in s.chain[-1]}.get("name"))
            for s in stale(payload, running, ownership_of(payload))]


@pytest.mark.parametrize("kind", ["huawei", "cisco"])
def test_an_old_tunnel_a_foreign_route_still_uses_stays(write_yaml, kind):
    """The tunnel renumbered: configgen's old tunnel is deleted with configgen's routes into
    it, unless a route whose label is no service's still leaves through it (the CLI push's
    rule): that route is not configgen's, nor the tunnel it needs. configgen's routes go."""
    old_setting, new_setting, old, _ = TUNNEL[kind]
    running = _payload(write_yaml, kind).data()
    renumbered = _payload(write_yaml, kind, (old_setting, new_setting))
    tunnel = ("Tunnel" if kind == "cisco" else "interface", old)
    alone = _stale_names(renumbered, running)
    assert tunnel in alone
    routes = [entry for entry in alone if entry != tunnel]
    assert routes                                            # configgen's routes into the old tunnel
    kept = _stale_names(renumbered, running + NOC_ROUTE[kind])
    assert tunnel not in kept and [entry for entry in kept if entry != tunnel] == routes
    assert "NOC-MGMT" in NOC_ROUTE[kind] and f">{'Tunnel' if kind == 'cisco' else ''}{old}<" in NOC_ROUTE[kind]


def test_an_old_policy_map_bound_on_another_interface_stays(write_yaml):
    """configgen's old policy-map (rate changed) that a binding on an interface configgen
    does not render still names stays: Cisco-IOS-XE-policy's `service-policy` is a leafref
    to it, so deleting it fails the commit, this push and every later one. Its binding on
    configgen's interface, which the payload moves, does not keep it."""
    running = _payload(write_yaml, "cisco").data()
    assert "EZ-STEEL-INTERNET-POLICE-10M</ios-policy:input>" in running          # configgen binds it
    faster = _payload(write_yaml, "cisco", ("bandwidth: 10M", "bandwidth: 20M"))
    gone = ("policy-map", "EZ-STEEL-INTERNET-POLICE-10M")
    assert gone in _stale_names(faster, running)
    assert gone not in _stale_names(faster, running + OTHER_BINDING)


def test_lab_an_old_policy_map_bound_elsewhere_stays_and_the_push_commits(netconf_lab, write_yaml, login, capsys):
    """Through the lab server, which checks the leafref at commit: the push that moves the
    rate commits (before, deleting the still-bound policy-map failed it) and the next push
    has nothing to do."""
    server = netconf_lab.start("cisco")
    code, _ = _push(capsys, _inventory(write_yaml, server, "cisco"), "ez-steel-ce", netconf_lab.known_hosts)
    assert code == 0
    _plant(server, OTHER_BINDING)
    faster = _inventory(write_yaml, server, "cisco", ("bandwidth: 10M", "bandwidth: 20M"))
    code, result = _push(capsys, faster, "ez-steel-ce", netconf_lab.known_hosts)
    assert code == 0 and result["status"] == "changed", result
    assert "EZ-STEEL-INTERNET-POLICE-10M" in server.running and "EZ-STEEL-INTERNET-POLICE-20M" in server.running
    code, result = _push(capsys, faster, "ez-steel-ce", netconf_lab.known_hosts)
    assert code == 0 and result["status"] == "unchanged", result


@pytest.mark.parametrize("kind", ["huawei", "cisco"])
def test_lab_an_old_tunnel_a_noc_route_uses_stays(netconf_lab, write_yaml, login, capsys, kind):
    """Through the lab server: the renumbering push commits (before, the tunnel's delete
    under a route still leaving through it failed validation), the NOC route and the old
    tunnel stay, and the next push has nothing to do."""
    server, device = netconf_lab.start(kind), DEVICE[kind]
    old_setting, new_setting, old, new = TUNNEL[kind]
    code, _ = _push(capsys, _inventory(write_yaml, server, kind), device, netconf_lab.known_hosts)
    assert code == 0
    _plant(server, NOC_ROUTE[kind])
    renumbered = _inventory(write_yaml, server, kind, (old_setting, new_setting))
    code, result = _push(capsys, renumbered, device, netconf_lab.known_hosts)
    assert code == 0 and result["status"] == "changed", result
    assert _tunnels(server.running) == {old, new} and "NOC-MGMT" in server.running
    code, result = _push(capsys, renumbered, device, netconf_lab.known_hosts)
    assert code == 0 and result["status"] == "unchanged", result
