"""Schema of `vpmn:` entries: VPMN groups, their members and their PBXs (docs/vpmn-pbx.md).

Numbers are digit strings. YAML reads an unquoted 6601 as an integer; that loses nothing
for short numbers, PBX numbers and mobiles, so integers are accepted. A leading zero is
what an integer would lose: the loader keeps plain 027 or 02787654321 as written, but
quote every number anyway ("027") so no YAML tool on the way can reinterpret it.

The schema checks the form of each value; `configgen.checks.numbering` checks the plan
(plan rules, ambiguity, uniqueness, lengths), where the other entries are known.
"""

from __future__ import annotations

from typing import Annotated, Any, Callable, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator

from configgen.inventory.types import DisplayText, IPv4Address, Name, SafeText, Strict, or_unquoted_number
from configgen.inventory.ranges import NumberRange


def _digits(what: str, example: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return str(value)
        if not isinstance(value, str):
            raise ValueError(f"expected {what} in digits such as \"{example}\" (quoted), got {value!r}")
        if not (value.isascii() and value.isdigit()):
            raise ValueError(f"{value!r} is not {what}: digits only, e.g. \"{example}\"")
        return value
    return parse


def _area_code(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f"area code {value} lost its leading 0: quote it with the 0, e.g. \"0{value}\"")
    return _digits("an area code", "027")(value)


def _number_range(value: Any) -> NumberRange:
    if isinstance(value, NumberRange):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a number range such as \"61000-62999\", got {value!r}")
    return NumberRange.parse(value)


# Unquoted numbers are accepted (see above). An editor reads a plain 027 as the number 27,
# so for area codes and public numbers the schema cannot tell a lost leading zero: configgen does.
ShortNumber = Annotated[str, BeforeValidator(_digits("a short number", "6601")),
                        WithJsonSchema(or_unquoted_number({"pattern": r"^[0-9]+$", "examples": ["6601"]}))]
PublicNumber = Annotated[str, BeforeValidator(_digits("a public number", "13800138000")),
                         WithJsonSchema(or_unquoted_number({"pattern": r"^[0-9]+$",
                                                            "examples": ["13800138000", "02787654321"]}))]
PbxNumber = Annotated[str, BeforeValidator(_digits("a PBX number", "123")),
                      WithJsonSchema(or_unquoted_number({"pattern": r"^[0-9]+$", "examples": ["123"]}))]
AreaCode = Annotated[str, BeforeValidator(_area_code),
                     WithJsonSchema(or_unquoted_number({"pattern": r"^0[0-9]{2,3}$", "examples": ["027"]}))]
Range = Annotated[NumberRange, BeforeValidator(_number_range),
                  WithJsonSchema(or_unquoted_number({"pattern": r"^[0-9]+(-[0-9]+)?$",
                                                     "examples": ["61000-62999"]}))]


def _e1_port(value: Any) -> str:
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    parts = text.split("/")
    if not (2 <= len(parts) <= 3 and all(p.isascii() and p.isdigit() for p in parts)):
        raise ValueError(f"{value!r} is not an E1 port; write slot/subslot/port as on `controller E1 0/0/0`")
    return text


E1Port = Annotated[str, BeforeValidator(_e1_port),
                   WithJsonSchema({"type": "string", "pattern": r"^[0-9]+(/[0-9]+){1,2}$", "examples": ["0/0/0"]})]


class Member(Strict):
    """A VPMN member: a mobile or fixed subscriber and the short number it is dialled by."""

    short: ShortNumber = Field(description="short number members dial, e.g. 6601 (digits)")
    number: PublicNumber = Field(description="the member's public number: 11-digit mobile or area code + subscriber")
    name: DisplayText | None = Field(None, description="the member's name (exported with the plan)")


class ExtensionBlock(Strict):
    """Short numbers mapped one to one onto PBX extensions: 61000-62999 <-> 1000-2999."""

    short: Range = Field(description="short-number range, e.g. 61000-62999")
    extensions: Range = Field(description="the PBX extensions it maps onto one to one, e.g. 1000-2999")


class Trunk(Strict):
    """The digital trunk between the voice gateway and the PBX (E1, ISDN PRI)."""

    port: E1Port = Field(description="E1 controller, e.g. 0/0/0 (`controller E1 0/0/0`)")
    signalling: Literal["pri"] = Field(description="only ISDN PRI is rendered (No.1, No.7 and analog are not)")
    # E1 switch types (docs/references.md §4); primary-ni is a T1 (North American) type.
    switch_type: Literal["primary-net5", "primary-qsig"] = Field(
        "primary-net5", description="ISDN switch type of the E1 PRI: primary-net5 (default) or primary-qsig")


class OperatorLink(Strict):
    """Where the gateway sends VPMN calls: the operator's softswitch/IMS (SIP)."""

    sip: IPv4Address = Field(description="address of the operator's SIP softswitch/IMS the gateway sends calls to")


class Pbx(Strict):
    """A PBX joined to the VPMN through the front-end."""

    name: Name = Field(description="PBX name, unique in the inventory")
    number: PbxNumber = Field(description="PBX number, assigned per PBX within the area (123)")
    area_code: AreaCode | None = Field(None, description="the PBX's area code; defaults to the group's")
    sends_extensions: bool = Field(description="true: extensions map onto short-number blocks; "
                                               "false: only the switchboard joins, with one short number")
    switchboard: PublicNumber = Field(description="PSTN switchboard number, with area code")
    short: ShortNumber | None = Field(None, description="short number of the switchboard")
    blocks: list[ExtensionBlock] = Field([], description="short-number blocks mapped onto extensions "
                                                          "(with sends_extensions)")
    gateway: Name | None = Field(None, description="device that terminates the trunk; its config is rendered")
    trunk: Trunk | None = Field(None, description="the E1 trunk to the PBX (with gateway)")
    operator: OperatorLink | None = Field(None, description="where the gateway sends VPMN calls (with gateway)")

    @model_validator(mode="after")
    def _gateway_needs_trunk(self) -> "Pbx":
        if self.gateway is not None:
            missing = [f for f in ("trunk", "operator") if getattr(self, f) is None]
            if missing:
                raise ValueError(f"PBX {self.name} has a gateway but no {' and no '.join(missing)}: the gateway "
                                 "config needs the trunk (port, signalling) and the operator's SIP address")
        elif self.trunk is not None or self.operator is not None:
            raise ValueError(f"PBX {self.name} has trunk/operator settings but no `gateway` to render them on; "
                             "name the gateway device or remove them")
        return self


class VpmnGroup(Strict):
    """A VPMN (V-net) group: members dial each other and the PBXs by short numbers."""

    name: Name = Field(description="VPMN group name, unique in the inventory")
    area_code: AreaCode = Field(description="area code with its leading 0, e.g. \"027\"")
    plan: Literal["integrated", "group"] = Field(
        description="integrated: 6 + 2..5 digits, second digit not 0 | group: 3..6 digits")
    members: list[Member] = Field([], description="members and their short numbers")
    members_file: SafeText | None = Field(
        None, description="CSV file of further members (columns short,number[,name]), relative to this YAML file")
    pbx: list[Pbx] = Field([], description="PBXs joined to the group through the front-end")

    def pbx_area_code(self, pbx: Pbx) -> str:
        return pbx.area_code or self.area_code
