"""Atomic file writes: a reader never sees half a file, and a failure leaves the
previous files untouched."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# fsyncs in flight at once: the filesystem commits concurrent fsyncs together (one
# journal commit for many files), which costs a fraction of one commit per file.
_FSYNC_THREADS = 16


def _default_mode() -> int:
    """What open() would give a new file: 0o666 less the process umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: str | Path, text: str, mode: int | None = None) -> Path:
    """Write `text` to `path` through a temporary file in the same directory and a
    rename. `mode` (e.g. 0o600 for files holding secrets) is set before any byte is
    written, so the content is never readable with looser permissions."""
    return write_all_atomic({Path(path): text}, mode)[0]


def write_all_atomic(files: dict[Path, str], mode: int | None = None) -> list[Path]:
    """Write a set of files all or nothing: every file goes to a temporary file beside
    its target first; only when all are written and on disk are they renamed over the
    targets. A failure before the renames (a full disk, text that cannot be encoded, a
    target that is a directory) removes the temporary files and leaves every target as
    it was. After a crash each target holds its old or its new content, never a mix: the
    data is fsynced before the rename and the directories after it."""
    temps: list[tuple[str, Path]] = []
    try:
        for target, text in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            temps.append((tmp, target))
            os.fchmod(fd, _default_mode() if mode is None else mode)  # mkstemp makes 0600
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        for _, target in temps:
            if target.is_dir():
                raise IsADirectoryError(f"{target} is a directory")
        _fsync_all([tmp for tmp, _ in temps])
    except BaseException:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, target in temps:
        os.replace(tmp, target)
    for directory in {target.parent for target in files}:
        _fsync_path(directory)
    return list(files)


def _fsync_all(paths: list[str]) -> None:
    if len(paths) <= 1:
        for path in paths:
            _fsync_path(path)
        return
    # Imported here: every command imports this module, few write more than one file.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(_FSYNC_THREADS, len(paths))) as pool:
        list(pool.map(_fsync_path, paths))


def _fsync_path(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
