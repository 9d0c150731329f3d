"""Host keys are checked strictly: a wrong or unknown key fails the device before the
password is sent; `--accept-new-host-keys` trusts and records a first-contact key.

Against the lab (real SSH), and against an impostor: a real asyncssh server with a key of
its own that records every password offered to it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading

import asyncssh
import pytest

from configgen.cli import main
from configgen.push import Credentials, push_devices
from configgen.push.targets import HostKeys
from configgen.verify import verify
from tests.push.test_push_lab import GPRS, LabRun

DEVICE = "wh-logistics-ce"


@pytest.fixture(scope="module")
def gprs(tmp_path_factory):
    run = LabRun(GPRS, tmp_path_factory.mktemp("hostkeys"))
    yield run
    run.lab.stop()


def other_key() -> str:
    return asyncssh.generate_private_key("ssh-ed25519").export_public_key("openssh").decode().strip()


class Impostor:
    """An SSH server on 127.0.0.1 with its own host key; remembers offered passwords."""

    def __init__(self):
        self.key = asyncssh.generate_private_key("ssh-ed25519")
        self.public = self.key.export_public_key("openssh").decode().strip()
        self.passwords: list[str] = []
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        impostor = self

        class Server(asyncssh.SSHServer):
            def begin_auth(self, username):
                return True

            def password_auth_supported(self):
                return True

            def validate_password(self, username, password):
                impostor.passwords.append(password)
                return False

        async def start():
            return await asyncssh.create_server(Server, "127.0.0.1", 0, server_host_keys=[self.key])

        self.server = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        self.port = self.server.sockets[0].getsockname()[1]

    def close(self):
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)


def test_impostor_never_gets_the_password(gprs):
    impostor = Impostor()
    try:
        real = gprs.targets[DEVICE]
        # The connection file says the device answers with the lab's key; the impostor answers.
        fake = dataclasses.replace(real, port=impostor.port)
        creds = Credentials("configgen", "S3cret-not-for-impostors")
        result = push_devices(gprs.inventory, gprs.result.configs, {DEVICE: fake}, creds).results[0]
        assert result.status == "failed" and result.stage == "connect"
        assert f"host key of 127.0.0.1:{impostor.port} does not match connection file" in result.error
        assert "nothing was sent (no password)" in result.error
        assert impostor.passwords == []
        report = verify(gprs.inventory, {DEVICE: fake}, creds, count=1, timeout=1)
        assert "does not match" in report.services[0].error and impostor.passwords == []
        # Control: pinned to the impostor's own key, the password does go out.
        trusting = dataclasses.replace(fake, pinned_host_key=impostor.public)
        result = push_devices(gprs.inventory, gprs.result.configs, {DEVICE: trusting}, creds).results[0]
        assert "login refused" in result.error and impostor.passwords == [creds.password]
    finally:
        impostor.close()


def test_known_hosts_strict_then_accept_new(gprs, tmp_path):
    known = tmp_path / "ssh" / "known_hosts"
    real = dataclasses.replace(gprs.targets[DEVICE], pinned_host_key=None)
    targets = {DEVICE: dataclasses.replace(real, host_keys=HostKeys(known))}
    push = lambda targets: push_devices(gprs.inventory, gprs.result.configs, targets, gprs.credentials,  # noqa: E731
                                        dry_run=True).results[0]
    result = push(targets)                            # no file at all: unknown key, refused
    assert result.status == "failed" and f"no host key for [127.0.0.1]:{real.port} in {known}" in result.error
    assert "--accept-new-host-keys" in result.error and not known.exists()

    result = push({DEVICE: dataclasses.replace(real, host_keys=HostKeys(known, accept_new=True))})
    assert result.ok, result.error
    assert known.read_text() == f"[127.0.0.1]:{real.port} {gprs.lab.host_key}\n"
    assert oct(known.stat().st_mode & 0o777) == "0o600"
    assert push(targets).ok                           # recorded: strict checking passes now

    known.write_text(f"[127.0.0.1]:{real.port} {other_key()}\n")    # the device's key changed
    result = push({DEVICE: dataclasses.replace(real, host_keys=HostKeys(known, accept_new=True))})
    assert result.status == "failed" and "does not match" in result.error   # TOFU never overrides


def test_cli_wrong_key_in_connection_file_fails_the_device(gprs, tmp_path, capsys):
    document = json.loads(gprs.connection_file.read_text())
    document["devices"][DEVICE]["host_key"] = other_key()
    path = tmp_path / "connections.json"
    path.write_text(json.dumps(document))
    code = main(["push", str(GPRS), "--connections", str(path), "--dry-run", "--format", "json", "-q"])
    report = {d["device"]: d for d in json.loads(capsys.readouterr().out)["devices"]}
    assert code == 1
    assert "does not match connection file" in report[DEVICE]["error"]
    assert report["wh-water-ce"]["status"] in ("planned", "unchanged")


def test_file_without_login_never_sends_production_credentials_on_its_own_host_key(tmp_path, capsys, monkeypatch):
    """A connection file without its own login names a host and vouches for its key: the
    production password goes there only when known_hosts knows that key."""
    monkeypatch.setenv("CONFIGGEN_USERNAME", "ops")
    monkeypatch.setenv("CONFIGGEN_PASSWORD", "Prod-pass-never-to-impostors")
    impostor = Impostor()
    try:
        path = tmp_path / "connections.json"
        path.write_text(json.dumps({"version": 1, "devices": {DEVICE: {
            "host": "127.0.0.1", "port": impostor.port, "device_type": "cisco_ios", "host_key": impostor.public}}}))
        known = tmp_path / "known_hosts"
        command = ["push", str(GPRS), "--device", DEVICE, "--connections", str(path), "--known-hosts", str(known),
                   "--dry-run", "--format", "json", "-q"]
        assert main(command) == 1
        result = json.loads(capsys.readouterr().out)["devices"][0]
        assert result["stage"] == "connect"
        assert f"no host key for [127.0.0.1]:{impostor.port} in {known}" in result["error"]
        assert impostor.passwords == []
        # Control: the same host, verified against known_hosts, does get the production login.
        known.write_text(f"[127.0.0.1]:{impostor.port} {impostor.public}\n")
        assert main(command) == 1 and "login refused" in capsys.readouterr().out
        assert impostor.passwords == ["Prod-pass-never-to-impostors"]
    finally:
        impostor.close()


def test_known_hosts_with_cert_authority_and_revoked_lines(gprs, tmp_path, caplog):
    """OpenSSH marker lines: `@cert-authority` is skipped with a warning (the rest of the
    file still works); a `@revoked` key is refused even when a host line lists it."""
    real = dataclasses.replace(gprs.targets[DEVICE], pinned_host_key=None)
    name = f"[127.0.0.1]:{real.port}"
    known = tmp_path / "known_hosts"
    known.write_text(f"@cert-authority *.example.net {other_key()}\n@revoked * {other_key()}\n"
                     f"{name} {gprs.lab.host_key}\n")
    target = {DEVICE: dataclasses.replace(real, host_keys=HostKeys(known))}
    result = push_devices(gprs.inventory, gprs.result.configs, target, gprs.credentials, dry_run=True).results[0]
    assert result.ok, result.error
    assert f"{known}:1: @cert-authority line skipped" in caplog.text

    known.write_text(f"{name} {gprs.lab.host_key}\n@revoked * {gprs.lab.host_key}\n")
    for accept_new in (False, True):
        target = {DEVICE: dataclasses.replace(real, host_keys=HostKeys(known, accept_new))}
        result = push_devices(gprs.inventory, gprs.result.configs, target, gprs.credentials, dry_run=True).results[0]
        assert result.status == "failed" and f"is marked @revoked in {known}" in result.error
    assert known.read_text().count(name) == 1          # nothing recorded
