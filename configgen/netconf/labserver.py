"""A NETCONF server for the lab and tests: asyncssh on 127.0.0.1, `netconf` subsystem.

What it serves today (what `configgen yang fetch` needs): the `<hello>` exchange with
base:1.0 and base:1.1 (RFC 6242 chunked framing once both sides announce 1.1), the model
set's modules as capabilities (`<namespace>?module=<name>&revision=<date>`, RFC 6020
§5.6.4), `<get-schema>` (RFC 6022) for every module of the set, `<get-config>` of the
running datastore (the model set's baseline), `<close-session>`. Any other operation gets
an `operation-not-supported` `<rpc-error>`. Editing datastores (candidate, commit,
confirmed commit) is not served yet, so push over NETCONF is not offered.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import asyncssh

LISTEN = "127.0.0.1"   # hygiene: never on another address
BASE = "urn:ietf:params:xml:ns:netconf:base:1.0"
MONITORING = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"
CAPABILITY_BASE_10 = "urn:ietf:params:netconf:base:1.0"
CAPABILITY_BASE_11 = "urn:ietf:params:netconf:base:1.1"
END_OF_MESSAGE = "]]>]]>"
MAX_MESSAGE = 16_000_000        # one request; a client sending more is disconnected


def module_capabilities(model_dir: Path) -> dict[str, tuple[str, str, Path]]:
    """Module name -> (namespace, revision, file) for every module file in `model_dir`
    (submodules have no namespace and are served by get-schema only)."""
    modules = {}
    for path in sorted(model_dir.glob("*.yang")):
        text = path.read_text(encoding="utf-8", errors="replace")
        name = re.search(r"^\s*(?:sub)?module\s+([\w.-]+)", text, re.M)
        if name is None:
            continue
        namespace = re.search(r"^\s*namespace\s+\"?([^\";\s]+)", text, re.M)
        revision = re.search(r"^\s*revision\s+\"?(\d{4}-\d{2}-\d{2})", text, re.M)
        modules[name.group(1)] = (namespace.group(1) if namespace else "", revision.group(1) if revision else "", path)
    return modules


class _Auth(asyncssh.SSHServer):
    def __init__(self, server: "NetconfServer"):
        self.server = server

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        self.server.logins += 1
        return (hmac.compare_digest(username, self.server.username)
                and hmac.compare_digest(password, self.server.password))


class NetconfServer:
    """One device's NETCONF server over a model directory (its modules and baseline.xml)."""

    def __init__(self, model_dir: str | Path, username: str, password: str, host_key: asyncssh.SSHKey,
                 port: int = 0):
        self.model_dir = Path(model_dir)
        self.modules = module_capabilities(self.model_dir)
        baseline = self.model_dir / "baseline.xml"
        self.running = baseline.read_text(encoding="utf-8") if baseline.is_file() else ""
        self.username, self.password, self.host_key, self.port = username, password, host_key, port
        self._server: asyncssh.SSHAcceptor | None = None
        self._sessions = 0
        self.logins = 0              # passwords received: a client checking host keys sends none to a stranger

    async def start(self) -> None:
        self._server = await asyncssh.create_server(
            lambda: _Auth(self), LISTEN, self.port, server_host_keys=[self.host_key],
            process_factory=self._session, keepalive_interval=0, line_editor=False, encoding=None)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await asyncio.wait_for(self._server.wait_closed(), timeout=5)

    def hello(self, session_id: int) -> str:
        capabilities = [CAPABILITY_BASE_10, CAPABILITY_BASE_11, MONITORING]
        for name, (namespace, revision, _) in self.modules.items():
            if namespace:
                capabilities.append(f"{namespace}?module={name}" + (f"&revision={revision}" if revision else ""))
        hello = ET.Element(f"{{{BASE}}}hello")
        caps = ET.SubElement(hello, f"{{{BASE}}}capabilities")
        for capability in capabilities:
            ET.SubElement(caps, f"{{{BASE}}}capability").text = capability
        ET.SubElement(hello, f"{{{BASE}}}session-id").text = str(session_id)
        return ET.tostring(hello, encoding="unicode")

    async def _session(self, process: asyncssh.SSHServerProcess) -> None:
        if process.subsystem != "netconf":
            process.exit(1)
            return
        self._sessions += 1
        framing = _Framing(process)
        try:
            framing.send(self.hello(self._sessions))
            client_hello = await framing.receive()
            if client_hello is None:
                return
            if CAPABILITY_BASE_11 in client_hello:
                framing.chunked = True
            while True:
                message = await framing.receive()
                if message is None:
                    return
                reply, close = self.answer(message)
                framing.send(reply)
                if close:
                    break
        except (asyncssh.ConnectionLost, BrokenPipeError, ConnectionError, ValueError):
            return
        process.exit(0)

    def answer(self, message: str) -> tuple[str, bool]:
        """The `<rpc-reply>` for one `<rpc>`, and whether the session ends."""
        try:
            rpc = ET.fromstring(message)
        except ET.ParseError:
            return _error("", "malformed-message", "the request is not well-formed XML"), False
        message_id = rpc.get("message-id", "")
        operation = next(iter(rpc), None)
        name = operation.tag.rsplit("}", 1)[-1] if operation is not None else ""
        if name == "close-session":
            return _reply(message_id, "<ok/>"), True
        if name == "get-schema":
            identifier = operation.findtext(f"{{{MONITORING}}}identifier") or ""
            module = self.modules.get(identifier)
            if module is None:
                return _error(message_id, "invalid-value", f"no schema {identifier}"), False
            data = ET.Element(f"{{{MONITORING}}}data")
            data.text = module[2].read_text(encoding="utf-8")
            return _reply(message_id, ET.tostring(data, encoding="unicode")), False
        if name == "get-config":
            source = operation.find(f"{{{BASE}}}source")
            if source is None or source.find(f"{{{BASE}}}running") is None:
                return _error(message_id, "invalid-value", "this server has the running datastore only"), False
            return _reply(message_id, f'<data xmlns="{BASE}">{self.running}</data>'), False
        return _error(message_id, "operation-not-supported", f"{name or 'this operation'} is not served"), False


