"""The PBX front-end transformations of docs/references.md §4, step by step: what the numbers of
one call look like at each point of the path, like `test voice translation-rule` on a
gateway but for the whole call.

`translate` is the reference model. It is written from the domain rules, not from the
rendered Cisco rules, so tests can check one against the other. `translate_on_gateway`
adds what the PBX's gateway does with its rendered dial-peers and translation rules
(emulated by `configgen.numbers.sed`), so the numbers shown are the router's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from configgen.inventory.vpmn import Pbx
from configgen.numbers.plan import (
    ACCESS_PREFIX,
    GroupPlan,
    routing_prefix,
    virtual_calling_number,
)
from configgen.numbers.sed import VoiceConfig, destination_pattern_regex

Direction = Literal["out", "in"]


@dataclass(frozen=True)
class Step:
    where: str
    calling: str
    called: str
    note: str = ""

    def __str__(self) -> str:
        text = f"{self.where:<34} calling {self.calling or '-':<16} called {self.called or '-'}"
        return f"{text}\n{'':<36}{self.note}" if self.note else text


def calling_out(plan: GroupPlan, pbx: Pbx, calling: str) -> tuple[str, str]:
    """PBX -> VPMN calling number: (number, why)."""
    area = plan.group.pbx_area_code(pbx)
    if not pbx.sends_extensions:
        return virtual_calling_number(area, pbx), "switchboard-only PBX: every call presents 90 + area + PBX"
    for block in pbx.blocks:
        offset = block.extensions.offset_of(calling)
        if offset is not None:
            return (virtual_calling_number(area, pbx, calling),
                    f"extension {calling} (block {block.extensions} <-> short {block.short.number_at(offset)}) "
                    "becomes 90 + area + PBX + extension")
    return calling, (f"{calling} is in no extension block of {pbx.name}: unchanged, "
                     "the VPMN cannot map it to a short number")


def called_out(called: str) -> tuple[str, str]:
    return ACCESS_PREFIX + called, f"access prefix {ACCESS_PREFIX} triggers the VPMN service"


def strip_routing_prefix(plan: GroupPlan, pbx: Pbx, number: str) -> str | None:
    """904 + area + PBX + extension -> extension, when the rest has an extension's length."""
    prefix = routing_prefix(plan.group.pbx_area_code(pbx), pbx)
    rest = number[len(prefix):]
    if number.startswith(prefix) and any(len(rest) == b.extensions.length for b in pbx.blocks):
        return rest
    return None


def short_to_routing_number(plan: GroupPlan, pbx: Pbx, short: str) -> str | None:
    """What the VPMN platform routes a PBX short number to: 904 + area + PBX + extension."""
    for block in pbx.blocks:
        offset = block.short.offset_of(short)
        if offset is not None:
            return routing_prefix(plan.group.pbx_area_code(pbx), pbx) + block.extensions.number_at(offset)
    return None


def translate(plan: GroupPlan, pbx: Pbx, direction: Direction, calling: str, called: str) -> list[Step]:
    """The steps of one call between `pbx` and the VPMN."""
    if direction == "out":
        steps = [Step(f"PBX {pbx.name} sends", calling, called)]
        new_calling, why_calling = calling_out(plan, pbx, calling)
        new_called, why_called = called_out(called)
        steps.append(Step("front-end, calling number", new_calling, called, why_calling))
        steps.append(Step("front-end, called number", new_calling, new_called, why_called))
        steps.append(Step("VPMN receives", new_calling, new_called))
        return steps
    steps = [Step("VPMN sends", calling, called)]
    routed = short_to_routing_number(plan, pbx, called)
    if routed is not None:
        steps.append(Step("VPMN platform, short number", calling, routed,
                          f"short number {called} of PBX {pbx.name} is routed with prefix 904 + area + PBX"))
        called = routed
    stripped = strip_routing_prefix(plan, pbx, called)
    if stripped is None:
        prefix = routing_prefix(plan.group.pbx_area_code(pbx), pbx)
        steps.append(Step("front-end", calling, called, f"not routed to {pbx.name}: the called number is not "
                          f"{prefix} + an extension"))
        return steps
    steps.append(Step("front-end, called number", calling, stripped, "routing prefix 904 + area + PBX stripped"))
    calling_stripped = strip_routing_prefix(plan, pbx, calling)
    if calling_stripped is not None:
        steps.append(Step("front-end, calling number", calling_stripped, stripped,
                          "routing prefix 904 + area + PBX stripped from the calling number too"))
        calling = calling_stripped
    steps.append(Step(f"PBX {pbx.name} receives", calling, stripped))
    return steps


