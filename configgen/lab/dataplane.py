"""Linux network namespaces for the lab: build, follow pushed config, ping, tear down.

Every command here names a namespace the lab created (`ip -n NS`, `ip netns exec NS`):
nothing touches the host's own network, and veth pairs are created directly inside
their namespaces so not even a transient interface appears on the host.
"""

from __future__ import annotations

import math
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from configgen.lab import acl, gre
from configgen.lab.device import PingResult
from configgen.lab.intent import Desired
from configgen.lab.plan import LabPlan

NETNS_DIR = Path("/run/netns")
TUNNEL_MTU = 1476      # 1500 - 24 bytes of outer IP + GRE
CAP_NET_ADMIN = 12
FORWARDER_START_SECONDS = 30     # a forwarder not holding its TUN device by then is broken


class LabError(RuntimeError):
    """The lab could not do what was asked."""


class LabEnvironmentError(LabError):
    """This machine cannot run the lab (not Linux, no privileges, missing tools)."""


def check_environment(need_nat: bool = True) -> None:
    if not sys.platform.startswith("linux"):
        raise LabEnvironmentError("configgen lab needs Linux (network namespaces)")
    caps = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("CapEff:"):
            caps = int(line.split()[1], 16)
    if os.geteuid() != 0 and not caps & (1 << CAP_NET_ADMIN):
        raise LabEnvironmentError("configgen lab needs root or CAP_NET_ADMIN to create network namespaces")
    tools = {"ip": "iproute2", "ping": "iputils-ping"} | ({"iptables-restore": "iptables"} if need_nat else {})
    missing = [f"{tool} (apt-get install {pkg})" for tool, pkg in tools.items() if shutil.which(tool) is None]
    if missing:
        raise LabEnvironmentError("configgen lab needs: " + ", ".join(missing))
    if not Path("/dev/net/tun").exists():
        raise LabEnvironmentError("configgen lab needs /dev/net/tun for its userspace GRE tunnels")


