"""PBX trunk rendering: the golden config, and proof that the RENDERED translation rules
and dial-peers do what the simulator (domain.md §4) says, for sample numbers of every block."""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

import pytest

from configgen import api
from configgen.numbers.plan import group_plans
from configgen.numbers.sed import VoiceConfig, destination_pattern_regex, parse_voice_config
from configgen.numbers.translate import calling_out, called_out, strip_routing_prefix, translate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inventories" / "hubei-vpmn-pbx.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden" / "pbx"

# Odd block boundaries (several rules per block), two extension lengths, a 4-digit area.
ODD_BLOCKS = """\
devices:
  gw: {vendor: cisco, os: ios, host: 192.0.2.31}
vpmn:
  - name: yichang
    area_code: "0717"
    plan: integrated
    pbx:
      - name: plant
        number: "88"
        sends_extensions: true
        switchboard: "07176543210"
        blocks:
          - {short: "61050-61249", extensions: "1050-1249"}
          - {short: "63300-63307", extensions: "3300-3307"}
          - {short: "672-689", extensions: "72-89"}
        gateway: gw
        trunk: {port: "1/0", signalling: pri, switch_type: primary-qsig}
        operator: {sip: 198.51.100.21}
"""


def test_example_matches_reviewed_golden():
    result = api.render(EXAMPLE)
    assert result.checked.ok
    assert result.configs["hq-voice-gw"] == (GOLDEN / "hq-voice-gw.cfg").read_text()


def test_issue_example_translations():
    """The two translations the issue spells out, through the rendered rules."""
    voice = parse_voice_config(api.render(EXAMPLE).configs["hq-voice-gw"])
    assert voice.translate("HQ-PBX-TO-VPMN", "calling", "1001") == "900271231001"
    assert voice.translate("HQ-PBX-TO-VPMN", "called", "61002") == "60061002"
    assert voice.translate("VPMN-TO-HQ-PBX", "called", "9040271231001") == "1001"


def _rendered(tmp_path, text: str | None) -> tuple[VoiceConfig, object]:
    if text is None:
        path = EXAMPLE
    else:
        path = tmp_path / "inv.yaml"
        path.write_text(textwrap.dedent(text))
    result = api.render(path)
    assert result.checked.ok, [str(f) for f in result.checked.findings]
    (config,) = result.configs.values()
    return parse_voice_config(config), group_plans(result.checked.inventory)[0]


def _samples(numbers, rng) -> list[str]:
    picks = {0, numbers.size - 1, numbers.size // 2, *(rng.randrange(numbers.size) for _ in range(20))}
    return [numbers.number_at(i) for i in sorted(picks)]


@pytest.mark.parametrize("inventory", [None, ODD_BLOCKS], ids=["example", "odd-blocks"])
def test_rendered_rules_match_the_simulator_for_every_block(tmp_path, inventory):
    voice, plan = _rendered(tmp_path, inventory)
    rng = random.Random(4)
    pbx = next(p for p in plan.group.pbx if p.gateway)
    to_vpmn, to_pbx = f"{pbx.name.upper()}-TO-VPMN", f"VPMN-TO-{pbx.name.upper()}"
    inbound_peers = [p for p in voice.dial_peers.values() if p.get("translation-profile incoming") == to_vpmn]
    outbound_pbx = [p for p in voice.dial_peers.values() if p.get("translation-profile outgoing") == to_pbx]
    operator = [p for p in voice.dial_peers.values() if p["kind"] == "voip"]
    assert len(inbound_peers) == 1 and len(operator) == 1
    for block in pbx.blocks:
        # Neighbours just outside the block must be left alone by the calling rule.
        outside = [block.extensions.number_at(-1), block.extensions.number_at(block.extensions.size)]
        for extension in _samples(block.extensions, rng) + outside:
            # PBX -> VPMN: both numbers through the inbound peer's profile, then the operator peer.
            calling = voice.translate(to_vpmn, "calling", extension)
            assert calling == calling_out(plan, pbx, extension)[0], extension
            for short in _samples(block.short, rng)[:3]:
                called = voice.translate(to_vpmn, "called", short)
                assert called == called_out(short)[0]
                assert destination_pattern_regex(operator[0]["destination-pattern"]).match(called)
        for extension in _samples(block.extensions, rng):
            # VPMN -> PBX: the routing number reaches the PBX's outbound peer and is stripped.
            short = block.short.number_at(block.extensions.offset_of(extension))
            steps = translate(plan, pbx, "in", "13800138000", short)
            routed = steps[1].called
            peers = [p for p in outbound_pbx if destination_pattern_regex(p["destination-pattern"]).match(routed)]
            assert len(peers) == 1, routed
            assert voice.translate(to_pbx, "called", routed) == steps[-1].called == extension
            assert voice.translate(to_pbx, "calling", routed) == strip_routing_prefix(plan, pbx, routed) == extension
            # A mobile caller passes unchanged.
            assert voice.translate(to_pbx, "calling", "13800138000") == "13800138000"


def test_huawei_gateway_renders_nothing_and_says_why(tmp_path):
    text = EXAMPLE.read_text().replace("vendor: cisco\n    os: ios", "vendor: huawei\n    os: vrp5")
    path = tmp_path / "inv.yaml"
    path.write_text(text)
    result = api.render(path)
    assert result.configs == {}
    (finding,) = result.checked.findings
    assert finding.code == "not-supported" and finding.message.startswith("not supported on huawei: ")
    assert finding.line == 26   # `gateway: hq-voice-gw`


def test_sed_semantics_first_substring_unless_anchored():
    from configgen.numbers.sed import apply_rule

    assert apply_rule("123", "456", "1234") == "4564"           # Cisco 61083's own example
    assert apply_rule("1", "9", "1111") == "9111"               # first match only
    assert apply_rule(r"^\(1\)$", "9", "11") is None            # anchored: whole number or nothing


def test_gateway_that_cannot_deliver_disagrees_with_the_model():
    """No dial-peer towards the VPMN matches the translated called number: the gateway step
    says so, no "VPMN receives" step follows, and the model's delivery is contradicted."""
    from configgen.numbers.translate import translate_on_gateway

    result = api.render(EXAMPLE)
    config = result.configs["hq-voice-gw"].replace("destination-pattern 600T", "destination-pattern 700T")
    plan = group_plans(result.checked.inventory)[0]
    steps, agrees = translate_on_gateway(plan, plan.group.pbx[0], "out", "1001", "61002", parse_voice_config(config))
    assert not agrees
    assert steps[-1].where == "gateway hq-voice-gw (rendered)"
    assert "no dial-peer towards the VPMN matches 60061002" in steps[-1].note
    assert "DIFFERS from the model" in steps[-1].note
