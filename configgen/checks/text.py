"""Text safety: no inventory value may smuggle extra lines or keystrokes into a CLI session.

A value lands inside a configuration line (`description <text>`, `ip route ... name <text>`).
On a live session a newline ends that line and starts an attacker's one; `?` asks the
router for context help and TAB completes the word, both rewriting what was typed
(vendor-notes §8). A leading `!` (Cisco) or `#` (Huawei) turns a line into a comment or
a section break in a config file. All of these are refused, for both vendors, so an
inventory stays safe when a device moves from one vendor to the other.
"""

from __future__ import annotations

import unicodedata

# IOS `description` takes up to 240 characters, AR VRP 242 (vendor-notes §8): stay below both.
MAX_TEXT = 200
COMMENT_LEADERS = ("!", "#")


def text_problem(value: str, max_length: int = MAX_TEXT) -> str | None:
    """Why `value` cannot go into a CLI line, or None when it is safe."""
    for index, char in enumerate(value):
        if char == "\t":
            return f"contains a TAB at position {index + 1} (the CLI would complete the word); use a space"
        if char in "\r\n":
            return (f"contains a line break at position {index + 1}, which would start a new "
                    "configuration line; keep it on one line")
        if char == "?":
            return f"contains '?' at position {index + 1} (the CLI would show context help instead); remove it"
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            return (f"contains control character U+{ord(char):04X} at position {index + 1}; "
                    "use printable characters only")
    if not value.isascii():
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


def assert_values_safe(value: object, where: str = "values") -> None:
    """Walk everything handed to a template and refuse any string with a control character.

    The schema already refuses unsafe inventory text; this is the last line of defence
    for values that reach a template another way (computed strings, a user's own
    template reading any field), so no substitution can ever emit a second line.
    """
    if isinstance(value, str):
        for char in value:
            if char in "\r\n" or unicodedata.category(char) == "Cc":
                raise ValueError(f"refusing to render {where}={value!r}: it contains a control character")
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_values_safe(item, f"{where}.{key}")
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            assert_values_safe(item, f"{where}[{index}]")
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            assert_values_safe(getattr(value, name), f"{where}.{name}")
