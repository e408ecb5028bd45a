"""Access tickets like the platform's auth ticket endpoints hand out, and checking them.

An application sends its client id and secret and gets an access token, when it expires and a
refresh token; a refresh token buys one new ticket and is then spent; ending a ticket (by its
refresh token) ends both tokens. Tickets belong to the application, not to a tenant: the
platform issues them on its home host, before any tenant is named. They live in memory: a
restarted mock asks clients to authenticate again, which a client must cope with anyway.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .errors import bad_request, shown, unauthorized

DEFAULT_CLIENT_ID = "b2b-mock-client"
DEFAULT_CLIENT_SECRET = "b2b-mock-secret"
DEFAULT_LIFETIME = 3600
REFRESH_LIFETIME_FACTOR = 24
MAX_TICKETS = 100_000


@dataclass
class Ticket:
    """One issued ticket: its two tokens, whose it is and when each token expires."""

    client_id: str
    access_token: str
    refresh_token: str
    access_expires: float
    refresh_expires: float

    def oauth(self, now: float) -> dict[str, Any]:
        """The ticket as ``POST .../authtickets/oauth`` answers it."""
        return {"access_token": self.access_token, "token_type": "bearer",
                "expires_in": max(0, round(self.access_expires - now)),
                "refresh_token": self.refresh_token}

    def auth_ticket(self) -> dict[str, Any]:
        """The ticket as ``POST .../authtickets`` and ``refresh-ticket`` answer it."""
        return {"accessToken": self.access_token, "refreshToken": self.refresh_token,
                "accessTokenExpiration": _iso(self.access_expires),
                "refreshTokenExpiration": _iso(self.refresh_expires)}


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")


def _same_secret(given: Any, expected: str) -> bool:
    """Compare secrets in constant time; any text (and non-text, which never matches) is fine."""
    if not isinstance(given, str):
        return False
    return secrets.compare_digest(given.encode("utf-8", "surrogatepass"),
                                  expected.encode("utf-8", "surrogatepass"))


@dataclass
class TicketIssuer:
    """Issues and checks access tickets for one configured application.

    Tickets are kept in the order they were issued, which is also the order they expire in (one
    lifetime for all), so dropping the expired ones never looks at a live one, and issuing or
    checking a ticket takes as long with a hundred thousand alive as with one. At most
    ``max_tickets`` are kept: past them the oldest go (a client that asked for that many since
    is asked to authenticate again), so a client that asks for a ticket per call cannot make
    the mock hold them for the day a refresh token lives.
    """

    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    lifetime: float = DEFAULT_LIFETIME
    max_tickets: int = MAX_TICKETS
    _by_access: dict[str, Ticket] = field(default_factory=dict)
    _by_refresh: dict[str, Ticket] = field(default_factory=dict)
    _issued: deque[Ticket] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def refresh_lifetime(self) -> float:
        return self.lifetime * REFRESH_LIFETIME_FACTOR

    def _credentials(self, client_id: Any, client_secret: Any) -> None:
        if client_id != self.client_id or not _same_secret(client_secret, self.client_secret):
            raise unauthorized("Invalid client_id or client_secret")

    def grant(self, body: dict[str, Any]) -> dict[str, Any]:
        """Answer ``POST .../authtickets/oauth``: credentials, and a refresh token to renew."""
        grant_type = body.get("grant_type") or "client_credentials"
        if grant_type not in ("client_credentials", "refresh_token"):
            raise bad_request(f"Unsupported grant_type '{shown(grant_type)}'; use "
                              "client_credentials or refresh_token")
        self._credentials(body.get("client_id"), body.get("client_secret"))
        refresh = body.get("refresh_token")
        if grant_type == "refresh_token" or refresh:
            return self.refresh(str(refresh or "")).oauth(time.time())
        return self.issue().oauth(time.time())

    def authenticate(self, body: dict[str, Any]) -> dict[str, Any]:
        """Answer ``POST .../authtickets``: the credentials as ``applicationId`` and
        ``sharedSecret``."""
        self._credentials(body.get("applicationId"), body.get("sharedSecret"))
        return self.issue().auth_ticket()

    def issue(self) -> Ticket:
        now = time.time()
        ticket = Ticket(self.client_id, secrets.token_urlsafe(32), secrets.token_urlsafe(32),
                        now + self.lifetime, now + self.refresh_lifetime)
        with self._lock:
            self._by_access[ticket.access_token] = ticket
            self._by_refresh[ticket.refresh_token] = ticket
            self._issued.append(ticket)
            self._drop_expired(now)
        return ticket

    def refresh(self, refresh_token: str) -> Ticket:
        """A new ticket for a refresh token, which is then spent (its access token too)."""
        with self._lock:
            old = self._by_refresh.pop(refresh_token, None)
            if old is not None:
                self._by_access.pop(old.access_token, None)
        if old is None or old.refresh_expires <= time.time():
            raise unauthorized("The refresh token is unknown, expired or already used")
        return self.issue()

    def revoke(self, refresh_token: str) -> bool:
        """End the ticket of a refresh token; whether there was one."""
        with self._lock:
            old = self._by_refresh.pop(refresh_token, None)
            if old is not None:
                self._by_access.pop(old.access_token, None)
        return old is not None

    def _drop_expired(self, now: float) -> None:
        """Forget tickets whose refresh token has expired, and the oldest past
        ``max_tickets``, oldest first (with the lock held)."""
        issued = self._issued
        while issued and (issued[0].refresh_expires <= now or len(issued) > self.max_tickets):
            ticket = issued.popleft()
            self._by_access.pop(ticket.access_token, None)
            self._by_refresh.pop(ticket.refresh_token, None)

    def kept(self) -> int:
        """How many tickets are held: live, or renewable with their refresh token."""
        with self._lock:
            return len(self._by_refresh)

    def check(self, token: str) -> dict[str, Any] | None:
        """Token info for a live access token; None when unknown or expired."""
        ticket = self._by_access.get(token)
        if ticket is None or ticket.access_expires <= time.time():
            return None
        return {"sub": ticket.client_id, "exp": ticket.access_expires}

    def expire_all(self) -> int:
        """Make every access ticket expire now (fault injection); returns how many.

        Refresh tokens stay good: a client renews as it would after a ticket's expiry.
        """
        with self._lock:
            live = [t for t in self._by_access.values() if t.access_expires > time.time()]
            self._by_access.clear()
        return len(live)
