"""A NETCONF server for the lab and tests: asyncssh on 127.0.0.1, `netconf` subsystem.

Served: the `<hello>` exchange with base:1.0 and base:1.1 (RFC 6242 chunked framing once
both sides announce 1.1), the model set's modules as capabilities
(`<namespace>?module=<name>&revision=<date>`, RFC 6020 §5.6.4), `<get-schema>` (RFC 6022),
`<get-config>` of running or candidate (a subtree filter selects top-level elements),
`<lock>`/`<unlock>` of the candidate, `<edit-config>` on the candidate (merge; replace
as default operation; `operation` attributes merge, replace, create, delete and remove,
list entries found by their keys), `<discard-changes>`,
`<validate>`, `<commit>` with confirmed commit (RFC 6241 §8.4: timeout, persist token,
confirming commit, rolled back by itself when not confirmed in time), `<cancel-commit>`,
Cisco's `<save-config>`, `<close-session>`. The running datastore starts as the model
set's baseline; candidate and running are validated with the same libyang code as
`check --yang` (configgen.netconf.validate), and a rejected edit or commit is an
`<rpc-error>` naming the data path.
"""

from __future__ import annotations

import asyncio
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path

import asyncssh

from configgen.netconf.labauth import PasswordLogin
from configgen.netconf.validate import model_set
from configgen.netconf.xmltree import elements, local

LISTEN = "127.0.0.1"   # hygiene: never on another address
BASE = "urn:ietf:params:xml:ns:netconf:base:1.0"
MONITORING = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"
CAPABILITY_BASE_10 = "urn:ietf:params:netconf:base:1.0"
CAPABILITY_BASE_11 = "urn:ietf:params:netconf:base:1.1"
CAPABILITIES = ("urn:ietf:params:netconf:capability:candidate:1.0",
                "urn:ietf:params:netconf:capability:confirmed-commit:1.1",
                "urn:ietf:params:netconf:capability:validate:1.1",
                "urn:ietf:params:netconf:capability:rollback-on-error:1.0")
CISCO_IA = "http://cisco.com/yang/cisco-ia"
DEFAULT_CONFIRM_TIMEOUT = 600     # RFC 6241 §8.4.5
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


class _Auth(PasswordLogin):
    def __init__(self, server: "NetconfServer"):
        super().__init__(server.username, server.password)
        self.server = server

    def refused(self) -> bool:
        self.server.logins += 1
        return self.server.refuse_login


