"""Customer contacts of an account: its addresses, each with its types (Billing, Shipping) and
whether it is the account's primary of each type.

Rules: a contact needs an e-mail and at least one type (as the published description says);
ids are assigned by the service, per tenant; an account has at most one primary contact of a
type, so making one primary makes the others of that type not primary; replacing the list
replaces every contact of the account. Contacts listed across accounts carry the account's name.
"""

from __future__ import annotations

from typing import Any

from . import audit
from .call import Call
from .errors import bad_request, not_found, shown
from .ports import Writes
from .query.paging import ListQuery, page, predicate_for
from .records import stored_account

FIRST_CONTACT_ID = 1
TYPES = ("Billing", "Shipping")
FIELDS = ("email", "firstName", "middleNameOrInitial", "lastNameOrSurname",
          "companyOrOrganization", "faxNumber", "label")
TEXT_FIELDS = ("email", "firstName", "lastNameOrSurname", "companyOrOrganization", "label")


def contact_fields(call: Call) -> dict[str, str]:
    return call.catalog.field_types("CustomerContact")


def _checked(body: dict[str, Any]) -> dict[str, Any]:
    """A contact's fields from a body: e-mail and types required, types by their known names
    (read regardless of case; a type named twice counts once, primary if either says so)."""
    email = body.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise bad_request("a contact needs an e-mail address (email)", field="email")
    kinds: dict[str, bool] = {}
    for kind in body.get("types") or []:
        name = next((t for t in TYPES if t.casefold() == str(kind.get("name") or "").casefold()),
                    None)
        if name is None:
            raise bad_request(f"contact type '{shown(kind.get('name'))}' is not one of "
                              f"{', '.join(TYPES)}", field="types")
        kinds[name] = kinds.get(name, False) or bool(kind.get("isPrimary"))
    if not kinds:
        raise bad_request(f"a contact needs a type ({' or '.join(TYPES)})", field="types")
    fields = {name: body.get(name) for name in FIELDS}
    fields["types"] = [{"name": name, "isPrimary": primary} for name, primary in kinds.items()]
    fields["address"] = {**_EMPTY_ADDRESS, **{k: v for k, v in (body.get("address") or {}).items()
                                              if k in _EMPTY_ADDRESS}}
    fields["phoneNumbers"] = {**_EMPTY_PHONES,
                              **{k: v for k, v in (body.get("phoneNumbers") or {}).items()
                                 if k in _EMPTY_PHONES}}
    return fields


_EMPTY_ADDRESS: dict[str, Any] = {
    "address1": None, "address2": None, "address3": None, "address4": None,
    "cityOrTown": None, "stateOrProvince": None, "postalOrZipCode": None, "countryCode": None,
    "addressType": None, "isValidated": None,
}
_EMPTY_PHONES: dict[str, Any] = {"home": None, "mobile": None, "work": None}


def of_account(call: Call, account_id: int) -> list[dict[str, Any]]:
    """The stored contacts of an account, in the order they were added."""
    ids = call.store.lookup(call.scope.contacts, "accountId", account_id)
    found = (call.store.get(call.scope.contacts, contact_id) for contact_id in ids)
    return [doc for doc in found if doc is not None]


def _take_primaries(call: Call, tx: Writes, account_id: int, contact: dict[str, Any],
                    others: list[dict[str, Any]]) -> None:
    """Make the other contacts of the account not primary for the types ``contact`` is."""
    primary = {kind["name"] for kind in contact["types"] if kind["isPrimary"]}
    for other in others:
        if other["id"] == contact["id"]:
            continue
        if any(kind["isPrimary"] and kind["name"] in primary for kind in other["types"]):
            changed = {**other, "types": [{**kind, "isPrimary": kind["isPrimary"]
                                           and kind["name"] not in primary}
                                          for kind in other["types"]],
                       "auditInfo": audit.updated(other.get("auditInfo"), call.actor)}
            tx.put(call.scope.contacts, changed["id"], changed)


