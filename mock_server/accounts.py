"""B2B accounts: creating, reading, listing and changing them."""

from __future__ import annotations

import functools
from typing import Any

from . import audit, attributes, spec
from .errors import already_exists, bad_request, not_found
from .filters import Filter, parse_datetime
from .listing import ListQuery, page, predicate_for
from .storage import Store, Transaction, copy_doc
from .tenancy import Scope

FIRST_ACCOUNT_ID = 1001
TEXT_FIELDS = ("companyOrOrganization", "externalId", "taxId")
DEFAULTS: dict[str, Any] = {
    "accountType": "B2B", "companyOrOrganization": None, "customerSet": None,
    "customerSinceDate": None, "externalId": None, "isActive": True, "priceList": None,
    "taxExempt": False, "taxId": None,
}


def account_fields() -> dict[str, str]:
    return spec.field_types("B2BAccount")


def _writable() -> dict[str, str]:
    return spec.writable_fields("B2BAccountInput")


def _check_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The client's writable scalar fields, checked beyond what the schema can say."""
    clean = {k: v for k, v in fields.items() if k in _writable()}
    if "companyOrOrganization" in clean and clean["companyOrOrganization"] is None:
        raise bad_request("companyOrOrganization must not be empty", field="companyOrOrganization")
    for name in ("companyOrOrganization", "externalId"):
        value = clean.get(name)
        if isinstance(value, str) and not spec.pattern("B2BAccountInput", name).search(value):
            raise bad_request(f"{name} must not be empty", field=name)
    if clean.get("customerSinceDate") is not None:
        try:
            parse_datetime(clean["customerSinceDate"])
        except ValueError:
            raise bad_request(f"customerSinceDate '{clean['customerSinceDate']}' is not an "
                              "ISO 8601 date-time", field="customerSinceDate") from None
    return clean


def _check_external_id_free(store: Store, scope: Scope, external_id: str | None,
                            own_id: int | None = None) -> None:
    if external_id is None:
        return
    for doc_id in store.lookup(scope.accounts, "externalId", external_id):
        if doc_id != own_id:
            raise already_exists(f"An account with externalId '{external_id}' already exists "
                                 f"(id {doc_id})", externalId=external_id, id=doc_id)


def stored(store: Store, scope: Scope, account_id: int) -> dict[str, Any]:
    """The stored account document, or a 404."""
    doc = store.get(scope.accounts, account_id)
    if doc is None:
        raise not_found(f"B2B account {account_id} not found", accountId=account_id)
    return doc


def editable(store: Store, scope: Scope, account_id: int) -> dict[str, Any]:
    """A private copy of the stored account (stored documents are never changed in place)."""
    return copy_doc(stored(store, scope, account_id))


def present(store: Store, scope: Scope, doc: dict[str, Any], with_users: bool = True
            ) -> dict[str, Any]:
    """The account as the service answers it, with its users when asked.

    Stored documents are never changed in place (see storage), so they go out uncopied.
    """
    body = dict(doc)
    if with_users:
        body["users"] = store.docs(scope.users(doc["id"]))
    return body


def add_account(store: Store, scope: Scope, body: dict[str, Any], actor: str) -> dict[str, Any]:
    fields = _check_fields(body)
    if "companyOrOrganization" not in fields:
        raise bad_request("companyOrOrganization is required", field="companyOrOrganization")
    with store.transaction() as tx:
        _check_external_id_free(store, scope, fields.get("externalId"))
        account_id = tx.next_id(scope.accounts, FIRST_ACCOUNT_ID)
        doc = {**DEFAULTS, **fields, "id": account_id}
        if doc["customerSinceDate"] is None:
            doc["customerSinceDate"] = audit.now_iso()
        doc["attributes"] = attributes.initial(store, tx, scope, body.get("attributes") or [],
                                               actor)
        doc["auditInfo"] = audit.created(actor)
        tx.put(scope.accounts, account_id, doc)
    return present(store, scope, doc)


def update_account(store: Store, scope: Scope, account_id: int, body: dict[str, Any],
                   actor: str) -> dict[str, Any]:
    fields = _check_fields(body)
    with store.transaction() as tx:
        doc = editable(store, scope, account_id)
        if "externalId" in fields:
            _check_external_id_free(store, scope, fields["externalId"], account_id)
        doc.update(fields)
        save(tx, scope, doc, actor)
    return present(store, scope, doc)


def get_account(store: Store, scope: Scope, account_id: int) -> dict[str, Any]:
    with store.lock:
        return present(store, scope, stored(store, scope, account_id))


def list_accounts(store: Store, scope: Scope, query: ListQuery) -> dict[str, Any]:
    fields = account_fields()
    matching = predicate_for(query, fields)
    with store.lock:
        docs = _filtered(store, scope.accounts, matching)
        envelope = page(docs, query, fields, TEXT_FIELDS)
        envelope["items"] = [present(store, scope, doc) for doc in envelope["items"]]
    return envelope


def _filtered(store: Store, table: str, matching: Filter | None) -> list[dict[str, Any]]:
    """The accounts ``matching`` accepts, in id order (the table's order: new accounts always
    get higher ids). Only the candidates the indexes name are tested when they narrow the
    search (the sync's ``externalId eq '...'``, a name prefix); otherwise every account is."""
    if matching is None:
        return store.docs(table)
    ids = matching.candidates(functools.partial(store.candidates, table))
    if ids is None:
        return [doc for doc in store.docs(table) if matching.matches(doc)]
    found = (store.get(table, doc_id) for doc_id in sorted(ids))
    return [doc for doc in found if doc is not None and matching.matches(doc)]


def save(tx: Transaction, scope: Scope, doc: dict[str, Any], actor: str) -> None:
    """Store a changed copy of an account, stamping its audit info."""
    doc["auditInfo"] = audit.updated(doc.get("auditInfo"), actor)
    tx.put(scope.accounts, doc["id"], doc)
