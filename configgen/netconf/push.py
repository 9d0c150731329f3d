"""Push over NETCONF (docs/netconf.md, "Push"): one device's payload through ncclient.

Per device, after the host key checked out (no password otherwise):
1. lock the candidate, drop anything left in it, read the running datastore;
2. nothing to do when the running datastore already holds every element and value of the
   payload and no stale entry of configgen's ("unchanged"); a dry run stops here with the
   edit-config it would send;
3. edit-config into the candidate, validate: the payload (merge), and a `delete` of every
   entry of configgen's the payload no longer holds (configgen.netconf.owned.stale: the
   CLI push's ownership rules);
4. Huawei VRP8 (confirmed-commit capability): a confirmed commit with a persist token and
   a confirm timeout; then a second session must log in and find the payload in the
   running datastore (the change took, and did not cut configgen off the device); then
   the confirming commit. On any failure, cancel-commit; if even that cannot be sent, the
   device rolls back by itself when the timeout runs out, and the report says so.
   Cisco IOS-XE (no confirmed-commit): the running datastore read in step 1 is the
   snapshot; commit; the same second-session check; on failure the snapshot goes back
   (edit-config replace + commit); on success save-config (cisco-ia) saves it.
5. unlock. The report's `stage`, `committed`, `rolled_back` and `saved` say exactly what
   state the device was left in.

The payload is a merge: it adds and changes what configgen renders. What configgen no
longer renders goes only when it is configgen's by the CLI push's rules
(configgen.push.ownership): a route carrying a label configgen renders on the device, a
tunnel or policy-map carrying the owner marker of a service on it, a rule no longer
rendered in an ACL configgen names. Foreign nodes, and those of services removed from the
inventory, are never touched (docs/netconf.md). With a backup directory, the running
datastore read under the lock is saved there before anything is sent; `rollback` pushes
configgen's part of such a backup (configgen.netconf.owned.restored) the same way.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Literal, overload

from configgen.netconf.fetch import FetchError, Session, connect, rpc_errors, running_config
from configgen.netconf.owned import conflicts, contained, edit, ownership_of, stale, still_there
from configgen.netconf.payload import NETCONF_BASE, Payload
from configgen.netconf.xmltree import elements

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from configgen.inventory import Inventory
    from configgen.netconf.owned import Stale
    from configgen.push.credentials import Credentials
    from configgen.push.engine import DeviceResult
    from configgen.push.targets import Target

Login = tuple[str, int, str, str, Path, str]     # connect()'s arguments: host, port, user, password, known_hosts, models

CONFIRM_TIMEOUT = 120       # seconds a VRP8 keeps an unconfirmed commit before rolling it back
SAVE_CONFIG = '<save-config xmlns="http://cisco.com/yang/cisco-ia"/>'
CONFIRMED_COMMIT = "urn:ietf:params:netconf:capability:confirmed-commit"


def differs(payload: Payload, running: str) -> bool:
    """Whether the running datastore lacks any element or value of the payload, or holds
    an entry of configgen's the payload no longer has (configgen.netconf.owned.stale) or
    one the payload removes (a rollback's)."""
    have = elements(running)
    return _differs(payload, have, stale(payload, have, ownership_of(payload)))


def _differs(payload: Payload, have: list[ET.Element], gone: list[Stale]) -> bool:
    """`differs`, on the datastore's parsed elements and its stale entries already found."""
    return not all(contained(element, have) for element in payload.elements) or bool(gone) or still_there(payload, have)


class Held:
    """A device whose change is committed but not yet settled: its session stays open and
    its candidate locked while the verification pings run (`deploy`); `settle` then
    confirms and saves, or rolls back. Huawei: the confirmed commit waits for its
    confirming commit (and rolls back by itself when that never comes); IOS-XE: the
    snapshot waits to be put back."""

    def __init__(self, result: DeviceResult, stack: ExitStack, session: Session, token: str | None, snapshot: str,
                 confirm_timeout: int):
        self.result, self.stack, self.session = result, stack, session
        self.token, self.snapshot, self.confirm_timeout = token, snapshot, confirm_timeout

    def settle(self, problem: str | None) -> None:
        """`problem` None: the change stays (confirming commit, or save); else it is rolled
        back and `problem` is the device's error. The result says the state it ended in."""
        from ncclient import NCClientError
        from ncclient.operations import RPCError

        result = self.result
        try:
            if self.token is not None:
                _settle_confirmed(self.session, result, self.token, problem)
            else:
                _settle_snapshot(self.session, result, self.snapshot, problem)
        except RPCError as exc:
            result.status = "failed"
            result.error = (f"the device refused {result.stage}: {rpc_errors(exc)}"
                            + _left(result, self.confirm_timeout))
        except (NCClientError, OSError, EOFError) as exc:
            result.status = "failed"
            result.error = (f"the session failed at {result.stage}: {exc or type(exc).__name__}"
                            + _left(result, self.confirm_timeout))
        finally:
            _unlock(self.session)
            try:
                self.stack.close()
            except (NCClientError, OSError, EOFError):
                pass          # the session is gone already: so is its lock


@overload
def push_payload(name: str, host: str, port: int, username: str, password: str, known_hosts: Path,
                 payload: Payload, *, dry_run: bool = ...,
                 confirm_timeout: int | None = ..., timeout: float = ..., hold: Literal[False] = ...,
                 backup_dir: str | Path | None = ...) -> DeviceResult: ...
@overload
def push_payload(name: str, host: str, port: int, username: str, password: str, known_hosts: Path,
                 payload: Payload, *, dry_run: bool = ...,
                 confirm_timeout: int | None = ..., timeout: float = ...,
                 hold: Literal[True], backup_dir: str | Path | None = ...) -> tuple[DeviceResult, Held | None]: ...
@overload
def push_payload(name: str, host: str, port: int, username: str, password: str, known_hosts: Path,
                 payload: Payload, *, dry_run: bool = ...,
                 confirm_timeout: int | None = ..., timeout: float = ...,
                 hold: bool, backup_dir: str | Path | None = ...) -> DeviceResult | tuple[DeviceResult, Held | None]: ...
def push_payload(name: str, host: str, port: int, username: str, password: str, known_hosts: Path,
                 payload: Payload, *, dry_run: bool = False,
                 confirm_timeout: int | None = None, timeout: float = 30.0,
                 hold: bool = False, backup_dir: str | Path | None = None) -> DeviceResult | tuple[DeviceResult, Held | None]:
    """Push one device's payload; a configgen.push.engine.DeviceResult says what happened.
    `confirm_timeout`: default CONFIRM_TIMEOUT. `hold`: stop after the commit and its
    check, and return (result, Held) for the caller to settle after its own verification
    (Held None when nothing was committed). `backup_dir`: before the change is sent, the
    running datastore read under the lock is written there (`write_backup`, `.xml`)."""
    from ncclient import NCClientError
    from ncclient.operations import RPCError

    from configgen.push.engine import DeviceResult

    confirm_timeout = confirm_timeout or CONFIRM_TIMEOUT
    started = time.monotonic()
    result = DeviceResult(name)
    login: Login = (host, port, username, password, known_hosts, payload.models)
    held: Held | None = None
    with ExitStack() as stack:
        try:
            session = stack.enter_context(connect(*login, timeout=timeout))
            held = _push(session, result, login, payload, dry_run, confirm_timeout, timeout, backup_dir)
            if held is not None:
                held.stack = stack.pop_all()
        except FetchError as exc:
            result.error = str(exc)
        except RPCError as exc:
            result.error = f"the device refused {result.stage}: {rpc_errors(exc)}" + _left(result, confirm_timeout)
        except (NCClientError, OSError, EOFError) as exc:
            result.error = (f"the session failed at {result.stage}: {exc or type(exc).__name__}"
                            + _left(result, confirm_timeout))
    if held is not None and not hold:
        held.settle(None)
        held = None
    result.seconds = time.monotonic() - started
    return (result, held) if hold else result


def backup_document(running: str) -> str:
    """The running datastore as one XML document: `<data>` (RFC 6241's get-config reply
    element) holding its top-level elements, as `rollback` reads it back."""
    return f'<data xmlns="{NETCONF_BASE}">\n{running}\n</data>\n'


def _left(result: DeviceResult, confirm_timeout: int) -> str:
    """The state a failure part-way through a commit left the device in."""
    if result.stage in ("check", "cancel", "confirm", "verify"):
        return (f"; the confirmed commit was not confirmed: the device rolls it back by itself within "
                f"{confirm_timeout} s")
    if result.stage == "restore":
        return "; the change is committed and the snapshot was NOT put back: restore it by hand"
    if result.stage == "save" and result.committed:
        return "; the change is committed and running, but not saved to the startup configuration"
    if result.stage in ("read", "lock", "apply", "validate", "commit") and not result.committed:
        return "; nothing was committed: the device runs what it ran before"
    return ""


def _unlock(session: Session) -> None:
    from ncclient import NCClientError

    try:
        session.unlock("candidate")
    except (NCClientError, OSError, EOFError):
        pass              # a lost session's lock ends with it


def _push(session: Session, result: DeviceResult, login: Login, payload: Payload, dry_run: bool,
          confirm_timeout: int, timeout: float, backup_dir: str | Path | None = None) -> Held | None:
    """Up to the commit and its check; a Held when a change is committed and waiting to
    be settled (the candidate stays locked), else None (unlocked)."""
    from ncclient.operations import RPCError

    result.stage = "read"
    ownership = ownership_of(payload)
    have = elements(running_config(session))       # parsed once, read by every check below
    gone = stale(payload, have, ownership)
    if not _differs(payload, have, gone):
        result.status, result.stage = "unchanged", "done"
        return None
    result.stage = "ownership"
    result.conflicts = conflicts(payload, have, ownership)
    if result.conflicts:
        result.error = "foreign objects in the way: nothing sent (" + "; ".join(result.conflicts) + ")"
        return None
    result.commands = edit(payload, gone).splitlines()
    if dry_run:                  # read only: no lock, the candidate untouched
        result.status, result.stage = "planned", "done"
        return None
    result.stage = "lock"
    session.lock("candidate")
    held: Held | None = None
    try:
        session.discard_changes()
        result.stage = "read"
        running = running_config(session)     # the snapshot, read under the lock
        have = elements(running)
        result.conflicts = conflicts(payload, have, ownership)
        if result.conflicts:
            result.stage, result.error = "ownership", "foreign objects in the way: nothing sent"
            return None
        change = edit(payload, stale(payload, have, ownership))    # what the snapshot needs
        result.commands = change.splitlines()
        if backup_dir is not None:
            from configgen.push.engine import write_backup

            result.stage = "backup"
            try:
                result.backup = str(write_backup(backup_dir, result.device, backup_document(running), ".xml"))
            except OSError as exc:
                result.error = (f"nothing sent: the backup of the running datastore could not be written "
                                f"in {backup_dir}: {exc.strerror or exc}")
                return None
        confirmed = any(c.startswith(CONFIRMED_COMMIT) for c in session.server_capabilities)
        result.stage = "apply"
        token = secrets.token_hex(16) if confirmed else None
        try:
            session.edit_config(target="candidate", config=change)
            result.stage = "validate"
            session.validate(source="candidate")
            result.stage = "commit"
            if token is not None:
                session.commit(confirmed=True, timeout=str(confirm_timeout), persist=token)
            else:
                session.commit()
        except RPCError:
            # The refused change leaves the candidate: a candidate left modified would
            # block the next lock (RFC 6241 §7.5).
            session.discard_changes()
            result.committed = False
            raise
        result.committed = token is None
        held = Held(result, ExitStack(), session, token, running, confirm_timeout)
        result.stage = "check"
        problem = _check(login, payload, timeout)
        if problem is not None:
            held.settle(problem)       # unlocks; the caller's stack closes the session
            return None
        result.status, result.stage = "changed", "verify"   # committed, waiting to be settled
        return held
    finally:
        if held is None:
            _unlock(session)


def _check(login: Login, payload: Payload, timeout: float) -> str | None:
    """A second session logs in and reads the running datastore: None when it holds the
    payload and none of the entries the push deleted, else what went wrong."""
    from ncclient.operations import RPCError

    try:
        with connect(*login, timeout=timeout) as session:
            if differs(payload, running_config(session)):
                return ("the running datastore does not hold the payload after the commit (or still holds "
                        "what the push deleted)")
    except (FetchError, RPCError, OSError, EOFError) as exc:
        return f"a new session could not read the device after the commit: {exc}"
    return None


def _settle_confirmed(session: Session, result: DeviceResult, token: str, problem: str | None) -> None:
    if problem is not None:
        result.status, result.error = "failed", problem
        result.stage = "cancel"
        session.cancel_commit(persist_id=token)
        result.committed, result.rolled_back = False, True
        return
    result.stage = "confirm"
    session.commit(persist_id=token)
    result.committed, result.status, result.stage = True, "changed", "done"


def _settle_snapshot(session: Session, result: DeviceResult, snapshot: str, problem: str | None) -> None:
    if problem is not None:
        result.status, result.error = "failed", problem
        result.stage = "restore"
        session.edit_config(target="candidate", default_operation="replace",
                            config=f'<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">{snapshot}</config>')
        session.commit()
        result.committed, result.rolled_back = False, True
        return
    from ncclient.xml_ import to_ele

    result.stage = "save"
    session.dispatch(to_ele(SAVE_CONFIG))
    result.saved, result.status, result.stage = True, "changed", "done"


@overload
def push_devices(inventory: Inventory, payloads: dict[str, Payload], targets: dict[str, Target],
                 credentials: Credentials, *, dry_run: bool = ..., workers: int = ..., hold: Literal[False] = ...,
                 confirm_timeout: int | None = ..., backup_dir: str | Path | None = ...) -> list[DeviceResult]: ...
@overload
def push_devices(inventory: Inventory, payloads: dict[str, Payload], targets: dict[str, Target],
                 credentials: Credentials, *, dry_run: bool = ..., workers: int = ..., hold: Literal[True],
                 confirm_timeout: int | None = ...,
                 backup_dir: str | Path | None = ...) -> tuple[list[DeviceResult], dict[str, Held]]: ...
def push_devices(inventory: Inventory, payloads: dict[str, Payload], targets: dict[str, Target],
                 credentials: Credentials, *, dry_run: bool = False, workers: int = 4, hold: bool = False,
                 confirm_timeout: int | None = None,
                 backup_dir: str | Path | None = None) -> list[DeviceResult] | tuple[list[DeviceResult], dict[str, Held]]:
    """Push every target's payload, `workers` at a time: the device's address from its
    target (the inventory or a connection file), its NETCONF port from the inventory, its
    host key from the target's known_hosts file. The results in name order; with `hold`,
    (results, {device: Held}) for the devices whose change waits to be settled."""
    from concurrent.futures import ThreadPoolExecutor

    def one(name: str) -> DeviceResult | tuple[DeviceResult, Held | None]:
        target = targets[name]
        port, known_hosts = inventory.devices[name].netconf_port, Path(target.host_keys.known_hosts).expanduser()
        if target.pinned_host_key:
            # A connection file (`configgen lab up`) vouches for the device's host key and
            # names its NETCONF port when the lab serves NETCONF for it; otherwise nothing is
            # sent rather than trying port 830 on the SSH simulator's host.
            if target.netconf_port is None:
                from configgen.push.engine import DeviceResult

                return DeviceResult(name, error=f"{target.key_source or 'the connection file'} reaches {name} over "
                                                "SSH only (start the lab with --yang to serve NETCONF): nothing sent")
            port = target.netconf_port
            with tempfile.TemporaryDirectory(prefix="configgen-nc-") as folder:
                known_hosts = Path(folder) / "known_hosts"
                known_hosts.write_text(f"[{target.host}]:{port} {target.pinned_host_key}\n", encoding="utf-8")
                return push_payload(name, target.host, port, credentials.username, credentials.password_for(name),
                                    known_hosts, payloads[name], dry_run=dry_run,
                                    hold=hold, confirm_timeout=confirm_timeout, backup_dir=backup_dir)
        return push_payload(name, target.host, port, credentials.username, credentials.password_for(name),
                            known_hosts, payloads[name], dry_run=dry_run, hold=hold,
                            confirm_timeout=confirm_timeout, backup_dir=backup_dir)

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(targets)))) as pool:
        done = list(pool.map(one, sorted(targets)))
    pairs = [d if isinstance(d, tuple) else (d, None) for d in done]
    if not hold:
        return [r for r, _ in pairs]
    return [r for r, _ in pairs], {r.device: h for r, h in pairs if h is not None}
