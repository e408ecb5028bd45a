"""The commerce reference ids: ERP customer -> B2B account, ERP contact -> B2B user, ERP
location -> account contact (address); and when each source was last read in full.

Kept in a small TinyDB file so a later run (or a person) can see which B2B records each ERP
record became, and so a contact deleted from the ERP can still be found and its user removed.
One document per customer and target: ``{target, customerId, accountId, contacts, locations}``.
A target is a service URL and the tenant a run acts in, the server's default tenant spelled out
(``target_key``), so leaving out ``--tenant`` never changes which references a run uses.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import JSONStorage
from tinydb.table import Document

FLUSH_EVERY = 100
F = TypeVar("F", bound=Callable[..., Any])


def _locked(method: F) -> F:
    """Run the method holding the store's lock: the workers of a run share one store, and a
    change is a read, a change and a write of the customer's document."""
    @functools.wraps(method)
    def locked(self: "RefStore", *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)
    return locked  # type: ignore[return-value]


def target_key(url: str, tenant: int | None) -> str:
    """The references' key of a service URL and the tenant a run acts in."""
    return f"{url.rstrip('/')}#tenant={tenant if tenant is not None else 'default'}"


class RefStore:
    """Reference ids of one B2B target (a URL and tenant)."""

    def __init__(self, path: str | Path, target: str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Cached, and written to disk every FLUSH_EVERY changed customers and on close: the
        # references can always be rebuilt (the sync matches users by e-mail), so a crash costs
        # little, while writing the whole file per change made long runs quadratic.
        self.db = TinyDB(path, storage=CachingMiddleware(JSONStorage), indent=1)
        self.target = target
        self.table = self.db.table("customers")
        self.runs = self.db.table("runs")
        self._ids = {(doc["target"], doc["customerId"]): doc.doc_id for doc in self.table.all()}
        self._dirty = 0
        self._lock = threading.RLock()

    def _doc(self, customer_id: str) -> dict[str, Any] | None:
        doc_id = self._ids.get((self.target, customer_id))
        return self.table.get(doc_id=doc_id) if doc_id is not None else None

    def _save(self, customer_id: str, **changes: Any) -> None:
        current = self._doc(customer_id) or {"target": self.target, "customerId": customer_id,
                                             "accountId": None, "contacts": {}, "locations": {}}
        updated = {**current, **changes}
        doc_id = self._ids.get((self.target, customer_id))
        if doc_id is None:
            doc_id = self.table.insert(updated)
            self._ids[(self.target, customer_id)] = doc_id
        else:
            self.table.upsert(Document(updated, doc_id=doc_id))
        self._dirty += 1

    @_locked
    def account_id(self, customer_id: str) -> int | None:
        doc = self._doc(customer_id)
        return doc["accountId"] if doc else None

    @_locked
    def set_account(self, customer_id: str, account_id: int) -> None:
        if self.account_id(customer_id) != account_id:
            self._save(customer_id, accountId=account_id)

    @_locked
    def contact_users(self, customer_id: str) -> dict[int, str]:
        doc = self._doc(customer_id)
        return {int(k): v for k, v in (doc["contacts"] if doc else {}).items()}

    @_locked
    def set_contact(self, customer_id: str, contact_id: int, user_id: str) -> None:
        contacts = self.contact_users(customer_id)
        if contacts.get(contact_id) != user_id:
            contacts[contact_id] = user_id
            self._save(customer_id, contacts={str(k): v for k, v in contacts.items()})

    @_locked
    def forget_contact(self, customer_id: str, contact_id: int) -> None:
        contacts = self.contact_users(customer_id)
        if contacts.pop(contact_id, None) is not None:
            self._save(customer_id, contacts={str(k): v for k, v in contacts.items()})

    @_locked
    def location_contacts(self, customer_id: str) -> dict[str, int]:
        doc = self._doc(customer_id)
        return dict((doc.get("locations") or {}) if doc else {})

    @_locked
    def set_location(self, customer_id: str, location_id: str, contact_id: int) -> None:
        locations = self.location_contacts(customer_id)
        if locations.get(location_id) != contact_id:
            locations[location_id] = contact_id
            self._save(customer_id, locations=locations)

    @_locked
    def forget_location(self, customer_id: str, location_id: str) -> None:
        locations = self.location_contacts(customer_id)
        if locations.pop(location_id, None) is not None:
            self._save(customer_id, locations=locations)

    @_locked
    def last_read(self, source: str) -> str | None:
        """The ERP time from which ``source`` has been read into this target."""
        found = [r for r in self.runs.all() if r["target"] == self.target
                 and r["source"] == source]
        return found[0]["since"] if found else None

    @_locked
    def set_last_read(self, source: str, since: str | None) -> None:
        for row in self.runs.all():
            if row["target"] == self.target and row["source"] == source:
                self.runs.remove(doc_ids=[row.doc_id])
        if since is not None:
            self.runs.insert({"target": self.target, "source": source, "since": since})
        self._dirty += 1

    @_locked
    def targets(self) -> dict[str, int]:
        """Every target the file holds references for, with its number of customers."""
        counts: dict[str, int] = {}
        for doc in self.table.all():
            counts[doc["target"]] = counts.get(doc["target"], 0) + 1
        return counts

    @_locked
    def rows(self) -> list[dict[str, Any]]:
        """Every reference of this target: customers with their contacts' users."""
        mine = [doc for doc in self.table.all() if doc["target"] == self.target]
        return [{"customerId": doc["customerId"], "accountId": doc["accountId"],
                 "contacts": dict(sorted(self.contact_users(doc["customerId"]).items())),
                 "locations": dict(sorted(self.location_contacts(doc["customerId"]).items()))}
                for doc in sorted(mine, key=lambda d: d["customerId"])]

    @_locked
    def flush(self, force: bool = False) -> None:
        """Write to disk when enough has changed (or now, with ``force``)."""
        if self._dirty and (force or self._dirty >= FLUSH_EVERY):
            storage = self.db.storage
            assert isinstance(storage, CachingMiddleware)
            storage.flush()
            self._dirty = 0

    @_locked
    def close(self) -> None:
        self.flush(force=True)
        self.db.close()