class NetconfServer:
    """One device's NETCONF server over a model directory (its modules and baseline.xml)."""

    def __init__(self, model_dir: str | Path, username: str, password: str, host_key: asyncssh.SSHKey,
                 port: int = 0, on_change: Callable[[str], None] | None = None, executor: Executor | None = None):
        """`on_change(running)`: called in `executor` (default: the loop's) whenever the
        running datastore changes (commit, cancel-commit, rollback), before the reply to
        the request that changed it is sent (the lab's dataplane follows it)."""
        self.model_dir = Path(model_dir)
        self.modules = module_capabilities(self.model_dir)
        self.models = model_set(self.model_dir)
        self.running = self.models.merge(self.models.baseline, "")
        self.candidate = self.running
        self.lock_owner: int | None = None
        self.pending: _Confirmed | None = None      # a confirmed commit waiting for its confirmation
        self.saved = 0                              # save-config calls (Cisco)
        # Faults: every commit refused; every commit answered <ok/> but not applied.
        self.reject_commits = False
        self.ignore_commits = False
        self.drop_on_confirm = False     # fault: the session drops when the confirming commit arrives
        self.confirmed_commit = self.models.kind != "cisco-iosxe-native"
        self.username, self.password, self.host_key, self.port = username, password, host_key, port
        self._server: asyncssh.SSHAcceptor | None = None
        self._sessions = 0
        self.logins = 0              # passwords received: a client checking host keys sends none to a stranger
        self.refuse_login = False    # fault: every password is refused
        self.drop_on_edit = False    # fault: the session drops when an edit-config arrives
        self.on_change, self.executor = on_change, executor
        self._published = self.running
        self._publish_lock = threading.Lock()
        self._namespaces: dict[str, str] | None = None     # XML namespace -> module name

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
        # As the vendors' capability lists say: IOS-XE announces no confirmed-commit.
        capabilities = [CAPABILITY_BASE_10, CAPABILITY_BASE_11, MONITORING,
                        *(c for c in CAPABILITIES if self.confirmed_commit or "confirmed-commit" not in c)]
        for name, (namespace, revision, _) in self.modules.items():
            if namespace:
                capabilities.append(f"{namespace}?module={name}" + (f"&revision={revision}" if revision else ""))
        hello = ET.Element(f"{{{BASE}}}hello")
        caps = ET.SubElement(hello, f"{{{BASE}}}capabilities")
        for capability in capabilities:
            ET.SubElement(caps, f"{{{BASE}}}capability").text = capability
        ET.SubElement(hello, f"{{{BASE}}}session-id").text = str(session_id)
        return ET.tostring(hello, encoding="unicode")

    async def _session(self, process: asyncssh.SSHServerProcess[bytes]) -> None:
        if process.subsystem != "netconf":
            process.exit(1)
            return
        self._sessions += 1
        session_id = self._sessions
        framing = _Framing(process)
        try:
            framing.send(self.hello(session_id))
            client_hello = await framing.receive()
            if client_hello is None:
                return
            if CAPABILITY_BASE_11 in client_hello:
                framing.chunked = True
            while True:
                message = await framing.receive()
                if message is None:
                    return
                try:
                    reply, close = self.answer(message, session_id)
                except ConnectionError:                 # a drop fault: the connection goes, no reply
                    process.channel.get_connection().abort()
                    return
                await self._follow()
                framing.send(reply)
                if close:
                    break
        except (asyncssh.ConnectionLost, BrokenPipeError, ConnectionError, ValueError):
            return
        finally:
            self._end_session(session_id)
        process.exit(0)

    def _publish(self) -> None:
        with self._publish_lock:
            running = self.running
            if self.on_change is not None and running != self._published:
                self.on_change(running)
                self._published = running

    async def _follow(self) -> None:
        """Let `on_change` see the running datastore (nothing to do when it did not change)."""
        if self.on_change is not None and self.running != self._published:
            await asyncio.get_running_loop().run_in_executor(self.executor, self._publish)

    def _end_session(self, session_id: int) -> None:
        """A session's end releases its lock; a confirmed commit without a persist token
        is rolled back when its session ends (RFC 6241 §8.4.1)."""
        if self.lock_owner == session_id:
            self.lock_owner = None
        if self.pending is not None and self.pending.session == session_id and self.pending.persist is None:
            self._roll_back()

    def answer(self, message: str, session_id: int = 0) -> tuple[str, bool]:
        """The `<rpc-reply>` for one `<rpc>`, and whether the session ends."""
        try:
            rpc = ET.fromstring(message)
        except ET.ParseError:
            return _error("", "malformed-message", "the request is not well-formed XML"), False
        message_id = rpc.get("message-id", "")
        operation = next(iter(rpc), None)
        if operation is None:
            return _error(message_id, "operation-not-supported", "this operation is not served"), False
        name = local(operation)
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
        handler = getattr(self, "_op_" + name.replace("-", "_"), None)
        if handler is None:
            return _error(message_id, "operation-not-supported", f"{name or 'this operation'} is not served"), False
        try:
            body = handler(operation, session_id)
        except _RpcError as exc:
            return _error(message_id, exc.tag, exc.message, exc.path), False
        return _reply(message_id, body), False

    # ---- operations: each returns the reply's body or raises _RpcError ---------------------

    def _datastore(self, operation: ET.Element, what: str) -> str:
        node = operation.find(f"{{{BASE}}}{what}")
        name = next((local(c) for c in node), "") if node is not None else ""
        if name not in ("running", "candidate"):
            raise _RpcError("invalid-value", f"no datastore {name or '(none)'}: this device has running and candidate")
        return name

    def _op_get_config(self, operation: ET.Element, session_id: int) -> str:
        document = self.running if self._datastore(operation, "source") == "running" else self.candidate
        selection = operation.find(f"{{{BASE}}}filter")
        if selection is not None and len(selection):
            wanted = {child.tag for child in selection}
            document = "".join(ET.tostring(e, encoding="unicode") for e in elements(document) if e.tag in wanted)
        return f'<data xmlns="{BASE}">{document}</data>'

    def _check_lock(self, session_id: int) -> None:
        if self.lock_owner is not None and self.lock_owner != session_id:
            raise _RpcError("lock-denied", f"the candidate is locked by session {self.lock_owner}")

    def _op_lock(self, operation: ET.Element, session_id: int) -> str:
        self._datastore(operation, "target")
        if self.lock_owner is not None and self.lock_owner != session_id:
            raise _RpcError("lock-denied", f"locked by session {self.lock_owner}")
        if self.candidate != self.running:
            raise _RpcError("resource-denied", "the candidate has uncommitted changes (discard them first)")
        self.lock_owner = session_id
        return "<ok/>"

    def _op_unlock(self, operation: ET.Element, session_id: int) -> str:
        self._datastore(operation, "target")
        if self.lock_owner != session_id:
            raise _RpcError("operation-failed", "this session holds no lock")
        self.lock_owner = None
        return "<ok/>"

    def _op_edit_config(self, operation: ET.Element, session_id: int) -> str:
        if self.drop_on_edit:
            raise ConnectionError("lab fault: session dropped at edit-config")
        if self._datastore(operation, "target") != "candidate":
            raise _RpcError("operation-not-supported", "edit the candidate, then commit")
        self._check_lock(session_id)
        config = operation.find(f"{{{BASE}}}config")
        if config is None:
            raise _RpcError("missing-element", "edit-config without <config>")
        default = operation.findtext(f"{{{BASE}}}default-operation") or "merge"
        document = "" if default == "replace" else self.candidate
        document = _apply_operations(document, config, self._kinds)
        edit = "".join(ET.tostring(e, encoding="unicode") for e in config)
        try:
            self.candidate = self.models.merge(document, edit) if edit.strip() else document
        except Exception as exc:  # noqa: BLE001 - libyang's error, as the rpc-error's message
            raise _RpcError("invalid-value", f"the edit does not fit the models: {exc}") from None
        return "<ok/>"

    def _kinds(self, chain: list[ET.Element]) -> list[Kind]:
        """What the models say each element of `chain` (outermost first) is."""
        from libyang import LibyangError
        from libyang.schema import SLeafList, SList
        from libyang.util import c2str

        if self._namespaces is None:
            self._namespaces = {c2str(m.cdata.ns): m.name() for m in self.models.context}
        kinds: list[Kind] = []
        path, module = "", None
        for element in chain:
            namespace, _, name = element.tag[1:].partition("}")
            owner = self._namespaces.get(namespace)
            path += "/" + (f"{owner}:" if owner != module else "") + name
            module = owner
            try:
                node = next(iter(self.models.context.find_path(path)), None)
            except LibyangError:
                node = None
            if node is None:
                raise _RpcError("unknown-element", f"{path}: not in the models")
            kinds.append(("list", tuple(k.name() for k in node.keys())) if isinstance(node, SList)
                         else ("leaf-list", ()) if isinstance(node, SLeafList) else ("node", ()))
        return kinds

    def _op_discard_changes(self, operation: ET.Element, session_id: int) -> str:
        self._check_lock(session_id)
        self.candidate = self.running
        return "<ok/>"

    def _validated(self, document: str) -> None:
        problems = self.models.problems(document)
        if problems:
            raise _RpcError("invalid-value", problems[0].message, problems[0].path)

    def _op_validate(self, operation: ET.Element, session_id: int) -> str:
        source = self._datastore(operation, "source")
        self._validated(self.running if source == "running" else self.candidate)
        return "<ok/>"

    def _op_commit(self, operation: ET.Element, session_id: int) -> str:
        persist_id = operation.findtext(f"{{{BASE}}}persist-id")
        if persist_id is not None and self.drop_on_confirm:
            raise ConnectionError("lab fault: session dropped at the confirming commit")
        if self.pending is not None and persist_id is not None and persist_id != self.pending.persist:
            raise _RpcError("invalid-value", "persist-id matches no confirmed commit")
        if self.pending is not None and persist_id is None and self.pending.persist is not None:
            raise _RpcError("invalid-value", "a persistent confirmed commit is confirmed with its persist-id")
        if self.reject_commits:
            raise _RpcError("operation-failed", "commit refused (lab fault)")
        self._validated(self.candidate)
        confirmed = operation.find(f"{{{BASE}}}confirmed") is not None
        if self.pending is not None:
            self.pending.timer.cancel()
            rollback = self.pending.rollback
            self.pending = None
        else:
            rollback = self.running
        if not self.ignore_commits:
            self.running = self.candidate
        if confirmed:
            timeout = int(operation.findtext(f"{{{BASE}}}confirm-timeout") or DEFAULT_CONFIRM_TIMEOUT)
            loop = asyncio.get_running_loop()
            self.pending = _Confirmed(session_id, operation.findtext(f"{{{BASE}}}persist"), rollback,
                                      loop.call_later(timeout, self._roll_back))
        return "<ok/>"

    def _roll_back(self) -> None:
        """A confirmed commit not confirmed (timer, session end) or cancelled: back to before it."""
        if self.pending is None:
            return
        self.pending.timer.cancel()
        self.running = self.candidate = self.pending.rollback
        self.pending = None
        if self.on_change is not None:        # by timer or session end: no reply waits for it
            asyncio.get_running_loop().create_task(self._follow())

    def _op_cancel_commit(self, operation: ET.Element, session_id: int) -> str:
        if self.pending is None:
            raise _RpcError("operation-failed", "no confirmed commit is waiting")
        if operation.findtext(f"{{{BASE}}}persist-id") != self.pending.persist:
            raise _RpcError("invalid-value", "persist-id matches no confirmed commit")
        self._roll_back()
        return "<ok/>"

    def _op_save_config(self, operation: ET.Element, session_id: int) -> str:
        if operation.tag != f"{{{CISCO_IA}}}save-config":
            raise _RpcError("operation-not-supported", "save-config is Cisco's (http://cisco.com/yang/cisco-ia)")
        self.saved += 1
        return f'<result xmlns="{CISCO_IA}">Save running-config successful</result>'