def _peer_towards(voice: VoiceConfig, number: str, kind: str) -> tuple[int, dict[str, str]] | None:
    """The dial-peer of `kind` whose destination-pattern matches `number` (lowest tag first)."""
    for tag, peer in sorted(voice.dial_peers.items()):
        pattern = peer.get("destination-pattern")
        if peer["kind"] == kind and pattern and destination_pattern_regex(pattern).match(number):
            return tag, peer
    return None


def _through_profile(voice: VoiceConfig, profile: str | None, calling: str, called: str) -> tuple[str, str, str]:
    if profile is None or profile not in voice.profiles:
        return calling, called, "no translation-profile"
    tags = voice.profiles[profile]
    rules = ", ".join(f"{which} rule {tags[which]}" for which in ("calling", "called") if which in tags)
    return (voice.translate(profile, "calling", calling), voice.translate(profile, "called", called),
            f"translation-profile {profile} ({rules or 'no rules'})")


def translate_on_gateway(plan: GroupPlan, pbx: Pbx, direction: Direction, calling: str, called: str,
                         voice: VoiceConfig) -> tuple[list[Step], bool]:
    """The model's steps, then what the gateway does with its rendered configuration `voice`:
    its dial-peers and translation rules, emulated as `test voice translation-rule` answers.
    The last step (what the far end receives) carries the gateway's numbers. False when the
    gateway and the model disagree."""
    steps = translate(plan, pbx, direction, calling, called)
    model = steps.pop() if steps[-1].where.endswith(" receives") else None
    if direction == "out":
        inbound = [(tag, p) for tag, p in sorted(voice.dial_peers.items()) if "translation-profile incoming" in p]
        tag, peer = inbound[0] if inbound else (None, {})
        calling, called, how = _through_profile(voice, peer.get("translation-profile incoming"), calling, called)
        how = f"dial-peer {tag} incoming {how}" if inbound else "no dial-peer with an incoming translation-profile"
        onward = _peer_towards(voice, called, "voip")
        if onward is not None:
            how += f"; out by dial-peer {onward[0]}"
        receiver, towards = "VPMN receives", "the VPMN"
    else:
        called = short_to_routing_number(plan, pbx, called) or called
        onward = _peer_towards(voice, called, "pots")
        peer = onward[1] if onward else {}
        calling, called, how = _through_profile(voice, peer.get("translation-profile outgoing"), calling, called)
        how = f"dial-peer {onward[0]} outgoing {how}" if onward else ""
        receiver, towards = f"PBX {pbx.name} receives", f"PBX {pbx.name}"
    if onward is None:
        how += f"{'; ' if how else ''}no dial-peer towards {towards} matches {called}: not delivered"
    if model is None:
        agrees = onward is None
        if not agrees:
            how += "; DIFFERS from the model, which does not deliver the call"
    else:
        agrees = onward is not None and (model.calling, model.called) == (calling, called)
        if not agrees:
            how += f"; DIFFERS from the model, which gives calling {model.calling} called {model.called}"
    steps.append(Step(f"gateway {pbx.gateway} (rendered)", calling, called, how))
    if onward is not None:
        steps.append(Step(receiver, calling, called))
    return steps, agrees
