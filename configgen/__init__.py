"""configgen: validate, render, push and verify enterprise telecom service configurations."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("configgen")
except PackageNotFoundError:   # a source tree that was never installed
    __version__ = "0+unknown"
