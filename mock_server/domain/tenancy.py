"""Tenants and sites: which slice of the store a call sees.

Every table name starts with the scope, so one tenant's (or site's) data can never be reached
from another, and a whole tenant can be listed, exported or dropped by its prefix.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    if not slash or not head.startswith("t") or not tenant.isdigit() or \
            (site and not site.isdigit()):
        raise ValueError(f"'{table}' is not a table name")
    return Scope(int(tenant), int(site) if site else None)
