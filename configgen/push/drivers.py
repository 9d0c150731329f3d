"""Netmiko drivers push and verify use, by platform `push_driver` key.

netmiko's Huawei driver checks for system-view by sending RETURN and waiting until the
channel has been quiet for 2 s (`check_config_mode` passes no pattern, so the base
class falls back to `read_channel_timing`). Entering and leaving system-view each check
twice, so a tiny push costs 7-9 s of pure waiting (docs/references.md §7). The drivers here
read until a VRP prompt instead, and decide from that prompt: `[...]` is system-view
(or a sub-view), `<...>` user view. `benchmarks/push_huawei.py` measures the gain.

The prompt pattern does not contain the hostname, so a push that changes `sysname`
does not leave the driver waiting for a prompt that no longer exists.

Every driver checks the device's SSH host key strictly (`_HostKeyChecking`): against the
known_hosts file netmiko loads (`alt_key_file`) and keys pinned by a connection file;
an unknown key is refused unless the caller trusts on first use (`TrustOnFirstUse`,
which appends it to the known_hosts file). A refused or mismatching key raises
`HostKeyError` from paramiko's key exchange, before any authentication: the password
is never sent to a host that is not the device.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import select
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import paramiko
from netmiko.cisco import CiscoIosSSH
from netmiko.exceptions import ReadTimeout
from netmiko.huawei.huawei import HuaweiSSH, HuaweiVrpv8SSH

# The mixins below sit in front of a netmiko driver; type-checked as one.
if TYPE_CHECKING:
    from netmiko import BaseConnection as _Driver
else:
    _Driver = object

log = logging.getLogger("configgen.push")
_known_hosts_lock = threading.Lock()


class HostKeyError(Exception):
    """The device's SSH host key is unknown or not the expected one; nothing was sent.
    (Deliberately not an SSHException: netmiko would bury it in a timeout message.)"""


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH-style `SHA256:...` fingerprint."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")


def known_hosts_name(host: str, port: int) -> str:
    """How known_hosts names a host (`[host]:port` off port 22), as paramiko looks it up."""
    return host if port == 22 else f"[{host}]:{port}"


class _UnknownHostKey(Exception):
    def __init__(self, hostname: str, key: paramiko.PKey):
        super().__init__(hostname)
        self.hostname, self.key = hostname, key


class RejectUnknown(paramiko.MissingHostKeyPolicy):
    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        _refuse_revoked(client, hostname, key)
        raise _UnknownHostKey(hostname, key)


def _refuse_revoked(client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
    if (key.get_name(), key.get_base64()) in getattr(client, "revoked", ()):
        raise HostKeyError(f"host key of {hostname} ({key.get_name()} {fingerprint(key)}) is marked @revoked in "
                           f"{getattr(client, 'key_source', 'known_hosts')}; nothing was sent (no password)")


class TrustOnFirstUse(paramiko.MissingHostKeyPolicy):
    """Accept a host that has no key yet and append its key to `path` (mode 0600). A host
    whose key *differs* is still refused (paramiko checks that before asking a policy)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        _refuse_revoked(client, hostname, key)
        line = f"{hostname} {key.get_name()} {key.get_base64()}\n"
        with _known_hosts_lock:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a") as fh:
                fh.write(line)
        client.get_host_keys().add(hostname, key.get_name(), key)
        log.warning("%s: new host key %s %s accepted and written to %s", hostname, key.get_name(),
                    fingerprint(key), self.path)


_warned: set[tuple[str, int]] = set()


def _warn_once(filename: str, number: int, message: str) -> None:
    """One warning per known_hosts line per run, not one per device session."""
    with _known_hosts_lock:
        if (filename, number) in _warned:
            return
        _warned.add((filename, number))
    log.warning("%s:%d: %s", filename, number, message)


