"""The inventory schema: what an engineer may write, and nothing else.

Models are pydantic v2 with unknown keys forbidden. The loader validates section by
section (operator, each device, each service) so that one broken service does not hide
the findings of the others; `InventoryDocument` ties the sections together for the
published JSON Schema (`configgen schema`).
"""

# No `from __future__ import annotations`: pydantic would evaluate every field's annotation
# from its text, compiling each (start-up time); written plainly they are evaluated once here.
import ipaddress
from typing import Annotated, Any, Literal, Protocol, Union

from pydantic import ConfigDict, Field, create_model, field_validator, model_validator

from configgen import kinds

from configgen.inventory.types import (
    Host,
    InterfaceName,
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    Name,
    Port,
    SafeText,
    Strict,
)

# The Hubei manuals' GPRS core GRE endpoint (docs/references.md §2); a setting, this is its default.
DEFAULT_GRE_ENDPOINT = ipaddress.IPv4Address("211.137.63.13")
# The operator's public test address (docs/references.md §3): pinged to prove the path to the internet.
DEFAULT_INTERNET_TEST_ADDRESS = ipaddress.IPv4Address("211.137.58.20")


class Operator(Strict):
    """The operator side shared by every service in the inventory."""

    name: SafeText = Field("operator", description="the operator's name, used in descriptions and reports")
    gre_endpoint: IPv4Address = Field(
        DEFAULT_GRE_ENDPOINT, description="GPRS core GRE endpoint: default tunnel destination of gprs_vpn services")
    internet_test_address: IPv4Address = Field(
        DEFAULT_INTERNET_TEST_ADDRESS,
        description="operator's public test address pinged to prove the internet path (211.137.58.20 in Hubei)")
    management_sources: list[IPv4Network] = Field(
        [], description="networks the operator's engineers manage customer routers from: every internet line's "
                        "inbound policy permits SSH (tcp 22) from them to the router's WAN address")
    management_anywhere: bool = Field(
        False, description="acknowledges 0.0.0.0/0 in management_sources: SSH to every CE open to the whole internet")
    yang_models: str | None = Field(
        None, min_length=1, max_length=4096,
        description="folder of the vendors' YANG model sets (relative to the file that names it) that `configgen "
                    "check` validates NETCONF payloads against when no --yang is given")


VENDOR_OS = {"cisco": ("ios", "iosxe"), "huawei": ("vrp5", "vrp8", "ce")}


class Device(Strict):
    """A customer router (CE) configgen renders for and, later, pushes to."""

    model_config = ConfigDict(json_schema_extra=lambda schema: schema.update(allOf=[
        {"if": {"properties": {"vendor": {"const": vendor}}, "required": ["vendor"]},
         "then": {"properties": {"os": {"enum": list(oses)}}}} for vendor, oses in VENDOR_OS.items()]))

    vendor: Literal["cisco", "huawei"] = Field(description="router vendor: cisco or huawei")
    os: Literal["ios", "iosxe", "vrp5", "vrp8", "ce"] = Field(
        description="platform family: ios or iosxe (cisco); vrp5 (AR routers), vrp8 (NE40E-class routers, "
                    "commit-based) or ce (CE switches, VRP8) (huawei)")
    host: Host = Field(description="management address or DNS name, used by push and verify")
    port: Port = Field(22, description="SSH port for push and verify (default 22)")
    transport: Literal["ssh", "netconf"] = Field(
        "ssh", description="how push configures the device: ssh (CLI, every family) or netconf (Cisco IOS-XE and "
                           "Huawei VRP8 routers: render also writes <device>.xml; docs/netconf.md)")
    netconf_port: Port = Field(830, description="NETCONF port (default 830, RFC 6242): `configgen yang fetch`")
    hostname: Name | None = Field(None, description="hostname/sysname in the config; defaults to the device key")
    management_from: list[IPv4Network] = Field(
        [], description="networks this router is also managed from (besides operator.management_sources): its "
                        "internet line's inbound policy permits SSH (tcp 22) from them to the WAN address")
    management_anywhere: bool = Field(
        False, description="acknowledges 0.0.0.0/0 in management_from: SSH to this router open to the whole internet")

    @model_validator(mode="after")
    def _os_fits_vendor(self) -> "Device":
        allowed = VENDOR_OS[self.vendor]
        if self.os not in allowed:
            raise ValueError(f"os '{self.os}' does not run on vendor '{self.vendor}'; use one of: {', '.join(allowed)}")
        return self


class Attachment(Strict):
    """An interface of the customer router and its address (address/prefix)."""

    interface: InterfaceName = Field(
        description="interface name exactly as running-config prints it, e.g. GigabitEthernet0/1 (not Gi0/1)")
    address: IPv4Interface = Field(description="the router's address on this interface with its prefix length, "
                                               "e.g. 172.16.10.1/24")
    description: SafeText | None = Field(None, description="interface description rendered on the router")


