"""PBX trunk on a voice gateway (docs/references.md §4).

For each PBX with a `gateway`, the gateway gets an E1 PRI controller and D channel towards
the PBX, translation rules implementing the front-end transformations, and dial-peers
towards the PBX and the operator. Every rule, pattern and tag is computed here; the
template `templates/cisco/pbx.j2` only spells them. `configgen.numbers.translate` models
the same transformations independently, and tests check the rendered rules against it.

Transformations (docs/references.md §4), for area 027 and PBX number 123:
- PBX -> VPMN, calling: an extension of a block becomes 90 027 123 + extension. One rule
  per digit pattern of each block (1000-2999 -> [1-2]...), so only extensions that have a
  short number are presented; any other calling number passes unchanged (IOS leaves a
  number no rule matches as it is).
- PBX -> VPMN, called: prefix the VPMN access code 600 (61002 -> 60061002).
- VPMN -> PBX, called and calling: strip 904 027 123 in front of an extension-length number.

Not rendered, reported as findings instead: Huawei gateways (the AR E1/PRA trunk CLI is
not confirmed, docs/references.md §4); switchboard-only PBXs (the operator's manual gives no called-number
transformation towards a switchboard, docs/references.md §4); several PBXs on one gateway (their inbound POTS
dial-peers, both `incoming called-number .`, would match each other's calls).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from configgen.findings import Finding
from configgen.numbers.plan import ACCESS_PREFIX, GroupPlan, group_plans, routing_prefix, virtual_calling_number
from configgen.inventory.ranges import range_patterns
from configgen.services.addressing import owner_description
from configgen.services.model import Contribution, Section

MAX_RULES_PER_TABLE = 15   # Cisco 64020: 15 rules per translation-rule table (docs/references.md §4)
E1_D_CHANNEL = 15          # pri-group timeslots 1-31 creates Serial<port>:15 (timeslot 16)

# One PBX per gateway, so fixed tags as in docs/references.md §4.
CALLING_OUT_RULE, TO_PBX_RULE, CALLED_OUT_RULE = 1001, 1002, 1003
PBX_IN_PEER, PBX_OUT_PEER, OPERATOR_PEER = 100, 101, 200
# The operator leg to the softswitch/IMS: SIP, G.711 A-law, DTMF as RTP named events
# (docs/rendered-lines.md; the codec and DTMF lines have no vendor document read yet).
SIP, CODEC, DTMF_RELAY = "sipv2", "g711alaw", "rtp-nte"


@dataclass(frozen=True)
class Rule:
    """`rule <index> /<match>/ /<replace>/` in Cisco's sed-style syntax."""

    index: int
    match: str
    replace: str


@dataclass(frozen=True)
class RuleTable:
    tag: int
    comment: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Profile:
    name: str
    calling: int
    called: int


@dataclass(frozen=True)
class DialPeer:
    tag: int
    kind: str                               # "pots" | "voip"
    description: str
    destination_pattern: str | None = None
    incoming_called_number: str | None = None
    port: str | None = None                 # voice port of the PRI
    profile_incoming: str | None = None
    profile_outgoing: str | None = None
    session_target: str | None = None       # "ipv4:198.51.100.20"
    session_protocol: str | None = None     # VoIP: "sipv2"
    codec: str | None = None                # VoIP: "g711alaw"
    dtmf_relay: str | None = None           # VoIP: "rtp-nte"
    # Inbound from the PBX: route on the called number as dialled, no second dial tone.
    direct_inward_dial: bool = False
    # Towards the PBX: IOS strips the digits a POTS destination-pattern matched
    # explicitly; the PBX needs the whole extension, so they are kept.
    no_digit_strip: bool = False


@dataclass(frozen=True)
class PbxGateway:
    """Section values for one PBX trunk (template `cisco/pbx.j2`)."""

    pbx: str
    switch_type: str
    controller: str                         # "0/0/0" -> controller E1 0/0/0
    d_channel: str                          # "Serial0/0/0:15"
    description: str
    tables: tuple[RuleTable, ...]
    profiles: tuple[Profile, ...]
    dial_peers: tuple[DialPeer, ...]