class _RpcError(Exception):
    def __init__(self, tag: str, message: str, path: str | None = None):
        super().__init__(message)
        self.tag, self.message, self.path = tag, message, path


class _Confirmed:
    def __init__(self, session: int, persist: str | None, rollback: str, timer: asyncio.TimerHandle):
        self.session, self.persist, self.rollback, self.timer = session, persist, rollback, timer


OPERATION = f"{{{BASE}}}operation"
Kind = tuple[str, tuple[str, ...]]     # a schema node's kind: ("list", its keys), ("leaf-list", ()), ("node", ())


def _apply_operations(document: str, config: ET.Element, kinds: Callable[[list[ET.Element]], list[Kind]]) -> str:
    """`document` with the `operation` attributes of `config` applied (RFC 6241 §7.2), and
    those attributes taken out of the edit, which is then merged: `delete` and `remove`
    take the node out of the datastore and the element out of the edit (`delete` of a node
    that is not there is `data-missing`, `remove` of one is nothing); `replace` takes the
    node out and leaves the element to be merged back whole; `create` of a node already
    there is `data-exists`; `merge` is the default. A list entry is the one with the
    edit's keys (`kinds`: what the models say each element of a chain is), a leaf-list
    entry the one with its value."""
    marked = [(parent, child) for parent in config.iter() for child in parent if child.get(OPERATION)]
    if not marked:
        return document
    root = ET.fromstring(f"<root>{document}</root>") if document.strip() else ET.Element("root")
    parents = {child: parent for parent in config.iter() for child in parent}
    for parent, element in marked:
        operation = element.attrib.pop(OPERATION)
        if operation not in ("delete", "remove", "replace", "create", "merge"):
            raise _RpcError("bad-attribute", f"operation {operation!r}: merge, replace, create, delete or remove")
        if operation == "merge":
            continue
        chain = [element]
        while chain[-1] in parents and parents[chain[-1]] is not config:
            chain.append(parents[chain[-1]])
        chain.reverse()
        found = _find(root, chain, kinds(chain))
        if found is None and operation == "delete":
            raise _RpcError("data-missing", f"nothing to delete at {_tags(chain)}")
        if found is not None and operation == "create":
            raise _RpcError("data-exists", f"{_tags(chain)} exists already")
        if found is not None and operation != "create":
            found[0].remove(found[1])
        if operation in ("delete", "remove"):
            parent.remove(element)
    return "".join(ET.tostring(e, encoding="unicode") for e in root)


