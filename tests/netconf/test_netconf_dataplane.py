"""A NETCONF device's committed ACLs filter like the CLI ones (issue 12, the lab):
configgen/lab/netconf.py translates Cisco-IOS-XE-acl lists and `ip access-group` bindings
to the CLI lines intent.py and acl.py enforce, following the model's elements (not
configgen's payload code: a wrong payload must fail these tests)."""

from __future__ import annotations

import subprocess

import pytest

from configgen import api
from tests.conftest import INVENTORIES

EXAMPLE = INVENTORIES / "examples" / "netconf-iosxe-vrp8.yaml"
CISCO_SET = "cisco-iosxe-17.15.1"
LINKS = {f"GigabitEthernet0/0/{n}": f"gi0_0_{n}" for n in range(4)}
NATIVE = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
ACL = "http://cisco.com/ns/yang/Cisco-IOS-XE-acl"


def _cisco_device():
    from configgen.lab.device import SimDevice
    from tests.lab.backend import RecordingBackend

    return SimDevice("ez-steel-ce", "cisco", "iosxe", LINKS, RecordingBackend())


def _committed(yang_models, data: str):
    """What intent derives from the datastore `data` (merged with the set's baseline, as
    the lab's server prints its running datastore), and the tree it came from."""
    from configgen.lab import intent
    from configgen.lab.netconf import datastore_tree
    from configgen.netconf.validate import model_set

    models = model_set(yang_models / CISCO_SET)
    assert models.problems(data) == []          # the document is one the models accept
    tree = datastore_tree(_cisco_device().factory_config(), "cisco-iosxe-native", models.merge(models.baseline, data))
    return intent.desired_cisco(tree, LINKS), tree


def _data(config_xml: str) -> str:
    """The data elements of an `<edit-config>`'s `<config>`."""
    import xml.etree.ElementTree as ET

    return "".join(ET.tostring(e, encoding="unicode") for e in ET.fromstring(config_xml))


@pytest.mark.parametrize("device, models", [("ez-steel-ce", "cisco-iosxe-native"), ("sy-water-pe", "huawei-vrp8")])
def test_the_committed_payload_drives_the_dataplane_as_its_cli_form_does(yang_models, device, models):
    """Each NETCONF device of the example: the datastore its payload commits gives the
    same addresses, routes, GRE forwarders, PAT and inbound ACL filters as its rendered
    CLI config typed into the CLI simulator."""
    from configgen.lab.device import SimDevice
    from configgen.lab.netconf import datastore_tree
    from configgen.lab.plan import build_plan
    from configgen.lab.sshsim import new_session
    from configgen.netconf.validate import model_sets
    from tests.lab.backend import RecordingBackend
    from tests.lab.pushlist import config_commands

    rendered = api.render(EXAMPLE)
    plan = build_plan(api.check(EXAMPLE).inventory, "cgtest").devices[device]

    def simulator() -> SimDevice:
        return SimDevice(device, plan.vendor, plan.os, plan.interfaces, RecordingBackend())

    over_netconf = simulator()
    model_set = model_sets(yang_models)[models]
    running = model_set.merge(model_set.baseline, _data(rendered.payloads[device]))
    over_netconf.commit(datastore_tree(over_netconf.factory_config(), models, running))
    over_cli = simulator()
    session = new_session(over_cli)
    commands = config_commands(rendered.configs[device], plan.vendor)
    for line in (["configure terminal", *commands, "end"] if plan.vendor == "cisco"
                 else ["system-view", *commands, "commit", "return"]):
        session.handle(line)
    expected = over_cli.desired()
    assert expected.addresses and expected.routes and expected.forwarders
    if plan.vendor == "cisco":
        assert expected.filters and expected.nat      # the internet line's policy and PAT
    assert over_netconf.desired() == expected


def _binding(name: str, interface: str, direction_leaf: str | None = "in", direction: str = "in") -> str:
    leaf = f"<{direction_leaf}/>" if direction_leaf else ""
    return (f"<GigabitEthernet><name>{interface}</name><ip><access-group><{direction}><acl><acl-name>{name}</acl-name>"
            f"{leaf}</acl></{direction}></access-group></ip></GigabitEthernet>")


def _entry(sequence: int, body: str) -> str:
    return f"<access-list-seq-rule><sequence>{sequence}</sequence>{body}</access-list-seq-rule>"