class _CheckedSSHClient(paramiko.SSHClient):
    """paramiko's client whose host-key failures come out as `HostKeyError`."""

    key_source = "known_hosts"
    revoked: frozenset[tuple[str, str]] = frozenset()    # (key type, base64) of `@revoked` lines

    def load_host_keys(self, filename: Any) -> None:   # paramiko's signature: any path
        """OpenSSH known_hosts, marker lines included (paramiko refuses the whole file over
        one): `@revoked` keys are never accepted for any host; `@cert-authority` lines are
        skipped with a warning (paramiko checks plain host keys only: a device must have its
        own line). A line that cannot be read is named, with its file and line number."""
        self._host_keys_filename = filename
        revoked: set[tuple[str, str]] = set()
        entries: list[paramiko.hostkeys.HostKeyEntry] = []
        with open(filename, encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, start=1):
                marker, _, rest = line.strip().partition(" ") if line.startswith("@") else ("", "", line)
                if marker == "@cert-authority":
                    _warn_once(filename, number, "@cert-authority line skipped: certificate host keys are "
                                                 "not supported; give each device its own known_hosts line")
                    continue
                try:
                    entry = paramiko.hostkeys.HostKeyEntry.from_line(rest.strip(), number)
                except (paramiko.hostkeys.InvalidHostKey, ValueError) as exc:
                    raise HostKeyError(f"{filename}:{number}: unreadable known_hosts line ({exc}); "
                                       "nothing was sent (no password)") from None
                if entry is None or entry.key is None:
                    continue
                if marker == "@revoked":
                    revoked.add((entry.key.get_name(), entry.key.get_base64()))
                elif marker:
                    _warn_once(filename, number, f"unknown marker {marker}: line skipped")
                else:
                    entries.append(entry)
        self.revoked = frozenset(revoked)
        for entry in entries:          # a revoked key is trusted for no host
            if (entry.key.get_name(), entry.key.get_base64()) not in self.revoked:
                for name in entry.hostnames:
                    self.get_host_keys().add(name, entry.key.get_name(), entry.key)

    def connect(self, hostname: str, port: int = 22, *args: Any, **kwargs: Any) -> None:
        try:
            return super().connect(hostname, port, *args, **kwargs)
        except paramiko.BadHostKeyException as exc:
            raise HostKeyError(
                f"host key of {hostname}:{port} does not match {self.key_source}: the device offered "
                f"{exc.key.get_name()} {fingerprint(exc.key)}, expected {exc.expected_key.get_name()} "
                f"{fingerprint(exc.expected_key)}; nothing was sent (no password). Something else may be "
                "answering at that address, or the device was replaced: check its key on the console, "
                "then correct the entry") from None
        except _UnknownHostKey as exc:
            raise HostKeyError(
                f"no host key for {exc.hostname} in {self.key_source}; the device offered {exc.key.get_name()} "
                f"{fingerprint(exc.key)}; nothing was sent (no password). Compare that fingerprint with the "
                "device's own (on the console), then add it to the known_hosts file, or rerun with "
                "--accept-new-host-keys to trust and record it on first contact") from None


class _HostKeyChecking(_Driver):
    """Netmiko driver mixin: strict host keys, pinned keys, a configgen policy."""

    def __init__(self, *args: Any, host_key_policy: paramiko.MissingHostKeyPolicy | None = None,
                 pinned_host_keys: tuple[str, ...] = (), key_source: str = "known_hosts", **kwargs: Any) -> None:
        self._cg_policy = host_key_policy or RejectUnknown()
        self._cg_pinned = pinned_host_keys
        self._cg_key_source = key_source
        super().__init__(*args, **kwargs)

    def _build_ssh_client(self) -> paramiko.SSHClient:
        # Built here whole (not through netmiko's hooks, which differ between releases), so
        # every allowed netmiko checks host keys with configgen's client and messages.
        client = _CheckedSSHClient()
        client.key_source = self._cg_key_source
        if self.system_host_keys:
            client.load_system_host_keys()
        if self.alt_host_keys and os.path.isfile(self.alt_key_file):
            client.load_host_keys(self.alt_key_file)
        name = known_hosts_name(self.host, self.port)
        for line in self._cg_pinned:
            entry = paramiko.hostkeys.HostKeyEntry.from_line(f"{name} {line}")
            if entry is None or entry.key is None:
                raise HostKeyError(f"{name}: unreadable host key {line!r} in {self._cg_key_source}")
            client.get_host_keys().add(name, entry.key.get_name(), entry.key)
        client.set_missing_host_key_policy(self._cg_policy)
        return client


