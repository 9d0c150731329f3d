"""SSH front end: one asyncssh server per simulated router, on 127.0.0.1 only.

The router echoes what the client types, which netmiko's `cmd_verify` waits for, and
echoes it the way a router's CLI does: a character when the CLI reads it. Lines typed
ahead (netmiko's `find_prompt()` sends another RETURN when a prompt is slow) are therefore
echoed in turn, each after the previous line's answer and prompt. asyncssh's line editor
echoes on arrival instead, which printed all the newlines first and then the prompts glued
on one line; netmiko took that as the prompt and waited for it until its timeout.
A line's echo goes out with its answer and the next prompt, as one SSH packet (a packet
costs encryption and a MAC on both sides), unless the answer takes longer than
ECHO_WAIT_SECONDS (a ping): then the echo goes first, as a router's would.
Each typed line is handled in a worker thread because handling may run `ip`/`ping` in
the namespace for seconds; other sessions keep going.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import AsyncIterator, Callable

import asyncssh

from configgen.lab.cli_base import CliSession
from configgen.lab.cli_cisco import CiscoSession
from configgen.lab.cli_huawei import HuaweiSession
from configgen.lab.device import SimDevice
from configgen.netconf.labauth import PasswordLogin

LISTEN = "127.0.0.1"   # hygiene: never on another address
ECHO_WAIT_SECONDS = 0.1


def new_session(device: SimDevice) -> CliSession:
    return CiscoSession(device) if device.vendor == "cisco" else HuaweiSession(device)


class _Auth(PasswordLogin):
    def __init__(self, server: "DeviceServer"):
        super().__init__(server.username, server.password)
        self.server = server

    def refused(self) -> bool:
        device = self.server.device
        if device.fault.refuse_login:
            if device.fault.once:
                device.claim_fault()      # refuses this attempt only
            return True
        return False


class DeviceServer:
    def __init__(self, device: SimDevice, username: str, password: str, host_key: asyncssh.SSHKey,
                 executor: ThreadPoolExecutor, port: int = 0):
        self.device, self.username, self.password = device, username, password
        self.host_key, self.executor, self.port = host_key, executor, port
        self._server: asyncssh.SSHAcceptor | None = None

    async def start(self) -> None:
        self._server = await asyncssh.create_server(
            lambda: _Auth(self), LISTEN, self.port, server_host_keys=[self.host_key],
            process_factory=self._run_session, keepalive_interval=0, line_editor=False)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()        # also closes the open sessions
            await asyncio.wait_for(self._server.wait_closed(), timeout=5)

    async def _run_session(self, process: asyncssh.SSHServerProcess[str]) -> None:
        loop = asyncio.get_running_loop()
        session = new_session(self.device)
        lines = 0
        claimed = self.device.claim_fault()    # a `once` fault belongs to this session only
        send = _terminal_writer(process)
        send("\n" + session.prompt())
        try:
            async for line, echo in _typed_lines(process, send):
                lines += 1
                fault = claimed or self.device.current_fault()
                if fault.drop_after_lines is not None and lines > fault.drop_after_lines:
                    send(echo)
                    await loop.run_in_executor(self.executor, self.device.settle)
                    process.channel.get_connection().abort()
                    return
                if fault.delay:
                    send(echo)            # a slow router echoes at once and answers late
                    echo = ""
                    await asyncio.sleep(fault.delay)
                if session.pending is None and fault.rejects(line.strip()):
                    output = session.error(0, session.invalid_text if session.in_config else session.unknown_text)
                else:
                    answer = loop.run_in_executor(self.executor, session.handle, line)
                    if echo and not (await asyncio.wait({answer}, timeout=ECHO_WAIT_SECONDS))[0]:
                        send(echo)
                        echo = ""
                    output = await answer
                reply = echo + ((output if session.pending else output + "\n") if output else "")
                if not session.closed and session.pending is None:
                    reply += session.prompt()     # one write: echo, answer and prompt go as one SSH packet
                if reply:
                    send(reply)
                if session.closed:
                    break
        except (asyncssh.ConnectionLost, BrokenPipeError, ConnectionError):
            return
        finally:
            # What a session left in configuration mode changed reaches the namespace. Not
            # awaited: the session may be ending because the lab stops (its loop closing).
            if not loop.is_closed():
                loop.run_in_executor(self.executor, self.device.settle)
        process.exit(0)


def _terminal_writer(process: asyncssh.SSHServerProcess[str]) -> Callable[[str], None]:
    """Write CLI text to the terminal: a router sends CR LF for every line end."""
    def send(text: str) -> None:
        process.stdout.write(text.replace("\n", "\r\n"))
    return send


async def _typed_lines(process: asyncssh.SSHServerProcess[str],
                       send: Callable[[str], None]) -> AsyncIterator[tuple[str, str]]:
    """The lines the client types, read one at a time as the CLI asks for them, each with
    its echo, which the caller sends (with the answer). A character is echoed when it is
    read, never on arrival (see the module docstring); CR LF is one RETURN; backspace
    erases; other control characters are ignored."""
    line, previous = "", ""
    while True:
        try:
            data = await process.stdin.read(4096)
        except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged, asyncssh.SignalReceived):
            continue
        if not data:
            return                                          # EOF
        echo: list[str] = []
        for char in data:
            if char == "\n" and previous == "\r":
                pass
            elif char in "\r\n":
                typed = "".join(echo) + "\n"
                echo = []
                yield line, typed
                line = ""
            elif char in "\b\x7f":
                if line:
                    line = line[:-1]
                    echo.append("\b \b")
            elif char.isprintable():
                line += char
                echo.append(char)
            previous = char
        if echo:
            send("".join(echo))
