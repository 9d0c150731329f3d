"""One table: vendor/os -> how configgen renders for, talks to and saves on a device.

Everything that differs between platforms lives here as data, so render, push and
verify never branch on vendor names themselves.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    key: str                    # "cisco_ios", "huawei_vrp5", "huawei_vrp8"
    vendor: str
    os: str
    template_dir: str           # templates/<template_dir>/...
    netmiko_type: str           # netmiko device_type (huawei_vrp also selects ntc-templates)
    tunnel_name: str            # format with n=<tunnel number>
    commit_based: bool          # VRP8: changes wait for `commit`
    save_command: str           # what saves the running config (informational; netmiko sends it)
    comment_leader: str         # starts a comment / separator line in this OS's config files

    def tunnel_interface(self, number: int) -> str:
        return self.tunnel_name.format(n=number)


PLATFORMS: dict[tuple[str, str], Platform] = {
    ("cisco", "ios"): Platform(
        key="cisco_ios", vendor="cisco", os="ios", template_dir="cisco", netmiko_type="cisco_ios",
        tunnel_name="Tunnel{n}", commit_based=False, save_command="write memory", comment_leader="!",
    ),
    # AR routers name tunnels slot/card/port (vendor-notes §2.2): Tunnel0/0/1.
    ("huawei", "vrp5"): Platform(
        key="huawei_vrp5", vendor="huawei", os="vrp5", template_dir="huawei", netmiko_type="huawei_vrp",
        tunnel_name="Tunnel0/0/{n}", commit_based=False, save_command="save", comment_leader="#",
    ),
    ("huawei", "vrp8"): Platform(
        key="huawei_vrp8", vendor="huawei", os="vrp8", template_dir="huawei", netmiko_type="huawei_vrpv8",
        tunnel_name="Tunnel0/0/{n}", commit_based=True, save_command="commit", comment_leader="#",
    ),
}


def platform_for(device) -> Platform:
    """The platform of an inventory `Device` (schema guarantees the pair exists)."""
    return PLATFORMS[(device.vendor, device.os)]
