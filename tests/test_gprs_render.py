"""GPRS VPN rendering: golden files reviewed against domain.md §1, overrides, safety."""

from __future__ import annotations

import pytest

from configgen import api
from configgen.render import build_device_configs, render_inventory
from conftest import GOLDEN, INVENTORIES

EXAMPLE = INVENTORIES / "hubei-gprs-vpn.yaml"


@pytest.mark.parametrize("device", ["wh-logistics-ce", "wh-water-ce"])
def test_example_matches_reviewed_golden(device):
    result = api.render(EXAMPLE)
    assert result.checked.ok, [str(f) for f in result.checked.findings]
    assert result.configs[device] == (GOLDEN / "gprs" / f"{device}.cfg").read_text()


@pytest.mark.parametrize("example, device", [
    ("vrp8-router-gprs.yaml", "xn-grid-pe"),      # Huawei VRP8 router (NE40E class)
    ("ce-switch-gprs.yaml", "hg-mine-sw"),        # Huawei CE switch (CE6800 class)
])
def test_vrp8_family_examples_match_reviewed_goldens(example, device):
    """Reviewed line by line against the NE40E and CE6800 references (docs/rendered-lines.md)."""
    result = api.render(INVENTORIES / "examples" / example)
    assert result.checked.ok, [str(f) for f in result.checked.findings]
    assert result.configs[device] == (GOLDEN / "gprs" / f"{device}.cfg").read_text()


def test_ce_switch_routes_its_ports_and_names_the_tunnel_by_the_source_slot():
    text = api.render(INVENTORIES / "examples" / "ce-switch-gprs.yaml").configs["hg-mine-sw"]
    for port in ("100GE1/0/1", "100GE1/0/2"):
        section = text.split(f"interface {port}\n", 1)[1].split("#\n", 1)[0]
        assert section.index(" undo portswitch\n") < section.index(" ip address ")
    assert "interface Tunnel1/0/2\n" in text and " source 100GE1/0/1\n" in text
    assert "binding tunnel gre" not in text and "commit" not in text


def test_cisco_recipe_lines(tmp_path):
    """The recipe's load-bearing lines, independent of the golden file's layout."""
    text = api.render(EXAMPLE).configs["wh-logistics-ce"]
    tunnel = text.split("interface Tunnel0\n", 1)[1].split("!\n", 1)[0]
    # domain.md warning 3: ip unnumbered and tunnel source name the same WAN interface
    assert " ip unnumbered GigabitEthernet0/0\n" in tunnel
    assert " tunnel source GigabitEthernet0/0\n" in tunnel
    assert " tunnel destination 211.137.63.13\n" in tunnel
    # warning 2: one route per terminal pool, into the tunnel
    assert "ip route 10.166.12.0 255.255.255.0 Tunnel0 " in text
    assert "ip route 10.166.13.0 255.255.255.0 Tunnel0 " in text
    # the GRE endpoint is reached via the /30 peer, the other host of 10.166.0.2/30
    assert "ip route 211.137.63.13 255.255.255.255 10.166.0.1 " in text


def test_huawei_tunnel_never_reuses_the_interconnect_with_a_24(write_yaml):
    text = api.render(EXAMPLE).configs["wh-water-ce"]
    assert "ip address unnumbered interface GigabitEthernet0/0/0" in text
    assert "ip address 10.166.0.6 255.255.255.0" not in text  # the manual's overlapping /24
    assert "interface Tunnel0/0/1\n" in text and "tunnel-protocol gre" in text


def _two_services_one_huawei(write_yaml, os="vrp8", tunnel_address=None):
    extra = f"\n            tunnel_address: {tunnel_address}" if tunnel_address else ""
    return write_yaml(f"""
        devices:
          r1: {{vendor: huawei, os: {os}, host: 192.0.2.1}}
        services:
          - kind: gprs_vpn
            name: a
            device: r1
            apn: A.HB
            wan: {{interface: GigabitEthernet0/0/0, address: 10.166.0.2/30}}
            lan: {{interface: GigabitEthernet0/0/1, address: 172.16.1.1/24}}
            tunnel: 1{extra}
            terminal_pools: [10.166.20.0/24]
          - kind: gprs_vpn
            name: b
            device: r1
            apn: B.HB
            gre_endpoint: 211.137.63.14
            wan: {{interface: GigabitEthernet0/0/0, address: 10.166.0.2/30}}
            lan: {{interface: GigabitEthernet0/0/1, address: 172.16.1.1/24}}
            tunnel: 2
            terminal_pools: [10.166.21.0/24]
        """)