class Wan(Attachment):
    """The interconnect towards the operator: always a /30 (docs/references.md §1)."""

    peer: IPv4Address | None = Field(
        None, description="operator side of the /30; defaults to the other usable host")


class VerifyPing(Strict):
    """A verification ping the inventory adds to a service's domain steps (run after them,
    from the customer router). `expect: fail` proves a path is closed: the step passes
    only when no reply comes back."""

    ping: IPv4Address = Field(description="address to ping from the customer router")
    source: Literal["lan", "wan"] | None = Field(
        None, description="source the ping from the service's LAN or WAN interface; omitted: the router picks")
    expect: Literal["pass", "fail"] = Field("pass", description="pass: a reply must come back; fail: none may")
    proves: SafeText = Field(description="what the step proves, shown in the verify report")
    segment: Literal["circuit", "operator routing", "customer LAN", "tunnel", "policy"] = Field(
        "policy", description="segment the report names when this step fails (default: policy)")

    @field_validator("ping", mode="after")
    @classmethod
    def _unicast_host(cls, value: ipaddress.IPv4Address) -> ipaddress.IPv4Address:
        for test, what in ((value.is_unspecified, "the unspecified address"), (value.is_loopback, "a loopback address"),
                           (value.is_multicast, "a multicast address"),
                           (value == ipaddress.IPv4Address("255.255.255.255"), "the broadcast address"),
                           (value.is_reserved, "a reserved (240.0.0.0/4) address")):
            if test:
                raise ValueError(f"{value} is {what}; verification pings a unicast host, e.g. 10.166.99.1")
        return value


VerifyPings = Annotated[list[VerifyPing], Field(
    description="extra verification pings after the domain steps, e.g. "
                "{ping: 10.166.99.1, source: lan, expect: fail, proves: other customers' pools are unreachable}")]


# Fields every service kind has, described once.
ServiceName = Annotated[Name, Field(description="service name, unique in the inventory; part of route and ACL names")]
DeviceKey = Annotated[Name, Field(description="key of the device (under devices:) that carries this service")]
FreeText = Annotated[SafeText | None, Field(description="free text rendered into interface descriptions")]
Lan = Annotated[Attachment, Field(description="the customer LAN interface and the router's address on it")]


class ServiceBase(Strict):
    """The fields a kind's model starts with, in this order (the published schema's order);
    the kind's model narrows `kind` to its own name."""

    kind: str
    name: ServiceName
    device: DeviceKey
    description: FreeText = None


class Service(Protocol):
    """What every kind's `services:` entry has (its model is in the kind's module,
    configgen.kinds): code outside that module reads only these."""

    @property
    def kind(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def device(self) -> str: ...

    @property
    def wan(self) -> Wan: ...

    @property
    def lan(self) -> Attachment: ...


class InventoryDocument(Strict):
    """One inventory file (several merge into one inventory). Used for the JSON Schema."""

    lab: bool = Field(False, description="lab inventory: documentation address ranges are allowed")
    operator: Operator = Field(Operator(), description="the operator side shared by every service")
    devices: dict[Name, Device] = Field({}, description="customer routers by name (the name is the default hostname)")
    # Each kind's model is in its module (configgen.kinds), the groups' in configgen.inventory.vpmn
    # (loaded only for an inventory that has groups): `document_model()` fills these in, and
    # `acknowledge`.
    services: list[Any] = Field([], description="services, each on one device: kind gprs_vpn or internet_line")
    vpmn: list[Any] = Field([], description="VPMN short-number groups and their PBXs (docs/vpmn-pbx.md)")
    # configgen.inventory.acknowledge: loaded when an inventory has entries (start-up time).
    acknowledge: list[Any] = Field(
        [], description="warnings accepted with a reason: shown as acknowledged, not counted (docs/validation.md)")


def document_model() -> type[InventoryDocument]:
    """`InventoryDocument` whose `services` are the registered kinds' models, told apart by
    `kind`, and whose `vpmn` are VPMN groups (the published JSON Schema): the kinds' models
    live in their modules, which import this one, so the union is made when asked for, not
    when this module loads; the groups' and acknowledgements' models only when asked for
    (start-up time)."""
    from configgen.inventory.acknowledge import Acknowledge
    from configgen.inventory.vpmn import VpmnGroup

    models = tuple(kind.model for kind in kinds.loaded())
    service = Annotated[Union[models], Field(discriminator="kind")]  # type: ignore[valid-type]
    fields = InventoryDocument.model_fields
    return create_model("InventoryDocument", __base__=InventoryDocument, __doc__=InventoryDocument.__doc__,
                        services=(list[service], Field([], description=fields["services"].description)),
                        vpmn=(list[VpmnGroup], Field([], description=fields["vpmn"].description)),
                        acknowledge=(list[Acknowledge], Field([], description=fields["acknowledge"].description)))
