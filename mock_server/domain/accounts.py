"""B2B accounts: creating, reading, listing and changing them.

Rules kept here: the service assigns integer account ids (from 1001, per tenant scope); an
account's ``externalId`` is unique in its scope (a mock rule: a sync that creates duplicates
fails here); ``users``, ``attributes``, ids and ``auditInfo`` are not changed by UpdateAccount.
"""

from __future__ import annotations

import functools
from typing import Any

from . import attributes, audit, users
from .call import Call
from .errors import already_exists, bad_request
from .query.filters import Filter, parse_datetime
from .query.paging import ListQuery, page, predicate_for
from .records import editable_account, save_account, stored_account

FIRST_ACCOUNT_ID = 1001
TEXT_FIELDS = ("companyOrOrganization", "externalId", "taxId")
DEFAULTS: dict[str, Any] = {
    "accountType": "B2B", "companyOrOrganization": None, "customerSet": None,
    "customerSinceDate": None, "externalId": None, "isActive": True, "priceList": None,
    "taxExempt": False, "taxId": None, "approvalStatus": None, "parentAccountId": None,
    "priority": None, "migrationRequired": False,
}
# What an account holds that other operations (or nothing in the mock) manage: answered as the
# service answers an account that has none of them.
MANAGED: dict[str, Any] = {
    "contacts": [], "notes": [], "segments": [], "salesReps": [],
    "commerceSummary": {"totalOrderAmount": {"currencyCode": "USD", "amount": 0},
                        "orderCount": 0, "lastOrderDate": None, "wishlistCount": 0,
                        "visitsCount": 0},
}


def account_fields(call: Call) -> dict[str, str]:
    return call.catalog.field_types("B2BAccount")


def _check_fields(call: Call, fields: dict[str, Any]) -> dict[str, Any]:
    """The client's writable scalar fields, checked beyond what the schema can say."""
    writable = call.catalog.writable_fields("B2BAccountInput")
    clean = {k: v for k, v in fields.items() if k in writable}
    if "companyOrOrganization" in clean and clean["companyOrOrganization"] is None:
        raise bad_request("companyOrOrganization must not be empty", field="companyOrOrganization")
    for name in ("companyOrOrganization", "externalId"):
        value = clean.get(name)
        if isinstance(value, str) and \
                not call.catalog.pattern("B2BAccountInput", name).search(value):
            raise bad_request(f"{name} must not be empty", field=name)
    if clean.get("customerSinceDate") is not None:
        try:
            parse_datetime(clean["customerSinceDate"])
        except ValueError:
            raise bad_request(f"customerSinceDate '{clean['customerSinceDate']}' is not an "
                              "ISO 8601 date-time", field="customerSinceDate") from None
    return clean


def _check_external_id_free(call: Call, external_id: str | None,
                            own_id: int | None = None) -> None:
    if external_id is None:
        return
    for doc_id in call.store.lookup(call.scope.accounts, "externalId", external_id):
        if doc_id != own_id:
            raise already_exists(f"An account with externalId '{external_id}' already exists "
                                 f"(id {doc_id})", externalId=external_id, id=doc_id)


def present(call: Call, doc: dict[str, Any], with_users: bool = True) -> dict[str, Any]:
    """The account as the service answers it, with its users when asked (every field of the
    published model, a root account being its own root).

    Stored documents are never changed in place, so they go out uncopied.
    """
    body = {**DEFAULTS, **MANAGED, "rootAccountId": doc["id"], **doc}
    if with_users:
        body["users"] = [users.present(user)
                         for user in call.store.docs(call.scope.users(doc["id"]))]
    return body


def add_account(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    fields = _check_fields(call, body)
    if "companyOrOrganization" not in fields:
        raise bad_request("companyOrOrganization is required", field="companyOrOrganization")
    with call.store.transaction() as tx:
        _check_external_id_free(call, fields.get("externalId"))
        account_id = tx.next_id(call.scope.accounts, FIRST_ACCOUNT_ID)
        doc = {**DEFAULTS, **fields, "id": account_id}
        if doc["customerSinceDate"] is None:
            doc["customerSinceDate"] = audit.now_iso()
        doc["attributes"] = attributes.initial(call, tx, body.get("attributes") or [])
        doc["auditInfo"] = audit.created(call.actor)
        tx.put(call.scope.accounts, account_id, doc)
    return present(call, doc)


def update_account(call: Call, account_id: int, body: dict[str, Any]) -> dict[str, Any]:
    fields = _check_fields(call, body)
    with call.store.transaction() as tx:
        doc = editable_account(call, account_id)
        if "externalId" in fields:
            _check_external_id_free(call, fields["externalId"], account_id)
        doc.update(fields)
        save_account(call, tx, doc)
    return present(call, doc)


def get_account(call: Call, account_id: int) -> dict[str, Any]:
    with call.store.lock:
        return present(call, stored_account(call, account_id))


def list_accounts(call: Call, query: ListQuery) -> dict[str, Any]:
    fields = account_fields(call)
    matching = predicate_for(query, fields)
    with call.store.lock:
        docs = _filtered(call, call.scope.accounts, matching)
        envelope = page(docs, query, fields, TEXT_FIELDS)
        envelope["items"] = [present(call, doc) for doc in envelope["items"]]
    return envelope


def _filtered(call: Call, table: str, matching: Filter | None) -> list[dict[str, Any]]:
    """The accounts ``matching`` accepts, in id order (the table's order: new accounts always
    get higher ids). Only the candidates the indexes name are tested when they narrow the
    search (the sync's ``externalId eq '...'``, a name prefix); otherwise every account is."""
    if matching is None:
        return call.store.docs(table)
    ids = matching.candidates(functools.partial(call.store.candidates, table))
    if ids is None:
        return [doc for doc in call.store.docs(table) if matching.matches(doc)]
    found = (call.store.get(table, doc_id) for doc_id in sorted(ids))
    return [doc for doc in found if doc is not None and matching.matches(doc)]
