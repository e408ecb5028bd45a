"""Tenants and sites: which slice of the store a request sees.

Every table name starts with the scope, so one tenant's (or site's) data can never be reached
from another, and a whole tenant can be listed, exported or dropped by its prefix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

TENANT_HEADER = "x-vol-tenant"
SITE_HEADER = "x-vol-site"
# Where the front door leaves a call's scope in the ASGI scope, so the handlers need not read
# the headers again.
SCOPE_KEY = "b2b_mock.tenancy"


@dataclass(frozen=True)
class Scope:
    """A tenant, and the site within it when the client named one."""

    tenant: int
    site: int | None = None

    @property
    def prefix(self) -> str:
        return f"t{self.tenant}" if self.site is None else f"t{self.tenant}s{self.site}"

    @property
    def accounts(self) -> str:
        return f"{self.prefix}/accounts"

    def users(self, account_id: int) -> str:
        return f"{self.prefix}/users/{account_id}"

    @property
    def attribute_definitions(self) -> str:
        return f"{self.prefix}/attributeDefinitions"

    def owns(self, table: str) -> bool:
        return table.startswith(self.prefix + "/")


def scope_of_table(table: str) -> Scope:
    """The scope a table name belongs to (``t12s3/accounts`` -> tenant 12, site 3)."""
    head, slash, _ = table.partition("/")
    tenant, _, site = head[1:].partition("s")
    if not slash or not head.startswith("t"):
        raise ValueError(f"'{table}' is not a table name")
    return Scope(int(tenant), int(site) if site else None)


def scope_from_headers(headers: Iterable[tuple[bytes, bytes]], default_tenant: int) -> Scope:
    """The scope named by a request's raw ASGI headers; the server's default tenant without one.

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
    return Scope(tenant or default_tenant, site)


_TENANT_KEY = TENANT_HEADER.encode()
_SITE_KEY = SITE_HEADER.encode()


def scope_of_call(asgi_scope: dict, default_tenant: int) -> Scope:
    """The scope of a call: the one the front door read, or read from its headers now."""
    named = asgi_scope.get(SCOPE_KEY)
    if named is None:
        named = asgi_scope[SCOPE_KEY] = scope_from_headers(asgi_scope["headers"], default_tenant)
    return named


def _number(value: bytes) -> int | None:
    return int(value) if value.isdigit() else None
