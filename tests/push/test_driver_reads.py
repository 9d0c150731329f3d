"""How push's drivers read a router's answers (drivers._WaitsForOutput), against the lab's
real SSH routers: up to and including the pattern, the rest kept for the next read, a
timeout when the pattern never comes, and waiting for output rather than polling for it
(netmiko polled every 10 ms: with 50 sessions on two cores the polling starved the work)."""

from __future__ import annotations

import pytest
from netmiko.exceptions import ReadTimeout

from configgen.lab import Fault
from configgen.push import Credentials, read_connection_file, resolve_targets
from tests.lab.conftest import DATA, load, require_lab, start_lab

PROMPTS = {"wh-logistics-ce": "wh-logistics-ce#",     # cisco_ios
           "wh-water-ce": "<wh-water-ce>",            # huawei_vrp
           "wh-power-ce": "<wh-power-ce>"}            # huawei_vrpv8


@pytest.fixture(scope="module")
def three_os(tmp_path_factory):
    require_lab()
    lab = start_lab(load(DATA / "gprs-three-os.yaml"))
    connections = lab.write_connection_file(tmp_path_factory.mktemp("reads") / "connections.json")
    targets = resolve_targets(lab.inventory, None, read_connection_file(connections))
    yield lab, targets, Credentials(lab.username, lab.password)
    lab.stop()


@pytest.mark.parametrize("device", list(PROMPTS))
def test_reads_up_to_the_pattern_and_keeps_the_rest(three_os, device):
    lab, targets, credentials = three_os
    prompt = PROMPTS[device]
    with targets[device].connect(credentials) as conn:
        conn.write_channel("\n\n")                 # two prompts come back
        first = conn.read_until_pattern(pattern=prompt, read_timeout=20)
        assert first.endswith(prompt) and first.count(prompt) == 1, repr(first)
        second = conn.read_until_pattern(pattern=prompt, read_timeout=20)
        assert second.endswith(prompt) and second.count(prompt) == 1, repr(second)


def test_a_pattern_that_never_comes_times_out(three_os):
    lab, targets, credentials = three_os
    with targets["wh-logistics-ce"].connect(credentials) as conn:
        conn.write_channel("\n")
        with pytest.raises(ReadTimeout):
            conn.read_until_pattern(pattern="no router prints this", read_timeout=1)


@pytest.mark.parametrize("device", list(PROMPTS))
def test_a_slow_answer_is_waited_for_not_polled(three_os, device):
    """The router takes 0.6 s to answer: netmiko read the channel every 10 ms (about 60
    empty reads); the drivers read when output arrives (the echo, the answer)."""
    lab, targets, credentials = three_os
    prompt = PROMPTS[device]
    with targets[device].connect(credentials) as conn:
        lab.set_fault(device, Fault(delay=0.6))
        try:
            reads = []
            read_channel = conn.read_channel

            def counted():
                reads.append(read_channel())
                return reads[-1]

            conn.read_channel = counted
            conn.write_channel("\n")
            answer = conn.read_until_pattern(pattern=prompt, read_timeout=20)
        finally:
            lab.set_fault(device, None)
        assert answer.endswith(prompt)
        assert len(reads) < 15, f"{len(reads)} reads, {sum(not r for r in reads)} of them empty"
