"""Signed-in sessions of the ERP twin, as Acumatica's cookie sign-in keeps them.

``POST /entity/auth/login`` checks the name, password and tenant (``tenant``, or the older
``company``) and opens a session, named by two cookies: ``ASP.NET_SessionId`` and ``.ASPXAUTH``.
A call is signed in when it sends both of one live session. A session ends at sign-out, or after
ten minutes without a call (Acumatica's documented timeout). Sessions live in memory: a restart
signs everyone out, as an ERP restart does.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Callable

from .errors import ErpError, PX_EXCEPTION

IDLE_TIMEOUT = 600.0
SESSION_COOKIE = "ASP.NET_SessionId"
AUTH_COOKIE = ".ASPXAUTH"
MAX_SESSIONS = 10_000


@dataclass(frozen=True)
class ErpLogin:
    """The one user the twin knows."""

    name: str
    password: str
    company: str


@dataclass
class _Session:
    auth: str
    user: str
    last_used: float


class SessionBook:
    def __init__(self, login: ErpLogin, clock: Callable[[], float] = time.monotonic) -> None:
        self.login = login
        self.clock = clock
        self._sessions: dict[str, _Session] = {}
        self._lock = threading.Lock()

    def sign_in(self, name: str, password: str, company: str | None) -> tuple[str, str]:
        """The new session's cookie values (session id, auth); the ERP's refusal otherwise."""
        good = (_same(name.casefold(), self.login.name.casefold())
                & _same(password, self.login.password)
                & (company is None or _same(company.casefold(), self.login.company.casefold())))
        if not good:
            raise ErpError(500, "An error has occurred.",
                           "Error: Invalid credentials. Please try again.", PX_EXCEPTION)
        session_id, auth = secrets.token_hex(12), secrets.token_hex(32).upper()
        with self._lock:
            self._drop_idle()
            if len(self._sessions) >= MAX_SESSIONS:
                oldest = min(self._sessions, key=lambda k: self._sessions[k].last_used)
                del self._sessions[oldest]
            self._sessions[session_id] = _Session(auth, self.login.name, self.clock())
        return session_id, auth

    def user_of(self, session_id: str | None, auth: str | None) -> str | None:
        """The user a call's cookies sign in, or None (and the session's idle time restarts)."""
        if not session_id or not auth:
            return None
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if self.clock() - session.last_used > IDLE_TIMEOUT:
                del self._sessions[session_id]
                return None
            if not _same(auth, session.auth):
                return None
            session.last_used = self.clock()
            return session.user

    def sign_out(self, session_id: str | None) -> None:
        with self._lock:
            self._sessions.pop(session_id or "", None)

    def _drop_idle(self) -> None:
        now = self.clock()
        for key in [k for k, s in self._sessions.items() if now - s.last_used > IDLE_TIMEOUT]:
            del self._sessions[key]


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"),
                               b.encode("utf-8", "surrogatepass"))
