"""An emulator of Cisco `voice translation-rule`s, to test rendered configs offline.

Cisco rules are sed-style (docs/references.md §4, Cisco 61083/64020): groups are written
`\\(` `\\)`, back-references `\\1`, and a rule replaces the first matching substring
(not the whole number) unless anchored with ^...$: `/123/ /456/` turns 1234 into 4564.
The rules of a table are tried in order; the first that matches translates; a number no
rule matches passes unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_RULE = re.compile(r"^\s*rule\s+(\d+)\s+/(.*)/\s+/(.*)/\s*$")


def to_python_regex(match: str) -> str:
    return match.replace(r"\(", "(").replace(r"\)", ")")


def to_python_replacement(replace: str) -> str:
    # Only \N is special in a Cisco replacement; everything else is literal.
    parts = re.split(r"\\(\d)", replace)
    return "".join(re.escape(p).replace("\\", "\\\\") if i % 2 == 0 else f"\\g<{p}>"
                   for i, p in enumerate(parts))


def apply_rule(match: str, replace: str, number: str) -> str | None:
    """The translated number, or None when the rule does not match."""
    result, count = re.subn(to_python_regex(match), to_python_replacement(replace), number, count=1)
    return result if count else None


def apply_table(rules: list[tuple[str, str]], number: str) -> str:
    for match, replace in rules:
        result = apply_rule(match, replace, number)
        if result is not None:
            return result
    return number


def destination_pattern_regex(pattern: str) -> re.Pattern:
    """A dial-peer destination-pattern as a regex: `.` any digit, `[1-2]` a class, `T` any digits."""
    body = "".join("[0-9]" if c == "." else "[0-9]*" if c == "T" else c for c in pattern)
    return re.compile(f"^{body}$")


@dataclass
class VoiceConfig:
    """Translation rules, profiles and dial-peers parsed from rendered IOS text."""

    rules: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    profiles: dict[str, dict[str, int]] = field(default_factory=dict)
    dial_peers: dict[int, dict[str, str]] = field(default_factory=dict)

    def translate(self, profile: str, which: str, number: str) -> str:
        tag = self.profiles[profile].get(which)
        return number if tag is None else apply_table(self.rules[tag], number)


def parse_voice_config(text: str) -> VoiceConfig:
    config = VoiceConfig()
    section: tuple[str, object] | None = None
    for line in text.splitlines():
        if not line.startswith(" "):
            words = line.split()
            if line.startswith("voice translation-rule "):
                section = ("rule", int(words[2]))
                config.rules[int(words[2])] = []
            elif line.startswith("voice translation-profile "):
                section = ("profile", words[2])
                config.profiles[words[2]] = {}
            elif line.startswith("dial-peer voice "):
                section = ("peer", int(words[2]))
                config.dial_peers[int(words[2])] = {"kind": words[3]}
            else:
                section = None
            continue
        if section is None:
            continue
        kind, key = section
        if kind == "rule":
            found = _RULE.match(line)
            if found:
                config.rules[key].append((found.group(2), found.group(3)))
        elif kind == "profile" and line.split()[0] == "translate":
            _, which, tag = line.split()
            config.profiles[key][which] = int(tag)
        elif kind == "peer":
            words = line.split()
            name = " ".join(words[:-1]) if len(words) > 1 else words[0]
            config.dial_peers[key][name] = words[-1]
    return config
