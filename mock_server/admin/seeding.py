"""Loading accounts, users, roles and attributes from a seed file, through the domain rules.

A seed file is JSON: ``{"tenant": 1, "accounts": [{...account..., "users": [{...b2BUser...,
"roles": [{"roleId": 1}]}], "contacts": [{...CustomerContact...}], "salesReps": ["<id>"],
"approvalStatus": "Approved"}]}``; ``tenant`` is optional, and an account without an approval
status is left pending, as the service creates it. A seed may also be a
list of such objects, one per tenant. An object's ``erp`` list holds customer documents for the
ERP twin (``mock_server.erp.bundles``), which ``--erp-seed`` also reads from a file or folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..domain import accounts, contacts, users
from ..domain.call import Call
from ..domain.catalog import Catalog
from ..domain.errors import ServiceError, bad_request, shown
from ..domain.json_text import JSONRefused, read_json
from ..domain.tenancy import Scope
from ..erp.bundles import customer_documents, load_documents
from ..erp.catalog import ErpCatalog
from ..erp.errors import ErpError
from ..erp.records import ErpCall
from ..store import Store

SEED_ACTOR = "seed"


def read_seed_file(path: str | Path) -> Any:
    """A seed file's JSON; a ``ServiceError`` naming the file and what is wrong with it."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise bad_request(f"cannot read the seed file {path}: {exc.strerror or exc}") from None
    try:
        return read_json(raw)
    except JSONRefused as exc:
        raise bad_request(f"the seed file {path} is not JSON the mock reads ({exc})") from None


def load_seed(store: Store, catalog: Catalog, path: str | Path, default_tenant: int,
              erp_catalog: ErpCatalog) -> dict[str, int]:
    """Add everything in the seed file; returns how many accounts and users were added."""
    data = read_seed_file(path)
    try:
        return load_seed_data(store, catalog, data, default_tenant, erp_catalog)
    except ServiceError as exc:
        raise bad_request(f"the seed file {path} is refused: {exc.message}") from None


def check_shape(data: Any) -> None:
    """A 400 saying where a seed document is not shaped as one (see the module's description),
    before any of it is played."""
    parts = data if isinstance(data, list) else [data]
    for number, part in enumerate(parts, 1):
        where = f"part {number} of the seed" if isinstance(data, list) else "the seed"
        if not isinstance(part, dict):
            raise bad_request(f"{where} must be an object with 'accounts', not "
                              f"{_kind(part)}")
        tenant = part.get("tenant")
        if tenant is not None and (isinstance(tenant, bool) or not isinstance(tenant, int)
                                   or tenant < 1):
            raise bad_request(f"the 'tenant' of {where} must be a whole number from 1, not "
                              f"{shown(tenant)}")
        accounts_ = part.get("accounts", [])
        if not isinstance(accounts_, list):
            raise bad_request(f"the 'accounts' of {where} must be a list, not "
                              f"{_kind(accounts_)}")
        for index, account in enumerate(accounts_):
            if not isinstance(account, dict):
                raise bad_request(f"account {index} of {where} must be an object, not "
                                  f"{_kind(account)}")
            for key in ("users", "contacts", "salesReps"):
                listed = account.get(key, [])
                if not isinstance(listed, list) or (key != "salesReps" and not all(
                        isinstance(item, dict) for item in listed)):
                    raise bad_request(f"the '{key}' of account {index} of {where} must be a "
                                      f"list of {'ids' if key == 'salesReps' else 'objects'}")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true or false",
            type(None): "null"}.get(type(value), "a number")


def load_seed_data(store: Store, catalog: Catalog, data: Any, default_tenant: int,
                   erp_catalog: ErpCatalog) -> dict[str, int]:
    """Add the seed document's data, all or nothing.

    The seed is first played on an in-memory copy of the store, so a rule it breaks halfway
    (a duplicate e-mail, say) is reported before anything is stored.
    """
    check_shape(data)
    return _rehearsed(store, lambda into: _load(into, catalog, data, default_tenant,
                                                erp_catalog))


def _rehearsed(store: Store, play: Callable[[Store], dict[str, int]]) -> dict[str, int]:
    """``play`` on an in-memory copy of the store first, then, if it went through, on the
    store itself: a seed is loaded whole or not at all."""
    with store.lock:
        rehearsal = Store(layout=store.layout)
        rehearsal.replace(store.dump())
        try:
            play(rehearsal)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise bad_request(f"the seed holds a value of the wrong kind: "
                              f"{shown(repr(exc))}") from None
        return play(store)


# How a seed's approval status is reached from a new (pending) account.
_ACTIONS_TO = {"PendingApproval": (), "Approved": ("approve",), "Denied": ("deny",),
               "Inactive": ("approve", "disable")}
_NOT_FIELDS = ("users", "salesReps", "approvalStatus", "contacts")


def _load(store: Store, catalog: Catalog, data: Any, default_tenant: int,
          erp_catalog: ErpCatalog) -> dict[str, int]:
    counts = {"accounts": 0, "users": 0, "contacts": 0}
    for part in data if isinstance(data, list) else [data]:
        if part.get("erp") is not None:
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
                raise bad_request(f"approvalStatus '{shown(status)}' is not one of "
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
        raise bad_request(f"ERP seed: {exc.exception_message or exc.message}"
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
        try:
            documents.extend(customer_documents(read_seed_file(file)))
        except ErpError as exc:
            raise bad_request(f"the ERP seed {file} is refused: {exc.message}") from None
    return documents


def load_erp_seed(store: Store, erp_catalog: ErpCatalog, path: str | Path) -> dict[str, int]:
    """Load the ERP twin from customer documents (all or nothing, as a seed is)."""
    documents = read_erp_documents(path)
    return _rehearsed(store, lambda into: _load_erp(into, erp_catalog, documents))


def erp_is_empty(store: Store) -> bool:
    return not store.docs("erp/customer")
