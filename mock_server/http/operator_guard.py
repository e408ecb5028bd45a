"""Who may use the operator API (``/_mock``) and the demo page.

The operator API can export, replace and wipe every tenant, so:

- **Host.** A request must name the mock by a name it answers to: ``localhost`` (or a
  ``*.localhost`` name), the address it is bound to, an IP address, or a name allowed with
  ``--allowed-host`` (``*`` allows any). A web page on another site that makes its own name
  resolve to 127.0.0.1 (DNS rebinding) sends its own name, and is refused.
- **Origin.** A request that changes something (any method but GET, HEAD and OPTIONS) sent by a
  browser from another origin (its ``Origin`` is not the request's own host, or is ``null``,
  or ``Sec-Fetch-Site`` says ``cross-site``) is refused: forms and scripts of other sites cannot
  reset the mock.
- **Token.** When the operator token is set, every request must carry it as
  ``Authorization: Bearer <token>``, but for the demo page itself (which holds no data and asks
  for the token) and the health check (which then says only that the mock is up).

Refusals are 403 (Host, Origin) and 401 (token) in the service's error format.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

OPEN_PATHS = frozenset({"/_mock/ui", "/_mock/health"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def host_name(host: str) -> str:
    """The name part of a Host header (or an origin's netloc): no port, no brackets, no final
    dot, lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` serves this machine only."""
    name = host_name(host)
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str
    headers: tuple[tuple[bytes, bytes], ...] = ()


@dataclass(frozen=True)
class OperatorGuard:
    """The checks of the operator API, for a server bound to ``bound_host``."""

    token: str | None = None
    bound_host: str = "127.0.0.1"
    allowed_hosts: tuple[str, ...] = ()

    @cached_property
    def _names(self) -> frozenset[str]:
        return frozenset(host_name(h) for h in (*self.allowed_hosts, self.bound_host) if h)

    @cached_property
    def _seen(self) -> dict[bytes, bool]:
        """Host headers already judged (clients send few different ones)."""
        return {}

    def host_allowed(self, host: str) -> bool:
        name = host_name(host)
        return (name in LOOPBACK_NAMES or name.endswith(".localhost") or name in self._names
                or "*" in self._names or _is_ip(name))

    def _host_allowed(self, raw: bytes) -> bool:
        seen = self._seen
        allowed = seen.get(raw)
        if allowed is None:
            allowed = self.host_allowed(raw.decode("latin-1"))
            if len(seen) < 1024:
                seen[raw] = allowed
        return allowed

    def authorized(self, headers: Mapping[bytes, bytes]) -> bool:
        """Whether the request carries the operator token (always, when none is set);
        compared in constant time."""
        if self.token is None:
            return True
        scheme, _, given = headers.get(b"authorization", b"").strip().partition(b" ")
        return scheme.lower() == b"bearer" and secrets.compare_digest(
            given.strip(), self.token.encode("utf-8"))

    def refusal(self, scope: Mapping[str, Any]) -> Refusal | None:
        """Why the operator request in ``scope`` is refused; None when it is not."""
        headers = _headers(scope["headers"])
        raw_host = headers.get(b"host", b"")
        if not self._host_allowed(raw_host):
            host = raw_host.decode("latin-1")
            return Refusal(403, f"The operator API does not answer to the host "
                                f"'{host_name(host)[:100]}'; start b2b-mock with --allowed-host "
                                "to add a name")
        if scope["method"] not in SAFE_METHODS:
            host = raw_host.decode("latin-1")
            origin = headers.get(b"origin")
            site = headers.get(b"sec-fetch-site", b"").lower()
            if site == b"cross-site" or (origin is not None and not _same_origin(
                    origin.decode("latin-1"), host)):
                return Refusal(403, "The operator API takes changes from its own pages and "
                                    "from clients outside a browser, not from other sites")
        if self.token is None or scope["path"].rstrip("/") in OPEN_PATHS \
                or self.authorized(headers):
            return None
        return Refusal(401, "The operator API needs the operator token: send it as "
                            "'Authorization: Bearer <token>'",
                       ((b"www-authenticate", b'Bearer realm="b2b-mock operator API"'),))

    def open_details(self, scope: Mapping[str, Any]) -> bool:
        """Whether a request may see more than that the mock is up (the health check)."""
        return self.token is None or self.authorized(_headers(scope["headers"]))


_READ = frozenset({b"host", b"origin", b"sec-fetch-site", b"authorization"})


def _headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[bytes, bytes]:
    """The headers the guard reads (the first of each)."""
    found: dict[bytes, bytes] = {}
    for key, value in raw:
        key = key.lower()
        if key in _READ and key not in found:
            found[key] = value
    return found


def _same_origin(origin: str, host: str) -> bool:
    if origin.strip().lower() == "null":
        return False
    parts = urlsplit(origin.strip())
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.strip().lower()