def test_vrp8_two_services_on_one_device_merge(write_yaml):
    """Two APNs over one circuit: shared interfaces once, routes once. VRP8 (issue 11: the
    old output was wrong): tunnels named by interface ID, the WAN bound to GRE once, and
    no `commit` line in the file (push commits)."""
    result = api.render(_two_services_one_huawei(write_yaml))
    assert result.checked.ok, [str(f) for f in result.checked.findings]
    text = result.configs["r1"]
    assert text.splitlines().count("interface GigabitEthernet0/0/0") == 1
    assert text.count("ip address 10.166.0.2 255.255.255.252") == 1
    assert "interface Tunnel1\n" in text and "interface Tunnel2\n" in text
    assert "Tunnel0/0/" not in text
    assert text.count(" binding tunnel gre\n") == 1
    assert " ip address 10.166.0.2 255.255.255.252\n binding tunnel gre\n" in text
    assert "ip route-static 211.137.63.13 255.255.255.255 10.166.0.1 " in text
    assert "ip route-static 211.137.63.14 255.255.255.255 10.166.0.1 " in text
    assert text.endswith("#\nreturn\n") and "commit" not in text


def test_distinct_tunnel_address_replaces_unnumbered(write_yaml):
    result = api.render(_two_services_one_huawei(write_yaml, os="vrp5", tunnel_address="10.255.0.1/30"))
    assert result.checked.ok, [str(f) for f in result.checked.findings]
    tunnel = result.configs["r1"].split("interface Tunnel0/0/1\n", 1)[1].split("#\n", 1)[0]
    assert " ip address 10.255.0.1 255.255.255.252\n" in tunnel
    assert "unnumbered" not in tunnel
    assert "commit" not in result.configs["r1"]


def test_user_template_directory_overrides_one_template(tmp_path):
    override = tmp_path / "mine" / "cisco"
    override.mkdir(parents=True)
    (override / "gprs_vpn.j2").write_text(
        "{% macro head(t) %}{% endmacro %}"
        "{% macro interfaces(t) %}interface {{ t.name }}\n keepalive 10 3\n!\n{% endmacro %}"
        "{% macro tail(t) %}{% endmacro %}")
    result = api.render(EXAMPLE, template_dir=tmp_path / "mine")
    assert "interface Tunnel0\n keepalive 10 3\n" in result.configs["wh-logistics-ce"]
    # the Huawei device still uses the bundled template
    assert result.configs["wh-water-ce"] == (GOLDEN / "gprs" / "wh-water-ce.cfg").read_text()


def test_strict_undefined_in_user_template_is_an_error(tmp_path):
    import jinja2

    override = tmp_path / "cisco"
    override.mkdir()
    (override / "gprs_vpn.j2").write_text(
        "{% macro head(t) %}{% endmacro %}{% macro interfaces(t) %}{{ t.no_such_value }}{% endmacro %}"
        "{% macro tail(t) %}{% endmacro %}")
    with pytest.raises(jinja2.UndefinedError):
        api.render(EXAMPLE, template_dir=tmp_path)


def test_computed_value_with_newline_never_reaches_a_template():
    """Defence in depth: even a value that bypassed the schema cannot add a line."""
    loaded = api.check(EXAMPLE)
    configs = build_device_configs(loaded.inventory)
    configs["wh-logistics-ce"].interfaces[0].description = "x\nip route 0.0.0.0 0.0.0.0 192.0.2.66"
    from configgen.render import make_environment, render_device

    with pytest.raises(ValueError, match="control character"):
        render_device(configs["wh-logistics-ce"], make_environment())


def test_a_computed_route_label_with_a_newline_is_refused_and_named_by_field():
    """Routes are records (NamedTuples): the last check walks their fields by name, so the
    refusal names the field as it does for any other value."""
    loaded = api.check(EXAMPLE)
    configs = build_device_configs(loaded.inventory)
    device = configs["wh-logistics-ce"]
    device.routes[0] = device.routes[0]._replace(name="X\nip route 0.0.0.0 0.0.0.0 192.0.2.66")
    from configgen.render import make_environment, render_device

    with pytest.raises(ValueError, match=r"routes\[0\]\.name="):
        render_device(device, make_environment())


def test_render_writes_nothing_when_invalid(tmp_path, write_yaml):
    bad = write_yaml(EXAMPLE.read_text().replace("10.166.0.6/30", "10.166.0.4/30"))
    out = tmp_path / "out"
    result = api.render(bad, out_dir=out)
    assert not result.checked.ok
    assert not out.exists()


def test_render_inventory_covers_every_device_with_services():
    loaded = api.check(EXAMPLE)
    assert sorted(render_inventory(loaded.inventory)) == ["wh-logistics-ce", "wh-water-ce"]
