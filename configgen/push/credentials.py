"""Login credentials and the redaction that keeps them out of every output.

Credentials never come from the inventory (it is committed to git): they come from
`CONFIGGEN_USERNAME` / `CONFIGGEN_PASSWORD`, per device from
`CONFIGGEN_PASSWORD_<DEVICE>` (device name upper-cased, every character other than a
letter or digit as `_`; a variable two device names share is refused), from a
lab connection file (mode 0600, written by `configgen lab up`), or from a prompt when
stdin is a terminal.

Every secret handed out here is registered with `redact`, which the logging record
factory (every record of every logger), the reports and the exception texts of
push/verify all pass through.
"""

from __future__ import annotations

import getpass
import logging
import os
import re
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

_secrets: set[str] = set()
_lock = threading.Lock()
MASK = "********"


def register_secret(secret: str | None) -> None:
    if secret:
        with _lock:
            _secrets.add(secret)
        install_log_redaction()


def redact(text: object) -> str:
    """`text` with every registered secret replaced by a mask, as a whole token only: a
    secret that starts (ends) with a letter or digit is masked where no letter or digit
    precedes (follows) it, so a short or common password (`admin`) leaves ordinary words
    (`administrator`) alone: masking inside words would mangle the output and, by the
    pattern of masks, reveal the password. Longest first, so a password containing
    another one is masked whole. A secret right after an escape (`\\n` in a repr) counts
    as a token start."""
    out = str(text)
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in out:
            out = _token_pattern(secret).sub(MASK, out)
    return out


def _token_pattern(secret: str) -> re.Pattern[str]:
    before = r"(?:(?<![A-Za-z0-9])|(?<=\\[nrt]))" if secret[0].isalnum() else ""
    after = r"(?![A-Za-z0-9])" if secret[-1].isalnum() else ""
    return re.compile(before + re.escape(secret) + after)


def redact_all(value: Any) -> Any:
    """`redact` through a report's dicts and lists (JSON output)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_all(v) for v in value]
    if isinstance(value, dict):
        return {k: redact_all(v) for k, v in value.items()}
    return value


def _redact_record(record: logging.LogRecord) -> None:
    """Mask secrets in a record's final message (arguments included), traceback and stack.
    A record without a secret is left as it is."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken format string: keep the raw parts, masked
        message = f"{record.msg} {record.args}"
    masked = redact(message)
    if masked != message:
        record.msg, record.args = masked, None
    if record.exc_info and record.exc_info[1] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        if redact(text) != text:
            record.exc_text, record.exc_info = redact(text), None
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


class RedactingFilter(logging.Filter):
    """Masks secrets in a record (for handlers that want it explicitly; the record factory
    installed by `install_log_redaction` already masks every record when it is made)."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


_factory_lock = threading.Lock()
_installed = False


def install_log_redaction() -> None:
    """Mask secrets in *every* log record, of any logger, for any handler, including loggers
    and handlers created later: wrap the logging record factory so a record is redacted when
    it is made. (A filter on a logger never sees its children's records, and filters on
    handlers miss handlers added afterwards.) Idempotent; registering a secret installs it."""
    global _installed
    with _factory_lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            if _secrets:
                _redact_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True


class CredentialsError(Exception):
    """No credentials available (and no terminal to ask on)."""


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)
    per_device: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        register_secret(self.password)
        for secret in self.per_device.values():
            register_secret(secret)

    def password_for(self, device: str) -> str:
        return self.per_device.get(device, self.password)


def _env_key(device: str) -> str:
    return "CONFIGGEN_PASSWORD_" + re.sub(r"[^A-Za-z0-9]", "_", device).upper()


def _refuse_shared_variables(devices: list[str], namesakes: Iterable[str], env: Mapping[str, str]) -> None:
    """`core.1`, `core-1` and `CORE_1` all map to CONFIGGEN_PASSWORD_CORE_1: when that
    variable is set, whose password it is cannot be known, so refuse rather than offer one
    device's password to another. `namesakes`: the inventory's other devices."""
    by_key: dict[str, set[str]] = {}
    for device in {*devices, *namesakes}:
        by_key.setdefault(_env_key(device), set()).add(device)
    wanted = {_env_key(d) for d in devices}
    for key, names in sorted(by_key.items()):
        if len(names) > 1 and key in wanted and env.get(key):
            raise CredentialsError(f"{key} is set, but devices {', '.join(sorted(names))} all map to it, so it "
                                   "cannot say whose password it is: rename the devices so their names differ "
                                   "in more than case and `-`/`.`/`_`, or unset it and use CONFIGGEN_PASSWORD")


def load_credentials(devices: list[str], connection_login: tuple[str, str] | None = None, *,
                     interactive: bool | None = None, environ: Mapping[str, str] | None = None,
                     namesakes: Iterable[str] = ()) -> Credentials:
    """A connection file's own login first (a lab's: its devices know no other, and the
    production CONFIGGEN_PASSWORD must not be offered to them), then the environment,
    then a prompt when interactive (default: stdin is a TTY). `namesakes`: every device
    of the inventory, so that a per-device variable two device names share is refused."""
    if connection_login is not None and all(connection_login):
        return Credentials(connection_login[0], connection_login[1], {})
    env = os.environ if environ is None else environ
    _refuse_shared_variables(devices, namesakes, env)
    per_device = {d: env[_env_key(d)] for d in devices if env.get(_env_key(d))}
    username, password = env.get("CONFIGGEN_USERNAME"), env.get("CONFIGGEN_PASSWORD")
    if interactive is None:
        interactive = sys.stdin.isatty()
    if not username and interactive:
        username = input("Username: ").strip()
    if not password and interactive and len(per_device) < len(devices):
        password = getpass.getpass(f"Password for {username}: ")
    if not username or (not password and len(per_device) < len(devices)):
        raise CredentialsError("no credentials: set CONFIGGEN_USERNAME and CONFIGGEN_PASSWORD "
                               "(or run from a terminal to be prompted)")
    return Credentials(username, password or "", per_device)
