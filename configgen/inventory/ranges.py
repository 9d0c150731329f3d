"""Digit ranges and dialling ambiguity.

A short number is dialled digit by digit: if one dialable number is a prefix of another
(661 and 6610), the network cannot tell when the caller has finished. Blocks make this
expensive to check naively (61000-62999 holds 2000 numbers), so ranges are never
expanded. Instead every number of length L stands for the interval of all digit strings
it starts, [n * 10^(W-L), (n+1) * 10^(W-L)) on a common width W. Two numbers are
prefix-related exactly when their intervals intersect (they then nest), and a block of
equal-length numbers is one contiguous interval. Finding every ambiguity is then an
interval-overlap sweep: O(n log n + conflicts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, NamedTuple


@dataclass(frozen=True)
class NumberRange:
    """Consecutive digit strings of one length, `first`..`last` inclusive ("61000-62999").
    A single number is a range of one."""

    first: str
    last: str

    @classmethod
    def parse(cls, text: str) -> "NumberRange":
        """Parse "61000-62999" or "6601"; ValueError says what would be right."""
        first, sep, last = text.partition("-")
        first, last = first.strip(), (last.strip() if sep else first.strip())
        if not (first.isdigit() and last.isdigit() and first.isascii() and last.isascii()):
            raise ValueError(f"{text!r} is not a number range; write first-last in digits, e.g. 61000-62999")
        if len(first) != len(last):
            raise ValueError(f"{text!r}: both ends must have the same number of digits "
                             f"({len(first)} vs {len(last)}); numbers in a block have one length")
        if int(first) > int(last):
            raise ValueError(f"{text!r}: the first number is greater than the last; write {last}-{first}")
        return cls(first, last)

    @property
    def length(self) -> int:
        return len(self.first)

    @property
    def size(self) -> int:
        return int(self.last) - int(self.first) + 1

    def number_at(self, offset: int) -> str:
        return str(int(self.first) + offset).zfill(self.length)

    def offset_of(self, number: str) -> int | None:
        """Position of `number` in the range, or None when it is not in it."""
        if len(number) != self.length or not number.isdigit():
            return None
        offset = int(number) - int(self.first)
        return offset if 0 <= offset < self.size else None

    def __str__(self) -> str:
        return self.first if self.first == self.last else f"{self.first}-{self.last}"


class DialEntry(NamedTuple):
    """Something a caller can dial: the numbers `first`..`last` (one length; equal for a
    single number) plus whatever the caller needs to name it in a finding. A plain tuple
    of strings: plans hold 100,000 of them, and allocations are what a check costs."""

    first: str
    last: str
    key: Any

    @classmethod
    def of(cls, numbers: NumberRange, key: Any) -> "DialEntry":
        return cls(numbers.first, numbers.last, key)

    @property
    def numbers(self) -> NumberRange:
        return NumberRange(self.first, self.last)


@dataclass(frozen=True)
class Conflict:
    """Two entries some of whose numbers are equal or prefixes of each other.
    `shorter` has the shorter numbers (either one when lengths are equal);
    `clash` is the part of the longer entry's range that starts with a shorter number."""

    shorter: DialEntry
    longer: DialEntry
    clash: NumberRange

    @property
    def same_length(self) -> bool:
        return self.shorter.numbers.length == self.longer.numbers.length


def prefix_conflicts(entries: Iterable[tuple[str, str, Any]]) -> Iterator[Conflict]:
    """Every pair of entries with prefix-related (or equal) numbers, without expanding ranges.
    Entries are DialEntry or plain (first, last, key) tuples."""
    entries = list(entries)
    if not entries:
        return
    width = max(len(e[0]) for e in entries)
    scales = [10 ** k for k in range(width + 1)]
    spans = []
    for index, (first, last, _) in enumerate(entries):
        scale = scales[width - len(first)]
        # (start, -end): sorted by start, the widest first, so containers open before contents.
        spans.append((int(first) * scale, -(int(last) + 1) * scale, index))
    spans.sort()
    open_spans: list[tuple[int, int, int]] = []   # (end, start, index) of spans that may still overlap
    reach = -1                                    # the furthest end of any span so far
    for start, negative_end, index in spans:
        end = -negative_end
        if start >= reach:
            open_spans.clear()   # the common case in a clean plan: nothing open overlaps
        else:
            open_spans = [o for o in open_spans if o[0] > start]
            for other_end, other_start, other in open_spans:
                yield _conflict(entries[other], entries[index], max(start, other_start), min(end, other_end), width)
        open_spans.append((end, start, index))
        if end > reach:
            reach = end


def _conflict(a: tuple[Any, ...], b: tuple[Any, ...], lo: int, hi: int, width: int) -> Conflict:
    a, b = DialEntry._make(a), DialEntry._make(b)
    shorter, longer = (a, b) if len(a.first) <= len(b.first) else (b, a)
    length = len(longer.first)
    scale = 10 ** (width - length)
    # [lo, hi) is the overlap on the common width; back on the longer entry's digits.
    clash = NumberRange(str(lo // scale).zfill(length), str(hi // scale - 1).zfill(length))
    return Conflict(shorter, longer, clash)


def range_patterns(numbers: NumberRange) -> list[str]:
    """The fewest digit patterns covering exactly the range, in Cisco dial-plan syntax:
    a digit, a class `[1-2]` or `.` for any digit. 1000-2999 -> ["[1-2]..."]."""
    return [_pattern(first, last) for first, last in _aligned_pieces(numbers.first, numbers.last)]


def _aligned_pieces(first: str, last: str) -> list[tuple[str, str]]:
    """Split first..last (equal length) into pieces that each share a prefix, vary in one
    digit position over a sub-range, and cover all digits after it (like 1[0-4]..)."""
    if first == last:
        return [(first, last)]
    length = len(first)
    common = 0
    while first[common] == last[common]:
        common += 1
    head = first[:common]
    tail_len = length - common - 1
    low_full = first[common + 1:] == "0" * tail_len
    high_full = last[common + 1:] == "9" * tail_len
    lo_digit, hi_digit = int(first[common]), int(last[common])
    pieces: list[tuple[str, str]] = []
    if not low_full:
        pieces += _aligned_pieces(first, head + first[common] + "9" * tail_len)
        lo_digit += 1
    middle_hi = hi_digit if high_full else hi_digit - 1
    if lo_digit <= middle_hi:
        pieces.append((head + str(lo_digit) + "0" * tail_len, head + str(middle_hi) + "9" * tail_len))
    if not high_full:
        pieces += _aligned_pieces(head + last[common] + "0" * tail_len, last)
    return pieces


def _pattern(first: str, last: str) -> str:
    out = []
    for a, b in zip(first, last):
        if a == b:
            out.append(a)
        elif a == "0" and b == "9":
            out.append(".")
        else:
            out.append(f"[{a}-{b}]")
    return "".join(out)
