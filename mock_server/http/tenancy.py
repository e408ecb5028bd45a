"""The tenant of an HTTP call, read from its ``x-vol-tenant`` header, and the site it names in
``x-vol-site`` (journaled; a site does not partition data)."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

from ..domain.tenancy import Scope

TENANT_HEADER = "x-vol-tenant"
SITE_HEADER = "x-vol-site"
# Where the front door leaves a call's scope in the ASGI scope, so the handlers need not read
# the headers again.
SCOPE_KEY = "b2b_mock.tenancy"

_TENANT_KEY = TENANT_HEADER.encode()
_SITE_KEY = SITE_HEADER.encode()


@dataclass(frozen=True)
class Tenancy:
    """The tenant scope a call acts in, and the site it named."""

    scope: Scope
    site: int | None = None


def tenancy_from_headers(headers: Iterable[tuple[bytes, bytes]],
                         default_tenant: int) -> Tenancy:
    """The tenancy named by a request's raw ASGI headers; the server's default tenant without
    one.

    Connexion validates the headers of the B2B operations (positive integers); the front door
    reads them before that, so a value that is not a number counts as absent here.
    """
    tenant = site = None
    for key, value in headers:
        key = key.lower()
        if key == _TENANT_KEY:
            tenant = _number(value)
        elif key == _SITE_KEY:
            site = _number(value)
    return Tenancy(Scope(tenant or default_tenant), site)


def tenancy_of_call(asgi_scope: MutableMapping[str, Any], default_tenant: int) -> Tenancy:
    """The tenancy of a call: the one the front door read, or read from its headers now."""
    named: Tenancy | None = asgi_scope.get(SCOPE_KEY)
    if named is None:
        named = asgi_scope[SCOPE_KEY] = tenancy_from_headers(asgi_scope["headers"],
                                                             default_tenant)
    return named


def scope_of_call(asgi_scope: MutableMapping[str, Any], default_tenant: int) -> Scope:
    """The tenant scope a call acts in."""
    return tenancy_of_call(asgi_scope, default_tenant).scope


def _number(value: bytes) -> int | None:
    return int(value) if value.isdigit() else None