class _WaitsForOutput(_Driver):
    """Netmiko driver mixin: wait for the device's output instead of polling for it.

    netmiko's `read_until_pattern` (every prompt, echo and command answer) checks the
    channel every 10 ms: 100 wake-ups a second per session, each taking the GIL. With 50
    sessions in one process on two cores that polling competes with the SSH work it waits
    for. This waits on the channel (paramiko's `fileno()`, meant for poll/select) and reads
    when something arrived; what follows the pattern stays in netmiko's read buffer, as
    in netmiko. `benchmarks/push_fanout.py` measures the fan-out."""

    def read_until_pattern(self, pattern: str = "", read_timeout: float = 10.0, re_flags: int = 0,
                           max_loops: int | None = None) -> str:
        timeout = self.read_timeout_override or read_timeout      # 0: wait forever, as netmiko
        started = time.monotonic()
        arrived = select.poll()      # poll, not select: no limit on descriptor numbers
        channel = self.remote_conn
        assert isinstance(channel, paramiko.Channel)   # SSH drivers only (this module's classes)
        arrived.register(channel, select.POLLIN)
        output = self.read_channel()
        while not (match := re.search(pattern, output, flags=re_flags)):
            left = timeout - (time.monotonic() - started) if timeout else 1.0
            if left <= 0:
                raise ReadTimeout(f"Pattern not detected: {pattern!r} in output.")
            arrived.poll(1000 * min(left, 1.0))
            new = self.read_channel()
            if not new:
                time.sleep(0.01)      # readable with nothing to read: the channel closed; poll as netmiko does
            output += new
        self._read_buffer = output[match.end():] + self._read_buffer
        return output[:match.end()]


# <R1>, [R1], [R1-Tunnel0/0/1], VRP8 [~R1] / [*R1-GigabitEthernet0/0/1]
VRP_PROMPT = r"^\s*(?:HRP_.)?[<\[][~*]?[^\s<>\[\]]+[>\]]\s*$"


class _PromptDrivenVrp(_Driver):
    """Mixin over netmiko's HuaweiBase: config-mode handling driven by prompts."""

    def check_config_mode(self, check_string: str = "]", pattern: str = "", force_regex: bool = False) -> bool:
        self.write_channel(self.RETURN)
        output = self.read_until_pattern(pattern=pattern or VRP_PROMPT, re_flags=re.M)
        prompts = re.findall(VRP_PROMPT, output, flags=re.M)
        return bool(prompts) and check_string in prompts[-1]

    def config_mode(self, config_command: str = "system-view", pattern: str = "", re_flags: int = 0) -> str:
        output: str = super().config_mode(config_command=config_command, pattern=pattern or VRP_PROMPT,
                                          re_flags=re_flags or re.M)
        return output

    def exit_config_mode(self, exit_config: str = "return", pattern: str = r">\s*$") -> str:
        output: str = super().exit_config_mode(exit_config=exit_config, pattern=pattern)
        return output

    def strip_ansi_escape_codes(self, string_buffer: str) -> str:
        # netmiko runs ~40 regex substitutions over every read of a Huawei channel; each
        # code they remove starts with ESC, so text without one comes back unchanged.
        if "\x1b" not in string_buffer:
            return string_buffer
        stripped: str = super().strip_ansi_escape_codes(string_buffer)
        return stripped


class CheckedCiscoIosSSH(_HostKeyChecking, _WaitsForOutput, CiscoIosSSH):
    """netmiko's IOS driver with configgen's host key checking."""


class FastHuaweiSSH(_HostKeyChecking, _WaitsForOutput, _PromptDrivenVrp, HuaweiSSH):
    """VRP5 (device_type `huawei_vrp`, which also selects ntc-templates)."""


class FastHuaweiVrpv8SSH(_HostKeyChecking, _WaitsForOutput, _PromptDrivenVrp, HuaweiVrpv8SSH):
    """VRP8, commit-based (device_type `huawei_vrpv8`)."""


DRIVERS = {
    "cisco_ios": CheckedCiscoIosSSH,
    "huawei_vrp_fast": FastHuaweiSSH,
    "huawei_vrpv8_fast": FastHuaweiVrpv8SSH,
}
