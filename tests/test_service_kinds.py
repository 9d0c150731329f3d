"""A service kind is one module (plus its templates): tests/kinds/toy.py registers a
toy kind and validate, render, the verification plan, the lab plan and the published
schema all pick it up, with no other file touched (issue 10)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from configgen import api, kinds
from configgen.inventory.published_schema import inventory_json_schema
from configgen.lab.plan import build_plan
from configgen.verify.plan import plan_service

TOY = """
operator: {name: Test}
devices:
  toy-ce: {vendor: cisco, os: ios, host: 198.51.100.7}
  toy-ar: {vendor: huawei, os: vrp5, host: 198.51.100.8}
services:
  - kind: toy_beacon
    name: lighthouse
    device: toy-ce
    wan: {interface: GigabitEthernet0/0, address: 10.9.0.2/30}
    lan: {interface: GigabitEthernet0/1, address: 172.16.90.1/24}
    beacon: 10.200.0.1
  - kind: toy_beacon
    name: buoy
    device: toy-ar
    wan: {interface: GigabitEthernet0/0/0, address: 10.9.0.6/30}
    lan: {interface: GigabitEthernet0/0/1, address: 172.16.91.1/24}
    beacon: 172.16.91.9
"""


@pytest.fixture
def toy():
    kind = kinds.register("tests.kinds.toy")
    yield kind
    kinds.unregister("toy_beacon")


def test_an_unregistered_kind_is_unknown(write_yaml):
    checked = api.check(write_yaml(TOY))
    assert {f.code for f in checked.findings.errors} == {"unknown-kind"}


def test_validate_runs_the_toy_kinds_model_claims_and_checks(toy, write_yaml):
    checked = api.check(write_yaml(TOY))
    assert [(f.code, f.field) for f in checked.findings.errors] == [("toy-beacon-on-lan", "services[1].beacon")]
    overlapping = TOY.replace("172.16.91.1/24", "172.16.90.1/24").replace("172.16.91.9", "10.200.0.2")
    codes = {f.code for f in api.check(write_yaml(overlapping, "overlap.yaml")).findings.errors}
    assert codes == {"overlap"}          # the toy's claims meet the IP plan's overlap check
    wrong = TOY.replace("beacon: 10.200.0.1", "beacon: 10.200.0.1\n    colour: red")
    errors = api.check(write_yaml(wrong, "wrong.yaml")).findings.errors      # the toy's model refuses it
    assert ("unknown-field", "services[0].colour") in {(f.code, f.field) for f in errors}


def test_render_verify_and_lab_plan_use_the_toy_kind(toy, write_yaml):
    result = api.render(write_yaml(TOY.replace("beacon: 172.16.91.9", "beacon: 10.200.0.9")))
    assert result.checked.ok, result.checked.findings.errors
    cisco, huawei = result.configs["toy-ce"], result.configs["toy-ar"]
    assert "! beacon 10.200.0.1 via 10.9.0.1\n" in cisco          # the kind's own template
    assert "ip route 10.200.0.1 255.255.255.255 10.9.0.1 name LIGHTHOUSE-BEACON\n" in cisco
    assert " ip address 172.16.90.1 255.255.255.0\n" in cisco
    assert "# beacon 10.200.0.9 via 10.9.0.5\n" in huawei
    assert cisco.route_labels == {"LIGHTHOUSE-BEACON"} and cisco.owners == {"lighthouse"}   # what push reads
    inventory = result.checked.inventory
    steps = plan_service(inventory.services[0], inventory)
    assert [(s.target, s.segment) for s in steps] == [("10.200.0.1", "operator routing")]
    lab = build_plan(inventory, "t")
    assert ("t-b0", "lo", "10.200.0.1/32") in lab.addresses and lab.namespaces["t-b0"] == "beacon node for lighthouse"


def test_the_published_schema_lists_every_registered_kind(toy):
    definitions = inventory_json_schema()["definitions"]
    assert "ToyBeaconService" in definitions
    kinds_allowed = {ref["$ref"].rsplit("/", 1)[1]
                     for ref in inventory_json_schema()["properties"]["services"]["items"]["oneOf"]}
    assert kinds_allowed == {"GprsVpnService", "InternetLineService", "ToyBeaconService"}


def test_no_kind_branch_outside_the_kind_modules():
    """`kind == "..."` (or a kind name compared any other way) appears only in kind modules."""
    package = Path(kinds.__file__).parent
    kind_modules = {package / "services" / f"{name}.py" for name in kinds.BUILTIN}
    offenders = []
    for path in sorted(package.rglob("*.py")):
        if path in kind_modules:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare) and any(
                    isinstance(side, ast.Constant) and side.value in kinds.BUILTIN
                    for side in [node.left, *node.comparators, *(
                        elt for c in node.comparators if isinstance(c, (ast.Tuple, ast.List, ast.Set))
                        for elt in c.elts)]):
                offenders.append(f"{path.relative_to(package)}:{node.lineno}")
    assert offenders == []


def test_no_isinstance_of_a_kind_class_outside_the_kind_modules():
    """Code outside a kind module never branches on a class a kind module defines (its
    model or its template values): it reads kind-neutral values or asks the kind's entry."""
    package = Path(kinds.__file__).parent
    kind_modules = {package / "services" / f"{name}.py" for name in kinds.BUILTIN}
    kind_classes = {node.name for path in kind_modules
                    for node in ast.parse(path.read_text(encoding="utf-8")).body if isinstance(node, ast.ClassDef)}
    assert {"GprsVpnService", "InternetLineService"} <= kind_classes

    def named(node: ast.expr) -> list[str]:
        if isinstance(node, ast.Tuple):
            return [name for elt in node.elts for name in named(elt)]
        if isinstance(node, ast.Attribute):
            return [node.attr]
        return [node.id] if isinstance(node, ast.Name) else []

    offenders = []
    for path in sorted(package.rglob("*.py")):
        if path in kind_modules:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("isinstance", "issubclass") and len(node.args) == 2
                    and kind_classes & set(named(node.args[1]))):
                offenders.append(f"{path.relative_to(package)}:{node.lineno}")
    assert offenders == []


def test_every_kind_has_what_the_inventory_types_a_service_as(toy):
    """`Inventory.services` is typed as `inventory.schema.Service` (mypy checks the code
    reading it): every registered kind's model, the toy's included, has those fields."""
    from configgen.inventory.schema import Attachment, Service, Wan

    members = {name for name, value in vars(Service).items() if isinstance(value, property)}
    assert members == {"kind", "name", "device", "wan", "lan"}
    for kind in kinds.loaded():
        fields = kind.model.model_fields
        assert members <= set(fields), (kind.name, members - set(fields))
        assert issubclass(fields["wan"].annotation, Wan), kind.name
        assert issubclass(fields["lan"].annotation, Attachment), kind.name


def test_a_kind_entry_pickles_and_copies_as_a_value():
    """A kind's entry is a plain record: a library user's process pool or deepcopy takes it
    (its functions and model travel by reference)."""
    import copy
    import pickle

    from configgen import kinds

    for name in kinds.names():
        kind = kinds.get(name)
        assert kind is not None
        assert pickle.loads(pickle.dumps(kind)) == kind
        copied = copy.deepcopy(kind)
        assert copied == kind and copied.build is kind.build and dict(copied.finding_codes) == dict(kind.finding_codes)
