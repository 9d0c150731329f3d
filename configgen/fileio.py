"""Atomic file writes: a reader never sees half a file, and a failure leaves the
previous file untouched."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _default_mode() -> int:
    """What open() would give a new file: 0o666 less the process umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: str | Path, text: str, mode: int | None = None) -> Path:
    """Write `text` to `path` through a temporary file in the same directory and a
    rename. `mode` (e.g. 0o600 for files holding secrets) is set before any byte is
    written, so the content is never readable with looser permissions."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, _default_mode() if mode is None else mode)  # mkstemp makes 0600
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
