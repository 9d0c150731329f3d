"""Golden samples: vendor-documented ping output (vendor-notes §4) -> parsed statistics."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from configgen.verify import PingParseError, parse_ping

DATA = Path(__file__).parent / "data" / "ping"
EXPECTED = json.loads((DATA / "expected.json").read_text())


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_golden_ping_samples(sample):
    want = EXPECTED[sample]
    output = (DATA / sample).read_text()
    command = "ping 192.0.2.1 repeat 5"
    if want.get("error"):
        expected = want["error"] if isinstance(want["error"], str) else "Error: Wrong parameter"
        with pytest.raises(PingParseError, match=re.escape(expected)):
            parse_ping(want["parser"], command, output)
        return
    stats = parse_ping(want["parser"], command, output)
    assert (stats.sent, stats.received, round(stats.loss_pct, 2)) == (want["sent"], want["received"], want["loss_pct"])
    assert [stats.rtt_min, stats.rtt_avg, stats.rtt_max] == want["rtt"]
    assert stats.success == (want["received"] > 0)