def gateway_values(plan: GroupPlan, index: int) -> PbxGateway:
    """Everything the gateway config of PBX `plan.group.pbx[index]` needs."""
    pbx = plan.group.pbx[index]
    trunk, operator = pbx.trunk, pbx.operator
    assert trunk is not None and operator is not None, "the schema refuses a gateway without them"
    area = plan.group.pbx_area_code(pbx)
    vcn_prefix = virtual_calling_number(area, pbx)
    prefix = routing_prefix(area, pbx)
    port = f"{trunk.port}:{E1_D_CHANNEL}"
    calling_rules = tuple(
        Rule(i, rf"^\({pattern}\)$", rf"{vcn_prefix}\1")
        for i, pattern in enumerate(extension_patterns(plan, index), start=1))
    lengths = extension_lengths(pbx)
    to_pbx_rules = tuple(Rule(i, rf"^{prefix}\({'.' * length}\)$", r"\1") for i, length in enumerate(lengths, 1))
    tables = (
        RuleTable(CALLING_OUT_RULE, f"PBX -> VPMN calling: extension -> {vcn_prefix} + extension", calling_rules),
        RuleTable(TO_PBX_RULE, f"VPMN -> PBX called and calling: strip {prefix}", to_pbx_rules),
        RuleTable(CALLED_OUT_RULE, f"PBX -> VPMN called: add access prefix {ACCESS_PREFIX}",
                  (Rule(1, r"^\(.+\)$", rf"{ACCESS_PREFIX}\1"),)),
    )
    to_vpmn, to_pbx = f"{pbx.name.upper()}-TO-VPMN", f"VPMN-TO-{pbx.name.upper()}"
    profiles = (Profile(to_vpmn, CALLING_OUT_RULE, CALLED_OUT_RULE), Profile(to_pbx, TO_PBX_RULE, TO_PBX_RULE))
    peers = [DialPeer(PBX_IN_PEER, "pots", owner_description(pbx.name, "inbound from PBX trunk"),
                      incoming_called_number=".", direct_inward_dial=True,
                      port=port, profile_incoming=to_vpmn)]
    peers += [DialPeer(PBX_OUT_PEER + i, "pots",
                       owner_description(pbx.name, f"outbound to PBX (prefix {prefix})"),
                       destination_pattern=prefix + "." * length, port=port, profile_outgoing=to_pbx,
                       no_digit_strip=True)
              for i, length in enumerate(lengths)]
    # Every call from the PBX leaves with the 600 prefix; matching it (instead of .T)
    # keeps calls from the operator to unknown numbers from looping back to the operator.
    peers.append(DialPeer(OPERATOR_PEER, "voip", owner_description(pbx.name, "to operator softswitch/IMS"),
                          destination_pattern=f"{ACCESS_PREFIX}T", session_target=f"ipv4:{operator.sip}",
                          session_protocol=SIP, codec=CODEC, dtmf_relay=DTMF_RELAY))
    return PbxGateway(
        pbx=pbx.name,
        switch_type=trunk.switch_type,
        controller=trunk.port,
        d_channel=f"Serial{port}",
        description=f"PBX-TRUNK {pbx.name} VPMN {plan.group.name}",
        tables=tables,
        profiles=profiles,
        dial_peers=tuple(peers),
    )


def extension_patterns(plan: GroupPlan, index: int) -> list[str]:
    return [p for block in plan.group.pbx[index].blocks for p in range_patterns(block.extensions)]


def extension_lengths(pbx: Any) -> list[int]:
    return sorted({block.extensions.length for block in pbx.blocks})


def _gateway_pbxs(inventory: Any) -> Iterator[tuple[GroupPlan, int]]:
    for plan in group_plans(inventory):
        for index, pbx in enumerate(plan.group.pbx):
            if pbx.gateway is not None:
                yield plan, index


def gateway_findings(inventory: Any) -> Iterator[Finding]:
    """What stops a PBX gateway from being rendered (run by `configgen.checks.numbering`)."""
    sources = inventory.sources
    first_on: dict[str, tuple[Any, ...]] = {}
    for plan, index in _gateway_pbxs(inventory):
        pbx = plan.group.pbx[index]
        path = plan.pbx_path(index)
        gateway = pbx.gateway
        assert gateway is not None, "_gateway_pbxs yields PBXs with a gateway only"
        if pbx.gateway not in inventory.declared_devices:
            known = ", ".join(sorted(inventory.declared_devices)) or "none"
            yield sources.finding(path + ("gateway",), f"gateway device '{pbx.gateway}' is not defined under "
                                  f"`devices`; defined: {known}", code="unknown-device")
            continue
        device = inventory.devices.get(pbx.gateway)
        if device is None:
            continue   # the device's own findings say what is wrong with it
        if device.vendor != "cisco":
            yield sources.finding(path + ("gateway",), f"not supported on {device.vendor}: PBX trunk gateway "
                                  f"{pbx.gateway} for PBX {pbx.name}; the AR E1/PRA trunk CLI is not confirmed in "
                                  "Huawei's command reference (docs/references.md §4), so configgen renders PBX trunks "
                                  "on Cisco IOS gateways only: use a Cisco gateway or remove `gateway`",
                                  code="not-supported")
            continue
        if not pbx.sends_extensions:
            yield sources.finding(path + ("gateway",), f"not supported: a trunk gateway for switchboard-only PBX "
                                  f"{pbx.name}; the operator's manual defines no called-number transformation towards a "
                                  "switchboard: remove `gateway` or set sends_extensions with blocks",
                                  code="not-supported")
            continue
        if gateway in first_on:
            yield sources.finding(path + ("gateway",), f"not supported: a second PBX ({pbx.name}) on gateway "
                                  f"{gateway}; both trunks' inbound dial-peers would match each other's calls: "
                                  "use one gateway per PBX", code="not-supported", related=(first_on[gateway],))
            continue
        first_on[gateway] = path + ("gateway",)
        rules = len(extension_patterns(plan, index))
        if rules > MAX_RULES_PER_TABLE:
            yield sources.finding(path + ("blocks",), f"the extension blocks of PBX {pbx.name} need {rules} "
                                  f"translation rules; a Cisco rule table holds {MAX_RULES_PER_TABLE}: align blocks "
                                  "on round boundaries (1000-2999 needs one rule, 1050-1249 three)",
                                  code="too-many-rules")


def contributions(inventory: Any) -> Iterable[tuple[str, Contribution]]:
    """(gateway device, contribution) for every renderable PBX trunk; called by render.py,
    which renders only inventories without errors (so `gateway_findings` found nothing)."""
    for plan, index in _gateway_pbxs(inventory):
        values = gateway_values(plan, index)
        gateway = plan.group.pbx[index].gateway
        assert gateway is not None, "_gateway_pbxs yields PBXs with a gateway only"
        yield gateway, Contribution(sections=[Section(template="cisco/pbx.j2", values=values)], owner=values.pbx)