# Written from the Cisco-IOS-XE-acl model (groupings ipv4-ext-acl-grouping,
# ipv4-acl-src-dst-addr-port-grouping, ipv4-std-acl-grouping), in its current leaves
# (host-address, dst-host-address) and out of sequence order.
MODEL_ACLS = (
    f'<native xmlns="{NATIVE}"><interface>'
    + _binding("WAN-IN", "0/0/2") + _binding("WAN-IN", "0/0/1", direction_leaf="out", direction="out")
    + _binding("WAN-IN", "0/0/3", direction_leaf=None) + _binding("10", "0/0/0")
    + f'</interface><ip><access-list><standard xmlns="{ACL}"><name>10</name>'
    + _entry(20, "<permit><std-ace><any/></std-ace></permit>")
    + _entry(10, "<deny><std-ace><host-address>192.0.2.7</host-address></std-ace></deny>")
    + _entry(15, "<deny><std-ace><ipv4-address-prefix>198.51.100.0</ipv4-address-prefix><mask>0.0.0.255</mask>"
                 "</std-ace></deny>")
    + f'</standard><extended xmlns="{ACL}"><name>WAN-IN</name>'
    + _entry(40, "<ace-rule><action>permit</action><protocol>icmp</protocol><any/><dst-any/>"
                 "<named-msg-type>echo</named-msg-type><log/></ace-rule>")
    + _entry(30, "<ace-rule><action>deny</action><protocol>tcp</protocol><ipv4-address>198.51.100.0</ipv4-address>"
                 "<mask>0.0.0.255</mask><src-range1>1024</src-range1><src-range2>2048</src-range2>"
                 "<dst-host-address>203.0.113.5</dst-host-address><dst-gt>1023</dst-gt></ace-rule>")
    + _entry(20, "<ace-rule><action>permit</action><protocol>tcp</protocol><any/><dst-any/><dscp>ef</dscp>"
                 "</ace-rule>")
    + _entry(10, "<ace-rule><action>permit</action><protocol>udp</protocol><any/><dst-any/><dst-eq>domain</dst-eq>"
                 "</ace-rule>")
    + "</extended></access-list></ip></native>")


def test_acl_elements_translate_by_the_model(yang_models):
    from configgen.lab.acl import Rule

    desired, tree = _committed(yang_models, MODEL_ACLS)
    filters = {f.dev: f for f in desired.filters}
    # only inbound bindings that say `in` filter (the `in` leaf is the CLI's keyword)
    assert set(filters) == {"gi0_0_2", "gi0_0_0"}
    assert filters["gi0_0_2"].rules == (
        Rule("ACCEPT", "udp", destination_port="53"),                               # sequence 10
        # sequence 20 matches on dscp, which the lab does not model: left out, as typed
        Rule("DROP", "tcp", "198.51.100.0/24", "203.0.113.5/32", "1024:2048", "1024:65535"),
        Rule("ACCEPT", "icmp", icmp_type="echo-request"),                           # sequence 40, logged
    )
    assert filters["gi0_0_2"].default == "DROP"
    assert filters["gi0_0_0"].rules == (Rule("DROP", source="192.0.2.7/32"), Rule("DROP", source="198.51.100.0/24"),
                                        Rule("ACCEPT"))
    lines = tree.lines()
    assert " ip access-group WAN-IN out" in lines and " 20 permit tcp any any dscp ef" in lines


def test_a_binding_to_an_acl_the_datastore_lacks_filters_nothing(yang_models):
    desired, _ = _committed(yang_models, f'<native xmlns="{NATIVE}"><interface>{_binding("NOPE", "0/0/2")}'
                                         "</interface></native>")
    assert not desired.filters


# ---- through the lab: ncclient edits, the verification pings and the operator's pings -----

WAN, PEER = "211.137.100.14", "211.137.100.13"
NC = "urn:ietf:params:xml:ns:netconf:base:1.0"


def _policy_rule(sequence: int, body: str) -> str:
    """An edit of one rule of the example's security policy."""
    return (f'<native xmlns="{NATIVE}"><ip><access-list><extended xmlns="{ACL}">'
            f"<name>EZ-STEEL-INTERNET-INET-IN</name>{_entry(sequence, f'<ace-rule>{body}</ace-rule>')}"
            "</extended></access-list></ip></native>")


# Hand-made wrong edits of the example's security policy. Sequence 20 (`permit icmp any
# any echo-reply`) gets one permitted source instead of any (the host case of the source
# choice replaces the any case, RFC 7950 §7.9): the replies to the LAN's pings are
# dropped. Sequence 35 (`permit icmp any host WAN echo`) lets the operator ping the PE's
# own address instead of the CE's WAN address.
WRONG_SOURCE = _policy_rule(20, "<host-address>198.51.100.1</host-address>")
WRONG_DESTINATION = _policy_rule(35, f"<dst-host>{PEER}</dst-host>")


