"""configgen's TextFSM template for Huawei VRP `ping`, shipped in the package, on the
golden samples; whatever the template or TextFSM throws is a failed step's error line."""

from __future__ import annotations

import io
import json
from importlib.resources import files
from pathlib import Path

import pytest
import textfsm

from configgen.verify import PingParseError, parse_ping

DATA = Path(__file__).parent / "data" / "ping"
EXPECTED = json.loads((DATA / "expected.json").read_text())
HUAWEI = sorted(name for name, want in EXPECTED.items() if want["parser"] == "huawei" and not want.get("error"))


def template_rows(output: str) -> list[dict]:
    text = files("configgen").joinpath("textfsm", "huawei_vrp_ping.textfsm").read_text(encoding="utf-8")
    fsm = textfsm.TextFSM(io.StringIO(text))
    return [dict(zip(fsm.header, row)) for row in fsm.ParseText(output)]


@pytest.mark.parametrize("sample", HUAWEI)
def test_the_shipped_template_parses_every_golden_sample(sample):
    want = EXPECTED[sample]
    [row] = template_rows((DATA / sample).read_text())
    assert (int(row["SENT"]), int(row["RECEIVED"]), float(row["LOSS_PCT"])) == (
        want["sent"], want["received"], want["loss_pct"])
    assert [float(row[k]) if row[k] else None for k in ("RTT_MIN", "RTT_AVG", "RTT_MAX")] == want["rtt"]
    assert row["DESTINATION"] in (DATA / sample).read_text().splitlines()[0]


def test_a_refused_ping_is_a_template_error_and_a_parse_error():
    output = (DATA / "huawei-rejected.txt").read_text()
    with pytest.raises(textfsm.TextFSMError):
        template_rows(output)
    with pytest.raises(PingParseError, match="not a ping result: Error: Wrong parameter"):
        parse_ping("huawei", "ping 192.0.2.1", output)


@pytest.mark.parametrize("output, line", [
    # a session cut in the middle of the statistics, the next prompt glued on
    ("  --- 10.1.1.2 ping statistics ---\n    5 packet(s) transmitted\n<wh-water-ce>", "<wh-water-ce>"),
    # no statistics at all
    ("  PING 10.1.1.2: 56  data bytes, press CTRL_C to break\n    Request time out", "Request time out"),
])
def test_output_without_whole_statistics_fails_the_step_with_the_devices_line(output, line):
    with pytest.raises(PingParseError) as raised:
        parse_ping("huawei", "ping 10.1.1.2", output)
    assert str(raised.value) == f"not a ping result: {line}"