def _new(call: Call, tx: Writes, account_id: int, body: dict[str, Any]) -> dict[str, Any]:
    contact_id = tx.next_id(call.scope.contacts, FIRST_CONTACT_ID)
    return {"id": contact_id, "accountId": account_id, **_checked(body),
            "auditInfo": audit.created(call.actor)}


def add(call: Call, account_id: int, body: dict[str, Any]) -> dict[str, Any]:
    with call.store.transaction() as tx:
        stored_account(call, account_id)
        contact = _new(call, tx, account_id, body)
        _take_primaries(call, tx, account_id, contact, of_account(call, account_id))
        tx.put(call.scope.contacts, contact["id"], contact)
    return contact


def replace_all(call: Call, account_id: int, bodies: list[dict[str, Any]]) -> dict[str, Any]:
    """Make ``bodies`` the account's contacts (the ones it had are deleted)."""
    with call.store.transaction() as tx:
        stored_account(call, account_id)
        for old in of_account(call, account_id):
            tx.delete(call.scope.contacts, old["id"])
        made: list[dict[str, Any]] = []
        for body in bodies:
            contact = _new(call, tx, account_id, body)
            for earlier in made:  # a later primary of a type wins
                if any(k["isPrimary"] for k in contact["types"]):
                    primary = {k["name"] for k in contact["types"] if k["isPrimary"]}
                    earlier["types"] = [{**k, "isPrimary": k["isPrimary"]
                                         and k["name"] not in primary} for k in earlier["types"]]
            made.append(contact)
        for contact in made:
            tx.put(call.scope.contacts, contact["id"], contact)
    return page(made, ListQuery(page_size=max(len(made), 1)), contact_fields(call))


def _stored(call: Call, account_id: int, contact_id: int) -> dict[str, Any]:
    stored_account(call, account_id)
    doc = call.store.get(call.scope.contacts, contact_id)
    if doc is None or doc["accountId"] != account_id:
        raise not_found(f"Contact {contact_id} not found on account {account_id}",
                        accountId=account_id, contactId=contact_id)
    return doc


def get(call: Call, account_id: int, contact_id: int) -> dict[str, Any]:
    with call.store.lock:
        return _stored(call, account_id, contact_id)


def update(call: Call, account_id: int, contact_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Replace the contact's fields (the path names it; an id in the body is ignored)."""
    with call.store.transaction() as tx:
        old = _stored(call, account_id, contact_id)
        contact = {"id": contact_id, "accountId": account_id, **_checked(body),
                   "auditInfo": audit.updated(old.get("auditInfo"), call.actor)}
        _take_primaries(call, tx, account_id, contact, of_account(call, account_id))
        tx.put(call.scope.contacts, contact_id, contact)
    return contact


def delete(call: Call, account_id: int, contact_id: int) -> None:
    with call.store.transaction() as tx:
        _stored(call, account_id, contact_id)
        tx.delete(call.scope.contacts, contact_id)


def list_contacts(call: Call, account_id: int, query: ListQuery) -> dict[str, Any]:
    fields = contact_fields(call)
    predicate = predicate_for(query, fields)
    with call.store.lock:
        stored_account(call, account_id)
        docs = of_account(call, account_id)
    if predicate is not None:
        docs = [doc for doc in docs if predicate.matches(doc)]
    return page(docs, query, fields, TEXT_FIELDS)


def across_accounts(call: Call, query: ListQuery) -> dict[str, Any]:
    """The B2B accounts' contacts of the tenant, each with its account's name."""
    fields = call.catalog.field_types("ExtendedCustomerContact")
    predicate = predicate_for(query, fields)
    with call.store.lock:
        names = {doc["id"]: doc.get("companyOrOrganization")
                 for doc in call.store.docs(call.scope.accounts)}
        docs = [{**doc, "accountName": names.get(doc["accountId"])}
                for doc in call.store.docs(call.scope.contacts) if doc["accountId"] in names]
    if predicate is not None:
        docs = [doc for doc in docs if predicate.matches(doc)]
    return page(docs, query, fields, (*TEXT_FIELDS, "accountName"))
