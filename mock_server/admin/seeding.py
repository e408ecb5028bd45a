"""Loading accounts, users, roles and attributes from a seed file, through the domain rules.

A seed file is JSON: ``{"tenant": 1, "accounts": [{...account..., "users": [{...b2BUser...,
"roles": [{"roleId": 1}]}], "contacts": [{...CustomerContact...}], "salesReps": ["<id>"],
"approvalStatus": "Approved"}]}``; ``tenant`` is optional, and an account without an approval
status is left pending, as the service creates it. A seed may also be a
list of such objects, one per tenant. An object's ``erp`` list holds customer documents for the
ERP twin (``mock_server.erp.bundles``), which ``--erp-seed`` also reads from a file or folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..domain import accounts, contacts, users
from ..domain.call import Call
from ..domain.catalog import Catalog
from ..domain.tenancy import Scope
from ..erp.bundles import customer_documents, load_documents
from ..erp.catalog import ErpCatalog
from ..erp.errors import ErpError
from ..erp.records import ErpCall
from ..store import Store

SEED_ACTOR = "seed"


def load_seed(store: Store, catalog: Catalog, path: str | Path,
              default_tenant: int) -> dict[str, int]:
    """Add everything in the seed file; returns how many accounts and users were added."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return load_seed_data(store, catalog, data, default_tenant)


def load_seed_data(store: Store, catalog: Catalog, data: Any, default_tenant: int,
                   erp_catalog: ErpCatalog | None = None) -> dict[str, int]:
    """Add the seed document's data, all or nothing.

    The seed is first played on an in-memory copy of the store, so a rule it breaks halfway
    (a duplicate e-mail, say) is reported before anything is stored.
    """
    with store.lock:
        rehearsal = Store(layout=store.layout)
        rehearsal.replace(store.dump())
        _load(rehearsal, catalog, data, default_tenant, erp_catalog)
        return _load(store, catalog, data, default_tenant, erp_catalog)


# How a seed's approval status is reached from a new (pending) account.
_ACTIONS_TO = {"PendingApproval": (), "Approved": ("approve",), "Denied": ("deny",),
               "Inactive": ("approve", "disable")}
_NOT_FIELDS = ("users", "salesReps", "approvalStatus", "contacts")


def _load(store: Store, catalog: Catalog, data: Any, default_tenant: int,
          erp_catalog: ErpCatalog | None = None) -> dict[str, int]:
    counts = {"accounts": 0, "users": 0, "contacts": 0}
    for part in data if isinstance(data, list) else [data]:
        if part.get("erp") is not None:
            if erp_catalog is None:
                raise ValueError("this seed cannot load ERP data")
            for name, count in _load_erp(store, erp_catalog, part["erp"]).items():
                key = "erp" + name.capitalize()
                counts[key] = counts.get(key, 0) + count
        scope = Scope(int(part.get("tenant", default_tenant)))
        call = Call(store, catalog, scope, SEED_ACTOR)
        for account in part.get("accounts", []):
            fields = {k: v for k, v in account.items() if k not in _NOT_FIELDS}
            created = accounts.add_account(call, fields)
            counts["accounts"] += 1
            for user in account.get("users", []):
                body = {"b2BUser": user, "isImport": True}
                users.add_user(call, created["id"], body)
                counts["users"] += 1
            for contact in account.get("contacts", []):
                contacts.add(call, created["id"], contact)
                counts["contacts"] += 1
            if account.get("salesReps"):
                accounts.add_sales_reps(call, created["id"], list(account["salesReps"]))
            status = account.get("approvalStatus", "PendingApproval")
            if status not in _ACTIONS_TO:
                raise ValueError(f"approvalStatus {status!r} is not one of "
                                 f"{', '.join(_ACTIONS_TO)}")
            for action in _ACTIONS_TO[status]:
                accounts.change_status(call, created["id"], action)
    return counts


def is_empty(store: Store) -> bool:
    return not any(name.endswith("/accounts") for name in store.tables())


def _load_erp(store: Store, erp_catalog: ErpCatalog, data: Any) -> dict[str, int]:
    try:
        return load_documents(ErpCall(store, erp_catalog), data)
    except ErpError as exc:
        raise ValueError(f"ERP seed: {exc.exception_message or exc.message}"
                         + (f" {_field_errors(exc.record)}" if exc.record else "")) from None


def _field_errors(record: dict[str, Any]) -> str:
    """The refused fields of a 422's record, for a seed's error message."""
    found = [f"{name}: {value['error']}" for name, value in record.items()
             if isinstance(value, dict) and isinstance(value.get("error"), str)]
    return "(" + "; ".join(found) + ")" if found else ""


def read_erp_documents(path: str | Path) -> list[dict[str, Any]]:
    """The customer documents of a JSON file, or of every ``*.json`` file of a folder."""
    where = Path(path)
    files = sorted(where.glob("*.json")) if where.is_dir() else [where]
    documents: list[dict[str, Any]] = []
    for file in files:
        with open(file, encoding="utf-8") as fh:
            documents.extend(customer_documents(json.load(fh)))
    return documents


def load_erp_seed(store: Store, erp_catalog: ErpCatalog, path: str | Path) -> dict[str, int]:
    """Load the ERP twin from customer documents (all or nothing, as a seed is)."""
    documents = read_erp_documents(path)
    with store.lock:
        rehearsal = Store(layout=store.layout)
        rehearsal.replace(store.dump())
        _load_erp(rehearsal, erp_catalog, documents)
        return _load_erp(store, erp_catalog, documents)


def erp_is_empty(store: Store) -> bool:
    return not store.docs("erp/customer")
