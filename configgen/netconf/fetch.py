"""`configgen yang fetch`: a device's own YANG models, over NETCONF (docs/netconf.md).

The device announces its modules in its `<hello>` (`<namespace>?module=<name>&revision=`,
RFC 6020 §5.6.4); each is read with `<get-schema>` (RFC 6022), and so is every module or
submodule they import or include, until the closure is complete. The running datastore
becomes the folder's `baseline.xml`, so the folder is a model set `check --yang` can use.

ncclient: the `default` handler for IOS-XE and `huaweiyang` for VRP8 routers, never
`iosxe` (it installs a host-key callback that accepts any key). The host key is checked
strictly against a known_hosts file before the password is sent.
"""

from __future__ import annotations

import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from configgen.fileio import write_all_atomic
from configgen.findings import InputError

HANDLERS = {"huawei-vrp8": "huaweiyang", "cisco-iosxe-native": "default"}
# A module name a device announces becomes a file name: nothing else is accepted.
MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,127}")
_DEPENDENCY = re.compile(r"^\s*(?:import|include)\s+\"?([A-Za-z_][A-Za-z0-9_.-]*)", re.M)
MAX_MODULES = 5000          # a device announcing more is refused, not followed

# ncclient ships no type hints: its session (a Manager) is Any here.
Session = Any


def require_ncclient() -> None:
    """InputError (exit 2) before anything is sent when the netconf extra is not installed."""
    try:
        import ncclient  # noqa: F401  (optional dependency: the netconf extra)
    except ImportError as exc:
        raise InputError("NETCONF (transport: netconf, yang fetch) needs ncclient: pip install "
                         f"'configgen[netconf]' (docs/netconf.md): {exc}") from None


class FetchError(Exception):
    """The device could not be read (host key, login, connection, protocol): nothing written."""


@dataclass
class Fetched:
    written: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)    # imported, but the device would not serve it


def announced_modules(capabilities: Iterable[object]) -> list[str]:
    """Module names in a server's `<hello>` capabilities."""
    names = []
    for capability in capabilities:
        match = re.search(r"[?&]module=([^&]+)", str(capability))
        if match and match.group(1) not in names:
            names.append(match.group(1))
    return names


@contextmanager
def connect(host: str, port: int, username: str, password: str, known_hosts: Path, models: str, *,
            timeout: float = 30.0) -> Iterator[Session]:
    """An ncclient session to the device, after its host key checked out against
    `known_hosts` (FetchError otherwise: no password sent); closed on leaving."""
    from ncclient import manager  # optional dependency: the netconf extra
    from ncclient.transport.errors import AuthenticationError, SSHError, SSHUnknownHostError

    if not known_hosts.is_file():
        raise FetchError(f"{known_hosts}: no such known_hosts file; host keys are checked strictly (add the "
                         f"device's key, e.g. ssh-keyscan -p {port} {host} >> {known_hosts}, after checking it)")
    with tempfile.NamedTemporaryFile("w", suffix=".ssh_config", encoding="utf-8") as ssh_config:
        ssh_config.write(f"Host *\n    UserKnownHostsFile {known_hosts}\n")
        ssh_config.flush()
        try:
            session = manager.connect(host=host, port=port, username=username, password=password,
                                      hostkey_verify=True, ssh_config=ssh_config.name, allow_agent=False,
                                      look_for_keys=False, device_params={"name": HANDLERS[models]},
                                      timeout=timeout)
        except SSHUnknownHostError as exc:
            raise FetchError(f"the host key of {host}:{port} is not in {known_hosts} (or differs from it): nothing "
                             f"sent to the device ({type(exc).__name__})") from None
        except AuthenticationError:
            raise FetchError(f"{host}:{port} refused the login") from None
        except (SSHError, OSError) as exc:
            raise FetchError(f"cannot reach {host}:{port} over NETCONF: {exc}") from None
    try:
        yield session
    finally:
        _close(session)


def _close(session: Session) -> None:
    """<close-session>, when the session is still there: a dropped session is over anyway,
    and its failure (already reported) must not be replaced by the failure to close it."""
    from ncclient import NCClientError

    if session.connected:
        try:
            session.close_session()
        except (NCClientError, OSError, EOFError):
            pass


def fetch_models(host: str, port: int, username: str, password: str, known_hosts: Path, models: str,
                 out_dir: Path, *, timeout: float = 30.0) -> Fetched:
    """Every model the device serves, and its running configuration as baseline.xml, into
    `out_dir` (all files written together, or none)."""
    require_ncclient()
    from ncclient.operations import RPCError

    try:
        with connect(host, port, username, password, known_hosts, models, timeout=timeout) as session:
            return _read(session, out_dir, RPCError)
    except RPCError as exc:
        raise FetchError(f"{host}:{port}: {rpc_errors(exc)}") from None


def _read(session: Session, out_dir: Path, rpc_error: type[Exception]) -> Fetched:
    result = Fetched()
    queue = [name for name in announced_modules(session.server_capabilities) if MODULE_NAME.fullmatch(name)]
    texts: dict[str, str] = {}
    while queue:
        name = queue.pop(0)
        if name in texts or name in result.missing:
            continue
        if len(texts) >= MAX_MODULES:
            raise FetchError(f"the device serves more than {MAX_MODULES} modules; refusing to follow more")
        try:
            text = session.get_schema(name).data
        except rpc_error:
            result.missing.append(name)
            continue
        texts[name] = text
        queue.extend(d for d in _DEPENDENCY.findall(text) if MODULE_NAME.fullmatch(d) and d not in texts)
    baseline = running_config(session)
    files = {out_dir / f"{name}.yang": text for name, text in sorted(texts.items())}
    files[out_dir / "baseline.xml"] = baseline + "\n"
    out_dir.mkdir(parents=True, exist_ok=True)
    result.written = write_all_atomic(files)
    return result


def running_config(session: Session) -> str:
    """The running datastore's top-level elements, one after another."""
    from lxml import etree  # ncclient's own parser

    return "".join(etree.tostring(child, encoding="unicode") for child in session.get_config(source="running").data_ele)


def rpc_errors(exc: Exception) -> str:
    """Every <rpc-error> of a reply (ncclient's `tag` breaks when there are several)."""
    errors = getattr(exc, "errors", None) or [exc]
    return "; ".join(f"{getattr(e, 'tag', '') or 'error'}: {getattr(e, 'message', '') or e}" for e in errors)