def _run(args: list[str], *, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess[Any]:
    proc = subprocess.run(args, input=input, capture_output=True, text=True, timeout=60)
    if check and proc.returncode != 0:
        raise LabError(f"{' '.join(args)}: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc


def ip_batch(ns: str, commands: list[str]) -> None:
    """Run `ip` commands in `ns` in one process; keep going past commands that fail
    (a route whose next hop is not reachable yet is fine: the next change retries it)."""
    if commands:
        _run(["ip", "-n", ns, "-force", "-batch", "-"], input="\n".join(commands) + "\n", check=False)


def list_namespaces() -> list[str]:
    return sorted(p.name for p in NETNS_DIR.iterdir()) if NETNS_DIR.is_dir() else []


def remove_namespace(ns: str) -> None:
    """Kill every process inside `ns` (GRE forwarders, pings), then delete it."""
    pids = _run(["ip", "netns", "pids", ns], check=False).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
    _run(["ip", "netns", "del", ns], check=False)


def sweep(prefix: str) -> list[str]:
    """Remove every namespace whose name starts with `prefix` (cleanup after a crash)."""
    gone = [ns for ns in list_namespaces() if ns.startswith(prefix)]
    for ns in gone:
        remove_namespace(ns)
    return gone


@dataclass(frozen=True)
class Forwarder:
    """A running GRE forwarder: a child of the lab's forwarder launcher."""
    pid: int
    ns: str
    dev: str


class Dataplane:
    def __init__(self, plan: LabPlan):
        self.plan = plan
        self.created: list[str] = []
        self.forwarders: list[Forwarder] = []
        self._launcher: subprocess.Popen[str] | None = None
        self._launcher_lock = threading.Lock()
        self._stopped = False
        self.devices: list[DeviceNamespace] = []

    def settle(self) -> None:
        """Bring every router's namespace up to its config (before a ping: its packets
        cross other routers' namespaces)."""
        for device in list(self.devices):
            device.settle()

    def build(self) -> None:
        plan = self.plan
        self._stopped = False
        for ns in plan.namespaces:
            _run(["ip", "netns", "add", ns])
            self.created.append(ns)
            # Routers forward; rp_filter would drop decapsulated GRE arriving on the TUN.
            _run(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1",
                  "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"])
            ip_batch(ns, ["link set lo up"])
        for link in plan.links:
            _run(["ip", "link", "add", link.a_dev, "netns", link.a_ns, "type", "veth",
                  "peer", "name", link.b_dev, "netns", link.b_ns])
            ip_batch(link.a_ns, [f"link set {link.a_dev} up"])
            ip_batch(link.b_ns, [f"link set {link.b_dev} up"])
        for tunnel in plan.gre:
            ip_batch(tunnel.ns, [f"tuntap add dev {tunnel.dev} mode tun", f"link set {tunnel.dev} mtu {TUNNEL_MTU} up"])
        for ns, dev, cidr in plan.addresses:
            _run(["ip", "-n", ns, "addr", "add", cidr, "dev", dev])
        for tunnel in plan.gre:
            self.start_forwarder(tunnel.ns, tunnel.dev, tunnel.local, tunnel.remote)
        for ns, prefix, target in plan.routes:
            _run(["ip", "-n", ns, "route", "replace", prefix, *target.split()])

    def start_forwarder(self, ns: str, dev: str, local: str, remote: str) -> Forwarder:
        self.require_own(ns)
        # Returns once the forwarder holds its TUN device and socket ("ready"), so a ping
        # right after a push does not lose its first packets to a forwarder still starting.
        with self._launcher_lock:
            answer = self._ask_launcher(f"start {ns} {dev} {local} {remote}")
            if not answer.startswith("ready "):
                raise LabError(f"GRE forwarder {dev} in {ns} failed: {answer.removeprefix('failed ')}")
            forwarder = Forwarder(int(answer.split()[1]), ns, dev)
            self.forwarders.append(forwarder)
        return forwarder

    def stop_forwarder(self, forwarder: Forwarder) -> None:
        with self._launcher_lock:
            self.forwarders.remove(forwarder)
            self._ask_launcher(f"stop {forwarder.pid}")

    def _ask_launcher(self, request: str) -> str:
        """One request to the forwarder launcher (configgen/lab/gre.py), its one-line answer."""
        if self._stopped:
            return "failed the lab is stopping"       # a late settle must not start a launcher again
        if self._launcher is None:
            # -I -S: the launcher needs the standard library only (no site packages, no PYTHONPATH).
            self._launcher = subprocess.Popen([sys.executable, "-I", "-S", gre.__file__, "--launcher"],
                                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                              stderr=subprocess.PIPE, text=True, bufsize=1)
        proc = self._launcher
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None   # pipes
        try:
            proc.stdin.write(request + "\n")
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], FORWARDER_START_SECONDS)
            answer = proc.stdout.readline().strip() if ready else ""
        except OSError:
            answer = ""
        if not answer:
            exited = proc.poll() is not None        # else it hangs: its stderr may never end
            proc.kill()
            proc.wait()
            problem = proc.stderr.read().strip()[-500:] if exited else ""
            self._launcher = None
            return f"failed forwarder launcher stopped{': ' + problem if problem else ''} " \
                   f"(no answer within {FORWARDER_START_SECONDS} s)"
        return answer

    def require_own(self, ns: str) -> None:
        """Refuse to act outside a namespace this lab created (and that still exists)."""
        if ns not in self.created or not (NETNS_DIR / ns).exists():
            raise LabError(f"refusing to run outside a lab namespace: {ns!r}")

    def teardown(self) -> None:
        with self._launcher_lock:
            self._stopped = True
            if self._launcher is not None:
                # End of input: the launcher kills the forwarders still running, then exits.
                try:
                    self._launcher.communicate(timeout=30)
                except subprocess.TimeoutExpired:
                    self._launcher.kill()
                    self._launcher.wait()
                self._launcher = None
            self.forwarders.clear()
        for ns in reversed(self.created):
            remove_namespace(ns)
        self.created.clear()


