"""Userspace GRE (RFC 2784) between a TUN device and a raw IP-protocol-47 socket.

The lab kernel has no GRE module (docs/references.md §8), so each tunnel end runs this
forwarder inside its namespace. Packets the kernel routes into the TUN device leave as
real GRE/IPv4 from LOCAL to REMOTE on the veth, and GRE from REMOTE arrives back on the
TUN device. Sends without a route are dropped, like a router with no route to its tunnel
destination.

The lab starts one launcher (`python gre.py --launcher`) that forks a forwarder per
tunnel end into its namespace when asked: a fork costs about a millisecond of CPU, where
`ip netns exec` plus a new interpreter cost 10-20 ms per tunnel end during a push.
`python -m configgen.lab.gre DEV LOCAL REMOTE` runs one forwarder in the current namespace.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import selectors
import signal
import socket
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000
GRE_IPV4 = b"\x00\x00\x08\x00"    # no checksum/key/sequence, version 0, protocol 0x0800
CLONE_NEWNET = 0x40000000
NETNS_DIR = "/run/netns"


def open_tun(name: str) -> int:
    """Attach to the (persistent) TUN device `name`."""
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def run(dev: str, local: str, remote: str, ready_fd: int = 1) -> None:
    tun = open_tun(dev)
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_GRE)
    sock.bind((local, 0))
    # Holding the TUN device brings its carrier up: tell the lab, which waits for this
    # line before a ping may use the tunnel (it polled `ip link` for the carrier before).
    os.write(ready_fd, b"ready\n")
    os.close(ready_fd)
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


def enter_namespace(ns: str) -> None:
    """Move this process into the network namespace `ns` (what `ip netns exec` does for
    the network; a forwarder needs nothing else of it)."""
    if "/" in ns or ns in ("", ".", ".."):
        raise ValueError(f"not a namespace name: {ns!r}")
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(os.path.join(NETNS_DIR, ns), os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {ns}: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(fd)


def _fork_forwarder(ns: str, dev: str, local: str, remote: str) -> tuple[int, str]:
    """(pid, "ready") or (pid, the child's error) for a forwarder forked into `ns`."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:                      # the forwarder
        os.close(r)
        try:
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):      # the launcher's pipes are the lab's, not the forwarder's
                os.dup2(null, fd)
            enter_namespace(ns)
            run(dev, local, remote, ready_fd=w)
        except BaseException as exc:  # noqa: BLE001 - reported to the lab, whatever it is
            try:
                os.write(w, f"{type(exc).__name__}: {exc}\n".encode())
            finally:
                os._exit(1)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as said:
        answer = said.readline().decode().strip()
    if answer != "ready":
        os.waitpid(pid, 0)
    return pid, answer or "exited without a word"


def launcher() -> None:
    """Serve the lab on stdin/stdout, one line per request and per answer:
    `start NS DEV LOCAL REMOTE` -> `ready PID` or `failed MESSAGE`; `stop PID` -> `stopped`.
    At end of input every forwarder still running is killed."""
    children: set[int] = set()
    for line in sys.stdin:
        words = line.split()
        if words[:1] == ["start"] and len(words) == 5:
            pid, answer = _fork_forwarder(*words[1:])
            if answer == "ready":
                children.add(pid)
                reply = f"ready {pid}"
            else:
                reply = "failed " + answer
        elif words[:1] == ["stop"] and len(words) == 2 and int(words[1]) in children:
            pid = int(words[1])
            children.discard(pid)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            reply = "stopped"
        else:
            reply = "failed unknown request: " + line.strip()
        sys.stdout.write(reply + "\n")
        sys.stdout.flush()
    for pid in children:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


if __name__ == "__main__":
    if sys.argv[1:] == ["--launcher"]:
        launcher()
    else:
        run(sys.argv[1], sys.argv[2], sys.argv[3])
