"""An emulator of Cisco `voice translation-rule`s: what `test voice translation-rule` answers.

Semantics, from Cisco TAC 61083 ("Determine Voice Translation Rules"), TAC 64020
("Configure Number Translation with Voice Translation Profiles") and the Unified CME
Command Reference (`rule (voice translation-rule)`); tests/test_translation_rules.py holds
every example those documents publish:
- The match pattern is a sed regular expression: groups are written `\\(` `\\)`; `.` `*` `+`
  `?` `[...]` `[^...]` `^` `$` as usual; a backslash before any other character makes it
  literal (`\\-`, `\\#`, `\\*`, `\\+`); bare `(` `)` `{` `}` `|` are literal.
- The first matching substring is replaced, not the whole number, unless the pattern is
  anchored: `/123/ /456/` turns 1234 into 4564.
- In the replacement, `\\1`..`\\9` copy a group, `&` and `\\0` copy the whole match
  (`/1234/ /00&00/` turns 5551234 into 55500123400), a backslash before any other
  character makes it literal; everything else is copied as it is.
- Rules are tried in precedence order; the first whose pattern, number type and plan match
  translates (and may set a new type and plan); a `reject` rule that matches blocks the
  call; a number no rule matches passes unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

NO_TYPE = "none"   # what `test voice translation-rule` shows when no type or plan is given

_RULE = re.compile(r"^\s*rule\s+(\d+)\s+(reject\s+)?/([^/]*)/(?:\s+/([^/]*)/)?((?:\s+\S+)*)\s*$")


@dataclass(frozen=True)
class TranslationRule:
    """One `rule` line of a `voice translation-rule` table."""

    precedence: int
    match: str
    replace: str = ""
    reject: bool = False
    match_type: str | None = None     # `type <match> <replace>`; None: any type
    replace_type: str | None = None
    match_plan: str | None = None     # `plan <match> <replace>`; None: any plan
    replace_plan: str | None = None


@dataclass(frozen=True)
class Translation:
    """The outcome of a table for one number, as `test voice translation-rule` reports it."""

    number: str
    number_type: str = NO_TYPE
    plan: str = NO_TYPE
    rule: int | None = None           # precedence of the rule that matched; None: no rule did
    blocked: bool = False             # a `reject` rule matched


def parse_rule(line: str) -> TranslationRule | None:
    """` rule 2 /777/ /888/ type national unknown plan any isdn`, ` rule 1 reject /^234/ type
    national`; None for a line that is not a rule."""
    found = _RULE.match(line)
    if found is None:
        return None
    precedence, reject, match, replace, tail = found.groups()
    if (replace is None) != bool(reject):
        return None
    # `type` and `plan` take a match and a replacement value; on a reject rule, a match only.
    width = 1 if reject else 2
    words = tail.split()
    values: dict[str, list[str]] = {}
    while words:
        keyword, given, words = words[0], words[1:1 + width], words[1 + width:]
        if keyword not in ("type", "plan") or keyword in values or len(given) != width:
            return None
        values[keyword] = given
    kind, plan = values.get("type", []), values.get("plan", [])
    return TranslationRule(int(precedence), match, replace or "", bool(reject),
                           match_type=kind[0] if kind else None, replace_type=kind[1] if len(kind) > 1 else None,
                           match_plan=plan[0] if plan else None, replace_plan=plan[1] if len(plan) > 1 else None)


def _pieces(text: str, *, brackets: bool = False) -> Iterator[tuple[bool, str]]:
    """`text` read as sed reads a pattern or replacement: (True, c) for a backslash and the
    character c after it, else (False, one character); with `brackets`, (False, a whole
    bracket expression). A backslash at the very end is an ordinary character."""
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            yield True, text[i + 1]
            i += 2
        elif brackets and char == "[":
            # A bracket expression is copied whole; `]` right after `[` or `[^` is a member.
            end = i + 1 + (text[i + 1:i + 2] == "^")
            end = text.find("]", end + 1)
            if end < 0:
                raise ValueError(f"unterminated [ in match pattern /{text}/")
            yield False, text[i:end + 1]
            i = end + 1
        else:
            yield False, char
            i += 1


def to_python_regex(match: str) -> str:
    """A Cisco (sed) match pattern as a Python regular expression."""
    out: list[str] = []
    for escaped, piece in _pieces(match, brackets=True):
        if escaped:
            # \( \) group and \{ \} bound a repeat, as in sed; \N refers back; anything else is literal.
            out.append(piece if piece in "(){}" else f"\\{piece}" if piece.isdigit() else re.escape(piece))
        else:
            out.append(re.escape(piece) if piece in ("(", ")", "{", "}", "|") else piece)
    return "".join(out)


def _expand(replace: str, found: re.Match[str]) -> str:
    out: list[str] = []
    for escaped, char in _pieces(replace):
        if escaped and char.isdigit():
            if int(char) > (found.re.groups or 0):
                raise ValueError(f"replacement /{replace}/ copies group {char}; the match pattern has "
                                 f"{found.re.groups}")
            out.append(found.group(int(char)) or "")
        else:
            out.append(found.group(0) if char == "&" and not escaped else char)
    return "".join(out)


def apply_rule(match: str, replace: str, number: str) -> str | None:
    """The translated number, or None when the pattern does not match. ValueError for a
    pattern or replacement IOS would not accept either."""
    try:
        pattern = re.compile(to_python_regex(match))
    except re.error as exc:
        raise ValueError(f"match pattern /{match}/: {exc.msg}") from None
    found = pattern.search(number)
    if found is None:
        return None
    return number[:found.start()] + _expand(replace, found) + number[found.end():]


def _accepts(wanted: str | None, given: str) -> bool:
    return wanted is None or wanted == "any" or wanted == given


def apply_table(rules: Sequence[TranslationRule], number: str, number_type: str = NO_TYPE,
                plan: str = NO_TYPE) -> Translation:
    """`test voice translation-rule <table> <number> [type <number_type> [plan <plan>]]`."""
    for rule in sorted(rules, key=lambda r: r.precedence):
        if not (_accepts(rule.match_type, number_type) and _accepts(rule.match_plan, plan)):
            continue
        result = apply_rule(rule.match, rule.replace, number)
        if result is None:
            continue
        if rule.reject:
            return Translation(number, number_type, plan, rule.precedence, blocked=True)
        return Translation(result, rule.replace_type or number_type, rule.replace_plan or plan, rule.precedence)
    return Translation(number, number_type, plan)


def destination_pattern_regex(pattern: str) -> re.Pattern[str]:
    """A dial-peer destination-pattern as a regex: `.` any digit, `[1-2]` a class, `T` any digits."""
    body = "".join("[0-9]" if c == "." else "[0-9]*" if c == "T" else c for c in pattern)
    return re.compile(f"^{body}$")


@dataclass
class VoiceConfig:
    """Translation rules, profiles and dial-peers parsed from rendered IOS text."""

    rules: dict[int, list[TranslationRule]] = field(default_factory=dict)
    profiles: dict[str, dict[str, int]] = field(default_factory=dict)
    dial_peers: dict[int, dict[str, str]] = field(default_factory=dict)

    def translation(self, profile: str, which: str, number: str) -> Translation:
        """What profile `profile` does to its `which` ("calling" or "called") number."""
        tag = self.profiles[profile].get(which)
        return Translation(number) if tag is None else apply_table(self.rules[tag], number)

    def translate(self, profile: str, which: str, number: str) -> str:
        return self.translation(profile, which, number).number


def parse_voice_config(text: str) -> VoiceConfig:
    config = VoiceConfig()
    rules: list[TranslationRule] | None = None
    profile: dict[str, int] | None = None
    peer: dict[str, str] | None = None
    for line in text.splitlines():
        if not line.startswith(" "):
            words = line.split()
            rules = profile = peer = None
            if line.startswith("voice translation-rule "):
                rules = config.rules.setdefault(int(words[2]), [])
            elif line.startswith("voice translation-profile "):
                profile = config.profiles.setdefault(words[2], {})
            elif line.startswith("dial-peer voice "):
                peer = config.dial_peers.setdefault(int(words[2]), {"kind": words[3]})
            continue
        words = line.split()
        if rules is not None:
            rule = parse_rule(line)
            if rule is not None:
                rules.append(rule)
        elif profile is not None and words[0] == "translate":
            profile[words[1]] = int(words[2])
        elif peer is not None:
            name = " ".join(words[:-1]) if len(words) > 1 else words[0]
            peer[name] = words[-1]
    return config
