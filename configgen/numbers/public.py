"""Public (long) numbers: mobile and fixed numbers of mainland China (docs/references.md §4).

configgen's own rule comes first, because it is stricter than the numbering metadata and
gives the clearest message: a mobile number is 11 digits starting with 1; a fixed number is
an area code with its leading 0 (3 digits for 010 and 02x, 4 for the others) followed by a
7 or 8 digit subscriber number starting with 2-9. Then the `phonenumbers` metadata decides whether the
number is allocated at all (real area code, real mobile prefix, right subscriber length for
that area). Its patterns are compiled once and matched directly: `phonenumbers.parse` costs
about 50 µs a number, too slow for member lists of 100,000.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=None)
def _pattern(kind: str) -> re.Pattern[str]:
    """The national-number pattern of one kind of China number in phonenumbers' metadata
    (which ships China's, so neither is ever missing)."""
    import phonenumbers   # only when a number is checked: most inventories have none

    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    description = getattr(metadata, kind, None)
    pattern = getattr(description, "national_number_pattern", None)
    assert isinstance(pattern, str), kind
    return re.compile(pattern)


_AREA_CODE = re.compile(r"^0(?:10|2[0-9]|[3-9][0-9]{2})$")


def area_code_length(number: str) -> int:
    """Digits of the area code (with its 0) at the start of a fixed number."""
    return 3 if number.startswith(("010", "02")) else 4


@lru_cache(maxsize=None)
def area_code_problem(area_code: str) -> str | None:
    """Why `area_code` (with its leading 0) is not a real area code, or None."""
    if not area_code.startswith("0"):
        return f"area code {area_code} must start with its trunk prefix 0, e.g. 027"
    if not _AREA_CODE.match(area_code):
        return (f"area code {area_code} has the wrong length: 010 and 02x are 3 digits with the 0, "
                "all others 4 (e.g. 027 Wuhan, 0717 Yichang)")
    # Allocated when the metadata knows some subscriber number behind it.
    if not any(_pattern("fixed_line").fullmatch(area_code[1:] + digit * length) for digit in "23456789" for length in (7, 8)):
        return f"area code {area_code} is not allocated in China (phonenumbers metadata)"
    return None


def public_number_problem(number: str) -> str | None:
    """Why `number` is not a valid mobile or fixed number, or None."""
    if number.startswith("1"):
        if len(number) != 11:
            return f"mobile number {number} has {len(number)} digits; mobile numbers have 11"
        if not _pattern("mobile").fullmatch(number):
            return f"mobile number {number} is not in an allocated mobile range (phonenumbers metadata)"
        return None
    if number.startswith("0"):
        return fixed_number_problem(number)
    return (f"{number} is neither a mobile number (11 digits starting with 1) nor a fixed number "
            "with its area code (starting with 0): write the area code, e.g. 02788886666")


def fixed_number_problem(number: str) -> str | None:
    """Why `number` is not a valid fixed number (area code with 0 + subscriber), or None."""
    if not number.startswith("0"):
        return f"{number} is not a fixed number with area code: it must start with the area code's 0, e.g. 02788886666"
    area = number[:area_code_length(number)]
    problem = area_code_problem(area)
    if problem:
        return f"{number}: {problem}"
    subscriber = number[len(area):]
    if len(subscriber) not in (7, 8):
        return (f"fixed number {number} has a {len(subscriber)}-digit subscriber number after area code {area}; "
                "subscriber numbers have 7 or 8 digits")
    if subscriber[0] in "01":
        # 0 starts long distance and 1 service/mobile numbers; phonenumbers accepts 020 08888666.
        return (f"fixed number {number}: subscriber number {subscriber} starts with {subscriber[0]}; "
                "subscriber numbers start with 2-9")
    if not _pattern("fixed_line").fullmatch(number[1:]):
        return (f"fixed number {number} is not an allocated number in area {area} "
                "(phonenumbers metadata: wrong subscriber length or range for this area)")
    return None