def _tags(chain: list[ET.Element]) -> str:
    return "/" + "/".join(local(e) for e in chain)


def _find(root: ET.Element, chain: list[ET.Element], kinds: list[Kind]) -> tuple[ET.Element, ET.Element] | None:
    """(parent, node) in `root` matching the edit elements of `chain`, outermost first."""
    node = root
    for edit, (kind, keys) in zip(chain, kinds):
        if kind == "list":
            wanted = []
            for key in keys:
                value = next((c.text for c in edit if local(c) == key), None)
                if value is None:
                    raise _RpcError("missing-element", f"{_tags(chain)}: a list entry without its key {key}")
                wanted.append((key, value.strip()))
            match = next((child for child in node if child.tag == edit.tag and all(
                any(local(c) == key and (c.text or "").strip() == value for c in child)
                for key, value in wanted)), None)
        elif kind == "leaf-list":
            match = next((child for child in node if child.tag == edit.tag
                          and (child.text or "").strip() == (edit.text or "").strip()), None)
        else:
            match = next((child for child in node if child.tag == edit.tag), None)
        if match is None:
            return None
        parent, node = node, match
    return parent, node


def _reply(message_id: str, body: str) -> str:
    return f'<rpc-reply xmlns="{BASE}" message-id="{_attr(message_id)}">{body}</rpc-reply>'


def _error(message_id: str, tag: str, message: str, path: str | None = None) -> str:
    error = ET.Element(f"{{{BASE}}}rpc-error")
    ET.SubElement(error, f"{{{BASE}}}error-type").text = "application"
    ET.SubElement(error, f"{{{BASE}}}error-tag").text = tag
    ET.SubElement(error, f"{{{BASE}}}error-severity").text = "error"
    if path:
        ET.SubElement(error, f"{{{BASE}}}error-path").text = path
    ET.SubElement(error, f"{{{BASE}}}error-message").text = message
    return _reply(message_id, ET.tostring(error, encoding="unicode"))


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


class _Framing:
    """RFC 6242 message framing: end-of-message (base:1.0) until both sides said base:1.1,
    then chunked."""

    def __init__(self, process: asyncssh.SSHServerProcess[bytes]):
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
        parts: list[bytes] = []
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
