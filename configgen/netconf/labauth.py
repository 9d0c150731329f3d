"""Password login of the lab's SSH servers: the simulated routers' CLI (configgen.lab.sshsim)
and NETCONF (labserver). Here, below both layers, so the lab can use it and netconf need not
import the lab."""

from __future__ import annotations

import hmac

import asyncssh


class PasswordLogin(asyncssh.SSHServer):
    """One account, password only, compared in constant time; `refused()` is asked first at
    every password received (a server's fault or count) and True refuses that attempt."""

    def __init__(self, username: str, password: str):
        self.username, self.password = username, password

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def refused(self) -> bool:
        return False

    def validate_password(self, username: str, password: str) -> bool:
        if self.refused():
            return False
        # Compared as UTF-8 bytes: compare_digest refuses non-ASCII str, and a login with one is
        # refused, not an error.
        return (hmac.compare_digest(username.encode(), self.username.encode())
                and hmac.compare_digest(password.encode(), self.password.encode()))
