"""Type-ahead: several RETURNs (or lines) arriving at once, as netmiko's `find_prompt()`
sends them when a router is slow. A real IOS/VRP CLI answers each line in order, with
its own newline and prompt; the lab once echoed all the newlines first and then glued the
prompts on one line, which netmiko then took as the prompt and waited for forever."""

from __future__ import annotations

import time

import paramiko
import pytest

from tests.lab.conftest import DATA, load, start_lab

DEVICES = {"wh-logistics-ce": "wh-logistics-ce#",     # cisco_ios
           "wh-water-ce": "<wh-water-ce>",            # huawei_vrp
           "wh-power-ce": "<wh-power-ce>"}            # huawei_vrpv8


@pytest.fixture(scope="module")
def lab():
    lab = start_lab(load(DATA / "gprs-three-os.yaml"))
    yield lab
    lab.stop()


def _shell(lab, device: str):
    params = lab.netmiko_params(device)
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())   # lab's own throwaway key
    client.connect(params["host"], port=params["port"], username=params["username"],
                   password=params["password"], look_for_keys=False, allow_agent=False)
    return client, client.invoke_shell(width=511)


def _read_until(channel, text: str, count: int, timeout: float = 20) -> str:
    """What the router sent until `text` has appeared `count` times (or the timeout)."""
    out = ""
    deadline = time.monotonic() + timeout
    while out.count(text) < count and time.monotonic() < deadline:
        if channel.recv_ready():
            out += channel.recv(65536).decode()
        else:
            time.sleep(0.02)
    return out


@pytest.mark.parametrize("device", list(DEVICES))
def test_returns_sent_at_once_get_one_prompt_each(lab, device):
    prompt = DEVICES[device]
    client, channel = _shell(lab, device)
    try:
        assert _read_until(channel, prompt, 1).endswith(prompt)       # the login prompt
        channel.send("\n\n\n")                                        # one write, three RETURNs
        out = _read_until(channel, prompt, 3)
        assert out == f"\r\n{prompt}" * 3, repr(out)
    finally:
        client.close()


def test_lines_typed_ahead_are_answered_in_order(lab):
    """A command typed before the previous one was answered is echoed when its turn comes."""
    device, prompt = "wh-logistics-ce", DEVICES["wh-logistics-ce"]
    client, channel = _shell(lab, device)
    try:
        _read_until(channel, prompt, 1)
        channel.send("terminal length 0\nshow version\n\n")
        out = _read_until(channel, prompt, 3)
        first, second, third = out.split(prompt)[:3]
        assert first == "terminal length 0\r\n"
        assert second.startswith("show version\r\n") and "Cisco IOS" in second
        assert third == "\r\n"
        assert out.endswith(prompt) and out.count(prompt) == 3
    finally:
        client.close()
