"""The prefix-ambiguity sweep and the range-to-pattern split, against brute-force oracles."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from configgen.inventory.ranges import DialEntry, NumberRange, prefix_conflicts, range_patterns


@st.composite
def number_ranges(draw, max_length: int = 4):
    length = draw(st.integers(1, max_length))
    first = draw(st.integers(0, 10 ** length - 1))
    last = draw(st.integers(first, min(10 ** length - 1, first + draw(st.sampled_from([0, 0, 3, 40, 500])))))
    return NumberRange(str(first).zfill(length), str(last).zfill(length))


def expand(numbers: NumberRange) -> list[str]:
    return [numbers.number_at(i) for i in range(numbers.size)]


@settings(max_examples=300, deadline=None)
@given(st.lists(number_ranges(), max_size=8))
def test_prefix_conflicts_match_brute_force(ranges):
    entries = [DialEntry.of(r, i) for i, r in enumerate(ranges)]
    found = {}
    for conflict in prefix_conflicts(entries):
        pair = frozenset((conflict.shorter.key, conflict.longer.key))
        assert pair not in found, "each pair is reported once"
        found[pair] = conflict
    expected = {}
    for i, a in enumerate(ranges):
        for j in range(i + 1, len(ranges)):
            b = ranges[j]
            clash = sorted(y for y in expand(b if b.length >= a.length else a)
                           if any(y.startswith(x) for x in expand(a if b.length >= a.length else b)))
            if clash:
                expected[frozenset((i, j))] = clash
    assert set(found) == set(expected)
    for pair, clash in expected.items():
        # The reported clash is exactly the longer entry's numbers that start with a shorter one.
        assert expand(found[pair].clash) == clash


@settings(max_examples=300, deadline=None)
@given(number_ranges(max_length=5))
def test_range_patterns_cover_exactly_the_range(numbers):
    patterns = [re.compile("^" + p.replace(".", "[0-9]") + "$") for p in range_patterns(numbers)]
    inside = set(expand(numbers))
    low = max(0, int(numbers.first) - 60)
    high = min(10 ** numbers.length - 1, int(numbers.last) + 60)
    for value in range(low, high + 1):
        candidate = str(value).zfill(numbers.length)
        matches = sum(bool(p.match(candidate)) for p in patterns)
        assert matches == (1 if candidate in inside else 0), candidate
    assert len(patterns) <= 2 * numbers.length - 1


def test_range_patterns_examples():
    assert range_patterns(NumberRange("1000", "2999")) == ["[1-2]..."]
    assert range_patterns(NumberRange("1050", "1249")) == ["10[5-9].", "11..", "12[0-4]."]
    assert range_patterns(NumberRange("0000", "9999")) == ["...."]
    assert range_patterns(NumberRange("6601", "6601")) == ["6601"]


def test_number_range_parse_messages():
    with pytest.raises(ValueError, match="write 1000-2999"):
        NumberRange.parse("2999-1000")
    with pytest.raises(ValueError, match="not a number range"):
        NumberRange.parse("61000-6x")