class DeviceNamespace:
    """The backend of one simulated router: its namespace follows its running config.

    A change is held until the router settles (the session leaves configuration mode or
    ends, or any router pings), then applied as one `ip` batch: one `ip` process per
    push instead of one per config line. A ping settles every router first; other
    traffic sees a session's changes once it left configuration mode (docs/lab.md)."""

    def __init__(self, dataplane: Dataplane, ns: str):
        self.dataplane, self.ns = dataplane, ns
        self.applied = Desired()
        self.pending: Desired | None = None
        self._lock = threading.Lock()
        self.forwarders: dict[tuple[str, str, str], Forwarder] = {}
        dataplane.devices.append(self)

    def apply(self, desired: Desired) -> None:
        with self._lock:
            self.pending = desired

    def settle(self) -> None:
        with self._lock:
            desired, self.pending = self.pending, None
            if desired is not None:
                self._reconcile(desired)

    def _reconcile(self, desired: Desired) -> None:
        old, ns = self.applied, self.ns
        if desired == old:
            return
        self.dataplane.require_own(ns)
        for key in [k for k in self.forwarders if k not in desired.forwarders]:
            self.dataplane.stop_forwarder(self.forwarders.pop(key))
        removed_tunnels = old.tunnels - desired.tunnels
        cmds = [f"link del {dev}" for dev in removed_tunnels]
        for dev in desired.tunnels - old.tunnels:
            cmds += [f"tuntap add dev {dev} mode tun", f"link set {dev} mtu {TUNNEL_MTU} up"]
        cmds += [f"addr del {cidr} dev {dev}" for dev, cidr in old.addresses - desired.addresses
                 if dev not in removed_tunnels]
        cmds += [f"addr replace {cidr} dev {dev}" for dev, cidr in desired.addresses - old.addresses]
        cmds += [f"link set {dev} up" for dev in old.down - desired.down]
        cmds += [f"link set {dev} down" for dev in desired.down - old.down]
        # Routes are re-added as a whole: the kernel drops routes whose next hop or device
        # went away, so only a full re-sync keeps them equal to the config.
        cmds.append("route flush proto static")
        for route in sorted(desired.routes, key=lambda r: (r.prefix, r.via or "", r.dev or "")):
            if route.blackhole:
                cmds.append(f"route replace blackhole {route.prefix} proto static")
            else:
                target = (f" via {route.via}" if route.via else "") + (f" dev {route.dev}" if route.dev else "")
                cmds.append(f"route replace {route.prefix}{target} proto static")
        ip_batch(ns, cmds)
        for key in desired.forwarders - set(self.forwarders):
            self.forwarders[key] = self.dataplane.start_forwarder(ns, *key)
        if desired.nat != old.nat:
            rules = [f"-A POSTROUTING -o {dev}" + (f" -s {src}" if src else "") + " -j MASQUERADE"
                     for dev, src in sorted(desired.nat, key=lambda r: (r[0], r[1] or ""))]
            table = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n" \
                    ":POSTROUTING ACCEPT [0:0]\n" + "".join(r + "\n" for r in rules) + "COMMIT\n"
            _run(["ip", "netns", "exec", ns, "iptables-restore"], input=table)
        if desired.filters != old.filters:
            # Inbound ACLs in mangle PREROUTING: before NAT, as IOS checks them (acl.py).
            _run(["ip", "netns", "exec", ns, "iptables-restore"], input=acl.iptables_restore(desired.filters))
        self.applied = desired

    def ping(self, dst: str, *, count: int, timeout: float, source: str | None, size: int) -> PingResult:
        self.dataplane.require_own(self.ns)
        self.dataplane.settle()
        wait = max(timeout, 0.2)
        args = ["ip", "netns", "exec", self.ns, "ping", "-n", "-c", str(count), "-W", f"{wait:g}", "-i", "0.2",
                "-s", str(size), "-w", str(math.ceil(count * 0.2 + wait + 1))]
        if source:
            args += ["-I", source]
        proc = subprocess.run(args + [dst], capture_output=True, text=True, timeout=count * (wait + 1) + 10)
        return parse_iputils(proc.stdout, proc.stderr, count)


_REPLY = re.compile(r"bytes from [\d.]+: icmp_seq=(\d+) ttl=(\d+) time=([\d.]+) ms")
_UNREACH = re.compile(r"From [\d.]+ icmp_seq=(\d+) .*Unreachable")


def parse_iputils(stdout: str, stderr: str, count: int) -> PingResult:
    result = PingResult(count)
    for m in _REPLY.finditer(stdout):
        result.replies.setdefault(int(m.group(1)), (float(m.group(3)), int(m.group(2))))
    result.unreachable = {int(m.group(1)) for m in _UNREACH.finditer(stdout)}
    if "bind" in stderr and "assign" in stderr:
        result.error = "source address is not an address of this router"
    return result
