"""Generated inventories for the benchmarks: valid, any size up to ~130k services.

Address blocks are as small as the services allow (/30 WAN, /29 LAN, /28 terminal
pools, /29 public blocks) so 100k services fit in the private and shared ranges:
172.16.0.0/12 holds 131,072 /29 LANs, 100.64.0.0/10 holds 262,144 /28 pools.
Devices alternate Cisco IOS, Huawei VRP5 and VRP8; each has its own management address
(IPv6 documentation space: every IPv4 range above is taken by the services).
"""

from __future__ import annotations

import ipaddress

KINDS = [("cisco", "ios"), ("huawei", "vrp5"), ("huawei", "vrp8")]


def _blocks(network: str, prefix: int):
    return ipaddress.IPv4Network(network).subnets(new_prefix=prefix)


def generate(services: int, devices: int, *, mix: bool = False) -> dict:
    """`services` services over `devices` devices. GPRS VPNs only, or with `mix` an
    internet line as the first service of every second device (a device has one default
    route, so one line) whose family can carry one (not VRP8: configgen refuses internet
    lines there, docs/validation.md) and one VPMN group per 1,000 services, each with a PBX whose
    trunk gateway is a Cisco device of its own (one gateway per PBX)."""
    inventory: dict = {
        "operator": {"name": "Bench Mobile", "gre_endpoint": "211.137.63.13",
                     "internet_test_address": "211.137.58.20"},
        "devices": {f"ce-{d}": {"vendor": KINDS[d % 3][0], "os": KINDS[d % 3][1], "host": f"2001:db8::{d + 1:x}"}
                    for d in range(devices)},
        "services": [],
    }
    wans = _blocks("10.0.0.0/8", 30)
    lans = _blocks("172.16.0.0/12", 29)
    pools = _blocks("100.64.0.0/10", 28)
    public_wans = _blocks("203.0.0.0/10", 30)       # internet lines: public /30 to the PE
    public_blocks = _blocks("198.0.0.0/9", 29)      # and the public block they route or NAT
    for s in range(services):
        device = s % devices
        slot = s // devices  # services on the same device use distinct interfaces and tunnels
        sep = "/" if KINDS[device % 3][0] == "cisco" else "/0/"
        wan_if, lan_if = f"GigabitEthernet0{sep}{2 * slot}", f"GigabitEthernet0{sep}{2 * slot + 1}"
        if mix and slot == 0 and device % 2 == 1 and KINDS[device % 3] != ("huawei", "vrp8"):
            wan, block = next(public_wans), next(public_blocks)
            inventory["services"].append({
                "kind": "internet_line", "name": f"net-{s}", "device": f"ce-{device}", "bandwidth": "10M",
                "wan": {"interface": wan_if, "address": f"{wan.network_address + 2}/30"},
                "lan": {"interface": lan_if, "address": f"{next(lans).network_address + 1}/29"},
                "public_block": str(block), "nat": True,
            })
            continue
        wan = next(wans)
        inventory["services"].append({
            "kind": "gprs_vpn", "name": f"svc-{s}", "device": f"ce-{device}", "apn": f"APN{s}.HB",
            "wan": {"interface": wan_if, "address": f"{wan.network_address + 2}/30"},
            "lan": {"interface": lan_if, "address": f"{next(lans).network_address + 1}/29"},
            # one GRE endpoint per slot: a device reaches one endpoint through one /30 only
            "gre_endpoint": f"211.137.63.{13 + slot}",
            "tunnel": slot, "terminal_pools": [str(next(pools)), str(next(pools))],
        })
    if mix:
        groups = min(max(1, services // 1000), (devices + 2) // 3)
        inventory["vpmn"] = [_vpmn_group(g, f"ce-{3 * g}") for g in range(groups)]
    return inventory


def _vpmn_group(g: int, gateway: str) -> dict:
    """A group of 20 members and one PBX with a 100-number block."""
    return {
        "name": f"grp-{g}", "area_code": "027", "plan": "integrated",
        "members": [{"short": f"66{i:02d}", "number": f"138{g:04d}{i:04d}"} for i in range(20)],
        "pbx": [{
            "name": f"pbx-{g}", "number": f"{100 + g % 900}", "sends_extensions": True,
            "switchboard": f"0278{g:07d}",
            "blocks": [{"short": "61000-61099", "extensions": "1000-1099"}],
            "gateway": gateway,
            "trunk": {"port": "0/0/0", "signalling": "pri", "switch_type": "primary-net5"},
            "operator": {"sip": "198.51.100.20"},
        }],
    }
