"""Tenants: which slice of the store a call sees.

Every table name starts with the tenant, so one tenant's data can never be reached from another,
and a whole tenant can be listed, exported or dropped by its prefix. A site does not partition
data: customer accounts belong to customer sets, which span the tenant's sites.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Scope:
    """The tenant a call acts in."""

    tenant: int

    @property
    def prefix(self) -> str:
        return f"t{self.tenant}"

    @property
    def accounts(self) -> str:
        return f"{self.prefix}/accounts"

    def users(self, account_id: int) -> str:
        return f"{self.prefix}/users/{account_id}"

    @property
    def attribute_definitions(self) -> str:
        return f"{self.prefix}/attributeDefinitions"

    @property
    def roles(self) -> str:
        """The tenant's custom roles (the system roles are not stored)."""
        return f"{self.prefix}/roles"

    @property
    def contacts(self) -> str:
        """The customer contacts (addresses) of the tenant's accounts."""
        return f"{self.prefix}/contacts"

    def owns(self, table: str) -> bool:
        return table.startswith(self.prefix + "/")


def scope_of_table(table: str) -> Scope:
    """The scope a table name belongs to (``t12/accounts`` -> tenant 12)."""
    head, slash, _ = table.partition("/")
    if not slash or not head.startswith("t") or not head[1:].isdigit():
        raise ValueError(f"'{table}' is not a table name")
    return Scope(int(head[1:]))


def tenant_record(tenant: int, domain: str) -> dict[str, Any]:
    """A tenant as the platform's tenant lookup answers it. Every tenant number is a tenant of
    the mock, with one site and one catalog (a mock rule: the service's tenants are provisioned,
    the mock's come into being when named)."""
    site = {"id": 1, "name": "Main site", "tenantId": tenant, "catalogId": 1,
            "localeCode": "en-US", "countryCode": "US", "currencyCode": "USD",
            "domain": domain, "primaryCustomDomain": None, "attributes": []}
    catalog = {"id": 1, "name": "Catalog", "tenantId": tenant, "masterCatalogId": 1,
               "defaultLocaleCode": "en-US", "defaultCurrencyCode": "USD"}
    master = {"id": 1, "name": "Master catalog", "tenantId": tenant,
              "defaultLocaleCode": "en-US", "defaultCurrencyCode": "USD",
              "catalogs": [catalog], "supportedLocaleCodes": ["en-US"]}
    return {"id": tenant, "name": f"Tenant {tenant}", "isDevTenant": True, "domain": domain,
            "sites": [site], "masterCatalogs": [master], "attributes": [],
            "lastLoginDate": None, "expiry": None, "isUnified": True}
