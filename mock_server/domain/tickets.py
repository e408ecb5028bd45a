"""Access tickets like the platform's OAuth endpoint hands out, and checking them.

An application posts its client id and secret (``grant_type: client_credentials``) and gets an
access token, its lifetime and a refresh token; a refresh token buys one new ticket and is then
spent. Tickets live in memory: a restarted mock asks clients to authenticate again, which is what
a client must cope with anyway.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .errors import bad_request, unauthorized

DEFAULT_CLIENT_ID = "b2b-mock-client"
DEFAULT_CLIENT_SECRET = "b2b-mock-secret"
DEFAULT_LIFETIME = 3600
REFRESH_LIFETIME_FACTOR = 24


@dataclass
class Ticket:
    client_id: str
    expires_at: float


@dataclass
class TicketIssuer:
    """Issues and checks access tickets for one configured application."""

    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    lifetime: float = DEFAULT_LIFETIME
    _access: dict[str, Ticket] = field(default_factory=dict)
    _refresh: dict[str, Ticket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def grant(self, body: dict[str, Any]) -> dict[str, Any]:
        """Answer an auth ticket request, or raise a 400/401 ServiceError."""
        grant_type = body.get("grant_type") or "client_credentials"
        if body.get("client_id") != self.client_id or \
                not secrets.compare_digest(str(body.get("client_secret") or ""),
                                           self.client_secret):
            raise unauthorized("Invalid client_id or client_secret")
        if grant_type == "refresh_token":
            token = str(body.get("refresh_token") or "")
            with self._lock:
                ticket = self._refresh.pop(token, None)
            if ticket is None or ticket.expires_at <= time.time():
                raise unauthorized("The refresh token is unknown, expired or already used")
        elif grant_type != "client_credentials":
            raise bad_request(f"Unsupported grant_type '{grant_type}'; use "
                              "client_credentials or refresh_token")
        return self._issue()

    def _issue(self) -> dict[str, Any]:
        now = time.time()
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        refresh_lifetime = self.lifetime * REFRESH_LIFETIME_FACTOR
        with self._lock:
            self._drop_expired(now)
            self._access[access] = Ticket(self.client_id, now + self.lifetime)
            self._refresh[refresh] = Ticket(self.client_id, now + refresh_lifetime)
        return {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": int(self.lifetime) if self.lifetime >= 1 else self.lifetime,
            "refresh_token": refresh,
            "refresh_token_expires_in": int(refresh_lifetime),
            "scope": "",
            "jti": secrets.token_hex(16),
        }

    def _drop_expired(self, now: float) -> None:
        for book in (self._access, self._refresh):
            for token in [t for t, ticket in book.items() if ticket.expires_at <= now]:
                del book[token]

    def check(self, token: str) -> dict[str, Any] | None:
        """Token info for a live access token; None when unknown or expired."""
        with self._lock:
            ticket = self._access.get(token)
        if ticket is None or ticket.expires_at <= time.time():
            return None
        return {"sub": ticket.client_id, "exp": ticket.expires_at}

    def expire_all(self) -> int:
        """Make every access ticket expire now (fault injection); returns how many."""
        with self._lock:
            count = len(self._access)
            self._access.clear()
        return count

