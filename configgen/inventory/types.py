"""Field types shared by every part of the inventory schema.

Each type parses with a message an engineer can act on ("10.166.12.5/24 has host bits
set; the pool is 10.166.12.0/24"), instead of pydantic's generic wording.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any

# The C functions behind socket.inet_aton/inet_ntoa, without importing the socket module's
# enums and wrappers (start-up time: every command loads this module).
from _socket import inet_aton, inet_ntoa

from pydantic import BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema
from pydantic import BaseModel

from configgen.inventory.text import text_problem


class Strict(BaseModel):
    """Base for every inventory model: unknown keys are errors (they are usually typos).
    A model's validator is built when first used (defer_build): a run builds only the
    models its inventory has (start-up time)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False, defer_build=True)


def _require_str(value: Any, what: str, example: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"expected {what} such as {example}, got {type(value).__name__} {value!r}")
    return str(value)


def _text(raw: Any, *, cli: bool) -> str:
    if isinstance(raw, str):
        value = raw
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = str(raw)
    else:
        raise ValueError(f"expected text, got {type(raw).__name__}")
    problem = text_problem(value, cli=cli)
    if problem:
        raise ValueError(f"{value!r} {problem}")
    return value


def or_unquoted_number(schema: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema of a text field that also takes an unquoted YAML number (configgen
    reads `name: 123` or `short: 6601` as the digits): `pattern` and `maxLength` apply to
    strings only, `minimum` to numbers only."""
    return {**schema, "type": ["string", "integer"], "minimum": 0}


def _safe_text(value: Any) -> str:
    return _text(value, cli=True)


def _display_text(value: Any) -> str:
    return _text(value, cli=False)


SafeText = Annotated[str, BeforeValidator(_safe_text),
                     WithJsonSchema({"type": ["string", "number"], "maxLength": 200})]
# Text that never reaches a router CLI (VPMN member names: the numbering export and
# reports only): any script (Chinese names as the operator's systems hold them), still
# no control or invisible characters.
DisplayText = Annotated[str, BeforeValidator(_display_text),
                        WithJsonSchema({"type": ["string", "number"], "maxLength": 200})]
FREE_TEXT = (SafeText, DisplayText)   # read by no plan check

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
NAME = _NAME      # what every name (device keys, hostnames) matches; families add their own rules


def _name(raw: Any) -> str:
    value = _require_str(raw, "a name", "wh-logistics")
    if not _NAME.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a usable name: use 1-63 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (it becomes part of hostnames, route and ACL names)"
        )
    return value


Name = Annotated[str, BeforeValidator(_name),
                 WithJsonSchema(or_unquoted_number({"pattern": _NAME.pattern}))]

# GigabitEthernet0/0/1, Ethernet1, Vlanif10, GigabitEthernet0/0.100, Serial0/0/0:15
_INTERFACE = re.compile(r"^([A-Za-z][A-Za-z-]*|[0-9]+GE)([0-9]+(/[0-9]+)*(\.[0-9]+)?(:[0-9]+)?)$")

# Interface types as the routers print them in running-config (IOS and VRP). Push
# compares against running-config, so an abbreviation (Gi0/0) would never converge,
# and two spellings of one port would escape the one-address-per-interface check.
INTERFACE_TYPES = (
    "GigabitEthernet", "FastEthernet", "Ethernet", "TenGigabitEthernet", "XGigabitEthernet",
    "TwentyFiveGigE", "FortyGigabitEthernet", "HundredGigE", "25GE", "40GE", "100GE",
    "Serial", "Cellular", "Dialer", "Vlan", "Vlanif", "Port-channel", "Eth-Trunk", "BDI",
    "Multilink", "Mp-group", "Virtual-Template", "ATM", "Atm", "POS", "Pos",
)
_ABBREVIATIONS = {"gi": "GigabitEthernet", "gig": "GigabitEthernet", "ge": "GigabitEthernet",
                  "fa": "FastEthernet", "te": "TenGigabitEthernet", "xge": "XGigabitEthernet",
                  "eth": "Ethernet", "e": "Ethernet", "se": "Serial", "s": "Serial", "po": "Port-channel",
                  "vl": "Vlan", "ce": "Cellular"}


def _interface(value: Any) -> str:
    value = _require_str(value, "an interface name", "GigabitEthernet0/0/1")
    match = _INTERFACE.fullmatch(value)
    if not match:
        raise ValueError(
            f"{value!r} is not an interface name; write the full name the router uses, "
            "e.g. GigabitEthernet0/0 or GigabitEthernet0/0/1"
        )
    kind, number = match.group(1), match.group(2)
    if kind.lower().startswith(("tunnel", "loopback")):
        what = "tunnel" if kind.lower().startswith("tunnel") else "loopback"
        raise ValueError(f"{value!r}: {what} interfaces are not customer-facing ports; "
                         "name the physical interface here (configgen creates tunnels from `tunnel:`)")
    if kind not in INTERFACE_TYPES:
        full = _ABBREVIATIONS.get(kind.lower()) or next(
            (t for t in INTERFACE_TYPES if t.lower() == kind.lower()), None)
        hint = (f"write it as the router shows it: {full}{number}" if full
                else f"known types: {', '.join(INTERFACE_TYPES)}")
        raise ValueError(f"{value!r}: interface type '{kind}' is not one configgen knows; {hint}")
    # Routers print numbers without leading zeros: GigabitEthernet00/0 is GigabitEthernet0/0.
    return kind + _DIGITS.sub(lambda m: str(int(m.group())), number)


_DIGITS = re.compile(r"[0-9]+")

# ATM and POS interfaces: IOS prints ATM0/0/0 and POS0/0/0, VRP Atm1/0/0 and Pos1/0/0
# (Huawei YANG huawei-ifm: "Atm interface", type enum `Pos`). Each spelling is accepted;
# the loader rewrites it to the device's vendor (`vendor_interface_name`), so both
# spellings of one port are one interface in every check and in the rendered config.
_VENDOR_SPELLING = {"cisco": {"Atm": "ATM", "Pos": "POS"}, "huawei": {"ATM": "Atm", "POS": "Pos"}}


# Types only one vendor's routers have (Cisco-IOS-XE-interfaces.yang `interface` lists;
# Huawei YANG huawei-ifm interface type enum): `interface Vlanif10` in an IOS config or
# `interface Vlan10` on VRP is refused by the router. With the other vendor's name for
# the same kind of interface, where there is one.
_VENDOR_ONLY: dict[str, dict[str, str | None]] = {
    "cisco": {"FastEthernet": "Ethernet", "TenGigabitEthernet": "XGigabitEthernet", "TwentyFiveGigE": "25GE",
              "FortyGigabitEthernet": "40GE", "HundredGigE": "100GE", "Vlan": "Vlanif", "Port-channel": "Eth-Trunk",
              "Multilink": "Mp-group", "BDI": None},
    "huawei": {"XGigabitEthernet": "TenGigabitEthernet", "25GE": "TwentyFiveGigE", "40GE": "FortyGigabitEthernet",
               "100GE": "HundredGigE", "Vlanif": "Vlan", "Eth-Trunk": "Port-channel", "Mp-group": "Multilink"},
}
VENDOR_INTERFACE_TYPES = {
    vendor: tuple(t for t in INTERFACE_TYPES if t not in _VENDOR_SPELLING[vendor] and
                  not any(t in only for other, only in _VENDOR_ONLY.items() if other != vendor))
    for vendor in _VENDOR_ONLY}


def interface_type_problem(vendor: str, name: str) -> str | None:
    """Why `vendor`'s routers have no interface `name` (already validated), or None."""
    for other, only in _VENDOR_ONLY.items():
        if other == vendor:
            continue
        match = _INTERFACE.fullmatch(name)
        assert match is not None, name   # the schema accepted it
        kind = match.group(1)
        if kind in only:
            equivalent = only[kind]
            number = name[len(kind):]
            hint = f"write {equivalent}{number}" if equivalent else "use an interface type it has"
            return (f"{name!r}: {kind} is a {other} interface type; {vendor} routers name interfaces "
                    f"{', '.join(VENDOR_INTERFACE_TYPES[vendor])}: {hint}")
    return None


def vendor_interface_name(vendor: str, name: str) -> str:
    """An interface name (already validated) spelt as `vendor`'s routers print it."""
    spelling = _VENDOR_SPELLING.get(vendor, {})
    for written, printed in spelling.items():
        if name.startswith(written) and name[len(written):len(written) + 1].isdigit():
            return printed + name[len(written):]
    return name


# The same rule for editors: only the known types, spelt as the routers print them.
_INTERFACE_JSON_PATTERN = "^(" + "|".join(INTERFACE_TYPES) + r")[0-9]+(/[0-9]+)*(\.[0-9]+)?(:[0-9]+)?$"
InterfaceName = Annotated[str, BeforeValidator(_interface),
                          WithJsonSchema({"type": "string", "pattern": _INTERFACE_JSON_PATTERN,
                                          "examples": ["GigabitEthernet0/1", "GigabitEthernet0/0/1"]})]


def _canonical_ipv4(text: str) -> int | None:
    """`text` as an integer when it is a dotted quad exactly as Python prints it (every
    well-written address), else None. Parsed in C (inet_aton); anything else, the odd
    forms inet_aton also takes (010.1.1.1, 10.1) included, fails the round trip and goes
    to `ipaddress`, which decides and words the error as before. An inventory holds tens
    of thousands of addresses: `ipaddress` alone parsed them at 2-6 µs each."""
    try:
        packed = inet_aton(text)
    except (OSError, ValueError, UnicodeError):
        return None
    return int.from_bytes(packed, "big") if inet_ntoa(packed) == text else None


def _canonical_ipv4_prefix(text: str) -> tuple[int, int] | None:
    """(address, prefix length) for `a.b.c.d/n` written canonically, else None (see above)."""
    address, _, prefix = text.partition("/")
    number = _canonical_ipv4(address)
    if number is None or not (prefix.isascii() and prefix.isdigit()) or str(int(prefix)) != prefix \
            or int(prefix) > 32:
        return None
    return number, int(prefix)


def _ipv4_address(value: Any) -> ipaddress.IPv4Address:
    if isinstance(value, ipaddress.IPv4Address):
        return value
    text = _require_str(value, "an IPv4 address", "10.166.0.1")
    number = _canonical_ipv4(text)
    if number is not None:
        return ipaddress.IPv4Address(number)
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        hint = " (drop the /prefix: this field is a single address)" if "/" in text else ""
        raise ValueError(f"{text!r} is not an IPv4 address{hint}; e.g. 10.166.0.1") from None


def _ipv4_interface(value: Any) -> ipaddress.IPv4Interface:
    if isinstance(value, ipaddress.IPv4Interface):
        return value
    text = _require_str(value, "an address with prefix length", "10.166.0.2/30")
    if "/" not in text:
        raise ValueError(f"{text!r} has no prefix length; write address/prefix, e.g. {text}/30")
    parts = _canonical_ipv4_prefix(text)
    if parts is not None:
        return ipaddress.IPv4Interface(parts)
    try:
        return ipaddress.IPv4Interface(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an IPv4 address/prefix; e.g. 10.166.0.2/30") from None


def _ipv4_network(value: Any) -> ipaddress.IPv4Network:
    if isinstance(value, ipaddress.IPv4Network):
        return value
    text = _require_str(value, "a network", "10.166.12.0/24")
    if "/" not in text:
        raise ValueError(f"{text!r} has no prefix length; write network/prefix, e.g. {text}/24")
    try:
        parts = _canonical_ipv4_prefix(text)
        return ipaddress.IPv4Network(parts if parts is not None else text)
    except ValueError:
        try:
            loose = ipaddress.IPv4Network(text, strict=False)
        except ValueError:
            raise ValueError(f"{text!r} is not an IPv4 network; e.g. 10.166.12.0/24") from None
        raise ValueError(f"{text} has host bits set; the network is {loose}") from None


_as_str = PlainSerializer(str, return_type=str)
IPv4Address = Annotated[ipaddress.IPv4Address, BeforeValidator(_ipv4_address), _as_str,
                        WithJsonSchema({"type": "string", "format": "ipv4"})]
IPv4Interface = Annotated[ipaddress.IPv4Interface, BeforeValidator(_ipv4_interface), _as_str,
                          WithJsonSchema({"type": "string", "pattern": r"^\d+\.\d+\.\d+\.\d+/\d+$",
                                          "examples": ["10.166.0.2/30"]})]
IPv4Network = Annotated[ipaddress.IPv4Network, BeforeValidator(_ipv4_network), _as_str,
                        WithJsonSchema({"type": "string", "pattern": r"^\d+\.\d+\.\d+\.\d+/\d+$",
                                        "examples": ["10.166.12.0/24"]})]

_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def _apn(raw: Any) -> str:
    value = _require_str(raw, "an APN", "WHLOG.HB")
    # 3GPP TS 23.003 §9.1: labels as in DNS host names, at most 100 octets in all.
    if len(value) > 100:
        raise ValueError(f"APN {value!r} is {len(value)} characters; at most 100 are allowed")
    for label in value.split("."):
        if not _LABEL.fullmatch(label):
            raise ValueError(
                f"APN {value!r} has an invalid label {label!r}: labels are 1-63 letters, digits or '-', "
                "not starting or ending with '-', separated by dots, e.g. WHLOG.HB"
            )
    return value


Apn = Annotated[str, BeforeValidator(_apn),
               WithJsonSchema(or_unquoted_number({"maxLength": 100, "examples": ["WHLOG.HB"],
                                                  "pattern": r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                                                             r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"}))]


def _host(raw: Any) -> str:
    value = _require_str(raw, "a management address or DNS name", "192.0.2.11")
    if "@" in value:
        # Never echo the part before '@': it may be a password.
        raise ValueError(f"host ...@{value.rsplit('@', 1)[1]} holds a user name or password: credentials never go "
                         "into an inventory; write only the address and set CONFIGGEN_USERNAME / "
                         "CONFIGGEN_PASSWORD in the environment")
    try:
        if "%" not in value:   # an IPv6 zone (fe80::1%eth0) takes any text: not for a management address
            address = ipaddress.ip_address(value)
            # ::ffff:192.0.2.11 is 192.0.2.11: one spelling, so two devices on it are seen as one address
            mapped = getattr(address, "ipv4_mapped", None)
            return str(mapped) if mapped else value
    except ValueError:
        pass
    labels = value[:-1].split(".") if value.endswith(".") else value.split(".")
    if labels[-1].isdigit():
        # RFC 1123 §2.1: a top-level label is never all-numeric, so 3221225995 or 192.0.2.011 is no
        # name; resolvers would read it as an address, and not the one it seems to be.
        raise ValueError(f"{value!r} is neither an IPv4 address in dotted form nor a DNS name (a name never "
                         "ends in an all-digit label); write the address as four numbers 0-255, e.g. 192.0.2.11")
    if len(value) <= 253 and all(_LABEL.fullmatch(label) for label in labels):
        return value
    hint = " (the SSH port goes into `port:`)" if value.count(":") == 1 else ""
    raise ValueError(f"{value!r} is not a management address or DNS name{hint}; e.g. 192.0.2.11 or ce1.example.net")


Host = Annotated[str, BeforeValidator(_host), WithJsonSchema({"type": "string", "examples": ["192.0.2.11"]})]

Port = Annotated[int, Field(strict=True, ge=1, le=65535)]  # strict: `true` is not port 1


# Contracted rates are decimal (SI) units, as the operator prices them: 10M = 10,000 kbit/s
# = 10,000,000 bit/s. (Not 1024-based: `qos car ... cir 20480` for a 20M line would
# give the customer 2.4 % more than the contract.)
_RATE = r"^([0-9]+(?:\.[0-9]+)?)([KMG])$"    # case-insensitive; compiled on first use (re caches it)
_KBPS_PER_UNIT = {"K": 1, "M": 1000, "G": 1000_000}
# Cisco `police cir` takes 8000 bps to 64 Gbps (docs/references.md §3): the limits of what
# configgen can enforce on both vendors.
MIN_RATE_KBPS, MAX_RATE_KBPS = 8, 64_000_000


def parse_rate_kbps(value: Any) -> int:
    """'10M' -> 10000, '512K' -> 512, '1G' -> 1000000: the contracted rate in kbit/s."""
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError(f"{value!r} has no unit; write the contracted rate with K, M or G, e.g. 10M or 512K")
    match = re.fullmatch(_RATE, value.strip(), re.IGNORECASE)
    if not match:
        raise ValueError(f"{value!r} is not a rate; write a number and K, M or G, e.g. 2M, 10M, 100M, 512K or 1G")
    number, unit = match.groups()
    kbps = float(number) * _KBPS_PER_UNIT[unit.upper()]
    if kbps != int(kbps):
        raise ValueError(f"{value!r} is not a whole number of kbit/s; e.g. write 1.5M as 1500K")
    kbps = int(kbps)
    if not MIN_RATE_KBPS <= kbps <= MAX_RATE_KBPS:
        raise ValueError(f"{value!r} is outside the rates routers can police (8K to 64G)")
    return kbps


def format_rate(kbps: int) -> str:
    """10000 -> '10M', 512 -> '512K', 1000000 -> '1G': the operator's way of writing a rate."""
    for unit in ("G", "M"):
        if kbps % _KBPS_PER_UNIT[unit] == 0:
            return f"{kbps // _KBPS_PER_UNIT[unit]}{unit}"
    return f"{kbps}K"


# The field holds kbit/s once parsed; the YAML and the JSON Schema keep the operator's "10M".
Rate = Annotated[int, BeforeValidator(parse_rate_kbps), PlainSerializer(format_rate, return_type=str),
                 WithJsonSchema({"type": "string", "pattern": _RATE, "examples": ["2M", "10M", "100M"]})]