def _reply(message_id: str, body: str) -> str:
    return f'<rpc-reply xmlns="{BASE}" message-id="{_attr(message_id)}">{body}</rpc-reply>'


def _error(message_id: str, tag: str, message: str) -> str:
    error = ET.Element(f"{{{BASE}}}rpc-error")
    ET.SubElement(error, f"{{{BASE}}}error-type").text = "protocol"
    ET.SubElement(error, f"{{{BASE}}}error-tag").text = tag
    ET.SubElement(error, f"{{{BASE}}}error-severity").text = "error"
    ET.SubElement(error, f"{{{BASE}}}error-message").text = message
    return _reply(message_id, ET.tostring(error, encoding="unicode"))


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


class _Framing:
    """RFC 6242 message framing: end-of-message (base:1.0) until both sides said base:1.1,
    then chunked."""

    def __init__(self, process: asyncssh.SSHServerProcess):
        self.process, self.chunked, self.buffer = process, False, b""

    def send(self, text: str) -> None:
        data = text.encode("utf-8")
        if self.chunked:
            self.process.stdout.write(b"\n#%d\n" % len(data) + data + b"\n##\n")
        else:
            self.process.stdout.write(data + END_OF_MESSAGE.encode())

    async def _more(self) -> bool:
        data = await self.process.stdin.read(65536)
        if not data:
            return False
        self.buffer += data
        if len(self.buffer) > MAX_MESSAGE:
            raise ValueError("message too large")
        return True

    async def receive(self) -> str | None:
        if not self.chunked:
            marker = END_OF_MESSAGE.encode()
            while marker not in self.buffer:
                if not await self._more():
                    return None
            message, self.buffer = self.buffer.split(marker, 1)
            return message.decode("utf-8")
        parts = []
        while True:
            while True:
                header = re.match(rb"\s*\n#(\d+|#)\n", self.buffer)
                if header:
                    break
                if not await self._more():
                    return None
            if header.group(1) == b"#":
                self.buffer = self.buffer[header.end():]
                return b"".join(parts).decode("utf-8")
            size = int(header.group(1))
            while len(self.buffer) < header.end() + size:
                if not await self._more():
                    return None
            parts.append(self.buffer[header.end():header.end() + size])
            self.buffer = self.buffer[header.end() + size:]