@pytest.fixture
def internet_lab(yang_models, tmp_path):
    """(lab, connection file, the internet PE's namespace) for the example."""
    from tests.lab.conftest import start_lab

    pytest.importorskip("ncclient")
    lab = start_lab(api.check(EXAMPLE).inventory, yang=yang_models)
    try:
        pe = next(ns for ns, _, address in lab.plan.addresses if address.startswith(PEER + "/"))
        yield lab, lab.write_connection_file(tmp_path / "lab.json"), pe
    finally:
        lab.stop()


def _failed(connections) -> set[str]:
    verified = api.verify(EXAMPLE, devices=["ez-steel-ce"], access=api.Access(connections=connections,
                                                                               interactive=False),
                          count=1, timeout=0.5)
    return {s.service for s in verified.report.services if not s.ok}


def _operator_pings_wan(lab, pe: str) -> bool:
    lab.dataplane.require_own(pe)
    return subprocess.run(["ip", "netns", "exec", pe, "ping", "-n", "-c", "1", "-W", "1", WAN],
                          capture_output=True, timeout=10).returncode == 0


def _edit(lab, tmp_path, device: str, data: str) -> None:
    """One edit-config (merge) and commit through ncclient: someone editing the device by hand."""
    from configgen.netconf.fetch import connect

    port = lab.netconf[device].port
    known = tmp_path / "known_hosts"
    known.write_text(f"[127.0.0.1]:{port} {lab.host_key}\n")
    with connect("127.0.0.1", port, lab.username, lab.password, known, "cisco-iosxe-native") as session:
        session.lock("candidate")
        session.edit_config(target="candidate", config=f'<config xmlns="{NC}">{data}</config>')
        session.commit()
        session.unlock("candidate")


def test_a_wrong_security_policy_committed_over_netconf_stops_the_pings_it_should_let_through(internet_lab,
                                                                                               tmp_path):
    lab, connections, pe = internet_lab
    access = api.Access(connections=connections, interactive=False)
    _deploy(access)                                        # the internet line's pings pass through its policy
    assert [f.acl for f in lab.devices["ez-steel-ce"].desired().filters] == ["EZ-STEEL-INTERNET-INET-IN"]
    assert _operator_pings_wan(lab, pe)                    # the policy's `echo` to the WAN address

    _edit(lab, tmp_path, "ez-steel-ce", WRONG_SOURCE)
    assert _failed(connections) == {"ez-steel-internet"}   # its echo replies meet `deny ip any any`
    assert _operator_pings_wan(lab, pe)                    # the rest of the policy still holds
    _deploy(access)                                        # puts `any` back, and the pings prove it
    assert not _failed(connections)

    _edit(lab, tmp_path, "ez-steel-ce", WRONG_DESTINATION)
    assert not _operator_pings_wan(lab, pe)
    assert not _failed(connections)                        # the LAN's pings do not need that rule
    _deploy(access)
    assert _operator_pings_wan(lab, pe)


def _deploy(access) -> None:
    """Push over NETCONF, verified by the pings; the change must stay."""
    deployed = api.deploy(EXAMPLE, devices=["ez-steel-ce"], access=access, count=2, timeout=1)
    assert deployed.ok, [(r.device, r.stage, r.error) for r in deployed.push.results]
    assert deployed.push.results[0].status == "changed" and deployed.settled == ["ez-steel-ce"]


def test_the_lab_server_switches_cases_and_deletes_a_leaf_named_without_its_value(yang_models):
    """`<leaf nc:operation="delete"/>` on a leaf that has a value (RFC 6241 §7.2): the lab
    server used to take the marked leaf for one of its parent's keys and answer
    data-missing. And a merge that creates a node of another case of a choice replaces
    the old case (RFC 7950 §7.9) instead of holding both, which the models reject."""
    import asyncssh

    from configgen.netconf.labserver import NetconfServer

    server = NetconfServer(yang_models / CISCO_SET, "lab", "secret", asyncssh.generate_private_key("ssh-ed25519"))

    def edit(data: str) -> str:
        return server.answer(f'<rpc xmlns="{NC}" message-id="1"><edit-config><target><candidate/></target>'
                             f'<config>{data}</config></edit-config></rpc>', 1)[0]

    def rule() -> str:
        candidate = server.candidate
        return candidate[candidate.index("<ace-rule>"):candidate.index("</ace-rule>")]

    assert "<ok/>" in edit(_policy_rule(20, "<action>permit</action><protocol>icmp</protocol><any/><dst-any/>"))
    assert "<ok/>" in edit(WRONG_SOURCE)
    assert "198.51.100.1" in rule() and "<any" not in rule()
    assert "<ok/>" in edit(_policy_rule(20, f'<host-address xmlns:nc="{NC}" nc:operation="delete"/>'))
    assert "host-address" not in rule() and "<protocol>icmp</protocol>" in rule()
    assert server.models.problems(server.candidate) == []
