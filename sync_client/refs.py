"""The commerce reference ids: ERP customer -> B2B account, ERP contact -> B2B user.

Kept in a small TinyDB file so a later run (or a person) can see which B2B records each ERP
record became, and so a contact deleted from the ERP can still be found and its user removed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import JSONStorage


class RefStore:
    """Reference ids of one B2B target (a URL and tenant)."""

    def __init__(self, path: str | Path, target: str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Cached: a run writes many references; flush() puts them on disk once per customer.
        self.db = TinyDB(path, storage=CachingMiddleware(JSONStorage), indent=1)
        self.target = target
        self.customers = self.db.table("customers")
        self.contacts = self.db.table("contacts")

    def account_id(self, customer_id: str) -> int | None:
        row = self.customers.get((Query().target == self.target) &
                                 (Query().customerId == customer_id))
        return row["accountId"] if row else None

    def set_account(self, customer_id: str, account_id: int) -> None:
        self.customers.upsert({"target": self.target, "customerId": customer_id,
                               "accountId": account_id},
                              (Query().target == self.target) & (Query().customerId == customer_id))

    def contact_users(self, customer_id: str) -> dict[int, str]:
        rows = self.contacts.search((Query().target == self.target) &
                                    (Query().customerId == customer_id))
        return {row["contactId"]: row["userId"] for row in rows}

    def set_contact(self, customer_id: str, contact_id: int, user_id: str) -> None:
        where = ((Query().target == self.target) & (Query().customerId == customer_id) &
                 (Query().contactId == contact_id))
        self.contacts.upsert({"target": self.target, "customerId": customer_id,
                              "contactId": contact_id, "userId": user_id}, where)

    def forget_contact(self, customer_id: str, contact_id: int) -> None:
        self.contacts.remove((Query().target == self.target) &
                             (Query().customerId == customer_id) &
                             (Query().contactId == contact_id))

    def rows(self) -> list[dict[str, Any]]:
        """Every reference of this target: customers with their contacts' users."""
        out = []
        for customer in sorted(self.customers.search(Query().target == self.target),
                               key=lambda r: r["customerId"]):
            contacts = self.contact_users(customer["customerId"])
            out.append({**customer, "contacts": dict(sorted(contacts.items()))})
        return out

    def flush(self) -> None:
        self.db.storage.flush()

    def close(self) -> None:
        self.db.close()
