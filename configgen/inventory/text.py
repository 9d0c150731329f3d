"""Text safety: no inventory value may smuggle extra lines or keystrokes into a CLI session.

A value lands inside a configuration line (`description <text>`, `ip route ... name <text>`).
On a live session a newline ends that line and starts an attacker's one; `?` asks the
router for context help and TAB completes the word, both rewriting what was typed
(docs/references.md §6). A leading `!` (Cisco) or `#` (Huawei) turns a line into a comment or
a section break in a config file. All of these are refused, for both vendors, so an
inventory stays safe when a device moves from one vendor to the other.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Callable, Iterator

# IOS `description` takes up to 240 characters, AR VRP 242 (docs/references.md §6): stay below both.
MAX_TEXT = 200
COMMENT_LEADERS = ("!", "#")


def text_problem(value: str, max_length: int = MAX_TEXT, *, cli: bool = True) -> str | None:
    """Why `value` cannot go into a CLI line, or None when it is safe. `cli=False`: text
    that never reaches a router (member names), where any script is fine."""
    # Fast path for the common case (100,000-member CSVs): printable ASCII excludes
    # every control character, TAB and line break at once.
    if (value.isascii() and value.isprintable() and "?" not in value and value
            and value[0] not in " !#" and value[-1] != " " and len(value) <= max_length):
        return None
    # Loaded only for a value the fast path cannot clear: a C extension (start-up time).
    import unicodedata
    for index, char in enumerate(value):
        if char == "\t":
            return f"contains a TAB at position {index + 1} (the CLI would complete the word); use a space"
        if char in "\r\n":
            return (f"contains a line break at position {index + 1}, which would start a new "
                    "configuration line; keep it on one line")
        if char == "?":
            return f"contains '?' at position {index + 1} (the CLI would show context help instead); remove it"
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Zl", "Zp"):
            return (f"contains control character U+{ord(char):04X} at position {index + 1}; "
                    "use printable characters only")
        if category in ("Co", "Cn", "Cs"):   # shows as nothing, or differently on every screen
            return (f"contains unassigned or private-use character U+{ord(char):04X} at position {index + 1}; "
                    "use printable characters only")
    if cli and not value.isascii():
        return "contains non-ASCII characters, which router CLIs mangle; use ASCII (e.g. pinyin)"
    stripped = value.lstrip()
    if stripped.startswith(COMMENT_LEADERS):
        return (f"starts with '{stripped[0]}', which a router reads as a comment or section separator; "
                "start with a letter or digit")
    if value != value.strip():
        return "has leading or trailing spaces; remove them"
    if not value:
        return "is empty"
    if len(value) > max_length:
        return f"is {len(value)} characters long; at most {max_length} fit a description"
    return None


# Compiled on first use by what renders (re caches it): validate never needs it.
_LINE_BREAKING = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]"

Search = Callable[[str], "re.Match[str] | None"]


def assert_values_safe(value: object, where: str = "values") -> None:
    """Walk everything handed to a template and refuse any string with a control character.

    The schema already refuses unsafe inventory text; this is the last line of defence
    for values that reach a template another way (computed strings, a user's own
    template reading any field), so no substitution can ever emit a second line.
    Classes marked `cli_safe_constants = True` (code-authored tables such as the
    platform table) are not inventory data and are not walked.
    """
    search = re.compile(_LINE_BREAKING).search
    if _has_unsafe(value, search):
        found = _unsafe_path(value, search)  # the slow walk, only to name the field
        path, text = found if found is not None else ([], "")
        raise ValueError(f"refusing to render {where}{''.join(reversed(path))}={text!r}: "
                         "it contains a control character")


_ATOMS = (int, float, bool, type(None), ipaddress.IPv4Address, ipaddress.IPv4Interface, ipaddress.IPv4Network)


def _children(value: object) -> Iterator[tuple[str, object]] | None:
    """(step, child) pairs of a container, NamedTuple or dataclass, or None for a leaf."""
    if isinstance(value, dict):
        return ((f".{key}", item) for key, item in value.items())
    if isinstance(value, tuple) and hasattr(value, "_fields"):   # a NamedTuple record: its fields by name
        return ((f".{name}", item) for name, item in zip(value._fields, value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return ((f"[{index}]", item) for index, item in enumerate(value))
    if hasattr(value, "__dataclass_fields__") and not getattr(value, "cli_safe_constants", False):
        return ((f".{name}", getattr(value, name)) for name in value.__dataclass_fields__)
    return None


def _has_unsafe(value: object, search: Search) -> bool:
    if isinstance(value, str):
        return search(value) is not None
    if isinstance(value, _ATOMS):
        return False
    if isinstance(value, dict):
        return any(_has_unsafe(item, search) for item in value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_has_unsafe(item, search) for item in value)
    if hasattr(value, "__dataclass_fields__") and not getattr(value, "cli_safe_constants", False):
        return any(_has_unsafe(getattr(value, name), search) for name in value.__dataclass_fields__)
    return False


def _unsafe_path(value: object, search: Search) -> tuple[list[str], str] | None:
    """(reversed path, offending string) of the first unsafe string, or None."""
    if isinstance(value, str):
        return ([], value) if search(value) else None
    for step, item in _children(value) or ():
        found = _unsafe_path(item, search)
        if found is not None:
            found[0].append(step)
            return found
    return None
