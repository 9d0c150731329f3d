"""Userspace GRE (RFC 2784) between a TUN device and a raw IP-protocol-47 socket.

The lab kernel has no GRE module (docs/references.md §8), so each tunnel end runs this
forwarder inside its namespace: `python -m configgen.lab.gre DEV LOCAL REMOTE`.
Packets the kernel routes into the TUN device leave as real GRE/IPv4 from LOCAL to
REMOTE on the veth, and GRE from REMOTE arrives back on the TUN device. Sends without
a route are dropped, like a router with no route to its tunnel destination.
"""

from __future__ import annotations

import fcntl
import os
import selectors
import socket
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000
GRE_IPV4 = b"\x00\x00\x08\x00"    # no checksum/key/sequence, version 0, protocol 0x0800


def open_tun(name: str) -> int:
    """Attach to the (persistent) TUN device `name`."""
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def run(dev: str, local: str, remote: str) -> None:
    tun = open_tun(dev)
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_GRE)
    sock.bind((local, 0))
    # Holding the TUN device brings its carrier up: tell the lab, which waits for this
    # line before a ping may use the tunnel (it polled `ip link` for the carrier before).
    os.write(1, b"ready\n")
    os.close(1)
    sel = selectors.DefaultSelector()
    sel.register(tun, selectors.EVENT_READ, "tun")
    sel.register(sock, selectors.EVENT_READ, "sock")
    while True:
        for key, _ in sel.select():
            if key.data == "tun":
                packet = os.read(tun, 65535)
                if packet and packet[0] >> 4 == 4:
                    try:
                        sock.sendto(GRE_IPV4 + packet, (remote, 0))
                    except OSError:
                        pass            # no route to the tunnel destination: drop
            else:
                data, (src, _) = sock.recvfrom(65535)
                header = (data[0] & 0x0F) * 4     # raw sockets include the outer IP header
                if src == remote and data[header:header + 4] == GRE_IPV4:
                    os.write(tun, data[header + 4:])


if __name__ == "__main__":
    run(*sys.argv[1:4])
