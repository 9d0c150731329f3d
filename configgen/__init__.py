"""configgen: validate, render, push and verify enterprise telecom service configurations."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # The version is looked up when asked for (`--version`, a SARIF report), not at every
    # start: importlib.metadata costs more than the rest of `configgen validate`'s imports.
    if name != "__version__":
        raise AttributeError(f"module 'configgen' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("configgen")
    except PackageNotFoundError:   # a source tree that was never installed
        return "0+unknown"
